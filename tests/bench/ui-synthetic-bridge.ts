// The UI benchmark's data source, run inside the page before the app loads (page.addInitScript): a
// window.memscope bridge whose ticks are synthetic (N processes, some churn) and pushed on command;
// every other call goes to the real `memscope serve` that served the page. Self-contained: serialised with toString().
import type { ApiReply, PreloadBridge, Tick } from '../../shared/api.js';
import type { ApiErrorBody } from '../../shared/errors.js';
import type { ProcessRow } from '../../shared/proc/types.js';

/** What the page script needs to know. */
export interface SyntheticBridgeParams {
  /** How many processes each tick lists. */
  processCount: number;
  /** A real pid on the serving host (its process page is benchmarked), and its (22) starttime. */
  realPid: number;
  realStartTicks: number;
  /** Its comm and command line, so its row reads as the process its page shows. */
  realComm: string;
  realCommand: string;
  /** The serving memscope serve, for the non-tick calls. */
  base: string;
  token: string;
}

/** Per-phase measurements returned to the benchmark (all ms). */
export interface PhaseResult {
  /** Deltas between consecutive requestAnimationFrame callbacks while the phase ran. */
  frameMs: number[];
  /** Per tick: the listener calls plus the React render and commit they cause (until the next macrotask). */
  tickJsMs: number[];
  /** Durations of long tasks (> 50 ms) observed during the phase. */
  longTaskMs: number[];
  wallMs: number;
}

/** The page-side controls, as window.__bench. */
export interface BenchControls {
  /** Pushes one tick every intervalMs, `ticks` times, measuring frames all along. */
  realtime(ticks: number, intervalMs: number): Promise<PhaseResult>;
  /** Pushes `ticks` ticks, one per animation frame (as fast as the page renders them). */
  fastForward(ticks: number): Promise<PhaseResult>;
  /** Ticks pushed so far. */
  pushed(): number;
}

interface PageGlobals {
  memscope?: PreloadBridge;
  __bench?: BenchControls;
  requestAnimationFrame(cb: (now: number) => void): number;
  PerformanceObserver: new (cb: (list: { getEntries(): { startTime: number; duration: number }[] }) => void) => { observe(o: { type: string; buffered: boolean }): void };
}

