/**
 * The primitive io-ts codecs every event and command is built from. Events are plain JSON:
 * amounts are canonical strings (`"1234.50"`), dates are ISO calendar dates (`"2025-03-15"`),
 * instants are ISO UTC strings, rates and areas are plain decimal strings. Each primitive is a
 * branded string, so a decoded event is the stored JSON itself (encode∘decode is identity) and a
 * value that passed a codec cannot be confused with an unchecked string.
 *
 * Decoding failures become {@link DomainError}s with the path of each offending field
 * ({@link decodeWith}), every error at once.
 *
 * @example
 * import { Amount, decodeWith } from '@levy/core';
 * decodeWith(Amount, '12.3', ['amount']); // left([{ code: 'DECODE_FAILED', path: ['amount'], ... }])
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { describe } from './decimal.js';
import { type DomainError, domainError } from './errors.js';
import { Money } from './money.js';
import { closestName } from './unknown-field.js';

// ---------------------------------------------------------------------------------------------
// branded strings
// ---------------------------------------------------------------------------------------------

const CANONICAL_AMOUNT = /^-?(0|[1-9][0-9]{0,15})\.[0-9]{2}$/;
const AMOUNT_INPUT = /^-?(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$/;
const PLAIN_DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const ISO_INSTANT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$/;
const PERIOD_KEY = /^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/;
// Id: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, Uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
// both scanned by character (ids are checked several times in every event read)
const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isIdString = (s: string): boolean => {
  const n = s.length;
  if (n < 1 || n > 64 || !isAlnum(s.charCodeAt(0))) return false;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!(isAlnum(c) || c === 95 || c === 45)) return false;
  }
  return true;
};
const isUuidString = (s: string): boolean => {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
};

// a digit's value at position i, or -1: the date checks below run on every event a store reads,
// so they scan characters instead of allocating regex matches
const digitAt = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

// a real calendar date 'YYYY-MM-DD' in the first ten characters of s
const isCalendarDateAt = (s: string): boolean => {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y0 = digitAt(s, 0);
  const y1 = digitAt(s, 1);
  const y2 = digitAt(s, 2);
  const y3 = digitAt(s, 3);
  const m0 = digitAt(s, 5);
  const m1 = digitAt(s, 6);
  const d0 = digitAt(s, 8);
  const d1 = digitAt(s, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return false;
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const mo = m0 * 10 + m1;
  const d = d0 * 10 + d1;
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  return d <= dim;
};

const isCalendarDate = (s: string): boolean => s.length === 10 && isCalendarDateAt(s);

// a real time of day 'HH:MM:SS' at characters 11..18 (digits already checked): 00-23, 00-59, 00-60 (RFC 3339 allows a leap second)
const isTimeOfDayAt = (s: string): boolean =>
  digitAt(s, 11) * 10 + digitAt(s, 12) <= 23 && digitAt(s, 14) * 10 + digitAt(s, 15) <= 59 && digitAt(s, 17) * 10 + digitAt(s, 18) <= 60;

// Money holds at most 2^53 - 1 fen (90,071,992,547,409.91) exactly; the patterns allow 16 integer
// digits, so an amount of 14 digits or more is compared with that limit here: beyond it the codec
// refuses it at its field, instead of letting moneyOf throw later inside a decision
const LARGEST_FEN = String(Number.MAX_SAFE_INTEGER);
const withinMoney = (s: string): boolean => {
  const start = s.charCodeAt(0) === 45 ? 1 : 0;
  const dot = s.indexOf('.');
  const integerDigits = (dot === -1 ? s.length : dot) - start;
  if (integerDigits < LARGEST_FEN.length - 2) return true;
  if (integerDigits > LARGEST_FEN.length - 2) return false;
  const fraction = dot === -1 ? '' : s.slice(dot + 1);
  return s.slice(start, start + integerDigits) + fraction.padEnd(2, '0') <= LARGEST_FEN;
};

/** Brand of a checked string (io-ts). */
export interface AmountBrand {
  readonly Amount: unique symbol;
}
/**
 * A canonical CNY amount string: optional minus, digits, exactly two decimals (`"1234.50"`), never
 * `"-0.00"`, and within what {@link Money} holds exactly (at most 90071992547409.91 either way).
 */
