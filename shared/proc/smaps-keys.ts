// The keys of smaps field lines ("Rss", "VmFlags", …) as both smaps readers meet them in the bytes:
// those of the field table (smaps-fields.ts) made once per table, any other decoded once when first
// met. Source of truth for what a key is: SMAPS_FIELDS; for its name: the UTF-8 of its bytes.

import { bytesEqualWordsAt, decodeUtf8, encodeAscii, packBigEndianWords } from './bytes.js';
import { SMAPS_FIELDS, isAdditiveSmapsField } from './smaps-fields.js';

/** One key as printed, with what the readers need to match it and to use it. */
export interface SmapsKey {
  /** The key's bytes decoded as UTF-8: the property of SmapsFields and the JSON key. */
  readonly name: string;
  /** The key's bytes as printed. */
  readonly bytes: Uint8Array;
  /** bytes.length, as a plain number (a typed array's length is dearer to read in V8). */
  readonly length: number;
  /** The bytes as big-endian 32-bit words, the last one zero-padded: compared 4 bytes at a time. */
  readonly words: Uint32Array;
  /** Same id ⇔ same name within one table: the SMAPS_FIELDS index for its keys, then one per new name. */
  readonly id: number;
  /** isAdditiveSmapsField(name). */
  readonly additive: boolean;
}

/**
 * The keys one reader has met, found again by their bytes. `extend` adds what a reader keeps per
 * key (the JSON writer: the key's JSON text), so that the reader's hot loop reads one object.
 */
export class SmapsKeyTable<K extends SmapsKey> {
  private readonly extend: (key: SmapsKey) => K;
  private readonly byLength = new Map<number, K[]>();
  private readonly names: string[] = [];
  private readonly idsByName = new Map<string, number>();

  /** Makes the SMAPS_FIELDS keys (ids 0 … SMAPS_FIELDS.length − 1), each through `extend`. */
  constructor(extend: (key: SmapsKey) => K) {
    this.extend = extend;
    for (const field of SMAPS_FIELDS) this.add(field.key, encodeAscii(field.key));
  }

  /** The key printed at bytes[at, at + keyLength) (`view` views `bytes`): a known one, one met before, or a new one. */
  lookUp(bytes: Uint8Array, view: DataView, at: number, keyLength: number): K {
    const candidates = this.byLength.get(keyLength);
    if (candidates !== undefined) {
      for (const key of candidates) if (bytesEqualWordsAt(view, at, key.bytes, key.words)) return key;
    }
    return this.add(decodeUtf8(bytes, at, at + keyLength), bytes.slice(at, at + keyLength));
  }

  /** The name of a key id given by this table. */
  nameOf(id: number): string {
    return this.names[id]!;
  }

  /** Different bytes may decode to one name (each ill-formed sequence is U+FFFD): one id, as one property. */
  private add(name: string, bytes: Uint8Array): K {
    let id = this.idsByName.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.idsByName.set(name, id);
    }
    const key = this.extend({ name, bytes, length: bytes.length, words: packBigEndianWords(bytes), id, additive: isAdditiveSmapsField(name) });
    const list = this.byLength.get(bytes.length);
    if (list === undefined) this.byLength.set(bytes.length, [key]);
    else list.push(key);
    return key;
  }
}
