/**
 * The journal: every event maps, through one pure function ({@link postingsFor}), to a balanced
 * double-entry entry on the chart of accounts (DESIGN.md, ledger). Debits are positive amounts,
 * credits negative, so an entry balances when its postings sum to zero and the trial balance
 * sums to zero. The journal projection keeps each account's net change per effective day, so
 * balances and the trial balance can be read as of any date (time travel).
 *
 * 包干制 charges credit Revenue:Fees; 酬金制 charges credit Liability:OwnersFund and move the
 * commission to Revenue:Commission (domain.md, fee regimes). A principal waiver of a 包干制 charge
 * is a contra to its revenue (Contra:Waivers); of a 酬金制 charge it comes off the owners' fund and
 * the commission in proportion, as a cancellation does ({@link waiverCommissionShare}).
 *
 * @example
 * import { postingsFor } from '@levy/projections';
 * postingsFor(chargeIssued).map((p) => `${p.account} ${p.amount}`);
 * // ['Receivable:Fees 250.60', 'Revenue:Fees -250.60']
 */
import { type EpochDay, type LevyEvent, Money, MoneyTotal } from '@levy/core';
import { ZERO, checkDay, dayOfDecoded, moneyOfAmount } from './fields.js';
import type { LoggedEvent, Projection } from './fold.js';

// ---------------------------------------------------------------------------------------------
// chart of accounts
// ---------------------------------------------------------------------------------------------

/** The fixed accounts of the chart (DESIGN.md, ledger); `Cash:<channel>` and `Expense:<category>` are families. */
export const ACCOUNT = Object.freeze({
  receivableFees: 'Receivable:Fees',
  receivablePenalties: 'Receivable:Penalties',
  revenueFees: 'Revenue:Fees',
  revenuePenalties: 'Revenue:Penalties',
  revenueCommission: 'Revenue:Commission',
  contraWaivers: 'Contra:Waivers',
  prepaid: 'Liability:Prepaid',
  ownersFund: 'Liability:OwnersFund',
} as const);

/** The cash clearing account of a payment channel (one per channel). @example cashAccount('wechat'); // 'Cash:wechat' */
export const cashAccount = (channel: string): string => `Cash:${channel}`;
/** The expense account of an expenditure category. @example expenseAccount('cleaning'); // 'Expense:cleaning' */
export const expenseAccount = (category: string): string => `Expense:${category}`;

/** Expenditures are paid out of the community's bank account: the bank-transfer clearing account. */
export const EXPENDITURE_CASH_ACCOUNT = cashAccount('bank-transfer');

/** One line of an entry: a debit (positive) or a credit (negative) on an account. */
export interface Posting {
  readonly account: string;
  readonly amount: Money;
}

/** The journal entry of one event. */
export interface JournalEntry {
  readonly eventId: string;
  readonly type: LevyEvent['type'];
  /** the business date the entry takes effect (epoch day) */
  readonly day: EpochDay;
  readonly postings: readonly Posting[];
}

/** How a charge was billed: decides which accounts its cancellation reverses. */
export type RegimeKind = 'lump-sum' | 'commission';

/**
 * What the journal remembers of a 酬金制 charge: its amount and commission, and what principal
 * waivers took off it so far. The journal fold keeps one per 酬金制 charge and updates it as each
 * waiver is posted.
 */
export interface CommissionTerms {
  readonly amount: Money;
  readonly commission: Money;
  /** principal waived on it so far and taken off the owners' fund and the commission */
  waived: Money;
  /** the commission's part of `waived`; the rest came off the owners' fund */
  commissionWaived: Money;
}

/**
 * How a charge was billed, as the journal fold knows it: `'lump-sum'`, or a 酬金制 charge's
 * {@link CommissionTerms}; undefined when not known (a cancellation is then read from its own
 * commission, and a waiver posted as a 包干制 one).
 */
export type ChargeTermsOf = (chargeId: string) => 'lump-sum' | CommissionTerms | undefined;

