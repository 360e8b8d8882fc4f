/**
 * The unit statement (业主对账单): one unit's account in date order with a running balance, what
 * each payment paid, and each penalty with its explanation (base, rate, days, rounding). The
 * balance is the unit's net position: what it owes minus its credit (预收), so a prepaid unit
 * shows a negative balance. Lines are ordered by effective date, then by log order.
 *
 * @example
 * import { unitStatement, dayOf } from '@levy/projections';
 * import * as E from 'fp-ts/lib/Either.js';
 * const s = unitStatement(book, 'levy.account-sunrise.B1-1203', { from: dayOf('2025-01-01') }); // left: UNIT_UNKNOWN, RANGE_INVALID, ...
 * if (E.isRight(s)) s.right.lines.map((l) => `${l.date} ${l.description} ${l.balance}`);
 */
import { type CreditLotOrigin, type DomainError, type EpochDay, Money, cancellationLotId, creditLotOrigin, describe, domainError, recountLotId } from '@levy/core';
import * as E from './either.js';
import { type BookState, type UnitRecord, compareText, eventsByDay, ownerAsOf } from './book.js';
import { ZERO, dateOf, dayInvalid, moneyOfAmount } from './fields.js';
import { type OptionSpec, optionsInvalid } from './options.js';
import type { LoggedEvent } from './fold.js';

/** One statement line. */
export interface StatementLine {
  readonly date: string;
  readonly day: EpochDay;
  readonly type: LoggedEvent['type'];
  readonly eventId: string;
  readonly description: string;
  /** what the line adds to the balance (charges, penalties, reversals, refunds) */
  readonly debit: Money;
  /** what it takes off (payments, waivers, cancellations) */
  readonly credit: Money;
  readonly balance: Money;
}

/** A unit statement. */
export interface UnitStatement {
  readonly unit: string;
  readonly communityId: string;
  readonly unitId: string;
  readonly owner: string;
  readonly from: EpochDay | null;
  readonly to: EpochDay | null;
  readonly opening: Money;
  readonly lines: readonly StatementLine[];
  readonly closing: Money;
}

// whose credit it was, where the event records it: a payment's excess, a cancelled charge's paid part, or penalty a recount gave back
const fromLots = (lots: readonly { readonly lotId: string; readonly amount: string }[] | undefined): string => {
  if (lots === undefined || lots.length === 0) return '';
  const parts = lots.map((l) => {
    const origin = creditLotOrigin(l.lotId);
    const whose =
      origin.kind === 'payment' ? `payment ${origin.paymentId}` : origin.kind === 'cancellation' ? `cancelled ${origin.chargeId}` : `penalty on ${origin.chargeId} given back (${origin.cause})`;
    return `${whose} ${l.amount}`;
  });
  return `, from ${parts.join(', ')}`;
};

