/**
 * A unit account's state (业主账户, domain.md, things): what the account decider needs to check a
 * command cheaply, folded from the account stream's events. Charges, payments, credit lots, plans,
 * waivers and refunds are kept in Maps by id, so every check is a lookup; {@link evolveAccount}
 * copies only the record an event touches (copy on write), so folding is about constant work per
 * event and a state once returned never changes.
 *
 * Credit (预收) is kept as lots, one per source (a payment's excess, a cancelled charge's paid
 * part, penalty a recount gave back), used oldest first among those open on the day, as the events
 * name them: a reversal can then tell which charges its own credit paid and whether it was refunded
 * meanwhile.
 *
 * @example
 * import { evolveAccount, initialAccountState, accountBalance } from '@levy/core';
 * const state = events.reduce(evolveAccount, initialAccountState());
 * accountBalance(state).toString(); // what the unit owes, less its credit
 */
import type { ReceivableKind } from './allocation.js';
import { appended } from './arrays.js';
import { epochDayOf } from './calendar.js';
import { canonicalMoney } from './canonical-amount.js';
import { amountOf, moneyOf } from './codecs.js';
import { IdTable } from './id-table.js';
import type { DecisionContext } from './decider.js';
import { LevyError, domainError } from './errors.js';
import type { AccountEvent, ArrearsClass, Channel, EventData, EventOf, ReminderStage } from './events.js';
import { Money, type RoundingMode } from './money.js';
import { DEFAULT_PENALTY_POLICY, type PenaltyCap, type PenaltyPolicy } from './penalty.js';

// ---------------------------------------------------------------------------------------------
// policy and context
// ---------------------------------------------------------------------------------------------

/** The rules an account is decided under: from the community's current fee schedule (FeeScheduleAdopted). */
export interface AccountPolicy {
  /** 滞纳金: applies only where the service contract provides for it (domain.md, arrears) */
  readonly penalty: PenaltyPolicy & { readonly enabled: boolean };
  readonly allocation: 'oldest-first' | 'penalty-first' | 'largest-first';
  /**
   * the most penalty managers may waive on one charge, all their waivers together, each as
   * granted; beyond it the owners' committee or assembly approves, and waivers they approved do
   * not count toward it
   */
  readonly managerWaiverLimit: Money;
  /** an installment missed by more than this many days defaults its plan */
  readonly installmentGraceDays: number;
}

/** What an account decision knows beyond the command and the state. Built by the handler. */
export interface AccountContext extends DecisionContext {
  readonly communityId: string;
  readonly unitId: string;
  readonly policy: AccountPolicy;
  /** last day (epoch day) of the latest closed period, or null: events dated on or before it are refused (PERIOD_CLOSED) */
  readonly closedThrough: number | null;
  /**
   * the community's time zone as registered (IANA name such as `'Asia/Shanghai'`, the default, or an
   * offset such as `'+08:00'`): today is the business date of `now` there, and nothing is assessed as
   * of a later day (AS_OF_IN_FUTURE)
   */
  readonly timeZone: string;
  /**
   * the penalty policies of the schedules in force before the assessment's day, each from the
   * first day it applied (ascending, the last one `policy.penalty`): an assessment that counts days
   * across a change of schedule counts each day at the daily rate, cap and rounding in force that
   * day, one `PenaltyAssessed` a stretch. Absent (the decider called directly, or one schedule
   * throughout): every day at `policy`'s. The grace and whether penalties apply at all are
   * `policy`'s; days under a schedule with penalties off are counted with the stretch after them.
   * The handler gives it to AssessPenalty.
   */
  readonly penaltyHistory?: readonly PenaltyPolicyFrom[];
}

/** A penalty policy and the first epoch day it applied ({@link AccountContext.penaltyHistory}). */
export interface PenaltyPolicyFrom {
  readonly from: number;
  readonly penalty: AccountPolicy['penalty'];
}

/**
 * The policy when a community has adopted no schedule yet: 日万分之三 from the day after the due
 * date, capped at the principal; oldest first; a manager may waive up to 200.00 of penalty; an
 * installment may be 15 days late before its plan defaults. All of it is a default of policy
 * (domain.md: "a default of a policy object, never a constant buried in code").
 */
export const DEFAULT_ACCOUNT_POLICY: AccountPolicy = Object.freeze({
  penalty: Object.freeze({ ...DEFAULT_PENALTY_POLICY, enabled: true }),
  allocation: 'oldest-first',
  managerWaiverLimit: Money.of('200.00'),
  installmentGraceDays: 15,
});

/**
 * The account policy of a fee schedule (null: {@link DEFAULT_ACCOUNT_POLICY}).
 *
 * @example
 * const policy = accountPolicyFrom(community.currentSchedule); // { penalty: { enabled, dailyRate: '0.0003', ... }, ... }
 */
export const accountPolicyFrom = (schedule: EventData<'FeeScheduleAdopted'> | null): AccountPolicy => {
  if (schedule === null) return DEFAULT_ACCOUNT_POLICY;
  // one policy object per schedule, so penalty.ts validates it once, not once per command
  let policy = policies.get(schedule);
  if (policy === undefined) {
    policy = policyOf(schedule);
    policies.set(schedule, policy);
  }
  return policy;
};

const policies = new WeakMap<object, AccountPolicy>();

// a cap as events record it, read into the policy's form: the data-free kinds are shared
const PRINCIPAL_CAP: PenaltyCap = Object.freeze({ kind: 'principal' });
const NO_CAP: PenaltyCap = Object.freeze({ kind: 'none' });
const capOf = (cap: EventData<'FeeScheduleAdopted'>['penalty']['cap']): PenaltyCap =>
  cap.kind === 'absolute'
    ? Object.freeze({ kind: 'absolute', amount: moneyOf(cap.amount) })
    : cap.kind === 'percentage'
      ? Object.freeze({ kind: 'percentage', percent: cap.percent })
      : cap.kind === 'none'
        ? NO_CAP
        : PRINCIPAL_CAP;

const policyOf = (schedule: EventData<'FeeScheduleAdopted'>): AccountPolicy => {
  const p = schedule.penalty;
  const cap = capOf(p.cap);
  return Object.freeze({
    penalty: Object.freeze({ enabled: p.enabled, dailyRate: p.dailyRate, graceDays: p.graceDays, cap, rounding: p.rounding }),
    allocation: schedule.allocation,
    managerWaiverLimit: moneyOf(schedule.managerWaiverLimit),
    installmentGraceDays: schedule.installmentGraceDays,
  });
};

// ---------------------------------------------------------------------------------------------
// state
// ---------------------------------------------------------------------------------------------

/** A lowering of a charge's principal: from day `from` on, `amount` less is owed (a payment, credit applied, a waiver). */
export interface PrincipalMovement {
  /** first epoch day the lower amount counts: the day after the payment (domain.md: the base is what was unpaid at the start of the day) */
  readonly from: number;
  readonly amount: Money;
  /** what lowered it: a payment id, `credit:<lot>` or `waiver:<id>`; a reversal removes its own */
  readonly source: string;
}