/**
 * The commission's part of a principal waiver of `amount` on a 酬金制 charge: the commission on all
 * principal waived on it so far (commission / charge amount of it, split from the owners' part by
 * largest remainder, a tie to the commission, so half-up), less what earlier waivers took. Counted
 * on the running total, so the parts of several waivers of a whole charge add up to its commission
 * exactly. Null when the terms cannot be split (a commission below zero or above the amount, which
 * a decider refuses): the waiver is then posted as a 包干制 one.
 *
 * @example
 * const terms = { amount: Money.of('280.00'), commission: Money.of('28.00'), waived: Money.zero(), commissionWaived: Money.zero() };
 * waiverCommissionShare(terms, Money.of('55.55'))?.toString(); // '5.56': 5.555 half-up; the owners' fund gives 49.99
 * // after it (waived 55.55, commission 5.56), 44.45 more: 10.00 on 100.00 in all, less 5.56
 * waiverCommissionShare({ ...terms, waived: Money.of('55.55'), commissionWaived: Money.of('5.56') }, Money.of('44.45'))?.toString(); // '4.44'
 */
export const waiverCommissionShare = (terms: CommissionTerms, amount: Money): Money | null => {
  const owners = terms.amount.subtract(terms.commission);
  if (terms.commission.isNegative() || owners.isNegative() || !terms.amount.isPositive() || amount.isNegative()) return null;
  const [commission] = Money.allocate(terms.waived.add(amount), [terms.commission.toString(), owners.toString()]);
  return commission!.subtract(terms.commissionWaived);
};

// ---------------------------------------------------------------------------------------------
// postings
// ---------------------------------------------------------------------------------------------

/** A posting's side: 1 debit, -1 credit. */
export type Side = 1 | -1;
const DR: Side = 1;
const CR: Side = -1;

/** Receives one posting: `amount` on the debit (`side` 1) or credit (-1) side; zero amounts never reach it. */
export type PostingSink = (account: string, amount: Money, side: Side) => void;

const CASH: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(['wechat', 'alipay', 'unionpay', 'bank-card', 'bank-transfer', 'cash', 'withholding'].map((c) => [c, `Cash:${c}`])),
);
const EXPENSE: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(['cleaning', 'security', 'greening', 'repairs', 'elevators', 'utilities', 'management', 'other'].map((c) => [c, `Expense:${c}`])),
);
// account names are built once per channel and category, not once per event
const cashOf = (channel: string): string => CASH[channel] ?? cashAccount(channel);
const expenseOf = (category: string): string => EXPENSE[category] ?? expenseAccount(category);

// a zero line says nothing and would only clutter reports
const emit = (sink: PostingSink, account: string, amount: Money, side: Side): void => {
  if (!amount.isZero()) sink(account, amount, side);
};

/**
 * Feeds the postings of one event to `sink`, in a fixed order, skipping zero lines (the journal
 * fold uses this directly so it allocates no entry per event). {@link postingsFor} collects them.
 *
 * @example
 * postEvent(event, undefined, (account, amount) => console.log(account, amount.toString()));
 */
