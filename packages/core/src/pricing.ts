/**
 * Pricing (收费标准, domain.md 3.2): what one charge comes to. By building area
 * (`area × price per m² per month × months`), prorated by days for a partial first month, a
 * fixed amount per month, or metered (reading delta × unit price). Each charge is rounded once,
 * half-up to the fen by default, and the result carries the exact product it was rounded from,
 * so an event records the decision and not only a number.
 *
 * @example
 * import { areaCharge } from '@levy/core';
 * areaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', months: 1 });
 * // right({ amount: 250.60, basis: 'area', quantity: '89.50', unitPrice: '2.80', months: '1', unrounded: '250.6', rounding: 'half-up' })
 */
import * as E from 'fp-ts/lib/Either.js';
import { ExactDecimal, describe, parseDecimal } from './decimal.js';
import { type DomainError, LevyError, domainError } from './errors.js';
import { Money, ROUNDING_MODES, type RoundingMode } from './money.js';
import { closestName, isInputObject, unknownField } from './unknown-field.js';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** What a charge comes to, and how: the inputs as given, the exact product, and the rounding. */
export interface ChargeCalculation {
  readonly amount: Money;
  readonly basis: 'area' | 'fixed' | 'metered';
  /** area `'89.50'` as given, reading delta `'120'` (a plain decimal, never an exponent), or `'1'` for a fixed amount */
  readonly quantity: string;
  /** price per m² per month, per metered unit, or the fixed amount per month, e.g. `'2.80'` */
  readonly unitPrice: string;
  /** whole months `'1'`, `'3'`, `'12'`, or a proration by days as a fraction, e.g. `'17/31'` */
  readonly months: string;
  /**
   * The exact product before rounding, e.g. `'250.6'`: a plain decimal (never an exponent, however
   * small: `'0.000000000000000000000000000000001'`, not `'1e-33'`); a prorated charge whose share
   * does not end in a decimal is written as a fraction of plain decimals, `'4260.2/31'`.
   */
  readonly unrounded: string;
  readonly rounding: RoundingMode;
}

// ---------------------------------------------------------------------------------------------
// validation helpers
// ---------------------------------------------------------------------------------------------

type Checked<A> = E.Either<DomainError, A>;

const decimalField = (input: unknown, field: string): Checked<ExactDecimal> => parseDecimal(input, [field]);

const positive = (field: string, code: string, what: string) => (d: ExactDecimal): Checked<ExactDecimal> =>
  d.greaterThan(0) ? E.right(d) : E.left(domainError(code, `${what} must be above zero, not ${d.toFixed()}`, [field], { input: d.toFixed() }));

// lessThan, not isNegative: decimal.js reads '-0' as negative, but it is zero, as '0' is
const nonNegative = (field: string, code: string, what: string) => (d: ExactDecimal): Checked<ExactDecimal> =>
  d.lessThan(0) ? E.left(domainError(code, `${what} must not be below zero, not ${d.toFixed()}`, [field], { input: d.toFixed() })) : E.right(d);

const wholeMonths = (months: unknown): Checked<number> =>
  typeof months === 'number' && Number.isSafeInteger(months) && months >= 1
    ? E.right(months)
    : E.left(domainError('MONTHS_INVALID', `months must be a whole number of at least 1, not ${describe(months)}`, ['months'], { input: describe(months) }));

const roundingMode = (rounding: unknown): Checked<RoundingMode> =>
  rounding === undefined
    ? E.right('half-up')
    : ROUNDING_MODES.includes(rounding as RoundingMode)
      ? E.right(rounding as RoundingMode)
      : E.left(domainError('ROUNDING_INVALID', `rounding ${describe(rounding)} is not one of ${ROUNDING_MODES.join(', ')}`, ['rounding']));

const moneyField = (m: unknown, field: string): Checked<Money> =>
  m instanceof Money ? E.right(m) : E.left(domainError('AMOUNT_INVALID', `${field} must be a Money amount, not ${describe(m)}`, [field]));

// an input object with these fields and no others: a misspelt `roundng` would otherwise leave half-up in force
const checkInput = (input: unknown, fields: ReadonlySet<string>, what: string): DomainError | null => {
  if (!isInputObject(input)) return domainError('CHARGE_INPUT_INVALID', `${what} needs an object with ${[...fields].join(', ')}, not ${describe(input)}`, []);
  const unknown = unknownField(input, fields);
  return unknown === undefined ? null : domainError('CHARGE_INPUT_UNKNOWN_FIELD', `${what} has no field ${describe(unknown)}; the fields are ${[...fields].join(', ')}`, [unknown]);
};

