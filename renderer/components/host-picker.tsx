// The title bar's host: which memscope host the views show (label and hostname), its connection
// state, and a menu to switch hosts, add a remote one by URL + token (an SSH tunnel's local end) or
// give it a new token. Also the banner explaining a lost, refused or unreachable connection.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { HostProbe } from '../api/client.js';
import { switchHost } from '../api/client.js';
import { statusOfProbe, useActiveHostStatus, useHostProbes, type HostStatus } from '../state/host-status-store.js';
import { addHost, LOCAL_HOST_ID, removeHost, setHostToken, useHosts, type HostEntry } from '../state/hosts-store.js';
import { useSource } from '../state/source-store.js';
import { Banner } from './banner.js';

const STATUS_TEXT: Record<HostStatus, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'connection lost, reconnecting…',
  'token-refused': 'token refused',
  'token-needed': 'token needed',
  unreachable: 'unreachable',
};

/** CSS class of the dot and text (styles.css .conn-*). */
const STATUS_CLASS: Record<HostStatus, string> = {
  connecting: 'conn-connecting',
  connected: 'conn-live',
  reconnecting: 'conn-lost',
  'token-refused': 'conn-lost',
  'token-needed': 'conn-connecting',
  unreachable: 'conn-lost',
};

function StatusText({ status, testId }: { status: HostStatus; testId?: string }) {
  return (
    <span className={`conn ${STATUS_CLASS[status]}`} data-testid={testId} data-status={status}>
      <i className="dot" />
      {STATUS_TEXT[status]}
    </span>
  );
}

/** The active host's connection state, next to its name in the title bar. */
export function HostStatusBadge() {
  const status = useActiveHostStatus();
  return (
    <span title="the connection to the host the views show" className="host-status">
      <StatusText status={status} testId="connection-status" />
    </span>
  );
}

/** How a host is named in the menu: its label, or for the app's own host its hostname. */
function hostName(entry: HostEntry, probe: HostProbe | undefined, activeHostname: string | null): string {
  if (entry.label !== '') return entry.label;
  if (activeHostname !== null) return activeHostname;
  return probe?.kind === 'ok' ? probe.source.hostname : 'the app’s own host';
}

function TokenForm({ entry, active }: { entry: HostEntry; active: boolean }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    try {
      setHostToken(entry.id, token);
      setToken('');
      setError(null);
      if (active) switchHost(entry.id); // the open bridge still holds the refused token
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form className="host-token-form" onSubmit={submit}>
      <input type="password" autoComplete="off" placeholder="new token" aria-label={`token for ${entry.label}`} value={token} onChange={(e) => setToken(e.target.value)} data-testid={`host-token-${entry.id}`} />
      <button type="submit">Set token</button>
      {error === null ? null : <span className="mismatch">{error}</span>}
    </form>
  );
}

function HostRow({ entry, active, status, probe, activeHostname }: { entry: HostEntry; active: boolean; status: HostStatus; probe: HostProbe | undefined; activeHostname: string | null }) {
  const remote = entry.id !== LOCAL_HOST_ID;
  const needsToken = status === 'token-refused' || status === 'token-needed';
  return (
    <li className={active ? 'host-row on' : 'host-row'} data-testid="host-row" data-host-id={entry.id} data-active={active}>
      <div className="host-row-head">
        <strong>{hostName(entry, probe, active ? activeHostname : null)}</strong>
        <span className="mono muted">{remote ? entry.baseUrl : 'the app’s own host'}</span>
        <StatusText status={status} />
        <span className="spacer" />
        {active ? (
          <span className="muted">shown</span>
        ) : (
          <button type="button" disabled={status === 'token-needed'} onClick={() => switchHost(entry.id)} data-testid={`host-open-${entry.id}`}>
            Open
          </button>
        )}
        {remote ? (
          <button
            type="button"
            className="link"
            onClick={() => {
              removeHost(entry.id);
              if (active) switchHost(LOCAL_HOST_ID);
            }}
          >
            remove
          </button>
        ) : null}
      </div>
      {remote && needsToken ? <TokenForm entry={entry} active={active} /> : null}
    </li>
  );
}