export const Amount = t.brand(t.string, (s): s is t.Branded<string, AmountBrand> => CANONICAL_AMOUNT.test(s) && s !== '-0.00' && withinMoney(s), 'Amount');
/** A canonical amount string. Turn it into {@link Money} with {@link moneyOf}. */
export type Amount = t.TypeOf<typeof Amount>;

/** Brand of a checked string (io-ts). */
export interface AmountInputBrand {
  readonly AmountInput: unique symbol;
}
/**
 * An amount as a person may type it in a command: `"12"`, `"12.3"` or `"12.30"` (never a number),
 * within what {@link Money} holds exactly (at most 90071992547409.91 either way).
 */
export const AmountInput = t.brand(t.string, (s): s is t.Branded<string, AmountInputBrand> => AMOUNT_INPUT.test(s) && withinMoney(s), 'AmountInput');
/** An amount as typed in a command; see {@link AmountInput}. */
export type AmountInput = t.TypeOf<typeof AmountInput>;

/** Brand of a checked string (io-ts). */
export interface DecimalStringBrand {
  readonly DecimalString: unique symbol;
}
/** A plain decimal string for rates, areas, prices, readings: `"0.0003"`, `"89.50"` (no exponent). */
export const DecimalString = t.brand(t.string, (s): s is t.Branded<string, DecimalStringBrand> => PLAIN_DECIMAL.test(s), 'DecimalString');
/** A plain decimal string; see {@link DecimalString}. */
export type DecimalString = t.TypeOf<typeof DecimalString>;

/** Brand of a checked string (io-ts). */
export interface IsoDateBrand {
  readonly IsoDate: unique symbol;
}
/** A real calendar date `YYYY-MM-DD` (a business date in the community's time zone). */
export const IsoDate = t.brand(t.string, (s): s is t.Branded<string, IsoDateBrand> => isCalendarDate(s), 'IsoDate');
/** A business date string; see {@link IsoDate}. */
export type IsoDate = t.TypeOf<typeof IsoDate>;

/** Brand of a checked string (io-ts). */
export interface InstantStringBrand {
  readonly InstantString: unique symbol;
}
/** An instant in UTC, ISO 8601 with `Z` (`"2025-03-15T02:30:00Z"`): when something was recorded. The date must exist and the time be a time of day (hour 00-23, minute 00-59, second 00-60). */
export const InstantString = t.brand(
  t.string,
  (s): s is t.Branded<string, InstantStringBrand> => ISO_INSTANT.test(s) && isCalendarDateAt(s) && isTimeOfDayAt(s),
  'InstantString',
);
/** An instant string; see {@link InstantString}. */
export type InstantString = t.TypeOf<typeof InstantString>;

/** Brand of a checked string (io-ts). */
export interface PeriodKeyBrand {
  readonly PeriodKey: unique symbol;
}
/** A billing period key: a month `"2025-03"`, a quarter `"2025-Q1"` or a year `"2025"`. */
export const PeriodKey = t.brand(t.string, (s): s is t.Branded<string, PeriodKeyBrand> => PERIOD_KEY.test(s), 'PeriodKey');
/** A period key; see {@link PeriodKey}. */
export type PeriodKey = t.TypeOf<typeof PeriodKey>;

/** Brand of a checked string (io-ts). */
export interface IdBrand {
  readonly Id: unique symbol;
}
/**
 * A name-like identifier for communities, units, fee items, charges, plans: letters, digits, `_`
 * and `-`, 1 to 64 characters, starting with a letter or digit. No dots, so stream names
 * `levy.account-<community>.<unit>` split unambiguously.
 */
