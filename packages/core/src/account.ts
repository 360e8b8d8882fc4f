/**
 * The account decider (issue 3, account stream): what may happen to one unit's account. Charges
 * are issued and cancelled, payments received and reversed, penalties assessed, waivers granted,
 * installment plans agreed, credit refunded, reminders and arrears classes recorded. Every
 * decision is pure: the instant, fresh ids, the community's policy and the closed-period line come
 * in through the {@link AccountContext}; a refusal is a {@link DomainError} with a stable code.
 *
 * Retries are harmless: a charge, payment, waiver, plan or refund that already exists with the
 * same content decides to no events; with different content it is a `*_CONFLICT` error
 * (TigerBeetle's `exists_with_different_amount`, STYLE.md).
 *
 * @example
 * import { accountDecider, DEFAULT_ACCOUNT_POLICY } from '@levy/core';
 * const ctx = { now: '2025-04-20T02:00:00Z', newId: (p) => `${p}-1`, communityId: 'sunrise', unitId: 'B1-1203', policy: DEFAULT_ACCOUNT_POLICY, closedThrough: null, timeZone: 'Asia/Shanghai' };
 * accountDecider.decide({ type: 'ReceivePayment', data: { channel: 'wechat', channelTxnId: '42', amount: '300', receivedOn: '2025-04-20' }, meta }, state, ctx);
 * // right([PaymentReceived { allocations: [...], toCredit: '49.40' }])
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  type AccountContext,
  type AccountState,
  type ChargeState,
  type PaymentState,
  type PenaltyPolicyFrom,
  type PlanState,
  LARGE_CHARGE,
  cancellationLotId,
  dayOfIso,
  evolveAccount,
  initialAccountState,
  planOutstanding,
  reminderKey,
  creditOrder,
  owedSince,
  refundTxnKey,
  settledFrom,
} from './account-state.js';
import { type AllocationPolicy, type Receivable, type ReceivableKind, allocatePaymentUnchecked } from './allocation.js';
import { businessDayAt, isoDateOf } from './calendar.js';
import { canonicalMoney, isCanonicalAmount } from './canonical-amount.js';
import { sha256Hex } from './canonical-json.js';
import { type Amount, type DecimalString, type Id, type IsoDate, type NonEmptyText, amountOf, moneyOf } from './codecs.js';
import type { AccountCommand, CommandMeta, CommandOf } from './commands.js';
import { type Decider, dateAfterToday, eventFrom } from './decider.js';
import { ExactDecimal } from './decimal.js';
import { type DomainError, LevyError, domainError } from './errors.js';
import { eventIdFor } from './event-id.js';
import type { AccountEvent, EventData, EventOf } from './events.js';
import { Money, MoneyTotal } from './money.js';
import { type PenaltyAssessment, type PenaltyInput, type PenaltyPolicy, assessPenaltyUnchecked } from './penalty.js';

export * from './account-state.js';

// limits on everything (STYLE.md, TigerBeetle): an account past these is a runaway input, not a unit
const MAX_CHARGES = 10_000;
const MAX_PAYMENTS = 50_000;
const MAX_INSTALLMENTS = 120;
const MAX_PLAN_CHARGES = 240;

type Decision = E.Either<DomainError, readonly AccountEvent[]>;
const NOTHING: Decision = E.right([]);
const ZERO = Money.zero();
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const refuse = (code: string, message: string, path: readonly string[], details?: Readonly<Record<string, unknown>>): Decision => E.left(domainError(code, message, path, details));

/** An Id from readable parts when they fit, else a short hash of them (ids are at most 64 characters). */
const idFrom = (prefix: string, readable: string): Id => (ID.test(readable) ? readable : `${prefix}-${sha256Hex(readable).slice(0, 32)}`) as Id;

// assessment dates repeat across units (the same as-of day, the same due dates): format each day once
const ISO_CACHE_LIMIT = 4096;
const isoDays = new Map<number, IsoDate>();
/**
 * The id of a fact without a natural key (a waiver, a refund outside any channel): the one the
 * command gives; else, when the command carries a `commandId`, one derived from it, so a client
 * that retries the command after a lost reply gets the same id and the retry appends nothing; else
 * a fresh one from the context.
 */
const factId = (prefix: string, given: string | undefined, meta: CommandMeta, ctx: AccountContext): Id =>
  (given ?? (meta.commandId !== undefined ? idFrom(prefix, `${prefix}-cmd-${meta.commandId}`) : ctx.newId(prefix))) as Id;

const iso = (day: number): IsoDate => {
  let s = isoDays.get(day);
  if (s === undefined) {
    s = isoDateOf(day) as IsoDate;
    if (isoDays.size >= ISO_CACHE_LIMIT) isoDays.clear();
    isoDays.set(day, s);
  }
  return s;
};

const DATA_AMOUNT: readonly string[] = Object.freeze(['data', 'amount']);

/** The canonical text of an amount read from `input`: the input itself when it is already in that form. */
const textOf = (input: string, amount: Money): Amount => (isCanonicalAmount(input) ? (input as Amount) : amountOf(amount));

const positive = (input: string, path: readonly string[], what: string): E.Either<DomainError, Money> => {
  // most amounts come in canonical ('300.00'): read those without the full parse, which still checks every other form
  const fast = canonicalMoney(input);
  const m = fast !== undefined ? E.right(fast) : Money.parse(input, path);
  if (E.isLeft(m)) return m;
  if (!m.right.isPositive()) return E.left(domainError('AMOUNT_NOT_POSITIVE', `${what} must be above zero, not ${m.right.toString()}`, path));
  return m;
};

// ---------------------------------------------------------------------------------------------
// Money's limit: the totals the state keeps stay within it
// ---------------------------------------------------------------------------------------------

/**
 * The largest amount Money holds exactly, 90071992547409.91 (2^53 − 1 fen, fee-math.md). Every total
 * the account's state keeps (its credit and each lot, each charge's paid, waived, assessed and
 * outstanding figures, what the unit owes in all, a plan's total) stays within it: a state past it
 * could not be folded, and nothing could be decided on the account again. So a command that would
 * take one past it is refused, AMOUNT_TOO_LARGE at the field that would, and nothing is written.
 */
const LIMIT = Money.fromMinorUnits(Number.MAX_SAFE_INTEGER);
const LIMIT_TEXT = LIMIT.toString();
// two amounts of at most this add up within LIMIT: a sum is looked at only when a part is larger
const HALF = Money.fromMinorUnits(Math.floor(Number.MAX_SAFE_INTEGER / 2));

/** Whether `total + more` (`more` not below zero) passes LIMIT: two comparisons while both are at most HALF. */
const passes = (total: Money, more: Money): boolean => (more.greaterThan(HALF) || total.greaterThan(HALF)) && !total.isNegative() && more.greaterThan(LIMIT.subtract(total));

const isTooLarge = (e: unknown): boolean => e instanceof LevyError && e.code === 'AMOUNT_TOO_LARGE';

/** The exact sum of amounts (Money, or canonical text from an event), also beyond LIMIT: for a refusal's message. */
const sumText = (parts: readonly (Money | string)[]): string => {
  let sum = new ExactDecimal(0);
  for (const p of parts) sum = sum.plus(typeof p === 'string' ? new ExactDecimal(p) : p.toDecimal());
  return sum.toFixed(2);
};

/** AMOUNT_TOO_LARGE: `what` would come to `total`; `details` names the total and the limit. */
const beyondLimit = (what: string, total: string, advice: string, path: readonly string[], details: Readonly<Record<string, unknown>> = {}): Decision =>
  refuse('AMOUNT_TOO_LARGE', `${what} would come to ${total}, beyond ${LIMIT_TEXT}, the largest amount Levy holds exactly; ${advice}`, path, { ...details, total, limit: LIMIT_TEXT });

// what the unit owes, counted in place: no Money per addition on the hot path
const OWED = new MoneyTotal();

/**
 * Sets OWED to what the unit owes: its open charges' outstanding principal and penalty (the charges
 * not open owe nothing), the sum accountBalance reads. False when that alone passes LIMIT (a log
 * written before the limit was kept).
 */
const countOwed = (state: AccountState): boolean => {
  OWED.reset();
  const all = state.charges.toArray();
  try {
    for (let k = 0; k < state.open.length; k++) {
      const c = all[state.open[k]!]!;
      OWED.add(c.outstandingPrincipal);
      OWED.add(c.outstandingPenalty);
    }
    return true;
  } catch (e) {
    if (isTooLarge(e)) return false;
    throw e;
  }
};

/** Adds `more` to OWED; false, OWED unchanged, when the total would pass LIMIT. */
const owe = (more: Money): boolean => {
  try {
    OWED.add(more);
    return true;
  } catch (e) {
    if (isTooLarge(e)) return false;
    throw e;
  }
};

// while no charge is large, what MAX_CHARGES charges owe, each at most twice LARGE_CHARGE, stays within LIMIT
const HALF_LARGE = Money.fromMinorUnits(2 ** 37);
if (LARGE_CHARGE.timesInteger(2 * MAX_CHARGES).greaterThan(LIMIT) || !HALF_LARGE.timesInteger(2).equals(LARGE_CHARGE)) throw new Error('LARGE_CHARGE is too large for MAX_CHARGES');

/**
 * Whether what the unit owes plus `more` (a charge: its amount a figure of it) stays within LIMIT:
 * at once while neither the account nor `more` is large ({@link AccountState.large}), or when the
 * unit owes nothing; else counted.
 */
const owedWithin = (state: AccountState, more: Money): boolean =>
  (!state.large && !more.greaterThan(LARGE_CHARGE)) || state.open.length === 0 || (countOwed(state) && owe(more));

/** What the unit owes plus `more`, exactly: for a refusal's message. */
const owedText = (state: AccountState, more: readonly (Money | string)[]): string => {
  const parts: (Money | string)[] = [...more];
  const all = state.charges.toArray();
  for (const k of state.open) parts.push(all[k]!.outstandingPrincipal, all[k]!.outstandingPenalty);
  return sumText(parts);
};

const OWED_ADVICE = 'collect or write off what it owes first';

// the fields of facts that are dated the day they happen, at the latest today (dateAfterToday)
const DATA_RECEIVED_ON: readonly string[] = Object.freeze(['data', 'receivedOn']);
const DATA_REFUNDED_ON: readonly string[] = Object.freeze(['data', 'refundedOn']);
const DATA_ON: readonly string[] = Object.freeze(['data', 'on']);

/** PERIOD_CLOSED when `day` is on or before the last closed day. */
const closed = (ctx: AccountContext, day: number, path: readonly string[]): DomainError | null =>
  ctx.closedThrough !== null && day <= ctx.closedThrough
    ? domainError(
        'PERIOD_CLOSED',
        `${isoDateOf(day)} falls in a closed period (closed through ${isoDateOf(ctx.closedThrough)}); book it in the open period and name what it corrects`,
        path,
        { closedThrough: isoDateOf(ctx.closedThrough) },
      )
    : null;

const closedMeta = (ctx: AccountContext, meta: CommandMeta): DomainError | null => closed(ctx, dayOfIso(meta.effectiveDate), ['meta', 'effectiveDate']);

const liveCharge = (state: AccountState, chargeId: string, path: readonly string[]): E.Either<DomainError, ChargeState> => {
  const c = state.charges.get(chargeId);
  if (c === undefined) return E.left(domainError('CHARGE_NOT_FOUND', `this unit has no charge ${chargeId}; check the charge id on the bill`, path, { chargeId }));
  if (c.cancelled) return E.left(domainError('CHARGE_CANCELLED', `charge ${chargeId} was cancelled; nothing more can be booked on it`, path, { chargeId }));
  return E.right(c);
};

const META_EFFECTIVE_DATE: readonly string[] = Object.freeze(['meta', 'effectiveDate']);

/**
 * DATED_BEFORE_ORIGINAL when a command that acts on an earlier fact (a charge, its penalty, a
 * payment) is dated before that fact: the ledger would post it on a day the thing it changes did
 * not exist yet, and the receivable would run below zero, apart from the unit balances, until then.
 */
const datedBefore = (meta: CommandMeta, earliest: number, what: string): DomainError | null => dateBefore(meta.effectiveDate, META_EFFECTIVE_DATE, earliest, what);

/** {@link datedBefore} for the date at `path` (a refund's refundedOn) */
const dateBefore = (date: string, path: readonly string[], earliest: number, what: string): DomainError | null => {
  if (dayOfIso(date) >= earliest) return null;
  return domainError(
    'DATED_BEFORE_ORIGINAL',
    `${what} on ${iso(earliest)}; this cannot be dated before that (${path.join('.')} ${date}): date it on or after ${iso(earliest)}`,
    path,
    path === META_EFFECTIVE_DATE ? { effectiveDate: date, earliest: iso(earliest) } : { date, earliest: iso(earliest) },
  );
};

