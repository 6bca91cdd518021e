// Browser mode's JSON request bodies, buffered under two bounds: one request (MAX_BODY_BYTES) and every
// request at once (MAX_BUFFERED_BYTES), so many concurrent large uploads are refused with 413 instead of
// held in memory. A declared Content-Length is reserved before the first byte is read.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../../shared/errors.js';
import { formatKb } from '../../../shared/units.js';

/** Largest request body accepted (two 20,000-mapping snapshots fit). */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

/** Most request-body bytes held at once across all requests (two of the largest). */
export const MAX_BUFFERED_BYTES = 512 * 1024 * 1024;

/** A body refused for its size: HTTP 413, and the connection closes so the rest is never read. */
export class BodyTooLargeError extends ApiError {
  /** The HTTP status sent instead of bad-arg's 400. */
  readonly httpStatus = 413;

  /** Creates the refusal with its one-line reason. */
  constructor(message: string) {
    super('bad-arg', message);
  }
}

/** Body bytes held by requests in flight, against a total. */
export class BodyBudget {
  private heldBytes = 0;

  /** A budget of maxTotalBytes shared by every request, maxRequestBytes for any one. */
  constructor(
    readonly maxTotalBytes = MAX_BUFFERED_BYTES,
    readonly maxRequestBytes = MAX_BODY_BYTES,
  ) {}

  /** Bytes held now. */
  get usedBytes(): number {
    return this.heldBytes;
  }

  /** Holds byteCount more; false (holding nothing) when that would pass the total. */
  tryHold(byteCount: number): boolean {
    if (this.heldBytes + byteCount > this.maxTotalBytes) return false;
    this.heldBytes += byteCount;
    return true;
  }

  /** Gives back what tryHold took. */
  release(byteCount: number): void {
    this.heldBytes -= byteCount;
  }
}

/**
 * Reads req's body as JSON ({} when empty) within the budget. What it holds is released when res
 * closes, since the parsed value lives until the answer is sent. Throws BodyTooLargeError, or
 * ApiError('bad-arg') when the body is not JSON.
 */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse, budget: BodyBudget): Promise<unknown> {
  let heldBytes = 0;
  res.once('close', () => budget.release(heldBytes));
  const hold = (byteCount: number): void => {
    if (!budget.tryHold(byteCount)) {
      throw new BodyTooLargeError(`the server is already holding ${formatKb(budget.usedBytes / 1024)} of request bodies (at most ${formatKb(budget.maxTotalBytes / 1024)}): retry later`);
    }
    heldBytes += byteCount;
  };
  const tooLarge = () => new BodyTooLargeError(`request body too large (at most ${formatKb(budget.maxRequestBytes / 1024)})`);

  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    if (Number(declared) > budget.maxRequestBytes) throw tooLarge();
    hold(Number(declared));
  }
  const body = await new Promise<Buffer>((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let sizeBytes = 0;
    const fail = (err: Error) => {
      // Stop reading: what follows is neither buffered nor drained (the answer closes the connection).
      req.off('data', onData);
      req.pause();
      rejectBody(err);
    };
    const onData = (chunk: Buffer) => {
      sizeBytes += chunk.length;
      try {
        if (sizeBytes > budget.maxRequestBytes) throw tooLarge();
        if (sizeBytes > heldBytes) hold(sizeBytes - heldBytes); // chunked: held as it arrives
      } catch (err) {
        fail(err as Error);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolveBody(Buffer.concat(chunks, sizeBytes)));
    req.once('error', fail);
    req.once('close', () => fail(new ApiError('bad-arg', 'the request was aborted')));
  });
  try {
    return body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as unknown);
  } catch {
    throw new ApiError('bad-arg', 'request body is not JSON');
  }
}
