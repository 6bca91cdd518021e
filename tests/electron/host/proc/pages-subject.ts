// Spawns tests/harness/pages-subject.c (regions mapped and pages touched on command) and talks to it line by line;
// plus the small readers the page tests compare memscope with: a mapping's smaps fields and a file's pages.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { buildHarness } from '../../../helpers/c-build.js';
import { readSmapsReference } from '../../../helpers/proc-reference.js';

/** Kinds of region the subject maps. */
export type RegionKind = 'anon' | 'shm' | 'file-private' | 'file-shared';

/** A running pages-subject. */
export interface PagesSubject {
  pid: number;
  /** Maps a region and returns its start, lowercase hex as /proc prints it. */
  map(kind: RegionKind, pages: number, path?: string): Promise<string>;
  read(startHex: string, first: number, count: number): Promise<void>;
  write(startHex: string, first: number, count: number): Promise<void>;
  protect(startHex: string, first: number, count: number): Promise<void>;
  unmap(startHex: string, first: number, count: number): Promise<void>;
  /** Forks a paused child sharing the address space copy-on-write; returns its pid. */
  fork(): Promise<number>;
  /** Flushes the per-CPU LRU batches (mlock's lru_add_drain_all) so KPF_LRU is current. */
  drain(): Promise<void>;
  /** SIGKILLs it (its forked children die with it) and waits until it is reaped. */
  kill(): Promise<void>;
}

/** Starts a pages-subject, as another user when uid/gid are given (root only). */
export async function startPagesSubject(ids: { uid?: number; gid?: number } = {}): Promise<PagesSubject> {
  const bin = buildHarness('pages-subject.c');
  const child: ChildProcessWithoutNullStreams = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'], ...ids });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done === true) throw new Error('pages-subject exited');
    return r.value;
  };
  const ask = async (line: string): Promise<string> => {
    child.stdin.write(`${line}\n`);
    const answer = await next();
    if (answer.startsWith('error')) throw new Error(`pages-subject: ${line}: ${answer}`);
    return answer;
  };
  if ((await next()) !== 'ready') throw new Error('pages-subject did not start');
  const pid = child.pid;
  if (pid === undefined) throw new Error('pages-subject has no pid');
  return {
    pid,
    async map(kind, pages, path) {
      return (await ask(`map ${kind} ${pages}${path === undefined ? '' : ` ${path}`}`)).split(' ')[1] ?? '';
    },
    async read(startHex, first, count) {
      await ask(`read ${startHex} ${first} ${count}`);
    },
    async write(startHex, first, count) {
      await ask(`write ${startHex} ${first} ${count}`);
    },
    async protect(startHex, first, count) {
      await ask(`protect ${startHex} ${first} ${count}`);
    },
    async unmap(startHex, first, count) {
      await ask(`unmap ${startHex} ${first} ${count}`);
    },
    async fork() {
      return Number((await ask('fork')).split(' ')[1]);
    },
    async drain() {
      await ask('drain');
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** smaps fields (kB) of the mapping of pid that starts at startHex, read the simple way. */
export function readSmapsOf(pid: number, startHex: string): Record<string, number> {
  const m = readSmapsReference(readFileSync(`/proc/${pid}/smaps`, 'utf8')).find((x) => x.start === startHex);
  if (m === undefined) throw new Error(`no mapping at ${startHex} in ${pid}`);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m.fields)) if (typeof v === 'number') out[k] = v;
  return out;
}

/**
 * Writes a file of `pages` pages of non-zero bytes, one page per write() (bigger writes let ext4 create large
 * folios, see kernel-paging.md) and fsyncs it, so its page-cache pages are order-0 and clean.
 */
export function writePagesFile(path: string, pages: number): void {
  const page = new Uint8Array(4096).fill(0x5a);
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < pages; i++) writeSync(fd, page);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
