// billing runs through the handler: one turn against closes, nothing appended before every charge is decided,
// re-runs that skip what is billed, and a recorded run that is the one issued
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import {
  type CommandMeta,
  type EventStore,
  type LevyCommand,
  Money,
  accountStream,
  communityStream,
  createLevy,
  openMemoryEventStore,
  planBilling,
} from '@levy/core';
import { CID, adoptSchedule, cmd, meta, registerCommunity, registerUnit, collectStream as collect } from './community-fixtures.js';


const community = { communityId: CID };

/** A memory store that calls `hook` once, right after the next account append (a run's first charge). */
const hookedStore = () => {
  const base = openMemoryEventStore();
  let hook: (() => Promise<void> | void) | undefined;
  const store: EventStore = {
    ...base,
    supportsGuards: base.supportsGuards,
    readStream: base.readStream.bind(base),
    readAll: base.readAll.bind(base),
    appendToStream: async (streamId, events, options) => {
      const r = await base.appendToStream(streamId, events, options);
      if (streamId.startsWith('levy.account-') && hook !== undefined) {
        const f = hook;
        hook = undefined;
        await f();
      }
      return r;
    },
  };
  return { base, store, onFirstCharge: (f: () => Promise<void> | void) => (hook = f) };
};

const setUp = async (levy: ReturnType<typeof createLevy>, units: readonly (readonly [string, string])[]) => {
  for (const c of [registerCommunity(), ...units.map(([unitId, areaM2]) => registerUnit(unitId, { areaM2 })), adoptSchedule()] as LevyCommand[]) {
    const r = await levy.handle(c, community);
    if (E.isLeft(r)) throw new Error(`${r.left.code} ${r.left.message}`);
  }
};

/** The charges on a unit's account: [chargeId, amount]. */
const chargesOf = async (store: EventStore, unitId: string) =>
  (await collect(store.readStream(accountStream(CID, unitId)))).filter((e) => e.type === 'ChargeIssued').map((e) => [e.data.chargeId, e.data.amount] as [string, string]);

const sumOf = (amounts: readonly string[]): string => amounts.reduce((t, a) => t.add(Money.of(a)), Money.zero()).toString();

const manager = (date: string): CommandMeta =>
  meta(date, { reason: '复测面积', approval: { approver: '经理 李明', approverRole: 'manager', reference: 'R-1', date } } as Partial<CommandMeta>);

describe('a billing run and a close sent to one handler', () => {
  it.each(['2025-03-31', '2025-04-01'])('lets a close sent during the run (dated %s) wait for the whole run, then seals every charge', async (billedOn) => {
    const { store, onFirstCharge } = hookedStore();
    const levy = createLevy(store, { clock: () => '2025-04-05T02:00:00Z' });
    const units = ['B1-0101', 'B1-0102', 'B1-0103', 'B1-0104'];
    await setUp(
      levy,
      units.map((u) => [u, '89.50'] as const),
    );
    let close: ReturnType<typeof levy.closePeriod> | undefined;
    onFirstCharge(() => {
      close = levy.closePeriod(CID, '2025-Q1', '2025-04-05', meta('2025-04-05'));
    });
    const run = await levy.runBilling(CID, '2025-03', meta(billedOn));
    const closed = await close;
    expect(E.isRight(run) && run.right).toMatchObject({ planned: 4, issued: 4, alreadyIssued: 0, completed: { data: { chargeCount: 4, total: '1002.40' } } });
    expect(closed !== undefined && E.isRight(closed)).toBe(true);
    for (const u of units) expect(await chargesOf(store, u)).toEqual([['property-2025-03', '250.60']]);
    const log = await collect(store.readStream(communityStream(CID)));
    expect(log.slice(-2).map((e) => e.type)).toEqual(['BillingRunCompleted', 'PeriodClosed']);
    // the seal holds every charge of the run: billed in March, and each account's head
    const seal = log[log.length - 1]!.data as { totals: { billed: string }; heads: { streamId: string; revision: string }[] };
    expect(seal.totals.billed).toBe(billedOn === '2025-03-31' ? '1002.40' : '0.00');
    expect(seal.heads.map((h) => [h.streamId, h.revision])).toEqual(units.map((u) => [accountStream(CID, u), '0']));
  });
  it('refuses a run that comes while a close is under way as a whole, once the close has sealed the period', async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-04-05T02:00:00Z' });
    await setUp(levy, [
      ['B1-0101', '89.50'],
      ['B1-0102', '120.00'],
    ]);
    const close = levy.closePeriod(CID, '2025-Q1', '2025-04-05', meta('2025-04-05'));
    const run = await levy.runBilling(CID, '2025-03', meta('2025-03-31'));
    expect(E.isRight(await close)).toBe(true);
    expect(E.isLeft(run) && run.left.code).toBe('PERIOD_CLOSED');
    for (const u of ['B1-0101', 'B1-0102']) expect(await chargesOf(store, u)).toEqual([]);
  });
});

