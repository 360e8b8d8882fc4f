// The testkit's entry points refuse options they do not take, or values out of range, naming the
// field: a misspelt key used to be ignored (a simulation of 1,200 units for `unit: 5`, a check that
// still ran the incremental comparison for `skipIncremantal`), and a negative step count ran
// node out of memory.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LevyError, openMemoryEventStore } from '@levy/core';
import { levyProjection } from '@levy/projections';
import { accountLogArbitrary, amountArbitrary, checkIncremental, checkInvariants, simulateCommunityYear } from '../src/index.js';

const any = (x: unknown) => x as never;

const refusal = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    if (e instanceof LevyError) return { code: e.error.code, path: e.error.path };
    throw e;
  }
  return 'no refusal';
};

const asyncRefusal = async (fn: () => Promise<unknown>): Promise<unknown> => {
  try {
    await fn();
  } catch (e) {
    if (e instanceof LevyError) return { code: e.error.code, path: e.error.path };
    throw e;
  }
  return 'no refusal';
};

const invalid = (...path: string[]) => ({ code: 'OPTIONS_INVALID', path });
const unknown = (...path: string[]) => ({ code: 'OPTIONS_UNKNOWN_FIELD', path });

describe('accountLogArbitrary checks its options when it is made', () => {
  it.each<[string, unknown, unknown]>([
    ['a negative step count (it ran node out of memory)', { steps: -1 }, invalid('steps')],
    ['a negative unit count (it gave logs of no account)', { units: -1 }, invalid('units')],
    ['a fraction of a unit', { units: 2.5 }, invalid('units')],
    ['a range that runs backwards', { units: { min: 3, max: 1 } }, invalid('units', 'min')],
    ['a range with a key it does not take', { steps: { min: 1, most: 5 } }, unknown('steps', 'most')],
    ['a misspelt key (it was ignored)', { unit: 5 }, unknown('unit')],
    ['a community id with a dot (its events did not decode)', { communityId: 'a.b' }, invalid('communityId')],
    ['an empty community id', { communityId: '' }, invalid('communityId')],
    ['null', null, invalid('options')],
  ])('refuses %s', (_what, options, expected) => {
    expect(refusal(() => accountLogArbitrary(any(options)))).toEqual(expected);
  });

  it('still makes logs from good options, with the units and the community asked for', () => {
    const [log] = fc.sample(accountLogArbitrary({ communityId: 'harbour', units: { min: 2, max: 2 }, steps: { min: 5, max: 10 } }), { numRuns: 1, seed: 42 });
    expect(log!.accounts.map((a) => a.streamId)).toEqual(['levy.account-harbour.U001', 'levy.account-harbour.U002']);
  });
});

describe('amountArbitrary checks its bounds', () => {
  it.each<[string, [unknown, unknown], unknown]>([
    ['a maximum beyond what Money holds exactly (it gave 17-digit amounts)', [1, 1e20], invalid('maxFen')],
    ['negative bounds (it gave negative amounts)', [-500, -1], invalid('minFen')],
    ['bounds that run backwards', [5, 1], invalid('minFen')],
    ['a fraction of a fen', [1.5, 100], invalid('minFen')],
  ])('refuses %s', (_what, [lo, hi], expected) => {
    expect(refusal(() => amountArbitrary(any(lo), any(hi)))).toEqual(expected);
  });

  it('gives amounts within good bounds', () => {
    expect(fc.sample(amountArbitrary(100, 100), { numRuns: 1, seed: 1 })).toEqual(['1.00']);
  });
});

describe('simulateCommunityYear checks its options before it writes anything', () => {
  it.each<[string, unknown, unknown]>([
    ['a misspelt units (it simulated 1,200)', { seed: 1, unit: 5 }, unknown('unit')],
    ['a misspelt year (it was ignored)', { seed: 1, yr: 2024 }, unknown('yr')],
    ['a fractional seed (it gave seed 1’s log under the name 1.5)', { seed: 1.5 }, invalid('seed')],
    ['a seed beyond 32 bits (the same log as seed 1)', { seed: 2 ** 32 + 1 }, invalid('seed')],
    ['no store', { seed: 1, store: undefined }, invalid('store')],
    ['a community id with a dot', { seed: 1, communityId: 'a.b' }, invalid('communityId')],
    ['null', null, invalid('options')],
  ])('refuses %s', async (_what, options, expected) => {
    const store = openMemoryEventStore();
    const given = options !== null && typeof options === 'object' && !('store' in options) ? { ...options, store } : options;
    expect(await asyncRefusal(() => simulateCommunityYear(any(given)))).toEqual(expected);
    let written = 0;
    for await (const _ of store.readAll()) written++;
    expect(written).toBe(0);
  });

  it('says which key was meant', async () => {
    await expect(simulateCommunityYear(any({ seed: 1, yr: 2024, store: openMemoryEventStore() }))).rejects.toThrow('did you mean year?');
  });
});

describe('checkInvariants checks its options', () => {
  it.each<[string, unknown, unknown]>([
    ['a misspelt skipIncremental (the comparison still ran)', { skipIncremantal: true }, unknown('skipIncremantal')],
    ['a misspelt every', { evrey: 2 }, unknown('evrey')],
    ['a skip that is not true or false', { skipIncremental: 'yes' }, invalid('skipIncremental')],
    ['null', null, invalid('options')],
  ])('refuses %s', (_what, options, expected) => {
    expect(refusal(() => checkInvariants([], any(options)))).toEqual(expected);
  });

  it('refuses a log that is not a list, and checkIncremental an option it does not take', () => {
    expect(refusal(() => checkInvariants(any(null)))).toEqual(invalid('log'));
    expect(refusal(() => checkIncremental([], any({ skipIncremental: true })))).toEqual(unknown('skipIncremental'));
    // projection is checkIncremental's alone: checkInvariants folds every check with levyProjection
    expect(refusal(() => checkInvariants([], any({ projection: levyProjection })))).toEqual(unknown('projection'));
    for (const bad of ['levy', 1, { init: () => ({}) }]) expect(refusal(() => checkIncremental([], any({ projection: bad })))).toEqual(invalid('projection'));
    expect(checkIncremental([], { projection: levyProjection })).toEqual([]);
    expect(checkInvariants([], { every: 3, skipClosedPeriods: true })).toEqual([]);
  });
});