/**
 * One penalty assessment's days on a charge and what they now come to: the assessment as booked,
 * then as counted again by any PenaltyAdjusted event since (a later-booked entry changed the base).
 */
export interface PenaltyPiece {
  /** first and last epoch day counted, inclusive */
  readonly from: number;
  readonly to: number;
  /** the penalty for these days as it now stands */
  readonly amount: Money;
  /** the assessment's daily rate, rounding and cap, kept for counting the days again (cap null: not recorded in the log, the policy in force is used) */
  readonly dailyRate: string;
  readonly rounding: RoundingMode;
  readonly cap: PenaltyCap | null;
}

/** One charge on the account, with what was paid, waived and assessed on it. */
export interface ChargeState {
  readonly chargeId: string;
  readonly feeItemId: string;
  readonly periodKey: string;
  readonly amount: Money;
  readonly commission: Money;
  readonly dueDate: string;
  /** epoch day of the due date */
  readonly dueDay: number;
  /** epoch day the charge was issued (its ChargeIssued's effective date): a payment received earlier does not pay it */
  readonly issuedDay: number;
  /** paid by payments and credit, net of reversals */
  readonly paidPrincipal: Money;
  readonly waivedPrincipal: Money;
  /** amount − paid − waived; zero once cancelled */
  readonly outstandingPrincipal: Money;
  readonly penaltyAssessed: Money;
  readonly penaltyPaid: Money;
  readonly penaltyWaived: Money;
  /** assessed − paid − waived; zero once cancelled */
  readonly outstandingPenalty: Money;
  /** last epoch day a penalty was assessed through, or null: the next assessment starts the day after */
  readonly lastPenaltyDay: number | null;
  /** effective day of the latest penalty assessment, or null: a payment received before it does not pay the penalty */
  readonly penaltyOn: number | null;
  /** the latest effective day of anything that changed it (issued, paid, re-opened, waived, assessed): a cancellation is not dated before it */
  readonly changedDay: number;
  /** the latest effective day a payment reversal re-opened it (principal or penalty), or null: a payment or waiver dated before it does not settle it */
  readonly reopenedDay: number | null;
  readonly cancelled: boolean;
  /** the installment plan last agreed over it */
  readonly planId: string | null;
  /** how the principal ran down: the penalty base timeline */
  readonly movements: readonly PrincipalMovement[];
  /** the penalty assessments on it, in day order (contiguous): what a later-booked change of the base counts again */
  readonly penaltyPieces: readonly PenaltyPiece[];
}

/** A payment received, with where it went. */
export interface PaymentState {
  readonly paymentId: string;
  readonly channel: Channel;
  readonly channelTxnId: string;
  readonly amount: Money;
  readonly receivedDay: number;
  /** as decided (amounts as canonical strings), less penalty given back as credit since (`penaltyToCredit`): read back only by a reversal */
  readonly allocations: EventData<'PaymentReceived'>['allocations'];
  readonly toCredit: Money;
  /** penalty it paid that a PenaltyAdjusted lowered and gave back as credit: a reversal takes it back from credit */
  readonly penaltyToCredit: Money;
  readonly reversed: boolean;
}

const CANCEL_LOT = 'cancel:';

/**
 * The id of the credit lot a cancelled charge's paid part becomes: `cancel:<chargeId>`. Ids hold no
 * colon, so a lot id tells its origin ({@link creditLotOrigin}).
 *
 * @example
 * cancellationLotId('property-2025-03'); // 'cancel:property-2025-03'
 */
export const cancellationLotId = (chargeId: string): string => `${CANCEL_LOT}${chargeId}`;

/**
 * The key of a refund paid out through a channel in {@link AccountState.refundTxns}:
 * `<channel>:<channelTxnId>` (channel names hold no colon).
 *
 * @example
 * refundTxnKey('wechat', '4200001234'); // 'wechat:4200001234'
 */
export const refundTxnKey = (channel: string, channelTxnId: string): string => `${channel}:${channelTxnId}`;

/**
 * The id of the credit lot that penalty paid and then lowered by a recount (PenaltyAdjusted) becomes:
 * `<cause>:<chargeId>`, the adjustment's cause (`payment:<id>`, `reversal:<paymentId>`,
 * `waiver:<id>`, `credit:<date>:<version>`) and the charge.
 *
 * @example
 * recountLotId('payment:wechat-4200001234', 'property-2025-03'); // 'payment:wechat-4200001234:property-2025-03'
 */
export const recountLotId = (cause: string, chargeId: string): string => `${cause}:${chargeId}`;

/**
 * Where a credit lot's credit came from: a payment's excess (the lot is the payment's id), what was
 * paid on a charge cancelled since, or penalty paid on a charge and given back by a recount.
 */
export type CreditLotOrigin =
  | { readonly kind: 'payment'; readonly paymentId: string }
  | { readonly kind: 'cancellation'; readonly chargeId: string }
  | { readonly kind: 'penalty-recount'; readonly cause: string; readonly chargeId: string };

/**
 * Where the credit of a lot id (as events name it in `lots`, `fromCreditLots` and `creditPaid`)
 * came from.
 *
 * @example
 * creditLotOrigin('wechat-4200001234');       // { kind: 'payment', paymentId: 'wechat-4200001234' }
 * creditLotOrigin('cancel:property-2025-03'); // { kind: 'cancellation', chargeId: 'property-2025-03' }
 * creditLotOrigin('reversal:wechat-42:property-2025-03'); // { kind: 'penalty-recount', cause: 'reversal:wechat-42', chargeId: 'property-2025-03' }
 */
export const creditLotOrigin = (lotId: string): CreditLotOrigin => {
  const last = lotId.lastIndexOf(':');
  if (last < 0) return { kind: 'payment', paymentId: lotId };
  if (lotId.startsWith(CANCEL_LOT)) return { kind: 'cancellation', chargeId: lotId.slice(CANCEL_LOT.length) };
  return { kind: 'penalty-recount', cause: lotId.slice(0, last), chargeId: lotId.slice(last + 1) };
};

/** Credit from one source: what is left of it, which charges it paid, and how much of it was refunded. */
export interface CreditLot {
  /** the payment id, `cancel:<chargeId>` ({@link cancellationLotId}) or `<cause>:<chargeId>` ({@link recountLotId}) */
  readonly lotId: string;
  readonly remaining: Money;
  /** what it paid on each charge's principal, less what reversals re-opened of it (all of it, for a payment's own lot) */
  readonly applied: IdTable<Money>;
  /** what it paid on each charge's penalty (ApplyCredit), less what a PenaltyAdjusted gave back since and what reversals re-opened */
  readonly appliedPenalty: IdTable<Money>;
  readonly refunded: Money;
  /** taken back by payment reversals (its own, or another's whose charge was cancelled meanwhile) */
  readonly takenBack: Money;
  /** the epoch day its credit arose (the payment received, the charge cancelled): credit is not used or refunded before it */
  readonly day: number;
}

