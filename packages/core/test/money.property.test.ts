import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Decimal from 'decimal.js';
import * as E from 'fp-ts/lib/Either.js';
import { Money, MoneyTotal, ROUNDING_MODES, type RoundingMode, currency } from '@levy/core';
import { runs } from '../../testkit/test/support/properties.js';

const RUN = { numRuns: runs(200) } as const;
const fen = (max = 1_000_000_000_00) => fc.integer({ min: -max, max });
const money = (max?: number) => fen(max).map((n) => Money.fromMinorUnits(n));
const decimalString = fc
  .tuple(fc.integer({ min: -99_999, max: 99_999 }), fc.integer({ min: 0, max: 6 }))
  .map(([n, places]) => new Decimal(n).dividedBy(new Decimal(10).pow(places)).toFixed(places));

// the reference: what Money#times did before it moved to integer math (decimal.js, 60 digits)
const REF_ROUNDING: Record<RoundingMode, Decimal.Rounding> = {
  'half-up': Decimal.ROUND_HALF_UP,
  'half-even': Decimal.ROUND_HALF_EVEN,
  down: Decimal.ROUND_DOWN,
  up: Decimal.ROUND_UP,
};
const Ref = Decimal.clone({ precision: 60 });
const referenceTimes = (m: Money, factors: readonly string[], rounding: RoundingMode): string => {
  let p = new Ref(m.toString());
  for (const f of factors) p = p.times(f);
  return p.toDecimalPlaces(2, REF_ROUNDING[rounding]).toFixed(2);
};

describe('Money properties', () => {
  it('prints and parses back to the same amount', () => {
    fc.assert(
      fc.property(money(), (m) => {
        const back = Money.parse(m.toString());
        expect(E.isRight(back) && back.right.equals(m)).toBe(true);
      }),
      RUN,
    );
  });

  it('writes fen as decimal.js writes the same amount in yuan, to the largest safe amount', () => {
    const anyFen = fc.oneof(fen(), fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -1_000, max: 1_000 }));
    fc.assert(
      fc.property(anyFen, (n) => {
        expect(Money.fromMinorUnits(n).toString()).toBe(new Ref(n).dividedBy(100).toFixed(2));
      }),
      { ...RUN, numRuns: runs(2000) },
    );
  });

  it('adds and subtracts zero to an equal amount, and a difference of zero is zero', () => {
    fc.assert(
      fc.property(money(), (m) => {
        const zero = Money.zero();
        expect(m.add(zero).equals(m) && zero.add(m).equals(m) && m.subtract(zero).equals(m)).toBe(true);
        expect(m.subtract(m).isZero() && m.subtract(m).toString() === '0.00').toBe(true);
        expect(zero.subtract(m).equals(m.negate())).toBe(true);
      }),
      RUN,
    );
  });

  it('allocate parts sum exactly to the total and are each within one fen of the exact share', () => {
    fc.assert(
      fc.property(money(), fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 12 }), (total, weights) => {
        fc.pre(weights.some((w) => w > 0));
        const parts = Money.allocate(total, weights.map(String));
        expect(parts).toHaveLength(weights.length);
        expect(Money.sum(parts).equals(total)).toBe(true);
        const sumW = weights.reduce((a, b) => a + b, 0);
        parts.forEach((p, i) => {
          const exact = new Decimal(total.toString()).times(weights[i]!).dividedBy(sumW);
          expect(new Decimal(p.toString()).minus(exact).abs().lessThan('0.01')).toBe(true);
        });
      }),
      RUN,
    );
  });

  it('split parts sum exactly, differ by at most one fen, and put the larger parts first', () => {
    fc.assert(
      fc.property(money(), fc.integer({ min: 1, max: 400 }), (total, n) => {
        const parts = Money.split(total, n);
        expect(parts).toHaveLength(n);
        expect(Money.sum(parts).equals(total)).toBe(true);
        for (let i = 1; i < n; i++) {
          const gap = parts[i - 1]!.abs().subtract(parts[i]!.abs());
          expect(gap.isNegative()).toBe(false);
          expect(gap.lessThanOrEqual(Money.of('0.01'))).toBe(true);
        }
      }),
      RUN,
    );
  });

  it('times gives exactly what decimal.js gives, in every rounding mode', () => {
    fc.assert(
      fc.property(money(1_000_000_00), fc.array(decimalString, { minLength: 1, maxLength: 3 }), fc.constantFrom(...ROUNDING_MODES), (m, factors, mode) => {
        const expected = referenceTimes(m, factors, mode);
        // beyond the largest exact amount both ways must refuse rather than round
        if (new Decimal(expected).abs().times(100).greaterThan(Number.MAX_SAFE_INTEGER)) expect(() => m.times(factors, mode)).toThrow(/AMOUNT_TOO_LARGE/);
        else expect(m.times(factors, mode).toString()).toBe(expected);
        expect(m.times(factors[0]!, mode).toString()).toBe(referenceTimes(m, [factors[0]!], mode));
      }),
      { ...RUN, numRuns: runs(2000) },
    );
  });

  it('timesUnrounded is the exact product, as decimal.js writes it', () => {
    fc.assert(
      fc.property(money(), fc.array(decimalString, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 1000 }), (m, factors, days) => {
        let p = new Ref(m.toString());
        for (const f of factors) p = p.times(f);
        expect(m.timesUnrounded([...factors, days])).toBe(p.times(days).toFixed().replace(/(\.[0-9]*?)0+$/, '$1').replace(/\.$/, '').replace(/^-0$/, '0'));
      }),
      RUN,
    );
  });

  it('times takes the bigint road for huge coefficients and still agrees with decimal.js', () => {
    fc.assert(
      fc.property(money(), fc.constantFrom(...ROUNDING_MODES), (m, mode) => {
        const factors = ['0.000300000000000000001', '123456789.987654321', '0.0000001'];
        expect(m.times(factors, mode).toString()).toBe(referenceTimes(m, factors, mode));
      }),
      RUN,
    );
  });
});

