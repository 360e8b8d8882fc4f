/**
 * The command handler: the imperative shell around the pure deciders (DESIGN.md, principle 1).
 * It reads a stream (through the upcasters), folds it into state, decides, and appends with the
 * revision it read as the expected revision; on a concurrency conflict it reads again and decides
 * again, a bounded number of times. Account commands are decided under the community's current
 * policy, closed-period line and time zone, read from the community stream first. Commands from
 * one handler to one stream take turns; a close takes its community alone, waiting for the account
 * commands and billing runs under way. A correction's `meta.corrects` must name an event already
 * recorded in the same community (CORRECTED_EVENT_UNKNOWN, CORRECTED_EVENT_OUTSIDE_COMMUNITY).
 *
 * This is the one place in core that may read a clock: the `clock` option, defaulting to the
 * system time. It also draws the random part of the default `newId`. Pass your own clock (and
 * `newId`) for deterministic runs.
 *
 * Two faces over one implementation: `handleTE` returns an fp-ts `TaskEither`, `handle` a Promise
 * of an `Either`. Neither throws for a refusal; only a bug or a broken store rejects.
 *
 * @example
 * import { createLevy, openMemoryEventStore } from '@levy/core';
 * import * as E from 'fp-ts/lib/Either.js';
 * const levy = createLevy(openMemoryEventStore());
 * const r = await levy.handle(receivePayment, { communityId: 'sunrise', unitId: 'B1-1203' });
 * if (E.isLeft(r)) console.log(r.left.code, r.left.message); else r.right.events;
 */
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type AccountContext, type AccountPolicy, type AccountState, type PenaltyPolicyFrom, accountDecider, accountPolicyFrom, chargeIdFor } from './account.js';
import { DEFAULT_TIME_ZONE, epochDayOf, isoDateOf } from './calendar.js';
import { Id, InstantString, type IsoDate, moneyOf } from './codecs.js';
import {
  type AccountCommand,
  type CommandMeta,
  type CommandMetaInput,
  type CommandOf,
  type CommunityCommand,
  type LevyCommand,
  type LevyCommandInput,
  ACCOUNT_COMMAND_TYPES,
  decodeCommand,
} from './commands.js';
import { type BillingPlan, type CommunityContext, type CommunityState, type PeriodCloseInputs, commissionOf, communityDecider, planBilling, scheduleOn } from './community.js';
import type { Decider } from './decider.js';
import { type DomainError, LevyError, domainError } from './errors.js';
import {
  type AccountEvent,
  type EventOf,
  type LevyEvent,
  ACCOUNT_EVENT_TYPES,
  COMMUNITY_EVENT_TYPES,
  EVENT_TYPES,
  accountStream,
  communityStream,
  decodeEvent,
  isLevyEvent,
  parseStreamName,
} from './events.js';
import { describe } from './decimal.js';
import { Money } from './money.js';
import { parsePeriodKey } from './period.js';
import { type EventStore, type ExpectedRevision, type NewEvent, type StoredEvent, type StreamGuard, isStoreError } from './store.js';
import { closestName, isInputObject } from './unknown-field.js';
import { type UpcasterRegistry, LEVY_UPCASTERS, upcastEvent } from './upcast.js';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** Options of {@link createLevy}. */
export interface LevyOptions {
  /** the instant a decision is recorded at; default the system clock (the only clock read in core) */
  readonly clock?: () => string;
  /** fresh ids for facts without a natural key (a waiver or refund whose command names neither an id nor a meta.commandId); default `<prefix>-<random UUID>` */
  readonly newId?: (prefix: string) => string;
  /**
   * re-reads after a concurrency conflict before giving up with CONCURRENCY_RETRIES_EXHAUSTED;
   * default 5. An account command's retry after the community stream moved without changing what
   * the decision reads from it (closed line, policy, time zone: another unit registered) does not
   * count (up to 1,000 such retries).
   */
  readonly maxRetries?: number;
  /** applied to every event read, before decoding; default {@link LEVY_UPCASTERS} */
  readonly upcasters?: UpcasterRegistry;
  /** states kept in memory so a command reads only a stream's new events; default 50,000 streams */
  readonly cachedStreams?: number;
}

/** Where a command goes: the community, and the unit for account commands. */
export interface CommandTarget {
  readonly communityId: string;
  readonly unitId?: string;
}

/** What a handled command did. */
export interface HandleResult {
  readonly streamId: string;
  /** the events appended (none when the command was already decided: a retry) */
  readonly events: readonly LevyEvent[];
  /** the stream's last revision after the command (-1n: the stream does not exist) */
  readonly revision: bigint;
  /** 1 plus the number of concurrency retries it took */
  readonly attempts: number;
}

/**
 * A charge a billing run planned that its account already holds with another amount: billed
 * before the unit's area or the period's fee schedule changed. The run leaves it as it is (a
 * charge is changed by cancelling it and issuing another); a clerk decides what to do.
 *
 * @example
 * // { unitId: 'B1-0103', chargeId: 'property-2025-03', issued: '250.60', planned: '255.36', cancelled: false }
 */
export interface DifferingCharge {
  readonly unitId: string;
  readonly chargeId: string;
  /** the amount on the account */
  readonly issued: string;
  /** the amount the run's plan holds for it now */
  readonly planned: string;
  /** whether the charge on the account is cancelled */
  readonly cancelled: boolean;
}

/**
 * What a billing run did. `planned` is the plan the run completed with; each of its charges was
 * either issued by this run or found on its account already.
 *
 * @example
 * // a re-run after one unit was registered and another remeasured:
 * // { periodKey: '2025-03', planned: 3, issued: 1, alreadyIssued: 2, differing: [{ unitId: 'B1-0102', ... }], completed: null }
 */
export interface BillingRunResult {
  readonly periodKey: string;
  /** charges the plan holds (one per unit and applicable fee item) */
  readonly planned: number;
  /** charges newly issued by this run (a re-run issues only what is missing) */
  readonly issued: number;
  /** planned charges whose charge id their account already held (any amount, cancelled or not): billed before, not issued again */
  readonly alreadyIssued: number;
  /** the planned charges their accounts hold with another amount than the plan's (an area or schedule changed after they were billed) */
  readonly differing: readonly DifferingCharge[];
  /** the BillingRunCompleted appended by this run, or null when the period was already billed */
  readonly completed: EventOf<'BillingRunCompleted'> | null;
}

/** The Levy command API over one event store. */
export interface Levy {
  /**
   * Decides and appends a command (decoded first), as a Promise of an Either. It takes the command
   * as written ({@link LevyCommandInput}: plain strings; a decoded {@link LevyCommand} fits too).
   * A `RunBilling` is run as {@link Levy.runBilling}: its result is the community stream's (the
   * BillingRunCompleted appended, if any); the charges are on the account streams.
   */
  handle(command: LevyCommandInput, target: CommandTarget): Promise<E.Either<DomainError, HandleResult>>;
  /** The same, as a TaskEither. */
  handleTE(command: LevyCommandInput, target: CommandTarget): TE.TaskEither<DomainError, HandleResult>;
  /**
   * Bills a period: every planned charge on its account stream, then BillingRunCompleted. Every
   * charge is decided before any is appended, so a refusal appends nothing; a charge an account
   * already holds is skipped and counted (`alreadyIssued`, `differing`). Idempotent. The
   * arguments are decoded as a `RunBilling` command's: a period key that is not one is
   * `DECODE_FAILED` at `data.periodKey`, its message naming the `periodKey` argument.
   */
  runBilling(communityId: string, periodKey: string, meta: CommandMetaInput): Promise<E.Either<DomainError, BillingRunResult>>;
  /** The same, as a TaskEither. */
  runBillingTE(communityId: string, periodKey: string, meta: CommandMetaInput): TE.TaskEither<DomainError, BillingRunResult>;
  /**
   * Closes a period: gathers its totals and the account stream heads, then appends PeriodClosed.
   * The arguments are decoded as a `ClosePeriod` command's (`data.periodKey`, `data.closedOn`).
   */
  closePeriod(communityId: string, periodKey: string, closedOn: string, meta: CommandMetaInput): Promise<E.Either<DomainError, HandleResult>>;
  /** An account's current state (initial when the stream does not exist). Rejects with a LevyError on an unreadable log, or TARGET_INVALID for an id that is not one. */
  readAccount(communityId: string, unitId: string): Promise<AccountState>;
  /** A community's current state (initial when the stream does not exist). Rejects like {@link Levy.readAccount}. */
  readCommunity(communityId: string): Promise<CommunityState>;
}

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

