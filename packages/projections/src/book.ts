/**
 * The account book: the fold most reports read. It keeps each community's units (building, use
 * type, area, owner, from UnitRegistered on the community stream), each unit's charges with every
 * dated movement on them (paid, re-opened, waived, penalty assessed...), the unit's credit (预收)
 * movements, plans, reminders and arrears classes, and the community's schedules, closes and
 * expenditures. Every movement carries its effective day, so a report can be asked "as of" any
 * date (time travel) by summing the movements up to that day; nothing is re-derived from policy.
 *
 * Things a rule should have prevented (a payment on an unknown charge, a charge paid beyond its
 * amount, credit below zero) are not dropped: they are kept as {@link BookAnomaly}s for the audit
 * trail and the invariant checks.
 *
 * @example
 * import { rebuild, bookProjection, chargeAsOf } from '@levy/projections';
 * const book = rebuild(bookProjection, events);
 * for (const unit of book.units.values()) for (const c of unit.charges) chargeAsOf(c, asOf).principal;
 */
import { type DomainError, type EpochDay, type EventOf, LevyError, Money, accountStream, dayOfIso, describe, domainError, parseStreamName } from '@levy/core';
import { ChunkedList } from './chunked.js';
import { ZERO, checkDay, dayOfDecoded, moneyOfAmount } from './fields.js';
import type { LoggedEvent, Projection } from './fold.js';
import { foldLookingAhead, warmBook } from './look-ahead.js';

// ---------------------------------------------------------------------------------------------
// records
// ---------------------------------------------------------------------------------------------

/** What a movement on a charge does. */
export type MoveKind =
  /** principal paid by a payment */
  | 'paid'
  /** principal paid from credit (CreditApplied) */
  | 'paid-from-credit'
  /** principal re-opened by a payment reversal */
  | 'unpaid'
  /** principal re-opened because the credit that paid it was reversed */
  | 'unpaid-credit'
  | 'waived'
  | 'penalty-assessed'
  | 'penalty-paid'
  | 'penalty-unpaid'
  /** penalty waived; negative when penalty counted again lower took it off a waiver (PenaltyAdjusted) */
  | 'penalty-waived'
  /** penalty counted again (PenaltyAdjusted): signed, negative when lowered */
  | 'penalty-adjusted';

const MOVE_KINDS: readonly MoveKind[] = [
  'paid',
  'paid-from-credit',
  'unpaid',
  'unpaid-credit',
  'waived',
  'penalty-assessed',
  'penalty-paid',
  'penalty-unpaid',
  'penalty-waived',
  'penalty-adjusted',
];
const PAID = 0;
const PAID_FROM_CREDIT = 1;
const UNPAID = 2;
const UNPAID_CREDIT = 3;
const WAIVED = 4;
const PENALTY_ASSESSED = 5;
const PENALTY_PAID = 6;
const PENALTY_UNPAID = 7;
const PENALTY_WAIVED = 8;
const PENALTY_ADJUSTED = 9;
/** a change of a unit's credit, in the same columns */
const CREDIT = 10;
const NO_DAY = -2147483648;

/**
 * Every movement of every charge and every change of credit, in flat columns linked per charge
 * (per unit for credit) from the latest back: a million-event fold keeps no object per movement,
 * and appending writes only the new row (each row points at its predecessor). Amounts point at
 * shared Money values.
 */
export class Movements {
  day = new Int32Array(1024);
  kind = new Uint8Array(1024);
  paidDay = new Int32Array(1024);
  /** the previous movement of the same list, or -1 */
  prev = new Int32Array(1024);
  amount = new ChunkedList<Money>();
  length = 0;

  /** appends a movement after `last` (-1: the first of its list) and returns its index: the list's new last */
  push(last: number, day: EpochDay, kind: number, amount: Money, paidDay: EpochDay): number {
    if (this.length === this.day.length) this.grow();
    const i = this.length++;
    this.day[i] = day;
    this.kind[i] = kind;
    this.paidDay[i] = paidDay;
    this.prev[i] = last;
    this.amount.push(amount);
    return i;
  }

  /** makes room for at least `capacity` movements in all (a rebuild that knows its length grows the columns once) */
  reserve(capacity: number): void {
    // never less than doubling: a store's rebuild reserves run by run
    if (capacity > this.day.length) this.growTo(Math.max(capacity, this.day.length * 2));
  }

  private grow(): void {
    this.growTo(this.day.length * 2);
  }

  private growTo(n: number): void {
    const day = new Int32Array(n);
    day.set(this.day);
    const kind = new Uint8Array(n);
    kind.set(this.kind);
    const paidDay = new Int32Array(n);
    paidDay.set(this.paidDay);
    const prev = new Int32Array(n);
    prev.set(this.prev);
    this.day = day;
    this.kind = kind;
    this.paidDay = paidDay;
    this.prev = prev;
  }
}

/** One dated movement on a charge (as {@link movesOf} gives them). */
export interface ChargeMove {
  readonly day: EpochDay;
  readonly kind: MoveKind;
  readonly amount: Money;
  /** for re-openings: the day the money now taken back had been paid (collection rates count it there) */
  readonly paidDay?: EpochDay;
}

/** A charge and everything that happened to it. */
export interface ChargeRecord {
  readonly chargeId: string;
  readonly unit: UnitRecord;
  readonly feeItemId: string;
  readonly periodKey: string;
  readonly periodStart: EpochDay;
  readonly periodEnd: EpochDay;
  readonly dueDay: EpochDay;
  /** effective day of the ChargeIssued */
  readonly issuedDay: EpochDay;
  readonly amount: Money;
  readonly commission: Money;
  readonly regime: 'lump-sum' | 'commission';
  readonly scheduleVersion: number;
  readonly seq: number;
  cancelledDay: EpochDay | null;
  /** the latest movement in the book's {@link Movements} (-1: none), linked back to the first */
  lastMove: number;
  /** as of the whole log */
  principal: Money;
  /** as of the whole log */
  penalty: Money;
  /** the plan covering it, if any */
  planId: string | null;
}

/** An installment plan and how it ended. */
export interface PlanRecord {
  readonly planId: string;
  readonly agreedDay: EpochDay;
  readonly chargeIds: readonly string[];
  readonly total: Money;
  defaultedDay: EpochDay | null;
  completedDay: EpochDay | null;
}

