// A real Prometheus (Debian's) scrapes two `memscope exporter`s every second on loopback: one per
// process, one grouped behind a bearer token. Its HTTP API must show the subject's resident bytes
// as /proc shows them, a configured group's PSS, and a nasty comm label intact. It also loads the
// shipped rules (build/prometheus/memscope-rules.yml), and every query of the shipped Grafana dashboard
// must return data from it; two more jobs (a wrong token, a port nobody serves) show what a refused token looks like.
// Needs the prometheus and promtool oracles (tests/oracles.json).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { CLI_PATH } from '../../../helpers/paths.js';
import { referenceStatusNumbers } from '../../../helpers/proc-reference.js';
import { startSubject, type Subject } from '../../../helpers/subject.js';
import { checkWithPromtool } from '../../../shared/metrics/exposition-reference.js';
import { interpolateQuery, listPanelQueries, parseLabelValues, readDashboard, readVariableQuery } from '../../../helpers/grafana-dashboard.js';
import { oracleMissing, requireOracle } from '../../../helpers/oracles.js';
import { listRecordedNames, RULES_FILE } from '../../../helpers/prometheus-rules.js';

/** Longest any wait for Prometheus may take (start-up, first scrapes); polls every 250 ms until then. */
const PATIENCE_MS = 60_000;
const SUBJECT_REGEX = 'subject-memory-[0-9a-f]+ 23 11$';
/** A task name Prometheus's parser must get back exactly: quote, backslash, newline (15 bytes: the kernel's limit). */
const NASTY_COMM = 'q"b\\n\nl-sleep';
/** What the dashboard's `$__rate_interval` becomes here: Grafana's value for its default 15 s scrape interval. */
const RATE_INTERVAL = '1m';

/**
 * A loopback port nobody serves and nobody can take while the returned socket is open: the local end of a
 * connection of ours (no listener, so a connect there is refused; it is bound without SO_REUSEADDR, so another
 * bind fails). A port found free and closed could be taken by another process before Prometheus scrapes it.
 */
async function holdUnservedPort(): Promise<{ port: number; release(): void }> {
  const peer = createServer((s) => s.resume());
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', () => r()));
  const address = peer.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  const socket = connect(address.port, '127.0.0.1');
  await once(socket, 'connect');
  const port = socket.localPort;
  if (port === undefined) throw new Error('no local port');
  return {
    port,
    release() {
      socket.destroy();
      peer.close();
    },
  };
}

