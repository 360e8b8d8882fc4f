import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { type Period, type PeriodKind, PERIOD_KINDS, epochDayOf, isoDateOf, monthsOf, nextPeriod, parsePeriodKey, periodContains, periodOf, previousPeriod, quarterOf } from '@levy/core';
import { runs } from '../../testkit/test/support/properties.js';
import { thrown } from '../../testkit/test/support/refusals.js';

const parsed = (key: string): Period => {
  const r = parsePeriodKey(key);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const span = (p: Period): string => `${isoDateOf(p.start)}..${isoDateOf(p.end)}`;

describe('period keys', () => {
  it('reads a month key', () => {
    const p = parsed('2025-03');
    expect(p).toMatchObject({ kind: 'month', key: '2025-03', months: 1, days: 31 });
    expect(span(p)).toBe('2025-03-01..2025-03-31');
  });
  it('gives February 2024 29 days and February 2025 28', () => {
    expect(parsed('2024-02').days).toBe(29);
    expect(parsed('2025-02').days).toBe(28);
    expect(parsed('2100-02').days).toBe(28);
  });
  it('reads quarter keys with their lengths', () => {
    expect(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'].map((k) => [span(parsed(k)), parsed(k).days])).toEqual([
      ['2025-01-01..2025-03-31', 90],
      ['2025-04-01..2025-06-30', 91],
      ['2025-07-01..2025-09-30', 92],
      ['2025-10-01..2025-12-31', 92],
    ]);
    expect(parsed('2024-Q1').days).toBe(91);
    expect(parsed('2024-Q1')).toMatchObject({ kind: 'quarter', months: 3 });
  });
  it('reads year keys', () => {
    expect(parsed('2025')).toMatchObject({ kind: 'year', key: '2025', months: 12, days: 365 });
    expect(parsed('2024').days).toBe(366);
    expect(span(parsed('2024'))).toBe('2024-01-01..2024-12-31');
  });
  it.each(['2025-13', '2025-00', '2025-Q5', '2025-Q0', '25-03', '2025-3', '2025-q1', '2025-Q12', '2025-03-01', '202503', ' 2025', ''])(
    'refuses %j with PERIOD_KEY_INVALID and the path',
    (key) => {
      const r = parsePeriodKey(key, ['charge', 'period']);
      expect(E.isLeft(r)).toBe(true);
      if (E.isLeft(r)) {
        expect(r.left.code).toBe('PERIOD_KEY_INVALID');
        expect(r.left.path).toEqual(['charge', 'period']);
        expect(r.left.message).toContain(JSON.stringify(key));
      }
    },
  );
  it('refuses numbers and other non-strings', () => {
    for (const key of [2025, 202503, null, undefined, { year: 2025 }]) {
      const r = parsePeriodKey(key, ['p']);
      expect(E.isLeft(r) && r.left).toMatchObject({ code: 'PERIOD_KEY_INVALID', path: ['p'] });
    }
  });
  it('explains a bad month and a bad quarter', () => {
    const m = parsePeriodKey('2025-13');
    expect(E.isLeft(m) && m.left.message).toContain('months run from 01 to 12');
    const q = parsePeriodKey('2025-Q5');
    expect(E.isLeft(q) && q.left.message).toContain('quarters run from Q1 to Q4');
  });
});

