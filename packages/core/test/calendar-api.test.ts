// the calendar's public shapes, as other modules code against them (issue 2): a change here is a
// breaking change, and `pnpm typecheck` fails on it before any caller does
import { describe, expectTypeOf, it } from 'vitest';
import type * as E from 'fp-ts/lib/Either.js';
import type { Temporal } from 'temporal-polyfill';
import {
  type DomainError,
  type DueRule,
  type EpochDay,
  type Period,
  type PeriodKind,
  type WorkingDayCalendar,
  type WorkingDaysResult,
  CHINA_WORKING_DAYS,
  DEFAULT_DUE_RULE,
  DEFAULT_TIME_ZONE,
  addWorkingDays,
  addWorkingDaysToInstant,
  businessDateOf,
  businessDayAt,
  civilOf,
  daysInMonth,
  dueDateOf,
  epochDayOf,
  isLeapYear,
  isoDateOf,
  monthsOf,
  nextPeriod,
  parseIsoDate,
  parsePeriodKey,
  periodContains,
  periodOf,
  quarterOf,
  toEpochDay,
  toPlainDate,
  validateDueRule,
  weekdayOf,
  weekendsOnly,
  workingDayCalendar,
} from '@levy/core';

describe('the calendar API keeps its agreed shapes', () => {
  it('calendar.ts', () => {
    expectTypeOf<EpochDay>().toEqualTypeOf<number>();
    // an annotated const keeps its literal type through inference, so this checks the literal
    const zone: typeof DEFAULT_TIME_ZONE = DEFAULT_TIME_ZONE;
    expectTypeOf(zone).toEqualTypeOf<'Asia/Shanghai'>();
    expectTypeOf(epochDayOf).toEqualTypeOf<(year: number, month: number, day: number) => EpochDay>();
    expectTypeOf(civilOf).toEqualTypeOf<(d: EpochDay) => { year: number; month: number; day: number }>();
    expectTypeOf(isoDateOf).toEqualTypeOf<(d: EpochDay) => string>();
    expectTypeOf(parseIsoDate).toEqualTypeOf<(input: unknown, path?: readonly string[]) => E.Either<DomainError, EpochDay>>();
    expectTypeOf(toEpochDay).toEqualTypeOf<(date: Temporal.PlainDate) => EpochDay>();
    expectTypeOf(toPlainDate).toEqualTypeOf<(d: EpochDay) => Temporal.PlainDate>();
    expectTypeOf(daysInMonth).toEqualTypeOf<(year: number, month: number) => number>();
    expectTypeOf(isLeapYear).toEqualTypeOf<(year: number) => boolean>();
    expectTypeOf(weekdayOf).toEqualTypeOf<(d: EpochDay) => number>();
    expectTypeOf(businessDateOf).toEqualTypeOf<(instant: Temporal.Instant, timeZone?: string) => Temporal.PlainDate>();
    expectTypeOf(businessDayAt).toEqualTypeOf<(instant: string, timeZone?: string, path?: readonly string[]) => E.Either<DomainError, EpochDay>>();
  });
  it('period.ts', () => {
    expectTypeOf<PeriodKind>().toEqualTypeOf<'month' | 'quarter' | 'year'>();
    expectTypeOf<Period>().toEqualTypeOf<{
      readonly kind: PeriodKind;
      readonly key: string;
      readonly start: EpochDay;
      readonly end: EpochDay;
      readonly months: number;
      readonly days: number;
    }>();
    expectTypeOf(parsePeriodKey).toEqualTypeOf<(key: unknown, path?: readonly string[]) => E.Either<DomainError, Period>>();
    expectTypeOf(periodOf).toEqualTypeOf<(kind: PeriodKind, day: EpochDay) => Period>();
    expectTypeOf(nextPeriod).toEqualTypeOf<(p: Period) => Period>();
    expectTypeOf(monthsOf).toEqualTypeOf<(p: Period) => readonly Period[]>();
    expectTypeOf(periodContains).toEqualTypeOf<(p: Period, day: EpochDay) => boolean>();
    expectTypeOf(quarterOf).toEqualTypeOf<(day: EpochDay) => Period>();
  });
  it('due-date.ts', () => {
    expectTypeOf<DueRule>().toEqualTypeOf<
      | { readonly kind: 'day-of-next-month'; readonly day: number }
      | { readonly kind: 'days-after-period-end'; readonly days: number }
      | { readonly kind: 'in-advance' }
    >();
    expectTypeOf(DEFAULT_DUE_RULE).toEqualTypeOf<DueRule>();
    expectTypeOf(validateDueRule).toEqualTypeOf<(rule: unknown, path?: readonly string[]) => E.Either<DomainError, DueRule>>();
    expectTypeOf(dueDateOf).toEqualTypeOf<(period: Period, rule: DueRule) => EpochDay>();
  });
  it('working-days.ts', () => {
    expectTypeOf<WorkingDayCalendar['isWorkingDay']>().toEqualTypeOf<(d: EpochDay) => boolean>();
    expectTypeOf<WorkingDayCalendar['publishedYears']>().toEqualTypeOf<readonly number[]>();
    expectTypeOf({ isWorkingDay: (_d: EpochDay) => true, publishedYears: [] as readonly number[] }).toMatchTypeOf<WorkingDayCalendar>();
    expectTypeOf(CHINA_WORKING_DAYS).toEqualTypeOf<WorkingDayCalendar>();
    expectTypeOf(weekendsOnly).toEqualTypeOf<WorkingDayCalendar>();
    expectTypeOf(workingDayCalendar).toEqualTypeOf<
      (table: { holidays: readonly string[]; workdays: readonly string[]; years: readonly number[] }) => WorkingDayCalendar
    >();
    expectTypeOf<WorkingDaysResult>().toEqualTypeOf<{ readonly date: EpochDay; readonly assumedWeekendsOnly: readonly number[] }>();
    expectTypeOf(addWorkingDays).toEqualTypeOf<(from: EpochDay, n: number, cal?: WorkingDayCalendar) => WorkingDaysResult>();
    expectTypeOf(addWorkingDaysToInstant).toEqualTypeOf<
      (
        from: Temporal.Instant,
        n: number,
        opts?: { timeZone?: string; calendar?: WorkingDayCalendar },
      ) => { instant: Temporal.Instant; assumedWeekendsOnly: readonly number[] }
    >();
  });
});
