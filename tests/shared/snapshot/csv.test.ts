// CSV export read back with an independent RFC 4180 reader written here.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { historyToCsv, listSmapsFields, mappingsToCsv, quoteCsvField } from '../../../shared/snapshot/csv.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { makeMapping } from './build-snapshot.js';

/**
 * A small RFC 4180 reader written for the test: records end at CRLF (or LF), fields are separated by
 * commas, a field starting with a quote runs to the next lone quote and "" is a literal quote.
 * Throws on a stray quote inside an unquoted field or text after a closing quote.
 */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i];
        i++;
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') throw new Error(`text after closing quote at ${i}`);
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`stray quote at ${i}`);
        field += text[i];
        i++;
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    records.push(record);
    record = [];
  }
  return records;
}

describe('historyToCsv', () => {
  test('header, one record per sample, CRLF line ends, ISO UTC time', () => {
    const csv = historyToCsv([
      { tMs: 0, virtKb: 1, resKb: 2, shrKb: 3, swapKb: 4 },
      // 1700000000 s is 2023-11-14 22:13:20 UTC.
      { tMs: 1_700_000_000_123, virtKb: 10240, resKb: 2048.5, shrKb: 1024, swapKb: 0 },
    ]);
    assert.equal(
      csv,
      'time_iso,t_ms,virt_kb,res_kb,shr_kb,swap_kb,kind,from_ms,sample_count,virt_kb_min,virt_kb_max,res_kb_min,res_kb_max,shr_kb_min,shr_kb_max,swap_kb_min,swap_kb_max\r\n' +
        '1970-01-01T00:00:00.000Z,0,1,2,3,4,tick,0,1,1,1,2,2,3,3,4,4\r\n' +
        '2023-11-14T22:13:20.123Z,1700000000123,10240,2048.5,1024,0,tick,1700000000123,1,10240,10240,2048.5,2048.5,1024,1024,0,0\r\n',
    );
  });

  test('a bucket is labelled as one: its span, tick count, and each value\'s min and max', () => {
    const csv = historyToCsv([
      { tMs: 20_000, virtKb: 9, resKb: 5, shrKb: 3, swapKb: 0, bucket: { fromMs: 10_000, sampleCount: 10, min: { virtKb: 8, resKb: 4, shrKb: 3, swapKb: 0 }, max: { virtKb: 9, resKb: 700, shrKb: 3, swapKb: 2 } } },
    ]);
    assert.equal(csv.split('\r\n')[1], '1970-01-01T00:00:20.000Z,20000,9,5,3,0,bucket,10000,10,8,9,4,700,3,3,0,2');
  });

  test('parses back to the same numbers', () => {
    const samples = Array.from({ length: 50 }, (_, i) => ({ tMs: 1_738_324_798_000 + i * 1000, virtKb: 8288 + i, resKb: 1920 + i * 4, shrKb: 1792, swapKb: i % 3 }));
    const [header, ...rows] = readCsv(historyToCsv(samples));
    assert.deepEqual(header?.slice(0, 6), ['time_iso', 't_ms', 'virt_kb', 'res_kb', 'shr_kb', 'swap_kb']);
    assert.deepEqual(
      rows.map((r) => ({ tMs: Number(r[1]), virtKb: Number(r[2]), resKb: Number(r[3]), shrKb: Number(r[4]), swapKb: Number(r[5]) })),
      samples,
    );
    for (const r of rows) assert.equal(Date.parse(r[0] as string), Number(r[1]));
  });

  test('no samples: just the header', () => {
    assert.equal(historyToCsv([]), 'time_iso,t_ms,virt_kb,res_kb,shr_kb,swap_kb,kind,from_ms,sample_count,virt_kb_min,virt_kb_max,res_kb_min,res_kb_max,shr_kb_min,shr_kb_max,swap_kb_min,swap_kb_max\r\n');
  });
});

