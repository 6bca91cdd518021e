// A 64-bit virtual address cut into the fields the MMU reads (shared/mm/translate.ts splitVirtualAddress): the
// sign extension, one 9-bit index per page-table level, and the offset in the page, each field's bits written
// out in the colour its level has in the walk diagram.
import type { WalkStep } from '../../shared/mm/translate.js';

/** Props of AddressBits. */
export interface AddressBitsProps {
  /** Lowercase hex, no 0x. */
  address: string;
  walk: readonly WalkStep[];
  offsetHighBit: number;
  offsetBytes: number;
}

interface BitField {
  key: string;
  cls: string;
  name: string;
  high: number;
  low: number;
  value: string;
  title: string;
}

function bitsOf(address: bigint, high: number, low: number): string {
  let out = '';
  for (let b = high; b >= low; b--) out += (address >> BigInt(b)) & 1n ? '1' : '0';
  return out;
}

/** The address as coloured bit fields with each field's value. */
export function AddressBits({ address, walk, offsetHighBit, offsetBytes }: AddressBitsProps) {
  const value = BigInt(`0x${address}`);
  const top = walk[0]?.highBit ?? 47;
  const fields: BitField[] = [];
  if (top < 63) {
    const upper = (value >> BigInt(top)) & 1n;
    fields.push({
      key: 'sign',
      cls: 'sign',
      name: 'sign extension',
      high: 63,
      low: top + 1,
      value: upper === 1n ? 'all 1: kernel half' : 'all 0: user half',
      title: `bits 63–${top + 1} must copy bit ${top} (a canonical address)`,
    });
  }
  for (const s of walk) {
    fields.push({ key: s.level, cls: s.level, name: s.level, high: s.highBit, low: s.lowBit, value: `index ${s.index}`, title: `${s.level} index: entry ${s.index} of 512` });
  }
  fields.push({ key: 'offset', cls: 'offset', name: 'offset', high: offsetHighBit, low: 0, value: `0x${offsetBytes.toString(16)}`, title: `byte ${offsetBytes} of the page` });
  return (
    <div className="address-bits" role="list" aria-label={`address ${address} bit by bit`} data-testid="address-bits">
      {fields.map((f) => (
        <div key={f.key} role="listitem" className={`bit-field lvl-${f.cls}`} style={{ flexGrow: f.high - f.low + 1 }} title={f.title} data-testid={`bits-${f.key}`}>
          <div className="bit-digits mono">{bitsOf(value, f.high, f.low)}</div>
          <div className="bit-name">{f.name}</div>
          <div className="bit-range muted">
            bits {f.high}–{f.low}
          </div>
          <div className="bit-value mono">{f.value}</div>
        </div>
      ))}
    </div>
  );
}
