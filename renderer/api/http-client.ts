// Browser mode: MemscopeBridge over HTTP (POST /api/<method>) and Server-Sent Events
// (GET /api/events). The token comes from the URL the server printed (?token=…). Calls ask for ApiReplies
// (API_REPLY_HEADER): an application error is data in a 200, never a status Chromium logs as a failed load.
import { API_REPLY_HEADER, buildApiFunctions, unwrapApiReply, type ApiArgs, type ApiMethod, type ApiReply, type ApiResult, type MemscopeBridge, type Tick } from '../../shared/api.js';
import { ApiError, decodeApiError } from '../../shared/errors.js';

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
  return {
    ...methods,
    onTick(listener: (tick: Tick) => void) {
      // EventSource reconnects by itself after a lost connection.
      const source = new EventSource(`${baseUrl}/api/events?token=${encodeURIComponent(token)}`);
      const onMessage = (e: MessageEvent<string>) => listener(JSON.parse(e.data) as Tick);
      source.addEventListener('tick', onMessage);
      return () => source.close();
    },
  };
}
