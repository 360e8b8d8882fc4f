/**
 * One fold engine for every projection. A projection is `{ init, apply }` over logged events (a
 * {@link LevyEvent} plus the stream it sits in and, from a store, its global position). The same
 * `apply` serves a full rebuild ({@link rebuild}) and a live subscription that keeps a checkpoint
 * ({@link applyStored}, {@link follow}), so the two cannot drift apart.
 *
 * Projections only ever see the current shape of an event: every entry point here ({@link rebuild},
 * {@link applyStored}, {@link follow}, {@link rebuildFromStore}) upcasts an event whose
 * `meta.schemaVersion` is older than `CURRENT_SCHEMA_VERSION` through core's upcasters
 * (`LEVY_UPCASTERS`, or the registry given as the `upcasters` option) before a projection folds
 * it. A current event costs one comparison (rebuild checks its stream and type beside it). A
 * projection's own `apply`, called directly, does not.
 *
 * {@link rebuild} takes the events a store's `readAll` gives as they are (a `StoredEvent` is typed
 * loosely, as any application's event: rebuild skips those that are not Levy's, as
 * {@link rebuildFromStore} does), and refuses what is not an event at all (a JSON Lines line, an
 * event without its stream) with a `LevyError` naming the field, never a TypeError.
 *
 * `apply` may update the state it is given in place and returns it: the engine owns the state
 * from `init()` on, and nothing else holds it, so the fold stays a function of the log (a rebuild
 * always starts from a fresh `init()`). This keeps a million-event fold free of copying.
 *
 * @example
 * import { rebuild, levyProjection } from '@levy/projections';
 * const views = rebuild(levyProjection, events);
 */
import {
  CURRENT_SCHEMA_VERSION,
  EVENT_TYPES,
  type EventStore,
  LEVY_UPCASTERS,
  type LevyEvent,
  LevyError,
  type RawEvent,
  type StoredEvent,
  type Subscription,
  type UpcasterRegistry,
  checkUpcasters,
  describe,
  domainError,
  upcastOrThrow,
} from '@levy/core';
import { checkOptions } from './options.js';

/** A Levy event as it sits in a log: the event, its stream, and its global position when a store gave one. */
export type LoggedEvent = LevyEvent & { readonly streamId: string; readonly position?: bigint };

/** A projection: a fold over logged events. */
export interface Projection<S> {
  /** a short name for reports and errors */
  readonly name: string;
  /** a fresh, empty state */
  init(): S;
  /** folds one event in (may update `state` in place) and returns the state */
  apply(state: S, event: LoggedEvent): S;
  /**
   * Optional: folds an array of events in log order, with exactly the result of `apply` on each in
   * turn. {@link rebuild} uses it when it is given an array, so a projection can work on a run of
   * events at once (the account book looks a few dozen events ahead to bring their units and
   * charges into cache before folding them, which a large community's rebuild waits on).
   */
  applyAll?(state: S, events: readonly LoggedEvent[]): S;
}

/** A projection's state with the position of the last event folded in, for a subscription to resume from. */
export interface Checkpointed<S> {
  state: S;
  /** the last global position folded in (or skipped as not a Levy event); null before the first */
  checkpoint: bigint | null;
  /** how many Levy events were folded in */
  count: number;
}

/** Options of the fold engine's entry points ({@link rebuild}, {@link applyStored}, {@link rebuildFromStore}, and {@link follow}'s). */
export interface FoldOptions {
  /**
   * the upcasters that bring an event older than `CURRENT_SCHEMA_VERSION` to the current shape
   * before it is folded; default `LEVY_UPCASTERS`. A registry replaces Levy's: spread
   * `LEVY_UPCASTERS` into yours to keep its steps. Checked when given (`OPTIONS_INVALID` at
   * `['upcasters', type, version]`; `applyStored` checks it when an old event first needs it).
   */
  readonly upcasters?: UpcasterRegistry;
}

const FOLD_OPTIONS = { upcasters: 'checked' } as const;

// the registry an entry point folds with, its options checked once per call
const upcastersOf = (options: FoldOptions | undefined, what: string): UpcasterRegistry => {
  if (options === undefined) return LEVY_UPCASTERS;
  checkOptions(options, FOLD_OPTIONS, what, ['options']);
  return options.upcasters === undefined ? LEVY_UPCASTERS : checkUpcasters(options.upcasters);
};