describe('a billing run decides every charge before it appends any', () => {
  it('appends nothing when one account refuses its charge, even one that sorts after others', async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z' });
    await setUp(levy, [
      ['B1-0101', '89.50'],
      ['B1-0102', '120.00'],
    ]);
    // B1-0102's account is full: 10,000 charges (account.ts, MAX_CHARGES), written by hand
    const plan = planBilling(await levy.readCommunity(CID), '2025-02', meta('2025-03-01'), { now: '2025-03-01T02:00:00Z' as never });
    if (E.isLeft(plan)) throw new Error(plan.left.message);
    const template = plan.right.charges.find((c) => c.unitId === 'B1-0102')!.command;
    const filler = createLevy(store, { clock: () => '2025-03-01T02:00:00Z' });
    for (let i = 0; i < 10_000; i++) {
      const r = await filler.handle({ ...template, data: { ...template.data, chargeId: `manual-${i}` } } as LevyCommand, { communityId: CID, unitId: 'B1-0102' });
      if (E.isLeft(r)) throw new Error(r.left.message);
    }
    const before = (await collect(store.readAll())).length;
    const run = await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    expect(E.isLeft(run) && [run.left.code, run.left.path]).toEqual(['ACCOUNT_CHARGES_LIMIT', ['units', 'B1-0102', 'items', 'property', 'data']]);
    expect((await collect(store.readAll())).length).toBe(before);
    expect(await chargesOf(store, 'B1-0101')).toEqual([]);
  }, 60_000);
});

describe('a billing run repeated after units changed', () => {
  const twoUnitsBilled = async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-03-20T02:00:00Z' });
    await setUp(levy, [
      ['M', '89.50'],
      ['Z', '50.00'],
    ]);
    const first = await levy.runBilling(CID, '2025-03', meta('2025-03-01'));
    expect(E.isRight(first) && first.right).toMatchObject({ planned: 2, issued: 2, alreadyIssued: 0, differing: [] });
    return { store, levy };
  };

  it('bills the units registered since, skips one remeasured since and names it, and records no second run', async () => {
    const { store, levy } = await twoUnitsBilled();
    const changed = await levy.handle(cmd('ChangeUnitArea', { unitId: 'Z', areaM2: '55.00', from: '2025-03-01' }, meta('2025-03-05')), community);
    expect(E.isRight(changed)).toBe(true);
    // A and Y sort before Z: the old run issued them, then refused at Z
    for (const u of ['A', 'Y']) expect(E.isRight(await levy.handle(registerUnit(u, { areaM2: '100.00' }), community))).toBe(true);
    const again = await levy.runBilling(CID, '2025-03', meta('2025-03-12'));
    expect(E.isRight(again) && again.right).toEqual({
      periodKey: '2025-03',
      planned: 4,
      issued: 2,
      alreadyIssued: 2,
      // 50.00 × 2.80 as billed, 55.00 × 2.80 now
      differing: [{ unitId: 'Z', chargeId: 'property-2025-03', issued: '140.00', planned: '154.00', cancelled: false }],
      completed: null,
    });
    expect(await chargesOf(store, 'A')).toEqual([['property-2025-03', '280.00']]);
    expect(await chargesOf(store, 'Y')).toEqual([['property-2025-03', '280.00']]);
    expect(await chargesOf(store, 'Z')).toEqual([['property-2025-03', '140.00']]);
    expect((await collect(store.readStream(communityStream(CID)))).filter((e) => e.type === 'BillingRunCompleted')).toHaveLength(1);
  });
  it('takes a cancelled charge as billed: a run after the cancel still bills the new units', async () => {
    const { store, levy } = await twoUnitsBilled();
    expect(E.isRight(await levy.handle(cmd('ChangeUnitArea', { unitId: 'Z', areaM2: '55.00', from: '2025-03-01' }, meta('2025-03-05')), community))).toBe(true);
    const cancel = await levy.handle(cmd('CancelCharge', { chargeId: 'property-2025-03' }, manager('2025-03-13')), { communityId: CID, unitId: 'Z' });
    expect(E.isRight(cancel)).toBe(true);
    expect(E.isRight(await levy.handle(registerUnit('N', { areaM2: '100.00' }), community))).toBe(true);
    const again = await levy.runBilling(CID, '2025-03', meta('2025-03-14'));
    expect(E.isRight(again) && again.right).toMatchObject({
      planned: 3,
      issued: 1,
      alreadyIssued: 2,
      differing: [{ unitId: 'Z', chargeId: 'property-2025-03', issued: '140.00', planned: '154.00', cancelled: true }],
    });
    expect(await chargesOf(store, 'N')).toEqual([['property-2025-03', '280.00']]);
  });
  it('skips a charge billed under an earlier schedule version and bills the new unit under the later one', async () => {
    const { store, levy } = await twoUnitsBilled();
    const items = [{ feeItemId: 'property', name: '物业服务费', pricing: { kind: 'area', byUseType: { residential: '3.00' } }, appliesTo: ['residential'] }];
    const v2 = await levy.handle(adoptSchedule({ version: 2, publishedOn: '2025-02-20', effectiveFrom: '2025-03-01', items }, meta('2025-03-05')), community);
    expect(E.isRight(v2)).toBe(true);
    expect(E.isRight(await levy.handle(registerUnit('B', { areaM2: '100.00' }), community))).toBe(true);
    const again = await levy.runBilling(CID, '2025-03', meta('2025-03-12'));
    expect(E.isRight(again) && again.right).toMatchObject({
      planned: 3,
      issued: 1,
      alreadyIssued: 2,
      differing: [
        { unitId: 'M', issued: '250.60', planned: '268.50' },
        { unitId: 'Z', issued: '140.00', planned: '150.00' },
      ],
    });
    expect(await chargesOf(store, 'B')).toEqual([['property-2025-03', '300.00']]);
  });
});

