import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import {
  type EventStore,
  type LevyCommand,
  LevyError,
  accountOutstanding,
  accountStream,
  communityStream,
  createLevy,
  openMemoryEventStore,
} from '@levy/core';
import { concurrencyConflict } from '@levy/core/engine';
import { CID, adoptSchedule, cmd, meta, registerCommunity, registerUnit } from './community-fixtures.js';
import { runs } from '../../testkit/test/support/properties.js';

const clock = () => '2025-04-01T02:00:00Z';
let ids = 0;
const newId = (p: string) => `${p}-${++ids}`;

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  try {
    for await (const x of it) out.push(x);
  } catch {
    // a missing stream reads as empty here
  }
  return out;
};

const setUp = async (store: EventStore = openMemoryEventStore()) => {
  const levy = createLevy(store, { clock, newId });
  const community = { communityId: CID };
  for (const c of [registerCommunity(), registerUnit('B1-0101'), registerUnit('B1-0102', { areaM2: '120.00' }), adoptSchedule()] as LevyCommand[]) {
    const r = await levy.handle(c, community);
    if (E.isLeft(r)) throw new Error(r.left.message);
  }
  return { store, levy };
};

const pay = (txn: string, amount: string, on = '2025-04-01') => cmd('ReceivePayment', { channel: 'wechat', channelTxnId: txn, amount, receivedOn: on }, meta(on));

describe('a charge issued by hand', () => {
  it("names a schedule version the community adopted and carries its regime and commission", async () => {
    const levy = createLevy(openMemoryEventStore(), { clock, newId });
    const commission = adoptSchedule({ regime: { kind: 'commission', basis: 'percentage', rate: '0.10' } });
    for (const c of [registerCommunity(), registerUnit('B1-0101'), commission] as LevyCommand[]) {
      const r = await levy.handle(c, { communityId: CID });
      if (E.isLeft(r)) throw new Error(r.left.message);
    }
    const unit = { communityId: CID, unitId: 'B1-0101' };
    const charge = (over: Record<string, unknown>) =>
      cmd(
        'IssueCharge',
        {
          feeItemId: 'utilities',
          periodKey: '2025-03',
          periodStart: '2025-03-01',
          periodEnd: '2025-03-31',
          dueDate: '2025-04-15',
          amount: '100.05',
          calculation: { basis: 'metered', quantity: '29.5', unitPrice: '3.39', months: '1', unrounded: '100.005', rounding: 'half-up' },
          scheduleVersion: 1,
          regime: 'commission',
          commission: '10.01',
          ...over,
        },
        meta('2025-04-01'),
      );
    // 包干制 under a 酬金制 schedule would book the owners' money as the company's revenue
    const lump = await levy.handle(charge({ regime: 'lump-sum', commission: '0' }), unit);
    expect(E.isLeft(lump) && [lump.left.code, lump.left.path, lump.left.details]).toEqual(['CHARGE_REGIME_MISMATCH', ['data', 'regime'], { expected: 'commission' }]);
    // 10% of 100.05 is 10.005 → 10.01 (half-up)
    const off = await levy.handle(charge({ commission: '10.00' }), unit);
    expect(E.isLeft(off) && [off.left.code, off.left.path, off.left.details]).toEqual(['COMMISSION_MISMATCH', ['data', 'commission'], { expected: '10.01' }]);
    const unknown = await levy.handle(charge({ scheduleVersion: 7 }), unit);
    expect(E.isLeft(unknown) && [unknown.left.code, unknown.left.path, unknown.left.details]).toEqual(['SCHEDULE_VERSION_UNKNOWN', ['data', 'scheduleVersion'], { scheduleVersion: 7, adopted: [1] }]);
    expect((await levy.readAccount(CID, 'B1-0101')).charges.size).toBe(0);
    const ok = await levy.handle(charge({}), unit);
    expect(E.isRight(ok) && ok.right.events.map((e) => e.type)).toEqual(['ChargeIssued']);
    // its retry is one, as before
    const again = await levy.handle(charge({}), unit);
    expect(E.isRight(again) && again.right.events).toEqual([]);
  });
});

describe('the schedule an account command is decided under', () => {
  it("is the one in force on the day its event is dated: an assessment's asOf, not the day it is booked", async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-06-01T02:00:00Z', newId });
    const v2 = adoptSchedule({ version: 2, publishedOn: '2025-05-01', effectiveFrom: '2025-06-01', penalty: { enabled: true, dailyRate: '0.003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' } }, meta('2025-05-01'));
    for (const c of [registerCommunity(), registerUnit('B1-0101'), adoptSchedule(), v2] as LevyCommand[]) {
      const r = await levy.handle(c, { communityId: CID });
      if (E.isLeft(r)) throw new Error(r.left.message);
    }
    await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    // the nightly batch assesses May 31 on June 1: 250.60 × 0.0003 × 46 days (April 16 to May 31) = 3.45828 → 3.46 at May's rate, not 34.58 at June's
    const r = await levy.handle(cmd('AssessPenalty', { asOf: '2025-05-31' }, meta('2025-06-01')), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isRight(r) && r.right.events.map((e) => [e.type, (e.data as { amount?: string; dailyRate?: string }).amount, (e.data as { dailyRate?: string }).dailyRate])).toEqual([['PenaltyAssessed', '3.46', '0.0003']]);
    // June's days are counted at June's rate: 250.60 × 0.003 × 30 = 22.554 → 22.55
    const later = createLevy(store, { clock: () => '2025-06-30T02:00:00Z', newId });
    const june = await later.handle(cmd('AssessPenalty', { asOf: '2025-06-30' }, meta('2025-06-30')), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isRight(june) && june.right.events.map((e) => [(e.data as { amount?: string }).amount, (e.data as { dailyRate?: string }).dailyRate])).toEqual([['22.55', '0.003']]);
  });
});