export const postEvent = (event: LevyEvent, termsOf: ChargeTermsOf | undefined, sink: PostingSink): void => {
  switch (event.type) {
    case 'ChargeIssued': {
      const d = event.data;
      const amount = moneyOfAmount(d.amount);
      emit(sink, ACCOUNT.receivableFees, amount, DR);
      if (d.regime === 'commission') {
        // 酬金制: the fee is the owners' money held in trust, less the company's commission
        const commission = moneyOfAmount(d.commission);
        emit(sink, ACCOUNT.ownersFund, amount.subtract(commission), CR);
        emit(sink, ACCOUNT.revenueCommission, commission, CR);
      } else {
        emit(sink, ACCOUNT.revenueFees, amount, CR);
      }
      return;
    }
    case 'ChargeCancelled': {
      const d = event.data;
      const amount = moneyOfAmount(d.amount);
      const commission = moneyOfAmount(d.commission);
      const known = termsOf?.(d.chargeId);
      const regime: RegimeKind = known === undefined ? (commission.isZero() ? 'lump-sum' : 'commission') : known === 'lump-sum' ? 'lump-sum' : 'commission';
      const owedPrincipal = moneyOfAmount(d.outstandingPrincipal);
      const paidPrincipal = moneyOfAmount(d.paidPrincipalToCredit);
      const owedPenalty = moneyOfAmount(d.outstandingPenalty);
      const paidPenalty = moneyOfAmount(d.paidPenaltyToCredit);
      // principal waivers of a 酬金制 charge took their part off the owners' fund and the commission already
      const terms = typeof known === 'object' ? known : undefined;
      const waivedOff = terms?.waived ?? ZERO;
      const commissionWaivedOff = terms?.commissionWaived ?? ZERO;
      // undo the revenue (or owners' fund) side of the charge: in full, less what those waivers undid
      if (regime === 'commission') {
        emit(sink, ACCOUNT.ownersFund, amount.subtract(commission).subtract(waivedOff.subtract(commissionWaivedOff)), DR);
        emit(sink, ACCOUNT.revenueCommission, commission.subtract(commissionWaivedOff), DR);
      } else {
        emit(sink, ACCOUNT.revenueFees, amount, DR);
      }
      // what was still owed leaves the receivable; what was paid becomes the owner's credit (预收)
      emit(sink, ACCOUNT.receivableFees, owedPrincipal, CR);
      emit(sink, ACCOUNT.prepaid, paidPrincipal.add(paidPenalty), CR);
      // principal waived earlier on the charge and posted to the waivers is no longer a waiver of anything
      emit(sink, ACCOUNT.contraWaivers, amount.subtract(owedPrincipal).subtract(paidPrincipal).subtract(waivedOff), CR);
      // penalties on it are cancelled too: owed ones leave the receivable, paid ones became credit
      // above, and waived ones are no longer waivers of anything (as principal waived, above)
      const waivedPenalty = d.waivedPenalty === undefined ? ZERO : moneyOfAmount(d.waivedPenalty);
      emit(sink, ACCOUNT.revenuePenalties, owedPenalty.add(paidPenalty).add(waivedPenalty), DR);
      emit(sink, ACCOUNT.receivablePenalties, owedPenalty, CR);
      emit(sink, ACCOUNT.contraWaivers, waivedPenalty, CR);
      return;
    }
    case 'CreditApplied': {
      const a = moneyOfAmount(event.data.amount);
      emit(sink, ACCOUNT.prepaid, a, DR);
      emit(sink, event.data.kind === 'penalty' ? ACCOUNT.receivablePenalties : ACCOUNT.receivableFees, a, CR);
      return;
    }
    case 'PaymentReceived': {
      const d = event.data;
      emit(sink, cashOf(d.channel), moneyOfAmount(d.amount), DR);
      allocationPostings(sink, d.allocations, CR);
      emit(sink, ACCOUNT.prepaid, moneyOfAmount(d.toCredit), CR);
      return;
    }
    case 'PaymentReversed': {
      const d = event.data;
      allocationPostings(sink, d.allocations, DR);
      let reopened = Money.zero();
      let reopenedPenalty = Money.zero();
      for (const c of d.creditApplications) {
        if (c.kind === 'penalty') reopenedPenalty = reopenedPenalty.add(moneyOfAmount(c.amount));
        else reopened = reopened.add(moneyOfAmount(c.amount));
      }
      emit(sink, ACCOUNT.receivableFees, reopened, DR);
      emit(sink, ACCOUNT.receivablePenalties, reopenedPenalty, DR);
      emit(sink, ACCOUNT.prepaid, moneyOfAmount(d.fromCredit), DR);
      emit(sink, cashOf(d.channel), moneyOfAmount(d.amount), CR);
      return;
    }
    case 'PenaltyAssessed': {
      const a = moneyOfAmount(event.data.amount);
      emit(sink, ACCOUNT.receivablePenalties, a, DR);
      emit(sink, ACCOUNT.revenuePenalties, a, CR);
      return;
    }
    case 'PenaltyAdjusted': {
      // a raise is posted as an assessment is, less what it gives back to waivers (the waiver's
      // contra account again); a lowering as its mirror, where penalty already paid goes back to
      // the owner's credit and penalty waived comes off the waivers instead of off the receivable
      const a = moneyOfAmount(event.data.amount);
      let waivers = Money.zero();
      for (const w of event.data.waivers ?? []) waivers = waivers.add(moneyOfAmount(w.amount));
      if (!a.isNegative()) {
        emit(sink, ACCOUNT.receivablePenalties, a.subtract(waivers), DR);
        emit(sink, ACCOUNT.contraWaivers, waivers, DR);
        emit(sink, ACCOUNT.revenuePenalties, a, CR);
        return;
      }
      // penalty paid by payments, and by credit, goes back to credit alike
      let toCredit = Money.zero();
      for (const t of event.data.toCredit) toCredit = toCredit.add(moneyOfAmount(t.amount));
      for (const t of event.data.creditPaid ?? []) toCredit = toCredit.add(moneyOfAmount(t.amount));
      // waivers are negative here: the part waived
      emit(sink, ACCOUNT.revenuePenalties, a.negate(), DR);
      emit(sink, ACCOUNT.receivablePenalties, a.negate().subtract(toCredit).add(waivers), CR);
      emit(sink, ACCOUNT.prepaid, toCredit, CR);
      emit(sink, ACCOUNT.contraWaivers, waivers.negate(), CR);
      return;
    }
    case 'WaiverGranted': {
      const a = moneyOfAmount(event.data.amount);
      const terms = event.data.kind === 'principal' ? termsOf?.(event.data.chargeId) : undefined;
      const share = terms === undefined || terms === 'lump-sum' ? null : waiverCommissionShare(terms, a);
      if (share !== null) {
        // 酬金制: the fee waived was the owners' money less the commission on it, never revenue
        // (domain.md, fee regimes): both give up their part, as a cancellation takes back the whole
        emit(sink, ACCOUNT.ownersFund, a.subtract(share), DR);
        emit(sink, ACCOUNT.revenueCommission, share, DR);
        emit(sink, ACCOUNT.receivableFees, a, CR);
        return;
      }
      emit(sink, ACCOUNT.contraWaivers, a, DR);
      emit(sink, event.data.kind === 'principal' ? ACCOUNT.receivableFees : ACCOUNT.receivablePenalties, a, CR);
      return;
    }
    case 'CreditRefunded': {
      const a = moneyOfAmount(event.data.amount);
      emit(sink, ACCOUNT.prepaid, a, DR);
      emit(sink, cashOf(event.data.channel), a, CR);
      return;
    }
    case 'ExpenditureRecorded': {
      const a = moneyOfAmount(event.data.amount);
      emit(sink, expenseOf(event.data.category), a, DR);
      emit(sink, EXPENDITURE_CASH_ACCOUNT, a, CR);
      return;
    }
    default:
      return;
  }
};