describe('periods of days', () => {
  it('finds the month, quarter and year of a leap day', () => {
    const leap = epochDayOf(2024, 2, 29);
    expect(periodOf('month', leap).key).toBe('2024-02');
    expect(periodOf('quarter', leap).key).toBe('2024-Q1');
    expect(periodOf('year', leap).key).toBe('2024');
    expect(quarterOf(leap).key).toBe('2024-Q1');
  });
  it('puts quarter boundaries on the right side', () => {
    expect(quarterOf(epochDayOf(2025, 3, 31)).key).toBe('2025-Q1');
    expect(quarterOf(epochDayOf(2025, 4, 1)).key).toBe('2025-Q2');
    expect(quarterOf(epochDayOf(2025, 12, 31)).key).toBe('2025-Q4');
  });
  it('steps to the next and previous period across year ends', () => {
    expect(nextPeriod(parsed('2025-12')).key).toBe('2026-01');
    expect(nextPeriod(parsed('2025-Q4')).key).toBe('2026-Q1');
    expect(nextPeriod(parsed('2025')).key).toBe('2026');
    expect(previousPeriod(parsed('2025-01')).key).toBe('2024-12');
    expect(previousPeriod(parsed('2025-Q1')).key).toBe('2024-Q4');
  });
  it('lists the months of a quarter and a year in order', () => {
    expect(monthsOf(parsed('2025-Q3')).map((m) => m.key)).toEqual(['2025-07', '2025-08', '2025-09']);
    const year = monthsOf(parsed('2024'));
    expect(year.map((m) => m.key)).toEqual(Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`));
    expect(year.reduce((s, m) => s + m.days, 0)).toBe(366);
    expect(monthsOf(parsed('2025-03')).map((m) => m.key)).toEqual(['2025-03']);
  });
  it('contains its first and last day and nothing outside', () => {
    const p = parsed('2025-Q2');
    expect(periodContains(p, epochDayOf(2025, 4, 1))).toBe(true);
    expect(periodContains(p, epochDayOf(2025, 6, 30))).toBe(true);
    expect(periodContains(p, epochDayOf(2025, 3, 31))).toBe(false);
    expect(periodContains(p, epochDayOf(2025, 7, 1))).toBe(false);
  });
  it('makes frozen periods', () => {
    expect(Object.isFrozen(parsed('2025-03'))).toBe(true);
  });
});

describe('period properties', () => {
  const kind = fc.constantFrom<PeriodKind>(...PERIOD_KINDS);
  const day = fc.integer({ min: epochDayOf(1900, 1, 1), max: epochDayOf(2199, 12, 31) });
  it('the period of a day contains that day, and its key parses back to it', () => {
    fc.assert(
      fc.property(kind, day, (k, d) => {
        const p = periodOf(k, d);
        expect(periodContains(p, d)).toBe(true);
        expect(p.days).toBe(p.end - p.start + 1);
        expect(parsePeriodKey(p.key)).toEqual(E.right(p));
      }),
      { numRuns: runs(500) },
    );
  });
  it('consecutive periods tile the days with no gap or overlap', () => {
    fc.assert(
      fc.property(kind, day, (k, d) => {
        const p = periodOf(k, d);
        const n = nextPeriod(p);
        expect(n.start).toBe(p.end + 1);
        expect(previousPeriod(n)).toEqual(p);
        const months = monthsOf(p);
        expect(months.length).toBe(p.months);
        expect(months[0]!.start).toBe(p.start);
        expect(months[months.length - 1]!.end).toBe(p.end);
        expect(months.reduce((s, m) => s + m.days, 0)).toBe(p.days);
      }),
      { numRuns: runs(500) },
    );
  });
});

describe('periodOf inputs (audit: a week gave undefined and NaN gave the key "+000NaN-NaN")', () => {
  it.each<[string, unknown, unknown, string, string[]]>([
    ['a week', 'week', epochDayOf(2025, 6, 1), 'PERIOD_KIND_INVALID', ['kind']],
    ['a kind in capitals', 'Month', epochDayOf(2025, 6, 1), 'PERIOD_KIND_INVALID', ['kind']],
    ['NaN', 'month', Number.NaN, 'DATE_INVALID', ['day']],
    ['a fraction of a day', 'quarter', 20_000.5, 'DATE_INVALID', ['day']],
    ['infinity', 'year', Number.POSITIVE_INFINITY, 'DATE_INVALID', ['day']],
    ['a date string', 'month', '2025-06-01', 'DATE_INVALID', ['day']],
  ])('refuses %s', (_what, kind, day, code, path) => {
    expect(thrown(() => periodOf(kind as PeriodKind, day as number))).toEqual({ code, path });
  });
});
