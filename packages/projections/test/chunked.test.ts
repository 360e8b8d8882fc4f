import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChunkedList } from '../src/chunked.js';

describe('ChunkedList, the append-only list the views keep every event and movement in', () => {
  it('reads back what an array would, across chunk boundaries (1,024 entries a chunk)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 3_500 }), fc.array(fc.integer({ min: -5, max: 3_505 }), { maxLength: 20, size: 'max' }), (n, probes) => {
        const list = new ChunkedList<{ i: number }>();
        const model: { i: number }[] = [];
        for (let i = 0; i < n; i++) {
          const item = { i };
          expect(list.push(item)).toBe(i);
          model.push(item);
        }
        expect(list.length).toBe(n);
        // the same objects, in order, by index, by iteration and copied out
        for (const p of [0, n - 1, n, 1_023, 1_024, 2_048, ...probes]) expect(list.at(p)).toBe(p >= 0 ? model[p] : undefined);
        expect([...list]).toEqual(model);
        const copy = list.toArray();
        expect(copy).toEqual(model);
        copy.push({ i: -1 });
        expect(list.length).toBe(n);
      }),
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
