import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { type DueRule, type Period, DEFAULT_DUE_RULE, LevyError, dueDateOf, epochDayOf, isoDateOf, parsePeriodKey, periodOf, validateDueRule } from '@levy/core';
import { runs } from '../../testkit/test/support/properties.js';

const parsed = (key: string): Period => {
  const r = parsePeriodKey(key);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const due = (key: string, rule: DueRule = DEFAULT_DUE_RULE): string => isoDateOf(dueDateOf(parsed(key), rule));

describe('the default due rule', () => {
  it('is the 15th of the next month (每月15日前完成上月费用的收取)', () => {
    expect(DEFAULT_DUE_RULE).toEqual({ kind: 'day-of-next-month', day: 15 });
    expect(Object.isFrozen(DEFAULT_DUE_RULE)).toBe(true);
  });
  it('makes March 2025 due on 2025-04-15', () => {
    expect(due('2025-03')).toBe('2025-04-15');
  });
  it('makes December 2025 and 2025-Q4 due on 2026-01-15', () => {
    expect(due('2025-12')).toBe('2026-01-15');
    expect(due('2025-Q4')).toBe('2026-01-15');
  });
  it('makes a quarter due in the month after its last month, a year in the next January', () => {
    expect(due('2025-Q1')).toBe('2025-04-15');
    expect(due('2025')).toBe('2026-01-15');
  });
});

describe('day-of-next-month', () => {
  const day31: DueRule = { kind: 'day-of-next-month', day: 31 };
  it('clamps day 31 to the last day of a short month', () => {
    expect(due('2025-01', day31)).toBe('2025-02-28');
    expect(due('2024-01', day31)).toBe('2024-02-29');
    expect(due('2025-03', day31)).toBe('2025-04-30');
    expect(due('2025-02', day31)).toBe('2025-03-31');
    expect(due('2025-01', { kind: 'day-of-next-month', day: 29 })).toBe('2025-02-28');
  });
  it('puts day 1 right after the period', () => {
    expect(due('2025-06', { kind: 'day-of-next-month', day: 1 })).toBe('2025-07-01');
  });
});

describe('days-after-period-end', () => {
  it('counts from the period last day', () => {
    expect(due('2025-03', { kind: 'days-after-period-end', days: 10 })).toBe('2025-04-10');
    expect(due('2024-02', { kind: 'days-after-period-end', days: 1 })).toBe('2024-03-01');
    expect(due('2025-Q4', { kind: 'days-after-period-end', days: 30 })).toBe('2026-01-30');
  });
  it('with 0 days is due on the last day itself', () => {
    expect(due('2025-02', { kind: 'days-after-period-end', days: 0 })).toBe('2025-02-28');
  });
});

describe('in-advance', () => {
  it('is due on the period first day', () => {
    expect(due('2025-03', { kind: 'in-advance' })).toBe('2025-03-01');
    expect(due('2025-Q3', { kind: 'in-advance' })).toBe('2025-07-01');
    expect(due('2026', { kind: 'in-advance' })).toBe('2026-01-01');
  });
});

describe('validating due rules', () => {
  it('accepts each kind and returns a fresh frozen rule', () => {
    const input = { kind: 'day-of-next-month', day: 31 };
    const r = validateDueRule(input);
    expect(r).toEqual(E.right({ kind: 'day-of-next-month', day: 31 }));
    expect(E.isRight(r) && r.right !== input && Object.isFrozen(r.right)).toBe(true);
    expect(validateDueRule({ kind: 'days-after-period-end', days: 0 })).toEqual(E.right({ kind: 'days-after-period-end', days: 0 }));
    expect(validateDueRule({ kind: 'in-advance' })).toEqual(E.right({ kind: 'in-advance' }));
  });
  it.each<[unknown, string[]]>([
    [{ kind: 'day-of-next-month', day: 0 }, ['day']],
    [{ kind: 'day-of-next-month', day: 32 }, ['day']],
    [{ kind: 'day-of-next-month', day: 15.5 }, ['day']],
    [{ kind: 'day-of-next-month', day: '15' }, ['day']],
    [{ kind: 'day-of-next-month' }, ['day']],
    [{ kind: 'days-after-period-end', days: -1 }, ['days']],
    [{ kind: 'days-after-period-end', days: 367 }, ['days']],
    [{ kind: 'days-after-period-end', days: Number.NaN }, ['days']],
    [{ kind: 'end-of-month' }, ['kind']],
    [{ day: 15 }, ['kind']],
    [{ kind: 'day-of-next-month', day: 15, days: 3 }, ['days']],
    [{ kind: 'in-advance', day: 1 }, ['day']],
    [null, []],
    ['day-of-next-month', []],
    [15, []],
    [[], []],
  ])('refuses %j with DUE_RULE_INVALID at the field', (rule, field) => {
    const r = validateDueRule(rule, ['schedule', 'dueRule']);
    expect(E.isLeft(r)).toBe(true);
    if (E.isLeft(r)) {
      expect(r.left.code).toBe('DUE_RULE_INVALID');
      expect(r.left.path).toEqual(['schedule', 'dueRule', ...field]);
    }
  });
  it('throws from dueDateOf for a rule that would not validate', () => {
    expect(() => dueDateOf(parsed('2025-03'), { kind: 'day-of-next-month', day: 0 })).toThrow(LevyError);
    expect(() => dueDateOf(parsed('2025-03'), { kind: 'days-after-period-end', days: -3 })).toThrow(LevyError);
    expect(() => dueDateOf(parsed('2025-03'), { kind: 'bogus' } as unknown as DueRule)).toThrow(LevyError);
  });
});

describe('due date properties', () => {
  it('a day-of-next-month due date falls in the month after the period, after the period', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('month', 'quarter', 'year' as const),
        fc.integer({ min: epochDayOf(1950, 1, 1), max: epochDayOf(2150, 12, 31) }),
        fc.integer({ min: 1, max: 31 }),
        (kind, d, day) => {
          const p = periodOf(kind, d);
          const at = dueDateOf(p, { kind: 'day-of-next-month', day });
          const month = periodOf('month', p.end + 1);
          expect(at).toBeGreaterThan(p.end);
          expect(at).toBeGreaterThanOrEqual(month.start);
          expect(at).toBeLessThanOrEqual(month.end);
          expect(at - month.start + 1).toBe(Math.min(day, month.days));
        },
      ),
      { numRuns: runs(500) },
    );
  });
});
