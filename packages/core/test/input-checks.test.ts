// Bad input to the money, pricing, calendar, JSON Lines, upcasting and hash-chain entry points is
// refused with a typed error naming the field, never a raw TypeError or a silently wrong answer.
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { Temporal } from 'temporal-polyfill';
import {
  CNY,
  type Currency,
  DEFAULT_DUE_RULE,
  type DueRule,
  Money,
  MoneyTotal,
  type NewEvent,
  type RoundingMode,
  StoreError,
  currency,
  dec,
  decodeJsonLines,
  dueDateOf,
  isoDateOf,
  openMemoryEventStore,
  parseJsonLines,
  parsePeriodKey,
  priceFor,
  sealEvent,
  splitIntoMonths,
  toJsonLines,
  upcastEvent,
  upcastOrThrow,
  verifyChain,
  zonedDateTimeOf,
} from '@levy/core';
import { thrown } from '../../testkit/test/support/refusals.js';

/** The code and path of what `f` throws; a raw error (not a LevyError) fails the test. */
const refusal = thrown;

const leftOf = <A>(r: E.Either<{ code: string; path: readonly string[] }, A>): { code: string; path: readonly string[] } => {
  if (E.isRight(r)) throw new Error('expected a Left');
  return { code: r.left.code, path: r.left.path };
};

const bad = <T>(x: unknown): T => x as T;

describe('Money: the currency argument', () => {
  const notCurrencies: [string, unknown, readonly string[]][] = [
    ['a scale of 8', { code: 'BTC', scale: 8 }, ['currency', 'scale']],
    ['a scale of 2.5', { code: 'CNY', scale: 2.5 }, ['currency', 'scale']],
    ['a scale of -1', { code: 'CNY', scale: -1 }, ['currency', 'scale']],
    ['a lower-case code', { code: 'cny', scale: 2 }, ['currency', 'code']],
    ['no scale', { code: 'CNY' }, ['currency', 'scale']],
    ['the code as a string', 'CNY', ['currency']],
    ['a number', 42, ['currency']],
    ['null', null, ['currency']],
  ];
  it.each(notCurrencies)('refuses %s in every constructor with CURRENCY_INVALID', (_what, c, path) => {
    const cur = bad<Currency>(c);
    const expected = { code: 'CURRENCY_INVALID', path };
    expect(leftOf(Money.parse('1.00', ['amount'], cur))).toEqual(expected);
    expect(refusal(() => Money.of('1', cur))).toEqual(expected);
    expect(refusal(() => Money.fromMinorUnits(1, cur))).toEqual(expected);
    expect(refusal(() => Money.zero(cur))).toEqual(expected);
    expect(refusal(() => Money.round(dec('1.5'), 'half-up', cur))).toEqual(expected);
    expect(refusal(() => Money.fromMinorDecimal(dec('150'), 'half-up', cur))).toEqual(expected);
    expect(refusal(() => Money.sum([], cur))).toEqual(expected);
    expect(refusal(() => new MoneyTotal(cur))).toEqual(expected);
  });
  it('still takes CNY, an equal currency made by currency(), and the other scales from 0 to 6', () => {
    expect(Money.of('1.50', currency('CNY', 2)).toString()).toBe('1.50');
    expect(Money.of('1', currency('JPY', 0)).toString()).toBe('1');
    expect(Money.of('1.000001', currency('XAU', 6)).toString()).toBe('1.000001');
    expect(Money.zero(CNY).toString()).toBe('0.00');
    expect(Money.of('1.5', { code: 'USD', scale: 2 }).toString()).toBe('1.50');
  });
});

