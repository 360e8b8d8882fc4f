/**
 * The decider shape (STYLE.md, Emmett): `decide(command, state, context)` returns the events a
 * command leads to, or the DomainError that refuses it; `evolve(state, event)` folds one event in.
 * Both are pure: the instant and any fresh ids come in through the {@link DecisionContext}.
 *
 * @example
 * const events = decider.decide(command, state, { now: '2025-04-10T02:00:00Z', newId: (p) => `${p}-1` });
 */
import type * as E from 'fp-ts/lib/Either.js';
import type { InstantString, Uuid } from './codecs.js';
import type { CommandMeta } from './commands.js';
import type { DomainError } from './errors.js';
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
