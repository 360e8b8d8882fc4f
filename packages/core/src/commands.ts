/**
 * What people and systems ask Levy to do, as io-ts codecs: the command envelope
 * ({@link CommandMeta}) and the data of each command ({@link commandDataCodecs}). A decider turns a
 * valid command and the current state into events or a DomainError. Amounts in commands may be
 * typed short (`"12.3"`); events always carry canonical amounts.
 *
 * @example
 * import { decodeCommand } from '@levy/core';
 * decodeCommand({ type: 'ReceivePayment', data: { channel: 'wechat', channelTxnId: '42', amount: '300', receivedOn: '2025-04-10' }, meta });
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { AmountInput, Count, DecimalString, Id, IsoDate, NonEmptyText, PeriodKey, Uuid, decodeMessage, oneOf, struct, undeclaredKeys } from './codecs.js';
import { describe } from './decimal.js';
import { type DomainError, domainError } from './errors.js';
import {
  Actor,
  AllocationPolicyName,
  Approval,
  AreaPricing,
  ArrearsClass,
  BillingCycle,
  CalculationC,
  Channel,
  DueRuleC,
  ExpenditureCategory,
  MeteredPricing,
  ReceivableKindC,
  ReminderChannel,
  ReminderStage,
  Rounding,
  UseType,
} from './events.js';
import { closestName } from './unknown-field.js';

/**
 * The envelope of a command: who asks, for which business date, why, with whose approval. The
 * instant it is recorded and fresh ids come from the decision context, not from here.
 */
export const CommandMeta = struct(
  { actor: Actor, effectiveDate: IsoDate },
  { commandId: t.string, reason: NonEmptyText, approval: Approval, correlationId: t.string, causationId: t.string, corrects: Uuid },
  'CommandMeta',
);
/** A command envelope. */
export type CommandMeta = t.TypeOf<typeof CommandMeta>;
/**
 * A command envelope as a caller writes it: plain strings where {@link CommandMeta} has checked
 * (branded) ones. The handler decodes it, so this is what `runBilling` and `closePeriod` take.
 *
 * @example
 * const clerk = (effectiveDate: string): CommandMetaInput => ({ actor: { id: 'clerk-07', role: 'clerk' }, effectiveDate });
 */
export type CommandMetaInput = t.OutputOf<typeof CommandMeta>;

const OwnerInput = struct({ ownerId: Id, name: NonEmptyText }, { phone: t.string }, 'Owner');

// a schedule's amounts as typed (AmountInput: up to two decimals); FeeScheduleAdopted holds them canonical
const PricingInput = t.union([AreaPricing, struct({ kind: t.literal('fixed'), amountPerMonth: AmountInput }, {}, 'FixedPricing'), MeteredPricing], 'Pricing');
const FeeItemInput = struct({ feeItemId: Id, name: NonEmptyText, pricing: PricingInput, appliesTo: t.array(UseType) }, {}, 'FeeItem');
const PenaltyCapInput = t.union(
  [
    struct({ kind: t.literal('principal') }),
    struct({ kind: t.literal('none') }),
    struct({ kind: t.literal('absolute'), amount: AmountInput }),
    struct({ kind: t.literal('percentage'), percent: DecimalString }),
  ],
  'PenaltyCap',
);
const PenaltyPolicyInput = struct({ enabled: t.boolean, dailyRate: DecimalString, graceDays: Count, cap: PenaltyCapInput, rounding: Rounding }, {}, 'PenaltyPolicy');
// the commissions first, told apart by basis: a bad rate or amount is the first error, at its own path
const FeeRegimeInput = t.union(
  [
    t.union([
      struct({ kind: t.literal('commission'), basis: t.literal('percentage'), rate: DecimalString }),
      struct({ kind: t.literal('commission'), basis: t.literal('fixed'), amountPerPeriod: AmountInput }),
    ], 'FeeRegime'),
    struct({ kind: t.literal('lump-sum') }),
  ],
  'FeeRegime',
);

