/**
 * A fast reader for amounts already in Money's canonical form (`-?(0|[1-9][0-9]*)\.[0-9]{2}`, what
 * `Money.toString` writes and what commands and events carry). Hot paths (the account decider)
 * read such strings many times a second; anything else, and every malformed input, is left to
 * `Money.parse` / `Money.of`, which check it in full and say what is wrong.
 *
 * @example
 * canonicalMoney('250.60')?.toString(); // '250.60'
 * canonicalMoney('250.6'); // undefined: let Money.parse read it
 */
import { Money } from './money.js';

/**
 * The Money of a canonical CNY amount string (1 to 13 whole digits, no leading zero, two decimals),
 * or undefined for anything else. Where it answers, it is the same Money as `Money.of(input)`.
 *
 * @example
 * canonicalMoney('-0.01')?.toString(); // '-0.01'
 * canonicalMoney('01.00'); // undefined
 */
export const canonicalMoney = (input: unknown): Money | undefined => {
  if (typeof input !== 'string') return undefined;
  const minor = canonicalMinor(input);
  if (minor === undefined) return undefined;
  // a zero (a lump-sum charge's commission) is the shared zero, not a new object
  return minor === 0 ? Money.zero() : Money.fromMinorUnits(input.charCodeAt(0) === 45 ? -minor : minor);
};

/**
 * Whether `input` is a non-negative amount in Money's canonical form (what `toString` of a Money
 * at or above zero writes), so a hot path can carry the input string on instead of writing the
 * amount out again. Exactly the non-negative strings {@link canonicalMoney} reads.
 *
 * @example
 * isCanonicalAmount('300.00'); // true
 * isCanonicalAmount('300'); // false: Money writes '300.00'
 */
export const isCanonicalAmount = (input: string): boolean => input.charCodeAt(0) !== 45 && canonicalMinor(input) !== undefined;

// the one scanner of the canonical form: the amount in fen without its sign, or undefined
const canonicalMinor = (input: string): number | undefined => {
  const n = input.length;
  let i = input.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const digits = n - 3 - i;
  // 15 digits in all stay exact in a double; the point sits before the last two digits
  if (digits < 1 || digits > 13 || input.charCodeAt(n - 3) !== 46 || (digits > 1 && input.charCodeAt(i) === 48)) return undefined;
  let minor = 0;
  for (; i < n; i++) {
    if (i === n - 3) continue;
    const d = input.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    minor = minor * 10 + d;
  }
  return minor;
};
