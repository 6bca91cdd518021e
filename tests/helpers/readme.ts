// Reads one "## " section of README.md, so tests can check that the documented examples work.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** The text of the README section under "## <title>", up to the next "## " heading (code fences respected). */
export function readReadmeSection(title: string): string {
  const lines = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n');
  const start = lines.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`README.md has no section "## ${title}"`);
  let fence = false;
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('```')) fence = !fence;
    if (!fence && line.startsWith('## ')) break;
    out.push(line);
  }
  return out.join('\n');
}