/** Installs window.memscope and window.__bench. Runs in the page: references nothing outside itself. */
export function installSyntheticBridge(params: SyntheticBridgeParams): void {
  const g = globalThis as unknown as PageGlobals;
  let seed = 0x2545f491;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const USERS = ['root', 'www-data', 'postgres', 'alice', 'bob', 'systemd-resolve'];
  const COMMS = ['postgres', 'nginx', 'node', 'python3', 'java', 'bash', 'sshd', 'systemd', 'chrome', 'redis-server', 'containerd-shim', 'kworker/u8:1'];
  const MEM_TOTAL_KB = 16 * 1024 * 1024;

  type Proc = Omit<ProcessRow, 'cpuPct' | 'memPct' | 'minfltPerS' | 'majfltPerS' | 'rowStatus'>;
  let nextPid = 3000;
  const newProc = (pid: number, startTicks: number): Proc => {
    const comm = COMMS[Math.floor(rand() * COMMS.length)] ?? 'sleep';
    const uid = Math.floor(rand() * USERS.length);
    const resKb = 1024 + Math.floor(rand() * 400_000);
    return {
      pid,
      ppid: 1,
      user: USERS[uid] ?? 'root',
      uid: uid * 1000,
      state: 'S',
      comm,
      command: `/usr/bin/${comm} --worker=${pid} --config /etc/${comm}/${comm}.conf`,
      virtKb: resKb * 4 + Math.floor(rand() * 1_000_000),
      resKb,
      shrKb: Math.floor(resKb / 5),
      swapKb: rand() < 0.1 ? Math.floor(rand() * 50_000) : 0,
      cpuTimeS: rand() * 1000,
      threads: 1 + Math.floor(rand() * 40),
      minflt: Math.floor(rand() * 1e6),
      majflt: Math.floor(rand() * 100),
      startTicks,
    };
  };
  const procs: Proc[] = [{ ...newProc(params.realPid, params.realStartTicks), comm: params.realComm, command: params.realCommand, user: 'root', uid: 0 }];
  while (procs.length < params.processCount) procs.push(newProc(nextPid++, nextPid * 10));

  let seq = 0;
  let tMs = Date.now() - 3_600_000 * 2;
  let latest: Tick | null = null;
  let gone: Proc[] = [];
  const listeners = new Set<(tick: Tick) => void>();

  const makeTick = (): Tick => {
    seq++;
    tMs += 1000; // one simulated second per tick, however fast they are pushed
    if (seq % 10 === 0) {
      // Churn: a process exits (a tombstone next tick) and another starts.
      const i = 1 + Math.floor(rand() * (procs.length - 1));
      const dead = procs.splice(i, 1)[0];
      if (dead !== undefined) gone.push(dead);
      procs.push(newProc(nextPid++, nextPid * 10));
    }
    const rows: ProcessRow[] = [];
    for (const p of procs) {
      const busy = rand() < 0.1;
      const cpuPct = busy ? rand() * 80 : rand() * 0.5;
      p.resKb = Math.max(512, p.resKb + Math.floor((rand() - 0.5) * 2000));
      p.cpuTimeS += cpuPct / 100;
      const minfltPerS = busy ? Math.floor(rand() * 5000) : 0;
      p.minflt += minfltPerS;
      rows.push({ ...p, cpuPct, memPct: (p.resKb / MEM_TOTAL_KB) * 100, minfltPerS, majfltPerS: 0, rowStatus: 'ok' });
    }
    for (const d of gone) rows.push({ ...d, cpuPct: 0, memPct: 0, minfltPerS: 0, majfltPerS: 0, rowStatus: 'gone' });
    gone = [];
    return { seq, tMs, elapsedMs: seq === 1 ? 0 : 1000, memTotalKb: MEM_TOTAL_KB, rows, cost: { wallMs: 12, cpuMs: 9, processCount: rows.length, sources: ['stat', 'statm'] } };
  };
  const push = (): void => {
    latest = makeTick();
    for (const l of listeners) l(latest);
  };

  // What the preload answers (an ApiReply, which renderer/api/ipc-client.ts unwraps), from the server's {value} or {error}.
  const call = async (method: string, args: unknown[]): Promise<ApiReply<unknown>> => {
    const r = await fetch(`${params.base}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${params.token}` },
      body: JSON.stringify({ args }),
    });
    const body = (await r.json()) as { value?: unknown; error?: ApiErrorBody };
    if (!r.ok) return { ok: false, error: body.error ?? { code: 'internal', message: `HTTP ${r.status}` } };
    return { ok: true, value: body.value };
  };

  // The tick side is synthetic; the rest is the real server's (the Proxy below adds every method not listed).
  const bridge: Partial<PreloadBridge> = {
    listProcesses: async () => ({ ok: true, value: latest ?? makeTick() }),
    getHistory: async (pid: number) => ({ ok: true, value: { pid, intervalMs: 1000, samples: [], startedMs: null, exitedMs: null } }),
    describeSource: async () => ({ ok: true, value: { hostname: `bench-${params.processCount}`, transport: 'electron', intervalMs: 1000 } }),
    onTick(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    // The synthetic ticks keep every row, as a host older than tick scopes does.
    setTickScope: () => undefined,
  };
  g.memscope = new Proxy(bridge, { get: (target, key) => (key in target ? target[key as keyof PreloadBridge] : (...args: unknown[]) => call(String(key), args)) }) as PreloadBridge;

  const longTasks: { startTime: number; duration: number }[] = [];
  new g.PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: true });
  const nextFrame = () => new Promise<number>((resolve) => g.requestAnimationFrame(resolve));
  const nextMacrotask = () =>
    new Promise<void>((resolve) => {
      const ch = new MessageChannel();
      (ch.port1 as unknown as { onmessage: () => void }).onmessage = () => resolve();
      ch.port2.postMessage(0);
    });
  const timedPush = async (tickJsMs: number[]) => {
    const t0 = performance.now();
    push();
    await nextMacrotask(); // React flushes the sync-lane render of useSyncExternalStore before this
    tickJsMs.push(performance.now() - t0);
  };
  const finish = (start: number, frameMs: number[], tickJsMs: number[]): PhaseResult => ({
    frameMs,
    tickJsMs,
    longTaskMs: longTasks.filter((e) => e.startTime >= start).map((e) => e.duration),
    wallMs: performance.now() - start,
  });

  g.__bench = {
    pushed: () => seq,
    async realtime(ticks, intervalMs) {
      const frameMs: number[] = [];
      const tickJsMs: number[] = [];
      let running = true;
      let last = await nextFrame();
      const start = performance.now();
      const loop = (now: number) => {
        frameMs.push(now - last);
        last = now;
        if (running) g.requestAnimationFrame(loop);
      };
      g.requestAnimationFrame(loop);
      for (let i = 0; i < ticks; i++) {
        await new Promise((r) => setTimeout(r, intervalMs));
        await timedPush(tickJsMs);
      }
      running = false;
      return finish(start, frameMs, tickJsMs);
    },
    async fastForward(ticks) {
      const frameMs: number[] = [];
      const tickJsMs: number[] = [];
      let last = await nextFrame();
      const start = performance.now();
      for (let i = 0; i < ticks; i++) {
        const now = await nextFrame();
        frameMs.push(now - last);
        last = now;
        await timedPush(tickJsMs);
      }
      return finish(start, frameMs, tickJsMs);
    },
  };
}