const communityCommands = {
  /** Start a community's stream. */
  RegisterCommunity: struct({ communityId: Id, name: NonEmptyText }, { timeZone: NonEmptyText, closeCycle: BillingCycle }, 'RegisterCommunity'),
  /** Add a unit. */
  RegisterUnit: struct(
    { unitId: Id, building: NonEmptyText, areaM2: DecimalString, useType: UseType, owner: OwnerInput, handoverDate: IsoDate },
    { grade: Id },
    'RegisterUnit',
  ),
  /** Change a unit's area from a date, on or after its handover. */
  ChangeUnitArea: struct({ unitId: Id, areaM2: DecimalString, from: IsoDate }, {}, 'ChangeUnitArea'),
  /** Change a unit's owner from a date. */
  ChangeUnitOwner: struct({ unitId: Id, owner: OwnerInput, from: IsoDate }, {}, 'ChangeUnitOwner'),
  /**
   * Adopt a fee schedule version, published on one date and effective from another. Its amounts
   * (`amountPerMonth`, a cap's `amount`, `amountPerPeriod`, `managerWaiverLimit`) may be typed
   * short (`"150"`); `FeeScheduleAdopted` records them canonical (`"150.00"`).
   */
  AdoptFeeSchedule: struct(
    {
      version: Count,
      publishedOn: IsoDate,
      effectiveFrom: IsoDate,
      billingCycle: BillingCycle,
      dueRule: DueRuleC,
      items: t.array(FeeItemInput),
      penalty: PenaltyPolicyInput,
      allocation: AllocationPolicyName,
      regime: FeeRegimeInput,
      managerWaiverLimit: AmountInput,
      installmentGraceDays: Count,
    },
    {},
    'AdoptFeeSchedule',
  ),
  /** Bill every unit for a period (one charge per unit and applicable fee item); idempotent. */
  RunBilling: struct({ periodKey: PeriodKey }, {}, 'RunBilling'),
  /** Close a period (a quarter by default): seal its totals and stream heads. */
  ClosePeriod: struct({ periodKey: PeriodKey, closedOn: IsoDate }, {}, 'ClosePeriod'),
  /** Record spending of the community's funds; needs an approval. */
  RecordExpenditure: struct(
    { expenditureId: Id, category: ExpenditureCategory, amount: AmountInput, vendor: NonEmptyText, paidOn: IsoDate, description: NonEmptyText },
    {},
    'RecordExpenditure',
  ),
} as const;

