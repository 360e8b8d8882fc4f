/**
 * fast-check arbitraries for Levy: fee schedules and account policies, account command plans, and
 * {@link accountLogArbitrary}, a valid event log of one or many unit accounts made by running
 * generated commands through the real account decider. Logs are what projections, stores and
 * invariant checks are tested on: every event in them was decided, so they are logs the library
 * could really write.
 *
 * Commands are generated as abstract steps ("pay about a third of what is owed", "reverse the
 * second payment") and made concrete against the account's state when run, so shrinking keeps
 * sequences meaningful. Refused commands are kept beside the log (`refusals`), never in it.
 *
 * @example
 * import fc from 'fast-check';
 * import { accountBalance, evolveAccount, initialAccountState } from '@levy/core';
 * import { accountLogArbitrary } from '@levy/testkit';
 * fc.assert(fc.property(accountLogArbitrary({ units: 3, steps: 40 }), (log) => {
 *   // each account's events fold back to the state the decider ended on
 *   for (const a of log.accounts) expect(accountBalance(a.events.reduce(evolveAccount, initialAccountState())).toString()).toBe(accountBalance(a.state).toString());
 * }));
 */
import fc from 'fast-check';
import {
  CURRENT_SCHEMA_VERSION,
  type AccountCommand,
  type AccountContext,
  type AccountEvent,
  type AccountPolicy,
  type AccountState,
  type CommandMeta,
  type CommandOf,
  type CommunityEvent,
  type DomainError,
  type EventData,
  type LevyEvent,
  type StoredEvent,
  Id,
  accountDecider,
  accountPolicyFrom,
  accountStream,
  commissionOf,
  communityStream,
  epochDayOf,
  eventFrom,
  eventIdFor,
  isoDateOf,
  Money,
  owingOn,
} from '@levy/core';
import { countRange, invalidOption, optionsOf, wholeNumber } from './options.js';

// ---------------------------------------------------------------------------------------------
// amounts and policies
// ---------------------------------------------------------------------------------------------

/** A whole number of fen as a canonical yuan string: 12345 → '123.45'. */
export const yuanOfFen = (fen: number): string => {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
};

/** Whole fen of a Money, through its canonical string (Money's minor units are private to money.ts). */
export const fenOf = (m: Money): number => {
  const s = m.toString();
  const neg = s.startsWith('-');
  const [whole = '0', frac = '00'] = (neg ? s.slice(1) : s).split('.');
  const fen = Number(whole) * 100 + Number(frac);
  return neg ? -fen : fen;
};

/**
 * A positive amount as a canonical string, from `min` to `max` fen: whole numbers from 1 to
 * `Number.MAX_SAFE_INTEGER`, min not above max (`OPTIONS_INVALID` at `minFen` or `maxFen`).
 *
 * @example
 * fc.sample(amountArbitrary(100, 100_000), 1); // ['512.37']
 */
export const amountArbitrary = (minFen = 1, maxFen = 500_000): fc.Arbitrary<string> => {
  // a positive amount Money holds exactly: whole fen from 1 to the largest safe integer
  const lo = wholeNumber(minFen, ['minFen'], 1, Number.MAX_SAFE_INTEGER);
  const hi = wholeNumber(maxFen, ['maxFen'], 1, Number.MAX_SAFE_INTEGER);
  if (lo > hi) invalidOption(['minFen'], lo, `at most maxFen (${hi})`);
  return fc.integer({ min: lo, max: hi }).map(yuanOfFen);
};

type ScheduleData = EventData<'FeeScheduleAdopted'>;

/**
 * A penalty policy as a fee schedule carries it: rate 0 to 千分之五 a day, 0 to 30 grace days,
 * any cap and rounding, enabled or not (it applies only where the contract provides for it).
 */
export const penaltyPolicyDataArbitrary = (): fc.Arbitrary<ScheduleData['penalty']> =>
  fc.record({
    enabled: fc.boolean(),
    dailyRate: fc.constantFrom('0.0003', '0.0005', '0.001', '0.003', '0.0001', '0'),
    graceDays: fc.integer({ min: 0, max: 30 }),
    cap: fc.oneof(
      fc.constant({ kind: 'principal' as const }),
      fc.constant({ kind: 'none' as const }),
      amountArbitrary(100, 100_000).map((amount) => ({ kind: 'absolute' as const, amount })),
      fc.constantFrom('10', '30', '50.5', '100').map((percent) => ({ kind: 'percentage' as const, percent })),
    ),
    rounding: fc.constantFrom('half-up' as const, 'half-even' as const, 'down' as const, 'up' as const),
  }) as unknown as fc.Arbitrary<ScheduleData['penalty']>;

/**
 * A fee schedule version (FeeScheduleAdopted data) of a community: a property fee by area per use
 * type and grade, a parking fee at a fixed amount, a metered shared-utility fee; a policy for
 * penalties, allocation, manager waivers and installment grace.
 */