export const Id = t.brand(t.string, (s): s is t.Branded<string, IdBrand> => isIdString(s), 'Id');
/** An identifier; see {@link Id}. */
export type Id = t.TypeOf<typeof Id>;

/** Brand of a checked string (io-ts). */
export interface UuidBrand {
  readonly Uuid: unique symbol;
}
/** A lowercase UUID: every event id is one (EventStoreDB requires it). */
export const Uuid = t.brand(t.string, (s): s is t.Branded<string, UuidBrand> => isUuidString(s), 'Uuid');
/** An event id; see {@link Uuid}. */
export type Uuid = t.TypeOf<typeof Uuid>;

/** Brand of a checked string (io-ts). */
export interface NonEmptyTextBrand {
  readonly NonEmptyText: unique symbol;
}
/** Free text that must say something: at least one non-space character, at most 2,000. */
export const NonEmptyText = t.brand(
  t.string,
  (s): s is t.Branded<string, NonEmptyTextBrand> => s.trim().length > 0 && s.length <= 2000,
  'NonEmptyText',
);
/** Free text; see {@link NonEmptyText}. */
export type NonEmptyText = t.TypeOf<typeof NonEmptyText>;

/** A whole number of zero or more (days, counts, versions). */
export const Count = t.brand(t.number, (n): n is t.Branded<number, t.IntBrand> => Number.isSafeInteger(n) && n >= 0, 'Int');
/** A whole number of zero or more. */
export type Count = t.TypeOf<typeof Count>;

// ---------------------------------------------------------------------------------------------
// conversions
// ---------------------------------------------------------------------------------------------

/**
 * The {@link Money} of a canonical amount that a codec has already checked.
 *
 * @example
 * moneyOf('250.60' as Amount).toString(); // '250.60'
 */
export const moneyOf = (amount: Amount | AmountInput): Money => Money.of(amount);

/**
 * The canonical amount string of a Money.
 *
 * @example
 * amountOf(Money.of('5')); // '5.00'
 */
export const amountOf = (money: Money): Amount => money.toString() as Amount;

// ---------------------------------------------------------------------------------------------
// decoding into DomainErrors
// ---------------------------------------------------------------------------------------------

/**
 * Decodes `input` with an io-ts codec; on failure returns every error as a {@link DomainError}
 * with code `DECODE_FAILED`, the field's path (prefixed by `path`), the codec's name in
 * `details.expected` (for programs) and `details.actual`, and a message for a person: what the
 * field takes, with an example, and what was sent (a field left out: that it is required).
 *
 * @example
 * decodeWith(t.type({ amount: AmountInput }), { amount: 250.6 }, ['data']);
 * // left([{ code: 'DECODE_FAILED', path: ['data', 'amount'], details: { expected: 'AmountInput', actual: 'the number 250.6' },
 * //   message: 'an amount is a decimal string of yuan with at most two decimals, such as "250.60"; got the number 250.6 (send amounts as strings: a JS number is never an amount)' }])
 */
export const decodeWith = <A, O>(codec: t.Type<A, O, unknown>, input: unknown, path: readonly string[] = []): E.Either<readonly DomainError[], A> => {
  const result = codec.decode(input);
  if (E.isRight(result)) return E.right(result.right);
  return E.left(dedupe(result.left.map((err) => toDomainError(err, path))));
};

const toDomainError = (err: t.ValidationError, prefix: readonly string[]): DomainError => {
  // io-ts reports a path of contexts; skip the root and the synthetic union/intersection indices
  const keys: string[] = [];
  for (let i = 1; i < err.context.length; i++) {
    const entry = err.context[i];
    const parent = err.context[i - 1];
    if (entry === undefined || parent === undefined) continue;
    if (isSynthetic(parent.type)) continue;
    keys.push(entry.key);
  }
  const last = err.context[err.context.length - 1];
  const expected = last?.type.name ?? 'a valid value';
  const path = [...prefix, ...keys];
  const actual = describe(err.value);
  if (err.message !== undefined || last === undefined) {
    return domainError('DECODE_FAILED', err.message ?? `expected ${expected}, got ${actual}`, path, { expected, actual });
  }
  const node = last.type as unknown as KeyNode;
  const meant = suggestedValue(node, err.value);
  const message = decodeFailure(node, err.value, path, meant);
  return domainError('DECODE_FAILED', message, path, meant === undefined ? { expected, actual } : { expected, actual, meant });
};

