// the in-memory store's own promises; the shared semantics are in testkit's conformance suite
import { describe, expect, it } from 'vitest';
import { type NewEvent, type StoredEvent, isStoreError, openMemoryEventStore, sealEvent, verifyChain } from '@levy/core';

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
      ['a nested Map', { lines: new Map([['water', '1.00']]) }, ['events', '0', 'data', 'lines']],
      ['a nested Set', { when: new Set([1]) }, ['events', '0', 'data', 'when']],
      ['a nested Date', { at: new Date(0) }, ['events', '0', 'data', 'at']],
      ['a nested class instance', { lines: [new Line('water')] }, ['events', '0', 'data', 'lines', '0']],
      ['undefined in an array', { lines: ['1.00', undefined] }, ['events', '0', 'data', 'lines', '1']],
      // eslint-disable-next-line no-sparse-arrays
      ['a gap in an array', { lines: ['1.00', , '2.00'] }, ['events', '0', 'data', 'lines', '1']],
      ['a function', { f: () => 1 }, ['events', '0', 'data', 'f']],
      ['a bigint', { n: 1n }, ['events', '0', 'data', 'n']],
      ['a float', { amount: 1.5 }, ['events', '0', 'data', 'amount']],
      ['infinity', { amount: Number.POSITIVE_INFINITY }, ['events', '0', 'data', 'amount']],
      ['NaN', { amount: Number.NaN }, ['events', '0', 'data', 'amount']],
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
      expect(e.error.path).toEqual(['events', '0', 'meta', 'tags']);
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

