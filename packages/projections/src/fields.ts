/**
 * Reading event fields once on the hot path: ISO dates to integer epoch days without Temporal or
 * regexes, canonical amounts to {@link Money} through a small cache (a billing run repeats the
 * same few amounts thousands of times), instants to the community's business day. Events reaching
 * a fold are already decoded, so the fold's readers do not validate again (DESIGN.md, principle 5);
 * the ones a caller hands its own input ({@link dayOf}, {@link dateOf}, {@link recordedDayOf})
 * check it and refuse with a typed error.
 *
 * @example
 * import { dayOf, moneyOfAmount } from '@levy/projections';
 * dayOf('2025-04-15');          // 20193
 * moneyOfAmount('250.60');      // Money 250.60
 */
import { type DomainError, type EpochDay, InstantString, LevyError, Money, dayOfIso, describe, domainError, epochDayOf, isEpochDay, isoDateOf, parseIsoDate, validateTimeZone } from '@levy/core';

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/**
 * The epoch day of an ISO date `'YYYY-MM-DD'` given by a caller (the way to build an `asOf`),
 * checked: anything that is not a real calendar date (`'2025-02-30'`, `'2025-13-01'`, `''`, not a
 * string) throws a {@link LevyError} `DATE_INVALID` at `date` naming the input, never a day
 * nobody meant.
 *
 * @example
 * dayOf('1970-01-02'); // 1
 * dayOf('2025-02-30'); // throws LevyError DATE_INVALID: February 2025 has 28 days
 */
export const dayOf = (iso: string): EpochDay => {
  // a caller reading days off a list of dates repeats one often: remember the last one checked
  if (iso === lastCheckedIso) return lastCheckedDay;
  const parsed = parseIsoDate(iso, ['date']);
  if (parsed._tag === 'Left') throw new LevyError(parsed.left);
  lastCheckedIso = iso;
  lastCheckedDay = parsed.right;
  return parsed.right;
};
// a true pair to start from, so no input is read as a day it is not ('' is not 1970-01-01)
let lastCheckedIso = '1970-01-01';
let lastCheckedDay: EpochDay = 0;

/**
 * The epoch day of an ISO date read from a decoded event (no validation: codecs did that). The
 * fold's hot path; internal to the package (index.ts does not export it): callers use the checked
 * {@link dayOf}.
 *
 * @example
 * dayOfDecoded(event.meta.effectiveDate);
 */
export const dayOfDecoded = (iso: string): EpochDay => {
  // a log in recording order repeats the same date many times in a row: remember the last one
  if (iso === lastIso) return lastDay;
  const day = dayOfIso(iso);
  lastIso = iso;
  lastDay = day;
  return day;
};
// a true pair to start from: the memo never answers for a string it has not read
let lastIso = '1970-01-01';
let lastDay: EpochDay = 0;

/**
 * Why a day given to a report is not one, or null: it must be a whole epoch day, as {@link dayOf}
 * gives. A date string, NaN or a fraction would compare silently wrong against every charge.
 *
 * @example
 * dayInvalid(dayOf('2025-12-31'), ['asOf']); // null
 * dayInvalid('2025-12-31', ['asOf']);        // { code: 'AS_OF_INVALID', path: ['asOf'], ... }
 */
export const dayInvalid = (value: unknown, path: readonly string[]): DomainError | null =>
  isEpochDay(value)
    ? null
    : domainError('AS_OF_INVALID', `${path.join('.')} must be a day such as dayOf('2025-12-31'), a whole number of days since 1970-01-01, not ${describe(value)}`, path, {
        input: describe(value),
      });

/**
 * A day given to a report, checked ({@link dayInvalid}); a report that returns its value directly
 * throws the refusal as a {@link LevyError}.
 *
 * @example
 * checkDay(dayOf('2025-12-31'), ['asOf']); // 20453
 * checkDay(Number.NaN, ['asOf']);          // throws LevyError AS_OF_INVALID at asOf
 */
export const checkDay = (value: unknown, path: readonly string[]): EpochDay => {
  const bad = dayInvalid(value, path);
  if (bad !== null) throw new LevyError(bad);
  return value as EpochDay;
};

/**
 * Why a `top` or `limit` given to a report is not one, or null: a whole number, 0 or more
 * (undefined: no cut).
 *
 * @example
 * limitInvalid(-1, ['limit']); // { code: 'LIMIT_INVALID', path: ['limit'], ... }
 */
