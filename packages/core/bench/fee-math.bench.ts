// Fee math: penalty assessments/s and payment allocations/s on a realistic mix, each beside a
// naive decimal.js peer doing the same work (day-by-day penalty sum; greedy allocation), whose
// results must agree with Levy's before a figure is reported.
import Decimal from 'decimal.js';
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_PENALTY_POLICY, Money, allocatePayment, assessPenalty, type PenaltyInput, type Receivable } from '@levy/core';
import { report, timeIt } from './report.js';

const UNITS = 10_000;

/** deterministic pseudo-random integers (the bench must not read a random source either) */
const lcg = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed;
};

export const benchFeeMath = (): void => {
  benchPenalty();
  benchAllocation();
};

const benchPenalty = (): void => {
  const next = lcg(20251127);
  // one charge per unit: 100 to 5,000 yuan, 0 to 2 part payments, assessed 0 to 400 days late
  const inputs: PenaltyInput[] = [];
  for (let i = 0; i < UNITS; i++) {
    const principalFen = 10_000 + (next() % 490_000);
    const dueDate = 20_000 + (next() % 365);
    const late = next() % 400;
    const timeline = [];
    let outstanding = principalFen;
    for (let p = next() % 3, d = dueDate; p > 0; p--) {
      d += 1 + (next() % 60);
      outstanding = Math.floor(outstanding / 2);
      timeline.push({ from: d + 1, outstanding: Money.fromMinorUnits(outstanding) });
    }
    inputs.push({ principal: Money.fromMinorUnits(principalFen), dueDate, through: dueDate + late, principalTimeline: timeline, policy: DEFAULT_PENALTY_POLICY });
  }
  const rounds = 20;
  let levyTotal = Money.zero();
  const t = timeIt(() => {
    let acc = Money.zero();
    for (let r = 0; r < rounds; r++) {
      for (const input of inputs) {
        const a = assessPenalty(input);
        if (E.isLeft(a)) throw new Error(a.left.message);
        acc = acc.add(a.right.amount);
      }
    }
    levyTotal = acc;
  });
  // peer: decimal.js, one multiplication and addition per overdue day, rounded and capped at the end
  const rate = new Decimal('0.0003');
  let peerTotal = new Decimal(0);
  // the peer is slow: one round, compared against one round of Levy's
  const tPeer = timeIt(() => {
    let acc = new Decimal(0);
    for (const input of inputs) {
      let sum = new Decimal(0);
      const timeline = input.principalTimeline ?? [];
      for (let d = input.dueDate + 1; d <= input.through; d++) {
        let base = input.principal;
        for (const e of timeline) if (e.from <= d) base = e.outstanding;
        sum = sum.plus(new Decimal(base.toString()).times(rate));
      }
      const rounded = Decimal.min(sum.toDecimalPlaces(2, Decimal.ROUND_HALF_UP), input.principal.toString());
      acc = acc.plus(rounded);
    }
    peerTotal = acc;
  }, 1);
  let levyOneRound = Money.zero();
  for (const input of inputs) {
    const a = assessPenalty(input);
    if (E.isRight(a)) levyOneRound = levyOneRound.add(a.right.amount);
  }
  if (levyOneRound.timesInteger(rounds).toString() !== levyTotal.toString()) throw new Error('penalty rounds disagree');
  if (levyOneRound.toString() !== peerTotal.toFixed(2)) throw new Error(`penalty totals disagree: ${levyOneRound.toString()} vs ${peerTotal.toFixed(2)}`);
  const n = rounds * inputs.length;
  report({
    name: 'penalty assessments (0-2 part payments, 0-400 days)',
    value: n / t,
    unit: 'assessments/s',
    baseline: { name: 'decimal.js day-by-day', value: inputs.length / tPeer, unit: 'assessments/s' },
  });
};

const benchAllocation = (): void => {
  const next = lcg(7);
  // a unit owing 6 months of fees with penalties on each: 12 receivables, paying part, all, or more
  const cases: { payment: Money; owed: Receivable[] }[] = [];
  for (let i = 0; i < UNITS; i++) {
    const owed: Receivable[] = [];
    let total = 0;
    for (let m = 0; m < 6; m++) {
      const dueDate = 20_000 + m * 30;
      const principal = 10_000 + (next() % 40_000);
      const penalty = next() % 2_000;
      total += principal + penalty;
      owed.push({ chargeId: `c${m}`, kind: 'principal', dueDate, outstanding: Money.fromMinorUnits(principal) });
      owed.push({ chargeId: `c${m}`, kind: 'penalty', dueDate, outstanding: Money.fromMinorUnits(penalty) });
    }
    cases.push({ payment: Money.fromMinorUnits(1 + (next() % Math.floor(total * 1.2))), owed });
  }
  const rounds = 20;
  let levyCredit = Money.zero();
  const t = timeIt(() => {
    let acc = Money.zero();
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) {
        const a = allocatePayment(c.payment, c.owed);
        if (E.isLeft(a)) throw new Error(a.left.message);
        acc = acc.add(a.right.credit);
      }
    }
    levyCredit = acc;
  });
  // peer: the same greedy order in decimal.js
  let peerCredit = new Decimal(0);
  const tPeer = timeIt(() => {
    let acc = new Decimal(0);
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) {
        const queue = [...c.owed.filter((o) => o.kind === 'principal'), ...c.owed.filter((o) => o.kind === 'penalty')].sort(
          (a, b) => (a.kind === b.kind ? a.dueDate - b.dueDate : a.kind === 'principal' ? -1 : 1),
        );
        let left = new Decimal(c.payment.toString());
        const parts: { id: string; amount: Decimal }[] = [];
        for (const o of queue) {
          if (left.lessThanOrEqualTo(0)) break;
          const amount = Decimal.min(left, o.outstanding.toString());
          if (amount.greaterThan(0)) parts.push({ id: o.chargeId, amount });
          left = left.minus(amount);
        }
        acc = acc.plus(left);
      }
    }
    peerCredit = acc;
  }, 1);
  if (levyCredit.toString() !== peerCredit.toFixed(2)) throw new Error(`allocation credits disagree: ${levyCredit.toString()} vs ${peerCredit.toFixed(2)}`);
  const n = rounds * cases.length;
  report({ name: 'payment allocations (12 receivables, oldest-first)', value: n / t, unit: 'allocations/s', baseline: { name: 'decimal.js greedy', value: n / tPeer, unit: 'allocations/s' } });
};
