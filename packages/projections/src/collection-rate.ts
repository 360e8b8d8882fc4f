/**
 * Collection rates (收缴率) of a billing period as of any date (domain.md, collection figures):
 * - amount rate = principal collected against the period's charges / (billed for it - waived);
 * - gross rate = collected / billed;
 * - household rate = units owing nothing on the period's charges / units billed for it;
 * - arrears recovery (清欠率) = principal collected during the period against arrears open at its
 *   start (charges due before it) / those arrears.
 * Penalties are not in these rates. "Collected" counts payments and credit applied, net of
 * reversals; a reversal counts against the day the money it takes back was paid. A period's
 * charges are those whose billing period starts inside it, and a correction issued after the
 * period of its month was closed, in the period it was issued in ({@link billedDayOf}); a
 * cancelled charge leaves the figures.
 * Grouped by community, building, fee item or use type (building and use type from UnitRegistered).
 *
 * @example
 * import { collectionRates, dayOf } from '@levy/projections';
 * const q1 = collectionRates(book, { period: '2025-Q1', asOf: dayOf('2025-04-15'), by: 'building' });
 * // right({ rows: [{ key: 'B1', amountRate: { value: '0.9120', ... }, ... }], total: { ... } })
 */
import { type DomainError, type EpochDay, ExactDecimal, LevyError, type Money, type Period, describe, domainError, parseDecimal, parsePeriodKey } from '@levy/core';
import * as E from './either.js';
import { type BookState, type ChargeRecord, type UnitRecord, billedDayOf, chargeAsOf, communityInvalid, compareText, movesOf, unitsInOrder } from './book.js';
import { ZERO, dayInvalid } from './fields.js';
import { type OptionSpec, optionsInvalid } from './options.js';

/** What rates are grouped by. */
export type RateDimension = 'community' | 'building' | 'feeItem' | 'useType';

/** The dimensions, for input checks and docs. */
export const RATE_DIMENSIONS: readonly RateDimension[] = ['community', 'building', 'feeItem', 'useType'];

/** A rate as its two exact parts and their quotient (4 decimal places, half-up), null when nothing was due. */
export interface Rate {
  readonly numerator: string;
  readonly denominator: string;
  /** `'0.7830'`, or null when the denominator is zero */
  readonly value: string | null;
}

/** One group's figures. */
export interface CollectionRateRow {
  readonly communityId: string;
  /** the group: the community id, a building, a fee item id or a use type */
  readonly key: string;
  readonly billed: Money;
  readonly waived: Money;
  readonly collected: Money;
  readonly amountRate: Rate;
  readonly grossRate: Rate;
  readonly unitsBilled: number;
  readonly unitsClear: number;
  readonly householdRate: Rate;
  readonly arrearsOpen: Money;
  readonly arrearsCollected: Money;
  readonly recoveryRate: Rate;
}

/** Rates for a period as of a day, by group and in total. */
export interface CollectionRates {
  readonly period: string;
  readonly periodStart: EpochDay;
  readonly periodEnd: EpochDay;
  readonly asOf: EpochDay;
  readonly by: RateDimension;
  readonly rows: readonly CollectionRateRow[];
  readonly total: CollectionRateRow;
}

/** Options of {@link collectionRates}. */
export interface CollectionRateOptions {
  /** a period key: `'2025-03'`, `'2025-Q1'`, `'2025'` */
  readonly period: string;
  readonly asOf: EpochDay;
  readonly by?: RateDimension;
  readonly communityId?: string;
}

/**
 * A quotient of two non-negative amounts or counts, 4 decimal places, half-up. Each must be a
 * plain decimal string, 0 or more; anything else (`'abc'`, `'-1'`, a number) throws a
 * {@link LevyError} `RATE_INPUT_INVALID` at `numerator` or `denominator`.
 *
 * @example
 * rateOf('783.00', '1000.00').value; // '0.7830'
 * rateOf('-1', '3');                 // throws LevyError RATE_INPUT_INVALID at numerator
 */
