// Bad inputs at the handler's edge: what the clock and newId options return, commands with keys their
// codecs do not declare, and options that are not what createLevy reads. Each is refused with a typed
// error before anything is appended, and the stream still reads afterwards.
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { type EventStore, type LevyCommand, type LevyOptions, LevyError, accountStream, communityStream, createLevy, openMemoryEventStore } from '@levy/core';
import { CID, adoptSchedule, cmd, meta, registerCommunity, registerUnit } from './community-fixtures.js';

const clock = () => '2025-04-01T02:00:00Z';
let ids = 0;
const newId = (p: string) => `${p}-${++ids}`;
const UNIT = { communityId: CID, unitId: 'B1-0101' };

const typesIn = async (store: EventStore, streamId: string): Promise<string[]> => {
  const out: string[] = [];
  try {
    for await (const e of store.readStream(streamId)) out.push(e.type);
  } catch {
    // a missing stream reads as empty here
  }
  return out;
};

/** A registered community with one unit that paid 300.00 on 250.60 billed: 49.40 in credit. */
const withCredit = async (store: EventStore = openMemoryEventStore()) => {
  const levy = createLevy(store, { clock, newId });
  for (const c of [registerCommunity(), registerUnit('B1-0101'), adoptSchedule()] as LevyCommand[]) {
    const r = await levy.handle(c, { communityId: CID });
    if (E.isLeft(r)) throw new Error(r.left.message);
  }
  const billed = await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
  if (E.isLeft(billed)) throw new Error(billed.left.message);
  const paid = await levy.handle(cmd('ReceivePayment', { channel: 'wechat', channelTxnId: 'T1', amount: '300', receivedOn: '2025-04-01' }, meta('2025-04-01')), UNIT);
  if (E.isLeft(paid)) throw new Error(paid.left.message);
  return store;
};

const refusalOf = <T>(r: E.Either<{ code: string; path: readonly string[]; message: string }, T>) => (E.isLeft(r) ? { code: r.left.code, path: r.left.path } : 'accepted');

describe('createLevy: the clock option', () => {
  for (const [what, reading] of [
    ['a date without a time', '2025-04-01'],
    ['an instant without Z', '2025-04-01T02:00:00'],
    ['a day that does not exist', '2025-02-30T02:00:00Z'],
    ['an hour that does not exist', '2025-04-01T24:00:00Z'],
    ['an empty string', ''],
    ['a number (epoch milliseconds)', 1743472800000],
    ['a Date', new Date('2025-04-01T02:00:00Z')],
    ['nothing', undefined],
  ] as const) {
    it(`refuses ${what} with CLOCK_INVALID at clock, writing nothing`, async () => {
      const store = openMemoryEventStore();
      const levy = createLevy(store, { clock: (() => reading) as unknown as () => string, newId });
      const r = await levy.handle(registerCommunity(), { communityId: CID });
      expect(refusalOf(r)).toEqual({ code: 'CLOCK_INVALID', path: ['clock'] });
      expect(E.isLeft(r) && r.left.message).toContain(typeof reading === 'string' ? JSON.stringify(reading) : 'clock');
      expect(await typesIn(store, communityStream(CID))).toEqual([]);
      // the stream is still whole: a handler with a good clock registers the community
      const good = createLevy(store, { clock, newId });
      expect(E.isRight(await good.handle(registerCommunity(), { communityId: CID }))).toBe(true);
      expect((await good.readCommunity(CID)).registered).toBe(true);
    });
  }
  it('refuses an account command under a bad clock, and the account still reads', async () => {
    const store = await withCredit();
    const levy = createLevy(store, { clock: () => '2025-04-01', newId });
    const r = await levy.handle(cmd('ReceivePayment', { channel: 'wechat', channelTxnId: 'T2', amount: '10', receivedOn: '2025-04-01' }, meta('2025-04-01')), UNIT);
    expect(refusalOf(r)).toEqual({ code: 'CLOCK_INVALID', path: ['clock'] });
    expect(await typesIn(store, accountStream(CID, 'B1-0101'))).toEqual(['ChargeIssued', 'PaymentReceived']);
    expect((await createLevy(store, { clock, newId }).readAccount(CID, 'B1-0101')).credit.toString()).toBe('49.40');
  });
  it('refuses a billing run and a close under a bad clock, writing nothing', async () => {
    const store = openMemoryEventStore();
    const good = createLevy(store, { clock, newId });
    for (const c of [registerCommunity(), registerUnit('B1-0101'), adoptSchedule()] as LevyCommand[]) expect(E.isRight(await good.handle(c, { communityId: CID }))).toBe(true);
    const bad = createLevy(store, { clock: () => 'yesterday', newId });
    expect(refusalOf(await bad.runBilling(CID, '2025-03', meta('2025-04-01')))).toEqual({ code: 'CLOCK_INVALID', path: ['clock'] });
    expect(refusalOf(await bad.closePeriod(CID, '2025-Q1', '2025-04-01', meta('2025-04-01')))).toEqual({ code: 'CLOCK_INVALID', path: ['clock'] });
    expect(await typesIn(store, accountStream(CID, 'B1-0101'))).toEqual([]);
    expect(await typesIn(store, communityStream(CID))).toEqual(['CommunityRegistered', 'UnitRegistered', 'FeeScheduleAdopted']);
  });
  it('checks each reading: a clock that goes bad later is refused then, and a good one after it is taken', async () => {
    const readings = ['2025-04-01T02:00:00Z', '2025-04-01T02:00:01', '2025-04-01T02:00:02.5Z'];
    let n = 0;
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => readings[Math.min(n++, readings.length - 1)]!, newId });
    expect(E.isRight(await levy.handle(registerCommunity(), { communityId: CID }))).toBe(true);
    expect(refusalOf(await levy.handle(registerUnit('B1-0101'), { communityId: CID }))).toEqual({ code: 'CLOCK_INVALID', path: ['clock'] });
    expect(E.isRight(await levy.handle(registerUnit('B1-0101'), { communityId: CID }))).toBe(true);
    expect((await levy.readCommunity(CID)).units.size).toBe(1);
  });
});

