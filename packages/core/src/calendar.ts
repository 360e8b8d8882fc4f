/**
 * Business dates. At the edge a date is a `Temporal.PlainDate` and a moment is a
 * `Temporal.Instant`; inside, a date is an {@link EpochDay}: the whole number of days since
 * 1970-01-01 (negative before it). Penalty days, aging and folds are integer subtraction on
 * epoch days, which is orders of magnitude faster than Temporal's `add` and `until`
 * (DESIGN.md, principle 5).
 *
 * A community's business date for an instant is the calendar date in its time zone,
 * Asia/Shanghai by default (domain.md, money and dates).
 *
 * @example
 * import { epochDayOf, isoDateOf, parseIsoDate, weekdayOf } from '@levy/core';
 * const due = epochDayOf(2025, 4, 15);       // 20193
 * const paid = epochDayOf(2025, 6, 1);
 * paid - due;                                // 47 days late
 * isoDateOf(due + 1);                        // '2025-04-16'
 * weekdayOf(due);                            // 2 (a Tuesday)
 * parseIsoDate('2025-02-30', ['payment', 'date']); // left({ code: 'DATE_INVALID', ... })
 */
import * as E from 'fp-ts/lib/Either.js';
import { Temporal } from 'temporal-polyfill';
import { InstantString } from './codecs.js';
import { describe } from './decimal.js';
import { type DomainError, LevyError, domainError } from './errors.js';

// ---------------------------------------------------------------------------------------------
// epoch days
// ---------------------------------------------------------------------------------------------

/** Whole days since 1970-01-01 in the proleptic Gregorian (ISO) calendar; negative before it. */
export type EpochDay = number;

/**
 * Whether a value is an epoch day: a whole number (a date string, NaN, a fraction or infinity is not).
 *
 * @example
 * isEpochDay(20193);        // true
 * isEpochDay('2025-04-15'); // false
 */
export const isEpochDay = (value: unknown): value is EpochDay => typeof value === 'number' && Number.isSafeInteger(value);

/** The time zone a community's business dates are in unless it says otherwise (domain.md, money and dates). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * The epoch day of a civil date. No validation, for hot paths: `epochDayOf(2025, 2, 30)` is the
 * same day as March 2. Validate input with {@link parseIsoDate} first.
 * Algorithm: Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil.
 *
 * @example
 * epochDayOf(1970, 1, 1);   // 0
 * epochDayOf(2024, 2, 29);  // 19782
 * epochDayOf(1969, 12, 31); // -1
 */
export const epochDayOf = (year: number, month: number, day: number): EpochDay => {
  // the year starts in march, so the leap day is the last day of the shifted year
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146097 + doe - 719468;
};

/**
 * The civil date of an epoch day (Hinnant, civil_from_days).
 *
 * @example
 * civilOf(19782); // { year: 2024, month: 2, day: 29 }
 */
export const civilOf = (d: EpochDay): { year: number; month: number; day: number } => {
  const z = d + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097; // [0, 146096]
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365); // [0, 399]
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // [0, 365]
  const mp = Math.floor((5 * doy + 2) / 153); // [0, 11], march = 0
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
};

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/**
 * The ISO string of an epoch day, `'YYYY-MM-DD'`, without going through Temporal. Years outside
 * 0000–9999 use ISO 8601's expanded form (`'+012000-01-01'`, `'-000005-01-01'`), as Temporal does.
 *
 * @example
 * isoDateOf(0);     // '1970-01-01'
 * isoDateOf(20193); // '2025-04-15'
 */
export const isoDateOf = (d: EpochDay): string => {
  const { year, month, day } = civilOf(d);
  const tail = `-${TWO_DIGITS[month]!}-${TWO_DIGITS[day]!}`;
  if (year >= 0 && year <= 9999) return `${year < 1000 ? String(year).padStart(4, '0') : String(year)}${tail}`;
  return `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}${tail}`;
};

// ---------------------------------------------------------------------------------------------
// the calendar's facts
// ---------------------------------------------------------------------------------------------

/**
 * Whether a year has a February 29 (Gregorian rule: every 4th year, except centuries not divisible by 400).
 *
 * @example
 * isLeapYear(2024); // true
 * isLeapYear(2100); // false
 * isLeapYear(2000); // true
 */
