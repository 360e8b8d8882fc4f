/**
 * Billing periods: a month, a quarter or a year, named by a key (`'2025-03'`, `'2025-Q1'`,
 * `'2025'`) and spanning whole epoch days, both ends included. Monthly is the standard's
 * default billing cycle; yearly and quarterly are common too (domain.md, pricing).
 *
 * Keys are canonical (four-digit year, two-digit month, capital Q) because they go into event
 * ids: one period has exactly one key.
 *
 * @example
 * import { parsePeriodKey, periodOf, nextPeriod, epochDayOf } from '@levy/core';
 * const q1 = periodOf('quarter', epochDayOf(2025, 2, 14));
 * q1.key;                       // '2025-Q1'
 * q1.days;                      // 90
 * nextPeriod(q1).key;           // '2025-Q2'
 * parsePeriodKey('2024-02');    // right({ kind: 'month', key: '2024-02', days: 29, ... })
 * parsePeriodKey('2025-13');    // left({ code: 'PERIOD_KEY_INVALID', ... })
 */
import * as E from 'fp-ts/lib/Either.js';
import { type EpochDay, civilOf, daysInMonth, epochDayOf, isEpochDay } from './calendar.js';
import { describe } from './decimal.js';
import { type DomainError, LevyError, domainError } from './errors.js';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** How long a billing period is: a calendar month, quarter or year. */
export type PeriodKind = 'month' | 'quarter' | 'year';

/** The period kinds, for codecs and documentation. */
export const PERIOD_KINDS: readonly PeriodKind[] = ['month', 'quarter', 'year'];

/** A billing period: its kind, canonical key, first and last day (both included), and its length. */
export interface Period {
  readonly kind: PeriodKind;
  /** `'2025-03'`, `'2025-Q1'` or `'2025'`. */
  readonly key: string;
  /** first day */
  readonly start: EpochDay;
  /** last day, inclusive */
  readonly end: EpochDay;
  /** calendar months covered: 1, 3 or 12 */
  readonly months: number;
  /** days covered, `end - start + 1` */
  readonly days: number;
}

// ---------------------------------------------------------------------------------------------
// constructors
// ---------------------------------------------------------------------------------------------

