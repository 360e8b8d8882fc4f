// A correction points at what it corrects (DESIGN.md, principle 3): the handler refuses a
// meta.corrects that names no recorded event, or another community's, and appends nothing; a
// correction naming an event of its own community (its unit, another unit, the community stream)
// is recorded with the pointer. On the in-memory store, and on one without findEvent, where the
// handler reads the community's own streams instead.
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import {
  type CommandMeta,
  type EventStore,
  type LevyCommand,
  type StoredEvent,
  accountStream,
  communityStream,
  createLevy,
  openMemoryEventStore,
} from '@levy/core';
import { CID, adoptSchedule, cmd, meta as clerkMeta, registerCommunity, registerUnit } from './community-fixtures.js';

const OTHER = 'harbour';
const clock = () => '2025-04-10T02:00:00Z';
const approval = { approver: '业委会主任 王芳', approverRole: 'committee', reference: 'YWH-2025-009', date: '2025-04-09' } as const;
// a well-formed event id no store in these tests holds
const NOWHERE = '00000000-0000-8000-8000-000000000000';

// an envelope with plain strings in it (corrects, reason, approval), as a caller's JSON has them: the handler decodes them
const meta = (effectiveDate: string, extra: Record<string, unknown> = {}): CommandMeta => clerkMeta(effectiveDate, extra as Partial<CommandMeta>);

const collect = async (it: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = [];
  for await (const x of it) out.push(x);
  return out;
};

const pay = (txn: string, amount: string, m: CommandMeta = meta('2025-04-01')) => cmd('ReceivePayment', { channel: 'wechat', channelTxnId: txn, amount, receivedOn: '2025-04-01' }, m);
const cancel = (chargeId: string, corrects: string) => cmd('CancelCharge', { chargeId }, meta('2025-04-10', { reason: '重复计费', approval, corrects }));

/** the in-memory store as an engine without findEvent would be (an EventStoreDB adapter, say) */
const withoutFindEvent = (): EventStore => {
  const { findEvent: _gone, ...rest } = openMemoryEventStore();
  return rest;
};

const must = async (p: Promise<E.Either<{ message: string }, unknown>>): Promise<void> => {
  const r = await p;
  if (E.isLeft(r)) throw new Error(r.left.message);
};

/** sunrise with two units billed for March and a payment on B1-0101; harbour with one unit and a payment */
const setUp = async (store: EventStore) => {
  let n = 0;
  const levy = createLevy(store, { clock, newId: (p) => `${p}-${++n}` });
  for (const c of [registerCommunity(), registerUnit('B1-0101'), registerUnit('B1-0102'), adoptSchedule()] as LevyCommand[]) await must(levy.handle(c, { communityId: CID }));
  await must(levy.runBilling(CID, '2025-03', meta('2025-03-01')));
  await must(levy.handle(pay('T1', '100.00'), { communityId: CID, unitId: 'B1-0101' }));
  const harbour = cmd('RegisterCommunity', { communityId: OTHER, name: '海港花园' }) as LevyCommand;
  await must(levy.handle(harbour, { communityId: OTHER }));
  await must(levy.handle(registerUnit('H-1') as LevyCommand, { communityId: OTHER }));
  await must(levy.handle(pay('H1', '50.00'), { communityId: OTHER, unitId: 'H-1' }));
  const all = await collect(store.readAll());
  const idOf = (streamId: string, type: string): string => all.find((e) => e.streamId === streamId && e.type === type)!.meta.eventId;
  return {
    levy,
    ids: {
      charge: idOf(accountStream(CID, 'B1-0101'), 'ChargeIssued'),
      payment: idOf(accountStream(CID, 'B1-0101'), 'PaymentReceived'),
      unit: idOf(communityStream(CID), 'UnitRegistered'),
      otherCommunity: idOf(communityStream(OTHER), 'UnitRegistered'),
      otherPayment: idOf(accountStream(OTHER, 'H-1'), 'PaymentReceived'),
    },
  };
};

const count = async (store: EventStore): Promise<number> => (await collect(store.readAll())).length;