const AREA_FIELDS: ReadonlySet<string> = new Set(['areaM2', 'pricePerM2PerMonth', 'months', 'rounding']);
const PRORATED_FIELDS: ReadonlySet<string> = new Set(['areaM2', 'pricePerM2PerMonth', 'daysBilled', 'daysInMonth', 'rounding']);
const FIXED_FIELDS: ReadonlySet<string> = new Set(['amountPerMonth', 'months']);
const METERED_FIELDS: ReadonlySet<string> = new Set(['previousReading', 'currentReading', 'unitPrice', 'rounding']);

// Money refuses an amount beyond 2^53 - 1 fen by throwing: a charge returns it as a Left, naming
// the field most likely at fault (a unit's area, a reading, an amount per month) and the product
const tooLarge = (e: unknown, field: string, what: string, product: string, details: Readonly<Record<string, unknown>>): Checked<never> => {
  if (!(e instanceof LevyError) || e.code !== 'AMOUNT_TOO_LARGE') throw e;
  return E.left(
    domainError('AMOUNT_TOO_LARGE', `${product} is beyond the largest amount Levy holds exactly (${Number.MAX_SAFE_INTEGER} fen); check ${what}`, [field], details),
  );
};

// ---------------------------------------------------------------------------------------------
// charges
// ---------------------------------------------------------------------------------------------

/**
 * A charge by building area: `area × price per m² per month × months`, rounded once (domain.md,
 * pricing: "rounded per charge"). Refuses an area of zero or below (`AREA_NOT_POSITIVE`), a
 * negative price (`PRICE_NEGATIVE`; `'-0'` is 0, as `'0'` is), months that are not a whole
 * number of at least 1 (`MONTHS_INVALID`), anything that is not a plain decimal string (`DECIMAL_INVALID`), an
 * unknown rounding (`ROUNDING_INVALID`), an input that is not an object (`CHARGE_INPUT_INVALID`,
 * path `[]`), a field it does not have, such as a misspelt `roundng` (`CHARGE_INPUT_UNKNOWN_FIELD`,
 * path `['roundng']`), and a product beyond the largest exact amount (`AMOUNT_TOO_LARGE`, path
 * `['areaM2']`).
 *
 * @example
 * areaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', months: 1 });  // amount 250.60
 * areaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', months: 12 }); // amount 3007.20
 * areaCharge({ areaM2: '0', pricePerM2PerMonth: '2.80', months: 1 });      // left AREA_NOT_POSITIVE at ['areaM2']
 */
export const areaCharge = (input: {
  areaM2: string;
  pricePerM2PerMonth: string;
  months: number;
  rounding?: RoundingMode;
}): E.Either<DomainError, ChargeCalculation> => {
  const bad = checkInput(input, AREA_FIELDS, 'an area charge');
  return bad === null ? areaChargeUnchecked(input) : E.left(bad);
};

/**
 * {@link areaCharge} without the checks of the input's shape (an object, no unknown fields), for
 * the community decider, which builds its inputs itself. Internal to @levy/core: not exported from
 * its index.
 *
 * @example
 * areaChargeUnchecked({ areaM2: '89.50', pricePerM2PerMonth: '2.80', months: 1 }); // as areaCharge
 */
export const areaChargeUnchecked = (input: Parameters<typeof areaCharge>[0]): E.Either<DomainError, ChargeCalculation> => {
  const area = areaOf(input.areaM2);
  if (E.isLeft(area)) return area;
  const price = priceOf(input.pricePerM2PerMonth, 'pricePerM2PerMonth', 'the price per m² per month');
  if (E.isLeft(price)) return price;
  const months = wholeMonths(input.months);
  if (E.isLeft(months)) return months;
  const rounding = roundingMode(input.rounding);
  if (E.isLeft(rounding)) return rounding;
  const exact = area.right.times(price.right).times(months.right);
  let amount: Money;
  try {
    amount = Money.round(exact, rounding.right);
  } catch (e) {
    const product = `${input.areaM2} m² × ${input.pricePerM2PerMonth} per m² per month × ${months.right} months = ${exact.toFixed()}`;
    return tooLarge(e, 'areaM2', 'the area (m²) and the price', product, { areaM2: input.areaM2, pricePerM2PerMonth: input.pricePerM2PerMonth, months: months.right, unrounded: exact.toFixed() });
  }
  return E.right({
    amount,
    basis: 'area',
    quantity: input.areaM2,
    unitPrice: input.pricePerM2PerMonth,
    months: String(months.right),
    // toFixed, not toString: a plain decimal however small (toString writes 1e-33)
    unrounded: exact.toFixed(),
    rounding: rounding.right,
  });
};

