// The one error every /proc parser throws on input the kernel would not have printed.
// It names the file kind and the 1-based line, so a bad capture can be found by eye.

/** Thrown by the shared/proc parsers when bytes do not have the kernel's format. */
export class ProcParseError extends Error {
  /** Which /proc file was being parsed, e.g. "smaps". */
  readonly file: string;
  /** 1-based line number of the offending line in the parsed bytes. */
  readonly line: number;

  /**
   * @param file the /proc file kind ("stat", "smaps", …)
   * @param line 1-based line number
   * @param reason what was wrong, e.g. "expected '-' after start address"
   * @param excerpt the offending line's text (shortened), to show in the message
   */
  constructor(file: string, line: number, reason: string, excerpt?: string) {
    const shown = excerpt === undefined ? '' : `: ${JSON.stringify(excerpt.length > 120 ? `${excerpt.slice(0, 120)}…` : excerpt)}`;
    super(`${file} line ${line}: ${reason}${shown}`);
    this.name = 'ProcParseError';
    this.file = file;
    this.line = line;
  }
}

/**
 * Throws unless bytes look like a whole /proc file that always has content (stat, statm, status):
 * not empty, and ending with the '\n' the kernel puts after every line. A read into too small a
 * buffer, or a cut fixture, is caught here rather than parsed as a shorter record.
 * @param file the /proc file kind, for the message
 */
export function checkComplete(bytes: Uint8Array, file: string): void {
  if (bytes.length === 0) throw new ProcParseError(file, 1, 'empty');
  checkEndsWithNewline(bytes, file);
}

/**
 * Throws unless bytes are empty or end with '\n' (maps and smaps may be empty: kernel threads).
 * Checked before parsing, so a line cut short is reported as truncation, not as a bad field.
 * @param file the /proc file kind, for the message
 */
export function checkEndsWithNewline(bytes: Uint8Array, file: string): void {
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
  let line = 1;
  let lastLineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lastLineStart = i + 1;
    }
  }
  let excerpt = '';
  for (let i = lastLineStart; i < bytes.length && i < lastLineStart + 120; i++) excerpt += String.fromCharCode(bytes[i]!);
  throw new ProcParseError(file, line, 'truncated: the text does not end with a newline', excerpt);
}