export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * The number of days in a month (1 = January). Returns 0 for a month outside 1–12.
 *
 * @example
 * daysInMonth(2025, 2); // 28
 * daysInMonth(2024, 2); // 29
 */
export const daysInMonth = (year: number, month: number): number => {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return MONTH_DAYS[month as 1] ?? 0;
};

/**
 * ISO weekday of an epoch day: 1 = Monday … 7 = Sunday. 1970-01-01 was a Thursday.
 *
 * @example
 * weekdayOf(0);                        // 4
 * weekdayOf(epochDayOf(2025, 10, 11)); // 6 (a Saturday, and a 调休 working day)
 */
export const weekdayOf = (d: EpochDay): number => {
  const r = (d + 3) % 7; // monday of 1969-12-29 is day -3
  return (r < 0 ? r + 7 : r) + 1;
};

// ---------------------------------------------------------------------------------------------
// parsing and Temporal at the edge
// ---------------------------------------------------------------------------------------------

const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const MONTH_NAMES = ['', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Parses a strict ISO date string `'YYYY-MM-DD'` that names a real calendar date. Anything else
 * (another format, `'2025-02-30'`, a number, a `Date`) is `DATE_INVALID` naming the path.
 *
 * @example
 * parseIsoDate('2024-02-29');                        // right(19782)
 * parseIsoDate('2025-02-29', ['payment', 'date']);   // left: February 2025 has 28 days
 * parseIsoDate('2025/02/01');                        // left: not YYYY-MM-DD
 */
export const parseIsoDate = (input: unknown, path: readonly string[] = []): E.Either<DomainError, EpochDay> => {
  const m = typeof input === 'string' ? ISO_DATE.exec(input) : null;
  if (m === null) {
    return E.left(domainError('DATE_INVALID', `${describe(input)} is not a date written YYYY-MM-DD, such as "2025-04-15"`, path, { input: describe(input) }));
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12) {
    return E.left(domainError('DATE_INVALID', `${describe(input)} has month ${m[2]!}; months run from 01 to 12`, path, { input: describe(input) }));
  }
  const last = daysInMonth(year, month);
  if (day < 1 || day > last) {
    return E.left(
      domainError('DATE_INVALID', `${describe(input)} is not a calendar date: ${MONTH_NAMES[month]!} ${m[1]!} has ${last} days`, path, {
        input: describe(input),
      }),
    );
  }
  return E.right(epochDayOf(year, month, day));
};

/**
 * The epoch day of a `Temporal.PlainDate` (read in the ISO calendar whatever calendar it carries).
 *
 * @example
 * import { Temporal } from 'temporal-polyfill';
 * toEpochDay(Temporal.PlainDate.from('2025-04-15')); // 20193
 */
export const toEpochDay = (date: Temporal.PlainDate): EpochDay => {
  const iso = date.calendarId === 'iso8601' ? date : date.withCalendar('iso8601');
  return epochDayOf(iso.year, iso.month, iso.day);
};

/**
 * The `Temporal.PlainDate` of an epoch day. Throws Temporal's RangeError beyond Temporal's range
 * (years -271821 to 275760).
 *
 * @example
 * toPlainDate(20193).toString(); // '2025-04-15'
 */
export const toPlainDate = (d: EpochDay): Temporal.PlainDate => {
  const { year, month, day } = civilOf(d);
  return new Temporal.PlainDate(year, month, day);
};

/**
 * Checks a time zone identifier (IANA name such as `'Asia/Shanghai'`, or an offset such as
 * `'+08:00'`), returning its canonical spelling, or `TIME_ZONE_INVALID` naming the path.
 *
 * @example
 * validateTimeZone('Asia/Shanghai', ['community', 'timeZone']); // right('Asia/Shanghai')
 * validateTimeZone('Mars/Olympus', ['community', 'timeZone']);  // left({ code: 'TIME_ZONE_INVALID', ... })
 */
export const validateTimeZone = (input: unknown, path: readonly string[] = []): E.Either<DomainError, string> => {
  if (typeof input === 'string' && input.length > 0 && input.length <= 64) {
    try {
      return E.right(Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(input).timeZoneId);
    } catch {
      // not a zone Temporal knows: reported below
    }
  }
  return E.left(domainError('TIME_ZONE_INVALID', `${describe(input)} is not a time zone such as "Asia/Shanghai"`, path, { input: describe(input) }));
};

/**
 * An instant seen in a time zone, as a `Temporal.ZonedDateTime`; an unknown zone, or a zone that
 * is not a string, throws a `LevyError` (`TIME_ZONE_INVALID` at `['timeZone']`) rather than
 * Temporal's bare RangeError, and an instant that is not a `Temporal.Instant` (an ISO string is
 * not one: `Temporal.Instant.from(s)` makes one) `INSTANT_INVALID` at `['instant']`.
 *
 * @example
 * import { Temporal } from 'temporal-polyfill';
 * zonedDateTimeOf(Temporal.Instant.from('2025-01-31T16:30:00Z')).toString(); // '2025-02-01T00:30:00+08:00[Asia/Shanghai]'
 */
export const zonedDateTimeOf = (instant: Temporal.Instant, timeZone: string = DEFAULT_TIME_ZONE): Temporal.ZonedDateTime => {
  // by what it can do rather than instanceof, so an Instant from another copy of the polyfill still counts
  if (typeof (instant as Partial<Temporal.Instant> | null)?.toZonedDateTimeISO !== 'function') {
    throw new LevyError(domainError('INSTANT_INVALID', `the instant must be a Temporal.Instant, not ${describe(instant)}; make one with Temporal.Instant.from('2025-01-31T16:30:00Z')`, ['instant'], { input: describe(instant) }));
  }
  // Temporal would read a number or an object as a zone's name (String(42)) and throw a bare RangeError
  if (typeof timeZone !== 'string') {
    throw new LevyError(domainError('TIME_ZONE_INVALID', `the time zone must be a string such as "Asia/Shanghai", not ${describe(timeZone)}`, ['timeZone'], { input: describe(timeZone) }));
  }
  try {
    return instant.toZonedDateTimeISO(timeZone);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new LevyError(domainError('TIME_ZONE_INVALID', `${describe(timeZone)} is not a time zone such as "Asia/Shanghai"`, ['timeZone']));
    }
    throw e;
  }
};