describe.each([
  ['the in-memory store', openMemoryEventStore],
  ['a store without findEvent', withoutFindEvent],
])('meta.corrects through the handler, on %s', (_name, open) => {
  it('refuses a correction naming an event id that is not recorded: CORRECTED_EVENT_UNKNOWN at meta.corrects, nothing appended', async () => {
    const store = open();
    const { levy } = await setUp(store);
    const before = await count(store);
    const r = await levy.handle(cancel('property-2025-03', NOWHERE), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isLeft(r) && [r.left.code, r.left.path, r.left.details]).toEqual(['CORRECTED_EVENT_UNKNOWN', ['meta', 'corrects'], { corrects: NOWHERE, communityId: CID }]);
    expect(E.isLeft(r) && r.left.message).toContain(`meta.corrects names event ${NOWHERE}, but no event with that id is recorded in community "sunrise"`);
    // a community command and a billing run are held to the same rule
    const area = cmd('ChangeUnitArea', { unitId: 'B1-0102', areaM2: '121.00', from: '2025-04-01' }, meta('2025-04-10', { corrects: NOWHERE }));
    expect(await levy.handle(area, { communityId: CID })).toMatchObject({ _tag: 'Left', left: { code: 'CORRECTED_EVENT_UNKNOWN', path: ['meta', 'corrects'] } });
    expect(await levy.runBilling(CID, '2025-04', meta('2025-04-01', { corrects: NOWHERE }))).toMatchObject({ _tag: 'Left', left: { code: 'CORRECTED_EVENT_UNKNOWN' } });
    expect(await count(store)).toBe(before);
  });

  it("refuses a correction naming another community's event, and appends nothing", async () => {
    const store = open();
    const { levy, ids } = await setUp(store);
    const before = await count(store);
    const r = await levy.handle(cancel('property-2025-03', ids.otherPayment), { communityId: CID, unitId: 'B1-0101' });
    const area = cmd('ChangeUnitArea', { unitId: 'B1-0102', areaM2: '121.00', from: '2025-04-01' }, meta('2025-04-10', { corrects: ids.otherCommunity }));
    const c = await levy.handle(area, { communityId: CID });
    if (store.findEvent === undefined) {
      // only the community's own streams are read: another community's event is as good as none
      expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['CORRECTED_EVENT_UNKNOWN', ['meta', 'corrects']]);
      expect(E.isLeft(c) && c.left.code).toBe('CORRECTED_EVENT_UNKNOWN');
    } else {
      expect(E.isLeft(r) && [r.left.code, r.left.path, r.left.details]).toEqual([
        'CORRECTED_EVENT_OUTSIDE_COMMUNITY',
        ['meta', 'corrects'],
        { corrects: ids.otherPayment, communityId: CID, streamId: accountStream(OTHER, 'H-1'), type: 'PaymentReceived', otherCommunityId: OTHER },
      ]);
      expect(E.isLeft(r) && r.left.message).toContain(`a PaymentReceived of community "harbour" (levy.account-harbour.H-1), not of community "sunrise"`);
      expect(E.isLeft(c) && [c.left.code, c.left.details?.streamId]).toEqual(['CORRECTED_EVENT_OUTSIDE_COMMUNITY', communityStream(OTHER)]);
    }
    expect(await count(store)).toBe(before);
  });

  it('records a correction naming an event of its own unit, and the pointer leads to it', async () => {
    const store = open();
    const { levy, ids } = await setUp(store);
    const r = await levy.handle(cancel('property-2025-03', ids.charge), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isRight(r) && r.right.events.map((e) => [e.type, e.meta.corrects])).toEqual([['ChargeCancelled', ids.charge]]);
    const stored = (await collect(store.readStream(accountStream(CID, 'B1-0101')))).find((e) => e.type === 'ChargeCancelled')!;
    const corrected = (await collect(store.readAll())).find((e) => e.meta.eventId === stored.meta.corrects)!;
    expect([corrected.streamId, corrected.type]).toEqual([accountStream(CID, 'B1-0101'), 'ChargeIssued']);
  });

  it("records corrections naming the community stream's events and another unit's (a payment booked to the wrong unit)", async () => {
    const store = open();
    const { levy, ids } = await setUp(store);
    // the area registered was wrong: the change names the registration it corrects
    const area = cmd('ChangeUnitArea', { unitId: 'B1-0102', areaM2: '121.00', from: '2025-04-01' }, meta('2025-04-10', { reason: '复测面积', corrects: ids.unit }));
    const a = await levy.handle(area, { communityId: CID });
    expect(E.isRight(a) && a.right.events.map((e) => e.meta.corrects)).toEqual([ids.unit]);
    // an account event may name a community event
    const waiver = cmd('GrantWaiver', { chargeId: 'property-2025-03', kind: 'principal', amount: '10', waiverId: 'w-1' }, meta('2025-04-10', { reason: '面积登记有误', approval, corrects: ids.unit }));
    const w = await levy.handle(waiver, { communityId: CID, unitId: 'B1-0102' });
    expect(E.isRight(w) && w.right.events.map((e) => e.meta.corrects)).toEqual([ids.unit]);
    // T1 was B1-0102's money: booked again there, naming the payment on B1-0101
    const moved = await levy.handle(pay('T1-moved', '100.00', meta('2025-04-01', { corrects: ids.payment })), { communityId: CID, unitId: 'B1-0102' });
    expect(E.isRight(moved) && moved.right.events.map((e) => [e.type, e.meta.corrects])).toEqual([['PaymentReceived', ids.payment]]);
    // and a billing run names what it corrects on its charges and its record
    const run = await levy.runBilling(CID, '2025-04', meta('2025-04-01', { corrects: ids.unit }));
    expect(E.isRight(run) && [run.right.issued, run.right.completed?.meta.corrects]).toEqual([2, ids.unit]);
  });

  it('answers an exact repeat of a correction as a retry: nothing appended, nothing refused', async () => {
    const store = open();
    const { levy, ids } = await setUp(store);
    const target = { communityId: CID, unitId: 'B1-0101' };
    await must(levy.handle(cancel('property-2025-03', ids.charge), target));
    const before = await count(store);
    expect(await levy.handle(cancel('property-2025-03', ids.charge), target)).toMatchObject({ _tag: 'Right', right: { events: [] } });
    expect(await levy.runBilling(CID, '2025-03', meta('2025-03-01'))).toMatchObject({ _tag: 'Right', right: { issued: 0 } });
    expect(await count(store)).toBe(before);
  });

  it('refuses a correction dated in a closed period with PERIOD_CLOSED, before looking for what it names', async () => {
    const store = open();
    const { levy } = await setUp(store);
    await must(levy.closePeriod(CID, '2025-Q1', '2025-04-05', meta('2025-04-05')));
    const late = await levy.handle(pay('T9', '10.00', meta('2025-03-20', { corrects: NOWHERE })), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isLeft(late) && late.left.code).toBe('PERIOD_CLOSED');
  });
});

