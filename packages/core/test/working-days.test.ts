import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { Temporal } from 'temporal-polyfill';
import {
  CHINA_WORKING_DAYS,
  LevyError,
  MAX_WORKING_DAYS,
  type WorkingDayCalendar,
  addWorkingDays,
  addWorkingDaysToInstant,
  epochDayOf,
  isoDateOf,
  parseIsoDate,
  parseWorkingDayCalendar,
  weekdayOf,
  weekendsOnly,
  workingDayCalendar,
  workingDaysBetween,
} from '@levy/core';
import { CN_ARRANGEMENT_YEARS, CN_HOLIDAYS, CN_WORKDAYS } from '../src/holidays-cn.js';
import { runs } from '../../testkit/test/support/properties.js';
import { thrown } from '../../testkit/test/support/refusals.js';

const day = (iso: string): number => {
  const r = parseIsoDate(iso);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const plus = (iso: string, n: number, cal?: WorkingDayCalendar): string => isoDateOf(addWorkingDays(day(iso), n, cal).date);
const working = (iso: string): boolean => CHINA_WORKING_DAYS.isWorkingDay(day(iso));

describe('the bundled China table', () => {
  it('covers 2004 to 2026 and nothing else', () => {
    expect(CHINA_WORKING_DAYS.publishedYears).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    expect(CN_ARRANGEMENT_YEARS).toEqual(CHINA_WORKING_DAYS.publishedYears);
  });
  it('matches the chinese-days package it was generated from, date for date', () => {
    // regenerate with packages/core/scripts/gen-holidays-cn.mjs rather than editing the table by hand
    const require = createRequire(import.meta.url);
    const source = JSON.parse(readFileSync(require.resolve('chinese-days/dist/chinese-days.json'), 'utf8')) as {
      holidays: Record<string, string>;
      workdays: Record<string, string>;
    };
    expect(CN_HOLIDAYS).toEqual(Object.keys(source.holidays).sort());
    expect(CN_WORKDAYS).toEqual(Object.keys(source.workdays).sort());
  });
  it('lists each date once, sorted, never as both a holiday and a working day', () => {
    for (const list of [CN_HOLIDAYS, CN_WORKDAYS]) {
      expect([...list].sort()).toEqual(list);
      expect(new Set(list).size).toBe(list.length);
      for (const s of list) expect(E.isRight(parseIsoDate(s))).toBe(true);
    }
    const holidays = new Set(CN_HOLIDAYS);
    expect(CN_WORKDAYS.filter((s) => holidays.has(s))).toEqual([]);
  });
  it('only ever moves work onto weekend days (调休)', () => {
    expect(CN_WORKDAYS.filter((s) => weekdayOf(day(s)) <= 5)).toEqual([]);
  });
  it('agrees with the table on every day it covers', () => {
    const holidays = new Set(CN_HOLIDAYS.map(day));
    const workdays = new Set(CN_WORKDAYS.map(day));
    for (let d = epochDayOf(2004, 1, 1); d <= epochDayOf(2026, 12, 31); d++) {
      const expected = workdays.has(d) || (!holidays.has(d) && weekdayOf(d) <= 5);
      if (CHINA_WORKING_DAYS.isWorkingDay(d) !== expected) throw new Error(`${isoDateOf(d)} should be ${expected ? 'working' : 'off'}`);
    }
  });
});

describe('2025 National Day (Oct 1-8 off; Sep 28 and Oct 11 worked)', () => {
  it('marks each day from Sep 27 to Oct 12', () => {
    const days = Array.from({ length: 16 }, (_, i) => isoDateOf(day('2025-09-27') + i));
    expect(days.filter(working)).toEqual(['2025-09-28', '2025-09-29', '2025-09-30', '2025-10-09', '2025-10-10', '2025-10-11']);
  });
  it('makes Sunday Sep 28 a working day and Wednesday Oct 1 a holiday', () => {
    expect(weekdayOf(day('2025-09-28'))).toBe(7);
    expect(working('2025-09-28')).toBe(true);
    expect(weekdayOf(day('2025-10-01'))).toBe(3);
    expect(working('2025-10-01')).toBe(false);
  });
  it('counts over the holiday', () => {
    expect(plus('2025-09-26', 1)).toBe('2025-09-28');
    expect(plus('2025-09-30', 1)).toBe('2025-10-09');
    expect(plus('2025-09-30', 3)).toBe('2025-10-11');
    expect(plus('2025-09-30', 4)).toBe('2025-10-13');
    expect(addWorkingDays(day('2025-09-30'), 4).assumedWeekendsOnly).toEqual([]);
  });
  it('counts Mon-Fri only with weekendsOnly, and says nothing was assumed', () => {
    expect(plus('2025-09-30', 1, weekendsOnly)).toBe('2025-10-01');
    expect(plus('2025-09-26', 1, weekendsOnly)).toBe('2025-09-29');
    expect(addWorkingDays(day('2031-01-01'), 30, weekendsOnly).assumedWeekendsOnly).toEqual([]);
  });
});

describe('2025 Spring Festival (Jan 28 - Feb 4 off; Jan 26 and Feb 8 worked)', () => {
  it('marks the days around it', () => {
    const days = Array.from({ length: 16 }, (_, i) => isoDateOf(day('2025-01-25') + i));
    expect(days.filter(working)).toEqual(['2025-01-26', '2025-01-27', '2025-02-05', '2025-02-06', '2025-02-07', '2025-02-08']);
  });
  it('counts over it', () => {
    expect(plus('2025-01-24', 1)).toBe('2025-01-26');
    expect(plus('2025-01-27', 1)).toBe('2025-02-05');
    expect(plus('2025-01-27', 4)).toBe('2025-02-08');
    expect(plus('2025-01-27', 5)).toBe('2025-02-10');
  });
  it('keeps New Year 2025 off', () => {
    expect(plus('2024-12-31', 1)).toBe('2025-01-02');
  });
});

describe('years without a published arrangement', () => {
  it('falls back to weekends only in 2031 and says so', () => {
    // 2031-01-01 is a Wednesday: New Year's Day, but no arrangement is bundled for 2031
    expect(Temporal.PlainDate.from('2031-01-01').dayOfWeek).toBe(3);
    const r = addWorkingDays(day('2030-12-31'), 1);
    expect(isoDateOf(r.date)).toBe('2031-01-01');
    expect(r.assumedWeekendsOnly).toEqual([2031]);
    expect(addWorkingDays(day('2031-03-06'), 1).assumedWeekendsOnly).toEqual([2031]);
  });
  it('names every year crossed that it had to assume, once, in order', () => {
    const r = addWorkingDays(day('2026-12-30'), 3);
    expect(isoDateOf(r.date)).toBe('2027-01-04');
    expect(r.assumedWeekendsOnly).toEqual([2027]);
    const long = addWorkingDays(day('2026-06-01'), 800);
    expect(long.assumedWeekendsOnly).toEqual([2027, 2028, 2029]);
  });
  it('does not name the starting year, which is not counted', () => {
    expect(addWorkingDays(day('2026-12-31'), 0).assumedWeekendsOnly).toEqual([]);
    expect(addWorkingDays(day('2027-03-01'), 0).assumedWeekendsOnly).toEqual([]);
  });
});

describe('adding working days to a date', () => {
  it('returns the same day for n = 0', () => {
    expect(plus('2025-10-04', 0)).toBe('2025-10-04');
  });
  it('refuses a negative, fractional or huge count with a typed error', () => {
    for (const n of [-1, 1.5, Number.NaN, MAX_WORKING_DAYS + 1]) {
      expect(() => addWorkingDays(day('2025-01-01'), n)).toThrow(LevyError);
      try {
        addWorkingDays(day('2025-01-01'), n);
      } catch (e) {
        expect(e instanceof LevyError && e.error).toMatchObject({ code: 'WORKING_DAYS_INVALID', path: ['n'] });
      }
    }
    expect(() => addWorkingDays(Number.NaN, 1)).toThrow(LevyError);
  });
  it('stops with a typed error on a calendar that has no working days', () => {
    const never: WorkingDayCalendar = { isWorkingDay: () => false, publishedYears: [] };
    expect(() => addWorkingDays(0, 1, never)).toThrow(LevyError);
  });
  it('treats a hand-made calendar without coversYear by its publishedYears', () => {
    const mine: WorkingDayCalendar = { isWorkingDay: (d) => weekdayOf(d) <= 5, publishedYears: [2030] };
    expect(addWorkingDays(day('2030-12-30'), 3, mine).assumedWeekendsOnly).toEqual([2031]);
  });
});

describe('adding working days to an instant', () => {
  it('keeps the wall-clock time: Friday 2025-09-26 10:00 + 2 is Monday Sep 29 10:00 (Sunday Sep 28 worked)', () => {
    const r = addWorkingDaysToInstant(Temporal.Instant.from('2025-09-26T02:00:00Z'), 2);
    expect(r.instant.toString()).toBe('2025-09-29T02:00:00Z');
    expect(r.assumedWeekendsOnly).toEqual([]);
  });
  it('starts the clock at 00:00 of the next working day when received on a holiday', () => {
    // Saturday Oct 4 is inside the holiday; Oct 9 is the next working day, one more is Oct 10 00:00
    const r = addWorkingDaysToInstant(Temporal.Instant.from('2025-10-04T02:00:00Z'), 1);
    expect(r.instant.toZonedDateTimeISO('Asia/Shanghai').toString()).toBe('2025-10-10T00:00:00+08:00[Asia/Shanghai]');
  });
  it('gives a Saturday complaint with 2 working days until Wednesday 00:00', () => {
    const sat = Temporal.Instant.from('2025-03-15T03:00:00Z'); // 11:00 Saturday in Shanghai
    expect(addWorkingDaysToInstant(sat, 2).instant.toZonedDateTimeISO('Asia/Shanghai').toString()).toBe('2025-03-19T00:00:00+08:00[Asia/Shanghai]');
  });
  it('with n = 0 leaves a working-day instant alone and moves a holiday one to the next working day', () => {
    const tue = Temporal.Instant.from('2025-09-30T09:15:00Z');
    expect(addWorkingDaysToInstant(tue, 0).instant.equals(tue)).toBe(true);
    expect(addWorkingDaysToInstant(Temporal.Instant.from('2025-10-04T02:00:00Z'), 0).instant.toString()).toBe('2025-10-08T16:00:00Z');
  });
  it('reads the date in the given zone', () => {
    // 2025-09-30T17:00Z is already Oct 1 (a holiday) in Shanghai but still Sep 30 in UTC
    const at = Temporal.Instant.from('2025-09-30T17:00:00Z');
    expect(addWorkingDaysToInstant(at, 1).instant.toString()).toBe('2025-10-09T16:00:00Z');
    expect(addWorkingDaysToInstant(at, 1, { timeZone: 'UTC' }).instant.toString()).toBe('2025-10-09T17:00:00Z');
  });
  it('uses a given calendar', () => {
    const at = Temporal.Instant.from('2025-09-30T02:00:00Z');
    expect(addWorkingDaysToInstant(at, 1, { calendar: weekendsOnly }).instant.toString()).toBe('2025-10-01T02:00:00Z');
  });
  it('reports the starting year when its own day had to be assumed', () => {
    expect(addWorkingDaysToInstant(Temporal.Instant.from('2031-01-01T02:00:00Z'), 0).assumedWeekendsOnly).toEqual([2031]);
    expect(addWorkingDaysToInstant(Temporal.Instant.from('2026-12-31T02:00:00Z'), 1).assumedWeekendsOnly).toEqual([2027]);
  });
  it('refuses a bad count or zone with typed errors', () => {
    const at = Temporal.Instant.from('2025-09-30T02:00:00Z');
    expect(() => addWorkingDaysToInstant(at, -1)).toThrow(LevyError);
    expect(() => addWorkingDaysToInstant(at, 1, { timeZone: 'Nowhere/Land' })).toThrow(LevyError);
  });
});

describe('custom calendars', () => {
  const table = { holidays: ['2031-01-01', '2031-10-01'], workdays: ['2031-01-04'], years: [2031] };
  it('applies its holidays and working days and covers its years', () => {
    const cal = workingDayCalendar(table);
    expect(cal.isWorkingDay(day('2031-01-01'))).toBe(false);
    expect(cal.isWorkingDay(day('2031-01-04'))).toBe(true);
    expect(cal.isWorkingDay(day('2031-01-05'))).toBe(false);
    expect(cal.publishedYears).toEqual([2031]);
    const r = addWorkingDays(day('2030-12-31'), 1, cal);
    expect(isoDateOf(r.date)).toBe('2031-01-02');
    expect(r.assumedWeekendsOnly).toEqual([]);
    expect(addWorkingDays(day('2031-12-31'), 1, cal).assumedWeekendsOnly).toEqual([2032]);
  });
  it.each<[unknown, string[], string]>([
    [{ holidays: ['2031-02-30'], workdays: [], years: [2031] }, ['holidays', '0'], 'DATE_INVALID'],
    [{ holidays: ['2032-01-01'], workdays: [], years: [2031] }, ['holidays', '0'], 'WORKING_CALENDAR_INVALID'],
    [{ holidays: ['2031-01-04'], workdays: ['2031-01-04'], years: [2031] }, ['workdays', '0'], 'WORKING_CALENDAR_INVALID'],
    [{ holidays: [], workdays: [], years: [2031.5] }, ['years', '0'], 'WORKING_CALENDAR_INVALID'],
    [{ holidays: [], workdays: [], years: [1000, 2500] }, ['years'], 'WORKING_CALENDAR_INVALID'],
    [{ holidays: 'none', workdays: [], years: [] }, ['holidays'], 'WORKING_CALENDAR_INVALID'],
    [{ holidays: [], workdays: [], years: [], extra: 1 }, ['extra'], 'WORKING_CALENDAR_INVALID'],
    [{ holidays: [], workdays: [] }, ['years'], 'WORKING_CALENDAR_INVALID'],
    [null, [], 'WORKING_CALENDAR_INVALID'],
  ])('refuses %j at the entry at fault', (input, at, code) => {
    const r = parseWorkingDayCalendar(input, ['community', 'calendar']);
    expect(E.isLeft(r) && r.left).toMatchObject({ code, path: ['community', 'calendar', ...at] });
  });
  it('throws a LevyError from workingDayCalendar on a bad table', () => {
    expect(() => workingDayCalendar({ holidays: ['2032-01-01'], workdays: [], years: [2031] })).toThrow(LevyError);
  });
});

describe('working-day properties', () => {
  const from = fc.integer({ min: epochDayOf(2003, 6, 1), max: epochDayOf(2032, 12, 31) });
  const n = fc.integer({ min: 0, max: 400 });
  it('adding is monotone in n and lands on a working day', () => {
    fc.assert(
      fc.property(from, n, n, (d, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const rl = addWorkingDays(d, lo);
        const rh = addWorkingDays(d, hi);
        expect(rl.date).toBeLessThanOrEqual(rh.date);
        if (lo < hi) expect(rl.date).toBeLessThan(rh.date);
        if (lo >= 1) expect(CHINA_WORKING_DAYS.isWorkingDay(rl.date)).toBe(true);
        expect(CHINA_WORKING_DAYS.isWorkingDay(rh.date) || hi === 0).toBe(true);
      }),
      { numRuns: runs(300) },
    );
  });
  it('counting the working days back gives n, and assumed years are exactly the uncovered years crossed', () => {
    fc.assert(
      fc.property(from, n, (d, k) => {
        const r = addWorkingDays(d, k);
        expect(workingDaysBetween(d, r.date).days).toBe(k);
        const crossed = new Set<number>();
        for (let x = d + 1; x <= r.date; x++) crossed.add(Number(isoDateOf(x).slice(0, 4)));
        expect(r.assumedWeekendsOnly).toEqual([...crossed].filter((y) => y > 2026 || y < 2004).sort((p, q) => p - q));
      }),
      { numRuns: runs(200) },
    );
  });
  it('a later instant never gets an earlier deadline', () => {
    const base = Temporal.Instant.from('2025-01-01T00:00:00Z').epochMilliseconds;
    const ms = fc.integer({ min: 0, max: 400 * 86_400_000 });
    fc.assert(
      fc.property(ms, ms, fc.integer({ min: 0, max: 10 }), (a, b, k) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const f = (t: number): number => addWorkingDaysToInstant(Temporal.Instant.fromEpochMilliseconds(base + t), k).instant.epochMilliseconds;
        expect(f(lo)).toBeLessThanOrEqual(f(hi));
        expect(f(hi)).toBeGreaterThanOrEqual(base + hi);
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('working-day inputs from JavaScript (audit: TypeErrors, and a misspelt timeZone ignored)', () => {
  const at = Temporal.Instant.from('2025-09-26T20:00:00Z');
  it('refuses a misspelt timeZone rather than counting in Asia/Shanghai', () => {
    // the spelling matters: in UTC the deadline is four hours later than in Shanghai
    expect(addWorkingDaysToInstant(at, 1, { timeZone: 'UTC' }).instant.toString()).toBe('2025-09-28T20:00:00Z');
    expect(addWorkingDaysToInstant(at, 1).instant.toString()).toBe('2025-09-28T16:00:00Z');
    expect(thrown(() => addWorkingDaysToInstant(at, 1, { timezone: 'UTC' } as never))).toEqual({ code: 'OPTIONS_INVALID', path: ['timezone'] });
  });
  it.each<[string, () => unknown, string, string[]]>([
    ['an instant given as a string', () => addWorkingDaysToInstant('2025-09-26T02:00:00Z' as never, 1), 'INSTANT_INVALID', ['from']],
    ['an instant given as epoch milliseconds', () => addWorkingDaysToInstant(1_758_852_000_000 as never, 1), 'INSTANT_INVALID', ['from']],
    ['no instant', () => addWorkingDaysToInstant(null as never, 1), 'INSTANT_INVALID', ['from']],
    ['a calendar that is an empty object', () => addWorkingDaysToInstant(at, 1, { calendar: {} as never }), 'WORKING_CALENDAR_INVALID', ['calendar']],
    ['a calendar of null', () => addWorkingDaysToInstant(at, 1, { calendar: null as never }), 'WORKING_CALENDAR_INVALID', ['calendar']],
    ['options that are not an object', () => addWorkingDaysToInstant(at, 1, 'UTC' as never), 'OPTIONS_INVALID', []],
    ['a time zone that is not a string', () => addWorkingDaysToInstant(at, 1, { timeZone: 8 as never }), 'TIME_ZONE_INVALID', ['timeZone']],
    ['a time zone of null', () => addWorkingDaysToInstant(at, 1, { timeZone: null as never }), 'TIME_ZONE_INVALID', ['timeZone']],
    ['a null calendar for a date', () => addWorkingDays(day('2025-09-30'), 1, null as never), 'WORKING_CALENDAR_INVALID', ['calendar']],
    ['a calendar without isWorkingDay', () => addWorkingDays(day('2025-09-30'), 1, { publishedYears: [] } as never), 'WORKING_CALENDAR_INVALID', ['calendar']],
    ['a calendar without years or coversYear', () => addWorkingDays(day('2025-09-30'), 1, { isWorkingDay: () => true } as never), 'WORKING_CALENDAR_INVALID', ['calendar']],
    ['a calendar whose coversYear is not a function', () => addWorkingDays(day('2025-09-30'), 1, { isWorkingDay: () => true, publishedYears: [], coversYear: true } as never), 'WORKING_CALENDAR_INVALID', ['calendar']],
    ['a null calendar for counting back', () => workingDaysBetween(day('2025-09-30'), day('2025-10-09'), null as never), 'WORKING_CALENDAR_INVALID', ['calendar']],
  ])('refuses %s', (_what, f, code, path) => {
    expect(thrown(f)).toEqual({ code, path });
  });
  it('still takes an undefined option and a hand-made calendar with coversYear only', () => {
    expect(addWorkingDaysToInstant(at, 1, { timeZone: undefined }).instant.toString()).toBe('2025-09-28T16:00:00Z');
    const mine = { isWorkingDay: (d: number) => weekdayOf(d) <= 5, coversYear: () => true } as unknown as WorkingDayCalendar;
    expect(isoDateOf(addWorkingDays(day('2025-09-30'), 1, mine).date)).toBe('2025-10-01');
  });
});