const ACCOUNT_COMMANDS: ReadonlySet<string> = new Set(ACCOUNT_COMMAND_TYPES);
const COMMUNITY_EVENTS: ReadonlySet<string> = new Set(COMMUNITY_EVENT_TYPES);
const ACCOUNT_EVENTS: ReadonlySet<string> = new Set(ACCOUNT_EVENT_TYPES);
const MAX_RETRIES_LIMIT = 100;
/** guard conflicts that left what the decision read unchanged, retried without counting against maxRetries */
const FREE_RETRIES_LIMIT = 1000;
/** commands of one handler waiting for (or holding) one stream's turn */
const MAX_QUEUED_PER_STREAM = 10_000;

// what an account decision reads from its community: the policy (by value), the closed line and the zone
const policyReadings = new WeakMap<object, string>();
const contextReading = (ctx: AccountContext): string => {
  const p = ctx.policy;
  let policy = policyReadings.get(p);
  if (policy === undefined) {
    const cap = p.penalty.cap;
    const capText = cap.kind === 'absolute' ? `absolute ${cap.amount.toString()}` : cap.kind === 'percentage' ? `percentage ${cap.percent}` : cap.kind;
    policy = [p.penalty.enabled, p.penalty.dailyRate, p.penalty.graceDays, capText, p.penalty.rounding, p.allocation, p.managerWaiverLimit.toString(), p.installmentGraceDays].join('|');
    policyReadings.set(p, policy);
  }
  return `${policy}|${ctx.closedThrough ?? '-'}|${ctx.timeZone}`;
};

const dayOf = (iso: string): number => epochDayOf(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));

// refusals travel as LevyErrors inside the shell and come out as Lefts at its edge
const fail = (code: string, message: string, path: readonly string[] = [], details?: Readonly<Record<string, unknown>>): never => {
  throw new LevyError(domainError(code, message, path, details));
};

/** An id a stream is named by: the command's target, or an id a read names (TARGET_INVALID otherwise). */
const checkId = (value: unknown, field: 'communityId' | 'unitId'): string => {
  if (typeof value === 'string' && Id.is(value)) return value;
  return fail('TARGET_INVALID', `${field} must be an id such as ${field === 'unitId' ? '"B1-1203"' : '"sunrise"'} (a letter or digit, then letters, digits, _ or -, at most 64), not ${describe(value)}`, [field], {
    input: describe(value),
  });
};

const TARGET_KEYS: readonly string[] = ['communityId', 'unitId'];

/** A command's target, checked: an object with a community id and, for account commands, a unit id, and no other key. */
const checkTarget = (target: unknown): CommandTarget => {
  if (typeof target !== 'object' || target === null) return fail('TARGET_INVALID', `the target must be { communityId, unitId? }, not ${describe(target)}`, [], { input: describe(target) });
  const { communityId, unitId } = target as Record<string, unknown>;
  checkId(communityId, 'communityId');
  if (unitId !== undefined) checkId(unitId, 'unitId');
  // a misspelt key (`unitID`) would otherwise send an account command nowhere, or a unit's to the community
  for (const key of Object.keys(target)) {
    if (key === 'communityId' || key === 'unitId') continue;
    const meant = closestName(key, TARGET_KEYS);
    fail('TARGET_INVALID', `${JSON.stringify(key)} is not a key of a target: a target is { communityId, unitId? }${meant === undefined ? '' : ` (did you mean ${JSON.stringify(meant)}?)`}`, [key], { key });
  }
  return target as CommandTarget;
};

// what a positional argument takes, by the codec that refused it (details.expected)
const ARGUMENT_FORMS: Readonly<Record<string, string>> = {
  PeriodKey: 'a period key such as "2025-04", "2025-Q2" or "2025" (a month, a quarter or a year)',
  IsoDate: 'a date written YYYY-MM-DD, such as "2025-04-15"',
};

/**
 * A decode refusal of a positional argument (runBilling's periodKey, closePeriod's periodKey and
 * closedOn), which the handler puts into a command's data: the path stays `data.<name>`, as for the
 * command sent to `handle`, and the message names the argument the caller passed.
 */
const asArgument = (e: DomainError, args: Readonly<Record<string, unknown>>): DomainError => {
  const name = e.path[1];
  if (e.path.length !== 2 || e.path[0] !== 'data' || name === undefined || !Object.prototype.hasOwnProperty.call(args, name)) return e;
  const value = args[name];
  const expected = e.details?.expected;
  const form = typeof expected === 'string' ? ARGUMENT_FORMS[expected] : undefined;
  const message =
    form === undefined
      ? `the ${name} argument: ${e.message}`
      : value === undefined
        ? `the ${name} argument is missing: pass ${form}`
        : `the ${name} argument ${describe(value)} is not ${form}`;
  return { ...e, message, details: { ...e.details, argument: name } };
};

/** A command's decode refusal: its first error, with every error in `details.errors` (named as arguments where `args` gives them). */
const decodeRefusal = (errors: readonly DomainError[], args?: Readonly<Record<string, unknown>>): DomainError => {
  const all = args === undefined ? errors : errors.map((e) => asArgument(e, args));
  const first = all[0] as DomainError;
  return { ...first, details: { ...first.details, errors: all } };
};

/**
 * The day whose schedule an account command is decided under: the day its event is dated, which is
 * the fact's own date where the command names one (an assessment's `asOf`, a payment's
 * `receivedOn`, a refund's `refundedOn`, a reminder's or classification's `on`), else its
 * effective date. A batch that assesses May 31 on June 1 counts May at May's rate.
 */
const policyDateOf = (command: AccountCommand): string => {
  const d = command.data as { asOf?: unknown; receivedOn?: unknown; refundedOn?: unknown; on?: unknown };
  const day = command.type === 'AssessPenalty' ? d.asOf : command.type === 'ReceivePayment' ? d.receivedOn : command.type === 'RefundCredit' ? d.refundedOn : command.type === 'RecordReminder' || command.type === 'ClassifyArrears' ? d.on : undefined;
  return typeof day === 'string' ? day : command.meta.effectiveDate;
};

/**
 * The penalty policies of a community's schedules in force up to `asOfDay`, each from the first day
 * it applied, for an assessment ({@link AccountContext.penaltyHistory}); undefined when one policy
 * (by value) held throughout, so the decider counts every day at the policy of the assessment's day.
 */