/** Credit lot parts as events name them (`lots`, `fromCreditLots`). */
type LotParts = NonNullable<EventData<'CreditApplied'>['lots']>;

/**
 * The unit's credit as one decision takes it, lot by lot. Each take is from the lots whose credit
 * had arisen by the day it is dated, in {@link creditOrder} (`first` first, then oldest first), and
 * the event names the parts it took (`lots`), so no event names a lot before its credit arose;
 * evolve takes the lots an event names. `extra` is a lot the decision's own earlier event makes (a
 * payment's excess), last in the order.
 */
interface CreditPool {
  /** the credit open on `day`: what a take dated that day can have */
  available(day: number): Money;
  /** the first day after `day` on which more credit arises, or null when none does */
  nextDay(day: number): number | null;
  /** the first day on which `amount` of credit is open, or null when it never is */
  dayHaving(amount: Money): number | null;
  /** takes `amount` (at most what is open on `day`) and names the parts */
  take(amount: Money, day: number): LotParts;
}

const creditPool = (state: AccountState, first?: string | readonly string[], extra?: { readonly lotId: string; readonly amount: Money; readonly day: number }): CreditPool => {
  const lots: { lotId: NonEmptyText; left: Money; day: number }[] = [];
  for (const id of creditOrder(state, first)) {
    const lot = state.lots.get(id);
    if (lot !== undefined && lot.remaining.isPositive()) lots.push({ lotId: lot.lotId as NonEmptyText, left: lot.remaining, day: lot.day });
  }
  if (extra !== undefined && extra.amount.isPositive()) lots.push({ lotId: extra.lotId as NonEmptyText, left: extra.amount, day: extra.day });
  return {
    available: (day) => {
      let sum = ZERO;
      for (const l of lots) if (l.day <= day) sum = sum.add(l.left);
      return sum;
    },
    nextDay: (day) => {
      let next: number | null = null;
      for (const l of lots) if (l.day > day && l.left.isPositive() && (next === null || l.day < next)) next = l.day;
      return next;
    },
    dayHaving: (amount) => {
      let sum = ZERO;
      for (const l of [...lots].sort((a, b) => a.day - b.day)) {
        sum = sum.add(l.left);
        if (!sum.lessThan(amount)) return l.day;
      }
      return null;
    },
    take: (amount, day) => {
      const parts: LotParts = [];
      let rest = amount;
      for (let i = 0; i < lots.length && rest.isPositive(); i++) {
        const l = lots[i]!;
        if (l.day > day || !l.left.isPositive()) continue;
        const part = Money.min(rest, l.left);
        parts.push({ lotId: l.lotId, amount: amountOf(part) });
        rest = rest.subtract(part);
        l.left = l.left.subtract(part);
      }
      return parts;
    },
  };
};

// ---------------------------------------------------------------------------------------------
// IssueCharge
// ---------------------------------------------------------------------------------------------

/**
 * The charge id of a charge: the command's, or `<feeItemId>-<periodKey>`, unique in the unit's stream.
 *
 * @example
 * chargeIdFor({ feeItemId: 'property', periodKey: '2025-03' }); // 'property-2025-03'
 */
export const chargeIdFor = (d: { readonly chargeId?: string; readonly feeItemId: string; readonly periodKey: string }): Id =>
  (d.chargeId as Id | undefined) ?? naturalChargeId(d.feeItemId, d.periodKey);

// the same id the community's billing plan gives (community.ts, billingChargeId)
const naturalChargeId = (feeItemId: string, periodKey: string): Id => {
  // every unit of a community is billed the same fee items for the same periods: format each id once
  let byPeriod = naturalIds.get(feeItemId);
  let id = byPeriod?.get(periodKey);
  if (id === undefined) {
    const readable = `${feeItemId}-${periodKey}`;
    id = (readable.length <= 64 ? readable : `c-${sha256Hex(readable).slice(0, 40)}`) as Id;
    if (++naturalIdCount > NATURAL_ID_CACHE_LIMIT) {
      naturalIds.clear();
      naturalIdCount = 1;
      byPeriod = undefined;
    }
    if (byPeriod === undefined) naturalIds.set(feeItemId, (byPeriod = new Map()));
    byPeriod.set(periodKey, id);
  }
  return id;
};

// bounded: a runaway input of distinct periods clears it rather than growing it
const NATURAL_ID_CACHE_LIMIT = 4096;
const naturalIds = new Map<string, Map<string, Id>>();
let naturalIdCount = 0;

const issueCharge = (cmd: CommandOf<'IssueCharge'>, state: AccountState, ctx: AccountContext): Decision => {
  const d = cmd.data;
  const chargeId = chargeIdFor(d);
  const amount = positive(d.amount, DATA_AMOUNT, 'a charge');
  if (E.isLeft(amount)) return amount;
  const existing = state.charges.get(chargeId);
  if (existing !== undefined) {
    if (existing.amount.equals(amount.right) && existing.feeItemId === d.feeItemId && existing.periodKey === d.periodKey) return NOTHING;
    return refuse(
      'CHARGE_CONFLICT',
      `charge ${chargeId} was already issued for ${existing.amount.toString()} (${existing.feeItemId}, ${existing.periodKey}); cancel it and issue a new one to change it`,
      ['data', 'amount'],
      { chargeId, issued: existing.amount.toString(), requested: amount.right.toString() },
    );
  }
  // a lump-sum (包干制) charge carries commission '0': no parse for it
  const commission = d.commission === '0' ? E.right(ZERO) : Money.parse(d.commission, ['data', 'commission']);
  if (E.isLeft(commission)) return commission;
  if (commission.right.isNegative() || commission.right.greaterThan(amount.right)) {
    return refuse('COMMISSION_INVALID', `the commission ${commission.right.toString()} must be from 0.00 to the charge's ${amount.right.toString()}`, ['data', 'commission']);
  }
  if (d.periodEnd < d.periodStart) return refuse('CHARGE_PERIOD_INVALID', `the period ends (${d.periodEnd}) before it starts (${d.periodStart})`, ['data', 'periodEnd']);
  const bad = closedMeta(ctx, cmd.meta);
  if (bad !== null) return E.left(bad);
  if (state.charges.size >= MAX_CHARGES) return refuse('ACCOUNT_CHARGES_LIMIT', `an account holds at most ${MAX_CHARGES} charges`, ['data']);
  const data: EventData<'ChargeIssued'> = {
    chargeId,
    communityId: ctx.communityId as Id,
    unitId: ctx.unitId as Id,
    feeItemId: d.feeItemId,
    periodKey: d.periodKey,
    periodStart: d.periodStart,
    periodEnd: d.periodEnd,
    dueDate: d.dueDate,
    amount: textOf(d.amount, amount.right),
    calculation: d.calculation,
    scheduleVersion: d.scheduleVersion,
    regime: d.regime,
    commission: textOf(d.commission, commission.right),
  };
  // the natural key (community, unit, fee item, period); a manual charge with its own id adds that id
  const natural = chargeId === naturalChargeId(d.feeItemId, d.periodKey);
  const key = natural ? [ctx.communityId, ctx.unitId, d.feeItemId, d.periodKey] : [ctx.communityId, ctx.unitId, d.feeItemId, d.periodKey, chargeId];
  const issued = eventFrom('ChargeIssued', data, cmd.meta, ctx, eventIdFor('ChargeIssued', key));
  if (!state.credit.isPositive()) return owedWithin(state, amount.right) ? E.right([issued]) : chargeBeyond(state, chargeId, amount.right);
  // 先交后用: credit paid in advance goes to the new charge at once (domain.md, pricing), on the
  // day it is issued; credit that arose later (a charge issued back-dated) goes to it on that later day
  const issueDay = dayOfIso(cmd.meta.effectiveDate);
  const pool = creditPool(state);
  const events: AccountEvent[] = [issued];
  let need = Money.min(state.credit, amount.right);
  for (let day: number | null = issueDay; day !== null && need.isPositive(); day = pool.nextDay(day)) {
    const applied = Money.min(need, pool.available(day));
    if (!applied.isPositive()) continue;
    need = need.subtract(applied);
    const data: EventData<'CreditApplied'> = { chargeId, amount: amountOf(applied), lots: pool.take(applied, day) };
    if (day === issueDay) {
      events.push(eventFrom('CreditApplied', data, cmd.meta, ctx, eventIdFor('CreditApplied', [ctx.communityId, ctx.unitId, chargeId, 'on-issue'])));
    } else {
      const id = eventIdFor('CreditApplied', [ctx.communityId, ctx.unitId, chargeId, 'on-issue', iso(day)]);
      events.push(eventFrom('CreditApplied', data, cmd.meta, ctx, id, { effectiveDate: iso(day) as IsoDate }));
    }
  }
  // the credit applied to it is not owed: taken off only when the whole amount would not fit
  if (!owedWithin(state, amount.right)) {
    const owed = amount.right.subtract(Money.min(state.credit, amount.right)).add(need);
    if (!owedWithin(state, owed)) return chargeBeyond(state, chargeId, owed);
  }
  return E.right(events);
};

/** A charge that would bring what the unit owes (`owed` more) past LIMIT. */
const chargeBeyond = (state: AccountState, chargeId: string, owed: Money): Decision =>
  beyondLimit(`charge ${chargeId} would add ${owed.toString()} to what the unit owes, which`, owedText(state, [owed]), OWED_ADVICE, DATA_AMOUNT, { chargeId });

// ---------------------------------------------------------------------------------------------
// CancelCharge
// ---------------------------------------------------------------------------------------------

const cancelCharge = (cmd: CommandOf<'CancelCharge'>, state: AccountState, ctx: AccountContext): Decision => {
  const c = state.charges.get(cmd.data.chargeId);
  if (c === undefined) return refuse('CHARGE_NOT_FOUND', `this unit has no charge ${cmd.data.chargeId}; check the charge id on the bill`, ['data', 'chargeId']);
  if (c.cancelled) return NOTHING;
  if (cmd.meta.reason === undefined) return refuse('REASON_REQUIRED', 'say why the charge is cancelled (meta.reason); the audit trail keeps it', ['meta', 'reason']);
  if (cmd.meta.approval === undefined) return refuse('APPROVAL_REQUIRED', 'a cancellation needs an approval (who approved it, the reference, the date)', ['meta', 'approval']);
  if (c.planId !== null && state.plans.get(c.planId)?.status === 'active') {
    return refuse('CHARGE_IN_PLAN', `charge ${c.chargeId} is in installment plan ${c.planId}, which is in good standing; settle or default the plan first`, ['data', 'chargeId']);
  }
  // what it owes and was paid up to now is written off or turns into credit on the cancellation's date
  const bad =
    datedBefore(cmd.meta, c.changedDay, c.changedDay === c.issuedDay ? `charge ${c.chargeId} was issued` : `charge ${c.chargeId} was last paid, re-opened, waived or assessed`) ??
    closedMeta(ctx, cmd.meta);
  if (bad !== null) return E.left(bad);
  // what was paid on it, principal and penalty, turns into credit
  if (passes(c.paidPrincipal, c.penaltyPaid) || passes(state.credit, c.paidPrincipal.add(c.penaltyPaid))) {
    return beyondLimit(
      `cancelling charge ${c.chargeId} turns the ${sumText([c.paidPrincipal, c.penaltyPaid])} paid on it into credit; the unit's credit (预收)`,
      sumText([state.credit, c.paidPrincipal, c.penaltyPaid]),
      'refund or apply the credit the unit holds first',
      ['data', 'chargeId'],
      { chargeId: c.chargeId },
    );
  }
  const data: EventData<'ChargeCancelled'> = {
    chargeId: c.chargeId as Id,
    amount: amountOf(c.amount),
    commission: amountOf(c.commission),
    outstandingPrincipal: amountOf(c.outstandingPrincipal),
    paidPrincipalToCredit: amountOf(c.paidPrincipal),
    outstandingPenalty: amountOf(c.outstandingPenalty),
    paidPenaltyToCredit: amountOf(c.penaltyPaid),
  };
  // penalty waived on it: no longer a waiver of anything (the journal takes it off the waivers' contra account)
  if (c.penaltyWaived.isPositive()) data.waivedPenalty = amountOf(c.penaltyWaived);
  return E.right([eventFrom('ChargeCancelled', data, cmd.meta, ctx, eventIdFor('ChargeCancelled', [ctx.communityId, ctx.unitId, c.chargeId]))]);
};

// ---------------------------------------------------------------------------------------------
// ReceivePayment
// ---------------------------------------------------------------------------------------------

/**
 * The payment id of a channel transaction: `<channel>-<channelTxnId>` when that is a valid id, else
 * a hash of both. The same notification twice gives the same id.
 *
 * @example
 * paymentIdFor('wechat', '4200001234'); // 'wechat-4200001234'
 */
