import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_PENALTY_POLICY, Money, assessPenalty, validatePenaltyPolicy, type DomainError, type PenaltyAssessment, type PenaltyInput, type PenaltyPolicy } from '@levy/core';

// epoch day of an ISO date, for readable examples (tests only: the core takes epoch days as input)
const day = (iso: string): number => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
const ok = (input: PenaltyInput): PenaltyAssessment => {
  const r = assessPenalty(input);
  if (E.isLeft(r)) throw new Error(`expected an assessment, got ${r.left.code}: ${r.left.message}`);
  return r.right;
};
const refused = (input: PenaltyInput): DomainError => {
  const r = assessPenalty(input);
  if (E.isRight(r)) throw new Error('expected a refusal');
  return r.left;
};
const policy = (over: Partial<PenaltyPolicy>): PenaltyPolicy => ({ ...DEFAULT_PENALTY_POLICY, ...over });
const thousand = Money.of('1000.00');
const due = day('2025-03-15');

describe('penalty days (from the day after due date + grace, through the payment date, both counted)', () => {
  it('charges no penalty when paid on the due date', () => {
    const a = ok({ principal: thousand, dueDate: due, through: due, policy: DEFAULT_PENALTY_POLICY });
    expect(a.days).toBe(0);
    expect(a.segments).toEqual([]);
    expect(a.amount.isZero()).toBe(true);
    expect(a.unrounded).toBe('0');
  });
  it('charges one day when paid the day after the due date: 1,000.00 × 0.0003 = 0.30', () => {
    const a = ok({ principal: thousand, dueDate: due, through: due + 1, policy: DEFAULT_PENALTY_POLICY });
    expect(a).toMatchObject({ from: due + 1, to: due + 1, days: 1, unrounded: '0.3', cappedBy: null });
    expect(a.amount.toString()).toBe('0.30');
  });
  it('charges a unit paid 47 days late 14.10 at 日万分之三', () => {
    const a = ok({ principal: thousand, dueDate: due, through: due + 47, policy: DEFAULT_PENALTY_POLICY });
    expect(a.days).toBe(47);
    expect(a.unrounded).toBe('14.1');
    expect(a.amount.toString()).toBe('14.10');
    expect(a.segments).toHaveLength(1);
    expect(a.segments[0]).toMatchObject({ from: due + 1, to: due + 47, days: 47, unrounded: '14.1' });
    expect(a.segments[0]!.base.toString()).toBe('1000.00');
  });
  it('reproduces the published 千分之三 example: 10,000.00 overdue 300 days is 9,000.00, under the principal cap', () => {
    const a = ok({ principal: Money.of('10000.00'), dueDate: due, through: due + 300, policy: policy({ dailyRate: '0.003' }) });
    expect(a.amount.toString()).toBe('9000.00');
    expect(a.cappedBy).toBeNull();
  });
  it('counts nothing inside the grace days and starts the day after they end', () => {
    const grace = policy({ graceDays: 5 });
    expect(ok({ principal: thousand, dueDate: due, through: due + 5, policy: grace }).amount.isZero()).toBe(true);
    const a = ok({ principal: thousand, dueDate: due, through: due + 6, policy: grace });
    expect(a).toMatchObject({ from: due + 6, to: due + 6, days: 1 });
    expect(a.amount.toString()).toBe('0.30');
  });
  it('counts 29 February in a leap year: due 15 Feb 2024, paid 15 Mar 2024 is 29 days, 8.70', () => {
    const a = ok({ principal: thousand, dueDate: day('2024-02-15'), through: day('2024-03-15'), policy: DEFAULT_PENALTY_POLICY });
    expect(a.days).toBe(29);
    expect(a.amount.toString()).toBe('8.70');
    const b = ok({ principal: thousand, dueDate: day('2023-02-15'), through: day('2023-03-15'), policy: DEFAULT_PENALTY_POLICY });
    expect(b.days).toBe(28);
    expect(b.amount.toString()).toBe('8.40');
  });
  it('runs from a month-end due date: due 31 Jan 2025, paid 28 Feb 2025 is 28 days', () => {
    const a = ok({ principal: thousand, dueDate: day('2025-01-31'), through: day('2025-02-28'), policy: DEFAULT_PENALTY_POLICY });
    expect(a.from).toBe(day('2025-02-01'));
    expect(a.days).toBe(28);
    expect(a.amount.toString()).toBe('8.40');
  });
});

