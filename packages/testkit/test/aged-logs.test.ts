// Logs written partly by an older Levy (agedEvent, agedLogArbitrary): a store that has lived
// through upgrades holds events of schema version 0 beside current ones, and the one real change
// of shape (a PaymentReceived without channel, docs/events.md "Upcasting"). Read through the
// registered upcasters, such a log must be the log itself: the same invariants, the same report
// bytes, by rebuild and event by event.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, LEVY_UPCASTERS, LevyError, type StoredEvent, dayOfIso, upcastEvent } from '@levy/core';
import {
  type LevyViews,
  type LoggedEvent,
  applyStored,
  auditTrail,
  creditLots,
  levyProjection,
  rebuild,
  reportBundle,
  reportJson,
  startCheckpointed,
  unitStatement,
  unitsInOrder,
} from '@levy/projections';
import { accountLogArbitrary, agedEvent, agedLogArbitrary, checkInvariants, multiCommunityLogArbitrary, storedEventsOf } from '../src/index.js';
import { runs } from './support/properties.js';

const names = (v: readonly { invariant: string; message: string }[]): string[] => v.map((x) => `${x.invariant}: ${x.message}`);

// one community's logs and several communities' logs, as a store hands them back
const logs = fc.oneof(
  accountLogArbitrary({ units: { min: 1, max: 4 }, steps: { min: 10, max: 60 } }).map((log) => storedEventsOf(log)),
  multiCommunityLogArbitrary({ communities: { min: 2, max: 3 }, steps: { min: 5, max: 30 } }).map((log) => storedEventsOf(log)),
);
// logs that hold a payment by bank transfer, the one event whose older form has another shape
// (without its channel): about half the logs above, and the case this file is most about
const agedLogs = logs
  .filter((events) => events.some((e) => e.type === 'PaymentReceived' && agedEvent(e) !== undefined))
  .chain((events) => agedLogArbitrary(events, { percent: { min: 10, max: 100 } }).map((aged) => ({ events, aged })));

const isAged = (e: StoredEvent): boolean => e.meta.schemaVersion !== CURRENT_SCHEMA_VERSION;
const withoutChannel = (e: StoredEvent): boolean => e.type === 'PaymentReceived' && !('channel' in e.data);

// every report the projections give, as bytes: the bundle (trial balance, aging, arrears, dunning,
// rates, disclosures, positions, flagged audit) on a few days, the whole audit trail, and each
// unit's statement and credit by lot
const reportBytes = (views: LevyViews, days: readonly number[]): string[] => [
  ...days.map((d) => reportJson(reportBundle(views, d))),
  reportJson(auditTrail(views.audit, {}, views.book.anomalies)),
  ...unitsInOrder(views.book).flatMap((u) => [reportJson(unitStatement(views.book, u.key)), reportJson(creditLots(views.book, u.key))]),
];
const daysOf = (events: readonly StoredEvent[]): number[] => {
  const days = events.map((e) => dayOfIso(e.meta.effectiveDate as string));
  const last = Math.max(...days);
  return [dayOfIso('2025-01-31'), Math.floor((dayOfIso('2025-01-01') + last) / 2), last];
};

describe('agedEvent', () => {
  it('gives the form the registered upcasters read back to exactly the event, and none where there is none', () => {
    const seen = { aged: 0, payments: 0, none: 0 };
    fc.assert(
      fc.property(logs, (events) => {
        for (const e of events) {
          const old = agedEvent(e);
          if (old === undefined) {
            // only a payment by another channel than bank transfer has no older form
            expect([e.type, (e.data as { channel?: string }).channel === 'bank-transfer']).toEqual(['PaymentReceived', false]);
            seen.none++;
            continue;
          }
          seen.aged++;
          expect(old.meta.schemaVersion).toBe(0);
          if (e.type === 'PaymentReceived') {
            seen.payments++;
            expect(old.data).toEqual(Object.fromEntries(Object.entries(e.data).filter(([k]) => k !== 'channel')));
          } else expect(old.data).toBe(e.data);
          expect(upcastEvent(old)).toEqual({ _tag: 'Right', right: e });
          // an aged event is aged once
          expect(agedEvent(old)).toBeUndefined();
        }
      }),
      { numRuns: runs(60) },
    );
    expect(Math.min(seen.aged, seen.payments, seen.none)).toBeGreaterThan(0);
  });

  it('knows every upcaster core registers (a new one needs its inverse here)', () => {
    // agedEvent writes the inverse of LEVY_UPCASTERS by hand: PaymentReceived from version 0, to version 1
    expect(Object.fromEntries(Object.entries(LEVY_UPCASTERS).map(([type, steps]) => [type, Object.keys(steps)]))).toEqual({ PaymentReceived: ['0'] });
    expect(CURRENT_SCHEMA_VERSION).toBe(1);
  });
});

