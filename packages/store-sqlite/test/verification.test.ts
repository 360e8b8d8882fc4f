// What the SQLite store's verification must see in a file edited behind its back: verify() gives
// the verdict verifyChain gives on the same events (sealed heads included), verification looks at
// the stored bytes whatever the codec hook hands back, and one bad row refuses what meets it and
// nothing else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type NewEvent, type StoredEvent, decodeEvent, verifyChain } from '@levy/core';
import { type DecodedEvent, type SqliteEventStoreOptions, openSqliteEventStore } from '../src/index.js';
import { collect, storeRefusal as refusal } from '../../testkit/test/support/refusals.js';

const dir = mkdtempSync(join(tmpdir(), 'levy-verify-'));
let n = 0;
const file = (): string => join(dir, `t-${n++}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ev = (eventId: string, data: Record<string, unknown> = {}, type = 'T'): NewEvent => ({ type, data, meta: { eventId } });
// behind the store's back, as someone with the file and sqlite3 would
const edit = (path: string, sql: string): void => {
  const db = new Database(path);
  db.prepare(sql).run();
  db.close();
};

const ACCOUNT = 'levy.account-c1.101';
const COMMUNITY = 'levy.community-c1';

// an account stream of two events, then a close that seals its head (revision 1)
const closedFile = async (): Promise<string> => {
  const path = file();
  const s = await openSqliteEventStore(path);
  await s.appendToStream(ACCOUNT, [ev('a0', { amount: '1.00' }), ev('a1', { amount: '2.00' })]);
  const [head] = await collect(s.readStream(ACCOUNT, { direction: 'backwards', max: 1 }));
  const close = ev('close-2025-q1', { heads: [{ streamId: ACCOUNT, revision: head!.revision.toString(), hash: head!.meta.hash }] }, 'PeriodClosed');
  await s.appendToStream(COMMUNITY, [ev('c0'), close]);
  await s.close();
  return path;
};

describe('verify() gives the verdict verifyChain gives', () => {
  it('finds the last sealed event of an account deleted, which no later link points at (SEALED_HEAD_MISSING)', async () => {
    const path = await closedFile();
    edit(path, "DELETE FROM levy_events WHERE event_id = 'a1'");
    const s = await openSqliteEventStore(path);
    const v = await s.verify();
    expect(v.ok === false && [v.code, v.at.meta.eventId]).toEqual(['SEALED_HEAD_MISSING', 'close-2025-q1']);
    expect(v).toEqual(verifyChain(await collect(s.readAll())));
    await s.close();
  });
  it('finds a sealed event replaced by another at its place (SEALED_HEAD_MISMATCH)', async () => {
    const path = await closedFile();
    edit(path, "DELETE FROM levy_events WHERE event_id = 'a1'");
    const s = await openSqliteEventStore(path);
    // a new event at revision 1, properly chained to revision 0: only the seal tells
    await s.appendToStream(ACCOUNT, [ev('a1-forged', { amount: '0.00' })], { expectedRevision: 0n });
    const v = await s.verify();
    expect(v.ok === false && [v.code, v.at.meta.eventId]).toEqual(['SEALED_HEAD_MISMATCH', 'close-2025-q1']);
    expect(v).toEqual(verifyChain(await collect(s.readAll())));
    await s.close();
  });
  it('accepts the intact file, seals and all, and counts every event', async () => {
    const s = await openSqliteEventStore(await closedFile(), { readPageSize: 1 });
    expect(await s.verify()).toEqual({ ok: true, count: 4 });
    await s.close();
  });
  it('reports a hash column that is not the meta.hash it was written with, at that row, before the next append is blamed', async () => {
    const path = file();
    const s = await openSqliteEventStore(path);
    await s.appendToStream('a', [ev('a0'), ev('a1')]);
    edit(path, `UPDATE levy_events SET hash = '${'f'.repeat(64)}' WHERE position = 2`);
    const v = await s.verify();
    expect(v.ok === false && [v.code, v.at.position, v.count]).toEqual(['HASH_MISMATCH', 2n, 1]);
    expect(v.ok === false && v.reason).toContain('hash column');
    await s.close();
  });
  it('rejects with EVENT_INVALID naming the position for a row that is not an event at all, rather than calling it a verdict', async () => {
    const path = file();
    const s = await openSqliteEventStore(path);
    await s.appendToStream('a', [ev('a0'), ev('a1')]);
    edit(path, "UPDATE levy_events SET data = '{broken' WHERE position = 2");
    expect(await refusal(() => s.verify())).toMatchObject({ code: 'EVENT_INVALID', path: ['position'], details: { position: 2n } });
    await s.close();
  });
});

describe('an edited number', () => {
  const edited = async (data: string, options: SqliteEventStoreOptions = {}) => {
    const path = file();
    const s = await openSqliteEventStore(path, options);
    await s.appendToStream('a', [ev('a0', { n: 1 }), ev('a1', { n: 2 }), ev('a2', { n: 3 })]);
    edit(path, `UPDATE levy_events SET data = '${data}' WHERE position = 2`);
    return s;
  };
  it.each([
    ['a float', '{"n":1.5}'],
    ['an unsafe integer', '{"n":9007199254740993}'],
  ])('is HASH_MISMATCH for %s in verify(), and CHAIN_BROKEN on every verifying read, never a CANONICAL_JSON_NUMBER', async (_what, data) => {
    const s = await edited(data);
    const v = await s.verify();
    expect(v.ok === false && [v.code, v.at.position]).toEqual(['HASH_MISMATCH', 2n]);
    expect(v.ok === false && v.reason).toContain('content no store writes');
    await s.close();
    for (const options of [{ verifyOnRead: true }, { verifyOnRead: true, streamCacheEvents: 0 }]) {
      const r = await edited(data, options);
      const reads = [() => collect(r.readAll()), () => collect(r.readStream('a')), () => collect(r.readStream('a', { direction: 'backwards' }))];
      for (const read of reads) expect(await refusal(read)).toMatchObject({ code: 'CHAIN_BROKEN', details: { position: 2n, break: 'HASH_MISMATCH' } });
      await r.close();
    }
  });
});

describe('backwards reads that verify', () => {
  const deleted = async (revision: number) => {
    const path = file();
    const s = await openSqliteEventStore(path, { verifyOnRead: true });
    await s.appendToStream('a', [ev('a0'), ev('a1'), ev('a2')]);
    edit(path, `DELETE FROM levy_events WHERE stream_id = 'a' AND revision = ${revision}`);
    return s;
  };
  it('find revision 0 deleted, below every event read', async () => {
    const s = await deleted(0);
    expect(await refusal(() => collect(s.readStream('a', { direction: 'backwards' })))).toMatchObject({ code: 'CHAIN_BROKEN', details: { revision: 1n, break: 'REVISION_GAP' } });
    await s.close();
  });
  it('find a row missing just below the window read', async () => {
    const s = await deleted(1);
    expect(await refusal(() => collect(s.readStream('a', { direction: 'backwards', max: 1 })))).toMatchObject({ code: 'CHAIN_BROKEN', details: { revision: 2n, break: 'REVISION_GAP' } });
    await s.close();
  });
  it('still read an intact stream in any window, across pages', async () => {
    const s = await openSqliteEventStore(file(), { verifyOnRead: true, readPageSize: 2 });
    await s.appendToStream('a', [ev('a0'), ev('a1'), ev('a2'), ev('a3'), ev('a4')]);
    expect((await collect(s.readStream('a', { direction: 'backwards' }))).map((e) => e.revision)).toEqual([4n, 3n, 2n, 1n, 0n]);
    expect((await collect(s.readStream('a', { direction: 'backwards', from: 3n, max: 2 }))).map((e) => e.revision)).toEqual([3n, 2n]);
    await s.close();
  });
});

describe('verification and the codec hook', () => {
  // upcasting on read: the Right is a changed copy of the stored event
  const upcast = (e: StoredEvent): DecodedEvent => ({ _tag: 'Right', right: { ...e, data: { ...e.data, upcast: true } } });
  it.each([
    ['with the stream cache', {}],
    ['without the stream cache, in pages of 1', { streamCacheEvents: 0, readPageSize: 1 }],
  ])('checks the chain on the stored event, so a hook that upcasts does not make an intact file look tampered (%s)', async (_what, more) => {
    const path = await closedFile();
    const s = await openSqliteEventStore(path, { verifyOnRead: true, decodeEvent: upcast, ...more });
    expect(await s.verify()).toEqual({ ok: true, count: 4 });
    const reads = [
      await collect(s.readAll()),
      await collect(s.readStream(ACCOUNT)),
      await collect(s.readStream(ACCOUNT)), // served from the cache the first read filled
      await collect(s.readStream(ACCOUNT, { from: 1n })),
      await collect(s.readStream(ACCOUNT, { direction: 'backwards' })),
    ];
    // what is read is the hook's copy
    for (const events of reads) expect(events.every((e) => e.data.upcast === true)).toBe(true);
    const sub = s.subscribeToAll();
    const it = sub[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ data: { upcast: true } });
    await sub.close();
    await s.close();
  });
  it('still finds a tampered event under a hook that upcasts', async () => {
    const path = await closedFile();
    edit(path, `UPDATE levy_events SET data = '{"amount":"9.00"}' WHERE event_id = 'a0'`);
    const s = await openSqliteEventStore(path, { verifyOnRead: true, decodeEvent: upcast });
    expect(await refusal(() => collect(s.readAll()))).toMatchObject({ code: 'CHAIN_BROKEN', details: { eventId: 'a0', break: 'HASH_MISMATCH' } });
    const v = await s.verify();
    expect(v.ok === false && v.code).toBe('HASH_MISMATCH');
    await s.close();
  });
  it("takes core's decodeEvent as the hook as it is: its Right has no placement, so the event stays where it was read", async () => {
    // docs/events.md's current payment
    const payment = {
      type: 'PaymentReceived',
      data: {
        allocations: [{ amount: '150.00', chargeId: 'parking-2025-01', kind: 'principal' }],
        amount: '400.00',
        channel: 'wechat',
        channelTxnId: '4200002025011012345678',
        payer: '张伟',
        paymentId: 'wechat-4200002025011012345678',
        receivedOn: '2025-01-10',
        toCredit: '250.00',
      },
      meta: { actor: { id: 'clerk-07', role: 'clerk' }, effectiveDate: '2025-01-10', eventId: '9d258a35-3e93-8263-afd6-540bc6d7b94c', recordedAt: '2025-01-10T02:00:00Z', schemaVersion: 1 },
    };
    const path = file();
    const writer = await openSqliteEventStore(path);
    await writer.appendToStream('levy.account-sunrise.P-0042', [payment as unknown as NewEvent]);
    await writer.close();
    const s = await openSqliteEventStore(path, { verifyOnRead: true, decodeEvent: decodeEvent as unknown as (e: StoredEvent) => DecodedEvent });
    for (const read of [() => collect(s.readAll()), () => collect(s.readStream('levy.account-sunrise.P-0042'))]) {
      const [e] = await read();
      expect(e).toMatchObject({ streamId: 'levy.account-sunrise.P-0042', revision: 0n, position: 1n, type: 'PaymentReceived', data: { amount: '400.00' } });
    }
    await s.close();
  });
  it('still refuses a Right placed somewhere else', async () => {
    const s = await openSqliteEventStore(file(), { decodeEvent: (e) => ({ _tag: 'Right', right: { ...e, revision: 7n } }) });
    await s.appendToStream('a', [ev('a0')]);
    expect(await refusal(() => collect(s.readAll()))).toMatchObject({ code: 'EVENT_INVALID', path: ['position'] });
    await s.close();
  });
});

describe('a corrupt row an append meets by event id', () => {
  it.each([
    ['not JSON', '{broken'],
    ['a float', '{"n":1.5}'],
    ['not an object', '[1]'],
  ])('refuses that append with EVENT_INVALID at the position (data %s), and the appends committed with it land', async (_what, data) => {
    const path = file();
    const s = await openSqliteEventStore(path);
    await s.appendToStream('a', [ev('a0')]);
    edit(path, `UPDATE levy_events SET data = '${data}' WHERE position = 1`);
    const before = s.stats().commits;
    const [retry, other, third] = await Promise.allSettled([
      // a retry of a0 is looked up, and meets the corrupt row
      s.appendToStream('a', [ev('a0')], { expectedRevision: 'no-stream' }),
      s.appendToStream('b', [ev('b0')], { expectedRevision: 'no-stream' }),
      s.appendToStream('c', [ev('a0')]),
    ]);
    expect(s.stats().commits - before).toBe(1);
    expect(retry.status === 'rejected' && retry.reason).toMatchObject({ code: 'EVENT_INVALID', error: { path: ['position'], details: { position: 1n, eventId: 'a0' } } });
    expect(third.status === 'rejected' && third.reason).toMatchObject({ code: 'EVENT_INVALID' });
    expect(other).toEqual({ status: 'fulfilled', value: { nextExpectedRevision: 0n, position: 2n } });
    expect((await collect(s.readStream('b'))).map((e) => e.meta.eventId)).toEqual(['b0']);
    await s.close();
  });
});

describe('an append after an edited row', () => {
  it("links to its predecessor's meta.hash, not to an edited hash column, so the export still verifies and only verify() names the edit", async () => {
    const path = file();
    const s = await openSqliteEventStore(path);
    await s.appendToStream('a', [ev('a0'), ev('a1')]);
    edit(path, `UPDATE levy_events SET hash = '${'f'.repeat(64)}' WHERE position = 2`);
    await s.appendToStream('a', [ev('a2')], { expectedRevision: 1n });
    const events = await collect(s.readAll());
    expect(events[2]!.meta.prevHash).toBe(events[1]!.meta.hash);
    expect(verifyChain(events)).toEqual({ ok: true, count: 3 });
    const v = await s.verify();
    expect(v.ok === false && [v.code, v.at.position]).toEqual(['HASH_MISMATCH', 2n]);
    await s.close();
  });
  it('refuses an append to a stream whose last row has no readable meta, and commits the others', async () => {
    const path = file();
    const s = await openSqliteEventStore(path);
    await s.appendToStream('a', [ev('a0')]);
    edit(path, "UPDATE levy_events SET meta = '{broken' WHERE position = 1");
    const [onto, other] = await Promise.allSettled([s.appendToStream('a', [ev('a1')]), s.appendToStream('b', [ev('b0')])]);
    expect(onto.status === 'rejected' && onto.reason).toMatchObject({ code: 'EVENT_INVALID', error: { path: ['position'], details: { position: 1n } } });
    expect(other.status).toBe('fulfilled');
    await s.close();
  });
});