describe('penalty base (principal unpaid at the start of each day)', () => {
  it('lowers the base from the day after a part payment halfway: 6.90 + 3.45 = 10.35', () => {
    // 500.00 paid on day 23 of 46 overdue: days 1..23 on 1,000.00, days 24..46 on 500.00
    const a = ok({
      principal: thousand,
      dueDate: due,
      through: due + 46,
      principalTimeline: [{ from: due + 24, outstanding: Money.of('500.00') }],
      policy: DEFAULT_PENALTY_POLICY,
    });
    expect(a.segments.map((s) => [s.from - due, s.to - due, s.days, s.base.toString(), s.unrounded])).toEqual([
      [1, 23, 23, '1000.00', '6.9'],
      [24, 46, 23, '500.00', '3.45'],
    ]);
    expect(a.unrounded).toBe('10.35');
    expect(a.amount.toString()).toBe('10.35');
  });
  it('rounds once per assessment, not per segment', () => {
    // rounding each segment would give 0.50 + 0.50 = 1.00 only by luck; the rule rounds the exact sum
    const a = ok({
      principal: Money.of('333.35'),
      dueDate: due,
      through: due + 10,
      principalTimeline: [{ from: due + 6, outstanding: Money.of('333.33') }],
      policy: DEFAULT_PENALTY_POLICY,
    });
    // 333.35 × 0.0003 × 5 = 0.500025; 333.33 × 0.0003 × 5 = 0.499995; sum 1.00002 → 1.00
    expect(a.segments.map((s) => s.unrounded)).toEqual(['0.500025', '0.499995']);
    expect(a.unrounded).toBe('1.00002');
    expect(a.amount.toString()).toBe('1.00');
  });
  it('stops accruing once the principal is paid in full, and merges runs with the same base', () => {
    const a = ok({
      principal: thousand,
      dueDate: due,
      through: due + 30,
      principalTimeline: [
        { from: due - 3, outstanding: thousand },
        { from: due + 11, outstanding: Money.of('1000.00') },
        { from: due + 21, outstanding: Money.zero() },
      ],
      policy: DEFAULT_PENALTY_POLICY,
    });
    expect(a.segments.map((s) => [s.days, s.base.toString()])).toEqual([
      [20, '1000.00'],
      [10, '0.00'],
    ]);
    expect(a.amount.toString()).toBe('6.00');
  });
  it('uses the base in force at the start of a continued assessment', () => {
    const a = ok({
      principal: thousand,
      dueDate: due,
      from: due + 31,
      through: due + 40,
      principalTimeline: [{ from: due + 24, outstanding: Money.of('500.00') }],
      policy: DEFAULT_PENALTY_POLICY,
    });
    expect(a.segments).toHaveLength(1);
    expect(a.segments[0]!.base.toString()).toBe('500.00');
    expect(a.amount.toString()).toBe('1.50');
  });
  it('honours the rounding mode of the policy', () => {
    // 250.60 × 0.0003 × 7 = 0.52626; 250.00 × 0.0003 × 1 = 0.075 (a tie at the fen)
    expect(ok({ principal: Money.of('250.60'), dueDate: due, through: due + 7, policy: DEFAULT_PENALTY_POLICY }).amount.toString()).toBe('0.53');
    expect(ok({ principal: Money.of('250.00'), dueDate: due, through: due + 1, policy: DEFAULT_PENALTY_POLICY }).amount.toString()).toBe('0.08');
    expect(ok({ principal: Money.of('250.00'), dueDate: due, through: due + 1, policy: policy({ rounding: 'half-even' }) }).amount.toString()).toBe('0.08');
    expect(ok({ principal: Money.of('250.00'), dueDate: due, through: due + 1, policy: policy({ rounding: 'down' }) }).amount.toString()).toBe('0.07');
  });
});