/** Starts Prometheus on port 0 (no port picked in advance for another process to take); resolves once it listens. */
async function startPrometheus(args: string[], onLog: (text: string) => void): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(requireOracle('prometheus'), [...args, '--web.listen-address=127.0.0.1:0', '--log.level=info'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = child.stderr;
  if (stderr === null) throw new Error('no stderr');
  // What it logged until it listened (the address line may be split across chunks).
  let startLog = '';
  let listening = false;
  const base = await new Promise<string>((resolve, reject) => {
    stderr.on('data', (c: Buffer) => {
      onLog(c.toString());
      if (listening) return;
      startLog += c.toString();
      // Its web component logs the address it bound: msg="Listening on" address=127.0.0.1:PORT.
      const bound = /msg="Listening on" address=(127\.0\.0\.1:[0-9]+)/.exec(startLog);
      listening = bound !== null;
      if (bound !== null) resolve(`http://${bound[1]}`);
    });
    child.on('exit', (code) => reject(new Error(`prometheus exited with ${code} before it listened: ${startLog.slice(-4000)}`)));
  });
  return { child, base };
}

/** Starts `memscope exporter` on a free loopback port; resolves with its /metrics URL. */
async function startExporter(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI_PATH, 'exporter', '--listen', '127.0.0.1:0', '-d', '0.5', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.stdout === null) throw new Error('no stdout');
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  if (first.done === true) throw new Error('memscope exporter exited before printing its URL');
  return { child, url: String(first.value) };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

interface PromVector {
  metric: Record<string, string>;
  value: [number, string];
}

describe('Prometheus scrapes memscope exporter', { skip: oracleMissing('prometheus', 'promtool') }, () => {
  let dir: string;
  let subject: Subject;
  let nasty: ChildProcess;
  let perProcess: { child: ChildProcess; url: string };
  let grouped: { child: ChildProcess; url: string };
  let prometheus: ChildProcess;
  let promBase: string;
  let unserved: { port: number; release(): void } | undefined;
  /** The tail of Prometheus's log, shown when a query never gets its answer. */
  let promLog = '';
  const token = `prom-token-${process.pid}-${Date.now()}`;

  /** GET on Prometheus's HTTP API; throws unless it answers status success. */
  async function getApi<T>(path: string): Promise<T> {
    const body = (await (await fetch(`${promBase}${path}`)).json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? body.status}`);
    return body.data;
  }

  /** Instant query; polls until `ready` accepts the result (bounded by PATIENCE_MS). */
  async function queryUntil(expr: string, ready: (v: PromVector[]) => boolean): Promise<PromVector[]> {
    const deadline = Date.now() + PATIENCE_MS;
    let last: unknown = null;
    while (Date.now() < deadline) {
      if (prometheus.exitCode !== null) throw new Error(`prometheus exited with ${prometheus.exitCode}: ${promLog}`);
      try {
        const r = await fetch(`${promBase}/api/v1/query?query=${encodeURIComponent(expr)}`);
        const body = (await r.json()) as { status: string; data?: { result: PromVector[] } };
        last = body;
        if (body.status === 'success' && body.data !== undefined && ready(body.data.result)) return body.data.result;
      } catch (err) {
        last = err; // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`Prometheus never answered ${expr} as expected; last answer: ${JSON.stringify(last)}; its log: ${promLog}`);
  }

  before(async () => {
    requireOracle('prometheus');
    requireOracle('promtool');
    dir = mkdtempSync(join(tmpdir(), 'memscope-prometheus-'));
    subject = await startSubject(23, 11);
    mkdirSync(join(dir, 'bin'));
    const nastyPath = join(dir, 'bin', NASTY_COMM);
    symlinkSync('/bin/sleep', nastyPath); // comm is the executed file's name
    nasty = spawn(nastyPath, ['3600'], { stdio: 'ignore' });

    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const wrongTokenFile = join(dir, 'wrong-token');
    writeFileSync(wrongTokenFile, 'not-the-token-at-all\n', { mode: 0o600 });
    const perProcessConfig = join(dir, 'per-process.json');
    writeFileSync(perProcessConfig, JSON.stringify({ smaps: [{ cmdline: [SUBJECT_REGEX] }], smapsRefreshSeconds: 1 }));
    const groupConfig = join(dir, 'groups.json');
    writeFileSync(groupConfig, JSON.stringify({ groups: [{ name: 'subject', cmdline: [SUBJECT_REGEX], smaps: true }], smapsRefreshSeconds: 1 }));
    perProcess = await startExporter(['--config', perProcessConfig]);
    grouped = await startExporter(['--config', groupConfig, '--token-file', tokenFile]);

    const target = (url: string) => new URL(url).host;
    unserved = await holdUnservedPort();
    const unservedTarget = `127.0.0.1:${unserved.port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${RULES_FILE}`,
        'scrape_configs:',
        '  - job_name: per-process',
        '    static_configs:',
        `      - targets: ['${target(perProcess.url)}']`,
        '  - job_name: grouped',
        '    authorization:',
        `      credentials_file: ${tokenFile}`,
        '    static_configs:',
        `      - targets: ['${target(grouped.url)}']`,
        // The alert's job pattern is memscope.*: these two must raise MemscopeExporterDown.
        '  - job_name: memscope-token-refused',
        '    authorization:',
        `      credentials_file: ${wrongTokenFile}`,
        '    static_configs:',
        `      - targets: ['${target(grouped.url)}']`,
        '  - job_name: memscope-unserved',
        '    static_configs:',
        `      - targets: ['${unservedTarget}']`,
        '',
      ].join('\n'),
    );
    // Info level for the bound address; the log kept for failures is its warnings and errors.
    const started = await startPrometheus([`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`], (text) => {
      const kept = text.split('\n').filter((l) => !/ level=(info|debug) /.test(l)).join('\n');
      promLog = `${promLog}${kept}`.slice(-4000);
    });
    prometheus = started.child;
    promBase = started.base;
  });

  after(async () => {
    await stop(prometheus);
    unserved?.release();
    await stop(perProcess?.child);
    await stop(grouped?.child);
    await stop(nasty);
    await subject?.kill();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test("the subject's resident bytes in Prometheus equal /proc's VmRSS", async () => {
    const expr = `memscope_process_resident_bytes{job="per-process",pid="${subject.pid}"}`;
    const result = await queryUntil(expr, (v) => v.length === 1);
    // The subject is idle, so every tick (and so every scrape) reads the same VmRSS.
    assert.equal(Number(result[0]?.value[1]), (referenceStatusNumbers(subject.pid)['VmRSS'] ?? NaN) * 1024);
    assert.equal(result[0]?.metric['comm'], readFileSync(`/proc/${subject.pid}/comm`, 'utf8').replace(/\n$/, ''));
  });

  test('the configured group\'s PSS reaches Prometheus through the token-protected exporter', async () => {
    await queryUntil('up{job="grouped"} == 1', (v) => v.length === 1);
    const [pss] = await queryUntil('memscope_group_pss_bytes{groupname="subject"}', (v) => v.length === 1);
    const rollup = readFileSync(`/proc/${subject.pid}/smaps_rollup`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(rollup)?.[1]);
    // Idle subject: only its file pages can be shared differently since the scrape.
    const fileBytes = (kb('Rss') - kb('Anonymous')) * 1024;
    assert.ok(Math.abs(Number(pss?.value[1]) - kb('Pss') * 1024) <= fileBytes, `PSS ${pss?.value[1]} vs ${kb('Pss')} kB`);
    assert.ok(Number(pss?.value[1]) >= 11 * 1024 * 1024, 'at least the 11 MiB it touched');
    const [processes] = await queryUntil('memscope_group_processes{groupname="subject"}', (v) => v.length === 1);
    assert.equal(processes?.value[1], '1');
  });

  test('a comm with a quote, a backslash and a newline comes back from Prometheus unchanged', async () => {
    const [series] = await queryUntil(`memscope_process_virtual_bytes{pid="${nasty.pid}"}`, (v) => v.length === 1);
    const comm = readFileSync(`/proc/${nasty.pid}/comm`, 'utf8').replace(/\n$/, '');
    assert.equal(comm, NASTY_COMM);
    assert.equal(series?.metric['comm'], comm);
  });

  test('scrapes without the token get 401, with it 200; promtool accepts what Prometheus scraped', async () => {
    assert.equal((await fetch(grouped.url)).status, 401);
    assert.equal((await fetch(grouped.url, { headers: { authorization: 'Bearer not-the-token' } })).status, 401);
    const ok = await fetch(grouped.url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    const check = checkWithPromtool(await ok.text());
    assert.equal(check.status, 0, check.output);
    const open = await fetch(perProcess.url);
    assert.equal(open.status, 200, 'no token set: loopback scrapes are open');
    const checkOpen = checkWithPromtool(await open.text());
    assert.equal(checkOpen.status, 0, checkOpen.output);
  });

  test('the shipped rules load and evaluate without error, and every recorded series has data', async () => {
    interface RuleGroups {
      groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[];
    }
    const deadline = Date.now() + PATIENCE_MS;
    let rules: RuleGroups['groups'][number]['rules'] = [];
    // A rule's health is 'unknown' until its group has been evaluated once.
    while (Date.now() < deadline) {
      rules = (await getApi<RuleGroups>('/api/v1/rules')).groups.flatMap((g) => g.rules);
      if (rules.length > 0 && rules.every((r) => r.health !== 'unknown')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(rules.length > 0, 'no rules loaded');
    for (const r of rules) assert.equal(r.health, 'ok', `${r.name}: ${r.lastError ?? ''}`);
    for (const name of listRecordedNames()) await queryUntil(name, (v) => v.length > 0);
  });

  test("every dashboard query, its variables filled with the real hosts and groups, returns data", async () => {
    const dashboard = readDashboard();
    const values: Record<string, string[]> = {};
    // Variables in order: groupname's query reads $instance.
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
      const { match, label } = parseLabelValues(interpolateQuery(readVariableQuery(v), values, RATE_INTERVAL));
      const deadline = Date.now() + PATIENCE_MS;
      let found: string[] = [];
      while (found.length === 0 && Date.now() < deadline) {
        found = await getApi<string[]>(`/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`);
        if (found.length === 0) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(found.length > 0, `variable ${v.name}: ${match} has no ${label}`);
      values[v.name] = found;
    }
    assert.deepEqual(values['groupname'], ['subject']);
    assert.deepEqual(new Set(values['instance']), new Set([new URL(perProcess.url).host, new URL(grouped.url).host]));
    for (const q of listPanelQueries(dashboard)) {
      const expr = interpolateQuery(q.expr, values, RATE_INTERVAL);
      const result = await queryUntil(expr, (v) => v.length > 0);
      assert.ok(result.every((r) => Number.isFinite(Number(r.value[1]))), `${q.where}: ${expr} → ${JSON.stringify(result)}`);
    }
  });

  test('a refused token reads like a dead exporter (up 0, same scrape_* series) except in the target\'s last error; the alert names both', async () => {
    interface Targets {
      activeTargets: { labels: Record<string, string>; lastError: string; health: string }[];
    }
    const deadline = Date.now() + PATIENCE_MS;
    let refused: Targets['activeTargets'][number] | undefined;
    let unserved: Targets['activeTargets'][number] | undefined;
    while (Date.now() < deadline) {
      const targets = (await getApi<Targets>('/api/v1/targets?state=active')).activeTargets;
      refused = targets.find((t) => t.labels['job'] === 'memscope-token-refused');
      unserved = targets.find((t) => t.labels['job'] === 'memscope-unserved');
      if (refused?.health === 'down' && unserved?.health === 'down') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(refused?.lastError ?? '', /401 Unauthorized/);
    assert.doesNotMatch(unserved?.lastError ?? '', /401/);
    // What the TSDB keeps of each failed scrape: the same series names, the same values but the duration.
    const seriesOf = async (job: string) => {
      // Only what the scrapes wrote: the alert rules add ALERTS series to each job at their own moment.
      const v = (await queryUntil(`{job="${job}"}`, (r) => r.length >= 5)).filter((r) => !(r.metric['__name__'] ?? '').startsWith('ALERTS'));
      return new Map(v.map((r) => [r.metric['__name__'], r.metric['__name__'] === 'scrape_duration_seconds' ? 'd' : r.value[1]]));
    };
    assert.deepEqual(await seriesOf('memscope-token-refused'), await seriesOf('memscope-unserved'));
    interface Alerts {
      alerts: { labels: Record<string, string>; state: string }[];
    }
    const alertedJobs = async () =>
      new Set((await getApi<Alerts>('/api/v1/alerts')).alerts.filter((a) => a.labels['alertname'] === 'MemscopeExporterDown').map((a) => a.labels['job']));
    const until = Date.now() + PATIENCE_MS;
    let jobs = await alertedJobs();
    while (!(jobs.has('memscope-token-refused') && jobs.has('memscope-unserved')) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      jobs = await alertedJobs();
    }
    assert.deepEqual([...jobs].sort(), ['memscope-token-refused', 'memscope-unserved'], 'pending for both failing jobs, not for the exporters that answer');
  });
});
