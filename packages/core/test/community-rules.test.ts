// Community rules an audit found open: a day billed twice when the billing cycle changes, an area
// change dated before the handover, a first close that skips earlier activity, and schedule amounts
// typed short. Figures are worked by hand in fen: 89.50 m² × 2.80 = 250.60 a month.
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import {
  type CommunityCommand,
  type CommunityContext,
  type CommunityEvent,
  type EventOf,
  DeciderSpecification,
  Money,
  canonicalJson,
  communityDecider,
  createLevy,
  decodeCommand,
  decodeEvent,
  openMemoryEventStore,
  planBilling,
} from '@levy/core';
import { CID, adoptSchedule, cmd, ctx, eventsOf, meta, registerCommunity, registerUnit, scheduleData, stateOf } from './community-fixtures.js';

const spec = DeciderSpecification.for(communityDecider, ctx);
const run = (periodKey: string, on: string) => cmd('RunBilling', { periodKey }, meta(on));
/** the events of `commands` decided after `given` (fixture setup: a refusal throws) */
const after = (given: readonly CommunityEvent[], commands: readonly CommunityCommand[], context: CommunityContext = ctx): CommunityEvent[] => {
  const out = [...given];
  for (const c of commands) {
    const r = communityDecider.decide(c, stateOf(out), context);
    if (E.isLeft(r)) throw new Error(`${c.type} refused: ${r.left.code} ${r.left.message}`);
    out.push(...r.right);
  }
  return out;
};
const amountOfPlan = (events: readonly CommunityEvent[], key: string, on: string): string[] => {
  const plan = planBilling(stateOf(events), key, meta(on), ctx);
  if (E.isLeft(plan)) throw new Error(`${plan.left.code} ${plan.left.message}`);
  return plan.right.charges.map((c) => `${c.unitId} ${c.command.data.calculation.quantity} ${c.command.data.amount}`);
};

// ---------------------------------------------------------------------------------------------
// 1. a day is billed once
// ---------------------------------------------------------------------------------------------

