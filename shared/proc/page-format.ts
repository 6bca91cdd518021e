// Renders a page range as `memscope pages` prints it, chunk by chunk so a 1 GiB range streams: one JSON document
// whose "pages" array holds one page per line, or a table. Rows follow shared/proc/page-row.ts field for field.

import { decodeKpageflags } from './kpageflags.js';
import { type PagesChunk, type PagesTotals } from './page-row.js';
import { PAGE_SIZE, PAGE_SIZE_KB } from '../units.js';
import { PAGEMAP_ENTRY_BYTES, PM_HIGH_WORD, readPagemapPfn } from './pagemap.js';
import type { Mapping } from './types.js';

/** What is known before the first page: the range, the mappings it covers, and whether PFNs are visible. */
export interface PagesReportHeader {
  pid: number;
  /** Lowercase hex, no 0x. */
  start: string;
  /** Lowercase hex, no 0x, exclusive. */
  end: string;
  pageCount: number;
  mappings: readonly Mapping[];
  /** True when pfn, mapCount and flags are read (root). */
  pfnsVisible: boolean;
  /** What could not be read and why. */
  restricted: readonly string[];
}

/** Renders chunks of one range; keeps the little state the text needs (separators, column widths, flag names). */
export interface PagesFormatter {
  /** Text before the first page. */
  formatHeader(): string;
  /** Text of every page of a chunk; chunks must come in order. */
  formatChunk(chunk: PagesChunk): string;
  /** Text after the last page. */
  formatFooter(totals: PagesTotals): string;
}

/** Makes lookups of flag words → rendered names, cached per distinct word (a range has a handful). */
function createFlagNameCache(render: (names: string[]) => string): (flags: number) => string {
  const cache = new Map<number, string>();
  return (flags) => {
    let text = cache.get(flags);
    if (text === undefined) {
      text = render(decodeKpageflags(flags));
      cache.set(flags, text);
    }
    return text;
  };
}

/** The five pagemap booleans of an entry's high word as a 5-bit key: present, swapped, exclusive, file, softDirty. */
function readBooleansKey(hi: number): number {
  return (
    ((hi & PM_HIGH_WORD.PM_PRESENT) !== 0 ? 1 : 0) |
    ((hi & PM_HIGH_WORD.PM_SWAP) !== 0 ? 2 : 0) |
    ((hi & PM_HIGH_WORD.PM_MMAP_EXCLUSIVE) !== 0 ? 4 : 0) |
    ((hi & PM_HIGH_WORD.PM_FILE) !== 0 ? 8 : 0) |
    ((hi & PM_HIGH_WORD.PM_SOFT_DIRTY) !== 0 ? 16 : 0)
  );
}

/** Renders each of the 32 combinations of the five booleans once, so a page costs a lookup, not five branches. */
function renderBooleans(render: (present: boolean, swapped: boolean, exclusive: boolean, file: boolean, softDirty: boolean) => string): string[] {
  return Array.from({ length: 32 }, (_, k) => render((k & 1) !== 0, (k & 2) !== 0, (k & 4) !== 0, (k & 8) !== 0, (k & 16) !== 0));
}

const JSON_BOOLEANS = renderBooleans(
  (present, swapped, exclusive, file, softDirty) =>
    `"present":${present},"swapped":${swapped},"exclusive":${exclusive},"file":${file},"softDirty":${softDirty}`,
);

function yesNo(set: boolean, width: number): string {
  return (set ? 'yes' : '-').padStart(width);
}

const TABLE_BOOLEANS = renderBooleans(
  (present, swapped, exclusive, file, softDirty) =>
    `${yesNo(present, 7)} ${yesNo(swapped, 7)} ${yesNo(exclusive, 9)} ${yesNo(file, 4)} ${yesNo(softDirty, 10)}`,
);

/** Address of page i of a chunk as hex: number arithmetic below 2^53, bigint above ([vsyscall]). */
function createAddressFormatter(chunk: PagesChunk): (i: number) => string {
  const last = chunk.firstAddress + BigInt(chunk.pageCount * PAGE_SIZE);
  if (last <= BigInt(Number.MAX_SAFE_INTEGER)) {
    const base = Number(chunk.firstAddress);
    return (i) => (base + i * PAGE_SIZE).toString(16);
  }
  return (i) => (chunk.firstAddress + BigInt(i * PAGE_SIZE)).toString(16);
}

function mappingJson(m: Mapping): string {
  return JSON.stringify({ start: m.start, end: m.end, perms: m.perms, offset: m.offset, dev: m.dev, inode: m.inode, path: m.path, kind: m.kind });
}

/**
 * The JSON rendering: one document `{"pid",…,"restricted":[…],"pages":[` + one page object per line +
 * `],"totals":{…}}`, so JSON.parse reads it whole and line tools read it page by page.
 */
