/**
 * A persistent (immutable) string-keyed map for decider state that grows large, such as a
 * community's units. `set` returns a new map sharing all but one bucket with the old one, so
 * folding n registrations costs about n × (n / 256 + 256) entry copies instead of n² / 2 with a
 * copied `Map`: a 10,000-unit community folds in milliseconds, not seconds. Reads are those of a
 * `ReadonlyMap`; iteration order is by bucket, not by insertion (sort keys where order matters).
 *
 * @example
 * const a = BucketMap.empty<number>();
 * const b = a.set('B1-0101', 1);
 * a.size; // 0
 * b.get('B1-0101'); // 1
 */

const BUCKETS = 256;

// FNV-1a over UTF-16 code units: cheap, deterministic, spreads ids like 'B1-0101' evenly
const bucketOf = (key: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
};

/** An immutable map from strings to values with cheap copy-on-write `set`. */
export class BucketMap<V> implements ReadonlyMap<string, V> {
  private readonly buckets: readonly (ReadonlyMap<string, V> | undefined)[];
  readonly size: number;

  private constructor(buckets: readonly (ReadonlyMap<string, V> | undefined)[], size: number) {
    this.buckets = buckets;
    this.size = size;
  }

  /** The empty map. */
  static empty<V>(): BucketMap<V> {
    return new BucketMap<V>(new Array<undefined>(BUCKETS).fill(undefined), 0);
  }

  /** A new map with `key` set to `value`; this one is unchanged. */
  set(key: string, value: V): BucketMap<V> {
    const i = bucketOf(key);
    const old = this.buckets[i];
    const bucket = new Map(old ?? []);
    const had = bucket.has(key);
    bucket.set(key, value);
    const buckets = this.buckets.slice();
    buckets[i] = bucket;
    return new BucketMap(buckets, had ? this.size : this.size + 1);
  }

  get(key: string): V | undefined {
    return this.buckets[bucketOf(key)]?.get(key);
  }

  has(key: string): boolean {
    return this.buckets[bucketOf(key)]?.has(key) ?? false;
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }

  *entries(): MapIterator<[string, V]> {
    for (const b of this.buckets) if (b !== undefined) yield* b.entries();
  }

  *keys(): MapIterator<string> {
    for (const b of this.buckets) if (b !== undefined) yield* b.keys();
  }

  *values(): MapIterator<V> {
    for (const b of this.buckets) if (b !== undefined) yield* b.values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}