// audit: a seed was stored as given (a revision out of place, a Map in data, a forged hash), and
// broke the reads and appends that came after; now it is checked as an append and a read check an event
describe('in-memory store seed', () => {
  // x0, y0, x1 in two streams, as another store's readAll gives them
  const log = async (): Promise<StoredEvent[]> => {
    const a = openMemoryEventStore();
    await a.appendToStream('x', [{ type: 'T', data: { amount: '1.00', lines: [{ fee: 'water' }] }, meta: { eventId: 'x0', actor: 'clerk-1' } }]);
    await a.appendToStream('y', [{ type: 'U', data: {}, meta: { eventId: 'y0' } }]);
    await a.appendToStream('x', [{ type: 'T', data: { amount: '2.00' }, meta: { eventId: 'x1' } }], { expectedRevision: 0n });
    return collect(a.readAll());
  };
  // what opening a store with this seed threw: the StoreError's code, path and details
  const refused = (seed: Iterable<unknown>): { code: string; message: string; path: readonly string[]; details?: Readonly<Record<string, unknown>> } => {
    try {
      openMemoryEventStore({ seed: seed as Iterable<StoredEvent> });
    } catch (e) {
      if (isStoreError(e)) return e.error;
      throw e;
    }
    throw new Error('expected the seed to be refused');
  };
  // an event sealed in place, so only the fault a test puts in it is wrong
  const sealed = (streamId: string, revision: bigint, position: bigint, prevHash: string | null, data: NewEvent['data'], eventId: string): StoredEvent => ({
    ...sealEvent(streamId, revision, prevHash, { type: 'T', data, meta: { eventId } }),
    streamId,
    revision,
    position,
  });

  it('takes a good seed as written: the same events, reads, chain, and appends that continue it', async () => {
    const seed = await log();
    const s = openMemoryEventStore({ seed });
    expect(await collect(s.readAll())).toEqual(seed);
    expect((await collect(s.readStream('x'))).map((e) => e.meta.eventId)).toEqual(['x0', 'x1']);
    expect((await collect(s.readStream('x', { direction: 'backwards', max: 1 })))[0]?.revision).toBe(1n);
    // an exact retry of a seeded append is a no-op; a new fact reusing its id is a conflict
    expect(await s.appendToStream('y', [{ type: 'U', data: {}, meta: { eventId: 'y0' } }], { expectedRevision: 'no-stream' })).toEqual({ nextExpectedRevision: 0n, position: 2n, repeated: true });
    await expect(s.appendToStream('z', [{ type: 'U', data: {}, meta: { eventId: 'y0' } }])).rejects.toSatisfy((e: unknown) => isStoreError(e, 'EVENT_ID_CONFLICT'));
    await s.appendToStream('x', [{ type: 'T', data: {}, meta: { eventId: 'x2' } }], { expectedRevision: 1n });
    const all = await collect(s.readAll());
    expect(all.map((e) => e.position)).toEqual([1n, 2n, 3n, 4n]);
    expect(verifyChain(all)).toEqual({ ok: true, count: 4 });
  });
  it('renumbers positions that increase with gaps (another engine\'s) from 1n, and keeps what it read in frozen copies', async () => {
    const seed = (await log()).map((e, i) => ({ ...e, position: BigInt(10 * i + 7) }));
    const s = openMemoryEventStore({ seed });
    const all = await collect(s.readAll());
    expect(all.map((e) => e.position)).toEqual([1n, 2n, 3n]);
    expect(all.map((e) => e.meta.eventId)).toEqual(['x0', 'y0', 'x1']);
    expect(Object.isFrozen(all[0]!.data.lines)).toBe(true);
  });
  it('refuses a seed event that is not an object, or has a field no store keeps', async () => {
    const [x0] = await log();
    expect(refused([null])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '0'] });
    expect(refused([x0, 'x1'])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '1'] });
    expect(refused([{ ...x0, streamID: 'x' }])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '0', 'streamID'] });
  });
  it('refuses what an append refuses: the stream id, the type, data and meta that are not plain JSON, the event id', async () => {
    const [x0] = (await log()) as [StoredEvent];
    const cases: [string, unknown, readonly string[]][] = [
      ['an empty stream id', { ...x0, streamId: '' }, ['seed', '0', 'streamId']],
      ['a stream id with a lone surrogate', { ...x0, streamId: 'x\uD800' }, ['seed', '0', 'streamId']],
      ['no type', { ...x0, type: '' }, ['seed', '0', 'type']],
      ['a Map as data', { ...x0, data: new Map([['amount', '1.00']]) }, ['seed', '0', 'data']],
      ['a Date in data', { ...x0, data: { at: new Date(0) } }, ['seed', '0', 'data', 'at']],
      ['a float in data', { ...x0, data: { amount: 1.5 } }, ['seed', '0', 'data', 'amount']],
      ['a Set in meta', { ...x0, meta: { ...x0.meta, tags: new Set(['a']) } }, ['seed', '0', 'meta', 'tags']],
      ['meta without an event id', { ...x0, meta: { hash: x0.meta.hash, prevHash: null } }, ['seed', '0', 'meta', 'eventId']],
      ['an event id with a lone surrogate', { ...x0, meta: { ...x0.meta, eventId: '\uDC00x0' } }, ['seed', '0', 'meta', 'eventId']],
    ];
    for (const [what, event, path] of cases) expect(refused([event]), what).toMatchObject({ code: 'EVENT_INVALID', path });
  });
  it('refuses revisions that do not run from 0n in each stream, one by one', async () => {
    const [x0, y0, x1] = (await log()) as [StoredEvent, StoredEvent, StoredEvent];
    expect(refused([{ ...x0, revision: 0 }])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '0', 'revision'] });
    // a stream that starts at 1n (read with from: 1n) would be read back at the wrong revisions
    expect(refused([y0, x1])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '1', 'revision'], details: { streamId: 'x', revision: 1n, expected: 0n } });
    expect(refused([x0, y0, x0])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '2', 'revision'], details: { expected: 1n } });
    expect(refused([x0, y0, { ...x1, revision: 2n }])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '2', 'revision'] });
  });
  it('refuses positions that are not bigints from 1n, or do not increase', async () => {
    const [x0, y0, x1] = (await log()) as [StoredEvent, StoredEvent, StoredEvent];
    expect(refused([{ ...x0, position: 1 }])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '0', 'position'] });
    expect(refused([{ ...x0, position: 0n }])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '0', 'position'] });
    expect(refused([x0, { ...y0, position: 1n }, x1])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '1', 'position'], details: { position: 1n, previous: 1n } });
    expect(refused([y0, x0])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '1', 'position'] });
  });
  it('refuses an event id used twice, naming the second use', async () => {
    const [x0] = (await log()) as [StoredEvent];
    const again = sealed('z', 0n, 5n, null, {}, 'x0');
    expect(refused([x0, again])).toMatchObject({ code: 'EVENT_ID_CONFLICT', path: ['seed', '1', 'meta', 'eventId'], details: { eventId: 'x0', index: 0 } });
  });
  it('refuses a hash chain the store would not have sealed, saying how it broke', async () => {
    const [x0, y0, x1] = (await log()) as [StoredEvent, StoredEvent, StoredEvent];
    const chain = (seed: readonly unknown[]) => {
      const e = refused(seed);
      return { code: e.code, path: e.path, break: e.details?.break };
    };
    expect(chain([{ ...x0, data: { ...x0.data, amount: '9.00' } }])).toEqual({ code: 'CHAIN_BROKEN', path: ['seed', '0', 'meta', 'hash'], break: 'HASH_MISMATCH' });
    const { hash: _h, ...unhashed } = x0.meta;
    expect(chain([{ ...x0, meta: unhashed }])).toEqual({ code: 'CHAIN_BROKEN', path: ['seed', '0', 'meta', 'hash'], break: 'HASH_MISSING' });
    const { prevHash: _p, ...unlinked } = x0.meta;
    expect(chain([{ ...x0, meta: unlinked }])).toEqual({ code: 'CHAIN_BROKEN', path: ['seed', '0', 'meta', 'prevHash'], break: 'PREV_HASH_MISMATCH' });
    // sealed in its own right, but not after x0: it points at a hash that is not x0's
    const detached = sealed('x', 1n, 3n, 'f'.repeat(64), { amount: '2.00' }, 'x1');
    expect(chain([x0, y0, detached])).toEqual({ code: 'CHAIN_BROKEN', path: ['seed', '2', 'meta', 'prevHash'], break: 'PREV_HASH_MISMATCH' });
    // the stream is part of what is sealed: an event moved to another stream no longer matches
    expect(chain([{ ...x1, streamId: 'w', revision: 0n, meta: { ...x1.meta, prevHash: null } }])).toEqual({ code: 'CHAIN_BROKEN', path: ['seed', '0', 'meta', 'hash'], break: 'HASH_MISMATCH' });
  });
  it("refuses a seed missing an account's last events that a PeriodClosed sealed, as verifyChain would", async () => {
    const a = openMemoryEventStore();
    const acct = 'levy.account-c1.u1';
    await a.appendToStream(acct, [0, 1, 2].map((i) => ({ type: 'T', data: { i }, meta: { eventId: `n${i}` } })));
    const [head] = await collect(a.readStream(acct, { direction: 'backwards', max: 1 }));
    await a.appendToStream('levy.community-c1', [{ type: 'PeriodClosed', data: { heads: [{ streamId: acct, revision: head!.revision.toString(), hash: head!.meta.hash }] }, meta: { eventId: 'close-1' } }]);
    const whole = await collect(a.readAll());
    expect(openMemoryEventStore({ seed: whole })).toBeDefined();
    // n2 removed: every link that is left still holds, so only the seal shows it
    const cut = whole.filter((e) => e.meta.eventId !== 'n2');
    expect(verifyChain(cut)).toMatchObject({ ok: false, code: 'SEALED_HEAD_MISSING' });
    const e = refused(cut);
    expect([e.code, e.path, e.details?.break, e.details?.eventId]).toEqual(['CHAIN_BROKEN', ['seed', '2'], 'SEALED_HEAD_MISSING', 'close-1']);
    expect(e.message).toContain('events the close sealed were removed');
  });
  it('opens no store when the last event is bad, and says so when reading the seed fails', async () => {
    const seed = await log();
    expect(refused([...seed, { ...seed[2]!, revision: 5n, position: 9n }])).toMatchObject({ code: 'EVENT_INVALID', path: ['seed', '3', 'revision'] });
    function* failing(): Generator<StoredEvent> {
      yield seed[0]!;
      throw new Error('disk gone');
    }
    expect(refused(failing())).toMatchObject({ code: 'OPTIONS_INVALID', path: ['seed'], message: 'reading the seed failed: disk gone' });
  });
});