/** What an event does to the unit's net position, and how to say it. */
const effectOf = (e: LoggedEvent): { delta: Money; text: string } | null => {
  switch (e.type) {
    case 'ChargeIssued': {
      const d = e.data;
      const c = d.calculation;
      const how = c.basis === 'area' ? `${c.quantity} m² × ${c.unitPrice}/m²/month × ${c.months}` : c.basis === 'metered' ? `${c.quantity} × ${c.unitPrice}` : `${c.unitPrice} × ${c.months}`;
      return { delta: moneyOfAmount(d.amount), text: `charge ${d.feeItemId} ${d.periodKey} (${how}), due ${d.dueDate}` };
    }
    case 'CreditApplied':
      return { delta: ZERO, text: `credit ${e.data.amount} applied to ${e.data.chargeId}${e.data.kind === 'penalty' ? ' penalty' : ''}${fromLots(e.data.lots)}` };
    case 'ChargeCancelled': {
      const d = e.data;
      const off = moneyOfAmount(d.outstandingPrincipal).add(moneyOfAmount(d.paidPrincipalToCredit)).add(moneyOfAmount(d.outstandingPenalty)).add(moneyOfAmount(d.paidPenaltyToCredit));
      return { delta: off.negate(), text: `charge ${d.chargeId} cancelled${e.meta.reason === undefined ? '' : `: ${e.meta.reason}`}` };
    }
    case 'PaymentReceived': {
      const d = e.data;
      // name each charge paid; past three lines, sum principal and penalty so the line stays readable
      let parts = d.allocations.map((a) => `${a.chargeId}${a.kind === 'penalty' ? ' penalty' : ''} ${a.amount}`);
      if (parts.length > 3) {
        const charges = new Set(d.allocations.map((a) => a.chargeId)).size;
        const sum = (kind: string): string => Money.sum(d.allocations.filter((a) => a.kind === kind).map((a) => moneyOfAmount(a.amount))).toString();
        parts = [`${charges} charges, principal ${sum('principal')}, penalty ${sum('penalty')}`];
      }
      if (d.toCredit !== '0.00') parts.push(`credit ${d.toCredit}`);
      return { delta: moneyOfAmount(d.amount).negate(), text: `payment ${d.channel} ${d.channelTxnId}: ${parts.join(', ')}` };
    }
    case 'PaymentReversed': {
      const d = e.data;
      const back = moneyOfAmount(d.fromCredit).isZero() ? '' : `, ${d.fromCredit} taken back from credit${fromLots(d.fromCreditLots)}`;
      return { delta: moneyOfAmount(d.amount), text: `payment ${d.paymentId} reversed (${d.reason})${back}` };
    }
    case 'PenaltyAssessed': {
      const d = e.data;
      const segs = d.segments.map((s) => `${s.base} × ${d.dailyRate} × ${s.days} d`).join(' + ');
      const cap = d.cappedBy === null ? '' : `, capped at ${d.cappedBy}`;
      return { delta: moneyOfAmount(d.amount), text: `滞纳金 on ${d.chargeId} ${d.from}..${d.to}: ${segs} = ${d.unrounded}, ${d.rounding} ${d.amount}${cap}` };
    }
    case 'PenaltyAdjusted': {
      const d = e.data;
      const pieces = d.pieces.map((p) => `${p.from}..${p.to} ${p.was} → ${p.now}`).join(', ');
      const back = d.toCredit.map((t) => `${t.amount} paid by ${t.paymentId} back to credit`);
      for (const t of d.creditPaid ?? []) back.push(`${t.amount} paid from credit ${t.lotId} back to credit`);
      // a waiver change is not owed or given back: the balance moves by the penalty change less it
      let delta = moneyOfAmount(d.amount);
      for (const w of d.waivers ?? []) {
        const m = moneyOfAmount(w.amount);
        delta = delta.subtract(m);
        back.push(m.isNegative() ? `waiver ${w.waiverId} relieves ${m.negate().toString()} less` : `waiver ${w.waiverId} relieves ${w.amount} again`);
      }
      return { delta, text: `滞纳金 on ${d.chargeId} counted again after ${d.cause}, which changed the base: ${pieces}${back.length === 0 ? '' : `; ${back.join(', ')}`}` };
    }
    case 'WaiverGranted': {
      const a = e.meta.approval;
      return { delta: moneyOfAmount(e.data.amount).negate(), text: `waiver of ${e.data.kind} on ${e.data.chargeId}${a === undefined ? '' : ` approved by ${a.approver} (${a.reference})`}` };
    }
    case 'CreditRefunded':
      return { delta: moneyOfAmount(e.data.amount), text: `credit refunded ${e.data.channel}${fromLots(e.data.lots)}` };
    case 'InstallmentPlanAgreed':
      return { delta: ZERO, text: `installment plan ${e.data.planId}: ${e.data.installments.length} installments, ${e.data.total}` };
    case 'InstallmentPlanDefaulted':
      return { delta: ZERO, text: `installment plan ${e.data.planId} defaulted (installment ${e.data.missedSeq} due ${e.data.missedDueDate})` };
    case 'InstallmentPlanCompleted':
      return { delta: ZERO, text: `installment plan ${e.data.planId} completed` };
    case 'ReminderRecorded':
      return { delta: ZERO, text: `reminder: ${e.data.stage} by ${e.data.channel}` };
    case 'ArrearsClassified':
      return { delta: ZERO, text: `arrears class: ${e.data.arrearsClass}` };
    default:
      return null;
  }
};

