/**
 * The invariants of issue 5 as checks an embedder can run on any event log: each returns the list
 * of violations (empty when the log is sound), with a message a finance clerk or an auditor can
 * follow. The property tests in this package run them over generated logs; a service can run them
 * over its own store (`checkInvariants(await readLog(store))`).
 *
 * - every journal entry balances and the trial balance sums to zero, on every day;
 * - the receivable control accounts equal the sum of unit balances, the sum of the aging buckets
 *   and the arrears ledger total; the prepaid liability equals the units' credit;
 * - each unit's net position (owed minus credit) equals charges - cancellations + penalties (as
 *   assessed, and as counted again by PenaltyAdjusted less what it changes on waivers) - waivers -
 *   payments + reversed payments + refunds; no charge is over-paid; credit is never negative; a
 *   payment's allocations plus the credit it made equal the payment;
 * - every fen of credit the events name by lot is traced to where it came from: no lot gives more
 *   than came into it by any day, and the lots' movements add up to the unit's credit;
 * - collection rates stay within [0, 1], and without reversals or cancellations never fall as the
 *   as-of date moves forward (once the period's charges are all issued);
 * - a closed period's figures never change after the close, and agree with the totals it sealed;
 * - rebuilding from scratch equals following incrementally (with a checkpoint) at every prefix,
 *   and the same log gives byte-identical reports.
 *
 * @example
 * import { checkInvariants } from '@levy/testkit';
 * const violations = checkInvariants(events);
 * if (violations.length > 0) console.table(violations);
 */
import {
  type EpochDay,
  type EventStore,
  ExactDecimal,
  LevyError,
  Money,
  type StoredEvent,
  type UpcasterRegistry,
  checkUpcasters,
  dayOfIso,
  domainError,
  isoDateOf,
  parsePeriodKey,
  upcastOrThrow,
} from '@levy/core';
import {
  ACCOUNT,
  type LevyViews,
  type LoggedEvent,
  type Projection,
  journalBalance,
  agingReport,
  applyStored,
  arrearsLedger,
  billedDayOf,
  chargeAsOf,
  collectionRates,
  creditAsOf,
  creditLotMovesOf,
  disclosure,
  entryImbalance,
  eventsByDay,
  isLevyStored,
  levyProjection,
  moneyOfAmount,
  postingsFor,
  rebuild,
  reportBundle,
  reportJson,
  startCheckpointed,
  trialBalance,
  unitsInOrder,
} from '@levy/projections';
import { invalidOption, optionsOf } from './options.js';

/** Names of the invariants. */
export type InvariantName =
  | 'ENTRY_BALANCES'
  | 'TRIAL_BALANCE_ZERO'
  | 'RECEIVABLE_RECONCILES'
  | 'PREPAID_RECONCILES'
  | 'UNIT_POSITION'
  | 'BOOK_ANOMALY'
  | 'PAYMENT_ALLOCATED'
  | 'CREDIT_LOTS_RECONCILE'
  | 'RATE_BOUNDED'
  | 'RATE_MONOTONE'
  | 'CLOSED_PERIOD_FROZEN'
  | 'CLOSE_TOTALS_AGREE'
  | 'NEVER_NEGATIVE_AS_OF'
  | 'CORRECTION_DATED_BEFORE'
  | 'REBUILD_EQUALS_INCREMENTAL'
  | 'REPORTS_DETERMINISTIC';

/** One broken invariant. */
export interface InvariantViolation {
  readonly invariant: InvariantName;
  readonly message: string;
}

/**
 * A log to check: logged events (or stored events from any store; non-Levy ones are skipped).
 * Events of an older schema version are upcast through `LEVY_UPCASTERS` before they are checked,
 * as the projections fold them; read a store with {@link readLog} to upcast through your own.
 */
export type CheckedLog = readonly (LoggedEvent | StoredEvent)[];

