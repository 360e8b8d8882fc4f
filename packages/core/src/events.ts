/**
 * Every fact Levy records, as io-ts codecs: the event envelope ({@link EventMeta}) and the data of
 * each event type ({@link eventDataCodecs}). TypeScript types are derived from the codecs.
 * Events record decisions, not inputs (DESIGN.md, principle 2): a payment carries its allocation,
 * a penalty its segments, base, rate, days and rounding, so replaying with newer code gives the
 * same numbers.
 *
 * Streams: one per community (`levy.community-<communityId>`) and one per unit account
 * (`levy.account-<communityId>.<unitId>`). docs/events.md lists every type with an example.
 *
 * @example
 * import { decodeEvent } from '@levy/core';
 * const e = decodeEvent(JSON.parse(line));  // Either<DomainError[], LevyEvent>
 */
import type * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  Amount,
  Count,
  DecimalString,
  Id,
  InstantString,
  IsoDate,
  NonEmptyText,
  PeriodKey,
  Uuid,
  decodeMessage,
  oneOf,
  struct,
} from './codecs.js';
import type { DomainError } from './errors.js';
import { compileIs } from './fast-is.js';

// ---------------------------------------------------------------------------------------------
// vocabulary
// ---------------------------------------------------------------------------------------------

/** Unit use types (domain.md, pricing): each may carry its own price. */
export const UseType = oneOf(['residential', 'commercial', 'office', 'industrial', 'parking'], 'UseType');
/** A unit's use type. */
export type UseType = t.TypeOf<typeof UseType>;

/** Payment channels (domain.md, payment channels 2.2). `withholding` is bank or third-party 代收代缴. */
export const Channel = oneOf(['wechat', 'alipay', 'unionpay', 'bank-card', 'bank-transfer', 'cash', 'withholding'], 'Channel');
/** A payment channel. */
export type Channel = t.TypeOf<typeof Channel>;

/** Who acts: the role decides what they may approve. */
export const ActorRole = oneOf(['system', 'clerk', 'manager', 'committee', 'owner', 'auditor'], 'ActorRole');
/** An actor's role. */
export type ActorRole = t.TypeOf<typeof ActorRole>;

/** Billing cycle of a fee schedule (domain.md: monthly by default, yearly, optionally quarterly). */
export const BillingCycle = oneOf(['month', 'quarter', 'year'], 'BillingCycle');
/** A billing cycle. */
export type BillingCycle = t.TypeOf<typeof BillingCycle>;

/** Rounding modes where a rule says "round". */
export const Rounding = oneOf(['half-up', 'half-even', 'down', 'up'], 'Rounding');

/** What a receivable line is: the fee itself or the late-payment penalty on it. */
export const ReceivableKindC = oneOf(['principal', 'penalty'], 'ReceivableKind');

/** Reminder stages (domain.md, chapter 5): monthly reminder, call at 15 days, written notice at 30, legal at 60. */
export const ReminderStage = oneOf(['reminder', 'phone', 'written-notice', 'legal'], 'ReminderStage');
/** A reminder stage. */
export type ReminderStage = t.TypeOf<typeof ReminderStage>;

/** How a reminder reached the owner. */
export const ReminderChannel = oneOf(['sms', 'app', 'wechat', 'phone', 'letter', 'email', 'visit', 'court'], 'ReminderChannel');

/** Arrears classes for the arrears ledger (欠费台账). */
export const ArrearsClass = oneOf(['none', 'hardship', 'dispute', 'chronic'], 'ArrearsClass');
/** An arrears class. */
export type ArrearsClass = t.TypeOf<typeof ArrearsClass>;

/** Expenditure categories (domain.md: 专款专用, funds ring-fenced). */
export const ExpenditureCategory = oneOf(
  ['cleaning', 'security', 'greening', 'repairs', 'elevators', 'utilities', 'management', 'other'],
  'ExpenditureCategory',
);

// ---------------------------------------------------------------------------------------------
// envelope
// ---------------------------------------------------------------------------------------------

/** Who did it. */
export const Actor = struct({ id: Id, role: ActorRole }, {}, 'Actor');
/** An actor. */
export type Actor = t.TypeOf<typeof Actor>;

/** An approval a rule demands (a waiver of principal: the owners' committee, 业主委员会). */
export const Approval = struct(
  { approver: NonEmptyText, approverRole: oneOf(['manager', 'committee', 'assembly'], 'ApproverRole'), reference: NonEmptyText, date: IsoDate },
  {},
  'Approval',
);
/** An approval record. */
export type Approval = t.TypeOf<typeof Approval>;