/** A waiver granted (减免), as {@link AccountState.waivers} keeps it. */
export interface WaiverState {
  readonly chargeId: string;
  readonly kind: ReceivableKind;
  /** as granted */
  readonly amount: Money;
  /** taken off it since by penalty counted again lower than what was waived (always zero for principal) */
  readonly released: Money;
  /**
   * not approved by the owners' committee or assembly (a manager's approval, or in an older log
   * none): a penalty waiver counts, as granted, toward the manager's limit on its charge
   */
  readonly byManager: boolean;
}

/** An installment plan (分期). */
export interface PlanState {
  readonly planId: string;
  readonly chargeIds: readonly string[];
  readonly installments: readonly { readonly seq: number; readonly dueDate: string; readonly dueDay: number; readonly amount: Money }[];
  readonly total: Money;
  readonly graceDays: number;
  readonly status: 'active' | 'defaulted' | 'completed';
  /** epoch day the plan was agreed (its event's effective date): penalties on its charges are suspended from then while it is in good standing, and stay so for those days once it completes */
  readonly agreedDay: number;
}

/** A reminder made (催缴). */
export interface ReminderState {
  readonly stage: ReminderStage;
  readonly channel: string;
  readonly on: string;
  readonly chargeIds: readonly string[];
}

/** Everything the account decider knows about one unit's account. */
export interface AccountState {
  /** events folded so far */
  readonly version: number;
  readonly charges: IdTable<ChargeState>;
  /**
   * positions in `charges` (ascending) of the open charges: not cancelled, and owing principal or
   * penalty, or paid in full after the due date with penalty days not yet assessed ({@link isOpen}).
   * Payments allocate and AssessPenalty assesses over these only: a charge settled by its due date
   * is never read again.
   */
  readonly open: readonly number[];
  readonly payments: IdTable<PaymentState>;
  /** unapplied credit (预收): the sum of the lots' remaining amounts, within Money's limit (the decider keeps it there) */
  readonly credit: Money;
  readonly lots: IdTable<CreditLot>;
  /** lots with something left, oldest first: credit is used in this order, among the lots open on the day ({@link creditOrder}) */
  readonly openLots: readonly string[];
  readonly plans: ReadonlyMap<string, PlanState>;
  /** plans in good standing (suspend penalties on their charges) */
  readonly activePlans: number;
  /**
   * waivers granted, by waiver id, in the order granted: `amount` as granted; `released`, what
   * PenaltyAdjusted lowerings took off a penalty waiver since, when the penalty counted again fell
   * below what had been waived (it now relieves `amount − released`)
   */
  readonly waivers: ReadonlyMap<string, WaiverState>;
  readonly refunds: ReadonlyMap<string, Money>;
  /**
   * refunds paid out through a channel, by `<channel>:<channelTxnId>` → refund id: the channel's
   * transaction is the refund's natural key, so a retry under another refund id finds it
   */
  readonly refundTxns: ReadonlyMap<string, string>;
  readonly reminders: readonly ReminderState[];
  readonly reminderKeys: ReadonlySet<string>;
  readonly arrearsClass: ArrearsClass;
  /**
   * whether some charge's amount or penalty assessed ever went past {@link LARGE_CHARGE}: until
   * then what the unit owes is far within Money's limit, and a decision need not count it
   */
  readonly large: boolean;
}

/**
 * The charge amount (or penalty assessed on one charge) past which an account is {@link AccountState.large}:
 * 2^38 fen, 2,748,779,069.44. Below it, the 10,000 charges an account may hold, each owing at most
 * twice it, owe far less than Money holds, so a decision that adds to what the unit owes checks
 * that with a comparison; past it, it counts (docs/accounts.md, Money's limit).
 *
 * @example
 * LARGE_CHARGE.toString(); // '2748779069.44'
 */
export const LARGE_CHARGE: Money = Money.fromMinorUnits(2 ** 38);

// the empty tables every new account starts from, shared: evolving never changes a table in place
// (it copies, or IdTable.set builds a new one), and an account's states live for months, so a Map
// or Set per account that stays empty would only be more for the garbage collector to copy
const NO_PLANS: ReadonlyMap<string, PlanState> = new Map();
const NO_WAIVERS: ReadonlyMap<string, WaiverState> = new Map();
const NO_REFUNDS: ReadonlyMap<string, Money> = new Map();
const NO_REFUND_TXNS: ReadonlyMap<string, string> = new Map();
const NO_REMINDER_KEYS: ReadonlySet<string> = new Set();
const NO_IDS: readonly string[] = Object.freeze([]);
const NO_POSITIONS: readonly number[] = Object.freeze([]);
const NO_REMINDERS: readonly ReminderState[] = Object.freeze([]);

/**
 * The state of an account with no events. Its tables are empty and shared between accounts: no
 * fold ever changes a table in place.
 *
 * @example
 * initialAccountState().credit.toString(); // '0.00'
 */
export const initialAccountState = (): AccountState => ({
  version: 0,
  charges: IdTable.empty<ChargeState>(),
  open: NO_POSITIONS,
  payments: IdTable.empty<PaymentState>(),
  credit: Money.zero(),
  lots: IdTable.empty<CreditLot>(),
  openLots: NO_IDS,
  plans: NO_PLANS,
  activePlans: 0,
  waivers: NO_WAIVERS,
  refunds: NO_REFUNDS,
  refundTxns: NO_REFUND_TXNS,
  reminders: NO_REMINDERS,
  reminderKeys: NO_REMINDER_KEYS,
  arrearsClass: 'none',
  large: false,
});

// ---------------------------------------------------------------------------------------------
// reading the state
// ---------------------------------------------------------------------------------------------

/**
 * What the unit owes, less its credit: outstanding principal plus outstanding penalty minus credit.
 * Equals charges − cancellations + penalties − waivers − payments + reversals + refunds (DESIGN.md, invariants).
 * What is owed and the credit each stay within Money's limit: the decider refuses a command that
 * would take either past it (AMOUNT_TOO_LARGE, docs/accounts.md), so this sum never throws.
 *
 * @example
 * accountBalance(state).toString(); // '250.60'
 */
export const accountBalance = (state: AccountState): Money => {
  const parts: Money[] = [state.credit.negate()];
  for (const c of state.charges.values()) parts.push(c.outstandingPrincipal, c.outstandingPenalty);
  return Money.sum(parts);
};

/**
 * Outstanding principal and penalty over all charges.
 *
 * @example
 * accountOutstanding(state); // { principal: Money, penalty: Money }
 */
export const accountOutstanding = (state: AccountState): { principal: Money; penalty: Money } => {
  const principal: Money[] = [];
  const penalty: Money[] = [];
  for (const c of state.charges.values()) {
    principal.push(c.outstandingPrincipal);
    penalty.push(c.outstandingPenalty);
  }
  return { principal: Money.sum(principal), penalty: Money.sum(penalty) };
};

/**
 * What a plan's charges still owe (principal and penalty).
 *
 * @example
 * planOutstanding(state, state.plans.get('plan-1')!).toString();
 */