/**
 * The postings of one event: a balanced entry (postings sum to zero), empty for events that move
 * no money (registrations, schedules, reminders, plans). `termsOf` says how a waived or cancelled
 * charge was billed and what waivers took off it before (the journal projection remembers both);
 * without it a cancellation with a commission is read as 酬金制 and one without as 包干制, and a
 * principal waiver is posted as a 包干制 one.
 *
 * Charge: Dr Receivable:Fees / Cr Revenue:Fees (酬金制: Cr OwnersFund and Revenue:Commission).
 * Payment: Dr Cash:<channel> / Cr Receivable:Fees, Receivable:Penalties, Liability:Prepaid.
 * CreditApplied: Dr Liability:Prepaid / Cr Receivable:Fees (Receivable:Penalties when it pays penalty). Waiver: Dr Contra:Waivers / Cr Receivable
 * (a principal waiver of a 酬金制 charge: Dr OwnersFund and Revenue:Commission in proportion, {@link waiverCommissionShare}).
 * Penalty: Dr Receivable:Penalties / Cr Revenue:Penalties; counted again lower: the mirror, with
 * penalty already paid credited to Liability:Prepaid. Refund: Dr Prepaid / Cr Cash.
 * Reversal and cancellation: the mirror of what they undo. Expenditure: Dr Expense:<category> /
 * Cr Cash:bank-transfer.
 *
 * @example
 * postingsFor(paymentReceived); // [{ account: 'Cash:wechat', amount: 300.00 }, { account: 'Receivable:Fees', amount: -250.60 }, { account: 'Liability:Prepaid', amount: -49.40 }]
 */