describe('Money: the rounding argument', () => {
  it.each(['sideways', 'DOWN', 'toString', '', null])('refuses rounding %j with ROUNDING_INVALID at rounding', (r) => {
    const rounding = bad<RoundingMode>(r);
    const expected = { code: 'ROUNDING_INVALID', path: ['rounding'] };
    expect(refusal(() => Money.of('1.00').times('0.333', rounding))).toEqual(expected);
    expect(refusal(() => Money.round(dec('1.005'), rounding))).toEqual(expected);
    expect(refusal(() => Money.fromMinorDecimal(dec('100.5'), rounding))).toEqual(expected);
  });
  it('refuses a bad rounding even when nothing needs rounding', () => {
    expect(refusal(() => Money.of('1.00').times('2', bad<RoundingMode>('sideways')))).toEqual({ code: 'ROUNDING_INVALID', path: ['rounding'] });
  });
  it('rounds with each mode it knows', () => {
    expect(Money.round(dec('1.005'), 'down').toString()).toBe('1.00');
    expect(Money.round(dec('1.001'), 'up').toString()).toBe('1.01');
    expect(Money.round(dec('1.005'), 'half-even').toString()).toBe('1.00');
    expect(Money.of('1.00').times('0.335', 'down').toString()).toBe('0.33');
  });
});

describe('Money#times and #timesUnrounded: the factors', () => {
  it.each([
    ['an object', {}],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
  ])('refuses %s as a factor with DECIMAL_INVALID at factors', (_what, f) => {
    const factor = bad<string>(f);
    expect(refusal(() => Money.of('1.00').times(factor))).toEqual({ code: 'DECIMAL_INVALID', path: ['factors'] });
    expect(refusal(() => Money.of('1.00').timesUnrounded(factor))).toEqual({ code: 'DECIMAL_INVALID', path: ['factors'] });
  });
  it('names the place of a bad factor in a list', () => {
    expect(refusal(() => Money.of('1.00').times(['2', bad<string>({})]))).toEqual({ code: 'DECIMAL_INVALID', path: ['factors', '1'] });
    expect(refusal(() => Money.of('1.00').times(['2', '1e3']))).toEqual({ code: 'DECIMAL_INVALID', path: ['factors', '1'] });
    expect(refusal(() => Money.of('1.00').timesUnrounded(['0.0003', 1.5]))).toEqual({ code: 'DECIMAL_INVALID', path: ['factors', '1'] });
  });
  it('refuses an empty list of factors rather than multiplying by 1', () => {
    expect(refusal(() => Money.of('1.00').times([]))).toEqual({ code: 'DECIMAL_INVALID', path: ['factors'] });
    expect(refusal(() => Money.of('1.00').timesUnrounded([]))).toEqual({ code: 'DECIMAL_INVALID', path: ['factors'] });
  });
});

describe('Money.allocate and Money.split: the total and the ratios', () => {
  it('refuses a total that is not a Money with AMOUNT_INVALID at total', () => {
    expect(refusal(() => Money.allocate(bad<Money>(5), ['1']))).toEqual({ code: 'AMOUNT_INVALID', path: ['total'] });
    expect(refusal(() => Money.split(bad<Money>(42), 3))).toEqual({ code: 'AMOUNT_INVALID', path: ['total'] });
    expect(refusal(() => splitIntoMonths(bad<Money>('10.00'), 2))).toEqual({ code: 'AMOUNT_INVALID', path: ['total'] });
  });
  it('refuses ratios that are not an array', () => {
    expect(refusal(() => Money.allocate(Money.of('1.00'), bad<string[]>('ab')))).toEqual({ code: 'ALLOCATION_RATIOS_INVALID', path: ['ratios'] });
    expect(refusal(() => Money.allocate(Money.of('1.00'), bad<string[]>(null)))).toEqual({ code: 'ALLOCATION_RATIOS_INVALID', path: ['ratios'] });
  });
  it('names the place of a ratio that is not a decimal', () => {
    expect(refusal(() => Money.allocate(Money.of('1.00'), ['1', 'x']))).toEqual({ code: 'DECIMAL_INVALID', path: ['ratios', '1'] });
    expect(refusal(() => Money.allocate(Money.of('1.00'), [bad<string>({}), '1']))).toEqual({ code: 'DECIMAL_INVALID', path: ['ratios', '0'] });
  });
});