describe('the run a BillingRunCompleted records', () => {
  it.each([
    ['a unit registered', () => registerUnit('B1-0104')],
    ['an unbilled unit remeasured', () => cmd('ChangeUnitArea', { unitId: 'B1-0103', areaM2: '120.00', from: '2025-03-01' }, meta('2025-04-01'))],
  ])('is the one whose charges are on the accounts when another handler changes the community mid-run (%s)', async (_, change) => {
    const { base, store, onFirstCharge } = hookedStore();
    const clock = () => '2025-04-01T02:00:00Z';
    const a = createLevy(store, { clock });
    const b = createLevy(base, { clock });
    const units = ['B1-0101', 'B1-0102', 'B1-0103'];
    await setUp(
      a,
      units.map((u) => [u, '89.50'] as const),
    );
    onFirstCharge(async () => {
      expect(E.isRight(await b.handle(change() as LevyCommand, community))).toBe(true);
    });
    const run = await a.runBilling(CID, '2025-03', meta('2025-04-01'));
    expect(E.isRight(run)).toBe(true);
    const issued: string[] = [];
    for (const u of [...units, 'B1-0104']) for (const [, amount] of await chargesOf(store, u)) issued.push(amount);
    const done = (await collect(store.readStream(communityStream(CID)))).filter((e) => e.type === 'BillingRunCompleted');
    expect(done.map((e) => [e.data.chargeCount, e.data.total])).toEqual([[issued.length, sumOf(issued)]]);
    expect(E.isRight(run) && run.right).toMatchObject({ planned: issued.length, issued: issued.length, completed: { data: { chargeCount: issued.length } } });
  });
});

