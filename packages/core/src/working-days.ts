/**
 * Working days on a community's calendar, for clocks counted in working days (a complaint
 * answered within 7 working days, domain.md, customer service). The bundled
 * {@link CHINA_WORKING_DAYS} knows China's public holidays and adjusted working days (调休) as the
 * State Council publishes them each year; a community can bring its own table with
 * {@link workingDayCalendar}, or count weekends only with {@link weekendsOnly}.
 *
 * A year the calendar has no arrangement for is counted Monday to Friday, and the result says so
 * in `assumedWeekendsOnly`, so a deadline computed before the State Council's announcement can be
 * flagged and recomputed later rather than trusted silently.
 *
 * @example
 * import { addWorkingDays, epochDayOf, isoDateOf } from '@levy/core';
 * // 2025-09-30 (Tue) + 1 working day: Oct 1–8 are the National Day holiday, Oct 9 is a Thursday
 * const r = addWorkingDays(epochDayOf(2025, 9, 30), 1);
 * isoDateOf(r.date);        // '2025-10-09'
 * r.assumedWeekendsOnly;    // []
 * addWorkingDays(epochDayOf(2031, 3, 6), 1).assumedWeekendsOnly; // [2031]
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Temporal } from 'temporal-polyfill';
import { type EpochDay, DEFAULT_TIME_ZONE, civilOf, epochDayOf, isEpochDay, parseIsoDate, toPlainDate, weekdayOf, zonedDateTimeOf } from './calendar.js';
import { describe } from './decimal.js';
import { type DomainError, LevyError, domainError } from './errors.js';
import { CN_ARRANGEMENT_YEARS, CN_HOLIDAYS, CN_WORKDAYS } from './holidays-cn.js';
import { isInputObject, unknownField } from './unknown-field.js';

// ---------------------------------------------------------------------------------------------
// calendars
// ---------------------------------------------------------------------------------------------

/** Which days are working days, and for which years that is a published arrangement rather than an assumption. */
export interface WorkingDayCalendar {
  /** Whether a day is a working day. Days in years without an arrangement are Monday to Friday. */
  isWorkingDay(d: EpochDay): boolean;
  /** Years whose arrangement (holidays and adjusted working days) the calendar holds, ascending. */
  readonly publishedYears: readonly number[];
  /**
   * Whether a year's answers are published rather than assumed. Optional: when absent a year is
   * covered if it is in `publishedYears`. {@link weekendsOnly} covers every year by definition.
   */
  readonly coversYear?: (year: number) => boolean;
}

/** The longest count {@link addWorkingDays} accepts: ten thousand working days, about forty years. */
export const MAX_WORKING_DAYS = 10_000;

// a calendar with no working day for ten years is broken; stop rather than loop forever
const MAX_NON_WORKING_RUN = 3660;
const MAX_TABLE_YEARS = 1000;
const MAX_TABLE_DATES = 100_000;

const isWeekday = (d: EpochDay): boolean => weekdayOf(d) <= 5;

/**
 * Monday to Friday are working days, every year, with no holidays. It is a complete calendar, not
 * an assumption: results computed with it never report `assumedWeekendsOnly`.
 *
 * @example
 * weekendsOnly.isWorkingDay(epochDayOf(2025, 10, 1)); // true (a Wednesday)
 */
export const weekendsOnly: WorkingDayCalendar = Object.freeze({
  isWorkingDay: isWeekday,
  publishedYears: Object.freeze([]) as readonly number[],
  coversYear: (_year: number): boolean => true,
});

// flags[d - first] === 1 when d is a working day, for every day of the table's span of years
const fromTable = (holidays: readonly EpochDay[], workdays: readonly EpochDay[], years: readonly number[]): WorkingDayCalendar => {
  const published = Object.freeze([...new Set(years)].sort((a, b) => a - b));
  if (published.length === 0) return Object.freeze({ isWorkingDay: isWeekday, publishedYears: published });
  const first = epochDayOf(published[0]!, 1, 1);
  const last = epochDayOf(published[published.length - 1]!, 12, 31);
  const flags = new Uint8Array(last - first + 1);
  for (let d = first; d <= last; d++) flags[d - first] = isWeekday(d) ? 1 : 0;
  for (const d of holidays) flags[d - first] = 0;
  for (const d of workdays) flags[d - first] = 1;
  const covered = new Set(published);
  return Object.freeze({
    isWorkingDay: (d: EpochDay): boolean => (d >= first && d <= last ? flags[d - first] === 1 : isWeekday(d)),
    publishedYears: published,
    coversYear: (year: number): boolean => covered.has(year),
  });
};

