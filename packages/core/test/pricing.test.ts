import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { Money, areaCharge, fixedCharge, meteredCharge, priceFor, proratedAreaCharge, splitIntoMonths, type ChargeCalculation, type DomainError } from '@levy/core';
import { runs } from '../../testkit/test/support/properties.js';
import { proratedAreaChargeUnchecked } from '../src/pricing.js';

const right = (r: E.Either<DomainError, ChargeCalculation>): ChargeCalculation => {
  if (E.isLeft(r)) throw new Error(`expected a charge, got ${r.left.code}: ${r.left.message}`);
  return r.right;
};
const left = <A>(r: E.Either<DomainError, A>): DomainError => {
  if (E.isRight(r)) throw new Error('expected a refusal');
  return r.left;
};

describe('figures too long to multiply exactly', () => {
  it('refuses a price of more than 20 significant digits: DECIMAL_TOO_LONG (it was rounded on the way in and billed 0.01 for 0.00499…)', () => {
    const price = `0.004${'9'.repeat(60)}`;
    expect(left(areaCharge({ areaM2: '1', pricePerM2PerMonth: price, months: 1 }))).toMatchObject({ code: 'DECIMAL_TOO_LONG', path: ['pricePerM2PerMonth'], details: { digits: 61 } });
    // twenty digits, leading zeros aside, are taken, and the product is exact: 100 × 0.0049999999999999999999 = 0.49999… → 0.50
    const twenty = `0.00${'4'}${'9'.repeat(19)}`;
    expect(right(areaCharge({ areaM2: '100', pricePerM2PerMonth: twenty, months: 1 })).unrounded).toBe(`0.4${'9'.repeat(19)}`);
    expect(left(areaCharge({ areaM2: '1', pricePerM2PerMonth: `${twenty}0`, months: 1 })).code).toBe('DECIMAL_TOO_LONG');
  });
});

describe('area charges (area × price × months, rounded once)', () => {
  it('charges 89.50 m² at 2.80 a month 250.60', () => {
    const c = right(areaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', months: 1 }));
    expect(c.amount.toString()).toBe('250.60');
    expect(c).toMatchObject({ basis: 'area', quantity: '89.50', unitPrice: '2.80', months: '1', unrounded: '250.6', rounding: 'half-up' });
  });
  it('charges a quarter and a year as one rounded product', () => {
    expect(right(areaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', months: 3 })).amount.toString()).toBe('751.80');
    expect(right(areaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', months: 12 })).amount.toString()).toBe('3007.20');
  });
  it('rounds half-up to the fen once per charge, not per month', () => {
    // 88.25 × 1.30 = 114.725 → 114.73; three months 344.175 → 344.18 (three rounded months would be 344.19)
    expect(right(areaCharge({ areaM2: '88.25', pricePerM2PerMonth: '1.30', months: 1 })).amount.toString()).toBe('114.73');
    const q = right(areaCharge({ areaM2: '88.25', pricePerM2PerMonth: '1.30', months: 3 }));
    expect(q.unrounded).toBe('344.175');
    expect(q.amount.toString()).toBe('344.18');
  });
  it('honours another rounding mode when the schedule names one', () => {
    expect(right(areaCharge({ areaM2: '88.25', pricePerM2PerMonth: '1.30', months: 1, rounding: 'half-even' })).amount.toString()).toBe('114.72');
    expect(right(areaCharge({ areaM2: '88.25', pricePerM2PerMonth: '1.30', months: 1, rounding: 'down' })).amount.toString()).toBe('114.72');
  });
  it('charges nothing at a price of zero', () => {
    expect(right(areaCharge({ areaM2: '89.50', pricePerM2PerMonth: '0', months: 1 })).amount.isZero()).toBe(true);
  });
  it.each([
    [{ areaM2: '0', pricePerM2PerMonth: '2.80', months: 1 }, 'AREA_NOT_POSITIVE', 'areaM2'],
    [{ areaM2: '-89.50', pricePerM2PerMonth: '2.80', months: 1 }, 'AREA_NOT_POSITIVE', 'areaM2'],
    [{ areaM2: '89.50', pricePerM2PerMonth: '-2.80', months: 1 }, 'PRICE_NEGATIVE', 'pricePerM2PerMonth'],
    [{ areaM2: '89.50', pricePerM2PerMonth: '2.80', months: 0 }, 'MONTHS_INVALID', 'months'],
    [{ areaM2: '89.50', pricePerM2PerMonth: '2.80', months: 1.5 }, 'MONTHS_INVALID', 'months'],
    [{ areaM2: '8.95e1', pricePerM2PerMonth: '2.80', months: 1 }, 'DECIMAL_INVALID', 'areaM2'],
    [{ areaM2: '89.50', pricePerM2PerMonth: 'abc', months: 1 }, 'DECIMAL_INVALID', 'pricePerM2PerMonth'],
    [{ areaM2: '89.50', pricePerM2PerMonth: '2.80', months: 1, rounding: 'nearest' as never }, 'ROUNDING_INVALID', 'rounding'],
  ])('refuses %j with %s naming %s', (input, code, field) => {
    const e = left(areaCharge(input));
    expect(e.code).toBe(code);
    expect(e.path).toEqual([field]);
  });
});

describe('prorated first month (area × price × days billed / days in month)', () => {
  it('bills 17 of 31 days in March as 137.43 and keeps the exact fraction', () => {
    // 89.50 × 2.80 × 17 = 4260.2; / 31 = 137.4258...
    const c = right(proratedAreaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 17, daysInMonth: 31 }));
    expect(c.amount.toString()).toBe('137.43');
    expect(c.months).toBe('17/31');
    expect(c.unrounded).toBe('4260.2/31');
  });
  it('writes a share that ends as a plain decimal', () => {
    const c = right(proratedAreaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 15, daysInMonth: 30 }));
    expect(c.amount.toString()).toBe('125.30');
    expect(c.unrounded).toBe('125.3');
  });
  it('bills a leap February day by day: 10 of 29 days', () => {
    // 250.6 × 10 / 29 = 86.4137... → 86.41
    expect(right(proratedAreaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 10, daysInMonth: 29 })).amount.toString()).toBe('86.41');
  });
  it('bills a whole month the same as an area charge', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 28, max: 31 }), (areaCenti, priceCenti, d) => {
        const areaM2 = Money.fromMinorUnits(areaCenti).toString();
        const price = Money.fromMinorUnits(priceCenti).toString();
        const whole = right(areaCharge({ areaM2, pricePerM2PerMonth: price, months: 1 }));
        const prorated = right(proratedAreaCharge({ areaM2, pricePerM2PerMonth: price, daysBilled: d, daysInMonth: d }));
        expect(prorated.amount.equals(whole.amount)).toBe(true);
      }),
      { numRuns: runs(200) },
    );
  });
  it('refuses days outside the month', () => {
    expect(left(proratedAreaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 0, daysInMonth: 31 })).code).toBe('PRORATION_DAYS_INVALID');
    expect(left(proratedAreaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 31, daysInMonth: 30 })).path).toEqual(['daysBilled']);
    expect(left(proratedAreaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 1, daysInMonth: 32 })).code).toBe('DAYS_IN_MONTH_INVALID');
  });
});