// an event at the current schema version: itself when it is (one comparison, kept here so the
// fold's loops inline it), else upcast, or a LevyError naming it
const upcastLogged = <T extends LoggedEvent | StoredEvent>(event: T, upcasters: UpcasterRegistry): T =>
  event.meta.schemaVersion === CURRENT_SCHEMA_VERSION ? event : upcastOrThrow(event as unknown as T & RawEvent, upcasters);

/**
 * What {@link rebuild} folds: logged events, or a store's events as `readAll` gives them (a
 * `StoredEvent`'s type is any application's; rebuild skips those that are not Levy's).
 */
export type LogEvent = LoggedEvent | StoredEvent;

// as rebuild reads an event it is given: one that is not an object at all, or whose fields are of
// any type (what a JSON Lines line, a bare event or another application's event holds)
type Unchecked = { readonly streamId?: unknown; readonly type?: unknown; readonly meta?: { readonly schemaVersion?: unknown } | null };

const LEVY_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

const isObject = (u: unknown): u is { readonly [k: string]: unknown } => typeof u === 'object' && u !== null && !Array.isArray(u);

// an event rebuild folds as it is: placed in a stream, at the current schema version, of a Levy
// type. A constant check per event; anything else takes foldableOf's longer look
const isFoldable = (event: LogEvent): boolean => {
  const e = event as Unchecked | null | undefined;
  return typeof e?.streamId === 'string' && e.meta?.schemaVersion === CURRENT_SCHEMA_VERSION && LEVY_TYPES.has(e.type as string);
};

/**
 * An event rebuild was given that {@link isFoldable} did not take as it is: upcast when it is a Levy
 * event of an older schema version, null when it is another application's (skipped, as
 * applyStored skips it), and a LevyError `EVENT_INVALID` at `['events', index, field]` when it is no
 * logged event at all. A JSON Lines line is told apart: it says what turns lines into events.
 */
const foldableOf = (e: unknown, index: number, upcasters: UpcasterRegistry): LoggedEvent | null => {
  const refuse = (field: string | null, message: string): never => {
    throw new LevyError(domainError('EVENT_INVALID', `event ${index}: ${message}`, field === null ? ['events', String(index)] : ['events', String(index), field], { index }));
  };
  if (!isObject(e)) return refuse(null, `${describe(e)} is not an event { streamId, type, data, meta }`);
  if ('stream' in e && 'revision' in e && !('streamId' in e)) {
    refuse(
      'streamId',
      `this is a JSON Lines line { stream, revision, ${'event' in e ? 'event' : 'type, data, meta'} }, not a logged event { streamId, type, data, meta }: turn the lines into events with storedEventsOfLines (@levy/core) first`,
    );
  }
  if (typeof e.streamId !== 'string') refuse('streamId', `its streamId is ${describe(e.streamId)}: a logged event names the stream it sits in (a store's events do; give decoded events their stream)`);
  if (typeof e.type !== 'string') refuse('type', `its type is ${describe(e.type)}, not an event type such as "ChargeIssued"`);
  // another application's event in the same store (a ticket): not the ledger's
  if (!LEVY_TYPES.has(e.type as string)) return null;
  if (!isObject(e.meta)) refuse('meta', `its meta is ${describe(e.meta)}, not an object with its eventId and schemaVersion`);
  return upcastLogged(e as unknown as LoggedEvent, upcasters);
};

// events from..to of a log as projections read them: those of an older schema version upcast,
// those of another application left out
const currentRun = (events: readonly LogEvent[], from: number, to: number, upcasters: UpcasterRegistry): LoggedEvent[] => {
  const out = new Array<LoggedEvent>(to - from);
  let n = 0;
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    if (isFoldable(e)) out[n++] = e as LoggedEvent;
    else {
      const f = foldableOf(e, i, upcasters);
      if (f !== null) out[n++] = f;
    }
  }
  if (n < out.length) out.length = n;
  return out;
};