describe('meta.corrects and a log written before the check', () => {
  it('takes a retry of a correction recorded with a pointer that leads nowhere as the retry it is', async () => {
    const store = openMemoryEventStore();
    // an older handler recorded it: its store is asked nothing (every id "is" in the community)
    const lenient: EventStore = { ...store, findEvent: async (eventId) => ({ streamId: communityStream(CID), revision: 0n, position: 1n, type: 'UnitRegistered', data: {}, meta: { eventId } }) };
    const { levy: old } = await setUp(lenient);
    const target = { communityId: CID, unitId: 'B1-0101' };
    const dangling = pay('T5', '20.00', meta('2025-04-01', { corrects: NOWHERE }));
    await must(old.handle(dangling, target));
    const before = await count(store);
    const levy = createLevy(store, { clock });
    expect(await levy.handle(dangling, target)).toMatchObject({ _tag: 'Right', right: { events: [] } });
    // anything new naming it is refused
    expect(await levy.handle(pay('T6', '20.00', meta('2025-04-01', { corrects: NOWHERE })), target)).toMatchObject({ _tag: 'Left', left: { code: 'CORRECTED_EVENT_UNKNOWN' } });
    expect(await count(store)).toBe(before);
  });
});

describe('findEvent on the in-memory store', () => {
  it('finds an event by id as readStream gives it, nothing for an id it does not hold, and refuses an id that is not a string', async () => {
    const store = openMemoryEventStore();
    await store.appendToStream('a', [{ type: 'T', data: { n: 1 }, meta: { eventId: 'a0' } }]);
    await store.appendToStream('b', [{ type: 'T', data: { n: 2 }, meta: { eventId: 'b0' } }]);
    expect(await store.findEvent!('b0')).toEqual((await collect(store.readStream('b')))[0]);
    expect(await store.findEvent!('c0')).toBeUndefined();
    await expect(store.findEvent!(7 as unknown as string)).rejects.toMatchObject({ code: 'OPTIONS_INVALID', error: { path: ['eventId'] } });
    await store.close();
    await expect(store.findEvent!('a0')).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