const penaltyHistoryOf = (community: CommunityState, asOfDay: number): readonly PenaltyPolicyFrom[] | undefined => {
  if (community.schedules.length < 2) return undefined;
  const days = [...new Set(community.schedules.map((s) => s.effectiveDay))].filter((d) => d <= asOfDay).sort((a, b) => a - b);
  const history: PenaltyPolicyFrom[] = [];
  for (const day of days) {
    const schedule = scheduleOn(community, day);
    if (schedule === undefined) continue;
    const penalty = accountPolicyFrom(schedule.data).penalty;
    const last = history[history.length - 1];
    if (last === undefined || !samePenalty(last.penalty, penalty)) history.push({ from: day, penalty });
  }
  return history.length < 2 ? undefined : history;
};

/** Whether two penalty policies count a day alike: on or off, daily rate, cap and rounding (the grace is the assessment day's). */
const samePenalty = (a: AccountPolicy['penalty'], b: AccountPolicy['penalty']): boolean =>
  a === b ||
  (a.enabled === b.enabled &&
    a.dailyRate === b.dailyRate &&
    a.rounding === b.rounding &&
    a.cap.kind === b.cap.kind &&
    (a.cap.kind !== 'absolute' || (b.cap.kind === 'absolute' && a.cap.amount.equals(b.cap.amount))) &&
    (a.cap.kind !== 'percentage' || (b.cap.kind === 'percentage' && a.cap.percent === b.cap.percent)));

/**
 * A charge issued by hand names a schedule version the community adopted and carries that
 * schedule's fee regime: under 酬金制 its commission is the schedule's rate of the amount, rounded
 * half-up, as a billing run gives it. Otherwise owners' money would be booked as the company's
 * revenue (or the reverse). A retry of a charge already issued is not checked again.
 */
const checkChargeSchedule = (community: CommunityState, command: CommandOf<'IssueCharge'>): void => {
  const d = command.data;
  const schedule = community.schedules.find((s) => s.data.version === d.scheduleVersion);
  if (schedule === undefined) {
    const known = community.schedules.map((s) => s.data.version);
    fail('SCHEDULE_VERSION_UNKNOWN', `the charge names fee schedule version ${d.scheduleVersion}, which this community has not adopted${known.length === 0 ? '' : ` (it has ${known.join(', ')})`}`, ['data', 'scheduleVersion'], {
      scheduleVersion: d.scheduleVersion,
      adopted: known,
    });
    return;
  }
  const regime = schedule.data.regime;
  if (regime.kind !== d.regime) {
    fail('CHARGE_REGIME_MISMATCH', `fee schedule version ${d.scheduleVersion} is ${regime.kind === 'commission' ? '酬金制 (commission)' : '包干制 (lump-sum)'}, so the charge's regime is ${JSON.stringify(regime.kind)}, not ${JSON.stringify(d.regime)}`, ['data', 'regime'], {
      expected: regime.kind,
    });
  }
  const amount = Money.of(d.amount);
  const expected = commissionOf(regime, amount);
  const commission = Money.of(d.commission);
  if (!commission.equals(expected)) {
    fail('COMMISSION_MISMATCH', `under fee schedule version ${d.scheduleVersion} the commission on ${amount.toString()} is ${expected.toString()}, not ${commission.toString()}`, ['data', 'commission'], {
      expected: expected.toString(),
    });
  }
};

const toLeft = (e: unknown): E.Either<DomainError, never> => {
  if (e instanceof LevyError) return E.left(e.error);
  throw e;
};

/**
 * A payment's event id, and a channel refund's, comes from its channel and channel transaction
 * alone, so a store that already holds it in another unit's stream refuses the append: say so in
 * a clerk's terms.
 */
const bookedElsewhere = (conflict: DomainError, events: readonly LevyEvent[]): void => {
  const elsewhere = conflict.details?.existingStreamId;
  if (typeof elsewhere !== 'string') return;
  const event = events.find((e) => e.meta.eventId === conflict.details?.eventId);
  const refund = event?.type === 'CreditRefunded' && event.data.channelTxnId !== undefined;
  if (event?.type !== 'PaymentReceived' && !refund) return;
  const { channel, channelTxnId } = event.data;
  fail(
    refund ? 'REFUND_BOOKED_ELSEWHERE' : 'PAYMENT_BOOKED_ELSEWHERE',
    `${channel} transaction ${String(channelTxnId)} is already booked ${refund ? 'as a refund ' : ''}in ${elsewhere}: one channel transaction is one ${refund ? 'refund, from' : 'payment, to'} one account`,
    ['data', 'channelTxnId'],
    { channel, channelTxnId, existingStreamId: elsewhere },
  );
};

/**
 * The refusal of a correction whose `meta.corrects` names no event recorded in its community
 * (DESIGN.md, principle 3: a correction points at what it corrects, and an auditor following the
 * pointer must find it).
 */
const correctedEventUnknown = (communityId: string, corrects: string): never =>
  fail(
    'CORRECTED_EVENT_UNKNOWN',
    `meta.corrects names event ${corrects}, but no event with that id is recorded in community ${JSON.stringify(communityId)} (its community stream or one of its units' accounts): a correction must point at the event it corrects. Check the id against the statement or the audit trail and send the correction again; nothing was recorded`,
    ['meta', 'corrects'],
    { corrects, communityId },
  );

/** The refusal of a correction whose `meta.corrects` names an event in a stream outside its community. */
const correctedEventOutside = (communityId: string, corrects: string, found: StoredEvent): never => {
  const where = parseStreamName(found.streamId);
  const owner = where === null ? `stream ${JSON.stringify(found.streamId)}, which belongs to no community` : `community ${JSON.stringify(where.communityId)} (${found.streamId})`;
  return fail(
    'CORRECTED_EVENT_OUTSIDE_COMMUNITY',
    `meta.corrects names event ${corrects}, a ${found.type} of ${owner}, not of community ${JSON.stringify(communityId)}: a correction is booked in the books it corrects. Send it to the community that recorded that event, or name the event of ${JSON.stringify(communityId)} it corrects; nothing was recorded`,
    ['meta', 'corrects'],
    { corrects, communityId, streamId: found.streamId, type: found.type, otherCommunityId: where?.communityId ?? null },
  );
};

const NOTHING_TO_CHECK = async (): Promise<void> => {};

/** Whether a stream is one of a community's own: its community stream or one of its unit accounts. */
const inCommunity = (streamId: string, communityId: string): boolean => parseStreamName(streamId)?.communityId === communityId;

/** An account's refusal of a billing run's charge, with the unit and fee item in front of its path and message, as the plan's own refusals. */
const chargeRefusal = (unitId: string, issue: CommandOf<'IssueCharge'>, e: DomainError): DomainError => ({
  ...e,
  path: ['units', unitId, 'items', issue.data.feeItemId, ...e.path],
  message: `unit ${unitId}, fee item ${issue.data.feeItemId}: ${e.message}`,
  details: { ...e.details, unitId, feeItemId: issue.data.feeItemId },
});

/** What a clock or newId option returned, for a message: a string as written, else its kind. */
const describeReturned = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : value instanceof Date ? 'a Date object (return its toISOString())' : describe(value);

const LEVY_OPTION_NAMES: ReadonlySet<string> = new Set(['clock', 'newId', 'maxRetries', 'upcasters', 'cachedStreams']);
const EVENT_TYPE_NAMES: ReadonlySet<string> = new Set(EVENT_TYPES);
const VERSION_KEY = /^(0|[1-9][0-9]{0,8})$/;

