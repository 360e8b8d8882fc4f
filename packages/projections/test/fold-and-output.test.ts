import { describe, expect, it } from 'vitest';
import { type EventStore, type NewEvent, type StoredEvent, accountStream, openMemoryEventStore } from '@levy/core';
import {
  DEFAULT_AGING_BUCKETS,
  type LevyViews,
  type LoggedEvent,
  agingBuckets,
  agingReport,
  applyStored,
  auditProjection,
  balancesAsOf,
  combine,
  creditMovesOf,
  dayOf,
  eventsOf,
  follow,
  journalProjection,
  bookProjection,
  levyProjection,
  movesOf,
  rebuild,
  rebuildFromStore,
  renderTable,
  renderTrialBalance,
  reportBundle,
  reportJson,
  startCheckpointed,
  trialBalance,
} from '../src/index.js';
import { reserveBook } from '../src/book.js';
import { C, S1, SC, charge, ev, quarterLog } from './fixtures.js';

const commissionCharge = (): LoggedEvent => {
  const e = charge(S1, 'B1-101', 'cc-1', '2025-05', '2025-05-01', '2025-05-31', '2025-06-15', '300.00', '2025-05-01');
  return { ...e, data: { ...e.data, regime: 'commission', commission: '24.00' } } as LoggedEvent;
};

// the quarter, then `count` more units billed, paid in part, over-paid, assessed and reminded for
// three months, interleaved day by day as a store gives them, and a payment sitting in the
// community's stream (which the book reports)
const busyLog = (count: number): LoggedEvent[] => {
  const d = (x: unknown): never => x as never;
  const log: LoggedEvent[] = quarterLog();
  const units = Array.from({ length: count }, (_, i) => ({ id: `B9-${String(i).padStart(3, '0')}`, stream: accountStream(C, `B9-${String(i).padStart(3, '0')}`) }));
  for (const [m, month] of ['05', '06', '07'].entries()) {
    for (const [i, u] of units.entries()) {
      // the community's own events between the units' (no unit to look ahead for)
      if (i % 3 === m) log.push(ev(SC, 'BillingRunCompleted', `2025-${month}-01`, d({ communityId: C, periodKey: `2025-${month}`, scheduleVersion: 1, chargeCount: i, total: '0.00' })));
      log.push(charge(u.stream, u.id, `c-2025-${month}`, `2025-${month}`, `2025-${month}-01`, `2025-${month}-28`, `2025-${month}-15`, `${100 + i}.00`, `2025-${month}-01`));
    }
    for (const [i, u] of units.entries()) {
      const paid = i % 4 === 0 ? `${100 + i}.00` : i % 4 === 1 ? '50.00' : i % 4 === 2 ? `${120 + i}.00` : null;
      if (paid === null) continue;
      const principal = i % 4 === 1 ? '50.00' : `${100 + i}.00`;
      log.push(
        ev(u.stream, 'PaymentReceived', `2025-${month}-10`, d({ paymentId: `p-${u.id}-${month}`, channel: 'wechat', channelTxnId: `wx-${u.id}-${month}`, amount: paid, receivedOn: `2025-${month}-10`, allocations: [{ chargeId: `c-2025-${month}`, kind: 'principal', amount: principal }], toCredit: i % 4 === 2 ? '20.00' : '0.00' })),
      );
    }
    for (const [i, u] of units.entries()) {
      if (i % 4 !== 3) continue;
      log.push(ev(u.stream, 'ReminderRecorded', `2025-${month}-20`, d({ stage: 'phone', channel: 'phone', on: `2025-${month}-20`, chargeIds: [`c-2025-${month}`] })));
      log.push(
        ev(u.stream, 'PenaltyAssessed', `2025-${month}-27`, d({ chargeId: `c-2025-${month}`, asOf: `2025-${month}-27`, from: `2025-${month}-16`, to: `2025-${month}-27`, days: 12, segments: [], dailyRate: '0.0003', rounding: 'half-up', unrounded: '0', amount: '0.40', cappedBy: null })),
      );
    }
  }
  log.push(ev(SC, 'PaymentReceived', '2025-07-30', d({ paymentId: 'stray', channel: 'cash', channelTxnId: 'cash-1', amount: '1.00', receivedOn: '2025-07-30', allocations: [], toCredit: '1.00' })));
  return log;
};