describe('a prorated month and whole months after it (the community decider: handed over mid-quarter)', () => {
  const prorated = (daysBilled: number, daysInMonth: number, wholeMonthsAfter: number, areaM2 = '89.50', pricePerM2PerMonth = '2.80') =>
    proratedAreaChargeUnchecked({ areaM2, pricePerM2PerMonth, daysBilled, daysInMonth, wholeMonthsAfter });
  it('bills 14 of 28 days and a whole month as one product rounded once: 375.90', () => {
    // 89.50 × 2.80 × (28 + 14) / 28 = 375.9
    expect(right(prorated(14, 28, 1))).toMatchObject({ months: '1+14/28', unrounded: '375.9', quantity: '89.50', unitPrice: '2.80' });
    expect(right(prorated(14, 28, 1)).amount.toString()).toBe('375.90');
  });
  it('keeps the exact fraction of a share that does not end', () => {
    // 250.6 × (2 × 30 + 14) = 18544.4; / 30 = 618.1466… → 618.15
    const c = right(prorated(14, 30, 2));
    expect(c.amount.toString()).toBe('618.15');
    expect(c.unrounded).toBe('18544.4/30');
  });
  it('is the prorated month alone with no whole months after it', () => {
    expect(prorated(17, 31, 0)).toEqual(proratedAreaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 17, daysInMonth: 31 }));
  });
  it('bills a whole first month and whole months after it the same as an area charge of them all', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 28, max: 31 }), fc.integer({ min: 0, max: 11 }), (areaCenti, priceCenti, d, w) => {
        const areaM2 = Money.fromMinorUnits(areaCenti).toString();
        const price = Money.fromMinorUnits(priceCenti).toString();
        const whole = right(areaCharge({ areaM2, pricePerM2PerMonth: price, months: w + 1 }));
        expect(right(prorated(d, d, w, areaM2, price)).amount.equals(whole.amount)).toBe(true);
      }),
      { numRuns: runs(200) },
    );
  });
  it('returns AMOUNT_TOO_LARGE naming the area when the whole months take it past the limit, though the first month fits', () => {
    expect(E.isRight(prorated(14, 28, 0, '1000000', '100000000'))).toBe(true);
    expect(left(prorated(14, 28, 1, '1000000', '100000000'))).toMatchObject({
      code: 'AMOUNT_TOO_LARGE',
      path: ['areaM2'],
      details: { areaM2: '1000000', pricePerM2PerMonth: '100000000', daysBilled: 14, daysInMonth: 28, wholeMonthsAfter: 1 },
    });
  });
  it('refuses whole months that are not 0 to 11, and the public proratedAreaCharge does not take them', () => {
    for (const bad of [-1, 12, 1.5]) expect(left(prorated(14, 28, bad)), String(bad)).toMatchObject({ code: 'MONTHS_INVALID', path: ['wholeMonthsAfter'] });
    const input = { areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 14, daysInMonth: 28, wholeMonthsAfter: 1 };
    expect(left(proratedAreaCharge(input as never))).toMatchObject({ code: 'CHARGE_INPUT_UNKNOWN_FIELD', path: ['wholeMonthsAfter'] });
  });
});

