// rebuild takes the events a store's readAll() gives, as docs/projections.md says ("a StoredEvent read
// from any store is already one"): the call below type-checks without a cast (`pnpm typecheck`
// covers this file), folds what rebuildFromStore folds, and skips what is not Levy's (tickets share
// the store) as rebuildFromStore does. What is not an event at all (a JSON Lines line, an event
// without its stream) is refused with a typed error naming the field, never a TypeError.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type EventStore, LevyError, type StoredEvent, decodeJsonLines, openMemoryEventStore, toJsonLines } from '@levy/core';
import { type LevyViews, type LogEvent, type LoggedEvent, dayOf, disclosure, levyProjection, rebuild, rebuildFromStore, reportBundle, reportJson } from '../src/index.js';
import { C, commissionQuarterLog, storeOfLog } from './fixtures.js';

/** the log in a fresh memory store, a ticket (another application's event) first when asked */
const storeOf = async (log: readonly LoggedEvent[], ticket = false): Promise<EventStore> => {
  const store = openMemoryEventStore();
  if (ticket) await store.appendToStream('levy.ticket-7', [{ type: 'TicketOpened', data: { unit: 'B1-101' }, meta: { eventId: 't7-open' } }]);
  return storeOfLog(log, store);
};

const readAll = async (store: EventStore): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  return events;
};

const ASOF = dayOf('2025-04-30');
const bundle = (views: LevyViews): string => reportJson({ bundle: reportBundle(views, ASOF), anomalies: views.book.anomalies, audit: views.audit.events.length });

describe('rebuild over a store’s readAll()', () => {
  it('type-checks as the docs write it and folds what rebuildFromStore folds', async () => {
    const store = await storeOf(commissionQuarterLog());
    const events = await readAll(store);
    // the documented use, no cast
    const views = rebuild(levyProjection, events);
    expectTypeOf(views).toEqualTypeOf<LevyViews>();
    expectTypeOf<StoredEvent>().toMatchTypeOf<LogEvent>();
    const { state } = await rebuildFromStore(levyProjection, store);
    expect(bundle(views)).toBe(bundle(state));
    // any iterable of them too, folded event by event
    expect(bundle(rebuild(levyProjection, new Set(events)))).toBe(bundle(state));
    // and the figures are the quarter's
    const d = disclosure(views.book, C, '2025-Q1');
    expect(d._tag === 'Right' && d.right.ownersFund?.fundCredited.toString()).toBe('1088.02');
  });

  it('skips events that are not Levy’s, as rebuildFromStore does', async () => {
    const store = await storeOf(commissionQuarterLog(), true);
    const events = await readAll(store);
    expect(events.some((e) => e.type === 'TicketOpened')).toBe(true);
    const views = rebuild(levyProjection, events);
    const { state } = await rebuildFromStore(levyProjection, store);
    expect(bundle(views)).toBe(bundle(state));
    expect(views.book.anomalies).toEqual([]);
    expect(views.audit.events.length).toBe(events.length - 1);
    expect(bundle(views)).toBe(bundle(rebuild(levyProjection, events.filter((e) => e.type !== 'TicketOpened'))));
  });
});

// the refusal rebuild throws, as [code, path]
const refusal = (events: unknown): unknown => {
  try {
    rebuild(levyProjection, events as never);
  } catch (e) {
    return e instanceof LevyError ? [e.error.code, e.error.path.join('.'), e.error.message] : `${String(e)} (not a LevyError)`;
  }
  return 'folded';
};

describe('rebuild given something that is not an event', () => {
  it('refuses a JSON Lines line { stream, revision, event } naming the field it lacks, and says how to turn lines into events', async () => {
    const events = await readAll(await storeOf(commissionQuarterLog()));
    const decoded = decodeJsonLines(toJsonLines(events));
    if (decoded._tag === 'Left') throw new Error(JSON.stringify(decoded.left));
    const lines = decoded.right;
    for (const given of [lines, new Set(lines)]) {
      const [code, path, message] = refusal(given) as [string, string, string];
      expect([code, path]).toEqual(['EVENT_INVALID', 'events.0.streamId']);
      expect(message).toContain('JSON Lines line');
      expect(message).toContain('storedEventsOfLines');
    }
    // a line later in the log is named by its index
    const mixed = [...events.slice(0, 3), lines[3], ...events.slice(4)];
    expect((refusal(mixed) as string[]).slice(0, 2)).toEqual(['EVENT_INVALID', 'events.3.streamId']);
  });

  it('refuses an event without its stream, meta or type, and what is not an object, each at its field', async () => {
    const events = await readAll(await storeOf(commissionQuarterLog()));
    const at = (i: number, e: unknown) => (refusal(events.map((x, k) => (k === i ? e : x))) as string[]).slice(0, 2);
    const { streamId: _s, ...unplaced } = events[2]!;
    expect(at(2, unplaced)).toEqual(['EVENT_INVALID', 'events.2.streamId']);
    expect(at(4, { ...events[4]!, meta: undefined })).toEqual(['EVENT_INVALID', 'events.4.meta']);
    expect(at(4, { ...events[4]!, type: 7 })).toEqual(['EVENT_INVALID', 'events.4.type']);
    expect(at(0, null)).toEqual(['EVENT_INVALID', 'events.0']);
    expect(at(1, 'ChargeIssued')).toEqual(['EVENT_INVALID', 'events.1']);
    // an event of a schema version newer than the library: refused as before, naming the event
    expect(at(4, { ...events[4]!, meta: { ...events[4]!.meta, schemaVersion: 9 } })).toEqual(['SCHEMA_VERSION_TOO_NEW', 'meta.schemaVersion']);
  });
});