const isSynthetic = (type: t.Decoder<unknown, unknown>): boolean =>
  type instanceof t.UnionType || type instanceof t.IntersectionType || type instanceof t.ExactType || type instanceof t.RefinementType;

const dedupe = (errors: readonly DomainError[]): readonly DomainError[] => {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path.join('.')}|${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

// ---------------------------------------------------------------------------------------------
// what a field takes, in a clerk's words (the messages of decodeWith)
// ---------------------------------------------------------------------------------------------

const LARGEST_AMOUNT = '90,071,992,547,409.91';

// each checked value of this module, and the plain JSON kinds: what it takes, with an example
const TAKES: Readonly<Record<string, string>> = {
  Amount: 'an amount is a decimal string of yuan with exactly two decimals, such as "250.60"',
  AmountInput: 'an amount is a decimal string of yuan with at most two decimals, such as "250.60"',
  DecimalString: 'a decimal (an area, a rate, a price, a reading) is a string of digits with at most one point, such as "89.50" or "0.0003"',
  IsoDate: 'a date is written YYYY-MM-DD, such as "2025-04-15"',
  InstantString: 'an instant is a UTC time written YYYY-MM-DDTHH:MM:SSZ, such as "2025-04-10T02:00:00Z"',
  PeriodKey: 'a period key is a month, a quarter or a year, such as "2025-04", "2025-Q2" or "2025"',
  Id: 'an id is 1 to 64 letters, digits, _ or -, starting with a letter or digit, such as "B1-1203"',
  Uuid: 'an event id is a lowercase UUID, such as "3f1b2c4d-5e6f-8a7b-9c8d-0e1f2a3b4c5d"',
  NonEmptyText: 'text must hold at least one character that is not a space, and at most 2,000',
  Int: 'this field is a whole number of zero or more (days, a count, a version), such as 15',
  boolean: 'a yes-or-no field is true or false',
  string: 'this field is a string',
  number: 'this field is a number',
  null: 'this field is null',
};

// how a value is named inside another phrase (a list's items, a union's members); else from the codec's name
const NOUNS: Readonly<Record<string, string>> = {
  Amount: 'an amount',
  AmountInput: 'an amount',
  DecimalString: 'a decimal string',
  IsoDate: 'a date',
  InstantString: 'an instant',
  PeriodKey: 'a period key',
  Id: 'an id',
  Uuid: 'an event id',
  NonEmptyText: 'some text',
  Int: 'a whole number',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
  UseType: 'a use type',
  ActorRole: "an actor's role",
  ApproverRole: "an approver's role",
  Basis: 'a calculation basis',
  RegimeKind: 'a fee regime',
  Pricing: 'a pricing rule',
  CommandMeta: "a command's meta",
  EventMeta: "an event's meta",
};

// 'ReminderStage' → 'a reminder stage'
const nounOf = (name: string): string => {
  const known = NOUNS[name];
  if (known !== undefined) return known;
  if (!SIMPLE_NAME.test(name)) return 'a value of its own kind';
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
};

// what was sent, where it says what to do about it
const hintFor = (name: string, u: unknown): string => {
  switch (name) {
    case 'Amount':
    case 'AmountInput': {
      if (typeof u === 'number') return ' (send amounts as strings: a JS number is never an amount)';
      if (typeof u !== 'string') return '';
      if (AMOUNT_INPUT.test(u)) {
        if (!withinMoney(u)) return ` (the largest amount Levy holds exactly is ${LARGEST_AMOUNT})`;
        return u === '-0.00' ? ' (zero is "0.00")' : ' (an event records every amount with exactly two decimals)';
      }
      if (/^-?[0-9]+\.[0-9]{3,}$/.test(u)) return ' (round it to the fen first: at most two decimals)';
      if (/[,，¥￥元\s]/.test(u)) return ' (digits and a point only: no thousands separators, currency signs or spaces)';
      return '';
    }
    case 'DecimalString':
      if (typeof u === 'number') return ' (send decimals as strings, as written: a JS number may not keep them exactly)';
      return typeof u === 'string' && /[eE]/.test(u) ? ' (write it out in digits: no exponent)' : '';
    case 'IsoDate':
      if (u instanceof Date) return ' (send dates as strings, not Date objects)';
      if (typeof u !== 'string') return '';
      if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(u)) return ' (there is no such day)';
      return /^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(u) ? ' (the date alone, without a time of day)' : '';
    case 'InstantString':
      if (u instanceof Date) return ' (send instants as strings: date.toISOString() gives one)';
      return typeof u === 'string' && /T.*[+-][0-9]{2}:?[0-9]{2}$/.test(u) ? ' (in UTC, ending in Z)' : '';
    case 'Id':
      if (typeof u !== 'string') return '';
      if (u.includes('.')) return ' (no dots: a dot separates the parts of a stream name)';
      return u.length > 64 ? ` (this one has ${u.length} characters)` : '';
    case 'Uuid':
      return typeof u === 'string' && isUuidString(u.toLowerCase()) ? ' (in lowercase)' : '';
    case 'NonEmptyText':
      return typeof u === 'string' && u.length > 2000 ? ` (this one has ${u.length} characters)` : '';
    case 'Int':
      return typeof u === 'string' && /^[0-9]+$/.test(u) ? ' (send whole numbers as numbers, not strings)' : '';
    default:
      return '';
  }
};