const accountCommands = {
  /** Bill one charge to the unit (billing runs issue these; a clerk may issue a metered or manual one). */
  IssueCharge: struct(
    {
      feeItemId: Id,
      periodKey: PeriodKey,
      periodStart: IsoDate,
      periodEnd: IsoDate,
      dueDate: IsoDate,
      amount: AmountInput,
      calculation: CalculationC,
      scheduleVersion: Count,
      regime: oneOf(['lump-sum', 'commission'], 'RegimeKind'),
      commission: AmountInput,
    },
    { chargeId: Id },
    'IssueCharge',
  ),
  /** Cancel a charge billed in error; what was paid on it becomes credit. Needs a reason and an approval. */
  CancelCharge: struct({ chargeId: Id }, {}, 'CancelCharge'),
  /** Take a payment; allocated by the community's policy unless `targets` name where it goes. */
  ReceivePayment: struct(
    { channel: Channel, channelTxnId: NonEmptyText, amount: AmountInput, receivedOn: IsoDate },
    { payer: NonEmptyText, targets: t.array(struct({ chargeId: Id, kind: ReceivableKindC, amount: AmountInput })) },
    'ReceivePayment',
  ),
  /** Unwind a bounced, charged-back or duplicate payment. */
  ReversePayment: struct({ paymentId: Id, reason: oneOf(['bounced', 'chargeback', 'duplicate'], 'ReversalReason') }, {}, 'ReversePayment'),
  /** Assess late-payment penalties on every overdue charge as of a date. */
  AssessPenalty: struct({ asOf: IsoDate }, {}, 'AssessPenalty'),
  /** Waive part of a charge's principal (committee approval) or penalty (a manager up to a limit per charge, in total). */
  GrantWaiver: struct({ chargeId: Id, kind: ReceivableKindC, amount: AmountInput }, { waiverId: Id }, 'GrantWaiver'),
  /** Agree an installment plan over some charges. */
  AgreeInstallmentPlan: struct(
    { planId: Id, chargeIds: t.array(Id), installments: t.array(struct({ dueDate: IsoDate, amount: AmountInput })) },
    {},
    'AgreeInstallmentPlan',
  ),
  /**
   * Use the unit's credit (预收) on what it owes, principal and penalty, as of the command's effective date, in the
   * community's allocation order (only `chargeIds`, when given): credit a cancellation or a
   * bounced payment left beside older debts, which new charges alone would never reach.
   */
  ApplyCredit: struct({}, { chargeIds: t.array(Id) }, 'ApplyCredit'),
  /** Pay credit back to the owner. */
  RefundCredit: struct({ amount: AmountInput, channel: Channel, refundedOn: IsoDate }, { refundId: Id, channelTxnId: NonEmptyText }, 'RefundCredit'),
  /** Record a reminder made at a stage through a channel. */
  RecordReminder: struct({ stage: ReminderStage, channel: ReminderChannel, on: IsoDate, chargeIds: t.array(Id) }, { note: NonEmptyText }, 'RecordReminder'),
  /** Classify the account's arrears (hardship, dispute, chronic, none). */
  ClassifyArrears: struct({ arrearsClass: ArrearsClass, on: IsoDate }, {}, 'ClassifyArrears'),
} as const;

/** Data codec of every command type, by type name. */
export const commandDataCodecs = { ...communityCommands, ...accountCommands } as const;
type DataCodecs = typeof commandDataCodecs;

/** Every command type name. */
export type CommandType = keyof DataCodecs;
/** Command types handled by the community decider. */
export const COMMUNITY_COMMAND_TYPES = Object.keys(communityCommands) as readonly (keyof typeof communityCommands)[];
/** Command types handled by the account decider. */
export const ACCOUNT_COMMAND_TYPES = Object.keys(accountCommands) as readonly (keyof typeof accountCommands)[];

/** The data of a command type. */
export type CommandData<K extends CommandType> = t.TypeOf<DataCodecs[K]>;
/** One Levy command: `{ type, data, meta }`, discriminated on `type`. */
export type LevyCommand = { [K in CommandType]: { readonly type: K; readonly data: CommandData<K>; readonly meta: CommandMeta } }[CommandType];
/**
 * The data of a command type as a caller writes it: plain strings and numbers where
 * {@link CommandData} has checked (branded) ones, literal values kept (a channel is still one of
 * the channels).
 *
 * @example
 * const data: CommandDataInput<'ReceivePayment'> = { channel: 'wechat', channelTxnId: '4200001234', amount: '250.60', receivedOn: '2025-04-10' };
 */
export type CommandDataInput<K extends CommandType> = t.OutputOf<DataCodecs[K]>;
/**
 * A command as a caller writes it, object literals and all: what `handle` and `handleTE` take. The
 * handler decodes it at the edge (a malformed value is `DECODE_FAILED` at its path), so a
 * {@link LevyCommand} fits too.
 *
 * @example
 * const command: LevyCommandInput = {
 *   type: 'AssessPenalty',
 *   data: { asOf: '2025-04-30' },
 *   meta: { actor: { id: 'clerk-07', role: 'clerk' }, effectiveDate: '2025-04-30' },
 * };
 */
