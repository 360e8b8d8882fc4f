/**
 * An append-only list kept in chunks: 1,024 entries a chunk for its first 32,768 entries, then
 * 32,768 a chunk, for the views' lists that grow with the whole log (every event, every movement).
 *
 * A JavaScript array that grows past a few thousand entries lives in V8's large-object space, and
 * each time it grows V8 allocates a new one half as large again, fills it and copies into it: on
 * these machines pushing a million entries that way costs about 90 ns an entry, against about 30 ns
 * into chunks that stay small (docs/performance.md, Nov 29 2026). Each chunk is made at its full
 * size, so nothing is copied as the list grows. A small chunk is copied by the young generation's
 * collector, once or twice, as the list outlives it; a chunk of 32,768 entries (128 KiB) is a
 * large object, which V8 promotes without copying, so a long list uses them (a fold of a million
 * events scavenges half as often, docs/performance.md) while a short one stays small.
 *
 * @example
 * import { ChunkedList } from '@levy/projections';
 * const list = new ChunkedList<string>();
 * list.push('a'); // 0, the entry's index
 * list.at(0);     // 'a'
 * [...list];      // ['a']
 */
const SMALL_BITS = 10;
const SMALL = 1 << SMALL_BITS;
const SMALL_MASK = SMALL - 1;
/** entries kept in small chunks, before the first large one */
const SMALL_TOTAL = 32 * SMALL;
const SMALL_CHUNKS = SMALL_TOTAL / SMALL;
const LARGE_BITS = 15;
const LARGE = 1 << LARGE_BITS;
const LARGE_MASK = LARGE - 1;

/** An append-only list in chunks (see the module's comment). Read it by index with {@link ChunkedList.at} or iterate it. */
export class ChunkedList<T> implements Iterable<T> {
  private readonly chunks: T[][] = [];
  private tail: T[] = [];
  // the index of the tail's first entry, and one past its last
  private tailStart = 0;
  private tailEnd = 0;
  private count = 0;

  /** how many entries the list holds */
  get length(): number {
    return this.count;
  }

  /** appends `item` and returns its index */
  push(item: T): number {
    const i = this.count;
    if (i === this.tailEnd) {
      // a chunk is made at its full size: grown push by push it would leave its smaller copies behind
      const size = i < SMALL_TOTAL ? SMALL : LARGE;
      this.tail = new Array<T>(size);
      this.chunks.push(this.tail);
      this.tailStart = i;
      this.tailEnd = i + size;
    }
    this.tail[i - this.tailStart] = item;
    this.count = i + 1;
    return i;
  }

  /** the entry at `index`, or undefined unless `index` is a whole number from 0 to length - 1 (no negative indexes, unlike `Array#at`) */
  at(index: number): T | undefined {
    // one test for negative, fractional, NaN and too large an index
    if (index >>> 0 !== index || index >= this.count) return undefined;
    if (index < SMALL_TOTAL) return this.chunks[index >>> SMALL_BITS]![index & SMALL_MASK];
    const j = index - SMALL_TOTAL;
    return this.chunks[SMALL_CHUNKS + (j >>> LARGE_BITS)]![j & LARGE_MASK];
  }

  /** every entry in order, as a new array */
  toArray(): T[] {
    const out = new Array<T>(this.count);
    let i = 0;
    for (const chunk of this.chunks) {
      const n = Math.min(chunk.length, this.count - i);
      for (let k = 0; k < n; k++) out[i++] = chunk[k]!;
    }
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    let left = this.count;
    for (const chunk of this.chunks) {
      const n = Math.min(chunk.length, left);
      for (let k = 0; k < n; k++) yield chunk[k]!;
      left -= n;
    }
  }
}
