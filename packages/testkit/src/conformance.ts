/**
 * The store conformance suite: one set of vitest cases that every `EventStore` engine runs, so
 * in-memory, SQLite and EventStoreDB cannot drift apart. It checks every expected-revision
 * case, ordering within and across streams, finding an event by id (where the store has the
 * optional `findEvent`), idempotent retries and id conflicts, big batches,
 * 10k streams, unicode and large payloads, invalid events, catch-up subscriptions, readers that
 * never see half an append, and the hash chain (including tamper detection), and finishes with
 * a model-based run (TigerBeetle's auditor idea: a reference model predicts every reply).
 *
 * @example
 * // my-engine/test/conformance.test.ts: the testkit's `conformance` entry (it loads vitest, so
 * // the main entry leaves it out); openMyEngine and freshDatabase are the engine's own
 * import { storeConformanceSuite } from '@levy/testkit/conformance';
 * storeConformanceSuite('my-engine', async () => openMyEngine(await freshDatabase()));
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type StoredEvent,
  Money,
  isStoreError,
  sealEvent,
  verifyChain,
} from '@levy/core';

/** Collects an async iterable into an array. */
export const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
};

/** A small valid event for store tests. */
export const storeTestEvent = (eventId: string, data: Record<string, unknown> = { n: 1 }, type = 'TestHappened'): NewEvent => ({ type, data, meta: { eventId } });

const codeOf = async (p: Promise<unknown> | (() => Promise<unknown>)): Promise<string> => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (isStoreError(e)) return e.code;
    return `NOT A STORE ERROR: ${String(e)}`;
  }
  return 'NO ERROR';
};

const errorOf = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return undefined;
};

// the DomainError a store rejected with (its code, path and details), or what else came
const refusalOf = async (p: Promise<unknown>): Promise<unknown> => {
  const e = await errorOf(p);
  return isStoreError(e) ? e.error : e;
};

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// what an exact retry answers: the original append's result, marked as a repeat
const repeatOf = (first: AppendResult): AppendResult => ({ ...first, repeated: true });

/**
 * Registers the conformance cases for one engine. `open` must return a fresh, empty store each
 * time; the suite closes every store it opened.
 */
