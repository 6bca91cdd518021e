// Serves GET /metrics (Prometheus text format) from a MetricsCollector, alone (`memscope exporter`)
// or inside browser mode's server (`memscope serve --metrics`, through handleMetricsRequest).
// Browser mode's rules: loopback by default; bound elsewhere, a bearer token is required.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip, constants as zlibConstants } from 'node:zlib';
import { ApiError } from '../../../shared/errors.js';
import { isLoopbackHost } from '../../../shared/loopback.js';
import { EXPOSITION_CONTENT_TYPE } from '../../../shared/metrics/exposition.js';
import { prefersGzip } from './accept-encoding.js';
import { boundConnections } from './connection-bounds.js';
import { readBearerToken, tokenMatches } from './bearer.js';
import { acceptedHostNames, isAcceptedHostHeader } from './host-check.js';
import type { MetricsCollector } from '../metrics/metrics-collector.js';

const gzipAsync = promisify(gzip);

/** The one path served. */
export const METRICS_PATH = '/metrics';

/** What handleMetricsRequest needs. */
export interface MetricsRequestContext {
  collector: MetricsCollector;
  /** Bearer token every scrape must carry, or null for none (loopback only). */
  token: string | null;
}

/** Where and how `memscope exporter` serves. */
export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Required when host is not a loopback address. */
  token: string | null;
}

/** A running exporter server. */
export interface RunningMetricsServer {
  server: Server;
  /** http://HOST:PORT/metrics */
  url: string;
  close(): Promise<void>;
}

/** Bodies compressed once per rendered text, since Prometheus asks for gzip on every scrape. */
const gzipCache = new WeakMap<MetricsCollector, { text: string; body: Promise<Buffer> }>();

function gzipOnce(collector: MetricsCollector, text: string): Promise<Buffer> {
  const cached = gzipCache.get(collector);
  if (cached !== undefined && cached.text === text) return cached.body;
  // Level 1: a few times smaller than the text for a fraction of level 6's CPU; runs on the thread pool.
  const body = gzipAsync(text, { level: zlibConstants.Z_BEST_SPEED });
  gzipCache.set(collector, { text, body });
  return body;
}

function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra });
  res.end(text);
}

/**
 * Answers GET/HEAD /metrics and returns true; returns false (touching nothing) for any other path,
 * so a server with other routes can fall through. 401 without the right bearer token when one is set.
 */
export function handleMetricsRequest(req: IncomingMessage, res: ServerResponse, ctx: MetricsRequestContext): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== METRICS_PATH) return false;
  if (ctx.token !== null) {
    if (!tokenMatches(readBearerToken(req.headers.authorization), ctx.token)) {
      sendText(res, 401, 'memscope: missing or wrong bearer token (Prometheus: authorization: {credentials_file: …})\n', {
        'www-authenticate': 'Bearer realm="memscope"',
      });
      return true;
    }
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, `memscope: ${req.method ?? '?'} not allowed: GET ${METRICS_PATH}\n`, { allow: 'GET, HEAD' });
    return true;
  }
  void serveMetrics(req, res, ctx.collector);
  return true;
}

async function serveMetrics(req: IncomingMessage, res: ServerResponse, collector: MetricsCollector): Promise<void> {
  try {
    const text = await collector.render();
    const wantsGzip = prefersGzip(req.headers['accept-encoding']);
    const body = wantsGzip ? await gzipOnce(collector, text) : text;
    res.writeHead(200, {
      'content-type': EXPOSITION_CONTENT_TYPE,
      'cache-control': 'no-store',
      vary: 'Accept-Encoding',
      ...(wantsGzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (err) {
    if (!res.headersSent) sendText(res, 500, `memscope: cannot render metrics: ${(err as Error).message}\n`);
    else res.destroy();
  }
}

/**
 * Starts the /metrics-only server. Refuses (ApiError 'bad-arg', before binding anything) a
 * non-loopback host without a token: process names and users are not for anyone on the network.
 */
export async function startMetricsServer(collector: MetricsCollector, options: MetricsServerOptions): Promise<RunningMetricsServer> {
  if (!isLoopbackHost(options.host) && options.token === null) {
    throw new ApiError('bad-arg', `exporter: listening on ${options.host} (not loopback) needs a bearer token: --token-file FILE`);
  }
  const ctx: MetricsRequestContext = { collector, token: options.token };
  // Without a token, a page whose DNS name was re-pointed at 127.0.0.1 could read process names: check Host.
  const acceptedHosts = options.token === null ? acceptedHostNames(options.host) : null;
  const server = createServer((req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    if (acceptedHosts !== null && !isAcceptedHostHeader(req.headers.host, acceptedHosts)) {
      sendText(res, 421, 'memscope: this Host is not this exporter (DNS rebinding?): scrape it by its loopback address\n');
      return;
    }
    if (!handleMetricsRequest(req, res, ctx)) sendText(res, 404, `memscope exporter serves ${METRICS_PATH} only\n`);
  });
  // Scrapers reuse connections; a short idle timeout still frees sockets of vanished ones.
  boundConnections(server, 30_000);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    url: `http://${hostForUrl}:${port}${METRICS_PATH}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