export const paymentIdFor = (channel: string, channelTxnId: string): Id => idFrom('pay', `${channel}-${channelTxnId}`);

const POLICIES: Record<AccountContext['policy']['allocation'], AllocationPolicy> = {
  'oldest-first': { kind: 'oldest-first' },
  'penalty-first': { kind: 'penalty-first' },
  'largest-first': { kind: 'largest-first' },
};

/**
 * What the unit owes, as receivables for allocation: the open principal and penalty of every live
 * charge. With `receivedDay` (an epoch day), only what was already owed, as it stands, on that
 * day, for a payment received then: principal and penalty whose {@link owedSince} is that day or
 * earlier (issued, re-opened by a reversal, and for penalty last assessed, by then).
 *
 * @example
 * allocatePayment(Money.of('100'), receivablesOf(state));
 * receivablesOf(state, epochDayOf(2025, 3, 31)); // leaves out a charge issued on April 1
 */
export const receivablesOf = (state: AccountState, receivedDay?: number): Receivable[] => {
  const owed: Receivable[] = [];
  // the open charges are every charge that owes anything, in charge order
  const all = state.charges.toArray();
  for (let k = 0; k < state.open.length; k++) {
    const c = all[state.open[k]!]!;
    if (c.cancelled) continue;
    if (c.outstandingPrincipal.isPositive() && owedOn(c, 'principal', receivedDay)) owed.push({ chargeId: c.chargeId, kind: 'principal', dueDate: c.dueDay, outstanding: c.outstandingPrincipal });
    if (c.outstandingPenalty.isPositive() && owedOn(c, 'penalty', receivedDay)) owed.push({ chargeId: c.chargeId, kind: 'penalty', dueDate: c.dueDay, outstanding: c.outstandingPenalty });
  }
  return owed;
};

/**
 * Whether a charge's principal (or penalty) was owed as it stands on `day` (any day when
 * undefined): see {@link owedSince}. A payment pays only what was owed the day it was received:
 * the journal credits the receivable on that day, and a receivable raised (or re-opened by a
 * reversal) later would leave the charge over-paid, and the ledger apart from the unit balances,
 * as of the days between.
 */
const owedOn = (c: ChargeState, kind: ReceivableKind, day: number | undefined): boolean => day === undefined || owedSince(c, kind) <= day;

/** what happened on `since` (a charge's {@link owedSince}), for a clerk: issued, re-opened, or its penalty assessed */
const owedSinceWhat = (c: ChargeState, since: number): string =>
  since === c.issuedDay ? `charge ${c.chargeId} was issued` : since === c.reopenedDay ? `charge ${c.chargeId} was re-opened by a reversal` : `the penalty on charge ${c.chargeId} was last assessed`;

/**
 * Allocation while an installment plan is in good standing: the plans' receivables (principal and
 * penalty) first, in the community's order, then everything else in that order. An owner who pays
 * each installment on time keeps the plan in good standing even when newer charges are open: under
 * oldest-first alone, a later installment would pay newer principal before the plan's penalties.
 */
const allocatePlanFirst = (payment: Money, state: AccountState, policy: AllocationPolicy, receivedDay: number): ReturnType<typeof allocatePaymentUnchecked> => {
  const inPlan: Receivable[] = [];
  const rest: Receivable[] = [];
  for (const r of receivablesOf(state, receivedDay)) {
    const planId = state.charges.get(r.chargeId)?.planId ?? null;
    (planId !== null && state.plans.get(planId)?.status === 'active' ? inPlan : rest).push(r);
  }
  const first = allocatePaymentUnchecked(payment, inPlan, policy);
  if (E.isLeft(first) || rest.length === 0 || !first.right.credit.isPositive()) return first;
  const second = allocatePaymentUnchecked(first.right.credit, rest, policy);
  if (E.isLeft(second)) return second;
  return E.right({ allocations: [...first.right.allocations, ...second.right.allocations], credit: second.right.credit });
};

const receivePayment = (cmd: CommandOf<'ReceivePayment'>, state: AccountState, ctx: AccountContext): Decision => {
  const d = cmd.data;
  const paymentId = paymentIdFor(d.channel, d.channelTxnId);
  const amount = positive(d.amount, DATA_AMOUNT, 'a payment');
  if (E.isLeft(amount)) return amount;
  const existing = state.payments.get(paymentId);
  if (existing !== undefined) {
    // a channel may notify the same payment more than once (domain.md, payment channels)
    if (existing.amount.equals(amount.right)) return NOTHING;
    return refuse(
      'PAYMENT_CONFLICT',
      `${d.channel} transaction ${d.channelTxnId} was already received as ${existing.amount.toString()}, not ${amount.right.toString()}; check the channel's statement`,
      ['data', 'amount'],
      { paymentId, received: existing.amount.toString(), requested: amount.right.toString() },
    );
  }
  const receivedDay = dayOfIso(d.receivedOn);
  const bad = dateAfterToday(ctx.now, ctx.timeZone, receivedDay, DATA_RECEIVED_ON, 'a payment') ?? closed(ctx, receivedDay, DATA_RECEIVED_ON) ?? closedMeta(ctx, cmd.meta);
  if (bad !== null) return E.left(bad);
  if (state.payments.size >= MAX_PAYMENTS) return refuse('ACCOUNT_PAYMENTS_LIMIT', `an account holds at most ${MAX_PAYMENTS} payments`, ['data']);
  let policy: AllocationPolicy = POLICIES[ctx.policy.allocation];
  if (d.targets !== undefined) {
    const targets: { chargeId: string; kind: 'principal' | 'penalty'; amount: Money }[] = [];
    for (let i = 0; i < d.targets.length; i++) {
      const t = d.targets[i]!;
      const c = state.charges.get(t.chargeId);
      if (c !== undefined && !c.cancelled && !owedOn(c, t.kind, receivedDay)) {
        const on = owedSince(c, t.kind);
        return refuse(
          'ALLOCATION_TARGET_NOT_YET_OWED',
          `${owedSinceWhat(c, on)} on ${iso(on)}, after this payment was received on ${d.receivedOn}: a payment pays what was owed the day it was received; leave the ${t.kind} of ${t.chargeId} out and the rest becomes credit`,
          ['data', 'targets', String(i), 'chargeId'],
        );
      }
      const m = Money.parse(t.amount, ['data', 'targets', String(i), 'amount']);
      if (E.isLeft(m)) return m;
      targets.push({ chargeId: t.chargeId, kind: t.kind, amount: m.right });
    }
    policy = { kind: 'explicit', targets };
  }
  const allocated =
    policy.kind !== 'explicit' && state.activePlans > 0 ? allocatePlanFirst(amount.right, state, policy, receivedDay) : allocatePaymentUnchecked(amount.right, receivablesOf(state, receivedDay), policy);
  if (E.isLeft(allocated)) return E.left({ ...allocated.left, path: ['data', ...allocated.left.path.filter((p) => p !== 'policy')] });
  // what it leaves over becomes credit
  if (passes(state.credit, allocated.right.credit)) {
    return beyondLimit(
      `this payment leaves ${allocated.right.credit.toString()} over; the unit's credit (预收)`,
      sumText([state.credit, allocated.right.credit]),
      'refund or apply the credit the unit holds first',
      DATA_AMOUNT,
      { credit: state.credit.toString() },
    );
  }
  const data: EventData<'PaymentReceived'> = {
    paymentId,
    channel: d.channel,
    channelTxnId: d.channelTxnId,
    amount: textOf(d.amount, amount.right),
    receivedOn: d.receivedOn,
    allocations: allocated.right.allocations.map((a) => ({ chargeId: a.chargeId as Id, kind: a.kind, amount: amountOf(a.amount) })),
    toCredit: amountOf(allocated.right.credit),
  };
  if (d.payer !== undefined) data.payer = d.payer;
  const received = eventFrom('PaymentReceived', data, cmd.meta, ctx, eventIdFor('PaymentReceived', [d.channel, d.channelTxnId]), { effectiveDate: d.receivedOn });
  const events = recountPenalties(state, [received, ...creditToLaterCharges(state, allocated.right.credit, receivedDay, paymentId, cmd.meta, ctx)], {
    cause: `payment:${paymentId}`,
    day: receivedDay,
    path: DATA_RECEIVED_ON,
    meta: cmd.meta,
    ctx,
  });
  if (E.isLeft(events)) return events;
  return E.right(withCompletedPlans(state, events.right, cmd.meta, ctx, d.receivedOn));
};

/**
 * A payment booked after the day it was received may find charges issued (or re-opened by a
 * reversal) in between, which it could not pay on that day. What it left over became credit on
 * that day; had it been booked on time, that credit would have gone to each such charge when it
 * was issued (先交后用) or re-opened. So it does now: CreditApplied to each, in charge order, dated
 * the day since which the charge has been owed as it stands ({@link owedSince}).
 */
const creditToLaterCharges = (state: AccountState, credit: Money, receivedDay: number, paymentId: string, meta: CommandMeta, ctx: AccountContext): AccountEvent[] => {
  if (!credit.isPositive() || state.open.length === 0) return [];
  const out: AccountEvent[] = [];
  const all = state.charges.toArray();
  // the credit there was, then the payment's excess: its own event made that a lot, open since the day received
  const pool = creditPool(state, undefined, { lotId: paymentId, amount: credit, day: receivedDay });
  let left = credit;
  for (let k = 0; k < state.open.length && left.isPositive(); k++) {
    const c = all[state.open[k]!]!;
    const since = owedSince(c, 'principal');
    if (c.cancelled || since <= receivedDay || !c.outstandingPrincipal.isPositive()) continue;
    const applied = Money.min(left, c.outstandingPrincipal);
    left = left.subtract(applied);
    const id = eventIdFor('CreditApplied', [ctx.communityId, ctx.unitId, c.chargeId, 'payment', paymentId]);
    out.push(eventFrom('CreditApplied', { chargeId: c.chargeId as Id, amount: amountOf(applied), lots: pool.take(applied, since) }, meta, ctx, id, { effectiveDate: iso(since) as IsoDate }));
  }
  return out;
};

/**
 * Appends InstallmentPlanCompleted for every plan in good standing that `events` pay off, or
 * InstallmentPlanDefaulted for one that missed an installment by more than the grace on the way
 * (the default an assessment would have found, had one run before the plan was paid off).
 */
const withCompletedPlans = (state: AccountState, events: readonly AccountEvent[], meta: CommandMeta, ctx: AccountContext, on: IsoDate): readonly AccountEvent[] => {
  if (state.activePlans === 0) return events;
  const after = events.reduce(evolveAccount, state);
  const done: AccountEvent[] = [];
  for (const plan of after.plans.values()) {
    if (plan.status === 'active' && planOutstanding(after, plan).isZero()) {
      const missed = missedInstallment(after, plan, dayOfIso(on));
      done.push(
        missed === null
          ? eventFrom('InstallmentPlanCompleted', { planId: plan.planId as Id, on }, meta, ctx, eventIdFor('InstallmentPlanCompleted', [ctx.communityId, ctx.unitId, plan.planId]))
          : eventFrom(
              'InstallmentPlanDefaulted',
              { planId: plan.planId as Id, missedSeq: missed.seq as EventData<'InstallmentPlanDefaulted'>['missedSeq'], missedDueDate: missed.dueDate as IsoDate, on },
              meta,
              ctx,
              eventIdFor('InstallmentPlanDefaulted', [ctx.communityId, ctx.unitId, plan.planId]),
            ),
      );
    }
  }
  return done.length === 0 ? events : [...events, ...done];
};

// ---------------------------------------------------------------------------------------------
// ReversePayment
// ---------------------------------------------------------------------------------------------

// the prefix of a cancelled charge's lot id (cancellationLotId)
const CANCEL_PREFIX = cancellationLotId('');

/**
 * A reversed payment's money that went into the lots of charges it paid, cancelled since (`shares`:
 * lot id → its part), is taken back from what each lot still holds; what a lot no longer holds of it
 * was spent on charges since (先交后用), and those applications are re-opened, in the order the lot
 * paid them (principal, then penalty), pushed onto `out` naming the lot. An application to a charge
 * cancelled in turn moves that part to its lot (added to `shares`, after it in the order). What is
 * found nowhere is refused as refunded when the lot was refunded from (REVERSAL_CREDIT_REFUNDED, as
 * for the payment's own credit), else left to the credit pool (taken back by another reversal, or
 * penalty a recount gave back). Returns the amount re-opened.
 */