export function createPagesJsonFormatter(header: PagesReportHeader): PagesFormatter {
  const flagsJson = createFlagNameCache((names) => JSON.stringify(names));
  let separator = '\n';
  return {
    formatHeader() {
      return (
        `{"pid":${header.pid},"start":${JSON.stringify(header.start)},"end":${JSON.stringify(header.end)},` +
        `"pageCount":${header.pageCount},"pageSizeBytes":${PAGE_SIZE},` +
        `"mappings":[${header.mappings.map(mappingJson).join(',')}],` +
        `"pfnsVisible":${header.pfnsVisible},"restricted":${JSON.stringify(header.restricted)},"pages":[`
      );
    },
    formatChunk(chunk) {
      const view = chunk.pagemap;
      const address = createAddressFormatter(chunk);
      const flags = chunk.kpageflags;
      const counts = chunk.kpagecount;
      let out = '';
      for (let i = 0; i < chunk.pageCount; i++) {
        const hi = view.getUint32(i * PAGEMAP_ENTRY_BYTES + 4, true);
        const kpage =
          (hi & PM_HIGH_WORD.PM_PRESENT) !== 0 && flags !== null && counts !== null
            ? `${readPagemapPfn(view, i)},"mapCount":${counts[i]!},"flags":${flagsJson(flags[i]!)}`
            : 'null,"mapCount":null,"flags":null';
        out += `${separator}{"index":${chunk.firstIndex + i},"address":"${address(i)}",${JSON_BOOLEANS[readBooleansKey(hi)]!},"pfn":${kpage}}`;
        separator = ',\n';
      }
      return out;
    },
    formatFooter(totals) {
      return `\n],"totals":${JSON.stringify(totals)}}\n`;
    },
  };
}

/** The table rendering: a header naming the range and its mappings, one line per page, then the totals. */
export function createPagesTableFormatter(header: PagesReportHeader): PagesFormatter {
  const flagNames = createFlagNameCache((names) => names.join(','));
  const indexWidth = Math.max(5, String(header.pageCount - 1).length);
  const addressWidth = Math.max(7, header.end.length);
  const kpage = header.pfnsVisible;
  return {
    formatHeader() {
      const sizeKb = header.pageCount * PAGE_SIZE_KB;
      const lines = [
        `pid ${header.pid}: ${header.start}-${header.end}, ${header.pageCount} pages (${sizeKb} kB), ` +
          `${header.mappings.length} ${header.mappings.length === 1 ? 'mapping' : 'mappings'}:`,
        ...header.mappings.map((m) => `  ${m.start}-${m.end} ${m.perms} ${m.offset} ${m.dev} ${m.inode} ${m.path}`.trimEnd()),
        [
          'index'.padStart(indexWidth),
          'address'.padStart(addressWidth),
          'present swapped exclusive file soft-dirty',
          ...(kpage ? ['pfn'.padStart(12), 'mapcount', 'flags'] : []),
        ].join(' '),
      ];
      return `${lines.join('\n')}\n`;
    },
    formatChunk(chunk) {
      const view = chunk.pagemap;
      const address = createAddressFormatter(chunk);
      const flags = kpage ? chunk.kpageflags : null;
      const counts = kpage ? chunk.kpagecount : null;
      let out = '';
      for (let i = 0; i < chunk.pageCount; i++) {
        const hi = view.getUint32(i * PAGEMAP_ENTRY_BYTES + 4, true);
        out += `${String(chunk.firstIndex + i).padStart(indexWidth)} ${address(i).padStart(addressWidth)} ${TABLE_BOOLEANS[readBooleansKey(hi)]!}`;
        if ((hi & PM_HIGH_WORD.PM_PRESENT) !== 0 && flags !== null && counts !== null) {
          out += ` ${String(readPagemapPfn(view, i)).padStart(12)} ${String(counts[i]!).padStart(8)} ${flagNames(flags[i]!)}`;
        }
        out += '\n';
      }
      return out;
    },
    formatFooter(t) {
      const lines = [
        `totals: ${t.pageCount} pages (${t.pageCount * PAGE_SIZE_KB} kB): ${t.present} present, ${t.swapped} swapped, ` +
          `${t.exclusive} exclusive, ${t.file} file, ${t.softDirty} soft-dirty`,
      ];
      if (t.rssKb !== null) {
        lines.push(
          `        Rss ${t.rssKb} kB, Pss ${t.pssKb} kB; ${t.private} private, ${t.shared} shared, ${t.zeroPage} zero page, ` +
            `${t.anon} anon, ${t.dirty} dirty, ${t.lru} lru, ${t.thp} thp, ${t.ksm} ksm`,
        );
      }
      if (header.restricted.length > 0) lines.push(`not read: ${header.restricted.join('; ')}`);
      return `${lines.join('\n')}\n`;
    },
  };
}
