/**
 * Exact money. A {@link Money} is an amount in a currency with a fixed scale (CNY: 2, the fen),
 * held in memory as a safe integer count of minor units and written as a canonical decimal
 * string (`"1234.50"`). It is parsed from strings only: a JS number is never an amount.
 *
 * Arithmetic between amounts is integer arithmetic and therefore exact; multiplying by a rate,
 * an area or a price is exact too (each factor read once as an integer × a power of ten, safe
 * integers or bigint) and rounds once, with an explicit mode (half-up, 四舍五入, by default:
 * domain.md, money and dates). Splits use largest remainder, so
 * the parts always sum to the whole.
 *
 * @example
 * import { Money } from '@levy/core';
 * const monthly = Money.of('250.60');
 * monthly.times('3').toString();                     // '751.80'
 * Money.of('89.50').times('2.80').toString();        // '250.60'
 * Money.split(Money.of('100.00'), 3).map(String);    // ['33.34', '33.33', '33.33']
 */
import type Decimal from 'decimal.js';
import * as E from 'fp-ts/lib/Either.js';
import { type ExactDecimal, ExactDecimal as D, dec, describe } from './decimal.js';
import { type DomainError, LevyError, domainError } from './errors.js';

// ---------------------------------------------------------------------------------------------
// currencies
// ---------------------------------------------------------------------------------------------

/** A currency and the number of decimal places its amounts carry. */
export interface Currency {
  readonly code: string;
  readonly scale: number;
}

/** Renminbi, two decimal places (yuan and fen). The default everywhere. */
export const CNY: Currency = Object.freeze({ code: 'CNY', scale: 2 });

/**
 * Defines a currency. Scale is 0 to 6 so every amount of practical size stays a safe integer.
 *
 * @example
 * const JPY = currency('JPY', 0);
 */
export const currency = (code: string, scale: number): Currency => {
  if (!/^[A-Z]{3}$/.test(code)) throw new LevyError(domainError('CURRENCY_INVALID', `currency code ${describe(code)} must be three capital letters`, ['currency']));
  if (!Number.isInteger(scale) || scale < 0 || scale > 6) {
    throw new LevyError(domainError('CURRENCY_INVALID', `scale ${String(scale)} must be a whole number from 0 to 6`, ['scale']));
  }
  return Object.freeze({ code, scale });
};

/**
 * Whether two currencies are the same: the same code and the same scale. `currency('CNY', 3)` is
 * not {@link CNY}: 1.000 of it is a thousand minor units where 1.00 CNY is a hundred, so amounts
 * of the two never add or compare (`CURRENCY_MISMATCH`).
 *
 * @example
 * isSameCurrency(CNY, currency('CNY', 2)); // true
 * isSameCurrency(CNY, currency('CNY', 3)); // false
 */
export const isSameCurrency = (a: Currency, b: Currency): boolean =>
  // nearly every amount carries the one CNY object: compare the objects before their fields
  a === b || (a.code === b.code && a.scale === b.scale);

/**
 * How an error names a currency: its code, and its scale too when the other currency has the
 * same code (`CNY (3 decimals)`), so a clerk can see why two "CNY" do not combine.
 *
 * @example
 * currencyName(currency('CNY', 3), CNY); // 'CNY (3 decimals)'
 */
export const currencyName = (c: Currency, other: Currency): string => (c.code === other.code ? `${c.code} (${c.scale} decimals)` : c.code);

const CURRENCY_CODE = /^[A-Z]{3}$/;

/**
 * The refusal for a `currency` argument that is not a {@link Currency} (`{ code: 'ABC', scale: 0..6 }`,
 * as {@link currency} makes), or undefined when it is one. A scale outside 0 to 6 would index past
 * the powers of ten an amount is scaled by, so it is refused, never read as a scale of 0.
 */
const currencyRefusal = (c: unknown): DomainError | undefined => {
  if (typeof c !== 'object' || c === null) {
    return domainError('CURRENCY_INVALID', `${describe(c)} is not a currency: pass CNY or one made by currency('JPY', 0)`, ['currency'], { input: describe(c) });
  }
  const { code, scale } = c as { code?: unknown; scale?: unknown };
  if (typeof code !== 'string' || !CURRENCY_CODE.test(code)) {
    return domainError('CURRENCY_INVALID', `currency code ${describe(code)} must be three capital letters`, ['currency', 'code'], { input: describe(code) });
  }
  if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > 6) {
    return domainError('CURRENCY_INVALID', `scale ${describe(scale)} of ${code} must be a whole number from 0 to 6`, ['currency', 'scale'], { input: describe(scale) });
  }
  return undefined;
};