const reopenCancelled = (
  state: AccountState,
  paymentId: string,
  shares: Map<string, Money>,
  out: EventData<'PaymentReversed'>['creditApplications'][number][],
): E.Either<DomainError, Money> => {
  let reopenedTotal = ZERO;
  // lots in the order they were made: a lot's applications to a cancelled charge move to a later one
  const done = new Set<string>();
  for (;;) {
    let next: string | undefined;
    for (const id of shares.keys()) if (!done.has(id) && (next === undefined || state.lots.indexOf(id) < state.lots.indexOf(next))) next = id;
    if (next === undefined) return E.right(reopenedTotal);
    done.add(next);
    const lot = state.lots.get(next);
    if (lot === undefined) continue;
    let short = shares.get(next)!.subtract(lot.remaining);
    for (const [table, kind] of [[lot.applied, 'principal'], [lot.appliedPenalty, 'penalty']] as const) {
      for (const [chargeId, amount] of table) {
        if (!short.isPositive()) break;
        if (!amount.isPositive()) continue;
        const part = Money.min(short, amount);
        short = short.subtract(part);
        if (state.charges.get(chargeId)?.cancelled === true) {
          const id = cancellationLotId(chargeId);
          shares.set(id, (shares.get(id) ?? ZERO).add(part));
          continue;
        }
        const application: (typeof out)[number] = { chargeId: chargeId as Id, amount: amountOf(part) };
        if (kind === 'penalty') application.kind = kind;
        application.lot = next as NonEmptyText;
        out.push(application);
        reopenedTotal = reopenedTotal.add(part);
      }
    }
    if (short.isPositive() && lot.refunded.isPositive()) {
      return E.left(
        domainError(
          'REVERSAL_CREDIT_REFUNDED',
          `${lot.refunded.toString()} of the credit charge ${next.slice(CANCEL_PREFIX.length)} left when it was cancelled (lot ${next}), which held money of payment ${paymentId}, was refunded to the owner; recover the refund before reversing the payment`,
          ['data', 'paymentId'],
          { lotId: next, refunded: lot.refunded.toString() },
        ),
      );
    }
  }
};

/** Whether what the unit owes stays within LIMIT with what a reversal re-opens (its allocations and credit applications) owed again. */
const reopenedWithin = (state: AccountState, allocations: readonly { readonly amount: Amount }[], applications: readonly { readonly amount: Amount }[]): boolean => {
  if (!countOwed(state)) return false;
  for (const a of allocations) if (!owe(moneyOf(a.amount))) return false;
  for (const a of applications) if (!owe(moneyOf(a.amount))) return false;
  return true;
};

// a refusal names at most this many payments it may have meant
const MAX_MEANT_PAYMENTS = 8;

/**
 * PAYMENT_NOT_FOUND for a payment id the account does not hold. A clerk often types the channel's
 * transaction id from the receipt (`Y2`) where Levy's payment id is `<channel>-<channelTxnId>`
 * (`wechat-Y2`, {@link paymentIdFor}): the payments whose transaction id is what was typed, or whose
 * id ends in `-<it>`, are named in the message and in `details.meant`. Computed only on a refusal.
 */
const paymentNotFound = (state: AccountState, paymentId: string): Decision => {
  const suffix = `-${paymentId}`;
  const meant: PaymentState[] = [];
  for (const p of state.payments.values()) {
    if (p.channelTxnId !== paymentId && !p.paymentId.endsWith(suffix)) continue;
    meant.push(p);
    if (meant.length === MAX_MEANT_PAYMENTS) break;
  }
  const path = ['data', 'paymentId'];
  if (meant.length === 0) return refuse('PAYMENT_NOT_FOUND', `this unit has no payment ${paymentId}; check the payment id on the receipt`, path, { paymentId });
  const named = meant.map((p) => `${p.paymentId} (the ${p.channel} transaction ${p.channelTxnId})`);
  const choice = named.length === 1 ? named[0]! : `${named.slice(0, -1).join(', ')} or ${named[named.length - 1]!}`;
  return refuse(
    'PAYMENT_NOT_FOUND',
    `this unit has no payment ${paymentId}; did you mean ${choice}? A payment's id is its channel and the channel's transaction id, <channel>-<channelTxnId>`,
    path,
    { paymentId, meant: meant.map((p) => p.paymentId) },
  );
};

const reversePayment = (cmd: CommandOf<'ReversePayment'>, state: AccountState, ctx: AccountContext): Decision => {
  const p = state.payments.get(cmd.data.paymentId);
  if (p === undefined) return paymentNotFound(state, cmd.data.paymentId);
  if (p.reversed) return NOTHING;
  const bad = datedBefore(cmd.meta, p.receivedDay, `payment ${p.paymentId} was received`) ?? closedMeta(ctx, cmd.meta);
  if (bad !== null) return E.left(bad);
  const lot = state.lots.get(p.paymentId);
  if (lot !== undefined && lot.refunded.isPositive()) {
    return refuse(
      'REVERSAL_CREDIT_REFUNDED',
      `${lot.refunded.toString()} of the credit payment ${p.paymentId} made was refunded to the owner; recover the refund before reversing the payment`,
      ['data', 'paymentId'],
      { refunded: lot.refunded.toString() },
    );
  }
  if (lot !== undefined && lot.takenBack.isPositive()) {
    return refuse('REVERSAL_CREDIT_SPENT', `the credit payment ${p.paymentId} made was already taken back by another reversal`, ['data', 'paymentId']);
  }
  // parts on charges cancelled since went to credit at the cancellation: take them back from credit
  const allocations: EventData<'PaymentReversed'>['allocations'][number][] = [];
  let fromCredit = lot?.remaining ?? ZERO;
  // penalty it paid that a later recount gave back as credit: taken back from credit, like parts on charges cancelled since
  let extraFromCredit = p.penaltyToCredit;
  // its money in the lots of charges it paid, cancelled since (cancel:<chargeId>), by lot
  const cancelled = new Map<string, Money>();
  const intoCancelled = (chargeId: string, amount: Money): void => {
    const id = cancellationLotId(chargeId);
    cancelled.set(id, (cancelled.get(id) ?? ZERO).add(amount));
  };
  for (const a of p.allocations) {
    if (state.charges.get(a.chargeId)?.cancelled === true) {
      extraFromCredit = extraFromCredit.add(moneyOf(a.amount));
      intoCancelled(a.chargeId, moneyOf(a.amount));
    } else allocations.push(a);
  }
  const creditApplications: EventData<'PaymentReversed'>['creditApplications'][number][] = [];
  if (lot !== undefined) {
    for (const [table, kind] of [[lot.applied, 'principal'], [lot.appliedPenalty, 'penalty']] as const) {
      for (const [chargeId, amount] of table) {
        if (!amount.isPositive()) continue;
        if (state.charges.get(chargeId)?.cancelled === true) {
          extraFromCredit = extraFromCredit.add(amount);
          intoCancelled(chargeId, amount);
        } else {
          const application: (typeof creditApplications)[number] = { chargeId: chargeId as Id, amount: amountOf(amount) };
          if (kind === 'penalty') application.kind = kind;
          creditApplications.push(application);
        }
      }
    }
  }
  // what those lots no longer hold of its money they paid on charges since: re-opened there (a refund of it refuses)
  const reopenedFromCancelled = reopenCancelled(state, p.paymentId, cancelled, creditApplications);
  if (E.isLeft(reopenedFromCancelled)) return reopenedFromCancelled;
  // credit it paid to a charge is taken back on the reversal's date: not before that charge was last changed (the application included)
  for (const ca of creditApplications) {
    const c = state.charges.get(ca.chargeId)!;
    const early = datedBefore(cmd.meta, c.changedDay, `charge ${c.chargeId}, which credit from payment ${p.paymentId} paid, was last changed`);
    if (early !== null) return E.left(early);
  }
  // what it re-opens is owed again: within each charge's amount, so counted only on a large account
  if (state.large && !reopenedWithin(state, allocations, creditApplications)) {
    const parts = [...allocations, ...creditApplications].map((a) => a.amount);
    return beyondLimit(`reversing payment ${p.paymentId} re-opens ${sumText(parts)} on its charges; what the unit owes`, owedText(state, parts), OWED_ADVICE, ['data', 'paymentId'], {
      paymentId: p.paymentId,
    });
  }
  fromCredit = fromCredit.add(extraFromCredit).subtract(reopenedFromCancelled.right);
  if (fromCredit.greaterThan(state.credit)) {
    return refuse(
      'REVERSAL_CREDIT_SPENT',
      `reversing needs ${fromCredit.toString()} back from the unit's credit, which holds ${state.credit.toString()}: the charges it paid were cancelled and their credit used or refunded`,
      ['data', 'paymentId'],
      { needed: fromCredit.toString(), credit: state.credit.toString() },
    );
  }
  // the lots it takes back, its own first; that credit must have arisen by the reversal's date (a
  // charge it paid, cancelled since, turned into credit)
  const reversalDay = dayOfIso(cmd.meta.effectiveDate);
  // its own credit first, then what the charges it paid left as credit when they were cancelled
  // (its money): another payment's credit is taken only when those fall short, so that payment can
  // still be reversed itself
  const pool = creditPool(state, cancelled.size === 0 ? p.paymentId : [p.paymentId, ...cancelled.keys()]);
  if (pool.available(reversalDay).lessThan(fromCredit)) return E.left(datedBefore(cmd.meta, pool.dayHaving(fromCredit)!, 'the credit it takes back arose')!);
  const fromLots = fromCredit.isPositive() ? pool.take(fromCredit, reversalDay) : [];
  const data: EventData<'PaymentReversed'> = {
    paymentId: p.paymentId as Id,
    reason: cmd.data.reason,
    channel: p.channel,
    amount: amountOf(p.amount),
    allocations,
    fromCredit: amountOf(fromCredit),
    creditApplications,
  };
  if (fromLots.length > 0) data.fromCreditLots = fromLots;
  return recountPenalties(state, [eventFrom('PaymentReversed', data, cmd.meta, ctx, eventIdFor('PaymentReversed', [ctx.communityId, ctx.unitId, p.paymentId]))], {
    cause: `reversal:${p.paymentId}`,
    day: dayOfIso(cmd.meta.effectiveDate),
    path: ['data', 'paymentId'],
    meta: cmd.meta,
    ctx,
  });
};

// ---------------------------------------------------------------------------------------------
// AssessPenalty
// ---------------------------------------------------------------------------------------------

/** Calls `visit` with each charge an event changes the principal of (the penalty base). */
const forBaseChanges = (e: AccountEvent, visit: (chargeId: string) => void): void => {
  switch (e.type) {
    case 'PaymentReceived':
      for (const a of e.data.allocations) if (a.kind === 'principal') visit(a.chargeId);
      return;
    case 'PaymentReversed':
      for (const a of e.data.allocations) if (a.kind === 'principal') visit(a.chargeId);
      for (const a of e.data.creditApplications) if (a.kind !== 'penalty') visit(a.chargeId);
      return;
    case 'CreditApplied':
      if (e.data.kind !== 'penalty') visit(e.data.chargeId);
      return;
    case 'WaiverGranted':
      if (e.data.kind === 'principal') visit(e.data.chargeId);
      return;
    default:
      return;
  }
};

interface Recount {
  /** `payment:<id>`, `waiver:<id>`, `reversal:<paymentId>` or `credit:<date>:<version>` (ApplyCredit): the PenaltyAdjusted's cause, and its id's key */
  readonly cause: string;
  /** the command's effective day: an adjustment is dated no earlier */
  readonly day: number;
  /** where an error counting again points (a policy the assessment refuses) */
  readonly path: readonly string[];
  readonly meta: CommandMeta;
  readonly ctx: AccountContext;
}

/**
 * A payment, principal waiver, reversal or credit application booked after a penalty assessment
 * may change the base on days that assessment already counted (a bank transfer of May 10 booked on
 * June 3, after May was assessed on the full amount). Each assessment of each charge `events`
 * change is counted again on the base as it now stands, with the rate, rounding and cap it was
 * booked with, the cap over the pieces in order; a charge whose pieces now come to a different
 * penalty gets a PenaltyAdjusted, dated the later of the command's day and the charge's latest
 * change (never before the penalty it corrects, nor before a payment or waiver it changes). A
 * lowering comes off the penalty still owed first; penalty already paid goes back to the owner as
 * credit, off the payments that paid it (latest first; a reversal of such a payment later takes
 * that credit back). What is left of a lowering had been waived: the charge's penalty waivers
 * relieve that much less, latest first (a waiver cannot relieve penalty that is not owed). A raise
 * first gives such waivers back what lowerings took off them, then is owed.
 */
