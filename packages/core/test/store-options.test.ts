// The store port's option and id checks (store.ts), through the in-memory store: a misspelt or
// malformed option is refused at the field, never ignored; an id or type with a lone UTF-16
// surrogate is refused, since no file can keep it. The SQLite store runs the same cases in its
// own test/store-options.test.ts.
import { describe, expect, it } from 'vitest';
import { type EventStore, type NewEvent, closestName, openMemoryEventStore } from '@levy/core';
import { checkAppendOptions, checkFilter, checkOptionNames, checkReadAllOptions, checkReadStreamOptions, checkSubscribeOptions } from '@levy/core/engine';
import { collect, storeRefusal } from '../../testkit/test/support/refusals.js';

const ev = (eventId: string, type = 'T'): NewEvent => ({ type, data: {}, meta: { eventId } });
const refusal = storeRefusal;
const seeded = async (): Promise<EventStore> => {
  const s = openMemoryEventStore();
  await s.appendToStream('a', [ev('a0'), ev('a1'), ev('a2')]);
  await s.appendToStream('b', [ev('b0', 'U')]);
  return s;
};

describe('append options', () => {
  it('refuses a misspelt option instead of appending without the check it meant, and writes nothing', async () => {
    const s = await seeded();
    const cases: Array<[unknown, string[]]> = [
      [{ expectedRevison: 'no-stream' }, ['expectedRevison']],
      [{ gaurds: [{ streamId: 'b', expectedRevision: 'no-stream' }] }, ['gaurds']],
      [{ expectedRevision: 'no-stream', guard: [] }, ['guard']],
      [{ guards: [{ streamId: 'b', expectedRevision: 0n, streamId2: 'c' }] }, ['guards', '0', 'streamId2']],
      [{ guards: [{ streamId: 'b', expected: 'no-stream' }] }, ['guards', '0', 'expected']],
    ];
    for (const [options, path] of cases) {
      expect(await refusal(() => s.appendToStream('a', [ev('x')], options as never)), JSON.stringify(path)).toMatchObject({ code: 'OPTIONS_INVALID', path });
    }
    expect((await collect(s.readAll())).map((e) => e.meta.eventId)).toEqual(['a0', 'a1', 'a2', 'b0']);
  });
  it('suggests the option a misspelt one most likely meant', async () => {
    const s = await seeded();
    const e = await refusal(() => s.appendToStream('a', [ev('x')], { expectedRevison: 'no-stream' } as never));
    expect(e).toMatchObject({ details: { option: 'expectedRevison', didYouMean: 'expectedRevision' } });
    expect((e as { message: string }).message).toContain('did you mean "expectedRevision"?');
    expect(await refusal(() => s.appendToStream('a', [ev('x')], { gaurds: [] } as never))).toMatchObject({ details: { didYouMean: 'guards' } });
  });
  it("refuses options that are not an object at ['options'] (null, 0n, an array, a string, a Map), and takes undefined as none", async () => {
    const s = await seeded();
    for (const bad of [null, 0n, 0, '', 'no-stream', [], new Map([['expectedRevision', 'no-stream']]), true]) {
      expect(await refusal(() => s.appendToStream('a', [ev('x')], bad as never)), String(bad)).toMatchObject({ code: 'OPTIONS_INVALID', path: ['options'] });
    }
    expect((await s.appendToStream('a', [ev('a3')], undefined)).nextExpectedRevision).toBe(3n);
    expect((await s.appendToStream('a', [ev('a4')], { expectedRevision: undefined, guards: undefined })).nextExpectedRevision).toBe(4n);
  });
  it('still checks what the options say', async () => {
    const s = await seeded();
    expect(await refusal(() => s.appendToStream('a', [ev('x')], { expectedRevision: 'no-stream' }))).toMatchObject({ code: 'CONCURRENCY_CONFLICT' });
    expect(await refusal(() => s.appendToStream('a', [ev('x')], { guards: [{ streamId: 'b', expectedRevision: 'no-stream' }] }))).toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
      path: ['guards', '0', 'expectedRevision'],
    });
  });
});

