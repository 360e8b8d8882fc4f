/**
 * The unit statement (业主对账单): one unit's account in date order with a running balance, what
 * each payment paid, and each penalty with its explanation (base, rate, days, rounding). The
 * balance is the unit's net position: what it owes minus its credit (预收), so a prepaid unit
 * shows a negative balance. Lines are ordered by effective date, then by log order.
 *
 * @example
 * import { unitStatement, dayOf } from '@levy/projections';
 * const s = unitStatement(book, 'levy.account-sunrise.B1-1203', { from: dayOf('2025-01-01') });
 * s.lines.map((l) => `${l.date} ${l.description} ${l.balance}`);
 */
import { type DomainError, type EpochDay, Money, domainError } from '@levy/core';
import * as E from './either.js';
import { type BookState, compareText, eventsOf } from './book.js';
import { ZERO, dateOf, dayInvalid, dayOf, moneyOfAmount } from './fields.js';
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

// the id of the credit lot a cancelled charge's paid part makes: `cancel:<chargeId>`
const CANCEL_LOT = 'cancel:';

/** What an event does to the unit's net position, and how to say it. */
const effectOf = (e: LoggedEvent): { delta: Money; text: string } | null => {
  switch (e.type) {
    case 'ChargeIssued': {
      const d = e.data;
      const c = d.calculation;
      const how = c.basis === 'area' ? `${c.quantity} m² × ${c.unitPrice}/m²/month × ${c.months}` : c.basis === 'metered' ? `${c.quantity} × ${c.unitPrice}` : `${c.unitPrice} × ${c.months}`;
      return { delta: moneyOfAmount(d.amount), text: `charge ${d.feeItemId} ${d.periodKey} (${how}), due ${d.dueDate}` };
    }
    case 'CreditApplied': {
      // whose credit it was, where the event records it: a payment's excess, or a cancelled charge's paid part
      const lots = e.data.lots === undefined ? '' : `, from ${e.data.lots.map((l) => (l.lotId.startsWith(CANCEL_LOT) ? `cancelled ${l.lotId.slice(CANCEL_LOT.length)}` : `payment ${l.lotId}`) + ` ${l.amount}`).join(', ')}`;
      return { delta: ZERO, text: `credit ${e.data.amount} applied to ${e.data.chargeId}${e.data.kind === 'penalty' ? ' penalty' : ''}${lots}` };
    }
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
    case 'PaymentReversed':
      return { delta: moneyOfAmount(e.data.amount), text: `payment ${e.data.paymentId} reversed (${e.data.reason})` };
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
      return { delta: moneyOfAmount(e.data.amount), text: `credit refunded ${e.data.channel}` };
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

/**
 * A unit's statement between two days (both included; open ends when omitted). `unit` is the
 * account stream id or `{ communityId, unitId }`; an unknown unit is `UNIT_UNKNOWN`, an end of the
 * range that is not a day `AS_OF_INVALID`.
 *
 * @example
 * unitStatement(book, { communityId: 'sunrise', unitId: 'B1-1203' }, { to: dayOf('2025-06-30') });
 */
export const unitStatement = (
  book: BookState,
  unit: string | { readonly communityId: string; readonly unitId: string },
  range: { readonly from?: EpochDay; readonly to?: EpochDay } = {},
): E.Either<DomainError, UnitStatement> => {
  for (const end of ['from', 'to'] as const) {
    const bad = range[end] === undefined ? null : dayInvalid(range[end], ['range', end]);
    if (bad !== null) return E.left(bad);
  }
  const key = typeof unit === 'string' ? unit : `levy.account-${unit.communityId}.${unit.unitId}`;
  const u = book.units.get(key);
  if (u === undefined) return E.left(domainError('UNIT_UNKNOWN', `there is no account ${key} in this log`, ['unit']));
  // by effective date; events of one day keep their log order (the sort is stable)
  const entries = eventsOf(book, u).map((event) => ({ event, day: dayOf(event.meta.effectiveDate) })).sort((a, b) => a.day - b.day);
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
  return E.right({ unit: u.key, communityId: u.communityId, unitId: u.unitId, owner: u.ownerName, from: range.from ?? null, to: range.to ?? null, opening, lines, closing: balance });
};

/**
 * A unit's net position (owed minus credit) as of a day, from its statement lines.
 *
 * @example
 * netPositionOf(book, 'levy.account-sunrise.B1-1203').toString(); // '-49.40'
 */
export const netPositionOf = (book: BookState, unit: string, asOf?: EpochDay): Money => {
  const s = unitStatement(book, unit, asOf === undefined ? {} : { to: asOf });
  return E.isRight(s) ? s.right.closing : Money.zero();
};

/**
 * Account stream ids of every unit in the book, in unit order.
 *
 * @example
 * unitKeys(book)[0]; // 'levy.account-sunrise.B1-0101'
 */
export const unitKeys = (book: BookState): string[] => [...book.units.keys()].sort(compareText);