describe('priceFor: the prices object', () => {
  it('refuses a misspelt byGrade rather than charging the use type price', () => {
    const prices = bad<Parameters<typeof priceFor>[0]>({ byUseType: { commercial: '6.50' }, bygrade: { 'office-A': '9.00' } });
    expect(leftOf(priceFor(prices, 'commercial', 'office-A'))).toEqual({ code: 'CHARGE_INPUT_UNKNOWN_FIELD', path: ['prices', 'bygrade'] });
    const r = priceFor(prices, 'commercial', 'office-A');
    expect(E.isLeft(r) && r.left.message).toMatch(/did you mean byGrade/);
  });
  it('still reads byUseType alone and byGrade', () => {
    expect(priceFor({ byUseType: { commercial: '6.50' }, byGrade: { 'office-A': '9.00' } }, 'commercial', 'office-A')).toEqual(E.right('9.00'));
    expect(priceFor({ byUseType: { commercial: '6.50' } }, 'commercial')).toEqual(E.right('6.50'));
  });
});

describe('dueDateOf: the rule', () => {
  const march = parsePeriodKey('2025-03');
  if (E.isLeft(march)) throw new Error('period');
  const m = march.right;
  it.each([
    ['a field in-advance does not have', { kind: 'in-advance', day: 15 }, ['rule', 'day']],
    ['a field beside day', { kind: 'day-of-next-month', day: 15, extra: 1 }, ['rule', 'extra']],
    ['a day of 0', { kind: 'day-of-next-month', day: 0 }, ['rule', 'day']],
    ['days of 1.5', { kind: 'days-after-period-end', days: 1.5 }, ['rule', 'days']],
    ['an unknown kind', { kind: 'end-of-month' }, ['rule', 'kind']],
    ['null', null, ['rule']],
    ['a string', 'in-advance', ['rule']],
  ])('throws DUE_RULE_INVALID for %s', (_what, rule, path) => {
    expect(refusal(() => dueDateOf(m, bad<DueRule>(rule)))).toEqual({ code: 'DUE_RULE_INVALID', path });
  });
  it('gives the due date under a valid rule, frozen or not, and again under the same one', () => {
    expect(isoDateOf(dueDateOf(m, DEFAULT_DUE_RULE))).toBe('2025-04-15');
    expect(isoDateOf(dueDateOf(m, DEFAULT_DUE_RULE))).toBe('2025-04-15');
    expect(isoDateOf(dueDateOf(m, { kind: 'days-after-period-end', days: 10 }))).toBe('2025-04-10');
    expect(isoDateOf(dueDateOf(m, { kind: 'in-advance' }))).toBe('2025-03-01');
  });
  it('checks a rule that is not frozen each time it is given', () => {
    const rule = { kind: 'in-advance' } as { kind: 'in-advance'; day?: number };
    expect(isoDateOf(dueDateOf(m, rule))).toBe('2025-03-01');
    rule.day = 15;
    expect(refusal(() => dueDateOf(m, rule))).toEqual({ code: 'DUE_RULE_INVALID', path: ['rule', 'day'] });
  });
});

describe('zonedDateTimeOf: the instant and the zone', () => {
  const instant = Temporal.Instant.from('2025-01-31T16:30:00Z');
  it('refuses a zone that is not a string with TIME_ZONE_INVALID', () => {
    expect(refusal(() => zonedDateTimeOf(instant, bad<string>(42)))).toEqual({ code: 'TIME_ZONE_INVALID', path: ['timeZone'] });
    expect(refusal(() => zonedDateTimeOf(instant, bad<string>(null)))).toEqual({ code: 'TIME_ZONE_INVALID', path: ['timeZone'] });
  });
  it('refuses an instant that is not a Temporal.Instant with INSTANT_INVALID', () => {
    expect(refusal(() => zonedDateTimeOf(bad<Temporal.Instant>('2025-01-31T16:30:00Z')))).toEqual({ code: 'INSTANT_INVALID', path: ['instant'] });
    expect(refusal(() => zonedDateTimeOf(bad<Temporal.Instant>(null)))).toEqual({ code: 'INSTANT_INVALID', path: ['instant'] });
  });
  it('still sees an instant in a zone', () => {
    expect(zonedDateTimeOf(instant).toString()).toBe('2025-02-01T00:30:00+08:00[Asia/Shanghai]');
  });
});