/**
 * Checks a custom calendar table from outside (a community's own arrangement): `holidays` and
 * `workdays` are `'YYYY-MM-DD'` strings, `years` the whole years the table is the full
 * arrangement for. Every date must fall in one of `years`, and no date may be both a holiday and
 * a working day. Errors are `WORKING_CALENDAR_INVALID` (or `DATE_INVALID` for a bad date) with
 * the path of the entry at fault.
 *
 * @example
 * parseWorkingDayCalendar({ holidays: ['2031-01-01'], workdays: [], years: [2031] }, ['community', 'calendar']); // right(calendar)
 * parseWorkingDayCalendar({ holidays: ['2031-01-01'], workdays: [], years: [] });                                // left: 2031 not in years
 */
export const parseWorkingDayCalendar = (table: unknown, path: readonly string[] = []): E.Either<DomainError, WorkingDayCalendar> => {
  const fail = (message: string, at: readonly string[], input?: unknown): E.Either<DomainError, WorkingDayCalendar> =>
    E.left(domainError('WORKING_CALENDAR_INVALID', message, at, input === undefined ? undefined : { input: describe(input) }));
  if (typeof table !== 'object' || table === null || Array.isArray(table)) {
    return fail(`${describe(table)} is not a working-day table: expected { holidays, workdays, years }`, path, table);
  }
  const t = table as Record<string, unknown>;
  for (const field of Object.keys(t)) {
    if (field !== 'holidays' && field !== 'workdays' && field !== 'years') return fail(`a working-day table has no field "${field}"`, [...path, field]);
  }
  const years = t['years'];
  if (!Array.isArray(years) || years.length > MAX_TABLE_YEARS) {
    return fail(`years must be a list of at most ${MAX_TABLE_YEARS} whole years`, [...path, 'years'], years);
  }
  for (const [i, y] of years.entries()) {
    if (typeof y !== 'number' || !Number.isInteger(y) || y < 1 || y > 9999) return fail(`year ${describe(y)} must be a whole year from 1 to 9999`, [...path, 'years', String(i)], y);
  }
  const yearSet = new Set(years as number[]);
  if (yearSet.size > 0 && Math.max(...yearSet) - Math.min(...yearSet) >= MAX_TABLE_YEARS) {
    return fail(`years span more than ${MAX_TABLE_YEARS} years`, [...path, 'years']);
  }
  const lists: Record<'holidays' | 'workdays', EpochDay[]> = { holidays: [], workdays: [] };
  const seen = new Map<EpochDay, string>();
  for (const field of ['holidays', 'workdays'] as const) {
    const list = t[field];
    if (!Array.isArray(list) || list.length > MAX_TABLE_DATES) {
      return fail(`${field} must be a list of at most ${MAX_TABLE_DATES} dates written YYYY-MM-DD`, [...path, field], list);
    }
    for (const [i, s] of list.entries()) {
      const at = [...path, field, String(i)];
      const d = parseIsoDate(s, at);
      if (E.isLeft(d)) return d;
      const year = civilOf(d.right).year;
      if (!yearSet.has(year)) return fail(`${describe(s)} is in ${year}, which is not among the table's years`, at, s);
      const other = seen.get(d.right);
      if (other !== undefined && other !== field) return fail(`${describe(s)} is listed both as a holiday and as a working day`, at, s);
      seen.set(d.right, field);
      lists[field].push(d.right);
    }
  }
  return E.right(fromTable(lists.holidays, lists.workdays, [...yearSet]));
};