/**
 * The community's calendar date of an instant: its wall-clock date in the time zone
 * (Asia/Shanghai by default). A payment recorded at 2025-01-31T16:30Z is a February 1 payment in
 * Shanghai. Throws a `LevyError` (`TIME_ZONE_INVALID`) for an unknown zone: check configuration
 * with {@link validateTimeZone}; and `INSTANT_INVALID` for an instant that is not a
 * `Temporal.Instant`, as {@link zonedDateTimeOf} does.
 *
 * @example
 * import { Temporal } from 'temporal-polyfill';
 * businessDateOf(Temporal.Instant.from('2025-01-31T16:30:00Z')).toString();          // '2025-02-01'
 * businessDateOf(Temporal.Instant.from('2025-01-31T16:30:00Z'), 'UTC').toString();   // '2025-01-31'
 */
export const businessDateOf = (instant: Temporal.Instant, timeZone: string = DEFAULT_TIME_ZONE): Temporal.PlainDate =>
  zonedDateTimeOf(instant, timeZone).toPlainDate();

/**
 * {@link businessDateOf} as an epoch day, for code that works inside.
 *
 * @example
 * import { Temporal } from 'temporal-polyfill';
 * businessDayOf(Temporal.Instant.from('2025-01-31T16:30:00Z')); // epochDayOf(2025, 2, 1)
 */
export const businessDayOf = (instant: Temporal.Instant, timeZone: string = DEFAULT_TIME_ZONE): EpochDay => {
  const z = zonedDateTimeOf(instant, timeZone);
  return epochDayOf(z.year, z.month, z.day);
};

