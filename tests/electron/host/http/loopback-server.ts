// Browser mode's server started in the test's own process, as the HTTP tests use it: 127.0.0.1, a free port,
// the built renderer as its static files.
import { startServer, type RunningServer } from '../../../../electron/host/http/server.js';
import type { MemscopeService } from '../../../../electron/host/service.js';
import { REPO_ROOT } from '../../../helpers/paths.js';

/** A started server and the origin a test sends its requests to (the URL without its `/?token=…`). */
export interface LoopbackServer {
  server: RunningServer;
  base: string;
}

/** Starts service's HTTP server on 127.0.0.1 at a free port, serving dist/renderer. */
export async function startLoopbackServer(service: MemscopeService): Promise<LoopbackServer> {
  const server = await startServer(service, { host: '127.0.0.1', port: 0, staticDir: `${REPO_ROOT}/dist/renderer` });
  return { server, base: server.url.replace(/\/\?token=.*$/, '') };
}
