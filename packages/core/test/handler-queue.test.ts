// commands from one handler to one stream take turns; a community command names no unit
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { type EventStore, type LevyCommand, accountStream, communityStream, createLevy, openMemoryEventStore } from '@levy/core';
import { CID, adoptSchedule, cmd, meta, registerCommunity, registerUnit, collectStream as collect } from './community-fixtures.js';


const community = { communityId: CID };
const unit = { communityId: CID, unitId: 'B1-0101' };
const pay = (txn: string, amount: string, on: string) => cmd('ReceivePayment', { channel: 'wechat', channelTxnId: txn, amount, receivedOn: on }, meta(on));

const setUp = async (store: EventStore, now: string, maxRetries?: number) => {
  const levy = createLevy(store, maxRetries === undefined ? { clock: () => now } : { clock: () => now, maxRetries });
  for (const c of [registerCommunity(), registerUnit('B1-0101'), registerUnit('B1-0102'), adoptSchedule()] as LevyCommand[]) {
    const r = await levy.handle(c, community);
    if (E.isLeft(r)) throw new Error(r.left.message);
  }
  return levy;
};

describe('one handler, many commands to one stream', () => {
  it('books 30 payments to one unit sent at once, each at its first attempt, in the order sent', async () => {
    const store = openMemoryEventStore();
    const levy = await setUp(store, '2025-04-10T02:00:00Z');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => levy.handle(pay(`T${i}`, '10.00', '2025-04-10'), unit)));
    expect(results.map((r) => (E.isLeft(r) ? r.left.code : r.right.attempts))).toEqual(Array.from({ length: 30 }, () => 1));
    const booked = await collect(store.readStream(accountStream(CID, 'B1-0101')));
    expect(booked.map((e) => e.data.channelTxnId)).toEqual(Array.from({ length: 30 }, (_, i) => `T${i}`));
    expect((await levy.readAccount(CID, 'B1-0101')).credit.toString()).toBe('300.00');
  });
  it('books them with no retries allowed at all', async () => {
    const levy = await setUp(openMemoryEventStore(), '2025-04-10T02:00:00Z', 0);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => levy.handle(pay(`T${i}`, '10.00', '2025-04-10'), unit)));
    expect(results.every(E.isRight)).toBe(true);
  });
  it('registers 20 units sent at once to the community stream', async () => {
    const store = openMemoryEventStore();
    const levy = await setUp(store, '2025-04-10T02:00:00Z', 0);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => levy.handle(registerUnit(`C-${i}`), community)));
    expect(results.filter(E.isLeft)).toEqual([]);
    expect((await levy.readCommunity(CID)).units.size).toBe(22);
  });
  it('keeps other streams going while one is busy, and takes commands again once a queue drained', async () => {
    const levy = await setUp(openMemoryEventStore(), '2025-04-10T02:00:00Z', 0);
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => levy.handle(pay(`T${i}`, '1.00', '2025-04-10'), i % 2 === 0 ? unit : { communityId: CID, unitId: 'B1-0102' })),
    );
    expect(burst.every(E.isRight)).toBe(true);
    const later = await levy.handle(pay('T-late', '1.00', '2025-04-10'), unit);
    expect(E.isRight(later) && later.right.revision).toBe(10n);
  });
  it('refuses the command past 10,000 waiting for one stream with STREAM_BUSY, appending nothing for it', async () => {
    const levy = await setUp(openMemoryEventStore(), '2025-04-10T02:00:00Z');
    // an unknown unit: each is refused in its turn, cheaply, so the queue is the thing measured
    const nowhere = { communityId: CID, unitId: 'NOWHERE' };
    const results = await Promise.all(Array.from({ length: 10_001 }, (_, i) => levy.handle(pay(`T${i}`, '1.00', '2025-04-10'), nowhere)));
    const codes = results.map((r) => (E.isLeft(r) ? r.left.code : 'booked'));
    expect(codes.filter((c) => c === 'UNIT_NOT_REGISTERED')).toHaveLength(10_000);
    const busy = results[10_000]!;
    expect(E.isLeft(busy) && [busy.left.code, busy.left.details?.streamId]).toEqual(['STREAM_BUSY', accountStream(CID, 'NOWHERE')]);
    // drained: the stream takes commands again
    const again = await levy.handle(pay('T-again', '1.00', '2025-04-10'), nowhere);
    expect(E.isLeft(again) && again.left.code).toBe('UNIT_NOT_REGISTERED');
  });
});

describe('the close gate with queued commands', () => {
  it('seals the payments sent before a close and refuses those sent after it inside the closed period', async () => {
    const store = openMemoryEventStore();
    const levy = await setUp(store, '2025-04-05T02:00:00Z');
    expect(E.isRight(await levy.runBilling(CID, '2025-03', meta('2025-03-31')))).toBe(true);
    const before = Array.from({ length: 5 }, (_, i) => levy.handle(pay(`A${i}`, '10.00', '2025-03-31'), unit));
    const close = levy.closePeriod(CID, '2025-Q1', '2025-04-05', meta('2025-04-05'));
    const after = Array.from({ length: 5 }, (_, i) => levy.handle(pay(`B${i}`, '10.00', '2025-03-31'), unit));
    const [early, closed, late] = await Promise.all([Promise.all(before), close, Promise.all(after)]);
    expect(early.every(E.isRight)).toBe(true);
    expect(late.map((r) => E.isLeft(r) && r.left.code)).toEqual(Array.from({ length: 5 }, () => 'PERIOD_CLOSED'));
    if (E.isLeft(closed)) throw new Error(closed.left.message);
    const seal = closed.right.events[0]!.data as { totals: { collected: string }; heads: { streamId: string; revision: string }[] };
    expect(seal.totals.collected).toBe('50.00');
    // the charge and the five payments: the head the close sealed is the account's head
    expect(seal.heads.find((h) => h.streamId === accountStream(CID, 'B1-0101'))?.revision).toBe('5');
    expect((await collect(store.readStream(accountStream(CID, 'B1-0101')))).length).toBe(6);
  });
});

describe('a community command sent with a unit', () => {
  it.each([
    ['RegisterUnit', () => registerUnit('B1-0109')],
    ['ClosePeriod', () => cmd('ClosePeriod', { periodKey: '2025-Q1', closedOn: '2025-04-05' }, meta('2025-04-05'))],
    ['ChangeUnitArea', () => cmd('ChangeUnitArea', { unitId: 'B1-0102', areaM2: '100.00', from: '2025-04-01' }, meta('2025-04-01'))],
  ])('is refused (%s) with TARGET_UNIT_UNEXPECTED at unitId, appending nothing', async (_, command) => {
    const store = openMemoryEventStore();
    const levy = await setUp(store, '2025-04-10T02:00:00Z');
    const before = (await collect(store.readAll())).length;
    const r = await levy.handle(command() as LevyCommand, unit);
    expect(E.isLeft(r) && [r.left.code, r.left.path, r.left.details]).toEqual(['TARGET_UNIT_UNEXPECTED', ['unitId'], { unitId: 'B1-0101' }]);
    expect((await collect(store.readAll())).length).toBe(before);
    expect((await collect(store.readStream(communityStream(CID)))).length).toBe(4);
  });
});
