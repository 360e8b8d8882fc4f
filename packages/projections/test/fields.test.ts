import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Money, businessDayAt, dayOfIso, epochDayOf, isoDateOf } from '@levy/core';
import { dayOf, dayOfDecoded, fixedOffsetOf, moneyOfAmount, recordedDayOf, recordedDayWith } from '../src/fields.js';

describe('the business day an entry was recorded on', () => {
  it('reads Chinese zones at +08:00 from 1992 on', () => {
    expect(recordedDayOf('2025-01-31T15:59:00Z', 'Asia/Shanghai')).toBe(epochDayOf(2025, 1, 31));
    expect(recordedDayOf('2025-01-31T16:00:00Z', 'Asia/Shanghai')).toBe(epochDayOf(2025, 2, 1));
    expect(recordedDayOf('1992-06-30T15:30:00Z', 'Asia/Shanghai')).toBe(epochDayOf(1992, 6, 30));
  });
  it("keeps China's summer time of 1986-1991 (UTC+9): 15:30 UTC on 1988-06-30 was already July 1st", () => {
    expect(recordedDayOf('1988-06-30T15:30:00Z', 'Asia/Shanghai')).toBe(epochDayOf(1988, 7, 1));
    // the hot path with the offset already looked up gives the same
    expect(recordedDayWith('1988-06-30T15:30:00Z', fixedOffsetOf('Asia/Shanghai'), 'Asia/Shanghai')).toBe(epochDayOf(1988, 7, 1));
    // in winter 1988 the offset was +08:00
    expect(recordedDayOf('1988-01-31T15:30:00Z', 'Asia/Shanghai')).toBe(epochDayOf(1988, 1, 31));
  });
  it('reads UTC and fixed offsets the same in any year, and other zones through Intl', () => {
    expect(recordedDayOf('1980-06-30T23:30:00Z', 'UTC')).toBe(epochDayOf(1980, 6, 30));
    expect(recordedDayOf('1980-06-30T23:30:00Z', '+01:00')).toBe(epochDayOf(1980, 7, 1));
    expect(recordedDayOf('2025-07-01T03:30:00Z', 'America/New_York')).toBe(epochDayOf(2025, 6, 30));
    expect(recordedDayOf('2025-07-01T04:30:00Z', 'America/New_York')).toBe(epochDayOf(2025, 7, 1));
  });
});

describe('zones whose offset was not whole minutes (before 1973)', () => {
  it('reads Hong Kong local mean time (+07:36:42, until 1904) to the second', () => {
    // 16:23:17 UTC was 23:59:59 in Hong Kong, 16:23:18 UTC was midnight
    expect(recordedDayOf('1856-03-10T16:23:17Z', 'Asia/Hong_Kong')).toBe(epochDayOf(1856, 3, 10));
    expect(recordedDayOf('1856-03-10T16:23:18Z', 'Asia/Hong_Kong')).toBe(epochDayOf(1856, 3, 11));
    expect(recordedDayOf('1856-03-10T16:23:59.999Z', 'Asia/Hong_Kong')).toBe(epochDayOf(1856, 3, 11));
  });
  it('reads a leap second as the second before it (1972-12-31T23:59:60Z is still December 31 in London)', () => {
    expect(recordedDayOf('1972-12-31T23:59:60Z', 'Europe/London')).toBe(epochDayOf(1972, 12, 31));
    expect(recordedDayOf('1972-06-30T23:59:60Z', 'Africa/Monrovia')).toBe(epochDayOf(1972, 6, 30));
  });
});

describe('one business day, two implementations', () => {
  // the audit trail's fast reading of a recorded instant and the core's exact one (Temporal) must never disagree
  it("recordedDayOf agrees with @levy/core's businessDayAt for any instant and zone", () => {
    const zones = ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong', 'Asia/Macau', 'Asia/Taipei', 'UTC', 'Etc/UTC', '+08:00', '-03:30', '+05:45', 'America/New_York', 'Europe/London', 'Africa/Monrovia', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    const instant = fc.integer({ min: Date.UTC(1800, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms).toISOString().replace('.000Z', 'Z'));
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (at, zone) => {
        const exact = businessDayAt(at, zone);
        expect(exact._tag === 'Right' && recordedDayOf(at, zone)).toBe(exact._tag === 'Right' && exact.right);
      }),
    );
  });
});

describe("the fold's fast field readers agree with core", () => {
  it('dayOf and the fold\'s unchecked dayOfDecoded read back every ISO date isoDateOf writes, in any order (their last-date memos included)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: epochDayOf(1000, 1, 1), max: epochDayOf(9999, 12, 31) }), { minLength: 1, maxLength: 8 }), (days) => {
        for (const d of [...days, ...days.reverse()]) {
          expect(dayOf(isoDateOf(d))).toBe(d);
          expect(dayOfDecoded(isoDateOf(d))).toBe(d);
        }
      }),
    );
  });
  it('dayOfDecoded stays right around period and due dates read past its memo (core\'s dayOfIso, as the book and audit trail read them)', () => {
    fc.assert(
      fc.property(fc.integer({ min: epochDayOf(1000, 1, 1), max: epochDayOf(9999, 12, 31) }), fc.array(fc.integer({ min: epochDayOf(1000, 1, 1), max: epochDayOf(9999, 12, 31) }), { maxLength: 4 }), (effective, terms) => {
        const iso = isoDateOf(effective);
        expect(dayOfDecoded(iso)).toBe(effective);
        for (const d of terms) expect(dayOfIso(isoDateOf(d))).toBe(d);
        expect(dayOfDecoded(iso)).toBe(effective);
      }),
    );
  });
  it('moneyOfAmount gives the Money that Money.of gives, however often an amount repeats, with zeros between', () => {
    // zero is answered apart from the cache and its memo: it comes often, between the other amounts
    const amount = fc.oneof(
      fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 15n })).map(([neg, fen]) => Money.fromMinorUnits(neg ? -fen : fen).toString()),
      fc.constant('0.00'),
    );
    fc.assert(
      fc.property(fc.array(amount, { minLength: 1, maxLength: 8 }), (list) => {
        for (const a of [...list, ...list]) expect(moneyOfAmount(a).equals(Money.of(a)) && moneyOfAmount(a).toString()).toBe(a);
      }),
    );
  });
});
