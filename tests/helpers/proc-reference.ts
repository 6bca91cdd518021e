// Deliberately simple readers of /proc text (split + trim), used as an independent second
// reading to check memscope's byte parsers and sampler against.
import { readFileSync } from 'node:fs';

/** /proc/PID/status as key → first number (kB fields as kB). */
export function referenceStatusNumbers(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const [key, rest] = line.split(':\t');
    if (key !== undefined && rest !== undefined) out[key] = Number(rest.trim().split(/\s+/)[0]);
  }
  return out;
}

/** One mapping of /proc/PID/smaps read the simple way. */
export interface ReferenceMapping {
  start: string;
  end: string;
  perms: string;
  offset: string;
  dev: string;
  inode: number;
  path: string;
  fields: Record<string, number | string[]>;
}

/** /proc/PID/smaps (or maps) parsed with split and regexes. */
export function referenceSmaps(text: string): ReferenceMapping[] {
  const out: ReferenceMapping[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) (\S+) (\d+) ?\s*(.*)$/.exec(line);
    if (header !== null && !/^[A-Za-z_]+:/.test(line)) {
      out.push({
        start: header[1] ?? '',
        end: header[2] ?? '',
        perms: header[3] ?? '',
        offset: header[4] ?? '',
        dev: header[5] ?? '',
        inode: Number(header[6]),
        path: header[7] ?? '',
        fields: {},
      });
      continue;
    }
    const field = /^(\w+):\s*(.*)$/.exec(line);
    const current = out.at(-1);
    if (field === null || current === undefined) throw new Error(`reference parser: odd line ${JSON.stringify(line)}`);
    const key = field[1] ?? '';
    const value = (field[2] ?? '').trim();
    current.fields[key] = key === 'VmFlags' ? value.split(' ').filter((f) => f !== '') : Number(value.split(' ')[0]);
  }
  return out;
}
