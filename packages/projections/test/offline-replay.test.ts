// An auditor replays a ledger offline (domain.md, who uses it): the company exports its store as JSON
// Lines, the auditor decodes the file, turns the lines into events (storedEventsOfLines) and rebuilds
// the reports, and they are byte for byte those the company rebuilds from its store. The same lines
// as written seed a memory store of the auditor's own (docs/events.md, JSON Lines; docs/stores.md).
import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  type EventStore,
  type StoredEvent,
  decodeJsonLines,
  eventIdFor,
  isStoreError,
  openMemoryEventStore,
  parseJsonLines,
  storedEventsOfLines,
  toJsonLines,
  verifyChain,
} from '@levy/core';
import { type LevyViews, dayOf, disclosure, levyProjection, rebuild, rebuildFromStore, renderDisclosure, renderTrialBalance, reportBundle, reportJson, trialBalance } from '../src/index.js';
import { C, S1, commissionQuarterLog, storeOfLog } from './fixtures.js';

const storeOf = (log: Parameters<typeof storeOfLog>[0]): Promise<EventStore> => storeOfLog(log);

const right = <A>(e: { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left') throw new Error(JSON.stringify(e.left));
  return e.right;
};

// what the company exports: its Levy events in the store's order (tickets share the store, and are not the ledger's)
const exportOf = async (store: EventStore): Promise<string> => {
  const events: StoredEvent[] = [];
  for await (const e of store.readAll({ filter: { types: EVENT_TYPES } })) events.push(e);
  return toJsonLines(events);
};

// every report an auditor reads of the quarter: the bundle on two days, the trial balance, the disclosure
const reportsOf = (views: LevyViews): string =>
  [
    reportJson(reportBundle(views, dayOf('2025-03-31'))),
    reportJson(reportBundle(views, dayOf('2025-04-30'))),
    renderTrialBalance(trialBalance(views.journal, dayOf('2025-03-31'))),
    renderDisclosure(right(disclosure(views.book, C, '2025-Q1'))),
  ].join('\n');

describe('replaying a JSON Lines export offline', () => {
  it('export → decodeJsonLines → storedEventsOfLines → rebuild gives the reports the store gives, byte for byte', async () => {
    const store = await storeOf(commissionQuarterLog());
    const text = await exportOf(store);

    // the auditor's side, with the file alone
    const lines = right(decodeJsonLines(text));
    const events = storedEventsOfLines(lines);
    const offline = rebuild(levyProjection, events);

    const { state: company } = await rebuildFromStore(levyProjection, store);
    expect(reportsOf(offline)).toBe(reportsOf(company));
    // the quarter's figures are in it: the owners' fund credited 1,088.02, the commission earned 120.88
    const d = right(disclosure(offline.book, C, '2025-Q1'));
    expect([d.ownersFund?.fundCredited.toString(), d.ownersFund?.commissionEarned.toString()]).toEqual(['1088.02', '120.88']);
    // the events carry their places: stream, revision, and positions 1, 2, 3... in line order
    expect(events.length).toBe(commissionQuarterLog().length);
    expect(events.map((e) => e.position)).toEqual(events.map((_, i) => BigInt(i + 1)));
    expect(events[4]).toMatchObject({ streamId: S1, revision: 0n, type: 'ChargeIssued' });
  });

  it('seeds a memory store of the auditor’s from the lines as written, whose chain verifies and whose reports are the same', async () => {
    const store = await storeOf(commissionQuarterLog());
    const text = await exportOf(store);
    const parsed = right(parseJsonLines(text));
    expect(verifyChain(parsed)).toMatchObject({ ok: true });
    const audited = openMemoryEventStore({ seed: storedEventsOfLines(parsed) });
    const { state: company } = await rebuildFromStore(levyProjection, store);
    const { state: replayed } = await rebuildFromStore(levyProjection, audited);
    expect(reportsOf(replayed)).toBe(reportsOf(company));
    // decoded lines of a log at the current schema version seed it as well: decoding changed nothing
    const decoded = openMemoryEventStore({ seed: storedEventsOfLines(right(decodeJsonLines(text))) });
    expect(reportsOf((await rebuildFromStore(levyProjection, decoded)).state)).toBe(reportsOf(company));
    // and the auditor's store exports the same bytes
    expect(await exportOf(audited)).toBe(text);
  });

  it('folds an event an older Levy wrote as the store does, upcast; only the lines as written seed a store, as the chain holds them', async () => {
    // the docs' version-0 payment: no channel, all to credit
    const legacy = {
      streamId: S1,
      type: 'PaymentReceived',
      data: { paymentId: 'legacy-BANK20250001', channelTxnId: 'BANK20250001', amount: '300.00', receivedOn: '2025-03-20', allocations: [], toCredit: '300.00' },
      meta: { eventId: eventIdFor('PaymentReceived', ['legacy', 'BANK20250001']), schemaVersion: 0, effectiveDate: '2025-03-20', recordedAt: '2025-03-20T08:00:00Z', actor: { id: 'importer', role: 'system' } },
    };
    const log = commissionQuarterLog();
    const close = log.findIndex((e) => e.type === 'PeriodClosed');
    const store = await storeOf([...log.slice(0, close), legacy, ...log.slice(close)]);
    const text = await exportOf(store);
    const { state: company } = await rebuildFromStore(levyProjection, store);
    const upcast = storedEventsOfLines(right(decodeJsonLines(text)));
    expect(reportsOf(rebuild(levyProjection, upcast))).toBe(reportsOf(company));
    // the lines as written seed a store; the upcast ones hold a payment its hash was not made over
    const asWritten = openMemoryEventStore({ seed: storedEventsOfLines(right(parseJsonLines(text))) });
    expect(reportsOf((await rebuildFromStore(levyProjection, asWritten)).state)).toBe(reportsOf(company));
    let refusal: unknown = 'seeded';
    try {
      openMemoryEventStore({ seed: upcast });
    } catch (e) {
      refusal = isStoreError(e) ? [e.error.code, e.error.path.slice(0, 1).join('.')] : e;
    }
    expect(refusal).toEqual(['CHAIN_BROKEN', 'seed']);
  });
});
