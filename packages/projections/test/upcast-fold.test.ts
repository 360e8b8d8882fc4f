// Projections only ever see the current shape: every fold entry point upcasts an event older than
// CURRENT_SCHEMA_VERSION (the docs' legacy payment without channel) before folding it, through
// LEVY_UPCASTERS or the registry given as the upcasters option.
import { describe, expect, it } from 'vitest';
import { LEVY_UPCASTERS, LevyError, type StoredEvent, decodeJsonLines, eventIdFor, openMemoryEventStore, toJsonLines } from '@levy/core';
import { type LoggedEvent, applyStored, balancesAsOf, dayOf, follow, levyProjection, rebuild, rebuildFromStore, reportBundle, reportJson, startCheckpointed } from '@levy/projections';
import { S1, quarterLog } from './fixtures.js';

// the docs' version-0 payment: no channel, all to credit
const legacy = {
  type: 'PaymentReceived',
  data: { paymentId: 'legacy-BANK20250001', channelTxnId: 'BANK20250001', amount: '300.00', receivedOn: '2025-03-20', allocations: [], toCredit: '300.00' },
  meta: { eventId: eventIdFor('PaymentReceived', ['legacy', 'BANK20250001']), schemaVersion: 0, effectiveDate: '2025-03-20', recordedAt: '2025-03-20T08:00:00Z', actor: { id: 'importer', role: 'system' } },
};

// the quarter in a store, with the legacy payment on S1 just before the close
const storeWithLegacy = async () => {
  const store = openMemoryEventStore();
  const log = quarterLog();
  const close = log.findIndex((e) => e.type === 'PeriodClosed');
  const events = [...log.slice(0, close), { ...legacy, streamId: S1 }, ...log.slice(close)];
  for (const e of events) await store.appendToStream(e.streamId, [{ type: e.type, data: e.data, meta: e.meta }] as never, { expectedRevision: 'any' });
  const stored: StoredEvent[] = [];
  for await (const e of store.readAll()) stored.push(e);
  return { store, stored };
};

const cashOf = (views: ReturnType<typeof rebuild<ReturnType<typeof levyProjection.init>>>) =>
  Object.fromEntries([...balancesAsOf(views.journal)].filter(([a]) => a.startsWith('Cash:')).map(([a, m]) => [a, m.toString()]));

const ASOF = dayOf('2025-04-30');

// the log as decodeJsonLines reads it: upcast and decoded
const decodedOf = (stored: readonly StoredEvent[]): LoggedEvent[] => {
  const d = decodeJsonLines(toJsonLines(stored));
  if (d._tag === 'Left') throw new Error(JSON.stringify(d.left));
  return d.right.map((l, i) => ({ ...l.event, streamId: l.stream, position: stored[i]!.position }));
};

describe('folding an event of an older schema version', () => {
  it('rebuildFromStore folds the legacy payment as a bank transfer, as decodeJsonLines reads it', async () => {
    const { store, stored } = await storeWithLegacy();
    const { state } = await rebuildFromStore(levyProjection, store);
    expect(cashOf(state)).not.toHaveProperty('Cash:undefined');
    const expected = rebuild(levyProjection, decodedOf(stored));
    expect(cashOf(state)['Cash:bank-transfer']).toBe(cashOf(expected)['Cash:bank-transfer']);
    expect(reportJson(reportBundle(state, ASOF))).toBe(reportJson(reportBundle(expected, ASOF)));
  });

  it('rebuild upcasts, from an array and from any iterable, and leaves the events given alone', async () => {
    const { stored } = await storeWithLegacy();
    const expected = reportJson(reportBundle(rebuild(levyProjection, decodedOf(stored)), ASOF));
    const raw = stored as unknown as LoggedEvent[];
    expect(reportJson(reportBundle(rebuild(levyProjection, raw), ASOF))).toBe(expected);
    expect(reportJson(reportBundle(rebuild(levyProjection, new Set(raw)), ASOF))).toBe(expected);
    expect(stored.find((e) => e.meta.eventId === legacy.meta.eventId)!.data).not.toHaveProperty('channel');
  });

  it('applyStored and follow upcast as a rebuild does', async () => {
    const { store, stored } = await storeWithLegacy();
    const expected = reportJson(reportBundle(rebuild(levyProjection, decodedOf(stored)), ASOF));
    const one = startCheckpointed(levyProjection);
    for (const e of stored) applyStored(levyProjection, one, e);
    expect(reportJson(reportBundle(one.state, ASOF))).toBe(expected);
    const last = stored.at(-1)!.position;
    const live = await follow(levyProjection, store.subscribeToAll({}), startCheckpointed(levyProjection), { until: (t) => t.checkpoint === last });
    expect(reportJson(reportBundle(live.state, ASOF))).toBe(expected);
  });

  it("folds through the caller's upcasters when given", async () => {
    const { store, stored } = await storeWithLegacy();
    const upcasters = { ...LEVY_UPCASTERS, PaymentReceived: { 0: (data: Record<string, unknown>) => ({ ...data, channel: 'cash' }) } };
    const raw = stored as unknown as LoggedEvent[];
    expect(cashOf(rebuild(levyProjection, raw, { upcasters }))['Cash:cash']).toBe('300.00');
    expect(cashOf((await rebuildFromStore(levyProjection, store, { upcasters })).state)['Cash:cash']).toBe('300.00');
    const one = startCheckpointed(levyProjection);
    for (const e of stored) applyStored(levyProjection, one, e, { upcasters });
    expect(cashOf(one.state)['Cash:cash']).toBe('300.00');
    const last = stored.at(-1)!.position;
    const live = await follow(levyProjection, store.subscribeToAll({}), startCheckpointed(levyProjection), { upcasters, until: (t) => t.checkpoint === last });
    expect(cashOf(live.state)['Cash:cash']).toBe('300.00');
  });

  it('refuses upcasters that would never apply, and options it does not take', () => {
    const log = quarterLog();
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof LevyError ? [e.error.code, e.error.path.join('.')] : e;
      }
      return 'accepted';
    };
    expect(refusal(() => rebuild(levyProjection, log, { upcasters: { PaymentRecieved: {} } as never }))).toEqual(['OPTIONS_INVALID', 'upcasters.PaymentRecieved']);
    expect(refusal(() => rebuild(levyProjection, log, { upcasters: { PaymentReceived: { 0: 'bank' } } as never }))).toEqual(['OPTIONS_INVALID', 'upcasters.PaymentReceived.0']);
    expect(refusal(() => rebuild(levyProjection, log, { upcaster: LEVY_UPCASTERS } as never))).toEqual(['OPTIONS_UNKNOWN_FIELD', 'upcaster']);
  });

  it('refuses an event newer than the library, naming it, rather than folding it', async () => {
    const { stored } = await storeWithLegacy();
    const i = stored.findIndex((e) => e.type === 'ChargeIssued');
    const newer = stored.map((e, k) => (k === i ? { ...e, meta: { ...e.meta, schemaVersion: 2 } } : e)) as unknown as LoggedEvent[];
    let error: LevyError | undefined;
    try {
      rebuild(levyProjection, newer);
    } catch (e) {
      error = e as LevyError;
    }
    expect(error?.error).toMatchObject({ code: 'SCHEMA_VERSION_TOO_NEW', path: ['meta', 'schemaVersion'], details: { eventId: stored[i]!.meta.eventId, streamId: stored[i]!.streamId } });
    expect(error?.error.message).toContain(stored[i]!.streamId);
  });
});