/**
 * A partial first month by days: `area × price × (daysBilled / daysInMonth)`, rounded once. The
 * month has 28 to 31 days (`DAYS_IN_MONTH_INVALID`); days billed run from 1 to the days in the
 * month (`PRORATION_DAYS_INVALID`); area, price, the input's shape and a product too large as in
 * {@link areaCharge}.
 *
 * @example
 * // moved in on 15 March: 17 of 31 days. 89.50 × 2.80 × 17/31 = 4260.2/31 = 137.4258... → 137.43
 * proratedAreaCharge({ areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 17, daysInMonth: 31 });
 * // right({ amount: 137.43, months: '17/31', unrounded: '4260.2/31', ... })
 */
export const proratedAreaCharge = (input: {
  areaM2: string;
  pricePerM2PerMonth: string;
  daysBilled: number;
  daysInMonth: number;
  rounding?: RoundingMode;
}): E.Either<DomainError, ChargeCalculation> => {
  const bad = checkInput(input, PRORATED_FIELDS, 'a prorated area charge');
  return bad === null ? proratedAreaChargeUnchecked(input) : E.left(bad);
};

/**
 * {@link proratedAreaCharge} without the checks of the input's shape, for the community decider.
 * Internal to @levy/core: not exported from its index. `wholeMonthsAfter` (the decider's, for a
 * unit handed over mid-quarter: default 0) adds whole months after the prorated one to the same
 * exact product, rounded once: `area × price × (whole × daysInMonth + daysBilled) / daysInMonth`,
 * with `months` written `'1+14/28'`.
 *
 * @example
 * proratedAreaChargeUnchecked({ areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 17, daysInMonth: 31 }); // as proratedAreaCharge
 * proratedAreaChargeUnchecked({ areaM2: '89.50', pricePerM2PerMonth: '2.80', daysBilled: 14, daysInMonth: 28, wholeMonthsAfter: 1 });
 * // right({ amount: 375.90, months: '1+14/28', unrounded: '375.9', ... })
 */
export const proratedAreaChargeUnchecked = (
  input: Parameters<typeof proratedAreaCharge>[0] & { readonly wholeMonthsAfter?: number },
): E.Either<DomainError, ChargeCalculation> => {
  const area = areaOf(input.areaM2);
  if (E.isLeft(area)) return area;
  const price = priceOf(input.pricePerM2PerMonth, 'pricePerM2PerMonth', 'the price per m² per month');
  if (E.isLeft(price)) return price;
  const { daysBilled, daysInMonth } = input;
  if (!Number.isSafeInteger(daysInMonth) || daysInMonth < 28 || daysInMonth > 31) {
    return E.left(domainError('DAYS_IN_MONTH_INVALID', `a month has 28 to 31 days, not ${describe(daysInMonth)}`, ['daysInMonth'], { input: describe(daysInMonth) }));
  }
  if (!Number.isSafeInteger(daysBilled) || daysBilled < 1 || daysBilled > daysInMonth) {
    return E.left(
      domainError('PRORATION_DAYS_INVALID', `days billed must be a whole number from 1 to ${daysInMonth}, not ${describe(daysBilled)}`, ['daysBilled'], { input: describe(daysBilled) }),
    );
  }
  const rounding = roundingMode(input.rounding);
  if (E.isLeft(rounding)) return rounding;
  const whole = input.wholeMonthsAfter ?? 0;
  if (!Number.isSafeInteger(whole) || whole < 0 || whole > 11) {
    return E.left(domainError('MONTHS_INVALID', `whole months after the prorated one must be a whole number from 0 to 11, not ${describe(whole)}`, ['wholeMonthsAfter'], { input: describe(whole) }));
  }
  const months = whole === 0 ? `${daysBilled}/${daysInMonth}` : `${whole}+${daysBilled}/${daysInMonth}`;
  const numerator = area.right.times(price.right).times(whole * daysInMonth + daysBilled);
  // a share of d ≤ 31 that does not terminate is at least 1/62 fen from a tie, so 60 digits round it right
  const share = numerator.dividedBy(daysInMonth);
  let amount: Money;
  try {
    amount = Money.round(share, rounding.right);
  } catch (e) {
    const span = whole === 0 ? `${daysBilled}/${daysInMonth} of a month` : `${whole} + ${daysBilled}/${daysInMonth} months`;
    const product = `${input.areaM2} m² × ${input.pricePerM2PerMonth} per m² per month × ${span} = ${numerator.toFixed()}/${daysInMonth}`;
    const details = { areaM2: input.areaM2, pricePerM2PerMonth: input.pricePerM2PerMonth, daysBilled, daysInMonth, ...(whole === 0 ? {} : { wholeMonthsAfter: whole }) };
    return tooLarge(e, 'areaM2', 'the area (m²) and the price', product, details);
  }
  return E.right({
    amount,
    basis: 'area',
    quantity: input.areaM2,
    unitPrice: input.pricePerM2PerMonth,
    months,
    unrounded: terminatesWhenDividedBy(numerator, daysInMonth) ? share.toFixed() : `${numerator.toFixed()}/${daysInMonth}`,
    rounding: rounding.right,
  });
};

