// uid → user name from /etc/passwd, re-read only when the file changes.
import { readFileSync, statSync } from 'node:fs';
import { parsePasswd } from '../../../shared/proc/passwd.js';

/** Resolves uids to names as top does, falling back to the number. */
export class UserNames {
  private names = new Map<number, string>();
  private mtimeMs = -1;

  constructor(private readonly passwdPath = '/etc/passwd') {}

  /** The user name of uid, or its decimal form when /etc/passwd has none. */
  nameOf(uid: number): string {
    return this.names.get(uid) ?? String(uid);
  }

  /** Reloads /etc/passwd if it changed since the last call (cheap stat otherwise). */
  refresh(): void {
    try {
      const mtimeMs = statSync(this.passwdPath).mtimeMs;
      if (mtimeMs === this.mtimeMs) return;
      this.names = parsePasswd(readFileSync(this.passwdPath, 'latin1'));
      this.mtimeMs = mtimeMs;
    } catch (err) {
      // No passwd (containers): numeric users. Any other failure (out of fds) keeps the names we had.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.names = new Map();
    }
  }
}
