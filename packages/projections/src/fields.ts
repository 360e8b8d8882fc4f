/**
 * Reading event fields once on the hot path: ISO dates to integer epoch days without Temporal or
 * regexes, canonical amounts to {@link Money} through a small cache (a billing run repeats the
 * same few amounts thousands of times), instants to the community's business day. Events reaching
 * a fold are already decoded, so nothing here validates again (DESIGN.md, principle 5).
 *
 * @example
 * import { dayOf, moneyOfAmount } from '@levy/projections';
 * dayOf('2025-04-15');          // 20193
 * moneyOfAmount('250.60');      // Money 250.60
 */
import { type DomainError, type EpochDay, LevyError, Money, dayOfIso, describe, domainError, epochDayOf, isEpochDay, isoDateOf } from '@levy/core';

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/**
 * The epoch day of a decoded ISO date `'YYYY-MM-DD'` (no validation: codecs did that).
 *
 * @example
 * dayOf('1970-01-02'); // 1
 */
export const dayOf = (iso: string): EpochDay => {
  // a log in recording order repeats the same date many times in a row: remember the last one
  if (iso === lastIso) return lastDay;
  const day = dayOfIso(iso);
  lastIso = iso;
  lastDay = day;
  return day;
};
let lastIso = '';
let lastDay = 0;

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
 * The ISO date of an epoch day (re-exported from core for report code).
 *
 * @example
 * dateOf(20193); // '2025-04-15'
 */
export const dateOf = (day: EpochDay): string => isoDateOf(day);

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
 * The business day (in `timeZone`) of a decoded instant `'2025-03-15T02:30:00Z'`: the day the
 * entry was recorded on, as the community's clerks see it. China has kept one offset since 1992,
 * so Chinese zones are plain arithmetic from then on (earlier instants, from the summer-time years
 * 1986-1991 back, and other IANA zones are resolved through Intl, cached per minute, or per
 * second before 1973, when some zones' offsets were not whole minutes).
 *
 * @example
 * recordedDayOf('2025-01-31T16:30:00Z', 'Asia/Shanghai'); // the epoch day of 2025-02-01
 */
export const recordedDayOf = (instant: string, timeZone: string): EpochDay => recordedDayWith(instant, fixedOffsetOf(timeZone), timeZone);

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
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      zoneFormatters.set(timeZone, f);
    }
    // a leap second (:60) is read as the second before it, as Temporal reads it
    day = dayOf(f.format(new Date(at.length === 16 ? `${at}:00Z` : `${at}Z`)));
    if (zonedDayCache.size > 100_000) zonedDayCache.clear();
    zonedDayCache.set(key, day);
  }
  return day;
};

const offsetOf = (zone: string): number => (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
