// tests/harness/odd-paths.c run in a directory whose name holds ESC [ 2 J and a C1 CSI (U+009B): every file it
// maps has a path a terminal would act on, as any user could name a file. Shared by the maps, pages and
// translate tests of text output.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHarness } from '../../helpers/c-build.js';
import { readSubjectReport, type SubjectReport } from '../../helpers/proc-reference.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';

/** The hostile part of every path: clear screen, then a C1 CSI. */
export const HOSTILE_DIR_NAME = 'dir\x1b[2J\x9b31m';
/** The same as text output must show it. */
export const HOSTILE_DIR_SHOWN = 'dir\\x1b[2J\\x9b31m';

/** A running odd-paths subject in a hostile directory. */
export interface HostilePathsSubject {
  pid: number;
  /** What it mapped, by kind ("spaced", "newline", …), paths as the kernel prints them. */
  report: Map<string, SubjectReport>;
  /** Kills it and removes its files. */
  stop(): void;
}

/** Starts the subject and waits for its "ready" line. */
export async function startHostilePathsSubject(): Promise<HostilePathsSubject> {
  const root = mkdtempSync(join(tmpdir(), 'memscope-hostile-'));
  const { child, out } = await spawnUntilReady(buildHarness('odd-paths.c'), [join(root, HOSTILE_DIR_NAME)]);
  return {
    pid: child.pid!,
    report: readSubjectReport(out),
    stop() {
      child.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    },
  };
}
