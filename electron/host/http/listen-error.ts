// Why a server could not bind, as serve and exporter both say it. An address this machine does not have is a
// bad argument (exit 2); a port in use or refused is a run-time failure (exit 1), as the README's exit codes say.
import { ApiError } from '../../../shared/errors.js';
import { quoteUserInput } from '../../../shared/text/escape.js';

/** The ApiError for a failed listen() on `address` (as the user wrote it); `inUseHint` follows "port in use". */
export function listenError(command: string, address: string, err: unknown, inUseHint = ''): ApiError {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `${command}: cannot listen on ${quoteUserInput(address)}`;
  if (code === 'EADDRNOTAVAIL') return new ApiError('bad-arg', `${where}: no such local address`);
  if (code === 'EADDRINUSE') return new ApiError('denied', `${where}: port in use${inUseHint}`);
  if (code === 'EACCES') return new ApiError('denied', `${where}: permission denied (ports below 1024 need root)`);
  return new ApiError('internal', `${where}: ${code ?? String(err)}`);
}
