// Options and ids a store must refuse rather than ignore or garble, for the SQLite store beside the
// in-memory one (they share core's checks, so they refuse alike), and what only the file store has:
// its open options, its path, the codec hook, and ids SQLite cannot keep.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type EventStore, type NewEvent, type StoredEvent, decodeEvent, openMemoryEventStore, upcastEvent } from '@levy/core';
import { type DecodedEvent, openSqliteEventStore } from '../src/index.js';
import { collect, storeRefusal } from '../../testkit/test/support/refusals.js';

const dir = mkdtempSync(join(tmpdir(), 'levy-options-'));
let n = 0;
const file = (): string => join(dir, `t-${n++}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ev = (eventId: string, type = 'T'): NewEvent => ({ type, data: {}, meta: { eventId } });
const refusal = storeRefusal;

const engines: Array<[string, () => Promise<EventStore>]> = [
  ['sqlite', () => openSqliteEventStore(file())],
  ['sqlite (verify on read, no stream cache, pages of 2)', () => openSqliteEventStore(file(), { verifyOnRead: true, streamCacheEvents: 0, readPageSize: 2 })],
  ['in-memory', async () => openMemoryEventStore()],
];

describe.each(engines)('%s: options are checked, never ignored', (_name, open) => {
  const seeded = async (): Promise<EventStore> => {
    const s = await open();
    await s.appendToStream('a', [ev('a0'), ev('a1'), ev('a2')]);
    await s.appendToStream('b', [ev('b0', 'U')]);
    return s;
  };
  const ids = async (s: EventStore): Promise<string[]> => (await collect(s.readAll())).map((e) => e.meta.eventId);

  it('refuses a misspelt append option, an unknown key in a guard, and options that are not an object, writing nothing', async () => {
    const s = await seeded();
    const cases: Array<[unknown, string[]]> = [
      [{ expectedRevison: 'no-stream' }, ['expectedRevison']],
      [{ gaurds: [{ streamId: 'b', expectedRevision: 'no-stream' }] }, ['gaurds']],
      [{ guards: [{ streamId: 'b', expectedRevision: 'no-stream', streamId2: 'c' }] }, ['guards', '0', 'streamId2']],
      [0n, ['options']],
      [null, ['options']],
      [[], ['options']],
      ['no-stream', ['options']],
    ];
    for (const [options, path] of cases) {
      expect(await refusal(() => s.appendToStream('a', [ev('x')], options as never)), JSON.stringify(options, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).toMatchObject({
        code: 'OPTIONS_INVALID',
        path,
      });
    }
    expect(await ids(s)).toEqual(['a0', 'a1', 'a2', 'b0']);
    await s.close();
  });

  it('refuses a stream id, a type or an event id with a lone surrogate, and writes nothing', async () => {
    const s = await open();
    expect(await refusal(() => s.appendToStream('\uD800', [ev('x')]))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['streamId'] });
    expect(await refusal(() => s.appendToStream('\uD801', [ev('y')]))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['streamId'] });
    expect(await refusal(() => s.appendToStream('a', [ev('ok'), ev('x', 'T\uDC00')]))).toMatchObject({ code: 'EVENT_INVALID', path: ['events', '1', 'type'] });
    expect(await refusal(() => s.appendToStream('a', [ev('ok'), ev('x\uD83D')]))).toMatchObject({ code: 'EVENT_INVALID', path: ['events', '1', 'meta', 'eventId'] });
    expect(await refusal(() => collect(s.readStream('\uD800')))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['streamId'] });
    expect(await refusal(() => collect(s.readAll({ filter: { streamPrefix: '\uD800' } })))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['filter', 'streamPrefix'] });
    expect(await ids(s)).toEqual([]);
    // surrogate pairs are text like any other
    await s.appendToStream('levy.account-🏠', [{ type: '缴费😀', data: { note: 'lone \uD800 in data is escaped by JSON' }, meta: { eventId: '𠀋-1' } }]);
    const [e] = await collect(s.readStream('levy.account-🏠'));
    expect([e!.streamId, e!.type, e!.meta.eventId, e!.data.note]).toEqual(['levy.account-🏠', '缴费😀', '𠀋-1', 'lone \uD800 in data is escaped by JSON']);
    await s.close();
  });

  // audit: SQLite stops at U+0000 when it measures a prefix, so 'a\u0000' matched nothing there and 'a…' in memory
  it('refuses U+0000 in a stream id, a guard and a filter prefix, naming the field, and writes nothing', async () => {
    const s = await seeded();
    expect(await refusal(() => s.appendToStream('a\u0000b', [ev('x')]))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['streamId'] });
    expect(await refusal(() => s.appendToStream('a', [ev('x')], { guards: [{ streamId: 'b\u0000', expectedRevision: 0n }] }))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['guards', '0', 'streamId'] });
    expect(await refusal(() => collect(s.readStream('a\u0000')))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['streamId'] });
    expect(await refusal(() => collect(s.readAll({ filter: { streamPrefix: 'a\u0000' } })))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['filter', 'streamPrefix'] });
    expect(await refusal(() => s.subscribeToAll({ filter: { streamPrefix: '\u0000' } }))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['filter', 'streamPrefix'] });
    expect(await ids(s)).toEqual(['a0', 'a1', 'a2', 'b0']);
    // inside data it is a character like any other
    await s.appendToStream('c', [{ type: 'T', data: { note: 'a\u0000b' }, meta: { eventId: 'c0' } }]);
    expect((await collect(s.readStream('c')))[0]!.data.note).toBe('a\u0000b');
    await s.close();
  });

  // audit: the in-memory store rejected with the getter's own RangeError, SQLite with STORE_IO
  it('refuses an event it cannot read (a getter that throws) with EVENT_INVALID at the event, and writes nothing', async () => {
    const s = await seeded();
    const throwing = (where: 'data' | 'meta' | 'event'): NewEvent => {
      const boom = (): never => {
        throw new RangeError('no amount today');
      };
      if (where === 'data') return { type: 'T', data: Object.defineProperty({}, 'amount', { get: boom, enumerable: true }), meta: { eventId: 'x' } };
      if (where === 'meta') return { type: 'T', data: {}, meta: Object.defineProperty({ eventId: 'x' }, 'actor', { get: boom, enumerable: true }) as NewEvent['meta'] };
      return Object.defineProperty({ data: {}, meta: { eventId: 'x' } }, 'type', { get: boom, enumerable: true }) as NewEvent;
    };
    for (const where of ['data', 'meta', 'event'] as const) {
      const e = await refusal(() => s.appendToStream('a', [ev('ok'), throwing(where)]));
      expect(e, where).toMatchObject({ code: 'EVENT_INVALID', path: ['events', '1'], details: { thrown: 'RangeError: no amount today' } });
    }
    expect(await ids(s)).toEqual(['a0', 'a1', 'a2', 'b0']);
    // options it cannot read are a StoreError too, never the getter's own error
    const options = Object.defineProperty({}, 'expectedRevision', { get: () => { throw new RangeError('no revision today'); }, enumerable: true });
    expect(await refusal(() => s.appendToStream('a', [ev('x')], options))).toMatchObject({ code: 'STORE_IO' });
    await s.close();
  });

  it('refuses unknown read and subscribe options instead of answering everything', async () => {
    const s = await seeded();
    const read: Array<[() => unknown, string[]]> = [
      [() => collect(s.readAll({ from: 4n } as never)), ['from']],
      [() => collect(s.readAll({ limit: 1 } as never)), ['limit']],
      [() => collect(s.readAll({ filter: { type: ['Nope'] } } as never)), ['filter', 'type']],
      [() => collect(s.readAll({ filter: { prefix: 'zzz' } } as never)), ['filter', 'prefix']],
      [() => collect(s.readStream('a', { dir: 'backwards' } as never)), ['dir']],
      [() => s.subscribeToAll({ checkPoint: 3n } as never), ['checkPoint']],
      [() => s.subscribeToAll({ filter: { types: ['U'], prefix: 'b' } } as never), ['filter', 'prefix']],
      [() => collect(s.readAll(null as never)), ['options']],
      [() => collect(s.readAll(5 as never)), ['options']],
      [() => collect(s.readStream('a', null as never)), ['options']],
      [() => s.subscribeToAll(null as never), ['options']],
    ];
    for (const [call, path] of read) expect(await refusal(call), JSON.stringify(path)).toMatchObject({ code: 'OPTIONS_INVALID', path });
    await s.close();
  });

  it('refuses a revision or position past what a store can hold at the field, not as a driver failure', async () => {
    const s = await seeded();
    expect(await refusal(() => collect(s.readAll({ fromPosition: 2n ** 64n })))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['fromPosition'] });
    expect(await refusal(() => collect(s.readStream('a', { from: 2n ** 64n })))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['from'] });
    expect(await refusal(() => collect(s.readStream('a', { direction: 'backwards', from: 2n ** 70n })))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['from'] });
    expect(await refusal(() => s.subscribeToAll({ checkpoint: 2n ** 64n }))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['checkpoint'] });
    // the largest a store can hold is a valid place to start
    expect(await collect(s.readAll({ fromPosition: 2n ** 63n - 1n }))).toEqual([]);
    expect(await collect(s.readStream('a', { from: 2n ** 63n - 1n }))).toEqual([]);
    expect((await collect(s.readStream('a', { direction: 'backwards', from: 2n ** 63n - 1n, max: 1 }))).map((e) => e.revision)).toEqual([2n]);
    const sub = s.subscribeToAll({ checkpoint: 2n ** 63n - 2n });
    await sub.close();
    await s.close();
  });
});

describe('sqlite: opening', () => {
  it("refuses open options that are not an object at ['options'] (null, a string, an array, a number), and takes undefined as none", async () => {
    const path = file();
    for (const bad of [null, 'NORMAL', [], 5, new Map([['synchronous', 'NORMAL']])]) {
      expect(await refusal(() => openSqliteEventStore(path, bad as never)), String(bad)).toMatchObject({ code: 'OPTIONS_INVALID', path: ['options'] });
    }
    const s = await openSqliteEventStore(path, undefined);
    await s.close();
  });
  it('suggests the open option a misspelt one meant', async () => {
    expect(await refusal(() => openSqliteEventStore(file(), { verifyOnread: true } as never))).toMatchObject({
      code: 'OPTIONS_INVALID',
      path: ['verifyOnread'],
      message: expect.stringContaining('did you mean "verifyOnRead"?'),
    });
  });
  it("names the directory that does not exist, at ['path']", async () => {
    const missing = join(dir, 'no-such-dir', 'deeper');
    const e = await refusal(() => openSqliteEventStore(join(missing, 'levy.db')));
    expect(e).toMatchObject({ code: 'STORE_IO', path: ['path'], details: { directory: missing } });
    expect((e as { message: string }).message).toContain(JSON.stringify(missing));
    const notDir = file();
    await (await openSqliteEventStore(notDir)).close();
    expect(await refusal(() => openSqliteEventStore(join(notDir, 'levy.db')))).toMatchObject({ code: 'STORE_IO', path: ['path'], details: { directory: notDir } });
  });
});

describe('sqlite: ids SQLite cannot keep', () => {
  // before the fix, '\uD800' was written as bytes that are not UTF-8 and read back as U+FFFD: the
  // hash sealed over the original no longer matched (a false CHAIN_BROKEN), and '\uD800' and
  // '\uD801' read back as one stream id
  it('refuses them before the file sees them, so the file verifies and holds only what was asked', async () => {
    const path = file();
    const s = await openSqliteEventStore(path, { verifyOnRead: true });
    await s.appendToStream('ok', [ev('ok0')]);
    for (const id of ['\uD800', '\uD801']) expect(await refusal(() => s.appendToStream(id, [ev(`e${id}`)]))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['streamId'] });
    expect(await refusal(() => s.appendToStream('ok', [ev('ok1', '\uDFFF')]))).toMatchObject({ code: 'EVENT_INVALID', path: ['events', '0', 'type'] });
    expect(await refusal(() => s.appendToStream('ok', [ev('\uD800')]))).toMatchObject({ code: 'EVENT_INVALID', path: ['events', '0', 'meta', 'eventId'] });
    expect(await s.verify()).toEqual({ ok: true, count: 1 });
    expect((await collect(s.readAll())).map((e) => e.streamId)).toEqual(['ok']);
    await s.close();
    const db = new Database(path, { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM levy_events').get() as { n: number }).n).toBe(1);
    db.close();
  });
});

describe('sqlite: the codec hook', () => {
  const withHook = async (hook: (e: StoredEvent) => unknown): Promise<EventStore> => {
    const s = await openSqliteEventStore(file(), { decodeEvent: hook as (e: StoredEvent) => DecodedEvent });
    await s.appendToStream('a', [ev('a0'), ev('a1', 'Bad')]);
    return s;
  };
  const naming = { position: 2n, streamId: 'a', revision: 1n, eventId: 'a1' };
  const reads = (s: EventStore): Array<() => Promise<unknown>> => [
    () => collect(s.readAll()),
    () => collect(s.readStream('a')),
    () => collect(s.readStream('a', { direction: 'backwards' })),
    async () => {
      const sub = s.subscribeToAll();
      const it = sub[Symbol.asyncIterator]();
      await it.next();
      await it.next();
    },
  ];
  const cases: Array<[string, (e: StoredEvent) => unknown, Record<string, unknown>]> = [
    [
      'throws',
      (e) => {
        if (e.type === 'Bad') throw new TypeError('no codec for Bad');
        return { _tag: 'Right', right: e };
      },
      { thrown: 'no codec for Bad' },
    ],
    ['returns undefined', (e) => (e.type === 'Bad' ? undefined : { _tag: 'Right', right: e }), {}],
    ['returns the event itself, not an Either', (e) => (e.type === 'Bad' ? e : { _tag: 'Right', right: e }), {}],
    ['returns a Left of undefined', (e) => (e.type === 'Bad' ? { _tag: 'Left', left: undefined } : { _tag: 'Right', right: e }), {}],
    ['returns a Left of a string', (e) => (e.type === 'Bad' ? { _tag: 'Left', left: 'bad' } : { _tag: 'Right', right: e }), {}],
    ['returns a Right of undefined', (e) => (e.type === 'Bad' ? { _tag: 'Right', right: undefined } : { _tag: 'Right', right: e }), {}],
    ['returns a Right at another position', (e) => ({ _tag: 'Right', right: e.type === 'Bad' ? { ...e, position: 1n } : e }), {}],
  ];
  it.each(cases)('refuses an event with EVENT_INVALID naming it when the hook %s, on every read', async (_what, hook, more) => {
    const s = await withHook(hook);
    for (const read of reads(s)) {
      const e = await refusal(read);
      expect(e).toMatchObject({ code: 'EVENT_INVALID', path: ['position'], details: { ...naming, ...more } });
      expect((e as { message: string }).message).toContain('"a1"');
    }
    await s.close();
  });
  it("takes a Left's DomainError, or the first of an array of them (core's decodeEvent), and keeps its code", async () => {
    const s = await withHook((e) => (e.type === 'Bad' ? decodeEvent(e) : { _tag: 'Right', right: e }));
    const e = await refusal(() => collect(s.readAll()));
    expect(e).toMatchObject({ code: 'EVENT_INVALID', details: { ...naming, code: expect.any(String) } });
    expect((e as { path: string[] }).path[0]).toBe('position');
    await s.close();
  });
  it("reads a log with an older schema version's events through the hook docs/stores.md gives: upcast, check, hand back the event read", async () => {
    // docs/events.md's version-0 payment, before PaymentReceived had a channel
    const legacy = {
      type: 'PaymentReceived',
      data: { paymentId: 'legacy-BANK20190001', channelTxnId: 'BANK20190001', amount: '300.00', receivedOn: '2019-07-10', allocations: [], toCredit: '300.00' },
      meta: { eventId: '0f3c1d2e-8a7b-8c6d-9e5f-4a3b2c1d0e9f', schemaVersion: 0, effectiveDate: '2019-07-10', recordedAt: '2019-07-10T08:00:00Z', actor: { id: 'importer', role: 'system' } },
    };
    const path = file();
    const writer = await openSqliteEventStore(path);
    await writer.appendToStream('levy.account-c1.u1', [legacy as unknown as NewEvent]);
    await writer.close();
    const plain = await openSqliteEventStore(path, { decodeEvent: decodeEvent as unknown as (e: StoredEvent) => DecodedEvent });
    expect(await refusal(() => collect(plain.readAll()))).toMatchObject({ code: 'EVENT_INVALID' });
    await plain.close();
    const upcastThenCheck = (e: StoredEvent) => {
      const current = upcastEvent(e);
      if (current._tag === 'Left') return current;
      const checked = decodeEvent(current.right);
      return checked._tag === 'Left' ? checked : { _tag: 'Right' as const, right: e };
    };
    const s = await openSqliteEventStore(path, { decodeEvent: upcastThenCheck as (e: StoredEvent) => DecodedEvent });
    expect((await collect(s.readAll())).map((e) => [e.meta.schemaVersion, (e.data as { channel?: string }).channel])).toEqual([[0, undefined]]);
    await s.close();
  });
  it('passes a Right that is a decoded copy of the event', async () => {
    const s = await withHook((e) => ({ _tag: 'Right', right: { ...e, data: { decoded: true } } }));
    expect((await collect(s.readAll())).map((e) => e.data)).toEqual([{ decoded: true }, { decoded: true }]);
    await s.close();
  });
});