/**
 * A calendar from a community's own table (see {@link parseWorkingDayCalendar} for the rules).
 * Throwing form, for tables written in code: a bad table throws a `LevyError`.
 *
 * @example
 * const cal = workingDayCalendar({ holidays: ['2031-01-01'], workdays: ['2031-01-04'], years: [2031] });
 * cal.isWorkingDay(epochDayOf(2031, 1, 1)); // false (a Wednesday, but a holiday)
 * cal.isWorkingDay(epochDayOf(2031, 1, 4)); // true (a Saturday worked)
 */
export const workingDayCalendar = (table: { holidays: readonly string[]; workdays: readonly string[]; years: readonly number[] }): WorkingDayCalendar => {
  const parsed = parseWorkingDayCalendar(table);
  if (E.isLeft(parsed)) throw new LevyError(parsed.left);
  return parsed.right;
};

/**
 * China's working days: the bundled table of public holidays and adjusted working days (调休)
 * for 2004–2026 (holidays-cn.ts, generated from the chinese-days package, which transcribes the
 * State Council's yearly announcements). Later years fall back to Monday to Friday and say so.
 *
 * @example
 * CHINA_WORKING_DAYS.isWorkingDay(epochDayOf(2025, 10, 8));  // false (National Day holiday)
 * CHINA_WORKING_DAYS.isWorkingDay(epochDayOf(2025, 10, 11)); // true (a Saturday, 调休)
 */
export const CHINA_WORKING_DAYS: WorkingDayCalendar = fromTable(
  CN_HOLIDAYS.map((s) => epochDayOf(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)))),
  CN_WORKDAYS.map((s) => epochDayOf(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)))),
  CN_ARRANGEMENT_YEARS,
);

// ---------------------------------------------------------------------------------------------
// adding working days
// ---------------------------------------------------------------------------------------------

/** A date reached by counting working days, and the years on the way that were counted Monday to Friday for want of an arrangement. */
export interface WorkingDaysResult {
  readonly date: EpochDay;
  /** Years crossed (ascending) that had no published arrangement: their days were counted as weekends only. */
  readonly assumedWeekendsOnly: readonly number[];
}

const coverOf = (cal: WorkingDayCalendar): ((year: number) => boolean) =>
  cal.coversYear ?? ((year: number): boolean => cal.publishedYears.includes(year));

// counts without checking n; the public functions check it
const advance = (from: EpochDay, n: number, cal: WorkingDayCalendar): WorkingDaysResult => {
  const covers = coverOf(cal);
  const assumed: number[] = [];
  let d = from;
  let year = Number.NaN;
  let nextYearStart = Number.NEGATIVE_INFINITY;
  let run = 0;
  for (let counted = 0; counted < n; ) {
    d++;
    if (d >= nextYearStart) {
      year = civilOf(d).year;
      nextYearStart = epochDayOf(year + 1, 1, 1);
      if (!covers(year)) assumed.push(year);
    }
    if (cal.isWorkingDay(d)) {
      counted++;
      run = 0;
    } else if (++run > MAX_NON_WORKING_RUN) {
      throw new LevyError(domainError('WORKING_CALENDAR_INVALID', `the calendar has no working day in the ${MAX_NON_WORKING_RUN} days after ${d - run}`, ['calendar']));
    }
  }
  return Object.freeze({ date: d, assumedWeekendsOnly: Object.freeze(assumed) });
};

// a calendar from JavaScript may be anything: say so rather than fail inside with a TypeError
const checkCalendar = (cal: unknown): WorkingDayCalendar => {
  const c = cal as Partial<WorkingDayCalendar> | null;
  if (
    !isInputObject(c) ||
    typeof c.isWorkingDay !== 'function' ||
    (c.coversYear !== undefined && typeof c.coversYear !== 'function') ||
    (c.coversYear === undefined && !Array.isArray(c.publishedYears))
  ) {
    throw new LevyError(
      domainError(
        'WORKING_CALENDAR_INVALID',
        `${describe(cal)} is not a working-day calendar: expected { isWorkingDay, publishedYears } such as CHINA_WORKING_DAYS, weekendsOnly or one from workingDayCalendar`,
        ['calendar'],
      ),
    );
  }
  return c as WorkingDayCalendar;
};