export const feeScheduleArbitrary = (communityId = 'sunrise'): fc.Arbitrary<ScheduleData> =>
  fc
    .record({
      version: fc.integer({ min: 1, max: 5 }),
      residential: fc.constantFrom('1.20', '2.80', '3.50', '0.95'),
      commercial: fc.constantFrom('5.00', '8.50', '12.00'),
      parkingFen: fc.integer({ min: 5_000, max: 30_000 }),
      meterPrice: fc.constantFrom('0.85', '1.20', '3.4'),
      billingCycle: fc.constantFrom('month' as const, 'quarter' as const, 'year' as const),
      dueDay: fc.integer({ min: 1, max: 28 }),
      penalty: penaltyPolicyDataArbitrary(),
      allocation: fc.constantFrom('oldest-first' as const, 'penalty-first' as const, 'largest-first' as const),
      commission: fc.oneof(fc.constant(null), fc.constantFrom('0.08', '0.1', '0.12')),
      managerWaiverFen: fc.integer({ min: 0, max: 100_000 }),
      installmentGraceDays: fc.integer({ min: 0, max: 30 }),
    })
    .map(
      (r) =>
        ({
          communityId,
          version: r.version,
          publishedOn: '2024-12-01',
          effectiveFrom: '2025-01-01',
          billingCycle: r.billingCycle,
          dueRule: { kind: 'day-of-next-month', day: r.dueDay },
          items: [
            {
              feeItemId: 'property',
              name: 'Property service fee',
              pricing: { kind: 'area', byUseType: { residential: r.residential, commercial: r.commercial, office: r.commercial }, byGrade: { A: r.commercial } },
              appliesTo: ['residential', 'commercial', 'office'],
            },
            { feeItemId: 'parking', name: 'Parking management fee', pricing: { kind: 'fixed', amountPerMonth: yuanOfFen(r.parkingFen) }, appliesTo: ['parking'] },
            { feeItemId: 'utilities', name: 'Shared utilities', pricing: { kind: 'metered', unitPrice: r.meterPrice }, appliesTo: ['residential', 'commercial'] },
          ],
          penalty: r.penalty,
          allocation: r.allocation,
          regime: r.commission === null ? { kind: 'lump-sum' } : { kind: 'commission', basis: 'percentage', rate: r.commission },
          managerWaiverLimit: yuanOfFen(r.managerWaiverFen),
          installmentGraceDays: r.installmentGraceDays,
        }) as unknown as ScheduleData,
    );

/**
 * An account policy (penalty on most of the time, so logs carry penalties).
 *
 * @example
 * fc.assert(fc.property(accountPolicyArbitrary(), (policy) => {
 *   const decided = accountDecider.decide(command, state, { ...ctx, policy });
 *   // ...what the decision must keep under every policy
 * }));
 */
export const accountPolicyArbitrary = (): fc.Arbitrary<AccountPolicy> =>
  fc.tuple(feeScheduleArbitrary(), fc.integer({ min: 0, max: 9 })).map(([s, k]) => accountPolicyFrom(k < 8 ? { ...s, penalty: { ...s.penalty, enabled: true } } : s));

// ---------------------------------------------------------------------------------------------
// account steps: abstract commands made concrete against the state when run
// ---------------------------------------------------------------------------------------------

/**
 * One abstract step on a unit's account. `pick` chooses among existing charges or payments by
 * index (modulo their count); a waiver chooses among the charges that owe what it waives.
 * `backDays` dates a charge, waiver, cancellation, reversal, refund or credit application that
 * many days before the day it is booked (never before the log's first day): the decider refuses
 * those dated before what they act on, and the rest must keep every invariant.
 */
export type AccountStep =
  | { readonly kind: 'issue'; readonly unit: number; readonly amountFen: number; readonly advance: number; readonly backDays?: number }
  | { readonly kind: 'pay'; readonly unit: number; readonly share: number; readonly extraFen: number; readonly txn: number; readonly channel: number; readonly advance: number; readonly lateDays: number }
  /**
   * A payment found late (a bank statement read after the month-end assessment): received on a day
   * the last assessment of a charge already counted, `back` days before its last assessed day, and
   * put on that charge's principal (`share` percent of it); with `penalty`, on its penalty too, and
   * then received the day that penalty was assessed.
   * The decider counts the assessed days again (PenaltyAdjusted), through any waiver of that penalty
   * and any penalty already paid, which go back to credit.
   */
  | { readonly kind: 'payFound'; readonly unit: number; readonly pick: number; readonly share: number; readonly back: number; readonly penalty: boolean; readonly txn: number; readonly advance: number }
  | { readonly kind: 'reverse'; readonly unit: number; readonly pick: number; readonly advance: number; readonly backDays?: number }
  | { readonly kind: 'assess'; readonly unit: number; readonly advance: number }
  | { readonly kind: 'waive'; readonly unit: number; readonly pick: number; readonly penalty: boolean; readonly share: number; readonly committee: boolean; readonly advance: number; readonly backDays?: number }
  | { readonly kind: 'cancel'; readonly unit: number; readonly pick: number; readonly advance: number; readonly backDays?: number }
  | { readonly kind: 'plan'; readonly unit: number; readonly pick: number; readonly count: number; readonly installments: number; readonly advance: number }
  | { readonly kind: 'refund'; readonly unit: number; readonly share: number; readonly advance: number; readonly backDays?: number }
  /** ApplyCredit: the unit's credit to the principal and penalty it owes */
  | { readonly kind: 'apply'; readonly unit: number; readonly advance: number; readonly backDays?: number }
  | { readonly kind: 'remind'; readonly unit: number; readonly pick: number; readonly stage: number; readonly advance: number }
  | { readonly kind: 'classify'; readonly unit: number; readonly cls: number; readonly advance: number };