describe('one fold, two ways', () => {
  it('follows a store with a checkpoint, resumes after a restart, and ends where a rebuild does', async () => {
    const store = openMemoryEventStore();
    const log = quarterLog();
    for (const e of log) {
      const { streamId, ...rest } = e;
      await store.appendToStream(streamId, [rest as unknown as NewEvent]);
    }
    const live = startCheckpointed(levyProjection);
    await follow(levyProjection, store.subscribeToAll({}), live, { until: (t) => t.checkpoint === 10n });
    expect(live.count).toBe(10);
    // a restart: a new subscription from the saved checkpoint, same state
    await follow(levyProjection, store.subscribeToAll({ checkpoint: live.checkpoint ?? 0n }), live, { until: (t) => t.checkpoint === BigInt(log.length) });
    const rebuilt = await rebuildFromStore(levyProjection, store);
    const day = dayOf('2025-04-30');
    expect(reportJson(reportBundle(live.state, day))).toBe(reportJson(reportBundle(rebuilt.state, day)));
  });

  it('ignores a redelivered event', async () => {
    const store = openMemoryEventStore();
    const [first] = quarterLog();
    const { streamId, ...rest } = first!;
    await store.appendToStream(streamId, [rest as unknown as NewEvent]);
    const stored = [];
    for await (const e of store.readAll()) stored.push(e);
    const live = startCheckpointed(levyProjection);
    applyStored(levyProjection, live, stored[0]!);
    applyStored(levyProjection, live, stored[0]!);
    expect(live.count).toBe(1);
    expect(live.state.audit.events).toHaveLength(1);
  });

  it('folds an array in runs looking ahead with exactly the result of folding event by event', () => {
    // over 200 events: many runs of the look-ahead, a tail shorter than a run, units whose first
    // event falls inside a run (their unit is not in the book when the run is looked at)
    const log = busyLog(30);
    expect(log.length).toBeGreaterThan(200);
    expect(log.length % 64).not.toBe(0);
    const oneByOne = <S>(p: { init(): S; apply(s: S, e: LoggedEvent): S }): S => {
      let s = p.init();
      for (const e of log) s = p.apply(s, e);
      return s;
    };
    const day = dayOf('2025-07-31');
    const views = rebuild(levyProjection, log);
    const stepped = oneByOne(levyProjection);
    expect(reportJson(reportBundle(views, day))).toBe(reportJson(reportBundle(stepped, day)));
    expect(views.book.anomalies.map((a) => a.code)).toEqual(['EVENT_IN_WRONG_STREAM']);
    expect(views.book.anomalies).toEqual(stepped.book.anomalies);
    // every unit's events, charges and movements, and the audit trail, event for event
    const shape = (book: typeof views.book) =>
      [...book.units.values()].map((u) => ({ key: u.key, events: eventsOf(book, u).map((e) => e.meta.eventId), charges: u.charges.map((c) => [c.chargeId, c.principal.toString(), c.penalty.toString(), movesOf(c)]), credit: creditMovesOf(u) }));
    expect(shape(views.book)).toEqual(shape(stepped.book));
    expect(views.audit.events.toArray()).toEqual(stepped.audit.events.toArray());
    // the book alone, and a log that is not an array (folded event by event), agree too
    expect(shape(rebuild(bookProjection, log))).toEqual(shape(stepped.book));
    expect(reportJson(reportBundle(rebuild(levyProjection, log.values()), day))).toBe(reportJson(reportBundle(views, day)));
  });

  it('rebuilds from a store in runs with the result of following it event by event', async () => {
    const store = openMemoryEventStore();
    // more than two runs of 1,024 and a shorter tail
    const log = busyLog(300);
    expect(log.length).toBeGreaterThan(2 * 1024);
    expect(log.length % 1024).not.toBe(0);
    for (const e of log) {
      const { streamId, ...rest } = e;
      await store.appendToStream(streamId, [rest as unknown as NewEvent]);
    }
    const rebuilt = await rebuildFromStore(levyProjection, store);
    const live = await follow(levyProjection, store.subscribeToAll({}), startCheckpointed(levyProjection), { until: (t) => t.checkpoint === BigInt(log.length) });
    expect(rebuilt.count).toBe(log.length);
    expect(rebuilt.checkpoint).toBe(BigInt(log.length));
    const day = dayOf('2025-07-31');
    expect(reportJson(reportBundle(rebuilt.state, day))).toBe(reportJson(reportBundle(live.state, day)));
    // and what the log folds to in memory, but for the audit trail, which shows stored events' positions
    const withoutAudit = (views: LevyViews) => reportJson({ ...reportBundle(views, day), audit: null });
    expect(withoutAudit(rebuilt.state)).toBe(withoutAudit(rebuild(levyProjection, log)));
    // a projection without applyAll is folded event by event, as before
    const journal = await rebuildFromStore(journalProjection, store);
    expect(journal.count).toBe(log.length);
    expect(reportJson(trialBalance(journal.state))).toBe(reportJson(trialBalance(rebuilt.state.journal)));
  });

  it('makes room for a rebuild once when it knows the length, and at least doubles when reserved run by run', () => {
    const book = bookProjection.init();
    expect([book.eventPrev.length, book.eventSeq.length, book.moves.day.length]).toEqual([1024, 1024, 1024]);
    reserveBook(book, 5_000);
    expect([book.eventPrev.length, book.eventSeq.length, book.moves.day.length, book.moves.kind.length, book.moves.paidDay.length, book.moves.prev.length]).toEqual([5_000, 5_000, 5_000, 5_000, 5_000, 5_000]);
    // a store's rebuild reserves 1,024 at a time: the columns double rather than grow by a run each time
    reserveBook(book, 5_001);
    expect([book.eventPrev.length, book.moves.day.length]).toEqual([10_000, 10_000]);
    reserveBook(book, 10);
    expect([book.eventPrev.length, book.moves.day.length]).toEqual([10_000, 10_000]);
    // and a fold into the room made gives what a fold without it gives
    const log = busyLog(30);
    const roomy = bookProjection.init();
    reserveBook(roomy, 100_000);
    const stepped = log.reduce((s, e) => bookProjection.apply(s, e), roomy);
    const rebuilt = rebuild(bookProjection, log);
    expect(stepped.events.toArray()).toEqual(rebuilt.events.toArray());
    const chains = (b: typeof book) => [...b.units.values()].map((u) => eventsOf(b, u).map((e) => e.meta.eventId));
    expect(chains(stepped)).toEqual(chains(rebuilt));
    expect(chains(stepped).flat().length).toBe(stepped.events.length);
  });

  it('rebuilds from a store that repeats an event or holds other kinds of events as applyStored would', async () => {
    const log = quarterLog().slice(0, 6);
    const stored = log.map((e, i) => ({ ...e, position: BigInt(i + 1) }));
    // a store read that delivers the fourth event twice and a ticket between the events
    const ticket = { ...stored[0]!, type: 'TicketOpened', streamId: 'levy.ticket-1', position: 7n };
    const delivered = [...stored.slice(0, 4), stored[3]!, ...stored.slice(4).map((e) => ({ ...e, position: e.position + 1n })), { ...ticket, position: 8n }];
    const store = { readAll: async function* () { yield* delivered; } } as unknown as EventStore;
    const rebuilt = await rebuildFromStore(levyProjection, store);
    const live = startCheckpointed(levyProjection);
    for (const e of delivered) applyStored(levyProjection, live, e as unknown as StoredEvent);
    expect(rebuilt.count).toBe(6);
    expect(rebuilt.checkpoint).toBe(8n);
    expect(live.count).toBe(6);
    const day = dayOf('2025-04-30');
    expect(reportJson(reportBundle(rebuilt.state, day))).toBe(reportJson(reportBundle(live.state, day)));
  });

  it('combines projections into one pass with the same results as each alone', () => {
    const both = combine({ journal: journalProjection, book: bookProjection });
    const log = quarterLog();
    const v = rebuild(both, log);
    expect(reportJson(trialBalance(v.journal))).toBe(reportJson(trialBalance(rebuild(journalProjection, log))));
    expect(v.book.units.size).toBe(2);
  });

  it('rebuilds a combination part by part with the result of folding it event by event', () => {
    const all = combine({ journal: journalProjection, book: bookProjection, audit: auditProjection });
    const log = busyLog(30);
    let stepped = all.init();
    for (const e of log) stepped = all.apply(stepped, e);
    const rebuilt = rebuild(all, log);
    const day = dayOf('2025-07-31');
    expect(reportJson(reportBundle(rebuilt, day))).toBe(reportJson(reportBundle(stepped, day)));
    expect(reportJson(reportBundle(rebuilt, day))).toBe(reportJson(reportBundle(rebuild(levyProjection, log), day)));
    expect(rebuilt.audit.events.toArray()).toEqual(log);
  });
});