// the kinds a tagged union takes (DueRule, Pricing, PenaltyCap, FeeRegime): its members' literal `kind`
const kindsOf = (node: KeyNode): string[] => {
  if (node._tag === 'UnionType') return [...new Set((node.types ?? []).flatMap(kindsOf))];
  const kind = declaredProps(node)?.kind;
  return kind?._tag === 'LiteralType' && typeof kind.value === 'string' ? [kind.value] : [];
};

// an object codec's fields, required first: 'ownerId, name and optionally phone'
const fieldsText = (node: KeyNode): string => {
  const required: string[] = [];
  const optional: string[] = [];
  const collect = (n: KeyNode): void => {
    if (n._tag === 'InterfaceType') required.push(...Object.keys(n.props ?? {}));
    else if (n._tag === 'PartialType') optional.push(...Object.keys(n.props ?? {}));
    else if (n._tag === 'IntersectionType') for (const m of n.types ?? []) collect(m);
    else if (n.type !== undefined) collect(n.type);
  };
  collect(node);
  if (required.length === 0 && optional.length === 0) return 'no fields';
  if (optional.length === 0) return `the fields ${required.join(', ')}`;
  if (required.length === 0) return `the optional fields ${optional.join(', ')}`;
  return `the fields ${required.join(', ')} and optionally ${optional.join(', ')}`;
};