const CHANNELS = ['wechat', 'alipay', 'unionpay', 'bank-card', 'bank-transfer', 'cash', 'withholding'] as const;
const STAGES = ['reminder', 'phone', 'written-notice', 'legal'] as const;
const STAGE_CHANNELS = ['sms', 'phone', 'letter', 'court'] as const;
const CLASSES = ['none', 'hardship', 'dispute', 'chronic'] as const;

/**
 * One abstract account step for one of `units` units. Weights follow a realistic month: many
 * charges and payments, some assessments and reminders, few waivers, cancellations, reversals,
 * plans and refunds.
 */
export const accountStepArbitrary = (units = 1): fc.Arbitrary<AccountStep> => {
  const unit = fc.integer({ min: 0, max: Math.max(0, units - 1) });
  const advance = fc.integer({ min: 0, max: 12 });
  const pick = fc.nat({ max: 50 });
  const share = fc.integer({ min: 1, max: 100 });
  // most corrections are booked the day they are made; some are dated back (a waiver approved last week)
  const backDays = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }) });
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('issue' as const), unit, amountFen: fc.integer({ min: 1, max: 300_000 }), advance, backDays }) },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('pay' as const),
        unit,
        share,
        extraFen: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50_000 })),
        txn: fc.nat({ max: 40 }),
        channel: fc.nat({ max: CHANNELS.length - 1 }),
        advance,
        lateDays: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }) }, { weight: 1, arbitrary: fc.integer({ min: 6, max: 30 }) }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('payFound' as const), unit, pick, share, back: fc.integer({ min: 0, max: 40 }), penalty: fc.boolean(), txn: fc.nat({ max: 40 }), advance }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reverse' as const), unit, pick, advance, backDays }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('assess' as const), unit, advance }) },
    // a committee often writes off all that is owed: then a payment booked late can lower penalty that was waived
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('waive' as const), unit, pick, penalty: fc.boolean(), share: fc.oneof({ weight: 2, arbitrary: share }, { weight: 1, arbitrary: fc.constant(100) }), committee: fc.boolean(), advance, backDays }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), unit, pick, advance, backDays }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('plan' as const), unit, pick, count: fc.integer({ min: 1, max: 3 }), installments: fc.integer({ min: 1, max: 4 }), advance }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('refund' as const), unit, share, advance, backDays }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('apply' as const), unit, advance, backDays }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('remind' as const), unit, pick, stage: fc.nat({ max: 3 }), advance }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('classify' as const), unit, cls: fc.nat({ max: 3 }), advance }) },
  );
};

/** Where a run of steps is: the business day, each unit's state and next period. */
export interface StepCursor {
  day: number;
  readonly states: AccountState[];
  readonly nextPeriod: number[];
  /** the schedule's fee regime: under 酬金制 (`commission`) each charge carries the company's share at `rate`; left out, 包干制 */
  readonly regime?: EventData<'FeeScheduleAdopted'>['regime'];
  /** put before every generated channel transaction id (`T0x3`), so logs of several communities never share a payment's natural key; default none */
  readonly txnPrefix?: string;
}

const FIRST_DAY = epochDayOf(2025, 1, 1);
const actor = { id: 'clerk-1', role: 'clerk' } as const;
const committee = { approver: 'Committee chair Wang', approverRole: 'committee', reference: 'YZ-2025-01', date: '2025-01-02' } as const;
const manager = { approver: 'Manager Li', approverRole: 'manager', reference: 'M-2025-01', date: '2025-01-02' } as const;

const metaOn = (day: number, extra: Partial<CommandMeta> = {}): CommandMeta => ({ actor, effectiveDate: isoDateOf(day), ...extra }) as CommandMeta;

const monthKey = (index: number): { key: string; start: number; end: number; due: number } => {
  const y = 2025 + Math.floor(index / 12);
  const m = (index % 12) + 1;
  const start = epochDayOf(y, m, 1);
  const end = epochDayOf(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - 1;
  return { key: `${y}-${String(m).padStart(2, '0')}`, start, end, due: end + 15 };
};

const share = (total: Money, percent: number): Money => {
  const s = total.times([String(percent), '0.01'], 'down');
  return s.isPositive() ? s : total;
};

const at = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);

// a charge's regime and commission: under 酬金制 with a percentage, the rate of the amount, half-up
const regimeOf = (regime: StepCursor['regime'], amount: string): { regime: 'lump-sum' | 'commission'; commission: string } =>
  regime !== undefined && regime.kind === 'commission' && regime.basis === 'percentage'
    ? { regime: 'commission', commission: commissionOf(regime, Money.of(amount)).toString() }
    : { regime: 'lump-sum', commission: '0' };

/**
 * The concrete command of a step for the unit's current state, or null when the step has nothing
 * to act on (no charge to waive, no credit to refund). Advances the cursor's day and period.
 */
