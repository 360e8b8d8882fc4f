/**
 * Exact decimals for rates, areas, prices and readings: a private decimal.js constructor with
 * enough precision that products of a few factors are exact, and a parser that accepts only
 * plain decimal strings (no exponents, no floats).
 *
 * @example
 * import { parseDecimal } from '@levy/core';
 * parseDecimal('0.0003', ['policy', 'dailyRate']); // right(Decimal 0.0003)
 */
import Decimal from 'decimal.js';
import * as E from 'fp-ts/lib/Either.js';
import { type DomainError, LevyError, domainError } from './errors.js';

/** decimal.js clone with 60 significant digits: products of areas, prices and months stay exact. */
export const ExactDecimal = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 60 });
/** An exact decimal value (decimal.js instance from {@link ExactDecimal}). */
export type ExactDecimal = Decimal;

const PLAIN_DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** The most significant digits {@link parseDecimal} takes: three such factors multiply exactly in {@link ExactDecimal}'s 60. */
export const MAX_SIGNIFICANT_DIGITS = 20;

/**
 * Parses a plain decimal string ("2.80", "-0.5", "12") into an exact decimal. Exponents, floats,
 * blanks and anything else give `DECIMAL_INVALID` naming the path; more than
 * {@link MAX_SIGNIFICANT_DIGITS} significant digits (leading zeros aside) `DECIMAL_TOO_LONG`.
 *
 * @example
 * parseDecimal('89.50', ['unit', 'area']); // right(89.5)
 * parseDecimal('1e3', ['unit', 'area']);   // left({ code: 'DECIMAL_INVALID', ... })
 */
export const parseDecimal = (input: unknown, path: readonly string[] = []): E.Either<DomainError, ExactDecimal> => {
  if (typeof input !== 'string' || !PLAIN_DECIMAL.test(input)) {
    return E.left(
      domainError('DECIMAL_INVALID', `${describe(input)} is not a plain decimal string such as "2.80"`, path, { input: describe(input) }),
    );
  }
  // a figure longer than this would be rounded on the way in, or make a product of three inexact
  const digits = input.replace(/^-?[0.]*/, '').replace('.', '').length;
  if (digits > MAX_SIGNIFICANT_DIGITS) {
    return E.left(
      domainError(
        'DECIMAL_TOO_LONG',
        `${describe(input)} has ${digits} significant digits; Levy takes at most ${MAX_SIGNIFICANT_DIGITS} in a figure, so that a product of three (area × price × months) is exact`,
        path,
        { input, digits },
      ),
    );
  }
  return E.right(new ExactDecimal(input));
};


/**
 * Throwing form of {@link parseDecimal} for literals in code: `dec('0.0003')`.
 *
 * @example
 * dec('2.80').times(dec('89.50')).toFixed(2); // '250.60'
 */
export const dec = (input: string | number | bigint | Decimal): ExactDecimal => {
  if (input instanceof Decimal) return input;
  if (typeof input === 'bigint') return new ExactDecimal(input.toString());
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input)) {
      throw new LevyError(domainError('DECIMAL_INVALID', `number ${input} is not a safe integer; pass decimals as strings`, []));
    }
    return new ExactDecimal(input);
  }
  const parsed = parseDecimal(input);
  if (E.isLeft(parsed)) throw new LevyError(parsed.left);
  return parsed.right;
};

/**
 * How a value is shown in an error message: strings quoted, numbers as numbers, an array, an
 * object, an instance by its class (`a Map`, `a Date`), everything else by type. The one describer
 * every refusal's message uses.
 *
 * @example
 * describe('2025-13'); // '"2025-13"'
 * describe(new Map()); // 'a Map'
 */
export const describe = (input: unknown): string => {
  if (typeof input === 'string') return JSON.stringify(input);
  if (typeof input === 'number') return `the number ${String(input)}`;
  if (input === null) return 'null';
  if (input === undefined) return 'nothing';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'object') {
    const name: unknown = (input as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return `a ${typeof input}`;
};
