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
import { type EpochDay, Money } from '@levy/core';
import { type BookState, chargeAsOf, creditAsOf, unitsInOrder } from './book.js';
import { ZERO } from './fields.js';

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

/**
 * The aging as of the end of `asOf`. A charge's age is `asOf - dueDate` in days (≤ 0: current);
 * its penalty ages with it.
 *
 * @example
 * agingReport(book, { asOf, buckets: [{ label: 'current', fromDays: -Infinity, toDays: 0 }, { label: 'overdue', fromDays: 1, toDays: null }] });
 */
export const agingReport = (book: BookState, options: AgingOptions): AgingReport => {
  const buckets = options.buckets ?? DEFAULT_AGING_BUCKETS;
  const { asOf } = options;
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
