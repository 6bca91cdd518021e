// Browser mode: serves the built renderer and MemscopeApi over HTTP on 127.0.0.1 by default.
// Every /api request needs the random token (Authorization: Bearer; ?token= only on GET /api/events,
// since EventSource cannot set headers); ticks stream as Server-Sent Events; Host names other than this
// server's are refused (DNS rebinding), CORS admits loopback origins only. Arguments are validated exactly as IPC's.
// A call's outcome is a 200 ApiReply for the app (API_REPLY_HEADER), else {value} or {error} with its code's status.
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, relative, resolve } from 'node:path';
import { API_REPLY_HEADER, isApiMethod, settleApiCall, type Tick } from '../../../shared/api.js';
import { ApiError, encodeApiError, HTTP_STATUS_OF } from '../../../shared/errors.js';
import { isLoopbackOrigin } from '../../../shared/loopback.js';
import { quoteUserInput } from '../../../shared/text/escape.js';
import { parseTickScopeParam, TICK_SCOPE_PARAM, type TickScope } from '../../../shared/tick-scope.js';
import { callApi } from '../../../shared/validate-args.js';
import { TickFanout } from '../tick-fanout.js';
import { boundConnections } from './connection-bounds.js';
import { readBearerToken, tokenMatches } from './bearer.js';
import { BodyBudget, BodyTooLargeError, readJsonBody } from './body-reader.js';
import { acceptedHostNames, isAcceptedHostHeader } from './host-check.js';
import type { MetricsCollector } from '../metrics/metrics-collector.js';
import { handleMetricsRequest } from './metrics-server.js';
import { cacheControlOf } from './static-caching.js';
import type { MemscopeService } from '../service.js';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from '../../window-options.js';

/**
 * Headers of the app's own files: the CSP as a header (a meta tag cannot carry frame-ancestors), no
 * framing by any page (clickjacking), and no Referer leaving the app.
 */
const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Most bytes of tick frames held for one event-stream client that does not read them (a stalled tunnel, a
 * stopped browser): beyond it the stream is closed, and EventSource reconnects to the current tick. Unbounded,
 * one such client grew the server by every tick (~0.5 GB an hour with 400 processes).
 */
export const MAX_EVENT_BACKLOG_BYTES = 16 * 1024 * 1024;

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
  /** Unsent bytes an event stream may hold before it is closed (default MAX_EVENT_BACKLOG_BYTES). */
  maxEventBacklogBytes?: number;
}

/** A running browser-mode server. */
export interface RunningServer {
  server: Server;
  /** http://HOST:PORT/?token=… (what serve prints). */
  url: string;
  /** http://HOST:PORT */
  origin: string;
  token: string;
  close(): Promise<void>;
}

/**
 * Whether a page at `origin` may call /api: the app served from a loopback address (the local
 * `memscope serve`, or the local end of an SSH tunnel; shared/loopback.ts), or this server's own (Host header).
 */
export function isAllowedOrigin(origin: string, hostHeader: string | undefined): boolean {
  // APP_ORIGIN: the desktop app's renderer (electron/main.ts serves it from app://memscope).
  return isLoopbackOrigin(origin) || origin === APP_ORIGIN || (hostHeader !== undefined && origin === `http://${hostHeader}`);
}

