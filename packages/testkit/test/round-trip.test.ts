// encode∘decode is identity for every event (DESIGN.md, invariants): an event written as canonical
// JSON and decoded again is the same event, byte for byte, whatever its type. Over simulated years
// (community stream, billing runs, closes), generated account logs, and unit and expenditure
// changes the simulator does not send; then every example of docs/events.md, so each type is
// round-tripped at least once whatever the generators reach.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type CommandMeta,
  type EventType,
  type LevyCommand,
  CURRENT_SCHEMA_VERSION,
  EVENT_TYPES,
  canonicalJson,
  createLevy,
  decodeEvent,
  epochDayOf,
  isoDateOf,
  openMemoryEventStore,
} from '@levy/core';
import { accountLogArbitrary, readLog, simulateCommunityYear, yuanOfFen } from '../src/index.js';
import { runs } from './support/properties.js';

/**
 * Event types no generator here makes, each with why; they are round-tripped from docs/events.md
 * only. Empty today: the simulator, the account logs and the community changes below reach every
 * type (there are no ticket events in EVENT_TYPES yet). A type listed here that a generator does
 * reach fails the test, so the list cannot go stale.
 */
const NOT_GENERATED: Readonly<Partial<Record<EventType, string>>> = {};

type Raw = { readonly type: string; readonly data: unknown; readonly meta: unknown };

/** the canonical JSON of what decoding `e`'s canonical JSON gives, or why it did not decode */
const roundTrip = (e: Raw): string => {
  const decoded = decodeEvent(JSON.parse(canonicalJson({ type: e.type, data: e.data, meta: e.meta })));
  return decoded._tag === 'Right' ? canonicalJson(decoded.right) : `${e.type} does not decode: ${JSON.stringify(decoded.left.map((x) => [x.path.join('.'), x.message]))}`;
};
const expectRoundTrip = (e: Raw): void => {
  expect(roundTrip(e), e.type).toBe(canonicalJson({ type: e.type, data: e.data, meta: e.meta }));
};

// ---- community changes the simulator does not send ------------------------------------------------

// free text of any code points (quotes, backslashes, controls, astral), saying something
const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }).filter((s) => s.trim().length > 0);
const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$/);
// areas as a clerk types them: whole, one or more decimals (the event keeps the spelling)
const area = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('', '.5', '.25', '.125', '.0001')).map(([m2, frac]) => `${m2}${frac}`);
// a day in the months after the simulated year's last close (2025-Q4 closes on 2026-01-05)
const dayAfterCloses = fc.integer({ min: 0, max: 118 }).map((d) => isoDateOf(epochDayOf(2026, 1, 1) + d));
const LAST_DAY = '2026-04-30';

const changeArbitrary = fc.oneof(
  fc.record({ kind: fc.constant('area' as const), unit: fc.nat(), areaM2: area, from: dayAfterCloses }),
  fc.record({ kind: fc.constant('owner' as const), unit: fc.nat(), ownerId: id, name: text, phone: fc.option(fc.string({ maxLength: 16 }), { nil: undefined }), from: dayAfterCloses }),
  fc.record({
    kind: fc.constant('expenditure' as const),
    category: fc.constantFrom('cleaning', 'security', 'greening', 'repairs', 'elevators', 'utilities', 'management', 'other'),
    // whole yuan typed bare ('120') or with fen: the event holds the canonical amount
    fen: fc.integer({ min: 1, max: 99_999_999 }),
    bare: fc.boolean(),
    vendor: text,
    description: text,
    paidOn: dayAfterCloses,
  }),
);
type Change = typeof changeArbitrary extends fc.Arbitrary<infer T> ? T : never;

