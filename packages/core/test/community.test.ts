import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import {
  type CommunityContext,
  type EventOf,
  DeciderSpecification,
  SpecificationError,
  communityDecider,
  decodeEvent,
  eventIdFor,
  type LevyCommand,
  Money,
  createLevy,
  openMemoryEventStore,
  parsePeriodKey,
  planBilling,
  scheduleFor,
  validateSchedule,
} from '@levy/core';
import { CID, adoptSchedule, cmd, ctx, eventsOf, meta, registerCommunity, registerUnit, scheduleData, stateOf } from './community-fixtures.js';

const spec = DeciderSpecification.for(communityDecider, ctx);
const base = () => eventsOf([registerCommunity(), registerUnit('B1-0101'), adoptSchedule()]);

// closes are decided on a day after every close date used below
const closeCtx: CommunityContext = {
  ...ctx,
  now: '2026-02-01T02:00:00Z' as CommunityContext['now'],
  closeInputs: {
    totals: { billed: Money.of('250.60'), collected: Money.of('200'), waived: Money.zero(), penalties: Money.of('1.20'), credit: Money.zero() },
    heads: [{ streamId: 'levy.account-sunrise.B1-0101', revision: '3', hash: 'ab' }],
  },
};
const closeQ1 = cmd('ClosePeriod', { periodKey: '2025-Q1', closedOn: '2025-04-05' }, meta('2025-04-05'));

describe('RegisterCommunity', () => {
  it('starts the stream with a deterministic event id, Asia/Shanghai and quarterly closes by default', () => {
    const [e] = spec.given([]).when(registerCommunity()).then((events) => expect(events).toHaveLength(1));
    expect(e?.type).toBe('CommunityRegistered');
    expect(e?.data).toEqual({ communityId: CID, name: '阳光小区', timeZone: 'Asia/Shanghai', closeCycle: 'quarter' });
    expect(e?.meta.eventId).toBe(eventIdFor('CommunityRegistered', [CID]));
    expect(E.isRight(decodeEvent(e))).toBe(true);
  });
  it('decides nothing for a retried registration', () => {
    spec.given(eventsOf([registerCommunity()])).when(registerCommunity()).thenNothing();
  });
  it('refuses a second, different registration', () => {
    spec.given(eventsOf([registerCommunity()])).when(registerCommunity('month')).thenFails('COMMUNITY_ALREADY_REGISTERED', ['data', 'communityId']);
  });
  it('refuses an unknown time zone', () => {
    spec.given([]).when(cmd('RegisterCommunity', { communityId: CID, name: 'x', timeZone: 'Mars/Olympus' })).thenFails('TIME_ZONE_INVALID', ['data', 'timeZone']);
  });
  it('records the time zone in its canonical spelling, and takes a retry in another spelling as the same registration', () => {
    const [e] = spec
      .given([])
      .when(cmd('RegisterCommunity', { communityId: CID, name: 'x', timeZone: 'asia/shanghai' }))
      .then((events) => expect(events).toHaveLength(1));
    expect(e?.data).toMatchObject({ timeZone: 'Asia/Shanghai' });
    spec.given([e!]).when(cmd('RegisterCommunity', { communityId: CID, name: 'x', timeZone: 'ASIA/SHANGHAI' })).thenNothing();
    spec.given([e!]).when(cmd('RegisterCommunity', { communityId: CID, name: 'x', timeZone: 'Asia/Tokyo' })).thenFails('COMMUNITY_ALREADY_REGISTERED', ['data', 'communityId']);
  });
  it('refuses an unknown time zone even on a retry', () => {
    spec.given(eventsOf([registerCommunity()])).when(cmd('RegisterCommunity', { communityId: CID, name: '阳光小区', timeZone: 'Mars/Olympus' })).thenFails('TIME_ZONE_INVALID', ['data', 'timeZone']);
  });
  it('refuses any other command before the community is registered', () => {
    spec.given([]).when(registerUnit('B1-0101')).thenFails('COMMUNITY_NOT_REGISTERED');
  });
});

describe('RegisterUnit', () => {
  it('records the unit with its area, use type, owner and handover date', () => {
    spec
      .given(eventsOf([registerCommunity()]))
      .when(registerUnit('B1-0101', { grade: 'office-A', useType: 'commercial' }))
      .then((events) => {
        expect(events[0]?.type).toBe('UnitRegistered');
        expect(events[0]?.data).toMatchObject({ communityId: CID, unitId: 'B1-0101', areaM2: '89.50', useType: 'commercial', grade: 'office-A', handoverDate: '2024-06-01' });
      });
  });
  it('refuses the same unit id registered again with different details', () => {
    spec.given(base()).when(registerUnit('B1-0101', { areaM2: '120.00' })).thenFails('UNIT_ALREADY_REGISTERED', ['data', 'unitId']);
  });
  it('decides nothing for an identical retry', () => {
    spec.given(base()).when(registerUnit('B1-0101')).thenNothing();
  });
  it('refuses an area of zero or below', () => {
    spec.given(base()).when(registerUnit('B1-0102', { areaM2: '0' })).thenFails('AREA_NOT_POSITIVE', ['data', 'areaM2']);
    spec.given(base()).when(registerUnit('B1-0102', { areaM2: '-3.5' })).thenFails('AREA_NOT_POSITIVE', ['data', 'areaM2']);
  });
  it('refuses an implausibly large area', () => {
    spec.given(base()).when(registerUnit('B1-0102', { areaM2: '2000000' })).thenFails('AREA_TOO_LARGE', ['data', 'areaM2']);
  });
});