const recountPenalties = (state: AccountState, events: readonly AccountEvent[], r: Recount): Decision => {
  // filled in by the visitor below (a set only when some assessed day may change)
  let touched = null as Set<string> | null;
  for (const e of events) {
    forBaseChanges(e, (id) => {
      const c = state.charges.get(id);
      if (c === undefined || c.lastPenaltyDay === null) return;
      // a change from the day after the last assessed day leaves the assessed days be; a reversal
      // takes its payment back from the day it was received, whatever the reversal's own date
      if (e.type === 'PaymentReversed' || r.day < c.lastPenaltyDay) (touched ??= new Set<string>()).add(id);
    });
  }
  if (touched === null) return E.right(events);
  const after = events.reduce(evolveAccount, state);
  const out = [...events];
  // the unit's credit as the adjustments so far leave it, and whether OWED holds what the unit owes
  let credit = after.credit;
  let counted = false;
  for (const id of touched) {
    const c = after.charges.get(id);
    if (c === undefined || c.cancelled || c.penaltyPieces.length === 0) continue;
    const timeline = principalTimeline(c);
    let already = ZERO;
    let change = ZERO;
    const pieces: EventData<'PenaltyAdjusted'>['pieces'][number][] = [];
    for (const p of c.penaltyPieces) {
      // each assessment's own policy: a schedule adopted since does not change days already counted
      const policy = { dailyRate: p.dailyRate, graceDays: 0, cap: p.cap ?? r.ctx.policy.penalty.cap, rounding: p.rounding };
      const input = { principal: c.amount, dueDate: c.dueDay, through: p.to, from: p.from, principalTimeline: timeline, alreadyAssessed: already, policy };
      const a = assessWithin(input);
      if (a === null) return countBeyond(c, input, r.path);
      if (E.isLeft(a)) return E.left({ ...a.left, path: r.path });
      const now = a.right.amount;
      if (passes(already, now)) return penaltyBeyond(c.chargeId, [already, now], r.path);
      already = already.add(now);
      if (now.equals(p.amount)) continue;
      // the assessment it corrects, by the id that assessment was booked under (its natural key ends with its last day)
      const assessment = eventIdFor('PenaltyAssessed', [r.ctx.communityId, r.ctx.unitId, c.chargeId, iso(p.to)]);
      pieces.push({ assessment, from: iso(p.from), to: iso(p.to), was: amountOf(p.amount), now: amountOf(now) });
      change = change.add(now.subtract(p.amount));
    }
    if (pieces.length === 0) continue;
    // a raise is assessed and owed on the charge
    if (change.isPositive()) {
      if (passes(c.penaltyAssessed, change)) return penaltyBeyond(c.chargeId, [c.penaltyAssessed, change], r.path);
      if (!counted && !countOwed(after)) return beyondLimit('what the unit owes', owedText(after, []), OWED_ADVICE, r.path);
      counted = true;
      if (!owe(change)) return beyondLimit(`counting the penalty on charge ${c.chargeId} again raises it by ${change.toString()}; what the unit owes`, owedText(after, [change, ...raisesIn(out)]), OWED_ADVICE, r.path, { chargeId: c.chargeId });
    }
    // a lowering comes off what is still owed, then goes back as credit off the payments that paid it, latest first
    const toCredit: EventData<'PenaltyAdjusted'>['toCredit'][number][] = [];
    let rest = change.isNegative() ? change.negate().subtract(Money.min(change.negate(), c.outstandingPenalty)) : ZERO;
    const paid = rest.isPositive() ? after.payments.toArray() : [];
    for (let i = paid.length - 1; i >= 0 && rest.isPositive(); i--) {
      const p = paid[i]!;
      if (p.reversed) continue;
      let paidHere = ZERO;
      for (const a of p.allocations) if (a.chargeId === c.chargeId && a.kind === 'penalty') paidHere = paidHere.add(moneyOf(a.amount));
      if (!paidHere.isPositive()) continue;
      const take = Money.min(paidHere, rest);
      rest = rest.subtract(take);
      toCredit.push({ paymentId: p.paymentId as Id, amount: amountOf(take) });
    }
    // then penalty that credit paid (ApplyCredit), latest lot first
    const creditPaid: NonNullable<EventData<'PenaltyAdjusted'>['creditPaid']>[number][] = [];
    const lots = rest.isPositive() ? after.lots.toArray() : [];
    for (let i = lots.length - 1; i >= 0 && rest.isPositive(); i--) {
      const paidHere = lots[i]!.appliedPenalty.get(c.chargeId);
      if (paidHere === undefined || !paidHere.isPositive()) continue;
      const take = Money.min(paidHere, rest);
      rest = rest.subtract(take);
      creditPaid.push({ lotId: lots[i]!.lotId as NonEmptyText, amount: amountOf(take) });
    }
    // what goes back as credit
    if (toCredit.length > 0 || creditPaid.length > 0) {
      const moved = sumOfParts(toCredit, creditPaid);
      if (passes(credit, moved)) {
        return beyondLimit(`counting the penalty on charge ${c.chargeId} again gives ${moved.toString()} of it back as credit; the unit's credit (预收)`, sumText([credit, moved]), 'refund or apply the credit the unit holds first', r.path, {
          chargeId: c.chargeId,
        });
      }
      credit = credit.add(moved);
    }
    const waivers = rest.isPositive() ? releaseWaivers(after, c.chargeId, rest) : change.isPositive() ? restoreWaivers(after, c.chargeId, change) : [];
    if (rest.isPositive() && !sumOf(waivers).negate().equals(rest)) {
      // what was assessed is owed, paid or waived: a lowering no waiver covers means the log disagrees with itself
      throw new LevyError(domainError('LOG_INCONSISTENT', `charge ${c.chargeId}: penalty counted again is ${change.negate().toString()} lower, more than is owed, paid and waived`, ['data', 'chargeId']));
    }
    // dated no earlier than anything on the charge (its assessments, the payments that paid its
    // penalty, its waivers): from that day on the split above is what every as-of view sees, so no
    // day shows credit before the payment it comes from, a waiver relieving less before it was
    // granted, or the penalty owed below zero
    const on = Math.max(r.day, c.changedDay);
    const data: EventData<'PenaltyAdjusted'> = { chargeId: c.chargeId as Id, cause: r.cause as EventData<'PenaltyAdjusted'>['cause'], pieces, amount: amountOf(change), toCredit };
    if (waivers.length > 0) data.waivers = waivers;
    if (creditPaid.length > 0) data.creditPaid = creditPaid;
    out.push(eventFrom('PenaltyAdjusted', data, r.meta, r.ctx, eventIdFor('PenaltyAdjusted', [r.ctx.communityId, r.ctx.unitId, c.chargeId, r.cause]), { effectiveDate: iso(on) }));
  }
  return E.right(out);
};

/** What penalty adjustments among `events` raise (for a refusal's message). */
const raisesIn = (events: readonly AccountEvent[]): string[] => {
  const out: string[] = [];
  for (const e of events) if (e.type === 'PenaltyAdjusted' && !e.data.amount.startsWith('-')) out.push(e.data.amount);
  return out;
};

/** What a penalty adjustment gives back as credit: the parts off payments and off credit lots. */
const sumOfParts = (a: readonly { readonly amount: Amount }[], b: readonly { readonly amount: Amount }[]): Money => {
  let sum = ZERO;
  for (const p of a) sum = sum.add(moneyOf(p.amount));
  for (const p of b) sum = sum.add(moneyOf(p.amount));
  return sum;
};

/** A charge's penalty, `parts` in all, past LIMIT. */
const penaltyBeyond = (chargeId: string, parts: readonly (Money | string)[], path: readonly string[]): Decision =>
  beyondLimit(`the penalty on charge ${chargeId}`, sumText(parts), 'pay or write off the charge first', path, { chargeId });

/**
 * {@link assessPenaltyUnchecked}, or null when counting passes Money's limit: Σ base × days is
 * counted in fen, so a principal of 1,000,000,000,000.00 cannot be counted over more than 90 days
 * at once. A percentage cap beyond the limit never binds (a charge's penalty stays within it,
 * {@link penaltyBeyond}), so it is counted as no cap.
 */
const assessWithin = (input: PenaltyInput): E.Either<DomainError, PenaltyAssessment> | null => {
  try {
    return assessPenaltyUnchecked(input);
  } catch (e) {
    if (!isTooLarge(e)) throw e;
  }
  if (input.policy.cap.kind !== 'percentage') return null;
  try {
    return assessPenaltyUnchecked({ ...input, policy: { ...input.policy, cap: { kind: 'none' } } });
  } catch (e) {
    if (!isTooLarge(e)) throw e;
    return null;
  }
};

/** A count of penalty past Money's limit ({@link assessWithin}): the base of each day counted, added up, named. */
const countBeyond = (c: ChargeState, input: PenaltyInput, path: readonly string[]): Decision => {
  const from = input.from ?? c.dueDay + input.policy.graceDays + 1;
  let sum = new ExactDecimal(0);
  let base = c.amount;
  let day = from;
  for (const t of input.principalTimeline ?? []) {
    if (t.from > input.through) break;
    if (t.from > day) {
      sum = sum.plus(base.toDecimal().times(t.from - day));
      day = t.from;
    }
    base = t.outstanding;
  }
  sum = sum.plus(base.toDecimal().times(input.through - day + 1));
  return beyondLimit(
    `the penalty on charge ${c.chargeId} is counted on the principal unpaid each day from ${iso(from)} through ${iso(input.through)}; those bases added up`,
    sum.toFixed(2),
    'assess it over fewer days at a time (an earlier asOf), or collect part of the principal first',
    path,
    { chargeId: c.chargeId, from: iso(from), through: iso(input.through) },
  );
};

type WaiverChange = NonNullable<EventData<'PenaltyAdjusted'>['waivers']>[number];

const sumOf = (changes: readonly WaiverChange[]): Money => changes.reduce((sum, w) => sum.add(moneyOf(w.amount)), ZERO);

/** A lowering of `lower` that comes off waived penalty: each penalty waiver of the charge relieves less, latest first, down to nothing. */
const releaseWaivers = (state: AccountState, chargeId: string, lower: Money): WaiverChange[] => {
  const out: WaiverChange[] = [];
  const mine = [...state.waivers].filter(([, w]) => w.chargeId === chargeId && w.kind === 'penalty');
  let rest = lower;
  for (let i = mine.length - 1; i >= 0 && rest.isPositive(); i--) {
    const [waiverId, w] = mine[i]!;
    const take = Money.min(w.amount.subtract(w.released), rest);
    if (!take.isPositive()) continue;
    rest = rest.subtract(take);
    out.push({ waiverId: waiverId as Id, amount: amountOf(take.negate()) });
  }
  return out;
};

/** A raise of `raise` first gives back what lowerings took off the charge's penalty waivers, earliest waiver first, up to what each granted. */
const restoreWaivers = (state: AccountState, chargeId: string, raise: Money): WaiverChange[] => {
  const out: WaiverChange[] = [];
  let rest = raise;
  for (const [waiverId, w] of state.waivers) {
    if (!rest.isPositive()) break;
    if (w.chargeId !== chargeId || w.kind !== 'penalty' || !w.released.isPositive()) continue;
    const give = Money.min(w.released, rest);
    rest = rest.subtract(give);
    out.push({ waiverId: waiverId as Id, amount: amountOf(give) });
  }
  return out;
};

type CapData = NonNullable<EventData<'PenaltyAssessed'>['cap']>;
// a policy's cap as an event records it, made once per cap object (schedules share theirs)
const capDatas = new WeakMap<object, CapData>();
const capData = (cap: PenaltyPolicy['cap']): CapData => {
  const known = capDatas.get(cap);
  if (known !== undefined) return known;
  const data: CapData =
    cap.kind === 'absolute' ? { kind: 'absolute', amount: amountOf(cap.amount) } : cap.kind === 'percentage' ? { kind: 'percentage', percent: cap.percent as DecimalString } : cap.kind === 'none' ? { kind: 'none' } : { kind: 'principal' };
  capDatas.set(cap, data);
  return data;
};

// assessPenalty refuses fields it does not know: hand it the policy without `enabled`, built once
// per policy object (and per grace, for an earlier schedule's policy under the assessment day's grace)
const plainPolicies = new WeakMap<object, PenaltyPolicy>();
const otherGrace = new WeakMap<object, Map<number, PenaltyPolicy>>();
const plainPolicy = (p: AccountContext['policy']['penalty'], graceDays: number = p.graceDays): PenaltyPolicy => {
  const own = graceDays === p.graceDays;
  let byGrace: Map<number, PenaltyPolicy> | undefined;
  if (!own) {
    byGrace = otherGrace.get(p);
    if (byGrace === undefined) otherGrace.set(p, (byGrace = new Map()));
  }
  let plain = own ? plainPolicies.get(p) : byGrace!.get(graceDays);
  if (plain === undefined) {
    // frozen, so penalty.ts validates it once and keeps it (it caches frozen policies only)
    plain = Object.freeze({ dailyRate: p.dailyRate, graceDays, cap: p.cap, rounding: p.rounding });
    if (own) plainPolicies.set(p, plain);
    else byGrace!.set(graceDays, plain);
  }
  return plain;
};