const levyEvents = (log: CheckedLog): LoggedEvent[] => {
  if (!Array.isArray(log)) invalidOption(['log'], log, 'a list of events (as a store reads them, or LoggedEvents)');
  const out: LoggedEvent[] = [];
  for (const e of log) {
    if (!isLevyStored(e as StoredEvent)) continue;
    out.push(upcastOrThrow(e as LoggedEvent));
  }
  return out;
};

const violation = (invariant: InvariantName, message: string): InvariantViolation => ({ invariant, message });

/** Options of {@link readLog}. */
export interface ReadLogOptions {
  /** the upcasters that bring older events to the current shape; default `LEVY_UPCASTERS` (a registry replaces it) */
  readonly upcasters?: UpcasterRegistry;
}

/**
 * Reads a whole store's Levy streams into a log for the checks, each Levy event of an older schema
 * version upcast to the current shape (as the projections fold it; `options.upcasters`, default
 * `LEVY_UPCASTERS`). One that cannot be (written by a newer Levy) rejects with a `LevyError`
 * `SCHEMA_VERSION_TOO_NEW` naming it. The events of the current version are the store's own.
 *
 * @example
 * const violations = checkInvariants(await readLog(store));
 * const mine = await readLog(store, { upcasters: { ...LEVY_UPCASTERS, ChargeIssued: { 0: upcastCharge } } });
 */
export const readLog = async (store: EventStore, options?: ReadLogOptions): Promise<StoredEvent[]> => {
  const o = optionsOf(options, ['upcasters'], 'readLog');
  const upcasters = o.upcasters === undefined ? undefined : checkUpcasters(o.upcasters);
  const out: StoredEvent[] = [];
  for await (const e of store.readAll({ filter: { streamPrefix: 'levy.' } })) {
    // a ticket's event (levy.ticket-...) is not Levy's to upcast
    out.push(isLevyStored(e) ? upcastOrThrow(e, upcasters) : e);
  }
  return out;
};

/** the days worth checking: each month end in the log's span, its first and last effective day, and the eve of each charge or penalty */
const checkDays = (events: readonly LoggedEvent[]): EpochDay[] => {
  if (events.length === 0) return [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    const d = dayOfIso(e.meta.effectiveDate);
    if (d < first) first = d;
    if (d > last) last = d;
  }
  const days = new Set<EpochDay>([first, last]);
  for (let d = first; d <= last; d++) if (isoDateOf(d + 1).endsWith('-01')) days.add(d);
  // and the eve of each day a receivable was raised: a payment dated before it must not have paid it
  for (const e of events) if ((e.type === 'ChargeIssued' || e.type === 'PenaltyAssessed' || e.type === 'PenaltyAdjusted') && dayOfIso(e.meta.effectiveDate) > first) days.add(dayOfIso(e.meta.effectiveDate) - 1);
  return [...days].sort((a, b) => a - b);
};

// ---------------------------------------------------------------------------------------------
// the checks
// ---------------------------------------------------------------------------------------------

/**
 * Every entry balances; the trial balance sums to zero on every checked day.
 *
 * @example
 * checkJournal(events); // []
 */
export const checkJournal = (log: CheckedLog, views?: LevyViews): InvariantViolation[] => {
  const events = levyEvents(log);
  const out: InvariantViolation[] = [];
  for (const e of events) {
    const off = entryImbalance(postingsFor(e));
    if (!off.isZero()) out.push(violation('ENTRY_BALANCES', `${e.type} ${e.meta.eventId} posts an entry off by ${off.toString()}`));
  }
  const v = views ?? rebuild(levyProjection, events);
  for (const d of [...checkDays(events), undefined]) {
    const tb = trialBalance(v.journal, d);
    if (!tb.sum.isZero()) out.push(violation('TRIAL_BALANCE_ZERO', `the trial balance${d === undefined ? '' : ` as of ${isoDateOf(d)}`} sums to ${tb.sum.toString()}, not zero`));
  }
  return out;
};