const INSTANT_OPTIONS: ReadonlySet<string> = new Set(['timeZone', 'calendar']);

const checkCount = (n: number): void => {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
    throw new LevyError(domainError('WORKING_DAYS_INVALID', `${describe(n)} working days: the count must be a whole number from 0 to ${MAX_WORKING_DAYS}`, ['n']));
  }
};

/**
 * The day that is `n` working days after `from` (`from` itself is not counted; `n = 0` gives
 * `from`). With `n >= 1` the result is always a working day. Throws a `LevyError`:
 * `WORKING_DAYS_INVALID` for a count that is not a whole number from 0 to {@link MAX_WORKING_DAYS},
 * `DATE_INVALID` for a `from` that is not an epoch day, `WORKING_CALENDAR_INVALID` (path
 * `['calendar']`) for a calendar that is not one (`null`, `{}`).
 *
 * @example
 * // Spring Festival 2025: Jan 28 – Feb 4 off, Sunday Jan 26 and Saturday Feb 8 worked
 * isoDateOf(addWorkingDays(epochDayOf(2025, 1, 24), 1).date); // '2025-01-26' (Sunday, 调休)
 * isoDateOf(addWorkingDays(epochDayOf(2025, 1, 27), 1).date); // '2025-02-05'
 * addWorkingDays(epochDayOf(2026, 12, 30), 3).assumedWeekendsOnly; // [2027]
 */
export const addWorkingDays = (from: EpochDay, n: number, cal: WorkingDayCalendar = CHINA_WORKING_DAYS): WorkingDaysResult => {
  checkCount(n);
  if (!isEpochDay(from)) throw new LevyError(domainError('DATE_INVALID', `${describe(from)} is not an epoch day`, ['from']));
  return advance(from, n, checkCalendar(cal));
};

/**
 * The instant `n` working days after `from`, at the same wall-clock time in the community's zone
 * (Asia/Shanghai by default; on a day where that time does not exist, Temporal's `compatible`
 * rule moves it forward).
 *
 * When `from` falls on a day that is not a working day, the clock waits: it starts at 00:00 of the
 * next working day, and the result is 00:00 of the day `n` working days after that (so a complaint
 * received on Saturday with 2 working days to answer is due at Wednesday 00:00, the end of
 * Tuesday). This keeps deadlines monotone: a later receipt never gets an earlier deadline. With
 * `n = 0`, a working-day instant is returned as it is, and a non-working-day one becomes the start
 * of the next working day.
 *
 * `assumedWeekendsOnly` lists the years, `from`'s own included, that had no published arrangement.
 *
 * Throws a `LevyError`: `INSTANT_INVALID` (path `['from']`) for a `from` that is not a
 * `Temporal.Instant` (an ISO string is not one: `Temporal.Instant.from(s)` makes one),
 * `WORKING_DAYS_INVALID` for the count, `OPTIONS_INVALID` for options that are not an object or
 * hold a field other than `timeZone` and `calendar` (a misspelt `timezone` would otherwise leave
 * Asia/Shanghai in force: path `['timezone']`), `TIME_ZONE_INVALID` for an unknown zone,
 * `WORKING_CALENDAR_INVALID` (path `['calendar']`) for a calendar that is not one.
 *
 * @example
 * import { Temporal } from 'temporal-polyfill';
 * // Friday 2025-09-26 10:00 in Shanghai + 2 working days: Sunday Sep 28 is a 调休 working day
 * addWorkingDaysToInstant(Temporal.Instant.from('2025-09-26T02:00:00Z'), 2).instant.toString(); // '2025-09-29T02:00:00Z'
 * // Saturday 2025-10-04 (holiday) + 1: the clock starts Oct 9 00:00, due Oct 10 00:00
 * addWorkingDaysToInstant(Temporal.Instant.from('2025-10-04T02:00:00Z'), 1).instant.toString(); // '2025-10-09T16:00:00Z'
 */