export const postingsFor = (event: LevyEvent, termsOf?: ChargeTermsOf): readonly Posting[] => {
  const out: Posting[] = [];
  postEvent(event, termsOf, (account, amount, side) => out.push({ account, amount: side === DR ? amount : amount.negate() }));
  return out;
};

const allocationPostings = (sink: PostingSink, allocations: readonly { chargeId: string; kind: 'principal' | 'penalty'; amount: string }[], side: Side): void => {
  let fees = Money.zero();
  let penalties = Money.zero();
  for (let i = 0; i < allocations.length; i++) {
    const a = allocations[i]!;
    const m = moneyOfAmount(a.amount);
    if (a.kind === 'principal') fees = fees.add(m);
    else penalties = penalties.add(m);
  }
  emit(sink, ACCOUNT.receivableFees, fees, side);
  emit(sink, ACCOUNT.receivablePenalties, penalties, side);
};

/**
 * The journal entry of a logged event: its postings with the event id and effective day.
 *
 * @example
 * entryFor(event).postings.length; // 2
 */
export const entryFor = (event: LevyEvent, termsOf?: ChargeTermsOf): JournalEntry => ({
  eventId: event.meta.eventId,
  type: event.type,
  day: dayOfDecoded(event.meta.effectiveDate),
  postings: postingsFor(event, termsOf),
});

/**
 * The sum of an entry's postings: zero for a balanced entry.
 *
 * @example
 * entryImbalance(postingsFor(event)).isZero(); // true
 */
export const entryImbalance = (postings: readonly Posting[]): Money => {
  let sum = Money.zero();
  for (const p of postings) sum = sum.add(p.amount);
  return sum;
};

// ---------------------------------------------------------------------------------------------
// the journal projection
// ---------------------------------------------------------------------------------------------

/**
 * One account's net change per effective day, in an array indexed by day (a Map per posting cost
 * more than everything else the journal does). Grows at either end as days arrive.
 */
export class DaySeries {
  private base = 0;
  private length = 0;
  // per day the running total of each side, added to in place: a Money per posting would be
  // garbage, a third of what a million-event fold allocates
  private debits: (MoneyTotal | undefined)[] = [];
  private credits: (MoneyTotal | undefined)[] = [];

  /** posts `amount` on `day`, on the debit (1) or credit (-1) side */
  add(day: EpochDay, amount: Money, side: Side = DR): void {
    if (this.length === 0) this.base = day;
    let i = day - this.base;
    if (i < 0) {
      // an earlier day than any so far: make room in front, a year at a time
      const shift = -i + 366;
      this.debits = [...new Array<MoneyTotal | undefined>(shift), ...this.debits];
      this.credits = [...new Array<MoneyTotal | undefined>(shift), ...this.credits];
      this.base -= shift;
      this.length += shift;
      i += shift;
    }
    if (i >= this.length) this.length = i + 1;
    const totals = side === DR ? this.debits : this.credits;
    let total = totals[i];
    if (total === undefined) totals[i] = total = new MoneyTotal(amount.currency);
    total.add(amount);
  }

  /** the net change (debits minus credits) of one day index, or null when nothing was posted */
  private netAt(i: number): Money | null {
    const d = this.debits[i];
    const c = this.credits[i];
    if (d === undefined && c === undefined) return null;
    if (c === undefined) return d!.value();
    return d === undefined ? c.value().negate() : d.value().subtract(c.value());
  }

  /** each day with postings and its net change, in day order */
  *entries(): IterableIterator<[EpochDay, Money]> {
    for (let i = 0; i < this.length; i++) {
      const m = this.netAt(i);
      if (m !== null) yield [this.base + i, m];
    }
  }

  /** the net of every day up to and including `asOf` (all days when undefined); null when none */
  sumThrough(asOf: EpochDay | undefined): Money | null {
    const last = asOf === undefined ? this.length - 1 : Math.min(this.length - 1, asOf - this.base);
    let sum: Money | null = null;
    for (let i = 0; i <= last; i++) {
      const m = this.netAt(i);
      if (m !== null) sum = sum === null ? m : sum.add(m);
    }
    return sum;
  }
}

