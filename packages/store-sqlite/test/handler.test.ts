// The command handler over the SQLite store: what two writers of one file see when they book the
// same channel transaction (the store's refusals become the handler's, in a clerk's terms), and
// when one closes a period while the other books into it (the appends' guards fence them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CommandMeta, type EventStore, type LevyCommand, type StoredEvent, accountStream, communityStream, createLevy } from '@levy/core';
import { openSqliteEventStore } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'levy-sqlite-handler-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const meta = (effectiveDate: string): CommandMeta => ({ actor: { id: 'clerk-1', role: 'clerk' }, effectiveDate }) as CommandMeta;
const unit = (unitId: string) =>
  ({
    type: 'RegisterUnit',
    data: { unitId, building: 'B1', areaM2: '89.50', useType: 'residential', owner: { ownerId: `o-${unitId}`, name: 'Owner' }, handoverDate: '2024-06-01' },
    meta: meta('2024-12-01'),
  }) as LevyCommand;
const pay = (txn: string, amount: string) =>
  ({ type: 'ReceivePayment', data: { channel: 'wechat', channelTxnId: txn, amount, receivedOn: '2025-04-10' }, meta: meta('2025-04-10') }) as LevyCommand;

const setUp = async () => {
  const path = join(dir, `h-${n++}.db`);
  const first = await openSqliteEventStore(path);
  const a = createLevy(first, { clock: () => '2025-04-10T02:00:00Z' });
  for (const c of [{ type: 'RegisterCommunity', data: { communityId: 'sunrise', name: '阳光小区' }, meta: meta('2024-12-01') } as LevyCommand, unit('B1-0101'), unit('B1-0102')]) {
    const r = await a.handle(c, { communityId: 'sunrise' });
    if (r._tag === 'Left') throw new Error(r.left.message);
  }
  // a second process on the same file, whose clock reads a second later
  const second = await openSqliteEventStore(path);
  const b = createLevy(second, { clock: () => '2025-04-10T02:00:01Z' });
  return { a, b, first, second };
};

/** `store`, where `meanwhile` runs once, just before the first append reaches the file (the other writer gets in first) */
const racing = (store: EventStore, meanwhile: () => Promise<void>): EventStore => {
  let raced = false;
  return {
    ...store,
    appendToStream: async (streamId, events, options) => {
      if (!raced) {
        raced = true;
        await meanwhile();
      }
      return store.appendToStream(streamId, events, options);
    },
  };
};

describe('the handler over SQLite, two writers of one file', () => {
  it('books a transaction notified to both at once as one payment: the later append decides again and appends nothing', async () => {
    const { a, first, second } = await setUp();
    const target = { communityId: 'sunrise', unitId: 'B1-0101' };
    // b has decided its copy of the payment; a books the same one before b's append reaches the file
    const b = createLevy(
      racing(second, async () => {
        expect(await a.handle(pay('T1', '300.00'), target)).toMatchObject({ _tag: 'Right', right: { revision: 0n } });
      }),
      { clock: () => '2025-04-10T02:00:01Z' },
    );
    expect(await b.handle(pay('T1', '300.00'), target)).toMatchObject({ _tag: 'Right', right: { events: [], attempts: 2 } });
    expect(await b.handle(pay('T1', '200.00'), target)).toMatchObject({ _tag: 'Left', left: { code: 'PAYMENT_CONFLICT' } });
    expect((await b.readAccount('sunrise', 'B1-0101')).credit.toString()).toBe('300.00');
    await first.close();
    await second.close();
  });
  it('refuses the same transaction booked to another unit with PAYMENT_BOOKED_ELSEWHERE', async () => {
    const { a, b, first, second } = await setUp();
    expect(await a.handle(pay('T2', '100.00'), { communityId: 'sunrise', unitId: 'B1-0101' })).toMatchObject({ _tag: 'Right' });
    const r = await b.handle(pay('T2', '100.00'), { communityId: 'sunrise', unitId: 'B1-0102' });
    expect(r).toMatchObject({ _tag: 'Left', left: { code: 'PAYMENT_BOOKED_ELSEWHERE', details: { existingStreamId: accountStream('sunrise', 'B1-0101') } } });
    expect((await a.readAccount('sunrise', 'B1-0102')).payments.size).toBe(0);
    await first.close();
    await second.close();
  });

  const payOn = (txn: string, amount: string, on: string) =>
    ({ type: 'ReceivePayment', data: { channel: 'cash', channelTxnId: txn, amount, receivedOn: on }, meta: meta(on) }) as LevyCommand;
  const closeQ1 = { type: 'ClosePeriod', data: { periodKey: '2025-Q1', closedOn: '2025-04-10' }, meta: meta('2025-04-10') } as LevyCommand;
  const readAll = async (store: EventStore): Promise<StoredEvent[]> => {
    const out: StoredEvent[] = [];
    for await (const e of store.readAll()) out.push(e);
    return out;
  };

  it('seals a payment the other process books while the close is being gathered: PeriodClosed is refused, gathered again, and holds it', async () => {
    const { a, first, second } = await setUp();
    const target = { communityId: 'sunrise', unitId: 'B1-0101' };
    // a books a payment dated in the quarter after b read the account heads, before b's PeriodClosed reaches the file
    const b = createLevy(
      racing(second, async () => {
        expect(await a.handle(payOn('Q1-late', '10.00', '2025-03-31'), target)).toMatchObject({ _tag: 'Right', right: { revision: 0n } });
      }),
      { clock: () => '2025-04-10T02:00:01Z' },
    );
    const closed = await b.handle(closeQ1, { communityId: 'sunrise' });
    expect(closed).toMatchObject({ _tag: 'Right', right: { attempts: 2 } });
    const sealed = (await readAll(first)).find((e) => e.type === 'PeriodClosed')!;
    expect(sealed.data).toMatchObject({ totals: { collected: '10.00' }, heads: [{ streamId: accountStream('sunrise', 'B1-0101'), revision: '0' }] });
    await first.close();
    await second.close();
  });

  it('decides a payment again when the other process closed its quarter after it read the community: PERIOD_CLOSED, nothing written', async () => {
    const { a, first, second } = await setUp();
    const target = { communityId: 'sunrise', unitId: 'B1-0102' };
    // b decided a payment dated in Q1 under the open quarter; a closes Q1 before b's append reaches the file
    const b = createLevy(
      racing(second, async () => {
        expect(await a.handle(closeQ1, { communityId: 'sunrise' })).toMatchObject({ _tag: 'Right' });
      }),
      { clock: () => '2025-04-10T02:00:01Z' },
    );
    expect(await b.handle(payOn('Q1-late', '10.00', '2025-03-31'), target)).toMatchObject({ _tag: 'Left', left: { code: 'PERIOD_CLOSED' } });
    const log = await readAll(first);
    expect(log.filter((e) => e.streamId === accountStream('sunrise', 'B1-0102'))).toEqual([]);
    expect(log.filter((e) => e.streamId === communityStream('sunrise')).map((e) => e.type).at(-1)).toBe('PeriodClosed');
    await first.close();
    await second.close();
  });
});
