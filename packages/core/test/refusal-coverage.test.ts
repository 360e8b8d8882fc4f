// the refusals no other test reached: each one, from the command or call a user would make
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import {
  type AccountState,
  type LevyCommand,
  type StoredEvent,
  DeciderSpecification,
  Money,
  accountDecider,
  accountStream,
  allocatePayment,
  communityDecider,
  createLevy,
  openMemoryEventStore,
} from '@levy/core';
import { CID, adoptSchedule, ctx as communityCtx, eventsOf, meta as communityMeta, registerCommunity, registerUnit, scheduleData } from './community-fixtures.js';
import { ctx, issue, pay, run } from './account-fixtures.js';

const community = DeciderSpecification.for(communityDecider, communityCtx);

describe('community refusals no other test reached', () => {
  it('refuses a building area written to more than 4 decimal places: AREA_TOO_PRECISE at data.areaM2', () => {
    const err = community.given(eventsOf([registerCommunity()])).when(registerUnit('B1-0101', { areaM2: '89.12345' })).thenFails('AREA_TOO_PRECISE', ['data', 'areaM2']);
    expect(err.details).toEqual({ input: '89.12345' });
    community.given(eventsOf([registerCommunity()])).when(registerUnit('B1-0101', { areaM2: '89.1234' })).then((es) => expect(es[0]!.type).toBe('UnitRegistered'));
  });
  it('refuses installment grace beyond a year, and a schedule of more than 100 fee items', () => {
    const given = eventsOf([registerCommunity()]);
    community.given(given).when(adoptSchedule({ installmentGraceDays: 367 })).thenFails('INSTALLMENT_GRACE_INVALID', ['data', 'installmentGraceDays']);
    community.given(given).when(adoptSchedule({ installmentGraceDays: 366 })).then((es) => expect(es[0]!.type).toBe('FeeScheduleAdopted'));
    const item = scheduleData().items[0]!;
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ ...item, feeItemId: `item-${i}` }));
    community.given(given).when(adoptSchedule({ items: items(101) })).thenFails('SCHEDULE_ITEMS_TOO_MANY', ['data', 'items']);
    community.given(given).when(adoptSchedule({ items: items(100) })).then((es) => expect(es[0]!.type).toBe('FeeScheduleAdopted'));
  });
});

describe('account and allocation limits', () => {
  it('refuses a payment to an account that already holds 50,000: ACCOUNT_PAYMENTS_LIMIT at data', () => {
    const { state } = run([issue('2025-03', '100.00', '2025-04-15')]);
    // an account of 50,000 payments takes minutes to fold in a test: the guard reads only the table's size and lookups
    const full = { ...state, payments: { size: 50_000, get: () => undefined, has: () => false } } as unknown as AccountState;
    const r = accountDecider.decide(pay('T-50001', '10', '2025-04-01'), full, ctx());
    expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['ACCOUNT_PAYMENTS_LIMIT', ['data']]);
    // one fewer is taken
    const almost = { ...state, payments: { ...state.payments, size: 49_999, get: () => undefined, has: () => false } } as unknown as AccountState;
    expect(E.isRight(accountDecider.decide(pay('T-50000', '10', '2025-04-01'), almost, ctx()))).toBe(true);
  });
  it('refuses to allocate over more than 100,000 receivables at once: RECEIVABLES_TOO_MANY at owed', () => {
    const owed = (n: number) => Array.from({ length: n }, (_, i) => ({ chargeId: `c${i}`, kind: 'principal' as const, dueDate: 20_000 + (i % 300), outstanding: Money.of('1.00') }));
    const r = allocatePayment(Money.of('5.00'), owed(100_001));
    expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['RECEIVABLES_TOO_MANY', ['owed']]);
    expect(E.isRight(allocatePayment(Money.of('5.00'), owed(100_000)))).toBe(true);
  });
});

describe('the handler reading a log it cannot fold', () => {
  const setUp = async () => {
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z' });
    for (const c of [registerCommunity(), registerUnit('B1-0101'), adoptSchedule()] as LevyCommand[]) {
      const r = await levy.handle(c, { communityId: CID });
      if (E.isLeft(r)) throw new Error(r.left.message);
    }
    return { store, levy };
  };

  it('refuses with EVENT_UNREADABLE, naming the event and the field, when a stored event does not decode', async () => {
    const { store, levy } = await setUp();
    // written by other code: a ChargeIssued without its amount
    await store.appendToStream(accountStream(CID, 'B1-0101'), [{ type: 'ChargeIssued', data: { chargeId: 'x' }, meta: { eventId: 'bad-1', schemaVersion: 1 } }]);
    const r = await levy.handle(pay('T1', '10', '2025-04-01') as LevyCommand, { communityId: CID, unitId: 'B1-0101' });
    expect(E.isLeft(r) && r.left.code).toBe('EVENT_UNREADABLE');
    expect(E.isLeft(r) && r.left.details).toMatchObject({ streamId: accountStream(CID, 'B1-0101'), revision: '0' });
    expect(E.isLeft(r) && r.left.message).toContain('event 0 of levy.account-sunrise.B1-0101 (ChargeIssued) does not decode');
  });

  it('refuses with STREAM_REVISION_GAP when a store hands back a stream with a revision missing', async () => {
    const { store } = await setUp();
    const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z' });
    await levy.runBilling(CID, '2025-02', communityMeta('2025-03-01'));
    await levy.runBilling(CID, '2025-03', communityMeta('2025-04-01'));
    // a store that loses revision 0 of the account on the way out
    const lossy = {
      ...store,
      appendToStream: store.appendToStream.bind(store),
      readStream: async function* (streamId: string, options?: Parameters<typeof store.readStream>[1]): AsyncIterable<StoredEvent> {
        for await (const e of store.readStream(streamId, options)) if (!(streamId.startsWith('levy.account-') && e.revision === 0n)) yield e;
      },
    } as typeof store;
    const r = await createLevy(lossy, { clock: () => '2025-04-01T02:00:00Z' }).handle(pay('T1', '10', '2025-04-01') as LevyCommand, { communityId: CID, unitId: 'B1-0101' });
    expect(E.isLeft(r) && [r.left.code, r.left.details]).toEqual(['STREAM_REVISION_GAP', { streamId: accountStream(CID, 'B1-0101') }]);
  });
});