export const storeConformanceSuite = (name: string, open: () => Promise<EventStore>): void => {
  describe(`${name}: event store conformance`, () => {
    const opened: EventStore[] = [];
    const fresh = async (): Promise<EventStore> => {
      const s = await open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    describe('expected revision', () => {
      it("appends to a new stream with 'no-stream' at revision 0 and position 1", async () => {
        const s = await fresh();
        const r = await s.appendToStream('a', [storeTestEvent('a0')], { expectedRevision: 'no-stream' });
        expect(r).toEqual({ nextExpectedRevision: 0n, position: 1n });
      });
      it("refuses 'no-stream' on a stream that exists, with streamId, expected and actual", async () => {
        const s = await fresh();
        await s.appendToStream('a', [storeTestEvent('a0'), storeTestEvent('a1')]);
        const e = await errorOf(s.appendToStream('a', [storeTestEvent('a2')], { expectedRevision: 'no-stream' }));
        expect(isStoreError(e, 'CONCURRENCY_CONFLICT')).toBe(true);
        if (isStoreError(e)) expect(e.error.details).toEqual({ streamId: 'a', expected: 'no-stream', actual: 1n });
      });
      it("refuses 'stream-exists' on a missing stream and accepts it on an existing one", async () => {
        const s = await fresh();
        const e = await errorOf(s.appendToStream('a', [storeTestEvent('a0')], { expectedRevision: 'stream-exists' }));
        expect(isStoreError(e, 'CONCURRENCY_CONFLICT') && e.error.details?.actual).toBe('no-stream');
        await s.appendToStream('a', [storeTestEvent('a0')]);
        expect(await s.appendToStream('a', [storeTestEvent('a1')], { expectedRevision: 'stream-exists' })).toEqual({ nextExpectedRevision: 1n, position: 2n });
      });
      it("accepts 'any' (and no option) on missing and existing streams", async () => {
        const s = await fresh();
        expect((await s.appendToStream('a', [storeTestEvent('a0')], { expectedRevision: 'any' })).nextExpectedRevision).toBe(0n);
        expect((await s.appendToStream('a', [storeTestEvent('a1')], { expectedRevision: 'any' })).nextExpectedRevision).toBe(1n);
        expect((await s.appendToStream('a', [storeTestEvent('a2')])).nextExpectedRevision).toBe(2n);
      });
      it('accepts the exact last revision and refuses one too low, too high, or on a missing stream', async () => {
        const s = await fresh();
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('x')], { expectedRevision: 0n }))).toBe('CONCURRENCY_CONFLICT');
        await s.appendToStream('a', [storeTestEvent('a0'), storeTestEvent('a1'), storeTestEvent('a2')]);
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('x')], { expectedRevision: 1n }))).toBe('CONCURRENCY_CONFLICT');
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('x')], { expectedRevision: 3n }))).toBe('CONCURRENCY_CONFLICT');
        expect(await s.appendToStream('a', [storeTestEvent('a3'), storeTestEvent('a4')], { expectedRevision: 2n })).toEqual({ nextExpectedRevision: 4n, position: 5n });
      });
      it('writes nothing when it refuses an append', async () => {
        const s = await fresh();
        await s.appendToStream('a', [storeTestEvent('a0')]);
        await codeOf(s.appendToStream('a', [storeTestEvent('x1'), storeTestEvent('x2')], { expectedRevision: 5n }));
        expect((await collect(s.readAll())).map((e) => e.meta.eventId)).toEqual(['a0']);
        // the refused ids are still free
        expect((await s.appendToStream('b', [storeTestEvent('x1')])).position).toBe(2n);
      });
      it('refuses an expected revision that is not a bigint or a known word', async () => {
        const s = await fresh();
        for (const bad of [3, -1n, 'latest', null]) {
          expect(await codeOf(s.appendToStream('a', [storeTestEvent('a0')], { expectedRevision: bad as unknown as ExpectedRevision }))).toBe('OPTIONS_INVALID');
        }
      });
      it('answers an empty append with the stream as it is, after checking the expected revision', async () => {
        const s = await fresh();
        expect(await s.appendToStream('a', [], { expectedRevision: 'no-stream' })).toEqual({ nextExpectedRevision: -1n, position: 0n });
        await s.appendToStream('b', [storeTestEvent('b0')]);
        await s.appendToStream('a', [storeTestEvent('a0'), storeTestEvent('a1')]);
        expect(await s.appendToStream('a', [], { expectedRevision: 1n })).toEqual({ nextExpectedRevision: 1n, position: 3n });
        expect(await codeOf(s.appendToStream('a', [], { expectedRevision: 0n }))).toBe('CONCURRENCY_CONFLICT');
        expect(await codeOf(s.readStream('c')[Symbol.asyncIterator]().next())).toBe('STREAM_NOT_FOUND');
      });
      it('lets exactly one of two racing appends with the same expected revision win', async () => {
        const s = await fresh();
        await s.appendToStream('a', [storeTestEvent('a0')]);
        const results = await Promise.allSettled([
          s.appendToStream('a', [storeTestEvent('left')], { expectedRevision: 0n }),
          s.appendToStream('a', [storeTestEvent('right')], { expectedRevision: 0n }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.find((r) => r.status === 'rejected');
        expect(lost !== undefined && lost.status === 'rejected' && isStoreError(lost.reason, 'CONCURRENCY_CONFLICT')).toBe(true);
      });
      it('keeps each concurrent append its own result: one conflict fails no other', async () => {
        const s = await fresh();
        await s.appendToStream('busy', [storeTestEvent('busy0')]);
        const settled = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            i === 7
              ? s.appendToStream('busy', [storeTestEvent('late')], { expectedRevision: 'no-stream' })
              : s.appendToStream(`s-${i}`, [storeTestEvent(`s-${i}-0`), storeTestEvent(`s-${i}-1`)], { expectedRevision: 'no-stream' }),
          ),
        );
        settled.forEach((r, i) => {
          if (i === 7) expect(r.status === 'rejected' && isStoreError(r.reason, 'CONCURRENCY_CONFLICT')).toBe(true);
          else expect(r.status === 'fulfilled' && r.value.nextExpectedRevision).toBe(1n);
        });
        const positions = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value.position] : []));
        expect(new Set(positions).size).toBe(19);
        expect((await collect(s.readAll())).length).toBe(1 + 19 * 2);
      });
    });

    describe('guards on other streams', () => {
      // a store either checks guards atomically with the append (supportsGuards) or refuses them; it never ignores them
      const guarded = async (): Promise<EventStore | null> => {
        const s = await fresh();
        if (s.supportsGuards === true) return s;
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('a0')], { guards: [{ streamId: 'b', expectedRevision: 'no-stream' }] }))).toBe('OPTIONS_INVALID');
        return null;
      };
      it('appends when every guard holds, and refuses with CONCURRENCY_CONFLICT naming the guard when one does not, writing nothing', async () => {
        const s = await guarded();
        if (s === null) return;
        await s.appendToStream('b', [storeTestEvent('b0'), storeTestEvent('b1')]);
        const ok = await s.appendToStream('a', [storeTestEvent('a0')], {
          expectedRevision: 'no-stream',
          guards: [
            { streamId: 'b', expectedRevision: 1n },
            { streamId: 'c', expectedRevision: 'no-stream' },
          ],
        });
        expect(ok).toEqual({ nextExpectedRevision: 0n, position: 3n });
        await s.appendToStream('c', [storeTestEvent('c0')]);
        const refused = await refusalOf(
          s.appendToStream('a', [storeTestEvent('a1'), storeTestEvent('a2')], {
            expectedRevision: 0n,
            guards: [
              { streamId: 'b', expectedRevision: 1n },
              { streamId: 'c', expectedRevision: 'no-stream' },
            ],
          }),
        );
        expect(refused).toMatchObject({ code: 'CONCURRENCY_CONFLICT', path: ['guards', '1', 'expectedRevision'], details: { streamId: 'c', expected: 'no-stream', actual: 0n, appendTo: 'a' } });
        expect((await collect(s.readStream('a'))).map((e) => e.meta.eventId)).toEqual(['a0']);
        // the refused ids are still free, and 'stream-exists' and 'any' are guards too
        const later = await s.appendToStream('a', [storeTestEvent('a1')], { guards: [{ streamId: 'c', expectedRevision: 'stream-exists' }, { streamId: 'd', expectedRevision: 'any' }] });
        expect(later.nextExpectedRevision).toBe(1n);
      });
      it('refuses malformed guards with OPTIONS_INVALID at the guard, before writing', async () => {
        const s = await guarded();
        if (s === null) return;
        const bad = async (guards: unknown) => refusalOf(s.appendToStream('a', [storeTestEvent('a0')], { guards: guards as never }));
        expect(await bad('b')).toMatchObject({ code: 'OPTIONS_INVALID', path: ['guards'] });
        expect(await bad([{ streamId: 'b', expectedRevision: 0 }])).toMatchObject({ code: 'OPTIONS_INVALID', path: ['guards', '0', 'expectedRevision'] });
        expect(await bad([{ streamId: 'b' }])).toMatchObject({ code: 'OPTIONS_INVALID', path: ['guards', '0', 'expectedRevision'] });
        expect(await bad([{ streamId: '', expectedRevision: 0n }])).toMatchObject({ code: 'OPTIONS_INVALID', path: ['guards', '0', 'streamId'] });
        expect(await bad([{ streamId: 'a', expectedRevision: 'no-stream' }])).toMatchObject({ code: 'OPTIONS_INVALID', path: ['guards', '0', 'streamId'] });
        expect(await bad([null])).toMatchObject({ code: 'OPTIONS_INVALID', path: ['guards', '0'] });
        const twice = await bad([
          { streamId: 'b', expectedRevision: 'any' },
          { streamId: 'b', expectedRevision: 'no-stream' },
        ]);
        expect(twice).toMatchObject({ code: 'OPTIONS_INVALID', path: ['guards', '1', 'streamId'] });
        expect(await collect(s.readAll())).toEqual([]);
      });
      it('orders a guarded append and an append to the guarded stream made at once: the guarded one lands only if it came first', async () => {
        const s = await guarded();
        if (s === null) return;
        for (let round = 0; round < 20; round++) {
          const [close, account] = await Promise.allSettled([
            s.appendToStream(`community-${round}`, [storeTestEvent(`close-${round}`)], { guards: [{ streamId: `account-${round}`, expectedRevision: 'no-stream' }] }),
            s.appendToStream(`account-${round}`, [storeTestEvent(`pay-${round}`)], { expectedRevision: 'no-stream' }),
          ]);
          expect(account.status).toBe('fulfilled');
          if (close.status === 'fulfilled' && account.status === 'fulfilled') expect(close.value.position).toBeLessThan(account.value.position);
          else expect(close.status === 'rejected' && isStoreError(close.reason, 'CONCURRENCY_CONFLICT')).toBe(true);
        }
      });
      it('takes a retry of a guarded append that landed as the no-op it is, even once the guard no longer holds', async () => {
        const s = await guarded();
        if (s === null) return;
        const first = await s.appendToStream('a', [storeTestEvent('a0')], { expectedRevision: 'no-stream', guards: [{ streamId: 'b', expectedRevision: 'no-stream' }] });
        await s.appendToStream('b', [storeTestEvent('b0')]);
        expect(await s.appendToStream('a', [storeTestEvent('a0')], { expectedRevision: 'no-stream', guards: [{ streamId: 'b', expectedRevision: 'no-stream' }] })).toEqual(repeatOf(first));
      });
    });

    describe('ordering', () => {
      it('gives a stream consecutive revisions and the store increasing positions across streams', async () => {
        const s = await fresh();
        await s.appendToStream('a', [storeTestEvent('a0'), storeTestEvent('a1')]);
        await s.appendToStream('b', [storeTestEvent('b0')]);
        await s.appendToStream('a', [storeTestEvent('a2')]);
        const all = await collect(s.readAll());
        expect(all.map((e) => [e.streamId, e.revision, e.position, e.meta.eventId])).toEqual([
          ['a', 0n, 1n, 'a0'],
          ['a', 1n, 2n, 'a1'],
          ['b', 0n, 3n, 'b0'],
          ['a', 2n, 4n, 'a2'],
        ]);
        expect((await collect(s.readStream('a'))).map((e) => e.position)).toEqual([1n, 2n, 4n]);
      });
      it('reads a stream forwards and backwards, from a revision, up to a maximum', async () => {
        const s = await fresh();
        await s.appendToStream('a', Array.from({ length: 10 }, (_, i) => storeTestEvent(`a${i}`)));
        const revs = async (o: Parameters<EventStore['readStream']>[1]): Promise<bigint[]> => (await collect(s.readStream('a', o))).map((e) => e.revision);
        expect(await revs({})).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
        expect(await revs({ from: 7n })).toEqual([7n, 8n, 9n]);
        expect(await revs({ from: 2n, max: 3 })).toEqual([2n, 3n, 4n]);
        expect(await revs({ direction: 'backwards', max: 3 })).toEqual([9n, 8n, 7n]);
        expect(await revs({ direction: 'backwards', from: 2n })).toEqual([2n, 1n, 0n]);
        expect(await revs({ direction: 'backwards', from: 50n, max: 2 })).toEqual([9n, 8n]);
        expect(await revs({ from: 10n })).toEqual([]);
        expect(await revs({ max: 0 })).toEqual([]);
      });
      it('reads all events from a position, up to a maximum, by stream prefix and by type', async () => {
        const s = await fresh();
        await s.appendToStream('levy.account-c1.101', [storeTestEvent('1', {}, 'ChargeIssued'), storeTestEvent('2', {}, 'PaymentReceived')]);
        await s.appendToStream('levy.ticket-9', [storeTestEvent('3', {}, 'TicketOpened')]);
        await s.appendToStream('levy.account-c1.102', [storeTestEvent('4', {}, 'ChargeIssued')]);
        await s.appendToStream('levy.account-c2.101', [storeTestEvent('5', {}, 'ChargeIssued')]);
        const ids = async (o: Parameters<EventStore['readAll']>[0]): Promise<string[]> => (await collect(s.readAll(o))).map((e) => e.meta.eventId);
        expect(await ids({ fromPosition: 3n })).toEqual(['3', '4', '5']);
        expect(await ids({ fromPosition: 0n, max: 2 })).toEqual(['1', '2']);
        expect(await ids({ filter: { streamPrefix: 'levy.account-c1.' } })).toEqual(['1', '2', '4']);
        expect(await ids({ filter: { types: ['ChargeIssued'] } })).toEqual(['1', '4', '5']);
        expect(await ids({ filter: { streamPrefix: 'levy.account-', types: ['PaymentReceived', 'TicketOpened'] }, max: 5 })).toEqual(['2']);
        expect(await ids({ filter: { streamPrefix: 'levy.account-c1.' }, fromPosition: 3n, max: 1 })).toEqual(['4']);
        expect(await ids({ fromPosition: 99n })).toEqual([]);
        expect(await ids({ filter: { streamPrefix: '' } })).toEqual(['1', '2', '3', '4', '5']);
      });
      it('treats % and _ in a stream prefix as plain characters', async () => {
        const s = await fresh();
        await s.appendToStream('a%b_c', [storeTestEvent('1')]);
        await s.appendToStream('aXbYc', [storeTestEvent('2')]);
        expect((await collect(s.readAll({ filter: { streamPrefix: 'a%b_' } }))).map((e) => e.meta.eventId)).toEqual(['1']);
      });
      it('fails to read a missing stream with STREAM_NOT_FOUND, and refuses bad read options', async () => {
        const s = await fresh();
        expect(await codeOf(collect(s.readStream('nope')))).toBe('STREAM_NOT_FOUND');
        await s.appendToStream('a', [storeTestEvent('a0')]);
        expect(await codeOf(collect(s.readStream('a', { from: 1 as unknown as bigint })))).toBe('OPTIONS_INVALID');
        expect(await codeOf(collect(s.readStream('a', { max: -1 })))).toBe('OPTIONS_INVALID');
        expect(await codeOf(collect(s.readAll({ fromPosition: -1n })))).toBe('OPTIONS_INVALID');
        expect(await codeOf(collect(s.readAll({ filter: { types: 'ChargeIssued' as unknown as string[] } })))).toBe('OPTIONS_INVALID');
      });
    });

    describe('finding an event by id', () => {
      // optional in the port (the handler checks meta.corrects through it); a store that has it answers alike
      const finding = async (): Promise<(EventStore & Required<Pick<EventStore, 'findEvent'>>) | null> => {
        const s = await fresh();
        expect(['undefined', 'function']).toContain(typeof s.findEvent);
        return s.findEvent === undefined ? null : (s as EventStore & Required<Pick<EventStore, 'findEvent'>>);
      };
      it('finds an event in any stream as readAll gives it, and nothing for an id it does not hold', async () => {
        const s = await finding();
        if (s === null) return;
        await s.appendToStream('a', [storeTestEvent('a0'), storeTestEvent('a1', { k: 'v' }, 'T')]);
        await s.appendToStream('b', [storeTestEvent('b0')]);
        const all = await collect(s.readAll());
        for (const e of all) expect(await s.findEvent(e.meta.eventId)).toEqual(e);
        expect(await s.findEvent('c0')).toBeUndefined();
        expect(await s.findEvent('')).toBeUndefined();
        // a refused append leaves its ids unfound
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('a2')], { expectedRevision: 0n }))).toBe('CONCURRENCY_CONFLICT');
        expect(await s.findEvent('a2')).toBeUndefined();
      });
      it('refuses an id that is not a string with OPTIONS_INVALID at eventId, and a closed store with STORE_CLOSED', async () => {
        const s = await finding();
        if (s === null) return;
        for (const bad of [undefined, null, 42, {}]) expect(await refusalOf(s.findEvent(bad as unknown as string))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['eventId'] });
        await s.close();
        expect(await codeOf(s.findEvent('a0'))).toBe('STORE_CLOSED');
      });
    });

    describe('idempotent retries and id conflicts', () => {
      it('treats a repeated append as a no-op returning the original result', async () => {
        const s = await fresh();
        const batch = [storeTestEvent('p1', { amount: '100.00' }), storeTestEvent('p2', { amount: '20.00' })];
        const first = await s.appendToStream('a', batch, { expectedRevision: 'no-stream' });
        await s.appendToStream('b', [storeTestEvent('b0')]);
        await s.appendToStream('a', [storeTestEvent('a2')]);
        // the original result, marked as a repeat: the caller learns that it wrote nothing
        expect(first.repeated).toBeUndefined();
        expect(await s.appendToStream('a', batch, { expectedRevision: 'no-stream' })).toEqual(repeatOf(first));
        expect(await s.appendToStream('a', batch, { expectedRevision: 'any' })).toEqual(repeatOf(first));
        expect(await s.appendToStream('a', batch)).toEqual(repeatOf(first));
        expect((await collect(s.readAll())).length).toBe(4);
      });
      it('accepts a retry of events read back, chain fields and all', async () => {
        const s = await fresh();
        const first = await s.appendToStream('a', [storeTestEvent('p1')]);
        const [stored] = await collect(s.readStream('a'));
        expect(await s.appendToStream('a', [{ type: stored!.type, data: stored!.data, meta: stored!.meta }], { expectedRevision: 'no-stream' })).toEqual(repeatOf(first));
      });
      it('refuses the same id with different content', async () => {
        const s = await fresh();
        await s.appendToStream('a', [storeTestEvent('p1', { amount: '100.00' })]);
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('p1', { amount: '100.01' })], { expectedRevision: 'no-stream' }))).toBe('EVENT_ID_CONFLICT');
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('p1', { amount: '100.00' }, 'OtherType')]))).toBe('EVENT_ID_CONFLICT');
        expect(await codeOf(s.appendToStream('a', [{ ...storeTestEvent('p1', { amount: '100.00' }), meta: { eventId: 'p1', actor: 'x' } }]))).toBe('EVENT_ID_CONFLICT');
      });
      it('refuses an id already used in another stream', async () => {
        const s = await fresh();
        await s.appendToStream('a', [storeTestEvent('p1')]);
        const e = await errorOf(s.appendToStream('b', [storeTestEvent('p1')]));
        expect(isStoreError(e, 'EVENT_ID_CONFLICT')).toBe(true);
        await expect(collect(s.readStream('b'))).rejects.toSatisfy((x: unknown) => isStoreError(x, 'STREAM_NOT_FOUND'));
      });
      it('refuses a retry mixed with new events, out of place, or repeating an id within one append', async () => {
        const s = await fresh();
        await s.appendToStream('a', [storeTestEvent('p1'), storeTestEvent('p2')]);
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('p2'), storeTestEvent('p3')]))).toBe('EVENT_ID_CONFLICT');
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('p2'), storeTestEvent('p1')]))).toBe('EVENT_ID_CONFLICT');
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('p2')], { expectedRevision: 5n }))).toBe('EVENT_ID_CONFLICT');
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('p2')], { expectedRevision: 'no-stream' }))).toBe('EVENT_ID_CONFLICT');
        expect(await s.appendToStream('a', [storeTestEvent('p2')], { expectedRevision: 0n })).toEqual({ nextExpectedRevision: 1n, position: 2n, repeated: true });
        expect(await codeOf(s.appendToStream('b', [storeTestEvent('q'), storeTestEvent('q')]))).toBe('EVENT_ID_CONFLICT');
        expect((await collect(s.readAll())).length).toBe(2);
      });
    });

    describe('invalid events', () => {
      it('refuses events that are not plain JSON, naming the field, and writes none of the batch', async () => {
        const s = await fresh();
        const cases: Array<[unknown, string[]]> = [
          [{ type: 'T', data: { amount: 12.3 }, meta: { eventId: 'x' } }, ['events', '1', 'data', 'amount']],
          [{ type: '', data: {}, meta: { eventId: 'x' } }, ['events', '1', 'type']],
          [{ type: 'T', data: [], meta: { eventId: 'x' } }, ['events', '1', 'data']],
          [{ type: 'T', data: {}, meta: {} }, ['events', '1', 'meta', 'eventId']],
          [{ type: 'T', data: { big: 2n ** 60n }, meta: { eventId: 'x' } }, ['events', '1', 'data', 'big']],
          [null, ['events', '1']],
          // values JSON has no form for: stored as they serialise, a Map or a Set would come back {} and a gap null
          [{ type: 'T', data: new Map([['amount', '1.00']]), meta: { eventId: 'x' } }, ['events', '1', 'data']],
          [{ type: 'T', data: { lines: new Map([['a', '1.00']]) }, meta: { eventId: 'x' } }, ['events', '1', 'data', 'lines']],
          [{ type: 'T', data: { at: new Date(0) }, meta: { eventId: 'x' } }, ['events', '1', 'data', 'at']],
          [{ type: 'T', data: { list: [1, undefined] }, meta: { eventId: 'x' } }, ['events', '1', 'data', 'list', '1']],
          [{ type: 'T', data: {}, meta: { eventId: 'x', tags: new Set(['a']) } }, ['events', '1', 'meta', 'tags']],
          // beside type, data and meta nothing is stored: an extra field is refused, not dropped
          [{ type: 'T', data: {}, meta: { eventId: 'x' }, payer: '张伟' }, ['events', '1', 'payer']],
        ];
        for (const [bad, path] of cases) {
          const e = await errorOf(s.appendToStream('a', [storeTestEvent('ok'), bad as NewEvent]));
          expect(isStoreError(e, 'EVENT_INVALID')).toBe(true);
          if (isStoreError(e)) expect(e.error.path).toEqual(path);
        }
        expect(await codeOf(s.appendToStream('', [storeTestEvent('ok')]))).toBe('OPTIONS_INVALID');
        expect(await codeOf(s.appendToStream('a', Array.from({ length: 10_001 }, (_, i) => storeTestEvent(`e${i}`))))).toBe('EVENT_INVALID');
        expect(await collect(s.readAll())).toEqual([]);
      });
      it('refuses lone UTF-16 surrogates in stream ids, types and event ids (no engine can keep them as they are)', async () => {
        const s = await fresh();
        expect(await refusalOf(s.appendToStream('\uD800', [storeTestEvent('x')]))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['streamId'] });
        expect(await refusalOf(s.appendToStream('a', [storeTestEvent('x', {}, 'T\uDC00')]))).toMatchObject({ code: 'EVENT_INVALID', path: ['events', '0', 'type'] });
        expect(await refusalOf(s.appendToStream('a', [storeTestEvent('x\uD83D')]))).toMatchObject({ code: 'EVENT_INVALID', path: ['events', '0', 'meta', 'eventId'] });
        expect(await collect(s.readAll())).toEqual([]);
      });
    });

    describe('options', () => {
      it('refuses unknown or malformed options at the key, never ignoring them: a misspelt expectedRevision would drop the concurrency check, a misspelt read option return everything', async () => {
        const s = await fresh();
        await s.appendToStream('a', [storeTestEvent('a0')]);
        const at = async (p: Promise<unknown>, path: string[]): Promise<void> => {
          expect(await refusalOf(p)).toMatchObject({ code: 'OPTIONS_INVALID', path });
        };
        await at(s.appendToStream('a', [storeTestEvent('x')], { expectedRevison: 'no-stream' } as never), ['expectedRevison']);
        await at(s.appendToStream('a', [storeTestEvent('x')], { gaurds: [] } as never), ['gaurds']);
        for (const o of [null, 0n, [], 'any']) await at(s.appendToStream('a', [storeTestEvent('x')], o as never), ['options']);
        await at(collect(s.readAll({ from: 1n } as never)), ['from']);
        await at(collect(s.readAll({ filter: { prefix: 'a' } } as never)), ['filter', 'prefix']);
        await at(collect(s.readAll(null as never)), ['options']);
        await at(collect(s.readStream('a', { dir: 'backwards' } as never)), ['dir']);
        await at(collect(s.readAll({ fromPosition: 2n ** 64n })), ['fromPosition']);
        await at(collect(s.readStream('a', { direction: 'backwards', from: 2n ** 70n })), ['from']);
        expect(await codeOf(async () => s.subscribeToAll({ checkPoint: 1n } as never))).toBe('OPTIONS_INVALID');
        expect((await collect(s.readAll())).map((e) => e.meta.eventId)).toEqual(['a0']);
      });
    });

    describe('volume and payloads', () => {
      it('appends a batch of 5,000 events in one append', async () => {
        const s = await fresh();
        const r = await s.appendToStream('big', Array.from({ length: 5000 }, (_, i) => storeTestEvent(`big-${i}`, { i })), { expectedRevision: 'no-stream' });
        expect(r).toEqual({ nextExpectedRevision: 4999n, position: 5000n });
        const read = await collect(s.readStream('big'));
        expect(read.map((e) => e.data.i)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
        expect(verifyChain(read)).toEqual({ ok: true, count: 5000 });
      });
      it('holds 10,000 streams appended concurrently', async () => {
        const s = await fresh();
        const n = 10_000;
        const results = await Promise.all(Array.from({ length: n }, (_, i) => s.appendToStream(`levy.account-c1.${i}`, [storeTestEvent(`c-${i}`, { unit: i })], { expectedRevision: 'no-stream' })));
        expect(new Set(results.map((r) => r.position)).size).toBe(n);
        expect(results.every((r) => r.nextExpectedRevision === 0n)).toBe(true);
        const all = await collect(s.readAll());
        expect(all.length).toBe(n);
        expect(all.map((e) => e.position)).toEqual(Array.from({ length: n }, (_, i) => BigInt(i + 1)));
        const one = await collect(s.readStream('levy.account-c1.4321'));
        expect(one.map((e) => e.data.unit)).toEqual([4321]);
        expect(verifyChain(all).ok).toBe(true);
      });
      it('keeps unicode stream ids, types and payloads exactly', async () => {
        const s = await fresh();
        const stream = 'levy.account-锦绣花园.3栋-1单元-1201-🏠';
        const data = { owner: '张三丰', note: '物业费 𠀋 \u0000 "quoted" \\ \n é e\u0301', emoji: '👨‍👩‍👧', rtl: 'مرحبا' };
        await s.appendToStream(stream, [{ type: '缴费已收', data, meta: { eventId: '缴费-𠀋-1', actor: '李四' } }]);
        const [e] = await collect(s.readStream(stream));
        expect(e!.streamId).toBe(stream);
        expect(e!.type).toBe('缴费已收');
        expect(e!.data).toEqual(data);
        expect(e!.meta.actor).toBe('李四');
        expect((await collect(s.readAll({ filter: { streamPrefix: 'levy.account-锦绣' } }))).length).toBe(1);
        expect(verifyChain([e!]).ok).toBe(true);
      });
      it('stores a 2 MB payload and reads it back whole', async () => {
        const s = await fresh();
        const blob = 'levy-付款-'.repeat(200_000);
        const rows = Array.from({ length: 1000 }, (_, i) => ({ line: i, amount: `${i}.50`, memo: '备注'.repeat(10) }));
        await s.appendToStream('big', [storeTestEvent('blob', { blob, rows })]);
        const [e] = await collect(s.readStream('big'));
        expect(e!.data.blob).toBe(blob);
        expect(e!.data.rows).toEqual(rows);
      });
      it('writes Money and other toJSON values as their JSON form', async () => {
        const s = await fresh();
        await s.appendToStream('m', [storeTestEvent('m1', { amount: Money.of('250.6') })]);
        const [e] = await collect(s.readStream('m'));
        expect(e!.data.amount).toBe('250.60');
      });
    });

    describe('subscriptions', () => {
      it('catches up after the checkpoint, then follows new appends until closed', async () => {
        const s = await fresh();
        await s.appendToStream('a', [storeTestEvent('a0'), storeTestEvent('a1'), storeTestEvent('a2')]);
        const sub = s.subscribeToAll({ checkpoint: 1n });
        const seen: string[] = [];
        const done = (async () => {
          for await (const e of sub) {
            seen.push(`${e.position}:${e.meta.eventId}`);
            if (seen.length === 4) await sub.close();
          }
        })();
        while (seen.length < 2) await tick();
        await s.appendToStream('b', [storeTestEvent('b0')]);
        await s.appendToStream('a', [storeTestEvent('a3')]);
        await done;
        expect(seen).toEqual(['2:a1', '3:a2', '4:b0', '5:a3']);
        await s.appendToStream('a', [storeTestEvent('a4')]);
        expect(await sub[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
      });
      it('starts from the beginning without a checkpoint and honours a filter', async () => {
        const s = await fresh();
        await s.appendToStream('levy.ticket-1', [storeTestEvent('t1')]);
        await s.appendToStream('levy.account-c1.1', [storeTestEvent('c1')]);
        const sub = s.subscribeToAll({ filter: { streamPrefix: 'levy.account-' } });
        const seen: string[] = [];
        const done = (async () => {
          for await (const e of sub) {
            seen.push(e.meta.eventId);
            if (seen.length === 3) break;
          }
        })();
        for (let i = 2; i <= 40; i++) await s.appendToStream('levy.ticket-1', [storeTestEvent(`t${i}`)]);
        await s.appendToStream('levy.account-c1.2', [storeTestEvent('c2')]);
        await s.appendToStream('levy.ticket-1', [storeTestEvent('t41')]);
        await s.appendToStream('levy.account-c1.1', [storeTestEvent('c3')]);
        await done;
        expect(seen).toEqual(['c1', 'c2', 'c3']);
      });
      it('delivers a burst of appends in order without gaps', async () => {
        const s = await fresh();
        const sub = s.subscribeToAll();
        const positions: bigint[] = [];
        const done = (async () => {
          for await (const e of sub) {
            positions.push(e.position);
            if (positions.length === 3000) break;
          }
        })();
        await Promise.all(Array.from({ length: 300 }, (_, i) => s.appendToStream(`s${i % 7}`, Array.from({ length: 10 }, (_, j) => storeTestEvent(`b${i}-${j}`)))));
        await done;
        expect(positions).toEqual(Array.from({ length: 3000 }, (_, i) => BigInt(i + 1)));
      });
      it('ends when the store closes', async () => {
        const s = await open();
        await s.appendToStream('a', [storeTestEvent('a0')]);
        const sub = s.subscribeToAll();
        const seen: string[] = [];
        const done = (async () => {
          for await (const e of sub) seen.push(e.meta.eventId);
        })();
        while (seen.length < 1) await tick();
        await s.close();
        await done;
        expect(seen).toEqual(['a0']);
        expect(await codeOf(s.appendToStream('a', [storeTestEvent('a1')]))).toBe('STORE_CLOSED');
        expect(await codeOf(collect(s.readAll()))).toBe('STORE_CLOSED');
      });
    });

    describe('atomic appends', () => {
      it('never shows a reader half of an append', async () => {
        const s = await fresh();
        const batch = 25;
        const appends = 120;
        let writing = true;
        const writer = (async () => {
          for (let i = 0; i < appends; i++) {
            await s.appendToStream(`w${i % 5}`, Array.from({ length: batch }, (_, j) => storeTestEvent(`w${i}-${j}`, { i, j })));
            await tick();
          }
          writing = false;
        })();
        const snapshots: number[][] = [];
        while (writing) {
          await tick(); // a reader that never yields to the event loop would starve a store that commits on a later tick
          // count events per append as seen by one complete read of all and of one stream
          const counts = new Map<number, number>();
          for await (const e of s.readAll()) {
            counts.set(e.data.i as number, (counts.get(e.data.i as number) ?? 0) + 1);
            if ((e.data.j as number) % 7 === 0) await tick();
          }
          snapshots.push([...counts.values()]);
          try {
            const perStream = new Map<number, number>();
            for await (const e of s.readStream('w3')) {
              perStream.set(e.data.i as number, (perStream.get(e.data.i as number) ?? 0) + 1);
              await tick();
            }
            snapshots.push([...perStream.values()]);
          } catch (e) {
            if (!isStoreError(e, 'STREAM_NOT_FOUND')) throw e;
          }
        }
        await writer;
        expect(snapshots.length).toBeGreaterThan(0);
        for (const counts of snapshots) for (const c of counts) expect(c).toBe(batch);
      });
    });

    describe('hash chain', () => {
      it('seals every event with the previous hash in its stream, the same way sealEvent does', async () => {
        const s = await fresh();
        const a = [storeTestEvent('a0', { x: '1.00' }), storeTestEvent('a1', { x: '2.00' })];
        await s.appendToStream('a', [a[0]!]);
        await s.appendToStream('b', [storeTestEvent('b0')]);
        await s.appendToStream('a', [a[1]!]);
        const [e0, e1] = await collect(s.readStream('a'));
        const s0 = sealEvent('a', 0n, null, a[0]!);
        const s1 = sealEvent('a', 1n, s0.meta.hash, a[1]!);
        expect(e0!.meta).toEqual(s0.meta);
        expect(e1!.meta).toEqual(s1.meta);
        expect(e0!.meta.prevHash).toBeNull();
        expect(e1!.meta.prevHash).toBe(e0!.meta.hash);
        expect(e0!.meta.hash).toMatch(/^[0-9a-f]{64}$/);
      });
      it('replaces chain fields a caller supplies', async () => {
        const s = await fresh();
        await s.appendToStream('a', [{ type: 'T', data: {}, meta: { eventId: 'a0', prevHash: 'forged', hash: 'forged' } }]);
        const [e] = await collect(s.readStream('a'));
        expect(e!.meta.prevHash).toBeNull();
        expect(e!.meta.hash).toBe(sealEvent('a', 0n, null, storeTestEvent('a0', {}, 'T')).meta.hash);
      });
      it('verifies a whole log and reports the first tampered, dropped or reordered event', async () => {
        const s = await fresh();
        for (let i = 0; i < 30; i++) await s.appendToStream(`s${i % 3}`, [storeTestEvent(`e${i}`, { amount: `${i}.00` })]);
        const log = await collect(s.readAll());
        expect(verifyChain(log)).toEqual({ ok: true, count: 30 });
        const edited = log.map((e, i) => (i === 17 ? { ...e, data: { amount: '9999.00' } } : e));
        const v1 = verifyChain(edited);
        expect(v1.ok === false && [v1.at.meta.eventId, v1.code]).toEqual(['e17', 'HASH_MISMATCH']);
        const dropped = log.filter((_, i) => i !== 4);
        const v2 = verifyChain(dropped);
        expect(v2.ok === false && [v2.at.meta.eventId, v2.code]).toEqual(['e7', 'REVISION_GAP']);
        const rehashed = log.map((e, i) => (i === 10 ? { ...e, data: { amount: '0.00' }, meta: { ...e.meta, hash: sealEvent(e.streamId, e.revision, e.meta.prevHash ?? null, { ...e, data: { amount: '0.00' } }).meta.hash } } : e));
        const v3 = verifyChain(rehashed);
        expect(v3.ok === false && [v3.at.meta.eventId, v3.code]).toEqual(['e13', 'PREV_HASH_MISMATCH']);
      });
    });

    describe('model', () => {
      type Op = { readonly stream: number; readonly count: number; readonly expect: 'exact' | 'stale' | 'no-stream' | 'stream-exists' | 'any'; readonly retry: boolean };
      const op: fc.Arbitrary<Op> = fc.record({
        stream: fc.integer({ min: 0, max: 3 }),
        count: fc.integer({ min: 0, max: 4 }),
        expect: fc.constantFrom('exact', 'stale', 'no-stream', 'stream-exists', 'any'),
        retry: fc.boolean(),
      });
      it('matches a reference model on any sequence of appends and retries', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(op, { maxLength: 25, size: 'max' }), async (ops) => {
            const s = await open();
            try {
              const model = new Map<number, number>(); // stream -> last revision
              let position = 0;
              let lastOk: { stream: number; events: NewEvent[]; expected: ExpectedRevision; result: unknown } | undefined;
              let id = 0;
              for (const o of ops) {
                if (o.retry && lastOk !== undefined) {
                  expect(await s.appendToStream(`m${lastOk.stream}`, lastOk.events, { expectedRevision: lastOk.expected })).toEqual({ ...(lastOk.result as object), repeated: true });
                  continue;
                }
                const current = model.get(o.stream) ?? -1;
                const expected: ExpectedRevision = o.expect === 'exact' ? (current >= 0 ? BigInt(current) : 'no-stream') : o.expect === 'stale' ? BigInt(current + 1) : o.expect;
                const events = Array.from({ length: o.count }, () => storeTestEvent(`id-${id++}`));
                const holds = o.expect === 'exact' ? true : o.expect === 'stale' ? false : o.expect === 'no-stream' ? current === -1 : o.expect === 'stream-exists' ? current >= 0 : true;
                const attempt = s.appendToStream(`m${o.stream}`, events, { expectedRevision: expected });
                if (!holds) {
                  expect(await codeOf(attempt)).toBe('CONCURRENCY_CONFLICT');
                  continue;
                }
                const r = await attempt;
                if (o.count > 0) {
                  model.set(o.stream, current + o.count);
                  position += o.count;
                  expect(r).toEqual({ nextExpectedRevision: BigInt(current + o.count), position: BigInt(position) });
                  if (o.expect !== 'stream-exists' && o.expect !== 'any') lastOk = { stream: o.stream, events, expected, result: r };
                } else {
                  expect(r.nextExpectedRevision).toBe(BigInt(current));
                }
              }
              const all = await collect(s.readAll());
              expect(all.length).toBe(position);
              expect(verifyChain(all).ok).toBe(true);
              for (const [stream, last] of model) expect((await collect(s.readStream(`m${stream}`))).length).toBe(last + 1);
            } finally {
              await s.close();
            }
          }),
          { seed: fc.readConfigureGlobal().seed ?? 20251127, numRuns: 40 },
        );
      });
    });

    it('exposes stored events as plain data (streamId, revision, position, type, data, meta)', async () => {
      const s = await fresh();
      await s.appendToStream('a', [storeTestEvent('a0', { k: 'v' }, 'T')]);
      const [e] = await collect(s.readAll());
      const { meta, ...rest } = e as StoredEvent;
      expect(rest).toEqual({ streamId: 'a', revision: 0n, position: 1n, type: 'T', data: { k: 'v' } });
      expect(Object.keys(meta).sort()).toEqual(['eventId', 'hash', 'prevHash']);
    });
  });
};