/**
 * Receivable control accounts = sum of unit balances = sum of aging buckets = arrears ledger
 * total, Receivable:Penalties alone = the penalty the units owe, Contra:Waivers = what the waivers
 * on live charges relieve, Revenue:Penalties = the penalty assessed on live charges, and the
 * prepaid liability = the units' credit, on every checked day; and on none is a
 * charge settled beyond what it owed, what was collected or waived on it below zero, or a unit's
 * credit below zero (NEVER_NEGATIVE_AS_OF).
 *
 * @example
 * checkReceivables(events); // []
 */
export const checkReceivables = (log: CheckedLog, views?: LevyViews): InvariantViolation[] => {
  const events = levyEvents(log);
  const v = views ?? rebuild(levyProjection, events);
  const out: InvariantViolation[] = [];
  for (const d of checkDays(events)) {
    const on = isoDateOf(d);
    const fees = journalBalance(v.journal, ACCOUNT.receivableFees, d);
    const penalties = journalBalance(v.journal, ACCOUNT.receivablePenalties, d);
    const control = fees.add(penalties);
    let units = Money.zero();
    let unitPenalties = Money.zero();
    let unitWaived = Money.zero();
    let unitAssessed = Money.zero();
    let credit = Money.zero();
    for (const u of unitsInOrder(v.book)) {
      for (const c of u.charges) {
        const s = chargeAsOf(c, d);
        units = units.add(s.principal).add(s.penalty);
        unitPenalties = unitPenalties.add(s.penalty);
        // a 酬金制 charge's principal waivers come off the owners' fund and commission, not Contra:Waivers (docs/projections.md, the journal)
        unitWaived = unitWaived.add(c.regime === 'lump-sum' ? s.waived : Money.zero()).add(s.penaltyWaived);
        unitAssessed = unitAssessed.add(s.penaltyAssessed);
        // time travel: on no day is a charge settled beyond what it owed then
        if (s.principal.isNegative() || s.penalty.isNegative()) {
          out.push(violation('NEVER_NEGATIVE_AS_OF', `on ${on} charge ${c.chargeId} of ${u.key} owes ${s.principal.toString()} principal and ${s.penalty.toString()} penalty`));
        }
        // nor has more been given back or taken off it than was paid or waived by then (a correction dated before what it corrects)
        const settled = [s.collected, s.waived, s.penaltyCollected, s.penaltyWaived];
        if (settled.some((m) => m.isNegative())) {
          out.push(
            violation('NEVER_NEGATIVE_AS_OF', `on ${on} charge ${c.chargeId} of ${u.key} shows collected ${s.collected.toString()}, waived ${s.waived.toString()}, penalty collected ${s.penaltyCollected.toString()}, penalty waived ${s.penaltyWaived.toString()}`),
          );
        }
      }
      const unitCredit = creditAsOf(u, d);
      if (unitCredit.isNegative()) out.push(violation('NEVER_NEGATIVE_AS_OF', `on ${on} the credit of ${u.key} is ${unitCredit.toString()}`));
      credit = credit.add(unitCredit);
    }
    const aging = agingReport(v.book, { asOf: d });
    const arrears = arrearsLedger(v.book, { asOf: d });
    const figures = [
      ['unit balances', units],
      ['aging buckets', Money.sum(aging.totals)],
      ['arrears ledger', arrears.total],
    ] as const;
    for (const [name, m] of figures) {
      if (!m.equals(control)) out.push(violation('RECEIVABLE_RECONCILES', `on ${on} the receivable control accounts hold ${control.toString()} but the ${name} add to ${m.toString()}`));
    }
    // and each control account on its own: penalty is not posted against fees, nor fees against penalty
    if (!penalties.equals(unitPenalties)) {
      out.push(violation('RECEIVABLE_RECONCILES', `on ${on} ${ACCOUNT.receivablePenalties} holds ${penalties.toString()} but the units owe ${unitPenalties.toString()} of penalty (${ACCOUNT.receivableFees} ${fees.toString()})`));
    }
    // the waivers' contra account holds what the waivers standing on live charges relieve
    const contra = journalBalance(v.journal, ACCOUNT.contraWaivers, d);
    if (!contra.equals(unitWaived)) out.push(violation('RECEIVABLE_RECONCILES', `on ${on} ${ACCOUNT.contraWaivers} holds ${contra.toString()} but the waivers on live charges relieve ${unitWaived.toString()}`));
    // and penalty revenue is the penalty assessed on live charges (counted again included)
    const penaltyRevenue = journalBalance(v.journal, ACCOUNT.revenuePenalties, d).negate();
    if (!penaltyRevenue.equals(unitAssessed)) {
      out.push(violation('RECEIVABLE_RECONCILES', `on ${on} ${ACCOUNT.revenuePenalties} holds ${penaltyRevenue.toString()} but the penalty assessed on live charges is ${unitAssessed.toString()}`));
    }
    const prepaid = journalBalance(v.journal, ACCOUNT.prepaid, d).negate();
    if (!prepaid.equals(credit) || !aging.credit.equals(credit)) {
      out.push(violation('PREPAID_RECONCILES', `on ${on} Liability:Prepaid holds ${prepaid.toString()}, the units' credit is ${credit.toString()}, aging shows ${aging.credit.toString()}`));
    }
  }
  return out;
};