describe('ChangeUnitArea and ChangeUnitOwner', () => {
  it('bills the new area from the month it applies', () => {
    const state = stateOf(eventsOf([registerCommunity(), registerUnit('B1-0101'), adoptSchedule(), cmd('ChangeUnitArea', { unitId: 'B1-0101', areaM2: '100.00', from: '2025-03-01' })]));
    const feb = planBilling(state, '2025-02', meta('2025-03-01'), ctx);
    const mar = planBilling(state, '2025-03', meta('2025-04-01'), ctx);
    expect(E.isRight(feb) && feb.right.charges[0]?.command.data.amount).toBe('250.60');
    expect(E.isRight(mar) && mar.right.charges[0]?.command.data.amount).toBe('280.00');
  });
  it('refuses a change for an unknown unit', () => {
    spec.given(base()).when(cmd('ChangeUnitArea', { unitId: 'B9-9999', areaM2: '100.00', from: '2025-03-01' })).thenFails('UNIT_NOT_REGISTERED', ['data', 'unitId']);
    spec.given(base()).when(cmd('ChangeUnitOwner', { unitId: 'B9-9999', owner: { ownerId: 'o2', name: '李四' }, from: '2025-03-01' })).thenFails('UNIT_NOT_REGISTERED');
  });
  it('refuses a bad new area', () => {
    spec.given(base()).when(cmd('ChangeUnitArea', { unitId: 'B1-0101', areaM2: '0.00', from: '2025-03-01' })).thenFails('AREA_NOT_POSITIVE', ['data', 'areaM2']);
  });
  it('records a new owner from a date, and nothing for the same change again', () => {
    const change = cmd('ChangeUnitOwner', { unitId: 'B1-0101', owner: { ownerId: 'o2', name: '李四' }, from: '2025-03-01' });
    const [e] = spec.given(base()).when(change).then((events) => expect(events).toHaveLength(1));
    expect(e?.type).toBe('UnitOwnerChanged');
    spec.given([...base(), e!]).when(change).thenNothing();
  });
  it('refuses a change dated inside a closed period', () => {
    const events = [...base(), ...E.getOrElseW(() => [])(communityDecider.decide(closeQ1, stateOf(base()), closeCtx))];
    const err = spec
      .given(events)
      .when(cmd('ChangeUnitArea', { unitId: 'B1-0101', areaM2: '100.00', from: '2025-02-01' }, meta('2025-04-10')))
      .thenFails('PERIOD_CLOSED', ['data', 'from']);
    expect(err.message).toContain('2025-Q1');
    expect(err.message).toContain('meta.corrects');
  });
});