/** A unit account. */
export interface UnitRecord {
  /** the account stream id `levy.account-<community>.<unit>`: the unit's key everywhere */
  readonly key: string;
  readonly communityId: string;
  /** the unit's community in the same book */
  readonly community: CommunityRecord;
  readonly unitId: string;
  building: string;
  useType: string;
  areaM2: string;
  /** the owner now (the latest UnitOwnerChanged by date); {@link ownerAsOf} reads it as of a day */
  ownerName: string;
  /** the owners by the day each took over: the registered owner from the handover, then each UnitOwnerChanged (`seq`: log order, for changes from one day) */
  readonly owners: { readonly from: EpochDay; readonly name: string; readonly seq: number }[];
  grade: string | null;
  /** seen in a UnitRegistered */
  registered: boolean;
  /** the effective day of its UnitRegistered, or null */
  registeredDay: EpochDay | null;
  readonly charges: ChargeRecord[];
  /** the unit's charges by interned charge id (see {@link chargeOf}); holes where the unit has no such charge */
  readonly chargeAt: (ChargeRecord | undefined)[];
  /** the book's interned charge ids, shared by every unit */
  readonly chargeKeys: Map<string, number>;
  /** the book's movement columns, shared by every unit */
  readonly moves: Movements;
  /** the latest change of credit (预收) in {@link Movements}, linked back to the first: + when credit is made, - when used or taken back */
  lastCredit: number;
  /** as of the whole log */
  credit: Money;
  readonly plans: PlanRecord[];
  /** the ReminderRecorded events, in log order */
  readonly reminders: EventOf<'ReminderRecorded'>[];
  readonly classes: { readonly day: EpochDay; readonly arrearsClass: string; readonly seq: number }[];
  /** the latest of the unit's account events in the book's event list, linked back to the first (see {@link eventsOf}) */
  lastEvent: number;
  /** how many events of the account stream were folded in (its next revision) */
  eventCount: number;
}

/** A community: its name, time zone, schedules, closes and spending. */
export interface CommunityRecord {
  readonly communityId: string;
  name: string;
  timeZone: string;
  readonly units: UnitRecord[];
  readonly schedules: EventOf<'FeeScheduleAdopted'>['data'][];
  readonly billingRuns: { readonly periodKey: string; readonly day: EpochDay; readonly chargeCount: number; readonly total: Money }[];
  readonly closes: { readonly periodKey: string; readonly start: EpochDay; readonly end: EpochDay; readonly closedDay: EpochDay; readonly seq: number; readonly event: EventOf<'PeriodClosed'> }[];
  readonly expenditures: { readonly expenditureId: string; readonly category: string; readonly amount: Money; readonly day: EpochDay; readonly vendor: string; readonly seq: number }[];
}

/** Something in the log a rule should have prevented, found while folding. */
export interface BookAnomaly {
  readonly code:
    | 'CHARGE_UNKNOWN'
    | 'CHARGE_DUPLICATE'
    | 'CHARGE_OVERPAID'
    | 'PENALTY_OVERPAID'
    | 'CREDIT_NEGATIVE'
    | 'PAYMENT_UNBALANCED'
    | 'REVERSAL_UNBALANCED'
    | 'CREDIT_LOTS_UNBALANCED'
    | 'PAYMENT_UNKNOWN'
    | 'CHARGE_CANCELLED_TWICE'
    | 'MISSED_BY_CLOSE'
    | 'SEALED_HEAD_MISSING'
    | 'SEALED_HEAD_MISMATCH'
    | 'EVENT_IN_WRONG_STREAM';
  readonly message: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly seq: number;
}

/** The book's fold state. */
export interface BookState {
  /** by account stream id, in order of first appearance */
  readonly units: Map<string, UnitRecord>;
  readonly communities: Map<string, CommunityRecord>;
  readonly anomalies: BookAnomaly[];
  readonly moves: Movements;
  /**
   * charge ids interned to small integers, shared by every unit: a billing run gives every unit the
   * same few ids (`property-2025-03`), so a unit finds its charge by an array index instead of a
   * map of its own
   */
  readonly chargeKeys: Map<string, number>;
  /** account events in log order, each linked to the previous event of its unit through `eventPrev` */
  readonly events: ChunkedList<LoggedEvent>;
  eventPrev: Int32Array;
  /** the fold sequence number (`seq`) of each event in `events` */
  eventSeq: Int32Array;
  /** the unit of the last account event */
  lastUnit: UnitRecord | null;
  /** events folded in so far (the next event's sequence number) */
  seq: number;
  /** latest effective day seen */
  lastDay: EpochDay | null;
}

// ---------------------------------------------------------------------------------------------
// folding
// ---------------------------------------------------------------------------------------------

const community = (state: BookState, communityId: string): CommunityRecord => {
  let c = state.communities.get(communityId);
  if (c === undefined) {
    c = { communityId, name: communityId, timeZone: 'Asia/Shanghai', units: [], schedules: [], billingRuns: [], closes: [], expenditures: [] };
    state.communities.set(communityId, c);
  }
  return c;
};

// a unit's key as one flat string: a stream name built by `accountStream` (from a UnitRegistered)
// is a rope, and every lookup by an event's stream name would compare against it through the rope.
// A JSON round trip gives an equal flat string for any string, in about half the time of reading
// the key back out of an object literal (as this did before), which also left a hidden class per
// unit behind in V8's shared transition tree.
const flatKey = (s: string): string => JSON.parse(JSON.stringify(s)) as string;

const unitOf = (state: BookState, streamId: string, communityId: string, unitId: string): UnitRecord => {
  let u = state.units.get(streamId);
  if (u === undefined) {
    const c = community(state, communityId);
    const key = flatKey(streamId);
    u = {
      key,
      communityId: c.communityId,
      community: c,
      unitId,
      building: 'unknown',
      useType: 'unknown',
      areaM2: '0',
      ownerName: '',
      owners: [],
      grade: null,
      registered: false,
      registeredDay: null,
      charges: [],
      chargeAt: [],
      chargeKeys: state.chargeKeys,
      moves: state.moves,
      lastCredit: -1,
      credit: ZERO,
      plans: [],
      reminders: [],
      classes: [],
      lastEvent: -1,
      eventCount: 0,
    };
    state.units.set(key, u);
    c.units.push(u);
  }
  return u;
};

const unitOfStream = (state: BookState, streamId: string): UnitRecord | undefined => {
  // a command's events land together in one stream: remember the last unit
  const last = state.lastUnit;
  if (last !== null && last.key === streamId) return last;
  const known = state.units.get(streamId);
  if (known !== undefined) {
    state.lastUnit = known;
    return known;
  }
  const parsed = parseStreamName(streamId);
  if (parsed === null || parsed.kind !== 'account') return undefined;
  return unitOf(state, streamId, parsed.communityId, parsed.unitId);
};