/**
 * The envelope on every event. `prevHash` and `hash` are filled in by the store when it appends
 * (the hash chain, DESIGN.md principle 8); `corrects` names the event a correction corrects.
 */
export const EventMeta = struct(
  {
    eventId: Uuid,
    schemaVersion: Count,
    effectiveDate: IsoDate,
    recordedAt: InstantString,
    actor: Actor,
  },
  {
    reason: NonEmptyText,
    approval: Approval,
    correlationId: t.string,
    causationId: t.string,
    corrects: Uuid,
    prevHash: t.union([t.string, t.null]),
    hash: t.string,
  },
  'EventMeta',
);
/** The event envelope. */
export type EventMeta = t.TypeOf<typeof EventMeta>;

// ---------------------------------------------------------------------------------------------
// community stream
// ---------------------------------------------------------------------------------------------

const Owner = struct({ ownerId: Id, name: NonEmptyText }, { phone: t.string }, 'Owner');

/** Price of an area-priced item per m² per month, by use type, with optional grades (commercial/office 3.2). */
export const AreaPricing = struct(
  { kind: t.literal('area'), byUseType: t.record(t.string, DecimalString) },
  { byGrade: t.record(t.string, DecimalString) },
  'AreaPricing',
);
/** A fixed amount per unit per month. */
export const FixedPricing = struct({ kind: t.literal('fixed'), amountPerMonth: Amount }, {}, 'FixedPricing');
/** Metered: reading delta × unit price (shared utilities, 公摊). */
export const MeteredPricing = struct({ kind: t.literal('metered'), unitPrice: DecimalString }, {}, 'MeteredPricing');
/** How a fee item is priced. */
export const Pricing = t.union([AreaPricing, FixedPricing, MeteredPricing], 'Pricing');

/** A fee item (费用项) of a schedule, and which use types it is billed to. */
export const FeeItem = struct({ feeItemId: Id, name: NonEmptyText, pricing: Pricing, appliesTo: t.array(UseType) }, {}, 'FeeItem');
/** A fee item. */
export type FeeItem = t.TypeOf<typeof FeeItem>;

/** When a period's charge falls due (calendar.md). */
export const DueRuleC = t.union(
  [
    struct({ kind: t.literal('day-of-next-month'), day: Count }),
    struct({ kind: t.literal('days-after-period-end'), days: Count }),
    struct({ kind: t.literal('in-advance') }),
  ],
  'DueRule',
);

/** The penalty cap: the principal (default), none, an absolute amount, or a percentage of principal. */
export const PenaltyCapC = t.union(
  [
    struct({ kind: t.literal('principal') }),
    struct({ kind: t.literal('none') }),
    struct({ kind: t.literal('absolute'), amount: Amount }),
    struct({ kind: t.literal('percentage'), percent: DecimalString }),
  ],
  'PenaltyCap',
);

/** 滞纳金 policy: applies only where the service contract provides for it (`enabled`). */
export const PenaltyPolicyC = struct(
  { enabled: t.boolean, dailyRate: DecimalString, graceDays: Count, cap: PenaltyCapC, rounding: Rounding },
  {},
  'PenaltyPolicy',
);

/** Fee regime: 包干制 lump-sum, or 酬金制 commission (a percentage of fees, or a fixed amount per period). */
export const FeeRegime = t.union(
  [
    struct({ kind: t.literal('lump-sum') }),
    struct({ kind: t.literal('commission'), basis: t.literal('percentage'), rate: DecimalString }),
    struct({ kind: t.literal('commission'), basis: t.literal('fixed'), amountPerPeriod: Amount }),
  ],
  'FeeRegime',
);
/** A fee regime. */
export type FeeRegime = t.TypeOf<typeof FeeRegime>;

/** How payments are allocated across what a unit owes. */
export const AllocationPolicyName = oneOf(['oldest-first', 'penalty-first', 'largest-first'], 'AllocationPolicy');