describe('createLevy: the newId option', () => {
  const refund = (amount: string) => cmd('RefundCredit', { amount, channel: 'cash', refundedOn: '2025-04-01' }, meta('2025-04-01'));
  for (const [what, id] of [
    ['dots and spaces', 'bad.id with spaces'],
    ['an empty id', ''],
    ['an id longer than 64', `refund-${'x'.repeat(60)}`],
    ['an id starting with a dash', '-refund-1'],
    ['a number', 42],
    ['nothing', undefined],
  ] as const) {
    it(`refuses a refund whose fresh id is ${what} with NEW_ID_INVALID at newId, writing nothing`, async () => {
      const store = await withCredit();
      const levy = createLevy(store, { clock, newId: (() => id) as unknown as (p: string) => string });
      const r = await levy.handle(refund('10.00'), UNIT);
      expect(refusalOf(r)).toEqual({ code: 'NEW_ID_INVALID', path: ['newId'] });
      if (typeof id === 'string') expect(E.isLeft(r) && r.left.message).toContain(JSON.stringify(id));
      expect(await typesIn(store, accountStream(CID, 'B1-0101'))).toEqual(['ChargeIssued', 'PaymentReceived']);
      // the account still reads, and a good id source refunds
      const good = createLevy(store, { clock, newId });
      expect((await good.readAccount(CID, 'B1-0101')).credit.toString()).toBe('49.40');
      expect(E.isRight(await good.handle(refund('10.00'), UNIT))).toBe(true);
      expect((await good.readAccount(CID, 'B1-0101')).credit.toString()).toBe('39.40');
    });
  }
  it('refuses a waiver without an id under a bad newId, and asks newId nothing when the command names the id', async () => {
    const store = openMemoryEventStore();
    const good = createLevy(store, { clock, newId });
    for (const c of [registerCommunity(), registerUnit('B1-0101'), adoptSchedule()] as LevyCommand[]) expect(E.isRight(await good.handle(c, { communityId: CID }))).toBe(true);
    expect(E.isRight(await good.runBilling(CID, '2025-03', meta('2025-04-01')))).toBe(true);
    const asked: string[] = [];
    const levy = createLevy(store, {
      clock,
      newId: (p) => {
        asked.push(p);
        return `${p} 1`;
      },
    });
    const approval = { approver: 'Committee chair Wang', approverRole: 'committee', reference: 'YZ-2025-07', date: '2025-04-01' };
    const waive = (data: Record<string, unknown>) =>
      cmd('GrantWaiver', { chargeId: 'property-2025-03', kind: 'principal', amount: '10', ...data }, meta('2025-04-01', { reason: 'hardship', approval } as never));
    const r = await levy.handle(waive({}), UNIT);
    expect(asked).toEqual(['waiver']);
    expect(refusalOf(r)).toEqual({ code: 'NEW_ID_INVALID', path: ['newId'] });
    expect(E.isLeft(r) && r.left.message).toContain('"waiver 1"');
    expect(await typesIn(store, accountStream(CID, 'B1-0101'))).toEqual(['ChargeIssued']);
    // an id the command names needs no fresh one
    expect(E.isRight(await levy.handle(waive({ waiverId: 'w-1' }), UNIT))).toBe(true);
    expect(asked).toEqual(['waiver']);
    expect(await typesIn(store, accountStream(CID, 'B1-0101'))).toEqual(['ChargeIssued', 'WaiverGranted']);
  });
  it('takes ids of every valid shape, and the default newId gives valid ids', async () => {
    const store = await withCredit();
    const levy = createLevy(store, { clock, newId: (p) => `${p}_${'9'.repeat(40)}` });
    expect(E.isRight(await levy.handle(refund('1.00'), UNIT))).toBe(true);
    const defaults = createLevy(store, { clock });
    expect(E.isRight(await defaults.handle(refund('1.00'), UNIT))).toBe(true);
    expect((await defaults.readAccount(CID, 'B1-0101')).refunds.size).toBe(2);
  });
});