export const commandOfStep = (step: AccountStep, cursor: StepCursor): AccountCommand | null => {
  cursor.day += step.advance;
  const day = cursor.day;
  const back = 'backDays' in step && step.backDays !== undefined ? Math.max(FIRST_DAY, day - step.backDays) : day;
  const state = cursor.states[step.unit]!;
  const charges = [...state.charges.values()];
  const live = charges.filter((c) => !c.cancelled);
  switch (step.kind) {
    case 'issue': {
      const index = cursor.nextPeriod[step.unit]!;
      cursor.nextPeriod[step.unit] = index + 1;
      const p = monthKey(index);
      const amount = yuanOfFen(step.amountFen);
      return {
        type: 'IssueCharge',
        data: {
          feeItemId: 'property',
          periodKey: p.key,
          periodStart: isoDateOf(p.start),
          periodEnd: isoDateOf(p.end),
          dueDate: isoDateOf(p.due),
          amount,
          calculation: { basis: 'manual', quantity: '1', unitPrice: amount, months: '1', unrounded: amount, rounding: 'half-up' },
          scheduleVersion: 1,
          ...regimeOf(cursor.regime, amount),
        },
        meta: metaOn(back),
      } as unknown as CommandOf<'IssueCharge'>;
    }
    case 'pay': {
      const owed = Money.sum(live.flatMap((c) => [c.outstandingPrincipal, c.outstandingPenalty]));
      const base = owed.isPositive() ? share(owed, step.share) : Money.zero();
      const amount = base.add(Money.fromMinorUnits(step.extraFen));
      if (!amount.isPositive()) return null;
      // a channel notification may arrive a few days after the money did
      const receivedOn = Math.max(FIRST_DAY, day - step.lateDays);
      return {
        type: 'ReceivePayment',
        data: { channel: CHANNELS[step.channel]!, channelTxnId: `${cursor.txnPrefix ?? ''}T${step.unit}x${step.txn}`, amount: amount.toString(), receivedOn: isoDateOf(receivedOn) },
        meta: metaOn(day),
      } as unknown as CommandOf<'ReceivePayment'>;
    }
    case 'payFound': {
      const assessed = live.filter((x) => x.lastPenaltyDay !== null && x.outstandingPrincipal.isPositive());
      // half the time a charge whose penalty was waived or paid: counting it again then moves the waiver or the payment
      const moved = assessed.filter((x) => x.penaltyWaived.isPositive() || x.penaltyPaid.isPositive());
      const c = at(moved.length > 0 && step.pick % 2 === 0 ? moved : assessed, step.pick);
      if (c === undefined || c.lastPenaltyDay === null || c.penaltyOn === null) return null;
      // paying penalty too, it is received once the penalty was assessed (a payment pays only what it owed that day)
      const payPenalty = step.penalty && c.outstandingPenalty.isPositive();
      const receivedOn = Math.max(FIRST_DAY, c.issuedDay, c.dueDay, payPenalty ? c.penaltyOn : c.lastPenaltyDay - step.back);
      if (receivedOn > day) return null;
      const targets = [{ chargeId: c.chargeId, kind: 'principal', amount: share(c.outstandingPrincipal, step.share).toString() }];
      if (payPenalty) targets.push({ chargeId: c.chargeId, kind: 'penalty', amount: share(c.outstandingPenalty, step.share).toString() });
      const amount = Money.sum(targets.map((t) => Money.of(t.amount)));
      if (!amount.isPositive()) return null;
      return {
        type: 'ReceivePayment',
        data: { channel: 'bank-transfer', channelTxnId: `${cursor.txnPrefix ?? ''}F${step.unit}x${step.txn}`, amount: amount.toString(), receivedOn: isoDateOf(receivedOn), targets },
        meta: metaOn(day),
      } as unknown as CommandOf<'ReceivePayment'>;
    }
    case 'reverse': {
      const p = at([...state.payments.values()], step.pick);
      if (p === undefined) return null;
      return { type: 'ReversePayment', data: { paymentId: p.paymentId, reason: 'bounced' }, meta: metaOn(back) } as unknown as CommandOf<'ReversePayment'>;
    }
    case 'assess':
      return { type: 'AssessPenalty', data: { asOf: isoDateOf(day) }, meta: metaOn(day) } as unknown as CommandOf<'AssessPenalty'>;
    case 'waive': {
      // relief is asked for on a charge that owes what is waived
      const c = at(
        live.filter((x) => (step.penalty ? x.outstandingPenalty : x.outstandingPrincipal).isPositive()),
        step.pick,
      );
      if (c === undefined) return null;
      const owed = step.penalty ? c.outstandingPenalty : c.outstandingPrincipal;
      return {
        type: 'GrantWaiver',
        data: { chargeId: c.chargeId, kind: step.penalty ? 'penalty' : 'principal', amount: share(owed, step.share).toString(), waiverId: `W${step.unit}x${state.version}` },
        meta: metaOn(back, { reason: 'hardship', approval: step.committee ? committee : manager } as Partial<CommandMeta>),
      } as unknown as CommandOf<'GrantWaiver'>;
    }
    case 'cancel': {
      const c = at(live, step.pick);
      if (c === undefined) return null;
      return { type: 'CancelCharge', data: { chargeId: c.chargeId }, meta: metaOn(back, { reason: 'billed in error', approval: manager } as Partial<CommandMeta>) } as unknown as CommandOf<'CancelCharge'>;
    }
    case 'plan': {
      const owedCharges = live.filter((c) => c.outstandingPrincipal.add(c.outstandingPenalty).isPositive() && (c.planId === null || state.plans.get(c.planId)?.status !== 'active'));
      if (owedCharges.length === 0) return null;
      const start = step.pick % owedCharges.length;
      const chosen = owedCharges.slice(start, start + step.count);
      const total = Money.sum(chosen.map((c) => c.outstandingPrincipal.add(c.outstandingPenalty)));
      const parts = Money.split(total, step.installments).filter((m) => m.isPositive());
      return {
        type: 'AgreeInstallmentPlan',
        data: {
          planId: `P${step.unit}x${state.version}`,
          chargeIds: chosen.map((c) => c.chargeId),
          installments: parts.map((amount, i) => ({ dueDate: isoDateOf(day + 30 * (i + 1)), amount: amount.toString() })),
        },
        // relief: who approved it and why (domain.md)
        meta: metaOn(day, { reason: 'hardship: pays in parts', approval: manager } as Partial<CommandMeta>),
      } as unknown as CommandOf<'AgreeInstallmentPlan'>;
    }
    case 'refund': {
      if (!state.credit.isPositive()) return null;
      return {
        type: 'RefundCredit',
        data: { amount: share(state.credit, step.share).toString(), channel: 'bank-transfer', refundedOn: isoDateOf(back), refundId: `R${step.unit}x${state.version}` },
        meta: metaOn(back),
      } as unknown as CommandOf<'RefundCredit'>;
    }
    case 'apply':
      if (!state.credit.isPositive()) return null;
      return { type: 'ApplyCredit', data: {}, meta: metaOn(back) } as unknown as CommandOf<'ApplyCredit'>;
    case 'remind': {
      // about a charge owed that day; a call, notice or legal review only once it is overdue (the decider's rule)
      const c = at(
        live.filter((x) => x.issuedDay <= day && owingOn(x, day)),
        step.pick,
      );
      if (c === undefined) return null;
      const stage = c.dueDay < day ? step.stage : 0;
      return {
        type: 'RecordReminder',
        data: { stage: STAGES[stage]!, channel: STAGE_CHANNELS[stage]!, on: isoDateOf(day), chargeIds: [c.chargeId] },
        meta: metaOn(day),
      } as unknown as CommandOf<'RecordReminder'>;
    }
    case 'classify':
      return { type: 'ClassifyArrears', data: { arrearsClass: CLASSES[step.cls]!, on: isoDateOf(day) }, meta: metaOn(day) } as unknown as CommandOf<'ClassifyArrears'>;
  }
};

