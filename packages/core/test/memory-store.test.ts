// the in-memory store's own promises; the shared semantics are in testkit's conformance suite
import { describe, expect, it } from 'vitest';
import { type NewEvent, type StoredEvent, isStoreError, openMemoryEventStore, verifyChain } from '@levy/core';

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
};

describe('in-memory store', () => {
  it('hands out frozen copies, so a caller cannot change the log', async () => {
    const s = openMemoryEventStore();
    const data = { amount: '1.00', lines: [{ fee: 'water' }] };
    await s.appendToStream('a', [{ type: 'T', data, meta: { eventId: 'a0' } }]);
    data.amount = '9.00';
    const [e] = await collect(s.readStream('a'));
    expect(e!.data.amount).toBe('1.00');
    expect(Object.isFrozen(e!.data.lines)).toBe(true);
  });
  it('starts from a seed log, keeping its chain, and continues it', async () => {
    const a = openMemoryEventStore();
    await a.appendToStream('x', [{ type: 'T', data: {}, meta: { eventId: 'x0' } }]);
    const seed = await collect(a.readAll());
    const b = openMemoryEventStore({ seed });
    await b.appendToStream('x', [{ type: 'T', data: {}, meta: { eventId: 'x1' } }], { expectedRevision: 0n });
    const all: StoredEvent[] = await collect(b.readAll());
    expect(verifyChain(all)).toEqual({ ok: true, count: 2 });
  });
  it('rejects rather than throws: append errors arrive through the promise', async () => {
    const s = openMemoryEventStore();
    const p = s.appendToStream('', []);
    await expect(p).rejects.toSatisfy((e: unknown) => isStoreError(e, 'OPTIONS_INVALID'));
  });
  // audit: a Map in data used to be written as {} and read back empty
  it('refuses data that is not plain JSON at any depth, naming the place, and writes nothing', async () => {
    class Line {
      constructor(readonly fee: string) {}
    }
    const cases: [string, unknown, string[]][] = [
      ['a Map as data', new Map([['amount', '1.00']]), ['events', '0', 'data']],
      ['a Set as data', new Set(['1.00']), ['events', '0', 'data']],
      ['a Date as data', new Date(0), ['events', '0', 'data']],
      ['a class instance as data', new Line('water'), ['events', '0', 'data']],
      ['a nested Map', { lines: new Map([['water', '1.00']]) }, ['events', '0', '$.lines']],
      ['a nested Set', { when: new Set([1]) }, ['events', '0', '$.when']],
      ['a nested Date', { at: new Date(0) }, ['events', '0', '$.at']],
      ['a nested class instance', { lines: [new Line('water')] }, ['events', '0', '$.lines[0]']],
      ['undefined in an array', { lines: ['1.00', undefined] }, ['events', '0', '$.lines[1]']],
      // eslint-disable-next-line no-sparse-arrays
      ['a gap in an array', { lines: ['1.00', , '2.00'] }, ['events', '0', '$.lines[1]']],
      ['a function', { f: () => 1 }, ['events', '0', '$.f']],
      ['a bigint', { n: 1n }, ['events', '0', '$.n']],
      ['a float', { amount: 1.5 }, ['events', '0', '$.amount']],
      ['infinity', { amount: Number.POSITIVE_INFINITY }, ['events', '0', '$.amount']],
      ['NaN', { amount: Number.NaN }, ['events', '0', '$.amount']],
    ];
    for (const [what, data, path] of cases) {
      const s = openMemoryEventStore();
      const e = await s.appendToStream('t-1', [{ type: 'T', data: data as NewEvent['data'], meta: { eventId: 'e1' } }], { expectedRevision: 'no-stream' }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(isStoreError(e, 'EVENT_INVALID'), what).toBe(true);
      if (isStoreError(e)) expect(e.error.path, what).toEqual(path);
      expect(await collect(s.readAll()), what).toEqual([]);
    }
  });
  it('refuses meta that is not plain JSON, saying it is the meta', async () => {
    const s = openMemoryEventStore();
    const e = await s.appendToStream('t-1', [{ type: 'T', data: {}, meta: { eventId: 'e1', tags: new Set(['a']) } }]).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(isStoreError(e, 'EVENT_INVALID')).toBe(true);
    if (isStoreError(e)) {
      expect(e.error.path).toEqual(['events', '0', '$.tags']);
      expect(e.error.message).toMatch(/^the meta of event "e1"/);
    }
    const m = await s.appendToStream('t-1', [{ type: 'T', data: {}, meta: new Map([['eventId', 'e1']]) as unknown as NewEvent['meta'] }]).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(isStoreError(m) && m.error.path).toEqual(['events', '0', 'meta']);
  });
  it('still takes objects without a prototype and values with a toJSON', async () => {
    const s = openMemoryEventStore();
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { amount: '1.00' });
    await s.appendToStream('t-1', [{ type: 'T', data: { bare, money: { toJSON: () => '2.00' } }, meta: { eventId: 'e1' } }]);
    const [e] = await collect(s.readStream('t-1'));
    expect(e!.data).toEqual({ bare: { amount: '1.00' }, money: '2.00' });
  });
});