/**
 * The credit trail (预收明细): walking each unit's events by effective date, no credit lot has given
 * more than came into it by the end of any day (a lot named before its credit arose, or beyond what
 * it held), and the lots' movements (credit less what went out naming no lot, in older logs) add
 * up to the unit's credit (CREDIT_LOTS_RECONCILE). What an event does to the lots is
 * `creditLotMovesOf` (@levy/projections).
 *
 * @example
 * checkCreditLots(events); // []
 */
export const checkCreditLots = (log: CheckedLog, views?: LevyViews): InvariantViolation[] => {
  const events = levyEvents(log);
  const v = views ?? rebuild(levyProjection, events);
  const out: InvariantViolation[] = [];
  for (const u of unitsInOrder(v.book)) {
    const byDay = eventsByDay(v.book, u);
    const lots = new Map<string, Money>();
    let total = Money.zero();
    const touched = new Set<string>();
    for (let i = 0; i < byDay.length; i++) {
      const { event, day } = byDay[i]!;
      for (const m of creditLotMovesOf(event)) {
        const change = m.kind === 'credited' ? m.amount : m.amount.negate();
        total = total.add(change);
        if (m.lotId === null) continue;
        lots.set(m.lotId, (lots.get(m.lotId) ?? Money.zero()).add(change));
        touched.add(m.lotId);
      }
      // at the end of each day, the lots moved that day
      if (i + 1 < byDay.length && byDay[i + 1]!.day === day) continue;
      for (const id of touched) {
        const held = lots.get(id)!;
        if (held.isNegative()) out.push(violation('CREDIT_LOTS_RECONCILE', `on ${isoDateOf(day)} credit lot ${id} of ${u.key} has given ${held.negate().toString()} more than came into it`));
      }
      touched.clear();
    }
    if (!total.equals(u.credit)) out.push(violation('CREDIT_LOTS_RECONCILE', `the credit lots of ${u.key} move ${total.toString()} in all, but its credit is ${u.credit.toString()}`));
  }
  return out;
};

/**
 * Each unit's net position (owed minus credit) equals charges - cancellations + penalties -
 * waivers - payments + reversed payments + refunds, summed straight from its events; no charge is
 * over-paid and credit never goes negative (the book's anomalies); each payment's allocations plus
 * the credit it made equal it, and each reversal's parts equal it; and no PenaltyAdjusted is dated
 * before an assessment, payment, waiver or credit application to penalty it changes (CORRECTION_DATED_BEFORE).
 *
 * @example
 * checkUnitPositions(events); // []
 */
