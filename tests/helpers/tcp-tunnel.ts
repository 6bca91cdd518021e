// A stand-in for `ssh -L PORT:127.0.0.1:TARGET`: a loopback port held for the whole test that forwards each
// connection to a target port that may change (a restarted server binds port 0 anew). Clients keep dialling
// one port, and no port is ever found free, closed and bound again later, when another process may own it.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/** A running tunnel. */
export interface TcpTunnel {
  /** The loopback port clients dial. */
  port: number;
  /** Forwards connections accepted from now on to 127.0.0.1:`targetPort`. */
  retarget(targetPort: number): void;
  /** Closes the port and every forwarded connection. */
  close(): Promise<void>;
}

/** Opens a tunnel on a loopback port chosen by the kernel, forwarding to 127.0.0.1:`targetPort`. */
export async function openTcpTunnel(targetPort: number): Promise<TcpTunnel> {
  let target = targetPort;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    // Nothing listens behind the tunnel: close the client, as `ssh -L` does. Not resetAndDestroy(): after a
    // graceful end had begun, a reset left node spinning at exit on the TCP handle it never closed.
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the tunnel has no port');
  return {
    port: address.port,
    retarget(port) {
      target = port;
    },
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