describe('createLevy: handle', () => {
  it('appends the decided events to the community stream and reports the new revision', async () => {
    const { store } = await setUp();
    const events = await collect(store.readStream(communityStream(CID)));
    expect(events.map((e) => e.type)).toEqual(['CommunityRegistered', 'UnitRegistered', 'UnitRegistered', 'FeeScheduleAdopted']);
    expect(events[3]?.meta.prevHash).toBe(events[2]?.meta.hash);
  });
  it('decides an account command under the community policy and appends to the unit stream', async () => {
    const { levy, store } = await setUp();
    await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    const r = await levy.handle(pay('T1', '300'), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isRight(r)).toBe(true);
    if (E.isLeft(r)) return;
    expect(r.right.streamId).toBe(accountStream(CID, 'B1-0101'));
    expect(r.right.events.map((e) => e.type)).toEqual(['PaymentReceived']);
    expect(r.right.revision).toBe(1n);
    const account = await levy.readAccount(CID, 'B1-0101');
    expect(account.credit.toString()).toBe('49.40'); // 300.00 − 250.60
    // the same channel transaction again is a no-op
    const again = await levy.handle(pay('T1', '300'), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isRight(again) && again.right.events).toEqual([]);
    expect((await collect(store.readStream(accountStream(CID, 'B1-0101')))).length).toBe(2);
  });
  it('applies credit that a bounced payment left beside the charge it re-opened (ApplyCredit)', async () => {
    const { levy } = await setUp();
    await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    const unit = { communityId: CID, unitId: 'B1-0101' };
    for (const c of [pay('T1', '250.60'), pay('T2', '100'), cmd('ReversePayment', { paymentId: 'wechat-T1', reason: 'bounced' }, meta('2025-04-01'))]) {
      const r = await levy.handle(c, unit);
      if (E.isLeft(r)) throw new Error(r.left.message);
    }
    const before = await levy.readAccount(CID, 'B1-0101');
    expect([before.credit.toString(), accountOutstanding(before).principal.toString()]).toEqual(['100.00', '250.60']);
    const r = await levy.handle(cmd('ApplyCredit', {}, meta('2025-04-01')), unit);
    expect(E.isRight(r) && r.right.events.map((e) => [e.type, (e.data as { amount?: string }).amount])).toEqual([['CreditApplied', '100.00']]);
    const after = await levy.readAccount(CID, 'B1-0101');
    expect([after.credit.toString(), accountOutstanding(after).principal.toString()]).toEqual(['0.00', '150.60']);
    // again: no credit left, nothing appended
    const again = await levy.handle(cmd('ApplyCredit', {}, meta('2025-04-01')), unit);
    expect(E.isRight(again) && again.right.events).toEqual([]);
  });
  it('returns refusals as Lefts, never throwing', async () => {
    const { levy } = await setUp();
    const unknownUnit = await levy.handle(pay('T2', '10'), { communityId: CID, unitId: 'B9-9999' });
    expect(E.isLeft(unknownUnit) && unknownUnit.left.code).toBe('UNIT_NOT_REGISTERED');
    const noUnit = await levy.handle(pay('T2', '10'), { communityId: CID });
    expect(E.isLeft(noUnit) && noUnit.left.code).toBe('TARGET_UNIT_MISSING');
    const badAmount = await levy.handle(pay('T2', '10.005'), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isLeft(badAmount) && badAmount.left).toMatchObject({ code: 'DECODE_FAILED', path: ['data', 'amount'] });
    const otherCommunity = await levy.handle(registerUnit('X1'), { communityId: 'moonlight' });
    expect(E.isLeft(otherCommunity) && otherCommunity.left.code).toBe('COMMUNITY_NOT_REGISTERED');
    const mismatch = await levy.handle(registerCommunity(), { communityId: 'moonlight' });
    expect(E.isLeft(mismatch) && mismatch.left.code).toBe('TARGET_MISMATCH');
  });
  it('refuses a target or a read that names no valid id with TARGET_INVALID at the field, before reading anything', async () => {
    const { levy } = await setUp();
    const any = (x: unknown) => x as never;
    const none = await levy.handle(registerUnit('B1-0103'), any(undefined));
    expect(E.isLeft(none) && none.left).toMatchObject({ code: 'TARGET_INVALID', path: [] });
    const number = await levy.handle(registerUnit('B1-0103'), any({ communityId: 5 }));
    expect(E.isLeft(number) && number.left).toMatchObject({ code: 'TARGET_INVALID', path: ['communityId'], details: { input: 'the number 5' } });
    // a dot would make the account stream's name ambiguous (levy.account-<community>.<unit>)
    const dotted = await levy.handle(pay('T9', '10'), { communityId: CID, unitId: 'B1.0101' });
    expect(E.isLeft(dotted) && dotted.left).toMatchObject({ code: 'TARGET_INVALID', path: ['unitId'] });
    expect(E.isLeft(dotted) && dotted.left.message).toContain('unitId must be an id such as "B1-1203"');
    // a misspelt key is refused at the key, naming the one meant: `unitID` would otherwise send a payment to the community
    const misspelt = await levy.handle(pay('T9', '10'), any({ communityId: CID, unitID: 'B1-0101' }));
    expect(E.isLeft(misspelt) && misspelt.left).toMatchObject({ code: 'TARGET_INVALID', path: ['unitID'], details: { key: 'unitID' } });
    expect(E.isLeft(misspelt) && misspelt.left.message).toContain('(did you mean "unitId"?)');
    const extra = await levy.handle(pay('T9', '10'), any({ communityId: CID, unitId: 'B1-0101', extra: 1 }));
    expect(E.isLeft(extra) && extra.left).toMatchObject({ code: 'TARGET_INVALID', path: ['extra'] });
    const billing = await levy.runBilling('sun rise', '2025-03', meta('2025-04-01'));
    expect(E.isLeft(billing) && billing.left).toMatchObject({ code: 'TARGET_INVALID', path: ['communityId'] });
    const close = await levy.closePeriod('', '2025-Q1', '2025-04-01', meta('2025-04-01'));
    expect(E.isLeft(close) && close.left).toMatchObject({ code: 'TARGET_INVALID', path: ['communityId'] });
    await expect(levy.readAccount(CID, any(null))).rejects.toMatchObject({ code: 'TARGET_INVALID', error: { path: ['unitId'] } });
    await expect(levy.readCommunity('a/b')).rejects.toMatchObject({ code: 'TARGET_INVALID' });
    // a well-formed id of a unit never registered still reads as an empty account
    expect((await levy.readAccount(CID, 'B9-9999')).version).toBe(0);
  });
  it('offers the same through a TaskEither', async () => {
    const { levy } = await setUp();
    const task = levy.handleTE(registerUnit('B1-0103'), { communityId: CID });
    expect(typeof task).toBe('function');
    const r = await task();
    expect(E.isRight(r) && r.right.events[0]?.type).toBe('UnitRegistered');
    const refused = await levy.handleTE(registerUnit('B1-0103', { areaM2: '1.00' }), { communityId: CID })();
    expect(E.isLeft(refused) && refused.left.code).toBe('UNIT_ALREADY_REGISTERED');
  });
});