// ---------------------------------------------------------------------------------------------
// logs
// ---------------------------------------------------------------------------------------------

/** One unit's account in a generated log. */
export interface GeneratedAccount {
  readonly unitId: string;
  readonly streamId: string;
  /** the stream's events in order */
  readonly events: readonly AccountEvent[];
  /** the state after them */
  readonly state: AccountState;
}

/** A generated, valid event log of a community and its unit accounts. */
export interface AccountLog {
  readonly communityId: string;
  readonly schedule: EventData<'FeeScheduleAdopted'>;
  readonly policy: AccountPolicy;
  /** CommunityRegistered, one UnitRegistered per unit, FeeScheduleAdopted */
  readonly community: readonly CommunityEvent[];
  readonly accounts: readonly GeneratedAccount[];
  /** every event in append order (community stream first, then accounts interleaved as decided) */
  readonly entries: readonly { readonly streamId: string; readonly event: LevyEvent }[];
  /** commands the decider refused on the way (kept out of the log), with why */
  readonly refusals: readonly { readonly streamId: string; readonly command: AccountCommand; readonly error: DomainError }[];
  /** the business day the log ends on (epoch day) */
  readonly lastDay: number;
}

// the most a generated log holds: enough for any property, and far from running out of memory
const MAX_LOG_UNITS = 1_000;
const MAX_LOG_STEPS = 100_000;

/**
 * Options of {@link accountLogArbitrary}. Checked when the arbitrary is made: an unknown key is
 * `OPTIONS_UNKNOWN_FIELD`, a count out of range or a community id that is not an id
 * `OPTIONS_INVALID`, each at the field.
 */
export interface AccountLogOptions {
  /** an id (no dots): it is part of every stream name; default `sunrise` */
  readonly communityId?: string;
  /** how many units (accounts): a number from 1 to 1,000, or a range; default 1 to 3 */
  readonly units?: number | { readonly min: number; readonly max: number };
  /** how many steps across all units: a number (the most) from 0 to 100,000, or a range; default 0 to 40 */
  readonly steps?: number | { readonly min: number; readonly max: number };
  /** a fixed policy instead of a generated schedule's */
  readonly policy?: AccountPolicy;
}

const range = (r: number | { min: number; max: number } | undefined, dflt: { min: number; max: number }): { min: number; max: number } =>
  r === undefined ? dflt : typeof r === 'number' ? { min: Math.min(dflt.min, r), max: r } : r;

/**
 * Runs abstract steps through the real account decider for `units` units: the log, the states
 * and the refusals. Deterministic: the same steps give the same log (the recorded instant is
 * derived from the business day; fresh ids count up). `txnPrefix` goes before every generated
 * channel transaction id (as {@link StepCursor}'s), for logs that must not share a payment's
 * event id with another community's.
 *
 * @example
 * const log = runAccountSteps(steps, { units: 2, schedule });
 */
