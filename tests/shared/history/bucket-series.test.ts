// BucketSeries: each field of HISTORY_VALUE_FIELDS (the one list) folds into its own min, max and last. This ties the
// hand-written field reads of bucket-series.ts (kept by hand for speed) to the list: a field left out or put in
// another slot fails here.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BucketSeries } from '../../../shared/history/bucket-series.js';
import { HISTORY_VALUE_FIELDS, type HistorySample, type HistoryValues } from '../../../shared/history/sample.js';

const PERIOD_MS = 10_000;

/** A sample at tMs whose field number f holds base + f: every field distinct, so a misplaced one shows. */
function makeSample(tMs: number, base: number): HistorySample {
  const values = Object.fromEntries(HISTORY_VALUE_FIELDS.map((field, f) => [field, base + f])) as unknown as HistoryValues;
  return { tMs, ...values };
}

describe('BucketSeries', () => {
  test('every field of HISTORY_VALUE_FIELDS keeps its own min, max and last', () => {
    const series = new BucketSeries(4);
    // Three ticks in one period: the middle one is the highest, the last lies between.
    series.addSample(makeSample(0, 1000), PERIOD_MS);
    series.addSample(makeSample(1000, 3000), PERIOD_MS);
    series.addSample(makeSample(2000, 2000), PERIOD_MS);
    const out: HistorySample[] = [];
    series.appendSamplesTo(out);
    assert.equal(out.length, 1);
    const [bucket] = out as [HistorySample];
    assert.equal(bucket.bucket?.sampleCount, 3);
    HISTORY_VALUE_FIELDS.forEach((field, f) => {
      assert.equal(bucket.bucket?.min[field], 1000 + f, `${field} min`);
      assert.equal(bucket.bucket?.max[field], 3000 + f, `${field} max`);
      assert.equal(bucket[field], 2000 + f, `${field} last`);
    });
  });
});
