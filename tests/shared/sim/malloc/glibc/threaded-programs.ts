// Random multi-threaded programs as memscope-trace 2 text, for the threaded model tests: threads that
// allocate (malloc, calloc, memalign, realloc) and free each other's blocks, trim, exit, and new threads
// that start after others exited. Seeded, so a failing program can be replayed by its seed.
import { createRng } from '../../../../../shared/sim/rng.js';

/** The shape of a generated program. */
export interface ThreadedProgramOptions {
  seed: number;
  ops: number;
  /** Threads alive at once at most (main included). */
  maxLiveThreads: number;
  /** Threads ever started at most (main included). */
  maxThreads: number;
  /** cpus= of the header. */
  cpus: number;
  /** Probability that an op is a thread exit (when a thread other than main is alive). */
  exitRate?: number;
  /** Probability of allocating a large block (100 KB … 300 KB: mmap threshold and beyond). */
  largeRate?: number;
}

const ALIGNMENTS = [8, 16, 32, 48, 64, 128, 256, 1024, 4096];

/** A random program: every op names a live block or a fresh id, threads appear in order and run nothing after `x`. */
export function generateThreadedProgram(o: ThreadedProgramOptions): string {
  const rng = createRng(o.seed);
  const lines = [`# memscope-trace 2 cpus=${o.cpus}`];
  const live: number[] = [];
  const alive: number[] = [0];
  let started = 1;
  let nextId = 1;
  let current = 0;
  const pickSize = (): number => {
    const r = rng.nextFloat();
    if (r < (o.largeRate ?? 0.01)) return rng.nextInt(100_000, 300_000);
    if (r < 0.6) return rng.nextInt(1, 200);
    if (r < 0.9) return rng.nextInt(200, 1100);
    return rng.nextInt(1100, 20_000);
  };
  for (let i = 0; i < o.ops; i++) {
    // the thread of this op: mostly stay, sometimes switch, sometimes start a new one
    const r0 = rng.nextFloat();
    if (r0 < 0.05 && started < o.maxThreads && alive.length < o.maxLiveThreads) {
      alive.push(started++);
      current = alive[alive.length - 1]!;
    } else if (r0 < 0.3) {
      current = alive[rng.nextInt(0, alive.length)]!;
    }
    if (alive.length > 1 && rng.nextFloat() < (o.exitRate ?? 0.01)) {
      const k = rng.nextInt(1, alive.length);
      lines.push(`x ${alive[k]}`);
      alive.splice(k, 1);
      if (!alive.includes(current)) current = 0;
      continue;
    }
    lines.push(`@ ${current}`);
    const r = rng.nextFloat();
    if (live.length > 0 && r < 0.42) {
      const k = rng.nextInt(0, live.length);
      lines.push(`f ${live[k]}`);
      live[k] = live[live.length - 1]!;
      live.pop();
    } else if (live.length > 0 && r < 0.5) {
      lines.push(`r ${live[rng.nextInt(0, live.length)]} ${pickSize()}`);
    } else if (r < 0.6) {
      lines.push(`c ${nextId} ${rng.nextInt(1, 9)} ${Math.ceil(pickSize() / 4)}`);
      live.push(nextId++);
    } else if (r < 0.68) {
      lines.push(`m ${nextId} ${ALIGNMENTS[rng.nextInt(0, ALIGNMENTS.length)]} ${pickSize()}`);
      live.push(nextId++);
    } else if (r < 0.685) {
      lines.push(`t ${rng.nextFloat() < 0.5 ? 0 : 65536}`);
    } else {
      lines.push(`a ${nextId} ${pickSize()}`);
      live.push(nextId++);
    }
  }
  return lines.join('\n') + '\n';
}