describe('penalty cap', () => {
  it('caps at the principal by default: 1,000.00 at 0.003 for 400 days would be 1,200.00', () => {
    const a = ok({ principal: thousand, dueDate: due, through: due + 400, policy: policy({ dailyRate: '0.003' }) });
    expect(a.unrounded).toBe('1200');
    expect(a.amount.toString()).toBe('1000.00');
    expect(a.cappedBy?.toString()).toBe('1000.00');
  });
  it('counts earlier assessments against the cap', () => {
    const a = ok({ principal: thousand, dueDate: due, from: due + 301, through: due + 400, alreadyAssessed: Money.of('900.00'), policy: policy({ dailyRate: '0.003' }) });
    expect(a.amount.toString()).toBe('100.00');
    expect(a.cappedBy?.toString()).toBe('100.00');
    const spent = ok({ principal: thousand, dueDate: due, from: due + 301, through: due + 400, alreadyAssessed: Money.of('1000.00'), policy: policy({ dailyRate: '0.003' }) });
    expect(spent.amount.isZero()).toBe(true);
  });
  it('caps at an absolute amount, at a percentage rounded down, or not at all', () => {
    const long = { principal: Money.of('1000.01'), dueDate: due, through: due + 400 };
    expect(ok({ ...long, policy: policy({ dailyRate: '0.003', cap: { kind: 'absolute', amount: Money.of('200.00') } }) }).amount.toString()).toBe('200.00');
    // 50% of 1,000.01 is 500.005: the cap is 500.00 so it never exceeds the percentage
    expect(ok({ ...long, policy: policy({ dailyRate: '0.003', cap: { kind: 'percentage', percent: '50' } }) }).amount.toString()).toBe('500.00');
    // 1,000.01 × 0.003 × 400 = 1200.012
    expect(ok({ ...long, policy: policy({ dailyRate: '0.003', cap: { kind: 'none' } }) }).amount.toString()).toBe('1200.01');
  });
  it('reports cappedBy null when the cap did not bind', () => {
    expect(ok({ principal: thousand, dueDate: due, through: due + 47, policy: DEFAULT_PENALTY_POLICY }).cappedBy).toBeNull();
  });
});

describe('contiguous assessments', () => {
  it('adds up over two contiguous assessments: 10 days then 37 days of 1,000.00 make the 47 days', () => {
    const first = ok({ principal: thousand, dueDate: due, through: due + 10, policy: DEFAULT_PENALTY_POLICY });
    const second = ok({ principal: thousand, dueDate: due, from: first.to + 1, through: due + 47, alreadyAssessed: first.amount, policy: DEFAULT_PENALTY_POLICY });
    expect([first.amount.toString(), second.amount.toString()]).toEqual(['3.00', '11.10']);
    expect(first.amount.add(second.amount).toString()).toBe('14.10');
  });
  it('gives zero days when the assessment date is before the first day to count', () => {
    const a = ok({ principal: thousand, dueDate: due, from: due + 11, through: due + 10, policy: DEFAULT_PENALTY_POLICY });
    expect(a).toMatchObject({ from: due + 11, to: due + 10, days: 0, segments: [] });
    expect(a.amount.isZero()).toBe(true);
  });
});

