import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalMoney, isCanonicalAmount } from '../src/canonical-amount.js';
import { Money } from '../src/money.js';
import { FC_SEED, runs } from '../../testkit/test/support/properties.js';

const CANONICAL = /^-?(0|[1-9][0-9]{0,12})\.[0-9]{2}$/;

/** strings near the canonical form: digit runs with and without decimals, stray characters, and every Money's own text */
const amountLike = (): fc.Arbitrary<string>[] => [
  // size 'max': fast-check's default size stops a repeat, and a string, at 10, short of the 14 digits and more that are too many
  fc.stringMatching(/^-?[0-9]{0,18}(\.[0-9]{0,4})?$/, { size: 'max' }),
  fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', 'a', ' ', '+', 'e'), maxLength: 20, size: 'max' }),
  fc.integer({ min: -1e15, max: 1e15 }).map((n) => Money.fromMinorUnits(n).toString()),
];

describe('canonicalMoney', () => {
  it('reads a canonical amount as the same Money as Money.parse, and leaves every other input to it', () => {
    const input = fc.oneof(...amountLike(), fc.anything());
    fc.assert(
      fc.property(input, (s) => {
        const fast = canonicalMoney(s);
        if (typeof s === 'string' && CANONICAL.test(s)) {
          const parsed = Money.parse(s);
          expect(E.isRight(parsed)).toBe(true);
          expect(fast?.toString()).toBe(E.isRight(parsed) ? parsed.right.toString() : 'unreachable');
          expect(fast?.equals(Money.of(s))).toBe(true);
        } else {
          expect(fast).toBeUndefined();
        }
      }),
      { numRuns: runs(2000) },
    );
  });

  it('leaves leading zeros, short or long decimals, too many digits and non-strings to Money.parse', () => {
    for (const s of ['01.00', '1.0', '1.000', '.50', '-', '', '1a.00', '+1.00', '99999999999999.99', ' 1.00', '1e3.00', 100, null, undefined]) {
      expect(canonicalMoney(s)).toBeUndefined();
    }
    expect(canonicalMoney('9999999999999.99')?.toString()).toBe('9999999999999.99');
    expect(canonicalMoney('-0.01')?.toString()).toBe('-0.01');
  });
});

describe('isCanonicalAmount', () => {
  it('holds exactly the non-negative strings canonicalMoney reads, which Money writes back unchanged', () => {
    const input = fc.oneof(...amountLike());
    fc.assert(
      fc.property(input, (s) => {
        const fast = canonicalMoney(s);
        expect(isCanonicalAmount(s)).toBe(fast !== undefined && !s.startsWith('-'));
        if (isCanonicalAmount(s)) expect(fast?.toString()).toBe(s);
      }),
      { seed: FC_SEED + 1, numRuns: runs(2000) },
    );
  });

  it('refuses negative, short, long and leading-zero forms', () => {
    for (const s of ['-0.00', '-1.00', '0', '300', '1.0', '01.00', '.50', '', '99999999999999.99']) expect(isCanonicalAmount(s)).toBe(false);
    for (const s of ['0.00', '0.01', '300.00', '9999999999999.99']) expect(isCanonicalAmount(s)).toBe(true);
  });
});
