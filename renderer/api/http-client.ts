// Browser mode: MemscopeBridge over HTTP (POST /api/<method>) and Server-Sent Events
// (GET /api/events). The token comes from the URL the server printed (?token=…).
import type { ApiMethod, MemscopeBridge, SourceInfo, Tick } from '../../shared/api.js';
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
      if (response.status === 401) throw new ApiError('denied', 'the server refused the token: open the URL memscope serve printed');
      throw apiErrorFromBody(body?.error ?? { code: 'internal', message: `HTTP ${response.status}` });
    }
    return body.value as T;
  }

  return {
    listProcesses: () => call('listProcesses', []),
    getProcess: (pid) => call('getProcess', [pid]),
    getMappings: (pid) => call('getMappings', [pid]),
    getHistory: (pid) => call('getHistory', [pid]),
    getSystem: () => call('getSystem', []),
    exportSnapshot: (pid) => call('exportSnapshot', [pid]),
    openSnapshot: (text) => call('openSnapshot', [text]),
    diffSnapshots: (a, b) => call('diffSnapshots', [a, b]),
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
