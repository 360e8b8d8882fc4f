import { describe, expect, it } from 'vitest';
import { epochDayOf } from '@levy/core';
import { fixedOffsetOf, recordedDayOf, recordedDayWith } from '../src/fields.js';

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