export const limitInvalid = (value: unknown, path: readonly string[]): DomainError | null =>
  value === undefined || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
    ? null
    : domainError('LIMIT_INVALID', `${path.join('.')} must be a whole number, 0 or more, not ${describe(value)}`, path, { input: describe(value) });

/**
 * A `top` or `limit` checked ({@link limitInvalid}), the refusal thrown as a {@link LevyError}.
 *
 * @example
 * checkLimit(20, ['top']); // 20
 */
export const checkLimit = (value: unknown, path: readonly string[]): number | undefined => {
  const bad = limitInvalid(value, path);
  if (bad !== null) throw new LevyError(bad);
  return value as number | undefined;
};

/**
 * The ISO date of an epoch day (core's `isoDateOf`, for report code). A value that is not a whole
 * epoch day (NaN, a fraction, a date string) throws a {@link LevyError} `DATE_INVALID` at `day`
 * rather than printing a date that is not one.
 *
 * @example
 * dateOf(20193); // '2025-04-15'
 * dateOf(Number.NaN); // throws LevyError DATE_INVALID at day
 */
export const dateOf = (day: EpochDay): string => {
  if (!isEpochDay(day)) {
    throw new LevyError(domainError('DATE_INVALID', `a day must be a whole number of days since 1970-01-01, such as dayOf('2025-04-15'), not ${describe(day)}`, ['day'], { input: describe(day) }));
  }
  return isoDateOf(day);
};

/** Zero yuan, shared. */
export const ZERO: Money = Money.zero();

const AMOUNT_CACHE_LIMIT = 4096;
let amounts = new Map<string, Money>();

/**
 * The Money of a decoded canonical amount string. Money is immutable, so equal strings share one
 * object; the cache is bounded (cleared when full) so memory stays flat on any log.
 *
 * @example
 * moneyOfAmount('0.00').isZero(); // true
 */
export const moneyOfAmount = (amount: string): Money => {
  // several projections read the same field of the same event one after another
  if (amount === lastAmount) return lastMoney;
  // zero (a payment's credit, a lump-sum charge's commission) is answered without the cache and
  // leaves the memo alone: the event's other amount, read again by the next projection, stays in it
  if (amount === '0.00') return ZERO;
  let m = amounts.get(amount);
  if (m === undefined) {
    m = Money.of(amount);
    if (amounts.size >= AMOUNT_CACHE_LIMIT) amounts = new Map();
    amounts.set(amount, m);
  }
  lastAmount = amount;
  lastMoney = m;
  return m;
};
let lastAmount = '0.00';
let lastMoney: Money = ZERO;

// fixed offsets in minutes for the zones Levy's communities use; others go through Intl once per minute (per second before 1973)
const FIXED_OFFSETS: ReadonlyMap<string, number> = new Map([
  ['Asia/Shanghai', 480],
  ['Asia/Chongqing', 480],
  ['Asia/Harbin', 480],
  ['Asia/Urumqi', 360],
  ['Asia/Hong_Kong', 480],
  ['Asia/Macau', 480],
  ['Asia/Taipei', 480],
  ['UTC', 0],
  ['Etc/UTC', 0],
]);

// the first year from which every named zone above has had one offset all year
const FIXED_SINCE = 1992;
// the first year in which every zone's UTC offset is a whole number of minutes (tzdb: Africa/Monrovia left -00:44:30 on 1972-01-07)
const WHOLE_MINUTES_SINCE = 1973;
const NAMED_FIXED: ReadonlySet<string> = new Set([...FIXED_OFFSETS.keys()].filter((z) => z !== 'UTC' && z !== 'Etc/UTC'));

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();
const zonedDayCache = new Map<string, EpochDay>();

/**
 * The business day (in `timeZone`) of an instant `'2025-03-15T02:30:00Z'`: the day the entry was
 * recorded on, as the community's clerks see it. China has kept one offset since 1992, so Chinese
 * zones are plain arithmetic from then on (earlier instants, from the summer-time years 1986-1991
 * back, and other IANA zones are resolved through Intl, cached per minute, or per second before
 * 1973, when some zones' offsets were not whole minutes). The input is checked: a malformed
 * instant throws a {@link LevyError} `INSTANT_INVALID` at `instant`, an unknown zone
 * `TIME_ZONE_INVALID` at `timeZone` (the fold reads decoded events with {@link recordedDayWith}).
 *
 * @example
 * recordedDayOf('2025-01-31T16:30:00Z', 'Asia/Shanghai'); // the epoch day of 2025-02-01
 * recordedDayOf('2025-01-31T16:30:00Z', 'Mars/Base');     // throws LevyError TIME_ZONE_INVALID at timeZone
 */