describe('agedLogArbitrary', () => {
  it('ages a share of the events that have an older form, in place, and leaves the log given alone', () => {
    fc.assert(
      fc.property(
        logs.chain((events) => fc.tuple(fc.constant(events), fc.constant(JSON.stringify(events, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x))), agedLogArbitrary(events))),
        ([events, before, aged]) => {
          expect(aged).toHaveLength(events.length);
          aged.forEach((a, i) => {
            const e = events[i]!;
            expect([a.streamId, a.revision, a.position, a.meta.eventId]).toEqual([e.streamId, e.revision, e.position, e.meta.eventId]);
            expect(a === e || a.meta.schemaVersion === 0).toBe(true);
            if (a !== e) expect(a).toEqual(agedEvent(e));
          });
          expect(JSON.stringify(events, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x))).toBe(before);
        },
      ),
      { numRuns: runs(40) },
    );
  });

  it('ages none at 0 percent and every one that has an older form at 100', () => {
    const [events] = fc.sample(logs, { numRuns: 1, seed: 5 });
    expect(fc.sample(agedLogArbitrary(events!, { percent: { min: 0, max: 0 } }), 3).every((aged) => aged.every((a, i) => a === events![i]))).toBe(true);
    const all = fc.sample(agedLogArbitrary(events!, { percent: { min: 100, max: 100 } }), 1)[0]!;
    expect(all.map((a, i) => a.meta.schemaVersion === 0 || agedEvent(events![i]!) === undefined).every(Boolean)).toBe(true);
    expect(all.some(isAged)).toBe(true);
  });

  it.each<[string, unknown, unknown, unknown]>([
    ['a percent above 100', [], { percent: 101 }, { code: 'OPTIONS_INVALID', path: ['percent'] }],
    ['a range that runs backwards', [], { percent: { min: 50, max: 10 } }, { code: 'OPTIONS_INVALID', path: ['percent', 'min'] }],
    ['a misspelt key', [], { ratio: 0.5 }, { code: 'OPTIONS_UNKNOWN_FIELD', path: ['ratio'] }],
    ['a log that is not a list', { entries: [] }, {}, { code: 'OPTIONS_INVALID', path: ['events'] }],
  ])('refuses %s when it is made', (_what, events, options, expected) => {
    let got: unknown = 'no refusal';
    try {
      agedLogArbitrary(events as never, options as never);
    } catch (e) {
      got = e instanceof LevyError ? { code: e.error.code, path: e.error.path } : e;
    }
    expect(got).toEqual(expected);
  });
});

describe('a log partly written by an older Levy', () => {
  it('keeps every invariant and gives byte-identical reports, rebuilt and followed event by event', () => {
    const seen = { logs: 0, withAged: 0, withoutChannel: 0, reversedOld: 0, multi: 0, agedEvents: 0, ageable: 0 };
    fc.assert(
      fc.property(agedLogs, ({ events, aged }) => {
        seen.logs++;
        const old = aged.filter(isAged);
        seen.agedEvents += old.length;
        seen.ageable += events.filter((e) => agedEvent(e) !== undefined).length;
        if (old.length > 0) seen.withAged++;
        if (old.some(withoutChannel)) seen.withoutChannel++;
        // a payment written without its channel that bounced later: the reversal names the channel the upcaster gives back
        const oldPayments = new Set(old.filter(withoutChannel).map((e) => (e.data as { paymentId: string }).paymentId));
        if (aged.some((e) => e.type === 'PaymentReversed' && oldPayments.has(e.data.paymentId as string))) seen.reversedOld++;
        if (new Set(events.map((e) => e.streamId.split('.')[1]!.replace(/^(account|community)-/, ''))).size > 1) seen.multi++;

        expect(names(checkInvariants(aged, { every: 10 }))).toEqual(names(checkInvariants(events, { every: 10 })));
        expect(names(checkInvariants(events, { skipIncremental: true }))).toEqual([]);

        const days = daysOf(events);
        const want = reportBytes(rebuild(levyProjection, events as unknown as LoggedEvent[]), days);
        expect(reportBytes(rebuild(levyProjection, aged as unknown as LoggedEvent[]), days)).toEqual(want);
        // followed one event at a time, as a subscription does (applyStored upcasts each)
        const live = startCheckpointed(levyProjection);
        for (const e of aged) applyStored(levyProjection, live, e);
        expect(reportBytes(live.state, days)).toEqual(want);
      }),
      { numRuns: runs(50) },
    );
    expect(seen.withAged).toBeGreaterThan(seen.logs * 0.9);
    expect(seen.withoutChannel).toBeGreaterThan(seen.logs * 0.3);
    expect(seen.reversedOld).toBeGreaterThan(0);
    expect(seen.multi).toBeGreaterThan(seen.logs * 0.3);
    expect(seen.agedEvents).toBeGreaterThan(seen.ageable * 0.3);
  });
});
