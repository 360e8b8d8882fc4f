import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BucketMap } from '../src/bucket-map.js';
import { runs } from '../../testkit/test/support/properties.js';

describe('BucketMap', () => {
  it('behaves like a Map for any sequence of sets, and never changes a map once made', () => {
    // size 'medium': up to 100 sets, so keys share buckets (256 of them) in most runs; fast-check's
    // default stopped at 10, where they seldom did, and all 300 cost 20 s of snapshot checks (quadratic)
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 300, size: 'medium' }), (sets) => {
        let m = BucketMap.empty<number>();
        const reference = new Map<string, number>();
        const snapshots: [BucketMap<number>, Map<string, number>][] = [];
        for (const [k, v] of sets) {
          m = m.set(k, v);
          reference.set(k, v);
          snapshots.push([m, new Map(reference)]);
        }
        for (const [map, ref] of snapshots) {
          expect(map.size).toBe(ref.size);
          expect(new Map(map)).toEqual(ref);
          for (const [k, v] of ref) expect(map.get(k)).toBe(v);
        }
        expect(m.has('\u0000never')).toBe(false);
      }),
      { numRuns: runs(100) },
    );
  });
  it('offers keys, values and forEach over every entry', () => {
    const m = BucketMap.empty<number>().set('a', 1).set('b', 2).set('a', 3);
    expect([...m.keys()].sort()).toEqual(['a', 'b']);
    expect([...m.values()].sort()).toEqual([2, 3]);
    const seen: string[] = [];
    m.forEach((v, k) => seen.push(`${k}=${v}`));
    expect(seen.sort()).toEqual(['a=3', 'b=2']);
    expect(m.size).toBe(2);
  });
});
