// electron/host/tick-fanout.ts: what the event streams (serve) and the desktop window (main.ts) are sent, each in
// the scope it named, with real ticks of this machine's /proc.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Tick } from '../../../shared/api.js';
import { TickFanout } from '../../../electron/host/tick-fanout.js';
import { MemscopeService } from '../../../electron/host/service.js';

const service = new MemscopeService({ historyCapacity: 0 });
after(() => service.stop());

/** A fanout whose payload is the tick's JSON, recording how many were made and what each client got. */
function recordingFanout() {
  const got = new Map<string, Tick[]>();
  let encoded = 0;
  const fanout = new TickFanout<string, string>(
    (tick) => {
      encoded++;
      return JSON.stringify(tick);
    },
    (client, text) => got.set(client, [...(got.get(client) ?? []), JSON.parse(text) as Tick]),
  );
  return { fanout, got, encodedCount: () => encoded };
}

test('each client gets the tick in its scope, encoded once per distinct scope', () => {
  const { fanout, got, encodedCount } = recordingFanout();
  const parent = process.ppid;
  fanout.set('table-1', null);
  fanout.set('table-2', null);
  fanout.set('page-self', [process.pid]);
  fanout.set('page-self-2', [process.pid]);
  fanout.set('page-parent', [parent]);
  const tick = service.tickNow();
  fanout.send(tick);
  assert.equal(encodedCount(), 3, 'every row once, [self] once, [parent] once');
  assert.equal(got.get('table-1')?.[0]?.rows.length, tick.rows.length);
  assert.equal(got.get('table-2')?.[0]?.scope, undefined);
  assert.deepEqual(got.get('page-self')?.[0]?.rows.map((r) => r.pid), [process.pid]);
  assert.deepEqual(got.get('page-self-2')?.[0], got.get('page-self')?.[0]);
  assert.deepEqual(got.get('page-parent')?.[0]?.rows.map((r) => r.pid), [parent]);
});

test('a changed scope applies from the next tick, and the latest tick given with it is sent at once in the new scope', () => {
  const { fanout, got } = recordingFanout();
  const before = service.tickNow();
  fanout.set('window', null, before);
  assert.equal(got.get('window')?.[0]?.seq, before.seq, 'the latest tick at once');
  assert.equal(got.get('window')?.[0]?.scope, undefined);
  fanout.set('window', [process.pid], before);
  assert.deepEqual(got.get('window')?.[1]?.rows.map((r) => r.pid), [process.pid], 'the same tick again, in the new scope');
  fanout.send(service.tickNow());
  assert.deepEqual(got.get('window')?.[2]?.scope, [process.pid]);
  fanout.delete('window');
  fanout.send(service.tickNow());
  assert.equal(got.get('window')?.length, 3, 'nothing after delete');
  assert.equal(fanout.size, 0);
});
