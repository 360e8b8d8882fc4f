// reports over logs the real handler wrote: several installment plans on one unit, a cancelled
// charge among the arrears, units registered after a close
import { describe, expect, it } from 'vitest';
import { type CommandMeta, type LevyCommand, type StoredEvent, createLevy, openMemoryEventStore } from '@levy/core';
import { arrearsLedger, collectionRates, dayOf, disclosure, dunningWorklist, levyProjection, ownerAsOf, rebuild, unitStatement } from '../src/index.js';
import { LevyError } from '@levy/core';
import { CID, adoptSchedule, cmd, meta, registerCommunity, registerUnit } from '../../core/test/community-fixtures.js';

const committee = (date: string) => ({ reason: 'hardship', approval: { approver: 'Committee chair Wang', approverRole: 'committee', reference: 'YWH-1', date } }) as Partial<CommandMeta>;

// a community of 250.60 a month per unit (89.50 m² × 2.80), due the 15th of the next month
const world = async (units: readonly string[] = ['U1']) => {
  let today = '2025-01-01';
  let n = 0;
  const store = openMemoryEventStore();
  const levy = createLevy(store, { clock: () => `${today}T02:00:00Z`, newId: (p) => `${p}-${++n}` });
  const send = async (command: LevyCommand, unitId?: string) => {
    const r = await levy.handle(command, unitId === undefined ? { communityId: CID } : { communityId: CID, unitId });
    if (r._tag === 'Left') throw new Error(`${command.type}: ${r.left.code} ${r.left.message}`);
  };
  const on = (day: string) => {
    today = day;
  };
  await send(registerCommunity('quarter'));
  for (const u of units) await send(registerUnit(u));
  await send(adoptSchedule());
  const bill = async (period: string, day: string) => {
    on(day);
    const r = await levy.runBilling(CID, period, meta(day));
    if (r._tag === 'Left') throw new Error(r.left.message);
  };
  const views = async () => {
    const events: StoredEvent[] = [];
    for await (const e of store.readAll()) events.push(e);
    return rebuild(levyProjection, events as never);
  };
  const close = async (period: string, day: string) => {
    on(day);
    const r = await levy.closePeriod(CID, period, day, meta(day));
    if (r._tag === 'Left') throw new Error(r.left.message);
  };
  return { send, on, bill, close, views };
};

describe('a unit with several installment plans', () => {
  it('leaves every charge under a plan in good standing off the dunning worklist, and reports the unit as on a plan while one is', async () => {
    const w = await world();
    await w.bill('2025-01', '2025-02-01');
    await w.bill('2025-02', '2025-03-01');
    await w.bill('2025-03', '2025-04-01');
    w.on('2025-04-20');
    const p1 = cmd('AgreeInstallmentPlan', { planId: 'P1', chargeIds: ['property-2025-01'], installments: [{ dueDate: '2025-06-30', amount: '250.60' }] }, meta('2025-04-20', committee('2025-04-20')));
    await w.send(p1, 'U1');
    w.on('2025-05-01');
    const p2 = cmd('AgreeInstallmentPlan', { planId: 'P2', chargeIds: ['property-2025-02'], installments: [{ dueDate: '2025-07-31', amount: '250.60' }] }, meta('2025-05-01', committee('2025-05-01')));
    await w.send(p2, 'U1');

    // May 10: January and February are under plans in good standing; March (due April 15) is 25 days overdue
    const may10 = dunningWorklist((await w.views()).book, { asOf: dayOf('2025-05-10') });
    expect(may10.items.map((i) => [i.unitId, i.stage, i.chargeIds, i.owed.toString()])).toEqual([['U1', 'phone', ['property-2025-03'], '250.60']]);

    // P2's charge paid in full on May 20 completes P2; P1 is still in good standing
    w.on('2025-05-20');
    await w.send(cmd('ReceivePayment', { channel: 'wechat', channelTxnId: 'wx-p2', amount: '250.60', receivedOn: '2025-05-20', targets: [{ chargeId: 'property-2025-02', kind: 'principal', amount: '250.60' }] }, meta('2025-05-20')), 'U1');
    const v = await w.views();
    const ledger = arrearsLedger(v.book, { asOf: dayOf('2025-05-25') });
    expect(ledger.lines.map((l) => [l.unitId, l.plan])).toEqual([['U1', 'active']]);
    const may25 = dunningWorklist(v.book, { asOf: dayOf('2025-05-25') });
    expect(may25.items.map((i) => i.chargeIds)).toEqual([['property-2025-03']]);
    // before any plan, January was dunned with the rest (March owing, not yet due)
    const april10 = dunningWorklist(v.book, { asOf: dayOf('2025-04-10') });
    expect(april10.items.map((i) => i.chargeIds)).toEqual([['property-2025-01', 'property-2025-02', 'property-2025-03']]);
  });
});

