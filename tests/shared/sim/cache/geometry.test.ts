// Geometry: the user's SIZE:WAYS:LINE spec, sysfs cache indexes turned into levels, cachegrind's extra rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildSysfsGeometry,
  checkCachegrindGeometry,
  countSets,
  MAX_CACHE_LEVELS,
  MAX_CACHE_LINES,
  MAX_CACHE_WAYS,
  parseGeometrySpec,
} from '../../../../shared/sim/cache/geometry.js';

describe('cache geometry', () => {
  test('a spec names levels L1d, L2, L3 and validates them', () => {
    const g = parseGeometrySpec('48K:12:64,2M:16:64,32M:16:64');
    assert.deepEqual(g.map((l) => [l.name, l.sizeBytes, l.ways, l.lineBytes, countSets(l)]), [
      ['L1d', 49152, 12, 64, 64],
      ['L2', 2097152, 16, 64, 2048],
      ['L3', 33554432, 16, 64, 32768],
    ]);
    assert.throws(() => parseGeometrySpec('32K:8'), /SIZE:WAYS:LINE/);
    assert.throws(() => parseGeometrySpec('32K:8:48'), /power of two/);
    assert.throws(() => parseGeometrySpec('1000:8:64'), /multiple/);
  });

  test('cachegrind wants power-of-two set counts; the simulator does not', () => {
    const [l1] = parseGeometrySpec('48K:12:64,1536K:12:64');
    assert.deepEqual(checkCachegrindGeometry(l1!), []); // 64 sets
    const l2 = parseGeometrySpec('48K:12:64,1536K:12:64')[1]!; // 2048 sets
    assert.deepEqual(checkCachegrindGeometry(l2), []);
    const odd = parseGeometrySpec('30M:20:64')[0]!; // 24576 sets
    assert.match(checkCachegrindGeometry(odd).join(), /power-of-two set count/);
  });

  test('sysfs indexes: instruction caches skipped, sorted by level, ways derived when sysfs says 0', () => {
    const ix = (level: string, type: string, size: string, ways: string, line: string, sets: string) => ({
      level,
      type,
      size,
      ways_of_associativity: ways,
      coherency_line_size: line,
      number_of_sets: sets,
    });
    const { levels, problems } = buildSysfsGeometry([
      ix('3', 'Unified', '32768K', '0', '64', '32768'),
      ix('1', 'Instruction', '32K', '8', '64', '64'),
      ix('1', 'Data', '32K', '8', '64', '64'),
      ix('2', 'Unified', '1024K', '8', '64', '2048'),
      ix('4', 'Unified', 'garbage', '8', '64', '1'),
    ]);
    assert.deepEqual(levels.map((l) => [l.name, l.sizeBytes, l.ways]), [
      ['L1d', 32768, 8],
      ['L2', 1048576, 8],
      ['L3', 33554432, 16],
    ]);
    assert.equal(problems.length, 1);
  });
});

describe('cache geometry bounds: a real CPU fits, one past a bound is a bad-arg naming it', () => {
  const refused = (spec: string, re: RegExp) =>
    assert.throws(() => parseGeometrySpec(spec), (e: Error & { code?: string }) => e.code === 'bad-arg' && re.test(e.message) && /the simulator's bound/.test(e.message));
  test(`${MAX_CACHE_LEVELS} levels`, () => {
    assert.equal(parseGeometrySpec('32K:8:64,1M:8:64,32M:16:64,128M:16:64').length, MAX_CACHE_LEVELS);
    refused('32K:8:64,1M:8:64,32M:16:64,128M:16:64,256M:16:64', /5 cache levels, more than 4/);
  });
  test(`${MAX_CACHE_LINES} lines a level (512 MiB of 64-byte lines)`, () => {
    assert.equal(parseGeometrySpec('512M:16:64')[0]!.sizeBytes / 64, MAX_CACHE_LINES);
    refused('1024M:16:64', /size 1073741824 is 16777216 lines, more than 8388608/);
    refused('1024G:8:64', /more than 8388608/);
  });
  test(`${MAX_CACHE_WAYS} ways`, () => {
    assert.equal(parseGeometrySpec('32K:64:64')[0]!.ways, MAX_CACHE_WAYS);
    refused('32K:128:64', /associativity 128 is more than 64/);
  });
});