describe('refusals', () => {
  const base: PenaltyInput = { principal: thousand, dueDate: due, through: due + 10, policy: DEFAULT_PENALTY_POLICY };
  it.each<[string, Partial<PenaltyInput>, string, string[]]>([
    ['a fractional due date', { dueDate: due + 0.5 }, 'PENALTY_DATE_INVALID', ['dueDate']],
    ['a through date that is not a number', { through: '2025-03-20' as never }, 'PENALTY_DATE_INVALID', ['through']],
    ['a first day inside grace', { from: due }, 'PENALTY_FROM_IN_GRACE', ['from']],
    ['a negative principal', { principal: Money.of('-1.00') }, 'PENALTY_AMOUNT_NEGATIVE', ['principal']],
    ['a negative penalty already assessed', { alreadyAssessed: Money.of('-1.00') }, 'PENALTY_AMOUNT_NEGATIVE', ['alreadyAssessed']],
    ['a negative outstanding', { principalTimeline: [{ from: due + 3, outstanding: Money.of('-0.01') }] }, 'PENALTY_AMOUNT_NEGATIVE', ['principalTimeline', '0', 'outstanding']],
    ['outstanding above the principal', { principalTimeline: [{ from: due + 3, outstanding: Money.of('1000.01') }] }, 'PENALTY_OUTSTANDING_ABOVE_PRINCIPAL', ['principalTimeline', '0', 'outstanding']],
    [
      'a timeline out of order',
      { principalTimeline: [{ from: due + 5, outstanding: Money.of('500.00') }, { from: due + 5, outstanding: Money.of('400.00') }] },
      'PENALTY_TIMELINE_UNSORTED',
      ['principalTimeline', '1', 'from'],
    ],
    ['a negative rate', { policy: policy({ dailyRate: '-0.0003' }) }, 'PENALTY_RATE_INVALID', ['policy', 'dailyRate']],
  ])('refuses %s', (_what, over, code, path) => {
    const e = refused({ ...base, ...over });
    expect(e.code).toBe(code);
    expect(e.path).toEqual(path);
  });
});

describe('penalty policy validation', () => {
  it('fills the defaults: 日万分之三, no grace, capped at principal, half-up', () => {
    expect(validatePenaltyPolicy({})).toEqual(E.right(DEFAULT_PENALTY_POLICY));
    expect(validatePenaltyPolicy({ dailyRate: '0.0005', graceDays: 5 })).toEqual(E.right({ ...DEFAULT_PENALTY_POLICY, dailyRate: '0.0005', graceDays: 5 }));
  });
  it('parses an absolute cap written as a string', () => {
    const r = validatePenaltyPolicy({ cap: { kind: 'absolute', amount: '500.00' } });
    expect(E.isRight(r) && r.right.cap.kind === 'absolute' && r.right.cap.amount.toString()).toBe('500.00');
  });
  it.each<[unknown, string, string[]]>([
    [null, 'PENALTY_POLICY_INVALID', ['schedule']],
    [{ dailyRate: 0.0003 }, 'PENALTY_RATE_INVALID', ['schedule', 'dailyRate']],
    [{ dailyRate: '3' }, 'PENALTY_RATE_INVALID', ['schedule', 'dailyRate']],
    [{ graceDays: -1 }, 'PENALTY_GRACE_INVALID', ['schedule', 'graceDays']],
    [{ graceDays: 2.5 }, 'PENALTY_GRACE_INVALID', ['schedule', 'graceDays']],
    [{ cap: { kind: 'absolute', amount: '-1.00' } }, 'PENALTY_CAP_NEGATIVE', ['schedule', 'cap', 'amount']],
    [{ cap: { kind: 'percentage', percent: '-5' } }, 'PENALTY_CAP_NEGATIVE', ['schedule', 'cap', 'percent']],
    [{ cap: { kind: 'percentage', percent: 'half' } }, 'PENALTY_CAP_INVALID', ['schedule', 'cap', 'percent']],
    [{ cap: { kind: 'court' } }, 'PENALTY_CAP_INVALID', ['schedule', 'cap', 'kind']],
    [{ rounding: 'nearest' }, 'ROUNDING_INVALID', ['schedule', 'rounding']],
    [{ graceDay: 5 }, 'PENALTY_POLICY_UNKNOWN_FIELD', ['schedule', 'graceDay']],
    // a field the cap's kind does not have: a principal cap with an amount is not a 50.00 cap
    [{ cap: { kind: 'principal', amount: '50.00' } }, 'PENALTY_POLICY_UNKNOWN_FIELD', ['schedule', 'cap', 'amount']],
    [{ cap: { kind: 'none', percent: '50' } }, 'PENALTY_POLICY_UNKNOWN_FIELD', ['schedule', 'cap', 'percent']],
    [{ cap: { kind: 'absolute', amount: '50.00', percent: '50' } }, 'PENALTY_POLICY_UNKNOWN_FIELD', ['schedule', 'cap', 'percent']],
    [{ cap: { kind: 'percentage', percent: '50', amount: '50.00' } }, 'PENALTY_POLICY_UNKNOWN_FIELD', ['schedule', 'cap', 'amount']],
    [{ cap: { kind: 'absolute', amout: '50.00' } }, 'PENALTY_POLICY_UNKNOWN_FIELD', ['schedule', 'cap', 'amout']],
  ])('refuses %j with %s', (input, code, path) => {
    const r = validatePenaltyPolicy(input, ['schedule']);
    expect(E.isLeft(r) && r.left.code).toBe(code);
    expect(E.isLeft(r) && r.left.path).toEqual(path);
  });
});