export const runAccountSteps = (
  steps: readonly AccountStep[],
  options: { readonly units: number; readonly schedule: EventData<'FeeScheduleAdopted'>; readonly communityId?: string; readonly policy?: AccountPolicy; readonly txnPrefix?: string },
): AccountLog => {
  const communityId = options.communityId ?? options.schedule.communityId;
  const policy = options.policy ?? accountPolicyFrom(options.schedule);
  const unitIds = Array.from({ length: options.units }, (_, i) => `U${String(i + 1).padStart(3, '0')}`);
  const community = communityEvents(communityId, unitIds, options.schedule);
  const cursor: StepCursor = { day: FIRST_DAY, states: unitIds.map(() => accountDecider.initialState()), nextPeriod: unitIds.map(() => 0), regime: options.schedule.regime, ...(options.txnPrefix === undefined ? {} : { txnPrefix: options.txnPrefix }) };
  const events: AccountEvent[][] = unitIds.map(() => []);
  const entries: { streamId: string; event: LevyEvent }[] = community.map((event) => ({ streamId: communityStream(communityId), event }));
  const refusals: { streamId: string; command: AccountCommand; error: DomainError }[] = [];
  let ids = 0;
  for (const step of steps) {
    if (step.unit >= unitIds.length) continue;
    const command = commandOfStep(step, cursor);
    if (command === null) continue;
    const unitId = unitIds[step.unit]!;
    const streamId = accountStream(communityId, unitId);
    const ctx: AccountContext = {
      now: `${isoDateOf(cursor.day)}T02:00:00Z` as AccountContext['now'],
      newId: (p) => `${p}-${++ids}`,
      communityId,
      unitId,
      policy,
      closedThrough: null,
      timeZone: 'Asia/Shanghai',
    };
    const decided = accountDecider.decide(command, cursor.states[step.unit]!, ctx);
    // testkit does not depend on fp-ts: read the Either by its tag
    if (decided._tag === 'Left') {
      refusals.push({ streamId, command, error: decided.left });
      continue;
    }
    for (const e of decided.right) {
      cursor.states[step.unit] = accountDecider.evolve(cursor.states[step.unit]!, e);
      events[step.unit]!.push(e);
      entries.push({ streamId, event: e });
    }
  }
  return {
    communityId,
    schedule: options.schedule,
    policy,
    community,
    accounts: unitIds.map((unitId, i) => ({ unitId, streamId: accountStream(communityId, unitId), events: events[i]!, state: cursor.states[i]! })),
    entries,
    refusals,
    lastDay: cursor.day,
  };
};

const communityEvents = (communityId: string, unitIds: readonly string[], schedule: EventData<'FeeScheduleAdopted'>): CommunityEvent[] => {
  const meta = metaOn(epochDayOf(2024, 12, 1), { approval: committee, reason: 'schedule published 2024-12-01' } as Partial<CommandMeta>);
  const ctx = { now: '2024-12-01T02:00:00Z' as AccountContext['now'] };
  const out: CommunityEvent[] = [
    eventFrom('CommunityRegistered', { communityId, name: `Community ${communityId}`, timeZone: 'Asia/Shanghai', closeCycle: 'quarter' } as EventData<'CommunityRegistered'>, meta, ctx, eventIdFor('CommunityRegistered', [communityId])),
  ];
  unitIds.forEach((unitId, i) => {
    const data = {
      communityId,
      unitId,
      building: `B${(i % 4) + 1}`,
      areaM2: ['89.50', '120.25', '65.00', '142.80'][i % 4]!,
      useType: i % 7 === 6 ? 'commercial' : 'residential',
      owner: { ownerId: `O${i + 1}`, name: `Owner ${i + 1}` },
      handoverDate: '2020-06-30',
    } as unknown as EventData<'UnitRegistered'>;
    out.push(eventFrom('UnitRegistered', data, meta, ctx, eventIdFor('UnitRegistered', [communityId, unitId])));
  });
  out.push(eventFrom('FeeScheduleAdopted', { ...schedule, communityId } as EventData<'FeeScheduleAdopted'>, meta, ctx, eventIdFor('FeeScheduleAdopted', [communityId, String(schedule.version)])));
  return out;
};

/**
 * A valid event log of one or many unit accounts: a generated schedule (or the given policy) and
 * a generated sequence of steps run through the real account decider. Shrinks toward fewer units
 * and fewer, simpler steps.
 *
 * @example
 * fc.assert(fc.property(accountLogArbitrary({ units: { min: 1, max: 5 }, steps: 60 }), (log) => {
 *   // the checks take events as a store holds them, and return violations rather than throw
 *   expect(checkInvariants(storedEventsOf(log))).toEqual([]);
 * }));
 */
export const accountLogArbitrary = (options: AccountLogOptions = {}): fc.Arbitrary<AccountLog> => {
  const o = optionsOf(options, ['communityId', 'units', 'steps', 'policy'], 'accountLogArbitrary');
  if (o.communityId !== undefined && !Id.is(o.communityId)) invalidOption(['communityId'], o.communityId, 'an id (letters, digits, _ and -, no dots: it is part of every stream name)');
  if (o.policy !== undefined && (typeof o.policy !== 'object' || o.policy === null)) invalidOption(['policy'], o.policy, 'an account policy (accountPolicyFrom of a schedule)');
  const u = range(o.units === undefined ? undefined : countRange(o.units, ['units'], 1, MAX_LOG_UNITS), { min: 1, max: 3 });
  const s = range(o.steps === undefined ? undefined : countRange(o.steps, ['steps'], 0, MAX_LOG_STEPS), { min: 0, max: 40 });
  return communityLogArbitrary(u, s, { ...(options.policy === undefined ? {} : { policy: options.policy }), ...(options.communityId === undefined ? {} : { communityId: options.communityId }) });
};

