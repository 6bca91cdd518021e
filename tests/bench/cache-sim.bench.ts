// Cache simulator speed: simulated accesses per second on one core for every built-in pattern (defaults of
// pattern-catalog.ts), with the machine's geometry and with cachegrind's two levels, beside valgrind
// cachegrind's own rate on the same accesses (tests/harness/cache-patterns.c under valgrind, the pattern
// repeated to about 16 million accesses, timed with and without the pattern calls). Goal: >= 20 million/s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHostCacheGeometry } from '../../electron/host/system/cache-geometry.js';
import type { CacheGeometry } from '../../shared/sim/cache/geometry.js';
import { CacheHierarchy } from '../../shared/sim/cache/hierarchy.js';
import { findPatternKind, parsePatternSpec } from '../../shared/sim/access/pattern-catalog.js';
import { shuffleOrder } from '../../shared/sim/access/patterns.js';
import { DEFAULT_TLB_4K } from '../../shared/sim/tlb/params.js';
import { Tlb } from '../../shared/sim/tlb/tlb.js';
import { buildHarness } from '../helpers/c-build.js';
import { oracleMissing } from '../helpers/oracles.js';
import { childrenCpuMs, median } from './measure.js';

const CACHEGRIND_GEOMETRY: CacheGeometry = [
  { name: 'D1', sizeBytes: 32768, ways: 8, lineBytes: 64, writeAllocate: true },
  { name: 'LL', sizeBytes: 262144, ways: 8, lineBytes: 64, writeAllocate: true },
];
const SCRUB_BYTES = String(4 * 262144);

/** Harness argv for a catalog pattern at its defaults (the same parameters the simulator runs). */
function harnessArgs(name: string, value: (param: string) => number, orderFile: string): string[] {
  const p = (k: string) => String(value(k));
  switch (name) {
    case 'row-major':
    case 'col-major':
      return [name, p('rows'), p('cols')];
    case 'array-walk':
      return [name, p('count'), p('node')];
    case 'list-walk':
      return [name, p('count'), p('node'), orderFile];
    case 'aos':
    case 'soa':
      return [name, p('count'), p('fields'), p('read')];
    case 'matmul-naive':
      return [name, p('n')];
    default:
      return [name, p('n'), p('block')];
  }
}

/** Median CPU ms (user + system) of `runs` runs of valgrind cachegrind on the harness (output discarded). */
function timeCachegrind(args: string[], repeat: number, skipPattern: boolean, runs: number): number {
  const times: number[] = [];
  const env = { ...process.env, CACHE_PATTERNS_REPEAT: String(repeat), ...(skipPattern ? { CACHE_PATTERNS_SKIP: '1' } : {}) };
  for (let i = 0; i < runs; i++) {
    const t = childrenCpuMs();
    const r = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=yes', '--D1=32768,8,64', '--LL=262144,8,64', '--cachegrind-out-file=/dev/null', ...args], { stdio: 'ignore', env });
    if (r.status !== 0) throw new Error(`valgrind ${args.join(' ')} exited ${r.status}`);
    times.push(childrenCpuMs() - t);
  }
  return median(times);
}

/** Median CPU ms (this process, user + system) of `runs` simulations of the pattern repeated `repeat` times from empty caches. */
function timeSimulation(geometry: CacheGeometry, name: string, repeat: number, runs: number): number {
  const pattern = parsePatternSpec(name);
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const h = new CacheHierarchy(geometry);
    const t = process.cpuUsage();
    for (let r = 0; r < repeat; r++) pattern.run(h);
    const d = process.cpuUsage(t);
    if (i >= 2) times.push((d.user + d.system) / 1000); // two warm-up runs let the JIT settle
  }
  return median(times);
}

/** Prints the rates. */
export function benchCacheSim(): void {
  const host = readHostCacheGeometry().levels;
  const names = ['row-major', 'col-major', 'array-walk', 'list-walk', 'aos', 'soa', 'matmul-naive', 'matmul-blocked'];
  const bin = buildHarness('cache-patterns.c', ['-fno-tree-vectorize']);
  const dir = mkdtempSync(join(tmpdir(), 'memscope-bench-cache-'));
  try {
    console.log(`\n## cache simulator: million simulated accesses per CPU-second (one core, CPU time so other load does not count; median of 3 runs; each pattern repeated to ~16 M accesses)`);
    console.log(`host geometry: ${host.map((l) => `${l.name} ${l.sizeBytes / 1024}K/${l.ways}-way`).join(', ')}; cachegrind geometry: D1 32K/8-way, LL 256K/8-way`);
    const cachegrindMissing = oracleMissing('valgrind');
    if (cachegrindMissing !== false) console.log(`cachegrind column skipped (n/a): ${cachegrindMissing}`);
    console.log(`${'pattern'.padEnd(16)} ${'accesses'.padStart(9)} ${'memscope host'.padStart(14)} ${'memscope D1+LL'.padStart(15)} ${'cachegrind'.padStart(11)}`);
    let totalAccesses = 0;
    let totalHostMs = 0;
    let totalTwoLevelMs = 0;
    for (const name of names) {
      const kind = findPatternKind(name)!;
      const value = (k: string) => kind.params.find((p) => p.name === k)!.defaultValue;
      const repeat = Math.ceil(16e6 / parsePatternSpec(name).accessCount);
      const accesses = repeat * parsePatternSpec(name).accessCount;
      const hostMs = timeSimulation(host, name, repeat, 3);
      const twoMs = timeSimulation(CACHEGRIND_GEOMETRY, name, repeat, 3);
      totalAccesses += accesses;
      totalHostMs += hostMs;
      totalTwoLevelMs += twoMs;
      const orderFile = join(dir, 'order.bin');
      if (name === 'list-walk') {
        const order = shuffleOrder(value('count'), value('seed'));
        writeFileSync(orderFile, new Uint8Array(order.buffer));
      }
      const args = [bin, SCRUB_BYTES, ...harnessArgs(name, value, orderFile)];
      const vgMs = cachegrindMissing !== false ? 0 : timeCachegrind(args, repeat, false, 1) - timeCachegrind(args, repeat, true, 1);
      const rate = (ms: number) => (accesses / ms / 1000).toFixed(1);
      const vgRate = vgMs > 0 ? rate(vgMs) : 'n/a';
      console.log(`${name.padEnd(16)} ${String(accesses).padStart(9)} ${rate(hostMs).padStart(14)} ${rate(twoMs).padStart(15)} ${vgRate.padStart(11)}`);
    }
    console.log(
      `${'all (total)'.padEnd(16)} ${String(totalAccesses).padStart(9)} ${(totalAccesses / totalHostMs / 1000).toFixed(1).padStart(14)} ${(totalAccesses / totalTwoLevelMs / 1000).toFixed(1).padStart(15)}` +
        '   (goal >= 20; cachegrind: CPU time with the pattern calls minus without)',
    );
    const random = parsePatternSpec('random');
    const tlbTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = process.cpuUsage();
      random.run(new Tlb(DEFAULT_TLB_4K));
      const d = process.cpuUsage(t);
      tlbTimes.push((d.user + d.system) / 1000);
    }
    console.log(`TLB model, random pattern (${random.accessCount} accesses, 64-entry 4-way): ${(random.accessCount / median(tlbTimes) / 1000).toFixed(1)} M accesses/s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
