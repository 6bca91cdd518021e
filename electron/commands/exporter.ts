// `memscope exporter [--listen 127.0.0.1:9187] [--config FILE] [--token-file FILE] [-d SECONDS] [--once]`:
// headless Prometheus exporter. Prints the /metrics URL as its first stdout line, then serves until
// SIGINT/SIGTERM; --once prints one exposition to stdout instead (for promtool and debugging).
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { DEFAULT_METRICS_CONFIG } from '../../shared/metrics/name-groups.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import { parseIntervalMs } from '../../shared/validate.js';
import { MetricsCollector } from '../host/metrics/metrics-collector.js';
import { readMetricsConfig } from '../host/metrics/metrics-config.js';
import { isLoopbackHost } from '../../shared/loopback.js';
import { listenError } from '../host/http/listen-error.js';
import { startMetricsServer } from '../host/http/metrics-server.js';
import { MemscopeService } from '../host/service.js';
import { readTokenFile } from '../host/http/token-file.js';
import { expectNoPositionals, parseCommandArgs } from './args.js';

/** Where the exporter listens unless told: loopback only. */
export const DEFAULT_LISTEN = '127.0.0.1:9187';

/** A listen address: host and port. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Parses HOST:PORT, [IPV6]:PORT, or :PORT (every IPv4 interface, as node_exporter reads it).
 * Throws ApiError('bad-arg') naming what is wrong.
 */
export function parseListenAddress(text: string): ListenAddress {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]*)):([0-9]{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (m === null || port > 65535) {
    throw new ApiError('bad-arg', `exporter: bad --listen ${quoteUserInput(text)} (expected HOST:PORT, e.g. 127.0.0.1:9187 or [::1]:9187)`);
  }
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : (m[2] ?? ''));
  return { host, port };
}

/** Runs `memscope exporter`; resolves when the server stops. */
export async function runExporter(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('exporter', () =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        listen: { type: 'string' },
        config: { type: 'string' },
        'token-file': { type: 'string' },
        d: { type: 'string', short: 'd' },
        once: { type: 'boolean' },
      },
    }),
  );
  expectNoPositionals('exporter', positionals);
  const listen = parseListenAddress(values.listen ?? DEFAULT_LISTEN);
  const intervalMs = values.d === undefined ? 1000 : parseIntervalMs(values.d, 0.05);
  const config = values.config === undefined ? DEFAULT_METRICS_CONFIG : readMetricsConfig(values.config);
  const tokenFile = values['token-file'];
  const token = tokenFile === undefined ? null : readTokenFile(tokenFile);
  if (values.once !== true && !isLoopbackHost(listen.host) && token === null) {
    throw new ApiError('bad-arg', `exporter: listening on ${listen.host} (not loopback) needs a bearer token: --token-file FILE`);
  }

  // The exporter keeps no per-process history: one sample each is all /metrics needs.
  const service = new MemscopeService({ intervalMs, historyCapacity: 1, maxHistoryProcesses: 1 });
  const collector = new MetricsCollector(service, config);
  if (values.once === true) {
    try {
      process.stdout.write(await collector.render());
    } finally {
      collector.close();
      service.stop();
    }
    return 0;
  }

  service.start();
  let running;
  try {
    await collector.start();
    running = await startMetricsServer(collector, { ...listen, token });
  } catch (err) {
    collector.close();
    service.stop();
    if (err instanceof ApiError) throw err;
    throw listenError('exporter', values.listen ?? DEFAULT_LISTEN, err);
  }
  process.stdout.write(`${running.url}\n`);
  if (!isLoopbackHost(listen.host)) {
    process.stderr.write(`memscope: listening on ${listen.host}: scrapes need the bearer token from ${tokenFile ?? '?'}\n`);
  }

  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  collector.close();
  service.stop();
  return 0;
}