const communityEvents = {
  /** A community (小区) starts its stream. */
  CommunityRegistered: struct(
    { communityId: Id, name: NonEmptyText, timeZone: NonEmptyText, closeCycle: BillingCycle },
    {},
    'CommunityRegistered',
  ),
  /** A unit (房屋) joins the community. `areaM2` is the building area (建筑面积). */
  UnitRegistered: struct(
    { communityId: Id, unitId: Id, building: NonEmptyText, areaM2: DecimalString, useType: UseType, owner: Owner, handoverDate: IsoDate },
    { grade: Id },
    'UnitRegistered',
  ),
  /** A unit's area changes from a date (remeasurement). */
  UnitAreaChanged: struct({ communityId: Id, unitId: Id, areaM2: DecimalString, from: IsoDate }, {}, 'UnitAreaChanged'),
  /** A unit changes hands from a date. */
  UnitOwnerChanged: struct({ communityId: Id, unitId: Id, owner: Owner, from: IsoDate }, {}, 'UnitOwnerChanged'),
  /** A fee schedule version (收费标准), published (公示) on `publishedOn`, effective from `effectiveFrom`. */
  FeeScheduleAdopted: struct(
    {
      communityId: Id,
      version: Count,
      publishedOn: IsoDate,
      effectiveFrom: IsoDate,
      billingCycle: BillingCycle,
      dueRule: DueRuleC,
      items: t.array(FeeItem),
      penalty: PenaltyPolicyC,
      allocation: AllocationPolicyName,
      regime: FeeRegime,
      /** a manager may waive penalty up to this amount per charge, all waivers together, without the committee */
      managerWaiverLimit: Amount,
      /** an installment missed by more than this many days defaults its plan */
      installmentGraceDays: Count,
    },
    {},
    'FeeScheduleAdopted',
  ),
  /** A billing run for a period finished: the charges themselves are in the account streams. */
  BillingRunCompleted: struct(
    { communityId: Id, periodKey: PeriodKey, scheduleVersion: Count, chargeCount: Count, total: Amount },
    {},
    'BillingRunCompleted',
  ),
  /** A period is closed (quarterly settlement, 按季度结算): totals sealed with the hash heads of its streams. */
  PeriodClosed: struct(
    {
      communityId: Id,
      periodKey: PeriodKey,
      periodStart: IsoDate,
      periodEnd: IsoDate,
      closedOn: IsoDate,
      totals: struct({ billed: Amount, collected: Amount, waived: Amount, penalties: Amount, credit: Amount }),
      heads: t.array(struct({ streamId: t.string, revision: t.string, hash: t.string })),
    },
    {},
    'PeriodClosed',
  ),
  /** Money spent from the community's fees (专款专用), with its approval in the envelope. */
  ExpenditureRecorded: struct(
    { communityId: Id, expenditureId: Id, category: ExpenditureCategory, amount: Amount, vendor: NonEmptyText, paidOn: IsoDate, description: NonEmptyText },
    {},
    'ExpenditureRecorded',
  ),
} as const;

// ---------------------------------------------------------------------------------------------
// account stream (one per unit)
// ---------------------------------------------------------------------------------------------

/** One part of a payment applied to one receivable line. */
export const AllocationC = struct({ chargeId: Id, kind: ReceivableKindC, amount: Amount }, {}, 'Allocation');

/** How a charge's amount was computed (pricing.ts). */
export const CalculationC = struct(
  { basis: oneOf(['area', 'fixed', 'metered', 'manual'], 'Basis'), quantity: DecimalString, unitPrice: DecimalString, months: t.string, unrounded: t.string, rounding: Rounding },
  {},
  'Calculation',
);

/** A part of a credit movement taken from one credit lot: the lot (a payment's id, `cancel:<chargeId>`, or `<cause>:<chargeId>` for penalty a recount gave back; `creditLotOrigin` reads it) and the amount. */
export const CreditLotPartC = struct({ lotId: NonEmptyText, amount: Amount }, {}, 'CreditLotPart');

/** One constant-base run of a penalty assessment. */
export const PenaltySegmentC = struct({ from: IsoDate, to: IsoDate, days: Count, base: Amount, unrounded: t.string }, {}, 'PenaltySegment');