export const checkUnitPositions = (log: CheckedLog, views?: LevyViews): InvariantViolation[] => {
  const events = levyEvents(log);
  const v = views ?? rebuild(levyProjection, events);
  const out: InvariantViolation[] = [];
  const expected = new Map<string, Money>();
  const add = (streamId: string, m: Money): void => {
    expected.set(streamId, (expected.get(streamId) ?? Money.zero()).add(m));
  };
  const sum = (parts: readonly { amount: string }[]): Money => Money.sum(parts.map((p) => moneyOfAmount(p.amount)));
  // the day of each assessment, payment and waiver a PenaltyAdjusted may change: it is not dated before them
  const dayOfFact = new Map<string, string>();
  const datedBefore = (e: LoggedEvent, key: string, what: string): void => {
    const on = dayOfFact.get(key);
    if (on !== undefined && on > e.meta.effectiveDate) out.push(violation('CORRECTION_DATED_BEFORE', `${e.type} ${e.meta.eventId} of ${e.streamId} is dated ${e.meta.effectiveDate}, before the ${what} it changes (${on})`));
  };
  for (const e of events) {
    switch (e.type) {
      case 'ChargeIssued':
        add(e.streamId, moneyOfAmount(e.data.amount));
        break;
      case 'ChargeCancelled': {
        const d = e.data;
        add(e.streamId, Money.sum([d.outstandingPrincipal, d.paidPrincipalToCredit, d.outstandingPenalty, d.paidPenaltyToCredit].map(moneyOfAmount)).negate());
        break;
      }
      case 'PenaltyAssessed':
        add(e.streamId, moneyOfAmount(e.data.amount));
        dayOfFact.set(e.meta.eventId, e.meta.effectiveDate);
        break;
      case 'PenaltyAdjusted':
        // less what it changes on waivers: penalty counted again lower that had been waived was never owed
        add(e.streamId, moneyOfAmount(e.data.amount).subtract(sum(e.data.waivers ?? [])));
        for (const p of e.data.pieces) datedBefore(e, p.assessment, `assessment ${p.assessment}`);
        for (const t of e.data.toCredit) datedBefore(e, `${e.streamId}|payment|${t.paymentId}`, `payment ${t.paymentId}`);
        for (const w of e.data.waivers ?? []) datedBefore(e, `${e.streamId}|waiver|${w.waiverId}`, `waiver ${w.waiverId}`);
        if ((e.data.creditPaid ?? []).length > 0) datedBefore(e, `${e.streamId}|credit-penalty|${e.data.chargeId}`, `credit applied to penalty on ${e.data.chargeId}`);
        break;
      case 'CreditApplied':
        if (e.data.kind === 'penalty') dayOfFact.set(`${e.streamId}|credit-penalty|${e.data.chargeId}`, e.meta.effectiveDate);
        break;
      case 'WaiverGranted':
        add(e.streamId, moneyOfAmount(e.data.amount).negate());
        dayOfFact.set(`${e.streamId}|waiver|${e.data.waiverId}`, e.meta.effectiveDate);
        break;
      case 'PaymentReceived': {
        dayOfFact.set(`${e.streamId}|payment|${e.data.paymentId}`, e.meta.effectiveDate);
        const amount = moneyOfAmount(e.data.amount);
        add(e.streamId, amount.negate());
        const parts = sum(e.data.allocations).add(moneyOfAmount(e.data.toCredit));
        if (!parts.equals(amount)) out.push(violation('PAYMENT_ALLOCATED', `payment ${e.data.paymentId} of ${amount.toString()} is allocated ${parts.toString()} including credit`));
        break;
      }
      case 'PaymentReversed': {
        const amount = moneyOfAmount(e.data.amount);
        add(e.streamId, amount);
        const parts = sum(e.data.allocations).add(sum(e.data.creditApplications)).add(moneyOfAmount(e.data.fromCredit));
        if (!parts.equals(amount)) out.push(violation('PAYMENT_ALLOCATED', `reversal of ${e.data.paymentId} (${amount.toString()}) re-opens ${parts.toString()}`));
        break;
      }
      case 'CreditRefunded':
        add(e.streamId, moneyOfAmount(e.data.amount));
        break;
      default:
        break;
    }
  }
  for (const u of unitsInOrder(v.book)) {
    let owed = Money.zero();
    for (const c of u.charges) owed = owed.add(c.principal).add(c.penalty);
    const net = owed.subtract(u.credit);
    const want = expected.get(u.key) ?? Money.zero();
    if (!net.equals(want)) out.push(violation('UNIT_POSITION', `${u.key} owes ${owed.toString()} with credit ${u.credit.toString()} (net ${net.toString()}), but its events add to ${want.toString()}`));
  }
  for (const a of v.book.anomalies) out.push(violation('BOOK_ANOMALY', `${a.code}: ${a.message}`));
  return out;
};

