import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CommandMeta, type EventData, type EventOf, type EventStore, type LevyCommand, Money, type StoredEvent, accountPolicyFrom, createLevy, openMemoryEventStore } from '@levy/core';
import {
  type LevyViews,
  type LoggedEvent,
  type Projection,
  applyStored,
  auditProjection,
  auditTrail,
  bookProjection,
  combine,
  dayOf,
  disclosure,
  follow,
  journalProjection,
  levyProjection,
  rebuild,
  reportBundle,
  reportJson,
  startCheckpointed,
} from '@levy/projections';
import {
  type CheckedLog,
  accountLogArbitrary,
  accountStepArbitrary,
  checkClosedPeriods,
  checkCollectionRates,
  checkCreditLots,
  checkIncremental,
  checkInvariants,
  checkJournal,
  checkReceivables,
  checkUnitPositions,
  feeScheduleArbitrary,
  readLog,
  runAccountSteps,
  simulateCommunityYear,
  storedEventsOf,
  type AccountStep,
} from '../src/index.js';
import { runs } from './support/properties.js';

const logs = (steps = 60) => accountLogArbitrary({ units: { min: 1, max: 4 }, steps }).map((log) => storedEventsOf(log) as unknown as LoggedEvent[]);

const names = (v: readonly { invariant: string; message: string }[]): string[] => v.map((x) => `${x.invariant}: ${x.message}`);

describe('invariants over generated account logs', () => {
  it('every journal entry balances and the trial balance sums to zero on every day', () => {
    fc.assert(fc.property(logs(), (events) => {
        expect(names(checkJournal(events))).toEqual([]);
      }));
  });

  it('receivable control accounts equal unit balances, aging buckets and the arrears ledger; prepaid equals credit', () => {
    fc.assert(fc.property(logs(), (events) => {
        expect(names(checkReceivables(events))).toEqual([]);
      }));
  });

  it('each unit nets to its charges, penalties, waivers, payments, reversals and refunds; nothing over-paid, credit never negative', () => {
    fc.assert(fc.property(logs(), (events) => {
        expect(names(checkUnitPositions(events))).toEqual([]);
      }));
  });

  it('every fen of credit named by lot came into that lot first, and the lots add up to the credit', () => {
    fc.assert(fc.property(logs(), (events) => {
        expect(names(checkCreditLots(events))).toEqual([]);
      }));
  });

  it('collection rates stay within [0, 1] and never fall without reversals or cancellations', () => {
    fc.assert(fc.property(logs(), (events) => {
        expect(names(checkCollectionRates(events))).toEqual([]);
      }));
  });

  it('levyProjection, which resolves each stream once for all three views, reports what the three folded apart report', () => {
    fc.assert(fc.property(logs(), (events) => {
        const apart = rebuild(combine({ journal: journalProjection, book: bookProjection, audit: auditProjection }), events);
        const together = rebuild(levyProjection, events);
        for (const asOf of ['2025-03-31', '2025-12-31', '2027-12-31']) {
          expect(reportJson(reportBundle(together, dayOf(asOf)))).toBe(reportJson(reportBundle(apart, dayOf(asOf))));
        }
      }));
  });

  it('long logs (80 to 160 steps, dates out of order) keep every invariant together', () => {
    const long = accountLogArbitrary({ units: { min: 1, max: 3 }, steps: { min: 80, max: 160 } }).map((log) => storedEventsOf(log) as unknown as LoggedEvent[]);
    fc.assert(fc.property(long, (events) => {
        expect(names(checkInvariants(events, { every: 25 }))).toEqual([]);
      }), { numRuns: runs(30) });
  });

  it('rebuilding equals following with a checkpoint at every prefix, and reports are byte-identical', () => {
    fc.assert(fc.property(logs(30), (events) => {
        expect(names(checkIncremental(events))).toEqual([]);
      }), { numRuns: runs(40) });
  });
});

describe('collection rates over logs with nothing undone', () => {
  // checkCollectionRates checks that rates never fall only in a log with no PaymentReversed or
  // ChargeCancelled, and nearly every log accountLogArbitrary makes has one: these logs are built
  // the same way (a generated schedule, 1 to 4 units, up to 60 steps run through the decider) from
  // every kind of step but 'reverse' and 'cancel'
  const forwardLogs = fc
    .integer({ min: 1, max: 4 })
    .chain((units) =>
      fc.tuple(
        fc.constant(units),
        feeScheduleArbitrary(),
        fc.array(
          accountStepArbitrary(units).filter((step) => step.kind !== 'reverse' && step.kind !== 'cancel'),
          { minLength: 10, maxLength: 60, size: 'max' },
        ),
      ),
    )
    .map(([units, schedule, steps]) => storedEventsOf(runAccountSteps(steps, { units, schedule })) as unknown as LoggedEvent[]);

  it('never fall as the as-of date moves forward once the period is billed, and stay within [0, 1]', () => {
    const seen = { logs: 0, undone: 0, paidCharges: 0 };
    fc.assert(
      fc.property(forwardLogs, (events) => {
        seen.logs++;
        if (events.some((e) => e.type === 'PaymentReversed' || e.type === 'ChargeCancelled')) seen.undone++;
        // a payment or credit that paid a charge: a rate with something to rise, so the monotone comparison had work to do
        if (events.some((e) => (e.type === 'PaymentReceived' && e.data.allocations.length > 0) || e.type === 'CreditApplied')) seen.paidCharges++;
        expect(names(checkCollectionRates(events))).toEqual([]);
      }),
      { numRuns: runs(100) },
    );
    // the monotone branch ran: nothing was undone in any log, and most logs paid a charge
    expect(seen.undone).toBe(0);
    expect(seen.paidCharges).toBeGreaterThan(seen.logs * 0.7);
  });
});