describe('arrears recovery (清欠率) and cancelled charges', () => {
  it('leaves a charge cancelled by the as-of date out of the arrears open and collected, as the amount rate does', async () => {
    const w = await world(['U1', 'U2']);
    await w.bill('2025-01', '2025-01-01');
    // U1 pays January in Q2; then both Januaries are cancelled (billed in error)
    w.on('2025-04-10');
    await w.send(cmd('ReceivePayment', { channel: 'wechat', channelTxnId: 'wx-1', amount: '250.60', receivedOn: '2025-04-10' }, meta('2025-04-10')), 'U1');
    const q2 = async (asOf: string) => {
      const r = collectionRates((await w.views()).book, { period: '2025-Q2', asOf: dayOf(asOf) });
      if (r._tag === 'Left') throw new Error(r.left.message);
      return [r.right.total.arrearsOpen.toString(), r.right.total.arrearsCollected.toString()];
    };
    // before the cancellations: 501.20 open at April 1, 250.60 of it collected
    expect(await q2('2025-04-30')).toEqual(['501.20', '250.60']);
    w.on('2025-05-05');
    const cancel = (unitId: string) => w.send(cmd('CancelCharge', { chargeId: 'property-2025-01' }, meta('2025-05-05', { reason: 'billed in error', approval: committee('2025-05-05').approval } as Partial<CommandMeta>)), unitId);
    await cancel('U1');
    await cancel('U2');
    // U1's 250.60 is credit now, not a recovered arrear
    expect(await q2('2025-06-30')).toEqual(['0.00', '0.00']);
    // as of a day before the cancellations the figures stand as they did
    expect(await q2('2025-04-30')).toEqual(['501.20', '250.60']);
  });
});

describe('reports as of a day before later community changes', () => {
  it("keeps a closed period's disclosure as published when units are registered after it", async () => {
    const w = await world(['U1', 'U2']);
    await w.bill('2025-01', '2025-01-01');
    await w.close('2025-Q1', '2025-04-05');
    const units = async () => {
      const d = disclosure((await w.views()).book, CID, '2025-Q1');
      if (d._tag === 'Left') throw new Error(d.left.message);
      return [d.right.units, d.right.billed.toString()];
    };
    expect(await units()).toEqual([2, '501.20']);
    w.on('2025-05-01');
    await w.send({ ...registerUnit('U3', { handoverDate: '2025-05-01' }), meta: meta('2025-05-01') });
    expect(await units()).toEqual([2, '501.20']);
  });

  it('names the owner of the day the report is read as of, not a later one', async () => {
    const w = await world();
    await w.bill('2025-01', '2025-01-01');
    w.on('2025-05-01');
    await w.send(cmd('ChangeUnitOwner', { unitId: 'U1', owner: { ownerId: 'o-new', name: '李四' }, from: '2025-05-01' }, meta('2025-05-01', { reason: '过户' } as Partial<CommandMeta>)));
    const v = await w.views();
    expect(arrearsLedger(v.book, { asOf: dayOf('2025-03-31') }).lines.map((l) => l.owner)).toEqual(['张三']);
    expect(arrearsLedger(v.book, { asOf: dayOf('2025-05-01') }).lines.map((l) => l.owner)).toEqual(['李四']);
    expect(dunningWorklist(v.book, { asOf: dayOf('2025-03-31') }).items.map((i) => i.owner)).toEqual(['张三']);
    const statement = (to?: string) => {
      const r = unitStatement(v.book, [...v.book.units.keys()][0]!, to === undefined ? {} : { to: dayOf(to) });
      if (r._tag === 'Left') throw new Error(r.left.message);
      return r.right.owner;
    };
    expect([statement('2025-03-31'), statement('2025-05-01'), statement()]).toEqual(['张三', '李四', '李四']);
    const unit = [...v.book.units.values()][0]!;
    expect(ownerAsOf(unit, dayOf('2025-04-30'))).toBe('张三');
    // a day that is not a whole epoch day is refused, as every as-of reading refuses it
    for (const bad of [Number.NaN, 1.5, '2025-03-31']) {
      try {
        ownerAsOf(unit, bad as never);
        expect.unreachable();
      } catch (e) {
        expect(e instanceof LevyError && [e.error.code, e.error.path]).toEqual(['AS_OF_INVALID', ['asOf']]);
      }
    }
  });
});