describe('createLevy: concurrency', () => {
  it('re-reads and decides again when another writer appended first', async () => {
    const inner = openMemoryEventStore();
    const { levy: other } = await setUp(inner);
    await other.runBilling(CID, '2025-03', meta('2025-04-01'));
    let interfered = false;
    const racy: EventStore = {
      ...inner,
      appendToStream: async (streamId, events, options) => {
        if (!interfered && streamId === accountStream(CID, 'B1-0101')) {
          interfered = true;
          // a concurrent writer takes the revision the handler read
          const r = await other.handle(pay('T-other', '100'), { communityId: CID, unitId: 'B1-0101' });
          if (E.isLeft(r)) throw new Error(r.left.message);
        }
        return inner.appendToStream(streamId, events, options);
      },
    };
    const levy = createLevy(racy, { clock, newId });
    const r = await levy.handle(pay('T-mine', '200'), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isRight(r) && r.right.attempts).toBe(2);
    const account = await levy.readAccount(CID, 'B1-0101');
    // both payments landed, allocated against what was owed when each was decided
    expect([...account.payments.keys()].sort()).toEqual(['wechat-T-mine', 'wechat-T-other']);
    expect(account.credit.toString()).toBe('49.40');
  });
  it('takes the same payment notification, decided at once by two instances, as one payment: the later append decides again and appends nothing', async () => {
    const inner = openMemoryEventStore();
    const { levy: first } = await setUp(inner);
    await first.runBilling(CID, '2025-03', meta('2025-04-01'));
    const unit = { communityId: CID, unitId: 'B1-0101' };
    let interfered = false;
    let racer = pay('T1', '300');
    const racy: EventStore = {
      ...inner,
      appendToStream: async (streamId, events, options) => {
        if (!interfered && streamId === accountStream(CID, 'B1-0101')) {
          interfered = true;
          // the channel's second notification reaches the other instance, which books it first
          const r = await first.handle(racer, unit);
          if (E.isLeft(r)) throw new Error(r.left.message);
        }
        return inner.appendToStream(streamId, events, options);
      },
    };
    // a second instance whose clock reads a little later: its event differs in recordedAt
    const second = createLevy(racy, { clock: () => '2025-04-01T02:00:01Z', newId });
    const r = await second.handle(pay('T1', '300'), unit);
    expect(E.isRight(r) && r.right).toMatchObject({ events: [], attempts: 2 });
    const account = await second.readAccount(CID, 'B1-0101');
    expect([...account.payments.keys()]).toEqual(['wechat-T1']);
    expect(account.credit.toString()).toBe('49.40');
    // raced the same way with another amount, the transaction is PAYMENT_CONFLICT once decided again
    interfered = false;
    racer = pay('T2', '300');
    const other = await second.handle(pay('T2', '200'), unit);
    expect(E.isLeft(other) && other.left.code).toBe('PAYMENT_CONFLICT');
    expect((await second.readAccount(CID, 'B1-0101')).payments.get('wechat-T2')?.amount.toString()).toBe('300.00');
  });
  it('gives up after maxRetries with CONCURRENCY_RETRIES_EXHAUSTED', async () => {
    const inner = openMemoryEventStore();
    await setUp(inner);
    let appends = 0;
    const alwaysConflicting: EventStore = {
      ...inner,
      appendToStream: async (streamId) => {
        appends++;
        throw concurrencyConflict(streamId, 0n, 1n);
      },
    };
    const levy = createLevy(alwaysConflicting, { clock, newId, maxRetries: 2 });
    const r = await levy.handle(registerUnit('B1-0109'), { communityId: CID });
    expect(E.isLeft(r) && r.left).toMatchObject({ code: 'CONCURRENCY_RETRIES_EXHAUSTED', details: { attempts: 3 } });
    expect(appends).toBe(3);
  });
  // another process writes to the community stream each time this one is about to append a payment
  const interfered = async (racer: (k: number) => LevyCommand, times: number) => {
    const { store: inner, levy: other } = await setUp();
    await other.runBilling(CID, '2025-03', meta('2025-04-01'));
    let k = 0;
    const busy: EventStore = {
      ...inner,
      appendToStream: async (streamId, events, options) => {
        if (streamId === accountStream(CID, 'B1-0101') && k < times) {
          const r = await other.handle(racer(++k), { communityId: CID });
          if (E.isLeft(r)) throw new Error(r.left.message);
        }
        return inner.appendToStream(streamId, events, options);
      },
    };
    return createLevy(busy, { clock, newId, maxRetries: 2 });
  };
  it('does not count a community move that leaves what the account decision read as it was (units registered in bulk meanwhile)', async () => {
    const levy = await interfered((k) => registerUnit(`B9-${String(k).padStart(4, '0')}`), 8);
    const r = await levy.handle(pay('T1', '300'), { communityId: CID, unitId: 'B1-0101' });
    // eight guard conflicts, each re-read and decided again, none counted against maxRetries 2
    expect(E.isRight(r) && [r.right.events.map((e) => e.type), r.right.attempts]).toEqual([['PaymentReceived'], 9]);
    expect((await levy.readCommunity(CID)).units.size).toBe(2 + 8);
  });
  it('still counts a community move that changes what it read (a new schedule each time): CONCURRENCY_RETRIES_EXHAUSTED', async () => {
    const levy = await interfered((k) => adoptSchedule({ version: k + 1, penalty: { enabled: true, dailyRate: `0.000${k + 1}`, graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' } }), 8);
    const r = await levy.handle(pay('T1', '300'), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isLeft(r) && r.left).toMatchObject({ code: 'CONCURRENCY_RETRIES_EXHAUSTED', details: { attempts: 3 } });
  });
  it('counts every attempt in its refusal, the uncounted ones too (it said "1 attempts" after hundreds)', async () => {
    // three units registered meanwhile (not counted), then a new schedule each time (counted) past maxRetries 2
    let k = 0;
    const levy = await interfered(() => {
      k += 1;
      return k <= 3
        ? registerUnit(`B9-${String(k).padStart(4, '0')}`)
        : adoptSchedule({ version: k, penalty: { enabled: true, dailyRate: `0.000${k}`, graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' } });
    }, 20);
    const r = await levy.handle(pay('T1', '300'), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isLeft(r) && r.left).toMatchObject({ code: 'CONCURRENCY_RETRIES_EXHAUSTED', details: { attempts: 6, uncounted: 3 } });
    expect(E.isLeft(r) && r.left.message).toContain('(6 attempts, 3 of them not counted against maxRetries 2');
  });
  it('refuses a maxRetries outside 0 to 100 and a negative cache size', () => {
    expect(() => createLevy(openMemoryEventStore(), { maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => createLevy(openMemoryEventStore(), { cachedStreams: -1 })).toThrow(/cachedStreams/);
  });
  it('refuses a misspelt option and a clock that is not a function, naming them', () => {
    const refusal = (options: object) => {
      try {
        createLevy(openMemoryEventStore(), options as never);
      } catch (e) {
        return e instanceof LevyError ? { code: e.error.code, path: e.error.path } : String(e);
      }
      return 'no refusal';
    };
    expect(refusal({ maxRetry: 3 })).toEqual({ code: 'OPTIONS_INVALID', path: ['maxRetry'] });
    expect(refusal({ clock: '2025-04-01T02:00:00Z' })).toEqual({ code: 'OPTIONS_INVALID', path: ['clock'] });
    expect(refusal({ newId: 'id' })).toEqual({ code: 'OPTIONS_INVALID', path: ['newId'] });
    expect(refusal({ clock, newId, maxRetries: 0, cachedStreams: 0 })).toBe('no refusal');
  });
  it('decides the same with no state cache at all', async () => {
    const store = openMemoryEventStore();
    await setUp(store);
    const levy = createLevy(store, { clock, newId, cachedStreams: 0 });
    await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    const r = await levy.handle(pay('T1', '300'), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isRight(r) && r.right.revision).toBe(1n);
    expect((await levy.readAccount(CID, 'B1-0101')).credit.toString()).toBe('49.40');
  });
  it('refuses a channel transaction already booked to another unit with PAYMENT_BOOKED_ELSEWHERE, writing nothing', async () => {
    const { levy, store } = await setUp();
    await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    expect(E.isRight(await levy.handle(pay('T1', '300'), { communityId: CID, unitId: 'B1-0101' }))).toBe(true);
    const r = await levy.handle(pay('T1', '300'), { communityId: CID, unitId: 'B1-0102' });
    expect(E.isLeft(r) && r.left).toMatchObject({
      code: 'PAYMENT_BOOKED_ELSEWHERE',
      path: ['data', 'channelTxnId'],
      details: { channel: 'wechat', channelTxnId: 'T1', existingStreamId: accountStream(CID, 'B1-0101') },
    });
    expect(E.isLeft(r) && r.left.message).toContain('wechat transaction T1 is already booked in levy.account-');
    // B1-0102 has its charge only; B1-0101 keeps its payment
    expect((await collect(store.readStream(accountStream(CID, 'B1-0102')))).map((e) => e.type)).toEqual(['ChargeIssued']);
    expect((await levy.readAccount(CID, 'B1-0101')).payments.size).toBe(1);
  });
  it('refuses a channel refund already booked from another unit with REFUND_BOOKED_ELSEWHERE', async () => {
    const { levy } = await setUp();
    const refund = cmd('RefundCredit', { amount: '10.00', channel: 'wechat', channelTxnId: 'wx-r1', refundedOn: '2025-04-01' }, meta('2025-04-01'));
    for (const unitId of ['B1-0101', 'B1-0102']) expect(E.isRight(await levy.handle(pay(`T-${unitId}`, '100', '2025-04-01'), { communityId: CID, unitId }))).toBe(true);
    expect(E.isRight(await levy.handle(refund, { communityId: CID, unitId: 'B1-0101' }))).toBe(true);
    const r = await levy.handle(refund, { communityId: CID, unitId: 'B1-0102' });
    expect(E.isLeft(r) && r.left).toMatchObject({ code: 'REFUND_BOOKED_ELSEWHERE', path: ['data', 'channelTxnId'], details: { existingStreamId: accountStream(CID, 'B1-0101') } });
    expect((await levy.readAccount(CID, 'B1-0102')).credit.toString()).toBe('100.00');
  });
  it('answers a channel refund resent under another refund id as a retry, and another amount as REFUND_CONFLICT, not as a store error', async () => {
    const { levy, store } = await setUp();
    const unit = { communityId: CID, unitId: 'B1-0101' };
    const refund = (refundId: string | undefined, amount: string) =>
      cmd('RefundCredit', { amount, channel: 'wechat', channelTxnId: 'wx-r1', refundedOn: '2025-04-01', ...(refundId === undefined ? {} : { refundId }) }, meta('2025-04-01'));
    expect(E.isRight(await levy.handle(pay('T1', '100', '2025-04-01'), unit))).toBe(true);
    expect(E.isRight(await levy.handle(refund('R1', '10.00'), unit))).toBe(true);
    for (const again of [refund('R2', '10.00'), refund(undefined, '10.00')]) {
      const r = await levy.handle(again, unit);
      expect(E.isRight(r) && r.right.events).toEqual([]);
    }
    const r = await levy.handle(refund('R3', '20.00'), unit);
    expect(E.isLeft(r) && r.left).toMatchObject({ code: 'REFUND_CONFLICT', path: ['data', 'amount'] });
    expect((await collect(store.readStream(accountStream(CID, 'B1-0101')))).filter((e) => e.type === 'CreditRefunded')).toHaveLength(1);
  });
  it("refuses a first close that starts after an account event, which only the account streams know of: PERIOD_CLOSE_OUT_OF_ORDER", async () => {
    const { levy, store } = await setUp();
    // paid ahead in December, before any billing run: the community stream has nothing dated then
    expect(E.isRight(await levy.handle(pay('T-ahead', '300', '2024-12-20'), { communityId: CID, unitId: 'B1-0101' }))).toBe(true);
    const before = (await collect(store.readAll())).length;
    const r = await levy.closePeriod(CID, '2025-Q1', '2025-04-01', meta('2025-04-01'));
    expect(E.isLeft(r) && r.left).toMatchObject({ code: 'PERIOD_CLOSE_OUT_OF_ORDER', path: ['data', 'periodKey'], details: { closeFirst: '2024-Q4', firstDate: '2024-12-20' } });
    expect((await collect(store.readAll())).length).toBe(before);
    // closed in order, from the quarter of the payment, both seal
    expect(E.isRight(await levy.closePeriod(CID, '2024-Q4', '2025-04-01', meta('2025-04-01')))).toBe(true);
    expect(E.isRight(await levy.closePeriod(CID, '2025-Q1', '2025-04-01', meta('2025-04-01')))).toBe(true);
  });
  it('takes a community command retried after its period closed as the retry it is, and refuses anything new dated there: PERIOD_CLOSED', async () => {
    const { levy, store } = await setUp();
    const committeeApproval = { approver: 'Wang', approverRole: 'committee', reference: 'YWH-1', date: '2025-01-05' };
    const retried: LevyCommand[] = [
      registerUnit('B1-0103', { handoverDate: '2025-01-10' }),
      cmd('ChangeUnitArea', { unitId: 'B1-0101', areaM2: '90.00', from: '2025-02-01' }, meta('2025-01-20', { reason: '复测面积' } as never)),
      cmd('ChangeUnitOwner', { unitId: 'B1-0102', owner: { ownerId: 'o-new', name: '李四' }, from: '2025-02-01' }, meta('2025-01-20')),
      cmd('RecordExpenditure', { expenditureId: 'x-1', category: 'elevators', amount: '500', vendor: '迅达电梯', paidOn: '2025-02-12', description: '年检' }, meta('2025-02-12', { approval: committeeApproval } as never)),
      cmd('RunBilling', { periodKey: '2025-02' }, meta('2025-03-01')),
    ] as LevyCommand[];
    for (const c of retried) {
      const r = await levy.handle(c, { communityId: CID });
      expect(E.isRight(r) && r.right.events.length > 0).toBe(true);
    }
    expect(E.isRight(await levy.closePeriod(CID, '2025-Q1', '2025-04-01', meta('2025-04-01')))).toBe(true);
    const before = (await collect(store.readAll())).length;
    // before, each was PERIOD_CLOSED, as if the fact had never been recorded
    for (const c of retried) {
      const r = await levy.handle(c, { communityId: CID });
      expect([c.type, E.isRight(r) ? r.right.events : r.left.code]).toEqual([c.type, []]);
    }
    expect(E.isRight(await levy.closePeriod(CID, '2025-Q1', '2025-04-01', meta('2025-04-01')))).toBe(true);
    // something new dated inside is still refused
    const fresh = await levy.handle(cmd('RecordExpenditure', { expenditureId: 'x-2', category: 'elevators', amount: '500', vendor: '迅达电梯', paidOn: '2025-02-12', description: '年检' }, meta('2025-02-12', { approval: committeeApproval } as never)) as LevyCommand, { communityId: CID });
    expect(E.isLeft(fresh) && fresh.left.code).toBe('PERIOD_CLOSED');
    expect((await collect(store.readAll())).length).toBe(before);
  });
  // two service instances over one store, started together, their clocks reading the same millisecond,
  // with the default newId; B1-0101 has 49.40 in credit (300.00 paid on 250.60 billed)
  const twoInstancesWithCredit = async () => {
    const store = openMemoryEventStore();
    await setUp(store);
    const a = createLevy(store, { clock });
    const b = createLevy(store, { clock });
    await a.runBilling(CID, '2025-03', meta('2025-04-01'));
    const unit = { communityId: CID, unitId: 'B1-0101' };
    expect(E.isRight(await a.handle(pay('T1', '300'), unit))).toBe(true);
    return { a, b, unit };
  };
  it('tells which of two instances deciding one fact at one instant appended it: the other reports no events', async () => {
    const store = openMemoryEventStore();
    await setUp(store);
    // both decide before either appends: each append waits until the other has come to append too
    let waiting: (() => void) | null = null;
    const barrier: EventStore = {
      ...store,
      appendToStream: async (streamId, events, options) => {
        if (streamId === accountStream(CID, 'B1-0101')) {
          if (waiting === null) await new Promise<void>((resolve) => (waiting = resolve));
          else waiting();
        }
        return store.appendToStream(streamId, events, options);
      },
    };
    const [a, b] = [createLevy(barrier, { clock, newId }), createLevy(barrier, { clock, newId })];
    const unit = { communityId: CID, unitId: 'B1-0101' };
    // the same notification to both at once: the same events to the byte, so the store takes the second as a retry
    const [x, y] = await Promise.all([a.handle(pay('T2', '50'), unit), b.handle(pay('T2', '50'), unit)]);
    const reported = [x, y].map((r) => (E.isRight(r) ? r.right.events.length : r.left.code));
    // before, both reported the PaymentReceived, though the store holds one
    expect(reported.sort()).toEqual([0, 1]);
    expect((await a.readAccount(CID, 'B1-0101')).payments.size).toBe(1);
  });
  it('gives facts without a natural key ids no other instance gives, even at the same instant (the default newId)', async () => {
    const { a, b, unit } = await twoInstancesWithCredit();
    const refund = (amount: string) => cmd('RefundCredit', { amount, channel: 'cash', refundedOn: '2025-04-01' }, meta('2025-04-01'));
    const first = await a.handle(refund('10.00'), unit);
    const second = await b.handle(refund('10.00'), unit);
    // each refund is its own fact: neither is taken for a retry of the other
    expect(E.isRight(first) && first.right.events.length).toBe(1);
    expect(E.isRight(second) && second.right.events.length).toBe(1);
    const account = await a.readAccount(CID, 'B1-0101');
    expect(account.refunds.size).toBe(2);
    expect(account.credit.toString()).toBe('29.40');
    // ids stay valid: a prefix, then a UUID
    for (const id of account.refunds.keys()) expect(id).toMatch(/^refund-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it('takes a refund retried with the same command id, by another instance after a lost reply, as the one refund it is', async () => {
    const { a, b, unit } = await twoInstancesWithCredit();
    const refund = cmd('RefundCredit', { amount: '10.00', channel: 'cash', refundedOn: '2025-04-01' }, meta('2025-04-01', { commandId: 'req-2025-0401-17' } as never));
    const first = await a.handle(refund, unit);
    const retry = await b.handle(refund, unit);
    expect(E.isRight(first) && first.right.events.length).toBe(1);
    expect(E.isRight(retry) && retry.right.events.length).toBe(0);
    const account = await a.readAccount(CID, 'B1-0101');
    expect([...account.refunds.keys()]).toEqual(['refund-cmd-req-2025-0401-17']);
    expect(account.credit.toString()).toBe('39.40');
  });
});

describe('createLevy: billing runs', () => {
  it('issues one charge per unit on its account stream, then records the run', async () => {
    const { levy, store } = await setUp();
    const r = await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    expect(E.isRight(r) && r.right).toMatchObject({ planned: 2, issued: 2, completed: { data: { chargeCount: 2, total: '586.60' } } });
    const a = await collect(store.readStream(accountStream(CID, 'B1-0102')));
    expect(a.map((e) => [e.type, e.data.amount])).toEqual([['ChargeIssued', '336.00']]);
  });
  it('issues nothing new when run twice', async () => {
    const { levy, store } = await setUp();
    await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    const before = (await collect(store.readAll())).length;
    const again = await levy.runBilling(CID, '2025-03', meta('2025-04-02'));
    expect(E.isRight(again) && again.right).toMatchObject({ planned: 2, issued: 0, completed: null });
    expect((await collect(store.readAll())).length).toBe(before);
  });
  it('bills a unit registered after the run when the run is repeated, and only that unit', async () => {
    const { levy } = await setUp();
    await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    await levy.handle(registerUnit('B1-0103'), { communityId: CID });
    const again = await levy.runBilling(CID, '2025-03', meta('2025-04-02'));
    expect(E.isRight(again) && again.right).toMatchObject({ planned: 3, issued: 1 });
  });
  it('returns the plan refusal as a Left', async () => {
    const { levy } = await setUp();
    const r = await levy.runBillingTE(CID, '2025-Q1', meta('2025-04-01'))();
    expect(E.isLeft(r) && r.left.code).toBe('BILLING_CYCLE_MISMATCH');
  });
});

describe('createLevy: period closes', () => {
  it('seals the quarter with totals from the account streams and every stream head', async () => {
    const { levy, store } = await setUp();
    await levy.runBilling(CID, '2025-01', meta('2025-02-01'));
    await levy.handle(pay('T1', '100', '2025-02-10'), { communityId: CID, unitId: 'B1-0101' });
    await levy.handle(pay('T9', '50', '2025-04-02'), { communityId: CID, unitId: 'B1-0101' }); // after the quarter: not counted
    const r = await levy.closePeriod(CID, '2025-Q1', '2025-04-01', meta('2025-04-01'));
    expect(E.isRight(r)).toBe(true);
    if (E.isLeft(r)) return;
    const closed = r.right.events[0];
    expect(closed?.type).toBe('PeriodClosed');
    const data = closed?.data as { totals: Record<string, string>; heads: { streamId: string; revision: string; hash: string }[] };
    expect(data.totals).toEqual({ billed: '586.60', collected: '100.00', waived: '0.00', penalties: '0.00', credit: '0.00' });
    const last = (await collect(store.readStream(accountStream(CID, 'B1-0101')))).at(-1)!;
    expect(data.heads).toContainEqual({ streamId: accountStream(CID, 'B1-0101'), revision: last.revision.toString(), hash: last.meta.hash });
    expect(data.heads).toHaveLength(2);
    // afterwards an account event dated in the quarter is refused
    const late = await levy.handle(pay('T3', '10', '2025-03-31'), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isLeft(late) && late.left.code).toBe('PERIOD_CLOSED');
  });
});

describe('createLevy: a close and account commands in one instance', () => {
  // a store that gives way to other work at every event it reads, as a store's I/O does
  const yielding = (inner: EventStore): EventStore => ({
    ...inner,
    readStream: (streamId, options) =>
      (async function* () {
        for await (const e of inner.readStream(streamId, options)) {
          await new Promise((r) => setTimeout(r, 0));
          yield e;
        }
      })(),
  });
  it('lets no account command land between the close reading the heads and sealing them: it is sealed, or refused as closed', async () => {
    const { levy, store } = await setUp(yielding(openMemoryEventStore()));
    await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    const unit = { communityId: CID, unitId: 'B1-0101' };
    // the close starts first; the payments, dated inside the quarter, arrive while it reads the accounts
    const closing = levy.closePeriod(CID, '2025-Q1', '2025-04-01', meta('2025-04-01'));
    const paying: Promise<E.Either<{ code: string }, { revision: bigint }>>[] = [];
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 0));
      paying.push(levy.handle(pay(`T${i}`, '10', '2025-03-31'), unit));
    }
    const closed = await closing;
    expect(E.isRight(closed)).toBe(true);
    const heads = (E.isRight(closed) ? closed.right.events[0]?.data : undefined) as { heads: { streamId: string; revision: string }[] };
    const sealed = BigInt(heads.heads.find((h) => h.streamId === accountStream(CID, 'B1-0101'))!.revision);
    for (const r of await Promise.all(paying)) {
      if (E.isRight(r)) expect(r.right.revision).toBeLessThanOrEqual(sealed);
      else expect(r.left.code).toBe('PERIOD_CLOSED');
    }
    // every payment in the stream is inside the seal
    const revisions = (await collect(store.readStream(accountStream(CID, 'B1-0101')))).filter((e) => e.type === 'PaymentReceived').map((e) => e.revision);
    for (const rev of revisions) expect(rev).toBeLessThanOrEqual(sealed);
  });
  it('seals every payment of the quarter that lands, under any interleaving of payments and the close (property)', async () => {
    const units = ['B1-0101', 'B1-0102'];
    const job = fc.record({ unit: fc.constantFrom(...units), on: fc.constantFrom('2025-03-31', '2025-04-01'), wait: fc.nat({ max: 6 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(job, { minLength: 1, maxLength: 8 }), fc.nat({ max: 6 }), async (jobs, closeWait) => {
        const { levy, store } = await setUp(yielding(openMemoryEventStore()));
        await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
        const ticks = async (n: number) => {
          for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
        };
        const paying = jobs.map(async (j, i) => {
          await ticks(j.wait);
          return levy.handle(pay(`P${i}`, '10', j.on), { communityId: CID, unitId: j.unit });
        });
        const closing = (async () => {
          await ticks(closeWait);
          return levy.closePeriod(CID, '2025-Q1', '2025-04-01', meta('2025-04-01'));
        })();
        const [closed, ...paid] = await Promise.all([closing, ...paying]);
        expect(E.isRight(closed)).toBe(true);
        // a payment is booked, or refused because its day was closed by then: nothing else
        for (const r of paid) if (E.isLeft(r)) expect(r.left.code).toBe('PERIOD_CLOSED');
        const heads = (E.isRight(closed) ? closed.right.events[0]?.data : undefined) as { heads: { streamId: string; revision: string }[] };
        for (const unitId of units) {
          const streamId = accountStream(CID, unitId);
          const sealed = BigInt(heads.heads.find((h) => h.streamId === streamId)?.revision ?? '-1');
          for (const e of await collect(store.readStream(streamId))) {
            if (e.type === 'PaymentReceived' && (e.data as { receivedOn: string }).receivedOn <= '2025-03-31') expect(e.revision).toBeLessThanOrEqual(sealed);
          }
        }
      }),
      { numRuns: runs(25) },
    );
  });
  it('waits for account commands already under way before it reads the heads, so they are sealed', async () => {
    const inner = openMemoryEventStore();
    // the payment's append is held until the close has begun
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding: EventStore = {
      ...inner,
      appendToStream: async (streamId, events, options) => {
        if (events.some((e) => e.type === 'PaymentReceived')) await held;
        return inner.appendToStream(streamId, events, options);
      },
    };
    const { levy } = await setUp(holding);
    await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    const paying = levy.handle(pay('T1', '10', '2025-03-31'), { communityId: CID, unitId: 'B1-0101' });
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0)); // the payment waits at its append
    const closing = levy.closePeriod(CID, '2025-Q1', '2025-04-01', meta('2025-04-01'));
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0)); // long enough for the close to read every head
    release();
    const [paid, closed] = await Promise.all([paying, closing]);
    expect(E.isRight(paid) && paid.right.revision).toBe(2n);
    const data = (E.isRight(closed) ? closed.right.events[0]?.data : undefined) as { heads: { streamId: string; revision: string }[]; totals: { collected: string } };
    expect(data.heads.find((h) => h.streamId === accountStream(CID, 'B1-0101'))?.revision).toBe('2');
    expect(data.totals.collected).toBe('10.00');
  });
});

describe('createLevy: penalties through the community’s today', () => {
  // the clock reads 2025-04-01T02:00Z: April 1, 10:00 in Shanghai, still March 31, 22:00 in New York
  const assess = (asOf: string) => cmd('AssessPenalty', { asOf }, meta(asOf));
  const unit = { communityId: CID, unitId: 'B1-0101' };

  it('assesses as of today in Shanghai, the default zone, and refuses tomorrow', async () => {
    const { levy } = await setUp();
    const today = await levy.handle(assess('2025-04-01'), unit);
    expect(E.isRight(today)).toBe(true);
    const tomorrow = await levy.handle(assess('2025-04-02'), unit);
    expect(E.isLeft(tomorrow) && tomorrow.left).toMatchObject({
      code: 'AS_OF_IN_FUTURE',
      path: ['data', 'asOf'],
      details: { asOf: '2025-04-02', today: '2025-04-01', timeZone: 'Asia/Shanghai' },
    });
  });
  it('reads today in the time zone the community registered', async () => {
    const levy = createLevy(openMemoryEventStore(), { clock, newId });
    for (const c of [cmd('RegisterCommunity', { communityId: CID, name: '纽约小区', timeZone: 'America/New_York' }), registerUnit('B1-0101')] as LevyCommand[]) {
      const r = await levy.handle(c, { communityId: CID });
      if (E.isLeft(r)) throw new Error(r.left.message);
    }
    const today = await levy.handle(assess('2025-03-31'), unit);
    expect(E.isRight(today)).toBe(true);
    const tomorrow = await levy.handle(assess('2025-04-01'), unit);
    expect(E.isLeft(tomorrow) && tomorrow.left).toMatchObject({ code: 'AS_OF_IN_FUTURE', details: { today: '2025-03-31', timeZone: 'America/New_York' } });
  });
});

describe('createLevy: a payment booked after the penalty on its days was assessed', () => {
  // March's 250.60 is due April 15; 100.00 arrives by bank transfer on May 10; June is assessed on June 30.
  // Booked on time, the transfer lowers the base from May 11; booked after the assessment, the same
  // command counts the assessed days again. Either way the account and the sealed quarter must agree.
  const run = async (late: boolean) => {
    let now = '2025-06-30T02:00:00Z';
    const levy = createLevy(openMemoryEventStore(), { clock: () => now, newId });
    for (const c of [registerCommunity(), registerUnit('B1-0101'), adoptSchedule()] as LevyCommand[]) {
      const r = await levy.handle(c, { communityId: CID });
      if (E.isLeft(r)) throw new Error(r.left.message);
    }
    await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    const transfer = pay('BT-0510', '100', '2025-05-10');
    const assess = cmd('AssessPenalty', { asOf: '2025-06-30' }, meta('2025-06-30'));
    const decided: string[] = [];
    for (const c of (late ? [assess, transfer] : [transfer, assess]) as LevyCommand[]) {
      const r = await levy.handle(c, { communityId: CID, unitId: 'B1-0101' });
      if (E.isLeft(r)) throw new Error(r.left.message);
      decided.push(...r.right.events.map((e) => e.type));
    }
    now = '2025-07-01T02:00:00Z';
    for (const q of ['2025-Q1', '2025-Q2']) {
      const r = await levy.closePeriod(CID, q, '2025-07-01', meta('2025-07-01'));
      if (E.isLeft(r)) throw new Error(r.left.message);
      if (q === '2025-Q2') {
        const account = await levy.readAccount(CID, 'B1-0101');
        return { decided, totals: r.right.events[0]!.data as { totals: unknown }, penalty: account.charges.get('property-2025-03')!.outstandingPenalty.toString() };
      }
    }
    throw new Error('unreachable');
  };

  it('leaves the same penalty and seals the same quarter totals as the payment booked on time', async () => {
    const onTime = await run(false);
    const late = await run(true);
    expect(onTime.decided).toEqual(['PaymentReceived', 'PenaltyAssessed']);
    expect(late.decided).toEqual(['PenaltyAssessed', 'PaymentReceived', 'PenaltyAdjusted']);
    // April 16 to May 10 on 250.60 and May 11 to June 30 on 150.60: 1.88 + 2.30 = 4.18 (25 × 0.07518 + 51 × 0.04518, rounded once)
    expect(onTime.penalty).toBe('4.18');
    expect(late.penalty).toBe(onTime.penalty);
    expect(late.totals.totals).toEqual(onTime.totals.totals);
  });
});