describe('invariants over credit paying penalty', () => {
  // one unit, penalty-first: January's bill paid, then credit paid in advance, then the bill's payment
  // bounces (the credit waits beside it); an assessment, ApplyCredit (the penalty first, then part of
  // the principal), a transfer received before the assessed day booked late (the penalty counted
  // again lower gives what credit paid back to credit), and last the advance payment bounces too
  // (re-opening the penalty its credit paid)
  const steps = fc.record({ billFen: fc.integer({ min: 10_000, max: 300_000 }), creditFen: fc.integer({ min: 100, max: 300_000 }), share: fc.integer({ min: 1, max: 100 }), lateDays: fc.integer({ min: 8, max: 30 }) }).map(
    ({ billFen, creditFen, share, lateDays }): AccountStep[] => [
      { kind: 'issue', unit: 0, amountFen: billFen, advance: 0 },
      { kind: 'pay', unit: 0, share: 100, extraFen: 0, txn: 1, channel: 0, advance: 1, lateDays: 0 },
      { kind: 'pay', unit: 0, share: 100, extraFen: creditFen, txn: 2, channel: 0, advance: 1, lateDays: 0 },
      { kind: 'reverse', unit: 0, pick: 0, advance: 1 },
      { kind: 'assess', unit: 0, advance: 60 },
      { kind: 'apply', unit: 0, advance: 1 },
      { kind: 'pay', unit: 0, share, extraFen: 0, txn: 3, channel: 0, advance: 2, lateDays },
      { kind: 'reverse', unit: 0, pick: 1, advance: 3 },
    ],
  );
  it('keep every invariant, and the log has what it is about', () => {
    let reached = { penaltyFromCredit: 0, givenBack: 0, reopened: 0 };
    fc.assert(
      fc.property(feeScheduleArbitrary(), steps, (schedule, list) => {
        const policy = { ...accountPolicyFrom(schedule), allocation: 'penalty-first' as const };
        const log = runAccountSteps(list, { units: 1, schedule, policy });
        const events = storedEventsOf(log) as unknown as LoggedEvent[];
        expect(names(checkInvariants(events))).toEqual([]);
        for (const e of events) {
          if (e.type === 'CreditApplied' && e.data.kind === 'penalty') reached = { ...reached, penaltyFromCredit: reached.penaltyFromCredit + 1 };
          if (e.type === 'PenaltyAdjusted' && (e.data.creditPaid ?? []).length > 0) reached = { ...reached, givenBack: reached.givenBack + 1 };
          if (e.type === 'PaymentReversed' && e.data.creditApplications.some((a) => a.kind === 'penalty')) reached = { ...reached, reopened: reached.reopened + 1 };
        }
      }),
      { numRuns: runs(60) },
    );
    expect(Object.values(reached).every((n) => n > 0)).toBe(true);
  });
});

describe('invariants over a simulated community year', () => {
  it('hold, with nothing refused, for a small year of any seed of the simulator', async () => {
    // the whole path (handler, deciders, store, projections) over years the examples below do not pick
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 32 - 1 }), async (seed) => {
        const store = openMemoryEventStore();
        const summary = await simulateCommunityYear({ seed, units: 16, store });
        expect(summary.refusals).toEqual({});
        expect(names(checkInvariants(await readLog(store), { every: 400 }))).toEqual([]);
      }),
      { numRuns: runs(6) },
    );
  });

  it('hold for a year with closes, a plan, a bounced payment and approved waivers', async () => {
    const store = openMemoryEventStore();
    await simulateCommunityYear({ seed: 3, units: 40, store });
    const events = await readLog(store);
    expect(events.some((e) => e.type === 'PeriodClosed')).toBe(true);
    expect(names(checkInvariants(events, { every: 250 }))).toEqual([]);
  });

  it('hold when penalty counted again falls below what a committee waived (the waiver relieves less, dated no earlier than the waiver)', async () => {
    const store = openMemoryEventStore();
    await simulateCommunityYear({ seed: 6, units: 60, store });
    const events = await readLog(store);
    const released = events.filter((e) => e.type === 'PenaltyAdjusted' && ((e.data as EventOf<'PenaltyAdjusted'>['data']).waivers ?? []).some((w) => w.amount.startsWith('-')));
    expect(released.length).toBeGreaterThan(0);
    expect(names(checkInvariants(events, { every: 250 }))).toEqual([]);
  });

  it('a live subscription resumed from a checkpoint ends where a rebuild does', async () => {
    const store = openMemoryEventStore();
    await simulateCommunityYear({ seed: 4, units: 12, store });
    const all = await readLog(store);
    const head = all[all.length - 1]!.position;
    const half = all[Math.floor(all.length / 2)]!.position;
    const live = startCheckpointed(levyProjection);
    await follow(levyProjection, store.subscribeToAll({}), live, { until: (t) => t.checkpoint === half });
    await follow(levyProjection, store.subscribeToAll({ checkpoint: live.checkpoint ?? 0n }), live, { until: (t) => t.checkpoint === head });
    const day = live.state.book.lastDay!;
    expect(reportJson(reportBundle(live.state, day))).toBe(reportJson(reportBundle(rebuild(levyProjection, all as unknown as LoggedEvent[]), day)));
    expect(live.count).toBe(all.length);
  });
});

describe('options of the checks', () => {
  it('refuses an every that would quietly compare fewer prefixes than asked', () => {
    for (const every of [0, -1, 2.5, Number.NaN]) {
      expect(() => checkIncremental([], { every })).toThrow(expect.objectContaining({ code: 'OPTIONS_INVALID' }));
    }
    expect(checkIncremental([], { every: 3 })).toEqual([]);
  });
});