describe('createLevy: commands with keys their codecs do not declare', () => {
  const refusal = (r: E.Either<{ code: string; path: readonly string[]; message: string }, unknown>) => (E.isLeft(r) ? { code: r.left.code, path: r.left.path } : 'accepted');
  it('refuses a misspelt meta.commandId (comandId), so a refund sent twice is not refunded twice', async () => {
    const store = await withCredit();
    const levy = createLevy(store, { clock, newId });
    const refund = cmd('RefundCredit', { amount: '10.00', channel: 'cash', refundedOn: '2025-04-01' }, meta('2025-04-01', { comandId: 'r-2' } as never));
    for (let i = 0; i < 2; i++) {
      const r = await levy.handle(refund, UNIT);
      expect(refusal(r)).toEqual({ code: 'DECODE_FAILED', path: ['meta', 'comandId'] });
      expect(E.isLeft(r) && r.left.message).toContain('commandId');
    }
    expect((await levy.readAccount(CID, 'B1-0101')).credit.toString()).toBe('49.40');
  });
  it('refuses misspelt targets (targts) instead of allocating by the default policy', async () => {
    const store = await withCredit();
    const levy = createLevy(store, { clock, newId });
    const pay = cmd('ReceivePayment', { channel: 'wechat', channelTxnId: 'T9', amount: '10', receivedOn: '2025-04-01', targts: [{ chargeId: 'property-2025-03', kind: 'principal', amount: '10' }] }, meta('2025-04-01'));
    expect(refusal(await levy.handle(pay, UNIT))).toEqual({ code: 'DECODE_FAILED', path: ['data', 'targts'] });
    expect(await typesIn(store, accountStream(CID, 'B1-0101'))).toEqual(['ChargeIssued', 'PaymentReceived']);
  });
  it('refuses a misspelt key inside a target', async () => {
    const store = await withCredit();
    const levy = createLevy(store, { clock, newId });
    const pay = cmd('ReceivePayment', { channel: 'wechat', channelTxnId: 'T9', amount: '10', receivedOn: '2025-04-01', targets: [{ chargeId: 'property-2025-03', kind: 'principal', amount: '10', amout: '10' }] }, meta('2025-04-01'));
    expect(refusal(await levy.handle(pay, UNIT))).toEqual({ code: 'DECODE_FAILED', path: ['data', 'targets', '0', 'amout'] });
  });
  it('refuses RegisterCommunity with timezone and closecycle instead of storing the defaults', async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock, newId });
    const r = await levy.handle(cmd('RegisterCommunity', { communityId: CID, name: '阳光小区', timezone: 'Europe/London', closecycle: 'month' }), { communityId: CID });
    expect(refusal(r)).toEqual({ code: 'DECODE_FAILED', path: ['data', 'timezone'] });
    expect(E.isLeft(r) && (r.left.details?.errors as { path: string[] }[]).map((e) => e.path.join('.'))).toEqual(['data.timezone', 'data.closecycle']);
    expect(await typesIn(store, communityStream(CID))).toEqual([]);
  });
  it('refuses a stray top-level key (dryRun)', async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock, newId });
    const r = await levy.handle({ ...registerCommunity(), dryRun: true } as LevyCommand, { communityId: CID });
    expect(refusal(r)).toEqual({ code: 'DECODE_FAILED', path: ['dryRun'] });
    expect(await typesIn(store, communityStream(CID))).toEqual([]);
  });
  it('refuses a billing run whose meta has a key it does not declare', async () => {
    const store = await withCredit();
    const levy = createLevy(store, { clock, newId });
    expect(refusal(await levy.runBilling(CID, '2025-04', { ...meta('2025-05-01'), comandId: 'b-1' } as never))).toEqual({ code: 'DECODE_FAILED', path: ['meta', 'comandId'] });
    expect(await typesIn(store, accountStream(CID, 'B1-0101'))).toEqual(['ChargeIssued', 'PaymentReceived']);
  });
});