const anomaly = (state: BookState, event: LoggedEvent, seq: number, code: BookAnomaly['code'], message: string): void => {
  state.anomalies.push({ code, message, eventId: event.meta.eventId, streamId: event.streamId, seq });
};

const changeCredit = (state: BookState, unit: UnitRecord, event: LoggedEvent, day: EpochDay, seq: number, amount: Money): void => {
  if (amount.isZero()) return;
  unit.lastCredit = state.moves.push(unit.lastCredit, day, CREDIT, amount, NO_DAY);
  unit.credit = unit.credit.equals(amount.negate()) ? ZERO : unit.credit.add(amount);
  if (unit.credit.isNegative()) anomaly(state, event, seq, 'CREDIT_NEGATIVE', `credit of ${unit.key} fell to ${unit.credit.toString()}`);
};

/**
 * A unit's charge by its id, or undefined when the unit was never billed it.
 *
 * @example
 * chargeOf(unit, 'property-2025-03')?.amount.toString(); // '250.60'
 */
export const chargeOf = (unit: UnitRecord, chargeId: string): ChargeRecord | undefined => {
  const key = unit.chargeKeys.get(chargeId);
  return key === undefined ? undefined : unit.chargeAt[key];
};

/** the interned key of a charge id, made on first sight */
const chargeKey = (state: BookState, chargeId: string): number => {
  let key = state.chargeKeys.get(chargeId);
  if (key === undefined) {
    key = state.chargeKeys.size;
    state.chargeKeys.set(chargeId, key);
  }
  return key;
};

const move = (state: BookState, unit: UnitRecord, event: LoggedEvent, chargeId: string, day: EpochDay, seq: number, kind: number, amount: Money, paidDay: EpochDay = NO_DAY): void => {
  const c = chargeOf(unit, chargeId);
  if (c === undefined) {
    anomaly(state, event, seq, 'CHARGE_UNKNOWN', `${event.type} names charge ${chargeId}, which ${unit.key} was never billed`);
    return;
  }
  c.lastMove = state.moves.push(c.lastMove, day, kind, amount, paidDay);
  switch (kind) {
    case PAID:
    case PAID_FROM_CREDIT:
    case WAIVED:
      // settling in full is the common case: share zero rather than allocate it (less for the GC to promote)
      c.principal = c.principal.equals(amount) ? ZERO : c.principal.subtract(amount);
      if (c.principal.isNegative()) anomaly(state, event, seq, 'CHARGE_OVERPAID', `charge ${chargeId} of ${unit.key} is settled beyond its amount by ${c.principal.negate().toString()}`);
      break;
    case UNPAID:
    case UNPAID_CREDIT:
      c.principal = c.principal.add(amount);
      break;
    case PENALTY_ASSESSED:
    case PENALTY_UNPAID:
      c.penalty = c.penalty.add(amount);
      break;
    case PENALTY_ADJUSTED:
      c.penalty = c.penalty.add(amount);
      if (c.penalty.isNegative()) anomaly(state, event, seq, 'PENALTY_OVERPAID', `penalty on charge ${chargeId} of ${unit.key} is lowered below what is still owed`);
      break;
    case PENALTY_PAID:
    case PENALTY_WAIVED:
      c.penalty = c.penalty.equals(amount) ? ZERO : c.penalty.subtract(amount);
      if (c.penalty.isNegative()) anomaly(state, event, seq, 'PENALTY_OVERPAID', `penalty on charge ${chargeId} of ${unit.key} is settled beyond what was assessed`);
      break;
  }
};

/**
 * The days on which the principal a reversal of `paymentId` now re-opens on `chargeId` had been
 * paid from that payment's credit, so that each day's collections lose what was collected on it.
 *
 * Exact from the lots the charge's CreditApplied events record: the parts taken from the payment's
 * own lot, oldest first. What those do not cover (a log written before CreditApplied recorded its
 * lots) is dated as the decider spends credit: the reversed payment's credit existed only from
 * `since` (the day that payment was booked) and the oldest credit goes first, so credit payments
 * from then on come first, oldest first; then any earlier, latest first (a log that disagrees with
 * itself); then the charge's issue day. There, while an older lot is still open, the day can be one
 * on which that lot paid. Either way no day re-opens more than credit paid on it, less what earlier
 * reversals re-opened from it, so no period's collections go below nothing.
 *
 * Looked up only on a reversal (rare), by walking the unit's events, so folding keeps no index.
 */
const reopenedCreditDays = (state: BookState, unit: UnitRecord, chargeId: string, amount: Money, lotId: string, since: EpochDay): { day: EpochDay; amount: Money }[] => {
  const out: { day: EpochDay; amount: Money }[] = [];
  const charge = chargeOf(unit, chargeId);
  if (charge === undefined) return out;
  const moves = movesOf(charge);
  // room on each day: credit paid on it, less what earlier reversals re-opened from it
  const room = new Map<EpochDay, Money>();
  const paidFromCredit = moves.filter((m) => m.kind === 'paid-from-credit');
  for (const m of paidFromCredit) room.set(m.day, (room.get(m.day) ?? ZERO).add(m.amount));
  for (const m of moves) if (m.kind === 'unpaid-credit') room.set(m.paidDay ?? m.day, (room.get(m.paidDay ?? m.day) ?? ZERO).subtract(m.amount));
  let left = amount;
  const take = (day: EpochDay, most: Money): void => {
    const r = room.get(day) ?? ZERO;
    const t = Money.min(Money.min(r, most), left);
    if (!t.isPositive()) return;
    room.set(day, r.subtract(t));
    out.push({ day, amount: t });
    left = left.subtract(t);
  };
  // the recorded parts of the payment's lot, oldest first
  for (const e of eventsOf(state, unit)) {
    if (e.type !== 'CreditApplied' || e.data.chargeId !== chargeId || e.data.kind === 'penalty' || e.data.lots === undefined) continue;
    for (const part of e.data.lots) if (part.lotId === lotId) take(dayOfDecoded(e.meta.effectiveDate), moneyOfAmount(part.amount));
  }
  // what no recorded part covers: credit payments in the order the decider spends credit
  for (const m of paidFromCredit) if (m.day >= since) take(m.day, m.amount);
  for (let i = paidFromCredit.length - 1; i >= 0; i--) if (paidFromCredit[i]!.day < since) take(paidFromCredit[i]!.day, paidFromCredit[i]!.amount);
  if (left.isPositive()) out.push({ day: charge.issuedDay, amount: left });
  return out;
};

