// A program that frees or reallocates memory it no longer owns (double free, free after the block was
// unmapped): what the real allocator does about it, so a replay stops where the real program dies or
// where the model can no longer follow it. The real outcomes are measured with tests/harness/*-replay.c.

/**
 * How the real program fares at that call:
 *  - abort: the allocator's check fires; it prints `message` on stderr and calls abort() (SIGABRT);
 *  - segv: it reads the block's header in memory that is no longer mapped (SIGSEGV);
 *  - undetected: no check fires and the program carries on with a corrupt heap (a block on a free
 *    list twice, or handed out while free), which the model does not follow;
 *  - unmodelled: the allocator's checks read stale heap memory the model does not keep.
 */
export type HeapMisuseOutcome = 'abort' | 'segv' | 'undetected' | 'unmodelled';

/** The replayed program misused the heap: the replay stops at `opIndex`, before that op's effects. */
export class HeapMisuseError extends Error {
  /** Index of the op in the trace (set by the replay; −1 outside one). */
  opIndex = -1;

  /** `message` is the allocator's own text for `abort` (e.g. "free(): double free detected in tcache 2"). */
  constructor(
    readonly outcome: HeapMisuseOutcome,
    message: string,
  ) {
    super(message);
    this.name = 'HeapMisuseError';
  }
}

/** What the real program does, in words, after the message: "glibc aborts the program (SIGABRT)". */
export function describeMisuseOutcome(err: HeapMisuseError, allocatorName: string): string {
  switch (err.outcome) {
    case 'abort': return `${allocatorName} aborts the program here (SIGABRT)`;
    case 'segv': return 'the program dies here (SIGSEGV)';
    case 'undetected': return `${allocatorName} does not detect it and the program goes on with a corrupt heap; the model stops here`;
    case 'unmodelled': return 'the model stops here';
  }
}
