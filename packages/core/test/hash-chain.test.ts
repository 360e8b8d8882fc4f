import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type StoredEvent, LevyError, canonicalHash, canonicalJson, hashOf, sealEvent, sha256Hex, verifyChain } from '@levy/core';
import { canonicalJsonFast, checkAppend, sealChecked } from '@levy/core/engine';
import { runs } from '../../testkit/test/support/properties.js';

// plain JSON as events carry it: safe integers only, strings with any code units
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.option(tie('value'), { nil: undefined }), { maxKeys: 5 }),
  ),
})).value;

describe('canonical JSON on the append path', () => {
  it('writes exactly the bytes canonicalJson writes, for any plain JSON value', () => {
    fc.assert(fc.property(json, (v) => canonicalJsonFast(v) === canonicalJson(v)), { numRuns: runs(500) });
  });
  it('refuses what canonicalJson refuses, with the same error', () => {
    // eslint-disable-next-line no-sparse-arrays
    const gap = [1, , 2];
    for (const bad of [{ a: 1.5 }, { a: [Number.NaN] }, { a: 2n }, { f: () => 1 }, new Map([['x', 1]]), { a: new Set([1]) }, { a: new Date(0) }, { a: [1, undefined] }, { a: gap }, { a: new (class Charge {})() }]) {
      let fast: unknown;
      let slow: unknown;
      try { canonicalJsonFast(bad); } catch (e) { fast = e; }
      try { canonicalJson(bad); } catch (e) { slow = e; }
      expect(fast).toBeInstanceOf(LevyError);
      expect((fast as LevyError).error).toEqual((slow as LevyError).error);
    }
  });
});

describe('canonical JSON refuses what has no single JSON form', () => {
  const refusal = (value: unknown): { code: string; path: readonly string[] } => {
    try {
      canonicalJson(value);
    } catch (e) {
      if (e instanceof LevyError) return { code: e.error.code, path: e.error.path };
      throw e;
    }
    throw new Error('expected a refusal');
  };
  // audit: canonicalHash(new Map([['x', 1]])) was canonicalHash({})
  it('refuses a Map, a Set and a class instance rather than writing {}', () => {
    expect(() => canonicalHash(new Map([['x', 1]]))).toThrow(LevyError);
    expect(refusal(new Map([['x', 1]]))).toEqual({ code: 'CANONICAL_JSON_TYPE', path: ['$'] });
    expect(refusal({ lines: new Map() })).toEqual({ code: 'CANONICAL_JSON_TYPE', path: ['$.lines'] });
    expect(refusal({ when: [new Set([1])] })).toEqual({ code: 'CANONICAL_JSON_TYPE', path: ['$.when[0]'] });
    class Charge {
      readonly amount = '1.00';
    }
    expect(refusal({ c: new Charge() })).toEqual({ code: 'CANONICAL_JSON_TYPE', path: ['$.c'] });
    expect(refusal({ bytes: new Uint8Array([1]) })).toEqual({ code: 'CANONICAL_JSON_TYPE', path: ['$.bytes'] });
  });
  it('refuses a Date, whose toJSON would pick a zone and turn an invalid date into null', () => {
    expect(refusal({ at: new Date(0) })).toEqual({ code: 'CANONICAL_JSON_TYPE', path: ['$.at'] });
    expect(refusal({ at: new Date(Number.NaN) })).toEqual({ code: 'CANONICAL_JSON_TYPE', path: ['$.at'] });
  });
  it('refuses undefined and gaps inside arrays instead of writing null', () => {
    expect(refusal({ a: [1, undefined] })).toEqual({ code: 'CANONICAL_JSON_TYPE', path: ['$.a[1]'] });
    expect(refusal(new Array(2))).toEqual({ code: 'CANONICAL_JSON_TYPE', path: ['$[0]'] });
  });
  it('still refuses what it refused: floats, NaN, infinity, bigints, functions, symbols, undefined', () => {
    expect(refusal({ a: 1.5 })).toEqual({ code: 'CANONICAL_JSON_NUMBER', path: ['$.a'] });
    expect(refusal({ a: Number.NaN }).code).toBe('CANONICAL_JSON_NUMBER');
    expect(refusal({ a: Number.NEGATIVE_INFINITY }).code).toBe('CANONICAL_JSON_NUMBER');
    expect(refusal({ a: 1n })).toEqual({ code: 'CANONICAL_JSON_TYPE', path: ['$.a'] });
    expect(refusal({ a: () => 1 }).code).toBe('CANONICAL_JSON_TYPE');
    expect(refusal({ a: Symbol('x') }).code).toBe('CANONICAL_JSON_TYPE');
    expect(refusal(undefined)).toEqual({ code: 'CANONICAL_JSON_TYPE', path: ['$'] });
  });
  it('still writes plain objects, objects without a prototype, toJSON values, and drops undefined members', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 'x' });
    expect(canonicalJson({ bare, m: { toJSON: () => '2.00' }, gone: undefined, list: [null, true] })).toBe('{"bare":{"a":"x","b":1},"list":[null,true],"m":"2.00"}');
  });
});