describe('the journal as of any date', () => {
  it('moves the refund out of the balances before the day it was made', () => {
    const { journal } = rebuild(levyProjection, quarterLog());
    expect(balancesAsOf(journal, dayOf('2025-03-09')).get('Cash:alipay')?.toString()).toBe('600.00');
    expect(balancesAsOf(journal, dayOf('2025-03-10')).get('Cash:alipay')?.toString()).toBe('500.00');
    expect(balancesAsOf(journal, dayOf('2024-12-31')).size).toBe(0);
  });

  it('reverses a 酬金制 charge from the owners fund and the commission when it is cancelled', () => {
    const cancel = ev(S1, 'ChargeCancelled', '2025-05-10', {
      chargeId: 'cc-1',
      amount: '300.00',
      commission: '24.00',
      outstandingPrincipal: '300.00',
      paidPrincipalToCredit: '0.00',
      outstandingPenalty: '0.00',
      paidPenaltyToCredit: '0.00',
    } as never);
    const journal = rebuild(journalProjection, [commissionCharge(), cancel]);
    const b = balancesAsOf(journal);
    expect([...b.entries()].map(([k, v]) => `${k} ${v.toString()}`)).toEqual(['Liability:OwnersFund 0.00', 'Receivable:Fees 0.00', 'Revenue:Commission 0.00']);
    const before = balancesAsOf(journal, dayOf('2025-05-09'));
    expect(before.get('Liability:OwnersFund')?.toString()).toBe('-276.00');
    expect(before.get('Revenue:Commission')?.toString()).toBe('-24.00');
  });

  it('posts an earlier day than any before it (a backdated entry) on that day', () => {
    const late = charge(S1, 'B1-101', 'c-old', '2024-11', '2024-11-01', '2024-11-30', '2024-12-15', '100.00', '2024-11-01');
    const journal = rebuild(journalProjection, [...quarterLog(), late]);
    expect(balancesAsOf(journal, dayOf('2024-11-01')).get('Receivable:Fees')?.toString()).toBe('100.00');
    expect(trialBalance(journal).sum.isZero()).toBe(true);
  });
});