/** The journal's fold state: each account's net change per effective day. */
export interface JournalState {
  /** account → net change per epoch day (debit positive) */
  readonly byAccount: Map<string, DaySeries>;
  /**
   * 酬金制 charges by `<streamId>/<chargeId>`, with what principal waivers took off them (a waiver
   * and a cancellation reverse the accounts the charge used); the rest are 包干制
   */
  readonly commissionCharges: Map<string, CommissionTerms>;
  /** entries that did not balance (none, unless a rule was broken upstream) */
  readonly unbalanced: { readonly eventId: string; readonly type: string; readonly imbalance: Money }[];
  entries: number;
  postings: number;
  /** internal: the fold's scratch space */
  readonly tools: PostingTools;
}

/** Internal to the journal fold. */
export interface PostingTools {
  readonly scratch: Scratch;
  readonly sink: PostingSink;
  readonly termsOf: (chargeId: string) => 'lump-sum' | CommissionTerms;
}

/** Internal: the event being posted, so the sink and the regime lookup need no closure per event. */
export interface Scratch {
  state: JournalState;
  day: EpochDay;
  streamId: string;
  /** the entry's postings summed, debits positive */
  readonly sum: MoneyTotal;
  /** sum the postings: only entries whose balance depends on the data (payments, reversals) */
  check: boolean;
  count: number;
  lastAccount: string;
  lastDays: DaySeries | undefined;
}

/** the fold's tools, made once per state: a sink and a regime lookup that read the scratch, so posting an event allocates no closure */
const toolsFor = (state: JournalState): PostingTools => {
  const scratch: Scratch = { state, day: 0, streamId: '', sum: new MoneyTotal(), check: false, count: 0, lastAccount: '', lastDays: undefined };
  const sink: PostingSink = (account, amount, side) => {
    let days = account === scratch.lastAccount ? scratch.lastDays : state.byAccount.get(account);
    if (days === undefined) state.byAccount.set(account, (days = new DaySeries()));
    scratch.lastAccount = account;
    scratch.lastDays = days;
    days.add(scratch.day, amount, side);
    if (scratch.check) {
      if (side === DR) scratch.sum.add(amount);
      else scratch.sum.subtract(amount);
    }
    scratch.count += 1;
  };
  const termsOf = (chargeId: string): 'lump-sum' | CommissionTerms => state.commissionCharges.get(`${scratch.streamId}/${chargeId}`) ?? 'lump-sum';
  return { scratch, sink, termsOf };
};

/**
 * The journal as a projection (see {@link postingsFor}).
 *
 * @example
 * const journal = rebuild(journalProjection, events);
 * trialBalance(journal).sum.isZero(); // true
 */
export const journalProjection: Projection<JournalState> = {
  name: 'journal',
  init: () => {
    const state = { byAccount: new Map(), commissionCharges: new Map(), unbalanced: [], entries: 0, postings: 0 } as unknown as { -readonly [K in keyof JournalState]: JournalState[K] };
    state.tools = toolsFor(state);
    return state;
  },
  apply: (state, event: LoggedEvent) => journalStep(state, event, dayOfDecoded(event.meta.effectiveDate)),
};

/**
 * The journal's fold step for one event whose effective day is already read ({@link levyProjection}
 * reads it once for the three views).
 *
 * @example
 * journalStep(journal, event, dayOf(event.meta.effectiveDate));
 */
export const journalStep = (state: JournalState, event: LoggedEvent, day: EpochDay): JournalState => {
  const { scratch, sink, termsOf } = state.tools;
  scratch.day = day;
  scratch.streamId = event.streamId;
  scratch.sum.reset();
  scratch.count = 0;
  // every other entry balances by construction (its lines are the same amounts both ways)
  scratch.check = event.type === 'PaymentReceived' || event.type === 'PaymentReversed';
  postKeepingTerms(event, state.commissionCharges, termsOf, sink);
  if (scratch.count === 0) return state;
  if (scratch.check && !scratch.sum.isZero()) state.unbalanced.push({ eventId: event.meta.eventId, type: event.type, imbalance: scratch.sum.value() });
  state.entries += 1;
  state.postings += scratch.count;
  return state;
};