describe('lone UTF-16 surrogates', () => {
  it('refuses them in a stream id, an event type or an event id, naming the field, and writes nothing', async () => {
    const s = openMemoryEventStore();
    expect(await refusal(() => s.appendToStream('\uD800', [ev('x')]))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['streamId'] });
    expect(await refusal(() => s.appendToStream('levy.account-\uDC00x', [ev('x')]))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['streamId'] });
    expect(await refusal(() => s.appendToStream('a', [ev('ok'), ev('x', 'Paid\uD83D')]))).toMatchObject({ code: 'EVENT_INVALID', path: ['events', '1', 'type'] });
    expect(await refusal(() => s.appendToStream('a', [ev('ok'), ev('pay-\uDE00-1')]))).toMatchObject({ code: 'EVENT_INVALID', path: ['events', '1', 'meta', 'eventId'] });
    expect(await refusal(() => s.appendToStream('a', [ev('x')], { guards: [{ streamId: 'b\uD800', expectedRevision: 'any' }] }))).toMatchObject({
      code: 'OPTIONS_INVALID',
      path: ['guards', '0', 'streamId'],
    });
    expect(await collect(s.readAll())).toEqual([]);
  });
  it('names the code unit and where it is', async () => {
    const e = await refusal(() => openMemoryEventStore().appendToStream('ab\uD801', [ev('x')]));
    expect((e as { message: string }).message).toContain('\\uD801 at index 2');
  });
  it('keeps well-formed text, surrogate pairs included, and lone surrogates inside data (JSON escapes them)', async () => {
    const s = openMemoryEventStore();
    await s.appendToStream('levy.account-🏠-𠀋', [{ type: '缴费😀', data: { note: 'x\uD800y' }, meta: { eventId: '𠀋-1' } }]);
    const [e] = await collect(s.readStream('levy.account-🏠-𠀋'));
    expect([e!.type, e!.meta.eventId, e!.data.note]).toEqual(['缴费😀', '𠀋-1', 'x\uD800y']);
  });
  it('refuses them in a read: the stream id, the filter prefix and types', async () => {
    const s = await seeded();
    expect(await refusal(() => collect(s.readStream('\uD800')))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['streamId'] });
    expect(await refusal(() => collect(s.readAll({ filter: { streamPrefix: 'a\uDFFF' } })))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['filter', 'streamPrefix'] });
    expect(await refusal(() => collect(s.readAll({ filter: { types: ['T', '\uD800'] } })))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['filter', 'types', '1'] });
  });
});