describe('createLevy: options that are not what it reads', () => {
  const thrown = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof LevyError ? { code: e.error.code, path: e.error.path } : String(e);
    }
    return 'no refusal';
  };
  it('refuses options that are not an object with OPTIONS_INVALID at options', () => {
    for (const options of [null, 5, 'fast', [], true, () => ({})]) {
      expect(thrown(() => createLevy(openMemoryEventStore(), options as unknown as LevyOptions))).toEqual({ code: 'OPTIONS_INVALID', path: ['options'] });
    }
    expect(thrown(() => createLevy(openMemoryEventStore(), undefined))).toBe('no refusal');
    expect(thrown(() => createLevy(openMemoryEventStore(), {}))).toBe('no refusal');
  });
  it('refuses a store that is not one with OPTIONS_INVALID at store (it failed at the first command, a TypeError)', () => {
    for (const store of [null, undefined, {}, { appendToStream: () => undefined }, 'levy.db']) {
      expect(thrown(() => createLevy(store as unknown as EventStore))).toEqual({ code: 'OPTIONS_INVALID', path: ['store'] });
    }
  });
  it('refuses upcasters that are not a registry, naming the entry at fault', () => {
    const refused = (upcasters: unknown) => thrown(() => createLevy(openMemoryEventStore(), { upcasters } as LevyOptions));
    for (const u of [5, null, 'LEVY', [], () => ({})]) expect(refused(u)).toEqual({ code: 'OPTIONS_INVALID', path: ['upcasters'] });
    expect(refused({ PaymentReceived: 5 })).toEqual({ code: 'OPTIONS_INVALID', path: ['upcasters', 'PaymentReceived'] });
    expect(refused({ PaymentReceived: { 0: 'bank-transfer' } })).toEqual({ code: 'OPTIONS_INVALID', path: ['upcasters', 'PaymentReceived', '0'] });
    expect(refused({ PaymentReceived: { first: (d: object) => d } })).toEqual({ code: 'OPTIONS_INVALID', path: ['upcasters', 'PaymentReceived', 'first'] });
    expect(refused({ PaymentReceived: { 0: (d: object) => d } })).toBe('no refusal');
    expect(refused({})).toBe('no refusal');
  });
  it('refuses null for a number option instead of taking the default', () => {
    expect(thrown(() => createLevy(openMemoryEventStore(), { maxRetries: null } as unknown as LevyOptions))).toEqual({ code: 'OPTIONS_INVALID', path: ['maxRetries'] });
    expect(thrown(() => createLevy(openMemoryEventStore(), { cachedStreams: null } as unknown as LevyOptions))).toEqual({ code: 'OPTIONS_INVALID', path: ['cachedStreams'] });
  });
});