export const planOutstanding = (state: AccountState, plan: PlanState): Money => {
  const parts: Money[] = [];
  for (const id of plan.chargeIds) {
    const c = state.charges.get(id);
    if (c !== undefined) parts.push(c.outstandingPrincipal, c.outstandingPenalty);
  }
  return Money.sum(parts);
};

/**
 * The epoch day of an ISO date that a codec has already checked (`YYYY-MM-DD`), without a regex.
 *
 * @example
 * dayOfIso('1970-01-02'); // 1
 */
export const dayOfIso = (iso: string): number => {
  const y = (iso.charCodeAt(0) - 48) * 1000 + (iso.charCodeAt(1) - 48) * 100 + (iso.charCodeAt(2) - 48) * 10 + (iso.charCodeAt(3) - 48);
  const m = (iso.charCodeAt(5) - 48) * 10 + (iso.charCodeAt(6) - 48);
  const d = (iso.charCodeAt(8) - 48) * 10 + (iso.charCodeAt(9) - 48);
  return epochDayOf(y, m, d);
};

// ---------------------------------------------------------------------------------------------
// evolve
// ---------------------------------------------------------------------------------------------

const ZERO = Money.zero();

// evolve reads back amounts decide just wrote, in Money's canonical form: read them digit by digit
const money = (amount: string): Money => canonicalMoney(amount) ?? moneyOf(amount as Parameters<typeof moneyOf>[0]);

/**
 * `amount`, or `owed` itself when they are equal: paying off what is owed is the common case, and
 * one Money object then serves the charge, its movement and the payment (an account keeps them for
 * months, and each object is more for the garbage collector to copy). Amounts are immutable, so
 * which of two equal objects is kept changes nothing else.
 */
const settling = (amount: Money, owed: Money): Money => (amount.equals(owed) ? owed : amount);

const withCharge = (charges: IdTable<ChargeState>, c: ChargeState): IdTable<ChargeState> => charges.set(c.chargeId, c);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// a new charge's lists, shared until something is appended (evolving never changes a list in place)
const NO_MOVEMENTS: readonly PrincipalMovement[] = Object.freeze([]);
const NO_PIECES: readonly PenaltyPiece[] = Object.freeze([]);

// copies written out field by field: V8 builds these ~5x faster than `{ ...c, field }`, and every
// copy has the one shape; the caller sets the changed fields on its own fresh copy
const copyCharge = (c: ChargeState): Mutable<ChargeState> => ({
  chargeId: c.chargeId,
  feeItemId: c.feeItemId,
  periodKey: c.periodKey,
  amount: c.amount,
  commission: c.commission,
  dueDate: c.dueDate,
  dueDay: c.dueDay,
  issuedDay: c.issuedDay,
  paidPrincipal: c.paidPrincipal,
  waivedPrincipal: c.waivedPrincipal,
  outstandingPrincipal: c.outstandingPrincipal,
  penaltyAssessed: c.penaltyAssessed,
  penaltyPaid: c.penaltyPaid,
  penaltyWaived: c.penaltyWaived,
  outstandingPenalty: c.outstandingPenalty,
  lastPenaltyDay: c.lastPenaltyDay,
  penaltyOn: c.penaltyOn,
  changedDay: c.changedDay,
  reopenedDay: c.reopenedDay,
  cancelled: c.cancelled,
  planId: c.planId,
  movements: c.movements,
  penaltyPieces: c.penaltyPieces,
});

const copyState = (s: AccountState): Mutable<AccountState> => ({
  version: s.version,
  charges: s.charges,
  open: s.open,
  payments: s.payments,
  credit: s.credit,
  lots: s.lots,
  openLots: s.openLots,
  plans: s.plans,
  activePlans: s.activePlans,
  waivers: s.waivers,
  refunds: s.refunds,
  refundTxns: s.refundTxns,
  reminders: s.reminders,
  reminderKeys: s.reminderKeys,
  arrearsClass: s.arrearsClass,
  large: s.large,
});

const copyLot = (lot: CreditLot): Mutable<CreditLot> => ({
  lotId: lot.lotId,
  remaining: lot.remaining,
  applied: lot.applied,
  appliedPenalty: lot.appliedPenalty,
  refunded: lot.refunded,
  takenBack: lot.takenBack,
  day: lot.day,
});

/**
 * The open credit lots in the order credit is used: `first` (a lot id, or several in the order
 * given, those open) before the others, then oldest first (the order the lots were made, a lot
 * emptied and topped up again going last). The decider takes credit in this order from the lots
 * whose credit had arisen by the day it is used, and names the lots in the event; evolve takes the
 * lots named, and this order only for events of logs written before lots were recorded.
 *
 * @example
 * creditOrder(state, 'wechat-4200001234'); // that payment's own lot first
 * creditOrder(state, ['wechat-4200001234', 'cancel:property-2025-03']); // then what its cancelled charge left
 */
export const creditOrder = (state: AccountState, first?: string | readonly string[]): readonly string[] => {
  if (first === undefined) return state.openLots;
  if (typeof first === 'string') return state.openLots.includes(first) ? [first, ...state.openLots.filter((l) => l !== first)] : state.openLots;
  const ahead = [...new Set(first)].filter((id) => state.openLots.includes(id));
  return ahead.length === 0 ? state.openLots : [...ahead, ...state.openLots.filter((l) => !ahead.includes(l))];
};

/**
 * Uses `amount` of credit, recording each part with `record`: from the lots the event names
 * (`named`: CreditApplied's and CreditRefunded's `lots`, PaymentReversed's `fromCreditLots`), which
 * the decider chose among the lots open on the event's day; in logs written before lots were
 * recorded, in {@link creditOrder}.
 */
const useCredit = (
  state: AccountState,
  amount: Money,
  record: (lot: Mutable<CreditLot>, part: Money) => CreditLot,
  first: string | undefined,
  named: readonly { readonly lotId: string; readonly amount: string }[] | undefined,
  field: 'lots' | 'fromCreditLots' = 'lots',
): { lots: IdTable<CreditLot>; openLots: string[]; parts: { lotId: string; amount: Money }[] } => {
  if (named !== undefined) return useNamedCredit(state, amount, record, named, ['data', field]);
  let lots = state.lots;
  const order = creditOrder(state, first);
  const openLots: string[] = [];
  const parts: { lotId: string; amount: Money }[] = [];
  let left = amount;
  for (const lotId of order) {
    const lot = lots.get(lotId);
    if (lot === undefined) continue;
    if (left.isPositive() && lot.remaining.isPositive()) {
      const part = Money.min(left, lot.remaining);
      left = left.subtract(part);
      const copy = copyLot(lot);
      copy.remaining = lot.remaining.subtract(part);
      const next = record(copy, part);
      lots = lots.set(lotId, next);
      parts.push({ lotId, amount: part });
      if (next.remaining.isPositive()) openLots.push(lotId);
    } else if (lot.remaining.isPositive()) {
      openLots.push(lotId);
    }
  }
  // keep the original age order of the lots that stay open
  if (first !== undefined) openLots.sort((a, b) => state.openLots.indexOf(a) - state.openLots.indexOf(b));
  return { lots, openLots, parts };
};

