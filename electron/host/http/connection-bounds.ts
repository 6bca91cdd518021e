// Bounds on an HTTP server's clients, so that idle or slow connections cannot take the fds a tick
// needs: at most maxConnections sockets (node closes the ones beyond as they arrive), headers in
// HEADERS_TIMEOUT_MS, the whole request in REQUEST_TIMEOUT_MS, idle keep-alive sockets closed.
import type { Server } from 'node:http';
import { getFdBudget } from '../system/fd-budget.js';

/** A client that has not sent its request headers by then gets 408 and is closed. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** Whole request, body included (a 256 MB snapshot upload over a slow tunnel fits). Streams (SSE) are not bounded by it. */
export const REQUEST_TIMEOUT_MS = 120_000;
/** How often node looks for connections past those timeouts (its default, 30 s, lets them linger 3× longer). */
const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;

/** Applies the bounds to a server before it listens. keepAliveTimeoutMs: how long an idle keep-alive socket is kept. */
export function boundConnections(server: Server, keepAliveTimeoutMs = 5_000): void {
  server.maxConnections = getFdBudget().maxConnections;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = keepAliveTimeoutMs;
  // Read when the server starts listening (node's lib/_http_server.js, setupConnectionsTracking).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = CONNECTIONS_CHECK_INTERVAL_MS;
}