describe('mappingsToCsv', () => {
  const awkward = 'C:/odd dir/a,b "quoted" lib.so';
  const mappings: Mapping[] = [
    {
      ...makeMapping(0x55d0c0a00000n, 8, { perms: 'r-xp', path: '/usr/bin/demo', kind: 'text' }),
      smaps: { Size: 8, Rss: 8, Pss: 8, Swap: 0, VmFlags: ['rd', 'ex', 'mr'] },
    },
    { ...makeMapping(0x55d0c1000000n, 132, { path: '[heap]', kind: 'heap' }), smaps: undefined },
    {
      ...makeMapping(0x7f3dd9c00000n, 4, { perms: 'r--p', offset: '00028000', path: `/tmp/${awkward}`, kind: 'lib' }),
      smaps: { Size: 4, KernelPageSize: 4, Rss: 4, Pss: 2, Pss_Dirty: 0, Swap: 0, THPeligible: 0, VmFlags: ['rd', 'mr', 'mw', 'me'] },
    },
    { ...makeMapping(0x7f3dd9d00000n, 4, { path: ' lead and trail ', kind: 'file' }), smaps: { Size: 4, Rss: 0 } },
    { ...makeMapping(0x7f3dd9e00000n, 4, { path: 'line\nbreak', kind: 'file' }), smaps: { Size: 4 } },
  ];
  delete mappings[1]?.smaps;

  test('smaps columns: union of fields in kernel order, wherever a field first appears', () => {
    // Worked by hand: first mapping gives Size Rss Pss Swap VmFlags; the third adds KernelPageSize
    // after Size, Pss_Dirty after Pss and THPeligible after Swap.
    assert.deepEqual(listSmapsFields(mappings), ['Size', 'KernelPageSize', 'Rss', 'Pss', 'Pss_Dirty', 'Swap', 'THPeligible', 'VmFlags']);
  });

  test('parses back to the same values, with awkward paths intact', () => {
    const records = readCsv(mappingsToCsv(mappings));
    assert.deepEqual(records[0], ['start', 'end', 'perms', 'offset', 'dev', 'inode', 'path', 'kind', 'Size', 'KernelPageSize', 'Rss', 'Pss', 'Pss_Dirty', 'Swap', 'THPeligible', 'VmFlags']);
    assert.equal(records.length, 1 + mappings.length);
    assert.deepEqual(records[1], ['55d0c0a00000', '55d0c0a02000', 'r-xp', '00000000', 'fd:01', '1234567', '/usr/bin/demo', 'text', '8', '', '8', '8', '', '0', '', 'rd ex mr']);
    assert.deepEqual(records[2], ['55d0c1000000', '55d0c1021000', 'rw-p', '00000000', '00:00', '0', '[heap]', 'heap', '', '', '', '', '', '', '', '']);
    assert.deepEqual(records[3], ['7f3dd9c00000', '7f3dd9c01000', 'r--p', '00028000', 'fd:01', '1234567', `/tmp/${awkward}`, 'lib', '4', '4', '4', '2', '0', '0', '0', 'rd mr mw me']);
    assert.equal(records[4]?.[6], ' lead and trail ');
    assert.equal(records[5]?.[6], 'line\nbreak');
  });

  test('every record has as many fields as the header', () => {
    const records = readCsv(mappingsToCsv(mappings));
    for (const r of records) assert.equal(r.length, records[0]?.length);
  });

  test('no mappings: the fixed header only', () => {
    assert.equal(mappingsToCsv([]), 'start,end,perms,offset,dev,inode,path,kind\r\n');
  });
});

describe('quoteCsvField', () => {
  test('quotes only what needs it, doubling quotes', () => {
    assert.equal(quoteCsvField('plain/path.so'), 'plain/path.so');
    assert.equal(quoteCsvField('a,b'), '"a,b"');
    assert.equal(quoteCsvField('say "hi"'), '"say ""hi"""');
    assert.equal(quoteCsvField('two\r\nlines'), '"two\r\nlines"');
    assert.equal(quoteCsvField(' x'), '" x"');
    assert.equal(quoteCsvField(''), '');
  });
});
