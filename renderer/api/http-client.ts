// Browser mode: MemscopeBridge over HTTP (POST /api/<method>) and Server-Sent Events
// (GET /api/events). The token comes from the URL the server printed (?token=…). Calls ask for ApiReplies
// (API_REPLY_HEADER): an application error is data in a 200, never a status Chromium logs as a failed load.
import { API_REPLY_HEADER, buildApiFunctions, unwrapApiReply, type ApiArgs, type ApiMethod, type ApiReply, type ApiResult, type MemscopeBridge, type Tick } from '../../shared/api.js';
import { ApiError, decodeApiError } from '../../shared/errors.js';
import { formatTickScopeQuery, tickScopeKey, type TickScope } from '../../shared/tick-scope.js';

/** Creates a bridge to the memscope server at baseUrl ("" = the page's own origin). */
export function createHttpBridge(token: string, baseUrl = ''): MemscopeBridge {
  async function call<M extends ApiMethod>(method: M, args: ApiArgs[M]): Promise<ApiResult[M]> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [API_REPLY_HEADER.name]: API_REPLY_HEADER.value },
        body: JSON.stringify({ args }),
      });
    } catch {
      throw new ApiError('internal', 'cannot reach the memscope server (is `memscope serve` still running?)');
    }
    // JSON carries no types: a call's outcome is an ApiReply typed by the contract; a request refused before the
    // call (token, size, Host) is an error status with {error} (an ApiErrorBody).
    const body = (await response.json().catch(() => null)) as ApiReply<ApiResult[M]> | { error?: unknown } | null;
    if (!response.ok || body === null || !('ok' in body)) {
      if (response.status === 401) throw new ApiError('unauthorized', 'the server refused the token: open the URL memscope serve printed');
      throw decodeApiError((body as { error?: unknown } | null)?.error ?? { code: 'internal', message: `HTTP ${response.status}` });
    }
    return unwrapApiReply(body);
  }

  // One wrapper per API method, generated from the contract (never listed by hand).
  const methods = buildApiFunctions((method) => (...args) => call(method, args));
  // One event stream for every listener, opened for the scope named last; a new scope opens a new stream (the old
  // one closed first), which starts with the latest tick in that scope. A host older than scopes ignores ?pids=.
  const listeners = new Set<(tick: Tick) => void>();
  let scope: TickScope = null;
  let source: EventSource | null = null;
  const onMessage = (e: MessageEvent<string>) => {
    const tick = JSON.parse(e.data) as Tick;
    for (const listener of listeners) listener(tick);
  };
  const open = () => {
    source?.close();
    // EventSource reconnects by itself after a lost connection.
    source = new EventSource(`${baseUrl}/api/events?token=${encodeURIComponent(token)}${formatTickScopeQuery(scope)}`);
    source.addEventListener('tick', onMessage);
  };
  return {
    ...methods,
    onTick(listener: (tick: Tick) => void) {
      listeners.add(listener);
      if (source === null) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        source?.close();
        source = null;
      };
    },
    setTickScope(next: TickScope) {
      if (tickScopeKey(next) === tickScopeKey(scope)) return;
      scope = next;
      if (source !== null) open();
    },
  };
}