/** the day a payment was received, looked up only when one is reversed (rare), so folding keeps no index */
const paymentDayOf = (state: BookState, unit: UnitRecord, paymentId: string): EpochDay | undefined => {
  // the latest receipt of that id (walking back from the unit's latest event)
  for (let i = unit.lastEvent; i >= 0; i = state.eventPrev[i]!) {
    const e = state.events.at(i)!;
    if (e.type === 'PaymentReceived' && e.data.paymentId === paymentId) return dayOfDecoded(e.meta.effectiveDate);
  }
  return undefined;
};

const applyAccountEvent = (state: BookState, unit: UnitRecord, event: LoggedEvent, day: EpochDay, seq: number): void => {
  switch (event.type) {
    case 'ChargeIssued': {
      const d = event.data;
      const key = chargeKey(state, d.chargeId);
      if (unit.chargeAt[key] !== undefined) {
        anomaly(state, event, seq, 'CHARGE_DUPLICATE', `charge ${d.chargeId} of ${unit.key} was issued twice`);
        return;
      }
      const amount = moneyOfAmount(d.amount);
      const c: ChargeRecord = {
        chargeId: d.chargeId,
        unit,
        feeItemId: d.feeItemId,
        periodKey: d.periodKey,
        // read past dayOfDecoded's one-entry memo, which keeps the effective date the next events share
        periodStart: dayOfIso(d.periodStart),
        periodEnd: dayOfIso(d.periodEnd),
        dueDay: dayOfIso(d.dueDate),
        issuedDay: day,
        amount,
        commission: moneyOfAmount(d.commission),
        regime: d.regime,
        scheduleVersion: d.scheduleVersion,
        seq,
        cancelledDay: null,
        lastMove: -1,
        principal: amount,
        penalty: ZERO,
        planId: null,
      };
      unit.chargeAt[key] = c;
      unit.charges.push(c);
      return;
    }
    case 'CreditApplied': {
      const a = moneyOfAmount(event.data.amount);
      // penalty paid from credit is penalty paid (penalty is in no collection rate, so its source need not be kept)
      move(state, unit, event, event.data.chargeId, day, seq, event.data.kind === 'penalty' ? PENALTY_PAID : PAID_FROM_CREDIT, a);
      changeCredit(state, unit, event, day, seq, a.negate());
      // the lots it names are what a reversal re-opens by: they must account for all of it
      checkLots(state, event, seq, event.data.lots, a, `credit applied to ${event.data.chargeId} of ${unit.key}`);
      return;
    }
    case 'ChargeCancelled': {
      const d = event.data;
      const c = chargeOf(unit, d.chargeId);
      if (c === undefined) {
        anomaly(state, event, seq, 'CHARGE_UNKNOWN', `ChargeCancelled names charge ${d.chargeId}, which ${unit.key} was never billed`);
        return;
      }
      if (c.cancelledDay !== null) {
        // the first cancellation stands: a second, dated later, would bring the charge back for the days
        // between them and give its paid part to credit again (as a charge issued twice keeps the first)
        anomaly(state, event, seq, 'CHARGE_CANCELLED_TWICE', `charge ${d.chargeId} of ${unit.key} was cancelled twice`);
        return;
      }
      c.cancelledDay = day;
      c.principal = ZERO;
      c.penalty = ZERO;
      changeCredit(state, unit, event, day, seq, moneyOfAmount(d.paidPrincipalToCredit).add(moneyOfAmount(d.paidPenaltyToCredit)));
      return;
    }
    case 'PaymentReceived': {
      const d = event.data;
      const amount = moneyOfAmount(d.amount);
      // most payments pay one line exactly: compare without summing (no allocation)
      let sum = d.allocations.length === 1 ? moneyOfAmount(d.allocations[0]!.amount) : ZERO;
      for (const a of d.allocations) {
        const m = moneyOfAmount(a.amount);
        if (d.allocations.length > 1) sum = sum.add(m);
        move(state, unit, event, a.chargeId, day, seq, a.kind === 'principal' ? PAID : PENALTY_PAID, m);
      }
      const toCredit = moneyOfAmount(d.toCredit);
      changeCredit(state, unit, event, day, seq, toCredit);
      if (toCredit.isZero() ? !sum.equals(amount) : !sum.add(toCredit).equals(amount)) {
        anomaly(state, event, seq, 'PAYMENT_UNBALANCED', `payment ${d.paymentId}: allocations ${sum.toString()} plus credit ${toCredit.toString()} is not the payment ${amount.toString()}`);
      }
      return;
    }
    case 'PaymentReversed': {
      const d = event.data;
      const paid = paymentDayOf(state, unit, d.paymentId);
      if (paid === undefined) anomaly(state, event, seq, 'PAYMENT_UNKNOWN', `reversal of payment ${d.paymentId}, which ${unit.key} never received`);
      const paidDay = paid ?? day;
      let sum = ZERO;
      for (const a of d.allocations) {
        const m = moneyOfAmount(a.amount);
        sum = sum.add(m);
        move(state, unit, event, a.chargeId, day, seq, a.kind === 'principal' ? UNPAID : PENALTY_UNPAID, m, paidDay);
      }
      for (const ca of d.creditApplications) {
        const m = moneyOfAmount(ca.amount);
        sum = sum.add(m);
        if (ca.kind === 'penalty') move(state, unit, event, ca.chargeId, day, seq, PENALTY_UNPAID, m);
        else for (const part of reopenedCreditDays(state, unit, ca.chargeId, m, ca.lot ?? d.paymentId, paidDay)) move(state, unit, event, ca.chargeId, day, seq, UNPAID_CREDIT, part.amount, part.day);
      }
      const fromCredit = moneyOfAmount(d.fromCredit);
      sum = sum.add(fromCredit);
      changeCredit(state, unit, event, day, seq, fromCredit.negate());
      checkLots(state, event, seq, d.fromCreditLots, fromCredit, `credit taken back by the reversal of ${d.paymentId} in ${unit.key}`);
      if (!sum.equals(moneyOfAmount(d.amount))) {
        anomaly(state, event, seq, 'REVERSAL_UNBALANCED', `reversal of ${d.paymentId}: allocations, credit applications and credit taken back add to ${sum.toString()}, not ${d.amount}`);
      }
      return;
    }
    case 'PenaltyAssessed':
      move(state, unit, event, event.data.chargeId, day, seq, PENALTY_ASSESSED, moneyOfAmount(event.data.amount));
      return;
    case 'PenaltyAdjusted': {
      const d = event.data;
      const a = moneyOfAmount(d.amount);
      // penalty already paid and now lowered goes back to credit first, and penalty waived comes off
      // its waivers (a negative penalty-waived movement), so the charge never shows less than nothing
      // paid by payments (toCredit) or by credit (creditPaid), it goes back to credit alike
      for (const t of d.creditPaid === undefined ? d.toCredit : [...d.toCredit, ...d.creditPaid]) {
        const m = moneyOfAmount(t.amount);
        move(state, unit, event, d.chargeId, day, seq, PENALTY_UNPAID, m);
        changeCredit(state, unit, event, day, seq, m);
      }
      const waivers = d.waivers ?? [];
      if (a.isNegative()) for (const w of waivers) move(state, unit, event, d.chargeId, day, seq, PENALTY_WAIVED, moneyOfAmount(w.amount));
      move(state, unit, event, d.chargeId, day, seq, PENALTY_ADJUSTED, a);
      // a raise gives waivers back what lowerings took off them: waived again
      if (!a.isNegative()) for (const w of waivers) move(state, unit, event, d.chargeId, day, seq, PENALTY_WAIVED, moneyOfAmount(w.amount));
      return;
    }
    case 'WaiverGranted':
      move(state, unit, event, event.data.chargeId, day, seq, event.data.kind === 'principal' ? WAIVED : PENALTY_WAIVED, moneyOfAmount(event.data.amount));
      return;
    case 'InstallmentPlanAgreed': {
      const d = event.data;
      unit.plans.push({ planId: d.planId, agreedDay: day, chargeIds: d.chargeIds, total: moneyOfAmount(d.total), defaultedDay: null, completedDay: null });
      for (const id of d.chargeIds) {
        const c = chargeOf(unit, id);
        if (c !== undefined) c.planId = d.planId;
      }
      return;
    }
    case 'InstallmentPlanDefaulted': {
      const p = unit.plans.find((x) => x.planId === event.data.planId);
      if (p !== undefined) p.defaultedDay = day;
      return;
    }
    case 'InstallmentPlanCompleted': {
      const p = unit.plans.find((x) => x.planId === event.data.planId);
      if (p !== undefined) p.completedDay = day;
      return;
    }
    case 'CreditRefunded': {
      const a = moneyOfAmount(event.data.amount);
      changeCredit(state, unit, event, day, seq, a.negate());
      checkLots(state, event, seq, event.data.lots, a, `refund ${event.data.refundId} of ${unit.key}`);
      return;
    }
    case 'ReminderRecorded':
      unit.reminders.push(event);
      return;
    case 'ArrearsClassified':
      unit.classes.push({ day: dayOfDecoded(event.data.on), arrearsClass: event.data.arrearsClass, seq });
      return;
    default:
      return;
  }
};

