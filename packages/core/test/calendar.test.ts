import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { Temporal } from 'temporal-polyfill';
import {
  DEFAULT_TIME_ZONE,
  LevyError,
  businessDateOf,
  businessDayAt,
  businessDayOf,
  civilOf,
  daysInMonth,
  epochDayOf,
  isLeapYear,
  isoDateOf,
  parseIsoDate,
  toEpochDay,
  toPlainDate,
  validateTimeZone,
  weekdayOf,
} from '@levy/core';
import { runs } from '../../testkit/test/support/properties.js';

const EPOCH = Temporal.PlainDate.from('1970-01-01');
// days since 1970-01-01 the slow, trusted way
const temporalEpochDay = (d: Temporal.PlainDate): number => EPOCH.until(d, { largestUnit: 'days' }).days;

describe('epoch days', () => {
  it('counts 1970-01-01 as day 0 and the day before as -1', () => {
    expect(epochDayOf(1970, 1, 1)).toBe(0);
    expect(epochDayOf(1969, 12, 31)).toBe(-1);
    expect(civilOf(-1)).toEqual({ year: 1969, month: 12, day: 31 });
  });
  it('puts 2025-04-15 at day 20193: 55 years of 365 days, 14 leap days, 104 days into 2025', () => {
    expect(epochDayOf(2025, 1, 1)).toBe(55 * 365 + 14);
    expect(epochDayOf(2025, 4, 15)).toBe(55 * 365 + 14 + 31 + 28 + 31 + 14);
    expect(isoDateOf(20193)).toBe('2025-04-15');
  });
  it('has 2024-02-29 as the day between Feb 28 and Mar 1', () => {
    const leap = epochDayOf(2024, 2, 29);
    expect(leap).toBe(19782);
    expect(epochDayOf(2024, 2, 28)).toBe(leap - 1);
    expect(epochDayOf(2024, 3, 1)).toBe(leap + 1);
    expect(isoDateOf(leap)).toBe('2024-02-29');
  });
  it('goes straight from 2100-02-28 to 2100-03-01, since 2100 is not a leap year', () => {
    expect(epochDayOf(2100, 3, 1) - epochDayOf(2100, 2, 28)).toBe(1);
    expect(isoDateOf(epochDayOf(2100, 2, 28) + 1)).toBe('2100-03-01');
  });
  it('rolls an out-of-range day over without validating (hot-path contract)', () => {
    expect(epochDayOf(2025, 2, 30)).toBe(epochDayOf(2025, 3, 2));
  });
  it('agrees with Temporal on every day from 1890 to 2110', () => {
    let date = Temporal.PlainDate.from('1890-01-01');
    let d = temporalEpochDay(date);
    const last = epochDayOf(2110, 12, 31);
    const wrong: string[] = [];
    let checked = 0;
    for (; d <= last; d++) {
      if (epochDayOf(date.year, date.month, date.day) !== d || isoDateOf(d) !== date.toString()) wrong.push(date.toString());
      date = date.add({ days: 1 });
      checked++;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(last - epochDayOf(1890, 1, 1) + 1);
  });
  it('round-trips civil dates and ISO strings against Temporal across its whole range', () => {
    const min = epochDayOf(-271821, 4, 19);
    const max = epochDayOf(275760, 9, 13);
    fc.assert(
      fc.property(fc.integer({ min, max }), (d) => {
        const date = toPlainDate(d);
        expect(toEpochDay(date)).toBe(d);
        expect(isoDateOf(d)).toBe(date.toString());
        const { year, month, day } = civilOf(d);
        expect([year, month, day]).toEqual([date.year, date.month, date.day]);
        expect(epochDayOf(year, month, day)).toBe(d);
        expect(weekdayOf(d)).toBe(date.dayOfWeek);
      }),
      { numRuns: runs(2000) },
    );
  });
  it('parses what it prints for four-digit years', () => {
    fc.assert(
      fc.property(fc.integer({ min: epochDayOf(0, 1, 1), max: epochDayOf(9999, 12, 31) }), (d) => {
        expect(parseIsoDate(isoDateOf(d))).toEqual(E.right(d));
      }),
      { numRuns: runs(1000) },
    );
  });
  it('reads a PlainDate in another calendar by its ISO date', () => {
    const gregory = Temporal.PlainDate.from('2025-03-01').withCalendar('gregory');
    expect(gregory.calendarId).toBe('gregory');
    expect(toEpochDay(gregory)).toBe(epochDayOf(2025, 3, 1));
  });
  it('prints years outside 0000-9999 in the expanded form Temporal uses', () => {
    expect(isoDateOf(epochDayOf(12000, 1, 1))).toBe('+012000-01-01');
    expect(isoDateOf(epochDayOf(-5, 1, 1))).toBe('-000005-01-01');
    expect(isoDateOf(epochDayOf(33, 3, 3))).toBe('0033-03-03');
  });
});

describe('the calendar facts', () => {
  it('knows leap years: every fourth, not centuries, but every fourth century', () => {
    expect([2024, 2000, 1600, 2028].map(isLeapYear)).toEqual([true, true, true, true]);
    expect([2025, 2100, 1900, 2200].map(isLeapYear)).toEqual([false, false, false, false]);
  });
  it('knows the days in each month', () => {
    expect(Array.from({ length: 12 }, (_, i) => daysInMonth(2025, i + 1))).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2025, 13)).toBe(0);
  });
  it('numbers weekdays Monday 1 to Sunday 7', () => {
    expect(weekdayOf(0)).toBe(4); // 1970-01-01, a Thursday
    expect(weekdayOf(epochDayOf(2025, 4, 14))).toBe(1);
    expect(weekdayOf(epochDayOf(2025, 4, 20))).toBe(7);
    expect(weekdayOf(epochDayOf(1969, 12, 29))).toBe(1);
    expect(weekdayOf(epochDayOf(1900, 1, 1))).toBe(1);
  });
});