describe('billing runs: a day is billed once', () => {
  // unit B1-0101 (89.50 m², handed over 2024-06-01) at 2.80 a month: 250.60 a month
  const monthly = () => eventsOf([registerCommunity(), registerUnit('B1-0101'), adoptSchedule()]);
  const firstHalf = ['01', '02', '03', '04', '05', '06'].map((m) => run(`2025-${m}`, `2025-${m}-01`));

  it('refuses a yearly run over months already billed monthly: BILLING_PERIOD_OVERLAP, naming them', () => {
    // six months billed monthly; then v2, billing by year and in force from 2025-01-01 (published 2024-12-20), is recorded, so the year 2025 is billed from it
    const yearly = adoptSchedule({ version: 2, billingCycle: 'year', publishedOn: '2024-12-20', effectiveFrom: '2025-01-01' }, meta('2025-07-01'));
    const given = after(monthly(), [...firstHalf, yearly]);
    // six months billed: 6 × 250.60 = 1503.60; the year again would have been 12 × 250.60 = 3007.20
    const runs = given.filter((e): e is EventOf<'BillingRunCompleted'> => e.type === 'BillingRunCompleted');
    expect(Money.sum(runs.map((e) => Money.of(e.data.total))).toString()).toBe('1503.60');
    const err = spec.given(given).when(run('2025', '2025-07-01')).thenFails('BILLING_PERIOD_OVERLAP', ['data', 'periodKey']);
    expect(err.details).toEqual({ periodKey: '2025', billed: ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06'], nextUnbilled: '2026' });
    expect(err.message).toMatch(/2025 \(2025-01-01 to 2025-12-31\) overlaps 2025-01, .*2025-06, already billed/);
    // planBilling (what levy.runBilling plans from) refuses it the same way
    expect(planBilling(stateOf(given), '2025', meta('2025-07-01'), ctx)).toMatchObject(E.left({ code: 'BILLING_PERIOD_OVERLAP', path: ['data', 'periodKey'] }));
  });

  it('refuses a quarter whose first month was billed under a monthly version', () => {
    // January billed monthly; then v2, billing by quarter and in force from 2025-01-01, is recorded
    const quarterly = adoptSchedule({ version: 2, billingCycle: 'quarter', publishedOn: '2024-12-20', effectiveFrom: '2025-01-01' }, meta('2025-02-01'));
    const given = after(monthly(), [run('2025-01', '2025-01-01'), quarterly]);
    const err = spec.given(given).when(run('2025-Q1', '2025-02-01')).thenFails('BILLING_PERIOD_OVERLAP', ['data', 'periodKey']);
    expect(err.details).toMatchObject({ billed: ['2025-01'], nextUnbilled: '2025-Q2' });
    // the next quarter overlaps nothing: 3 × 250.60 = 751.80
    expect(amountOfPlan(given, '2025-Q2', '2025-04-01')).toEqual(['B1-0101 89.50 751.80']);
  });

  it('refuses a month inside a year already billed', () => {
    // v1 bills by year; v2 monthly from 2025-07-01, published mid-year, so 2025 is billed from v1 whole
    const given = eventsOf([
      registerCommunity(),
      registerUnit('B1-0101'),
      adoptSchedule({ billingCycle: 'year' }),
      adoptSchedule({ version: 2, publishedOn: '2025-06-01', effectiveFrom: '2025-07-01' }, meta('2025-06-01')),
      run('2025', '2025-01-01'),
    ]);
    expect(stateOf(given).billingRuns.get('2025')?.total).toBe('3007.20');
    const err = spec.given(given).when(run('2025-07', '2025-07-01')).thenFails('BILLING_PERIOD_OVERLAP', ['data', 'periodKey']);
    expect(err.details).toEqual({ periodKey: '2025-07', billed: ['2025'], nextUnbilled: '2026-01' });
  });

  it('still lets the same period run again (a unit registered since), and a neighbour run', () => {
    const given = after(monthly(), [run('2025-01', '2025-01-01')]);
    spec.given(given).when(run('2025-01', '2025-01-02')).thenNothing();
    expect(amountOfPlan(after(given, [registerUnit('B1-0102')]), '2025-01', '2025-01-02')).toEqual(['B1-0101 89.50 250.60', 'B1-0102 89.50 250.60']);
    expect(amountOfPlan(given, '2025-02', '2025-02-01')).toEqual(['B1-0101 89.50 250.60']);
  });

  it('folds a log that already holds overlapping runs, and decides its re-runs as before', () => {
    // written before the rule: the year run was recorded beside January's
    const year = after(eventsOf([registerCommunity(), registerUnit('B1-0101'), adoptSchedule({ billingCycle: 'year' })]), [run('2025', '2025-01-01')]).at(-1)!;
    const given = [...after(monthly(), [run('2025-01', '2025-01-01')]), year];
    expect([...stateOf(given).billingRuns.keys()]).toEqual(['2025-01', '2025']);
    spec.given(given).when(run('2025-01', '2025-01-05')).thenNothing();
    spec.given(given).when(run('2025-02', '2025-02-01')).thenFails('BILLING_PERIOD_OVERLAP', ['data', 'periodKey']);
  });

  it('refuses through the handler before any charge is issued', async () => {
    const levy = createLevy(openMemoryEventStore(), { clock: () => '2025-07-01T02:00:00Z', newId: (p) => `${p}-1` });
    const yearly = adoptSchedule({ version: 2, billingCycle: 'year', publishedOn: '2024-12-20', effectiveFrom: '2025-01-01' }, meta('2025-07-01'));
    for (const c of [registerCommunity(), registerUnit('B1-0101'), adoptSchedule()]) expect(E.isRight(await levy.handle(c, { communityId: CID }))).toBe(true);
    for (const m of ['01', '02', '03', '04', '05', '06']) expect(E.isRight(await levy.runBilling(CID, `2025-${m}`, meta(`2025-${m}-01`)))).toBe(true);
    expect(E.isRight(await levy.handle(yearly, { communityId: CID }))).toBe(true);
    const r = await levy.runBilling(CID, '2025', meta('2025-07-01'));
    expect(r).toMatchObject(E.left({ code: 'BILLING_PERIOD_OVERLAP', path: ['data', 'periodKey'] }));
    const account = await levy.readAccount(CID, 'B1-0101');
    expect([...account.charges.keys()]).toEqual(['property-2025-01', 'property-2025-02', 'property-2025-03', 'property-2025-04', 'property-2025-05', 'property-2025-06']);
    expect(Money.sum([...account.charges.values()].map((c) => c.amount)).toString()).toBe('1503.60');
    expect((await levy.readCommunity(CID)).billingRuns.has('2025')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. area changes and the handover
// ---------------------------------------------------------------------------------------------

describe('ChangeUnitArea and the handover', () => {
  // handed over 2025-02-15 at 89.50 m²
  const handedOver = () => eventsOf([registerCommunity(), registerUnit('B1-0101', { handoverDate: '2025-02-15' }), adoptSchedule()]);
  const change = (from: string, areaM2 = '91.20') => cmd('ChangeUnitArea', { unitId: 'B1-0101', areaM2, from }, meta('2025-03-05', { reason: '复测面积' } as never));

  it('refuses a change dated before the handover: AREA_CHANGE_BEFORE_HANDOVER at data.from, naming the handover', () => {
    const err = spec.given(handedOver()).when(change('2025-01-01')).thenFails('AREA_CHANGE_BEFORE_HANDOVER', ['data', 'from']);
    expect(err.details).toEqual({ unitId: 'B1-0101', from: '2025-01-01', handoverDate: '2025-02-15' });
    expect(err.message).toMatch(/handed over on 2025-02-15.*on or after the handover \(from 2025-02-15\)/);
  });

  it('takes a change from the handover day: February by days and April at the new area', () => {
    const given = after(handedOver(), [change('2025-02-15')]);
    // February: 91.20 × 2.80 × 14/28 = 127.68; April: 91.20 × 2.80 = 255.36
    expect(amountOfPlan(given, '2025-02', '2025-03-01')).toEqual(['B1-0101 91.20 127.68']);
    expect(amountOfPlan(given, '2025-04', '2025-04-01')).toEqual(['B1-0101 91.20 255.36']);
    // the registration is kept as it was: a retried RegisterUnit is still a retry
    spec.given(given).when(registerUnit('B1-0101', { handoverDate: '2025-02-15' })).thenNothing();
  });

  it('bills a change dated before the handover in an older log from the handover, as its date says', () => {
    // written before the rule: the event says 91.20 m² from 2025-01-01, before the 2025-02-15 handover
    const legacy = (from: string, areaM2: string): CommunityEvent => {
      const e = after(handedOver(), [change('2025-02-15', areaM2)]).at(-1) as EventOf<'UnitAreaChanged'>;
      return { ...e, data: { ...e.data, from: from as typeof e.data.from } };
    };
    const given = [...handedOver(), legacy('2025-01-01', '91.20')];
    expect(E.isRight(decodeEvent(given.at(-1)))).toBe(true);
    expect(amountOfPlan(given, '2025-02', '2025-03-01')).toEqual(['B1-0101 91.20 127.68']);
    expect(amountOfPlan(given, '2025-04', '2025-04-01')).toEqual(['B1-0101 91.20 255.36']);
    // two such changes, the later-dated one folded first: the later date holds at the handover (92.00 × 2.80 = 257.60)
    const two = [...handedOver(), legacy('2025-01-10', '92.00'), legacy('2025-01-01', '91.20')];
    expect(amountOfPlan(two, '2025-04', '2025-04-01')).toEqual(['B1-0101 92.00 257.60']);
    // its retry is the fact already recorded
    spec.given(given).when(change('2025-01-01')).thenNothing();
  });
});

describe('an area or owner changed back', () => {
  // B1-0101: 89.50 m² from its handover, 2025-01-01
  const handedOver = () => eventsOf([registerCommunity(), registerUnit('B1-0101', { handoverDate: '2025-01-01' }), adoptSchedule()]);
  const area = (areaM2: string, from: string) => cmd('ChangeUnitArea', { unitId: 'B1-0101', areaM2, from }, meta('2025-01-05', { reason: '复测面积' } as never));
  const owner = (name: string, from: string) => cmd('ChangeUnitOwner', { unitId: 'B1-0101', owner: { ownerId: `o-${name}`, name }, from }, meta('2025-01-05', { reason: '更正' } as never));

  it('records a change back to the registered figure from the handover day, and bills it (it was taken for a retry and dropped)', () => {
    const given = after(handedOver(), [area('100.00', '2025-01-01')]);
    expect(amountOfPlan(given, '2025-01', '2025-02-01')).toEqual(['B1-0101 100.00 280.00']);
    const back = spec.given(given).when(area('89.50', '2025-01-01')).then((es) => expect(es.map((e) => e.type)).toEqual(['UnitAreaChanged']));
    // 89.50 × 2.80 = 250.60 again
    expect(amountOfPlan([...given, ...back], '2025-01', '2025-02-01')).toEqual(['B1-0101 89.50 250.60']);
    // and its retry is one
    spec.given([...given, ...back]).when(area('89.5', '2025-01-01')).thenNothing();
  });

  it('records a change back to an earlier figure of the same day under an event id of its own', () => {
    const first = after(handedOver(), [area('100.00', '2025-03-01')]);
    const second = after(first, [area('110.00', '2025-03-01')]);
    const back = spec.given(second).when(area('100.00', '2025-03-01')).then((es) => expect(es).toHaveLength(1));
    const ids = [...second, ...back].filter((e) => e.type === 'UnitAreaChanged').map((e) => e.meta.eventId);
    expect(new Set(ids).size).toBe(3);
    expect(amountOfPlan([...second, ...back], '2025-03', '2025-04-01')).toEqual(['B1-0101 100.00 280.00']);
  });

  it('records an owner changed back to the registered one from the handover day', () => {
    const given = after(handedOver(), [owner('李四', '2025-01-01')]);
    const back = spec.given(given).when({ ...owner('张三', '2025-01-01'), data: { unitId: 'B1-0101', owner: { ownerId: 'o-B1-0101', name: '张三' }, from: '2025-01-01' } } as never).then((es) => expect(es.map((e) => e.type)).toEqual(['UnitOwnerChanged']));
    expect(stateOf([...given, ...back]).units.get('B1-0101')!.ownerHistory.at(-1)!.owner.name).toBe('张三');
  });
});

describe('which schedule version bills a period', () => {
  // B1-0101: 89.50 m²; v1 at 2.80 (250.60 a month), v2 at 3.50 (313.25 a month)
  const v2 = (effectiveFrom: string, extra: Record<string, unknown> = {}) =>
    adoptSchedule({ version: 2, publishedOn: '2024-12-20', effectiveFrom, items: [{ ...scheduleData().items[0], pricing: { kind: 'area', byUseType: { residential: '3.50', commercial: '6.50' } } }], ...extra }, meta('2024-12-20'));
  const base = () => [registerCommunity(), registerUnit('B1-0101')];

  it('bills a month from the version in force on its first day: one taking effect mid-month bills from the next', () => {
    const given = eventsOf([...base(), adoptSchedule(), v2('2025-02-28')]);
    expect(amountOfPlan(given, '2025-02', '2025-03-01')).toEqual(['B1-0101 89.50 250.60']);
    expect(amountOfPlan(given, '2025-03', '2025-04-01')).toEqual(['B1-0101 89.50 313.25']);
  });
  it('bills a year from the version in force on 1 January, not one that takes effect in December', () => {
    const yearly = { billingCycle: 'year' };
    const given = eventsOf([...base(), adoptSchedule(yearly), v2('2025-12-01', yearly)]);
    // 89.50 × 2.80 × 12 = 3007.20 (at v2 it would have been 89.50 × 3.50 × 12 = 3759.00)
    expect(amountOfPlan(given, '2025', '2025-01-01')).toEqual(['B1-0101 89.50 3007.20']);
    expect(amountOfPlan(given, '2026', '2026-01-01')).toEqual(['B1-0101 89.50 3759.00']);
  });
  it("bills the period the community's first schedule takes effect in from that schedule", () => {
    const given = eventsOf([...base(), adoptSchedule({ effectiveFrom: '2025-01-20' })]);
    expect(amountOfPlan(given, '2025-01', '2025-02-01')).toEqual(['B1-0101 89.50 250.60']);
  });
});

describe('due dates and the handover', () => {
  const dueDates = (events: readonly CommunityEvent[], key: string): string[] => {
    const plan = planBilling(stateOf(events), key, meta('2025-03-01'), ctx);
    if (E.isLeft(plan)) throw new Error(`${plan.left.code} ${plan.left.message}`);
    return plan.right.charges.map((c) => `${c.unitId} ${c.command.data.dueDate} ${c.command.data.amount}`);
  };
  const units = [registerCommunity(), registerUnit('B1-0101', { handoverDate: '2019-06-01' }), registerUnit('B1-0102', { handoverDate: '2025-03-15' })];

  it('paid in advance (due on the first day), a unit handed over later in the period falls due on its handover day', () => {
    // March by days for B1-0102: 89.50 × 2.80 × 17/31 = 137.43
    expect(dueDates(eventsOf([...units, adoptSchedule({ dueRule: { kind: 'in-advance' } })]), '2025-03')).toEqual(['B1-0101 2025-03-01 250.60', 'B1-0102 2025-03-15 137.43']);
    // from April on both are due on the first
    expect(dueDates(eventsOf([...units, adoptSchedule({ dueRule: { kind: 'in-advance' } })]), '2025-04')).toEqual(['B1-0101 2025-04-01 250.60', 'B1-0102 2025-04-01 250.60']);
  });

  it('leaves a due date after the period as the rule gives it', () => {
    expect(dueDates(eventsOf([...units, adoptSchedule()]), '2025-03')).toEqual(['B1-0101 2025-04-15 250.60', 'B1-0102 2025-04-15 137.43']);
  });
});

describe('ChangeUnitOwner and the handover; retries written another way', () => {
  const handedOver = () => eventsOf([registerCommunity(), registerUnit('B1-0101', { handoverDate: '2025-02-15' }), adoptSchedule()]);
  const newOwner = { ownerId: 'O-2', name: '李四' };
  const owner = (from: string) => cmd('ChangeUnitOwner', { unitId: 'B1-0101', owner: newOwner, from }, meta('2025-03-05'));

  it('refuses an owner change dated before the handover: OWNER_CHANGE_BEFORE_HANDOVER at data.from', () => {
    const err = spec.given(handedOver()).when(owner('2025-01-01')).thenFails('OWNER_CHANGE_BEFORE_HANDOVER', ['data', 'from']);
    expect(err.details).toEqual({ unitId: 'B1-0101', from: '2025-01-01', handoverDate: '2025-02-15' });
  });
  it('keeps the registered owner first after a change from the handover day, so a retried RegisterUnit is still a retry', () => {
    const given = after(handedOver(), [owner('2025-02-15')]);
    expect(stateOf(given).units.get('B1-0101')!.ownerHistory.map((h) => h.owner.ownerId)).toEqual([registerUnitOwnerId(), 'O-2']);
    // before, the change replaced the registration's entry and the retry was UNIT_ALREADY_REGISTERED
    spec.given(given).when(registerUnit('B1-0101', { handoverDate: '2025-02-15' })).thenNothing();
  });
  it('takes a retried registration or area change with the area written with fewer decimals as a retry', () => {
    const given = after(handedOver(), [cmd('ChangeUnitArea', { unitId: 'B1-0101', areaM2: '91.20', from: '2025-04-01' }, meta('2025-03-05', { reason: '复测面积' } as never))]);
    // registered as 89.50
    spec.given(given).when(registerUnit('B1-0101', { handoverDate: '2025-02-15', areaM2: '89.5' })).thenNothing();
    spec.given(given).when(cmd('ChangeUnitArea', { unitId: 'B1-0101', areaM2: '91.2', from: '2025-04-01' }, meta('2025-03-05', { reason: '复测面积' } as never))).thenNothing();
    // a different area is still a different unit
    spec.given(given).when(registerUnit('B1-0101', { handoverDate: '2025-02-15', areaM2: '89.51' })).thenFails('UNIT_ALREADY_REGISTERED');
  });
});

const registerUnitOwnerId = (): string => (registerUnit('B1-0101').data as { owner: { ownerId: string } }).owner.ownerId;

// ---------------------------------------------------------------------------------------------
// 3. the first close
// ---------------------------------------------------------------------------------------------

describe('ClosePeriod: the first close takes in the earliest activity', () => {
  const inputs = (firstAccountDate?: string): CommunityContext => ({
    ...ctx,
    now: '2025-07-05T02:00:00Z' as CommunityContext['now'],
    closeInputs: {
      totals: { billed: Money.of('250.60'), collected: Money.zero(), waived: Money.zero(), penalties: Money.zero(), credit: Money.zero() },
      heads: [],
      ...(firstAccountDate === undefined ? {} : { firstAccountDate: firstAccountDate as never }),
    },
  });
  const close = (periodKey: string, on = '2025-07-05') => cmd('ClosePeriod', { periodKey, closedOn: on }, meta(on));
  const base = () => eventsOf([registerCommunity(), registerUnit('B1-0101'), adoptSchedule()]);

  it('refuses a first close after a billing run dated earlier, naming the period to close first', () => {
    const given = after(base(), [run('2025-01', '2025-01-01'), run('2025-04', '2025-04-01')]);
    const c = DeciderSpecification.for(communityDecider, inputs());
    const err = c.given(given).when(close('2025-Q2')).thenFails('PERIOD_CLOSE_OUT_OF_ORDER', ['data', 'periodKey']);
    expect(err.details).toEqual({ periodKey: '2025-Q2', closeFirst: '2025-Q1', firstDate: '2025-01-01', first: 'the billing run of 2025-01' });
    expect(err.message).toMatch(/close 2025-Q1 first/);
    // Q1 first, then Q2
    const closed = after(given, [close('2025-Q1')], inputs());
    c.given(closed).when(close('2025-Q2')).then((events) => expect(events.map((e) => e.type)).toEqual(['PeriodClosed']));
  });

  it('counts an expenditure by the earlier of its dates, and an account event the handler read', () => {
    const approval = { approver: '业委会 王主任', approverRole: 'committee', reference: 'YWH-2025-07', date: '2025-02-01' };
    const spend = cmd(
      'RecordExpenditure',
      { expenditureId: 'exp-1', category: 'elevators', amount: '3200', vendor: '迅达电梯', paidOn: '2025-02-10', description: '电梯年检' },
      meta('2025-04-02', { approval } as never),
    );
    const given = after(base(), [spend], inputs());
    const c = DeciderSpecification.for(communityDecider, inputs());
    expect(c.given(given).when(close('2025-Q2')).thenFails('PERIOD_CLOSE_OUT_OF_ORDER', ['data', 'periodKey']).details).toMatchObject({ closeFirst: '2025-Q1', firstDate: '2025-02-10' });
    // nothing dated on the community stream, but a payment of 2025-03-20 in an account
    const err = DeciderSpecification.for(communityDecider, inputs('2025-03-20')).given(base()).when(close('2025-Q2')).thenFails('PERIOD_CLOSE_OUT_OF_ORDER', ['data', 'periodKey']);
    expect(err.details).toMatchObject({ closeFirst: '2025-Q1', firstDate: '2025-03-20', first: 'an account event' });
  });

  it('takes a first close that starts on or before the earliest activity, or a community with none', () => {
    const given = after(base(), [run('2025-01', '2025-01-01')]);
    const c = DeciderSpecification.for(communityDecider, inputs('2025-01-01'));
    c.given(given).when(close('2024-Q4', '2025-01-05')).then((events) => expect(events[0]?.data).toMatchObject({ periodKey: '2024-Q4' }));
    c.given(given).when(close('2025-Q1')).then((events) => expect(events[0]?.data).toMatchObject({ periodKey: '2025-Q1' }));
    DeciderSpecification.for(communityDecider, inputs()).given(base()).when(close('2025-Q2')).then((events) => expect(events).toHaveLength(1));
  });

  it('folds an older log whose first close skipped a period, and closes on from it', () => {
    // written before the rule: Q2 closed first although January was billed
    const q2 = after(base(), [close('2025-Q2')], inputs()).at(-1)!;
    const given = [...after(base(), [run('2025-01', '2025-01-01')]), q2];
    expect(stateOf(given).closedThrough).toBe(stateOf([...base(), q2]).closedThrough);
    const c = DeciderSpecification.for(communityDecider, { ...inputs(), now: '2025-10-05T02:00:00Z' as CommunityContext['now'] });
    c.given(given).when(close('2025-Q3', '2025-10-05')).then((events) => expect(events).toHaveLength(1));
  });

  it('seals each quarter\'s own charges through the handler: 250.60 in Q1, 250.60 in Q2', async () => {
    const levy = createLevy(openMemoryEventStore(), { clock: () => '2025-07-05T02:00:00Z', newId: (p) => `${p}-1` });
    for (const c of [registerCommunity(), registerUnit('B1-0101'), adoptSchedule()]) expect(E.isRight(await levy.handle(c, { communityId: CID }))).toBe(true);
    await levy.runBilling(CID, '2025-01', meta('2025-01-01'));
    await levy.runBilling(CID, '2025-04', meta('2025-04-01'));
    expect(await levy.closePeriod(CID, '2025-Q2', '2025-07-05', meta('2025-07-05'))).toMatchObject(E.left({ code: 'PERIOD_CLOSE_OUT_OF_ORDER', details: { closeFirst: '2025-Q1' } }));
    for (const q of ['2025-Q1', '2025-Q2']) {
      const r = await levy.closePeriod(CID, q, '2025-07-05', meta('2025-07-05'));
      if (E.isLeft(r)) throw new Error(r.left.message);
      expect(r.right.events[0]?.data).toMatchObject({ periodKey: q, totals: { billed: '250.60' } });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 4. schedule amounts typed short
// ---------------------------------------------------------------------------------------------

describe('AdoptFeeSchedule: amounts typed short', () => {
  const parking = (amountPerMonth: string) => [{ feeItemId: 'parking', name: '停车管理费', pricing: { kind: 'fixed', amountPerMonth }, appliesTo: ['parking'] }];
  const command = (over: Record<string, unknown>) => ({ type: 'AdoptFeeSchedule', data: scheduleData(over), meta: meta('2024-12-01') });

  it('decodes "150", "150.5" and a bare cap, and records them canonical', () => {
    const cap = { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'absolute', amount: '300' }, rounding: 'half-up' };
    for (const [typed, recorded] of [
      ['150', '150.00'],
      ['150.5', '150.50'],
      ['150.50', '150.50'],
    ] as const) {
      const decoded = decodeCommand(command({ items: parking(typed), penalty: cap, managerWaiverLimit: '200' }));
      if (E.isLeft(decoded)) throw new Error(decoded.left[0]?.message);
      const [e] = spec.given(eventsOf([registerCommunity()])).when(decoded.right as CommunityCommand).then((events) => expect(events).toHaveLength(1));
      const data = (e as EventOf<'FeeScheduleAdopted'>).data;
      expect(data.items[0]?.pricing).toEqual({ kind: 'fixed', amountPerMonth: recorded });
      expect(data.penalty.cap).toEqual({ kind: 'absolute', amount: '300.00' });
      expect(data.managerWaiverLimit).toBe('200.00');
      expect(E.isRight(decodeEvent(e))).toBe(true);
    }
  });

  it('writes the same event however the amounts were typed, and takes a retry in another spelling as the same', () => {
    const short = spec.given(eventsOf([registerCommunity()])).when(cmd('AdoptFeeSchedule', scheduleData({ items: parking('150') }), meta('2024-12-01'))).then((es) => expect(es).toHaveLength(1));
    const long = spec.given(eventsOf([registerCommunity()])).when(cmd('AdoptFeeSchedule', scheduleData({ items: parking('150.00') }), meta('2024-12-01'))).then((es) => expect(es).toHaveLength(1));
    expect(canonicalJson(short)).toBe(canonicalJson(long));
    spec.given([...eventsOf([registerCommunity()]), ...short]).when(cmd('AdoptFeeSchedule', scheduleData({ items: parking('150.0') }), meta('2024-12-01'))).thenNothing();
  });

  it('bills a fixed item typed short at its canonical amount: 150 × 3 months = 450.00', () => {
    const given = eventsOf([
      registerCommunity(),
      registerUnit('P-001', { useType: 'parking' }),
      cmd('AdoptFeeSchedule', scheduleData({ billingCycle: 'quarter', items: parking('150') }), meta('2024-12-01')),
    ]);
    expect(amountOfPlan(given, '2025-Q1', '2025-01-01').map((s) => s.split(' ').at(-1))).toEqual(['450.00']);
  });

  it('refuses a fixed commission typed bare with COMMISSION_BASIS_UNSUPPORTED, through the handler', async () => {
    const levy = createLevy(openMemoryEventStore(), { clock: () => '2024-12-01T02:00:00Z' });
    await levy.handle(registerCommunity(), { communityId: CID });
    for (const amountPerPeriod of ['1000', '1000.00']) {
      const r = await levy.handle(command({ regime: { kind: 'commission', basis: 'fixed', amountPerPeriod } }) as never, { communityId: CID });
      expect(r).toMatchObject(E.left({ code: 'COMMISSION_BASIS_UNSUPPORTED', path: ['data', 'regime', 'basis'] }));
    }
  });

  it('still refuses an amount with more than two decimals where it was typed', () => {
    const at = (over: Record<string, unknown>) => {
      const r = decodeCommand(command(over));
      return E.isLeft(r) ? [r.left[0]?.code, r.left[0]?.path.join('.')] : 'decoded';
    };
    expect(at({ items: parking('150.555') })).toEqual(['DECODE_FAILED', 'data.items.0.pricing.amountPerMonth']);
    expect(at({ regime: { kind: 'commission', basis: 'fixed', amountPerPeriod: '1000.001' } })).toEqual(['DECODE_FAILED', 'data.regime.amountPerPeriod']);
    expect(at({ regime: { kind: 'commission', basis: 'percentage', rate: '10%' } })).toEqual(['DECODE_FAILED', 'data.regime.rate']);
    expect(at({ penalty: { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'absolute', amount: '1e3' }, rounding: 'half-up' } })).toEqual(['DECODE_FAILED', 'data.penalty.cap.amount']);
  });
});