export const addWorkingDaysToInstant = (
  from: Temporal.Instant,
  n: number,
  opts?: { timeZone?: string; calendar?: WorkingDayCalendar },
): { instant: Temporal.Instant; assumedWeekendsOnly: readonly number[] } => {
  // by what it can do rather than instanceof, so an Instant from another copy of the polyfill still counts
  if (typeof (from as Partial<Temporal.Instant> | null)?.toZonedDateTimeISO !== 'function') {
    throw new LevyError(domainError('INSTANT_INVALID', `from must be a Temporal.Instant, not ${describe(from)}; make one with Temporal.Instant.from('2025-09-26T02:00:00Z')`, ['from']));
  }
  checkCount(n);
  if (opts !== undefined) {
    if (!isInputObject(opts)) throw new LevyError(domainError('OPTIONS_INVALID', `the options must be an object { timeZone?, calendar? }, not ${describe(opts)}`, []));
    const unknown = unknownField(opts, INSTANT_OPTIONS);
    if (unknown !== undefined) {
      throw new LevyError(domainError('OPTIONS_INVALID', `${JSON.stringify(unknown)} is not an option of addWorkingDaysToInstant; the options are timeZone and calendar`, [unknown]));
    }
  }
  // null is not absent: it is refused below, as createLevy refuses a null option
  const timeZone: unknown = opts?.timeZone === undefined ? DEFAULT_TIME_ZONE : opts.timeZone;
  if (typeof timeZone !== 'string') throw new LevyError(domainError('TIME_ZONE_INVALID', `the time zone must be a string such as "Asia/Shanghai", not ${describe(timeZone)}`, ['timeZone']));
  const cal = checkCalendar(opts?.calendar === undefined ? CHINA_WORKING_DAYS : opts.calendar);
  const start = zonedDateTimeOf(from, timeZone);
  const day = epochDayOf(start.year, start.month, start.day);
  const working = cal.isWorkingDay(day);
  // a non-working day: the clock starts with the next working day, so count one more
  const r = advance(day, working ? n : n + 1, cal);
  const target = civilOf(r.date);
  const instant = working
    ? start.with({ year: target.year, month: target.month, day: target.day }).toInstant()
    : toPlainDate(r.date).toZonedDateTime({ timeZone: start.timeZoneId }).toInstant();
  const fromYear = start.year;
  const assumed = coverOf(cal)(fromYear) || r.assumedWeekendsOnly.includes(fromYear) ? r.assumedWeekendsOnly : [fromYear, ...r.assumedWeekendsOnly];
  return Object.freeze({ instant, assumedWeekendsOnly: Object.freeze(assumed) });
};

/**
 * How many working days lie after `from` up to and including `to` (0 when `to <= from`): the
 * inverse of {@link addWorkingDays}, for checking a working-day clock after the fact.
 *
 * @example
 * workingDaysBetween(epochDayOf(2025, 9, 30), epochDayOf(2025, 10, 9)).days; // 1
 */
export const workingDaysBetween = (
  from: EpochDay,
  to: EpochDay,
  cal: WorkingDayCalendar = CHINA_WORKING_DAYS,
): { readonly days: number; readonly assumedWeekendsOnly: readonly number[] } => {
  if (!isEpochDay(from)) throw new LevyError(domainError('DATE_INVALID', `${describe(from)} is not an epoch day`, ['from']));
  if (!isEpochDay(to)) throw new LevyError(domainError('DATE_INVALID', `${describe(to)} is not an epoch day`, ['to']));
  if (to - from > MAX_WORKING_DAYS * 2) {
    throw new LevyError(domainError('WORKING_DAYS_INVALID', `from ${from} to ${to} spans more than ${MAX_WORKING_DAYS * 2} days`, ['to']));
  }
  checkCalendar(cal);
  const covers = coverOf(cal);
  const assumed: number[] = [];
  let days = 0;
  let nextYearStart = Number.NEGATIVE_INFINITY;
  for (let d = from + 1; d <= to; d++) {
    if (d >= nextYearStart) {
      const year = civilOf(d).year;
      nextYearStart = epochDayOf(year + 1, 1, 1);
      if (!covers(year)) assumed.push(year);
    }
    if (cal.isWorkingDay(d)) days++;
  }
  return Object.freeze({ days, assumedWeekendsOnly: Object.freeze(assumed) });
};