const committee = { approver: '业委会主任 王某', approverRole: 'committee', reference: 'YWH-2026-01', date: '2026-01-02' };
const commandOf = (c: Change, i: number, unitIds: readonly string[]): LevyCommand => {
  const meta = { actor: { id: 'clerk-01', role: 'clerk' }, effectiveDate: LAST_DAY } as CommandMeta;
  const unitId = unitIds[(c.kind === 'expenditure' ? 0 : c.unit) % unitIds.length]!;
  switch (c.kind) {
    case 'area':
      return { type: 'ChangeUnitArea', data: { unitId, areaM2: c.areaM2, from: c.from }, meta } as LevyCommand;
    case 'owner':
      return { type: 'ChangeUnitOwner', data: { unitId, owner: { ownerId: c.ownerId, name: c.name, ...(c.phone === undefined ? {} : { phone: c.phone }) }, from: c.from }, meta } as LevyCommand;
    case 'expenditure': {
      const amount = c.bare && c.fen % 100 === 0 ? String(c.fen / 100) : yuanOfFen(c.fen);
      const data = { expenditureId: `exp-${i}`, category: c.category, amount, vendor: c.vendor, paidOn: c.paidOn, description: c.description };
      return { type: 'RecordExpenditure', data, meta: { ...meta, approval: committee } } as LevyCommand;
    }
  }
};

// ---- docs/events.md ---------------------------------------------------------------------------------

// the examples as events-doc.test.ts (core) reads them: every ```json block is one event
const doc = readFileSync(fileURLToPath(new URL('../../../docs/events.md', import.meta.url)), 'utf8');
const docExamples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] as string) as Raw & { meta: { schemaVersion: number } });

describe('encode∘decode is identity for every event', () => {
  it('gives back every event of simulated years, generated account logs and community changes, and reaches every event type', async () => {
    const seen = new Set<string>();
    let changed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 12, max: 30 }),
        fc.array(changeArbitrary, { minLength: 1, maxLength: 8 }),
        async (seed, units, changes) => {
          const store = openMemoryEventStore();
          const sim = await simulateCommunityYear({ seed, units, store });
          const levy = createLevy(store, { clock: () => `${LAST_DAY}T02:00:00Z`, newId: (p) => `${p}-x` });
          const unitIds = [...(await levy.readCommunity(sim.communityId)).units.keys()];
          for (const [i, c] of changes.entries()) {
            const r = await levy.handle(commandOf(c, i, unitIds), { communityId: sim.communityId });
            // every change must land (or be the no-op of one already made), or a type would go unchecked
            expect(r._tag === 'Right' ? 'ok' : `${r.left.code}: ${r.left.message}`).toBe('ok');
            if (r._tag === 'Right') changed += r.right.events.length;
          }
          for (const e of await readLog(store)) {
            seen.add(e.type);
            expectRoundTrip(e);
          }
        },
      ),
      { numRuns: runs(6) },
    );
    fc.assert(
      fc.property(accountLogArbitrary({ units: { min: 1, max: 3 }, steps: { min: 20, max: 80 } }), (log) => {
        for (const { event } of log.entries) {
          seen.add(event.type);
          expectRoundTrip(event);
        }
      }),
      { numRuns: runs(60) },
    );
    expect(changed).toBeGreaterThan(0);
    // every type was generated, or is listed with its reason
    expect(EVENT_TYPES.filter((t) => !seen.has(t) && NOT_GENERATED[t] === undefined)).toEqual([]);
    expect(Object.keys(NOT_GENERATED).filter((t) => seen.has(t))).toEqual([]);
  });

  it('gives back every current-version example of docs/events.md, one or more of every type', () => {
    // the legacy example (schema version 0) decodes only after its upcaster: upcast.test.ts (core) covers it
    const current = docExamples.filter((e) => e.meta.schemaVersion === CURRENT_SCHEMA_VERSION);
    expect(EVENT_TYPES.filter((t) => !current.some((e) => e.type === t))).toEqual([]);
    for (const e of current) expectRoundTrip(e);
  });

  it.each(Object.entries(NOT_GENERATED))('round-trips %s only from docs/events.md: %s', (type) => {
    expect(docExamples.some((e) => e.type === type)).toBe(true);
  });
});
