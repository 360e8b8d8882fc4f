import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IdTable } from '@levy/core';

describe('IdTable', () => {
  it('leaves every earlier version as it was, however versions branch (against copied Maps)', () => {
    // ops: set an id (from a small pool, so updates and re-adds happen) on any earlier version
    const op = fc.record({ from: fc.nat(), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), value: fc.integer() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const tables: IdTable<number>[] = [IdTable.empty<number>()];
        const models: Map<string, number>[] = [new Map()];
        for (const o of ops) {
          const k = o.from % tables.length;
          tables.push(tables[k]!.set(o.id, o.value));
          models.push(new Map(models[k]!).set(o.id, o.value));
        }
        tables.forEach((t, i) => {
          const m = models[i]!;
          expect([...t.entries()]).toEqual([...m.entries()]);
          expect(t.size).toBe(m.size);
          for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) {
            expect(t.get(id)).toBe(m.get(id));
            expect(t.has(id)).toBe(m.has(id));
          }
        });
      }),
      { numRuns: 300 },
    );
  });
  it('keeps ids in the order they were first set', () => {
    const t = IdTable.empty<number>().set('x', 1).set('y', 2).set('x', 3);
    expect([...t.keys()]).toEqual(['x', 'y']);
    expect([...t.values()]).toEqual([3, 2]);
    const seen: string[] = [];
    t.forEach((v, k) => seen.push(`${k}=${v}`));
    expect(seen).toEqual(['x=3', 'y=2']);
    expect([...t]).toEqual([['x', 3], ['y', 2]]);
  });
  it('gives unrelated tables their own index', () => {
    const a = IdTable.empty<number>().set('p', 1);
    const b = IdTable.empty<number>().set('q', 2);
    expect(a.get('q')).toBeUndefined();
    expect(b.get('p')).toBeUndefined();
  });
});