describe('parsing dates', () => {
  it('accepts real calendar dates written YYYY-MM-DD', () => {
    expect(parseIsoDate('2024-02-29')).toEqual(E.right(19782));
    expect(parseIsoDate('1969-12-31')).toEqual(E.right(-1));
  });
  it.each(['2025-02-29', '2025-02-30', '2100-02-29', '2025-04-31', '2025-13-01', '2025-00-10', '2025-01-00', '2025-1-05', '25-03-01', '2025/03/01', '2025-03-01T00:00', ' 2025-03-01', '+002025-03-01', ''])(
    'refuses %j with DATE_INVALID and the path',
    (input) => {
      const r = parseIsoDate(input, ['payment', 'date']);
      expect(E.isLeft(r)).toBe(true);
      if (E.isLeft(r)) {
        expect(r.left.code).toBe('DATE_INVALID');
        expect(r.left.path).toEqual(['payment', 'date']);
        expect(r.left.message).toContain(JSON.stringify(input));
      }
    },
  );
  it('says how many days the month has when the day is past its end', () => {
    const r = parseIsoDate('2025-02-30');
    expect(E.isLeft(r) && r.left.message).toContain('February 2025 has 28 days');
  });
  it('refuses numbers, dates and nothing', () => {
    for (const input of [20193, new Date(0), null, undefined, { year: 2025 }]) {
      const r = parseIsoDate(input, ['d']);
      expect(E.isLeft(r) && r.left.code).toBe('DATE_INVALID');
      expect(E.isLeft(r) && r.left.path).toEqual(['d']);
    }
  });
});

describe('business dates in a time zone', () => {
  it('defaults to Asia/Shanghai', () => {
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Shanghai');
  });
  it('dates a payment at 2025-01-31T16:30Z on February 1 in Shanghai and January 31 in UTC', () => {
    const at = Temporal.Instant.from('2025-01-31T16:30:00Z');
    expect(businessDateOf(at).toString()).toBe('2025-02-01');
    expect(businessDateOf(at, 'UTC').toString()).toBe('2025-01-31');
    expect(businessDayOf(at)).toBe(epochDayOf(2025, 2, 1));
  });
  it('changes the Shanghai date at 16:00 UTC', () => {
    expect(businessDateOf(Temporal.Instant.from('2025-03-31T15:59:59.999Z')).toString()).toBe('2025-03-31');
    expect(businessDateOf(Temporal.Instant.from('2025-03-31T16:00:00Z')).toString()).toBe('2025-04-01');
  });
  it('refuses an unknown zone with a typed error', () => {
    expect(() => businessDateOf(Temporal.Instant.from('2025-01-31T16:30:00Z'), 'Mars/Olympus')).toThrow(LevyError);
    try {
      businessDateOf(Temporal.Instant.from('2025-01-31T16:30:00Z'), 'Mars/Olympus');
    } catch (e) {
      expect(e instanceof LevyError && e.code).toBe('TIME_ZONE_INVALID');
    }
    const r = validateTimeZone('Mars/Olympus', ['community', 'timeZone']);
    expect(E.isLeft(r) && r.left).toMatchObject({ code: 'TIME_ZONE_INVALID', path: ['community', 'timeZone'] });
    expect(E.isLeft(validateTimeZone(8))).toBe(true);
    expect(E.isLeft(validateTimeZone(''))).toBe(true);
    expect(validateTimeZone('Asia/Shanghai')).toEqual(E.right('Asia/Shanghai'));
  });
});

