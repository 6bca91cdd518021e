// Spawns tests/harness/heap-subject.c (a known glibc heap) and waits for its quiescent point: its own mallinfo2()
// line, then malloc_info()'s XML; from then on its heap does not change until it is told to exit.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Mallinfo2 } from '../../shared/heap/report.js';
import { buildHarness } from './c-build.js';

/** mallinfo2's fields in the order heap-subject.c prints them. */
export const MALLINFO2_FIELDS: readonly (keyof Mallinfo2)[] = ['arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost'];

/** A quiescent heap subject. */
export interface QuiescentHeapSubject {
  pid: number;
  /** What its own mallinfo2() returned. */
  mallinfo2: Mallinfo2;
  /** Kills it (SIGKILL) and waits until it is reaped. */
  kill(): Promise<void>;
}

/** Starts heap-subject with args (e.g. ["2"] for two thread arenas) and resolves once its heap is built and reported. */
export async function startQuiescentHeapSubject(args: string[] = []): Promise<QuiescentHeapSubject> {
  const bin = buildHarness('heap-subject.c', ['-lpthread']);
  const child: ChildProcessWithoutNullStreams = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  const words = first.done === true ? [] : first.value.split(' ');
  if (words[0] !== 'mallinfo2') throw new Error(`heap-subject said ${words.join(' ')}`);
  const numbers = words.slice(1).map(Number);
  const mallinfo2 = Object.fromEntries(MALLINFO2_FIELDS.map((f, i) => [f, numbers[i]])) as unknown as Mallinfo2;
  for (let r = await lines.next(); r.done !== true; r = await lines.next()) if (r.value === '</malloc>') break;
  return {
    pid: child.pid ?? 0,
    mallinfo2,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
