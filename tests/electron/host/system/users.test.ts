// UserNames over a real passwd file: names as the file says, numbers without a file, and the names
// kept when the file exists but cannot be read now (a tick out of file descriptors must not turn users into numbers).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserNames } from '../../../../electron/host/system/users.js';

test('UserNames: names from the file; numbers when there is none; the last names when it cannot be read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memscope-users-'));
  try {
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n');
    const users = new UserNames(passwd);
    users.refresh();
    assert.equal(users.nameOf(1000), 'alice');

    rmSync(passwd);
    mkdirSync(passwd); // exists, changed, unreadable as a file (EISDIR)
    users.refresh();
    assert.equal(users.nameOf(1000), 'alice');

    rmSync(passwd, { recursive: true });
    users.refresh();
    assert.equal(users.nameOf(1000), '1000');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