/**
 * The penalty base timeline of a charge (for `assessPenalty`): what was unpaid from each day on,
 * from its payments, credit and principal waivers; reversed payments are gone from it, so the
 * charge is overdue again from its original due date.
 *
 * @example
 * principalTimeline(charge); // [{ from: 20194, outstanding: Money('500.00') }, ...]
 */
export const principalTimeline = (c: ChargeState): { from: number; outstanding: Money }[] => {
  if (c.movements.length === 0) return [];
  // movements are mostly appended in day order already: sort (a copy) only when they are not
  let inOrder = true;
  for (let i = 1; i < c.movements.length && inOrder; i++) inOrder = c.movements[i - 1]!.from <= c.movements[i]!.from;
  const sorted = inOrder ? c.movements : [...c.movements].sort((a, b) => a.from - b.from);
  const out: { from: number; outstanding: Money }[] = [];
  let outstanding = c.amount;
  for (const m of sorted) {
    outstanding = outstanding.subtract(m.amount);
    const last = out[out.length - 1];
    if (last !== undefined && last.from === m.from) out[out.length - 1] = { from: m.from, outstanding };
    else out.push({ from: m.from, outstanding });
  }
  return out;
};


// what receivedBy answers once what came after a deadline is more than all received: no installment is paid by it
const LESS_THAN_ANY = Money.of('-0.01');

/**
 * What a plan's charges had received toward it by the end of each deadline, read off what they
 * have received since it was agreed (its total less what they still owe), less what was received
 * after the deadline: principal by its movements (payments and credit from the day after the day
 * received or applied, principal waivers from the day after the day granted; `from` is that day),
 * penalty by the payments that paid it, by the day received. A payment booked late counts by the
 * day it was received; a reversed one is gone from both. Penalty paid from credit, waived or
 * lowered by a recount keeps no day in the state, so it counts by any deadline (as before).
 * Deadlines before the plan was agreed read as its agreement day: what was received by then is
 * in the plan already or counts toward it. Anything below zero reads as −0.01 (less than any
 * installment either way).
 */
const receivedBy = (state: AccountState, plan: PlanState): ((deadline: number) => Money) => {
  const paidNow = plan.total.subtract(planOutstanding(state, plan));
  // [day received, amount]: the dated receipts a deadline may come before
  const dated: [number, Money][] = [];
  for (const id of plan.chargeIds) {
    const c = state.charges.get(id);
    if (c === undefined) continue;
    for (const m of c.movements) if (m.from - 1 > plan.agreedDay) dated.push([m.from - 1, m.amount]);
  }
  for (const p of state.payments.values()) {
    if (p.reversed || p.receivedDay <= plan.agreedDay) continue;
    for (const a of p.allocations) if (a.kind === 'penalty' && plan.chargeIds.includes(a.chargeId)) dated.push([p.receivedDay, moneyOf(a.amount)]);
  }
  return (deadline) => {
    let by = paidNow;
    for (const [d, amount] of dated) {
      if (d <= deadline) continue;
      // below zero is less than any installment: stop before the difference could pass Money's limit
      if (amount.greaterThan(by)) return LESS_THAN_ANY;
      by = by.subtract(amount);
    }
    return by;
  };
};

/**
 * The plans in good standing that missed an installment by more than the grace as of `asOfDay`:
 * the day after its due date + grace has begun, and by the end of due date + grace the plan's
 * charges had received less than the installments due through it ({@link receivedBy}). The first
 * installment missed is named. How late an assessment runs, or whether one ran in between, does
 * not change the answer.
 */
const defaultedPlans = (state: AccountState, asOfDay: number): { plan: PlanState; seq: number; dueDate: string }[] => {
  const out: { plan: PlanState; seq: number; dueDate: string }[] = [];
  if (state.activePlans === 0) return out;
  for (const plan of state.plans.values()) {
    if (plan.status !== 'active') continue;
    const missed = missedInstallment(state, plan, asOfDay);
    if (missed !== null) out.push({ plan, seq: missed.seq, dueDate: missed.dueDate });
  }
  return out;
};

/** The first installment of `plan` missed by more than the grace before `asOfDay`, or null. */
const missedInstallment = (state: AccountState, plan: PlanState, asOfDay: number): PlanState['installments'][number] | null => {
  let paidBy: ((deadline: number) => Money) | null = null;
  let due = ZERO;
  for (const inst of plan.installments) {
    due = due.add(inst.amount);
    const deadline = inst.dueDay + plan.graceDays;
    // missed by more than the grace: the day after due date + grace has begun, and by the end of
    // due date + grace the plan's charges had received less than the installments due through it
    if (deadline >= asOfDay) break;
    paidBy ??= receivedBy(state, plan);
    if (paidBy(Math.max(deadline, plan.agreedDay)).lessThan(due)) return inst;
  }
  return null;
};

const NO_DEFAULTS: readonly { plan: PlanState; seq: number; dueDate: string }[] = [];

const DATA_AS_OF: readonly string[] = Object.freeze(['data', 'asOf']);
const NOW: readonly string[] = Object.freeze(['now']);

/** AS_OF_IN_FUTURE when `asOfDay` is after today, the business date of `ctx.now` in the community's zone. */
const notYet = (ctx: AccountContext, asOfDay: number): DomainError | null => {
  const today = businessDayAt(ctx.now, ctx.timeZone, NOW);
  if (E.isLeft(today)) return today.left;
  if (asOfDay <= today.right) return null;
  // penalty accrues per day through the day of payment (domain.md, arrears): a day not yet begun owes nothing yet
  return domainError(
    'AS_OF_IN_FUTURE',
    `penalty can be assessed only through today: ${iso(asOfDay)} has not begun yet in ${ctx.timeZone}, where today is ${iso(today.right)}; assess as of ${iso(today.right)} or earlier`,
    DATA_AS_OF,
    { asOf: iso(asOfDay), today: iso(today.right), timeZone: ctx.timeZone },
  );
};

const assessPenalties = (cmd: CommandOf<'AssessPenalty'>, state: AccountState, ctx: AccountContext): Decision => {
  const asOfDay = dayOfIso(cmd.data.asOf);
  const bad = notYet(ctx, asOfDay) ?? closed(ctx, asOfDay, DATA_AS_OF) ?? closedMeta(ctx, cmd.meta);
  if (bad !== null) return E.left(bad);
  // what it decides is dated as of the day assessed, as a payment is by the day received: a date
  // in meta.effectiveDate apart from it would book the penalty on a day it had not yet run to
  const asOf = cmd.data.asOf === cmd.meta.effectiveDate ? undefined : { effectiveDate: cmd.data.asOf };
  const events: AccountEvent[] = [];
  // a plan defaults first, so its charges are assessed in this same command from their original due dates
  let defaulted: Set<string> | null = null;
  for (const m of state.activePlans === 0 ? NO_DEFAULTS : defaultedPlans(state, asOfDay)) {
    (defaulted ??= new Set<string>()).add(m.plan.planId);
    events.push(
      eventFrom(
        'InstallmentPlanDefaulted',
        { planId: m.plan.planId as Id, missedSeq: m.seq as EventData<'InstallmentPlanDefaulted'>['missedSeq'], missedDueDate: m.dueDate as IsoDate, on: cmd.data.asOf },
        cmd.meta,
        ctx,
        eventIdFor('InstallmentPlanDefaulted', [ctx.communityId, ctx.unitId, m.plan.planId]),
        asOf,
      ),
    );
  }
  if (!ctx.policy.penalty.enabled) return E.right(events);
  const policy = plainPolicy(ctx.policy.penalty);
  const history = ctx.penaltyHistory === undefined || ctx.penaltyHistory.length < 2 ? undefined : ctx.penaltyHistory;
  // only the open charges (state.open, in charge order: every charge an assessment may reach under
  // a grace of 0 days or more); a negative grace is invalid and refused below, so then read them all
  const all = state.charges.toArray();
  const positions = policy.graceDays >= 0 ? state.open : all.map((_, i) => i);
  // whether OWED holds what the unit owes and the penalties assessed so far
  let counted = false;
  for (let k = 0; k < positions.length; k++) {
    const c = all[positions[k]!]!;
    if (c.cancelled) continue;
    const firstChargeable = c.dueDay + policy.graceDays + 1;
    if (firstChargeable > asOfDay) continue;
    // suspended while a plan covering it is in good standing
    if (c.planId !== null && (defaulted === null || !defaulted.has(c.planId)) && state.plans.get(c.planId)?.status === 'active') continue;
    const from = c.lastPenaltyDay === null ? firstChargeable : Math.max(c.lastPenaltyDay + 1, firstChargeable);
    if (from > asOfDay) continue;
    // once paid in full, count only through the last day something was unpaid; a reversal re-opens the rest
    let to = asOfDay;
    if (c.outstandingPrincipal.isZero()) {
      to = Math.min(to, settledFrom(c) - 1);
      // paid off through a plan kept to the end: the plan's days stayed suspended (the plan covered
      // the penalty owed when it was agreed); only days before it that were never assessed remain
      const plan = c.planId === null ? undefined : state.plans.get(c.planId);
      if (plan !== undefined && plan.status === 'completed') to = Math.min(to, plan.agreedDay - 1);
    }
    if (to < from) continue;
    const timeline = principalTimeline(c);
    // the days from `start` on are not booked yet; `already`, the charge's penalty with what this command booked on it
    let start = from;
    let already = c.penaltyAssessed;
    // stretch by stretch under the schedules in force (ctx.penaltyHistory), else one stretch at `policy`
    for (let stretch = from; stretch <= to; ) {
      let through = to;
      let stretchPolicy = policy;
      if (history !== undefined) {
        const at = policyIndexOn(history, stretch);
        const next = history[at + 1];
        if (next !== undefined && next.from <= to) through = next.from - 1;
        stretch = through + 1;
        const p = history[at]!.penalty;
        // penalties off then: those days are counted with the next stretch
        if (!p.enabled) continue;
        stretchPolicy = p === ctx.policy.penalty ? policy : plainPolicy(p, policy.graceDays);
      } else stretch = to + 1;
      const input = { principal: c.amount, dueDate: c.dueDay, through, from: start, principalTimeline: timeline, alreadyAssessed: already, policy: stretchPolicy };
      const a = assessWithin(input);
      if (a === null) return countBeyond(c, input, DATA_AS_OF);
      if (E.isLeft(a)) return E.left({ ...a.left, path: ['data', 'asOf'] });
      // nothing to book yet (a tiny base, or the cap reached): a later stretch or assessment counts these days, rounded once
      if (!a.right.amount.isPositive()) continue;
      const r = a.right;
      // the charge's penalty, and what the unit owes, take it: counted once the account or the charge's penalty may be large
      if (passes(already, r.amount)) return penaltyBeyond(c.chargeId, [already, r.amount], DATA_AS_OF);
      if (counted || state.large || r.amount.greaterThan(HALF_LARGE) || already.greaterThan(HALF_LARGE)) {
        // the penalties booked before this one, uncounted so far, first
        if (!counted && !(countOwed(state) && events.every((e) => e.type !== 'PenaltyAssessed' || owe(moneyOf(e.data.amount))))) return assessedBeyond(state, events, r.amount, c.chargeId);
        counted = true;
        if (!owe(r.amount)) return assessedBeyond(state, events, r.amount, c.chargeId);
      }
      const data: EventData<'PenaltyAssessed'> = {
        chargeId: c.chargeId as Id,
        asOf: cmd.data.asOf,
        from: iso(r.from),
        to: iso(r.to),
        days: r.days as EventData<'PenaltyAssessed'>['days'],
        segments: r.segments.map((s) => ({ from: iso(s.from), to: iso(s.to), days: s.days as EventData<'PenaltyAssessed'>['days'], base: amountOf(s.base), unrounded: s.unrounded })),
        dailyRate: r.dailyRate as DecimalString,
        rounding: r.rounding,
        unrounded: r.unrounded,
        amount: amountOf(r.amount),
        cappedBy: r.cappedBy === null ? null : amountOf(r.cappedBy),
        cap: capData(stretchPolicy.cap),
      };
      events.push(eventFrom('PenaltyAssessed', data, cmd.meta, ctx, eventIdFor('PenaltyAssessed', [ctx.communityId, ctx.unitId, c.chargeId, data.to]), asOf));
      already = already.add(r.amount);
      start = r.to + 1;
    }
  }
  return E.right(events);
};

/** The index of the entry of `history` in force on `day`: the last that applies from it or before, else the first. */
const policyIndexOn = (history: readonly PenaltyPolicyFrom[], day: number): number => {
  let at = 0;
  for (let i = 1; i < history.length; i++) if (history[i]!.from <= day) at = i;
  return at;
};


