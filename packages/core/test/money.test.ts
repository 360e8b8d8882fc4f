import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { LevyError, Money } from '@levy/core';

describe('Money parsing', () => {
  it.each(['12.345', '1e3', 'abc', '', ' 1.00', '+1.00', '01.00', '1.', '.5'])('refuses %j with a typed error', (input) => {
    const r = Money.parse(input, ['payment', 'amount']);
    expect(E.isLeft(r)).toBe(true);
    if (E.isLeft(r)) {
      expect(['AMOUNT_INVALID', 'AMOUNT_TOO_PRECISE']).toContain(r.left.code);
      expect(r.left.path).toEqual(['payment', 'amount']);
      expect(r.left.message).toContain(JSON.stringify(input));
    }
  });
  it('refuses JS numbers, NaN included', () => {
    for (const input of [12.3, Number.NaN, 5, null, undefined]) {
      const r = Money.parse(input);
      expect(E.isLeft(r) && r.left.code).toBe('AMOUNT_INVALID');
    }
  });
  it('says 12.345 is too precise rather than rounding it', () => {
    const r = Money.parse('12.345');
    expect(E.isLeft(r) && r.left.code).toBe('AMOUNT_TOO_PRECISE');
  });
  it('prints canonical strings', () => {
    expect(Money.of('1234.5').toString()).toBe('1234.50');
    expect(Money.of('-0.05').toString()).toBe('-0.05');
    expect(Money.of('-0').toString()).toBe('0.00');
    expect(JSON.stringify({ a: Money.of('7') })).toBe('{"a":"7.00"}');
  });
  it('refuses amounts beyond safe integers', () => {
    const r = Money.parse('99999999999999999.00');
    expect(E.isLeft(r) && r.left.code).toBe('AMOUNT_TOO_LARGE');
  });
  it('throws a LevyError from Money.of on bad literals', () => {
    expect(() => Money.of('1e3')).toThrow(LevyError);
  });
});

describe('Money arithmetic', () => {
  it('prices 89.50 m2 at 2.80 a month as 250.60', () => {
    expect(Money.of('89.50').times('2.80').toString()).toBe('250.60');
  });
  it('computes the published 千分之三 example: 10,000 overdue 300 days is 9,000', () => {
    expect(Money.of('10000.00').times(['0.003', 300]).toString()).toBe('9000.00');
  });
  it('rounds half-up by default and honours the other modes', () => {
    const five = Money.of('0.05');
    expect(five.times('0.5').toString()).toBe('0.03');
    expect(five.times('0.5', 'half-even').toString()).toBe('0.02');
    expect(five.times('0.5', 'down').toString()).toBe('0.02');
    expect(Money.of('0.01').times('0.1', 'up').toString()).toBe('0.01');
    expect(Money.of('-0.05').times('0.5').toString()).toBe('-0.03');
  });
  it('refuses fractional JS numbers as factors', () => {
    expect(() => Money.of('1.00').times(0.5)).toThrow(LevyError);
  });
  it('adds, subtracts, compares', () => {
    const a = Money.of('0.10');
    const b = Money.of('0.20');
    expect(a.add(b).toString()).toBe('0.30');
    expect(a.subtract(b).toString()).toBe('-0.10');
    expect(a.compare(b)).toBe(-1);
    expect(Money.sum([a, b, a]).toString()).toBe('0.40');
    expect(Money.sum([]).isZero()).toBe(true);
  });
});

describe('splits', () => {
  it('splits 100.00 three ways with the extra fen first', () => {
    expect(Money.split(Money.of('100.00'), 3).map(String)).toEqual(['33.34', '33.33', '33.33']);
  });
  it('allocates by area with largest remainder', () => {
    // 10.00 × 89.50/209.75 = 4.2669..., × 120.25/209.75 = 5.7330...: floors 426 + 573 = 999, the 1 fen left goes to the larger remainder (the first)
    expect(Money.allocate(Money.of('10.00'), ['89.50', '120.25']).map(String)).toEqual(['4.27', '5.73']);
  });
  it('breaks remainder ties by lower index', () => {
    expect(Money.allocate(Money.of('0.02'), ['1', '1', '1']).map(String)).toEqual(['0.01', '0.01', '0.00']);
  });
  it('splits negative totals symmetrically', () => {
    expect(Money.split(Money.of('-1.00'), 3).map(String)).toEqual(['-0.34', '-0.33', '-0.33']);
  });
  it('refuses zero ratios and zero parts', () => {
    expect(() => Money.allocate(Money.of('1.00'), ['0', '0'])).toThrow(/ALLOCATION_RATIOS_ZERO/);
    expect(() => Money.split(Money.of('1.00'), 0)).toThrow(/SPLIT_PARTS_INVALID/);
  });
});