describe('businessDayAt: the business day of an instant string, for code inside', () => {
  const on = (instant: string, timeZone?: string) => businessDayAt(instant, timeZone);
  it('reads 2025-03-31T17:30Z as April 1 in Shanghai (01:30) and March 31 in UTC', () => {
    expect(on('2025-03-31T17:30:00Z')).toEqual(E.right(epochDayOf(2025, 4, 1)));
    expect(on('2025-03-31T17:30:00Z', 'UTC')).toEqual(E.right(epochDayOf(2025, 3, 31)));
  });
  it('changes the Shanghai date at 16:00 UTC, to the millisecond', () => {
    expect(on('2025-03-31T15:59:59.999Z')).toEqual(E.right(epochDayOf(2025, 3, 31)));
    expect(on('2025-03-31T15:59:59.999999999Z')).toEqual(E.right(epochDayOf(2025, 3, 31)));
    expect(on('2025-03-31T16:00:00Z')).toEqual(E.right(epochDayOf(2025, 4, 1)));
    expect(on('2025-03-31T16:00:00.0Z')).toEqual(E.right(epochDayOf(2025, 4, 1)));
  });
  it('knows Shanghai kept summer time in 1988 (UTC+9), which a fixed +08:00 does not', () => {
    expect(on('1988-06-01T15:30:00Z', 'Asia/Shanghai')).toEqual(E.right(epochDayOf(1988, 6, 2)));
    expect(on('1988-06-01T15:30:00Z', '+08:00')).toEqual(E.right(epochDayOf(1988, 6, 1)));
  });
  it('starts a day at its first instant when midnight does not exist (São Paulo, 2018-11-04 began at 01:00)', () => {
    expect(on('2018-11-04T02:59:59Z', 'America/Sao_Paulo')).toEqual(E.right(epochDayOf(2018, 11, 3)));
    expect(on('2018-11-04T03:00:00Z', 'America/Sao_Paulo')).toEqual(E.right(epochDayOf(2018, 11, 4)));
  });
  it('reads a leap second as the second before it, as Temporal does', () => {
    expect(on('2016-12-31T15:59:60Z')).toEqual(E.right(epochDayOf(2016, 12, 31)));
  });
  it('agrees with businessDayOf for any instant and zone, asked in any order', () => {
    const zones = ['Asia/Shanghai', 'Asia/Urumqi', 'America/New_York', 'America/Sao_Paulo', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Apia', 'Pacific/Chatham', 'Asia/Kolkata', 'UTC', '+05:45', '-03:30'];
    const instant = fc.oneof(
      fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }),
      // near a UTC midnight, where most zones' days begin within a few hours either side
      fc.tuple(fc.integer({ min: epochDayOf(1980, 1, 1), max: epochDayOf(2040, 1, 1) }), fc.integer({ min: -15 * 3600, max: 15 * 3600 })).map(([d, s]) => d * 86_400_000 + s * 1000),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(instant, fc.constantFrom(...zones)), { minLength: 1, maxLength: 20, size: 'max' }), (asks) => {
        for (const [ms, zone] of asks) {
          const at = Temporal.Instant.fromEpochMilliseconds(ms);
          expect([at.toString(), zone, on(at.toString(), zone)]).toEqual([at.toString(), zone, E.right(businessDayOf(at, zone))]);
        }
      }),
      { numRuns: runs(150) },
    );
  });
  it('agrees with businessDayOf for a clock walking across a change of offset (days of 23 or 25 hours, or none)', () => {
    const zones = ['America/New_York', 'America/Sao_Paulo', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Apia', 'Asia/Shanghai'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1940, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.array(fc.integer({ min: 0, max: 2 * 3600 }), { minLength: 40, maxLength: 80 }),
        (zone, from, steps) => {
          // start a day before the zone's next change of offset, then step forward as a clock does
          const change = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(zone).getTimeZoneTransition('next');
          let ms = (change?.epochMilliseconds ?? from) - 86_400_000;
          for (const step of steps) {
            ms += step * 1000;
            const at = Temporal.Instant.fromEpochMilliseconds(ms);
            expect([at.toString(), zone, on(at.toString(), zone)]).toEqual([at.toString(), zone, E.right(businessDayOf(at, zone))]);
          }
        },
      ),
      { numRuns: runs(150) },
    );
  });
  it('refuses what is not a UTC instant with INSTANT_INVALID naming the path, and an unknown zone with TIME_ZONE_INVALID', () => {
    for (const bad of ['2025-03-31', '2025-03-31T24:00:00Z', '2025-03-31T12:60:00Z', '2025-02-29T00:00:00Z', '2025-03-31T12:00:00+08:00', '2025-03-31T12:00:00.Z', '']) {
      const r = businessDayAt(bad, 'Asia/Shanghai', ['now']);
      expect([bad, E.isLeft(r) && r.left.code, E.isLeft(r) && r.left.path]).toEqual([bad, 'INSTANT_INVALID', ['now']]);
    }
    const r = businessDayAt('2025-03-31T17:30:00Z', 'Mars/Olympus');
    expect(E.isLeft(r) && r.left).toMatchObject({ code: 'TIME_ZONE_INVALID', path: ['timeZone'] });
  });
});