/** An assessment whose penalties (`events`' and `amount` on `chargeId`) would bring what the unit owes past LIMIT. */
const assessedBeyond = (state: AccountState, events: readonly AccountEvent[], amount: Money, chargeId: string): Decision => {
  const assessed = events.flatMap((e) => (e.type === 'PenaltyAssessed' ? [e.data.amount] : []));
  return beyondLimit(`the penalty of ${amount.toString()} on charge ${chargeId} would be owed; what the unit owes`, owedText(state, [amount, ...assessed]), OWED_ADVICE, DATA_AS_OF, { chargeId });
};

// ---------------------------------------------------------------------------------------------
// GrantWaiver
// ---------------------------------------------------------------------------------------------

/**
 * Penalty managers have waived on a charge: its penalty waivers the committee or assembly did not
 * approve, each as granted. A recount that releases part of one gives no room for another: a
 * reversal could restore the released part later, and the waivers would then relieve more than
 * the limit with nobody's approval for the excess.
 */
const managerWaived = (state: AccountState, chargeId: string): Money => {
  let sum = ZERO;
  for (const w of state.waivers.values()) {
    if (w.byManager && w.kind === 'penalty' && w.chargeId === chargeId) sum = sum.add(w.amount);
  }
  return sum;
};

const grantWaiver = (cmd: CommandOf<'GrantWaiver'>, state: AccountState, ctx: AccountContext): Decision => {
  const d = cmd.data;
  const amount = positive(d.amount, DATA_AMOUNT, 'a waiver');
  if (E.isLeft(amount)) return amount;
  const waiverId = factId('waiver', d.waiverId, cmd.meta, ctx);
  const existing = state.waivers.get(waiverId);
  if (existing !== undefined) {
    if (existing.chargeId === d.chargeId && existing.kind === d.kind && existing.amount.equals(amount.right)) return NOTHING;
    const named = d.waiverId !== undefined ? `waiver ${waiverId}` : `command ${cmd.meta.commandId ?? ''} (waiver ${waiverId})`;
    const at = d.waiverId !== undefined ? ['data', 'waiverId'] : ['meta', 'commandId'];
    return refuse('WAIVER_CONFLICT', `${named} was already granted as ${existing.amount.toString()} of ${existing.kind} on charge ${existing.chargeId}`, at);
  }
  const charge = liveCharge(state, d.chargeId, ['data', 'chargeId']);
  if (E.isLeft(charge)) return charge;
  const c = charge.right;
  const approval = cmd.meta.approval;
  // 减免 needs the owners' committee's or assembly's approval (domain.md, relief); a manager may waive a small penalty
  const committee = approval !== undefined && (approval.approverRole === 'committee' || approval.approverRole === 'assembly');
  if (d.kind === 'principal' && !committee) {
    return refuse('WAIVER_APPROVAL_REQUIRED', "a waiver of principal needs the owners' committee's or assembly's approval (meta.approval with approverRole committee or assembly)", ['meta', 'approval']);
  }
  if (d.kind === 'penalty' && !committee) {
    if (approval === undefined) return refuse('WAIVER_APPROVAL_REQUIRED', "a waiver of penalty needs an approval: a manager's up to the policy limit on the charge in all, the owners' committee's above it", ['meta', 'approval']);
    // the limit holds per charge, in total: a manager cannot split a large waiver into small ones
    const limit = ctx.policy.managerWaiverLimit;
    const already = managerWaived(state, c.chargeId);
    // a limit near Money's: the two may add up past it, and then surely past the limit
    if (passes(already, amount.right) || already.add(amount.right).greaterThan(limit)) {
      const left = limit.subtract(already);
      return refuse(
        'WAIVER_APPROVAL_REQUIRED',
        `a manager may waive at most ${limit.toString()} of penalty on charge ${c.chargeId} in all, and ${already.toString()} is already waived on it with a manager's approval; ` +
          `${amount.right.toString()} more would make ${sumText([already, amount.right])}, so it needs the owners' committee's or assembly's approval` +
          (left.isPositive() ? ` (a manager may still waive up to ${left.toString()})` : ''),
        DATA_AMOUNT,
        { limit: limit.toString(), alreadyWaived: already.toString(), requested: amount.right.toString() },
      );
    }
  }
  if (cmd.meta.reason === undefined) return refuse('REASON_REQUIRED', 'say why the waiver is granted (meta.reason); every relief records why', ['meta', 'reason']);
  const owed = d.kind === 'principal' ? c.outstandingPrincipal : c.outstandingPenalty;
  if (amount.right.greaterThan(owed)) {
    return refuse('WAIVER_EXCEEDS_OWED', `charge ${c.chargeId} owes ${owed.toString()} of ${d.kind}; a waiver of ${amount.right.toString()} is more than that`, ['data', 'amount'], {
      owed: owed.toString(),
    });
  }
  const since = owedSince(c, d.kind);
  const bad = datedBefore(cmd.meta, since, owedSinceWhat(c, since)) ?? closedMeta(ctx, cmd.meta);
  if (bad !== null) return E.left(bad);
  const granted = eventFrom(
    'WaiverGranted',
    { waiverId, chargeId: d.chargeId, kind: d.kind, amount: amountOf(amount.right) },
    cmd.meta,
    ctx,
    eventIdFor('WaiverGranted', [ctx.communityId, ctx.unitId, waiverId]),
  );
  const events = recountPenalties(state, [granted], {
    cause: `waiver:${waiverId}`,
    day: dayOfIso(cmd.meta.effectiveDate),
    path: META_EFFECTIVE_DATE,
    meta: cmd.meta,
    ctx,
  });
  if (E.isLeft(events)) return events;
  return E.right(withCompletedPlans(state, events.right, cmd.meta, ctx, cmd.meta.effectiveDate));
};

// ---------------------------------------------------------------------------------------------
// AgreeInstallmentPlan
// ---------------------------------------------------------------------------------------------

const agreePlan = (cmd: CommandOf<'AgreeInstallmentPlan'>, state: AccountState, ctx: AccountContext): Decision => {
  const d = cmd.data;
  // a plan is relief (分期, domain.md): every relief records who approved it and why
  if (cmd.meta.reason === undefined) return refuse('REASON_REQUIRED', 'say why the plan is agreed (meta.reason); every relief records why', ['meta', 'reason']);
  if (cmd.meta.approval === undefined) return refuse('APPROVAL_REQUIRED', 'an installment plan needs an approval (who approved it, the reference, the date); every relief records who approved it', ['meta', 'approval']);
  const installments: { seq: number; dueDate: IsoDate; amount: Money }[] = [];
  for (let i = 0; i < d.installments.length; i++) {
    const inst = d.installments[i]!;
    const m = positive(inst.amount, ['data', 'installments', String(i), 'amount'], 'an installment');
    if (E.isLeft(m)) return m;
    installments.push({ seq: i + 1, dueDate: inst.dueDate, amount: m.right });
  }
  const existing = state.plans.get(d.planId);
  if (existing !== undefined) {
    const same =
      existing.chargeIds.join(',') === d.chargeIds.join(',') &&
      existing.installments.length === installments.length &&
      existing.installments.every((x, i) => x.dueDate === installments[i]!.dueDate && x.amount.equals(installments[i]!.amount));
    return same ? NOTHING : refuse('PLAN_CONFLICT', `plan ${d.planId} was already agreed with other charges or installments; agree a new plan id`, ['data', 'planId']);
  }
  if (d.chargeIds.length === 0) return refuse('PLAN_EMPTY', 'name the charges the plan covers', ['data', 'chargeIds']);
  if (d.chargeIds.length > MAX_PLAN_CHARGES) return refuse('PLAN_TOO_LARGE', `a plan covers at most ${MAX_PLAN_CHARGES} charges`, ['data', 'chargeIds']);
  if (installments.length === 0) return refuse('PLAN_EMPTY', 'a plan needs at least one installment', ['data', 'installments']);
  if (installments.length > MAX_INSTALLMENTS) return refuse('PLAN_TOO_LARGE', `a plan has at most ${MAX_INSTALLMENTS} installments`, ['data', 'installments']);
  const seen = new Set<string>();
  const covered: Money[] = [];
  for (let i = 0; i < d.chargeIds.length; i++) {
    const id = d.chargeIds[i]!;
    const path = ['data', 'chargeIds', String(i)];
    if (seen.has(id)) return refuse('PLAN_CHARGE_DUPLICATE', `charge ${id} is named twice`, path);
    seen.add(id);
    const c = liveCharge(state, id, path);
    if (E.isLeft(c)) return c;
    // within what the unit owes in all, so within Money's limit (but for a log written before it was kept)
    if (passes(c.right.outstandingPrincipal, c.right.outstandingPenalty)) return planBeyond(`what charge ${id} owes`, [c.right.outstandingPrincipal, c.right.outstandingPenalty], ['data', 'chargeIds']);
    const owed = c.right.outstandingPrincipal.add(c.right.outstandingPenalty);
    if (!owed.isPositive()) return refuse('CHARGE_NOT_OWED', `charge ${id} is paid; a plan covers only what is owed`, path);
    if (c.right.planId !== null && state.plans.get(c.right.planId)?.status === 'active') {
      return refuse('CHARGE_IN_PLAN', `charge ${id} is already in plan ${c.right.planId}, which is in good standing`, path);
    }
    covered.push(owed);
  }
  for (let i = 1; i < installments.length; i++) {
    if (installments[i]!.dueDate <= installments[i - 1]!.dueDate) {
      return refuse('PLAN_DUE_DATES_NOT_ASCENDING', `installment ${i + 1} is due ${installments[i]!.dueDate}, not after installment ${i} (${installments[i - 1]!.dueDate})`, [
        'data',
        'installments',
        String(i),
        'dueDate',
      ]);
    }
  }
  let total = ZERO;
  for (const owed of covered) {
    if (passes(total, owed)) return planBeyond('what the charges owe', covered, ['data', 'chargeIds']);
    total = total.add(owed);
  }
  let sum = ZERO;
  for (const x of installments) {
    if (passes(sum, x.amount)) return planBeyond('the installments', installments.map((i) => i.amount), ['data', 'installments'], { owed: total.toString() });
    sum = sum.add(x.amount);
  }
  if (!sum.equals(total)) {
    return refuse('PLAN_SUM_MISMATCH', `the installments add up to ${sum.toString()} but the charges owe ${total.toString()} (principal and penalty); they must match exactly`, ['data', 'installments'], {
      installments: sum.toString(),
      owed: total.toString(),
    });
  }
  const bad = closedMeta(ctx, cmd.meta);
  if (bad !== null) return E.left(bad);
  const data: EventData<'InstallmentPlanAgreed'> = {
    planId: d.planId,
    chargeIds: d.chargeIds,
    installments: installments.map((x) => ({ seq: x.seq as EventData<'InstallmentPlanAgreed'>['graceDays'], dueDate: x.dueDate, amount: amountOf(x.amount) })),
    total: amountOf(total),
    graceDays: ctx.policy.installmentGraceDays as EventData<'InstallmentPlanAgreed'>['graceDays'],
  };
  return E.right([eventFrom('InstallmentPlanAgreed', data, cmd.meta, ctx, eventIdFor('InstallmentPlanAgreed', [ctx.communityId, ctx.unitId, d.planId]))]);
};

/** A plan whose figures (`parts`, at `path`) add up past LIMIT: a plan's total is kept, and its installments add up to it. */
const planBeyond = (what: string, parts: readonly Money[], path: readonly string[], details?: Readonly<Record<string, unknown>>): Decision =>
  beyondLimit(`${what} added up`, sumText(parts), 'the installments must add up exactly to what the charges owe', path, details);

// ---------------------------------------------------------------------------------------------
// RefundCredit, RecordReminder, ClassifyArrears
// ---------------------------------------------------------------------------------------------

