// the fee-math audit's findings, each as the rule it broke and a hand-computed example: same-code
// currencies of another scale, null read as "use the default", a policy cache that outlived a
// change, overflows thrown instead of returned, '-0' read as below zero, exponents in recorded
// figures, a misspelt target kind, and a split into more parts than memory holds
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import {
  CNY,
  DEFAULT_PENALTY_POLICY,
  LevyError,
  MAX_SPLIT_PARTS,
  Money,
  MoneyTotal,
  allocatePayment,
  areaCharge,
  assessPenalty,
  currency,
  fixedCharge,
  isSameCurrency,
  meteredCharge,
  proratedAreaCharge,
  splitIntoMonths,
  validatePenaltyPolicy,
  type DomainError,
  type PenaltyInput,
  type PenaltyPolicy,
} from '@levy/core';

const right = <A>(r: E.Either<DomainError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected a right, got ${r.left.code}: ${r.left.message}`);
  return r.right;
};
const left = <A>(r: E.Either<DomainError, A>): DomainError => {
  if (E.isRight(r)) throw new Error('expected a refusal');
  return r.left;
};
const thrown = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    if (e instanceof LevyError) return e.error;
    throw e;
  }
  throw new Error('expected a LevyError');
};

const CNY3 = currency('CNY', 3);
const thousand = Money.of('1000.00');
const due = 20_000;

describe('a currency is its code and its scale', () => {
  it('refuses to add 1.00 CNY to 1.000 CNY of scale 3 (it gave 1.100: a hundred fen read as a hundred thousandths)', () => {
    expect(thrown(() => Money.of('1.000', CNY3).add(Money.of('1.00')))).toMatchObject({ code: 'CURRENCY_MISMATCH', details: { expectedScale: 3, actualScale: 2 } });
    expect(thrown(() => Money.of('1.00').subtract(Money.of('1.000', CNY3))).message).toBe('cannot combine CNY (2 decimals) with CNY (3 decimals)');
  });
  it('does not call 0.100 CNY of scale 3 equal to 1.00 CNY (both are 100 minor units)', () => {
    expect(Money.of('0.100', CNY3).equals(Money.of('1.00'))).toBe(false);
    expect(Money.of('1.00').equals(Money.of('0.100', CNY3))).toBe(false);
  });
  it('still calls amounts of two CNY objects of scale 2 equal, and adds them', () => {
    const other = currency('CNY', 2);
    expect(isSameCurrency(CNY, other)).toBe(true);
    expect(Money.of('1.00', other).equals(Money.of('1.00'))).toBe(true);
    expect(Money.of('1.00', other).add(Money.of('0.50')).toString()).toBe('1.50');
  });
  it('refuses the other scale in compare, sum and a running total alike', () => {
    expect(thrown(() => Money.of('1.00').compare(Money.of('0.100', CNY3))).code).toBe('CURRENCY_MISMATCH');
    expect(thrown(() => Money.max(Money.of('1.00'), Money.of('0.100', CNY3))).code).toBe('CURRENCY_MISMATCH');
    expect(thrown(() => Money.sum([Money.of('1.00'), Money.of('0.100', CNY3)])).code).toBe('CURRENCY_MISMATCH');
    expect(thrown(() => Money.sum(new Set([Money.of('0.100', CNY3)]))).code).toBe('CURRENCY_MISMATCH');
    const total = new MoneyTotal();
    total.add(Money.of('1.00'));
    expect(thrown(() => total.add(Money.of('0.100', CNY3))).code).toBe('CURRENCY_MISMATCH');
    expect(thrown(() => total.subtract(Money.of('0.100', CNY3))).code).toBe('CURRENCY_MISMATCH');
    expect(total.value().toString()).toBe('1.00');
  });
  it('refuses to pay 1.00 CNY against 0.500 CNY of scale 3 owed (it paid 1.00 in full against it)', () => {
    const owed = [{ chargeId: 'c1', kind: 'principal', dueDate: due, outstanding: Money.of('0.500', CNY3) }] as const;
    expect(left(allocatePayment(Money.of('1.00'), owed))).toMatchObject({
      code: 'CURRENCY_MISMATCH',
      path: ['owed', '0', 'outstanding'],
      message: 'charge c1 is owed in CNY (3 decimals) but the payment is in CNY (2 decimals)',
    });
  });
  it('refuses an explicit target of 0.500 CNY of scale 3 against a payment in CNY', () => {
    const owed = [{ chargeId: 'c1', kind: 'principal', dueDate: due, outstanding: Money.of('5.00') }] as const;
    const policy = { kind: 'explicit', targets: [{ chargeId: 'c1', kind: 'principal', amount: Money.of('0.500', CNY3) }] } as const;
    expect(left(allocatePayment(Money.of('1.00'), owed, policy))).toMatchObject({ code: 'CURRENCY_MISMATCH', path: ['policy', 'targets', '0', 'amount'] });
  });
  it('refuses a penalty cap, an earlier penalty or an outstanding amount in CNY of scale 3 against a principal in CNY', () => {
    const cap3 = { ...DEFAULT_PENALTY_POLICY, cap: { kind: 'absolute', amount: Money.of('10.000', CNY3) } } as const;
    expect(left(assessPenalty({ principal: thousand, dueDate: due, through: due + 10, policy: cap3 }))).toMatchObject({ code: 'CURRENCY_MISMATCH', path: ['policy', 'cap', 'amount'] });
    expect(left(assessPenalty({ principal: thousand, dueDate: due, through: due + 10, alreadyAssessed: Money.of('1.000', CNY3), policy: DEFAULT_PENALTY_POLICY }))).toMatchObject({
      code: 'CURRENCY_MISMATCH',
      path: ['alreadyAssessed'],
    });
    const timeline = [{ from: due + 5, outstanding: Money.of('500.000', CNY3) }];
    expect(left(assessPenalty({ principal: thousand, dueDate: due, through: due + 10, principalTimeline: timeline, policy: DEFAULT_PENALTY_POLICY }))).toMatchObject({
      code: 'CURRENCY_MISMATCH',
      path: ['principalTimeline', '0', 'outstanding'],
    });
  });
});

describe('null is a value, not "use the default"', () => {
  it('refuses alreadyAssessed: null (it was read as 0.00, so the cap forgot the 900.00 assessed before)', () => {
    // 1,000.00 at 0.003 for 100 days is 300.00; with 900.00 assessed before, the principal cap leaves 100.00
    const input = { principal: thousand, dueDate: due, through: due + 100, policy: { ...DEFAULT_PENALTY_POLICY, dailyRate: '0.003' } };
    expect(right(assessPenalty({ ...input, alreadyAssessed: Money.of('900.00') })).amount.toString()).toBe('100.00');
    expect(right(assessPenalty(input)).amount.toString()).toBe('300.00');
    expect(left(assessPenalty({ ...input, alreadyAssessed: null } as unknown as PenaltyInput))).toMatchObject({ code: 'AMOUNT_INVALID', path: ['alreadyAssessed'] });
  });
  it.each([
    [{ dailyRate: null }, 'PENALTY_RATE_INVALID', ['schedule', 'dailyRate']],
    [{ graceDays: null }, 'PENALTY_GRACE_INVALID', ['schedule', 'graceDays']],
    [{ cap: null }, 'PENALTY_CAP_INVALID', ['schedule', 'cap']],
    [{ rounding: null }, 'ROUNDING_INVALID', ['schedule', 'rounding']],
  ])('refuses the penalty policy %j at the field (it took the default)', (policy, code, path) => {
    expect(left(validatePenaltyPolicy(policy, ['schedule']))).toMatchObject({ code, path });
  });
  it('refuses a cap that is not an object at the cap, not at a kind it does not have', () => {
    expect(left(validatePenaltyPolicy({ cap: 'principal' }))).toMatchObject({ code: 'PENALTY_CAP_INVALID', path: ['cap'] });
    expect(left(validatePenaltyPolicy({ cap: [] }))).toMatchObject({ code: 'PENALTY_CAP_INVALID', path: ['cap'] });
  });
  it('still gives a field left out, or undefined, the default', () => {
    const defaults = { dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' };
    expect(right(validatePenaltyPolicy({}))).toEqual(defaults);
    expect(right(validatePenaltyPolicy({ dailyRate: undefined, graceDays: undefined, cap: undefined, rounding: undefined }))).toEqual(defaults);
  });
});

describe('a penalty policy object the caller changes', () => {
  const base = (over: Partial<PenaltyPolicy>): PenaltyInput => ({ principal: thousand, dueDate: due, through: due + 10, policy: { ...DEFAULT_PENALTY_POLICY, ...over } });

  it('assesses at the rate the object holds now: 0.30 a day at 0.0003, then 3.00 a day at 0.003 (the first rate stayed)', () => {
    const policy = { ...DEFAULT_PENALTY_POLICY };
    const input = { principal: thousand, dueDate: due, through: due + 10, policy };
    expect(right(assessPenalty(input)).amount.toString()).toBe('3.00');
    (policy as { dailyRate: string }).dailyRate = '0.003';
    expect(right(assessPenalty(input)).amount.toString()).toBe('30.00');
  });
  it('takes an invalid policy once it is corrected (it stayed refused)', () => {
    const input = base({ dailyRate: '2' });
    expect(left(assessPenalty(input)).code).toBe('PENALTY_RATE_INVALID');
    (input.policy as { dailyRate: string }).dailyRate = '0.0003';
    expect(right(assessPenalty(input)).amount.toString()).toBe('3.00');
  });
  it('reads a changed cap inside a frozen policy: 50% of 1,000.00 is 500.00, then 1% is 10.00', () => {
    const cap = { kind: 'percentage', percent: '50' };
    const policy = Object.freeze({ ...DEFAULT_PENALTY_POLICY, dailyRate: '0.003', cap: cap as PenaltyPolicy['cap'] });
    const input = { principal: thousand, dueDate: due, through: due + 400, policy };
    expect(right(assessPenalty(input)).amount.toString()).toBe('500.00');
    cap.percent = '1';
    expect(right(assessPenalty(input)).amount.toString()).toBe('10.00');
  });
  it('validates a frozen policy once and then reuses it (the decider hands the same frozen object for every charge)', () => {
    let reads = 0;
    const policy = Object.freeze({
      get dailyRate() {
        reads++;
        return '0.0003';
      },
      graceDays: 0,
      cap: Object.freeze({ kind: 'principal' as const }),
      rounding: 'half-up' as const,
    });
    expect(right(assessPenalty({ principal: thousand, dueDate: due, through: due + 1, policy })).amount.toString()).toBe('0.30');
    const once = reads;
    const amounts = [2, 3].map((days) => right(assessPenalty({ principal: thousand, dueDate: due, through: due + days, policy })).amount.toString());
    expect(amounts).toEqual(['0.60', '0.90']);
    expect(reads).toBe(once);
    expect(Object.isFrozen(DEFAULT_PENALTY_POLICY) && Object.isFrozen(DEFAULT_PENALTY_POLICY.cap)).toBe(true);
  });
});

describe('a penalty too large to hold exactly is a Left, never a throw', () => {
  it('refuses a through given in milliseconds (1742000000000) at through: 1,000.00 × 1,741,999,980,000 days', () => {
    const r = left(assessPenalty({ principal: thousand, dueDate: due, through: 1_742_000_000_000, policy: DEFAULT_PENALTY_POLICY }));
    expect(r).toMatchObject({ code: 'AMOUNT_TOO_LARGE', path: ['through'], details: { principal: '1000.00', from: 20_001, through: 1_742_000_000_000, days: 1_741_999_980_000 } });
    expect(r.message).toContain('90071992547409.91');
  });
  it('refuses 100,000,000,000.00 over 1,000 days: 10^13 fen × 1,000 is 10^16, above 2^53 - 1', () => {
    const r = left(assessPenalty({ principal: Money.of('100000000000.00'), dueDate: due, through: due + 1000, policy: DEFAULT_PENALTY_POLICY }));
    expect(r).toMatchObject({ code: 'AMOUNT_TOO_LARGE', path: ['through'], details: { days: 1000 } });
    // 90 days is 9 × 10^14 fen: held, and 0.0003 of it is 2,700,000,000.00
    expect(right(assessPenalty({ principal: Money.of('100000000000.00'), dueDate: due, through: due + 90, policy: DEFAULT_PENALTY_POLICY })).amount.toString()).toBe('2700000000.00');
  });
  it('refuses a day count beyond 2^53 as too large too', () => {
    const r = left(assessPenalty({ principal: Money.zero(), dueDate: -5_000_000_000_000_000, through: 5_000_000_000_000_000, policy: DEFAULT_PENALTY_POLICY }));
    expect(r).toMatchObject({ code: 'AMOUNT_TOO_LARGE', path: ['through'] });
  });
  it('refuses a percentage cap too large to take of the principal at the percent: 99,999,999,999,999,999,999% of 1,000.00', () => {
    const policy = { ...DEFAULT_PENALTY_POLICY, cap: { kind: 'percentage', percent: '99999999999999999999' } } as const;
    expect(right(validatePenaltyPolicy(policy)).cap).toEqual({ kind: 'percentage', percent: '99999999999999999999' });
    const r = left(assessPenalty({ principal: thousand, dueDate: due, through: due + 10, policy }));
    expect(r).toMatchObject({ code: 'AMOUNT_TOO_LARGE', path: ['policy', 'cap', 'percent'], details: { principal: '1000.00', percent: '99999999999999999999' } });
  });
  it('still takes a large percentage cap that fits: 1,000,000% of 1,000.00 is 10,000,000.00, which does not bind 3.00', () => {
    const policy = { ...DEFAULT_PENALTY_POLICY, cap: { kind: 'percentage', percent: '1000000' } } as const;
    expect(right(assessPenalty({ principal: thousand, dueDate: due, through: due + 10, policy }))).toMatchObject({ cappedBy: null });
  });
});

describe("'-0' is zero, as '0' is", () => {
  it('charges a price of -0 as a price of 0: 0.00', () => {
    const c = right(areaCharge({ areaM2: '89.50', pricePerM2PerMonth: '-0', months: 1 }));
    expect(c.amount.toString()).toBe('0.00');
    expect(c.unrounded).toBe('0');
    expect(right(proratedAreaCharge({ areaM2: '89.50', pricePerM2PerMonth: '-0.00', daysBilled: 17, daysInMonth: 31 })).unrounded).toBe('0');
  });
  it('reads a metered reading of -0 as 0: 0 to 120 at 0.65 is 78.00', () => {
    const c = right(meteredCharge({ previousReading: '-0', currentReading: '120', unitPrice: '0.65' }));
    expect(c).toMatchObject({ quantity: '120', unrounded: '78' });
    expect(right(meteredCharge({ previousReading: '0', currentReading: '-0.0', unitPrice: '-0' })).quantity).toBe('0');
  });
  it('takes a daily rate of -0 and a cap of -0 percent: no penalty', () => {
    const policy = right(validatePenaltyPolicy({ dailyRate: '-0', cap: { kind: 'percentage', percent: '-0' } }));
    expect(right(assessPenalty({ principal: thousand, dueDate: due, through: due + 10, policy })).amount.toString()).toBe('0.00');
  });
  it('still refuses -0.01 as below zero', () => {
    expect(left(areaCharge({ areaM2: '1', pricePerM2PerMonth: '-0.01', months: 1 })).code).toBe('PRICE_NEGATIVE');
    expect(left(meteredCharge({ previousReading: '-0.01', currentReading: '1', unitPrice: '1' })).code).toBe('READING_NEGATIVE');
    expect(left(validatePenaltyPolicy({ dailyRate: '-0.0001' })).code).toBe('PENALTY_RATE_INVALID');
    expect(left(validatePenaltyPolicy({ cap: { kind: 'percentage', percent: '-0.1' } })).code).toBe('PENALTY_CAP_NEGATIVE');
  });
  it('allocates by a ratio of -0 as by 0: 10.00 by [1, -0] is [10.00, 0.00]', () => {
    expect(Money.allocate(Money.of('10.00'), ['1', '-0']).map(String)).toEqual(['10.00', '0.00']);
  });
});

describe('recorded figures are plain decimals, however small', () => {
  it('writes 10^-19 m² × 10^-14 a month as 0.000…001 (33 places), not 1e-33', () => {
    const c = right(areaCharge({ areaM2: '0.0000000000000000001', pricePerM2PerMonth: '0.00000000000001', months: 1 }));
    expect(c.unrounded).toBe(`0.${'0'.repeat(32)}1`);
  });
  it('writes a prorated share 1.6 × 10^-32 / 30 as a fraction of plain decimals, not 1.6e-32/30', () => {
    const c = right(proratedAreaCharge({ areaM2: '0.0000000000000000001', pricePerM2PerMonth: '0.00000000000016', daysBilled: 1, daysInMonth: 30 }));
    expect(c.unrounded).toBe(`0.${'0'.repeat(31)}16/30`);
  });
  it('writes a reading delta of 10^-32 and its product as plain decimals', () => {
    const c = right(meteredCharge({ previousReading: '0', currentReading: `0.${'0'.repeat(31)}1`, unitPrice: '0.5' }));
    expect(c.quantity).toBe(`0.${'0'.repeat(31)}1`);
    expect(c.unrounded).toBe(`0.${'0'.repeat(32)}5`);
  });
  it('writes ordinary figures as before', () => {
    expect(right(areaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', months: 12 })).unrounded).toBe('3007.2');
    expect(right(proratedAreaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 17, daysInMonth: 31 })).unrounded).toBe('4260.2/31');
    expect(right(meteredCharge({ previousReading: '1024.5', currentReading: '1144.5', unitPrice: '0.65' }))).toMatchObject({ quantity: '120', unrounded: '78' });
    expect(right(fixedCharge({ amountPerMonth: Money.of('150.00'), months: 3 })).unrounded).toBe('450');
  });
});

describe('an explicit target of a kind that does not exist', () => {
  it("refuses 'principle' at the target's kind, not as a charge not owed", () => {
    const owed = [{ chargeId: 'c1', kind: 'principal', dueDate: due, outstanding: Money.of('5.00') }] as const;
    const policy = { kind: 'explicit', targets: [{ chargeId: 'c1', kind: 'principle', amount: Money.of('1.00') }] } as const;
    expect(left(allocatePayment(Money.of('1.00'), owed, policy as never))).toMatchObject({ code: 'RECEIVABLE_KIND_INVALID', path: ['policy', 'targets', '0', 'kind'] });
  });
});

describe('splitting into more parts than the limit', () => {
  it('refuses 2^40 months with SPLIT_PARTS_INVALID (it crashed with RangeError: Invalid array length)', () => {
    expect(thrown(() => splitIntoMonths(Money.of('1.00'), 2 ** 40))).toMatchObject({ code: 'SPLIT_PARTS_INVALID', path: ['n'] });
    expect(thrown(() => Money.split(Money.of('1.00'), MAX_SPLIT_PARTS + 1)).code).toBe('SPLIT_PARTS_INVALID');
  });
  it('still splits into the limit: 1.00 into 1,000,000 parts is 100 parts of 0.01 and the rest 0.00', () => {
    const parts = Money.split(Money.of('1.00'), MAX_SPLIT_PARTS);
    expect(parts).toHaveLength(1_000_000);
    expect(parts[99]!.toString()).toBe('0.01');
    expect(parts[100]!.toString()).toBe('0.00');
    expect(Money.sum(parts).toString()).toBe('1.00');
  });
});