export const rateOf = (numerator: string, denominator: string): Rate => {
  for (const [field, input] of [
    ['numerator', numerator],
    ['denominator', denominator],
  ] as const) {
    const d = parseDecimal(input, [field]);
    if (d._tag === 'Left' || d.right.isNegative()) {
      throw new LevyError(domainError('RATE_INPUT_INVALID', `${field} must be an amount or a count written as a decimal, 0 or more (such as "783.00"), not ${describe(input)}`, [field], { input: describe(input) }));
    }
  }
  return quotient(numerator, denominator);
};

// the rates of a report: its own canonical amounts and counts, read without the checks (an
// anomalous log can make one negative; the audit trail flags that, and the report still shows it)
const quotient = (numerator: string, denominator: string): Rate => {
  const den = new ExactDecimal(denominator);
  const value = den.isZero() ? null : new ExactDecimal(numerator).dividedBy(den).toFixed(4, ExactDecimal.ROUND_HALF_UP);
  return { numerator, denominator, value };
};

interface Acc {
  communityId: string;
  key: string;
  billed: Money;
  waived: Money;
  collected: Money;
  unitsBilled: number;
  unitsClear: number;
  arrearsOpen: Money;
  arrearsCollected: Money;
}

const groupKey = (by: RateDimension, u: UnitRecord, c: ChargeRecord): string =>
  by === 'community' ? u.communityId : by === 'building' ? u.building : by === 'feeItem' ? c.feeItemId : u.useType;

/** principal paid in [from, to] net of what was taken back (as of `asOf`) from payments made in it */
const collectedWithin = (c: ChargeRecord, from: EpochDay, to: EpochDay, asOf: EpochDay): Money => {
  let sum = ZERO;
  for (const m of movesOf(c)) {
    if (m.day > asOf) continue;
    if ((m.kind === 'paid' || m.kind === 'paid-from-credit') && m.day >= from && m.day <= to) sum = sum.add(m.amount);
    else if ((m.kind === 'unpaid' || m.kind === 'unpaid-credit') && (m.paidDay ?? m.day) >= from && (m.paidDay ?? m.day) <= to) sum = sum.subtract(m.amount);
  }
  return sum;
};

const RATE_OPTIONS: OptionSpec = { period: 'checked', asOf: 'checked', by: 'checked', communityId: 'string' };

/**
 * The collection rates of `period` as they stood at the end of `asOf`. Bad options are a
 * `DomainError`: not an object or a key it does not take (`OPTIONS_INVALID`,
 * `OPTIONS_UNKNOWN_FIELD`), a bad period key (`PERIOD_KEY_INVALID`), a `by` that is not one of
 * {@link RATE_DIMENSIONS} (`RATE_DIMENSION_INVALID`; leave it out for community), a day that is
 * not one (`AS_OF_INVALID`), or a `communityId` the book does not know (`COMMUNITY_UNKNOWN`).
 *
 * @example
 * collectionRates(book, { period: '2025-03', asOf: dayOf('2025-03-31') });
 */
export const collectionRates = (book: BookState, options: CollectionRateOptions): E.Either<DomainError, CollectionRates> => {
  const badOptions = optionsInvalid(options, RATE_OPTIONS, 'the collection rates report', ['options']);
  if (badOptions !== null) return E.left(badOptions);
  const by = options.by === undefined ? 'community' : options.by;
  if (!RATE_DIMENSIONS.includes(by)) {
    return E.left(domainError('RATE_DIMENSION_INVALID', `${describe(by)} is not a grouping; use one of ${RATE_DIMENSIONS.join(', ')}`, ['by'], { input: describe(by) }));
  }
  const parsed = parsePeriodKey(options.period, ['period']);
  if (E.isLeft(parsed)) return parsed;
  const badDay = dayInvalid(options.asOf, ['asOf']);
  if (badDay !== null) return E.left(badDay);
  const unknown = communityInvalid(book, options.communityId);
  if (unknown !== null) return E.left(unknown);
  return E.right(ratesFor(book, parsed.right, options.asOf, by, options.communityId));
};

