// The fd budget at work in real processes (issue 10, 3.1): `memscope serve` and `memscope exporter`
// under a 400-fd limit outlive 250 idle connections and answer once they close; a running server whose
// limit is lowered below what a tick needs reports the failed ticks (tick.error over SSE,
// memscope_sampling_errors_total) and recovers when it is raised; `memscope top` under 64 fds prints full ticks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Agent, get as httpGet } from 'node:http';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { planFdBudget, FD_RESERVE, MAX_CONNECTIONS, MIN_CONNECTIONS } from '../../../../electron/host/system/fd-budget.js';
import type { Tick } from '../../../../shared/api.js';
import { countOpenFds, openIdleSockets, setSoftFdLimit, startUnderFdLimit, type LimitedServer } from '../../../helpers/fd-limit.js';
import { CLI_PATH } from '../../../helpers/paths.js';
import { findSamples, readExposition } from '../../../shared/metrics/exposition-reference.js';

/** The limit the servers run under, and the idle connections thrown at them: more than maxConnections, fewer than the limit. */
const FD_LIMIT = 400;
const IDLE_CONNECTIONS = 250;
/** Sampling interval of the servers under test (s): several ticks per second. */
const INTERVAL_S = '0.2';
/** How long to wait for something that takes a few ticks. */
const PATIENCE_MS = 10_000;

/** Retries fn until it returns a value (not undefined) or PATIENCE_MS pass. */
async function eventually<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

/** The ticks of GET /api/events, parsed, in order. */
async function* streamTicks(base: string, token: string, signal: AbortSignal): AsyncGenerator<Tick> {
  const r = await fetch(`${base}/api/events?token=${token}`, { signal });
  assert.equal(r.status, 200);
  let text = '';
  for await (const chunk of r.body ?? []) {
    text += Buffer.from(chunk as Uint8Array).toString('utf8');
    for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
      const frame = text.slice(0, end);
      text = text.slice(end + 2);
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (/^event: tick$/m.test(frame) && data !== undefined) yield JSON.parse(data) as Tick;
    }
  }
}

