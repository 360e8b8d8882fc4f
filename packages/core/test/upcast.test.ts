import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import {
  CURRENT_SCHEMA_VERSION,
  type StoredEvent,
  accountStream,
  createLevy,
  decodeEvent,
  decodeJsonLines,
  eventIdFor,
  openMemoryEventStore,
  upcastEvent,
} from '@levy/core';
import { CID, adoptSchedule, registerCommunity, registerUnit } from './community-fixtures.js';

// a payment as the first importer wrote it: schema version 0, no channel
const legacyPayment = {
  type: 'PaymentReceived',
  data: { paymentId: 'legacy-1', channelTxnId: 'BANK-2019-0001', amount: '300.00', receivedOn: '2025-02-10', allocations: [], toCredit: '300.00' },
  meta: { eventId: eventIdFor('PaymentReceived', ['legacy', 'BANK-2019-0001']), schemaVersion: 0, effectiveDate: '2025-02-10', recordedAt: '2025-02-10T08:00:00Z', actor: { id: 'importer', role: 'system' } },
};

describe('upcasting', () => {
  it('the legacy payment does not decode as it was stored', () => {
    const r = decodeEvent(legacyPayment);
    expect(E.isLeft(r) && r.left.map((e) => e.path.join('.'))).toContain('data.channel');
  });
  it('upcasts a version-0 PaymentReceived without channel to bank-transfer at the current version', () => {
    const r = upcastEvent(legacyPayment);
    expect(E.isRight(r)).toBe(true);
    if (E.isLeft(r)) return;
    expect((r.right.data as Record<string, unknown>).channel).toBe('bank-transfer');
    expect(r.right.meta.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(E.isRight(decodeEvent(r.right))).toBe(true);
    expect(legacyPayment.data).not.toHaveProperty('channel'); // the stored form is never rewritten
  });
  it('lifts other types from version 0 unchanged, and leaves current events alone', () => {
    const credit = { type: 'CreditApplied', data: { chargeId: 'c1', amount: '5.00' }, meta: { ...legacyPayment.meta, schemaVersion: 0 } };
    const up = upcastEvent(credit);
    expect(E.isRight(up) && up.right.data).toEqual(credit.data);
    const current = { ...credit, meta: { ...credit.meta, schemaVersion: 1 } };
    expect(E.isRight(upcastEvent(current)) && (upcastEvent(current) as E.Right<unknown>).right).toBe(current);
  });
  it('refuses an event written by a newer schema, and a nonsense version', () => {
    const newer = upcastEvent({ ...legacyPayment, meta: { ...legacyPayment.meta, schemaVersion: CURRENT_SCHEMA_VERSION + 1 } });
    expect(E.isLeft(newer) && newer.left.code).toBe('SCHEMA_VERSION_TOO_NEW');
    const bad = upcastEvent({ ...legacyPayment, meta: { ...legacyPayment.meta, schemaVersion: 'one' } });
    expect(E.isLeft(bad) && bad.left).toMatchObject({ code: 'SCHEMA_VERSION_INVALID', path: ['meta', 'schemaVersion'] });
  });
  it('uses a registry given by the caller', () => {
    const registry = { CreditApplied: { 0: (d: { readonly [k: string]: unknown }) => ({ ...d, amount: '6.00' }) } };
    const r = upcastEvent({ type: 'CreditApplied', data: { chargeId: 'c1', amount: '5.00' }, meta: { schemaVersion: 0 } }, registry);
    expect(E.isRight(r) && r.right.data.amount).toBe('6.00');
  });
  it('an old log still reads: the handler folds a stream holding a legacy payment', async () => {
    const store = openMemoryEventStore();
    // the legacy event sits in the log as it was written
    await store.appendToStream(accountStream(CID, 'B1-0101'), [legacyPayment], { expectedRevision: 'no-stream' });
    const levy = createLevy(store, { clock: () => '2025-03-01T00:00:00Z', newId: (p) => `${p}-1` });
    for (const c of [registerCommunity(), registerUnit('B1-0101'), adoptSchedule()]) await levy.handle(c, { communityId: CID });
    const account = await levy.readAccount(CID, 'B1-0101');
    expect(account.payments.get('legacy-1')?.channel).toBe('bank-transfer');
    expect(account.credit.toString()).toBe('300.00');
    // and so does a JSON Lines export of it
    const events: StoredEvent[] = [];
    for await (const e of store.readStream(accountStream(CID, 'B1-0101'))) events.push(e);
    const line = JSON.stringify({ stream: events[0]!.streamId, revision: '0', type: events[0]!.type, data: events[0]!.data, meta: events[0]!.meta });
    const decoded = decodeJsonLines(line + '\n');
    expect(E.isRight(decoded) && decoded.right[0]?.event.data).toMatchObject({ channel: 'bank-transfer' });
  });
});
