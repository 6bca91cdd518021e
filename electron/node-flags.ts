// V8 flags per CLI command, set by cli.ts before the command runs: the ones V8 reads while it runs (what
// v8.setFlagsFromString can still change). Flags V8 reads only at start-up, such as --no-concurrent-recompilation,
// cannot be set here (measured: no effect) and are in cli.ts's shebang, for every command.
import { setFlagsFromString } from 'node:v8';

/**
 * Command as typed (`sim malloc`, `top`) → V8 flags for its run. Measured on the 2 M-op malloclab trace (20.8 MB),
 * `sim malloc` summary: --semi-space-growth-factor=1 keeps the young generation at its first size (V8 doubled it
 * as op garbage kept coming): peak RSS 60.9 → 59.4 MB, CPU unchanged. --max-inlined-bytecode-size-cumulative=460
 * (V8's default 920) halves what TurboFan inlines into one function: compiling the model was 47 % of the
 * instructions of a run over the trace's first 200 K ops (callgrind; intMalloc is compiled 3 times, as each rare
 * path it reaches first deopts it). callgrind, 200 K ops: 2.83 → 2.48 G instructions; all 2 M: 7.36 → 7.28 G
 * (compiling −350 M, the model's code +250 M; 230 cost 7.75 G).
 */
export const COMMAND_V8_FLAGS: Readonly<Record<string, readonly string[]>> = {
  'sim malloc': ['--semi-space-growth-factor=1', '--max-inlined-bytecode-size-cumulative=460'],
};

/** The V8 flags of the command argv names (its first two words, or its first), none for an unlisted one. */
export function findCommandV8Flags(argv: readonly string[]): readonly string[] {
  return COMMAND_V8_FLAGS[`${argv[0] ?? ''} ${argv[1] ?? ''}`] ?? COMMAND_V8_FLAGS[argv[0] ?? ''] ?? [];
}

/** Sets the V8 flags of the command argv names (findCommandV8Flags), before its modules load and run. */
export function applyCommandV8Flags(argv: readonly string[]): void {
  const flags = findCommandV8Flags(argv);
  if (flags.length > 0) setFlagsFromString(flags.join(' '));
}