// the business day last asked for in each zone, as the UTC milliseconds it spans: a clock moves
// forward, so most calls land in it and need no Temporal (DESIGN.md, principle 5)
interface ZoneDay {
  readonly startMs: number;
  readonly endMs: number;
  readonly day: EpochDay;
}
const ZONE_DAYS_LIMIT = 1024;
const zoneDays = new Map<string, ZoneDay>();
// the last answer, for callers that ask about one recorded instant again and again (a batch decided at one `now`)
let lastInstant = '';
let lastZone = '';
let lastAnswer: E.Either<DomainError, EpochDay> | null = null;
const MS_PER_DAY = 86_400_000;
const digitAt = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** milliseconds since the epoch of a UTC instant string, or NaN when it is not one (a leap second reads as :59, as Temporal reads it) */
const epochMsOfInstant = (s: string): number => {
  // the codec's check: the shape, a real date and a real time of day (codecs.ts, InstantString)
  if (!InstantString.is(s)) return Number.NaN;
  const year = digitAt(s, 0) * 1000 + digitAt(s, 1) * 100 + digitAt(s, 2) * 10 + digitAt(s, 3);
  const month = digitAt(s, 5) * 10 + digitAt(s, 6);
  const day = digitAt(s, 8) * 10 + digitAt(s, 9);
  const hour = digitAt(s, 11) * 10 + digitAt(s, 12);
  const minute = digitAt(s, 14) * 10 + digitAt(s, 15);
  const second = digitAt(s, 17) * 10 + digitAt(s, 18);
  // the fraction's first three digits, up to the Z; finer digits cannot cross a day's start, which falls on a whole second
  let ms = 0;
  for (let i = 20, scale = 100; i < 23 && i < s.length - 1; i++, scale /= 10) ms += digitAt(s, i) * scale;
  return epochDayOf(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + Math.min(second, 59)) * 1000 + ms;
};

/**
 * The community's business day (an epoch day) of an instant string as events record it
 * (`'2025-03-31T17:30:00Z'`): {@link businessDayOf} for code that works inside. Correct for every
 * zone Temporal knows, DST and historical offsets included: Temporal finds the day and where it
 * starts and ends once, and later instants of that day in that zone are read without Temporal.
 * A malformed instant is `INSTANT_INVALID` naming `path`; an unknown zone `TIME_ZONE_INVALID`
 * naming `['timeZone']`.
 *
 * @example
 * businessDayAt('2025-03-31T17:30:00Z');        // right(epochDayOf(2025, 4, 1)): 01:30 in Shanghai
 * businessDayAt('2025-03-31T17:30:00Z', 'UTC'); // right(epochDayOf(2025, 3, 31))
 * businessDayAt('2025-03-31', 'UTC', ['now']);  // left({ code: 'INSTANT_INVALID', path: ['now'] })
 */
export const businessDayAt = (instant: string, timeZone: string = DEFAULT_TIME_ZONE, path: readonly string[] = ['instant']): E.Either<DomainError, EpochDay> => {
  if (lastAnswer !== null && instant === lastInstant && timeZone === lastZone) return lastAnswer;
  const ms = typeof instant === 'string' ? epochMsOfInstant(instant) : Number.NaN;
  if (Number.isNaN(ms)) {
    return E.left(domainError('INSTANT_INVALID', `${describe(instant)} is not an instant written like "2025-03-31T17:30:00Z" (UTC, ending in Z)`, path, { input: describe(instant) }));
  }
  const known = zoneDays.get(timeZone);
  if (known !== undefined && ms >= known.startMs && ms < known.endMs) return remember(instant, timeZone, known.day);
  let zoned: Temporal.ZonedDateTime;
  try {
    zoned = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone);
  } catch {
    return E.left(domainError('TIME_ZONE_INVALID', `${describe(timeZone)} is not a time zone such as "Asia/Shanghai"`, ['timeZone'], { input: describe(timeZone) }));
  }
  // a day may start at another hour than midnight, or last 23 or 25 hours: ask Temporal where it starts and ends
  const span: ZoneDay = {
    startMs: zoned.startOfDay().epochMilliseconds,
    endMs: zoned.toPlainDate().add({ days: 1 }).toZonedDateTime(timeZone).epochMilliseconds,
    day: epochDayOf(zoned.year, zoned.month, zoned.day),
  };
  if (zoneDays.size >= ZONE_DAYS_LIMIT && !zoneDays.has(timeZone)) zoneDays.clear();
  zoneDays.set(timeZone, span);
  return remember(instant, timeZone, span.day);
};

// only answers are remembered: a refusal names the caller's path, which may differ next time
const remember = (instant: string, timeZone: string, day: EpochDay): E.Either<DomainError, EpochDay> => {
  lastInstant = instant;
  lastZone = timeZone;
  const answer = E.right(day);
  lastAnswer = answer;
  return answer;
};