// the checks must fail on a log that breaks them: doctor a clean log
const clean = (): LoggedEvent[] => storedEventsOf(fc.sample(accountLogArbitrary({ units: 2, steps: { min: 30, max: 30 } }), { numRuns: 1, seed: 9 })[0]!) as unknown as LoggedEvent[];
const withData = (e: LoggedEvent, data: Record<string, unknown>): LoggedEvent => ({ ...e, data: { ...e.data, ...data } }) as unknown as LoggedEvent;
const redated = (e: LoggedEvent, effectiveDate: string): LoggedEvent => ({ ...e, meta: { ...e.meta, effectiveDate } }) as LoggedEvent;
const plus = (amount: string, more: string): string => Money.of(amount).add(Money.of(more)).toString();
const scheduleOf = (): EventData<'FeeScheduleAdopted'> => fc.sample(feeScheduleArbitrary(), { numRuns: 1, seed: 3 })[0]!;
// penalty from the day after the due date, 0.03% a day: a January charge of 1,000.00 owes 0.30 a day from February 16
const withPenalty = (): EventData<'FeeScheduleAdopted'> =>
  ({ ...scheduleOf(), penalty: { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' } }) as EventData<'FeeScheduleAdopted'>;
/** one unit's log from hand-written steps (unit U001 of community sunrise) */
const oneUnit = (steps: readonly AccountStep[], schedule = scheduleOf()): LoggedEvent[] => storedEventsOf(runAccountSteps(steps, { units: 1, schedule })) as unknown as LoggedEvent[];
const U001 = 'levy.account-sunrise.U001';
// January's 1,000.00 issued 2025-01-01; 300.00 paid 01-10; 70.00 waived 01-12; 830.00 paid 01-22 (630.00
// of it owed, 200.00 to credit, lot wechat-T0x2); 100.00 of that credit refunded 01-27
const billedPaidRefunded = (): LoggedEvent[] =>
  oneUnit([
    { kind: 'issue', unit: 0, amountFen: 100_000, advance: 0 },
    { kind: 'pay', unit: 0, share: 30, extraFen: 0, txn: 1, channel: 0, advance: 9, lateDays: 0 },
    { kind: 'waive', unit: 0, pick: 0, penalty: false, share: 10, committee: true, advance: 2 },
    { kind: 'pay', unit: 0, share: 100, extraFen: 20_000, txn: 2, channel: 0, advance: 10, lateDays: 0 },
    { kind: 'refund', unit: 0, share: 50, advance: 5 },
  ]);
const indexOf = (events: readonly LoggedEvent[], type: LoggedEvent['type'], nth = 0): number => {
  const at = events.flatMap((e, i) => (e.type === type ? [i] : []))[nth];
  if (at === undefined) throw new Error(`the log has no ${type} #${nth + 1}: ${events.map((e) => e.type).join(', ')}`);
  return at;
};

describe('the checks catch broken logs', () => {
  it('reports waivers left on the contra account, and their penalty in revenue, after their charge was cancelled', () => {
    const schedule = { ...fc.sample(feeScheduleArbitrary(), { numRuns: 1, seed: 3 })[0]!, penalty: { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' } } as EventData<'FeeScheduleAdopted'>;
    const log = runAccountSteps(
      [
        { kind: 'issue', unit: 0, amountFen: 100_000, advance: 0 },
        { kind: 'assess', unit: 0, advance: 60 },
        { kind: 'waive', unit: 0, pick: 0, penalty: true, share: 50, committee: true, advance: 1 },
        { kind: 'cancel', unit: 0, pick: 0, advance: 1 },
      ],
      { units: 1, schedule },
    );
    const events = storedEventsOf(log) as unknown as LoggedEvent[];
    expect(events.map((e) => e.type).slice(-3)).toEqual(['PenaltyAssessed', 'WaiverGranted', 'ChargeCancelled']);
    expect(names(checkReceivables(events))).toEqual([]);
    // the cancellation as logs wrote it before it named the penalty waived
    const unnamed = events.map((e) => (e.type === 'ChargeCancelled' ? withData(e, { waivedPenalty: undefined }) : e));
    const messages = checkReceivables(unnamed).map((x) => x.message).join('\n');
    expect(messages).toContain('Contra:Waivers holds');
    expect(messages).toContain('Revenue:Penalties holds');
  });

  it('reports a journal that posts penalty paid from credit against fees (the control accounts on their own)', () => {
    // a unit that overpaid before the assessment has its credit pay the penalty (CreditApplied, kind penalty)
    const log = runAccountSteps(
      [
        // January's 1,000.00, due February 15, paid on February 20 with 50.00 over; the February 25
        // assessment counts February 16 to 20, owed beside the 50.00 of credit, which then pays it
        { kind: 'issue', unit: 0, amountFen: 100_000, advance: 0 },
        { kind: 'pay', unit: 0, share: 100, extraFen: 5_000, txn: 1, channel: 0, advance: 50, lateDays: 0 },
        { kind: 'assess', unit: 0, advance: 5 },
        { kind: 'apply', unit: 0, advance: 1 },
      ],
      { units: 1, schedule: { ...fc.sample(feeScheduleArbitrary(), { numRuns: 1, seed: 3 })[0]!, penalty: { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' } } as EventData<'FeeScheduleAdopted'> },
    );
    const events = storedEventsOf(log) as unknown as LoggedEvent[];
    expect(events.some((e) => e.type === 'CreditApplied' && e.data.kind === 'penalty')).toBe(true);
    expect(names(checkReceivables(events))).toEqual([]);
    // the same log, with a journal that read every credit application as principal
    const asPrincipal = events.map((e) => (e.type === 'CreditApplied' ? withData(e, { kind: undefined }) : e));
    const views = { ...rebuild(levyProjection, events), journal: rebuild(journalProjection, asPrincipal) };
    expect(checkReceivables(events, views).map((x) => x.message).join('\n')).toContain('Receivable:Penalties holds');
  });

  it('reports a payment whose allocations do not add up to it', () => {
    const events = clean();
    const i = events.findIndex((e) => e.type === 'PaymentReceived');
    expect(i).toBeGreaterThanOrEqual(0);
    const p = events[i] as Extract<LoggedEvent, { type: 'PaymentReceived' }>;
    events[i] = withData(p, { amount: Money.of(p.data.amount).add(Money.of('1.00')).toString() });
    const v = checkUnitPositions(events).map((x) => x.invariant);
    expect(v).toContain('PAYMENT_ALLOCATED');
    expect(v).toContain('BOOK_ANOMALY');
  });

  it('reports credit taken from a lot that never held it, or before it arose', () => {
    // one unit: 300.00 paid ahead on 2025-01-01 (lot wechat-T0x0), then a charge issued on 2025-01-03 that the credit pays
    const log = runAccountSteps(
      [
        { kind: 'pay', unit: 0, share: 1, extraFen: 30_000, txn: 0, channel: 0, advance: 0, lateDays: 0 },
        { kind: 'issue', unit: 0, amountFen: 10_000, advance: 2 },
      ],
      { units: 1, schedule: fc.sample(feeScheduleArbitrary(), { numRuns: 1, seed: 3 })[0]! },
    );
    const events = storedEventsOf(log) as unknown as LoggedEvent[];
    const i = events.findIndex((e) => e.type === 'CreditApplied');
    const applied = events[i] as Extract<LoggedEvent, { type: 'CreditApplied' }>;
    expect([applied.meta.effectiveDate, applied.data.lots]).toEqual(['2025-01-03', [{ lotId: 'wechat-T0x0', amount: '100.00' }]]);
    expect(names(checkCreditLots(events))).toEqual([]);
    const unit = applied.streamId;
    // a lot no event put credit into
    const ghost = events.map((e, k) => (k === i ? withData(e, { lots: [{ lotId: 'wechat-ghost', amount: '100.00' }] }) : e));
    expect(names(checkCreditLots(ghost))).toEqual([`CREDIT_LOTS_RECONCILE: on 2025-01-03 credit lot wechat-ghost of ${unit} has given 100.00 more than came into it`]);
    // the right lot, but on a day before the payment that made it
    const early = events.map((e, k) => (k === i ? ({ ...e, meta: { ...e.meta, effectiveDate: '2024-12-31' } } as LoggedEvent) : e));
    expect(names(checkCreditLots(early))).toEqual([`CREDIT_LOTS_RECONCILE: on 2024-12-31 credit lot wechat-T0x0 of ${unit} has given 100.00 more than came into it`]);
    expect(names(checkInvariants(ghost, { skipIncremental: true }))).toContain(`CREDIT_LOTS_RECONCILE: on 2025-01-03 credit lot wechat-ghost of ${unit} has given 100.00 more than came into it`);
  });

  it('reports a charge paid twice over', () => {
    const events = clean();
    const i = events.findIndex((e) => e.type === 'PaymentReceived' && e.data.allocations.some((a) => a.kind === 'principal'));
    expect(i).toBeGreaterThanOrEqual(0);
    const dup = { ...events[i]!, meta: { ...events[i]!.meta, eventId: '00000000-0000-8000-8000-000000000001' } } as LoggedEvent;
    events.splice(i + 1, 0, dup);
    expect(checkUnitPositions(events).some((x) => x.message.startsWith('CHARGE_OVERPAID'))).toBe(true);
  });

  it('reports a closed period whose figures move after the close', async () => {
    const store = openMemoryEventStore();
    await simulateCommunityYear({ seed: 5, units: 10, store });
    const events = (await readLog(store)) as unknown as LoggedEvent[];
    const close = events.find((e) => e.type === 'PeriodClosed') as Extract<LoggedEvent, { type: 'PeriodClosed' }>;
    const charge = events.find((e) => e.type === 'ChargeIssued')!;
    // a charge slipped in after the close, dated inside the closed quarter
    const late = withData({ ...charge, meta: { ...charge.meta, eventId: '00000000-0000-8000-8000-000000000002', effectiveDate: close.data.periodEnd } } as LoggedEvent, {
      chargeId: 'late-charge',
    });
    const doctored: CheckedLog = [...events, late];
    expect(checkClosedPeriods(doctored).map((x) => x.invariant)).toContain('CLOSED_PERIOD_FROZEN');
  });

  // a second instance books a payment between the close reading the account heads and appending PeriodClosed
  const raceAClose = async (guards: boolean) => {
    const inner = openMemoryEventStore();
    const other = createLevy(inner, { clock: () => '2025-04-01T02:00:00Z' });
    let raced: string | null = null;
    const racy: EventStore = {
      ...inner,
      // a store without multi-stream guards (as over EventStoreDB) takes the append as it comes
      supportsGuards: guards,
      appendToStream: async (streamId, events, options) => {
        const close = events.find((e) => e.type === 'PeriodClosed') as { data: { communityId: string; periodEnd: string } } | undefined;
        if (raced === null && close !== undefined) {
          const community = await other.readCommunity(close.data.communityId);
          const unitId = [...community.units.keys()].sort()[0]!;
          const meta = { actor: { id: 'cashier-2', role: 'clerk' }, effectiveDate: close.data.periodEnd } as CommandMeta;
          const pay = { type: 'ReceivePayment', data: { channel: 'cash', channelTxnId: 'race-1', amount: '10.00', receivedOn: close.data.periodEnd }, meta } as LevyCommand;
          const r = await other.handle(pay, { communityId: close.data.communityId, unitId });
          if (r._tag === 'Left') throw new Error(r.left.message);
          raced = r.right.events[0]!.meta.eventId;
        }
        return inner.appendToStream(streamId, events, guards ? options : { expectedRevision: options?.expectedRevision });
      },
    };
    await simulateCommunityYear({ seed: 5, units: 6, store: racy });
    expect(raced).not.toBeNull();
    const events = (await readLog(inner)) as unknown as LoggedEvent[];
    return { raced: raced!, events, views: rebuild(levyProjection, events) };
  };

  it('flags a payment booked while a close was being gathered, on a store without guards: dated inside the period, after its sealed head (MISSED_BY_CLOSE)', async () => {
    const { raced, events, views } = await raceAClose(false);
    const missed = views.book.anomalies.filter((a) => a.code === 'MISSED_BY_CLOSE');
    expect(missed.map((a) => a.eventId)).toEqual([raced]);
    expect(missed[0]!.message).toContain('the sealed totals do not include it');
    const trail = auditTrail(views.audit, { flagged: true }, views.book.anomalies);
    expect(trail._tag === 'Right' && trail.right.rows.find((r) => r.eventId === raced)?.flags).toEqual(['MISSED_BY_CLOSE']);
    expect(names(checkUnitPositions(events)).some((v) => v.startsWith('BOOK_ANOMALY: MISSED_BY_CLOSE'))).toBe(true);
  });

  it('seals that payment instead, on a store with guards: PeriodClosed is refused while an account moved past its head, and the close is gathered again', async () => {
    const { raced, events, views } = await raceAClose(true);
    expect(views.book.anomalies.map((a) => `${a.code} ${a.message}`)).toEqual([]);
    const payment = events.find((e) => e.meta.eventId === raced)!;
    const close = events.find((e) => e.type === 'PeriodClosed' && e.data.periodEnd === payment.meta.effectiveDate) as Extract<LoggedEvent, { type: 'PeriodClosed' }>;
    // the close came after the payment in the log, and sealed its stream at or past it
    expect(events.indexOf(close)).toBeGreaterThan(events.indexOf(payment));
    const sealedAt = BigInt(close.data.heads.find((h) => h.streamId === payment.streamId)!.revision);
    const revisionOf = events.filter((e) => e.streamId === payment.streamId).indexOf(payment);
    expect(sealedAt).toBeGreaterThanOrEqual(BigInt(revisionOf));
    expect(names(checkInvariants(events, { skipIncremental: true }))).toEqual([]);
  });

  it('reports a journal that does not balance', () => {
    const events = clean();
    const i = events.findIndex((e) => e.type === 'PaymentReversed' || e.type === 'PaymentReceived');
    const p = events[i] as Extract<LoggedEvent, { type: 'PaymentReceived' }>;
    events[i] = withData(p, { toCredit: '999.99' });
    expect(checkJournal(events).map((x) => x.invariant)).toContain('ENTRY_BALANCES');
  });

  it('reports a trial balance that does not sum to zero, though every entry the log makes balances (TRIAL_BALANCE_ZERO)', () => {
    const events = billedPaidRefunded();
    expect(names(checkJournal(events))).toEqual([]);
    // views whose journal folded the first payment with 0.01 more put to Prepaid than came in: the log's own entries all balance
    const i = indexOf(events, 'PaymentReceived');
    const p = events[i] as Extract<LoggedEvent, { type: 'PaymentReceived' }>;
    const skewed = events.map((e, k) => (k === i ? withData(e, { toCredit: plus(p.data.toCredit, '0.01') }) : e));
    const views = { ...rebuild(levyProjection, events), journal: rebuild(journalProjection, skewed) };
    expect(names(checkJournal(events, views))).toEqual([
      'TRIAL_BALANCE_ZERO: the trial balance as of 2025-01-27 sums to -0.01, not zero',
      'TRIAL_BALANCE_ZERO: the trial balance sums to -0.01, not zero',
    ]);
  });

  it('reports receivable control accounts that disagree with the unit balances, the aging buckets and the arrears ledger (RECEIVABLE_RECONCILES)', () => {
    const events = billedPaidRefunded();
    expect(names(checkReceivables(events))).toEqual([]);
    // views whose journal never posted the charge: the control accounts hold only what paid and waived it,
    // and the waiver, of a charge whose 酬金制 terms that journal never saw, went to Contra:Waivers
    const i = indexOf(events, 'ChargeIssued');
    expect((events[i] as Extract<LoggedEvent, { type: 'ChargeIssued' }>).data.regime).toBe('commission');
    const views = { ...rebuild(levyProjection, events), journal: rebuild(journalProjection, events.filter((_, k) => k !== i)) };
    expect(names(checkReceivables(events, views))).toEqual([
      ...['unit balances', 'aging buckets', 'arrears ledger'].map((figure) => `RECEIVABLE_RECONCILES: on 2025-01-27 the receivable control accounts hold -1000.00 but the ${figure} add to 0.00`),
      'RECEIVABLE_RECONCILES: on 2025-01-27 Contra:Waivers holds 70.00 but the waivers on live charges relieve 0.00',
    ]);
  });

  it("reports a prepaid liability that is not the units' credit (PREPAID_RECONCILES)", () => {
    const events = billedPaidRefunded();
    // views whose journal took 1.00 more with the second payment and put it all in Prepaid: it balances, but no unit holds that credit
    const i = indexOf(events, 'PaymentReceived', 1);
    const p = events[i] as Extract<LoggedEvent, { type: 'PaymentReceived' }>;
    const more = events.map((e, k) => (k === i ? withData(e, { amount: plus(p.data.amount, '1.00'), toCredit: plus(p.data.toCredit, '1.00') }) : e));
    const views = { ...rebuild(levyProjection, events), journal: rebuild(journalProjection, more) };
    expect(names(checkJournal(events, views))).toEqual([]);
    expect(names(checkReceivables(events, views))).toEqual(["PREPAID_RECONCILES: on 2025-01-27 Liability:Prepaid holds 101.00, the units' credit is 100.00, aging shows 100.00"]);
  });

  it('reports a day on which a charge owes below zero, has been paid less than nothing, or a unit holds credit below zero (NEVER_NEGATIVE_AS_OF)', () => {
    // January's 1,000.00 paid on 2025-02-10, the payment reversed on 02-15
    const bounced = oneUnit([
      { kind: 'issue', unit: 0, amountFen: 100_000, advance: 0 },
      { kind: 'pay', unit: 0, share: 100, extraFen: 0, txn: 1, channel: 0, advance: 40, lateDays: 0 },
      { kind: 'reverse', unit: 0, pick: 0, advance: 5 },
    ]);
    expect(names(checkReceivables(bounced))).toEqual([]);
    // the payment booked twice: from the day it was paid the charge owes below zero
    const pay = indexOf(bounced, 'PaymentReceived');
    const twice = [...bounced.slice(0, pay + 1), { ...bounced[pay]!, meta: { ...bounced[pay]!.meta, eventId: '00000000-0000-8000-8000-000000000003' } } as LoggedEvent];
    expect(names(checkReceivables(twice))).toEqual([`NEVER_NEGATIVE_AS_OF: on 2025-02-10 charge property-2025-01 of ${U001} owes -1000.00 principal and 0.00 penalty`]);
    // the reversal dated January 20, before the payment it takes back: on January 31 the charge was paid less than nothing
    const early = bounced.map((e) => (e.type === 'PaymentReversed' ? redated(e, '2025-01-20') : e));
    expect(names(checkReceivables(early))).toEqual([
      `NEVER_NEGATIVE_AS_OF: on 2025-01-31 charge property-2025-01 of ${U001} shows collected -1000.00, waived 0.00, penalty collected 0.00, penalty waived 0.00`,
    ]);
    // 300.00 refunded of the 200.00 credit, its lot saying so too: from that day the unit holds -100.00
    const events = billedPaidRefunded();
    const refunded = events.map((e) => (e.type === 'CreditRefunded' ? withData(e, { amount: '300.00', lots: [{ lotId: 'wechat-T0x2', amount: '300.00' }] }) : e));
    expect(names(checkReceivables(refunded))).toEqual([`NEVER_NEGATIVE_AS_OF: on 2025-01-27 the credit of ${U001} is -100.00`]);
  });

  it('reports a unit whose position in the book is not what its events add to (UNIT_POSITION)', () => {
    const events = billedPaidRefunded();
    expect(names(checkUnitPositions(events))).toEqual([]);
    // views whose book folded the charge 1.00 larger than the log issued it
    const i = indexOf(events, 'ChargeIssued');
    const c = events[i] as Extract<LoggedEvent, { type: 'ChargeIssued' }>;
    const bigger = events.map((e, k) => (k === i ? withData(e, { amount: plus(c.data.amount, '1.00') }) : e));
    const views = { ...rebuild(levyProjection, events), book: rebuild(levyProjection, bigger).book };
    expect(names(checkUnitPositions(events, views))).toEqual([`UNIT_POSITION: ${U001} owes 1.00 with credit 100.00 (net -99.00), but its events add to -100.00`]);
  });

  it("reports credit driven below zero, as the book's anomaly (BOOK_ANOMALY CREDIT_NEGATIVE)", () => {
    const events = billedPaidRefunded();
    expect(names(checkUnitPositions(events))).toEqual([]);
    // 300.00 refunded of the 200.00 credit, its lot saying so too
    const refunded = events.map((e) => (e.type === 'CreditRefunded' ? withData(e, { amount: '300.00', lots: [{ lotId: 'wechat-T0x2', amount: '300.00' }] }) : e));
    expect(names(checkUnitPositions(refunded))).toEqual([`BOOK_ANOMALY: CREDIT_NEGATIVE: credit of ${U001} fell to -100.00`]);
  });

  it('reports a penalty correction dated before the assessment it changes (CORRECTION_DATED_BEFORE)', () => {
    // January's 1,000.00 (due 2025-02-15) assessed on 03-02 for February 16 to March 2 (4.50); then a
    // transfer received on 02-11 is booked on 03-03: the PenaltyAdjusted, dated 03-02, counts it again to 0.00
    const events = oneUnit(
      [
        { kind: 'issue', unit: 0, amountFen: 100_000, advance: 0 },
        { kind: 'assess', unit: 0, advance: 60 },
        { kind: 'pay', unit: 0, share: 100, extraFen: 0, txn: 1, channel: 0, advance: 1, lateDays: 20 },
      ],
      withPenalty(),
    );
    expect(names(checkUnitPositions(events))).toEqual([]);
    const assessment = events[indexOf(events, 'PenaltyAssessed')]!;
    const i = indexOf(events, 'PenaltyAdjusted');
    expect([assessment.meta.effectiveDate, events[i]!.meta.effectiveDate]).toEqual(['2025-03-02', '2025-03-02']);
    // the correction dated February 20, before the assessment it changes
    const early = events.map((e, k) => (k === i ? redated(e, '2025-02-20') : e));
    expect(names(checkUnitPositions(early))).toEqual([
      `CORRECTION_DATED_BEFORE: PenaltyAdjusted ${events[i]!.meta.eventId} of ${U001} is dated 2025-02-20, before the assessment ${assessment.meta.eventId} it changes (2025-03-02)`,
    ]);
  });

  it('reports a reversal whose parts do not add up to it (PAYMENT_ALLOCATED)', () => {
    const events = oneUnit([
      { kind: 'issue', unit: 0, amountFen: 100_000, advance: 0 },
      { kind: 'pay', unit: 0, share: 100, extraFen: 0, txn: 1, channel: 0, advance: 9, lateDays: 0 },
      { kind: 'reverse', unit: 0, pick: 0, advance: 5 },
    ]);
    expect(names(checkUnitPositions(events))).toEqual([]);
    // the reversal says it takes back 1.00 more than its allocations, credit applications and credit taken back
    const i = indexOf(events, 'PaymentReversed');
    const r = events[i] as Extract<LoggedEvent, { type: 'PaymentReversed' }>;
    const unbalanced = events.map((e, k) => (k === i ? withData(e, { amount: plus(r.data.amount, '1.00') }) : e));
    const found = names(checkUnitPositions(unbalanced));
    expect(found.filter((v) => v.startsWith('PAYMENT_ALLOCATED'))).toEqual(['PAYMENT_ALLOCATED: reversal of wechat-T0x1 (1001.00) re-opens 1000.00']);
    // and the book, which re-opens what the parts say, no longer nets to the events
    expect(found.filter((v) => !v.startsWith('PAYMENT_ALLOCATED')).map((v) => v.split(':')[0])).toEqual(['UNIT_POSITION', 'BOOK_ANOMALY']);
  });

  it("reports credit lots whose movements do not add up to the unit's credit (CREDIT_LOTS_RECONCILE)", () => {
    // 300.00 paid ahead on 2025-01-01 (lot wechat-T0x0); a charge of 100.00 issued on 01-03, which the credit pays
    const events = oneUnit([
      { kind: 'pay', unit: 0, share: 1, extraFen: 30_000, txn: 0, channel: 0, advance: 0, lateDays: 0 },
      { kind: 'issue', unit: 0, amountFen: 10_000, advance: 2 },
    ]);
    expect(names(checkCreditLots(events))).toEqual([]);
    // the application of 100.00 names its lot for 60.00 only: no lot gives more than it held, but the lots keep 40.00 the unit no longer has
    const short = events.map((e) => (e.type === 'CreditApplied' ? withData(e, { lots: [{ lotId: 'wechat-T0x0', amount: '60.00' }] }) : e));
    expect(names(checkCreditLots(short))).toEqual([`CREDIT_LOTS_RECONCILE: the credit lots of ${U001} move 240.00 in all, but its credit is 200.00`]);
  });

  it('reports a collection rate above 1 (RATE_BOUNDED)', () => {
    const events = billedPaidRefunded();
    expect(names(checkCollectionRates(events))).toEqual([]);
    // the first payment booked twice: 1,230.00 collected on a charge of 1,000.00 (930.00 due after the waiver)
    const i = indexOf(events, 'PaymentReceived');
    const twice = [...events.slice(0, i + 1), { ...events[i]!, meta: { ...events[i]!.meta, eventId: '00000000-0000-8000-8000-000000000004' } } as LoggedEvent, ...events.slice(i + 1)];
    expect(names(checkCollectionRates(twice))).toEqual(
      ['2025-01', '2025-Q1'].flatMap((period) => [
        `RATE_BOUNDED: the amount rate of ${period} as of 2025-01-27 is 1.3226, outside [0, 1]`,
        `RATE_BOUNDED: the gross rate of ${period} as of 2025-01-27 is 1.2300, outside [0, 1]`,
      ]),
    );
  });

  it('reports a collection rate that falls in a log with no reversal or cancellation (RATE_MONOTONE)', () => {
    // January's 1,000.00 paid in full on 2025-01-10; February's charge issued 01-15 (its eve, 01-14, is a
    // day the check reads); the payment reversed on 01-20; the log runs on to 02-19
    const events = oneUnit([
      { kind: 'issue', unit: 0, amountFen: 100_000, advance: 0 },
      { kind: 'pay', unit: 0, share: 100, extraFen: 0, txn: 1, channel: 0, advance: 9, lateDays: 0 },
      { kind: 'issue', unit: 0, amountFen: 100_000, advance: 5 },
      { kind: 'reverse', unit: 0, pick: 0, advance: 5 },
      { kind: 'classify', unit: 0, cls: 1, advance: 30 },
    ]);
    // with the reversal in the log, rates may fall
    expect(names(checkCollectionRates(events))).toEqual([]);
    // views that fold the reversal, over a log that does not have it: January's rates fall from 1 to 0
    const unreversed = events.filter((e) => e.type !== 'PaymentReversed');
    expect(names(checkCollectionRates(unreversed, rebuild(levyProjection, events)))).toEqual(
      ['amount', 'gross', 'household'].map((rate) => `RATE_MONOTONE: the ${rate} rate of 2025-01 fell from 1.0000 to 0.0000 by 2025-01-31 with no reversal or cancellation in the log`),
    );
  });

  it('reports a close whose sealed totals disagree with what its disclosure adds up (CLOSE_TOTALS_AGREE)', async () => {
    const store = openMemoryEventStore();
    await simulateCommunityYear({ seed: 5, units: 10, store });
    const events = (await readLog(store)) as unknown as LoggedEvent[];
    expect(names(checkClosedPeriods(events))).toEqual([]);
    // the first close sealed 0.01 more collected than its period's events add up to
    const i = indexOf(events, 'PeriodClosed');
    const close = events[i] as Extract<LoggedEvent, { type: 'PeriodClosed' }>;
    const sealed = events.map((e, k) => (k === i ? withData(e, { totals: { ...close.data.totals, collected: plus(close.data.totals.collected, '0.01') } }) : e));
    expect(names(checkClosedPeriods(sealed))).toEqual([
      `CLOSE_TOTALS_AGREE: sim-5 ${close.data.periodKey}: the close sealed collected ${plus(close.data.totals.collected, '0.01')}, its disclosure adds up to ${close.data.totals.collected}`,
    ]);
    // billed (charges issued in the period, less cancelled) and credit (its change) are compared too
    const both = events.map((e, k) =>
      k === i ? withData(e, { totals: { ...close.data.totals, billed: plus(close.data.totals.billed, '0.01'), credit: plus(close.data.totals.credit, '0.01') } }) : e,
    );
    expect(names(checkClosedPeriods(both))).toEqual([
      `CLOSE_TOTALS_AGREE: sim-5 ${close.data.periodKey}: the close sealed billed ${plus(close.data.totals.billed, '0.01')}, its disclosure adds up to ${close.data.totals.billed}`,
      `CLOSE_TOTALS_AGREE: sim-5 ${close.data.periodKey}: the close sealed credit ${plus(close.data.totals.credit, '0.01')}, its disclosure adds up to ${close.data.totals.credit}`,
    ]);
  });

  it("pairs the disclosure's figures with the sealed ones they equal: issued against billed, the change in credit against credit", async () => {
    const store = openMemoryEventStore();
    await simulateCommunityYear({ seed: 5, units: 10, store });
    const views = rebuild(levyProjection, (await readLog(store)) as unknown as LoggedEvent[]);
    const closes = [...views.book.communities.values()].flatMap((c) => c.closes.map((x) => [c.communityId, x.periodKey] as const));
    // a year holds more than one close: after the first, credit held and its change differ
    expect(closes.length).toBeGreaterThan(1);
    for (const [communityId, periodKey] of closes) {
      const d = disclosure(views.book, communityId, periodKey);
      if (d._tag === 'Left') throw new Error(d.left.message);
      expect([d.right.issued.toString(), d.right.creditChange.toString()]).toEqual([d.right.sealed.billed, d.right.sealed.credit]);
    }
  });

  it('reports a projection whose event-by-event fold differs from its rebuild (REBUILD_EQUALS_INCREMENTAL)', () => {
    const events = billedPaidRefunded();
    expect(names(checkIncremental(events))).toEqual([]);
    // a projection whose apply (what a subscription calls) drops waivers that its applyAll (what a rebuild calls) keeps
    const dropsWaivers: Projection<LevyViews> = { ...levyProjection, apply: (views, e) => (e.type === 'WaiverGranted' ? views : levyProjection.apply(views, e)) };
    expect(names(checkIncremental(events, { projection: dropsWaivers }))).toEqual([
      `REBUILD_EQUALS_INCREMENTAL: after ${indexOf(events, 'WaiverGranted') + 1} events the incremental views differ from a rebuild`,
    ]);
    // compared every 4th prefix, it is still caught, at the first compared prefix past the waiver
    expect(names(checkIncremental(events, { projection: dropsWaivers, every: 4 }))).toEqual(['REBUILD_EQUALS_INCREMENTAL: after 8 events the incremental views differ from a rebuild']);
  });

  it('reports a log whose copy gives different report bytes (REPORTS_DETERMINISTIC)', () => {
    const events = billedPaidRefunded();
    // a projection keyed on the event objects it has met (a cache by identity): folding the log's own
    // objects it agrees with itself at every prefix, but it drops a waiver it meets first in a rebuild,
    // so an equal copy of the log folds differently
    const met = new WeakSet<object>();
    const byIdentity: Projection<LevyViews> = {
      ...levyProjection,
      apply: (views, e) => {
        met.add(e.data);
        return levyProjection.apply(views, e);
      },
      applyAll: (views, list) => levyProjection.applyAll!(views, list.filter((e) => e.type !== 'WaiverGranted' || met.has(e.data))),
    };
    expect(names(checkIncremental(events, { projection: byIdentity }))).toEqual(['REPORTS_DETERMINISTIC: the same log, copied, gives different report bytes']);
    // and with levyProjection: a cancellation whose waived penalty is a field a copy cannot see (not enumerable, as a store's getter might be)
    const cancelled = oneUnit(
      [
        { kind: 'issue', unit: 0, amountFen: 100_000, advance: 0 },
        { kind: 'assess', unit: 0, advance: 60 },
        { kind: 'waive', unit: 0, pick: 0, penalty: true, share: 50, committee: true, advance: 1 },
        { kind: 'cancel', unit: 0, pick: 0, advance: 1 },
      ],
      withPenalty(),
    );
    expect(names(checkIncremental(cancelled))).toEqual([]);
    const hidden = cancelled.map((e) => {
      if (e.type !== 'ChargeCancelled') return e;
      const { waivedPenalty, ...data } = e.data;
      expect(waivedPenalty).toBe('2.25');
      return { ...e, data: Object.defineProperty(data, 'waivedPenalty', { value: waivedPenalty, enumerable: false }) } as LoggedEvent;
    });
    expect(names(checkIncremental(hidden))).toEqual(['REPORTS_DETERMINISTIC: the same log, copied, gives different report bytes']);
  });

  it('checks a store-shaped log and skips events that are not Levy events', () => {
    const events = clean().map((e, i) => ({ ...e, position: BigInt(i + 1) }) as unknown as StoredEvent);
    const ticket = { type: 'TicketOpened', data: {}, meta: { eventId: 't1' }, streamId: 'levy.ticket-1', revision: 0n, position: 999n } as unknown as StoredEvent;
    expect(names(checkInvariants([...events, ticket], { skipIncremental: true }))).toEqual([]);
    const live = startCheckpointed(levyProjection);
    applyStored(levyProjection, live, ticket);
    expect([live.count, live.checkpoint]).toEqual([0, 999n]);
  });
});