// callers test `c !== CNY` first: nearly every amount is in the one CNY object, and that identity is its whole check
const checkCurrencyArgument = (c: unknown): void => {
  const refusal = currencyRefusal(c);
  if (refusal !== undefined) throw new LevyError(refusal);
};

// ---------------------------------------------------------------------------------------------
// rounding
// ---------------------------------------------------------------------------------------------

/**
 * Where a rule says "round": `half-up` (四舍五入, ties away from zero, the default),
 * `half-even` (banker's), `down` (toward zero), `up` (away from zero).
 */
export type RoundingMode = 'half-up' | 'half-even' | 'down' | 'up';

/** The rounding modes, for codecs and documentation. */
export const ROUNDING_MODES: readonly RoundingMode[] = ['half-up', 'half-even', 'down', 'up'];

const roundingInvalid = (rounding: unknown): LevyError =>
  new LevyError(domainError('ROUNDING_INVALID', `rounding ${describe(rounding)} is not one of ${ROUNDING_MODES.join(', ')}`, ['rounding'], { input: describe(rounding) }));

/**
 * The decimal.js rounding of a mode, or a `LevyError` `ROUNDING_INVALID` at `['rounding']` for
 * anything that is not one of {@link ROUNDING_MODES} (`'DOWN'`, `'sideways'`): a switch, not a
 * lookup, so `'toString'` is not a mode either.
 */
const decimalRounding = (rounding: unknown): Decimal.Rounding => {
  switch (rounding) {
    case 'half-up':
      return D.ROUND_HALF_UP;
    case 'half-even':
      return D.ROUND_HALF_EVEN;
    case 'down':
      return D.ROUND_DOWN;
    case 'up':
      return D.ROUND_UP;
    default:
      throw roundingInvalid(rounding);
  }
};

// ---------------------------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------------------------

const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000] as const;

/**
 * The most parts {@link Money.split} makes: months of a fee, installments of a plan, never
 * millions; the limit keeps a wrong count from allocating an array the size of memory.
 *
 * @example
 * Money.split(Money.of('1.00'), MAX_SPLIT_PARTS + 1); // throws SPLIT_PARTS_INVALID
 */
export const MAX_SPLIT_PARTS = 1_000_000;