describe('fixed and metered charges', () => {
  it('charges a fixed 150.00 a month for a quarter as 450.00', () => {
    const c = right(fixedCharge({ amountPerMonth: Money.of('150.00'), months: 3 }));
    expect(c.amount.toString()).toBe('450.00');
    expect(c).toMatchObject({ basis: 'fixed', quantity: '1', unitPrice: '150.00', months: '3', unrounded: '450' });
  });
  it('refuses a negative fixed amount and fractional months', () => {
    expect(left(fixedCharge({ amountPerMonth: Money.of('-1.00'), months: 1 })).code).toBe('AMOUNT_NEGATIVE');
    expect(left(fixedCharge({ amountPerMonth: Money.of('1.00'), months: 2.5 })).code).toBe('MONTHS_INVALID');
  });
  it('charges 120 units at 0.65 as 78.00', () => {
    const c = right(meteredCharge({ previousReading: '1024.5', currentReading: '1144.5', unitPrice: '0.65' }));
    expect(c.amount.toString()).toBe('78.00');
    expect(c).toMatchObject({ basis: 'metered', quantity: '120', unitPrice: '0.65', months: '1', unrounded: '78' });
  });
  it('rounds a metered charge once: 33.3 units at 0.585 is 19.4805 → 19.48', () => {
    expect(right(meteredCharge({ previousReading: '0', currentReading: '33.3', unitPrice: '0.585' })).amount.toString()).toBe('19.48');
  });
  it('refuses a reading that went down, naming the current reading', () => {
    const e = left(meteredCharge({ previousReading: '1144.5', currentReading: '1024.5', unitPrice: '0.65' }));
    expect(e.code).toBe('READING_DECREASED');
    expect(e.path).toEqual(['currentReading']);
    expect(left(meteredCharge({ previousReading: '-1', currentReading: '1', unitPrice: '0.65' })).code).toBe('READING_NEGATIVE');
    expect(left(meteredCharge({ previousReading: '1', currentReading: '2', unitPrice: '-0.65' })).code).toBe('PRICE_NEGATIVE');
  });
});

describe('splitting a yearly charge into months', () => {
  it('splits 1,000.00 into twelve with the extra fen in the first four months', () => {
    const parts = splitIntoMonths(Money.of('1000.00'), 12).map(String);
    expect(parts).toEqual([...Array(4).fill('83.34'), ...Array(8).fill('83.33')]);
  });
  it('always sums back to the charge', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_00 }), fc.constantFrom(1, 3, 4, 6, 12), (fen, months) => {
        const total = Money.fromMinorUnits(fen);
        expect(Money.sum(splitIntoMonths(total, months)).equals(total)).toBe(true);
      }),
      { numRuns: runs(200) },
    );
  });
});

describe('price by use type and grade', () => {
  const prices = { byUseType: { residential: '2.80', commercial: '6.50' }, byGrade: { 'office-A': '9.00' } };
  it('lets a listed grade win over the use type', () => {
    expect(priceFor(prices, 'commercial', 'office-A')).toEqual(E.right('9.00'));
  });
  it('falls back to the use type when the grade is not listed or not given', () => {
    expect(priceFor(prices, 'commercial', 'office-C')).toEqual(E.right('6.50'));
    expect(priceFor(prices, 'residential')).toEqual(E.right('2.80'));
  });
  it('says PRICE_NOT_FOUND for a use type the schedule does not price', () => {
    expect(left(priceFor(prices, 'parking')).code).toBe('PRICE_NOT_FOUND');
    expect(left(priceFor({ byUseType: {} }, 'toString')).code).toBe('PRICE_NOT_FOUND');
  });
});