export type LevyCommandInput = { [K in CommandType]: { readonly type: K; readonly data: CommandDataInput<K>; readonly meta: CommandMetaInput } }[CommandType];
/** The command of one type. */
export type CommandOf<K extends CommandType> = Extract<LevyCommand, { type: K }>;
/** Commands for the community stream. */
export type CommunityCommand = CommandOf<keyof typeof communityCommands>;
/** Commands for a unit account stream. */
export type AccountCommand = CommandOf<keyof typeof accountCommands>;


const COMMAND_KEYS: ReadonlySet<string> = new Set(['type', 'data', 'meta']);
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Decodes a raw command `{ type, data, meta }`, returning every problem with its path. Strict: a
 * key the command does not declare, at any depth (a top-level `dryRun`, `meta.comandId`,
 * `data.targts`, a target's `amout`), is `DECODE_FAILED` at that key, never dropped, naming the
 * fields declared there and the one it most likely meant (`details.meant`). Those come first, then
 * every value that does not decode, each saying what its field takes. (Events are not read this strictly:
 * `decodeEvent` strips such keys, so a log holding them reads as it always has.)
 *
 * @example
 * decodeCommand({ type: 'AssessPenalty', data: { asOf: '2025-13-01' }, meta });
 * // left([{ code: 'DECODE_FAILED', path: ['data', 'asOf'], ... }])
 * decodeCommand({ type: 'AssessPenalty', data: { asOf: '2025-03-01', asof: '2025-03-01' }, meta });
 * // left([{ code: 'DECODE_FAILED', path: ['data', 'asof'], message: '"asof" is not a field of AssessPenalty (did you mean "asOf"?): its fields are asOf; ...' }])
 */
export const decodeCommand = (raw: unknown): E.Either<readonly DomainError[], LevyCommand> => {
  const decoded = decodeMessage(raw, commandDataCodecs, CommandMeta as t.Type<CommandMeta, unknown, unknown>, {
    invalid: 'COMMAND_INVALID',
    unknown: 'COMMAND_TYPE_UNKNOWN',
    noun: 'command',
  }) as E.Either<readonly DomainError[], LevyCommand>;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return decoded;
  const { type, data, meta } = raw as { type?: unknown; data?: unknown; meta?: unknown };
  let top: string[] | undefined;
  for (const key of Object.getOwnPropertyNames(raw)) if (!COMMAND_KEYS.has(key)) (top ??= []).push(key);
  // io-ts hands back the very object it was given when decoding changed nothing, and a struct that
  // strips a key returns a new one (and so does every object and array around it): the same data
  // and meta mean no key was dropped at any depth, and the walk below is skipped
  if (top === undefined && decoded._tag === 'Right' && decoded.right.data === data && decoded.right.meta === meta) return decoded;
  const unknown: DomainError[] = (top ?? []).map((key) => {
    const meant = closestName(key, [...COMMAND_KEYS]);
    const details = { field: key, declared: [...COMMAND_KEYS], expected: 'no such key', actual: describe((raw as Record<string, unknown>)[key]) };
    return domainError(
      'DECODE_FAILED',
      `${JSON.stringify(key)} is not part of a command${meant === undefined ? '' : ` (did you mean ${JSON.stringify(meant)}?)`}: a command is { type, data, meta } only; a misspelt or extra key is refused, not ignored`,
      [key],
      meant === undefined ? details : { ...details, meant },
    );
  });
  const codec = typeof type === 'string' && hasOwn.call(commandDataCodecs, type) ? commandDataCodecs[type as CommandType] : undefined;
  if (codec !== undefined) unknown.push(...undeclaredKeys(codec, data, ['data']));
  unknown.push(...undeclaredKeys(CommandMeta, meta, ['meta']));
  if (unknown.length === 0) return decoded;
  return E.left(decoded._tag === 'Left' ? [...unknown, ...decoded.left] : unknown);
};
