import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Decimal from 'decimal.js';
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_PENALTY_POLICY, Money, assessPenalty, type PenaltyAssessment, type PenaltyCap, type PenaltyInput, type PenaltyPolicy } from '@levy/core';
import { runs } from '../../testkit/test/support/properties.js';

const RUN = { numRuns: runs(200) } as const;
const ok = (input: PenaltyInput): PenaltyAssessment => {
  const r = assessPenalty(input);
  if (E.isLeft(r)) throw new Error(`${r.left.code}: ${r.left.message}`);
  return r.right;
};
const fen = (n: number): Money => Money.fromMinorUnits(n);

const rate = fc.constantFrom('0.0003', '0.0005', '0.001', '0.003', '0.00025', '0');
const cap: fc.Arbitrary<PenaltyCap> = fc.oneof(
  fc.constant<PenaltyCap>({ kind: 'principal' }),
  fc.constant<PenaltyCap>({ kind: 'none' }),
  fc.integer({ min: 0, max: 5_000_00 }).map((n): PenaltyCap => ({ kind: 'absolute', amount: fen(n) })),
  fc.integer({ min: 0, max: 200 }).map((n): PenaltyCap => ({ kind: 'percentage', percent: String(n) })),
);
const policy: fc.Arbitrary<PenaltyPolicy> = fc.record({
  dailyRate: rate,
  graceDays: fc.integer({ min: 0, max: 15 }),
  cap,
  rounding: fc.constantFrom('half-up', 'half-even', 'down', 'up'),
});

/** a charge: principal in fen, due date, and part payments as (days after due, fen paid) */
const charge = fc
  .record({
    principalFen: fc.integer({ min: 0, max: 10_000_000 }),
    dueDate: fc.integer({ min: 18_000, max: 22_000 }),
    payments: fc.array(fc.record({ after: fc.integer({ min: -10, max: 400 }), share: fc.integer({ min: 0, max: 100 }) }), { maxLength: 5 }),
  })
  .map(({ principalFen, dueDate, payments }) => {
    // a timeline of strictly increasing days and falling outstanding principal, each payment counted from the next day
    const days = [...new Set(payments.map((p) => p.after))].sort((a, b) => a - b);
    let outstanding = principalFen;
    const timeline = days.map((after, i) => {
      outstanding -= Math.floor((outstanding * (payments[i]?.share ?? 0)) / 100);
      return { from: dueDate + after + 1, outstanding: fen(outstanding) };
    });
    return { principal: fen(principalFen), dueDate, principalTimeline: timeline };
  });

const capTotal = (c: PenaltyCap, principal: Money): Money | null =>
  c.kind === 'none' ? null : c.kind === 'principal' ? principal : c.kind === 'absolute' ? c.amount : principal.times([c.percent, '0.01'], 'down');