/** A fresh random token (128 bits, URL-safe). */
export function createToken(): string {
  return randomBytes(16).toString('base64url');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** An error as every transport sends it (the ApiErrorBody of shared/errors.ts), with the status its code maps to unless given. */
function sendError(res: ServerResponse, err: unknown, status?: number): void {
  const error = encodeApiError(err);
  // A refused body is left unread: closing the connection keeps it from being drained or buffered.
  if (err instanceof BodyTooLargeError) res.setHeader('connection', 'close');
  sendJson(res, status ?? (err instanceof BodyTooLargeError ? err.httpStatus : HTTP_STATUS_OF[error.code]), { error });
}

/**
 * The one envelope rule: a call's outcome (its value, or the ApiError of validation or of the call) is a 200
 * ApiReply when the client sent API_REPLY_HEADER, as IPC carries it, so the app never meets an HTTP error status
 * for an application error; otherwise {value}, or {error} with its code's status (HTTP_STATUS_OF) for curl and
 * scripts. Requests refused before the call (token, Host, origin, method, body) are statuses either way.
 */
async function sendOutcome(req: IncomingMessage, res: ServerResponse, call: () => Promise<unknown>): Promise<void> {
  const reply = await settleApiCall(call);
  if (req.headers[API_REPLY_HEADER.name] === API_REPLY_HEADER.value) sendJson(res, 200, reply);
  else if (reply.ok) sendJson(res, 200, { value: reply.value });
  else sendJson(res, HTTP_STATUS_OF[reply.error.code], { error: reply.error });
}

/** Starts the server; resolves once it listens. */
export async function startServer(service: MemscopeService, options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? createToken();
  const staticRoot = resolve(options.staticDir);
  const bodyBudget = new BodyBudget();
  const acceptedHosts = acceptedHostNames(options.host);
  const maxEventBacklogBytes = options.maxEventBacklogBytes ?? MAX_EVENT_BACKLOG_BYTES;

  // Each stream gets the rows of the pids it named (?pids=), one frame per distinct scope a tick.
  const clients = new TickFanout<ServerResponse, string>(
    (tick) => `event: tick\ndata: ${JSON.stringify(tick)}\n\n`,
    (res, frame) => {
      if (res.writableLength > maxEventBacklogBytes) {
        clients.delete(res);
        res.destroy();
      } else res.write(frame);
    },
  );
  const unsubscribe = service.onTick((tick: Tick) => clients.send(tick));

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, err));
  });
  boundConnections(server); // idle clients must not take the fds the next tick needs

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    if (!isAcceptedHostHeader(req.headers.host, acceptedHosts)) {
      const message = `Host ${quoteUserInput(req.headers.host ?? '')} is not this server (DNS rebinding?): use the URL memscope serve printed`;
      sendError(res, new ApiError('denied', message), 421);
      return;
    }
    if (options.metrics !== undefined && handleMetricsRequest(req, res, { collector: options.metrics, token })) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/api/')) {
      // The app's files are only read: a PUT, DELETE or TRACE got the page with 200 as if it had done something.
      if (req.method === 'GET' || req.method === 'HEAD') return serveStatic(url.pathname, res);
      res.setHeader('allow', 'GET, HEAD');
      sendError(res, new ApiError('bad-arg', `${quoteUserInput(req.method ?? '?')} not allowed on the app's files: GET or HEAD`), 405);
      return;
    }

    // CORS, so the app on another loopback port can use this host (issue 6, remote hosts). Answered
    // before the token check so a page can tell "token refused" (401) from "unreachable".
    const origin = req.headers.origin;
    res.setHeader('vary', 'Origin');
    if (origin !== undefined) {
      if (!isAllowedOrigin(origin, req.headers.host)) {
        sendError(res, new ApiError('denied', `origin ${origin} may not call this API (only the app served from a loopback address)`));
        return;
      }
      res.setHeader('access-control-allow-origin', origin);
    }
    if (req.method === 'OPTIONS') {
      // A preflight carries no token (browsers never send one) and answers nothing but the rules.
      res.writeHead(204, { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': `authorization, content-type, ${API_REPLY_HEADER.name}`, 'access-control-max-age': '600' });
      res.end();
      return;
    }

    const name = url.pathname.slice('/api/'.length);
    const isEventStream = name === 'events' && req.method === 'GET';
    // The query token only where a header cannot be set (EventSource); elsewhere it would end up in logs and history.
    const given = readBearerToken(req.headers.authorization) ?? (isEventStream ? url.searchParams.get('token') : null);
    if (!tokenMatches(given, token)) {
      sendError(res, new ApiError('unauthorized', 'missing or wrong token: use the URL memscope serve printed'));
      return;
    }
    if (isEventStream) return streamTicks(req, res, parseTickScopeParam(url.searchParams.get(TICK_SCOPE_PARAM)));
    if (req.method !== 'POST') {
      sendError(res, new ApiError('bad-arg', `${req.method ?? '?'} not allowed: POST /api/<method>`), 405);
      return;
    }
    const body = await readJsonBody(req, res, bodyBudget);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError('bad-arg', 'request body must be a JSON object: {"args": [...]}');
    }
    if (!isApiMethod(name)) throw new ApiError('bad-arg', `no such API method: ${name}`);
    await sendOutcome(req, res, () => callApi(service, name, (body as { args?: unknown }).args ?? []));
  }

  /**
   * An event stream of ticks in scope (null: every row), the latest one first. A client changes its scope by opening
   * another stream: the latest tick it gets there, in the new scope, is where that stream starts.
   */
  function streamTicks(req: IncomingMessage, res: ServerResponse, scope: TickScope): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    clients.set(res, scope);
    service
      .listProcesses()
      .then((tick) => clients.sendTo(res, tick))
      .catch(() => undefined);
    req.on('close', () => clients.delete(res));
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      sendError(res, new ApiError('bad-arg', `not a valid URL path: ${quoteUserInput(pathname)}`));
      return;
    }
    const rel = normalize(decoded).replace(/^(\.\.[/\\])+/, '');
    let file = join(staticRoot, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(staticRoot)) {
      sendError(res, new ApiError('denied', 'outside the app'));
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(staticRoot, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('memscope: the UI is not built (run `npm run build`); the API is available under /api/\n');
      return;
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    // The status is sent once the file is open: out of fds (EMFILE) the page gets a 503, and the
    // stream's error never goes unhandled (an unhandled one would end the server).
    const stream = createReadStream(file);
    stream.once('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 503, { error: { code: 'internal', message: `cannot read the app's files now: ${err.code ?? err.message}` } });
    });
    stream.once('open', () => {
      // Decided on the file really sent: a missing /assets/NAME-HASH.js gets index.html, which is never stored.
      res.writeHead(200, { ...PAGE_HEADERS, 'content-type': type, 'cache-control': cacheControlOf(relative(staticRoot, file)) });
      stream.pipe(res);
    });
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const origin = `http://${hostForUrl}:${port}`;
  return {
    server,
    token,
    origin,
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    async close() {
      unsubscribe();
      for (const res of clients.clients()) res.end();
      await new Promise<void>((r) => {
        server.close(() => r());
        // A browser's keep-alive sockets (fetch, EventSource) would otherwise hold close() open indefinitely,
        // and `memscope serve` would not exit on SIGTERM while a page is open.
        server.closeAllConnections();
      });
    },
  };
}
