/**
 * The decider shape (STYLE.md, Emmett): `decide(command, state, context)` returns the events a
 * command leads to, or the DomainError that refuses it; `evolve(state, event)` folds one event in.
 * Both are pure: the instant and any fresh ids come in through the {@link DecisionContext}.
 *
 * @example
 * const events = decider.decide(command, state, { now: '2025-04-10T02:00:00Z', newId: (p) => `${p}-1` });
 */
import type * as E from 'fp-ts/lib/Either.js';
import { type EpochDay, businessDayAt, isoDateOf } from './calendar.js';
import type { InstantString, Uuid } from './codecs.js';
import type { CommandMeta } from './commands.js';
import { type DomainError, domainError } from './errors.js';
import { CURRENT_SCHEMA_VERSION, type EventData, type EventMeta, type EventOf, type EventType } from './events.js';

/** What a decision may know beyond the command and the state: the clock reading and an id source, supplied by the shell. */
export interface DecisionContext {
  /** when the decision is recorded (an instant supplied by the caller; the core reads no clock) */
  readonly now: InstantString;
  /** a fresh id for facts without a natural key, e.g. `newId('waiver')`; deterministic in tests */
  readonly newId: (prefix: string) => string;
}

/** A decider over commands C, events Ev and state S, with context X. */
export interface Decider<C, Ev, S, X = DecisionContext> {
  decide(command: C, state: S, context: X): E.Either<DomainError, readonly Ev[]>;
  evolve(state: S, event: Ev): S;
  initialState(): S;
}

/**
 * Builds an event of type `type` from a command's envelope: the event id, the schema version, the
 * command's effective date, `now` as the recorded instant, and the command's actor, reason,
 * approval, correlation and correction links. The command id, when given, becomes the causation id.
 *
 * @example
 * const e = eventFrom('CreditApplied', { chargeId, amount }, command.meta, context, eventIdFor('CreditApplied', [chargeId, n]));
 */
export const eventFrom = <K extends EventType>(
  type: K,
  data: EventData<K>,
  command: CommandMeta,
  context: Pick<DecisionContext, 'now'>,
  eventId: Uuid,
  overrides?: Partial<Pick<EventMeta, 'effectiveDate'>>,
): EventOf<K> => {
  const meta: { -readonly [P in keyof EventMeta]: EventMeta[P] } = {
    eventId,
    schemaVersion: CURRENT_SCHEMA_VERSION as EventMeta['schemaVersion'],
    effectiveDate: overrides?.effectiveDate ?? command.effectiveDate,
    recordedAt: context.now,
    actor: command.actor,
  };
  if (command.reason !== undefined) meta.reason = command.reason;
  if (command.approval !== undefined) meta.approval = command.approval;
  if (command.correlationId !== undefined) meta.correlationId = command.correlationId;
  if (command.commandId !== undefined) meta.causationId = command.commandId;
  if (command.corrects !== undefined) meta.corrects = command.corrects;
  return { type, data, meta } as unknown as EventOf<K>;
};

const NOW_PATH: readonly string[] = Object.freeze(['now']);

/**
 * Refuses a fact dated after the day it is recorded. A payment received, a refund paid out, a
 * reminder sent or money spent has happened by the time it is booked, so its date is today at the
 * latest: today is the business date of `now` in the community's time zone (`zone`). Returns
 * `DATE_IN_FUTURE` at `path` when `day` (an epoch day) has not begun there, with both dates in
 * the message and `{ date, today, timeZone }` in `details`; null when it has. A `now` or zone that
 * cannot be read gives `INSTANT_INVALID` at `['now']` or `TIME_ZONE_INVALID`.
 *
 * @example
 * // 2025-03-31T17:30:00Z is already April 1 in Shanghai
 * dateAfterToday('2025-03-31T17:30:00Z', 'Asia/Shanghai', epochDayOf(2025, 4, 1), ['data', 'receivedOn'], 'a payment'); // null
 * dateAfterToday('2025-03-31T17:30:00Z', 'Asia/Shanghai', epochDayOf(2025, 4, 2), ['data', 'receivedOn'], 'a payment')?.code; // 'DATE_IN_FUTURE'
 */
export const dateAfterToday = (now: string, zone: string, day: EpochDay, path: readonly string[], fact: string): DomainError | null => {
  const today = businessDayAt(now, zone, NOW_PATH);
  if (today._tag === 'Left') return today.left;
  if (day <= today.right) return null;
  const date = isoDateOf(day);
  const todayIso = isoDateOf(today.right);
  return domainError('DATE_IN_FUTURE', `${fact} cannot be dated after today: ${date} has not begun yet in ${zone}, where today is ${todayIso}; book it once it has happened`, path, {
    date,
    today: todayIso,
    timeZone: zone,
  });
};
