// The memscope hosts this window knows: the local one (Electron's IPC, or the server that served the
// page) and remote ones added by URL + token, usually the local end of an SSH tunnel. Which one is
// active. Labels and URLs persist in localStorage; tokens only in sessionStorage (see TOKENS_KEY).
import { useSyncExternalStore } from 'react';
import { isAppFetchableBaseUrl } from '../../shared/loopback.js';
import { createListeners } from './listeners.js';

/** The id of the host that served (or hosts) the app itself. */
export const LOCAL_HOST_ID = 'local';

/** Labels and base URLs of remote hosts, kept across restarts. */
const HOSTS_KEY = 'memscope-hosts';
/**
 * Tokens per host id, for this tab/window's life only. A token reads every process's memory map on its
 * host, and localStorage is plain text on disk shared by whatever is later served from the same
 * http://127.0.0.1:PORT origin; sessionStorage survives the reload a host switch does, and no more.
 * After a restart the host is listed as "token needed" and asks for it again.
 */
const TOKENS_KEY = 'memscope-host-tokens';
/** The active host's id, per tab (two tabs may watch two hosts). */
const ACTIVE_KEY = 'memscope-active-host';

/** A host in the list. */
export interface HostEntry {
  id: string;
  /** What the user called it ("db-1 via tunnel"); "" for the local host, shown by its hostname (it may itself be a tunnel). */
  label: string;
  /** Origin of its memscope serve ("http://127.0.0.1:7879"), "" for the local host. */
  baseUrl: string;
}

/** The hosts, the active one's id, and which remote hosts have a token in this session. */
export interface HostsState {
  /** The local host first, then remote ones in the order added. */
  hosts: readonly HostEntry[];
  activeId: string;
  /** Ids of remote hosts with a token this session. */
  withToken: ReadonlySet<string>;
}

/** What client.ts needs to reach the active host. */
export type ActiveHost = { kind: 'local' } | { kind: 'remote'; entry: HostEntry; token: string };

/** What the "add host" form gives. */
export interface NewHost {
  label: string;
  /** A base URL, or the whole URL memscope serve printed (?token=… is taken from it). */
  url: string;
  /** May be empty when the URL carries ?token=. */
  token: string;
}

const LOCAL_HOST: HostEntry = { id: LOCAL_HOST_ID, label: '', baseUrl: '' };

function readJson(storage: Storage, key: string): unknown {
  try {
    return JSON.parse(storage.getItem(key) ?? 'null') as unknown;
  } catch {
    return null;
  }
}

function readRemoteHosts(): HostEntry[] {
  const raw = readJson(localStorage, HOSTS_KEY);
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (h): h is HostEntry =>
      typeof h === 'object' && h !== null && typeof h.id === 'string' && h.id !== LOCAL_HOST_ID && typeof h.label === 'string' && typeof h.baseUrl === 'string' && isAppFetchableBaseUrl(h.baseUrl),
  );
}

