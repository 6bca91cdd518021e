// Deliberately simple second readings of /proc text (split + regex over a decoded string), written
// independently of shared/proc/*, so parser tests compare two methods instead of copying outputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROC_FIXTURES } from './paths.js';
import type { Mapping } from '../../shared/proc/types.js';

/** The bytes of tests/fixtures/proc/<fixture>/<file>. */
export function readFixture(fixture: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(PROC_FIXTURES, fixture, file)));
}

/** The text of a fixture file, decoded as UTF-8 (Node's decoder, not ours). */
export function readFixtureText(fixture: string, file: string): string {
  return readFileSync(join(PROC_FIXTURES, fixture, file), 'utf8');
}

/** readlink(/proc/PID/exe) as captured in the fixture's `exe` file (trailing newline removed). */
export function readFixtureExe(fixture: string): string {
  return readFixtureText(fixture, 'exe').replace(/\n$/, '');
}

/** One header line read by regex. */
export interface ReferenceHeader {
  start: string;
  end: string;
  perms: string;
  offset: string;
  dev: string;
  inode: number;
  path: string;
}

const HEADER_RE = /^([0-9a-f]+)-([0-9a-f]+) ([-r][-w][-x][ps]) ([0-9a-f]+) ([0-9a-f]+:[0-9a-f]+) (\d+) ?(.*)$/;

/** Reads a maps/smaps header line by regex: the path is what follows the inode, minus the leading spaces. */
export function readHeaderReference(lineText: string): ReferenceHeader | null {
  const m = HEADER_RE.exec(lineText);
  if (m === null) return null;
  return { start: m[1]!, end: m[2]!, perms: m[3]!, offset: m[4]!, dev: m[5]!, inode: Number(m[6]), path: m[7]!.replace(/^ +/, '') };
}

/** Reads /proc/PID/maps text line by line. */
export function readMapsReference(text: string): ReferenceHeader[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const h = readHeaderReference(l);
      if (h === null) throw new Error(`reference reader: not a maps line: ${l}`);
      return h;
    });
}

/** One smaps mapping read by the reference reader. */
export interface ReferenceSmapsEntry extends ReferenceHeader {
  fields: Record<string, number | string[]>;
}

/** Reads smaps (or smaps_rollup) text: a header regex, then "Key: value" lines. */
export function readSmapsReference(text: string): ReferenceSmapsEntry[] {
  const out: ReferenceSmapsEntry[] = [];
  for (const l of text.split('\n')) {
    if (l === '') continue;
    const h = readHeaderReference(l);
    if (h !== null) {
      out.push({ ...h, fields: {} });
      continue;
    }
    const colon = l.indexOf(':');
    const key = l.slice(0, colon);
    const value = l.slice(colon + 1).trim();
    let parsed: number | string[];
    if (/^\d+ kB$/.test(value)) parsed = Number(value.split(' ')[0]);
    else if (/^\d+$/.test(value)) parsed = Number(value);
    else parsed = value.split(/\s+/).filter((w) => w !== '');
    out[out.length - 1]!.fields[key] = parsed;
  }
  return out;
}

/** Reads /proc/PID/status text into key → trimmed value. */
export function readStatusReference(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of text.split('\n')) {
    if (l === '') continue;
    const colon = l.indexOf(':');
    out[l.slice(0, colon)] = l.slice(colon + 1).trim();
  }
  return out;
}

/** A status value like "  1234 kB" as a number of kB (0 when the key is absent). */
export function statusKb(status: Record<string, string>, key: string): number {
  const v = status[key];
  return v === undefined ? 0 : Number(v.split(/\s+/)[0]);
}

/** Reads /proc/PID/stat text: comm between the first "(" and the last ")"; fields[n] is proc(5) field n. */
export function readStatReference(text: string): { comm: string; fields: string[] } {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).replace(/\n$/, '').split(' ');
  // fields[1] = pid, fields[2] = comm, fields[3…] = after ")".
  return { comm: text.slice(open + 1, close), fields: ['', text.slice(0, open - 1), text.slice(open + 1, close), ...rest] };
}

/** A Mapping without its smaps fields (what parseMaps gives for the same line). */
export function headerOf(m: Mapping): Mapping {
  const { start, end, perms, offset, dev, inode, path, kind } = m;
  return { start, end, perms, offset, dev, inode, path, kind };
}

/** Size of a mapping in kB by plain BigInt arithmetic on the hex text. */
export function sizeKbReference(start: string, end: string): number {
  return Number((BigInt(`0x${end}`) - BigInt(`0x${start}`)) / 1024n);
}

/** One line of odd-paths' own report: what it mapped, where, how big, how much it touched. */
export interface SubjectReport {
  what: string;
  start: string;
  sizeKb: number;
  touchedKb: number;
  path: string;
}

/** Reads the lines odd-paths printed ("what start sizeKb touchedKb path"). */
export function readSubjectReport(text: string): Map<string, SubjectReport> {
  const out = new Map<string, SubjectReport>();
  for (const l of text.split('\n')) {
    if (l === '' || l === 'ready') continue;
    const [what, start, size, touched] = l.split(' ', 4) as [string, string, string, string];
    const path = l.slice(what.length + start.length + size.length + touched.length + 4);
    out.set(what, { what, start, sizeKb: Number(size), touchedKb: Number(touched), path });
  }
  return out;
}

/** /proc/PID/status as key → first number (kB fields as kB). */
export function referenceStatusNumbers(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const [key, rest] = line.split(':\t');
    if (key !== undefined && rest !== undefined) out[key] = Number(rest.trim().split(/\s+/)[0]);
  }
  return out;
}
