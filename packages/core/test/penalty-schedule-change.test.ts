import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { type EventStore, type LevyCommand, DEFAULT_ACCOUNT_POLICY, accountDecider, accountPolicyFrom, createLevy, openMemoryEventStore } from '@levy/core';
import { CID, adoptSchedule, cmd, meta, registerCommunity, registerUnit } from './community-fixtures.js';

let ids = 0;
const newId = (p: string) => `${p}-${++ids}`;
const UNIT = { communityId: CID, unitId: 'B1-0101' };
const JUNE_RATE = { enabled: true, dailyRate: '0.003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' };

/** A community billed for March (89.50 m² × 2.80 = 250.60, due April 15) whose second schedule takes effect June 1. */
const setUp = async (v2: Record<string, unknown>, store: EventStore = openMemoryEventStore()) => {
  const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z', newId });
  const second = adoptSchedule({ version: 2, publishedOn: '2025-05-01', effectiveFrom: '2025-06-01', ...v2 }, meta('2025-05-01'));
  for (const c of [registerCommunity(), registerUnit('B1-0101'), adoptSchedule(), second] as LevyCommand[]) {
    const r = await levy.handle(c, { communityId: CID });
    if (E.isLeft(r)) throw new Error(r.left.message);
  }
  const billed = await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
  if (E.isLeft(billed)) throw new Error(billed.left.message);
  return store;
};

const assessOn = async (store: EventStore, day: string) => {
  const levy = createLevy(store, { clock: () => `${day}T14:00:00Z`, newId });
  const r = await levy.handle(cmd('AssessPenalty', { asOf: day }, meta(day)), UNIT);
  if (E.isLeft(r)) throw new Error(`${r.left.code}: ${r.left.message}`);
  return r.right.events.map((e) => {
    const d = e.data as { from: string; to: string; days: number; dailyRate: string; amount: string };
    return [e.type, d.from, d.to, d.days, d.dailyRate, d.amount];
  });
};

describe('an assessment across a change of schedule', () => {
  it('counts each day at the daily rate in force that day, one PenaltyAssessed a stretch', async () => {
    const store = await setUp({ penalty: JUNE_RATE });
    // April 16 to May 31 under version 1: 250.60 × 0.0003 × 46 = 3.45828 → 3.46;
    // June 1 to 30 under version 2: 250.60 × 0.003 × 30 = 22.554 → 22.55 (all 76 days at June's rate would be 57.14)
    expect(await assessOn(store, '2025-06-30')).toEqual([
      ['PenaltyAssessed', '2025-04-16', '2025-05-31', 46, '0.0003', '3.46'],
      ['PenaltyAssessed', '2025-06-01', '2025-06-30', 30, '0.003', '22.55'],
    ]);
    // the same assessment again appends nothing
    expect(await assessOn(store, '2025-06-30')).toEqual([]);
    // and the next one goes on from July 1 at June's rate: 250.60 × 0.003 × 31 = 23.3058 → 23.31
    expect(await assessOn(store, '2025-07-31')).toEqual([['PenaltyAssessed', '2025-07-01', '2025-07-31', 31, '0.003', '23.31']]);
  });

  it('is one stretch when the new schedule keeps the penalty policy (a price change)', async () => {
    const store = await setUp({
      items: [{ feeItemId: 'property', name: '物业服务费', pricing: { kind: 'area', byUseType: { residential: '3.50', commercial: '6.50' }, byGrade: { 'office-A': '9.00' } }, appliesTo: ['residential', 'commercial'] }],
    });
    // 250.60 × 0.0003 × 76 = 5.71368 → 5.71
    expect(await assessOn(store, '2025-06-30')).toEqual([['PenaltyAssessed', '2025-04-16', '2025-06-30', 76, '0.0003', '5.71']]);
  });

  it('keeps the cap across the stretches: the later stretch is capped by what the earlier ones assessed', async () => {
    // version 1 at 1% a day capped at 10.00; version 2 from June 1 at 2% a day, the same cap
    const cap = { kind: 'absolute', amount: '10.00' };
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z', newId });
    const v1 = adoptSchedule({ penalty: { enabled: true, dailyRate: '0.01', graceDays: 0, cap, rounding: 'half-up' } });
    const v2 = adoptSchedule({ version: 2, publishedOn: '2025-04-01', effectiveFrom: '2025-04-20', penalty: { enabled: true, dailyRate: '0.02', graceDays: 0, cap, rounding: 'half-up' } }, meta('2025-04-01'));
    for (const c of [registerCommunity(), registerUnit('B1-0101'), v1, v2] as LevyCommand[]) {
      const r = await levy.handle(c, { communityId: CID });
      if (E.isLeft(r)) throw new Error(r.left.message);
    }
    const billed = await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
    if (E.isLeft(billed)) throw new Error(billed.left.message);
    // April 16 to 19 at 1%: 250.60 × 0.01 × 4 = 10.024, capped at 10.00; April 20 on at 2%: nothing left under the cap
    const events = await assessOn(store, '2025-04-30');
    expect(events).toEqual([['PenaltyAssessed', '2025-04-16', '2025-04-19', 4, '0.01', '10.00']]);
  });

  it('is the decider reading the history the handler gives; without one every day is at the policy of the assessment day', () => {
    const junePolicy = accountPolicyFrom({ ...(adoptSchedule().data as object), penalty: JUNE_RATE } as never);
    const ctx = { now: '2025-06-30T14:00:00Z', newId, communityId: CID, unitId: 'B1-0101', policy: junePolicy, closedThrough: null, timeZone: 'Asia/Shanghai' } as const;
    const issue = cmd('IssueCharge', {
      feeItemId: 'property',
      periodKey: '2025-03',
      periodStart: '2025-03-01',
      periodEnd: '2025-03-31',
      dueDate: '2025-04-15',
      amount: '250.60',
      calculation: { basis: 'area', quantity: '89.50', unitPrice: '2.80', months: '1', unrounded: '250.60', rounding: 'half-up' },
      scheduleVersion: 1,
      regime: 'lump-sum',
      commission: '0',
    }, meta('2025-04-01'));
    const issued = accountDecider.decide(issue as never, accountDecider.initialState(), ctx as never);
    if (E.isLeft(issued)) throw new Error(issued.left.message);
    const state = issued.right.reduce(accountDecider.evolve, accountDecider.initialState());
    const assess = cmd('AssessPenalty', { asOf: '2025-06-30' }, meta('2025-06-30'));
    const amounts = (context: object) => {
      const r = accountDecider.decide(assess as never, state, context as never);
      return E.isRight(r) ? r.right.map((e) => (e.data as { amount: string }).amount) : r.left.code;
    };
    expect(amounts(ctx)).toEqual(['57.14']);
    const history = [
      { from: 0, penalty: DEFAULT_ACCOUNT_POLICY.penalty },
      { from: 20240, penalty: junePolicy.penalty }, // 2025-06-01
    ];
    expect(amounts({ ...ctx, penaltyHistory: history })).toEqual(['3.46', '22.55']);
  });
});