describe('JSON Lines: text and events that are not what they should be', () => {
  it.each([null, undefined, 42, {}])('parseJsonLines and decodeJsonLines refuse %j with JSONL_INVALID at []', (text) => {
    for (const r of [parseJsonLines(bad<string>(text)), decodeJsonLines(bad<string>(text))]) {
      expect(E.isLeft(r)).toBe(true);
      if (E.isLeft(r)) expect(r.left.map((e) => [e.code, e.path])).toEqual([['JSONL_INVALID', []]]);
    }
  });
  it('toJsonLines refuses events that are not an iterable of events', () => {
    expect(refusal(() => toJsonLines(bad<[]>('abc')))).toEqual({ code: 'JSONL_INVALID', path: ['events'] });
    expect(refusal(() => toJsonLines(bad<[]>(null)))).toEqual({ code: 'JSONL_INVALID', path: ['events'] });
    expect(refusal(() => toJsonLines(bad<[]>(42)))).toEqual({ code: 'JSONL_INVALID', path: ['events'] });
    expect(refusal(() => toJsonLines(bad<[]>([42])))).toEqual({ code: 'JSONL_INVALID', path: ['events', '0'] });
  });
});

describe('upcasting: an event without meta or data', () => {
  it('upcastEvent refuses an event without a meta object, and one that is not an object', () => {
    expect(leftOf(upcastEvent(bad<NewEvent>({ type: 'PaymentReceived', data: {} })))).toEqual({ code: 'EVENT_INVALID', path: ['meta'] });
    expect(leftOf(upcastEvent(bad<NewEvent>({ type: 'PaymentReceived', data: {}, meta: null })))).toEqual({ code: 'EVENT_INVALID', path: ['meta'] });
    expect(leftOf(upcastEvent(bad<NewEvent>(null)))).toEqual({ code: 'EVENT_INVALID', path: [] });
  });
  it('upcastEvent refuses an event to upcast without a data object', () => {
    expect(leftOf(upcastEvent(bad<NewEvent>({ type: 'PaymentReceived', meta: { schemaVersion: 0 } })))).toEqual({ code: 'EVENT_INVALID', path: ['data'] });
  });
  it('upcastOrThrow throws the refusal as a LevyError', () => {
    expect(refusal(() => upcastOrThrow(bad<NewEvent>({ type: 'PaymentReceived', data: {} })))).toEqual({ code: 'EVENT_INVALID', path: ['meta'] });
    expect(refusal(() => upcastOrThrow(bad<NewEvent>(undefined)))).toEqual({ code: 'EVENT_INVALID', path: [] });
  });
});

describe('verifyChain: a log that is not one', () => {
  it.each([null, undefined, 42, 'abc', {}])('throws CHAIN_INPUT_INVALID at [] for %j', (log) => {
    expect(refusal(() => verifyChain(bad<[]>(log)))).toEqual({ code: 'CHAIN_INPUT_INVALID', path: [] });
  });
});