const rateBetween01 = (value: string | null): boolean => value === null || (!value.startsWith('-') && new ExactDecimal(value).lessThanOrEqualTo(1));

/**
 * Collection rates of every billed month (and quarter) stay within [0, 1] on every checked day;
 * in a log without reversals or cancellations they never fall as the as-of date moves forward
 * once all the period's charges are issued.
 *
 * @example
 * checkCollectionRates(events); // []
 */
export const checkCollectionRates = (log: CheckedLog, views?: LevyViews): InvariantViolation[] => {
  const events = levyEvents(log);
  const v = views ?? rebuild(levyProjection, events);
  const out: InvariantViolation[] = [];
  const monotone = !events.some((e) => e.type === 'PaymentReversed' || e.type === 'ChargeCancelled');
  const periods = new Set<string>();
  for (const u of v.book.units.values()) {
    for (const c of u.charges) {
      // the period a charge is billed in: its own, or the one it was booked in after its own closed (billedDayOf)
      const month = isoDateOf(billedDayOf(c)).slice(0, 7);
      periods.add(month);
      periods.add(`${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`);
    }
  }
  const days = checkDays(events);
  for (const key of [...periods].sort()) {
    const p = parsePeriodKey(key);
    if (p._tag === 'Left') continue;
    let lastIssued = Number.NEGATIVE_INFINITY;
    for (const u of v.book.units.values()) for (const c of u.charges) {
      const billed = billedDayOf(c);
      if (billed >= p.right.start && billed <= p.right.end && c.issuedDay > lastIssued) lastIssued = c.issuedDay;
    }
    let previous: Record<string, string | null> | null = null;
    for (const d of days) {
      const r = collectionRates(v.book, { period: key, asOf: d });
      if (r._tag === 'Left') continue;
      const t = r.right.total;
      const values: Record<string, string | null> = { amount: t.amountRate.value, gross: t.grossRate.value, household: t.householdRate.value, recovery: t.recoveryRate.value };
      for (const [name, value] of Object.entries(values)) {
        if (!rateBetween01(value)) out.push(violation('RATE_BOUNDED', `the ${name} rate of ${key} as of ${isoDateOf(d)} is ${String(value)}, outside [0, 1]`));
      }
      if (monotone && d >= lastIssued && previous !== null) {
        for (const [name, value] of Object.entries(values)) {
          const before = previous[name] ?? null;
          if (before !== null && value !== null && new ExactDecimal(value).lessThan(before)) {
            out.push(violation('RATE_MONOTONE', `the ${name} rate of ${key} fell from ${before} to ${value} by ${isoDateOf(d)} with no reversal or cancellation in the log`));
          }
        }
      }
      if (d >= lastIssued) previous = values;
    }
  }
  return out;
};