/** {@link useCredit} from the lots an event names: each must hold its part, and the parts must add up to `amount`. */
const useNamedCredit = (
  state: AccountState,
  amount: Money,
  record: (lot: Mutable<CreditLot>, part: Money) => CreditLot,
  named: readonly { readonly lotId: string; readonly amount: string }[],
  path: readonly string[],
): { lots: IdTable<CreditLot>; openLots: string[]; parts: { lotId: string; amount: Money }[] } => {
  let lots = state.lots;
  const parts: { lotId: string; amount: Money }[] = [];
  let sum = ZERO;
  for (const n of named) {
    const part = money(n.amount);
    const lot = lots.get(n.lotId);
    if (lot === undefined || part.greaterThan(lot.remaining)) {
      throw new LevyError(domainError('LOG_INCONSISTENT', `an event takes ${n.amount} of credit from lot ${n.lotId}, which holds ${lot === undefined ? 'nothing' : lot.remaining.toString()}`, path));
    }
    const copy = copyLot(lot);
    copy.remaining = lot.remaining.subtract(part);
    lots = lots.set(n.lotId, record(copy, part));
    parts.push({ lotId: n.lotId, amount: part });
    sum = sum.add(part);
  }
  if (!sum.equals(amount)) throw new LevyError(domainError('LOG_INCONSISTENT', `an event takes ${amount.toString()} of credit, but the lots it names add up to ${sum.toString()}`, path));
  const openLots = state.openLots.filter((id) => lots.get(id)!.remaining.isPositive());
  return { lots, openLots, parts };
};

/** A payment's allocations with `part` less penalty on `chargeId`, taken from its last such lines (a line brought to zero is dropped). */
const lessPenalty = (allocations: PaymentState['allocations'], chargeId: string, part: Money): PaymentState['allocations'] => {
  const out = [...allocations];
  let left = part;
  for (let i = out.length - 1; i >= 0 && left.isPositive(); i--) {
    const a = out[i]!;
    if (a.chargeId !== chargeId || a.kind !== 'penalty') continue;
    const has = money(a.amount);
    const take = Money.min(has, left);
    left = left.subtract(take);
    if (take.equals(has)) out.splice(i, 1);
    else out[i] = { ...a, amount: amountOf(has.subtract(take)) };
  }
  return out;
};

/** Adds `amount` to lot `lotId` (a new lot at the end of the open ones) on `state`, a fresh copy this evolver made. */
const addLot = (state: Mutable<AccountState>, lotId: string, amount: Money, day: number): AccountState => {
  const existing = state.lots.get(lotId);
  let lot: Mutable<CreditLot>;
  if (existing === undefined) lot = { lotId, remaining: amount, applied: IdTable.empty<Money>(), appliedPenalty: IdTable.empty<Money>(), refunded: ZERO, takenBack: ZERO, day };
  else {
    lot = copyLot(existing);
    lot.remaining = existing.remaining.add(amount);
    if (day > lot.day) lot.day = day;
  }
  state.lots = state.lots.set(lotId, lot);
  if (!state.openLots.includes(lotId)) state.openLots = appended(state.openLots, lotId);
  state.credit = state.credit.add(amount);
  return state;
};

/** a fresh copy of `c` changed on `day` (its changedDay moves up to it) */
const changed = (c: ChargeState, day: number): Mutable<ChargeState> => {
  const next = copyCharge(c);
  if (day > c.changedDay) next.changedDay = day;
  return next;
};

const payPrincipal = (c: ChargeState, amount: Money, from: number, source: string): ChargeState => {
  const next = changed(c, from - 1);
  next.paidPrincipal = c.paidPrincipal.add(amount);
  next.outstandingPrincipal = c.outstandingPrincipal.subtract(amount);
  next.movements = appended(c.movements, { from, amount, source });
  return next;
};

/** {@link changed}, by a reversal that re-opens it on `day` (its reopenedDay moves up to it) */
const reopened = (c: ChargeState, day: number): Mutable<ChargeState> => {
  const next = changed(c, day);
  if (c.reopenedDay === null || day > c.reopenedDay) next.reopenedDay = day;
  return next;
};

const reopenPrincipal = (c: ChargeState, amount: Money, source: string, day: number): ChargeState => {
  const next = reopened(c, day);
  next.paidPrincipal = c.paidPrincipal.subtract(amount);
  next.outstandingPrincipal = c.outstandingPrincipal.add(amount);
  next.movements = c.movements.filter((m) => m.source !== source);
  return next;
};

/**
 * {@link reopenPrincipal} of `amount`, part of what `source` paid on the charge: its movements lose
 * that much in the order they were made (as the account book re-opens the days a lot paid), a
 * movement brought to zero dropped.
 */
const reopenPrincipalPart = (c: ChargeState, amount: Money, source: string, day: number): ChargeState => {
  const next = reopened(c, day);
  next.paidPrincipal = c.paidPrincipal.subtract(amount);
  next.outstandingPrincipal = c.outstandingPrincipal.add(amount);
  const movements: PrincipalMovement[] = [];
  let left = amount;
  for (const m of c.movements) {
    if (m.source !== source || !left.isPositive()) movements.push(m);
    else {
      const part = Money.min(left, m.amount);
      left = left.subtract(part);
      if (part.lessThan(m.amount)) movements.push({ from: m.from, amount: m.amount.subtract(part), source });
    }
  }
  next.movements = movements;
  return next;
};

const payPenalty = (c: ChargeState, amount: Money, day: number): ChargeState => {
  const next = changed(c, day);
  next.penaltyPaid = c.penaltyPaid.add(amount);
  next.outstandingPenalty = c.outstandingPenalty.subtract(amount);
  return next;
};

const reopenPenalty = (c: ChargeState, amount: Money, day: number): ChargeState => {
  const next = reopened(c, day);
  next.penaltyPaid = c.penaltyPaid.subtract(amount);
  next.outstandingPenalty = c.outstandingPenalty.add(amount);
  return next;
};

/**
 * The first day from which a charge's principal (or penalty) has been owed as it stands: the day
 * it was issued, or the latest day a reversal re-opened it, whichever is later (for penalty, also
 * the latest assessment). A payment or waiver dated before that day cannot settle it: on that
 * day the amount it would settle was not owed (the ledger would show the charge over-settled until then).
 *
 * @example
 * owedSince(charge, 'principal'); // epoch day
 */
export const owedSince = (c: ChargeState, kind: 'principal' | 'penalty'): number => {
  let day = c.issuedDay;
  if (c.reopenedDay !== null && c.reopenedDay > day) day = c.reopenedDay;
  if (kind === 'penalty' && c.penaltyOn !== null && c.penaltyOn > day) day = c.penaltyOn;
  return day;
};

/**
 * The first day nothing was owed on a charge whose principal is paid or waived in full: the day
 * after its last lowering (every lowering counts from then; they only ever lower it).
 *
 * @example
 * settledFrom(charge); // epoch day, or -Infinity when nothing lowered it
 */
export const settledFrom = (c: ChargeState): number => {
  let last = Number.NEGATIVE_INFINITY;
  for (const m of c.movements) if (m.from > last) last = m.from;
  return last;
};

