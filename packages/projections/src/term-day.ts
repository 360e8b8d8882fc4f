/**
 * Internal to the package (not exported from its index): the epoch day of a date inside an
 * event's data (a period's start and end, a due date), read without touching {@link dayOf}'s
 * one-entry cache. That cache holds the effective date that runs of events in a log share; a
 * charge's three period dates read through it would evict it, and the next event's effective
 * date would be parsed again.
 */
import { type EpochDay, epochDayOf } from '@levy/core';

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/**
 * The epoch day of a decoded ISO date `'YYYY-MM-DD'`, parsed each time (no validation: codecs did that).
 *
 * @example
 * termDayOf('2025-04-15'); // 20193
 */
export const termDayOf = (iso: string): EpochDay =>
  epochDayOf(digit(iso, 0) * 1000 + digit(iso, 1) * 100 + digit(iso, 2) * 10 + digit(iso, 3), digit(iso, 5) * 10 + digit(iso, 6), digit(iso, 8) * 10 + digit(iso, 9));
