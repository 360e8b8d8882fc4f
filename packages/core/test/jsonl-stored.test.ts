// storedEventsOfLines: the lines of a JSON Lines file, decoded (decodeJsonLines) or as written
// (parseJsonLines), turned into the events a store's readAll gives: what the projections fold and
// what a memory store's seed takes. Before it, a decoded line { stream, revision, event } was no
// event: a fold read `undefined` for its meta, and a seed refused it at seed.0.stream.
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { type StoredEvent, type StoredLevyEvent, createLevy, decodeJsonLines, isStoreError, openMemoryEventStore, parseJsonLines, storedEventsOfLines, toJsonLines, LevyError } from '@levy/core';
import { CID, adoptSchedule, meta, registerCommunity, registerUnit } from './community-fixtures.js';

const exportAll = async (): Promise<StoredEvent[]> => {
  const store = openMemoryEventStore();
  const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z', newId: (p) => `${p}-1` });
  for (const c of [registerCommunity(), registerUnit('B1-0101'), registerUnit('P-001', { useType: 'parking' }), adoptSchedule()]) await levy.handle(c, { communityId: CID });
  await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
  const events: StoredEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  return events;
};

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};

// the refusal storedEventsOfLines throws, as [code, path]
const refusal = (lines: unknown): unknown => {
  try {
    storedEventsOfLines(lines as never);
  } catch (e) {
    return e instanceof LevyError ? [e.error.code, e.error.path.join('.')] : `${String(e)} (not a LevyError)`;
  }
  return 'accepted';
};

describe('storedEventsOfLines', () => {
  it('gives decoded lines back as the store held them: stream, revision, type, data, meta, positions from 1', async () => {
    const events = await exportAll();
    const back: StoredLevyEvent[] = storedEventsOfLines(right(decodeJsonLines(toJsonLines(events))));
    expect(back).toEqual(events);
    // the same from the lines as written
    const raw: StoredEvent[] = storedEventsOfLines(right(parseJsonLines(toJsonLines(events))));
    expect(raw).toEqual(events);
    // a typed Levy event: its data is the event type's
    const charge = back.find((e) => e.type === 'ChargeIssued');
    expect(charge?.type === 'ChargeIssued' && charge.data.amount).toMatch(/^\d+\.\d\d$/);
  });

  it('numbers positions by line, as a memory store numbers a seed, which takes them as they are', async () => {
    const events = await exportAll();
    // an export of part of a log: positions 3.. in the store, 1.. here
    const part = storedEventsOfLines(right(decodeJsonLines(toJsonLines(events.slice(0, 3)))));
    expect(part.map((e) => e.position)).toEqual([1n, 2n, 3n]);
    const store = openMemoryEventStore({ seed: storedEventsOfLines(right(decodeJsonLines(toJsonLines(events)))) });
    const again: StoredEvent[] = [];
    for await (const e of store.readAll()) again.push(e);
    expect(again).toEqual(events);
  });

  it('gives an empty list for an empty file', () => {
    expect(storedEventsOfLines(right(decodeJsonLines('')))).toEqual([]);
  });

  it('refuses what is not a list of lines, naming the line and the field (JSONL_INVALID)', async () => {
    const [first] = right(decodeJsonLines(toJsonLines(await exportAll())));
    expect(refusal(null)).toEqual(['JSONL_INVALID', 'lines']);
    expect(refusal('{"stream":"s"}')).toEqual(['JSONL_INVALID', 'lines']);
    expect(refusal(toJsonLines(await exportAll()))).toEqual(['JSONL_INVALID', 'lines']);
    expect(refusal([first, 42])).toEqual(['JSONL_INVALID', 'lines.1']);
    expect(refusal([{ ...first, stream: '' }])).toEqual(['JSONL_INVALID', 'lines.0.stream']);
    expect(refusal([{ ...first, revision: '0' }])).toEqual(['JSONL_INVALID', 'lines.0.revision']);
    expect(refusal([{ ...first, event: undefined }])).toEqual(['JSONL_INVALID', 'lines.0.event']);
    expect(refusal([{ ...first, event: { ...first!.event, meta: null } }])).toEqual(['JSONL_INVALID', 'lines.0.event.meta']);
    // a store's own events are not lines: give them to the projections or a seed as they are
    const events = await exportAll();
    expect(refusal(events)).toEqual(['JSONL_INVALID', 'lines.0.stream']);
  });

  it('leaves a seed refused as a store refuses it: the events of a broken chain are not made whole', async () => {
    const events = await exportAll();
    const lines = right(parseJsonLines(toJsonLines(events)));
    const edited = lines.map((l, i) => (i === 1 ? { ...l, data: { ...l.data, building: '9号楼' } } : l));
    let code: unknown = 'seeded';
    try {
      openMemoryEventStore({ seed: storedEventsOfLines(edited) });
    } catch (e) {
      code = isStoreError(e) ? e.error.code : e;
    }
    expect(code).toBe('CHAIN_BROKEN');
  });
});