/**
 * Whether a penalty assessment may still reach the charge under any valid policy (grace of 0 days
 * or more): it owes principal, or it was paid in full after its due date and its penalty is not yet
 * assessed through the day before it was settled.
 *
 * @example
 * mayAccrue(charge); // false once paid by the due date
 */
export const mayAccrue = (c: ChargeState): boolean => {
  if (c.cancelled) return false;
  if (!c.outstandingPrincipal.isZero()) return true;
  const settled = settledFrom(c);
  // paid by the due date: the first chargeable day (due + grace + 1) is after the last unpaid day
  if (settled <= c.dueDay + 1) return false;
  return c.lastPenaltyDay === null || c.lastPenaltyDay < settled - 1;
};

/**
 * Whether a charge is open (see {@link AccountState.open}): not cancelled, and owing principal or
 * penalty, or still able to accrue penalty ({@link mayAccrue}).
 *
 * @example
 * isOpen(charge); // false once principal and penalty are paid and no day is left to assess
 */
export const isOpen = (c: ChargeState): boolean => !c.cancelled && (!c.outstandingPenalty.isZero() || mayAccrue(c));

/** `open` after the charge `touched` changed in `charges` (positions kept ascending). */
const openAfter = (open: readonly number[], charges: IdTable<ChargeState>, touched: string): readonly number[] => {
  const at = charges.indexOf(touched);
  const c = charges.toArray()[at];
  if (c === undefined) return open;
  const i = open.indexOf(at);
  const want = isOpen(c);
  if (want === i >= 0) return open;
  if (!want) return open.length === 1 ? NO_POSITIONS : open.filter((p) => p !== at);
  // a new charge is the last; a re-opened one goes back in its place
  const out = appended(open, at);
  return open.length === 0 || open[open.length - 1]! < at ? out : out.sort((a, b) => a - b);
};

type Touched = string | readonly { readonly chargeId: string }[];

/**
 * `s` with other charges: a fresh state the evolver may go on changing. `touched` (a charge id, or
 * allocations naming charges, repeats allowed) and `also` are the charges whose amounts changed,
 * so the open charges are brought up to date.
 */
const withCharges = (s: AccountState, charges: IdTable<ChargeState>, touched: Touched = NONE_TOUCHED, also: Touched = NONE_TOUCHED): Mutable<AccountState> => {
  const next = copyState(s);
  next.charges = charges;
  next.open = reopenAll(reopenAll(s.open, charges, touched), charges, also);
  return next;
};

const reopenAll = (open: readonly number[], charges: IdTable<ChargeState>, touched: Touched): readonly number[] => {
  if (typeof touched === 'string') return openAfter(open, charges, touched);
  let out = open;
  for (let i = 0; i < touched.length; i++) out = openAfter(out, charges, touched[i]!.chargeId);
  return out;
};

const NONE_TOUCHED: readonly { readonly chargeId: string }[] = Object.freeze([]);

const chargeOf = (state: AccountState, chargeId: string): ChargeState => {
  const c = state.charges.get(chargeId);
  // events come from the decider, which checked the charge exists; a log that says otherwise is corrupt
  if (c === undefined) {
    throw new LevyError(domainError('LOG_INCONSISTENT', `the account log names charge ${chargeId} before it was issued: the log was written by other code or changed`, ['data', 'chargeId'], { chargeId }));
  }
  return c;
};

type Evolvers = { [K in AccountEvent['type']]: (s: AccountState, e: EventOf<K>) => AccountState };