function readTokens(): Record<string, string> {
  const raw = readJson(sessionStorage, TOKENS_KEY);
  if (typeof raw !== 'object' || raw === null) return {};
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

let remote = readRemoteHosts();
let tokens = readTokens();

function computeState(): HostsState {
  const stored = sessionStorage.getItem(ACTIVE_KEY);
  const activeId = remote.some((h) => h.id === stored) && tokens[stored ?? ''] !== undefined ? (stored ?? LOCAL_HOST_ID) : LOCAL_HOST_ID;
  return { hosts: [LOCAL_HOST, ...remote], activeId, withToken: new Set(Object.keys(tokens).filter((id) => remote.some((h) => h.id === id))) };
}

let state = computeState();
const listeners = createListeners();

function save(): void {
  localStorage.setItem(HOSTS_KEY, JSON.stringify(remote));
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  state = computeState();
  listeners.notify();
}

/** The host list and the active host; re-renders on changes. */
export function useHosts(): HostsState {
  return useSyncExternalStore(listeners.subscribe, () => state);
}

/** The active host and how to reach it (read once by client.ts when it creates the bridge). */
export function readActiveHost(): ActiveHost {
  const entry = remote.find((h) => h.id === state.activeId);
  const token = entry === undefined ? undefined : tokens[entry.id];
  return entry === undefined || token === undefined ? { kind: 'local' } : { kind: 'remote', entry, token };
}

/** The active host's entry. */
export function readActiveEntry(): HostEntry {
  return state.hosts.find((h) => h.id === state.activeId) ?? LOCAL_HOST;
}

/** A host's token this session, or null. */
export function readHostToken(id: string): string | null {
  return tokens[id] ?? null;
}

/** Checks a token as memscope serve compares it (one line of printable ASCII); returns it trimmed. */
function checkToken(token: string): string {
  const t = token.trim();
  if (t === '') throw new Error('a token is needed: the part after ?token= in the URL memscope serve printed on that host');
  if (!/^[\x21-\x7e]+$/.test(t)) throw new Error('the token must be printable ASCII without spaces');
  return t;
}

/**
 * Splits what the user typed into a loopback base URL and the token it may carry. Only the bases
 * shared/loopback.ts calls fetchable pass: the CSP's connect-src allows exactly those and the servers
 * answer CORS for them. Throws an Error saying what is wrong (not http, not loopback: then an SSH
 * tunnel is the way; [::1]: a CSP cannot name it, localhost reaches it).
 */
export function parseHostUrl(text: string): { baseUrl: string; token: string | null } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(text.trim())} (e.g. http://127.0.0.1:7879)`);
  }
  const baseUrl = url.origin;
  if (url.protocol !== 'http:') throw new Error(`${baseUrl}: memscope serve speaks http (through an SSH tunnel), not ${url.protocol.replace(':', '')}`);
  if (url.hostname === '[::1]') {
    throw new Error(`${baseUrl}: the app cannot name [::1] (a Content-Security-Policy has no IPv6 addresses): use http://localhost:${url.port || 'PORT'}, which reaches a server listening on ::1`);
  }
  if (!isAppFetchableBaseUrl(baseUrl)) {
    throw new Error(
      `${baseUrl}: the app only connects to loopback addresses with a port (127.0.0.1, localhost). Forward the remote host through SSH: ssh -L 7879:127.0.0.1:7878 HOST, then add http://127.0.0.1:7879`,
    );
  }
  return { baseUrl, token: url.searchParams.get('token') };
}

/** Adds a remote host (throws an Error saying what is wrong with the input); returns its entry. */
export function addHost(input: NewHost): HostEntry {
  const { baseUrl, token: urlToken } = parseHostUrl(input.url);
  const token = checkToken(input.token.trim() !== '' ? input.token : (urlToken ?? ''));
  if (remote.some((h) => h.baseUrl === baseUrl)) throw new Error(`${baseUrl} is already in the list`);
  const entry: HostEntry = { id: `h${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`, label: input.label.trim() || baseUrl.replace(/^http:\/\//, ''), baseUrl };
  remote = [...remote, entry];
  tokens = { ...tokens, [entry.id]: token };
  save();
  return entry;
}

/** Sets (or replaces) a remote host's token for this session. */
export function setHostToken(id: string, token: string): void {
  if (!remote.some((h) => h.id === id)) return;
  tokens = { ...tokens, [id]: checkToken(token) };
  save();
}

/** Forgets a remote host and its token (the local host cannot be removed). */
export function removeHost(id: string): void {
  remote = remote.filter((h) => h.id !== id);
  tokens = Object.fromEntries(Object.entries(tokens).filter(([key]) => key !== id));
  if (sessionStorage.getItem(ACTIVE_KEY) === id) sessionStorage.removeItem(ACTIVE_KEY);
  save();
}

/** Records which host is active; client.ts's switchHost reloads the app onto it. */
export function storeActiveHost(id: string): void {
  if (id === LOCAL_HOST_ID) sessionStorage.removeItem(ACTIVE_KEY);
  else sessionStorage.setItem(ACTIVE_KEY, id);
  state = computeState();
  listeners.notify();
}
