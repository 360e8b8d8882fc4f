/**
 * When a period's fee is due. A fee schedule names one {@link DueRule}; the default follows the
 * standard: the previous month's fee is collected by the 15th (每月15日前完成上月费用的收取,
 * domain.md, pricing).
 *
 * - `day-of-next-month`: the Nth day of the month after the period's last month, clamped to
 *   that month's last day (day 31 for a January period gives February 28 or 29).
 *   A quarter 2025-Q1 is due on 2025-04-15, a year 2025 on 2026-01-15.
 * - `days-after-period-end`: N days after the period's last day (0: on the last day).
 * - `in-advance`: on the period's first day (先交后用, paying before use).
 *
 * @example
 * import { DEFAULT_DUE_RULE, dueDateOf, parsePeriodKey, isoDateOf } from '@levy/core';
 * import * as E from 'fp-ts/lib/Either.js';
 * const march = parsePeriodKey('2025-03');
 * if (E.isRight(march)) isoDateOf(dueDateOf(march.right, DEFAULT_DUE_RULE)); // '2025-04-15'
 */
import * as E from 'fp-ts/lib/Either.js';
import { type EpochDay, civilOf, daysInMonth, epochDayOf } from './calendar.js';
import { describe } from './decimal.js';
import { type DomainError, LevyError, domainError } from './errors.js';
import type { Period } from './period.js';

/** A due-date rule. See the module comment for what each kind means. */
export type DueRule =
  | { readonly kind: 'day-of-next-month'; readonly day: number }
  | { readonly kind: 'days-after-period-end'; readonly days: number }
  | { readonly kind: 'in-advance' };

/** The due-rule kinds, for codecs and documentation. */
export const DUE_RULE_KINDS: readonly DueRule['kind'][] = ['day-of-next-month', 'days-after-period-end', 'in-advance'];

/** The longest `days-after-period-end` accepted: a year and a day. A longer wait is a typo, not a rule. */
export const MAX_DAYS_AFTER_PERIOD_END = 366;

/** The 15th of the month after the period: 每月15日前完成上月费用的收取 (domain.md, pricing). */
export const DEFAULT_DUE_RULE: DueRule = Object.freeze({ kind: 'day-of-next-month', day: 15 });

const FIELDS: Record<DueRule['kind'], readonly string[]> = {
  'day-of-next-month': ['kind', 'day'],
  'days-after-period-end': ['kind', 'days'],
  'in-advance': ['kind'],
};

const isWhole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);

/**
 * Checks a due rule from outside (a fee schedule, a command): known kind, the fields that kind
 * needs and no others, `day` a whole number 1–31, `days` a whole number 0–366. Returns a fresh
 * frozen rule, or `DUE_RULE_INVALID` whose path names the field at fault.
 *
 * @example
 * validateDueRule({ kind: 'day-of-next-month', day: 31 });                 // right
 * validateDueRule({ kind: 'day-of-next-month', day: 0 }, ['schedule', 'due']); // left, path ['schedule', 'due', 'day']
 * validateDueRule({ kind: 'end-of-month' }, ['schedule', 'due']);           // left, path ['schedule', 'due', 'kind']
 */
export const validateDueRule = (rule: unknown, path: readonly string[] = []): E.Either<DomainError, DueRule> => {
  const fail = (message: string, at: readonly string[], input: unknown): E.Either<DomainError, DueRule> =>
    E.left(domainError('DUE_RULE_INVALID', message, at, { input: describe(input) }));
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
    return fail(`${describe(rule)} is not a due rule: expected an object with a kind (${DUE_RULE_KINDS.join(', ')})`, path, rule);
  }
  const r = rule as Record<string, unknown>;
  const kind = r['kind'];
  if (typeof kind !== 'string' || !Object.hasOwn(FIELDS, kind)) {
    return fail(`due rule kind ${describe(kind)} is not one of ${DUE_RULE_KINDS.join(', ')}`, [...path, 'kind'], kind);
  }
  const k = kind as DueRule['kind'];
  // an unknown field is refused, not dropped: it may be a misspelled day
  for (const field of Object.keys(r)) {
    if (!FIELDS[k].includes(field)) return fail(`a "${k}" due rule has no field "${field}"`, [...path, field], r[field]);
  }
  switch (k) {
    case 'day-of-next-month': {
      const day = r['day'];
      if (!isWhole(day) || day < 1 || day > 31) {
        return fail(`due day ${describe(day)} must be a whole number from 1 to 31 (31 means the month's last day)`, [...path, 'day'], day);
      }
      return E.right(Object.freeze({ kind: k, day }));
    }
    case 'days-after-period-end': {
      const days = r['days'];
      if (!isWhole(days) || days < 0 || days > MAX_DAYS_AFTER_PERIOD_END) {
        return fail(`days after the period ends ${describe(days)} must be a whole number from 0 to ${MAX_DAYS_AFTER_PERIOD_END}`, [...path, 'days'], days);
      }
      return E.right(Object.freeze({ kind: k, days }));
    }
    case 'in-advance':
      return E.right(Object.freeze({ kind: k }));
  }
};

// rules already checked: a frozen rule cannot change after its check, so it is checked once
const validRules = new WeakSet<object>();

/**
 * The due date of a period under a rule. The rule must be valid (see {@link validateDueRule});
 * an invalid one is a programmer error and throws a `LevyError` with validateDueRule's refusal
 * (`DUE_RULE_INVALID`) under `['rule']`: a field the kind does not have
 * (`{ kind: 'in-advance', day: 15 }`, at `['rule', 'day']`), a day or days out of range, a rule
 * that is not an object. A frozen rule (as validateDueRule returns) is checked once.
 *
 * @example
 * const q4 = parsePeriodKey('2025-Q4');                                   // right(...)
 * dueDateOf(q4.right, DEFAULT_DUE_RULE);                                 // 2026-01-15
 * dueDateOf(jan2024, { kind: 'day-of-next-month', day: 31 });            // 2024-02-29 (clamped)
 * dueDateOf(march2025, { kind: 'days-after-period-end', days: 10 });     // 2025-04-10
 * dueDateOf(march2025, { kind: 'in-advance' });                          // 2025-03-01
 * dueDateOf(march2025, { kind: 'in-advance', day: 15 });                 // throws DUE_RULE_INVALID at ['rule', 'day']
 */
export const dueDateOf = (period: Period, rule: DueRule): EpochDay => {
  if (!validRules.has(rule)) checkRule(rule);
  switch (rule.kind) {
    case 'day-of-next-month': {
      const { year, month } = civilOf(period.end);
      const y = month === 12 ? year + 1 : year;
      const m = month === 12 ? 1 : month + 1;
      return epochDayOf(y, m, Math.min(rule.day, daysInMonth(y, m)));
    }
    case 'days-after-period-end':
      return period.end + rule.days;
    case 'in-advance':
      return period.start;
  }
};

const checkRule = (rule: unknown): void => {
  const checked = validateDueRule(rule, ['rule']);
  if (E.isLeft(checked)) throw new LevyError(checked.left);
  if (Object.isFrozen(rule)) validRules.add(rule as object);
};