/**
 * The `upcasters` option, checked: upcasters by Levy event type, then by the whole-number version
 * they upcast from, each a function. An entry that would never be applied (a misspelt type, a
 * version that is not a number) or could not be (not a function) is OPTIONS_INVALID at its path.
 */
const checkUpcasters = (registry: unknown): UpcasterRegistry => {
  const refuse: (message: string, path: readonly string[]) => never = (message, path) => {
    throw new LevyError(domainError('OPTIONS_INVALID', message, ['upcasters', ...path]));
  };
  if (!isInputObject(registry)) return refuse(`upcasters must be an object of upcasters by event type, such as LEVY_UPCASTERS, not ${describe(registry)}`, []);
  for (const [type, steps] of Object.entries(registry)) {
    if (!EVENT_TYPE_NAMES.has(type)) refuse(`${JSON.stringify(type)} is not a Levy event type: its upcasters would never be applied`, [type]);
    if (!isInputObject(steps)) refuse(`the upcasters of ${type} must be an object of functions by the version they upcast from, such as { 0: (data) => data }, not ${describe(steps)}`, [type]);
    for (const [version, step] of Object.entries(steps)) {
      if (!VERSION_KEY.test(version)) refuse(`${JSON.stringify(version)} is not a schema version: an upcaster of ${type} is keyed by the whole number it upcasts from`, [type, version]);
      if (typeof step !== 'function') refuse(`the upcaster of ${type} from version ${version} must be a function (data, meta) => data, not ${describe(step)}`, [type, version]);
    }
  }
  return registry as UpcasterRegistry;
};

interface Loaded<S> {
  readonly state: S;
  /** last revision read, -1n for no stream */
  readonly revision: bigint;
}

// ---------------------------------------------------------------------------------------------
// the handler
// ---------------------------------------------------------------------------------------------

/**
 * Creates the command API over an event store.
 *
 * @example
 * const levy = createLevy(store, { clock: () => '2025-04-10T02:00:00Z', newId: (p) => `${p}-${n++}` });
 * await levy.handle({ type: 'RegisterCommunity', data: { communityId: 'sunrise', name: '阳光小区' }, meta }, { communityId: 'sunrise' });
 * await levy.runBilling('sunrise', '2025-03', meta);
 */