/** What a codec takes, as a sentence ("a date is written YYYY-MM-DD, such as ..."), for the field at `path`. */
const takesOf = (node: KeyNode, path: readonly string[]): string => {
  const known = TAKES[node.name];
  if (known !== undefined) return known;
  switch (node._tag) {
    case 'KeyofType':
      return `${nounOf(node.name)} is one of ${Object.keys(node.keys ?? {}).join(', ')}`;
    case 'LiteralType':
      return `${path[path.length - 1] ?? 'this field'} takes ${JSON.stringify(node.value)} here`;
    case 'UnionType': {
      const kinds = kindsOf(node);
      if (kinds.length > 0) return `${nounOf(node.name)} is an object whose kind is one of ${kinds.map((k) => JSON.stringify(k)).join(', ')}`;
      return `this field is ${(node.types ?? []).map((m) => nounOf(m.name)).join(' or ')}`;
    }
    case 'ExactType':
    case 'InterfaceType':
    case 'PartialType':
    case 'IntersectionType': {
      const what = !SIMPLE_NAME.test(node.name) ? 'this field' : path[path.length - 1] === 'data' ? `the data of ${node.name}` : nounOf(node.name);
      return `${what} is an object with ${fieldsText(node)}`;
    }
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return `this field is a list (a JSON array), each item ${node.type === undefined ? 'a value' : nounOf(node.type.name)}`;
    case 'DictionaryType':
      return `this field is an object of names to values, each ${node.codomain === undefined ? 'a value' : nounOf(node.codomain.name)}`;
    default:
      return `this field takes ${node.name}`;
  }
};

/** The value of a one-of codec (a channel, a role) a misspelt one most likely meant; none for a value too short to tell. */
const suggestedValue = (node: KeyNode, u: unknown): string | undefined =>
  node._tag === 'KeyofType' && typeof u === 'string' && u.length >= 3 ? closestName(u, Object.keys(node.keys ?? {})) : undefined;

/**
 * The message of a value a codec refused, in a finance clerk's words: what the field takes, with
 * an example, what was sent, and what to do where a mistake is a common one (an amount sent as a
 * JS number). A field left out is "<path> is required: ...".
 */
const decodeFailure = (node: KeyNode, u: unknown, path: readonly string[], meant: string | undefined): string => {
  const takes = takesOf(node, path);
  if (u === undefined) return `${path.length > 0 ? path.join('.') : 'a value'} is required: ${takes}`;
  const got = node._tag === 'UnionType' && kindsOf(node).length > 0 && typeof u === 'object' && u !== null && 'kind' in u ? `kind ${describe((u as { kind: unknown }).kind)}` : describe(u);
  return `${takes}; got ${got}${meant === undefined ? '' : ` (did you mean ${JSON.stringify(meant)}?)`}${hintFor(node.name, u)}`;
};

/**
 * A codec for a string-literal union, e.g. `oneOf(['cash', 'wechat'], 'Channel')`.
 *
 * @example
 * const Stage = oneOf(['reminder', 'phone'] as const, 'Stage');
 */
export const oneOf = <const L extends readonly [string, ...string[]]>(values: L, name: string): t.KeyofC<{ [K in L[number]]: null }> =>
  t.keyof(Object.fromEntries(values.map((v) => [v, null])) as { [K in L[number]]: null }, name);

/**
 * An object codec with required and optional members, exact (unknown keys are stripped on decode
 * by io-ts `exact`, so events never carry stray fields into hashes). Stripping is what an event read
 * from a log needs; a command must not lose a key silently, so `decodeCommand` also asks
 * {@link undeclaredKeys} and refuses what a struct would strip.
 *
 * @example
 * const Owner = struct({ ownerId: Id, name: NonEmptyText }, { phone: t.string }, 'Owner');
 */
export const struct = <R extends t.Props, O extends t.Props = Record<never, never>>(
  required: R,
  optional: O = {} as O,
  name?: string,
): t.ExactC<t.IntersectionC<[t.TypeC<R>, t.PartialC<O>]>> => t.exact(t.intersection([t.type(required), t.partial(optional)]), name);

/**
 * Decodes a `{ type, data, meta }` message (an event or a command): dispatches on `type` to its data
 * codec, decodes data and meta, and returns every problem of both at once. `what` names the
 * message kind in the errors (`EVENT_INVALID` / `EVENT_TYPE_UNKNOWN`, or `COMMAND_...`).
 *
 * @example
 * decodeMessage(raw, eventDataCodecs, EventMeta, { invalid: 'EVENT_INVALID', unknown: 'EVENT_TYPE_UNKNOWN', noun: 'event' });
 */