const refundCredit = (cmd: CommandOf<'RefundCredit'>, state: AccountState, ctx: AccountContext): Decision => {
  const d = cmd.data;
  const amount = positive(d.amount, DATA_AMOUNT, 'a refund');
  if (E.isLeft(amount)) return amount;
  // a channel's transaction is the refund's natural key: a retry under another refund id, or none, finds it
  const txn = d.channelTxnId !== undefined ? refundTxnKey(d.channel, d.channelTxnId) : undefined;
  const byTxn = txn === undefined ? undefined : state.refundTxns.get(txn);
  const refundId = (byTxn ?? d.refundId ?? (d.channelTxnId !== undefined ? idFrom('refund', `${d.channel}-${d.channelTxnId}`) : factId('refund', undefined, cmd.meta, ctx))) as Id;
  const existing = state.refunds.get(refundId);
  if (existing !== undefined) {
    if (!existing.equals(amount.right)) {
      return refuse('REFUND_CONFLICT', `refund ${refundId} was already paid as ${existing.toString()}, not ${amount.right.toString()}`, ['data', 'amount'], {
        refundId,
        refunded: existing.toString(),
        requested: amount.right.toString(),
      });
    }
    // the same refund id paid out through another channel transaction (or none) is another refund under a used id
    if (byTxn === undefined && d.refundId !== undefined) {
      const paidAs = txnOfRefund(state, refundId);
      if (paidAs !== (txn ?? null)) {
        return refuse(
          'REFUND_CONFLICT',
          `refund ${refundId} was already paid ${paidAs === null ? 'with no channel transaction' : `through ${paidAs}`}; give this refund its own refund id`,
          d.channelTxnId !== undefined ? ['data', 'channelTxnId'] : ['data', 'refundId'],
          { refundId, paidAs },
        );
      }
    }
    return NOTHING;
  }
  // 多退少补: refund what is in credit, never more (domain.md, pricing)
  if (amount.right.greaterThan(state.credit)) {
    return refuse('REFUND_EXCEEDS_CREDIT', `the unit has ${state.credit.toString()} in credit; a refund of ${amount.right.toString()} is more than that`, ['data', 'amount'], {
      credit: state.credit.toString(),
    });
  }
  const refundedDay = dayOfIso(d.refundedOn);
  // the credit paid back is the oldest open on the refund's date: enough of it must have arisen by then
  const pool = creditPool(state);
  const bad =
    dateAfterToday(ctx.now, ctx.timeZone, refundedDay, DATA_REFUNDED_ON, 'a refund') ??
    (pool.available(refundedDay).lessThan(amount.right) ? dateBefore(d.refundedOn, DATA_REFUNDED_ON, pool.dayHaving(amount.right)!, 'the credit it pays back arose') : null) ??
    closed(ctx, refundedDay, DATA_REFUNDED_ON) ??
    closedMeta(ctx, cmd.meta);
  if (bad !== null) return E.left(bad);
  const data: EventData<'CreditRefunded'> = { refundId, amount: amountOf(amount.right), channel: d.channel, refundedOn: d.refundedOn, lots: pool.take(amount.right, refundedDay) };
  if (d.channelTxnId !== undefined) data.channelTxnId = d.channelTxnId;
  // a refund paid out through a channel is keyed by its channel transaction alone, like a payment: the
  // store then refuses the same transaction on a second account (REFUND_BOOKED_ELSEWHERE, the handler)
  const eventId = d.channelTxnId !== undefined ? eventIdFor('CreditRefunded', [d.channel, d.channelTxnId]) : eventIdFor('CreditRefunded', [ctx.communityId, ctx.unitId, refundId]);
  return E.right([eventFrom('CreditRefunded', data, cmd.meta, ctx, eventId, { effectiveDate: d.refundedOn })]);
};

// the channel transaction (`<channel>:<txn>`) a refund was paid through, or null
const txnOfRefund = (state: AccountState, refundId: string): string | null => {
  for (const [txn, id] of state.refundTxns) if (id === refundId) return txn;
  return null;
};

// ---------------------------------------------------------------------------------------------
// ApplyCredit
// ---------------------------------------------------------------------------------------------

/**
 * Credit the unit holds goes to what it owes, on the command's effective date: the credit that had
 * arisen by then (taken in the order evolve takes it, so every part used had), to the principal
 * and penalty owed by then (issued or re-opened by that day; penalty assessed by then), in the
 * community's allocation order, restricted to `chargeIds` when given. Each part is a
 * CreditApplied of its kind. Nothing to use or nothing owed decides nothing, so a retry appends
 * nothing. Principal paid on a day before a charge's last assessed day lowers that penalty's base
 * and the penalty is counted again; penalty paid from credit changes no base.
 */
const applyCredit = (cmd: CommandOf<'ApplyCredit'>, state: AccountState, ctx: AccountContext): Decision => {
  const d = cmd.data;
  const ids = d.chargeIds;
  if (ids !== undefined) {
    for (let i = 0; i < ids.length; i++) {
      if (!state.charges.has(ids[i]!)) return refuse('CHARGE_NOT_FOUND', `this unit has no charge ${ids[i]!}; credit goes to charges the unit owes`, ['data', 'chargeIds', String(i)]);
    }
  }
  const day = dayOfIso(cmd.meta.effectiveDate);
  const bad = dateAfterToday(ctx.now, ctx.timeZone, day, META_EFFECTIVE_DATE, 'a credit application') ?? closedMeta(ctx, cmd.meta);
  if (bad !== null) return E.left(bad);
  if (!state.credit.isPositive()) return NOTHING;
  // only credit that had arisen by the day can be used on it
  const pool = creditPool(state);
  const usable = pool.available(day);
  if (!usable.isPositive()) return E.left(datedBefore(cmd.meta, pool.nextDay(day)!, 'the credit it would use arose')!);
  const owed = ids === undefined ? receivablesOf(state, day) : receivablesOf(state, day).filter((r) => (ids as readonly string[]).includes(r.chargeId));
  if (owed.length === 0) return NOTHING;
  const allocated = allocatePaymentUnchecked(usable, owed, POLICIES[ctx.policy.allocation]);
  if (E.isLeft(allocated)) return E.left({ ...allocated.left, path: ['data'] });
  const events = allocated.right.allocations.map((a) => {
    const lots = pool.take(a.amount, day);
    const data: EventData<'CreditApplied'> = a.kind === 'penalty' ? { chargeId: a.chargeId as Id, amount: amountOf(a.amount), kind: 'penalty', lots } : { chargeId: a.chargeId as Id, amount: amountOf(a.amount), lots };
    const key = a.kind === 'penalty' ? 'applied-penalty' : 'applied';
    return eventFrom('CreditApplied', data, cmd.meta, ctx, eventIdFor('CreditApplied', [ctx.communityId, ctx.unitId, a.chargeId, key, cmd.meta.effectiveDate, String(state.version)]));
  });
  const recounted = recountPenalties(state, events, { cause: `credit:${cmd.meta.effectiveDate}:${state.version}`, day, path: META_EFFECTIVE_DATE, meta: cmd.meta, ctx });
  if (E.isLeft(recounted)) return recounted;
  return E.right(withCompletedPlans(state, recounted.right, cmd.meta, ctx, cmd.meta.effectiveDate));
};

/**
 * Whether a charge was owed at the start of `day` (epoch day), as RecordReminder asks of the charges
 * it names: it owes principal or penalty now, or the last change to it (the payment or waiver that
 * settled it) was on that day or later.
 *
 * @example
 * owingOn(charge, dayOfIso('2025-04-25')); // false once it was paid in full on April 20
 */
export const owingOn = (c: ChargeState, day: number): boolean =>
  !c.outstandingPrincipal.isZero() || !c.outstandingPenalty.isZero() || c.changedDay >= day;

const recordReminder = (cmd: CommandOf<'RecordReminder'>, state: AccountState, ctx: AccountContext): Decision => {
  const d = cmd.data;
  const key = reminderKey(d);
  if (state.reminderKeys.has(key)) return NOTHING;
  const sentDay = dayOfIso(d.on);
  // a stage past the plain reminder (a call, a written notice, legal review) chases arrears: some
  // charge it is about was past its due date on the day it was sent
  const escalated = d.stage !== 'reminder';
  let overdue = false;
  for (let i = 0; i < d.chargeIds.length; i++) {
    const c = state.charges.get(d.chargeIds[i]!);
    const at = ['data', 'chargeIds', String(i)];
    if (c === undefined) return refuse('CHARGE_NOT_FOUND', `this unit has no charge ${d.chargeIds[i]!}; a reminder names charges the unit owes`, at);
    if (c.cancelled) return refuse('CHARGE_CANCELLED', `charge ${c.chargeId} was cancelled; a reminder names charges the unit owes`, at);
    if (c.issuedDay > sentDay) {
      return refuse('DATED_BEFORE_ORIGINAL', `charge ${c.chargeId} was issued on ${isoDateOf(c.issuedDay)}, after ${d.on}, the day this reminder was sent`, DATA_ON, {
        date: d.on,
        earliest: isoDateOf(c.issuedDay),
      });
    }
    if (!owingOn(c, sentDay)) return refuse('CHARGE_NOT_OWED', `charge ${c.chargeId} was settled before ${d.on}, the day this reminder was sent; a reminder names charges the unit owes`, at);
    if (c.dueDay < sentDay) overdue = true;
  }
  // a reminder about the whole account (no charges named): some charge was owed and overdue that day
  if (escalated && d.chargeIds.length === 0) {
    for (const c of state.charges.values()) if (!c.cancelled && c.issuedDay <= sentDay && c.dueDay < sentDay && owingOn(c, sentDay)) overdue = true;
  }
  if (escalated && !overdue) {
    return refuse(
      'REMINDER_NOT_OVERDUE',
      `a ${d.stage} reminder chases arrears, but on ${d.on} ${d.chargeIds.length === 0 ? 'no charge of this unit was' : d.chargeIds.length === 1 ? `charge ${d.chargeIds[0]!} was not yet` : 'none of the charges named was'} past its due date; record it at the 'reminder' stage`,
      ['data', 'stage'],
      { stage: d.stage, on: d.on },
    );
  }
  const bad = dateAfterToday(ctx.now, ctx.timeZone, sentDay, DATA_ON, 'a reminder') ?? closed(ctx, sentDay, DATA_ON) ?? closedMeta(ctx, cmd.meta);
  if (bad !== null) return E.left(bad);
  // dated the day it was sent, as the fact it records
  const on = d.on === cmd.meta.effectiveDate ? undefined : { effectiveDate: d.on };
  return E.right([eventFrom('ReminderRecorded', d, cmd.meta, ctx, eventIdFor('ReminderRecorded', [ctx.communityId, ctx.unitId, key]), on)]);
};

const classifyArrears = (cmd: CommandOf<'ClassifyArrears'>, state: AccountState, ctx: AccountContext): Decision => {
  if (state.arrearsClass === cmd.data.arrearsClass) return NOTHING;
  const onDay = dayOfIso(cmd.data.on);
  // a class is assigned when a clerk decides it: today at the latest, as a reminder is sent
  const bad = dateAfterToday(ctx.now, ctx.timeZone, onDay, DATA_ON, 'an arrears classification') ?? closed(ctx, onDay, DATA_ON) ?? closedMeta(ctx, cmd.meta);
  if (bad !== null) return E.left(bad);
  return E.right([
    eventFrom('ArrearsClassified', cmd.data, cmd.meta, ctx, eventIdFor('ArrearsClassified', [ctx.communityId, ctx.unitId, cmd.data.arrearsClass, cmd.data.on, String(state.version)])),
  ]);
};

// ---------------------------------------------------------------------------------------------
// the decider
// ---------------------------------------------------------------------------------------------

type Deciders = { [K in AccountCommand['type']]: (c: CommandOf<K>, s: AccountState, x: AccountContext) => Decision };

const deciders: Deciders = {
  IssueCharge: issueCharge,
  CancelCharge: cancelCharge,
  ReceivePayment: receivePayment,
  ReversePayment: reversePayment,
  AssessPenalty: assessPenalties,
  GrantWaiver: grantWaiver,
  AgreeInstallmentPlan: agreePlan,
  ApplyCredit: applyCredit,
  RefundCredit: refundCredit,
  RecordReminder: recordReminder,
  ClassifyArrears: classifyArrears,
};

/**
 * Decides an account command against the account's state: the events it leads to (none for a
 * retry of something already done), or the DomainError that refuses it. The command is expected
 * decoded (decodeCommand); amounts in it are still checked here.
 *
 * @example
 * decideAccount({ type: 'RefundCredit', data: { amount: '500', channel: 'cash', refundedOn: '2025-05-01' }, meta }, state, ctx);
 * // left({ code: 'REFUND_EXCEEDS_CREDIT', path: ['data', 'amount'], ... }) when the unit has less credit
 */
export const decideAccount = (command: AccountCommand, state: AccountState, context: AccountContext): Decision => {
  const decide = deciders[command.type] as ((c: AccountCommand, s: AccountState, x: AccountContext) => Decision) | undefined;
  if (decide === undefined) return refuse('COMMAND_NOT_FOR_ACCOUNT', `${String((command as { type?: unknown }).type)} is not an account command`, ['type']);
  return decide(command, state, context);
};

/**
 * The account decider: {@link decideAccount}, {@link evolveAccount}, {@link initialAccountState}.
 *
 * @example
 * const state = events.reduce(accountDecider.evolve, accountDecider.initialState());
 * const decided = accountDecider.decide(command, state, ctx);
 */
export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState, AccountContext> = {
  decide: decideAccount,
  evolve: evolveAccount,
  initialState: initialAccountState,
};

/** The type of a decided event of one kind, for tests and projections. */
export type AccountEventOf<K extends AccountEvent['type']> = EventOf<K>;