const evolvers: Evolvers = {
  ChargeIssued: (s, { data: d, meta }) => {
    const amount = money(d.amount);
    const issuedDay = dayOfIso(meta.effectiveDate);
    const c: ChargeState = {
      chargeId: d.chargeId,
      feeItemId: d.feeItemId,
      periodKey: d.periodKey,
      amount,
      commission: money(d.commission),
      dueDate: d.dueDate,
      dueDay: dayOfIso(d.dueDate),
      issuedDay,
      paidPrincipal: ZERO,
      waivedPrincipal: ZERO,
      outstandingPrincipal: amount,
      penaltyAssessed: ZERO,
      penaltyPaid: ZERO,
      penaltyWaived: ZERO,
      outstandingPenalty: ZERO,
      lastPenaltyDay: null,
      penaltyOn: null,
      changedDay: issuedDay,
      reopenedDay: null,
      cancelled: false,
      planId: null,
      movements: NO_MOVEMENTS,
      penaltyPieces: NO_PIECES,
    };
    const next = withCharges(s, withCharge(s.charges, c), c.chargeId);
    if (amount.greaterThan(LARGE_CHARGE)) next.large = true;
    return next;
  },
  CreditApplied: (s, { data: d, meta }) => {
    const amount = money(d.amount);
    const day = dayOfIso(meta.effectiveDate);
    const penalty = d.kind === 'penalty';
    let c = chargeOf(s, d.chargeId);
    const used = useCredit(
      s,
      amount,
      (lot, part) => {
        if (penalty) lot.appliedPenalty = lot.appliedPenalty.set(d.chargeId, (lot.appliedPenalty.get(d.chargeId) ?? ZERO).add(part));
        else lot.applied = lot.applied.set(d.chargeId, (lot.applied.get(d.chargeId) ?? ZERO).add(part));
        return lot;
      },
      undefined,
      d.lots,
    );
    if (penalty) c = payPenalty(c, amount, day);
    else for (const p of used.parts) c = payPrincipal(c, p.amount, day + 1, `credit:${p.lotId}`);
    const next = withCharges(s, withCharge(s.charges, c), d.chargeId);
    next.lots = used.lots;
    next.openLots = used.openLots;
    next.credit = s.credit.subtract(amount);
    return next;
  },
  ChargeCancelled: (s, { data: d, meta }) => {
    const c = chargeOf(s, d.chargeId);
    const toCredit = money(d.paidPrincipalToCredit).add(money(d.paidPenaltyToCredit));
    const day = dayOfIso(meta.effectiveDate);
    const cancelled = changed(c, day);
    cancelled.cancelled = true;
    cancelled.outstandingPrincipal = ZERO;
    cancelled.outstandingPenalty = ZERO;
    const next = withCharges(s, withCharge(s.charges, cancelled), d.chargeId);
    return toCredit.isPositive() ? addLot(next, cancellationLotId(d.chargeId), toCredit, day) : next;
  },
  PaymentReceived: (s, { data: d }) => {
    const receivedDay = dayOfIso(d.receivedOn);
    let charges = s.charges;
    // the amount of the last allocation: a payment of one allocation and no credit is that amount
    let last: Money = ZERO;
    for (const a of d.allocations) {
      const c = charges.get(a.chargeId) ?? chargeOf(s, a.chargeId);
      const principal = a.kind === 'principal';
      const amount = settling(money(a.amount), principal ? c.outstandingPrincipal : c.outstandingPenalty);
      charges = charges.set(a.chargeId, principal ? payPrincipal(c, amount, receivedDay + 1, d.paymentId) : payPenalty(c, amount, receivedDay));
      last = amount;
    }
    const toCredit = money(d.toCredit);
    const payment: PaymentState = {
      paymentId: d.paymentId,
      channel: d.channel,
      channelTxnId: d.channelTxnId,
      amount: d.allocations.length === 1 && toCredit.isZero() ? settling(money(d.amount), last) : money(d.amount),
      receivedDay,
      allocations: d.allocations,
      toCredit,
      penaltyToCredit: ZERO,
      reversed: false,
    };
    const next = withCharges(s, charges, d.allocations);
    next.payments = s.payments.set(d.paymentId, payment);
    return toCredit.isPositive() ? addLot(next, d.paymentId, toCredit, receivedDay) : next;
  },
  PaymentReversed: (s, { data: d, meta }) => {
    const day = dayOfIso(meta.effectiveDate);
    let charges = s.charges;
    for (const a of d.allocations) {
      const c = charges.get(a.chargeId) ?? chargeOf(s, a.chargeId);
      const amount = money(a.amount);
      charges = charges.set(
        a.chargeId,
        a.kind === 'principal' ? reopenPrincipal(c, amount, d.paymentId, day) : reopenPenalty(c, amount, day),
      );
    }
    let lots = s.lots;
    const own = s.lots.get(d.paymentId);
    if (own !== undefined && d.creditApplications.length > 0) {
      const lot = copyLot(own);
      for (const ca of d.creditApplications) {
        if (ca.lot !== undefined) continue;
        const c = charges.get(ca.chargeId) ?? chargeOf(s, ca.chargeId);
        if (ca.kind === 'penalty') {
          charges = charges.set(ca.chargeId, reopenPenalty(c, money(ca.amount), day));
          lot.appliedPenalty = lot.appliedPenalty.set(ca.chargeId, ZERO);
        } else {
          charges = charges.set(ca.chargeId, reopenPrincipal(c, money(ca.amount), `credit:${d.paymentId}`, day));
          lot.applied = lot.applied.set(ca.chargeId, ZERO);
        }
      }
      lots = s.lots.set(d.paymentId, lot);
    }
    // applications of another lot its money went into (a charge it paid, cancelled since): that lot paid that much less
    for (const ca of d.creditApplications) {
      if (ca.lot === undefined) continue;
      const amount = money(ca.amount);
      const penalty = ca.kind === 'penalty';
      const from = lots.get(ca.lot);
      const had = from === undefined ? undefined : (penalty ? from.appliedPenalty : from.applied).get(ca.chargeId);
      if (from === undefined || had === undefined || amount.greaterThan(had)) {
        throw new LevyError(
          domainError('LOG_INCONSISTENT', `PaymentReversed re-opens ${ca.amount} that credit lot ${ca.lot} paid on charge ${ca.chargeId}, which it paid ${had === undefined ? 'nothing' : had.toString()} of`, ['data', 'creditApplications']),
        );
      }
      const lot = copyLot(from);
      if (penalty) lot.appliedPenalty = from.appliedPenalty.set(ca.chargeId, had.subtract(amount));
      else lot.applied = from.applied.set(ca.chargeId, had.subtract(amount));
      lots = lots.set(ca.lot, lot);
      const c = charges.get(ca.chargeId) ?? chargeOf(s, ca.chargeId);
      charges = charges.set(ca.chargeId, penalty ? reopenPenalty(c, amount, day) : reopenPrincipalPart(c, amount, `credit:${ca.lot}`, day));
    }
    const p = s.payments.get(d.paymentId);
    const payments = p === undefined ? s.payments : s.payments.set(d.paymentId, { ...p, reversed: true });
    const fromCredit = money(d.fromCredit);
    const base = withCharges(s, charges, d.allocations, d.creditApplications);
    base.payments = payments;
    base.lots = lots;
    if (!fromCredit.isPositive()) return base;
    const used = useCredit(
      base,
      fromCredit,
      (lot, part) => {
        lot.takenBack = lot.takenBack.add(part);
        return lot;
      },
      d.paymentId,
      d.fromCreditLots,
      'fromCreditLots',
    );
    base.lots = used.lots;
    base.openLots = used.openLots;
    base.credit = base.credit.subtract(fromCredit);
    return base;
  },
  PenaltyAssessed: (s, { data: d, meta }) => {
    const c = chargeOf(s, d.chargeId);
    const amount = money(d.amount);
    const on = dayOfIso(meta.effectiveDate);
    const next = changed(c, on);
    next.penaltyAssessed = c.penaltyAssessed.add(amount);
    next.outstandingPenalty = c.outstandingPenalty.add(amount);
    next.lastPenaltyDay = dayOfIso(d.to);
    if (c.penaltyOn === null || on > c.penaltyOn) next.penaltyOn = on;
    next.penaltyPieces = appended(c.penaltyPieces, { from: dayOfIso(d.from), to: next.lastPenaltyDay, amount, dailyRate: d.dailyRate, rounding: d.rounding, cap: d.cap === undefined ? null : capOf(d.cap) });
    const state = withCharges(s, withCharge(s.charges, next), d.chargeId);
    if (next.penaltyAssessed.greaterThan(LARGE_CHARGE)) state.large = true;
    return state;
  },
  PenaltyAdjusted: (s, { data: d, meta }) => {
    const c = chargeOf(s, d.chargeId);
    const amount = money(d.amount);
    const on = dayOfIso(meta.effectiveDate);
    const next = changed(c, on);
    // penalty that had been paid and is now lowered goes back to credit, off the payments that paid it
    let payments = s.payments;
    let moved = ZERO;
    for (const t of d.toCredit) {
      const part = money(t.amount);
      moved = moved.add(part);
      const p = payments.get(t.paymentId);
      if (p === undefined) throw new LevyError(domainError('LOG_INCONSISTENT', `PenaltyAdjusted gives back penalty paid by payment ${t.paymentId}, which this account never received`, ['data', 'toCredit']));
      payments = payments.set(t.paymentId, { ...p, allocations: lessPenalty(p.allocations, d.chargeId, part), penaltyToCredit: p.penaltyToCredit.add(part) });
    }
    // penalty that credit paid (ApplyCredit) and is now lowered: back to credit too, off the lots it came from; a
    // payment's lot counts it as that payment's penalty given back, so a reversal of the payment takes it back
    let lots = s.lots;
    for (const t of d.creditPaid ?? []) {
      const part = money(t.amount);
      moved = moved.add(part);
      const lot = lots.get(t.lotId);
      const had = lot?.appliedPenalty.get(d.chargeId);
      if (lot === undefined || had === undefined || part.greaterThan(had)) {
        throw new LevyError(domainError('LOG_INCONSISTENT', `PenaltyAdjusted gives back ${t.amount} of penalty on charge ${d.chargeId} paid by credit ${t.lotId}, which did not pay that much of it`, ['data', 'creditPaid']));
      }
      const copy = copyLot(lot);
      copy.appliedPenalty = lot.appliedPenalty.set(d.chargeId, had.subtract(part));
      lots = lots.set(t.lotId, copy);
      const p = payments.get(t.lotId);
      if (p !== undefined) payments = payments.set(t.lotId, { ...p, penaltyToCredit: p.penaltyToCredit.add(part) });
    }
    // penalty waived and now lowered: the waivers relieve that much less (negative changes); a raise restores them first (positive)
    let waivers = s.waivers;
    let waiverChange = ZERO;
    for (const w of d.waivers ?? []) {
      const part = money(w.amount);
      waiverChange = waiverChange.add(part);
      const held = waivers.get(w.waiverId);
      if (held === undefined || held.chargeId !== d.chargeId || held.kind !== 'penalty') {
        throw new LevyError(domainError('LOG_INCONSISTENT', `PenaltyAdjusted changes waiver ${w.waiverId}, which is not a penalty waiver of charge ${d.chargeId} on this account`, ['data', 'waivers']));
      }
      if (waivers === s.waivers) waivers = new Map(s.waivers);
      (waivers as Map<string, WaiverState>).set(w.waiverId, { ...held, released: held.released.subtract(part) });
    }
    next.penaltyAssessed = c.penaltyAssessed.add(amount);
    next.penaltyPaid = c.penaltyPaid.subtract(moved);
    next.penaltyWaived = c.penaltyWaived.add(waiverChange);
    next.outstandingPenalty = c.outstandingPenalty.add(amount).add(moved).subtract(waiverChange);
    // each piece named takes its new amount; the pieces are matched by their first day
    const now = new Map(d.pieces.map((p) => [dayOfIso(p.from), p.now]));
    next.penaltyPieces = c.penaltyPieces.map((p) => {
      const m = now.get(p.from);
      return m === undefined ? p : { ...p, amount: money(m) };
    });
    // a raise is owed from the day it is booked, like an assessment
    if (amount.isPositive() && (c.penaltyOn === null || on > c.penaltyOn)) next.penaltyOn = on;
    const state = withCharges(s, withCharge(s.charges, next), d.chargeId);
    state.waivers = waivers;
    if (next.penaltyAssessed.greaterThan(LARGE_CHARGE)) state.large = true;
    if (!moved.isPositive()) return state;
    state.payments = payments;
    state.lots = lots;
    return addLot(state, recountLotId(d.cause, d.chargeId), moved, on);
  },
  WaiverGranted: (s, { data: d, meta }) => {
    const c = chargeOf(s, d.chargeId);
    const amount = money(d.amount);
    const next = changed(c, dayOfIso(meta.effectiveDate));
    if (d.kind === 'principal') {
      next.waivedPrincipal = c.waivedPrincipal.add(amount);
      next.outstandingPrincipal = c.outstandingPrincipal.subtract(amount);
      next.movements = appended(c.movements, { from: dayOfIso(meta.effectiveDate) + 1, amount, source: `waiver:${d.waiverId}` });
    } else {
      next.penaltyWaived = c.penaltyWaived.add(amount);
      next.outstandingPenalty = c.outstandingPenalty.subtract(amount);
    }
    const state = withCharges(s, withCharge(s.charges, next), d.chargeId);
    const role = meta.approval?.approverRole;
    const byManager = role !== 'committee' && role !== 'assembly';
    state.waivers = new Map(s.waivers).set(d.waiverId, { chargeId: d.chargeId, kind: d.kind, amount, released: ZERO, byManager });
    return state;
  },
  InstallmentPlanAgreed: (s, { data: d, meta }) => {
    const plan: PlanState = {
      planId: d.planId,
      chargeIds: d.chargeIds,
      installments: d.installments.map((i) => ({ seq: i.seq, dueDate: i.dueDate, dueDay: dayOfIso(i.dueDate), amount: money(i.amount) })),
      total: money(d.total),
      graceDays: d.graceDays,
      status: 'active',
      agreedDay: dayOfIso(meta.effectiveDate),
    };
    let charges = s.charges;
    for (const id of d.chargeIds) {
      const c = copyCharge(chargeOf(s, id));
      c.planId = d.planId;
      charges = charges.set(id, c);
    }
    const next = withCharges(s, charges);
    next.plans = new Map(s.plans).set(d.planId, plan);
    next.activePlans = s.activePlans + 1;
    return next;
  },
  InstallmentPlanDefaulted: (s, { data: d }) => planStatus(s, d.planId, 'defaulted'),
  InstallmentPlanCompleted: (s, { data: d }) => planStatus(s, d.planId, 'completed'),
  CreditRefunded: (s, { data: d }) => {
    const amount = money(d.amount);
    const used = useCredit(
      s,
      amount,
      (lot, part) => {
        lot.refunded = lot.refunded.add(part);
        return lot;
      },
      undefined,
      d.lots,
    );
    const next = copyState(s);
    next.lots = used.lots;
    next.openLots = used.openLots;
    next.credit = s.credit.subtract(amount);
    next.refunds = new Map(s.refunds).set(d.refundId, amount);
    if (d.channelTxnId !== undefined) next.refundTxns = new Map(s.refundTxns).set(refundTxnKey(d.channel, d.channelTxnId), d.refundId);
    return next;
  },
  ReminderRecorded: (s, { data: d }) => {
    const next = copyState(s);
    next.reminders = appended(s.reminders, { stage: d.stage, channel: d.channel, on: d.on, chargeIds: d.chargeIds });
    next.reminderKeys = new Set(s.reminderKeys).add(reminderKey(d));
    return next;
  },
  ArrearsClassified: (s, { data: d }) => {
    const next = copyState(s);
    next.arrearsClass = d.arrearsClass;
    return next;
  },
};

