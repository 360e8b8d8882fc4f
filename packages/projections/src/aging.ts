/**
 * Accounts-receivable aging as of any date: what each unit owes (principal and penalty), spread
 * into buckets by how many days past its due date each charge is, with the unit's credit (预收)
 * shown apart rather than netted. Buckets are configurable; the default is current, 1-30,
 * 31-60, 61-90, 91-180, 181-365 and over 365 days (issue 5).
 *
 * @example
 * import { agingReport, dayOf } from '@levy/projections';
 * const aging = agingReport(book, { asOf: dayOf('2025-06-30') });
 * aging.totals.map(String); // ['12000.00', '3400.00', ...]
 */
import { type DomainError, type EpochDay, LevyError, Money, describe, domainError } from '@levy/core';
import { type BookState, chargeAsOf, communityInvalid, creditAsOf, unitsInOrder } from './book.js';
import * as E from './either.js';
import type { Either } from './either.js';
import { ZERO, checkDay } from './fields.js';
import { type OptionSpec, checkOptions } from './options.js';

/** One aging bucket: charges overdue by `fromDays` to `toDays` days (inclusive; null: no upper end). */
export interface AgingBucket {
  readonly label: string;
  readonly fromDays: number;
  readonly toDays: number | null;
}

/** current (not yet overdue), 1-30, 31-60, 61-90, 91-180, 181-365, over 365 days. */
export const DEFAULT_AGING_BUCKETS: readonly AgingBucket[] = Object.freeze([
  { label: 'current', fromDays: Number.NEGATIVE_INFINITY, toDays: 0 },
  { label: '1-30', fromDays: 1, toDays: 30 },
  { label: '31-60', fromDays: 31, toDays: 60 },
  { label: '61-90', fromDays: 61, toDays: 90 },
  { label: '91-180', fromDays: 91, toDays: 180 },
  { label: '181-365', fromDays: 181, toDays: 365 },
  { label: '>365', fromDays: 366, toDays: null },
]);

/**
 * Buckets from their upper bounds in days overdue: `[0, 30, 60]` gives current (≤ 0), 1-30, 31-60
 * and >60. Bounds must be a list of whole numbers, ascending, the first 0 or more; otherwise
 * `AGING_BUCKETS_INVALID` naming the offending bound (or `buckets` for no list at all).
 *
 * @example
 * agingBuckets([0, 30, 60, 90, 180, 365]); // right(the default buckets)
 * agingBuckets([30, 10]);                  // left({ code: 'AGING_BUCKETS_INVALID', path: ['buckets', '1'] })
 */
export const agingBuckets = (upperBounds: readonly number[]): Either<DomainError, AgingBucket[]> => {
  if (!Array.isArray(upperBounds)) {
    return E.left(domainError('AGING_BUCKETS_INVALID', `give the upper bounds as a list of days, such as [0, 30, 60], not ${describe(upperBounds)}`, ['buckets'], { input: describe(upperBounds) }));
  }
  if (upperBounds.length === 0) return E.left(domainError('AGING_BUCKETS_INVALID', 'give at least one upper bound, such as [0, 30, 60]', ['buckets']));
  const out: AgingBucket[] = [];
  let from = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < upperBounds.length; i++) {
    const to = upperBounds[i]!;
    if (!Number.isSafeInteger(to) || to < 0 || (i > 0 && to <= upperBounds[i - 1]!)) {
      return E.left(domainError('AGING_BUCKETS_INVALID', `bound ${typeof to === 'number' ? String(to) : describe(to)} must be a whole number of days, 0 or more, above the one before`, ['buckets', String(i)]));
    }
    out.push({ label: i === 0 && to === 0 ? 'current' : from === Number.NEGATIVE_INFINITY ? `<=${to}` : `${from}-${to}`, fromDays: from, toDays: to });
    from = to + 1;
  }
  out.push({ label: `>${upperBounds[upperBounds.length - 1]!}`, fromDays: from, toDays: null });
  return E.right(out);
};

/** Options of {@link agingReport}. */
export interface AgingOptions {
  readonly asOf: EpochDay;
  /** contiguous, ascending, covering every day count; default {@link DEFAULT_AGING_BUCKETS} */
  readonly buckets?: readonly AgingBucket[];
  readonly communityId?: string;
}

/** One unit's line. */
export interface AgingLine {
  readonly unit: string;
  readonly communityId: string;
  readonly unitId: string;
  readonly building: string;
  /** per bucket, principal and penalty together */
  readonly amounts: readonly Money[];
  readonly principal: Money;
  readonly penalty: Money;
  readonly total: Money;
  readonly credit: Money;
}

/** The aging report. */
export interface AgingReport {
  readonly asOf: EpochDay;
  readonly buckets: readonly string[];
  /** units that owe something or hold credit, in unit order */
  readonly lines: readonly AgingLine[];
  readonly totals: readonly Money[];
  readonly principal: Money;
  readonly penalty: Money;
  readonly total: Money;
  readonly credit: Money;
}

