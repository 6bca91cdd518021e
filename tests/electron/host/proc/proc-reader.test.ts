// proc-reader.ts is the only module that opens files under /proc: checked over the source of electron/, and its
// small-file helpers read the real /proc (or the root they are given) as the kernel answers.
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openProcFile, preadFull, readProcText } from '../../../../electron/host/proc/proc-reader.js';
import { PAGEMAP_ENTRY_BYTES } from '../../../../shared/proc/pagemap.js';
import { REPO_ROOT } from '../../../helpers/paths.js';

/** How a module would build a /proc path itself: a root interpolated, an fs call on a /proc literal, '/proc' as a default. */
const OWN_PROC_PATH = [
  /\$\{[\w.]*procRoot\}/,
  /\b(?:readFileSync|openSync|readdirSync|readlinkSync|statSync|existsSync|createReadStream|readFile|open)\(\s*['"`]\/proc/,
  /(?:=|\?\?)\s*['"`]\/proc['"`]/,
];

test('no module of electron/ but proc-reader.ts builds a path under /proc', () => {
  const dir = join(REPO_ROOT, 'electron');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  assert.ok(files.includes('host/proc/sampler.ts'), 'the source tree is there');
  const bad: string[] = [];
  for (const file of files) {
    if (file === 'host/proc/proc-reader.ts') continue;
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (OWN_PROC_PATH.some((re) => re.test(line))) bad.push(`electron/${file}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(bad, []);
});

test('readProcText reads a /proc file as the kernel writes it, under the root it is given', () => {
  assert.match(readProcText('self/status'), new RegExp(`^Pid:\\s+${process.pid}$`, 'm'));
  const root = mkdtempSync(join(tmpdir(), 'memscope-proc-root-'));
  try {
    writeFileSync(join(root, 'meminfo'), 'MemTotal:       1024 kB\n');
    assert.equal(readProcText('meminfo', root), 'MemTotal:       1024 kB\n');
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('preadFull reads pagemap at bigint offsets: the whole entry of a mapped page, nothing past TASK_SIZE', () => {
  const fd = openProcFile(`${process.pid}/pagemap`);
  try {
    // The page holding this process's stack (a mapped page) has one 8-byte entry.
    const stack = /^([0-9a-f]+)-[0-9a-f]+ [^\n]* \[stack\]$/m.exec(readProcText(`${process.pid}/maps`));
    assert.ok(stack !== null, 'the process has a [stack] mapping');
    const entry = new Uint8Array(PAGEMAP_ENTRY_BYTES);
    const stackOffset = (BigInt(`0x${stack[1]}`) >> 12n) * BigInt(PAGEMAP_ENTRY_BYTES);
    assert.equal(preadFull(fd, entry, PAGEMAP_ENTRY_BYTES, stackOffset), PAGEMAP_ENTRY_BYTES);
    // [vsyscall]'s entry (0xffffffffff600000) lies beyond 2^53 and past TASK_SIZE: the kernel returns EOF.
    const vsyscallOffset = (0xffffffffff600000n >> 12n) * BigInt(PAGEMAP_ENTRY_BYTES);
    assert.ok(vsyscallOffset > BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(preadFull(fd, entry, PAGEMAP_ENTRY_BYTES, vsyscallOffset), 0);
  } finally {
    closeSync(fd);
  }
});
