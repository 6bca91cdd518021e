// The loopback names browser mode and the app agree on, in one place: which bound addresses need no token
// (serve, exporter), the servers' Host and Origin checks (electron/host/http/server.ts, metrics-server.ts), the CSP's connect-src (electron/window-options.ts) and the remote
// hosts the app accepts (renderer/state/hosts-store.ts). A CSP host-source has no IPv6 literal grammar
// (w3c/webappsec-csp#224; Chromium drops `http://[::1]:*` as invalid), so the app reaches ::1 as `localhost`.

/** Names that mean this machine in a Host header or an origin, lower case, IPv6 in brackets. */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** The loopback names a CSP can list, hence the only hosts the app may fetch from (`localhost` also reaches ::1). */
export const APP_FETCHABLE_HOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost'];

/** connect-src sources: the app itself and memscope servers on loopback ports (the local ends of SSH tunnels). */
export const LOOPBACK_CONNECT_SOURCES = ["'self'", ...APP_FETCHABLE_HOST_NAMES.map((name) => `http://${name}:*`)].join(' ');

/**
 * Whether a bound address or name is reachable only from this machine: 127.0.0.0/8, ::1, ::ffff:127.x,
 * "localhost". Servers bound to one answer without a token; anything else requires one.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return /^127(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/.test(v4);
}

/** A Host header or an origin's authority split into its lower-case name and port ('' when none). */
export interface HostAndPort {
  name: string;
  port: string;
}

/** Splits "name[:port]" or "[v6][:port]"; null when it is neither (a path, userinfo, a bad port). */
export function splitHostPort(authority: string): HostAndPort | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/@\s]+)(?::([0-9]{1,5}))?$/.exec(authority);
  if (m === null) return null;
  return { name: (m[1] ?? '').toLowerCase(), port: m[2] ?? '' };
}

/** Whether a browser Origin is a page served over http from a loopback name (any port). */
export function isLoopbackOrigin(origin: string): boolean {
  const authority = /^http:\/\/(.+)$/.exec(origin)?.[1];
  const host = authority === undefined ? null : splitHostPort(authority);
  return host !== null && LOOPBACK_HOST_NAMES.includes(host.name);
}

/** Whether the app can fetch from a base URL ("http://127.0.0.1:7879", as URL.origin writes it): http, a fetchable loopback name, a port. */
export function isAppFetchableBaseUrl(baseUrl: string): boolean {
  const authority = /^http:\/\/(.+)$/.exec(baseUrl)?.[1];
  const host = authority === undefined ? null : splitHostPort(authority);
  return host !== null && host.port !== '' && APP_FETCHABLE_HOST_NAMES.includes(host.name);
}
