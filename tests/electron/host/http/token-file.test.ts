// Token files as `memscope serve --token-file` and `memscope exporter --token-file` read them: a one-line
// warning when the group or other users can read the file, and tokens too short to resist guessing refused.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startServe } from '../../../helpers/browser.js';
import { assertOneLineError, runMemscope } from '../../../helpers/cli.js';

describe('token files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memscope-token-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A token file with exactly this mode (chmod after writing, so the umask does not interfere). */
  function tokenFile(name: string, token: string, mode: number): string {
    const path = join(dir, name);
    writeFileSync(path, `${token}\n`);
    chmodSync(path, mode);
    return path;
  }

  test('serve --token-file warns once when the group (0640) or everyone (0644) can read the file, and is silent at 0600', async () => {
    const cases: [number, RegExp | null][] = [
      [0o640, /^memscope: warning: .*token-640" is readable by its group; chmod 600 it\n$/],
      [0o604, /^memscope: warning: .*token-604" is readable by every user; chmod 600 it\n$/],
      [0o644, /^memscope: warning: .*token-644" is readable by every user; chmod 600 it\n$/],
      [0o600, null],
      [0o400, null],
    ];
    for (const [mode, warning] of cases) {
      const path = tokenFile(`token-${mode.toString(8)}`, 'serve-token-0123456789abcdef', mode);
      const serve = await startServe(['--token-file', path], { captureStderr: true });
      await serve.stop();
      assert.equal(serve.token, 'serve-token-0123456789abcdef');
      if (warning === null) assert.equal(serve.stderr(), '', mode.toString(8));
      else assert.match(serve.stderr(), warning, mode.toString(8));
    }
  });

  test('exporter --token-file warns for a group-readable file too', () => {
    const path = tokenFile('exporter-640', 'exporter-token-0123456789', 0o640);
    const r = runMemscope(['exporter', '--once', '--token-file', path]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^memscope: warning: .*exporter-640" is readable by its group; chmod 600 it\n$/);
  });

  test('a token shorter than 16 characters is refused: exit 1, one line, for serve and the exporter', () => {
    const short = tokenFile('short', 'fifteen-chars-x', 0o600);
    for (const args of [['serve', '--port', '0', '--token-file', short], ['exporter', '--once', '--token-file', short]]) {
      assertOneLineError(runMemscope(args, { timeoutMs: 20_000 }), 1, /--token-file .*short"?: the token has 15 characters, at least 16 are needed/);
    }
    const sixteen = tokenFile('sixteen', 'sixteen-chars-xx', 0o600);
    assert.equal(runMemscope(['exporter', '--once', '--token-file', sixteen]).code, 0);
  });
});