describe('read options', () => {
  it('refuses a key readAll does not know instead of reading everything', async () => {
    const s = await seeded();
    const cases: Array<[unknown, string[], string | undefined]> = [
      [{ from: 4n }, ['from'], 'fromPosition'],
      [{ limit: 1 }, ['limit'], 'max'],
      [{ position: 2n }, ['position'], 'fromPosition'],
      [{ filter: { type: ['Nope'] } }, ['filter', 'type'], 'types'],
      [{ filter: { prefix: 'zzz' } }, ['filter', 'prefix'], 'streamPrefix'],
      [{ filter: { streamPrefix: 'a', typess: ['T'] } }, ['filter', 'typess'], 'types'],
    ];
    for (const [options, path, hint] of cases) {
      expect(await refusal(() => collect(s.readAll(options as never))), JSON.stringify(path)).toMatchObject({ code: 'OPTIONS_INVALID', path, details: { didYouMean: hint } });
    }
  });
  it('refuses a key readStream does not know instead of reading forwards from 0', async () => {
    const s = await seeded();
    expect(await refusal(() => collect(s.readStream('a', { dir: 'backwards' } as never)))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['dir'], details: { didYouMean: 'direction' } });
    expect(await refusal(() => collect(s.readStream('a', { fromRevision: 2n } as never)))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['fromRevision'] });
    expect(await refusal(() => collect(s.readStream('a', { backwards: true } as never)))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['backwards'] });
    // before looking for the stream: a bad option is the caller's mistake whether or not it exists
    expect(await refusal(() => collect(s.readStream('nope', { dir: 'backwards' } as never)))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['dir'] });
  });
  it("refuses read options that are not an object at ['options'], and takes undefined as none", async () => {
    const s = await seeded();
    for (const bad of [null, 5, 'backwards', [], 0n]) {
      expect(await refusal(() => collect(s.readAll(bad as never))), String(bad)).toMatchObject({ code: 'OPTIONS_INVALID', path: ['options'] });
      expect(await refusal(() => collect(s.readStream('a', bad as never))), String(bad)).toMatchObject({ code: 'OPTIONS_INVALID', path: ['options'] });
    }
    expect(await refusal(() => collect(s.readAll({ filter: null } as never)))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['filter'] });
    expect(await refusal(() => collect(s.readAll({ filter: ['a'] } as never)))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['filter'] });
    expect((await collect(s.readAll(undefined))).length).toBe(4);
    expect((await collect(s.readStream('a', undefined))).length).toBe(3);
  });
  it('refuses a revision or position no store can hold (above 2n ** 63n - 1n) at the field', async () => {
    const s = await seeded();
    expect(await refusal(() => collect(s.readAll({ fromPosition: 2n ** 64n })))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['fromPosition'] });
    expect(await refusal(() => collect(s.readStream('a', { from: 2n ** 64n })))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['from'] });
    expect(await refusal(() => collect(s.readStream('a', { direction: 'backwards', from: 2n ** 70n })))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['from'] });
    expect(await refusal(() => s.subscribeToAll({ checkpoint: 2n ** 63n - 1n }))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['checkpoint'] });
    // the largest is fine, and past the end reads nothing
    expect(await collect(s.readAll({ fromPosition: 2n ** 63n - 1n }))).toEqual([]);
    expect((await collect(s.readStream('a', { direction: 'backwards', from: 2n ** 63n - 1n }))).map((e) => e.revision)).toEqual([2n, 1n, 0n]);
  });
  it('reads with a copy of the filter: changing it afterwards changes nothing begun', async () => {
    const s = await seeded();
    const filter = { types: ['U'] };
    const sub = s.subscribeToAll({ filter });
    filter.types.push('T');
    const it = sub[Symbol.asyncIterator]();
    expect((await it.next()).value?.meta.eventId).toBe('b0');
    await sub.close();
  });
});

describe('subscription options', () => {
  it('refuses a key subscribeToAll does not know instead of starting at the beginning', async () => {
    const s = await seeded();
    expect(await refusal(() => s.subscribeToAll({ checkPoint: 3n } as never))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['checkPoint'], details: { didYouMean: 'checkpoint' } });
    expect(await refusal(() => s.subscribeToAll({ from: 3n } as never))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['from'] });
    expect(await refusal(() => s.subscribeToAll({ filter: { prefix: 'a' } } as never))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['filter', 'prefix'] });
  });
  it("refuses options that are not an object at ['options'], and takes undefined and {} as none", async () => {
    const s = await seeded();
    for (const bad of [null, 3n, 'all', []]) {
      expect(await refusal(() => s.subscribeToAll(bad as never)), String(bad)).toMatchObject({ code: 'OPTIONS_INVALID', path: ['options'] });
    }
    for (const none of [undefined, {}, { checkpoint: undefined }]) {
      const sub = s.subscribeToAll(none);
      expect((await sub[Symbol.asyncIterator]().next()).value?.position).toBe(1n);
      await sub.close();
    }
  });
});