export const decodeMessage = <M>(
  raw: unknown,
  dataCodecs: Readonly<Record<string, t.Mixed>>,
  metaCodec: t.Type<M, unknown, unknown>,
  names: { readonly invalid: string; readonly unknown: string; readonly noun: string },
): E.Either<readonly DomainError[], { type: string; data: unknown; meta: M }> => {
  if (typeof raw !== 'object' || raw === null) {
    return E.left([domainError(names.invalid, `a ${names.noun} must be an object with type, data and meta`, [])]);
  }
  const { type, data, meta } = raw as { type?: unknown; data?: unknown; meta?: unknown };
  const codec = typeof type === 'string' && Object.prototype.hasOwnProperty.call(dataCodecs, type) ? dataCodecs[type] : undefined;
  if (typeof type !== 'string' || codec === undefined) {
    return E.left([
      domainError(names.unknown, `${JSON.stringify(type) ?? String(type)} is not a Levy ${names.noun} type`, ['type'], { known: Object.keys(dataCodecs) }),
    ]);
  }
  const d = decodeWith(codec as t.Type<unknown, unknown, unknown>, data, ['data']);
  const m = decodeWith(metaCodec, meta, ['meta']);
  if (E.isLeft(d) || E.isLeft(m)) return E.left([...(E.isLeft(d) ? d.left : []), ...(E.isLeft(m) ? m.left : [])]);
  return E.right({ type, data: d.right, meta: m.right });
};

// ---------------------------------------------------------------------------------------------
// keys a codec does not declare
// ---------------------------------------------------------------------------------------------

/** The parts of an io-ts codec {@link undeclaredKeys} reads (io-ts sets `_tag` on every built-in kind). */
interface KeyNode {
  readonly _tag?: string;
  readonly name: string;
  readonly is: (u: unknown) => boolean;
  readonly type?: KeyNode;
  readonly types?: readonly KeyNode[];
  readonly props?: Readonly<Record<string, KeyNode>>;
  readonly codomain?: KeyNode;
  /** a keyof codec's values */
  readonly keys?: Readonly<Record<string, unknown>>;
  /** a literal codec's value */
  readonly value?: unknown;
}

const hasOwn = Object.prototype.hasOwnProperty;
const SIMPLE_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** The members an object codec declares (an interface, a partial, an intersection of them, under exact/refinement/readonly), or undefined for a codec that is not one. */
const declaredProps = (node: KeyNode): Readonly<Record<string, KeyNode>> | undefined => {
  switch (node._tag) {
    case 'InterfaceType':
    case 'PartialType':
      return node.props;
    case 'ExactType':
    case 'RefinementType':
    case 'ReadonlyType':
      return node.type === undefined ? undefined : declaredProps(node.type);
    case 'IntersectionType': {
      let merged: Record<string, KeyNode> | undefined;
      for (const member of node.types ?? []) {
        const props = declaredProps(member);
        if (props !== undefined) merged = { ...merged, ...props };
      }
      return merged;
    }
    default:
      return undefined;
  }
};

// declared members of each exact codec, computed once
const exactProps = new WeakMap<KeyNode, { readonly props: Readonly<Record<string, KeyNode>>; readonly names: readonly string[] }>();
const exactPropsOf = (node: KeyNode): { readonly props: Readonly<Record<string, KeyNode>>; readonly names: readonly string[] } => {
  let known = exactProps.get(node);
  if (known === undefined) {
    const props = declaredProps(node) ?? {};
    known = { props, names: Object.keys(props) };
    exactProps.set(node, known);
  }
  return known;
};