const accountEvents = {
  /**
   * A charge (fee for one fee item and period) is billed to the unit. Under 酬金制 `commission` is
   * the company's share of it; the rest belongs to the owners' fund.
   */
  ChargeIssued: struct(
    {
      chargeId: Id,
      communityId: Id,
      unitId: Id,
      feeItemId: Id,
      periodKey: PeriodKey,
      periodStart: IsoDate,
      periodEnd: IsoDate,
      dueDate: IsoDate,
      amount: Amount,
      calculation: CalculationC,
      scheduleVersion: Count,
      regime: oneOf(['lump-sum', 'commission'], 'RegimeKind'),
      commission: Amount,
    },
    {},
    'ChargeIssued',
  ),
  /**
   * Credit (预收) applied to a charge: to its principal right after the charge is issued when the
   * unit has credit (先交后用), and by ApplyCredit to principal or to penalty (`kind`; absent means
   * principal, as in logs written before credit could pay penalty). `lots` says whose credit it
   * was: the credit lots it was taken from, each with its part, the oldest of those open on its
   * date; evolve takes the lots named. A lot is a payment's excess, by payment id; a cancelled
   * charge's paid part, `cancel:<chargeId>`; or penalty paid and given back by a recount,
   * `<cause>:<chargeId>`. The parts sum to `amount`. Absent in logs written before it was recorded.
   */
  CreditApplied: struct({ chargeId: Id, amount: Amount }, { kind: ReceivableKindC, lots: t.array(CreditLotPartC) }, 'CreditApplied'),
  /**
   * A charge is cancelled: what was still owed is written off, and what was paid on it (principal
   * and penalty) becomes credit. Penalties still owed on it are cancelled too, and waivers on it
   * no longer relieve anything: principal waived is the amount less what was owed and paid;
   * `waivedPenalty` is the penalty waived (absent when none, and in logs written before it was
   * recorded, whose journal leaves those penalty waivers standing).
   */
  ChargeCancelled: struct(
    { chargeId: Id, amount: Amount, commission: Amount, outstandingPrincipal: Amount, paidPrincipalToCredit: Amount, outstandingPenalty: Amount, paidPenaltyToCredit: Amount },
    { waivedPenalty: Amount },
    'ChargeCancelled',
  ),
  /** A payment arrives through a channel, with its allocation decided; the excess becomes credit. */
  PaymentReceived: struct(
    { paymentId: Id, channel: Channel, channelTxnId: NonEmptyText, amount: Amount, receivedOn: IsoDate, allocations: t.array(AllocationC), toCredit: Amount },
    { payer: NonEmptyText },
    'PaymentReceived',
  ),
  /**
   * A payment bounced, was charged back, or was a duplicate: its allocations are re-opened,
   * the credit it created is taken back (`fromCredit`), and where that credit was already applied to
   * charges those applications are re-opened too (`creditApplications`; `kind` as on CreditApplied,
   * absent for principal; `lot`, the lot whose application it re-opens, absent for the payment's
   * own lot: a charge it paid, cancelled since, left its part as credit in `cancel:<chargeId>`, and
   * what that lot paid since is re-opened as far as the lot no longer holds the part).
   * allocations + fromCredit + creditApplications = amount.
   * `fromCreditLots` says whose credit `fromCredit` was, as CreditApplied's `lots` do: the payment's
   * own lot first, then the `cancel:` lots of the charges it paid, cancelled since, then the oldest;
   * the parts sum to `fromCredit`. Absent when nothing came from credit, and in logs written before
   * it was recorded.
   */
  PaymentReversed: struct(
    {
      paymentId: Id,
      reason: oneOf(['bounced', 'chargeback', 'duplicate'], 'ReversalReason'),
      channel: Channel,
      amount: Amount,
      allocations: t.array(AllocationC),
      fromCredit: Amount,
      creditApplications: t.array(struct({ chargeId: Id, amount: Amount }, { kind: ReceivableKindC, lot: NonEmptyText }, 'CreditApplicationReversed')),
    },
    { fromCreditLots: t.array(CreditLotPartC) },
    'PaymentReversed',
  ),
  /**
   * 滞纳金 assessed on one charge for [from, to]; contiguous with the previous assessment of that
   * charge. `dailyRate`, `rounding` and `cap` are the policy it was assessed under (`cap` is absent
   * in logs written before it was recorded), so counting its days again later uses them.
   */
  PenaltyAssessed: struct(
    {
      chargeId: Id,
      asOf: IsoDate,
      from: IsoDate,
      to: IsoDate,
      days: Count,
      segments: t.array(PenaltySegmentC),
      dailyRate: DecimalString,
      rounding: Rounding,
      unrounded: t.string,
      amount: Amount,
      cappedBy: t.union([Amount, t.null]),
    },
    { cap: PenaltyCapC },
    'PenaltyAssessed',
  ),
  /**
   * 滞纳金 counted again on one charge: an entry booked later (a payment, a principal waiver, a
   * reversal) changed the principal on days already assessed, so each assessment it reached is
   * counted again on the base as it now stands (domain.md: the base is what was unpaid at the start
   * of each day). `pieces` are those assessments (`assessment`: the PenaltyAssessed event each one
   * corrects) with their days and their penalty before (`was`) and after (`now`); `amount` is the
   * change, Σ(now − was): negative lowers the penalty, positive raises it. A lowering comes off what
   * is still owed first; where the penalty had been paid, the rest goes back to the owner as credit,
   * taken from the payments that paid it, latest first (`toCredit`), then from the credit that paid
   * it (ApplyCredit), latest credit lot first (`creditPaid`, left out when none); what is left of a lowering
   * had been waived, and the penalty waivers of the charge relieve that much less, latest first
   * (`waivers`, each change negative). A raise first restores what such lowerings took off the
   * waivers, earliest waiver first (`waivers`, each change positive), up to what each waiver
   * granted; the rest is owed. `waivers` is left out when no waiver changes. `cause` names the
   * entry: `payment:<id>`, `waiver:<id>`, `reversal:<paymentId>` or `credit:<date>:<version>`.
   */
  PenaltyAdjusted: struct(
    {
      chargeId: Id,
      cause: NonEmptyText,
      pieces: t.array(struct({ assessment: Uuid, from: IsoDate, to: IsoDate, was: Amount, now: Amount }, {}, 'PenaltyPiece')),
      amount: Amount,
      toCredit: t.array(struct({ paymentId: Id, amount: Amount }, {}, 'PenaltyToCredit')),
    },
    {
      waivers: t.array(struct({ waiverId: Id, amount: Amount }, {}, 'PenaltyWaiverChange')),
      creditPaid: t.array(struct({ lotId: NonEmptyText, amount: Amount }, {}, 'PenaltyCreditPaidBack')),
    },
    'PenaltyAdjusted',
  ),
  /** A waiver (减免) of principal or penalty on one charge; the approval is in the envelope. */
  WaiverGranted: struct({ waiverId: Id, chargeId: Id, kind: ReceivableKindC, amount: Amount }, {}, 'WaiverGranted'),
  /** An installment plan (分期) over some charges; installments sum to what they cover. */
  InstallmentPlanAgreed: struct(
    {
      planId: Id,
      chargeIds: t.array(Id),
      installments: t.array(struct({ seq: Count, dueDate: IsoDate, amount: Amount })),
      total: Amount,
      graceDays: Count,
    },
    {},
    'InstallmentPlanAgreed',
  ),
  /** An installment was missed by more than the grace: the plan defaults and penalties resume from the original due dates. */
  InstallmentPlanDefaulted: struct({ planId: Id, missedSeq: Count, missedDueDate: IsoDate, on: IsoDate }, {}, 'InstallmentPlanDefaulted'),
  /** Everything a plan covered is paid. */
  InstallmentPlanCompleted: struct({ planId: Id, on: IsoDate }, {}, 'InstallmentPlanCompleted'),
  /**
   * Credit paid back to the owner (多退少补), never more than the credit. `lots` says whose credit
   * it was: the oldest of the lots open on `refundedOn`, named and taken as CreditApplied's are; the
   * parts sum to `amount`. Absent in logs written before it was recorded.
   */
  CreditRefunded: struct({ refundId: Id, amount: Amount, channel: Channel, refundedOn: IsoDate }, { channelTxnId: NonEmptyText, lots: t.array(CreditLotPartC) }, 'CreditRefunded'),
  /** A reminder (催缴) was sent or made, at a stage, through a channel. */
  ReminderRecorded: struct({ stage: ReminderStage, channel: ReminderChannel, on: IsoDate, chargeIds: t.array(Id) }, { note: NonEmptyText }, 'ReminderRecorded'),
  /** The account's arrears class for the arrears ledger. */
  ArrearsClassified: struct({ arrearsClass: ArrearsClass, on: IsoDate }, {}, 'ArrearsClassified'),
} as const;