// one community's log: its units, a schedule of its own (or the policy given), its steps run through the decider
const communityLogArbitrary = (
  u: { readonly min: number; readonly max: number },
  s: { readonly min: number; readonly max: number },
  options: { readonly communityId?: string; readonly policy?: AccountPolicy; readonly txnPrefix?: string },
): fc.Arbitrary<AccountLog> =>
  // size 'max': the whole range asked for. fast-check's default size ('small') stops an array at
  // ten more than its minimum whatever its maxLength, which left logs of 60 steps at ten or fewer
  fc.integer({ min: u.min, max: u.max }).chain((units) =>
    fc
      .tuple(
        // penalties on in four logs of five (as accountPolicyArbitrary): a schedule draws them on half the time, and the properties over logs are mostly about them
        fc.tuple(feeScheduleArbitrary(options.communityId ?? 'sunrise'), fc.integer({ min: 0, max: 9 })).map(([schedule, k]) => (k < 8 ? { ...schedule, penalty: { ...schedule.penalty, enabled: true } } : schedule)),
        fc.array(accountStepArbitrary(units), { minLength: s.min, maxLength: s.max, size: 'max' }),
      )
      .map(([schedule, steps]) => runAccountSteps(steps, { units, schedule, ...options })),
  );

// ---------------------------------------------------------------------------------------------
// logs of several communities
// ---------------------------------------------------------------------------------------------

/** A generated, valid event log of several communities, each with its own schedule and unit accounts. */
export interface MultiCommunityLog {
  /** each community's own log, as {@link accountLogArbitrary} makes one (its `entries` in its own order), in the order their ids were drawn */
  readonly communities: readonly AccountLog[];
  /** every event of every community in append order: the communities' entries merged in a generated order, each community's own order kept */
  readonly entries: readonly { readonly streamId: string; readonly event: LevyEvent }[];
}

// the ids a multi-community log draws its communities from: some a prefix of another in their
// stream names (levy.account-sun. and levy.account-sunrise., sunrise and sunrise-2), so a report
// that picked a community's units by a stream prefix rather than by community would show it
const MULTI_COMMUNITY_IDS: readonly string[] = Object.freeze(['sunrise', 'sun', 'sunrise-2', 'harbour', 'maple_court', 'Jade3', 'west-lake', 'A']);

/**
 * Options of {@link multiCommunityLogArbitrary}, checked when the arbitrary is made as
 * {@link AccountLogOptions} are: an unknown key is `OPTIONS_UNKNOWN_FIELD`, a count out of range
 * `OPTIONS_INVALID`, each at the field.
 */
export interface MultiCommunityLogOptions {
  /** how many communities: a number (the most) from 2 to 8, or a range; default 2 to 3 */
  readonly communities?: number | { readonly min: number; readonly max: number };
  /** how many units in each community: a number (the most) from 1 to 1,000, or a range; default 1 to 3 */
  readonly units?: number | { readonly min: number; readonly max: number };
  /** how many steps in each community: a number (the most) from 0 to 100,000, or a range; default 0 to 40 */
  readonly steps?: number | { readonly min: number; readonly max: number };
}

/**
 * A valid event log of 2 or more communities: distinct ids (`sunrise`, `sun`, `sunrise-2`,
 * `harbour`, `maple_court`, `Jade3`, `west-lake`, `A`; some a prefix of another) in a generated order, each community with its own generated schedule, units and steps run
 * through the real account decider (as {@link accountLogArbitrary}), and their entries merged in
 * a generated order that keeps each community's own. Channel transaction ids carry the community
 * (`harbour-T0x3`), so no two communities share a payment's natural key (its event id). Shrinks
 * toward fewer communities, units and steps, and toward one community's entries before the next's.
 *
 * @example
 * fc.assert(fc.property(multiCommunityLogArbitrary({ communities: 3, steps: 30 }), (log) => {
 *   expect(checkInvariants(storedEventsOf(log), { every: 10 })).toEqual([]);
 *   expect(log.communities.map((c) => c.communityId)).toHaveLength(new Set(log.communities.map((c) => c.communityId)).size);
 * }));
 */
export const multiCommunityLogArbitrary = (options: MultiCommunityLogOptions = {}): fc.Arbitrary<MultiCommunityLog> => {
  const o = optionsOf(options, ['communities', 'units', 'steps'], 'multiCommunityLogArbitrary');
  const c = range(o.communities === undefined ? undefined : countRange(o.communities, ['communities'], 2, MULTI_COMMUNITY_IDS.length), { min: 2, max: 3 });
  const u = range(o.units === undefined ? undefined : countRange(o.units, ['units'], 1, MAX_LOG_UNITS), { min: 1, max: 3 });
  const s = range(o.steps === undefined ? undefined : countRange(o.steps, ['steps'], 0, MAX_LOG_STEPS), { min: 0, max: 40 });
  return fc
    .shuffledSubarray([...MULTI_COMMUNITY_IDS], { minLength: c.min, maxLength: c.max })
    .chain((ids) => fc.tuple(...ids.map((communityId) => communityLogArbitrary(u, s, { communityId, txnPrefix: `${communityId}-` }))))
    .chain((logs) => {
      const total = logs.reduce((n, l) => n + l.entries.length, 0);
      // one pick per entry: the community whose next entry goes next (or the next one that has any left)
      return fc.array(fc.nat({ max: logs.length - 1 }), { minLength: total, maxLength: total }).map((picks): MultiCommunityLog => ({ communities: logs, entries: interleave(logs.map((l) => l.entries), picks) }));
    });
};

