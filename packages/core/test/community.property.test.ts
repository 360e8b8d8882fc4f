import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { type CommunityCommand, Money, canonicalJson, epochDayOf, isoDateOf, parsePeriodKey, planBilling } from '@levy/core';
import { adoptSchedule, ctx, eventsOf, meta, registerCommunity, registerUnit, stateOf } from './community-fixtures.js';
import { runs } from '../../testkit/test/support/properties.js';

const unitArb = fc.record({
  area: fc.tuple(fc.integer({ min: 20, max: 400 }), fc.integer({ min: 0, max: 99 })).map(([w, f]) => `${w}.${String(f).padStart(2, '0')}`),
  useType: fc.constantFrom('residential', 'commercial', 'parking', 'office'),
  graded: fc.boolean(),
  // handover anywhere from 2024 to the end of 2025
  handover: fc.integer({ min: epochDayOf(2024, 1, 1), max: epochDayOf(2025, 12, 31) }),
});

const community = (units: readonly { area: string; useType: string; graded: boolean; handover: number }[], cycle: 'month' | 'quarter') =>
  stateOf(
    eventsOf([
      registerCommunity(),
      ...units.map((u, i) =>
        registerUnit(`U${i}`, { areaM2: u.area, useType: u.useType, handoverDate: isoDateOf(u.handover), ...(u.graded && u.useType === 'commercial' ? { grade: 'office-A' } : {}) }),
      ),
      adoptSchedule({ billingCycle: cycle }),
    ] as CommunityCommand[]),
  );

describe('planBilling, for any community', () => {
  it('totals its charges, bills each handed-over unit once per applicable item, and plans the same twice', () => {
    fc.assert(
      fc.property(fc.array(unitArb, { maxLength: 25, size: 'max' }), fc.integer({ min: 1, max: 12 }), fc.boolean(), (units, month, quarterly) => {
        const key = quarterly ? `2025-Q${Math.ceil(month / 3)}` : `2025-${String(month).padStart(2, '0')}`;
        const period = parsePeriodKey(key);
        if (E.isLeft(period)) return false;
        const state = community(units, quarterly ? 'quarter' : 'month');
        const plan = planBilling(state, key, meta('2026-01-01'), ctx);
        if (E.isLeft(plan)) return false;
        const { charges, completed } = plan.right;
        expect(completed.data.total).toBe(Money.sum(charges.map((c) => Money.of(c.command.data.amount))).toString());
        expect(completed.data.chargeCount).toBe(charges.length);
        // residential and commercial units pay the property fee, parking spaces the parking fee, offices nothing in this schedule
        const expected = units.flatMap((u, i) => (u.handover <= period.right.end && u.useType !== 'office' ? [`U${i}`] : [])).sort();
        expect(charges.map((c) => c.unitId).sort()).toEqual(expected);
        for (const c of charges) {
          expect(Money.of(c.command.data.amount).isPositive()).toBe(true);
          expect(c.command.data.chargeId).toBe(`${c.command.data.feeItemId}-${key}`);
        }
        expect(canonicalJson(planBilling(state, key, meta('2026-01-01'), ctx))).toBe(canonicalJson(plan));
        return true;
      }),
      { numRuns: runs(150) },
    );
  });
  it('never bills a unit handed over mid-period more than a unit there all period', () => {
    fc.assert(
      fc.property(unitArb, fc.integer({ min: 1, max: 12 }), (u, month) => {
        const key = `2025-${String(month).padStart(2, '0')}`;
        const full = planBilling(community([{ ...u, useType: 'residential', handover: epochDayOf(2020, 1, 1) }], 'month'), key, meta('2026-01-01'), ctx);
        const part = planBilling(community([{ ...u, useType: 'residential' }], 'month'), key, meta('2026-01-01'), ctx);
        if (E.isLeft(full) || E.isLeft(part)) return false;
        const whole = Money.of(full.right.charges[0]!.command.data.amount);
        const first = part.right.charges[0];
        return first === undefined || Money.of(first.command.data.amount).lessThanOrEqual(whole);
      }),
      { numRuns: runs(150) },
    );
  });
});
