/**
 * The arrears ledger (欠费台账) as of any date: each owing unit with its principal, penalty,
 * oldest due date, days overdue, the last reminder stage reached, its installment plan status,
 * its arrears class (hardship, dispute, chronic: domain.md, collection figures) and the credit it
 * holds beside the debt (not netted: ApplyCredit puts it on the principal owed). Largest
 * debt first. Its total equals the receivable control accounts (every unit owing anything is
 * listed, with `overdue` saying how much of it is past due).
 *
 * @example
 * import { arrearsLedger, dayOf } from '@levy/projections';
 * arrearsLedger(book, { asOf: dayOf('2025-12-31'), top: 20 }).lines[0]?.unitId;
 */
import { type EpochDay, LevyError, type Money } from '@levy/core';
import { type BookState, type PlanStatus, arrearsClassAsOf, chargeAsOf, communityInvalid, compareText, creditAsOf, ownerAsOf, planStatusAsOf, unitsInOrder } from './book.js';
import { ZERO, checkDay, checkLimit, dayOfDecoded } from './fields.js';
import { type OptionSpec, checkOptions } from './options.js';

/** Reminder stages in escalating order (domain.md, chapter 5). */
export const REMINDER_STAGES = ['reminder', 'phone', 'written-notice', 'legal'] as const;

/** One owing unit. */
export interface ArrearsLine {
  readonly unit: string;
  readonly communityId: string;
  readonly unitId: string;
  readonly building: string;
  readonly owner: string;
  readonly principal: Money;
  readonly penalty: Money;
  readonly total: Money;
  /** owed on charges past their due date */
  readonly overdue: Money;
  /** oldest due date among charges still owing (epoch day) */
  readonly oldestDue: EpochDay;
  /** days past the oldest due date, 0 when nothing is overdue yet */
  readonly daysOverdue: number;
  /** highest stage of reminder recorded by then, or null */
  readonly reminderStage: string | null;
  readonly lastReminder: EpochDay | null;
  readonly plan: PlanStatus;
  readonly arrearsClass: string;
  /** charges still owing */
  readonly charges: number;
  /** credit (预收) the unit holds that day, beside what it owes (ApplyCredit puts it on the principal owed) */
  readonly credit: Money;
}

/** The arrears ledger. */
export interface ArrearsLedger {
  readonly asOf: EpochDay;
  readonly lines: readonly ArrearsLine[];
  /** units listed before `top` cut the list */
  readonly units: number;
  readonly principal: Money;
  readonly penalty: Money;
  readonly total: Money;
  readonly overdue: Money;
}

/** Options of {@link arrearsLedger}. */
export interface ArrearsOptions {
  readonly asOf: EpochDay;
  readonly communityId?: string;
  /** only units with something past due */
  readonly overdueOnly?: boolean;
  /** keep the first n lines (totals still cover every unit) */
  readonly top?: number;
}

const ARREARS_OPTIONS: OptionSpec = { asOf: 'checked', communityId: 'string', overdueOnly: 'boolean', top: 'checked' };

/**
 * The arrears ledger as of the end of `asOf`. Throws a {@link LevyError} for options that are not
 * an object, hold a key it does not take (`limit` is `top` here) or an `overdueOnly` that is not
 * true or false (`OPTIONS_INVALID`, `OPTIONS_UNKNOWN_FIELD`), an `asOf` that is not a day
 * (`AS_OF_INVALID`), a `top` that is not a whole number, 0 or more (`LIMIT_INVALID`), or a
 * `communityId` the book does not know (`COMMUNITY_UNKNOWN`).
 *
 * @example
 * const ledger = arrearsLedger(book, { asOf, overdueOnly: true });
 */
export const arrearsLedger = (book: BookState, options: ArrearsOptions): ArrearsLedger => {
  checkOptions(options, ARREARS_OPTIONS, 'the arrears ledger', ['options']);
  const asOf = checkDay(options.asOf, ['asOf']);
  const top = checkLimit(options.top, ['top']);
  const unknown = communityInvalid(book, options.communityId);
  if (unknown !== null) throw new LevyError(unknown);
  const lines: ArrearsLine[] = [];
  let principalAll = ZERO;
  let penaltyAll = ZERO;
  let overdueAll = ZERO;
  for (const u of unitsInOrder(book, options.communityId)) {
    let principal = ZERO;
    let penalty = ZERO;
    let overdue = ZERO;
    let oldest = Number.POSITIVE_INFINITY;
    let owing = 0;
    for (const c of u.charges) {
      const s = chargeAsOf(c, asOf);
      if (!s.live) continue;
      const owed = s.principal.add(s.penalty);
      if (owed.isZero()) continue;
      owing += 1;
      principal = principal.add(s.principal);
      penalty = penalty.add(s.penalty);
      if (c.dueDay < asOf) overdue = overdue.add(owed);
      if (c.dueDay < oldest) oldest = c.dueDay;
    }
    if (owing === 0) continue;
    if (options.overdueOnly === true && !overdue.isPositive()) continue;
    let stage: string | null = null;
    let last: EpochDay | null = null;
    for (const { data: r } of u.reminders) {
      const day = dayOfDecoded(r.on);
      if (day > asOf) continue;
      if (stage === null || REMINDER_STAGES.indexOf(r.stage) > REMINDER_STAGES.indexOf(stage as never)) stage = r.stage;
      if (last === null || day > last) last = day;
    }
    lines.push({
      unit: u.key,
      communityId: u.communityId,
      unitId: u.unitId,
      building: u.building,
      owner: ownerAsOf(u, asOf),
      principal,
      penalty,
      total: principal.add(penalty),
      overdue,
      oldestDue: oldest,
      daysOverdue: Math.max(0, asOf - oldest),
      reminderStage: stage,
      lastReminder: last,
      plan: planStatusAsOf(u, asOf).status,
      arrearsClass: arrearsClassAsOf(u, asOf),
      charges: owing,
      credit: creditAsOf(u, asOf),
    });
    principalAll = principalAll.add(principal);
    penaltyAll = penaltyAll.add(penalty);
    overdueAll = overdueAll.add(overdue);
  }
  // largest debt first; ties by unit so the order never depends on the log's
  lines.sort((a, b) => b.total.compare(a.total) || compareText(a.unit, b.unit));
  const units = lines.length;
  return {
    asOf,
    lines: top === undefined ? lines : lines.slice(0, top),
    units,
    principal: principalAll,
    penalty: penaltyAll,
    total: principalAll.add(penaltyAll),
    overdue: overdueAll,
  };
};