describe('sealing', () => {
  it('hashes the canonical JSON of { stream, revision, type, data, meta with prevHash }', () => {
    const e = sealEvent('levy.account-c1.101', 3n, 'ab'.repeat(32), { type: 'PaymentReceived', data: { amount: '250.60' }, meta: { eventId: 'pay-1', actor: '出纳' } });
    const expected = sha256Hex(canonicalJson({ stream: 'levy.account-c1.101', revision: '3', type: 'PaymentReceived', data: { amount: '250.60' }, meta: { eventId: 'pay-1', actor: '出纳', prevHash: 'ab'.repeat(32) } }));
    expect(e.meta.hash).toBe(expected);
    expect(e.meta.prevHash).toBe('ab'.repeat(32));
  });
  it('slots the chain fields into any meta exactly where canonical JSON sorts them', () => {
    const meta = fc.dictionary(fc.string({ unit: 'binary', maxLength: 9 }), json, { maxKeys: 6 });
    fc.assert(
      fc.property(meta, fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: null }), fc.bigInt({ min: 0n, max: 2n ** 62n }), (m, prev, rev) => {
        const event = { type: 'T', data: { m }, meta: { ...m, eventId: 'e' } };
        const row = sealChecked('s', rev, prev, checkAppend('s', [event], 'any').events[0]!);
        const { prevHash: _p, hash: _h, ...bare } = event.meta as Record<string, unknown>;
        expect(row.sealedMetaJson).toBe(canonicalJson({ ...bare, prevHash: prev, hash: row.hash }));
        expect(row.hash).toBe(hashOf('s', rev, { type: 'T', data: { m }, meta: { ...bare, eventId: 'e', prevHash: prev } }));
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('verifyChain', () => {
  const log = (): StoredEvent[] => {
    const out: StoredEvent[] = [];
    const heads = new Map<string, string | null>();
    for (let i = 0; i < 12; i++) {
      const stream = `s${i % 3}`;
      const revision = BigInt(Math.floor(i / 3));
      const sealed = sealEvent(stream, revision, heads.get(stream) ?? null, { type: 'T', data: { i }, meta: { eventId: `e${i}` } });
      heads.set(stream, sealed.meta.hash);
      out.push({ ...sealed, streamId: stream, revision, position: BigInt(i + 1) });
    }
    return out;
  };
  it('accepts an intact log and counts it', () => {
    expect(verifyChain(log())).toEqual({ ok: true, count: 12 });
  });
  it('names the first event whose content no longer matches its hash', () => {
    const l = log();
    l[5] = { ...l[5]!, type: 'Forged' };
    const v = verifyChain(l);
    expect(v.ok === false && [v.at.meta.eventId, v.code, v.count]).toEqual(['e5', 'HASH_MISMATCH', 5]);
  });
  it('names a stream that does not start at revision 0 or skips one', () => {
    const l = log();
    const v = verifyChain(l.slice(3));
    expect(v.ok === false && [v.at.meta.eventId, v.code]).toEqual(['e3', 'REVISION_GAP']);
  });
  // audit: an edited number made verifyChain throw CANONICAL_JSON_NUMBER instead of giving a verdict
  it('calls an edited number that no store writes (a float, an unsafe integer) HASH_MISMATCH, not an exception', () => {
    for (const n of [1.5, 2 ** 60, -0.25]) {
      const l = log();
      l[4] = { ...l[4]!, data: { i: n } };
      const v = verifyChain(l);
      expect(v.ok === false && [v.at.meta.eventId, v.code, v.count]).toEqual(['e4', 'HASH_MISMATCH', 4]);
      expect(v.ok === false && v.reason).toContain('content no store writes');
    }
  });
  it('walks an iterable that starts a new walk each time without reading it into an array, and a one-shot iterator as before', () => {
    const l = log();
    let walks = 0;
    const reiterable = {
      [Symbol.iterator]: () => {
        walks++;
        return l[Symbol.iterator]();
      },
    };
    expect(verifyChain(reiterable)).toEqual({ ok: true, count: 12 });
    expect(walks).toBe(1);
    expect(verifyChain(l.values())).toEqual({ ok: true, count: 12 });
    expect(verifyChain(new Set(l))).toEqual({ ok: true, count: 12 });
    // a close whose sealed head the walk passed before it: looked up in a second walk
    const a0 = sealEvent('levy.account-c.1', 0n, null, { type: 'T', data: {}, meta: { eventId: 'a0' } });
    const a1 = sealEvent('levy.account-c.1', 1n, a0.meta.hash, { type: 'T', data: {}, meta: { eventId: 'a1' } });
    const closing = (hash: string) => ({ ...sealEvent('levy.community-c', 0n, null, { type: 'PeriodClosed', data: { heads: [{ streamId: 'levy.account-c.1', revision: '0', hash }] }, meta: { eventId: 'close' } }), streamId: 'levy.community-c', revision: 0n, position: 3n });
    const placed = [{ ...a0, streamId: 'levy.account-c.1', revision: 0n, position: 1n }, { ...a1, streamId: 'levy.account-c.1', revision: 1n, position: 2n }];
    walks = 0;
    const sealed = [...placed, closing(a0.meta.hash)];
    expect(verifyChain({ [Symbol.iterator]: () => (walks++, sealed[Symbol.iterator]()) })).toEqual({ ok: true, count: 3 });
    expect(walks).toBe(2);
    const forged = [...placed, closing(a1.meta.hash)];
    const m = verifyChain({ [Symbol.iterator]: () => forged[Symbol.iterator]() });
    expect(m.ok === false && [m.code, m.at.meta.eventId]).toEqual(['SEALED_HEAD_MISMATCH', 'close']);
    const cut = l.filter((e) => e.meta.eventId !== 'e7');
    const v = verifyChain((function* () { yield* cut; })());
    expect(v.ok === false && [v.at.meta.eventId, v.code]).toEqual(['e10', 'REVISION_GAP']);
  });
  it('names an event without a hash', () => {
    const l = log();
    const { hash: _h, ...meta } = l[0]!.meta;
    const v = verifyChain([{ ...l[0]!, meta }]);
    expect(v.ok === false && v.code).toBe('HASH_MISSING');
  });
});
