// One raw HTTP request with node:http, so headers fetch would rewrite or hide (Host, Origin) are sent
// exactly as given and every answer header is seen.
import { request } from 'node:http';

/** What the server answered. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one request and resolves with the whole answer (an event stream's first frame is enough). */
export function sendRaw(url: string, method: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        // The event stream never ends: its first frame is enough.
        if (res.headers['content-type']?.startsWith('text/event-stream') === true && text.includes('\n\n')) res.destroy();
      });
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
      res.on('end', done);
      res.on('close', done);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