/**
 * A fixed amount per month (a parking space, a flat service fee) times whole months. Exact, so
 * no rounding happens; `rounding` is recorded as half-up for a uniform shape. A negative amount
 * is `AMOUNT_NEGATIVE`; a total beyond the largest exact amount `AMOUNT_TOO_LARGE` (path
 * `['amountPerMonth']`); the input's shape as in {@link areaCharge}.
 *
 * @example
 * fixedCharge({ amountPerMonth: Money.of('150.00'), months: 3 }); // amount 450.00, quantity '1', unitPrice '150.00', months '3'
 */
export const fixedCharge = (input: { amountPerMonth: Money; months: number }): E.Either<DomainError, ChargeCalculation> => {
  const bad = checkInput(input, FIXED_FIELDS, 'a fixed charge');
  return bad === null ? fixedChargeUnchecked(input) : E.left(bad);
};

/**
 * {@link fixedCharge} without the checks of the input's shape, for the community decider.
 * Internal to @levy/core: not exported from its index.
 *
 * @example
 * fixedChargeUnchecked({ amountPerMonth: Money.of('150.00'), months: 3 }); // as fixedCharge
 */
export const fixedChargeUnchecked = (input: Parameters<typeof fixedCharge>[0]): E.Either<DomainError, ChargeCalculation> => {
  const perMonth = moneyField(input.amountPerMonth, 'amountPerMonth');
  if (E.isLeft(perMonth)) return perMonth;
  if (perMonth.right.isNegative()) {
    return E.left(domainError('AMOUNT_NEGATIVE', `the amount per month must not be below zero, not ${perMonth.right.toString()}`, ['amountPerMonth']));
  }
  const months = wholeMonths(input.months);
  if (E.isLeft(months)) return months;
  let amount: Money;
  try {
    amount = perMonth.right.timesInteger(months.right);
  } catch (e) {
    return tooLarge(e, 'amountPerMonth', 'the amount per month and the months', `${perMonth.right.toString()} a month × ${months.right} months`, { amountPerMonth: perMonth.right.toString(), months: months.right });
  }
  return E.right({
    amount,
    basis: 'fixed',
    quantity: '1',
    unitPrice: perMonth.right.toString(),
    months: String(months.right),
    unrounded: amount.toDecimal().toFixed(),
    rounding: 'half-up',
  });
};

/**
 * A metered charge for shared utilities (公摊): `(current − previous reading) × unit price`,
 * rounded once. Readings are non-negative decimals (`READING_NEGATIVE`); the current reading
 * may not be below the previous one (`READING_DECREASED`: a meter swap is two charges); a product
 * beyond the largest exact amount is `AMOUNT_TOO_LARGE` (path `['currentReading']`); the input's
 * shape as in {@link areaCharge}.
 *
 * @example
 * meteredCharge({ previousReading: '1024.5', currentReading: '1144.5', unitPrice: '0.65' }); // 120 × 0.65 = 78.00
 */
