// Sends each tick to every client of a transport (the event streams of serve, the desktop window), each narrowed to
// the scope it asked for (shared/tick-scope.ts). A tick is narrowed and encoded once per distinct scope, not per
// client: ten tabs on the table cost one JSON.stringify of every row, as one did before scopes.
import type { Tick } from '../../shared/api.js';
import { narrowTick, tickScopeKey, type TickScope } from '../../shared/tick-scope.js';

/** The clients of one transport and their scopes; encode makes what is sent (SSE frame text, or the Tick for IPC). */
export class TickFanout<Client, Payload> {
  private readonly scopes = new Map<Client, TickScope>();

  constructor(
    private readonly encode: (tick: Tick) => Payload,
    private readonly deliver: (client: Client, payload: Payload) => void,
  ) {}

  get size(): number {
    return this.scopes.size;
  }

  clients(): IterableIterator<Client> {
    return this.scopes.keys();
  }

  /** Adds client, or changes its scope; with latest, sends it that tick in its new scope now (its rows without waiting a tick). */
  set(client: Client, scope: TickScope, latest?: Tick | null): void {
    this.scopes.set(client, scope);
    if (latest !== undefined && latest !== null) this.sendTo(client, latest);
  }

  delete(client: Client): void {
    this.scopes.delete(client);
  }

  /** Sends tick to one client, in its scope (nothing when it is not a client). */
  sendTo(client: Client, tick: Tick): void {
    const scope = this.scopes.get(client);
    if (scope !== undefined) this.deliver(client, this.encode(narrowTick(tick, scope)));
  }

  /** Sends tick to every client in its scope: narrowed and encoded once per distinct scope. */
  send(tick: Tick): void {
    const made = new Map<string, Payload>();
    for (const [client, scope] of this.scopes) {
      const key = tickScopeKey(scope);
      let payload = made.get(key);
      if (payload === undefined) {
        payload = this.encode(narrowTick(tick, scope));
        made.set(key, payload);
      }
      this.deliver(client, payload);
    }
  }
}