const AMOUNT_PATTERN = /^(-)?(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

const tooLarge = (what: string): LevyError =>
  new LevyError(domainError('AMOUNT_TOO_LARGE', `${what} is beyond the largest amount Levy holds exactly (${Number.MAX_SAFE_INTEGER} minor units)`, []));

const checked = (minor: number, what: string): number => {
  if (minor > Number.MAX_SAFE_INTEGER || minor < -Number.MAX_SAFE_INTEGER) throw tooLarge(what);
  return minor;
};

/** Anything an amount can be multiplied by: an exact decimal, a decimal string, a whole number. */
export type Factor = ExactDecimal | string | number | bigint;

/**
 * An exact amount of money. Immutable; compare with {@link Money.equals} / {@link Money.compare}.
 *
 * @example
 * const a = Money.of('12.30');
 * a.add(Money.of('0.70')).toString(); // '13.00'
 * a.isPositive();                     // true
 */
export class Money {
  /**
   * The amount in minor units (fen). Private to this module by lint rule: code elsewhere works
   * with Money operations so that no number arithmetic ever touches an amount.
   */
  readonly minorUnits: number;
  readonly currency: Currency;

  private constructor(minorUnits: number, currency: Currency) {
    // -0 would print as "0.00" but compare oddly in Object.is; normalise it away
    this.minorUnits = minorUnits === 0 ? 0 : minorUnits;
    this.currency = currency;
  }

  // -- constructors ---------------------------------------------------------------------------

  /**
   * Parses a canonical or short decimal string ("1234.5", "1234.50", "-3"). Anything else, a JS
   * number included, is `AMOUNT_INVALID`; more decimals than the currency has is
   * `AMOUNT_TOO_PRECISE` (never a silent round); `path` names the field in the error. A `currency`
   * that is not a {@link Currency} (a code string such as `'CNY'`, a scale outside 0 to 6) is
   * `CURRENCY_INVALID` at `['currency']` (or `['currency', 'code' | 'scale']`).
   *
   * @example
   * Money.parse('12.345', ['payment', 'amount']); // left({ code: 'AMOUNT_TOO_PRECISE', path: ['payment', 'amount'], ... })
   */
  static parse(input: unknown, path: readonly string[] = [], currency: Currency = CNY): E.Either<DomainError, Money> {
    if (currency !== CNY) {
      const refusal = currencyRefusal(currency);
      if (refusal !== undefined) return E.left(refusal);
    }
    if (typeof input !== 'string') {
      return E.left(domainError('AMOUNT_INVALID', `${describe(input)} is not an amount: write amounts as strings such as "1234.50"`, path, { input: describe(input) }));
    }
    const m = AMOUNT_PATTERN.exec(input);
    if (m === null) {
      return E.left(domainError('AMOUNT_INVALID', `${describe(input)} is not an amount: write amounts as strings such as "1234.50"`, path, { input }));
    }
    const [, sign, whole = '0', frac = ''] = m;
    if (frac.length > currency.scale) {
      return E.left(
        domainError('AMOUNT_TOO_PRECISE', `${describe(input)} has ${frac.length} decimal places; ${currency.code} amounts have at most ${currency.scale}`, path, { input }),
      );
    }
    const scale = POW10[currency.scale] as number;
    const wholeUnits = Number(whole);
    const fracUnits = frac === '' ? 0 : Number(frac.padEnd(currency.scale, '0'));
    const minor = wholeUnits * scale + fracUnits;
    if (!Number.isSafeInteger(minor) || whole.length > 16) {
      return E.left(domainError('AMOUNT_TOO_LARGE', `${describe(input)} is beyond the largest amount Levy holds exactly`, path, { input }));
    }
    return E.right(new Money(sign === '-' ? -minor : minor, currency));
  }

  /**
   * Throwing form of {@link Money.parse}, for literals in code and tests: its refusals, currency
   * included, are thrown as a `LevyError`.
   *
   * @example
   * Money.of('250.60');
   */
  static of(input: string, currency: Currency = CNY): Money {
    const parsed = Money.parse(input, [], currency);
    if (E.isLeft(parsed)) throw new LevyError(parsed.left);
    return parsed.right;
  }

  /**
   * An amount from a whole count of minor units (fen). Accepts a safe integer or a bigint; throws
   * `AMOUNT_INVALID` for anything else and `CURRENCY_INVALID` for a currency that is not one.
   *
   * @example
   * Money.fromMinorUnits(25060).toString(); // '250.60'
   */
  static fromMinorUnits(minor: number | bigint, currency: Currency = CNY): Money {
    if (currency !== CNY) checkCurrencyArgument(currency);
    if (typeof minor === 'bigint') {
      if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) throw tooLarge(`${minor} minor units`);
      return new Money(Number(minor), currency);
    }
    if (!Number.isSafeInteger(minor)) {
      throw new LevyError(domainError('AMOUNT_INVALID', `${String(minor)} is not a whole number of minor units`, []));
    }
    return new Money(minor, currency);
  }

  /** Zero in a currency; `CURRENCY_INVALID` for one that is not. @example Money.zero().toString(); // '0.00' */
  static zero(currency: Currency = CNY): Money {
    if (currency === CNY) return ZERO_CNY;
    checkCurrencyArgument(currency);
    return new Money(0, currency);
  }

  // -- arithmetic -----------------------------------------------------------------------------

  /** `this + other`. @example Money.of('1.10').add(Money.of('2.20')).toString(); // '3.30' */
  add(other: Money): Money {
    this.sameCurrency(other);
    // amounts are immutable: adding zero gives back the other operand instead of a copy (fewer objects for the collector)
    if (other.minorUnits === 0) return this;
    if (this.minorUnits === 0) return other;
    return new Money(checked(this.minorUnits + other.minorUnits, 'the sum'), this.currency);
  }

  /** `this - other`. @example Money.of('1.00').subtract(Money.of('2.50')).toString(); // '-1.50' */
  subtract(other: Money): Money {
    this.sameCurrency(other);
    if (other.minorUnits === 0) return this;
    const difference = this.minorUnits - other.minorUnits;
    // paid in full is the common result: the shared zero, not a new one
    if (difference === 0 && this.currency === CNY) return ZERO_CNY;
    return new Money(checked(difference, 'the difference'), this.currency);
  }

  /** `-this`. */
  negate(): Money {
    return new Money(-this.minorUnits, this.currency);
  }

  /** `|this|`. */
  abs(): Money {
    return this.minorUnits < 0 ? this.negate() : this;
  }

  /**
   * Multiplies by one or more exact factors (rate, area, price, months) and rounds once to the
   * currency's scale. Factors are exact decimals, plain decimal strings or whole numbers; a
   * fractional JS number, anything else (an object, null) and an empty list throw
   * `DECIMAL_INVALID` (path `['factors']`, or `['factors', '<index>']` in a list); a rounding that
   * is not one of {@link ROUNDING_MODES} throws `ROUNDING_INVALID` at `['rounding']`.
   *
   * @example
   * Money.of('10000.00').times(['0.0003', 300]).toString(); // '900.00'
   * Money.of('0.05').times('0.5', 'half-even').toString();  // '0.02'
   */
  times(factors: Factor | readonly Factor[], rounding: RoundingMode = 'half-up'): Money {
    // exact integer math: the product of the factors is (coefficient, 10^-scale), so the result is
    // minor × coefficient / 10^scale rounded once; safe integers when they fit, bigint otherwise
    // half-up, the default, is the common case: one comparison before the check of the others
    if (rounding !== 'half-up') checkRounding(rounding);
    let coefficient: number | bigint;
    let scale: number;
    if (Array.isArray(factors)) {
      const list = factors as readonly Factor[];
      if (list.length === 0) throw noFactors();
      coefficient = 1;
      scale = 0;
      for (let i = 0; i < list.length; i++) {
        const p = parseFactor(list[i] as Factor, i);
        coefficient = multiplyExact(coefficient, p);
        scale += p.scale;
      }
    } else {
      const p = parseFactor(factors as Factor, -1);
      coefficient = p.small ?? p.coefficient;
      scale = p.scale;
    }
    return new Money(scaleAndRound(this.minorUnits, coefficient, scale, rounding), this.currency);
  }

  /**
   * The exact product with one or more factors, in major units (yuan) and before any rounding, as
   * a plain decimal string without trailing zeros: what a calculation records as its `unrounded`.
   * Refuses factors as {@link Money.times} does (`DECIMAL_INVALID`).
   *
   * @example
   * Money.of('1000.00').timesUnrounded(['0.0003', 47]); // '14.1'
   * Money.of('250.60').timesUnrounded(['0.0003', 7]);   // '0.52626'
   */
  timesUnrounded(factors: Factor | readonly Factor[]): string {
    let coefficient: number | bigint = 1;
    let scale = this.currency.scale;
    const isList = Array.isArray(factors);
    const list = (isList ? factors : [factors]) as readonly Factor[];
    if (list.length === 0) throw noFactors();
    for (let i = 0; i < list.length; i++) {
      const p = parseFactor(list[i] as Factor, isList ? i : -1);
      coefficient = multiplyExact(coefficient, p);
      scale += p.scale;
    }
    const product = typeof coefficient === 'number' && Number.isSafeInteger(this.minorUnits * coefficient) ? this.minorUnits * coefficient : BigInt(this.minorUnits) * BigInt(coefficient);
    return plainDecimal(product, scale);
  }

  /**
   * Multiplies by a whole number exactly (no rounding needed): days × base in penalty sums.
   *
   * @example
   * Money.of('1.25').timesInteger(4).toString(); // '5.00'
   */
  timesInteger(n: number): Money {
    if (!Number.isSafeInteger(n)) throw new LevyError(domainError('DECIMAL_INVALID', `${String(n)} is not a whole number`, []));
    return new Money(checked(this.minorUnits * n, 'the product'), this.currency);
  }

  /**
   * An amount from an exact decimal count of minor units, rounded to a whole one. A rounding that
   * is not one of {@link ROUNDING_MODES} (`'DOWN'`) is `ROUNDING_INVALID`, never decimal.js's
   * default; a currency that is not one `CURRENCY_INVALID`.
   *
   * @example
   * Money.fromMinorDecimal(dec('25060.5'), 'half-up').toString(); // '250.61'
   */
  static fromMinorDecimal(minor: ExactDecimal, rounding: RoundingMode = 'half-up', currency: Currency = CNY): Money {
    if (currency !== CNY) checkCurrencyArgument(currency);
    const rounded = minor.toDecimalPlaces(0, decimalRounding(rounding));
    if (rounded.abs().greaterThan(Number.MAX_SAFE_INTEGER)) throw tooLarge('the product');
    return new Money(Number(rounded.toFixed(0)), currency);
  }

  /**
   * Rounds an exact decimal amount in major units (yuan) to the currency's scale. Refuses a
   * rounding or a currency as {@link Money.fromMinorDecimal} does.
   *
   * @example
   * Money.round(dec('250.605')).toString(); // '250.61'
   * Money.round(dec('1.005'), 'DOWN'); // throws ROUNDING_INVALID at ['rounding']
   */
  static round(major: ExactDecimal, rounding: RoundingMode = 'half-up', currency: Currency = CNY): Money {
    if (currency !== CNY) checkCurrencyArgument(currency);
    return Money.fromMinorDecimal(major.times(POW10[currency.scale] as number), rounding, currency);
  }

  /** The amount as an exact decimal in major units (yuan), for rate arithmetic. */
  toDecimal(): ExactDecimal {
    return new D(this.minorUnits).dividedBy(POW10[this.currency.scale] ?? 1);
  }

  // -- comparison -----------------------------------------------------------------------------

  /** -1, 0 or 1. @example Money.of('1.00').compare(Money.of('2.00')); // -1 */
  compare(other: Money): -1 | 0 | 1 {
    this.sameCurrency(other);
    return this.minorUnits < other.minorUnits ? -1 : this.minorUnits > other.minorUnits ? 1 : 0;
  }
  /** Same currency (code and scale, see {@link isSameCurrency}) and amount; never throws. */
  equals(other: Money): boolean {
    return this.minorUnits === other.minorUnits && isSameCurrency(this.currency, other.currency);
  }
  /** `this < other`. */
  lessThan(other: Money): boolean {
    return this.compare(other) < 0;
  }
  /** `this > other`. */
  greaterThan(other: Money): boolean {
    return this.compare(other) > 0;
  }
  /** `this <= other`. */
  lessThanOrEqual(other: Money): boolean {
    return this.compare(other) <= 0;
  }
  /** `this >= other`. */
  greaterThanOrEqual(other: Money): boolean {
    return this.compare(other) >= 0;
  }
  /** Exactly zero. */
  isZero(): boolean {
    return this.minorUnits === 0;
  }
  /** Above zero. */
  isPositive(): boolean {
    return this.minorUnits > 0;
  }
  /** Below zero. */
  isNegative(): boolean {
    return this.minorUnits < 0;
  }
  /** The smaller of two amounts. */
  static min(a: Money, b: Money): Money {
    return a.compare(b) <= 0 ? a : b;
  }
  /** The larger of two amounts. */
  static max(a: Money, b: Money): Money {
    return a.compare(b) >= 0 ? a : b;
  }

  // -- lists ----------------------------------------------------------------------------------

  /**
   * The exact sum of a list (zero for an empty one). All amounts must share the currency, code and
   * scale (`CURRENCY_MISMATCH`); a `currency` that is not one is `CURRENCY_INVALID`.
   *
   * @example
   * Money.sum([Money.of('0.10'), Money.of('0.20')]).toString(); // '0.30'
   */
  static sum(amounts: Iterable<Money>, currency: Currency = CNY): Money {
    if (currency !== CNY) checkCurrencyArgument(currency);
    let acc = 0;
    if (Array.isArray(amounts)) {
      // arrays are the common case: an indexed loop and a currency identity check before the code and scale compare
      const list = amounts as readonly Money[];
      for (let i = 0; i < list.length; i++) {
        const m = list[i] as Money;
        checkCurrency(currency, m.currency);
        acc += m.minorUnits;
        if (acc > Number.MAX_SAFE_INTEGER || acc < -Number.MAX_SAFE_INTEGER) throw tooLarge('the sum');
      }
    } else {
      for (const m of amounts) {
        checkCurrency(currency, m.currency);
        acc += m.minorUnits;
        if (acc > Number.MAX_SAFE_INTEGER || acc < -Number.MAX_SAFE_INTEGER) throw tooLarge('the sum');
      }
    }
    return acc === 0 && currency === CNY ? ZERO_CNY : new Money(acc, currency);
  }

  /**
   * Splits `total` in proportion to `ratios` by largest remainder: every part is a whole number
   * of minor units and the parts sum to `total` exactly. Each part first gets the floor of its
   * exact share; the minor units left over go one each to the parts with the largest remainders,
   * ties to the lower index. A negative total is split as its absolute value, then negated.
   * Ratios are non-negative exact decimals (areas, weights) and not all zero.
   *
   * Throws `AMOUNT_INVALID` at `['total']` for a total that is not a Money,
   * `ALLOCATION_RATIOS_INVALID` at `['ratios']` for ratios that are not an array,
   * `ALLOCATION_EMPTY` for none, `DECIMAL_INVALID` at `['ratios', '<index>']` for a ratio that is
   * not an exact decimal, `ALLOCATION_RATIO_NEGATIVE` and `ALLOCATION_RATIOS_ZERO`.
   *
   * @example
   * Money.allocate(Money.of('100.00'), ['1', '1', '1']).map(String); // ['33.34', '33.33', '33.33']
   * Money.allocate(Money.of('10.00'), ['89.50', '120.25']).map(String); // ['4.27', '5.73']
   */
  static allocate(total: Money, ratios: readonly Factor[]): Money[] {
    if (!(total instanceof Money)) throw notMoney(total);
    if (!Array.isArray(ratios)) {
      throw new LevyError(domainError('ALLOCATION_RATIOS_INVALID', `the ratios must be an array of decimals such as ['89.50', '120.25'], not ${describe(ratios)}`, ['ratios'], { input: describe(ratios) }));
    }
    if (ratios.length === 0) throw new LevyError(domainError('ALLOCATION_EMPTY', 'there must be at least one part to allocate to', ['ratios']));
    const decimals = (ratios as readonly Factor[]).map((r, i) => {
      const d = ratioOf(r, i);
      // lessThan, not isNegative: '-0' is zero, as '0' is
      if (d.lessThan(0)) throw new LevyError(domainError('ALLOCATION_RATIO_NEGATIVE', `ratio ${d.toString()} is below zero`, ['ratios', String(i)]));
      return d;
    });
    // scale every ratio to a whole bigint so shares are exact integer divisions
    const places = decimals.reduce((p, d) => Math.max(p, d.decimalPlaces()), 0);
    const weights = decimals.map((d) => BigInt(d.times(new D(10).pow(places)).toFixed(0)));
    const weightSum = weights.reduce((a, b) => a + b, 0n);
    if (weightSum === 0n) throw new LevyError(domainError('ALLOCATION_RATIOS_ZERO', 'the ratios add up to zero; nothing to allocate by', ['ratios']));
    const sign = total.minorUnits < 0 ? -1n : 1n;
    const whole = BigInt(total.minorUnits) * sign;
    const parts = weights.map((w) => (whole * w) / weightSum);
    const remainders = weights.map((w, i) => ({ i, r: (whole * w) % weightSum }));
    let left = whole - parts.reduce((a, b) => a + b, 0n);
    remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
    for (let k = 0; left > 0n; k++, left--) {
      const target = remainders[k % remainders.length];
      if (target === undefined) break;
      parts[target.i] = (parts[target.i] ?? 0n) + 1n;
    }
    return parts.map((p) => Money.fromMinorUnits(p * sign, total.currency));
  }

  /**
   * Splits `total` into `n` parts that differ by at most one minor unit and sum to `total`; the
   * extra minor units go to the first parts (a yearly fee into months: January first). `n` is a
   * whole number from 1 to {@link MAX_SPLIT_PARTS}, else `SPLIT_PARTS_INVALID` (path `['n']`); a
   * total that is not a Money is `AMOUNT_INVALID` (path `['total']`).
   *
   * @example
   * Money.split(Money.of('3000.00'), 12).map(String); // 12 × '250.00'
   * Money.split(Money.of('1000.00'), 12)[0]!.toString(); // '83.34'
   */
  static split(total: Money, n: number): Money[] {
    if (!(total instanceof Money)) throw notMoney(total);
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_SPLIT_PARTS) {
      throw new LevyError(domainError('SPLIT_PARTS_INVALID', `cannot split into ${String(n)} parts; give a whole number from 1 to ${MAX_SPLIT_PARTS}`, ['n'], { n: describe(n) }));
    }
    const sign = total.minorUnits < 0 ? -1 : 1;
    const whole = Math.abs(total.minorUnits);
    const base = Math.floor(whole / n);
    const extra = whole - base * n;
    const out: Money[] = new Array<Money>(n);
    for (let i = 0; i < n; i++) out[i] = new Money(sign * (base + (i < extra ? 1 : 0)), total.currency);
    return out;
  }

  // -- output ---------------------------------------------------------------------------------

  /** The canonical string: optional minus, digits, and exactly `scale` decimals. @example Money.of('5').toString(); // '5.00' */
  toString(): string {
    const scale = this.currency.scale;
    const neg = this.minorUnits < 0;
    if (scale === 2) {
      // the common scale (CNY), in fewer intermediate strings than the general form below
      const abs = neg ? -this.minorUnits : this.minorUnits;
      const fen = abs % 100;
      const yuan = (abs - fen) / 100;
      return (neg ? '-' : '') + String(yuan) + (fen < 10 ? '.0' : '.') + String(fen);
    }
    const digits = String(Math.abs(this.minorUnits));
    if (scale === 0) return (neg ? '-' : '') + digits;
    const padded = digits.padStart(scale + 1, '0');
    return `${neg ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  }

  /** JSON form is the canonical string, so events carry `"1234.50"`. */
  toJSON(): string {
    return this.toString();
  }

  private sameCurrency(other: Money): void {
    checkCurrency(this.currency, other.currency);
  }
}

// ---------------------------------------------------------------------------------------------
// internals of Money#times: factors as (integer coefficient, power of ten)
// ---------------------------------------------------------------------------------------------

/** A factor as `coefficient × 10^-scale`; `small` is the coefficient when it is a safe integer. */
interface ParsedFactor {
  readonly coefficient: bigint;
  readonly small: number | undefined;
  readonly scale: number;
}

const PLAIN_FACTOR = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
const FACTOR_CACHE_LIMIT = 256;
// rates, areas and prices repeat across a billing run: parse each once
const stringFactors = new Map<string, ParsedFactor>();
const decimalFactors = new WeakMap<object, ParsedFactor>();

// where a factor sits: -1 for a lone factor, else its index in the list
const factorPath = (at: number): readonly string[] => (at < 0 ? ['factors'] : ['factors', String(at)]);

const invalidFactor = (input: unknown, at: number): LevyError =>
  new LevyError(domainError('DECIMAL_INVALID', `${describe(input)} is not a plain decimal string such as "2.80"`, factorPath(at), { input: describe(input) }));

// multiplying by no factor at all is a slip (a list left empty), not a multiplication by 1
const noFactors = (): LevyError => new LevyError(domainError('DECIMAL_INVALID', 'there is no factor to multiply by: give at least one', ['factors']));

const checkRounding = (rounding: unknown): void => {
  switch (rounding) {
    case 'half-up':
    case 'half-even':
    case 'down':
    case 'up':
      return;
    default:
      throw roundingInvalid(rounding);
  }
};

const notMoney = (total: unknown): LevyError =>
  new LevyError(domainError('AMOUNT_INVALID', `the total must be a Money amount such as Money.of('100.00'), not ${describe(total)}`, ['total'], { input: describe(total) }));

// a ratio as an exact decimal; a refusal names the ratio's place in the list
const ratioOf = (r: unknown, i: number): ExactDecimal => {
  try {
    return dec(r as Factor);
  } catch (e) {
    if (e instanceof LevyError) throw new LevyError({ ...e.error, path: ['ratios', String(i)] });
    throw e;
  }
};

const fromDigits = (sign: string, whole: string, frac: string): ParsedFactor => {
  const trimmed = frac.replace(/0+$/, '');
  const coefficient = BigInt(`${sign}${whole}${trimmed}`);
  const small = coefficient >= -MAX_SAFE_BIG && coefficient <= MAX_SAFE_BIG ? Number(coefficient) : undefined;
  return { coefficient, small, scale: trimmed.length };
};

const parseFactorString = (input: string, original: unknown, at: number): ParsedFactor => {
  const m = PLAIN_FACTOR.exec(input);
  if (m === null) throw invalidFactor(original, at);
  const [, sign = '', whole = '0', frac = ''] = m;
  return fromDigits(sign, whole, frac);
};

const SMALL_FACTORS = 4096;
const smallFactors: (ParsedFactor | undefined)[] = [];

const parseFactor = (f: Factor, at: number): ParsedFactor => {
  if (typeof f === 'string') {
    let p = stringFactors.get(f);
    if (p === undefined) {
      p = parseFactorString(f, f, at);
      if (stringFactors.size >= FACTOR_CACHE_LIMIT) stringFactors.clear();
      stringFactors.set(f, p);
    }
    return p;
  }
  if (typeof f === 'number') {
    // same rule as dec(): a JS number factor must be a safe integer
    if (!Number.isSafeInteger(f)) throw new LevyError(domainError('DECIMAL_INVALID', `number ${f} is not a safe integer; pass decimals as strings`, factorPath(at), { input: describe(f) }));
    // day counts (penalties) repeat: small whole numbers are parsed once each
    if (f >= 0 && f < SMALL_FACTORS) return (smallFactors[f] ??= { coefficient: BigInt(f), small: f, scale: 0 });
    return { coefficient: BigInt(f), small: f, scale: 0 };
  }
  if (typeof f === 'bigint') return fromDigits(f < 0n ? '-' : '', (f < 0n ? -f : f).toString(), '');
  // WeakMap#get answers undefined for null or a primitive: the check below runs on a miss only
  let p = decimalFactors.get(f as object);
  if (p === undefined) {
    if (!D.isDecimal(f)) throw invalidFactor(f, at);
    if (!f.isFinite()) throw invalidFactor(f.toString(), at);
    p = parseFactorString(f.toFixed(), f.toString(), at);
    decimalFactors.set(f, p);
  }
  return p;
};

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

const multiplyExact = (acc: number | bigint, p: ParsedFactor): number | bigint => {
  if (typeof acc === 'number' && p.small !== undefined) {
    const product = acc * p.small;
    if (Number.isSafeInteger(product)) return product;
  }
  return BigInt(acc) * p.coefficient;
};

/** `minor × coefficient / 10^scale`, rounded once to a whole minor unit. */
const scaleAndRound = (minor: number, coefficient: number | bigint, scale: number, rounding: RoundingMode): number => {
  if (typeof coefficient === 'number' && scale < POW10_SAFE.length) {
    const product = minor * coefficient;
    if (Number.isSafeInteger(product)) {
      if (scale === 0) return checked(product, 'the product');
      const divisor = POW10_SAFE[scale] as number;
      // % and the exact division below are exact on safe integers
      const remainder = product % divisor;
      const quotient = (product - remainder) / divisor;
      return quotient + roundingStep(Math.abs(remainder) * 2, divisor, quotient, Math.sign(product), rounding);
    }
  }
  const product = BigInt(minor) * BigInt(coefficient);
  const divisor = 10n ** BigInt(scale);
  const remainder = product % divisor;
  let quotient = (product - remainder) / divisor;
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  const sign = product < 0n ? -1n : 1n;
  if (twice !== 0n) {
    const away =
      rounding === 'up' ||
      (rounding === 'half-up' && twice >= divisor) ||
      (rounding === 'half-even' && (twice > divisor || (twice === divisor && quotient % 2n !== 0n)));
    if (away) quotient += sign;
  }
  if (quotient > MAX_SAFE_BIG || quotient < -MAX_SAFE_BIG) throw tooLarge('the product');
  return Number(quotient);
};

/** `integer × 10^-scale` as a plain decimal string: no exponent, no trailing zeros, '0' for zero. */
const plainDecimal = (integer: number | bigint, scale: number): string => {
  // -0 and 0n both print as '0'
  const negative = integer < 0;
  const digits = (negative ? -integer : integer).toString();
  if (digits === '0') return '0';
  let text = digits;
  if (scale > 0) {
    const padded = digits.padStart(scale + 1, '0');
    const fraction = padded.slice(-scale).replace(/0+$/, '');
    text = fraction === '' ? padded.slice(0, -scale) : `${padded.slice(0, -scale)}.${fraction}`;
  }
  return negative ? `-${text}` : text;
};

// powers of ten that are exact safe integers
const POW10_SAFE: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** 0 or ±1: the step away from zero that the rounding mode takes, given twice the remainder. */
const roundingStep = (twiceRemainder: number, divisor: number, quotient: number, sign: number, rounding: RoundingMode): number => {
  if (twiceRemainder === 0) return 0;
  switch (rounding) {
    case 'down':
      return 0;
    case 'up':
      return sign;
    case 'half-up':
      return twiceRemainder >= divisor ? sign : 0;
    case 'half-even':
      return twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2 !== 0) ? sign : 0;
  }
};

/**
 * A running total that adds amounts in place: no `Money` is made per addition, only when the total
 * is read ({@link MoneyTotal.value}). For folds that sum millions of postings into a few totals
 * (the journal's totals per account and day), where a `Money` per addition would be garbage.
 * Exact and checked as {@link Money.add} is: an amount in another currency than the total's is
 * `CURRENCY_MISMATCH`, a total beyond the largest exact amount `AMOUNT_TOO_LARGE`, and a refused
 * addition leaves the total as it was.
 *
 * @example
 * const total = new MoneyTotal();
 * total.add(Money.of('0.10'));
 * total.add(Money.of('0.20'));
 * total.subtract(Money.of('1.00'));
 * total.value().toString(); // '-0.70'
 */
export class MoneyTotal {
  private minor = 0;

  /** A zero total in `currency` (CNY unless given); `CURRENCY_INVALID` for a currency that is not one. */
  constructor(readonly currency: Currency = CNY) {
    if (currency !== CNY) checkCurrencyArgument(currency);
  }

  /** Adds `amount` to the total. */
  add(amount: Money): void {
    checkCurrency(this.currency, amount.currency);
    this.minor = checked(this.minor + amount.minorUnits, 'the sum');
  }

  /** Takes `amount` off the total. */
  subtract(amount: Money): void {
    checkCurrency(this.currency, amount.currency);
    this.minor = checked(this.minor - amount.minorUnits, 'the difference');
  }

  /** Whether the total is zero. */
  isZero(): boolean {
    return this.minor === 0;
  }

  /** The total as an amount. */
  value(): Money {
    return this.minor === 0 && this.currency === CNY ? ZERO_CNY : Money.fromMinorUnits(this.minor, this.currency);
  }

  /** Back to zero, in the same currency. */
  reset(): void {
    this.minor = 0;
  }
}

const mismatch = (a: Currency, b: Currency): LevyError =>
  new LevyError(
    domainError('CURRENCY_MISMATCH', `cannot combine ${currencyName(a, b)} with ${currencyName(b, a)}`, [], { expected: a.code, actual: b.code, expectedScale: a.scale, actualScale: b.scale }),
  );

const checkCurrency = (expected: Currency, actual: Currency): void => {
  if (!isSameCurrency(expected, actual)) throw mismatch(expected, actual);
};

const ZERO_CNY = Money.fromMinorUnits(0);