/**
 * A closed period's disclosure and collection rates, as folded right after its PeriodClosed,
 * equal what the whole log says about it; and every total the close sealed equals what its
 * disclosure adds up from the period's events (CLOSE_TOTALS_AGREE): billed as the charges issued
 * in the period less those cancelled, collected, waived, penalties, and credit as its change.
 *
 * @example
 * checkClosedPeriods(events); // []
 */
export const checkClosedPeriods = (log: CheckedLog, views?: LevyViews): InvariantViolation[] => {
  const events = levyEvents(log);
  const full = views ?? rebuild(levyProjection, events);
  const out: InvariantViolation[] = [];
  const figures = (v: LevyViews, communityId: string, periodKey: string, end: EpochDay): string => {
    const d = disclosure(v.book, communityId, periodKey);
    const r = collectionRates(v.book, { period: periodKey, asOf: end, communityId });
    return reportJson({ disclosure: d._tag === 'Right' ? d.right : d.left.code, rates: r._tag === 'Right' ? r.right : r.left.code });
  };
  events.forEach((e, i) => {
    if (e.type !== 'PeriodClosed') return;
    const atClose = rebuild(levyProjection, events.slice(0, i + 1));
    const end = dayOfIso(e.data.periodEnd);
    const then = figures(atClose, e.data.communityId, e.data.periodKey, end);
    const now = figures(full, e.data.communityId, e.data.periodKey, end);
    if (then !== now) out.push(violation('CLOSED_PERIOD_FROZEN', `the figures of ${e.data.communityId} ${e.data.periodKey} changed after it was closed on ${e.data.closedOn}`));
    // what the close sealed is what the published disclosure adds up from the period's events
    const d = disclosure(atClose.book, e.data.communityId, e.data.periodKey);
    if (d._tag === 'Left') return;
    const t = e.data.totals;
    const pairs = [
      ['billed', d.right.issued, t.billed],
      ['collected', d.right.collected, t.collected],
      ['waived', d.right.waivedPrincipal.add(d.right.waivedPenalty), t.waived],
      ['penalties', d.right.penalties, t.penalties],
      ['credit', d.right.creditChange, t.credit],
    ] as const;
    for (const [name, published, sealed] of pairs) {
      if (published.toString() !== sealed) out.push(violation('CLOSE_TOTALS_AGREE', `${e.data.communityId} ${e.data.periodKey}: the close sealed ${name} ${sealed}, its disclosure adds up to ${published.toString()}`));
    }
  });
  return out;
};

/** Options of {@link checkIncremental}. */
export interface IncrementalOptions {
  /** compare at every n-th prefix (and the last); default every prefix; not a whole number from 1: OPTIONS_INVALID */
  readonly every?: number;
  /**
   * the projection to follow and to rebuild with; default `levyProjection`. Pass a projection of
   * your own that folds into the same views (one wrapping `levyProjection`, say) to check it the
   * same way; the testkit's tests pass broken ones to see the check fail. Not an object with
   * `init` and `apply` functions: OPTIONS_INVALID
   */
  readonly projection?: Projection<LevyViews>;
}

/**
 * Folding event by event through a checkpointed subscription (each event delivered twice, the
 * second time ignored as a redelivery) gives the same reports as rebuilding from scratch, at every
 * prefix; and rebuilding a deep copy of the log gives byte-identical reports. Both sides fold
 * with `options.projection` (default `levyProjection`): followed through its `apply`, rebuilt
 * through its `applyAll` where it has one.
 *
 * @example
 * checkIncremental(events, { every: 10 }); // []
 */