describe('AdoptFeeSchedule', () => {
  it('records the version with a canonical waiver limit', () => {
    spec
      .given(eventsOf([registerCommunity()]))
      .when(adoptSchedule())
      .then((events) => {
        expect(events[0]?.type).toBe('FeeScheduleAdopted');
        expect((events[0] as EventOf<'FeeScheduleAdopted'>).data.managerWaiverLimit).toBe('200.00');
        expect(events[0]?.meta.eventId).toBe(eventIdFor('FeeScheduleAdopted', [CID, '1']));
      });
  });
  it('decides nothing for the same version adopted again, and refuses a version that does not increase', () => {
    spec.given(base()).when(adoptSchedule()).thenNothing();
    spec.given(base()).when(adoptSchedule({ managerWaiverLimit: '300' })).thenFails('SCHEDULE_VERSION_NOT_INCREASING', ['data', 'version']);
    spec.given(base()).when(adoptSchedule({ version: 0, effectiveFrom: '2025-06-01', publishedOn: '2025-05-01' })).thenFails('SCHEDULE_VERSION_NOT_INCREASING');
  });
  it('refuses a schedule taking effect before it is published (公示)', () => {
    spec.given(eventsOf([registerCommunity()])).when(adoptSchedule({ publishedOn: '2025-02-01', effectiveFrom: '2025-01-01' })).thenFails('SCHEDULE_EFFECTIVE_BEFORE_PUBLISHED', ['data', 'effectiveFrom']);
  });
  const given = () => spec.given(eventsOf([registerCommunity()]));
  const items = scheduleData().items;
  it('refuses a negative price, naming the use type', () => {
    const bad = [{ ...items[0], pricing: { kind: 'area', byUseType: { residential: '-2.80', commercial: '6.50' } } }];
    given().when(adoptSchedule({ items: bad })).thenFails('PRICE_NEGATIVE', ['data', 'items', '0', 'pricing', 'byUseType', 'residential']);
  });
  it('refuses an item without a price for a use type it applies to', () => {
    const bad = [{ ...items[0], appliesTo: ['residential', 'office'] }];
    given().when(adoptSchedule({ items: bad })).thenFails('PRICE_NOT_FOUND', ['data', 'items', '0', 'pricing', 'byUseType', 'office']);
  });
  it('refuses a negative fixed amount', () => {
    const bad = [{ ...items[1], pricing: { kind: 'fixed', amountPerMonth: '-150.00' } }];
    given().when(adoptSchedule({ items: bad })).thenFails('AMOUNT_NEGATIVE');
  });
  it('refuses no items, a duplicate item and an item billed to nobody', () => {
    given().when(adoptSchedule({ items: [] })).thenFails('SCHEDULE_ITEMS_EMPTY', ['data', 'items']);
    given().when(adoptSchedule({ items: [items[0], items[0]] })).thenFails('FEE_ITEM_DUPLICATE', ['data', 'items', '1', 'feeItemId']);
    given().when(adoptSchedule({ items: [{ ...items[0], appliesTo: [] }] })).thenFails('FEE_ITEM_APPLIES_TO_NOTHING', ['data', 'items', '0', 'appliesTo']);
  });
  it('refuses a bad due rule and a bad penalty policy with their paths', () => {
    given().when(adoptSchedule({ dueRule: { kind: 'day-of-next-month', day: 0 } })).thenFails('DUE_RULE_INVALID', ['data', 'dueRule', 'day']);
    given()
      .when(adoptSchedule({ penalty: { enabled: true, dailyRate: '2', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' } }))
      .thenFails('PENALTY_RATE_INVALID', ['data', 'penalty', 'dailyRate']);
  });
  it('refuses a commission rate above 100% and a negative waiver limit', () => {
    given().when(adoptSchedule({ regime: { kind: 'commission', basis: 'percentage', rate: '1.5' } })).thenFails('COMMISSION_RATE_INVALID', ['data', 'regime', 'rate']);
    given().when(adoptSchedule({ managerWaiverLimit: '-1' })).thenFails('AMOUNT_NEGATIVE', ['data', 'managerWaiverLimit']);
    given().when(adoptSchedule({ regime: { kind: 'commission', basis: 'percentage', rate: '-0.01' } })).thenFails('COMMISSION_RATE_INVALID', ['data', 'regime', 'rate']);
    // '-0' is zero, as '0' is (decimal.js calls -0 negative)
    given().when(adoptSchedule({ regime: { kind: 'commission', basis: 'percentage', rate: '-0' } })).then((es) => expect(es[0]!.type).toBe('FeeScheduleAdopted'));
  });
  it('refuses a fixed commission per period, which no charge would carry (Revenue:Commission stayed 0.00), rather than adopting it and booking none of it', () => {
    given().when(adoptSchedule({ regime: { kind: 'commission', basis: 'fixed', amountPerPeriod: '100.00' } })).thenFails('COMMISSION_BASIS_UNSUPPORTED', ['data', 'regime', 'basis']);
  });
});

describe('RunBilling and planBilling', () => {
  const units = () =>
    eventsOf([
      registerCommunity(),
      registerUnit('B1-0101'),
      registerUnit('B1-0102', { useType: 'commercial', grade: 'office-A', areaM2: '120.00' }),
      registerUnit('P-001', { useType: 'parking', areaM2: '12.5' }),
      registerUnit('B1-0103', { handoverDate: '2025-03-15' }),
      registerUnit('B1-0104', { handoverDate: '2025-04-02' }),
      adoptSchedule(),
    ]);
  it('plans one charge per unit and applicable fee item, priced at the schedule in force', () => {
    const plan = planBilling(stateOf(units()), '2025-03', meta('2025-04-01'), ctx);
    expect(E.isRight(plan)).toBe(true);
    if (E.isLeft(plan)) return;
    const byUnit = Object.fromEntries(plan.right.charges.map((c) => [c.unitId, c.command.data]));
    expect(Object.keys(byUnit).sort()).toEqual(['B1-0101', 'B1-0102', 'B1-0103', 'P-001']); // B1-0104 not yet handed over
    expect(byUnit['B1-0101']).toMatchObject({ chargeId: 'property-2025-03', amount: '250.60', dueDate: '2025-04-15', periodStart: '2025-03-01', periodEnd: '2025-03-31', scheduleVersion: 1, regime: 'lump-sum', commission: '0.00' });
    expect(byUnit['B1-0102']).toMatchObject({ amount: '1080.00', calculation: { unitPrice: '9.00' } }); // grade price
    expect(byUnit['P-001']).toMatchObject({ chargeId: 'parking-2025-03', amount: '150.00', calculation: { basis: 'fixed' } });
    // handed over on 15 March: 17 of 31 days, 89.50 × 2.80 × 17/31 = 137.4258… → 137.43
    expect(byUnit['B1-0103']).toMatchObject({ amount: '137.43', calculation: { months: '17/31', unrounded: '4260.2/31' } });
    expect(plan.right.completed.data).toMatchObject({ periodKey: '2025-03', chargeCount: 4, total: '1618.03' });
  });
  it('records the run once: running it again decides nothing', () => {
    const [done] = spec.given(units()).when(cmd('RunBilling', { periodKey: '2025-03' }, meta('2025-04-01'))).then((events) => expect(events).toHaveLength(1));
    expect(done?.meta.eventId).toBe(eventIdFor('BillingRunCompleted', [CID, '2025-03']));
    spec.given([...units(), done!]).when(cmd('RunBilling', { periodKey: '2025-03' }, meta('2025-04-02'))).thenNothing();
  });
  it('refuses a period that starts before the schedule was published (公示)', () => {
    const late = eventsOf([registerCommunity(), registerUnit('B1-0101'), adoptSchedule({ publishedOn: '2025-03-10', effectiveFrom: '2025-03-20' })]);
    spec.given(late).when(cmd('RunBilling', { periodKey: '2025-03' }, meta('2025-04-01'))).thenFails('SCHEDULE_NOT_PUBLISHED', ['data', 'periodKey']);
  });
  it('bills a period from the version published by its start: one adopted mid-period applies from the next period', () => {
    // version 2 (3.00 a m² instead of 2.80) adopted on 10 March to take effect on 15 March
    const v2 = adoptSchedule(
      { version: 2, publishedOn: '2025-03-10', effectiveFrom: '2025-03-15', items: [{ feeItemId: 'property', name: '物业服务费', pricing: { kind: 'area', byUseType: { residential: '3.00', commercial: '6.50' } }, appliesTo: ['residential', 'commercial'] }] },
      meta('2025-03-10'),
    );
    const state = stateOf(eventsOf([registerCommunity(), registerUnit('B1-0101'), adoptSchedule(), v2]));
    const march = planBilling(state, '2025-03', meta('2025-04-01'), ctx);
    const april = planBilling(state, '2025-04', meta('2025-05-01'), ctx);
    if (E.isLeft(march) || E.isLeft(april)) throw new Error(`expected both planned: ${JSON.stringify([march, april])}`);
    // March from version 1: 89.50 × 2.80 = 250.60; April from version 2: 89.50 × 3.00 = 268.50
    expect(march.right.charges.map((c) => [c.command.data.scheduleVersion, c.command.data.amount])).toEqual([[1, '250.60']]);
    expect(april.right.charges.map((c) => [c.command.data.scheduleVersion, c.command.data.amount])).toEqual([[2, '268.50']]);
    const key = parsePeriodKey('2025-03');
    expect(E.isRight(key) && scheduleFor(state, key.right)?.data.version).toBe(1);
  });
  it('names the unpublished version when every version effective by the period end was published after it starts', () => {
    const late = eventsOf([registerCommunity(), registerUnit('B1-0101'), adoptSchedule({ publishedOn: '2025-03-10', effectiveFrom: '2025-03-20' })]);
    const e = spec.given(late).when(cmd('RunBilling', { periodKey: '2025-03' }, meta('2025-04-01'))).thenFails('SCHEDULE_NOT_PUBLISHED', ['data', 'periodKey']);
    expect(e.details).toEqual({ scheduleVersion: 1, publishedOn: '2025-03-10', periodStart: '2025-03-01' });
    // April starts after it was published: billed
    spec.given(late).when(cmd('RunBilling', { periodKey: '2025-04' }, meta('2025-05-01'))).then((es) => expect(es.length).toBeGreaterThan(0));
  });
  it('refuses a period with no schedule and a key of the wrong cycle', () => {
    spec.given(units()).when(cmd('RunBilling', { periodKey: '2024-12' }, meta('2025-04-01'))).thenFails('NO_FEE_SCHEDULE');
    spec.given(units()).when(cmd('RunBilling', { periodKey: '2025-Q1' }, meta('2025-04-01'))).thenFails('BILLING_CYCLE_MISMATCH');
  });
  it('prorates a mid-quarter handover: first month by days, later months whole', () => {
    const q = eventsOf([registerCommunity(), registerUnit('B1-0103', { handoverDate: '2025-02-15' }), adoptSchedule({ billingCycle: 'quarter' })]);
    const plan = planBilling(stateOf(q), '2025-Q1', meta('2025-04-01'), ctx);
    // 89.50 × 2.80 × (1 + 14/28) = 375.90
    expect(E.isRight(plan) && plan.right.charges[0]?.command.data).toMatchObject({ amount: '375.90', calculation: { months: '1+14/28' } });
  });
  it("splits the company's commission off each charge under 酬金制", () => {
    const c = eventsOf([registerCommunity(), registerUnit('B1-0101'), adoptSchedule({ regime: { kind: 'commission', basis: 'percentage', rate: '0.10' } })]);
    const plan = planBilling(stateOf(c), '2025-03', meta('2025-04-01'), ctx);
    expect(E.isRight(plan) && plan.right.charges[0]?.command.data).toMatchObject({ regime: 'commission', amount: '250.60', commission: '25.06' });
  });
  it('refuses billing a closed period', () => {
    const closed = E.getOrElseW(() => [])(communityDecider.decide(closeQ1, stateOf(units()), closeCtx));
    spec.given([...units(), ...closed]).when(cmd('RunBilling', { periodKey: '2025-03' }, meta('2025-04-10'))).thenFails('PERIOD_CLOSED');
  });
});

describe('billing beyond the largest exact amount (audit: a mid-quarter handover threw AMOUNT_TOO_LARGE at [])', () => {
  // 2^53 - 1 fen is 90,071,992,547,409.91: each month alone of 1,000,000 m² at 100,000,000 a m² fits
  // (a half month is 50,000,000,000,000.00), the first quarter of a unit handed over on 15 February does not
  const absurd = [{ feeItemId: 'property', name: '物业服务费', pricing: { kind: 'area', byUseType: { residential: '100000000' } }, appliesTo: ['residential'] }];
  const huge = () =>
    eventsOf([
      registerCommunity(),
      registerUnit('B1-0101'),
      registerUnit('B1-0103', { areaM2: '1000000', handoverDate: '2025-02-15' }),
      adoptSchedule({ billingCycle: 'quarter', items: absurd }),
    ]);
  const runQ1 = cmd('RunBilling', { periodKey: '2025-Q1' }, meta('2025-04-01'));
  it('refuses the run through planBilling, naming the unit, the fee item and the area, and plans no charge', () => {
    const plan = planBilling(stateOf(huge()), '2025-Q1', meta('2025-04-01'), ctx);
    expect(E.isLeft(plan)).toBe(true);
    if (E.isRight(plan)) return;
    expect(plan.left).toMatchObject({
      code: 'AMOUNT_TOO_LARGE',
      path: ['units', 'B1-0103', 'items', 'property', 'areaM2'],
      details: { areaM2: '1000000', pricePerM2PerMonth: '100000000', daysBilled: 14, daysInMonth: 28, wholeMonthsAfter: 1 },
    });
    expect(plan.left.message).toMatch(/^unit B1-0103, fee item property: 1000000 m² × 100000000 per m² per month × 1 \+ 14\/28 months .* beyond the largest amount/);
  });
  it('refuses RunBilling through the community decider with the same code and path', () => {
    spec.given(huge()).when(runQ1).thenFails('AMOUNT_TOO_LARGE', ['units', 'B1-0103', 'items', 'property', 'areaM2']);
  });
  it('writes nothing when the handler runs it: no charge on any account, no BillingRunCompleted', async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z', newId: (p: string) => `${p}-1` });
    const q1 = [registerCommunity(), registerUnit('B1-0101'), registerUnit('B1-0103', { areaM2: '1000000', handoverDate: '2025-02-15' }), adoptSchedule({ billingCycle: 'quarter', items: absurd })];
    for (const c of q1 as LevyCommand[]) {
      const r = await levy.handle(c, { communityId: CID });
      if (E.isLeft(r)) throw new Error(r.left.message);
    }
    const r = await levy.runBilling(CID, '2025-Q1', meta('2025-04-01'));
    expect(E.isLeft(r) && r.left).toMatchObject({ code: 'AMOUNT_TOO_LARGE', path: ['units', 'B1-0103', 'items', 'property', 'areaM2'] });
    const types: string[] = [];
    for await (const e of store.readAll()) types.push(e.type);
    expect(types).toEqual(['CommunityRegistered', 'UnitRegistered', 'UnitRegistered', 'FeeScheduleAdopted']);
    expect((await levy.readAccount(CID, 'B1-0101')).charges.size).toBe(0);
    expect((await levy.readCommunity(CID)).billingRuns.size).toBe(0);
  });
  it("refuses a run whose charges each fit but whose total does not, naming the charge that took it over", () => {
    // four units of 1,000,000 m² at 30,000,000 a m²: 30,000,000,000,000.00 each, the fourth takes the total past the limit
    const items = [{ ...absurd[0], pricing: { kind: 'area', byUseType: { residential: '30000000' } } }];
    const units = ['A', 'B', 'C', 'D'].map((id) => registerUnit(id, { areaM2: '1000000' }));
    const events = eventsOf([registerCommunity(), ...units, adoptSchedule({ items })]);
    const plan = planBilling(stateOf(events), '2025-03', meta('2025-04-01'), ctx);
    expect(E.isLeft(plan) && plan.left).toMatchObject({
      code: 'AMOUNT_TOO_LARGE',
      path: ['units', 'D', 'items', 'property'],
      details: { unitId: 'D', feeItemId: 'property', amount: '30000000000000.00', totalSoFar: '90000000000000.00' },
    });
    spec.given(events).when(cmd('RunBilling', { periodKey: '2025-03' }, meta('2025-04-01'))).thenFails('AMOUNT_TOO_LARGE', ['units', 'D', 'items', 'property']);
  });
  it('refuses, rather than throws, a commission beyond the limit from a schedule written with a rate above 1', () => {
    // the decider refuses such a rate (COMMISSION_RATE_INVALID); a log written elsewhere may still hold one
    const events = eventsOf([registerCommunity(), registerUnit('B1-0101'), adoptSchedule({ regime: { kind: 'commission', basis: 'percentage', rate: '0.10' } })]);
    const forged = events.map((e) => (e.type === 'FeeScheduleAdopted' ? { ...e, data: { ...e.data, regime: { ...e.data.regime, rate: '1000000000000' } } } : e)) as typeof events;
    const plan = planBilling(stateOf(forged), '2025-03', meta('2025-04-01'), ctx);
    expect(E.isLeft(plan) && plan.left).toMatchObject({ code: 'AMOUNT_TOO_LARGE', path: ['units', 'B1-0101', 'items', 'property', 'commission'], details: { amount: '250.60', rate: '1000000000000' } });
  });
  it('refuses a fixed amount per month, a waiver limit and an expenditure that pass the amount codec but not the exact range', () => {
    const given = () => spec.given(eventsOf([registerCommunity()]));
    const items = scheduleData().items;
    // 16 digits pass the codec; Money holds at most 90,071,992,547,409.91
    given()
      .when(adoptSchedule({ items: [items[0], { ...items[1], pricing: { kind: 'fixed', amountPerMonth: '9999999999999999.00' } }] }))
      .thenFails('AMOUNT_TOO_LARGE', ['data', 'items', '1', 'pricing', 'amountPerMonth']);
    given().when(adoptSchedule({ managerWaiverLimit: '9999999999999999' })).thenFails('AMOUNT_TOO_LARGE', ['data', 'managerWaiverLimit']);
    const approval = { approver: '业委会 王主任', approverRole: 'committee', reference: 'YWH-2025-07', date: '2025-02-02' };
    const spend = cmd('RecordExpenditure', { expenditureId: 'exp-1', category: 'elevators', amount: '9999999999999999', vendor: 'v', paidOn: '2025-02-05', description: 'd' }, meta('2025-02-05', { approval } as never));
    spec.given(base()).when(spend).thenFails('AMOUNT_TOO_LARGE', ['data', 'amount']);
  });
  it('refuses a fixed amount beyond the range in a schedule written elsewhere, naming the unit and fee item', () => {
    const events = eventsOf([registerCommunity(), registerUnit('P-001', { useType: 'parking', areaM2: '12.5' }), adoptSchedule()]);
    const forged = events.map((e) =>
      e.type === 'FeeScheduleAdopted' ? { ...e, data: { ...e.data, items: e.data.items.map((i) => (i.pricing.kind === 'fixed' ? { ...i, pricing: { ...i.pricing, amountPerMonth: '9999999999999999.00' } } : i)) } } : e,
    ) as typeof events;
    const plan = planBilling(stateOf(forged), '2025-03', meta('2025-04-01'), ctx);
    expect(E.isLeft(plan) && plan.left).toMatchObject({ code: 'AMOUNT_TOO_LARGE', path: ['units', 'P-001', 'items', 'parking', 'amountPerMonth'] });
  });
  it('records the exact fraction of a mid-quarter share that does not end (it was a 60-digit rounding), the amount unchanged', () => {
    // handed over on 17 April: 14 of 30 days, then May and June whole: 250.6 × (2 × 30 + 14) / 30 = 18544.4/30 = 618.1466… → 618.15
    const q2 = eventsOf([registerCommunity(), registerUnit('B1-0103', { handoverDate: '2025-04-17' }), adoptSchedule({ billingCycle: 'quarter' })]);
    const plan = planBilling(stateOf(q2), '2025-Q2', meta('2025-07-01'), ctx);
    expect(E.isRight(plan) && plan.right.charges[0]?.command.data).toMatchObject({ amount: '618.15', calculation: { months: '2+14/30', unrounded: '18544.4/30' } });
  });
});

describe('an area or a commission rate that is not a decimal (audit: dec threw when a command skipped the codec)', () => {
  it('refuses it with DECIMAL_INVALID at its field', () => {
    spec.given(eventsOf([registerCommunity()])).when(registerUnit('B1-0101', { areaM2: '1e3' })).thenFails('DECIMAL_INVALID', ['data', 'areaM2']);
    spec.given(base()).when(cmd('ChangeUnitArea', { unitId: 'B1-0101', areaM2: '90,5', from: '2025-02-01' }, meta('2025-02-01'))).thenFails('DECIMAL_INVALID', ['data', 'areaM2']);
    const schedule = scheduleData({ regime: { kind: 'commission', basis: 'percentage', rate: '10%' } });
    expect(validateSchedule(schedule as never)).toMatchObject(E.left({ code: 'DECIMAL_INVALID', path: ['data', 'regime', 'rate'] }));
  });
});

describe('ClosePeriod', () => {
  it('seals the totals and stream heads the handler gathered', () => {
    const [e] = DeciderSpecification.for(communityDecider, closeCtx).given(base()).when(closeQ1).then((events) => expect(events).toHaveLength(1));
    expect(e?.data).toMatchObject({ periodKey: '2025-Q1', periodStart: '2025-01-01', periodEnd: '2025-03-31', closedOn: '2025-04-05', totals: { billed: '250.60', collected: '200.00', penalties: '1.20' } });
    expect(E.isRight(decodeEvent(e))).toBe(true);
  });
  it('refuses without the gathered inputs', () => {
    DeciderSpecification.for(communityDecider, { ...ctx, now: closeCtx.now }).given(base()).when(closeQ1).thenFails('CLOSE_INPUTS_MISSING');
  });
  it('refuses a close dated after today in the community\'s zone: CLOSED_ON_IN_FUTURE', () => {
    // 2025-04-04T16:30Z is already April 5 in Shanghai, still April 4 in UTC
    const at = (now: string) => DeciderSpecification.for(communityDecider, { ...closeCtx, now: now as CommunityContext['now'] });
    at('2025-04-04T16:30:00Z').given(base()).when(closeQ1).then((events) => expect(events[0]!.type).toBe('PeriodClosed'));
    const err = at('2025-04-04T15:30:00Z').given(base()).when(closeQ1).thenFails('CLOSED_ON_IN_FUTURE', ['data', 'closedOn']);
    expect(err.details).toEqual({ closedOn: '2025-04-05', today: '2025-04-04', timeZone: 'Asia/Shanghai' });
    // the same close, already sealed, is still a no-op on any day
    const closed = [...base(), ...E.getOrElseW(() => [])(communityDecider.decide(closeQ1, stateOf(base()), closeCtx))];
    at('2025-04-04T15:30:00Z').given(closed).when(closeQ1).thenNothing();
  });
  it('refuses a period that has not ended, one already closed, one out of order and one of the wrong kind', () => {
    const c = DeciderSpecification.for(communityDecider, closeCtx);
    c.given(base()).when(cmd('ClosePeriod', { periodKey: '2025-Q1', closedOn: '2025-03-31' }, meta('2025-03-31'))).thenFails('PERIOD_NOT_ENDED', ['data', 'closedOn']);
    const closed = [...base(), ...E.getOrElseW(() => [])(communityDecider.decide(closeQ1, stateOf(base()), closeCtx))];
    c.given(closed).when(closeQ1).thenNothing();
    c.given(closed).when(cmd('ClosePeriod', { periodKey: '2025', closedOn: '2026-01-05' }, meta('2026-01-05'))).thenFails('PERIOD_KIND_MISMATCH');
    c.given(closed).when(cmd('ClosePeriod', { periodKey: '2025-Q3', closedOn: '2025-10-05' }, meta('2025-10-05'))).thenFails('PERIOD_CLOSE_OUT_OF_ORDER');
    c.given(closed).when(cmd('ClosePeriod', { periodKey: '2024-Q4', closedOn: '2025-10-05' }, meta('2025-10-05'))).thenFails('PERIOD_ALREADY_CLOSED');
  });
  it('refuses later commands dated inside the closed period, telling the clerk to book a correction', () => {
    const closed = [...base(), ...E.getOrElseW(() => [])(communityDecider.decide(closeQ1, stateOf(base()), closeCtx))];
    const lateUnit = cmd('RegisterUnit', registerUnit('B1-0109').data, meta('2025-02-10'));
    const err = spec.given(closed).when(lateUnit).thenFails('PERIOD_CLOSED', ['meta', 'effectiveDate']);
    expect(err.message).toMatch(/period 2025-Q1 .*closed.*open period \(from 2025-04-01\)/);
  });
});

describe('RecordExpenditure', () => {
  // decided on the day the money was paid out (the shared ctx reads 2025-03-01)
  const spec = DeciderSpecification.for(communityDecider, { ...ctx, now: '2025-03-05T02:00:00Z' as CommunityContext['now'] });
  const approval = { approver: '业委会 王主任', approverRole: 'committee', reference: 'YWH-2025-07', date: '2025-03-02' };
  const spend = (m = meta('2025-03-05', { approval } as never)) =>
    cmd('RecordExpenditure', { expenditureId: 'exp-1', category: 'elevators', amount: '3200', vendor: '迅达电梯', paidOn: '2025-03-05', description: '电梯年检' }, m);
  it('needs an approval', () => {
    spec.given(base()).when(spend(meta('2025-03-05'))).thenFails('APPROVAL_REQUIRED', ['meta', 'approval']);
  });
  it('records an approved expenditure with a canonical amount, once', () => {
    const [e] = spec.given(base()).when(spend()).then((events) => expect(events).toHaveLength(1));
    expect(e?.data).toMatchObject({ amount: '3200.00', category: 'elevators' });
    expect(e?.meta.approval).toEqual(approval);
    spec.given([...base(), e!]).when(spend()).thenNothing();
  });
  it('refuses a reused id with different details and an amount of zero', () => {
    const [e] = spec.given(base()).when(spend()).then(() => undefined);
    const other = cmd('RecordExpenditure', { expenditureId: 'exp-1', category: 'cleaning', amount: '10', vendor: 'v', paidOn: '2025-03-05', description: 'd' }, meta('2025-03-05', { approval } as never));
    spec.given([...base(), e!]).when(other).thenFails('EXPENDITURE_DUPLICATE', ['data', 'expenditureId']);
    const zero = cmd('RecordExpenditure', { expenditureId: 'exp-2', category: 'cleaning', amount: '0', vendor: 'v', paidOn: '2025-03-05', description: 'd' }, meta('2025-03-05', { approval } as never));
    spec.given(base()).when(zero).thenFails('AMOUNT_NOT_POSITIVE', ['data', 'amount']);
  });
  it('dates the expenditure the day the money left, however much later, or earlier, it was booked', () => {
    // paid March 3, booked March 5: the journal and the disclosure read it on March 3
    const late = cmd('RecordExpenditure', { expenditureId: 'exp-3', category: 'cleaning', amount: '100', vendor: 'v', paidOn: '2025-03-03', description: 'd' }, meta('2025-03-05', { approval } as never));
    const [e] = spec.given(base()).when(late).then((events) => expect(events).toHaveLength(1));
    expect([e?.meta.effectiveDate, (e?.data as { paidOn?: string } | undefined)?.paidOn]).toEqual(['2025-03-03', '2025-03-03']);
    // an effective date ahead of the payment does not move it either
    const ahead = { ...late, meta: meta('2025-12-31', { approval } as never) } as typeof late;
    const [f] = spec.given(base()).when(ahead).then(() => undefined);
    expect(f?.meta.effectiveDate).toBe('2025-03-03');
    // its retry is one
    spec.given([...base(), e!]).when(late).thenNothing();
  });
  it('refuses money not yet paid out: paidOn after today in the community zone is DATE_IN_FUTURE', () => {
    // 2025-03-04T16:30Z is already March 5, 00:30 in Shanghai: the 5th is today, the 6th is not
    const at = (now: string) => DeciderSpecification.for(communityDecider, { ...ctx, now: now as CommunityContext['now'] });
    at('2025-03-04T16:30:00Z').given(base()).when(spend()).then((events) => expect(events).toHaveLength(1));
    const err = at('2025-03-04T15:30:00Z').given(base()).when(spend()).thenFails('DATE_IN_FUTURE', ['data', 'paidOn']);
    expect(err.details).toEqual({ date: '2025-03-05', today: '2025-03-04', timeZone: 'Asia/Shanghai' });
    expect(err.message).toContain('2025-03-05 has not begun yet in Asia/Shanghai, where today is 2025-03-04');
  });
});

describe('DeciderSpecification', () => {
  it('throws an AssertionError with expected and actual when the events differ', () => {
    expect(() => spec.given([]).when(registerCommunity()).then([])).toThrow(SpecificationError);
    try {
      spec.given([]).when(registerCommunity()).then([]);
    } catch (e) {
      expect((e as SpecificationError).name).toBe('AssertionError');
      expect((e as SpecificationError).expected).toEqual([]);
    }
  });
  it('throws when a refusal was expected but events were decided, or the code differs', () => {
    expect(() => spec.given([]).when(registerCommunity()).thenFails('X')).toThrow(/expected a refusal X/);
    expect(() => spec.given([]).when(registerUnit('u')).thenFails('OTHER')).toThrow(/got COMMUNITY_NOT_REGISTERED/);
    expect(() => spec.given([]).when(registerUnit('u')).then([])).toThrow(/refused/);
  });
});