describe('sealEvent: the revision, the prevHash and the event', () => {
  const event = { type: 'T', data: { n: 1 }, meta: { eventId: 'e1' } };
  // a StoreError, as every store refusal is
  const storeRefusal = (f: () => unknown): { code: string; path: readonly string[] } => {
    expect(f).toThrow(StoreError);
    return thrown(f);
  };
  it('refuses a revision that is not a bigint from 0n', () => {
    expect(storeRefusal(() => sealEvent('s', -1n, null, event))).toEqual({ code: 'EVENT_INVALID', path: ['revision'] });
    expect(storeRefusal(() => sealEvent('s', bad<bigint>(0), null, event))).toEqual({ code: 'EVENT_INVALID', path: ['revision'] });
    expect(storeRefusal(() => sealEvent('s', 2n ** 63n, null, event))).toEqual({ code: 'EVENT_INVALID', path: ['revision'] });
  });
  it('refuses a prevHash that is neither null nor a hash', () => {
    expect(storeRefusal(() => sealEvent('s', 1n, 'nothex', event))).toEqual({ code: 'EVENT_INVALID', path: ['prevHash'] });
    expect(storeRefusal(() => sealEvent('s', 1n, 'AB'.repeat(32), event))).toEqual({ code: 'EVENT_INVALID', path: ['prevHash'] });
    expect(storeRefusal(() => sealEvent('s', 1n, bad<string>(undefined), event))).toEqual({ code: 'EVENT_INVALID', path: ['prevHash'] });
  });
  it('names the field inside the event it was given, not a place in a list it was not given', () => {
    expect(storeRefusal(() => sealEvent('s', 0n, null, { ...event, data: { n: Number.NaN } }))).toEqual({ code: 'EVENT_INVALID', path: ['data', 'n'] });
    expect(storeRefusal(() => sealEvent('s', 0n, null, { ...event, meta: { eventId: 'e1', tags: new Set() } as never }))).toEqual({ code: 'EVENT_INVALID', path: ['meta', 'tags'] });
    expect(storeRefusal(() => sealEvent('s', 0n, null, { ...event, type: '' }))).toEqual({ code: 'EVENT_INVALID', path: ['type'] });
    expect(storeRefusal(() => sealEvent('s', 0n, null, bad<NewEvent>(null)))).toEqual({ code: 'EVENT_INVALID', path: [] });
  });
  it('still seals a good event at any place', () => {
    const first = sealEvent('s', 0n, null, event);
    expect(sealEvent('s', 1n, first.meta.hash, { ...event, meta: { eventId: 'e2' } }).meta.prevHash).toBe(first.meta.hash);
  });
});

describe('store refusals: the path into data and meta, one segment a key', () => {
  const refusalOf = async (data: unknown, meta: unknown = { eventId: 'x' }): Promise<readonly string[] | undefined> => {
    const s = openMemoryEventStore();
    const e = await s.appendToStream('a', [{ type: 'T', data: {}, meta: { eventId: 'ok' } }, bad<NewEvent>({ type: 'T', data, meta })]).then(
      () => undefined,
      (x: unknown) => x,
    );
    return e instanceof StoreError ? e.error.path : undefined;
  };
  it('splits the path at keys and indexes', async () => {
    expect(await refusalOf({ n: Number.NaN })).toEqual(['events', '1', 'data', 'n']);
    expect(await refusalOf({ lines: [{ amount: 1.5 }] })).toEqual(['events', '1', 'data', 'lines', '0', 'amount']);
    expect(await refusalOf({}, { eventId: 'x', at: { when: new Date(0) } })).toEqual(['events', '1', 'meta', 'at', 'when']);
  });
  it('keeps a key that holds a dot or a bracket whole', async () => {
    expect(await refusalOf({ 'a.b': { 'c[0]': 1n } })).toEqual(['events', '1', 'data', 'a.b', 'c[0]']);
    // 'a' and 'a.b' both start the string '.a.b': the one whose value is refused is named
    expect(await refusalOf({ a: { b: 1 }, 'a.b': 1.5 })).toEqual(['events', '1', 'data', 'a.b']);
  });
  it('reads through toJSON, as canonical JSON does', async () => {
    const wrapper = { toJSON: () => ({ inner: 1.5 }) };
    expect(await refusalOf({ w: wrapper })).toEqual(['events', '1', 'data', 'w', 'inner']);
  });
});
