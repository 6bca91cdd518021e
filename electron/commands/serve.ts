// `memscope serve [--host 127.0.0.1] [--port N] [--open] [-d SECONDS] [--metrics] [--token-file FILE] [--history-ticks N]
// [--history-budget SIZE]`: browser mode.
// Prints the URL with the API token as its first stdout line, then serves until SIGINT/SIGTERM.
// --open hands the token to the browser through a private launch page, never on a command line.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { DEFAULT_HISTORY_BUDGET_BYTES, historyBudgetBoundsBytes } from '../../shared/history/history-store.js';
import { MAX_RAW_SAMPLES, rawCapacityFor } from '../../shared/history/tiered-history.js';
import { isLoopbackHost } from '../../shared/loopback.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import { parseSizeBytes } from '../../shared/units.js';
import { parseIntervalMs, parsePositiveNumber } from '../../shared/validate.js';
import { openInBrowser } from '../host/http/launch-page.js';
import { listenError } from '../host/http/listen-error.js';
import { MetricsCollector } from '../host/metrics/metrics-collector.js';
import { readTokenFile } from '../host/http/token-file.js';
import { startServer } from '../host/http/server.js';
import { DEFAULT_MAX_HISTORY_PROCESSES, MemscopeService } from '../host/service.js';
import { DEFAULT_COLUMNS } from '../../shared/proc/columns.js';
import { expectNoPositionals, parseCommandArgs } from './args.js';

/** The built renderer, next to the compiled CLI (dist/renderer). */
export const RENDERER_DIR = fileURLToPath(new URL('../../renderer/', import.meta.url));

/** Runs `memscope serve`; resolves when the server stops. */
export async function runServe(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve', () =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
        open: { type: 'boolean' },
        d: { type: 'string', short: 'd' },
        metrics: { type: 'boolean' },
        'token-file': { type: 'string' },
        'history-ticks': { type: 'string' },
        'history-budget': { type: 'string' },
      },
    }),
  );
  expectNoPositionals('serve', positionals);
  const host = values.host ?? '127.0.0.1';
  const port = values.port === undefined ? 7878 : parsePositiveNumber(values.port, '--port', { integer: true });
  if (port > 65535) throw new ApiError('bad-arg', `serve: --port ${port} is not a port (0-65535)`);
  const intervalMs = values.d === undefined ? 1000 : parseIntervalMs(values.d, 0.05);
  const historyTicks = values['history-ticks'] === undefined ? undefined : parsePositiveNumber(values['history-ticks'], '--history-ticks', { integer: true, min: 1 });
  if (historyTicks !== undefined && historyTicks > MAX_RAW_SAMPLES) {
    throw new ApiError('bad-arg', `serve: --history-ticks ${historyTicks} is more than ${MAX_RAW_SAMPLES} (older ticks are kept in 10 s buckets)`);
  }
  const historyBudgetBytes = values['history-budget'] === undefined ? undefined : parseHistoryBudgetBytes(values['history-budget'], historyTicks ?? rawCapacityFor(intervalMs));

  const token = values['token-file'] === undefined ? undefined : readTokenFile(values['token-file']);
  // The page's clients add the columns they show (setTableView); /metrics needs every column.
  const service = new MemscopeService({
    intervalMs,
    ...(values.metrics === true ? {} : { baseColumns: DEFAULT_COLUMNS }),
    ...(historyTicks === undefined ? {} : { historyCapacity: historyTicks }),
    ...(historyBudgetBytes === undefined ? {} : { historyBudgetBytes }),
  });
  service.start();
  const metrics = values.metrics === true ? new MetricsCollector(service) : undefined;
  metrics?.start();
  const options = { host, staticDir: RENDERER_DIR, ...(metrics === undefined ? {} : { metrics }), ...(token === undefined ? {} : { token }) };
  let running;
  try {
    running = await startServer(service, { ...options, port }).catch((err: NodeJS.ErrnoException) => {
      // The default port is a convenience: when it is taken, any free port will do.
      if (err.code === 'EADDRINUSE' && values.port === undefined) return startServer(service, { ...options, port: 0 });
      throw err;
    });
  } catch (err) {
    metrics?.close();
    service.stop();
    throw listenError('serve', `${host}:${port}`, err, ' (try --port 0)');
  }
  process.stdout.write(`${running.url}\n`);
  if (!isLoopbackHost(host)) {
    process.stderr.write(`memscope: listening on ${host}: anyone who can reach it and has the token can read this host's processes\n`);
  }
  const launchPage = values.open === true ? openInBrowser(running.origin, running.token) : null;

  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  launchPage?.remove();
  await running.close();
  metrics?.close();
  service.stop();
  return 0;
}

const MIB = 1024 * 1024;

/**
 * The budgets serve accepts for histories of historyTicks every-tick samples: at least what the every-tick tiers of
 * DEFAULT_MAX_HISTORY_PROCESSES processes hold (never coarsened), at most what those histories can ever use.
 */
function historyBudgetRange(historyTicks: number): { minBytes: number; maxBytes: number; text: string } {
  const { minBytes, maxBytes } = historyBudgetBoundsBytes(DEFAULT_MAX_HISTORY_PROCESSES, historyTicks);
  const text = `from ${Math.ceil(minBytes / MIB)} MiB (the every-tick tiers of ${DEFAULT_MAX_HISTORY_PROCESSES} processes at ${historyTicks} ticks) to ${Math.floor(maxBytes / MIB)} MiB (the most they can use)`;
  return { minBytes, maxBytes, text };
}

/** The --history-budget default and range in words, at the default (and largest) every-tick tier, for the help text. */
export function describeHistoryBudgetRange(): string {
  return `default ${DEFAULT_HISTORY_BUDGET_BYTES / MIB} MiB, ${historyBudgetRange(MAX_RAW_SAMPLES).text}`;
}

/** --history-budget SIZE (K/M/G binary suffixes), within historyBudgetRange; throws ApiError('bad-arg') naming it. */
function parseHistoryBudgetBytes(text: string, historyTicks: number): number {
  const sizeBytes = parseSizeBytes(text);
  const range = historyBudgetRange(historyTicks);
  if (!(sizeBytes >= range.minBytes && sizeBytes <= range.maxBytes)) {
    throw new ApiError('bad-arg', `bad --history-budget: ${quoteUserInput(text)} (expected a size such as 512M or 1G, ${range.text})`);
  }
  return sizeBytes;
}