describe('Money#times edge cases', () => {
  it('accepts decimal.js instances, bigints and whole numbers as factors', () => {
    expect(Money.of('10000.00').times([new Decimal('0.0003'), 300n]).toString()).toBe('900.00');
    expect(Money.of('1.25').times(4).toString()).toBe('5.00');
  });
  it('breaks exact ties by the mode', () => {
    expect(Money.of('0.25').times('0.1').toString()).toBe('0.03');
    expect(Money.of('0.25').times('0.1', 'half-even').toString()).toBe('0.02');
    expect(Money.of('0.35').times('0.1', 'half-even').toString()).toBe('0.04');
    expect(Money.of('-0.25').times('0.1', 'up').toString()).toBe('-0.03');
    expect(Money.of('-0.29').times('0.1', 'down').toString()).toBe('-0.02');
  });
  it('refuses exponents and infinities as factors', () => {
    expect(() => Money.of('1.00').times('1e3')).toThrow(/DECIMAL_INVALID/);
    expect(() => Money.of('1.00').times(new Decimal(Infinity))).toThrow(/DECIMAL_INVALID/);
  });
  it('refuses products beyond the largest exact amount', () => {
    expect(() => Money.of('90000000000000.00').times('1000')).toThrow(/AMOUNT_TOO_LARGE/);
  });
});

describe('MoneyTotal, the running total that adds in place', () => {
  it('ends where adding and subtracting Money one by one ends, and decimal.js agrees', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(money(), fc.boolean()), { maxLength: 40, size: 'max' }), (steps) => {
        const total = new MoneyTotal();
        let chained = Money.zero();
        let ref = new Decimal(0);
        for (const [m, add] of steps) {
          if (add) total.add(m);
          else total.subtract(m);
          chained = add ? chained.add(m) : chained.subtract(m);
          ref = add ? ref.plus(m.toString()) : ref.minus(m.toString());
        }
        expect(total.value().equals(chained)).toBe(true);
        expect(total.value().toString()).toBe(ref.toFixed(2));
        expect(total.isZero()).toBe(chained.isZero());
        total.reset();
        expect(total.value().isZero()).toBe(true);
      }),
      RUN,
    );
  });

  it('refuses another currency and a total beyond the largest exact amount, and keeps the total it had', () => {
    const usd = currency('USD', 2);
    const total = new MoneyTotal();
    total.add(Money.of('1.00'));
    expect(() => total.add(Money.of('1.00', usd))).toThrow(expect.objectContaining({ code: 'CURRENCY_MISMATCH' }));
    expect(() => total.subtract(Money.of('1.00', usd))).toThrow(expect.objectContaining({ code: 'CURRENCY_MISMATCH' }));
    const largest = Money.fromMinorUnits(Number.MAX_SAFE_INTEGER);
    expect(() => total.add(largest)).toThrow(expect.objectContaining({ code: 'AMOUNT_TOO_LARGE' }));
    expect(total.value().toString()).toBe('1.00');
    const debt = new MoneyTotal();
    debt.subtract(Money.of('1.00'));
    expect(() => debt.subtract(largest)).toThrow(expect.objectContaining({ code: 'AMOUNT_TOO_LARGE' }));
    expect(debt.value().toString()).toBe('-1.00');
    // a total in its own currency
    const dollars = new MoneyTotal(usd);
    dollars.add(Money.of('2.50', usd));
    expect([dollars.value().toString(), dollars.value().currency.code]).toEqual(['2.50', 'USD']);
    expect(() => dollars.add(Money.of('1.00'))).toThrow(expect.objectContaining({ code: 'CURRENCY_MISMATCH' }));
  });
});
