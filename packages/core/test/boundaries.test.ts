// the exact edges of two fee-math rules, each on the line where a rule's "at least" and "more
// than" part: a penalty that just fills the cap's headroom, and a product that is exactly half a fen
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_PENALTY_POLICY, Money, assessPenalty, type PenaltyAssessment, type PenaltyInput } from '@levy/core';

const ok = (input: PenaltyInput): PenaltyAssessment => {
  const r = assessPenalty(input);
  if (E.isLeft(r)) throw new Error(`expected an assessment, got ${r.left.code}: ${r.left.message}`);
  return r.right;
};

describe('the penalty cap binds only when the penalty would exceed its headroom (docs/fee-math.md, cappedBy)', () => {
  // 1,000.00 due on day 20000, capped at the principal, 985.90 already assessed: 14.10 of headroom
  const input = (through: number): PenaltyInput => ({
    principal: Money.of('1000.00'),
    dueDate: 20000,
    through,
    alreadyAssessed: Money.of('985.90'),
    policy: DEFAULT_PENALTY_POLICY,
  });

  it('does not bind a penalty exactly equal to the headroom: 1,000.00 × 0.0003 × 47 = 14.10, cappedBy null', () => {
    const a = ok(input(20047));
    expect(a.days).toBe(47);
    expect(a.unrounded).toBe('14.1');
    expect(a.amount.toString()).toBe('14.10');
    expect(a.cappedBy).toBeNull();
  });

  it('binds one day later: 1,000.00 × 0.0003 × 48 = 14.40 is above 14.10, so 14.10 with cappedBy 14.10', () => {
    const a = ok(input(20048));
    expect(a.days).toBe(48);
    expect(a.unrounded).toBe('14.4');
    expect(a.amount.toString()).toBe('14.10');
    expect(a.cappedBy?.toString()).toBe('14.10');
  });
});

describe('half a fen rounds away from zero half-up, to even half-even, whatever the factor\'s precision', () => {
  // 0.0000152587890625 is 2^-16 exactly, 16 decimal places: 327.68 / 65,536 = 0.005, exactly half a fen
  const twoToTheMinus16 = '0.0000152587890625';

  it('rounds 327.68 × 2^-16 = 0.005 up to 0.01 half-up, the default, and -0.005 to -0.01', () => {
    expect(Money.of('327.68').times(twoToTheMinus16).toString()).toBe('0.01');
    expect(Money.of('327.68').times(twoToTheMinus16, 'half-up').toString()).toBe('0.01');
    expect(Money.of('-327.68').times(twoToTheMinus16).toString()).toBe('-0.01');
    expect(Money.of('327.68').timesUnrounded(twoToTheMinus16)).toBe('0.005');
  });

  it('rounds the same 0.005 to 0.00 half-even (0 is even), and just under half a fen down half-up', () => {
    expect(Money.of('327.68').times(twoToTheMinus16, 'half-even').toString()).toBe('0.00');
    // 327.67 / 65,536 = 0.00499984...: under half a fen
    expect(Money.of('327.67').times(twoToTheMinus16).toString()).toBe('0.00');
  });
});