/** A unit named by its account stream id or `{ communityId, unitId }`, or UNIT_UNKNOWN at `unit` (also for a value that names no unit at all). */
const unitNamed = (book: BookState, unit: unknown): E.Either<DomainError, UnitRecord> => {
  const named = unit as { readonly communityId?: unknown; readonly unitId?: unknown } | null;
  const key =
    typeof unit === 'string'
      ? unit
      : typeof named === 'object' && named !== null && typeof named.communityId === 'string' && typeof named.unitId === 'string'
        ? `levy.account-${named.communityId}.${named.unitId}`
        : null;
  if (key === null) {
    return E.left(
      domainError('UNIT_UNKNOWN', `name the unit by its account, such as "levy.account-sunrise.B1-1203", or as { communityId, unitId }, not ${describe(unit)}`, ['unit'], { input: describe(unit) }),
    );
  }
  const u = book.units.get(key);
  return u === undefined ? E.left(domainError('UNIT_UNKNOWN', `there is no account ${key} in this log`, ['unit'], { input: key })) : E.right(u);
};

const RANGE_OPTIONS: OptionSpec = { from: 'checked', to: 'checked' };

/**
 * A unit's statement between two days (both included; open ends when omitted). `unit` is the
 * account stream id or `{ communityId, unitId }`; an unknown unit is `UNIT_UNKNOWN`, a range that
 * is not an object or holds another key (`until`) `OPTIONS_INVALID` / `OPTIONS_UNKNOWN_FIELD`, an
 * end of the range that is not a day `AS_OF_INVALID`, and a `from` after the `to`
 * `RANGE_INVALID` (it would give no lines, as if nothing had happened).
 *
 * @example
 * unitStatement(book, { communityId: 'sunrise', unitId: 'B1-1203' }, { to: dayOf('2025-06-30') });
 */
export const unitStatement = (
  book: BookState,
  unit: string | { readonly communityId: string; readonly unitId: string },
  range: { readonly from?: EpochDay; readonly to?: EpochDay } = {},
): E.Either<DomainError, UnitStatement> => {
  const badRange = optionsInvalid(range, RANGE_OPTIONS, 'the statement', ['range'], ['range']);
  if (badRange !== null) return E.left(badRange);
  for (const end of ['from', 'to'] as const) {
    const bad = range[end] === undefined ? null : dayInvalid(range[end], ['range', end]);
    if (bad !== null) return E.left(bad);
  }
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    return E.left(
      domainError('RANGE_INVALID', `range.from (${dateOf(range.from)}) is after range.to (${dateOf(range.to)}): give the earlier day as from`, ['range', 'from'], {
        from: dateOf(range.from),
        to: dateOf(range.to),
      }),
    );
  }
  const found = unitNamed(book, unit);
  if (E.isLeft(found)) return found;
  const u = found.right;
  const entries = eventsByDay(book, u);
  let balance = ZERO;
  let opening = ZERO;
  const lines: StatementLine[] = [];
  for (const { event, day } of entries) {
    if (range.to !== undefined && day > range.to) break;
    const eff = effectOf(event);
    if (eff === null) continue;
    balance = balance.add(eff.delta);
    if (range.from !== undefined && day < range.from) {
      opening = balance;
      continue;
    }
    lines.push({
      date: dateOf(day),
      day,
      type: event.type,
      eventId: event.meta.eventId,
      description: eff.text,
      debit: eff.delta.isPositive() ? eff.delta : ZERO,
      credit: eff.delta.isNegative() ? eff.delta.negate() : ZERO,
      balance,
    });
  }
  return E.right({ unit: u.key, communityId: u.communityId, unitId: u.unitId, owner: range.to === undefined ? u.ownerName : ownerAsOf(u, range.to), from: range.from ?? null, to: range.to ?? null, opening, lines, closing: balance });
};

/**
 * A unit's net position (owed minus credit) as of a day (the end of the log when omitted), from
 * its statement lines. As the statement does, it refuses an unknown unit (`UNIT_UNKNOWN` at
 * `unit`) and an as-of that is not a day (`AS_OF_INVALID` at `asOf`) rather than answer 0.00.
 *
 * @example
 * netPositionOf(book, 'levy.account-sunrise.B1-1203'); // right(Money -49.40)
 * netPositionOf(book, 'levy.account-sunrise.NOPE');    // left({ code: 'UNIT_UNKNOWN', path: ['unit'] })
 */