// ---------------------------------------------------------------------------------------------
// the union
// ---------------------------------------------------------------------------------------------

/** Data codec of every event type, by type name. */
export const eventDataCodecs = { ...communityEvents, ...accountEvents } as const;
type DataCodecs = typeof eventDataCodecs;

/** Every event type name. */
export type EventType = keyof DataCodecs;
/** The event types of the community stream. */
export const COMMUNITY_EVENT_TYPES = Object.keys(communityEvents) as readonly (keyof typeof communityEvents)[];
/** The event types of a unit account stream. */
export const ACCOUNT_EVENT_TYPES = Object.keys(accountEvents) as readonly (keyof typeof accountEvents)[];
/** Every event type name, community first. */
export const EVENT_TYPES = Object.keys(eventDataCodecs) as readonly EventType[];

/** The data of an event type. */
export type EventData<K extends EventType> = t.TypeOf<DataCodecs[K]>;

/** One Levy event: `{ type, data, meta }`, discriminated on `type`. */
export type LevyEvent = { [K in EventType]: { readonly type: K; readonly data: EventData<K>; readonly meta: EventMeta } }[EventType];
/** The event of one type. */
export type EventOf<K extends EventType> = Extract<LevyEvent, { type: K }>;
/** Events of the community stream. */
export type CommunityEvent = EventOf<keyof typeof communityEvents>;
/** Events of a unit account stream. */
export type AccountEvent = EventOf<keyof typeof accountEvents>;

