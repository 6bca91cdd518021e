// Which Host headers browser mode answers (DNS rebinding defence): a page on evil.example whose name is
// re-pointed at 127.0.0.1 reaches the server with `Host: evil.example:PORT`, and is refused. Any port is
// accepted: an SSH tunnel (`ssh -L 7879:127.0.0.1:7878`) forwards the browser's Host, local port included.
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { LOOPBACK_HOST_NAMES, isLoopbackHost, splitHostPort } from '../../../shared/loopback.js';

/** Addresses that mean "every interface". */
const WILDCARD_ADDRESSES = ['0.0.0.0', '::', ''];

/** An address or name as it appears in a Host header: lower case, IPv6 in brackets, no zone. */
function asHostName(address: string): string {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '').toLowerCase();
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

/**
 * The Host names a server bound to `boundHost` answers to. Loopback-bound: the loopback names and the
 * bound address. Bound elsewhere (the token is required anyway): also this machine's hostname, and for
 * 0.0.0.0 / :: every interface address; `--host NAME` adds NAME.
 */
export function acceptedHostNames(boundHost: string): ReadonlySet<string> {
  const names = new Set<string>([...LOOPBACK_HOST_NAMES, asHostName(boundHost)]);
  if (isLoopbackHost(boundHost)) return names;
  names.add(hostname().toLowerCase());
  if (WILDCARD_ADDRESSES.includes(boundHost)) {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(asHostName(a.address));
  }
  names.delete('');
  return names;
}

/** Whether a request's Host header names this server (a missing or malformed one does not). */
export function isAcceptedHostHeader(hostHeader: string | undefined, accepted: ReadonlySet<string>): boolean {
  const host = hostHeader === undefined ? null : splitHostPort(hostHeader);
  return host !== null && accepted.has(host.name);
}