/** Flags credit lot parts an event names (`lots`, `fromCreditLots`) that do not add up to the credit it moved. */
const checkLots = (state: BookState, event: LoggedEvent, seq: number, lots: readonly { readonly amount: string }[] | undefined, amount: Money, what: string): void => {
  if (lots === undefined) return;
  let parts = ZERO;
  for (const part of lots) parts = parts.add(moneyOfAmount(part.amount));
  if (!parts.equals(amount)) anomaly(state, event, seq, 'CREDIT_LOTS_UNBALANCED', `${what}: its lots add to ${parts.toString()}, not ${amount.toString()}`);
};

const growEventColumns = (state: BookState, n: number): void => {
  const prev = new Int32Array(n);
  prev.set(state.eventPrev);
  state.eventPrev = prev;
  const seqs = new Int32Array(n);
  seqs.set(state.eventSeq);
  state.eventSeq = seqs;
};

/**
 * Makes room in the book's columns for `n` more events before a rebuild folds them, so that they
 * grow once instead of doubling their way up (each doubling copies the columns into fresh memory).
 * A payment can make more than one movement: the movement columns still double past the room made.
 */
export const reserveBook = (state: BookState, n: number): void => {
  const events = state.events.length + n;
  // never less than doubling: a store's rebuild reserves run by run
  if (events > state.eventPrev.length) growEventColumns(state, Math.max(events, state.eventPrev.length * 2));
  state.moves.reserve(state.moves.length + n);
};

const linkEvent = (state: BookState, unit: UnitRecord, event: LoggedEvent, seq: number): void => {
  const i = state.events.length;
  state.events.push(event);
  if (i === state.eventPrev.length) growEventColumns(state, i * 2);
  // only the new row is written: the unit's earlier events are not touched
  state.eventPrev[i] = unit.lastEvent;
  state.eventSeq[i] = seq;
  unit.lastEvent = i;
  unit.eventCount += 1;
};

/**
 * A close seals each account stream's head as it read it. An event of the period folded in before
 * the close but after its stream's sealed head was appended while the close was being gathered (a
 * payment booked in the same moment): the period's sealed totals do not hold it. Each such event
 * is an anomaly, `MISSED_BY_CLOSE`. The handler prevents it on stores with guards; it can still
 * happen on a store without them, or in a log written by other code.
 *
 * The other way round, each sealed head (stream, revision, hash) must be in the log before the
 * close: a head beyond what the log holds of its stream, or of a stream it holds nothing of, is
 * `SEALED_HEAD_MISSING` (events the close sealed were removed: where no later event's `prevHash`
 * points at them, the hash chain alone cannot tell); an event there with another `meta.hash` is
 * `SEALED_HEAD_MISMATCH` (a log without hashes, as tests build, is not compared). Both are raised
 * on the close. The walk is the one MISSED_BY_CLOSE makes already: it ends at the sealed head.
 */
