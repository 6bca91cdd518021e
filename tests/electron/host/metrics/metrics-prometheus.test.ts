// A real Prometheus (Debian's) scrapes two `memscope exporter`s every second on loopback: one per
// process, one grouped behind a bearer token. Its HTTP API must show the subject's resident bytes
// as /proc shows them, a configured group's PSS, and a nasty comm label intact.
// Needs the prometheus and promtool oracles (tests/oracles.json).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { CLI_PATH } from '../../../helpers/paths.js';
import { referenceStatusNumbers } from '../../../helpers/proc-reference.js';
import { startSubject, type Subject } from '../../../helpers/subject.js';
import { checkWithPromtool } from '../../../shared/metrics/exposition-reference.js';
import { oracleMissing, requireOracle } from '../../../helpers/oracles.js';

/** Longest any wait for Prometheus may take (start-up, first scrapes); polls every 250 ms until then. */
const PATIENCE_MS = 60_000;
const SUBJECT_REGEX = 'subject-memory-[0-9a-f]+ 23 11$';
/** A task name Prometheus's parser must get back exactly: quote, backslash, newline (15 bytes: the kernel's limit). */
const NASTY_COMM = 'q"b\\n\nl-sleep';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const address = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
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
  /** The tail of Prometheus's log, shown when a query never gets its answer. */
  let promLog = '';
  const token = `prom-token-${process.pid}-${Date.now()}`;

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
    const perProcessConfig = join(dir, 'per-process.json');
    writeFileSync(perProcessConfig, JSON.stringify({ smaps: [{ cmdline: [SUBJECT_REGEX] }], smapsRefreshSeconds: 1 }));
    const groupConfig = join(dir, 'groups.json');
    writeFileSync(groupConfig, JSON.stringify({ groups: [{ name: 'subject', cmdline: [SUBJECT_REGEX], smaps: true }], smapsRefreshSeconds: 1 }));
    perProcess = await startExporter(['--config', perProcessConfig]);
    grouped = await startExporter(['--config', groupConfig, '--token-file', tokenFile]);

    const port = await freePort();
    promBase = `http://127.0.0.1:${port}`;
    const target = (url: string) => new URL(url).host;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: per-process',
        '    static_configs:',
        `      - targets: ['${target(perProcess.url)}']`,
        '  - job_name: grouped',
        '    authorization:',
        `      credentials_file: ${tokenFile}`,
        '    static_configs:',
        `      - targets: ['${target(grouped.url)}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      requireOracle('prometheus'),
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (c: Buffer) => (promLog = `${promLog}${c.toString()}`.slice(-4000)));
  });

  after(async () => {
    await stop(prometheus);
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
});
