// Browser mode: serves the built renderer and MemscopeApi over HTTP on 127.0.0.1 by default.
// Every /api request needs the random token (Authorization: Bearer, or ?token= for EventSource);
// ticks stream as Server-Sent Events; CORS admits loopback origins only. Arguments are validated exactly as IPC's.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import type { SourceInfo, Tick } from '../../shared/api.js';
import { ApiError, HTTP_STATUS_OF, isApiError } from '../../shared/errors.js';
import { isApiMethod, validateApiArgs } from '../../shared/validate-args.js';
import { boundConnections } from './connection-bounds.js';
import type { MetricsCollector } from './metrics.js';
import { handleMetricsRequest } from './metrics-server.js';
import type { MemscopeService } from './service.js';
import { APP_ORIGIN } from '../window-options.js';

/** Largest request body accepted (two 20,000-mapping snapshots fit). */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Where and how to serve. */
export interface ServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The API token; random when omitted. */
  token?: string;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** Also serve GET /metrics (Prometheus text format), behind the same token. */
  metrics?: MetricsCollector;
}

/** A running browser-mode server. */
export interface RunningServer {
  server: Server;
  url: string;
  token: string;
  close(): Promise<void>;
}

/**
 * Pages that may call /api from another origin: the app served from a loopback address (the local
 * `memscope serve`, or the local end of an SSH tunnel). renderer/state/hosts-store.ts accepts the same
 * hosts, and the CSP's connect-src lists them.
 */
const LOOPBACK_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?$/;

/** Whether a page at `origin` may call /api: a loopback origin, or this server's own (Host header). */
export function isAllowedOrigin(origin: string, hostHeader: string | undefined): boolean {
  // APP_ORIGIN: the desktop app's renderer (electron/main.ts serves it from app://memscope).
  return LOOPBACK_ORIGIN.test(origin) || origin === APP_ORIGIN || (hostHeader !== undefined && origin === `http://${hostHeader}`);
}

/** A fresh random token (128 bits, URL-safe). */
export function createToken(): string {
  return randomBytes(16).toString('base64url');
}

function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown): void {
  const e = isApiError(err) ? err : new ApiError('internal', (err as Error | undefined)?.message ?? String(err));
  sendJson(res, HTTP_STATUS_OF[e.code], { error: { code: e.code, message: e.message } });
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError('bad-arg', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return size === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
  } catch {
    throw new ApiError('bad-arg', 'request body is not JSON');
  }
}

/** Starts the server; resolves once it listens. */
export async function startServer(service: MemscopeService, options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? createToken();
  const staticRoot = resolve(options.staticDir);
  const clients = new Set<ServerResponse>();
  const source: SourceInfo = { hostname: hostname(), transport: 'http', intervalMs: service.intervalMs };

  const unsubscribe = service.onTick((tick: Tick) => {
    if (clients.size === 0) return;
    const frame = `event: tick\ndata: ${JSON.stringify(tick)}\n\n`;
    for (const res of clients) res.write(frame);
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, err));
  });
  boundConnections(server); // idle clients must not take the fds the next tick needs

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (options.metrics !== undefined && handleMetricsRequest(req, res, { collector: options.metrics, token })) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('x-content-type-options', 'nosniff');
    if (!url.pathname.startsWith('/api/')) return serveStatic(url.pathname, res);

    // CORS, so the app on another loopback port can use this host (issue 6, remote hosts). Answered
    // before the token check so a page can tell "token refused" (401) from "unreachable".
    const origin = req.headers.origin;
    res.setHeader('vary', 'Origin');
    if (origin !== undefined) {
      if (!isAllowedOrigin(origin, req.headers.host)) {
        sendJson(res, 403, { error: { code: 'denied', message: `origin ${origin} may not call this API (only the app served from a loopback address)` } });
        return;
      }
      res.setHeader('access-control-allow-origin', origin);
    }
    if (req.method === 'OPTIONS') {
      // A preflight carries no token (browsers never send one) and answers nothing but the rules.
      res.writeHead(204, { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' });
      res.end();
      return;
    }

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('token');
    if (!tokenMatches(bearer, token)) {
      sendJson(res, 401, { error: { code: 'unauthorized', message: 'missing or wrong token: use the URL memscope serve printed' } });
      return;
    }
    const name = url.pathname.slice('/api/'.length);
    if (name === 'events' && req.method === 'GET') return streamTicks(req, res);
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: { code: 'bad-arg', message: `${req.method ?? '?'} not allowed: POST /api/<method>` } });
      return;
    }
    const body = (await readBody(req)) as { args?: unknown };
    if (name === 'describeSource') return sendJson(res, 200, { value: source });
    if (!isApiMethod(name)) throw new ApiError('bad-arg', `no such API method: ${name}`);
    const args = validateApiArgs(name, body.args ?? []);
    const fn = service[name] as (...a: unknown[]) => Promise<unknown>;
    sendJson(res, 200, { value: await fn.apply(service, args) });
  }

  function streamTicks(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    clients.add(res);
    service
      .listProcesses()
      .then((tick) => res.write(`event: tick\ndata: ${JSON.stringify(tick)}\n\n`))
      .catch(() => undefined);
    req.on('close', () => clients.delete(res));
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    const rel = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(staticRoot, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(staticRoot)) {
      sendJson(res, 403, { error: { code: 'denied', message: 'outside the app' } });
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(staticRoot, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('memscope: the UI is not built (run `npm run build`); the API is available under /api/\n');
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    token,
    url: `http://${hostForUrl}:${port}/?token=${token}`,
    async close() {
      unsubscribe();
      for (const res of clients) res.end();
      await new Promise<void>((r) => {
        server.close(() => r());
        // A browser's keep-alive sockets (fetch, EventSource) would otherwise hold close() open indefinitely,
        // and `memscope serve` would not exit on SIGTERM while a page is open.
        server.closeAllConnections();
      });
    },
  };
}
