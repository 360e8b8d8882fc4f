import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { InstantString, IsoDate, parseIsoDate } from '@levy/core';

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
});