const planStatus = (s: AccountState, planId: string, status: PlanState['status']): AccountState => {
  const plan = s.plans.get(planId);
  if (plan === undefined || plan.status === status) return s;
  const activePlans = s.activePlans - (plan.status === 'active' ? 1 : 0);
  const next = copyState(s);
  next.plans = new Map(s.plans).set(planId, { ...plan, status });
  next.activePlans = activePlans;
  return next;
};

/**
 * The natural key of a reminder: the same stage, channel, day and charges is the same reminder.
 *
 * @example
 * reminderKey({ stage: 'phone', channel: 'phone', on: '2025-05-01', chargeIds: ['c1'] }); // 'phone|phone|2025-05-01|c1'
 */
export const reminderKey = (r: { stage: string; channel: string; on: string; chargeIds: readonly string[] }): string =>
  `${r.stage}|${r.channel}|${r.on}|${[...r.chargeIds].sort().join(',')}`;

/**
 * Folds one account event into the state. Pure: the given state is not changed; only the records
 * the event touches are copied.
 *
 * @example
 * const state = events.reduce(evolveAccount, initialAccountState());
 */
export const evolveAccount = (state: AccountState, event: AccountEvent): AccountState => {
  const next = (evolvers[event.type] as (s: AccountState, e: AccountEvent) => AccountState)(state, event);
  if (next === state) {
    const copy = copyState(state);
    copy.version = state.version + 1;
    return copy;
  }
  // every evolver builds a fresh state object, so stamping its version here copies nothing
  (next as { version: number }).version = state.version + 1;
  return next;
};