const checkSeal = (state: BookState, c: CommunityRecord, close: EventOf<'PeriodClosed'> & LoggedEvent, seq: number, start: EpochDay, end: EpochDay): void => {
  const d = close.data;
  const sealed = new Map<string, { readonly revision: number; readonly hash: string; readonly text: string }>();
  // a revision that is not a whole number seals nothing
  for (const h of d.heads) sealed.set(h.streamId, { revision: /^[0-9]{1,15}$/.test(h.revision) ? Number(h.revision) : -1, hash: h.hash, text: h.revision });
  const sealedBy = `${close.data.periodKey}'s close`;
  for (const u of c.units) {
    const seal = sealed.get(u.key);
    const head = seal?.revision ?? -1;
    let after = u.eventCount - 1 - head;
    let i = u.lastEvent;
    for (; after > 0 && i >= 0; i = state.eventPrev[i]!, after--) {
      const e = state.events.at(i)!;
      const day = dayOfDecoded(e.meta.effectiveDate);
      if (day < start || day > end) continue;
      anomaly(
        state,
        e,
        state.eventSeq[i]!,
        'MISSED_BY_CLOSE',
        `${e.type} of ${u.key} is dated ${e.meta.effectiveDate}, inside ${close.data.periodKey}, but was appended after the close ${head < 0 ? 'found the account empty' : `read the account at revision ${head}`}: the sealed totals do not include it`,
      );
    }
    if (seal === undefined) continue;
    sealed.delete(u.key);
    if (head < 0 || after < 0) {
      const holds = u.eventCount === 0 ? 'no event of it' : `its revisions 0 to ${u.eventCount - 1} only`;
      anomaly(state, close, seq, 'SEALED_HEAD_MISSING', `${sealedBy} sealed ${u.key} at revision ${seal.text}, but the log before it holds ${holds}: events the close sealed were removed`);
      continue;
    }
    const hash = state.events.at(i)!.meta.hash;
    if (hash !== undefined && hash !== seal.hash) {
      anomaly(state, close, seq, 'SEALED_HEAD_MISMATCH', `${sealedBy} sealed ${u.key} at revision ${seal.text} with hash ${seal.hash.slice(0, 12)}…, but the event there has hash ${hash.slice(0, 12)}…: the sealed event was replaced`);
    }
  }
  // heads of streams that are no account of this community in the log
  for (const [streamId, seal] of sealed) {
    anomaly(state, close, seq, 'SEALED_HEAD_MISSING', `${sealedBy} sealed ${streamId} at revision ${seal.text}, but the log before it holds no event of that account of ${c.communityId}: events the close sealed were removed`);
  }
};

/**
 * The account book as a projection.
 *
 * @example
 * const book = rebuild(bookProjection, events);
 * book.units.size; // units seen
 */
export const bookProjection: Projection<BookState> = {
  name: 'book',
  init: () => ({
    units: new Map(),
    communities: new Map(),
    anomalies: [],
    moves: new Movements(),
    chargeKeys: new Map(),
    events: new ChunkedList(),
    eventPrev: new Int32Array(1024),
    eventSeq: new Int32Array(1024),
    lastUnit: null,
    seq: 0,
    lastDay: null,
  }),
  apply: (state, event) => {
    bookStep(state, event, dayOfDecoded(event.meta.effectiveDate));
    return state;
  },
  // a rebuild looks ahead over runs of events (look-ahead.ts): the same state as apply on each
  applyAll: (state, events) => {
    reserveBook(state, events.length);
    return foldLookingAhead(state, events, warmBook, (s, event, unit) => {
      bookStepKnowing(s, event, dayOfDecoded(event.meta.effectiveDate), unit);
      return s;
    });
  },
};

/**
 * The account book's fold step for one event whose effective day is already read. Returns the
 * unit an account event was folded into, or null for other events ({@link levyProjection} hands
 * the unit's community to the audit trail, so the stream is resolved once).
 *
 * @example
 * const unit = bookStep(book, event, dayOf(event.meta.effectiveDate));
 */
export const bookStep = (state: BookState, event: LoggedEvent, day: EpochDay): UnitRecord | null => bookStepKnowing(state, event, day, undefined);

/**
 * {@link bookStep} with the event's unit when the caller found it already by the event's stream
 * (`state.units.get(event.streamId)`; undefined: not known). Internal to the package (index.ts does
 * not export it): a wrong unit would fold the event into another account.
 */
export const bookStepKnowing = (state: BookState, event: LoggedEvent, day: EpochDay, known: UnitRecord | undefined): UnitRecord | null => {
  const seq = state.seq++;
  if (state.lastDay === null || day > state.lastDay) state.lastDay = day;
  switch (event.type) {
    case 'CommunityRegistered': {
      const c = community(state, event.data.communityId);
      c.name = event.data.name;
      c.timeZone = event.data.timeZone;
      return null;
    }
    case 'UnitRegistered': {
      const d = event.data;
      const u = unitOf(state, accountStream(d.communityId, d.unitId), d.communityId, d.unitId);
      u.building = d.building;
      u.useType = d.useType;
      u.areaM2 = d.areaM2;
      u.grade = d.grade ?? null;
      // the registered owner holds from the handover, ahead of any change (a repeated registration replaces it)
      const first = { from: dayOfDecoded(d.handoverDate), name: d.owner.name, seq };
      if (u.registered) u.owners[0] = first;
      else u.owners.unshift(first);
      u.registered = true;
      u.registeredDay = day;
      u.ownerName = ownerOn(u, Number.POSITIVE_INFINITY);
      return null;
    }
    case 'UnitAreaChanged': {
      const d = event.data;
      unitOf(state, accountStream(d.communityId, d.unitId), d.communityId, d.unitId).areaM2 = d.areaM2;
      return null;
    }
    case 'UnitOwnerChanged': {
      const d = event.data;
      const u = unitOf(state, accountStream(d.communityId, d.unitId), d.communityId, d.unitId);
      u.owners.push({ from: dayOfDecoded(d.from), name: d.owner.name, seq });
      u.ownerName = ownerOn(u, Number.POSITIVE_INFINITY);
      return null;
    }
    case 'FeeScheduleAdopted':
      community(state, event.data.communityId).schedules.push(event.data);
      return null;
    case 'BillingRunCompleted': {
      const d = event.data;
      community(state, d.communityId).billingRuns.push({ periodKey: d.periodKey, day, chargeCount: d.chargeCount, total: moneyOfAmount(d.total) });
      return null;
    }
    case 'PeriodClosed': {
      const d = event.data;
      const c = community(state, d.communityId);
      const start = dayOfDecoded(d.periodStart);
      const end = dayOfDecoded(d.periodEnd);
      c.closes.push({ periodKey: d.periodKey, start, end, closedDay: dayOfDecoded(d.closedOn), seq, event });
      checkSeal(state, c, event, seq, start, end);
      return null;
    }
    case 'ExpenditureRecorded': {
      const d = event.data;
      community(state, d.communityId).expenditures.push({ expenditureId: d.expenditureId, category: d.category, amount: moneyOfAmount(d.amount), day, vendor: d.vendor, seq });
      return null;
    }
    default: {
      const unit = known ?? unitOfStream(state, event.streamId);
      if (unit === undefined) {
        // a unit's event outside a unit's stream: the book cannot say whose it is, and says so
        anomaly(state, event, seq, 'EVENT_IN_WRONG_STREAM', `${event.type} sits in ${event.streamId}, which is not a unit's account stream (levy.account-<community>.<unit>): the book leaves it out`);
        return null;
      }
      linkEvent(state, unit, event, seq);
      applyAccountEvent(state, unit, event, day, seq);
      return unit;
    }
  }
};

// ---------------------------------------------------------------------------------------------
// as-of readings
// ---------------------------------------------------------------------------------------------

