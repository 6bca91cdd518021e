// Browser mode: MemscopeBridge over HTTP (POST /api/<method>) and Server-Sent Events
// (GET /api/events). The token comes from the URL the server printed (?token=…).
import { API_METHODS, type ApiMethod, type MemscopeApi, type MemscopeBridge, type SourceInfo, type Tick } from '../../shared/api.js';
import { ApiError, apiErrorFromBody } from '../../shared/errors.js';

/** Creates a bridge to the memscope server at baseUrl ("" = the page's own origin). */
export function createHttpBridge(token: string, baseUrl = ''): MemscopeBridge {
  async function call<T>(method: ApiMethod | 'describeSource', args: unknown[]): Promise<T> {
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
    const body = (await response.json().catch(() => null)) as { value?: T; error?: unknown } | null;
    if (!response.ok || body === null) {
      if (response.status === 401) throw new ApiError('unauthorized', 'the server refused the token: open the URL memscope serve printed');
      throw apiErrorFromBody(body?.error ?? { code: 'internal', message: `HTTP ${response.status}` });
    }
    return body.value as T;
  }

  // One wrapper per API method, generated from the contract's method list (never listed by hand).
  const methods = Object.fromEntries(API_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]));
  return {
    ...(methods as unknown as MemscopeApi),
    describeSource: () => call<SourceInfo>('describeSource', []),
    onTick(listener: (tick: Tick) => void) {
      // EventSource reconnects by itself after a lost connection.
      const source = new EventSource(`${baseUrl}/api/events?token=${encodeURIComponent(token)}`);
      const onMessage = (e: MessageEvent<string>) => listener(JSON.parse(e.data) as Tick);
      source.addEventListener('tick', onMessage);
      return () => source.close();
    },
  };
}