const walkKeys = (node: KeyNode, u: unknown, path: readonly string[], out: DomainError[]): void => {
  // only an object or an array can hold a key
  if (typeof u !== 'object' || u === null) return;
  switch (node._tag) {
    case 'ExactType': {
      if (Array.isArray(u)) return;
      const { props, names } = exactPropsOf(node);
      // every own name, as io-ts exact strips them
      for (const key of Object.getOwnPropertyNames(u)) {
        if (!hasOwn.call(props, key)) {
          // a struct's own name (ReceivePayment, Owner), else where it sits (data.dueRule)
          const where = SIMPLE_NAME.test(node.name) ? node.name : path.length > 0 ? path.join('.') : 'the input';
          const fields = names.length > 0 ? `its fields are ${names.join(', ')}` : 'it has no fields';
          const meant = closestName(key, names);
          const details = { field: key, declared: names, expected: 'no such field', actual: describe((u as Record<string, unknown>)[key]) };
          out.push(
            domainError(
              'DECODE_FAILED',
              `${JSON.stringify(key)} is not a field of ${where}${meant === undefined ? '' : ` (did you mean ${JSON.stringify(meant)}?)`}: ${fields}; a misspelt or extra field is refused, not ignored`,
              [...path, key],
              meant === undefined ? details : { ...details, meant },
            ),
          );
        } else walkKeys(props[key]!, (u as Record<string, unknown>)[key], [...path, key], out);
      }
      return;
    }
    case 'InterfaceType':
    case 'PartialType':
    case 'IntersectionType': {
      // not exact: io-ts keeps keys it does not declare, so none is lost; look inside the declared ones
      const props = declaredProps(node);
      if (props === undefined || Array.isArray(u)) return;
      for (const key of Object.keys(props)) if (hasOwn.call(u, key)) walkKeys(props[key]!, (u as Record<string, unknown>)[key], [...path, key], out);
      return;
    }
    case 'UnionType': {
      // the member decoding takes: the first that accepts the value (an exact member's `is` ignores extra keys)
      const member = node.types?.find((m) => m.is(u));
      if (member !== undefined) walkKeys(member, u, path, out);
      return;
    }
    case 'ArrayType':
    case 'ReadonlyArrayType':
      if (!Array.isArray(u) || node.type === undefined) return;
      for (let i = 0; i < u.length; i++) walkKeys(node.type, u[i], [...path, String(i)], out);
      return;
    case 'DictionaryType':
      // a record declares every key; look inside its values
      if (Array.isArray(u) || node.codomain === undefined) return;
      for (const key of Object.keys(u)) walkKeys(node.codomain, (u as Record<string, unknown>)[key], [...path, key], out);
      return;
    case 'RefinementType':
    case 'ReadonlyType':
      if (node.type !== undefined) walkKeys(node.type, u, path, out);
      return;
    default:
      return;
  }
};

/**
 * Every key in `input` that an exact object codec in `codec` (a {@link struct}) does not declare and
 * so would strip on decode, at every depth (members of objects, entries of arrays and records, the
 * member of a union that takes the value), as `DECODE_FAILED` errors at the key's path (prefixed by
 * `path`), each naming the key, the fields declared there and the one it most likely meant
 * ({@link closestName}: "did you mean", and `details.meant`). Empty when nothing would be lost.
 * Values that do not decode are left to {@link decodeWith}; this only reads keys, and never
 * changes `input`. `decodeCommand` uses it; event decoding does not (see {@link struct}).
 *
 * @example
 * undeclaredKeys(struct({ amount: AmountInput }, { targets: t.array(t.string) }), { amount: '5', targts: [] }, ['data']);
 * // [{ code: 'DECODE_FAILED', path: ['data', 'targts'], details: { meant: 'targets', ... },
 * //    message: '"targts" is not a field of data (did you mean "targets"?): its fields are amount, targets; ...' }]
 */
export const undeclaredKeys = (codec: t.Decoder<unknown, unknown>, input: unknown, path: readonly string[] = []): readonly DomainError[] => {
  const out: DomainError[] = [];
  walkKeys(codec as unknown as KeyNode, input, path, out);
  return out;
};
