import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChunkedList } from '../src/chunked.js';

describe('ChunkedList, the append-only list the views keep every event and movement in', () => {
  // a list and the array it should equal, `n` entries long
  const filled = (n: number): { list: ChunkedList<{ i: number }>; model: { i: number }[] } => {
    const list = new ChunkedList<{ i: number }>();
    const model: { i: number }[] = [];
    let wrongIndex = -1;
    for (let i = 0; i < n; i++) {
      const item = { i };
      if (list.push(item) !== i && wrongIndex === -1) wrongIndex = i;
      model.push(item);
    }
    // push answers each entry's index
    expect(wrongIndex).toBe(-1);
    return { list, model };
  };
  const readsBack = (list: ChunkedList<{ i: number }>, model: { i: number }[], probes: number[]): void => {
    const n = model.length;
    expect(list.length).toBe(n);
    // the same objects, in order, by index, by iteration and copied out
    for (const p of [0, n - 1, n, ...probes]) expect(list.at(p)).toBe(p >= 0 ? model[p] : undefined);
    // the first index where a reading differs from the array, or -1 (identity, entry by entry: a
    // deep comparison of 100,000 objects would take the test seconds)
    const firstDifference = (got: readonly { i: number }[]): number => {
      if (got.length !== n) return Math.min(got.length, n);
      for (let i = 0; i < n; i++) if (got[i] !== model[i]) return i;
      return -1;
    };
    expect(firstDifference([...list])).toBe(-1);
    const copy = list.toArray();
    expect(firstDifference(copy)).toBe(-1);
    copy.push({ i: -1 });
    expect(list.length).toBe(n);
  };

  it('reads back what an array would, across the small chunks (1,024 entries a chunk)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 3_500 }), fc.array(fc.integer({ min: -5, max: 3_505 }), { maxLength: 20 }), (n, probes) => {
        const { list, model } = filled(n);
        readsBack(list, model, [1_023, 1_024, 2_048, ...probes]);
      }),
    );
  });

  it('reads back what an array would, past the small chunks into the large ones (32,768 entries a chunk)', () => {
    // lengths around where the small chunks end (32,768) and the first large chunk ends (65,536)
    const near = (edge: number) => fc.integer({ min: edge - 3, max: edge + 3 });
    fc.assert(
      fc.property(fc.oneof(near(32_768), near(65_536), fc.integer({ min: 32_000, max: 100_000 })), fc.array(fc.integer({ min: -5, max: 100_005 }), { maxLength: 20 }), (n, probes) => {
        const { list, model } = filled(n);
        readsBack(list, model, [32_767, 32_768, 32_769, 65_535, 65_536, 65_537, 98_303, 98_304, ...probes]);
      }),
      { numRuns: 30 },
    );
  });

  it('answers undefined outside its entries: no negative indexes, fractions or NaN', () => {
    const list = new ChunkedList<string>();
    expect(list.at(0)).toBeUndefined();
    expect([...list]).toEqual([]);
    list.push('a');
    list.push('b');
    expect([list.at(0), list.at(1), list.at(2), list.at(-1), list.at(0.5), list.at(Number.NaN)]).toEqual(['a', 'b', undefined, undefined, undefined, undefined]);
  });
});
