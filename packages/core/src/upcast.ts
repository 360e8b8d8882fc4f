/**
 * Upcasting: old events still read. An event carries the schema version of its data in
 * `meta.schemaVersion`; when a type's data changes shape, the version goes up and an upcaster
 * from the old version is registered here. Reading applies the chain of upcasters (v0 → v1 → …)
 * to the raw JSON before decoding, so the deciders and projections only ever see the current shape.
 *
 * The stored event is never rewritten: its hash covers what was stored, so verify the hash chain
 * on the raw events (as read from the store) and upcast afterwards.
 *
 * The real example: before schema version 1, `PaymentReceived` had no `channel` (every payment
 * came by bank transfer, the only channel the first importer knew). Version 0 events get
 * `channel: 'bank-transfer'`.
 *
 * @example
 * import { upcastEvent, decodeEvent } from '@levy/core';
 * import * as E from 'fp-ts/lib/Either.js';
 * const legacy = { type: 'PaymentReceived', data: { paymentId: 'p1', channelTxnId: 'T1', ... }, meta: { schemaVersion: 0, ... } };
 * const current = upcastEvent(legacy);           // right({ ..., data: { channel: 'bank-transfer', ... }, meta: { schemaVersion: 1, ... } })
 * const event = E.flatMap(current, decodeEvent); // right(the PaymentReceived, at version 1), or left(the upcast's refusal or decodeEvent's list)
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe } from './decimal.js';
import { type DomainError, LevyError, domainError } from './errors.js';
import { CURRENT_SCHEMA_VERSION, EVENT_TYPES } from './events.js';
import { isInputObject } from './unknown-field.js';

type Json = { readonly [k: string]: unknown };

/** Turns the data of one schema version into the data of the next. */
export type Upcaster = (data: Json, meta: Json) => Json;

/** Upcasters by event type, then by the version they upcast from. */
export type UpcasterRegistry = { readonly [type: string]: { readonly [fromVersion: number]: Upcaster } };

/**
 * Levy's upcasters. Version 0 (`legacy`): `PaymentReceived` without `channel` → `'bank-transfer'`.
 * Every other type has been at version 1 since its first release, and version 0 of them equals
 * version 1: the generic step below lifts them without change.
 */
export const LEVY_UPCASTERS: UpcasterRegistry = {
  PaymentReceived: {
    // the first importer only read bank statements, so a payment without a channel came by transfer
    0: (data) => (data.channel === undefined ? { ...data, channel: 'bank-transfer' } : data),
  },
};

/** A raw event as read: `{ type, data, meta }` of unknown shape. */
export interface RawEvent {
  readonly type: string;
  readonly data: Json;
  readonly meta: Json;
}

/**
 * Brings a raw event to {@link CURRENT_SCHEMA_VERSION}: applies the registry's upcaster for each
 * version from the event's own up to the current one (a missing step for a type that did not
 * change is the identity) and sets `meta.schemaVersion`. A missing `schemaVersion` means 0.
 * Refuses `SCHEMA_VERSION_INVALID` and `SCHEMA_VERSION_TOO_NEW` (written by newer code: upgrade
 * before reading), and `EVENT_INVALID` (as `decodeEvent` calls an event it cannot read) for what
 * it cannot read a version from: an event that is not an object (path `[]`), one without a `meta`
 * object (`['meta']`), and one to upcast without a `data` object (`['data']`). An event already
 * current is returned as is (same object).
 *
 * @example
 * upcastEvent({ type: 'PaymentReceived', data: legacyData, meta: { ...meta, schemaVersion: 0 } });
 * upcastEvent({ type: 'PaymentReceived', data: legacyData }); // left EVENT_INVALID at ['meta']
 */
export const upcastEvent = <T extends RawEvent>(event: T, registry: UpcasterRegistry = LEVY_UPCASTERS): E.Either<DomainError, T> => {
  if (!isInputObject(event)) return E.left(domainError('EVENT_INVALID', `${describe(event)} is not an event { type, data, meta }`, [], { input: describe(event) }));
  const meta: unknown = event.meta;
  if (!isInputObject(meta)) {
    return E.left(domainError('EVENT_INVALID', `this ${describeType(event)} event has ${describe(meta)} for its meta, not an object with its eventId and schemaVersion`, ['meta'], { input: describe(meta) }));
  }
  const raw = meta.schemaVersion;
  if (raw === CURRENT_SCHEMA_VERSION) return E.right(event);
  const from = raw === undefined ? 0 : raw;
  if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 0) {
    return E.left(domainError('SCHEMA_VERSION_INVALID', `meta.schemaVersion must be a whole number of 0 or more, not ${JSON.stringify(raw)}`, ['meta', 'schemaVersion']));
  }
  if (from > CURRENT_SCHEMA_VERSION) {
    return E.left(
      domainError(
        'SCHEMA_VERSION_TOO_NEW',
        `this ${event.type} event has schema version ${from}, newer than this library reads (${CURRENT_SCHEMA_VERSION}): upgrade Levy to read it`,
        ['meta', 'schemaVersion'],
        { version: from, current: CURRENT_SCHEMA_VERSION },
      ),
    );
  }
  // an upcaster reads the data: without an object there is nothing to bring up to date
  if (!isInputObject(event.data)) {
    return E.left(domainError('EVENT_INVALID', `this ${describeType(event)} event has ${describe(event.data)} for its data, not an object`, ['data'], { input: describe(event.data) }));
  }
  let data = event.data;
  const steps = registry[event.type];
  for (let v = from; v < CURRENT_SCHEMA_VERSION; v++) {
    const step = steps?.[v];
    if (step !== undefined) data = step(data, event.meta);
  }
  return E.right({ ...event, data, meta: { ...event.meta, schemaVersion: CURRENT_SCHEMA_VERSION } });
};