/**
 * A charge's movements in the order they were folded in.
 *
 * @example
 * movesOf(charge).filter((m) => m.kind === 'paid').length;
 */
export const movesOf = (c: ChargeRecord): ChargeMove[] => {
  const out: ChargeMove[] = [];
  const mv = c.unit.moves;
  for (let i = c.lastMove; i >= 0; i = mv.prev[i]!) {
    const paidDay = mv.paidDay[i]!;
    const m = { day: mv.day[i]!, kind: MOVE_KINDS[mv.kind[i]!]!, amount: mv.amount.at(i)! };
    out.push(paidDay === NO_DAY ? m : { ...m, paidDay });
  }
  return out.reverse();
};

/**
 * A unit's changes of credit (预收) in fold order: positive when credit is made, negative when used or taken back.
 *
 * @example
 * creditMovesOf(unit).map((m) => m.amount.toString());
 */
export const creditMovesOf = (u: UnitRecord): { day: EpochDay; amount: Money }[] => {
  const out: { day: EpochDay; amount: Money }[] = [];
  const mv = u.moves;
  for (let i = u.lastCredit; i >= 0; i = mv.prev[i]!) out.push({ day: mv.day[i]!, amount: mv.amount.at(i)! });
  return out.reverse();
};

/**
 * A unit's account events in log order.
 *
 * @example
 * eventsOf(book, unit).filter((e) => e.type === 'PaymentReceived');
 */
export const eventsOf = (book: BookState, u: UnitRecord): LoggedEvent[] => {
  const out: LoggedEvent[] = [];
  for (let i = u.lastEvent; i >= 0; i = book.eventPrev[i]!) out.push(book.events.at(i)!);
  return out.reverse();
};

/**
 * A unit's account events by effective date, each with its day; events of one day keep their log
 * order (the sort is stable). Statements and the credit by lot read them in this order.
 *
 * @example
 * for (const { event, day } of eventsByDay(book, unit)) if (day > asOf) break;
 */
export const eventsByDay = (book: BookState, u: UnitRecord): { event: LoggedEvent; day: EpochDay }[] =>
  eventsOf(book, u)
    .map((event) => ({ event, day: dayOfDecoded(event.meta.effectiveDate) }))
    .sort((a, b) => a.day - b.day);

/**
 * The day that puts a charge in a period's figures (a period's billed total: collection rates, a
 * disclosure's `billed`): the first day of its billing period; but a charge issued on or after the
 * day the period holding that day was closed counts on the day it was issued, in the open period.
 * A closed period no longer changes, and a late correction is booked in the open period and names
 * what it corrects (DESIGN.md, principle 3): February's correction issued on 10 April, after Q1
 * closed on 5 April, is billed in April and Q2, not in February (as of Q1's end it did not exist,
 * so a figure read as of then, as the disclosure is, could never hold it, nor Q2's hold a month of
 * Q1). Read from closes dated no later than the charge, so a figure as of a day depends only on
 * what was dated by then.
 *
 * @example
 * billedDayOf(chargeOf(unit, 'property-2025-02')!); // dayOf('2025-02-01'), or its issue day if issued after 2025-Q1 closed
 */
export const billedDayOf = (c: ChargeRecord): EpochDay => {
  // billed in advance or on time: no close of its period can be dated by then (a close comes after its period)
  if (c.issuedDay <= c.periodStart) return c.periodStart;
  for (const close of c.unit.community.closes) {
    if (close.start <= c.periodStart && c.periodStart <= close.end && close.closedDay <= c.issuedDay) return c.issuedDay;
  }
  return c.periodStart;
};

/** A charge as it stood at the end of a day. */
export interface ChargeAsOf {
  /** issued by then and not cancelled */
  readonly live: boolean;
  readonly principal: Money;
  readonly penalty: Money;
  /** principal collected (payments and credit) net of re-openings */
  readonly collected: Money;
  readonly waived: Money;
  readonly penaltyAssessed: Money;
  readonly penaltyWaived: Money;
  readonly penaltyCollected: Money;
}

const DEAD: ChargeAsOf = Object.freeze({ live: false, principal: ZERO, penalty: ZERO, collected: ZERO, waived: ZERO, penaltyAssessed: ZERO, penaltyWaived: ZERO, penaltyCollected: ZERO });

/**
 * A charge's figures at the end of `asOf` (the whole log when omitted): only movements effective
 * on or before it count; a charge not yet issued, or cancelled by then, is not live and owes nothing.
 *
 * @example
 * chargeAsOf(charge, dayOf('2025-04-15')).principal.toString(); // '250.60'
 */
export const chargeAsOf = (c: ChargeRecord, asOf?: EpochDay): ChargeAsOf => {
  const d = asOf === undefined ? Number.POSITIVE_INFINITY : checkDay(asOf, ['asOf']);
  if (c.issuedDay > d || (c.cancelledDay !== null && c.cancelledDay <= d)) return DEAD;
  let collected = ZERO;
  let waived = ZERO;
  let assessed = ZERO;
  let penWaived = ZERO;
  let penCollected = ZERO;
  const mv = c.unit.moves;
  for (let i = c.lastMove; i >= 0; i = mv.prev[i]!) {
    if (mv.day[i]! > d) continue;
    const amount = mv.amount.at(i)!;
    switch (mv.kind[i]) {
      case PAID:
      case PAID_FROM_CREDIT:
        collected = collected.add(amount);
        break;
      case UNPAID:
      case UNPAID_CREDIT:
        collected = collected.subtract(amount);
        break;
      case WAIVED:
        waived = waived.add(amount);
        break;
      case PENALTY_ASSESSED:
      case PENALTY_ADJUSTED:
        assessed = assessed.add(amount);
        break;
      case PENALTY_PAID:
        penCollected = penCollected.add(amount);
        break;
      case PENALTY_UNPAID:
        penCollected = penCollected.subtract(amount);
        break;
      case PENALTY_WAIVED:
        penWaived = penWaived.add(amount);
        break;
    }
  }
  return {
    live: true,
    principal: c.amount.subtract(collected).subtract(waived),
    penalty: assessed.subtract(penCollected).subtract(penWaived),
    collected,
    waived,
    penaltyAssessed: assessed,
    penaltyWaived: penWaived,
    penaltyCollected: penCollected,
  };
};

/**
 * A unit's credit (预收) at the end of a day.
 *
 * @example
 * creditAsOf(unit, dayOf('2025-03-31')).toString(); // '49.40'
 */
