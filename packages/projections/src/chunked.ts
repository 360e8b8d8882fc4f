/**
 * An append-only list kept in chunks of 1,024 entries, for the views' lists that grow with the whole
 * log (every event, every movement).
 *
 * A JavaScript array that grows past a few thousand entries lives in V8's large-object space, and
 * each time it grows V8 allocates a new one half as large again, fills it and copies into it: on
 * these machines pushing a million entries that way costs about 90 ns an entry, against about 30 ns
 * into chunks that stay small (docs/performance.md, Nov 29 2026). Each chunk is made at its full
 * size, so nothing is copied as the list grows.
 *
 * @example
 * import { ChunkedList } from '@levy/projections';
 * const list = new ChunkedList<string>();
 * list.push('a'); // 0, the entry's index
 * list.at(0);     // 'a'
 * [...list];      // ['a']
 */
const BITS = 10;
const SIZE = 1 << BITS;
const MASK = SIZE - 1;

/** An append-only list in chunks (see the module's comment). Read it by index with {@link ChunkedList.at} or iterate it. */
export class ChunkedList<T> implements Iterable<T> {
  private readonly chunks: T[][] = [];
  private tail: T[] = [];
  private count = 0;

  /** how many entries the list holds */
  get length(): number {
    return this.count;
  }

  /** appends `item` and returns its index */
  push(item: T): number {
    const i = this.count;
    if ((i & MASK) === 0) {
      // a chunk is made at its full size: grown push by push it would leave its smaller copies behind
      this.tail = new Array<T>(SIZE);
      this.chunks.push(this.tail);
    }
    this.tail[i & MASK] = item;
    this.count = i + 1;
    return i;
  }

  /** the entry at `index`, or undefined unless `index` is a whole number from 0 to length - 1 (no negative indexes, unlike `Array#at`) */
  at(index: number): T | undefined {
    // one test for negative, fractional, NaN and too large an index
    if (index >>> 0 !== index || index >= this.count) return undefined;
    return this.chunks[index >>> BITS]![index & MASK];
  }

  /** every entry in order, as a new array */
  toArray(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.chunks[i >>> BITS]![i & MASK]!;
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.chunks[i >>> BITS]![i & MASK]!;
  }
}