export const checkIncremental = (log: CheckedLog, options: IncrementalOptions = {}): InvariantViolation[] => {
  optionsOf(options, ['every', 'projection'], 'checkIncremental');
  const events = levyEvents(log);
  const out: InvariantViolation[] = [];
  const every = options.every ?? 1;
  // a check asked to compare every NaN-th prefix would compare almost none and still pass
  if (!Number.isSafeInteger(every) || every < 1) {
    throw new LevyError(domainError('OPTIONS_INVALID', `every must be a whole number, 1 or more, not ${String(every)}`, ['every']));
  }
  const projection = options.projection ?? levyProjection;
  if (typeof projection !== 'object' || projection === null || typeof projection.init !== 'function' || typeof projection.apply !== 'function') {
    invalidOption(['projection'], projection, 'a projection (an object with init and apply functions, such as levyProjection)');
  }
  const live = startCheckpointed(projection);
  const asOf = (n: number): EpochDay => {
    let last = 0;
    for (let i = 0; i < n; i++) last = Math.max(last, dayOfIso(events[i]!.meta.effectiveDate));
    return last;
  };
  for (let i = 0; i < events.length; i++) {
    const e = { ...events[i]!, position: BigInt(i + 1) } as unknown as StoredEvent;
    applyStored(projection, live, e);
    applyStored(projection, live, e); // a redelivery changes nothing
    const n = i + 1;
    if (n % every !== 0 && n !== events.length) continue;
    const day = asOf(n);
    const incremental = reportJson(reportBundle(live.state, day));
    const rebuilt = reportJson(reportBundle(rebuild(projection, events.slice(0, n)), day));
    if (incremental !== rebuilt) {
      out.push(violation('REBUILD_EQUALS_INCREMENTAL', `after ${n} events the incremental views differ from a rebuild`));
      break;
    }
  }
  if (events.length > 0) {
    const day = asOf(events.length);
    const once = reportJson(reportBundle(rebuild(projection, events), day));
    // a copy through text (positions and revisions kept: the audit trail shows a stored event's position)
    const copy = JSON.parse(
      JSON.stringify(events, (_k, x: unknown) => (typeof x === 'bigint' ? { $bigint: x.toString() } : x)),
      (_k, x: unknown) => (typeof x === 'object' && x !== null && '$bigint' in x ? BigInt((x as { $bigint: string }).$bigint) : x),
    ) as LoggedEvent[];
    const twice = reportJson(reportBundle(rebuild(projection, copy), day));
    if (once !== twice) out.push(violation('REPORTS_DETERMINISTIC', 'the same log, copied, gives different report bytes'));
  }
  return out;
};

/** Options of {@link checkInvariants} (every check folds with `levyProjection`: no `projection` here). */
export interface InvariantOptions extends Omit<IncrementalOptions, 'projection'> {
  /** skip the rebuild-against-incremental comparison (quadratic in the log's length) */
  readonly skipIncremental?: boolean;
  /** skip re-folding at each close */
  readonly skipClosedPeriods?: boolean;
}

/**
 * Every check at once.
 *
 * @example
 * expect(checkInvariants(events)).toEqual([]);
 */
export const checkInvariants = (log: CheckedLog, options: InvariantOptions = {}): InvariantViolation[] => {
  const o = optionsOf(options, ['every', 'skipIncremental', 'skipClosedPeriods'], 'checkInvariants');
  for (const key of ['skipIncremental', 'skipClosedPeriods'] as const) if (o[key] !== undefined && typeof o[key] !== 'boolean') invalidOption([key], o[key], 'true or false');
  const events = levyEvents(log);
  const views = rebuild(levyProjection, events);
  return [
    ...checkJournal(events, views),
    ...checkReceivables(events, views),
    ...checkUnitPositions(events, views),
    ...checkCreditLots(events, views),
    ...checkCollectionRates(events, views),
    ...(o.skipClosedPeriods === true ? [] : checkClosedPeriods(events, views)),
    ...(o.skipIncremental === true ? [] : checkIncremental(events, o.every === undefined ? {} : { every: o.every as number })),
  ];
};