export const creditAsOf = (u: UnitRecord, asOf?: EpochDay): Money => {
  if (asOf === undefined) return u.credit;
  checkDay(asOf, ['asOf']);
  let sum = ZERO;
  const mv = u.moves;
  for (let i = u.lastCredit; i >= 0; i = mv.prev[i]!) if (mv.day[i]! <= asOf) sum = sum.add(mv.amount.at(i)!);
  return sum;
};

/**
 * The arrears class recorded for a unit as of a day ('none' when never classified).
 *
 * @example
 * arrearsClassAsOf(unit, asOf); // 'chronic'
 */
export const arrearsClassAsOf = (u: UnitRecord, asOf: EpochDay): string => {
  checkDay(asOf, ['asOf']);
  let best: { day: EpochDay; seq: number; arrearsClass: string } | null = null;
  for (const c of u.classes) if (c.day <= asOf && (best === null || c.day > best.day || (c.day === best.day && c.seq > best.seq))) best = c;
  return best?.arrearsClass ?? 'none';
};

/** Plan status as of a day. */
export type PlanStatus = 'none' | 'active' | 'defaulted' | 'completed';

/**
 * Who owned a unit on a day: the owner whose change (or registration, from the handover) took effect
 * latest by then, the later-booked of two from one day; the registered owner before the handover;
 * `''` for a unit never registered.
 *
 * @example
 * ownerAsOf(unit, dayOf('2025-03-31')); // '李雷', though a change from May names another owner
 */
export const ownerAsOf = (u: UnitRecord, day: EpochDay): string => {
  checkDay(day, ['asOf']);
  return ownerOn(u, day);
};

// the owner of the latest change taking effect by `day` (the later-booked of one day), else the registered owner
const ownerOn = (u: UnitRecord, day: number): string => {
  let best: { from: EpochDay; name: string; seq: number } | null = null;
  for (const o of u.owners) if (o.from <= day && (best === null || o.from > best.from || (o.from === best.from && o.seq > best.seq))) best = o;
  return best?.name ?? u.owners[0]?.name ?? '';
};

const planStatusOf = (p: PlanRecord, asOf: EpochDay): PlanStatus =>
  p.completedDay !== null && p.completedDay <= asOf ? 'completed' : p.defaultedDay !== null && p.defaultedDay <= asOf ? 'defaulted' : 'active';

/**
 * The status of a unit's installment plans as of a day: `active` (with that plan's id) when any plan
 * agreed by then is still in good standing, the latest such when several are (a unit may hold one
 * plan per set of charges); otherwise the status of the latest plan agreed by then; `none` before
 * any.
 *
 * @example
 * planStatusAsOf(unit, asOf); // { status: 'active', planId: 'plan-2025-04' }
 */
export const planStatusAsOf = (u: UnitRecord, asOf: EpochDay): { status: PlanStatus; planId: string | null } => {
  checkDay(asOf, ['asOf']);
  let latest: PlanRecord | null = null;
  let active: PlanRecord | null = null;
  for (const p of u.plans) {
    if (p.agreedDay > asOf) continue;
    if (latest === null || p.agreedDay >= latest.agreedDay) latest = p;
    if (planStatusOf(p, asOf) === 'active' && (active === null || p.agreedDay >= active.agreedDay)) active = p;
  }
  if (active !== null) return { status: 'active', planId: active.planId };
  if (latest === null) return { status: 'none', planId: null };
  return { status: planStatusOf(latest, asOf), planId: latest.planId };
};

/**
 * Whether a charge was under an installment plan in good standing on a day: the latest plan agreed
 * over it by then is neither completed nor defaulted by then. Such a charge is not dunned.
 *
 * @example
 * chargeInActivePlan(unit, 'property-2025-01', asOf); // true
 */
export const chargeInActivePlan = (u: UnitRecord, chargeId: string, asOf: EpochDay): boolean => {
  let latest: PlanRecord | null = null;
  for (const p of u.plans) if (p.agreedDay <= asOf && p.chargeIds.includes(chargeId) && (latest === null || p.agreedDay >= latest.agreedDay)) latest = p;
  return latest !== null && planStatusOf(latest, asOf) === 'active';
};

/**
 * Why a community filter given to a report names no community of the book, or null (undefined: no
 * filter). A community is known once the log holds any event of it (registered, a schedule, a
 * unit), units or none: a typo (`'sunrsie'`) or `''` would otherwise give an empty report that
 * reads as "all clear". `COMMUNITY_UNKNOWN` at `path`. Internal to the package.
 *
 * @example
 * communityInvalid(book, 'sunrsie'); // { code: 'COMMUNITY_UNKNOWN', path: ['communityId'], ... }
 */
export const communityInvalid = (book: BookState, communityId: unknown, path: readonly string[] = ['communityId']): DomainError | null =>
  communityId === undefined || (typeof communityId === 'string' && book.communities.has(communityId)) ? null : communityUnknown(communityId, book.communities.keys(), 'log', path);

/**
 * `COMMUNITY_UNKNOWN` at `path` for a community filter that names none of `known`, listing the
 * first ten it does know; `where` is what was searched (the book's log, the audit's trail).
 * Internal to the package.
 *
 * @example
 * communityUnknown('sunrsie', ['sunrise'], 'log'); // { code: 'COMMUNITY_UNKNOWN', message: 'there is no community "sunrsie" in this log (this log holds "sunrise")', ... }
 */
export const communityUnknown = (communityId: unknown, known: Iterable<string>, where: 'log' | 'trail', path: readonly string[] = ['communityId']): DomainError => {
  const names = [...known].sort(compareText);
  const holds = where === 'log' ? 'this log holds' : 'it holds';
  const held = names.length === 0 ? `${holds} none` : `${holds} ${names.slice(0, 10).map((c) => JSON.stringify(c)).join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}`;
  return domainError('COMMUNITY_UNKNOWN', `there is no community ${describe(communityId)} in this ${where} (${held})`, path, { input: describe(communityId) });
};

/**
 * Units in a stable order (community, then unit id), optionally of one community. A community the
 * book does not know throws a {@link LevyError} `COMMUNITY_UNKNOWN` at `communityId` (a known
 * community with no units yet gives none).
 *
 * @example
 * for (const u of unitsInOrder(book, 'sunrise')) console.log(u.unitId);
 */
export const unitsInOrder = (book: BookState, communityId?: string): UnitRecord[] => {
  const bad = communityInvalid(book, communityId);
  if (bad !== null) throw new LevyError(bad);
  const list = communityId === undefined ? [...book.units.values()] : [...book.communities.get(communityId)!.units];
  return list.sort((a, b) => (a.communityId === b.communityId ? compareText(a.unitId, b.unitId) : compareText(a.communityId, b.communityId)));
};

/** Byte order, the same on every machine (localeCompare is not). */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