/** The next tick for which ok holds (next(), not for-await: leaving a for-await would close the stream). */
async function nextTickWhere(ticks: AsyncGenerator<Tick>, ok: (t: Tick) => boolean): Promise<Tick> {
  for (;;) {
    const r = await ticks.next();
    if (r.done === true) throw new Error('the tick stream ended');
    if (ok(r.value)) return r.value;
  }
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Holds IDLE_CONNECTIONS idle sockets for a few ticks: the server lives, stays within its limit and closes the excess. */
async function floodWithIdleConnections(server: LimitedServer): Promise<void> {
  const sockets = await openIdleSockets(portOf(server.url), IDLE_CONNECTIONS);
  try {
    await sleep(1500); // ~7 ticks with every accepted socket held
    assert.equal(server.child.exitCode, null, `server exited: ${server.stderr()}`);
    assert.ok(countOpenFds(server.pid) <= FD_LIMIT);
    const { maxConnections } = planFdBudget(FD_LIMIT);
    // The server closes the excess as it accepts them, between ticks: on a busy machine that can take longer than the hold.
    await eventually(`at most ${maxConnections} of ${IDLE_CONNECTIONS} connections kept`, async () => (sockets.closedCount() >= IDLE_CONNECTIONS - maxConnections ? true : undefined));
    assert.ok(countOpenFds(server.pid) <= FD_LIMIT);
  } finally {
    sockets.destroy();
  }
}

describe('fd budget', () => {
  test('planFdBudget: the reserve, connections and kept fds fit the limit; connections stay within MIN..MAX', () => {
    for (const limit of [32, 64, 400, 1024, 20000, 1048576, Infinity]) {
      const plan = planFdBudget(limit);
      assert.ok(plan.maxConnections >= MIN_CONNECTIONS && plan.maxConnections <= MAX_CONNECTIONS, String(limit));
      assert.ok(plan.maxKeptFds >= 0);
      if (limit >= FD_RESERVE + 2 * MIN_CONNECTIONS) assert.ok(FD_RESERVE + 2 * plan.maxConnections + plan.maxKeptFds <= limit, String(limit));
    }
    assert.equal(planFdBudget(64).maxKeptFds, 0);
    assert.equal(planFdBudget(20000).maxConnections, MAX_CONNECTIONS);
  });

  test(`serve under ${FD_LIMIT} fds: ${IDLE_CONNECTIONS} idle connections neither kill it nor starve its ticks; it answers once they close`, async () => {
    const serve = await startUnderFdLimit(FD_LIMIT, ['serve', '--port', '0', '-d', INTERVAL_S]);
    try {
      await floodWithIdleConnections(serve);
      const token = new URL(serve.url).searchParams.get('token') ?? '';
      const tick = await eventually('listProcesses to answer', async () => {
        const r = await fetch(new URL('/api/listProcesses', serve.url), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
        return r.status === 200 ? ((await r.json()) as { value: Tick }).value : undefined;
      });
      assert.equal(tick.error, undefined);
      assert.ok(tick.rows.some((r) => r.pid === serve.pid && r.rowStatus === 'ok'));
    } finally {
      assert.equal(await serve.stop(), 0, serve.stderr());
    }
    assert.equal(serve.stderr(), '');
  });

  test(`exporter under ${FD_LIMIT} fds: ${IDLE_CONNECTIONS} idle connections neither kill it nor starve its ticks; it answers once they close`, async () => {
    const exporter = await startUnderFdLimit(FD_LIMIT, ['exporter', '--listen', '127.0.0.1:0', '-d', INTERVAL_S]);
    try {
      await floodWithIdleConnections(exporter);
      const text = await eventually('/metrics to answer', async () => {
        const r = await fetch(exporter.url);
        return r.status === 200 ? r.text() : undefined;
      });
      const exp = readExposition(text);
      assert.equal(findSamples(exp, 'memscope_sampling_errors_total')[0]?.value, 0);
      assert.equal(findSamples(exp, 'memscope_process_resident_bytes', { pid: String(exporter.pid) }).length, 1);
    } finally {
      assert.equal(await exporter.stop(), 0, exporter.stderr());
    }
    assert.equal(exporter.stderr(), '');
  });

  test('serve: a tick that cannot open /proc says so (tick.error over SSE, memscope_sampling_errors_total) and the next one after fds free up is whole', async () => {
    const serve = await startUnderFdLimit(FD_LIMIT, ['serve', '--port', '0', '-d', INTERVAL_S, '--metrics']);
    const controller = new AbortController();
    try {
      const token = new URL(serve.url).searchParams.get('token') ?? '';
      const ticks = streamTicks(new URL(serve.url).origin, token, controller.signal);
      const before = await nextTickWhere(ticks, (t) => t.error === undefined && t.rows.length > 0);
      // fds 0-2 (stdio) are taken, so no open(), socket() or readdir() can succeed; fds already open keep working.
      setSoftFdLimit(serve.pid, 3);
      // The tick running when the limit drops may still list /proc and fail some reads ('partial').
      const failed = await nextTickWhere(ticks, (t) => t.seq > before.seq && t.error?.kind === 'failed');
      assert.match(failed.error?.message ?? '', /^no process could be read: .*EMFILE/);
      assert.deepEqual(failed.rows, []);
      setSoftFdLimit(serve.pid, FD_LIMIT);
      const recovered = await nextTickWhere(ticks, (t) => t.error === undefined);
      assert.ok(recovered.rows.some((r) => r.pid === serve.pid && r.rowStatus === 'ok'));

      const metrics = await fetch(new URL('/metrics', serve.url), { headers: { authorization: `Bearer ${token}` } });
      const exp = readExposition(await metrics.text());
      assert.ok((findSamples(exp, 'memscope_sampling_errors_total')[0]?.value ?? 0) >= 1);
      assert.equal(findSamples(exp, 'memscope_process_resident_bytes', { pid: String(serve.pid) }).length, 1);
    } finally {
      controller.abort();
      assert.equal(await serve.stop(), 0, serve.stderr());
    }
    assert.equal(serve.stderr(), '');
  });

  test('exporter: scrapes during fd exhaustion keep the series of the last tick that read processes, and count the failed ticks', async () => {
    const exporter = await startUnderFdLimit(FD_LIMIT, ['exporter', '--listen', '127.0.0.1:0', '-d', INTERVAL_S]);
    const scrape = async () => readExposition(await (await fetch(exporter.url)).text());
    const errorsOf = (exp: ReturnType<typeof readExposition>) => findSamples(exp, 'memscope_sampling_errors_total')[0]?.value ?? NaN;
    try {
      assert.equal(errorsOf(await scrape()), 0); // also opens the keep-alive connection the next scrape reuses
      setSoftFdLimit(exporter.pid, 3);
      const during = await eventually('a failed tick to be counted', async () => {
        const exp = await scrape();
        return errorsOf(exp) >= 1 ? exp : undefined;
      });
      // The tick running when the limit dropped may be partial, its own row 'restricted' (memory unknown: no
      // resident_bytes) and kept as the last tick; a failed one would leave no series. stat's counters are in both.
      assert.equal(findSamples(during, 'memscope_process_cpu_seconds_total', { pid: String(exporter.pid) }).length, 1);
      setSoftFdLimit(exporter.pid, FD_LIMIT);
      const stampDuring = findSamples(during, 'memscope_sampling_timestamp_seconds')[0]?.value ?? NaN;
      await eventually('a whole tick after the limit is raised', async () => {
        const exp = await scrape();
        return (findSamples(exp, 'memscope_sampling_timestamp_seconds')[0]?.value ?? 0) > stampDuring ? exp : undefined;
      });
    } finally {
      assert.equal(await exporter.stop(), 0, exporter.stderr());
    }
    assert.equal(exporter.stderr(), '');
  });

  test('serve: a page asset asked for while no fd is free gets 503, the server lives on, and serves it once fds free up', async () => {
    const serve = await startUnderFdLimit(FD_LIMIT, ['serve', '--port', '0', '-d', INTERVAL_S]);
    // One kept-alive socket: while the limit is 3 no new connection can be accepted, but this one still carries requests.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const getPage = () =>
      new Promise<number>((resolve, reject) => {
        httpGet(new URL('/index.html', serve.url), { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject);
      });
    try {
      assert.equal(await getPage(), 200);
      setSoftFdLimit(serve.pid, 3);
      assert.equal(await getPage(), 503, 'the file cannot be opened: a 503, not a crash');
      setSoftFdLimit(serve.pid, FD_LIMIT);
      assert.equal(await getPage(), 200);
    } finally {
      agent.destroy();
      assert.equal(await serve.stop(), 0, serve.stderr());
    }
    assert.equal(serve.stderr(), '');
  });

  test('top -n 3 under 64 fds prints three whole ticks and exits 0', () => {
    const r = spawnSync('bash', ['-c', `ulimit -n 64 && exec "$0" "$1" top -n 3 -d 0.2 --json`, process.execPath, CLI_PATH], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const ticks = r.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { pid: number; rowStatus: string }[]);
    assert.equal(ticks.length, 3);
    const livePids = readdirSync('/proc').filter((n) => /^[0-9]+$/.test(n)).length;
    for (const rows of ticks) {
      // Whole: about every process of /proc (others start and exit meanwhile), none 'restricted' for want of an fd.
      assert.ok(rows.length >= livePids * 0.8, `${rows.length} rows, ${livePids} processes in /proc`);
      assert.equal(rows.filter((row) => row.rowStatus === 'restricted').length, 0);
    }
  });
});
