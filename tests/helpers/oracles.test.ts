// The optional-oracle table (tests/oracles.json) against the real thing: each installed file belongs to the
// Debian package the table names (dpkg is the oracle), and README's Set-up lists every one with its apt line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { describe, test } from 'node:test';
import { ORACLES, explainOracleNeed, formatAptInstall, oracleMissing, requireOracle } from './oracles.js';
import { readReadmeSection } from './readme.js';

/** dpkg-query says which package owns a file (Debian and derivatives; elsewhere the ownership check is skipped). */
const DPKG_QUERY = '/usr/bin/dpkg-query';

describe('the oracle table', () => {
  test('ids are unique, files absolute, packages Debian names, and each says what it proves', () => {
    assert.ok(ORACLES.length > 0);
    assert.equal(new Set(ORACLES.map((o) => o.id)).size, ORACLES.length, 'unique ids');
    for (const o of ORACLES) {
      assert.ok(isAbsolute(o.file), `${o.id}: ${o.file} is absolute`);
      assert.match(o.package, /^[a-z0-9][a-z0-9+.-]+$/, `${o.id}: Debian package name`);
      assert.ok(o.proves.length > 0, `${o.id}: proves something`);
      assert.equal(explainOracleNeed(o), `needs ${o.file} (apt-get install ${o.package})`);
    }
  });

  for (const o of ORACLES) {
    test(`${o.file} is installed by the Debian package ${o.package}`, { skip: oracleMissing(o.id) || (existsSync(DPKG_QUERY) ? false : `needs ${DPKG_QUERY} (Debian)`) }, () => {
      const file = requireOracle(o.id);
      const r = spawnSync(DPKG_QUERY, ['--search', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, `dpkg-query --search ${file}: ${r.stderr}`);
      // "libtcmalloc-minimal4:amd64: /usr/lib/…": package names before the path, arch-qualified for libraries.
      const owners = r.stdout.trim().split('\n').flatMap((line) => line.slice(0, line.lastIndexOf(': ')).split(', ').map((p) => p.split(':')[0]));
      assert.ok(owners.includes(o.package), `${file} belongs to ${owners.join(', ')}`);
    });
  }

  test("README's Set-up names every oracle's package and gives the one apt-get line for all of them", () => {
    const setUp = readReadmeSection('Set-up');
    for (const o of ORACLES) assert.ok(setUp.includes(`\`${o.package}\``), `Set-up names ${o.package}`);
    assert.ok(setUp.includes(formatAptInstall(ORACLES)), `Set-up has "${formatAptInstall(ORACLES)}"`);
  });
});
