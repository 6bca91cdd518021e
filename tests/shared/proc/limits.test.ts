// parseLimits against the kernel's own /proc/PID/limits, read from a child whose limits prlimit set.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { parseLimits } from '../../../shared/proc/limits.js';

test('parseLimits reads every line of a real /proc/PID/limits; soft and hard as set, "unlimited" as Infinity', () => {
  const text = execFileSync('prlimit', ['--nofile=123:456', '--core=unlimited:unlimited', '--', 'cat', '/proc/self/limits'], { encoding: 'utf8' });
  const limits = parseLimits(text);
  assert.equal(limits.size, text.trimEnd().split('\n').length - 1); // every line but the header
  assert.deepEqual(limits.get('Max open files'), { soft: 123, hard: 456 });
  assert.deepEqual(limits.get('Max core file size'), { soft: Infinity, hard: Infinity });
  assert.ok(limits.has('Max realtime timeout'));
});
