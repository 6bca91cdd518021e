// The text exposition writer: label values and HELP text survive a round trip through an
// independent reader written from the format's spec, values read back as Go's ParseFloat would,
// and the writer refuses what Prometheus would reject (bad names, a family written twice).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readExposition } from './exposition-reference.js';
import { ExpositionWriter, escapeHelp, escapeLabelValue, formatLabels, formatSampleValue, isLabelName, isMetricName } from '../../../shared/metrics/exposition.js';

/** One sample line read back through the reference reader. */
function readSampleLine(line: string): { name: string; labels: Record<string, string>; value: number } {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? '';
  const sample = readExposition(`# HELP ${name} h\n# TYPE ${name} gauge\n${line}\n`).samples[0];
  assert.ok(sample);
  return sample;
}

const NASTY = ['plain', 'a"b', 'back\\slash', 'new\nline', '\\n literally', '"\\"\n', 'ünïcödé ☃', '', 'x}y{z', 'a,b="c"'];

describe('exposition format', () => {
  test('label values round-trip through a spec reader, whatever they hold', () => {
    for (const v of NASTY) {
      const line = `m${formatLabels({ comm: v, user: `${v}!` })} 1`;
      assert.ok(!line.includes('\n'), JSON.stringify(line));
      const back = readSampleLine(line);
      assert.deepEqual(back.labels, { comm: v, user: `${v}!` }, JSON.stringify(v));
      assert.equal(escapeLabelValue(v).includes('\n'), false);
    }
  });

  test('HELP text keeps to one line and unescapes back', () => {
    for (const v of NASTY) {
      const escaped = escapeHelp(v);
      assert.ok(!escaped.includes('\n'));
      assert.equal(escaped.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')), v);
    }
  });

  test('values read back exactly, including the special ones', () => {
    for (const v of [0, 1, 17465344, 2 ** 53 - 1, 0.07, 1e-7, 1.5e300, -3.25]) assert.equal(Number(formatSampleValue(v)), v);
    assert.equal(formatSampleValue(NaN), 'NaN');
    assert.equal(formatSampleValue(Infinity), '+Inf');
    assert.equal(formatSampleValue(-Infinity), '-Inf');
  });

  test('names: the grammar, and reserved label names', () => {
    for (const ok of ['memscope_process_resident_bytes', 'a:b', '_x']) assert.ok(isMetricName(ok), ok);
    for (const bad of ['1abc', 'a-b', '', 'a b', 'é']) assert.ok(!isMetricName(bad), bad);
    assert.ok(isLabelName('groupname'));
    assert.ok(!isLabelName('__name__'));
    assert.ok(!isLabelName('a:b'));
  });

  test('the writer puts HELP and TYPE before a family and refuses repeats and strays', () => {
    const w = new ExpositionWriter();
    w.beginFamily('a_total', 'counter', 'first\nline');
    w.writeSample('a_total', formatLabels({ pid: '1' }), 3);
    w.beginFamily('b_bytes', 'gauge', 'b');
    w.writeSample('b_bytes', '', 4);
    assert.throws(() => w.writeSample('a_total', '', 5), /outside its family/);
    assert.throws(() => w.beginFamily('a_total', 'counter', 'again'), /written twice/);
    assert.throws(() => w.beginFamily('bad-name', 'gauge', 'x'), /invalid metric name/);
    const lines = w.toText().trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 2), ['# HELP a_total first\\nline', '# TYPE a_total counter']);
    const back = readExposition(w.toText());
    assert.deepEqual(back.samples, [
      { name: 'a_total', labels: { pid: '1' }, value: 3 },
      { name: 'b_bytes', labels: {}, value: 4 },
    ]);
    assert.deepEqual(back.families.get('a_total'), { help: 'first\nline', type: 'counter' });
    assert.equal(lines.length, 6);
  });
});