describe('billing runs sent at once', () => {
  it('issues each charge once and records one run when one handler gets the same run three times, with payments between', async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z', maxRetries: 0 });
    await setUp(levy, [
      ['B1-0101', '89.50'],
      ['B1-0102', '120.00'],
      ['B1-0103', '60.00'],
    ]);
    const unit = { communityId: CID, unitId: 'B1-0102' };
    const pay = (txn: string) => cmd('ReceivePayment', { channel: 'wechat', channelTxnId: txn, amount: '100.00', receivedOn: '2025-04-01' }, meta('2025-04-01'));
    const [first, second, third, ...payments] = await Promise.all([
      levy.runBilling(CID, '2025-03', meta('2025-04-01')),
      levy.runBilling(CID, '2025-03', meta('2025-04-01')),
      levy.handle(cmd('RunBilling', { periodKey: '2025-03' }, meta('2025-04-01')), community),
      levy.handle(pay('P1'), unit),
      levy.handle(pay('P2'), unit),
    ]);
    expect([first, second, third, ...payments].filter(E.isLeft)).toEqual([]);
    for (const [u, amount] of [
      ['B1-0101', '250.60'],
      ['B1-0102', '336.00'],
      ['B1-0103', '168.00'],
    ] as const) {
      expect(await chargesOf(store, u)).toEqual([['property-2025-03', amount]]);
    }
    const done = (await collect(store.readStream(communityStream(CID)))).filter((e) => e.type === 'BillingRunCompleted');
    expect(done.map((e) => [e.data.chargeCount, e.data.total])).toEqual([[3, '754.60']]);
    const issued = [first, second].map((r) => (E.isRight(r) ? r.right.issued : -1));
    expect(issued.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
    expect((await levy.readAccount(CID, 'B1-0102')).credit.toString()).toBe('0.00');
  });
});

describe('RunBilling sent to handle', () => {
  it('runs the billing run: charges on the account streams, the completion on the community stream', async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z' });
    await setUp(levy, [
      ['B1-0101', '89.50'],
      ['B1-0102', '120.00'],
    ]);
    const r = await levy.handle(cmd('RunBilling', { periodKey: '2025-03' }, meta('2025-04-01')), community);
    if (E.isLeft(r)) throw new Error(r.left.message);
    expect(r.right.streamId).toBe(communityStream(CID));
    expect(r.right.events.map((e) => [e.type, e.data])).toEqual([['BillingRunCompleted', { communityId: CID, periodKey: '2025-03', scheduleVersion: 1, chargeCount: 2, total: '586.60' }]]);
    expect(r.right.revision).toBe(4n);
    expect(await chargesOf(store, 'B1-0101')).toEqual([['property-2025-03', '250.60']]);
    expect(await chargesOf(store, 'B1-0102')).toEqual([['property-2025-03', '336.00']]);
    const again = await levy.handle(cmd('RunBilling', { periodKey: '2025-03' }, meta('2025-04-02')), community);
    expect(E.isRight(again) && [again.right.events, again.right.revision]).toEqual([[], 4n]);
  });
  it('refuses it with the unit named in the target, appending nothing', async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z' });
    await setUp(levy, [['B1-0101', '89.50']]);
    const r = await levy.handle(cmd('RunBilling', { periodKey: '2025-03' }, meta('2025-04-01')), { communityId: CID, unitId: 'B1-0101' });
    expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['TARGET_UNIT_UNEXPECTED', ['unitId']]);
    expect(await chargesOf(store, 'B1-0101')).toEqual([]);
  });
});

describe('a billing run over units billed for several fee items', () => {
  it('issues every item of a unit in one round, each decided on the one before (the second would otherwise meet the first as a conflict)', async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z', newId: (p) => `${p}-1` });
    // the garden fee applies to residential units beside the property fee: two charges a unit
    const garden = { feeItemId: 'garden', name: '绿化费', pricing: { kind: 'fixed', amountPerMonth: '20.00' }, appliesTo: ['residential'] };
    const twoItems = adoptSchedule({
      items: [
        { feeItemId: 'property', name: '物业服务费', pricing: { kind: 'area', byUseType: { residential: '2.80' } }, appliesTo: ['residential'] },
        garden,
      ],
    });
    for (const c of [registerCommunity(), registerUnit('B1-0101'), registerUnit('B1-0102', { areaM2: '120.00' }), twoItems] as LevyCommand[]) {
      const r = await levy.handle(c, community);
      if (E.isLeft(r)) throw new Error(r.left.message);
    }
    const r = await levy.handle(cmd('RunBilling', { periodKey: '2025-03' }, meta('2025-04-01')), community);
    expect(E.isRight(r) && r.right.attempts).toBe(1);
    for (const unitId of ['B1-0101', 'B1-0102']) {
      const charges = (await collect(store.readStream(accountStream(CID, unitId)))).filter((e) => e.type === 'ChargeIssued').map((e) => (e.data as { chargeId: string }).chargeId);
      expect(charges).toEqual(['property-2025-03', 'garden-2025-03']);
    }
  });
});