describe('charges beyond the largest exact amount (audit: they threw)', () => {
  // 2^53 - 1 fen is 90,071,992,547,409.91: a typo in an area or a reading, not a fee
  it('returns AMOUNT_TOO_LARGE for an area charge, naming the area', () => {
    const e = left(areaCharge({ areaM2: '100000000000000', pricePerM2PerMonth: '1000', months: 12 }));
    expect(e.code).toBe('AMOUNT_TOO_LARGE');
    expect(e.path).toEqual(['areaM2']);
    expect(e.details).toMatchObject({ areaM2: '100000000000000', pricePerM2PerMonth: '1000', months: 12 });
  });
  it('returns AMOUNT_TOO_LARGE for a prorated area charge, naming the area', () => {
    const e = left(proratedAreaCharge({ areaM2: '100000000000000', pricePerM2PerMonth: '1000', daysBilled: 17, daysInMonth: 31 }));
    expect(e).toMatchObject({ code: 'AMOUNT_TOO_LARGE', path: ['areaM2'] });
  });
  it('returns AMOUNT_TOO_LARGE for a fixed charge, naming the amount per month', () => {
    const e = left(fixedCharge({ amountPerMonth: Money.of('90000000000.00'), months: 1_000_000 }));
    expect(e).toMatchObject({ code: 'AMOUNT_TOO_LARGE', path: ['amountPerMonth'] });
  });
  it('returns AMOUNT_TOO_LARGE for a metered charge, naming the current reading', () => {
    const e = left(meteredCharge({ previousReading: '0', currentReading: '100000000000000', unitPrice: '1000' }));
    expect(e).toMatchObject({ code: 'AMOUNT_TOO_LARGE', path: ['currentReading'] });
  });
  it('still charges the largest amount that fits', () => {
    expect(right(areaCharge({ areaM2: '90071992547409.91', pricePerM2PerMonth: '1', months: 1 })).amount.toString()).toBe('90071992547409.91');
    expect(left(areaCharge({ areaM2: '90071992547409.92', pricePerM2PerMonth: '1', months: 1 })).code).toBe('AMOUNT_TOO_LARGE');
  });
});

describe('charge inputs (audit: a misspelt roundng used half-up without a word)', () => {
  it('rounds down when rounding is spelt right, and refuses the misspelling', () => {
    expect(right(areaCharge({ areaM2: '1', pricePerM2PerMonth: '0.005', months: 1, rounding: 'down' })).amount.toString()).toBe('0.00');
    const e = left(areaCharge({ areaM2: '1', pricePerM2PerMonth: '0.005', months: 1, roundng: 'down' } as never));
    expect(e).toMatchObject({ code: 'CHARGE_INPUT_UNKNOWN_FIELD', path: ['roundng'] });
  });
  it.each<[string, () => E.Either<DomainError, ChargeCalculation>, string, string[]]>([
    ['a prorated charge with daysBiled', () => proratedAreaCharge({ areaM2: '1', pricePerM2PerMonth: '1', daysInMonth: 31, daysBilled: 3, daysBiled: 17 } as never), 'CHARGE_INPUT_UNKNOWN_FIELD', ['daysBiled']],
    ['a fixed charge with rounding (it has none)', () => fixedCharge({ amountPerMonth: Money.of('1.00'), months: 1, rounding: 'down' } as never), 'CHARGE_INPUT_UNKNOWN_FIELD', ['rounding']],
    ['a metered charge with a misspelt unit price', () => meteredCharge({ previousReading: '0', currentReading: '1', unitPrice: '1', unitprice: '2' } as never), 'CHARGE_INPUT_UNKNOWN_FIELD', ['unitprice']],
    ['an area charge of null', () => areaCharge(null as never), 'CHARGE_INPUT_INVALID', []],
    ['a prorated charge of nothing', () => proratedAreaCharge(undefined as never), 'CHARGE_INPUT_INVALID', []],
    ['a fixed charge of an array', () => fixedCharge([] as never), 'CHARGE_INPUT_INVALID', []],
    ['a metered charge of a string', () => meteredCharge('1144.5' as never), 'CHARGE_INPUT_INVALID', []],
  ])('refuses %s', (_what, charge, code, path) => {
    const e = left(charge());
    expect(e.code).toBe(code);
    expect(e.path).toEqual(path);
  });
});

describe('price lists (audit: null threw a TypeError)', () => {
  it.each<[string, unknown, unknown, unknown, string[]]>([
    ['no prices', null, 'residential', undefined, ['prices']],
    ['prices without byUseType', {}, 'residential', undefined, ['prices', 'byUseType']],
    ['a byGrade that is not an object', { byUseType: {}, byGrade: 'office-A' }, 'commercial', 'office-A', ['prices', 'byGrade']],
    ['a use type that is not a string', { byUseType: { '42': '1.00' } }, 42, undefined, ['useType']],
    ['a grade that is not a string', { byUseType: { residential: '1.00' } }, 'residential', null, ['grade']],
  ])('refuses %s with PRICES_INVALID', (_what, prices, useType, grade, path) => {
    const e = left(priceFor(prices as never, useType as never, grade as never));
    expect(e).toMatchObject({ code: 'PRICES_INVALID', path });
  });
});