export const meteredCharge = (input: {
  previousReading: string;
  currentReading: string;
  unitPrice: string;
  rounding?: RoundingMode;
}): E.Either<DomainError, ChargeCalculation> => {
  const bad = checkInput(input, METERED_FIELDS, 'a metered charge');
  return bad === null ? meteredChargeUnchecked(input) : E.left(bad);
};

/**
 * {@link meteredCharge} without the checks of the input's shape, for the community decider.
 * Internal to @levy/core: not exported from its index.
 *
 * @example
 * meteredChargeUnchecked({ previousReading: '1024.5', currentReading: '1144.5', unitPrice: '0.65' }); // as meteredCharge
 */
export const meteredChargeUnchecked = (input: Parameters<typeof meteredCharge>[0]): E.Either<DomainError, ChargeCalculation> => {
  const previous = E.flatMap(decimalField(input.previousReading, 'previousReading'), nonNegative('previousReading', 'READING_NEGATIVE', 'the previous reading'));
  if (E.isLeft(previous)) return previous;
  const current = E.flatMap(decimalField(input.currentReading, 'currentReading'), nonNegative('currentReading', 'READING_NEGATIVE', 'the current reading'));
  if (E.isLeft(current)) return current;
  if (current.right.lessThan(previous.right)) {
    return E.left(
      domainError(
        'READING_DECREASED',
        `the current reading ${input.currentReading} is below the previous reading ${input.previousReading}; check the meter, or bill a replaced meter as two charges`,
        ['currentReading'],
        { previousReading: input.previousReading, currentReading: input.currentReading },
      ),
    );
  }
  const price = priceOf(input.unitPrice, 'unitPrice', 'the unit price');
  if (E.isLeft(price)) return price;
  const rounding = roundingMode(input.rounding);
  if (E.isLeft(rounding)) return rounding;
  const delta = current.right.minus(previous.right);
  const exact = delta.times(price.right);
  let amount: Money;
  try {
    amount = Money.round(exact, rounding.right);
  } catch (e) {
    const product = `(${input.currentReading} − ${input.previousReading}) × ${input.unitPrice} = ${exact.toFixed()}`;
    return tooLarge(e, 'currentReading', 'the readings and the unit price', product, { previousReading: input.previousReading, currentReading: input.currentReading, unitPrice: input.unitPrice, unrounded: exact.toFixed() });
  }
  return E.right({
    amount,
    basis: 'metered',
    quantity: delta.toFixed(),
    unitPrice: input.unitPrice,
    months: '1',
    unrounded: exact.toFixed(),
    rounding: rounding.right,
  });
};

/**
 * Splits a charge for several months (a yearly fee) into monthly parts by largest remainder:
 * the parts sum to the total exactly and the extra fen go to the earliest months. Throws
 * `SPLIT_PARTS_INVALID` for months that are not a whole number from 1 to `MAX_SPLIT_PARTS`
 * (1,000,000; a programmer error: the months come from a validated billing cycle).
 *
 * @example
 * splitIntoMonths(Money.of('1000.00'), 12).map(String); // 83.34 × 4, then 83.33 × 8
 */
export const splitIntoMonths = (total: Money, months: number): readonly Money[] => Money.split(total, months);

// ---------------------------------------------------------------------------------------------
// prices
// ---------------------------------------------------------------------------------------------

/**
 * The price that applies to a unit: its grade's price when the unit has a grade and the schedule
 * lists it (commercial and office buildings, domain.md 3.2), else its use type's price. Neither
 * is `PRICE_NOT_FOUND`. The price is returned as written; pricing functions validate it. Prices
 * that are not `{ byUseType, byGrade? }` with objects for tables, or a use type or grade that is
 * not a string, are `PRICES_INVALID` (path `['prices']`, `['prices', 'byUseType']`,
 * `['prices', 'byGrade']`, `['useType']` or `['grade']`). A key of the prices beside `byUseType`
 * and `byGrade`, such as a misspelt `bygrade` whose grades would otherwise go unread, is
 * `CHARGE_INPUT_UNKNOWN_FIELD` at `['prices', 'bygrade']`.
 *
 * @example
 * const prices = { byUseType: { residential: '2.80', commercial: '6.50' }, byGrade: { 'office-A': '9.00' } };
 * priceFor(prices, 'commercial', 'office-A'); // right('9.00')
 * priceFor(prices, 'residential');            // right('2.80')
 * priceFor(prices, 'parking');                // left PRICE_NOT_FOUND
 * priceFor({ byUseType: { commercial: '6.50' }, bygrade: { 'office-A': '9.00' } }, 'commercial', 'office-A'); // left CHARGE_INPUT_UNKNOWN_FIELD
 */
