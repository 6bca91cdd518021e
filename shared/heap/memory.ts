// Reading a process's memory for the heap inspector: the one function the host provides (pread on
// /proc/PID/mem), and copies of whole heaps so a walk of a million chunks never goes back to the kernel.
import { readWord, USER_ADDRESS_LIMIT } from './layout.js';

/** Reads `lengthBytes` at `address` of the target process into a new array; throws when the range is unreadable. */
export type ReadMemory = (address: number, lengthBytes: number) => Uint8Array;

/** The heap changed while it was read (or its structures do not hold together): the caller reads again. */
export class TornReadError extends Error {
  /** What did not hold together, in words. */
  constructor(message: string) {
    super(message);
    this.name = 'TornReadError';
  }
}

/** One copied range of the target: [start, end) read into view. */
export interface Image {
  start: number;
  end: number;
  view: DataView;
}

/** Copies of address ranges of the target (its heaps), with word reads by address; other addresses are read on demand until sealed. */
export class MemoryImages {
  private readonly images: Image[] = [];
  private last: Image | null = null;
  private sealed = false;

  /** read is the fallback for addresses outside the copies. */
  constructor(private readonly read: ReadMemory) {}

  /** No more reads: every address the heap's lists may hold is in a copy, so one outside is a torn pointer. */
  seal(): void {
    this.sealed = true;
  }

  /** Copies [start, end) now. */
  add(start: number, end: number): void {
    const bytes = this.read(start, end - start);
    this.images.push({ start, end, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  }

  /** The 8-byte word at `address` (16-aligned chunk fields are never split across copies). */
  word(address: number): number {
    if (!(address > 0 && address < USER_ADDRESS_LIMIT)) throw new TornReadError(`pointer ${address.toString(16)} is not a user address`);
    const hit = this.last !== null && address >= this.last.start && address + 8 <= this.last.end ? this.last : this.find(address);
    if (hit !== null) {
      this.last = hit;
      return readWord(hit.view, address - hit.start);
    }
    if (this.sealed) throw new TornReadError(`pointer ${address.toString(16)} points outside the heaps`);
    let bytes: Uint8Array;
    try {
      bytes = this.read(address, 8);
    } catch {
      throw new TornReadError(`pointer ${address.toString(16)} points at unreadable memory`);
    }
    return readWord(new DataView(bytes.buffer, bytes.byteOffset, 8), 0);
  }

  /** The bytes at [address, address + lengthBytes) from a copy, or read now. */
  bytes(address: number, lengthBytes: number): Uint8Array {
    const hit = this.find(address);
    if (hit !== null && address + lengthBytes <= hit.end) {
      const v = hit.view;
      return new Uint8Array(v.buffer, v.byteOffset + address - hit.start, lengthBytes);
    }
    if (this.sealed) throw new TornReadError(`${lengthBytes} bytes at ${address.toString(16)} are outside the heaps`);
    return this.read(address, lengthBytes);
  }

  /** The copy holding the word at `address` (for a walk that reads one copy field by field), or null. */
  imageAt(address: number): Image | null {
    return this.find(address);
  }

  private find(address: number): Image | null {
    for (const i of this.images) if (address >= i.start && address + 8 <= i.end) return i;
    return null;
  }
}