/** Current schema version of each event type; bump it and register an upcaster when data changes shape. */
export const CURRENT_SCHEMA_VERSION = 1;

const isEventType = (s: unknown): s is EventType => typeof s === 'string' && Object.prototype.hasOwnProperty.call(eventDataCodecs, s);

/**
 * Decodes a raw event `{ type, data, meta }` (from JSON), dispatching on `type`. Returns every
 * problem at once as DomainErrors with paths like `['data', 'amount']`. Upcasting of old schema
 * versions happens before this (upcast.ts).
 *
 * @example
 * decodeEvent({ type: 'CreditApplied', data: { chargeId: 'c1', amount: '5.00' }, meta });
 */
export const decodeEvent = (raw: unknown): E.Either<readonly DomainError[], LevyEvent> =>
  decodeMessage(raw, eventDataCodecs, EventMeta as t.Type<EventMeta, unknown, unknown>, { invalid: 'EVENT_INVALID', unknown: 'EVENT_TYPE_UNKNOWN', noun: 'event' }) as E.Either<
    readonly DomainError[],
    LevyEvent
  >;

/**
 * Checks an already-decoded-looking value quickly (dispatch on `type`, then the codecs' `is`,
 * compiled on first use into functions that read each field by name: the same answers as io-ts,
 * about twice as fast), for hot read paths; use {@link decodeEvent} to explain a failure.
 *
 * @example
 * if (!isLevyEvent(json)) console.log(decodeEvent(json));
 */
export const isLevyEvent = (raw: unknown): raw is LevyEvent => {
  if (typeof raw !== 'object' || raw === null) return false;
  const { type, data, meta } = raw as { type?: unknown; data?: unknown; meta?: unknown };
  if (!isEventType(type)) return false;
  const checks = (fastChecks ??= compileChecks());
  return checks.data[type]!(data) && checks.meta(meta);
};

// the codecs' `is`, compiled on first use (fast-is.ts): exactly what io-ts answers, read faster
let fastChecks: { readonly data: Readonly<Record<string, (u: unknown) => boolean>>; readonly meta: (u: unknown) => boolean } | undefined;
const compileChecks = (): NonNullable<typeof fastChecks> => ({
  data: Object.fromEntries(Object.entries(eventDataCodecs).map(([type, codec]) => [type, compileIs<unknown>(codec)])),
  meta: compileIs(EventMeta),
});

// ---------------------------------------------------------------------------------------------
// streams
// ---------------------------------------------------------------------------------------------

/**
 * The community stream's name.
 *
 * @example
 * communityStream('sunrise'); // 'levy.community-sunrise'
 */
export const communityStream = (communityId: string): string => `levy.community-${communityId}`;

/**
 * A unit account stream's name.
 *
 * @example
 * accountStream('sunrise', 'B1-1203'); // 'levy.account-sunrise.B1-1203'
 */
export const accountStream = (communityId: string, unitId: string): string => `levy.account-${communityId}.${unitId}`;

/**
 * What a stream name refers to, or null for a name that is not Levy's.
 *
 * @example
 * parseStreamName('levy.account-sunrise.B1-1203'); // { kind: 'account', communityId: 'sunrise', unitId: 'B1-1203' }
 */
export const parseStreamName = (
  streamId: string,
): { kind: 'community'; communityId: string } | { kind: 'account'; communityId: string; unitId: string } | null => {
  if (streamId.startsWith('levy.community-')) return { kind: 'community', communityId: streamId.slice('levy.community-'.length) };
  if (streamId.startsWith('levy.account-')) {
    const rest = streamId.slice('levy.account-'.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) return null;
    return { kind: 'account', communityId: rest.slice(0, dot), unitId: rest.slice(dot + 1) };
  }
  return null;
};