function AddHostForm() {
  const [label, setLabel] = useState('');
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    try {
      const entry = addHost({ label, url, token });
      switchHost(entry.id);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form className="add-host" onSubmit={submit} data-testid="add-host-form">
      <h3>Add a remote host</h3>
      <p className="hint muted">
        On the host: <span className="mono">memscope serve</span> (add <span className="mono">--token-file FILE</span> to keep its token across restarts). Here:{' '}
        <span className="mono">ssh -L 7879:127.0.0.1:7878 HOST</span>, then paste the URL it printed with the port changed to 7879.
      </p>
      <label>
        Label
        <input type="text" value={label} placeholder="db-1" onChange={(e) => setLabel(e.target.value)} data-testid="add-host-label" />
      </label>
      <label>
        URL
        <input type="text" value={url} placeholder="http://127.0.0.1:7879/?token=…" onChange={(e) => setUrl(e.target.value)} data-testid="add-host-url" />
      </label>
      <label>
        Token
        <input type="password" autoComplete="off" value={token} placeholder="(taken from the URL when it has ?token=)" onChange={(e) => setToken(e.target.value)} data-testid="add-host-token" />
      </label>
      <div className="toolbar">
        <button type="submit" data-testid="add-host-submit">
          Add and open
        </button>
        <span className="muted hint">Tokens are kept for this window only, never written to disk.</span>
      </div>
      {error === null ? null : (
        <div className="mismatch" data-testid="add-host-error">
          {error}
        </div>
      )}
    </form>
  );
}

/** The title bar's host name with its drop-down menu of hosts. */
export function HostPicker() {
  const hosts = useHosts();
  const source = useSource();
  const status = useActiveHostStatus();
  const ref = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);
  const probes = useHostProbes(hosts, open);
  const active = hosts.hosts.find((h) => h.id === hosts.activeId);
  const label = active?.label ?? '';
  const hostname = source?.hostname ?? null;

  useEffect(() => {
    // Close when clicking elsewhere, as a menu does.
    const onDown = (e: MouseEvent) => {
      const el = ref.current;
      if (el !== null && el.open && !el.contains(e.target as Node)) el.open = false;
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, []);

  useEffect(() => {
    // The window title names the host too (source-store sets the bare hostname first).
    const name = hostname ?? '…';
    document.title = label !== '' && label !== hostname ? `memscope — ${label} (${name})` : `memscope — ${name}`;
  }, [label, hostname]);

  const how = source === null ? '' : `${source.transport === 'http' ? 'over HTTP' : 'desktop app'} · sampling every ${source.intervalMs} ms`;
  return (
    <>
      <details className="chooser host-picker" ref={ref} onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="host-picker">
        <summary title={`the host these views show${how === '' ? '' : ` (${how})`}; click to switch or add hosts`}>
          {label !== '' ? (
            <span className="host-label" data-testid="host-label">
              {label}
            </span>
          ) : null}
          <span className="host" data-testid="source-host">
            {hostname ?? '…'}
          </span>{' '}
          ▾
        </summary>
        <div className="chooser-menu host-menu">
          <h3>Hosts</h3>
          <ul className="host-list">
            {hosts.hosts.map((h) => {
              const isActive = h.id === hosts.activeId;
              const probe = probes.get(h.id);
              return <HostRow key={h.id} entry={h} active={isActive} status={isActive ? status : statusOfProbe(probe)} probe={probe} activeHostname={hostname} />;
            })}
          </ul>
          <AddHostForm />
        </div>
      </details>
      <HostStatusBadge />
    </>
  );
}

/** The banner under the title bar when the active host is not connected (on live pages). */
export function HostStatusBanner() {
  const status = useActiveHostStatus();
  const hosts = useHosts();
  const source = useSource();
  const active = hosts.hosts.find((h) => h.id === hosts.activeId);
  const remote = active !== undefined && active.id !== LOCAL_HOST_ID;
  const name = (active?.label ?? '') !== '' ? (active?.label ?? '') : (source?.hostname ?? 'the memscope host');
  const where = remote ? ` at ${active.baseUrl}` : '';
  switch (status) {
    case 'reconnecting':
      return (
        <Banner tone="error" title={`Lost the connection to ${name}, reconnecting…`} testId="disconnected">
          No tick for several seconds. The numbers below are the last ones received; they update again as soon as {name} answers{where} (is{' '}
          <span className="mono">memscope serve</span> still running{remote ? ', and the SSH tunnel still up' : ''}?).
        </Banner>
      );
    case 'token-refused':
      return (
        <Banner tone="error" title={`${name} refused the token (HTTP 401)`} testId="token-refused">
          {remote
            ? 'memscope serve makes a new token each time it starts (unless run with --token-file). Open the host menu in the title bar and paste the token from the URL it printed.'
            : 'Open the URL memscope serve printed, with its ?token=.'}
        </Banner>
      );
    case 'unreachable':
      return (
        <Banner tone="error" title={`Cannot reach ${name}${where}`} testId="unreachable">
          Nothing answers there. Start <span className="mono">memscope serve</span> on the host{remote ? ' and the SSH tunnel to it (ssh -L PORT:127.0.0.1:7878 HOST)' : ''}; the app keeps trying. Other
          hosts are in the host menu in the title bar.
        </Banner>
      );
    default:
      return null;
  }
}