export const netPositionOf = (book: BookState, unit: string | { readonly communityId: string; readonly unitId: string }, asOf?: EpochDay): E.Either<DomainError, Money> => {
  const bad = asOf === undefined ? null : dayInvalid(asOf, ['asOf']);
  if (bad !== null) return E.left(bad);
  const s = unitStatement(book, unit, asOf === undefined ? {} : { to: asOf });
  return E.isLeft(s) ? s : E.right(s.right.closing);
};

/**
 * Account stream ids of every unit in the book, in unit order.
 *
 * @example
 * unitKeys(book)[0]; // 'levy.account-sunrise.B1-0101'
 */
export const unitKeys = (book: BookState): string[] => [...book.units.keys()].sort(compareText);

/** What one event does to a unit's credit lots: {@link creditLotMovesOf}. */
export interface CreditLotMove {
  /** the lot, or null for credit that went out in an event naming no lots (logs written before they were recorded) */
  readonly lotId: string | null;
  /** credit into the lot, or out of it to a charge, to the owner, or back with a reversed payment */
  readonly kind: 'credited' | 'applied' | 'refunded' | 'takenBack';
  /** positive */
  readonly amount: Money;
}

/**
 * What an event does to its unit's credit lots, part by part: credit into a lot (a payment's
 * excess, a cancelled charge's paid part, penalty a recount gave back) and out of the lots it names
 * (`CreditApplied.lots`, `CreditRefunded.lots`, `PaymentReversed.fromCreditLots`). The parts add
 * up to the event's change of the unit's credit. {@link creditLots} sums them by lot; the testkit's
 * CREDIT_LOTS_RECONCILE checks them day by day.
 *
 * @example
 * creditLotMovesOf(refund); // [{ lotId: 'wechat-A', kind: 'refunded', amount: 100.00 }, ...]
 */
export const creditLotMovesOf = (e: LoggedEvent): CreditLotMove[] => {
  const out: CreditLotMove[] = [];
  const into = (lotId: string, amount: Money): void => {
    if (amount.isPositive()) out.push({ lotId, kind: 'credited', amount });
  };
  const from = (parts: readonly { readonly lotId: string; readonly amount: string }[] | undefined, amount: string, kind: 'applied' | 'refunded' | 'takenBack'): void => {
    if (parts === undefined) out.push({ lotId: null, kind, amount: moneyOfAmount(amount) });
    else for (const p of parts) out.push({ lotId: p.lotId, kind, amount: moneyOfAmount(p.amount) });
  };
  switch (e.type) {
    case 'PaymentReceived':
      into(e.data.paymentId, moneyOfAmount(e.data.toCredit));
      break;
    case 'ChargeCancelled':
      into(cancellationLotId(e.data.chargeId), moneyOfAmount(e.data.paidPrincipalToCredit).add(moneyOfAmount(e.data.paidPenaltyToCredit)));
      break;
    case 'PenaltyAdjusted': {
      let back = ZERO;
      for (const t of e.data.toCredit) back = back.add(moneyOfAmount(t.amount));
      for (const t of e.data.creditPaid ?? []) back = back.add(moneyOfAmount(t.amount));
      into(recountLotId(e.data.cause, e.data.chargeId), back);
      break;
    }
    case 'CreditApplied':
      from(e.data.lots, e.data.amount, 'applied');
      break;
    case 'CreditRefunded':
      from(e.data.lots, e.data.amount, 'refunded');
      break;
    case 'PaymentReversed':
      if (!moneyOfAmount(e.data.fromCredit).isZero()) from(e.data.fromCreditLots, e.data.fromCredit, 'takenBack');
      break;
    default:
      break;
  }
  return out;
};

