import { afterEach, describe, expect, it, vi } from 'vitest';
import * as t from 'io-ts';
import { compileIs } from '../src/fast-is.js';

// every kind of codec the compiler writes out, and two it leaves to io-ts (a record, a custom type)
const Even = t.brand(t.number, (n): n is t.Branded<number, { readonly Even: unique symbol }> => n % 2 === 0, 'Even');
const Custom = new t.Type<string, string, unknown>('Upper', (u): u is string => typeof u === 'string' && u === u.toUpperCase(), (u, c) => t.failure(u, c), (a) => a);
const Everything = t.exact(
  t.intersection([
    t.type({
      text: t.string,
      flag: t.boolean,
      nothing: t.null,
      kind: t.literal('charge'),
      channel: t.keyof({ cash: null, wechat: null }),
      even: Even,
      list: t.array(t.union([t.number, t.literal('x')])),
      nested: t.readonly(t.type({ n: t.number })),
      maybe: t.union([t.string, t.undefined]),
    }),
    t.partial({ note: t.string, tags: t.record(t.string, t.number), loud: Custom }),
  ]),
);

const valid = { text: 'a', flag: true, nothing: null, kind: 'charge', channel: 'cash', even: 4, list: [1, 'x'], nested: { n: 1 }, maybe: undefined };
const holey = (): unknown[] => {
  const a: unknown[] = [];
  a[1] = 3;
  return a;
};

const cases: [string, unknown][] = [
  ['valid', valid],
  ['with the optional members', { ...valid, note: 'n', tags: { a: 1 }, loud: 'UP' }],
  ['an extra member (exact codecs allow it)', { ...valid, extra: 1 }],
  ['a required member left out, though its codec takes undefined', (({ maybe: _, ...rest }) => rest)(valid)],
  ['a required member left out', (({ text: _, ...rest }) => rest)(valid)],
  ['a wrong literal', { ...valid, kind: 'payment' }],
  ['a keyof value that is only inherited', { ...valid, channel: 'toString' }],
  ['a brand whose predicate fails', { ...valid, even: 3 }],
  ['an array with a bad element', { ...valid, list: [1, 'y'] }],
  ['an array with holes (io-ts skips them)', { ...valid, list: holey() }],
  ['an object where an array belongs', { ...valid, list: { 0: 1, length: 1 } }],
  ['an array where an object belongs', { ...valid, nested: [1] }],
  ['a bad partial member', { ...valid, note: 1 }],
  ['a partial member explicitly undefined', { ...valid, note: undefined }],
  ['a record with a bad value (io-ts checks it)', { ...valid, tags: { a: 'one' } }],
  ['a custom codec refusing', { ...valid, loud: 'quiet' }],
  ['null', null],
  ['an array', [valid]],
  ['a string', 'valid'],
];

describe('compileIs', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each(cases)('answers what io-ts answers: %s', (_, value) => {
    expect(compileIs(Everything)(value)).toBe(Everything.is(value));
  });

  it('tells the cases apart: these, and only these, pass', () => {
    const check = compileIs(Everything);
    expect(cases.filter(([, v]) => check(v)).map(([name]) => name)).toEqual([
      'valid',
      'with the optional members',
      'an extra member (exact codecs allow it)',
      'an array with holes (io-ts skips them)',
      'a partial member explicitly undefined',
    ]);
  });

  it('tests for an object only where a member of an intersection asks for one', () => {
    const Short = t.brand(t.string, (s): s is t.Branded<string, { readonly Short: unique symbol }> => s.length < 4, 'Short');
    const Lower = t.brand(t.string, (s): s is t.Branded<string, { readonly Lower: unique symbol }> => s === s.toLowerCase(), 'Lower');
    const ShortLower = t.intersection([Short, Lower]);
    const check = compileIs(ShortLower);
    for (const value of ['abc', 'ABC', 'abcd', '', 3, null, {}]) expect(check(value)).toBe(ShortLower.is(value));
    expect(check('abc')).toBe(true);
  });

  it("falls back to the codec's own is where code cannot be generated (a content security policy)", () => {
    let refused = 0;
    vi.stubGlobal('Function', function NoEval() {
      refused += 1;
      throw new EvalError('code generation from strings disallowed');
    });
    const check = compileIs(Everything);
    expect(refused).toBe(1);
    for (const [, value] of cases) expect(check(value)).toBe(Everything.is(value));
  });
});
