// A correction points at what it corrects (DESIGN.md, principle 3), on the SQLite store: the
// handler asks the file's event-id index (findEvent) where meta.corrects leads, refuses a pointer to
// nothing or to another community's event and appends nothing, and records one to its own
// community's events. findEvent reads a row as any read does: checked, verified, decoded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type CommandMeta, type LevyCommand, type StoredEvent, accountStream, communityStream, createLevy } from '@levy/core';
import { openSqliteEventStore } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'levy-sqlite-corrects-'));
let n = 0;
const file = () => join(dir, `c-${n++}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOWHERE = '00000000-0000-8000-8000-000000000000';
const approval = { approver: '业委会主任 王芳', approverRole: 'committee', reference: 'YWH-2025-009', date: '2025-04-09' } as const;
const meta = (effectiveDate: string, extra: Record<string, unknown> = {}): CommandMeta => ({ actor: { id: 'clerk-1', role: 'clerk' }, effectiveDate, ...extra }) as CommandMeta;
const command = (type: string, data: unknown, m: CommandMeta): LevyCommand => ({ type, data, meta: m }) as LevyCommand;
const register = (communityId: string) => command('RegisterCommunity', { communityId, name: communityId }, meta('2024-12-01'));
const unit = (unitId: string) =>
  command('RegisterUnit', { unitId, building: 'B1', areaM2: '89.50', useType: 'residential', owner: { ownerId: `o-${unitId}`, name: 'Owner' }, handoverDate: '2024-06-01' }, meta('2024-12-01'));
const schedule = command(
  'AdoptFeeSchedule',
  {
    version: 1,
    publishedOn: '2024-12-01',
    effectiveFrom: '2025-01-01',
    billingCycle: 'month',
    dueRule: { kind: 'day-of-next-month', day: 15 },
    items: [{ feeItemId: 'property', name: '物业服务费', pricing: { kind: 'area', byUseType: { residential: '2.80' } }, appliesTo: ['residential'] }],
    penalty: { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' },
    allocation: 'oldest-first',
    regime: { kind: 'lump-sum' },
    managerWaiverLimit: '200',
    installmentGraceDays: 15,
  },
  meta('2024-12-01'),
);
const pay = (txn: string, m: CommandMeta = meta('2025-04-01')) => command('ReceivePayment', { channel: 'wechat', channelTxnId: txn, amount: '100.00', receivedOn: '2025-04-01' }, m);
const cancel = (corrects: string) => command('CancelCharge', { chargeId: 'property-2025-03' }, meta('2025-04-10', { reason: '重复计费', approval, corrects }));

const collect = async (it: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = [];
  for await (const x of it) out.push(x);
  return out;
};

const setUp = async () => {
  const store = await openSqliteEventStore(file());
  const levy = createLevy(store, { clock: () => '2025-04-10T02:00:00Z' });
  const ok = async (r: Promise<{ _tag: string; left?: { message: string } }>) => {
    const x = await r;
    if (x._tag === 'Left') throw new Error(x.left!.message);
  };
  for (const c of [register('sunrise'), unit('B1-0101'), unit('B1-0102'), schedule]) await ok(levy.handle(c, { communityId: 'sunrise' }));
  await ok(levy.runBilling('sunrise', '2025-03', meta('2025-03-01')));
  await ok(levy.handle(pay('T1'), { communityId: 'sunrise', unitId: 'B1-0101' }));
  for (const c of [register('harbour'), unit('H-1')]) await ok(levy.handle(c, { communityId: 'harbour' }));
  await ok(levy.handle(pay('H1'), { communityId: 'harbour', unitId: 'H-1' }));
  const all = await collect(store.readAll());
  const idOf = (streamId: string, type: string) => all.find((e) => e.streamId === streamId && e.type === type)!.meta.eventId;
  return {
    store,
    levy,
    count: async () => (await collect(store.readAll())).length,
    ids: {
      charge: idOf(accountStream('sunrise', 'B1-0101'), 'ChargeIssued'),
      payment: idOf(accountStream('sunrise', 'B1-0101'), 'PaymentReceived'),
      unit: idOf(communityStream('sunrise'), 'UnitRegistered'),
      otherPayment: idOf(accountStream('harbour', 'H-1'), 'PaymentReceived'),
    },
  };
};

describe('meta.corrects through the handler over SQLite', () => {
  it('refuses a pointer to no recorded event (CORRECTED_EVENT_UNKNOWN) or to another community’s (CORRECTED_EVENT_OUTSIDE_COMMUNITY), appending nothing', async () => {
    const { store, levy, count, ids } = await setUp();
    const before = await count();
    const target = { communityId: 'sunrise', unitId: 'B1-0101' };
    expect(await levy.handle(cancel(NOWHERE), target)).toMatchObject({
      _tag: 'Left',
      left: { code: 'CORRECTED_EVENT_UNKNOWN', path: ['meta', 'corrects'], details: { corrects: NOWHERE, communityId: 'sunrise' } },
    });
    expect(await levy.handle(cancel(ids.otherPayment), target)).toMatchObject({
      _tag: 'Left',
      left: { code: 'CORRECTED_EVENT_OUTSIDE_COMMUNITY', path: ['meta', 'corrects'], details: { streamId: accountStream('harbour', 'H-1'), otherCommunityId: 'harbour' } },
    });
    expect(await levy.runBilling('sunrise', '2025-04', meta('2025-04-01', { corrects: ids.otherPayment }))).toMatchObject({ _tag: 'Left', left: { code: 'CORRECTED_EVENT_OUTSIDE_COMMUNITY' } });
    expect(await count()).toBe(before);
    await store.close();
  });

  it('records corrections naming the same unit’s event, another unit’s, and the community stream’s; a repeat appends nothing', async () => {
    const { store, levy, count, ids } = await setUp();
    const own = await levy.handle(cancel(ids.charge), { communityId: 'sunrise', unitId: 'B1-0101' });
    expect(own).toMatchObject({ _tag: 'Right', right: { events: [{ type: 'ChargeCancelled', meta: { corrects: ids.charge } }] } });
    const moved = await levy.handle(pay('T1-moved', meta('2025-04-01', { corrects: ids.payment })), { communityId: 'sunrise', unitId: 'B1-0102' });
    expect(moved).toMatchObject({ _tag: 'Right', right: { events: [{ type: 'PaymentReceived', meta: { corrects: ids.payment } }] } });
    const area = command('ChangeUnitArea', { unitId: 'B1-0102', areaM2: '121.00', from: '2025-04-01' }, meta('2025-04-10', { corrects: ids.unit }));
    expect(await levy.handle(area, { communityId: 'sunrise' })).toMatchObject({ _tag: 'Right', right: { events: [{ type: 'UnitAreaChanged', meta: { corrects: ids.unit } }] } });
    const before = await count();
    expect(await levy.handle(cancel(ids.charge), { communityId: 'sunrise', unitId: 'B1-0101' })).toMatchObject({ _tag: 'Right', right: { events: [] } });
    expect(await levy.handle(area, { communityId: 'sunrise' })).toMatchObject({ _tag: 'Right', right: { events: [] } });
    expect(await count()).toBe(before);
    // the pointer leads where an auditor expects, in the file
    const cancelled = (await collect(store.readStream(accountStream('sunrise', 'B1-0101')))).find((e) => e.type === 'ChargeCancelled')!;
    expect(await store.findEvent(String(cancelled.meta.corrects))).toMatchObject({ streamId: accountStream('sunrise', 'B1-0101'), type: 'ChargeIssued' });
    await store.close();
  });

  it('finds an event another process appended to the file', async () => {
    const { store, ids } = await setUp();
    const path = store.path;
    const second = await openSqliteEventStore(path);
    await second.appendToStream(accountStream('sunrise', 'B1-0102'), [{ type: 'NoteRecorded', data: {}, meta: { eventId: 'note-1' } }]);
    expect(await store.findEvent('note-1')).toMatchObject({ streamId: accountStream('sunrise', 'B1-0102'), revision: 1n });
    expect(await second.findEvent(ids.payment)).toMatchObject({ type: 'PaymentReceived' });
    await second.close();
    await store.close();
  });
});

describe('findEvent on the SQLite store', () => {
  const ev = (eventId: string, data: Record<string, unknown> = { n: 1 }) => ({ type: 'T', data, meta: { eventId } });

  it('reads the row as readStream does, finds nothing for an id it does not hold, and refuses an id that is not a string', async () => {
    const s = await openSqliteEventStore(file());
    await s.appendToStream('a', [ev('a0'), ev('a1', { n: 2 })]);
    expect(await s.findEvent('a1')).toEqual((await collect(s.readStream('a')))[1]);
    expect(await s.findEvent('zz')).toBeUndefined();
    // a lone surrogate is bound as U+FFFD: the id found is compared again, so it finds nothing, as in memory
    await s.appendToStream('b', [ev('x\uFFFD')]);
    expect(await s.findEvent('x\uD800')).toBeUndefined();
    expect(await s.findEvent('x\uFFFD')).toMatchObject({ streamId: 'b' });
    await expect(s.findEvent(null as unknown as string)).rejects.toMatchObject({ code: 'OPTIONS_INVALID', error: { path: ['eventId'] } });
    await s.close();
    await expect(s.findEvent('a0')).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('verifies the row it finds with verifyOnRead, and passes it through the codec hook', async () => {
    const path = file();
    const s = await openSqliteEventStore(path, { verifyOnRead: true, decodeEvent: (e) => ({ _tag: 'Right', right: { ...e, data: { ...e.data, decoded: true } } }) });
    await s.appendToStream('a', [ev('a0'), ev('a1', { n: 2 })]);
    expect(await s.findEvent('a1')).toMatchObject({ data: { n: 2, decoded: true } });
    const db = new Database(path);
    // someone edits a row in place, without the chain
    db.prepare(`UPDATE levy_events SET data = '{"n":9}' WHERE position = 2`).run();
    db.close();
    await expect(s.findEvent('a1')).rejects.toMatchObject({ code: 'CHAIN_BROKEN', error: { details: { eventId: 'a1' } } });
    await s.close();
  });
});
