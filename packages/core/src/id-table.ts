/**
 * A persistent table of records by id: a `ReadonlyMap` whose `set` returns a new table and leaves
 * the old one as it was. Folding events over an account replaces one record per event; copying a
 * JS `Map` of a dozen entries costs ~2µs, so each table holds its records in an array (copied by
 * `slice`, ~50ns for a dozen) and finds them through an id → position index that versions of the
 * table share along a line of versions. A version checks that the id at a position is really its
 * own, and a version that appends after another version appended (a branch) builds its own index
 * first. So every version stays correct however versions branch, and a fold shares one index.
 *
 * @example
 * import { IdTable } from '@levy/core';
 * const a = IdTable.empty<number>().set('c1', 1);
 * const b = a.set('c1', 2).set('c2', 3);
 * a.get('c1'); // 1
 * b.get('c1'); // 2
 * [...b.keys()]; // ['c1', 'c2']
 */
export class IdTable<V> implements ReadonlyMap<string, V> {
  private constructor(
    private readonly index: Map<string, number>,
    private readonly ids: readonly string[],
    private readonly vals: readonly V[],
  ) {}

  /** A table with no records. @example IdTable.empty<string>().size; // 0 */
  static empty<V>(): IdTable<V> {
    return new IdTable<V>(new Map(), [], []);
  }

  /** How many records. */
  get size(): number {
    return this.vals.length;
  }

  /** The record of an id, or undefined. */
  get(id: string): V | undefined {
    const i = this.index.get(id);
    return i !== undefined && this.ids[i] === id ? this.vals[i] : undefined;
  }

  /** Whether the id has a record. */
  has(id: string): boolean {
    const i = this.index.get(id);
    return i !== undefined && this.ids[i] === id;
  }

  /**
   * A table with `value` for `id` (replacing its record, or appending a new one); this table is unchanged.
   *
   * @example
   * const t2 = t.set('c1', charge);
   */
  set(id: string, value: V): IdTable<V> {
    const i = this.index.get(id);
    if (i !== undefined && this.ids[i] === id) {
      const vals = this.vals.slice();
      vals[i] = value;
      return new IdTable(this.index, this.ids, vals);
    }
    let index = this.index;
    if (i !== undefined || index.size !== this.ids.length) {
      // another version appended to the shared index: this one gets an index of its own, so
      // unrelated versions never pile their ids into one map
      index = new Map();
      for (let j = 0; j < this.ids.length; j++) index.set(this.ids[j]!, j);
    }
    index.set(id, this.ids.length);
    return new IdTable(index, [...this.ids, id], [...this.vals, value]);
  }

  /** The records in the order their ids were first set. */
  values(): MapIterator<V> {
    return this.vals[Symbol.iterator]() as MapIterator<V>;
  }

  /** The ids in the order they were first set. */
  keys(): MapIterator<string> {
    return this.ids[Symbol.iterator]() as MapIterator<string>;
  }

  /** `[id, record]` pairs in order. */
  entries(): MapIterator<[string, V]> {
    return this.ids.map((id, i): [string, V] => [id, this.vals[i]!])[Symbol.iterator]() as MapIterator<[string, V]>;
  }

  /** Calls `fn` with every record, its id and the table. */
  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.vals.length; i++) fn.call(thisArg, this.vals[i]!, this.ids[i]!, this);
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  /** The records as an array, in order (no copy: do not change it). */
  toArray(): readonly V[] {
    return this.vals;
  }
}