// the lists merged: each pick takes the next item of that list, or of the next list after it that has one left
const interleave = <T>(lists: readonly (readonly T[])[], picks: readonly number[]): T[] => {
  const next = lists.map(() => 0);
  const out: T[] = [];
  for (const pick of picks) {
    for (let k = 0; k < lists.length; k++) {
      const i = (pick + k) % lists.length;
      if (next[i]! < lists[i]!.length) {
        out.push(lists[i]![next[i]!++]!);
        break;
      }
    }
  }
  return out;
};

/**
 * The log as a store would hand it back: revisions per stream and global positions (from 1n), no
 * hashes (a store fills those on append). For feeding projections without a store.
 *
 * @example
 * for (const e of storedEventsOf(log)) projection.apply(e);
 */
export const storedEventsOf = (log: Pick<AccountLog, 'entries'> | MultiCommunityLog): StoredEvent[] => {
  const revisions = new Map<string, bigint>();
  return log.entries.map(({ streamId, event }, i) => {
    const revision = revisions.get(streamId) ?? 0n;
    revisions.set(streamId, revision + 1n);
    return { streamId, revision, position: BigInt(i + 1), type: event.type, data: event.data, meta: event.meta } as unknown as StoredEvent;
  });
};

// ---------------------------------------------------------------------------------------------
// events as an older Levy wrote them
// ---------------------------------------------------------------------------------------------

/** An event as a store or a log holds it: `type`, `data`, `meta` with its schema version (a StoredEvent, a LoggedEvent, a LevyEvent). */
export interface VersionedEvent {
  readonly type: string;
  readonly data: object;
  /** holds `schemaVersion` (a store's `EventMeta` declares only `eventId` and the hashes) */
  readonly meta: object;
}

/**
 * The event as an older Levy wrote it: the form that core's registered upcasters
 * (`LEVY_UPCASTERS`, docs/events.md "Upcasting") read back to exactly this event, and no form
 * they do not read. That is schema version 0 with the same data (every type but one has kept its
 * shape since version 0, and upcasting lifts it unchanged), except a `PaymentReceived` by
 * `bank-transfer`, which at version 0 had no `channel` (the first importer read only bank
 * statements; the upcaster gives it `bank-transfer` back). Undefined when the event has no older
 * form: a `PaymentReceived` by any other channel (no version-0 payment came by one), or an event
 * not at the current schema version. The event given is left alone.
 *
 * @example
 * import { upcastEvent } from '@levy/core';
 * const old = agedEvent(payment);        // { ...payment, data: (no channel), meta: { ...payment.meta, schemaVersion: 0 } }
 * expect(upcastEvent(old!)).toEqual({ _tag: 'Right', right: payment });
 */
export const agedEvent = <T extends VersionedEvent>(event: T): T | undefined => {
  if ((event.meta as { readonly schemaVersion?: unknown }).schemaVersion !== CURRENT_SCHEMA_VERSION) return undefined;
  let data = event.data;
  if (event.type === 'PaymentReceived') {
    const { channel, ...rest } = data as { readonly channel?: unknown };
    if (channel !== 'bank-transfer') return undefined;
    data = rest;
  }
  return { ...event, data, meta: { ...event.meta, schemaVersion: 0 } };
};

/** Options of {@link agedLogArbitrary}: an unknown key is `OPTIONS_UNKNOWN_FIELD`, a percent out of range `OPTIONS_INVALID`, at the field. */
export interface AgedLogOptions {
  /** what percent of the events that have an older form ({@link agedEvent}) are written in it: a number (the most) from 0 to 100, or a range; default 0 to 100 */
  readonly percent?: number | { readonly min: number; readonly max: number };
}

/**
 * The log with a generated share of its events in the form an older Levy wrote them
 * ({@link agedEvent}), the rest as given, in the same order and places (a store's positions and
 * revisions kept): what a store holds after years of upgrades. Folded through the registered
 * upcasters it must read as the log itself. Shrinks toward fewer aged events. Not a list of
 * events: `OPTIONS_INVALID` at `events`.
 *
 * @example
 * const logs = accountLogArbitrary({ steps: 40 }).chain((log) => {
 *   const events = storedEventsOf(log);
 *   return agedLogArbitrary(events, { percent: { min: 20, max: 100 } }).map((aged) => ({ events, aged }));
 * });
 * fc.assert(fc.property(logs, ({ events, aged }) => {
 *   expect(checkInvariants(aged)).toEqual(checkInvariants(events));
 * }));
 */
export const agedLogArbitrary = <T extends VersionedEvent>(events: readonly T[], options: AgedLogOptions = {}): fc.Arbitrary<T[]> => {
  const o = optionsOf(options, ['percent'], 'agedLogArbitrary');
  if (!Array.isArray(events)) invalidOption(['events'], events, 'a list of events (as a store reads them, or storedEventsOf a generated log)');
  const p = range(o.percent === undefined ? undefined : countRange(o.percent, ['percent'], 0, 100), { min: 0, max: 100 });
  const older = events.map((e) => agedEvent(e));
  const n = events.length;
  // an event is aged when its roll (1 to 100) is above 100 - percent: rolls shrink toward 1, so toward fewer aged
  return fc
    .integer({ min: p.min, max: p.max })
    .chain((percent) => fc.array(fc.integer({ min: 1, max: 100 }), { minLength: n, maxLength: n }).map((rolls) => events.map((e, i) => (rolls[i]! > 100 - percent ? (older[i] ?? e) : e))));
};