const bucketIndex = (buckets: readonly AgingBucket[], daysOverdue: number): number => {
  for (let i = buckets.length - 1; i >= 0; i--) if (daysOverdue >= buckets[i]!.fromDays) return i;
  return 0;
};

const bucketsInvalid = (why: string, path: readonly string[]): never => {
  throw new LevyError(domainError('AGING_BUCKETS_INVALID', why, ['buckets', ...path]));
};

/** Buckets given to the report as values (not from {@link agingBuckets}), checked: every day count falls in exactly one. */
const checkBuckets = (buckets: unknown): readonly AgingBucket[] => {
  if (buckets === DEFAULT_AGING_BUCKETS) return DEFAULT_AGING_BUCKETS;
  if (!Array.isArray(buckets) || buckets.length === 0) return bucketsInvalid(`give at least one bucket (agingBuckets([0, 30, 60]) makes them), not ${describe(buckets)}`, []);
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i] as Partial<AgingBucket> | null;
    const at = [String(i)];
    if (typeof b !== 'object' || b === null || typeof b.label !== 'string') return bucketsInvalid('each bucket is { label, fromDays, toDays }', at);
    const { fromDays, toDays } = b;
    const first = i === 0;
    const last = i === buckets.length - 1;
    if (first ? fromDays !== Number.NEGATIVE_INFINITY : !Number.isSafeInteger(fromDays)) {
      return bucketsInvalid(first ? 'the first bucket starts at -Infinity, so every day count falls in one' : 'fromDays must be a whole number of days', [...at, 'fromDays']);
    }
    if (last ? toDays !== null : !Number.isSafeInteger(toDays) || (toDays as number) < (fromDays as number)) {
      return bucketsInvalid(last ? 'the last bucket has no upper end (toDays: null)' : 'toDays must be a whole number of days, not below fromDays', [...at, 'toDays']);
    }
    const next = first ? null : (buckets[i - 1] as AgingBucket).toDays! + 1;
    if (next !== null && fromDays !== next) {
      return bucketsInvalid(`fromDays must be the day after the bucket before ends (${next}): buckets are contiguous and ascending`, [...at, 'fromDays']);
    }
  }
  return buckets as readonly AgingBucket[];
};

const AGING_OPTIONS: OptionSpec = { asOf: 'checked', buckets: 'checked', communityId: 'string' };

/**
 * The aging as of the end of `asOf`. A charge's age is `asOf - dueDate` in days (≤ 0: current);
 * its penalty ages with it. Throws a {@link LevyError} for options that are not an object or
 * hold a key it does not take (`OPTIONS_INVALID`, `OPTIONS_UNKNOWN_FIELD`), an `asOf` that is
 * not a day (`AS_OF_INVALID`), buckets that leave a gap or overlap (`AGING_BUCKETS_INVALID`) or
 * a `communityId` the book does not know (`COMMUNITY_UNKNOWN`).
 *
 * @example
 * agingReport(book, { asOf, buckets: [{ label: 'current', fromDays: -Infinity, toDays: 0 }, { label: 'overdue', fromDays: 1, toDays: null }] });
 */
export const agingReport = (book: BookState, options: AgingOptions): AgingReport => {
  checkOptions(options, AGING_OPTIONS, 'the aging report', ['options']);
  const asOf = checkDay(options.asOf, ['asOf']);
  const buckets = options.buckets === undefined ? DEFAULT_AGING_BUCKETS : checkBuckets(options.buckets);
  const unknown = communityInvalid(book, options.communityId);
  if (unknown !== null) throw new LevyError(unknown);
  const totals: Money[] = buckets.map(() => ZERO);
  const lines: AgingLine[] = [];
  let principalAll = ZERO;
  let penaltyAll = ZERO;
  let creditAll = ZERO;
  for (const u of unitsInOrder(book, options.communityId)) {
    const amounts: Money[] = buckets.map(() => ZERO);
    let principal = ZERO;
    let penalty = ZERO;
    for (const c of u.charges) {
      const s = chargeAsOf(c, asOf);
      if (!s.live) continue;
      const owed = s.principal.add(s.penalty);
      if (owed.isZero()) continue;
      const i = bucketIndex(buckets, asOf - c.dueDay);
      amounts[i] = amounts[i]!.add(owed);
      principal = principal.add(s.principal);
      penalty = penalty.add(s.penalty);
    }
    const credit = creditAsOf(u, asOf);
    const total = principal.add(penalty);
    if (total.isZero() && credit.isZero()) continue;
    lines.push({ unit: u.key, communityId: u.communityId, unitId: u.unitId, building: u.building, amounts, principal, penalty, total, credit });
    for (let i = 0; i < amounts.length; i++) totals[i] = totals[i]!.add(amounts[i]!);
    principalAll = principalAll.add(principal);
    penaltyAll = penaltyAll.add(penalty);
    creditAll = creditAll.add(credit);
  }
  return {
    asOf,
    buckets: buckets.map((b) => b.label),
    lines,
    totals,
    principal: principalAll,
    penalty: penaltyAll,
    total: Money.sum(totals),
    credit: creditAll,
  };
};