/**
 * Posts `event` ({@link postEvent}) and keeps `terms`, the 酬金制 charges' {@link CommissionTerms} by
 * `<streamId>/<chargeId>`, as the journal does: a 酬金制 charge's terms are kept from its first
 * issue (a charge issued twice keeps the first's, as the book keeps the first charge), and a
 * principal waiver posted on one is added to them, so the next waiver and a cancellation take the
 * rest. `termsOf` reads `terms` for the event's stream. The journal fold and the disclosure's
 * owners' fund both post through it.
 *
 * @example
 * postKeepingTerms(event, terms, (chargeId) => terms.get(`${event.streamId}/${chargeId}`) ?? 'lump-sum', sink);
 */
export const postKeepingTerms = (event: LoggedEvent, terms: Map<string, CommissionTerms>, termsOf: (chargeId: string) => 'lump-sum' | CommissionTerms, sink: PostingSink): void => {
  if (event.type === 'ChargeIssued' && event.data.regime === 'commission') {
    const key = `${event.streamId}/${event.data.chargeId}`;
    if (!terms.has(key)) terms.set(key, { amount: moneyOfAmount(event.data.amount), commission: moneyOfAmount(event.data.commission), waived: ZERO, commissionWaived: ZERO });
  }
  postEvent(event, termsOf, sink);
  if (event.type !== 'WaiverGranted' || event.data.kind !== 'principal') return;
  const charge = termsOf(event.data.chargeId);
  if (charge === 'lump-sum') return;
  const amount = moneyOfAmount(event.data.amount);
  const share = waiverCommissionShare(charge, amount);
  if (share === null) return;
  charge.waived = charge.waived.add(amount);
  charge.commissionWaived = charge.commissionWaived.add(share);
};

/**
 * Every account's balance as of the end of `asOf` (all days when omitted), sorted by account name;
 * accounts with no postings yet are absent.
 *
 * @example
 * balancesAsOf(journal, dayOf('2025-03-31')).get('Receivable:Fees')?.toString(); // '12500.00'
 */
export const balancesAsOf = (state: JournalState, asOf?: EpochDay): Map<string, Money> => {
  if (asOf !== undefined) checkDay(asOf, ['asOf']);
  const out = new Map<string, Money>();
  for (const account of [...state.byAccount.keys()].sort()) {
    const sum = state.byAccount.get(account)!.sumThrough(asOf);
    if (sum !== null) out.set(account, sum);
  }
  return out;
};

/**
 * One account's balance as of a day (debit positive).
 *
 * @example
 * journalBalance(journal, 'Liability:Prepaid').toString(); // '-300.00' (owners' credit)
 */
export const journalBalance = (state: JournalState, account: string, asOf?: EpochDay): Money => {
  if (asOf !== undefined) checkDay(asOf, ['asOf']);
  return state.byAccount.get(account)?.sumThrough(asOf) ?? Money.zero();
};

/** One row of a trial balance. */
export interface TrialBalanceRow {
  readonly account: string;
  readonly debit: Money;
  readonly credit: Money;
}

/** A trial balance: each account's balance on the debit or credit side; `sum` is zero when the books balance. */
export interface TrialBalance {
  readonly asOf: EpochDay | null;
  readonly rows: readonly TrialBalanceRow[];
  readonly totalDebit: Money;
  readonly totalCredit: Money;
  /** debits minus credits: zero */
  readonly sum: Money;
}

/**
 * The trial balance as of a day (all days when omitted), accounts sorted by name, zero balances kept.
 *
 * @example
 * const tb = trialBalance(journal, dayOf('2025-06-30'));
 * tb.totalDebit.equals(tb.totalCredit); // true
 */
export const trialBalance = (state: JournalState, asOf?: EpochDay): TrialBalance => {
  const rows: TrialBalanceRow[] = [];
  let debit = Money.zero();
  let credit = Money.zero();
  for (const [account, balance] of balancesAsOf(state, asOf)) {
    if (balance.isNegative()) {
      rows.push({ account, debit: Money.zero(), credit: balance.negate() });
      credit = credit.add(balance.negate());
    } else {
      rows.push({ account, debit: balance, credit: Money.zero() });
      debit = debit.add(balance);
    }
  }
  return { asOf: asOf ?? null, rows, totalDebit: debit, totalCredit: credit, sum: debit.subtract(credit) };
};