/** One credit lot (预收) of a unit as of a day: where its credit came from and where it went. */
export interface CreditLotLine {
  /** as events name it: a payment id, `cancel:<chargeId>` or `<cause>:<chargeId>` */
  readonly lotId: string;
  readonly origin: CreditLotOrigin;
  /** the first day credit came into it */
  readonly arose: EpochDay;
  /** credit that came into it: a payment's excess, a cancelled charge's paid part, penalty a recount gave back */
  readonly credited: Money;
  /** applied to charges (CreditApplied) */
  readonly applied: Money;
  /** paid back to the owner (CreditRefunded) */
  readonly refunded: Money;
  /** taken back by the reversal of a payment (PaymentReversed's fromCredit) */
  readonly takenBack: Money;
  /** credited less applied, refunded and taken back */
  readonly remaining: Money;
}

/** A unit's credit by lot as of a day: {@link creditLots}. */
export interface CreditLotsReport {
  readonly unit: string;
  readonly asOf: EpochDay | null;
  /** every lot credit came into by the day, in the order they arose (ties in log order) */
  readonly lots: readonly CreditLotLine[];
  /** the lots' remaining credit, summed */
  readonly total: Money;
  /**
   * credit that went out by events that do not name their lots (logs written before they were
   * recorded): the lots cannot say whose it was, so `total` overstates the credit by this much
   */
  readonly unattributed: Money;
  /** the unit's credit as of the day: `total` less `unattributed`, the same as `creditAsOf` */
  readonly credit: Money;
}

const CREDIT_LOTS_OPTIONS: OptionSpec = { asOf: 'checked' };

/**
 * A unit's credit (预收) by lot as of a day (the end of the log when omitted): for each payment's
 * excess, cancelled charge or penalty given back, what came in, what was applied, refunded and
 * taken back, and what is left. Read from the lots the events name (`CreditApplied.lots`,
 * `CreditRefunded.lots`, `PaymentReversed.fromCreditLots`); credit that went out in an event of an
 * older log, which names none, is `unattributed`. An unknown unit is `UNIT_UNKNOWN`, an as-of that
 * is not a day `AS_OF_INVALID`, options that are not an object or hold another key
 * `OPTIONS_INVALID` / `OPTIONS_UNKNOWN_FIELD`.
 *
 * @example
 * const r = creditLots(book, 'levy.account-sunrise.B1-1203', { asOf: dayOf('2025-06-30') });
 * // r.right.lots[0]: { lotId: 'wechat-4200001234', credited: 300.00, applied: 250.00, remaining: 50.00, ... }
 */
export const creditLots = (
  book: BookState,
  unit: string | { readonly communityId: string; readonly unitId: string },
  options: { readonly asOf?: EpochDay } = {},
): E.Either<DomainError, CreditLotsReport> => {
  const badOptions = optionsInvalid(options, CREDIT_LOTS_OPTIONS, 'the credit by lot', ['options']);
  if (badOptions !== null) return E.left(badOptions);
  const asOf = options.asOf;
  const bad = asOf === undefined ? null : dayInvalid(asOf, ['asOf']);
  if (bad !== null) return E.left(bad);
  const found = unitNamed(book, unit);
  if (E.isLeft(found)) return found;
  type Lot = { lotId: string; arose: EpochDay; credited: Money; applied: Money; refunded: Money; takenBack: Money };
  const lots = new Map<string, Lot>();
  let unattributed = ZERO;
  for (const { event, day } of eventsByDay(book, found.right)) {
    if (asOf !== undefined && day > asOf) break;
    for (const m of creditLotMovesOf(event)) {
      if (m.lotId === null) {
        unattributed = unattributed.add(m.amount);
        continue;
      }
      let lot = lots.get(m.lotId);
      if (lot === undefined) lots.set(m.lotId, (lot = { lotId: m.lotId, arose: day, credited: ZERO, applied: ZERO, refunded: ZERO, takenBack: ZERO }));
      lot[m.kind] = lot[m.kind].add(m.amount);
    }
  }
  const lines = [...lots.values()]
    .map((l): CreditLotLine => ({ ...l, origin: creditLotOrigin(l.lotId), remaining: l.credited.subtract(l.applied).subtract(l.refunded).subtract(l.takenBack) }))
    .sort((a, b) => a.arose - b.arose);
  const total = Money.sum(lines.map((l) => l.remaining));
  return E.right({ unit: found.right.key, asOf: asOf ?? null, lots: lines, total, unattributed, credit: total.subtract(unattributed) });
};