describe('input shape (audit: a misspelt field was ignored and its default used)', () => {
  const base: PenaltyInput = { principal: thousand, dueDate: due, through: due + 300, policy: DEFAULT_PENALTY_POLICY };
  it('caps at the principal less what was already assessed, when the field is spelt right', () => {
    expect(ok({ ...base, alreadyAssessed: thousand }).amount.toString()).toBe('0.00');
    expect(ok(base).amount.toString()).toBe('90.00');
  });
  it.each<[string, unknown, string, string[]]>([
    ['a misspelt alreadyAssessed', { ...base, alreadyAsessed: thousand }, 'PENALTY_INPUT_UNKNOWN_FIELD', ['alreadyAsessed']],
    ['a misspelt from', { ...base, fromDay: due + 100 }, 'PENALTY_INPUT_UNKNOWN_FIELD', ['fromDay']],
    ['a field of the policy given beside it', { ...base, graceDays: 5 }, 'PENALTY_INPUT_UNKNOWN_FIELD', ['graceDays']],
    ['null', null, 'PENALTY_INPUT_INVALID', []],
    ['an array', [base], 'PENALTY_INPUT_INVALID', []],
    ['a timeline that is not a list', { ...base, principalTimeline: { from: due + 3, outstanding: thousand } }, 'PENALTY_INPUT_INVALID', ['principalTimeline']],
    ['a timeline entry that is null', { ...base, principalTimeline: [null] }, 'PENALTY_INPUT_INVALID', ['principalTimeline', '0']],
    ['a timeline entry with a field it does not have', { ...base, principalTimeline: [{ from: due + 3, outstanding: thousand, note: 'waived' }] }, 'PENALTY_INPUT_UNKNOWN_FIELD', ['principalTimeline', '0', 'note']],
  ])('refuses %s', (_what, input, code, path) => {
    const e = refused(input as PenaltyInput);
    expect(e.code).toBe(code);
    expect(e.path).toEqual(path);
  });
  it('refuses a cap with a field its kind does not have, inside an assessment too', () => {
    const e = refused({ ...base, policy: { ...DEFAULT_PENALTY_POLICY, cap: { kind: 'principal', amount: '50.00' } as never } });
    expect(e).toMatchObject({ code: 'PENALTY_POLICY_UNKNOWN_FIELD', path: ['policy', 'cap', 'amount'] });
  });
});
