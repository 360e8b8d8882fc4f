import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IdTable } from '@levy/core';
import { runs } from '../../testkit/test/support/properties.js';

describe('IdTable', () => {
  // more ids than a small table holds, so versions cross from scanning to an index and branch on both sides
  const IDS = 'abcdefghijklmnopqrstu'.split('');
  it('leaves every earlier version as it was, however versions branch (against copied Maps)', () => {
    expect(IDS.length).toBeGreaterThan(IdTable.SMALL);
    // ops: set an id (from a small pool, so updates and re-adds happen) on any earlier version
    // from: mostly the latest version (long lines of versions that outgrow a small table), else any earlier one (branches)
    const op = fc.record({ from: fc.oneof({ arbitrary: fc.constant(-1), weight: 3 }, { arbitrary: fc.nat(), weight: 1 }), id: fc.constantFrom(...IDS), value: fc.integer() });
    let largest = 0;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100, size: 'max' }), (ops) => {
        const tables: IdTable<number>[] = [IdTable.empty<number>()];
        const models: Map<string, number>[] = [new Map()];
        for (const o of ops) {
          const k = o.from < 0 ? tables.length - 1 : o.from % tables.length;
          tables.push(tables[k]!.set(o.id, o.value));
          models.push(new Map(models[k]!).set(o.id, o.value));
        }
        // every version read every way, compared with its Map in one assertion per run (an expect
        // per read made a run of LEVY_FC_SCALE=10 block its vitest worker past the RPC timeout)
        const read = (t: IdTable<number>) => ({ entries: [...t.entries()], size: t.size, byId: IDS.map((id) => [t.get(id), t.has(id), t.indexOf(id)]) });
        const model = (m: Map<string, number>) => {
          const order = [...m.keys()];
          return { entries: [...m.entries()], size: m.size, byId: IDS.map((id) => [m.get(id), m.has(id), order.indexOf(id)]) };
        };
        expect(tables.map(read)).toEqual(models.map(model));
        for (const t of tables) largest = Math.max(largest, t.size);
      }),
      { numRuns: runs(300) },
    );
    // the runs reached indexed tables, not only small ones
    expect(largest).toBeGreaterThan(IdTable.SMALL);
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
  it('shares one empty table that setting never changes', () => {
    const empty = IdTable.empty<number>();
    expect(IdTable.empty<string>()).toBe(empty);
    let t = empty;
    for (const id of IDS) t = t.set(id, id.charCodeAt(0));
    expect(t.size).toBe(IDS.length);
    expect(t.get('n')).toBe(110);
    expect(empty.size).toBe(0);
    expect(empty.get('a')).toBeUndefined();
    expect([...empty.keys()]).toEqual([]);
  });
  it('finds ids made at run time by their text, indexed or not', () => {
    let t = IdTable.empty<number>();
    for (let i = 0; i < IdTable.SMALL + 4; i++) {
      t = t.set(`c-${i}`, i);
      // a different string object with the same text finds the record, before and after the index is built
      for (let j = 0; j <= i; j++) expect(t.get(['c', String(j)].join('-'))).toBe(j);
      expect(t.get(`c-${i + 1}`)).toBeUndefined();
    }
  });
});
