// readLog and the invariant checks read a store as the projections fold it: a Levy event of an
// older schema version (the docs' legacy payment without channel) comes out at the current shape.
import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, LEVY_UPCASTERS, LevyError, type StoredEvent, eventIdFor, openMemoryEventStore } from '@levy/core';
import { type LoggedEvent, balancesAsOf, levyProjection, rebuild } from '@levy/projections';
import { checkInvariants, readLog, simulateCommunityYear } from '../src/index.js';

const legacy = {
  type: 'PaymentReceived',
  data: { paymentId: 'legacy-BANK20250001', channelTxnId: 'BANK20250001', amount: '300.00', receivedOn: '2026-01-10', allocations: [], toCredit: '300.00' },
  meta: { eventId: eventIdFor('PaymentReceived', ['legacy', 'BANK20250001']), schemaVersion: 0, effectiveDate: '2026-01-10', recordedAt: '2026-01-10T08:00:00Z', actor: { id: 'importer', role: 'system' } },
};

const storeWithLegacy = async () => {
  const store = openMemoryEventStore();
  await simulateCommunityYear({ seed: 7, units: 6, store });
  const all: StoredEvent[] = [];
  for await (const e of store.readAll()) all.push(e);
  const account = all.find((e) => e.streamId.startsWith('levy.account-'))!.streamId;
  await store.appendToStream(account, [legacy as never], { expectedRevision: 'stream-exists' });
  return store;
};

describe('readLog', () => {
  it('upcasts a legacy event, so the checks fold a bank transfer and not Cash:undefined', async () => {
    const store = await storeWithLegacy();
    const log = await readLog(store);
    const read = log.find((e) => e.meta.eventId === legacy.meta.eventId)!;
    expect(read.data).toMatchObject({ channel: 'bank-transfer' });
    expect(read.meta.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    const accounts = [...balancesAsOf(rebuild(levyProjection, log as unknown as LoggedEvent[]).journal).keys()];
    expect(accounts).not.toContain('Cash:undefined');
    expect(checkInvariants(log, { skipIncremental: true })).toEqual([]);
  });

  it("upcasts through the caller's registry, and refuses one that would never apply", async () => {
    const store = await storeWithLegacy();
    const log = await readLog(store, { upcasters: { ...LEVY_UPCASTERS, PaymentReceived: { 0: (d) => ({ ...d, channel: 'cash' }) } } });
    expect(log.find((e) => e.meta.eventId === legacy.meta.eventId)!.data).toMatchObject({ channel: 'cash' });
    await expect(readLog(store, { upcasters: { PaymentRecieved: {} } as never })).rejects.toSatisfy((e: unknown) => e instanceof LevyError && e.error.code === 'OPTIONS_INVALID');
    await expect(readLog(store, { upcaster: {} } as never)).rejects.toSatisfy((e: unknown) => e instanceof LevyError && e.error.code === 'OPTIONS_UNKNOWN_FIELD');
  });

  it('checkInvariants upcasts a log read some other way too', async () => {
    const store = await storeWithLegacy();
    const raw: StoredEvent[] = [];
    for await (const e of store.readAll()) raw.push(e);
    expect(checkInvariants(raw, { skipIncremental: true })).toEqual(checkInvariants(await readLog(store), { skipIncremental: true }));
  });
});
