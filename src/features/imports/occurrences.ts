// How often a file has named each (date, amount, description) so far, in little memory: a Map of
// the keys themselves held ~240 bytes a row (88 MiB for a 19.7 MiB statement), growing with the file.
import { hash } from 'node:crypto';

const emptySlots = 1 << 12;

/**
 * Counts keys by a 64-bit digest of each (the first 8 bytes of its SHA-256), in an open-addressing
 * table of typed arrays: 12 bytes a slot, at most half of them full, so a 370,000-row file takes
 * 12 MiB. Two keys share a count only if their digests collide, fewer than once in 10^8 files of that
 * size; even then the file's fingerprints stay the same on every re-import of it.
 */
export class OccurrenceCounter {
  #high = new Uint32Array(emptySlots);
  #low = new Uint32Array(emptySlots);
  /** 0: an empty slot. */
  #counts = new Uint32Array(emptySlots);
  #size = 0;

  /** Counts one more occurrence of `key` and answers how many there now are (1 the first time). */
  count(key: string): number {
    const digest = hash('sha256', key, 'buffer');
    const high = digest.readUInt32BE(0);
    const low = digest.readUInt32BE(4);
    const slot = this.#find(high, low);
    if (this.#counts[slot] === 0) {
      this.#high[slot] = high;
      this.#low[slot] = low;
      this.#size += 1;
    }
    const count = (this.#counts[slot] = this.#counts[slot]! + 1);
    if (this.#size * 2 > this.#counts.length) this.#grow();
    return count;
  }

  /** The slot holding this digest, or the empty one where it belongs (linear probing). */
  #find(high: number, low: number): number {
    const mask = this.#counts.length - 1;
    let slot = (low ^ high) & mask;
    while (this.#counts[slot] !== 0 && (this.#high[slot] !== high || this.#low[slot] !== low)) slot = (slot + 1) & mask;
    return slot;
  }

  #grow(): void {
    const [high, low, counts] = [this.#high, this.#low, this.#counts];
    this.#high = new Uint32Array(counts.length * 2);
    this.#low = new Uint32Array(counts.length * 2);
    this.#counts = new Uint32Array(counts.length * 2);
    for (let slot = 0; slot < counts.length; slot += 1) {
      if (counts[slot] === 0) continue;
      const target = this.#find(high[slot]!, low[slot]!);
      this.#high[target] = high[slot]!;
      this.#low[target] = low[slot]!;
      this.#counts[target] = counts[slot]!;
    }
  }
}
