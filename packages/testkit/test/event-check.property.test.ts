import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EVENT_TYPES, EventMeta, eventDataCodecs, isLevyEvent } from '@levy/core';
import { accountLogArbitrary } from '../src/index.js';
import { runs } from './support/properties.js';

// isLevyEvent runs the event codecs' `is` compiled into plain JavaScript (core's fast-is.ts). It
// must answer exactly what io-ts answers, for valid events and for every way of breaking one.
const ioTsIs = (raw: unknown): boolean => {
  if (typeof raw !== 'object' || raw === null) return false;
  const { type, data, meta } = raw as { type?: unknown; data?: unknown; meta?: unknown };
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(eventDataCodecs, type)) return false;
  return (eventDataCodecs[type as keyof typeof eventDataCodecs] as unknown as { is: (u: unknown) => boolean }).is(data) && EventMeta.is(meta);
};

// one example of every event type, from docs/events.md (schema version 1 only: the legacy example needs its upcaster)
const doc = readFileSync(fileURLToPath(new URL('../../../docs/events.md', import.meta.url)), 'utf8');
const examples: unknown[] = [...doc.matchAll(/```json\n([\s\S]*?)```/g)]
  .map((m) => JSON.parse(m[1] as string) as { meta: { schemaVersion: number } })
  .filter((e) => e.meta.schemaVersion === 1);

type Path = readonly (string | number)[];

/** every place inside an event a value sits: its data and envelope, nested objects and arrays included */
const pathsOf = (value: unknown, prefix: Path = []): Path[] => {
  if (typeof value !== 'object' || value === null) return [];
  const out: Path[] = [];
  for (const key of Object.keys(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path, ...pathsOf((value as Record<string, unknown>)[key], path));
  }
  return out;
};

// values of every kind a codec tells apart: wrong types, near-misses of the formats, holes
const sparse = (): unknown[] => {
  const a: unknown[] = [];
  a[2] = 'x';
  return a;
};
const replacementArbitrary: fc.Arbitrary<() => unknown> = fc.constantFrom<() => unknown>(
  () => null,
  () => undefined,
  () => 0,
  () => -0,
  () => 1,
  () => 1.5,
  () => Number.NaN,
  () => -1,
  () => '',
  () => 'x',
  () => '0.00',
  () => '-0.00',
  () => '12.5',
  () => '12.345',
  () => '2025-02-30',
  () => '2025-03-01',
  () => '2025-03-01T08:00:00Z',
  () => 'wechat',
  () => 'principal',
  () => true,
  () => false,
  () => [],
  () => ({}),
  () => [1],
  () => ({ a: 1 }),
  sparse,
  () => new Date(0),
);

type Mutation =
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'replace'; readonly at: number; readonly value: () => unknown }
  | { readonly kind: 'extra'; readonly at: number; readonly value: () => unknown };
const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: replacementArbitrary }),
  fc.record({ kind: fc.constant('extra' as const), at: fc.nat(), value: replacementArbitrary }),
);

/** a copy of `event` broken in one place (or given an extra member, which exact codecs allow) */
const mutate = (event: unknown, mutation: Mutation): unknown => {
  const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  const paths = pathsOf(copy);
  if (paths.length === 0) return copy;
  const path = paths[mutation.at % paths.length]!;
  const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], copy) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (mutation.kind === 'replace') {
    parent[key] = mutation.value();
  } else {
    const target = parent[key];
    if (typeof target === 'object' && target !== null) (target as Record<string, unknown>)[Array.isArray(target) ? target.length : 'extra'] = mutation.value();
    else parent[key] = mutation.value();
  }
  return copy;
};

describe('isLevyEvent (the event codecs compiled)', () => {
  it('has a documented example of every event type to start from, each valid', () => {
    const types = new Set(examples.map((e) => (e as { type: string }).type));
    for (const type of EVENT_TYPES) expect(types.has(type), `no example of ${type}`).toBe(true);
    for (const e of examples) expect(isLevyEvent(e) && ioTsIs(e)).toBe(true);
  });

  it("answers what io-ts answers for every documented event broken in one place, and each mutation's kind is reached", () => {
    const seen = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), (example, mutations) => {
        const broken = mutations.reduce(mutate, example);
        const expected = ioTsIs(broken);
        seen[expected ? 'valid' : 'invalid'] += 1;
        expect(isLevyEvent(broken)).toBe(expected);
      }),
      { numRuns: runs(2000) },
    );
    // the mutations must both break events and leave some valid (an extra member, a value swapped for a valid one)
    expect(seen.invalid).toBeGreaterThan(0);
    expect(seen.valid).toBeGreaterThan(0);
  });

  it('answers what io-ts answers for every event of generated account logs, as they are and broken', () => {
    fc.assert(
      fc.property(accountLogArbitrary({ steps: { min: 5, max: 30 } }), fc.array(mutationArbitrary, { minLength: 1, maxLength: 2 }), (log, mutations) => {
        for (const { event } of log.entries) {
          const stored = JSON.parse(JSON.stringify(event)) as unknown;
          expect(isLevyEvent(stored)).toBe(true);
          const broken = mutations.reduce(mutate, stored);
          expect(isLevyEvent(broken)).toBe(ioTsIs(broken));
        }
      }),
      { numRuns: runs(60) },
    );
  });

  it('refuses what is not an event at all', () => {
    for (const raw of [null, undefined, 0, 'event', [], {}, { type: 'NoSuchEvent', data: {}, meta: {} }, { type: 'toString', data: {}, meta: {} }]) {
      expect(isLevyEvent(raw)).toBe(false);
      expect(ioTsIs(raw)).toBe(false);
    }
  });
});