describe('penalty properties', () => {
  it('is zero however late it is assessed when the principal was paid off by the due date plus grace', () => {
    // payments (part ones too) that bring the principal to zero on or before due + grace: no day is
    // chargeable, whatever day the assessment runs through (a decider that ignored payments fails here)
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 18_000, max: 22_000 }),
        policy,
        fc.array(fc.integer({ min: 1, max: 99 }), { maxLength: 3 }),
        fc.integer({ min: -30, max: 0 }),
        fc.integer({ min: 1, max: 800 }),
        (principalFen, dueDate, p, shares, lastPaid, later) => {
          const paidOff = dueDate + p.graceDays + lastPaid;
          // part payments on days before the last, then the rest on paidOff (counted from the day after)
          let outstanding = principalFen;
          const timeline = shares.map((share, i) => {
            outstanding -= Math.floor((outstanding * share) / 100);
            return { from: paidOff - shares.length + i, outstanding: fen(outstanding) };
          });
          timeline.push({ from: paidOff + 1, outstanding: Money.zero() });
          const a = ok({ principal: fen(principalFen), dueDate, principalTimeline: timeline, through: paidOff + later, policy: p });
          expect(a.amount.isZero()).toBe(true);
        },
      ),
      RUN,
    );
  });
  it('is zero when paid by the due date plus grace', () => {
    fc.assert(
      fc.property(charge, policy, fc.integer({ min: -60, max: 0 }), (c, p, early) => {
        const a = ok({ ...c, through: c.dueDate + p.graceDays + early, policy: p });
        expect(a.days).toBe(0);
        expect(a.amount.isZero()).toBe(true);
      }),
      RUN,
    );
  });

  it('is never negative and never above the cap, earlier assessments included', () => {
    fc.assert(
      fc.property(charge, policy, fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 2_000_00 }), (c, p, late, alreadyFen) => {
        const already = fen(alreadyFen);
        const a = ok({ ...c, through: c.dueDate + p.graceDays + late, alreadyAssessed: already, policy: p });
        expect(a.amount.isNegative()).toBe(false);
        const limit = capTotal(p.cap, c.principal);
        if (limit !== null) expect(a.amount.lessThanOrEqual(Money.max(limit.subtract(already), Money.zero()))).toBe(true);
        if (a.cappedBy !== null) expect(a.amount.equals(a.cappedBy)).toBe(true);
      }),
      RUN,
    );
  });

  it('is monotone in days: a later payment date never owes less', () => {
    fc.assert(
      fc.property(charge, policy, fc.integer({ min: -20, max: 1_000 }), fc.integer({ min: 0, max: 400 }), (c, p, late, more) => {
        const earlier = ok({ ...c, through: c.dueDate + late, policy: p });
        const later = ok({ ...c, through: c.dueDate + late + more, policy: p });
        expect(later.amount.greaterThanOrEqual(earlier.amount)).toBe(true);
        expect(new Decimal(later.unrounded).greaterThanOrEqualTo(earlier.unrounded)).toBe(true);
      }),
      RUN,
    );
  });

  it('is linear in the base before rounding: unrounded(k·base) = k·unrounded(base)', () => {
    fc.assert(
      fc.property(charge, policy, fc.integer({ min: 0, max: 800 }), fc.integer({ min: 0, max: 50 }), (c, p, late, k) => {
        const through = c.dueDate + late;
        const one = ok({ ...c, through, policy: p });
        const scaled = ok({
          principal: c.principal.timesInteger(k),
          dueDate: c.dueDate,
          principalTimeline: c.principalTimeline.map((e) => ({ from: e.from, outstanding: e.outstanding.timesInteger(k) })),
          through,
          policy: p,
        });
        expect(new Decimal(scaled.unrounded).equals(new Decimal(one.unrounded).times(k))).toBe(true);
        // and the exact sum is the sum of the segments
        const sum = one.segments.reduce((acc, s) => acc.plus(s.unrounded), new Decimal(0));
        expect(sum.equals(one.unrounded)).toBe(true);
        expect(one.segments.reduce((n, s) => n + s.days, 0)).toBe(one.days);
      }),
      RUN,
    );
  });

  it('changes the total by at most one fen per piece when the interval is split into contiguous assessments', () => {
    fc.assert(
      fc.property(charge, policy, fc.integer({ min: 0, max: 800 }), fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 6 }), (c, p, late, cutsRaw) => {
        const start = c.dueDate + p.graceDays + 1;
        const through = start + late;
        const whole = ok({ ...c, through, policy: p });
        const cuts = [...new Set(cutsRaw.map((x) => start + (x % (late + 1))))].sort((a, b) => a - b).filter((x) => x < through);
        let from = start;
        let total = Money.zero();
        const ends = [...cuts, through];
        for (const to of ends) {
          const piece = ok({ ...c, from, through: to, alreadyAssessed: total, policy: p });
          expect(piece.from).toBe(from);
          total = total.add(piece.amount);
          from = to + 1;
        }
        const gap = total.subtract(whole.amount).abs();
        expect(gap.lessThanOrEqual(fen(ends.length))).toBe(true);
      }),
      RUN,
    );
  });

  it('charges 0.0003 of the base a day when the base never changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 1_000 }), (principalFen, late) => {
        const a = ok({ principal: fen(principalFen), dueDate: 20_000, through: 20_000 + late, policy: { ...DEFAULT_PENALTY_POLICY, cap: { kind: 'none' } } });
        const exact = new Decimal(principalFen).dividedBy(100).times('0.0003').times(late);
        expect(a.unrounded).toBe(exact.toString());
        expect(a.amount.toString()).toBe(exact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2));
      }),
      RUN,
    );
  });
});