// a whole log through applyAll in runs of FOLD_RUN, each run's versions read just before it is
// folded, while they are still in cache: a separate pass over a million events' meta first read
// each from memory twice and cost the fold 3-6% (pinned pairs, session 27); runs of 256 cost
// nothing measurable (three pairs), of 4,096 about what the separate pass did, of 64 no better
const FOLD_RUN = 256;
const applyAllCurrent = <S>(applyAll: NonNullable<Projection<S>['applyAll']>, state: S, events: readonly LogEvent[], upcasters: UpcasterRegistry): S => {
  for (let from = 0; from < events.length; from += FOLD_RUN) {
    const to = Math.min(from + FOLD_RUN, events.length);
    state = applyAll(state, currentRun(events, from, to, upcasters));
  }
  return state;
};

/**
 * Folds a whole log into a fresh state: through the projection's `applyAll` when the log is an
 * array and the projection has one, else `apply` event by event (the same result either way).
 * Events of an older schema version are upcast first (`options.upcasters`, see {@link FoldOptions}).
 * The events may be a store's as `readAll` gives them (`StoredEvent`s): those that are not Levy's
 * (tickets share the store) are skipped, as {@link rebuildFromStore} skips them. What is not a
 * logged event at all throws a `LevyError` `EVENT_INVALID` at `['events', index, field]`: a JSON
 * Lines line (`decodeJsonLines` gives `{ stream, revision, event }`: turn lines into events with
 * core's `storedEventsOfLines`) or an event without its `streamId` at `streamId`, a missing `type`
 * or `meta` at that field, a value that is not an object at `['events', index]`.
 *
 * @example
 * const journal = rebuild(journalProjection, events);
 * const views = rebuild(levyProjection, storedEvents); // for await (const e of store.readAll()) storedEvents.push(e)
 * const mine = rebuild(levyProjection, events, { upcasters: { ...LEVY_UPCASTERS, ChargeIssued: { 0: upcastCharge } } });
 */
export const rebuild = <S>(projection: Projection<S>, events: Iterable<LogEvent>, options?: FoldOptions): S => {
  const upcasters = upcastersOf(options, 'rebuild');
  if (projection.applyAll !== undefined && Array.isArray(events)) return applyAllCurrent(projection.applyAll, projection.init(), events as readonly LogEvent[], upcasters);
  let state = projection.init();
  let i = 0;
  for (const e of events) {
    const f = isFoldable(e) ? (e as LoggedEvent) : foldableOf(e, i, upcasters);
    if (f !== null) state = projection.apply(state, f);
    i++;
  }
  return state;
};

/**
 * A fresh checkpointed state for {@link applyStored} / {@link follow}.
 *
 * @example
 * const live = startCheckpointed(levyProjection);
 */
export const startCheckpointed = <S>(projection: Projection<S>): Checkpointed<S> => ({ state: projection.init(), checkpoint: null, count: 0 });

/**
 * Whether a stored event is one of Levy's (tickets and other streams share a store).
 *
 * @example
 * isLevyStored(stored) && projection.apply(state, stored);
 */
export const isLevyStored = (e: StoredEvent): e is StoredEvent & LoggedEvent => LEVY_TYPES.has(e.type);

/**
 * Folds one stored event into a checkpointed state. An event at or before the checkpoint is a
 * redelivery and changes nothing; an event of another kind (a ticket) only moves the checkpoint;
 * an event of an older schema version is upcast first (`options.upcasters`, see {@link FoldOptions}).
 * Stored events were decoded when they were written; decode them yourself first if the store is
 * not trusted (`decodeEvent`).
 *
 * @example
 * for await (const e of store.subscribeToAll({ checkpoint: live.checkpoint ?? undefined })) applyStored(levyProjection, live, e);
 */
export const applyStored = <S>(projection: Projection<S>, target: Checkpointed<S>, event: StoredEvent, options?: FoldOptions): Checkpointed<S> => {
  if (target.checkpoint !== null && event.position <= target.checkpoint) return target;
  if (isLevyStored(event)) {
    // the options are read only for an old event: a current one costs one comparison
    target.state = projection.apply(target.state, event.meta.schemaVersion === CURRENT_SCHEMA_VERSION ? event : upcastLogged(event, upcastersOf(options, 'applyStored')));
    target.count += 1;
  }
  target.checkpoint = event.position;
  return target;
};

/** Options of {@link follow}. */
export interface FollowOptions<S> extends FoldOptions {
  /** stop (and close the subscription) once this holds after an event, e.g. the checkpoint reached a head */
  readonly until?: (target: Checkpointed<S>) => boolean;
  /** called after each event, e.g. to save the checkpoint */
  readonly onEvent?: (target: Checkpointed<S>) => void;
}