export const recordedDayOf = (instant: string, timeZone: string): EpochDay => {
  if (!InstantString.is(instant)) {
    throw new LevyError(domainError('INSTANT_INVALID', `${describe(instant)} is not an instant written like "2025-03-31T17:30:00Z" (UTC, ending in Z)`, ['instant'], { input: describe(instant) }));
  }
  if (typeof timeZone !== 'string' || !zonesChecked.has(timeZone)) {
    const zone = validateTimeZone(timeZone, ['timeZone']);
    if (zone._tag === 'Left') throw new LevyError(zone.left);
    if (zonesChecked.size >= 1024) zonesChecked.clear();
    zonesChecked.add(timeZone);
  }
  return recordedDayWith(instant, fixedOffsetOf(timeZone), timeZone);
};
// zones recordedDayOf has found valid (a handful in practice; bounded all the same)
const zonesChecked = new Set<string>();

/**
 * The fixed UTC offset of a zone in minutes, or null when it needs Intl (for {@link recordedDayWith}).
 *
 * @example
 * fixedOffsetOf('Asia/Shanghai'); // 480
 */
export const fixedOffsetOf = (timeZone: string): number | null =>
  FIXED_OFFSETS.get(timeZone) ?? (/^[+-]\d{2}:\d{2}$/.test(timeZone) ? offsetOf(timeZone) : null);

/**
 * {@link recordedDayOf} with the zone's fixed offset already looked up (hot path).
 *
 * @example
 * recordedDayWith('2025-01-31T16:30:00Z', 480, 'Asia/Shanghai');
 */
export const recordedDayWith = (instant: string, offset: number | null, timeZone: string): EpochDay => {
  const year = digit(instant, 0) * 1000 + digit(instant, 1) * 100 + digit(instant, 2) * 10 + digit(instant, 3);
  // the named zones in FIXED_OFFSETS have kept their offset since 1992 (China had summer time 1986-1991); before that ask Intl
  if (offset !== null && (year >= FIXED_SINCE || !NAMED_FIXED.has(timeZone))) {
    const utcDay = epochDayOf(year, digit(instant, 5) * 10 + digit(instant, 6), digit(instant, 8) * 10 + digit(instant, 9));
    const minutes = (digit(instant, 11) * 10 + digit(instant, 12)) * 60 + digit(instant, 14) * 10 + digit(instant, 15) + offset;
    return minutes >= 1440 ? utcDay + 1 : minutes < 0 ? utcDay - 1 : utcDay;
  }
  // to the minute: every zone's offset has been whole minutes since 1972; before, some zones kept
  // local mean time to the second (Hong Kong +07:36:42 until 1904, Monrovia -00:44:30 until 1972)
  const minute = instant.slice(0, 16);
  const at = year >= WHOLE_MINUTES_SINCE ? minute : `${minute}:${instant[17] === '6' ? '59' : instant.slice(17, 19)}`;
  const key = `${timeZone}|${at}`;
  let day = zonedDayCache.get(key);
  if (day === undefined) {
    let f = zoneFormatters.get(timeZone);
    if (f === undefined) {
      f = zoneFormatter(timeZone);
      zoneFormatters.set(timeZone, f);
    }
    // a leap second (:60) is read as the second before it, as Temporal reads it
    day = dayOfDecoded(f.format(new Date(at.length === 16 ? `${at}:00Z` : `${at}Z`)));
    if (zonedDayCache.size > 100_000) zonedDayCache.clear();
    zonedDayCache.set(key, day);
  }
  return day;
};

// made once per zone: Intl's RangeError for a zone it does not know becomes the typed refusal
const zoneFormatter = (timeZone: string): Intl.DateTimeFormat => {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch (e) {
    if (e instanceof RangeError) {
      throw new LevyError(domainError('TIME_ZONE_INVALID', `${describe(timeZone)} is not a time zone such as "Asia/Shanghai"`, ['timeZone'], { input: describe(timeZone) }));
    }
    throw e;
  }
};

const offsetOf = (zone: string): number => (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
