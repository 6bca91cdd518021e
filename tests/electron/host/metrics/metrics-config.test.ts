// The exporter's config file: what it accepts, and a one-line error naming the file and the JSON
// path for everything it refuses (before the exporter starts, never in the middle of a scrape).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseMetricsConfig, readMetricsConfig } from '../../../../electron/host/metrics/metrics-config.js';
import { isApiError } from '../../../../shared/errors.js';
import { DEFAULT_METRICS_CONFIG, classifyProcess } from '../../../../shared/metrics/name-groups.js';
import { oracleMissing, requireOracle } from '../../../helpers/oracles.js';
import { readReadmeSection } from '../../../helpers/readme.js';

function refusal(text: string): { code: string; message: string } {
  try {
    parseMetricsConfig(text, 'cfg.json');
  } catch (err) {
    assert.ok(isApiError(err), String(err));
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    return { code: err.code, message: err.message };
  }
  assert.fail(`accepted: ${text}`);
}

describe('exporter config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memscope-metrics-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('an empty object is the default: no groups, no smaps', () => {
    assert.deepEqual(parseMetricsConfig('{}', 'cfg.json'), DEFAULT_METRICS_CONFIG);
  });

  test('groups classify processes: first match wins, lists are any-of, keys are all-of, templates fill in', () => {
    const config = parseMetricsConfig(
      JSON.stringify({
        groups: [
          { name: 'db', comm: ['^postgres$', '^mysqld$'], user: '^postgres$', smaps: true },
          { name: 'java:{jar}', cmdline: ['-jar (?<jar>[^ ]+)'] },
          { name: '{user}/{comm}', comm: '.' },
        ],
        smapsRefreshSeconds: 2.5,
        smapsMaxProcesses: 10,
        hostRefreshSeconds: 30,
      }),
      'cfg.json',
    );
    assert.equal(config.smapsRefreshSeconds, 2.5);
    assert.equal(config.smapsMaxProcesses, 10);
    assert.equal(config.hostRefreshSeconds, 30);
    const who = (comm: string, command: string, user: string) => classifyProcess(config, { comm, command, user });
    assert.deepEqual(who('postgres', 'postgres: checkpointer', 'postgres'), { group: 'db', smaps: true });
    assert.deepEqual(who('mysqld', '/usr/sbin/mysqld', 'postgres'), { group: 'db', smaps: true });
    assert.deepEqual(who('postgres', 'postgres', 'root'), { group: 'root/postgres', smaps: false }); // user list did not match
    assert.deepEqual(who('java', '/usr/bin/java -Xmx1g -jar app.jar --port 1', 'svc'), { group: 'java:app.jar', smaps: false });
    assert.deepEqual(who('', '', 'x'), { group: null, smaps: false });
  });

  test('without groups, "smaps" selects the processes whose PSS is read', () => {
    const config = parseMetricsConfig('{"smaps": [{"comm": "^nginx$"}, {"user": ["^www-data$"]}]}', 'cfg.json');
    assert.equal(classifyProcess(config, { comm: 'nginx', command: 'nginx', user: 'root' }).smaps, true);
    assert.equal(classifyProcess(config, { comm: 'php', command: 'php-fpm', user: 'www-data' }).smaps, true);
    assert.equal(classifyProcess(config, { comm: 'sshd', command: 'sshd', user: 'root' }).smaps, false);
  });

  test('every mistake is refused with the file, the JSON path and what to do', () => {
    const cases: [string, RegExp][] = [
      ['{"groups": [', /^config cfg\.json: not JSON \(/],
      ['[]', /^config cfg\.json: expected an object/],
      ['{"group": []}', /^config cfg\.json: group: unknown key \(allowed: groups, smaps,/],
      ['{"groups": {}}', /groups: expected a list of groups/],
      ['{"groups": [{"name": "x"}]}', /groups\[0\]: matches nothing: give "comm", "cmdline" or "user"/],
      ['{"groups": [{"name": "x", "comm": "("}]}', /groups\[0\]\.comm: invalid regular expression "\(": /],
      ['{"groups": [{"name": "x", "comm": ["a", "b["]}]}', /groups\[0\]\.comm\[1\]: invalid regular expression "b\["/],
      ['{"groups": [{"name": "x", "comm": []}]}', /groups\[0\]\.comm: expected a regex or a non-empty list/],
      ['{"groups": [{"name": "x", "comm": [3]}]}', /groups\[0\]\.comm\[0\]: expected a regex as a string, got 3/],
      ['{"groups": [{"comm": "a"}]}', /groups\[0\]\.name: expected a non-empty string/],
      ['{"groups": [{"name": "{jar}", "comm": "a"}]}', /groups\[0\]\.name: unknown placeholder \{jar\}/],
      ['{"groups": [{"name": "x", "comm": "a", "smaps": "yes"}]}', /groups\[0\]\.smaps: expected true or false/],
      ['{"groups": [{"name": "x", "comm": "a", "exe": "b"}]}', /groups\[0\]\.exe: unknown key \(allowed: name, comm, cmdline, user, smaps\)/],
      ['{"groups": [{"name": "x", "comm": "a"}, {"name": "x", "comm": "b"}]}', /groups\[1\]\.name: "x" repeats groups\[0\]\.name/],
      ['{"groups": [{"name": "x", "comm": "a"}], "smaps": [{"comm": "a"}]}', /smaps: with groups, choose PSS per group/],
      ['{"smaps": [{}]}', /smaps\[0\]: matches nothing/],
      ['{"smapsRefreshSeconds": 0}', /smapsRefreshSeconds: expected a number >= 1, got 0/],
      ['{"smapsMaxProcesses": 2.5}', /smapsMaxProcesses: expected an integer >= 1, got 2.5/],
      ['{"hostRefreshSeconds": "5"}', /hostRefreshSeconds: expected a number >= 1, got "5"/],
    ];
    for (const [text, pattern] of cases) {
      const r = refusal(text);
      assert.equal(r.code, 'malformed', text);
      assert.match(r.message, pattern, text);
    }
  });

  test('a JSON syntax error says where', () => {
    const r = refusal('{\n  "groups": [\n    {"name": "x",}\n  ]\n}');
    assert.match(r.message, /not JSON \(.* at line 3, column \d+\)$/);
    assert.doesNotMatch(r.message, /"groups"/, 'the file text is not echoed');
  });

  test('files: read and checked; a missing or unreadable file is a run-time failure (exit 1), not a usage error', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, '{"groups": [{"name": "all", "comm": ".*"}]}\n');
    assert.equal(readMetricsConfig(good).groups.length, 1);
    for (const [path, why] of [
      [join(dir, 'missing.json'), /no such file/],
      [dir, /is a directory/],
    ] as const) {
      try {
        readMetricsConfig(path);
        assert.fail('accepted');
      } catch (err) {
        assert.ok(isApiError(err));
        assert.notEqual(err.code, 'bad-arg');
        assert.match(err.message, why);
        assert.ok(err.message.includes(path));
      }
    }
  });

  test("README.md (Running memscope on a fleet)'s examples work: its JSON configs parse, its scrape config passes promtool check config", { skip: oracleMissing('promtool') }, () => {
    const doc = readReadmeSection('Running memscope on a fleet');
    const blocks = (lang: string) => [...doc.matchAll(new RegExp(`\`\`\`${lang}\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1] ?? '');
    const configs = blocks('json');
    assert.ok(configs.length >= 2);
    for (const text of configs) parseMetricsConfig(text, 'README.md (Running memscope on a fleet)');
    const [scrape] = blocks('yaml');
    assert.ok(scrape !== undefined);
    const tokenFile = join(dir, 'prometheus.token');
    writeFileSync(tokenFile, 'token\n', { mode: 0o600 });
    const yml = join(dir, 'prometheus.yml');
    writeFileSync(yml, scrape.replace(/credentials_file: \S+/, `credentials_file: ${tokenFile}`));
    const r = spawnSync(requireOracle('promtool'), ['check', 'config', yml], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });
});