describe('in-memory store options', () => {
  it("refuses options that are not an object at ['options'], a key other than seed, and a seed that is not iterable", async () => {
    for (const bad of [null, 'seed', [], 1]) expect(await refusal(() => openMemoryEventStore(bad as never)), String(bad)).toMatchObject({ code: 'OPTIONS_INVALID', path: ['options'] });
    expect(await refusal(() => openMemoryEventStore({ seeds: [] } as never))).toMatchObject({ code: 'OPTIONS_INVALID', path: ['seeds'], details: { didYouMean: 'seed' } });
    for (const bad of [null, 5, 'abc', {}]) expect(await refusal(() => openMemoryEventStore({ seed: bad } as never)), String(bad)).toMatchObject({ code: 'OPTIONS_INVALID', path: ['seed'] });
    expect(await collect(openMemoryEventStore({ seed: new Set() }).readAll())).toEqual([]);
  });
});

describe('the shared checks', () => {
  it('checkOptionNames: undefined is none, a plain or null-prototype object passes, anything else is refused', () => {
    expect(checkOptionNames(undefined, ['a'], 'x')).toEqual({});
    expect(checkOptionNames(Object.assign(Object.create(null) as object, { a: 1 }), ['a'], 'x')).toEqual({ a: 1 });
    expect(() => checkOptionNames(new Date(0), ['a'], 'x')).toThrow(/must be an object \(or left out\), not a Date/);
  });
  it('each check names the call and lists the options', () => {
    expect(() => checkAppendOptions({ expected: 'any' })).toThrow('"expected" is not an option of appendToStream (did you mean "expectedRevision"?); the options are expectedRevision, guards');
    expect(() => checkReadStreamOptions({ max: 1, limit: 1 })).toThrow(/"limit" is not an option of readStream \(did you mean "max"\?\)/);
    expect(() => checkReadAllOptions({ fromposition: 1n })).toThrow(/did you mean "fromPosition"/);
    expect(() => checkSubscribeOptions({ zzzzzzzz: 1 })).toThrow(/^OPTIONS_INVALID at zzzzzzzz: "zzzzzzzz" is not an option of subscribeToAll; the options are checkpoint, filter$/);
  });
  it('returns what the engines need', () => {
    expect(checkReadStreamOptions(undefined)).toEqual({ from: undefined, max: Number.POSITIVE_INFINITY, backwards: false });
    expect(checkReadStreamOptions({ direction: 'backwards', from: 3n, max: 2 })).toEqual({ from: 3n, max: 2, backwards: true });
    expect(checkReadAllOptions({ filter: { streamPrefix: 'a' } })).toEqual({ fromPosition: 0n, max: Number.POSITIVE_INFINITY, filter: { streamPrefix: 'a' } });
    expect(checkSubscribeOptions(undefined)).toEqual({ checkpoint: 0n, filter: undefined });
    expect(checkFilter({})).toEqual({});
    // eslint-disable-next-line no-sparse-arrays
    expect(() => checkFilter({ types: ['a', , 'b'] })).toThrow(/item 1 is undefined/);
  });
});

describe('closestName, the "did you mean" every package asks', () => {
  it('suggests the name a typo meant, by spelling or containment, and nothing for a stranger', () => {
    expect(closestName('bucket', ['asOf', 'buckets', 'top'])).toBe('buckets');
    expect(closestName('yr', ['seed', 'year'])).toBe('year');
    expect(closestName('expectedRevison', ['expectedRevision', 'guards'])).toBe('expectedRevision');
    expect(closestName('Timezone', ['timeZone', 'calendar'])).toBe('timeZone');
    expect(closestName('skipIncremantal', ['every', 'skipIncremental', 'skipClosedPeriods'])).toBe('skipIncremental');
    expect(closestName('streamPrefixes', ['streamPrefix', 'types'])).toBe('streamPrefix');
    expect(closestName('colour', ['asOf', 'top'])).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });
});