export const createLevy = (store: EventStore, options: LevyOptions = {}): Levy => {
  // a missing store would fail at the first command, far from the mistake
  const port = store as Partial<EventStore> | null | undefined;
  if (typeof port !== 'object' || port === null || typeof port.appendToStream !== 'function' || typeof port.readStream !== 'function' || typeof port.readAll !== 'function') {
    throw new LevyError(domainError('OPTIONS_INVALID', `createLevy needs an event store (openMemoryEventStore(), openSqliteEventStore(path)), not ${describe(store)}`, ['store']));
  }
  if (!isInputObject(options as unknown)) throw new LevyError(domainError('OPTIONS_INVALID', `the options of createLevy must be an object such as { clock, newId }, not ${describe(options)}`, ['options']));
  // a misspelt option (`maxRetry`) would otherwise be ignored without a word
  for (const name of Object.keys(options)) {
    if (!LEVY_OPTION_NAMES.has(name)) throw new LevyError(domainError('OPTIONS_INVALID', `${JSON.stringify(name)} is not an option of createLevy; the options are ${[...LEVY_OPTION_NAMES].join(', ')}`, [name]));
  }
  for (const name of ['clock', 'newId'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new LevyError(domainError('OPTIONS_INVALID', `${name} must be a function`, [name]));
  }
  // the shell's clock: the only place in core that reads the system time
  const clock = options.clock ?? ((): string => new Date().toISOString());
  // random, not clock and counter: two instances over one store reading the same millisecond (or a
  // clock stepped back) would give a second waiver or refund the first one's id, and it would be
  // taken for a retry of the first and dropped. The shell may draw randomness; decisions may not.
  const freshId = options.newId ?? ((prefix: string): string => `${prefix.slice(0, 24)}-${randomUUID()}`);
  // left out is the default; null is not (it would otherwise stand for the default without a word)
  const maxRetries = options.maxRetries === undefined ? 5 : options.maxRetries;
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0 || maxRetries > MAX_RETRIES_LIMIT) {
    throw new LevyError(domainError('OPTIONS_INVALID', `maxRetries must be a whole number from 0 to ${MAX_RETRIES_LIMIT}`, ['maxRetries']));
  }
  const upcasters = options.upcasters === undefined ? LEVY_UPCASTERS : checkUpcasters(options.upcasters);
  const cacheLimit = options.cachedStreams === undefined ? 50_000 : options.cachedStreams;
  if (!Number.isSafeInteger(cacheLimit) || cacheLimit < 0 || cacheLimit > 10_000_000) {
    throw new LevyError(domainError('OPTIONS_INVALID', 'cachedStreams must be a whole number from 0 to 10,000,000', ['cachedStreams']));
  }
  const cache = new Map<string, Loaded<unknown>>();

  // What the clock and newId return is written into events as is: a reading the codecs would not
  // read back (a date without a time, an id with a dot) would leave the stream unreadable for good.
  // So each is checked where it is taken, and the command refused before anything is appended.
  const now = (): InstantString => {
    const reading: unknown = clock();
    if (typeof reading === 'string' && InstantString.is(reading)) return reading;
    return fail('CLOCK_INVALID', `the clock option returned ${describeReturned(reading)}, not an instant in UTC such as "2025-04-10T02:00:00Z" (date, T, time of day, Z); the command is refused and none of its events is appended`, ['clock'], {
      input: describeReturned(reading),
    });
  };
  const newId = (prefix: string): string => {
    const id: unknown = freshId(prefix);
    if (typeof id === 'string' && Id.is(id)) return id;
    return fail(
      'NEW_ID_INVALID',
      `the newId option returned ${describeReturned(id)} for ${JSON.stringify(prefix)}, not an id such as "${prefix}-1" (a letter or digit, then letters, digits, _ or -, at most 64); the command is refused and none of its events is appended`,
      ['newId'],
      { prefix, input: describeReturned(id) },
    );
  };

  /** Reads, upcasts and decodes one stored event; an unreadable event is a LevyError naming it. */
  const decodeStored = (raw: StoredEvent, allowed: ReadonlySet<string>): LevyEvent => {
    const up = upcastEvent(raw, upcasters);
    if (E.isLeft(up)) throw new LevyError({ ...up.left, message: `${raw.streamId}@${raw.revision}: ${up.left.message}` });
    const event = up.right as unknown;
    if (!isLevyEvent(event)) {
      const why = decodeEvent(event);
      const first = E.isLeft(why) ? why.left[0] : undefined;
      fail('EVENT_UNREADABLE', `event ${raw.revision} of ${raw.streamId} (${raw.type}) does not decode: ${first?.message ?? 'unknown reason'}`, first?.path ?? [], {
        streamId: raw.streamId,
        revision: raw.revision.toString(),
        errors: E.isLeft(why) ? why.left : [],
      });
    }
    const e = event as LevyEvent;
    if (!allowed.has(e.type)) fail('EVENT_IN_WRONG_STREAM', `a ${e.type} event does not belong in stream ${raw.streamId}`, ['type'], { streamId: raw.streamId });
    return e;
  };

  /** A stream's state, from the cache plus whatever was appended since. */
  const load = async <S, Ev extends LevyEvent>(streamId: string, decider: Pick<Decider<unknown, Ev, S, unknown>, 'evolve' | 'initialState'>, allowed: ReadonlySet<string>): Promise<Loaded<S>> => {
    const cached = cache.get(streamId) as Loaded<S> | undefined;
    let state = cached?.state ?? decider.initialState();
    let revision = cached?.revision ?? -1n;
    try {
      for await (const raw of store.readStream(streamId, { from: revision + 1n })) {
        if (raw.revision !== revision + 1n) fail('STREAM_REVISION_GAP', `stream ${streamId} jumps from revision ${revision} to ${raw.revision}`, [], { streamId });
        state = decider.evolve(state, decodeStored(raw, allowed) as Ev);
        revision = raw.revision;
      }
    } catch (e) {
      if (!isStoreError(e, 'STREAM_NOT_FOUND')) throw e;
    }
    const current = cache.get(streamId);
    if (current === undefined || current.revision < revision) {
      cache.delete(streamId);
      cache.set(streamId, { state, revision });
      // the oldest entry goes first (Map keeps insertion order): a bounded cache, never a leak
      if (cache.size > cacheLimit) cache.delete(cache.keys().next().value as string);
    }
    return { state, revision };
  };

  // whether the store writes an append only while its guards on other streams hold (EventStore.supportsGuards)
  const guarded = store.supportsGuards === true;
  const expectedOf = (revision: bigint): ExpectedRevision => (revision < 0n ? 'no-stream' : revision);

  const loadCommunity = (communityId: string): Promise<Loaded<CommunityState>> => load(communityStream(communityId), communityDecider, COMMUNITY_EVENTS);
  const loadAccount = (communityId: string, unitId: string): Promise<Loaded<AccountState>> => load(accountStream(communityId, unitId), accountDecider, ACCOUNT_EVENTS);

  /**
   * Whether an event id is recorded in one of a community's streams, read stream by stream (the
   * stream named first, then the community stream, then every registered unit's account): for a
   * store without {@link EventStore.findEvent}. Corrections are rare, so the reads are too.
   */
  const recordedInCommunity = async (eventId: string, communityId: string, community: CommunityState, first: string): Promise<boolean> => {
    const streams = new Set<string>([first, communityStream(communityId)]);
    for (const unitId of [...community.units.keys()].sort()) streams.add(accountStream(communityId, unitId));
    for (const streamId of streams) {
      try {
        for await (const e of store.readStream(streamId)) if (e.meta.eventId === eventId) return true;
      } catch (e) {
        if (!isStoreError(e, 'STREAM_NOT_FOUND')) throw e;
      }
    }
    return false;
  };

  /**
   * A correction points at what it corrects (DESIGN.md, principle 3): a command's `meta.corrects`,
   * which its events carry, must name an event already recorded in the same community, in its
   * community stream or one of its unit accounts (a payment booked to the wrong unit is corrected
   * on the other unit's account). Otherwise CORRECTED_EVENT_UNKNOWN, or
   * CORRECTED_EVENT_OUTSIDE_COMMUNITY for another community's event (told apart only by a store
   * with findEvent), at meta.corrects. Returns the check for one command's attempts, to call once
   * a decision has events to append: a retry decides none and stays a retry. It asks the store
   * once per command (an event once recorded stays); `stream` is the stream the command writes to.
   */
  const correctionCheck = (communityId: string, meta: CommandMeta, stream: string): ((community: CommunityState) => Promise<void>) => {
    const corrects = meta.corrects;
    // most commands correct nothing: no closure, no lookup
    if (corrects === undefined) return NOTHING_TO_CHECK;
    let settled = false;
    return async (community) => {
      if (settled) return;
      if (store.findEvent === undefined) {
        if (!(await recordedInCommunity(corrects, communityId, community, stream))) correctedEventUnknown(communityId, corrects);
      } else {
        const event = await store.findEvent(corrects);
        if (event === undefined) correctedEventUnknown(communityId, corrects);
        else if (!inCommunity(event.streamId, communityId)) correctedEventOutside(communityId, corrects, event);
      }
      settled = true;
    };
  };

  /** an append the store took: the stream's revision after it, and whether it was already there (another writer appended the very same events: this call wrote nothing) */
  interface Appended {
    readonly revision: bigint;
    readonly repeated: boolean;
  }

  /**
   * Appends with the expected revision (and the guards, where the store takes them); a concurrency
   * conflict returns which moved, the stream itself (or a concurrent writer's copy of the same
   * fact landed there) or a stream a guard watches, so the caller decides again.
   */
  const append = async (streamId: string, events: readonly LevyEvent[], revision: bigint, guards: readonly StreamGuard[] | undefined): Promise<Appended | 'stream' | 'guard'> => {
    try {
      const options = guards === undefined ? { expectedRevision: expectedOf(revision) } : { expectedRevision: expectedOf(revision), guards };
      const r = await store.appendToStream(streamId, events as unknown as readonly NewEvent[], options);
      return { revision: r.nextExpectedRevision, repeated: r.repeated === true };
    } catch (e) {
      if (isStoreError(e, 'CONCURRENCY_CONFLICT')) return e.error.path[0] === 'guards' ? 'guard' : 'stream';
      if (isStoreError(e, 'EVENT_ID_CONFLICT')) {
        bookedElsewhere(e.error, events);
        // another writer appended the same fact after this command read the stream (a channel that
        // notifies two instances at once, two billing runs): its event differs at least in
        // recordedAt, so the store cannot take this one for a retry. Decide again on what is there now.
        if (await movedSince(streamId, revision)) return 'stream';
      }
      throw e;
    }
  };

  /** Whether a stream has an event after `revision` (-1n: any event). */
  const movedSince = async (streamId: string, revision: bigint): Promise<boolean> => {
    try {
      for await (const _ of store.readStream(streamId, { from: revision + 1n, max: 1 })) return true;
    } catch (e) {
      if (!isStoreError(e, 'STREAM_NOT_FOUND')) throw e;
    }
    return false;
  };

  /**
   * Read, decide, append; again on a conflict, at most maxRetries times more. An attempt may say
   * what its decision read from the streams its guards watch (`reading`, a string): a guard
   * conflict after which the next attempt reads the same there (another unit registered, while the
   * closed line, policy and zone an account command depends on stayed) decides the same again, so
   * it does not count against maxRetries (up to FREE_RETRIES_LIMIT of them: each is another
   * writer's progress).
   */
  const decideAndAppend = async (
    streamId: string,
    attempt: (tries: number) => Promise<{ events: readonly LevyEvent[]; revision: bigint; guards?: readonly StreamGuard[]; reading?: string }>,
  ): Promise<HandleResult> => {
    let retries = 0;
    let free = 0;
    // what the attempt before read, when its append failed on a guard
    let guardedReading: string | undefined;
    // appends tried, each after a decision (a last read that shows a counted conflict appends nothing)
    let appends = 0;
    for (let tries = 1; ; tries++) {
      const { events, revision, guards, reading } = await attempt(tries);
      if (guardedReading !== undefined && reading === guardedReading && free < FREE_RETRIES_LIMIT) {
        retries -= 1;
        free += 1;
      }
      if (retries > maxRetries) break;
      if (events.length === 0) return { streamId, events, revision, attempts: tries };
      appends += 1;
      const next = await append(streamId, events, revision, guards);
      // the very same events already there (two handlers deciding one fact at one instant): this call appended nothing
      if (typeof next === 'object') return { streamId, events: next.repeated ? [] : events, revision: next.revision, attempts: tries };
      retries += 1;
      guardedReading = next === 'guard' ? reading : undefined;
      // past the bound, read again only when that read may show this conflict cost nothing
      if (retries > maxRetries && (guardedReading === undefined || free >= FREE_RETRIES_LIMIT)) break;
    }
    return fail(
      'CONCURRENCY_RETRIES_EXHAUSTED',
      `stream ${streamId} kept changing while the command was decided (${appends} attempts${free > 0 ? `, ${free} of them not counted against maxRetries ${maxRetries}: the conflict before left what the decision read as it was` : ''}); try again`,
      [],
      { streamId, attempts: appends, uncounted: free },
    );
  };

  const communityContext = (): CommunityContext => ({ now: now(), newId });

  /** The account context: the policy of the schedule in force on the command's date, the closed line, and the community's time zone. */
  const accountContext = (community: CommunityState, target: CommandTarget, unitId: string, effectiveDate: string, at: InstantString = now()): AccountContext => {
    if (!community.registered) fail('COMMUNITY_NOT_REGISTERED', `community ${JSON.stringify(target.communityId)} is not registered`, ['communityId']);
    if (!community.units.has(unitId)) fail('UNIT_NOT_REGISTERED', `unit ${JSON.stringify(unitId)} is not registered in community ${JSON.stringify(target.communityId)}`, ['unitId']);
    const schedule = scheduleOn(community, dayOf(effectiveDate)) ?? community.schedules[community.schedules.length - 1];
    return {
      now: at,
      newId,
      communityId: target.communityId,
      unitId,
      policy: accountPolicyFrom(schedule?.data ?? null),
      closedThrough: community.closedThrough,
      // a registered community always has its zone; the default is for the type only
      timeZone: community.timeZone ?? DEFAULT_TIME_ZONE,
    };
  };

  // A close reads every account's head, then appends PeriodClosed. An account command of the same
  // community decided meanwhile would land past the head the close sealed, outside the sealed
  // totals (MISSED_BY_CLOSE). So, per community, account commands and billing runs (a whole run is
  // one turn) share a turn and a close takes it alone: it waits for those in flight, and those that
  // come while it runs wait for it (and are then decided under the new closed line). That holds
  // within one handler. Across processes, on a
  // store with guards, the appends fence each other: an account event is written only if the
  // community stream is still at the revision its decision read, and PeriodClosed only if every
  // account stream is still at the head the close sealed; whichever lands second is decided again.
  // On a store without guards the account book flags what slips through.
  interface Gate {
    active: number;
    closing: Promise<void> | null;
    readonly drained: (() => void)[];
  }
  // one small gate per community, kept: a waiter holds on to its gate, so it is never replaced
  const gates = new Map<string, Gate>();
  const gateOf = (communityId: string): Gate => {
    let g = gates.get(communityId);
    if (g === undefined) gates.set(communityId, (g = { active: 0, closing: null, drained: [] }));
    return g;
  };
  const accountTurn = async <T>(communityId: string, f: () => Promise<T>): Promise<T> => {
    const g = gateOf(communityId);
    while (g.closing !== null) await g.closing;
    g.active += 1;
    try {
      return await f();
    } finally {
      g.active -= 1;
      if (g.active === 0) for (const wake of g.drained.splice(0)) wake();
    }
  };
  const closeTurn = async <T>(communityId: string, f: () => Promise<T>): Promise<T> => {
    const g = gateOf(communityId);
    while (g.closing !== null) await g.closing;
    let open!: () => void;
    g.closing = new Promise<void>((resolve) => (open = resolve));
    try {
      if (g.active > 0) await new Promise<void>((resolve) => g.drained.push(resolve));
      return await f();
    } finally {
      g.closing = null;
      open();
    }
  };

  // Commands from this handler to one stream take turns: decided one after another, each on what
  // the one before appended, instead of racing for the same revision and spending their retries on
  // each other. Different streams run at once. A stream's entry goes when its queue drains, and a
  // queue holds at most MAX_QUEUED_PER_STREAM commands. Within a community's turn (above): the gate
  // first, then the queue, so a command holding a stream's place never waits for a close.
  interface Queue {
    tail: Promise<void>;
    length: number;
  }
  const queues = new Map<string, Queue>();
  const inQueue = async <T>(streamId: string, f: () => Promise<T>): Promise<T> => {
    let q = queues.get(streamId);
    if (q === undefined) queues.set(streamId, (q = { tail: Promise.resolve(), length: 0 }));
    if (q.length >= MAX_QUEUED_PER_STREAM) {
      fail('STREAM_BUSY', `${MAX_QUEUED_PER_STREAM} commands already wait for stream ${streamId} in this handler; the command is refused and nothing is appended: send it again later`, [], {
        streamId,
        queued: q.length,
      });
    }
    const before = q.tail;
    let done!: () => void;
    q.tail = new Promise<void>((resolve) => (done = resolve));
    q.length += 1;
    try {
      await before;
      return await f();
    } finally {
      q.length -= 1;
      done();
      if (q.length === 0) queues.delete(streamId);
    }
  };

  const executeAccount = (command: AccountCommand, target: CommandTarget, unitId: string): Promise<HandleResult> =>
    accountTurn(target.communityId, () => inQueue(accountStream(target.communityId, unitId), () => decideAccount(command, target, unitId)));

  const decideAccount = (command: AccountCommand, target: CommandTarget, unitId: string): Promise<HandleResult> => {
    const streamId = accountStream(target.communityId, unitId);
    const checkCorrects = correctionCheck(target.communityId, command.meta, streamId);
    return decideAndAppend(streamId, async () => {
      const community = await loadCommunity(target.communityId);
      const base = accountContext(community.state, target, unitId, policyDateOf(command));
      // an assessment counts each day at the rate of the schedule in force that day
      const history = command.type === 'AssessPenalty' ? penaltyHistoryOf(community.state, dayOf(policyDateOf(command))) : undefined;
      const ctx = history === undefined ? base : { ...base, penaltyHistory: history };
      const account = await loadAccount(target.communityId, unitId);
      const decided = accountDecider.decide(command, account.state, ctx);
      if (E.isLeft(decided)) throw new LevyError(decided.left);
      // a charge issued by hand (a metered item, a correction) is billed under a schedule the community adopted, and in its regime
      if (command.type === 'IssueCharge' && decided.right.length > 0) checkChargeSchedule(community.state, command);
      if (decided.right.length > 0) await checkCorrects(community.state);
      // decided under this reading of the community (its closed line, its policy): written only if it still holds
      const guards = guarded ? [{ streamId: communityStream(target.communityId), expectedRevision: expectedOf(community.revision) }] : undefined;
      return { events: decided.right, revision: account.revision, guards, reading: contextReading(ctx) };
    });
  };

  const executeCommunity = (command: CommunityCommand, target: CommandTarget): Promise<HandleResult> => {
    const queued = (): Promise<HandleResult> => inQueue(communityStream(target.communityId), () => decideCommunity(command, target));
    if (command.type === 'ClosePeriod') return closeTurn(target.communityId, queued);
    if (command.type === 'RunBilling') return billingRun(target.communityId, command).then((r) => r.community);
    return queued();
  };

  const decideCommunity = (command: CommunityCommand, target: CommandTarget): Promise<HandleResult> => {
    const streamId = communityStream(target.communityId);
    if (command.type === 'RegisterCommunity' && command.data.communityId !== target.communityId) {
      fail('TARGET_MISMATCH', `the command registers ${JSON.stringify(command.data.communityId)} but was sent to community ${JSON.stringify(target.communityId)}`, ['data', 'communityId']);
    }
    const checkCorrects = correctionCheck(target.communityId, command.meta, streamId);
    return decideAndAppend(streamId, async () => {
      const community = await loadCommunity(target.communityId);
      let ctx = communityContext();
      let guards: readonly StreamGuard[] | undefined;
      if (command.type === 'ClosePeriod' && community.state.registered) {
        const gathered = await gatherClose(target.communityId, community.state, command.data.periodKey);
        ctx = { ...ctx, closeInputs: gathered.inputs };
        // the seal holds only if no account moved past the head it sealed
        if (guarded) guards = gathered.guards;
      }
      const decided = communityDecider.decide(command, community.state, ctx);
      if (E.isLeft(decided)) throw new LevyError(decided.left);
      if (decided.right.length > 0) await checkCorrects(community.state);
      return { events: decided.right, revision: community.revision, guards };
    });
  };

  /**
   * The totals of a period and the heads of every account stream, for PeriodClosed. Totals count
   * the account events whose effective date lies in the period: billed = charges issued − charges
   * cancelled; collected = payments − reversals; waived; penalties assessed; credit = the net
   * change of owners' credit (预收) over the period.
   */
  const gatherClose = async (communityId: string, community: CommunityState, periodKey: string): Promise<{ inputs: PeriodCloseInputs; guards: StreamGuard[] }> => {
    const parsed = parsePeriodKey(periodKey, ['data', 'periodKey']);
    if (E.isLeft(parsed)) throw new LevyError(parsed.left);
    const start = parsed.right.start;
    const end = parsed.right.end;
    let billed = Money.zero();
    let collected = Money.zero();
    let waived = Money.zero();
    let penalties = Money.zero();
    let credit = Money.zero();
    const heads: { streamId: string; revision: string; hash: string }[] = [];
    // the earliest account event: a first close may not start after it (the decider's first-close rule)
    let firstDay: number | null = null;
    // every registered unit's account stream where the close read it ('no-stream' for none yet)
    const guards: StreamGuard[] = [];
    for (const unitId of [...community.units.keys()].sort()) {
      const streamId = accountStream(communityId, unitId);
      let last: StoredEvent | undefined;
      try {
        for await (const raw of store.readStream(streamId)) {
          last = raw;
          const e = decodeStored(raw, ACCOUNT_EVENTS) as AccountEvent;
          const day = dayOf(e.meta.effectiveDate);
          if (firstDay === null || day < firstDay) firstDay = day;
          if (day < start || day > end) continue;
          switch (e.type) {
            case 'ChargeIssued':
              billed = billed.add(moneyOf(e.data.amount));
              break;
            case 'ChargeCancelled':
              billed = billed.subtract(moneyOf(e.data.amount));
              credit = credit.add(moneyOf(e.data.paidPrincipalToCredit)).add(moneyOf(e.data.paidPenaltyToCredit));
              break;
            case 'PaymentReceived':
              collected = collected.add(moneyOf(e.data.amount));
              credit = credit.add(moneyOf(e.data.toCredit));
              break;
            case 'PaymentReversed':
              collected = collected.subtract(moneyOf(e.data.amount));
              credit = credit.subtract(moneyOf(e.data.fromCredit));
              break;
            case 'WaiverGranted':
              waived = waived.add(moneyOf(e.data.amount));
              break;
            case 'PenaltyAssessed':
              penalties = penalties.add(moneyOf(e.data.amount));
              break;
            case 'PenaltyAdjusted':
              penalties = penalties.add(moneyOf(e.data.amount));
              for (const t of e.data.toCredit) credit = credit.add(moneyOf(t.amount));
              for (const t of e.data.creditPaid ?? []) credit = credit.add(moneyOf(t.amount));
              for (const w of e.data.waivers ?? []) waived = waived.add(moneyOf(w.amount));
              break;
            case 'CreditApplied':
              credit = credit.subtract(moneyOf(e.data.amount));
              break;
            case 'CreditRefunded':
              credit = credit.subtract(moneyOf(e.data.amount));
              break;
            default:
              break;
          }
        }
      } catch (e) {
        if (!isStoreError(e, 'STREAM_NOT_FOUND')) throw e;
      }
      if (last !== undefined) heads.push({ streamId, revision: last.revision.toString(), hash: String(last.meta.hash ?? '') });
      guards.push({ streamId, expectedRevision: last === undefined ? 'no-stream' : last.revision });
    }
    const inputs: PeriodCloseInputs = { totals: { billed, collected, waived, penalties, credit }, heads };
    return { inputs: firstDay === null ? inputs : { ...inputs, firstAccountDate: isoDateOf(firstDay) as IsoDate }, guards };
  };

  const execute = (command: LevyCommand, target: CommandTarget): Promise<HandleResult> => {
    if (ACCOUNT_COMMANDS.has(command.type)) {
      const unitId = target.unitId;
      if (unitId === undefined) return fail('TARGET_UNIT_MISSING', `${command.type} is an account command: name the unit (target.unitId)`, ['unitId']);
      return executeAccount(command as AccountCommand, target, unitId);
    }
    // a unit named for a community command would otherwise be ignored without a word
    if (target.unitId !== undefined) {
      return fail(
        'TARGET_UNIT_UNEXPECTED',
        `${command.type} is a community command and goes to the community's stream: send it to { communityId } without a unitId (the unit a command such as RegisterUnit concerns is in its data)`,
        ['unitId'],
        { unitId: target.unitId },
      );
    }
    return executeCommunity(command as CommunityCommand, target);
  };

  // `args`: the positional arguments a method put into the command's data, named in its refusals
  const handleWith = async (command: LevyCommandInput, target: CommandTarget, args?: Readonly<Record<string, unknown>>): Promise<E.Either<DomainError, HandleResult>> => {
    try {
      checkTarget(target);
      // validate at the edge (DESIGN.md, principle 7): a command as written holds unchecked strings
      const decoded = decodeCommand(command);
      if (E.isLeft(decoded)) return E.left(decodeRefusal(decoded.left, args));
      return E.right(await execute(decoded.right, target));
    } catch (e) {
      return toLeft(e);
    }
  };
  const handle = (command: LevyCommandInput, target: CommandTarget): Promise<E.Either<DomainError, HandleResult>> => handleWith(command, target);

  /**
   * A billing run, as one turn of its community against closes (a close from this handler waits
   * for the whole run, and a run waits for a close under way), holding the community stream's turn
   * throughout: community commands from this handler (another run, a unit registered) wait for it,
   * so only other handlers move the community under it. Each round reads the community,
   * plans, and decides the completion and every planned charge not yet on its account before it
   * appends any; a refusal appends nothing. Then the charges are appended, each guarded on the
   * community revision the plan read, and the completion last, expecting that revision: if the
   * community moved meanwhile (a unit registered, an area changed, a close by another process),
   * the round ends and the next one plans again from the community as it is, so the completion
   * recorded is the plan whose charges are all on their accounts. A round that appended nothing
   * counts against maxRetries; one that made progress does not (up to FREE_RETRIES_LIMIT).
   */
  const billingRun = (communityId: string, command: CommandOf<'RunBilling'>): Promise<{ result: BillingRunResult; community: HandleResult }> => {
    const communityStreamId = communityStream(communityId);
    // the gate first, then the stream's turn (see inQueue); the completion below appends in this same turn
    const run = async (): Promise<{ result: BillingRunResult; community: HandleResult }> => {
      const periodKey = command.data.periodKey;
      // charges appended by this run, by unit and charge id, over all its rounds
      const issuedByRun = new Set<string>();
      // its charges and its record carry the run's meta.corrects
      const checkCorrects = correctionCheck(communityId, command.meta, communityStreamId);
      let retries = 0;
      let free = 0;
      for (let round = 1; ; round++) {
        const community = await loadCommunity(communityId);
        const at = now();
        const plan = planBilling(community.state, periodKey, command.meta, { now: at });
        const recorded = community.state.billingRuns.get(periodKey);
        if (E.isLeft(plan) && plan.left.code === 'PERIOD_CLOSED' && recorded !== undefined) {
          // billed and recorded before its period closed: a retry, with nothing left to issue
          return {
            result: { periodKey, planned: recorded.chargeCount, issued: 0, alreadyIssued: recorded.chargeCount, differing: [], completed: null },
            community: { streamId: communityStreamId, events: [], revision: community.revision, attempts: round },
          };
        }
        if (E.isLeft(plan)) throw new LevyError(plan.left);
        // the record of the run, decided on the same reading (none when the period was billed before)
        const done = communityDecider.decide(command, community.state, { now: at, newId });
        if (E.isLeft(done)) throw new LevyError(done.left);
        const { todo, alreadyIssued, differing } = await checkCharges(communityId, community.state, plan.right.charges, issuedByRun, at);
        if (todo.length > 0 || done.right.length > 0) await checkCorrects(community.state);
        let appended = 0;
        // charges another writer appended, the very same events, as this round appended them
        let repeated = 0;
        let allIn = true;
        for (const { unitId, command: issue, events: decided, revision } of todo) {
          const r = await issueCharge(communityId, unitId, decided, revision, community);
          if (typeof r !== 'object') {
            allIn = false;
            break;
          }
          if (r.repeated) repeated++;
          else {
            issuedByRun.add(`${unitId}/${chargeIdFor(issue.data)}`);
            appended++;
          }
        }
        const events = done.right;
        // no record to append (the period was billed before) reads as a record already there
        const record = !allIn ? 'stream' : events.length === 0 ? { revision: community.revision, repeated: true } : await append(communityStreamId, events, community.revision, undefined);
        if (typeof record === 'object') {
          const completed = record.repeated ? null : ((events.find((e) => e.type === 'BillingRunCompleted') as EventOf<'BillingRunCompleted'> | undefined) ?? null);
          return {
            result: { periodKey, planned: plan.right.charges.length, issued: issuedByRun.size, alreadyIssued: alreadyIssued + repeated, differing, completed },
            community: { streamId: communityStreamId, events: record.repeated ? [] : events, revision: record.revision, attempts: round },
          };
        }
        // another writer moved a stream the round read: plan again from what is there now
        if (appended > 0 && free < FREE_RETRIES_LIMIT) free++;
        else retries++;
        if (retries > maxRetries) {
          return fail(
            'CONCURRENCY_RETRIES_EXHAUSTED',
            `the billing run of ${periodKey} kept meeting other writers (${round} rounds); the ${issuedByRun.size} charges it issued stand on their accounts: run it again to issue the rest and record the run`,
            [],
            { streamId: communityStreamId, attempts: round, issued: issuedByRun.size },
          );
        }
      }
    };
    return accountTurn(communityId, () => inQueue(communityStreamId, run));
  };

  /** a planned charge its account has not got, with the events deciding it gave and the account revision it read */
  type Checked = BillingPlan['charges'][number] & { readonly events: readonly LevyEvent[]; readonly revision: bigint };

  /**
   * A round's check of the planned charges, before anything is appended: a charge whose id its
   * account holds is billed (counted, and named when its amount differs from the plan's); every
   * other one is decided, and the first refusal refuses the run.
   */
  const checkCharges = async (
    communityId: string,
    community: CommunityState,
    charges: BillingPlan['charges'],
    issuedByRun: ReadonlySet<string>,
    at: InstantString,
  ): Promise<{ todo: Checked[]; alreadyIssued: number; differing: DifferingCharge[] }> => {
    const todo: Checked[] = [];
    const differing: DifferingCharge[] = [];
    let alreadyIssued = 0;
    // a unit's account as its charges planned before this one leave it (a unit billed for several
    // fee items): each is decided on the one before, and appended at the revision after it
    let unit: { readonly unitId: string; state: AccountState; revision: bigint } | null = null;
    for (const planned of charges) {
      const { unitId, command: issue } = planned;
      const chargeId = chargeIdFor(issue.data);
      if (unit === null || unit.unitId !== unitId) {
        const loaded = await loadAccount(communityId, unitId);
        unit = { unitId, state: loaded.state, revision: loaded.revision };
      }
      const existing = unit.state.charges.get(chargeId);
      if (existing === undefined) {
        const decided = accountDecider.decide(issue, unit.state, accountContext(community, { communityId }, unitId, issue.meta.effectiveDate, at));
        if (E.isLeft(decided)) throw new LevyError(chargeRefusal(unitId, issue, decided.left));
        todo.push({ ...planned, events: decided.right, revision: unit.revision });
        for (const e of decided.right) unit.state = accountDecider.evolve(unit.state, e as AccountEvent);
        unit.revision += BigInt(decided.right.length);
        continue;
      }
      // billed before (by this run in an earlier round, another run, or a clerk): not issued again
      if (!issuedByRun.has(`${unitId}/${chargeId}`)) alreadyIssued++;
      const amount = moneyOf(issue.data.amount);
      if (!existing.amount.equals(amount)) differing.push({ unitId, chargeId, issued: existing.amount.toString(), planned: amount.toString(), cancelled: existing.cancelled });
    }
    return { todo, alreadyIssued, differing };
  };

  /**
   * One planned charge's events, as the round's check decided them, appended in its account's turn
   * at the revision the check read and while the community is at the revision the plan read. An
   * account written to since (by this handler or another) ends the round ('stream'): the next one
   * reads it again.
   */
  const issueCharge = (communityId: string, unitId: string, events: readonly LevyEvent[], revision: bigint, community: Loaded<CommunityState>): Promise<Appended | 'stream' | 'guard'> => {
    const streamId = accountStream(communityId, unitId);
    const guards = guarded ? [{ streamId: communityStream(communityId), expectedRevision: expectedOf(community.revision) }] : undefined;
    return inQueue(streamId, () => append(streamId, events, revision, guards));
  };

  const runBilling = async (communityId: string, periodKey: string, meta: CommandMetaInput): Promise<E.Either<DomainError, BillingRunResult>> => {
    try {
      checkId(communityId, 'communityId');
      const decoded = decodeCommand({ type: 'RunBilling', data: { periodKey }, meta });
      if (E.isLeft(decoded)) return E.left(decodeRefusal(decoded.left, { periodKey }));
      return E.right((await billingRun(communityId, decoded.right as CommandOf<'RunBilling'>)).result);
    } catch (e) {
      return toLeft(e);
    }
  };

  const readState = async <S>(f: () => Promise<Loaded<S>>): Promise<S> => (await f()).state;

  return {
    handle,
    handleTE: (command, target) => () => handle(command, target),
    runBilling,
    runBillingTE: (communityId, periodKey, meta) => () => runBilling(communityId, periodKey, meta),
    closePeriod: (communityId, periodKey, closedOn, meta) => handleWith({ type: 'ClosePeriod', data: { periodKey, closedOn }, meta }, { communityId }, { periodKey, closedOn }),
    readAccount: (communityId, unitId) => readState(() => loadAccount(checkId(communityId, 'communityId'), checkId(unitId, 'unitId'))),
    readCommunity: (communityId) => readState(() => loadCommunity(checkId(communityId, 'communityId'))),
  };
};