/**
 * Follows a subscription (`store.subscribeToAll({ checkpoint })`) into a checkpointed state until
 * `until` holds or the subscription ends; resolves with the state. Events of an older schema
 * version are upcast (`options.upcasters`, see {@link FoldOptions}).
 *
 * @example
 * const live = startCheckpointed(levyProjection);
 * await follow(levyProjection, store.subscribeToAll({}), live, { until: (t) => t.checkpoint === head });
 */
export const follow = async <S>(projection: Projection<S>, subscription: Subscription, target: Checkpointed<S>, options: FollowOptions<S> = {}): Promise<Checkpointed<S>> => {
  let fold: FoldOptions | undefined;
  try {
    fold = options.upcasters === undefined ? undefined : { upcasters: checkUpcasters(options.upcasters) };
  } catch (e) {
    await subscription.close();
    throw e;
  }
  if (options.until?.(target) === true) {
    await subscription.close();
    return target;
  }
  try {
    for await (const e of subscription) {
      applyStored(projection, target, e, fold);
      options.onEvent?.(target);
      if (options.until?.(target) === true) break;
    }
  } finally {
    await subscription.close();
  }
  return target;
};

/** how many events {@link rebuildFromStore} hands to a projection's `applyAll` at a time */
const STORE_RUN = 1024;

/**
 * Rebuilds a projection from everything in a store (`readAll` in position order), with the same
 * result as {@link applyStored} on each event (old schema versions upcast, `options.upcasters`);
 * a projection with `applyAll` gets the events in runs of up to 1,024.
 *
 * @example
 * const views = await rebuildFromStore(levyProjection, store);
 */
export const rebuildFromStore = async <S>(projection: Projection<S>, store: EventStore, options?: FoldOptions): Promise<Checkpointed<S>> => {
  const upcasters = upcastersOf(options, 'rebuildFromStore');
  const fold: FoldOptions = { upcasters };
  const target = startCheckpointed(projection);
  const events = store.readAll({ filter: { streamPrefix: 'levy.' } });
  const applyAll = projection.applyAll;
  if (applyAll === undefined) {
    for await (const e of events) applyStored(projection, target, e, fold);
    return target;
  }
  let run: LoggedEvent[] = [];
  const flush = (): void => {
    target.state = applyAll.call(projection, target.state, run);
    target.count += run.length;
    run = [];
  };
  for await (const e of events) {
    // as applyStored: a redelivery changes nothing, another kind of event only moves the checkpoint
    if (target.checkpoint !== null && e.position <= target.checkpoint) continue;
    if (isLevyStored(e)) {
      run.push(upcastLogged(e, upcasters));
      if (run.length === STORE_RUN) flush();
    }
    target.checkpoint = e.position;
  }
  if (run.length > 0) flush();
  return target;
};

/**
 * Several projections folded side by side in one pass. A rebuild from an array folds each part over
 * the whole array in turn instead, through the part's `applyAll` where it has one (the parts keep
 * separate states, so the result is the same).
 *
 * @example
 * const both = combine({ journal: journalProjection, audit: auditProjection });
 * const { journal, audit } = rebuild(both, events);
 */
export const combine = <P extends Record<string, Projection<unknown>>>(
  parts: P,
  name = Object.keys(parts).join('+'),
): Projection<{ [K in keyof P]: P[K] extends Projection<infer S> ? S : never }> => {
  type S = { [K in keyof P]: P[K] extends Projection<infer X> ? X : never };
  const keys = Object.keys(parts) as (keyof P & string)[];
  const list = keys.map((k) => [k, parts[k]!] as const);
  return {
    name,
    init: () => Object.fromEntries(list.map(([k, p]) => [k, p.init()])) as S,
    apply: (state, event) => {
      const s = state as Record<string, unknown>;
      for (let i = 0; i < list.length; i++) {
        const [k, p] = list[i]!;
        s[k] = p.apply(s[k], event);
      }
      return state;
    },
    applyAll: (state, events) => {
      const s = state as Record<string, unknown>;
      for (const [k, p] of list) {
        if (p.applyAll !== undefined) s[k] = p.applyAll(s[k], events);
        else for (const e of events) s[k] = p.apply(s[k], e);
      }
      return state;
    },
  };
};