describe('aging buckets', () => {
  it('builds the default buckets from their upper bounds', () => {
    const b = agingBuckets([0, 30, 60, 90, 180, 365]);
    expect(b._tag === 'Right' && b.right.map((x) => x.label)).toEqual(DEFAULT_AGING_BUCKETS.map((x) => x.label));
  });

  it('refuses bounds that do not ascend', () => {
    const b = agingBuckets([0, 30, 30]);
    expect(b._tag === 'Left' && [b.left.code, b.left.path]).toEqual(['AGING_BUCKETS_INVALID', ['buckets', '2']]);
    expect(agingBuckets([])._tag).toBe('Left');
  });

  it('ages into custom buckets', () => {
    const b = agingBuckets([0, 60]);
    if (b._tag === 'Left') throw new Error(b.left.message);
    const a = agingReport(rebuild(levyProjection, quarterLog()).book, { asOf: dayOf('2025-04-30'), buckets: b.right });
    expect(a.buckets).toEqual(['current', '1-60', '>60']);
    expect(a.totals.map(String)).toEqual(['0.00', '0.00', '450.00']);
  });
});

describe('output', () => {
  it('gives byte-identical JSON for the same log, with dates as ISO days and amounts canonical', () => {
    const day = dayOf('2025-04-30');
    const a = reportJson(reportBundle(rebuild(levyProjection, quarterLog()), day));
    const b = reportJson(reportBundle(rebuild(levyProjection, JSON.parse(JSON.stringify(quarterLog())) as LoggedEvent[]), day));
    expect(a).toBe(b);
    expect(a).toContain('"asOf":"2025-04-30"');
    expect(a).toContain('"total":"450.00"');
  });

  it('lines up columns of Chinese text by display width', () => {
    const t = renderTable([{ header: 'building' }, { header: 'owed', align: 'right' }], [['1号楼', '5.00'], ['B2', '10.00']]);
    expect(t.split('\n')).toEqual(['building   owed', '--------  -----', '1号楼      5.00', 'B2        10.00']);
  });

  it('renders a trial balance that shows the zero check', () => {
    const text = renderTrialBalance(trialBalance(rebuild(journalProjection, quarterLog())));
    expect(text.split('\n').at(-1)).toMatch(/^debits - credits +0\.00$/);
    expect(text).toMatch(/\nReceivable:Fees +450\.00\n/);
  });

  it('keeps a unit unknown to the community apart from registered ones', () => {
    const stray = charge(`levy.account-${C}.X9`, 'X9', 'cx', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '10.00', '2025-01-01');
    const { book } = rebuild(levyProjection, [...quarterLog(), stray]);
    const u = book.units.get(`levy.account-${C}.X9`)!;
    expect([u.registered, u.building]).toEqual([false, 'unknown']);
  });
});