const ratesFor = (book: BookState, p: Period, asOf: EpochDay, by: RateDimension, communityId: string | undefined): CollectionRates => {
  const groups = new Map<string, Acc>();
  const total: Acc = { communityId: communityId ?? '*', key: '*', billed: ZERO, waived: ZERO, collected: ZERO, unitsBilled: 0, unitsClear: 0, arrearsOpen: ZERO, arrearsCollected: ZERO };
  const acc = (u: UnitRecord, key: string): Acc => {
    const id = `${u.communityId}\u0000${key}`;
    let a = groups.get(id);
    if (a === undefined) {
      a = { communityId: u.communityId, key, billed: ZERO, waived: ZERO, collected: ZERO, unitsBilled: 0, unitsClear: 0, arrearsOpen: ZERO, arrearsCollected: ZERO };
      groups.set(id, a);
    }
    return a;
  };
  const beforeStart = p.start - 1;
  const windowEnd = Math.min(p.end, asOf);
  for (const u of unitsInOrder(book, communityId)) {
    // per group of this unit: billed at all, and still owing on the period's charges
    const billedIn = new Map<string, boolean>();
    let billedAny = false;
    let owingAny = false;
    for (const c of u.charges) {
      const key = groupKey(by, u, c);
      const billedOn = billedDayOf(c);
      if (billedOn >= p.start && billedOn <= p.end) {
        const s = chargeAsOf(c, asOf);
        if (s.live) {
          const a = acc(u, key);
          a.billed = a.billed.add(c.amount);
          a.waived = a.waived.add(s.waived);
          a.collected = a.collected.add(s.collected);
          total.billed = total.billed.add(c.amount);
          total.waived = total.waived.add(s.waived);
          total.collected = total.collected.add(s.collected);
          const owing = s.principal.isPositive();
          billedIn.set(key, (billedIn.get(key) ?? false) || owing);
          billedAny = true;
          owingAny = owingAny || owing;
        }
      }
      // 清欠率: arrears open at the period's start are charges already due then and still unpaid; a
      // charge cancelled by the as-of date leaves the figures, as it leaves the amount rate (what was
      // paid on it is credit now, counted when that credit pays a charge)
      if (c.dueDay < p.start && asOf >= p.start && (c.cancelledDay === null || c.cancelledDay > asOf)) {
        const open = chargeAsOf(c, beforeStart);
        if (open.live && open.principal.isPositive()) {
          const a = acc(u, key);
          let got = collectedWithin(c, p.start, windowEnd, asOf);
          if (got.greaterThan(open.principal)) got = open.principal;
          a.arrearsOpen = a.arrearsOpen.add(open.principal);
          a.arrearsCollected = a.arrearsCollected.add(got);
          total.arrearsOpen = total.arrearsOpen.add(open.principal);
          total.arrearsCollected = total.arrearsCollected.add(got);
        }
      }
    }
    for (const [key, owing] of billedIn) {
      const a = acc(u, key);
      a.unitsBilled += 1;
      if (!owing) a.unitsClear += 1;
    }
    if (billedAny) {
      total.unitsBilled += 1;
      if (!owingAny) total.unitsClear += 1;
    }
  }
  const rows = [...groups.values()].sort((a, b) => compareText(a.communityId, b.communityId) || compareText(a.key, b.key)).map(toRow);
  return { period: p.key, periodStart: p.start, periodEnd: p.end, asOf, by, rows, total: toRow(total) };
};

const toRow = (a: Acc): CollectionRateRow => {
  const due = a.billed.subtract(a.waived);
  return {
    communityId: a.communityId,
    key: a.key,
    billed: a.billed,
    waived: a.waived,
    collected: a.collected,
    amountRate: quotient(a.collected.toString(), due.toString()),
    grossRate: quotient(a.collected.toString(), a.billed.toString()),
    unitsBilled: a.unitsBilled,
    unitsClear: a.unitsClear,
    householdRate: quotient(String(a.unitsClear), String(a.unitsBilled)),
    arrearsOpen: a.arrearsOpen,
    arrearsCollected: a.arrearsCollected,
    recoveryRate: quotient(a.arrearsCollected.toString(), a.arrearsOpen.toString()),
  };
};
