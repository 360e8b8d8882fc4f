import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { Amount, AmountInput, Id, InstantString, IsoDate, Money, Uuid, decodeWith, parseIsoDate } from '@levy/core';

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

describe('date codecs', () => {
  it('accept exactly the dates the calendar parser accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const s = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        expect(IsoDate.is(s)).toBe(E.isRight(parseIsoDate(s)));
        expect(InstantString.is(`${s}T08:00:00Z`)).toBe(E.isRight(parseIsoDate(s)));
      }),
    );
  });
  it('refuses near-misses', () => {
    for (const s of ['2025-02-29', '2024-02-30', '2025-04-31', '2025-1-05', '2025-01-5', '2025/01/05', '2025-01-05 ', 'x025-01-05', '2025-00-10', '2025-01-00', '']) {
      expect(IsoDate.is(s)).toBe(false);
    }
    for (const s of ['2024-02-29', '2000-02-29', '2025-12-31']) expect(IsoDate.is(s)).toBe(true);
    expect(IsoDate.is('1900-02-29')).toBe(false);
    expect(InstantString.is('2025-02-29T08:00:00Z')).toBe(false);
    expect(InstantString.is('2025-02-28T08:00:00.123Z')).toBe(true);
    expect(InstantString.is('2025-02-28T08:00:00')).toBe(false);
  });
  it('takes only real times of day in an instant (a leap second is allowed)', () => {
    for (const t of ['00:00:00', '23:59:59', '23:59:60', '12:30:05.5']) expect(InstantString.is(`2025-06-30T${t}Z`)).toBe(true);
    for (const t of ['24:00:00', '99:99:99', '23:60:00', '23:59:61', '25:00:00']) expect(InstantString.is(`2025-06-30T${t}Z`)).toBe(false);
  });
});

describe('id codecs', () => {
  const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const idChars = fc.constantFrom(...'aZ09_-.: é8fF'.split(''));
  it('Id accepts exactly what its pattern describes', () => {
    fc.assert(
      fc.property(fc.array(idChars, { maxLength: 70, size: 'max' }), (cs) => {
        const s = cs.join('');
        expect(Id.is(s)).toBe(ID.test(s));
      }),
    );
    expect(Id.is('a'.repeat(64))).toBe(true);
    expect(Id.is('a'.repeat(65))).toBe(false);
  });
  it('Uuid accepts exactly lowercase UUIDs', () => {
    const hex = fc.constantFrom(...'0123456789abcdefAg-'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.array(hex, { minLength: 36, maxLength: 36 }), fc.array(hex, { minLength: 30, maxLength: 40 })), fc.boolean(), (cs, dashed) => {
        const chars = [...cs];
        if (dashed && chars.length >= 24) for (const i of [8, 13, 18, 23]) chars[i] = '-';
        const s = chars.join('');
        expect(Uuid.is(s)).toBe(UUID.test(s));
      }),
    );
    fc.assert(
      fc.property(fc.uuid(), (u) => {
        expect(Uuid.is(u)).toBe(UUID.test(u));
      }),
    );
    expect(Uuid.is('01234567-89ab-8def-8123-456789abcdef')).toBe(true);
  });
});

describe('amount codecs', () => {
  it('accept an amount exactly when Money holds it (the largest is 90071992547409.91 either way)', () => {
    expect(Amount.is('90071992547409.91')).toBe(true);
    expect(Amount.is('-90071992547409.91')).toBe(true);
    expect(AmountInput.is('90071992547409.91')).toBe(true);
    expect(AmountInput.is('90071992547409.9')).toBe(true);
    expect(AmountInput.is('90071992547409')).toBe(true);
    for (const s of ['90071992547409.92', '-90071992547409.92', '90071992547410.00', '99999999999999.99', '100000000000000.00', '9999999999999999.99']) {
      expect(Amount.is(s), s).toBe(false);
      expect(AmountInput.is(s), s).toBe(false);
    }
    expect(AmountInput.is('90071992547410')).toBe(false);
    expect(AmountInput.is('90071992547409.92')).toBe(false);
  });
  it('agree with Money.parse on every canonical amount of 13 to 16 integer digits', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.bigInt({ min: 10n ** 14n, max: 10n ** 18n - 1n }), (negative, fen) => {
        const digits = String(fen);
        const s = `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
        expect(Amount.is(s)).toBe(E.isRight(Money.parse(s)));
        expect(AmountInput.is(s)).toBe(E.isRight(Money.parse(s)));
      }),
    );
  });
  it('refuse an amount beyond that range at its field, before any decision sees it', () => {
    const r = decodeWith(AmountInput, '100000000000000.00', ['data', 'amount']);
    expect(E.isLeft(r) && r.left[0]!.code).toBe('DECODE_FAILED');
    expect(E.isLeft(r) && r.left[0]!.path).toEqual(['data', 'amount']);
  });
});
