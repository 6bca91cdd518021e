// One API call over HTTP, as the app's transport makes it: POST /api/<method> with {"args": [...]} and the
// Bearer token. The tests that call a real server's API by hand share it.

/**
 * POSTs `method(...args)` to the server at base ("http://127.0.0.1:PORT"); token null sends none. Extra headers
 * (e.g. API_REPLY_HEADER) are added to the app's. Resolves with the raw Response: status and body are the test's.
 */
export function postApiCall(base: string, token: string | null, method: string, args: unknown[], headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
    body: JSON.stringify({ args }),
  });
}