const yearKey = (year: number): string =>
  year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`;

const make = (kind: PeriodKind, key: string, year: number, firstMonth: number, months: number): Period => {
  const lastMonth = firstMonth + months - 1;
  const start = epochDayOf(year, firstMonth, 1);
  const end = epochDayOf(year, lastMonth, daysInMonth(year, lastMonth));
  return Object.freeze({ kind, key, start, end, months, days: end - start + 1 });
};

const monthPeriod = (year: number, month: number): Period => make('month', `${yearKey(year)}-${month < 10 ? '0' : ''}${month}`, year, month, 1);
const quarterPeriod = (year: number, quarter: number): Period => make('quarter', `${yearKey(year)}-Q${quarter}`, year, quarter * 3 - 2, 3);
const yearPeriod = (year: number): Period => make('year', yearKey(year), year, 1, 12);

/**
 * The period of a kind that contains a day. Throws a `LevyError` for a kind other than month,
 * quarter or year (`PERIOD_KIND_INVALID`, path `['kind']`) and for a day that is not a whole epoch
 * day, such as NaN or a date string (`DATE_INVALID`, path `['day']`).
 *
 * @example
 * periodOf('month', epochDayOf(2024, 2, 29)).key;   // '2024-02'
 * periodOf('quarter', epochDayOf(2025, 12, 31)).key; // '2025-Q4'
 * periodOf('year', epochDayOf(2025, 6, 1)).days;     // 365
 * periodOf('week', epochDayOf(2025, 6, 1));          // throws PERIOD_KIND_INVALID at ['kind']
 */
export const periodOf = (kind: PeriodKind, day: EpochDay): Period => {
  if (!isEpochDay(day)) throw new LevyError(domainError('DATE_INVALID', `${describe(day)} is not an epoch day (a whole number of days since 1970-01-01)`, ['day'], { input: describe(day) }));
  const { year, month } = civilOf(day);
  switch (kind) {
    case 'month':
      return monthPeriod(year, month);
    case 'quarter':
      return quarterPeriod(year, Math.floor((month - 1) / 3) + 1);
    case 'year':
      return yearPeriod(year);
    default:
      throw new LevyError(domainError('PERIOD_KIND_INVALID', `a period kind is month, quarter or year, not ${describe(kind)}`, ['kind'], { input: describe(kind) }));
  }
};

/**
 * The quarter containing a day (quarterly closes and reports).
 *
 * @example
 * quarterOf(epochDayOf(2025, 4, 1)).key; // '2025-Q2'
 */
export const quarterOf = (day: EpochDay): Period => periodOf('quarter', day);

/**
 * The period of the same kind right after this one.
 *
 * @example
 * nextPeriod(periodOf('month', epochDayOf(2025, 12, 10))).key; // '2026-01'
 */
export const nextPeriod = (p: Period): Period => periodOf(p.kind, p.end + 1);

/**
 * The period of the same kind right before this one.
 *
 * @example
 * previousPeriod(periodOf('quarter', epochDayOf(2025, 1, 10))).key; // '2024-Q4'
 */
export const previousPeriod = (p: Period): Period => periodOf(p.kind, p.start - 1);

/**
 * The month periods a period covers, in order (a month gives itself).
 *
 * @example
 * monthsOf(periodOf('quarter', epochDayOf(2025, 1, 1))).map((m) => m.key); // ['2025-01', '2025-02', '2025-03']
 */
export const monthsOf = (p: Period): readonly Period[] => {
  if (p.kind === 'month') return [p];
  const out: Period[] = [];
  for (let day = p.start; day <= p.end; ) {
    const m = periodOf('month', day);
    out.push(m);
    day = m.end + 1;
  }
  return out;
};

/**
 * Whether a day falls in a period (both ends included).
 *
 * @example
 * const march = periodOf('month', epochDayOf(2025, 3, 1));
 * periodContains(march, epochDayOf(2025, 3, 31)); // true
 * periodContains(march, epochDayOf(2025, 4, 1));  // false
 */
export const periodContains = (p: Period, day: EpochDay): boolean => day >= p.start && day <= p.end;

// ---------------------------------------------------------------------------------------------
// keys
// ---------------------------------------------------------------------------------------------

const PERIOD_KEY = /^([0-9]{4})(?:-([0-9]{2})|-Q([0-9]))?$/;

/**
 * Parses a canonical period key: a month `'2025-03'`, a quarter `'2025-Q1'` or a year `'2025'`.
 * Anything else (`'2025-13'`, `'2025-Q5'`, `'25-03'`, `'2025-3'`, `'2025-q1'`, a number, `''`)
 * is `PERIOD_KEY_INVALID` naming the path.
 *
 * @example
 * parsePeriodKey('2025-Q4');                      // right({ kind: 'quarter', key: '2025-Q4', months: 3, days: 92, ... })
 * parsePeriodKey('2025-Q5', ['charge', 'period']); // left({ code: 'PERIOD_KEY_INVALID', path: ['charge', 'period'], ... })
 */
export const parsePeriodKey = (key: unknown, path: readonly string[] = []): E.Either<DomainError, Period> => {
  const m = typeof key === 'string' ? PERIOD_KEY.exec(key) : null;
  const fail = (why: string): E.Either<DomainError, Period> =>
    E.left(domainError('PERIOD_KEY_INVALID', `${describe(key)} ${why}`, path, { input: describe(key) }));
  if (m === null) return fail('is not a period key: write a month "2025-03", a quarter "2025-Q1" or a year "2025"');
  const year = Number(m[1]);
  if (m[2] !== undefined) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return fail(`has month ${m[2]}; months run from 01 to 12`);
    return E.right(monthPeriod(year, month));
  }
  if (m[3] !== undefined) {
    const quarter = Number(m[3]);
    if (quarter < 1 || quarter > 4) return fail(`has quarter Q${m[3]}; quarters run from Q1 to Q4`);
    return E.right(quarterPeriod(year, quarter));
  }
  return E.right(yearPeriod(year));
};
