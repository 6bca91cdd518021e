// Browser mode: MemscopeBridge over HTTP (POST /api/<method>) and Server-Sent Events
// (GET /api/events). The token comes from the URL the server printed (?token=…).
import { buildApiFunctions, type ApiArgs, type ApiMethod, type ApiResult, type MemscopeBridge, type Tick } from '../../shared/api.js';
import { ApiError, decodeApiError } from '../../shared/errors.js';

/** Creates a bridge to the memscope server at baseUrl ("" = the page's own origin). */
export function createHttpBridge(token: string, baseUrl = ''): MemscopeBridge {
  async function call<M extends ApiMethod>(method: M, args: ApiArgs[M]): Promise<ApiResult[M]> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ args }),
      });
    } catch {
      throw new ApiError('internal', 'cannot reach the memscope server (is `memscope serve` still running?)');
    }
    // JSON carries no types: the server answers {value} typed by the contract, or {error} (an ApiErrorBody).
    const body = (await response.json().catch(() => null)) as { value: ApiResult[M]; error?: unknown } | null;
    if (!response.ok || body === null) {
      if (response.status === 401) throw new ApiError('unauthorized', 'the server refused the token: open the URL memscope serve printed');
      throw decodeApiError(body?.error ?? { code: 'internal', message: `HTTP ${response.status}` });
    }
    return body.value;
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
