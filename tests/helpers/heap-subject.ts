// tests/harness/heap-subject.c for the heap tests: built and started, with what it reports of itself (its own
// mallinfo2() and malloc_info()) and a way to send it commands ("trim"); a real program's fragmented heap
// (python3); and `memscope heap --json` of either.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { HeapReport, Mallinfo2 } from '../../shared/heap/report.js';
import { buildHarness } from './c-build.js';
import { runMemscope } from './cli.js';

/** mallinfo2's fields in struct order (the subject prints them so). */
export const MALLINFO2_FIELDS: (keyof Mallinfo2)[] = ['arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost'];

/** A running tests/harness/heap-subject.c. */
export interface HeapSubject {
  pid: number;
  /** What the subject's own mallinfo2() returned at its quiescent point. */
  mallinfo2: Mallinfo2;
  /** Its malloc_info() right after, heap by heap (nr 0 = main arena, then newest first). */
  mallocInfo: MallocInfoHeap[];
  /** Sends one command line ("trim") and returns the subject's one-line answer. */
  ask(command: string): Promise<string>;
  kill(): Promise<void>;
}

/** One `<heap nr=…>` of malloc_info(): its fast and rest totals and current system bytes. */
export interface MallocInfoHeap {
  fast: { count: number; size: number };
  rest: { count: number; size: number };
  systemBytes: number;
}

function parseMallocInfo(xml: string): MallocInfoHeap[] {
  return xml
    .split('<heap nr=')
    .slice(1)
    .map((block) => {
      const total = (type: string) => {
        const m = new RegExp(`<total type="${type}" count="(\\d+)" size="(\\d+)"/>`).exec(block);
        return { count: Number(m?.[1]), size: Number(m?.[2]) };
      };
      return { fast: total('fast'), rest: total('rest'), systemBytes: Number(/<system type="current" size="(\d+)"\/>/.exec(block)?.[1]) };
    });
}

/**
 * Each arena against malloc_info's heap of the same position. Its "rest" is top plus every binned chunk, the
 * sizes summed with their PREV_INUSE bit (chunksize_nomask; always set on a binned chunk): + 1 per chunk.
 */
export function assertAgreesWithMallocInfo(report: HeapReport, info: MallocInfoHeap[]): void {
  assert.equal(report.arenas.length, info.length);
  report.arenas.forEach((a, i) => {
    const heap = info[i]!;
    const binned = a.free.unsorted.chunks + a.free.smallbins.chunks + a.free.largebins.chunks;
    const binnedBytes = a.free.unsorted.bytes + a.free.smallbins.bytes + a.free.largebins.bytes;
    assert.equal(a.system_bytes, heap.systemBytes, `arena ${i} system`);
    assert.deepEqual({ count: a.free.fastbins.chunks, size: a.free.fastbins.bytes }, heap.fast, `arena ${i} fast`);
    assert.deepEqual({ count: binned + 1, size: a.top_bytes + binnedBytes + binned }, heap.rest, `arena ${i} rest`);
  });
}

/** Builds and starts heap-subject.c with `args`, and reads its mallinfo2() and malloc_info() lines. */
export async function startHeapSubject(args: string[], extraFlags: string[] = [], env?: NodeJS.ProcessEnv): Promise<HeapSubject> {
  const bin = buildHarness('heap-subject.c', ['-lpthread', ...extraFlags]);
  const child: ChildProcessWithoutNullStreams = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(env === undefined ? {} : { env }) });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  const words = first.done === true ? [] : first.value.split(' ');
  assert.equal(words[0], 'mallinfo2', `subject said ${words.join(' ')}`);
  const numbers = words.slice(1).map(Number);
  const mallinfo2 = Object.fromEntries(MALLINFO2_FIELDS.map((f, i) => [f, numbers[i]])) as unknown as Mallinfo2;
  const xml: string[] = [];
  for (let r = await lines.next(); r.done !== true && xml.length < 10_000; r = await lines.next()) {
    xml.push(r.value);
    if (r.value === '</malloc>') break;
  }
  return {
    pid: child.pid ?? 0,
    mallinfo2,
    mallocInfo: parseMallocInfo(xml.join('\n')),
    async ask(command: string) {
      child.stdin.write(`${command}\n`);
      const r = await lines.next();
      assert.ok(r.done !== true, `the subject closed its output after ${command}`);
      return r.value;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}


/** How to start the subject: extra cc flags (`-static`) and the environment (default: this process's). */
export interface HeapSubjectStart {
  extraFlags?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Starts heap-subject.c with `args`, runs `body` on it, and kills it however body ends. */
export async function withHeapSubject<T>(args: string[], body: (subject: HeapSubject) => T | Promise<T>, start: HeapSubjectStart = {}): Promise<T> {
  const subject = await startHeapSubject(args, start.extraFlags, start.env);
  try {
    return await body(subject);
  } finally {
    await subject.kill();
  }
}

/**
 * Runs `body` on a real program's fragmented heap: python3 holding a dict of 50,000 strings of ~600 bytes,
 * every other one deleted. Strings over 512 bytes bypass pymalloc, so each is a glibc chunk and 25,000 of
 * them are free between live ones. The program is killed however body ends.
 */
export async function withPythonHalfFreedDict<T>(body: (pid: number) => T | Promise<T>): Promise<T> {
  const script = [
    'import sys',
    "d = {i: 'x' * 600 + str(i) for i in range(50000)}",
    'for i in range(0, 50000, 2): del d[i]',
    'print("ready", flush=True)',
    'sys.stdin.read()',
  ].join('\n');
  const child = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
    return await body(child.pid ?? 0);
  } finally {
    child.kill('SIGKILL');
  }
}

/** `memscope heap PID --json FLAGS…`, which must succeed, parsed. */
export function readHeapJson(pid: number, ...flags: string[]): HeapReport {
  const r = runMemscope(['heap', String(pid), '--json', ...flags]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as HeapReport;
}