export const priceFor = (
  prices: { byUseType: Readonly<Record<string, string>>; byGrade?: Readonly<Record<string, string>> },
  useType: string,
  grade?: string,
): E.Either<DomainError, string> => {
  const bad = checkPrices(prices, useType, grade);
  return bad === null ? priceForUnchecked(prices, useType, grade) : E.left(bad);
};

/**
 * {@link priceFor} without the checks of the prices' shape and of the use type and grade being
 * strings, for the community decider, whose fee schedule is already validated. Internal to
 * @levy/core: not exported from its index.
 *
 * @example
 * priceForUnchecked({ byUseType: { residential: '2.80' } }, 'residential'); // right('2.80')
 */
export const priceForUnchecked = (
  prices: { byUseType: Readonly<Record<string, string>>; byGrade?: Readonly<Record<string, string>> },
  useType: string,
  grade?: string,
): E.Either<DomainError, string> => {
  if (grade !== undefined && prices.byGrade !== undefined && Object.hasOwn(prices.byGrade, grade)) {
    return E.right(prices.byGrade[grade] as string);
  }
  if (Object.hasOwn(prices.byUseType, useType)) return E.right(prices.byUseType[useType] as string);
  const where = grade === undefined ? `use type ${describe(useType)}` : `grade ${describe(grade)} or use type ${describe(useType)}`;
  return E.left(domainError('PRICE_NOT_FOUND', `the fee schedule has no price for ${where}`, grade === undefined ? ['useType'] : ['grade'], { useType, grade }));
};

const PRICES_FIELDS: ReadonlySet<string> = new Set(['byUseType', 'byGrade']);

const checkPrices = (prices: unknown, useType: unknown, grade: unknown): DomainError | null => {
  const invalid = (message: string, path: readonly string[]): DomainError => domainError('PRICES_INVALID', message, path);
  if (!isInputObject(prices)) return invalid(`the prices must be an object { byUseType, byGrade? }, not ${describe(prices)}`, ['prices']);
  // a misspelt bygrade would leave every grade's price unread and the use type's charged instead
  const unknown = unknownField(prices, PRICES_FIELDS);
  if (unknown !== undefined) {
    const meant = closestName(unknown, [...PRICES_FIELDS]);
    return domainError('CHARGE_INPUT_UNKNOWN_FIELD', `the prices have no field ${describe(unknown)}${meant === undefined ? '' : ` (did you mean ${meant}?)`}; the fields are byUseType and byGrade`, ['prices', unknown], { input: unknown });
  }
  if (!isInputObject(prices.byUseType)) return invalid(`byUseType must be an object of prices by use type, not ${describe(prices.byUseType)}`, ['prices', 'byUseType']);
  if (prices.byGrade !== undefined && !isInputObject(prices.byGrade)) return invalid(`byGrade must be an object of prices by grade, not ${describe(prices.byGrade)}`, ['prices', 'byGrade']);
  if (typeof useType !== 'string') return invalid(`the use type must be a string such as "residential", not ${describe(useType)}`, ['useType']);
  if (grade !== undefined && typeof grade !== 'string') return invalid(`the grade must be a string such as "office-A", not ${describe(grade)}`, ['grade']);
  return null;
};

/** Whether `n / d` is a finite decimal: d, stripped of its 2s and 5s, divides n's digits. */
const terminatesWhenDividedBy = (n: ExactDecimal, d: number): boolean => {
  let rest = d;
  while (rest % 2 === 0) rest /= 2;
  while (rest % 5 === 0) rest /= 5;
  const digits = BigInt(n.times(new ExactDecimal(10).pow(n.decimalPlaces())).toFixed(0));
  return digits % BigInt(rest) === 0n;
};

const areaOf = (input: unknown): Checked<ExactDecimal> =>
  E.flatMap(decimalField(input, 'areaM2'), positive('areaM2', 'AREA_NOT_POSITIVE', 'the building area (m²)'));

const priceOf = (input: unknown, field: string, what: string): Checked<ExactDecimal> =>
  E.flatMap(decimalField(input, field), nonNegative(field, 'PRICE_NEGATIVE', what));
