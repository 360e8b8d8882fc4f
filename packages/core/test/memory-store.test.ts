// the in-memory store's own promises; the shared semantics are in testkit's conformance suite
import { describe, expect, it } from 'vitest';
import { type StoredEvent, isStoreError, openMemoryEventStore, verifyChain } from '@levy/core';

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
});