/**
 * {@link upcastEvent} for a reader that returns events rather than an Either (a projection's
 * fold, a test log): the event at the current version, or a thrown `LevyError` with upcastEvent's
 * code (`SCHEMA_VERSION_TOO_NEW`, `SCHEMA_VERSION_INVALID`, `EVENT_INVALID`) whose message names the event (its
 * type, id, stream and revision when it has them) and whose details add `streamId`, `eventId` and
 * `position`. A current event is returned as is, for one comparison.
 *
 * @example
 * const e = upcastOrThrow(stored); // stored itself when it is current
 */
export const upcastOrThrow = <T extends RawEvent>(event: T, registry: UpcasterRegistry = LEVY_UPCASTERS): T => {
  // optional chaining: an event without meta is refused by upcastEvent below, not a TypeError here
  if ((event as Partial<RawEvent> | null | undefined)?.meta?.schemaVersion === CURRENT_SCHEMA_VERSION) return event;
  const up = upcastEvent(event, registry);
  if (E.isRight(up)) return up.right;
  if (!isInputObject(event)) throw new LevyError(up.left);
  const placed = event as RawEvent & { readonly streamId?: unknown; readonly stream?: unknown; readonly revision?: unknown; readonly position?: unknown };
  const eventId: unknown = isInputObject(event.meta) ? event.meta.eventId : undefined;
  const stream = typeof placed.streamId === 'string' ? placed.streamId : typeof placed.stream === 'string' ? placed.stream : undefined;
  const where = `${describeType(event)} ${JSON.stringify(eventId) ?? 'without an id'}${stream === undefined ? '' : ` of ${JSON.stringify(stream)}`}${typeof placed.revision === 'bigint' ? ` at revision ${placed.revision}` : ''}`;
  throw new LevyError({
    ...up.left,
    message: `${where}: ${up.left.message}`,
    details: {
      ...up.left.details,
      eventId,
      ...(stream === undefined ? {} : { streamId: stream }),
      ...(typeof placed.position === 'bigint' ? { position: placed.position.toString() } : {}),
    },
  });
};

// an event's type for a message, whatever it holds
const describeType = (event: { readonly type?: unknown }): string => (typeof event.type === 'string' ? event.type : `untyped (${describe(event.type)})`);

const EVENT_TYPE_NAMES: ReadonlySet<string> = new Set(EVENT_TYPES);
const VERSION_KEY = /^(0|[1-9][0-9]{0,8})$/;

/**
 * A caller's upcaster registry, checked once where it is given (an option, never per event):
 * upcasters by Levy event type, then by the whole-number version they upcast from, each a function.
 * An entry that would never be applied (a misspelt type, a version that is not a number) or could
 * not be (not a function) throws a `LevyError` `OPTIONS_INVALID` at `[...path, type, version]`.
 * A registry replaces {@link LEVY_UPCASTERS}: spread it in to keep Levy's own steps.
 *
 * @example
 * checkUpcasters({ ...LEVY_UPCASTERS, ChargeIssued: { 0: (data) => data } }); // the registry
 * checkUpcasters({ PaymentRecieved: {} });                                     // throws OPTIONS_INVALID at ['upcasters', 'PaymentRecieved']
 */
export const checkUpcasters = (registry: unknown, path: readonly string[] = ['upcasters']): UpcasterRegistry => {
  const refuse = (message: string, at: readonly string[]): never => {
    throw new LevyError(domainError('OPTIONS_INVALID', message, [...path, ...at]));
  };
  if (!isInputObject(registry)) return refuse(`upcasters must be an object of upcasters by event type, such as LEVY_UPCASTERS, not ${describe(registry)}`, []);
  for (const [type, steps] of Object.entries(registry)) {
    if (!EVENT_TYPE_NAMES.has(type)) refuse(`${JSON.stringify(type)} is not a Levy event type: its upcasters would never be applied`, [type]);
    if (!isInputObject(steps)) refuse(`the upcasters of ${type} must be an object of functions by the version they upcast from, such as { 0: (data) => data }, not ${describe(steps)}`, [type]);
    for (const [version, step] of Object.entries(steps as object)) {
      if (!VERSION_KEY.test(version)) refuse(`${JSON.stringify(version)} is not a schema version: an upcaster of ${type} is keyed by the whole number it upcasts from`, [type, version]);
      if (typeof step !== 'function') refuse(`the upcaster of ${type} from version ${version} must be a function (data, meta) => data, not ${describe(step)}`, [type, version]);
    }
  }
  return registry as UpcasterRegistry;
};
