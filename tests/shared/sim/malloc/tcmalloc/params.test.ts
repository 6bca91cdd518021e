// parseTcmallocEnv: settings are read the way the library reads its environment (checked by
// replaying under the real library with the same environment), and bad settings are rejected.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateWorkload } from '../../../../../shared/sim/malloc/workloads.js';
import { TcmallocEnvError, createDefaultTcmallocParams, parseTcmallocEnv } from '../../../../../shared/sim/malloc/tcmalloc/params.js';
import { oracleMissing } from '../../../../helpers/oracles.js';
import { compareWithRealTcmalloc } from './real-tcmalloc.js';

describe('parseTcmallocEnv', () => {
  test('an empty string is the default process', () => {
    assert.deepEqual(parseTcmallocEnv('').params, createDefaultTcmallocParams());
    assert.deepEqual(parseTcmallocEnv('').env, {});
  });

  test('boolean spellings agree with the real library (StringToBool: "", 1, t, y are true)', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
    const trace = generateWorkload('big-churn', { seed: 3, opCount: 1500 });
    for (const value of ['', 'no', 'yes', '0', 'True', 'false']) {
      const text = `TCMALLOC_AGGRESSIVE_DECOMMIT=${value}`;
      const c = compareWithRealTcmalloc(trace, text);
      assert.equal(c.firstDiff, -1, `${text}: ${c.report}`);
    }
    assert.equal(parseTcmallocEnv('TCMALLOC_AGGRESSIVE_DECOMMIT=').params.aggressiveDecommit, true);
    assert.equal(parseTcmallocEnv('TCMALLOC_AGGRESSIVE_DECOMMIT=no').params.aggressiveDecommit, false);
  });

  test('numbers are read like strtol / strtod, and separators may be : , or blanks', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
    const { params, env } = parseTcmallocEnv('TCMALLOC_TRANSFER_NUM_OBJ=12abc, TCMALLOC_RELEASE_RATE=2.5:TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES=1000000');
    assert.equal(params.transferNumObjects, 12);
    assert.equal(params.releaseRate, 2.5);
    assert.equal(params.overallThreadCacheBytes, 1000000);
    assert.deepEqual(Object.keys(env).sort(), ['TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES', 'TCMALLOC_RELEASE_RATE', 'TCMALLOC_TRANSFER_NUM_OBJ']);
    const c = compareWithRealTcmalloc(generateWorkload('random', { seed: 8, opCount: 2000 }), 'TCMALLOC_TRANSFER_NUM_OBJ=12abc');
    assert.equal(c.firstDiff, -1, c.report);
  });

  test('rejects unknown names, missing values and nonsense numbers, naming the setting', () => {
    assert.throws(() => parseTcmallocEnv('TCMALLOC_FOO=1'), (e: unknown) => e instanceof TcmallocEnvError && e.message.includes('TCMALLOC_FOO'));
    assert.throws(() => parseTcmallocEnv('TCMALLOC_RELEASE_RATE'), TcmallocEnvError);
    assert.throws(() => parseTcmallocEnv('TCMALLOC_TRANSFER_NUM_OBJ=x'), (e: unknown) => e instanceof TcmallocEnvError && e.message.includes('TCMALLOC_TRANSFER_NUM_OBJ'));
    assert.throws(() => parseTcmallocEnv('TCMALLOC_RELEASE_RATE=-1'), TcmallocEnvError);
  });
});
