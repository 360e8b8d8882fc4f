import { appended } from './arrays.js';

/**
 * A persistent table of records by id: a `ReadonlyMap` whose `set` returns a new table and leaves
 * the old one as it was. Folding events over an account replaces one record per event; copying a
 * JS `Map` of a dozen entries costs ~2µs, so each table holds its records in an array (copied by
 * `slice`, ~50ns for a dozen).
 *
 * Versions of a table share one append-only id list along a line of versions, each version
 * knowing how many of the ids are its own (a prefix of the list), so an append copies only the
 * records; a version that appends after another version appended (a branch) copies its prefix
 * first. So every version stays correct however versions branch. A small table (up to
 * {@link IdTable.SMALL} records: a year of monthly charges, a credit lot's few charges) finds an id
 * by scanning its prefix, newest first, with no index at all: an account's states stay alive for
 * months, and a `Map` per table (about 240 bytes) was a large part of what the garbage collector
 * had to copy for them. A larger table also keeps an id → position index, shared along the line
 * like the ids, and checks that a position it finds is within its own prefix.
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
  /** The most records a table holds without an index (found by scanning its ids). */
  static readonly SMALL = 16;

  private constructor(
    // id → position, or null while small (the ids are then scanned)
    private readonly index: Map<string, number> | null,
    // shared along a line of versions and only ever appended to; this version's ids are the first vals.length
    private readonly ids: string[],
    private readonly vals: readonly V[],
  ) {}

  /** A table with no records (one shared empty table: setting on it builds a new one). @example IdTable.empty<string>().size; // 0 */
  static empty<V>(): IdTable<V> {
    return IdTable.EMPTY as IdTable<V>;
  }

  private static readonly EMPTY: IdTable<never> = new IdTable<never>(null, [], []);

  /** How many records. */
  get size(): number {
    return this.vals.length;
  }

  // the position of an id's record in this version, or -1
  private find(id: string): number {
    const n = this.vals.length;
    const ids = this.ids;
    if (this.index === null) {
      // newest first: an event mostly names what the account got lately (this month's charge)
      for (let i = n - 1; i >= 0; i--) if (ids[i] === id) return i;
      return -1;
    }
    const i = this.index.get(id);
    return i !== undefined && i < n && ids[i] === id ? i : -1;
  }

  /** The record of an id, or undefined. */
  get(id: string): V | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : this.vals[i];
  }

  /**
   * The position of an id's record (the order ids were first set), or -1.
   *
   * @example
   * IdTable.empty<number>().set('a', 1).set('b', 2).indexOf('b'); // 1
   */
  indexOf(id: string): number {
    return this.find(id);
  }

  /** Whether the id has a record. */
  has(id: string): boolean {
    return this.find(id) >= 0;
  }

  /**
   * A table with `value` for `id` (replacing its record, or appending a new one); this table is unchanged.
   *
   * @example
   * const t2 = t.set('c1', charge);
   */
  set(id: string, value: V): IdTable<V> {
    const n = this.vals.length;
    const i = this.find(id);
    if (i >= 0) {
      const vals = this.vals.slice();
      vals[i] = value;
      return new IdTable(this.index, this.ids, vals);
    }
    const vals = appended(this.vals, value);
    // the first record (on the shared empty table, too): an id list of its own
    if (n === 0) return new IdTable<V>(null, [id], vals);
    let index = this.index;
    let ids = this.ids;
    if (ids.length !== n) {
      // another version appended to the shared ids (and index) after this one: this one gets its
      // own, so unrelated versions never pile their ids into one list
      ids = ids.slice(0, n);
      if (index !== null) index = indexOver(ids, n);
    }
    // at the tip of its line: the ids past n are no version's yet, so appending changes no version's view
    ids.push(id);
    if (index !== null) {
      index.set(id, n);
      return new IdTable(index, ids, vals);
    }
    if (n < IdTable.SMALL) return new IdTable<V>(null, ids, vals);
    // outgrew SMALL: index this version's ids (versions before it go on scanning their prefix)
    return new IdTable(indexOver(ids, n + 1), ids, vals);
  }

  /** The records in the order their ids were first set. */
  values(): MapIterator<V> {
    return this.vals[Symbol.iterator]() as MapIterator<V>;
  }

  /** The ids in the order they were first set. */
  keys(): MapIterator<string> {
    return this.ids.slice(0, this.vals.length)[Symbol.iterator]() as MapIterator<string>;
  }

  /** `[id, record]` pairs in order. */
  entries(): MapIterator<[string, V]> {
    return this.vals.map((v, i): [string, V] => [this.ids[i]!, v])[Symbol.iterator]() as MapIterator<[string, V]>;
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

// id → position over the first n ids
const indexOver = (ids: readonly string[], n: number): Map<string, number> => {
  const index = new Map<string, number>();
  for (let j = 0; j < n; j++) index.set(ids[j]!, j);
  return index;
};
