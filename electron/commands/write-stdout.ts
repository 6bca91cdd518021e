// Writing big outputs to stdout with bounded memory: a write that fills the pipe waits for 'drain'
// (`| head` ends in cli.ts's EPIPE handler).
import { once } from 'node:events';

/** Characters gathered before a write: few syscalls, little buffered. */
const WRITE_CHUNK_CHARS = 1 << 16;

/** Writes text; the returned promise (when the pipe is full) resolves once it drains. */
export function writeStdout(text: string): void | Promise<void> {
  if (process.stdout.write(text)) return;
  return once(process.stdout, 'drain').then(() => undefined);
}

/** Writes lines, each ending with a newline, in chunks of about 64 KiB, waiting for the reader as needed. */
export async function writeLines(lines: Iterable<string>): Promise<void> {
  let chunk = '';
  for (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length >= WRITE_CHUNK_CHARS) {
      await writeStdout(chunk);
      chunk = '';
    }
  }
  await writeStdout(chunk);
}
