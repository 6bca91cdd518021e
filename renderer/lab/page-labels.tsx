// Words for page states and one page's flags, shared by the live page map and the "what if" grids; without
// root some states cannot be told apart, and the labels say so.
import { decodeKpageflags } from '../../shared/proc/kpageflags.js';
import { classifyPage, decodePageEntry, PageEntryBit, PageState, type PageMap } from '../../shared/proc/page-state-map.js';
import { PAGE_SIZE } from '../../shared/units.js';
import { formatCount } from '../format.js';

/** Legend label of a page state; `pfnsVisible` false merges what only root can tell apart. */
export function describePageState(state: number, pfnsVisible: boolean): string {
  switch (state) {
    case PageState.none:
      return 'not present';
    case PageState.swapped:
      return 'swapped';
    case PageState.zero:
      return 'zero page';
    case PageState.exclusive:
      return 'present, exclusive';
    case PageState.shared:
      return pfnsVisible ? 'present, shared (N mappers)' : 'present, not exclusive (shared or zero page)';
    case PageState.file:
      return pfnsVisible ? 'file / shmem, clean' : 'file / shmem';
    case PageState.dirty:
      return 'file / shmem, dirty';
    default:
      return `state ${state}`;
  }
}

/** The address of page i of a range starting at startHex ("7f3dd9bf5000"). */
export function formatPageAddress(startHex: string, i: number): string {
  return (BigInt(`0x${startHex}`) + BigInt(i) * BigInt(PAGE_SIZE)).toString(16);
}

/** The tooltip body of page i of a live PageMap: address, state, pagemap bits, and as root mappers and KPF flags. */
export function PageTooltip({ map, index }: { map: PageMap; index: number }) {
  const bits = decodePageEntry(map.entries, index);
  const state = classifyPage(map, index);
  const flagNames: string[] = [];
  if ((bits & PageEntryBit.present) !== 0) flagNames.push('present');
  if ((bits & PageEntryBit.swapped) !== 0) flagNames.push('swapped');
  if ((bits & PageEntryBit.exclusive) !== 0) flagNames.push('exclusive');
  if ((bits & PageEntryBit.file) !== 0) flagNames.push('file/shmem');
  if ((bits & PageEntryBit.softDirty) !== 0) flagNames.push('soft-dirty');
  const mapCount = map.mapCounts?.[index];
  const kpf = map.kpageflags?.[index];
  const present = (bits & PageEntryBit.present) !== 0;
  return (
    <>
      <div className="mono">
        page {formatCount(index)} · {formatPageAddress(map.startAddress, index)}
      </div>
      <div>
        <strong>{describePageState(state, map.pfnsVisible)}</strong>
      </div>
      <div className="muted">pagemap: {flagNames.length === 0 ? 'nothing set' : flagNames.join(', ')}</div>
      {map.pfnsVisible && present ? (
        <>
          <div className="muted">mapped {mapCount === 0 ? '0 times (the zero page is never counted)' : `${mapCount} time${mapCount === 1 ? '' : 's'}`} (kpagecount)</div>
          <div className="muted">kpageflags: {kpf === undefined ? '?' : decodeKpageflags(kpf).join(' ') || 'none'}</div>
        </>
      ) : null}
      {!map.pfnsVisible && present ? <div className="muted">mappers and page flags need root</div> : null}
    </>
  );
}
