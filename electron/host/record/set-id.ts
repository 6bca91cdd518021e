// Whether CMD is a set-user-ID or set-group-ID program: the dynamic loader runs those in secure mode (AT_SECURE,
// ld.so(8) "LD_PRELOAD"), where a preload path with a slash is ignored, so the recording shim never loads.
import { statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** The mode bits of inode(7): set-user-ID, set-group-ID (node:fs constants lacks them). */
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;

/** The file `command` runs: itself when it has a slash, else the first regular executable file on PATH (execvp's search). */
function findCommandFile(command: string, pathVar: string): string | null {
  if (command.includes('/')) return resolve(command);
  for (const dir of pathVar.split(delimiter)) {
    const candidate = join(dir === '' ? '.' : dir, command);
    try {
      const st = statSync(candidate);
      if (st.isFile() && (st.mode & 0o111) !== 0) return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return null;
}

/** True when command (as execvp finds it on PATH) has the set-user-ID or set-group-ID bit. */
export function isSetIdCommand(command: string, pathVar = process.env['PATH'] ?? ''): boolean {
  const file = findCommandFile(command, pathVar);
  if (file === null) return false;
  try {
    return (statSync(file).mode & (S_ISUID | S_ISGID)) !== 0;
  } catch {
    return false;
  }
}
