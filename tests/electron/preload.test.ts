// The built preload bundle (dist/electron-preload/preload.cjs), run where Electron's binary cannot:
// in a V8 context whose only module is a stand-in for 'electron' that records what the bundle asks of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { API_METHODS, channelOf, TICK_CHANNEL, TICK_SCOPE_CHANNEL, type ApiReply } from '../../shared/api.js';
import { REPO_ROOT } from '../helpers/paths.js';

/** What the bundle did with 'electron': what it exposed, what it invoked, which listeners it holds. */
interface PreloadRun {
  exposed: Map<string, Record<string, (...args: unknown[]) => unknown>>;
  invoked: { channel: string; args: unknown[] }[];
  /** What ipcRenderer.send was given. */
  sent: { channel: string; args: unknown[] }[];
  listeners: Map<string, Set<(...args: unknown[]) => void>>;
}

/** Runs the bundle once; every ipcRenderer.invoke answers `reply`. */
function runPreload(reply: ApiReply<unknown>): PreloadRun {
  const run: PreloadRun = { exposed: new Map(), invoked: [], sent: [], listeners: new Map() };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, (...args: unknown[]) => unknown>) => run.exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        run.invoked.push({ channel, args });
        return reply;
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => {
        const set = run.listeners.get(channel) ?? new Set();
        run.listeners.set(channel, set.add(listener));
      },
      removeListener: (channel: string, listener: (...args: unknown[]) => void) => run.listeners.get(channel)?.delete(listener),
      send: (channel: string, ...args: unknown[]) => run.sent.push({ channel, args }),
    },
  };
  const require = (name: string) => {
    if (name !== 'electron') throw new Error(`the preload required ${name}`);
    return electron;
  };
  const js = readFileSync(join(REPO_ROOT, 'dist/electron-preload/preload.cjs'), 'utf8');
  runInNewContext(js, { require, module: { exports: {} }, exports: {} });
  return run;
}

test('the preload exposes exactly the API methods, onTick and setTickScope as window.memscope', () => {
  const run = runPreload({ ok: true, value: null });
  assert.deepEqual([...run.exposed.keys()], ['memscope']);
  assert.deepEqual(Object.keys(run.exposed.get('memscope') ?? {}).sort(), [...API_METHODS, 'onTick', 'setTickScope'].sort());
});

test('setTickScope sends the scope (a plain copy) on the tick-scope channel, for main.ts to narrow the ticks', () => {
  const run = runPreload({ ok: true, value: null });
  const scope = Object.freeze([41, 42]);
  run.exposed.get('memscope')?.setTickScope?.(scope);
  run.exposed.get('memscope')?.setTickScope?.(null);
  // Through JSON: the arrays were made in the preload's context (another realm's Array).
  assert.deepEqual(JSON.parse(JSON.stringify(run.sent)), [
    { channel: TICK_SCOPE_CHANNEL, args: [[41, 42]] },
    { channel: TICK_SCOPE_CHANNEL, args: [null] },
  ]);
  assert.ok(!Object.isFrozen(run.sent[0]?.args[0]), 'a copy, not the frozen array');
});

test('each method invokes its own memscope: channel with its arguments and answers the reply as it came', async () => {
  for (const reply of [{ ok: true, value: { pid: 7 } }, { ok: false, error: { code: 'gone', message: 'process 7 does not exist' } }] as const) {
    const run = runPreload(reply);
    const api = run.exposed.get('memscope') ?? {};
    for (const method of API_METHODS) {
      const fn = api[method];
      assert.ok(fn !== undefined, method);
      assert.deepEqual(await fn(7, 'abc'), reply, method); // errors travel as data: the promise never rejects
    }
    assert.deepEqual(
      run.invoked,
      API_METHODS.map((m) => ({ channel: channelOf(m), args: [7, 'abc'] })),
    );
  }
});

test('onTick listens on the tick channel and its unsubscribe removes exactly that listener', () => {
  const run = runPreload({ ok: true, value: null });
  const seen: unknown[] = [];
  const unsubscribe = run.exposed.get('memscope')?.onTick?.((tick: unknown) => seen.push(tick)) as () => void;
  const listeners = [...(run.listeners.get(TICK_CHANNEL) ?? [])];
  assert.equal(listeners.length, 1);
  listeners[0]?.({ sender: 'event' }, { seq: 1 });
  assert.deepEqual(seen, [{ seq: 1 }], 'the listener gets the tick, not the IPC event');
  unsubscribe();
  assert.equal(run.listeners.get(TICK_CHANNEL)?.size, 0);
});
