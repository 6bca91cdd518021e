// Custom access patterns: a text list ("R ADDR SIZE" / "W ADDR SIZE", and valgrind lackey --trace-mem=yes
// lines " L ADDR,SIZE", " S ADDR,SIZE", " M ADDR,SIZE", "I  ADDR,SIZE") or a JSON array of
// {"address": "7f…", "size": 8, "op": "R"|"W"}. Addresses are hex. Lackey's M (modify) counts as one read,
// as cachegrind counts it (the write that follows can never miss); I (instruction) lines are skipped.

import { MAX_SIM_ADDRESS, type AccessList } from './access-pattern.js';

/** Largest size of one access (bytes). */
export const MAX_ACCESS_BYTES = 1 << 20;

/** A list that cannot be read; `line` is 1-based (the JSON element's index + 1 for JSON input, 0 for bad JSON). */
export class AccessListParseError extends Error {
  /** 1-based line (or element) of the problem. */
  readonly line: number;
  constructor(line: number, message: string) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = 'AccessListParseError';
    this.line = line;
  }
}

/** Grows typed arrays as accesses are appended. */
class ListBuilder {
  list: AccessList = { length: 0, addresses: new Float64Array(1024), sizes: new Uint32Array(1024), writes: new Uint8Array(1024) };

  push(address: number, sizeBytes: number, isWrite: boolean): void {
    const l = this.list;
    if (l.length === l.addresses.length) {
      const cap = l.length * 2;
      const addresses = new Float64Array(cap);
      addresses.set(l.addresses);
      const sizes = new Uint32Array(cap);
      sizes.set(l.sizes);
      const writes = new Uint8Array(cap);
      writes.set(l.writes);
      this.list = { length: l.length, addresses, sizes, writes };
    }
    const m = this.list;
    m.addresses[m.length] = address;
    m.sizes[m.length] = sizeBytes;
    m.writes[m.length] = isWrite ? 1 : 0;
    m.length++;
  }
}

function parseHexAddress(text: string, line: number): number {
  const digits = /^0[xX]/.test(text) ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]{1,16}$/.test(digits)) throw new AccessListParseError(line, `not a hex address: ${JSON.stringify(text)}`);
  const value = BigInt(`0x${digits}`);
  if (value > BigInt(MAX_SIM_ADDRESS)) throw new AccessListParseError(line, `address ${text} is above 2^53, which the simulator cannot hold exactly`);
  return Number(value);
}

function parseSize(text: string, line: number, address: number): number {
  const size = /^[0-9]{1,8}$/.test(text) ? Number(text) : NaN;
  if (!(size >= 1 && size <= MAX_ACCESS_BYTES)) throw new AccessListParseError(line, `bad size ${JSON.stringify(text)} (expected 1..${MAX_ACCESS_BYTES} bytes)`);
  if (address + size - 1 > MAX_SIM_ADDRESS) throw new AccessListParseError(line, 'access runs past 2^53');
  return size;
}

/** Parses the text form; throws AccessListParseError naming the 1-based line. */
export function parseAccessListText(text: string): AccessList {
  const b = new ListBuilder();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('==')) continue;
    const lackey = /^([ILSM])\s+([0-9a-fA-Fx]+),([0-9]+)$/.exec(line);
    if (lackey !== null) {
      const kind = lackey[1]!;
      if (kind === 'I') continue;
      const address = parseHexAddress(lackey[2]!, i + 1);
      b.push(address, parseSize(lackey[3]!, i + 1, address), kind === 'S');
      continue;
    }
    const fields = line.split(/\s+/);
    if (fields.length !== 3 || !/^[RWrw]$/.test(fields[0]!)) {
      throw new AccessListParseError(i + 1, `expected "R|W ADDRESS SIZE" or a lackey line " L|S|M ADDRESS,SIZE", got ${JSON.stringify(raw.slice(0, 80))}`);
    }
    const address = parseHexAddress(fields[1]!, i + 1);
    b.push(address, parseSize(fields[2]!, i + 1, address), fields[0]!.toUpperCase() === 'W');
  }
  return b.list;
}

/** Parses the JSON form (an array of {address, size, op}); throws AccessListParseError naming the element. */
export function parseAccessListJson(text: string): AccessList {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new AccessListParseError(0, `not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) throw new AccessListParseError(0, 'expected a JSON array of {"address": "hex", "size": N, "op": "R"|"W"}');
  const b = new ListBuilder();
  data.forEach((item: unknown, i) => {
    const o = item as { address?: unknown; size?: unknown; op?: unknown } | null;
    if (o === null || typeof o !== 'object') throw new AccessListParseError(i + 1, 'expected an object');
    if (typeof o.address !== 'string') throw new AccessListParseError(i + 1, '"address" must be a hex string');
    if (o.op !== 'R' && o.op !== 'W') throw new AccessListParseError(i + 1, '"op" must be "R" or "W"');
    const address = parseHexAddress(o.address, i + 1);
    b.push(address, parseSize(String(o.size), i + 1, address), o.op === 'W');
  });
  return b.list;
}

/** Parses either form: JSON when the first non-blank character is '[', text otherwise. */
export function parseAccessList(text: string): AccessList {
  return /^\s*\[/.test(text) ? parseAccessListJson(text) : parseAccessListText(text);
}
