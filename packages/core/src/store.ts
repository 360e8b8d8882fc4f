/**
 * The event store port: the one contract every engine (in-memory, SQLite, EventStoreDB)
 * implements and the conformance suite in `@levy/testkit` checks. Streams hold events in
 * revision order (0, 1, 2, ...); the store as a whole orders them by a global position that
 * starts at 1 and only grows. Everything that can go wrong is a {@link StoreError} with a
 * stable code; no engine lets a driver's own exception reach a caller.
 *
 * The store, not the decider, seals each event into its stream's hash chain (`meta.prevHash`,
 * `meta.hash`: DESIGN.md, principle 8), inside the append, so every engine builds the same chain.
 *
 * The port, its errors and its limits are in the main entry, `@levy/core`; the checks and helpers
 * below them, which only an engine calls, are at `@levy/core/engine` (engine.ts).
 *
 * @example
 * import { openMemoryEventStore, isStoreError } from '@levy/core';
 * const store = openMemoryEventStore();
 * await store.appendToStream('levy.account-c1.101', [
 *   { type: 'ChargeIssued', data: { amount: '250.60' }, meta: { eventId: 'charge-2025-11-101' } },
 * ], { expectedRevision: 'no-stream' });
 * for await (const e of store.readStream('levy.account-c1.101')) e.meta.hash; // sha-256 hex
 * try {
 *   await store.appendToStream('levy.account-c1.101', [...], { expectedRevision: 'no-stream' });
 * } catch (e) {
 *   if (isStoreError(e, 'CONCURRENCY_CONFLICT')) { ... } // reload, decide again
 * }
 */
import { canonicalJson } from './canonical-json.js';
import { LevyError, domainError, type DomainError } from './errors.js';
import { closestName, isInputObject } from './unknown-field.js';
import { describe } from './decimal.js';

// ---------------------------------------------------------------------------------------------
// the port
// ---------------------------------------------------------------------------------------------

/** A stream's revision: 0 for its first event. */
export type StreamRevision = bigint;
/** A position in the whole store: 1 for its first event; only grows, never reused. */
export type GlobalPosition = bigint;
/**
 * What the caller believes about the stream before appending: it does not exist yet, it
 * exists (any revision), anything goes, or its last event is at exactly this revision.
 */
export type ExpectedRevision = 'no-stream' | 'stream-exists' | 'any' | bigint;
/** A JSON object. Numbers in it must be safe integers (amounts and rates travel as strings). */
export type JsonObject = { readonly [k: string]: unknown };
/** Event metadata. `prevHash` and `hash` are filled by the store; whatever a caller puts there is replaced. */
export interface EventMeta extends JsonObject {
  readonly eventId: string;
  readonly prevHash?: string | null;
  readonly hash?: string;
}
/** An event as a decider produces it. */
export interface NewEvent {
  readonly type: string;
  readonly data: JsonObject;
  readonly meta: EventMeta;
}
/** An event as the store holds it: sealed (meta has `prevHash` and `hash`) and placed. */
export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  readonly revision: StreamRevision;
  readonly position: GlobalPosition;
}
/** What an append returns. */
export interface AppendResult {
  /** revision of the last event in the stream (pass it as the next `expectedRevision`); -1n when an empty append met no stream */
  readonly nextExpectedRevision: StreamRevision;
  /** position of the last appended event (of the stream's last event for an empty append; 0n when there is none) */
  readonly position: GlobalPosition;
  /**
   * true when the store found this exact append already written (an idempotent retry: the same
   * events, ids and content, where the expected revision puts them) and wrote nothing: the result
   * is the original append's. Absent for an append that wrote its events.
   */
  readonly repeated?: true;
}
/** Options of {@link EventStore.readStream}. */
export interface ReadStreamOptions {
  /** first revision to read (inclusive); default 0n forwards, the last revision backwards */
  readonly from?: StreamRevision;
  /** at most this many events; default all */
  readonly max?: number;
  readonly direction?: 'forwards' | 'backwards';
}
/** Narrows a read of all events: stream ids starting with a prefix, and/or these event types. */
export interface AllFilter {
  readonly streamPrefix?: string;
  readonly types?: readonly string[];
}
/** Options of {@link EventStore.readAll}. */
export interface ReadAllOptions {
  /** inclusive, default 0n */
  readonly fromPosition?: GlobalPosition;
  readonly max?: number;
  readonly filter?: AllFilter;
}
/** A catch-up subscription: iterate it; `close()` (or leaving a `for await`) ends it. */
export interface Subscription extends AsyncIterable<StoredEvent> {
  close(): Promise<void>;
}
/** Options of {@link EventStore.subscribeToAll}. */
export interface SubscribeOptions {
  /** exclusive: the last position the caller has processed; default none (start at the beginning) */
  readonly checkpoint?: GlobalPosition;
  readonly filter?: AllFilter;
}
/**
 * A condition on another stream, checked in the same atomic step as an append: the append is
 * written only if that stream is still where `expectedRevision` says (usually the revision the
 * caller read it at, or `'no-stream'`). The handler uses guards so that a period close and an
 * account command from two processes cannot both act on what the other has since changed.
 */
export interface StreamGuard {
  readonly streamId: string;
  readonly expectedRevision: ExpectedRevision;
}

/** Options of {@link EventStore.appendToStream}. */
export interface AppendOptions {
  /** where the stream appended to must be; default `'any'` */
  readonly expectedRevision?: ExpectedRevision;
  /**
   * other streams that must be where they say, or the append is refused with
   * `CONCURRENCY_CONFLICT` (path `['guards', i, 'expectedRevision']`) and writes nothing; at most
   * {@link STORE_LIMITS}.guardsPerAppend, each a different stream from the one appended to and
   * from each other. Only for stores with {@link EventStore.supportsGuards}: any other must
   * refuse an append that names guards with `OPTIONS_INVALID` rather than ignore them.
   */
  readonly guards?: readonly StreamGuard[];
}

/** The store port. Every method rejects only with a {@link StoreError}. */
export interface EventStore {
  /** Appends all events or none. See {@link ExpectedRevision}; an idempotent retry is a no-op returning the original result. */
  appendToStream(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * True when the store checks {@link AppendOptions.guards} atomically with the append (the
   * in-memory and SQLite stores do). A store over an engine without multi-stream conditions
   * leaves it out, and the handler then detects what a guard would have prevented
   * (`MISSED_BY_CLOSE` in the account book) instead of preventing it.
   */
  readonly supportsGuards?: boolean;
  /** A stream's events in revision order; iterating a missing stream fails with `STREAM_NOT_FOUND`. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<StoredEvent>;
  /** All events in position order. */
  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent>;
  /**
   * The event with this id, wherever it sits, read as `readStream` would read it; undefined when
   * the store holds none. An id that is not a string is `OPTIONS_INVALID` at `['eventId']`.
   * Optional: the in-memory and SQLite stores have it (their id index already finds retries). The
   * handler checks a correction's `meta.corrects` through it, and on a store without it reads the
   * community's own streams instead, which cannot tell another community's event from none.
   */
  findEvent?(eventId: string): Promise<StoredEvent | undefined>;
  /** Catches up from a checkpoint, then follows new appends until closed. */
  subscribeToAll(options?: SubscribeOptions): Subscription;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// errors
// ---------------------------------------------------------------------------------------------

/**
 * The codes a store rejects with. `CONCURRENCY_CONFLICT` carries `details.streamId`,
 * `details.expected` and `details.actual` (the stream's last revision, or `'no-stream'`).
 */
export type StoreErrorCode =
  | 'CONCURRENCY_CONFLICT'
  | 'STREAM_NOT_FOUND'
  | 'EVENT_ID_CONFLICT'
  | 'EVENT_INVALID'
  | 'OPTIONS_INVALID'
  | 'CHAIN_BROKEN'
  | 'STORE_NOT_LEVY'
  | 'STORE_SCHEMA_TOO_NEW'
  | 'STORE_CLOSED'
  | 'STORE_BUSY'
  | 'STORE_IO';

/**
 * A store's refusal or failure, carrying a {@link DomainError} with a stable code.
 *
 * @example
 * throw new StoreError(domainError('STREAM_NOT_FOUND', 'stream "x" has no events', ['streamId']));
 */
export class StoreError extends LevyError {
  constructor(error: DomainError) {
    super(error);
    this.name = 'StoreError';
  }
}

/**
 * Builds a {@link StoreError}.
 *
 * @example
 * storeError('STORE_CLOSED', 'the store is closed');
 */
export const storeError = (code: StoreErrorCode, message: string, path: readonly string[] = [], details?: Readonly<Record<string, unknown>>): StoreError =>
  new StoreError(domainError(code, message, path, details));

/**
 * Is `e` a {@link StoreError} (with this code, when given)?
 *
 * @example
 * isStoreError(e, 'CONCURRENCY_CONFLICT'); // true when the stream moved since it was read: read it again and decide again
 */
export const isStoreError = (e: unknown, code?: string): e is StoreError => e instanceof StoreError && (code === undefined || e.code === code);

const revisionText = (r: ExpectedRevision | bigint): string => (typeof r === 'bigint' ? r.toString() : r);

/**
 * The conflict every engine reports when the stream is not where the caller expected.
 *
 * @example
 * concurrencyConflict('levy.account-c1.101', 'no-stream', 3n).code; // 'CONCURRENCY_CONFLICT'
 */
export const concurrencyConflict = (streamId: string, expected: ExpectedRevision, actual: bigint | 'no-stream'): StoreError =>
  storeError(
    'CONCURRENCY_CONFLICT',
    `stream ${JSON.stringify(streamId)} changed since it was read: expected ${revisionText(expected)}, found ${revisionText(actual)}; reload it and try the command again`,
    ['expectedRevision'],
    { streamId, expected, actual },
  );

/**
 * The conflict every engine reports when a guard of an append does not hold: the guarded stream
 * is not where the caller expected. `details.streamId` is the guarded stream, `details.appendTo`
 * the stream the append was for.
 *
 * @example
 * guardConflict('levy.account-c1.101', 0, { streamId: 'levy.community-c1', expectedRevision: 4n }, 5n).error.path; // ['guards', '0', 'expectedRevision']
 */
export const guardConflict = (appendTo: string, index: number, guard: StreamGuard, actual: bigint | 'no-stream'): StoreError =>
  storeError(
    'CONCURRENCY_CONFLICT',
    `stream ${JSON.stringify(guard.streamId)} changed since it was read (a guard of this append to ${JSON.stringify(appendTo)}): expected ${revisionText(guard.expectedRevision)}, found ${revisionText(actual)}; reload and try the command again`,
    ['guards', String(index), 'expectedRevision'],
    { streamId: guard.streamId, expected: guard.expectedRevision, actual, appendTo },
  );

/**
 * Checks every guard of an append against the guarded streams' last revisions (`headOf` gives
 * -1n for no stream), throwing the first {@link guardConflict}.
 *
 * @example
 * checkGuards(append, (id) => heads.get(id) ?? -1n);
 */
export const checkGuards = (append: CheckedAppend, headOf: (streamId: string) => bigint): void => {
  for (let i = 0; i < append.guards.length; i++) {
    const g = append.guards[i]!;
    const current = headOf(g.streamId);
    if (!expectedRevisionHolds(g.expectedRevision, current)) throw guardConflict(append.streamId, i, g, current < 0n ? 'no-stream' : current);
  }
};

/**
 * Checks an expected revision against a stream's last revision (-1n: no stream).
 *
 * @example
 * expectedRevisionHolds('no-stream', -1n); // true
 * expectedRevisionHolds(4n, 5n);           // false
 */
export const expectedRevisionHolds = (expected: ExpectedRevision, current: bigint): boolean => {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return current === -1n;
  if (expected === 'stream-exists') return current >= 0n;
  return expected === current;
};

// ---------------------------------------------------------------------------------------------
// limits and checks every engine applies before writing (TigerBeetle: a limit on everything)
// ---------------------------------------------------------------------------------------------

/** Limits every store enforces, so no engine accepts what another would refuse. */
export const STORE_LIMITS = Object.freeze({
  /** events in one append */
  eventsPerAppend: 10_000,
  /** UTF-16 code units in a stream id */
  streamIdLength: 256,
  /** UTF-16 code units in an event id */
  eventIdLength: 256,
  /** UTF-16 code units in an event type */
  typeLength: 128,
  /** characters of an event's canonical data + meta JSON */
  eventJsonLength: 8 * 1024 * 1024,
  /** guards on other streams in one append (a close guards every account stream of its community) */
  guardsPerAppend: 100_000,
});

/**
 * An event checked and serialised once, ready for any engine to seal and write. `dataJson` and
 * `metaJson` are canonical JSON; `meta` has no `prevHash`/`hash`.
 */
export interface CheckedEvent {
  readonly type: string;
  readonly eventId: string;
  readonly dataJson: string;
  /** canonical JSON of meta without prevHash/hash: what an idempotent retry must match */
  readonly metaJson: string;
  /** meta's keys without prevHash/hash, sorted as canonical JSON sorts them */
  readonly metaKeys: readonly string[];
  /** `"key":value` for each of metaKeys, canonical, so the chain fields can be slotted in without serialising meta again */
  readonly metaEntries: readonly string[];
}

/** An append that passed every check. */
export interface CheckedAppend {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly CheckedEvent[];
  /** checked guards, in the order given (empty when none) */
  readonly guards: readonly StreamGuard[];
}

const NO_GUARDS: readonly StreamGuard[] = Object.freeze([]);
const GUARD_KEYS: readonly string[] = ['streamId', 'expectedRevision'];

/**
 * Checks the guards option of an append to `streamId`: an array of at most
 * {@link STORE_LIMITS}.guardsPerAppend `{ streamId, expectedRevision }`, each on another stream
 * than the one appended to and than each other. Throws `OPTIONS_INVALID` naming the guard.
 *
 * @example
 * checkGuardsOption('levy.account-c1.101', [{ streamId: 'levy.community-c1', expectedRevision: 4n }]).length; // 1
 */
export const checkGuardsOption = (streamId: string, guards: unknown): readonly StreamGuard[] => {
  if (guards === undefined) return NO_GUARDS;
  if (!Array.isArray(guards)) throw storeError('OPTIONS_INVALID', 'guards must be an array of { streamId, expectedRevision }', ['guards']);
  if (guards.length > STORE_LIMITS.guardsPerAppend) {
    throw storeError('OPTIONS_INVALID', `one append holds at most ${STORE_LIMITS.guardsPerAppend} guards, got ${guards.length}`, ['guards'], { count: guards.length });
  }
  const seen = new Set<string>([streamId]);
  const out: StreamGuard[] = new Array<StreamGuard>(guards.length);
  for (let i = 0; i < guards.length; i++) {
    const g: unknown = guards[i];
    if (!isInputObject(g)) throw storeError('OPTIONS_INVALID', 'a guard must be an object { streamId, expectedRevision }', ['guards', String(i)]);
    // a misspelt key (streamID, expected) would otherwise leave the guard checking something else
    refuseUnknownKeys(g, GUARD_KEYS, `guard ${i}`, ['guards', String(i)]);
    let id: string;
    let expected: ExpectedRevision;
    try {
      id = checkStreamId(g.streamId);
      if (g.expectedRevision === undefined) throw storeError('OPTIONS_INVALID', 'a guard needs an expectedRevision', ['expectedRevision']);
      expected = checkExpectedRevision(g.expectedRevision);
    } catch (e) {
      if (e instanceof StoreError) throw storeError('OPTIONS_INVALID', `guard ${i}: ${e.error.message}`, ['guards', String(i), ...e.error.path], e.error.details);
      throw e;
    }
    if (seen.has(id)) {
      const what = id === streamId ? 'the stream appended to is checked by expectedRevision, not by a guard' : 'each stream may be guarded once';
      throw storeError('OPTIONS_INVALID', `guard ${i} names stream ${JSON.stringify(id)} again: ${what}`, ['guards', String(i), 'streamId'], { streamId: id });
    }
    seen.add(id);
    out[i] = { streamId: id, expectedRevision: expected };
  }
  return out;
};

// what event data and meta must be: an object whose own keys are all it holds (not a Map, a Set, a class instance)
const isJsonObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const invalid = (message: string, path: readonly string[], details?: Readonly<Record<string, unknown>>): StoreError => storeError('EVENT_INVALID', message, path, details);

// String.prototype.isWellFormed (Node 20; ES2024, so not in this lib's types), else a regex: one
// native scan per string, cheap enough for every event of an append
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const isWellFormed: (s: string) => boolean = typeof nativeIsWellFormed === 'function' ? (s) => nativeIsWellFormed.call(s) : (s) => !LONE_SURROGATE.test(s);

// for a message, once a string is known not to be well formed: which code unit and where
const loneSurrogate = (s: string): string => {
  const m = LONE_SURROGATE.exec(s);
  return m === null ? 'a lone UTF-16 surrogate' : `a lone UTF-16 surrogate (\\u${m[0].charCodeAt(0).toString(16).toUpperCase()} at index ${m.index})`;
};

// a string with a lone surrogate has no UTF-8 form: SQLite would keep U+FFFD in its place, so two
// ids would read back as one and the hash sealed over the original would no longer match
const notWellFormed = (what: string, s: string): string =>
  `${what} holds ${loneSurrogate(s)}, which has no UTF-8 form: a store would keep U+FFFD in its place and read back another string`;

// names people reach for that are spelt nothing like the option they mean
const OPTION_ALIASES: ReadonlyMap<string, string> = new Map([
  ['limit', 'max'],
  ['count', 'max'],
]);

// the known name a misspelt one most likely meant (closestName), or the one an alias stands for
const didYouMean = (key: string, names: readonly string[]): string | undefined => {
  const close = closestName(key, names);
  if (close !== undefined) return close;
  const alias = OPTION_ALIASES.get(key.toLowerCase());
  return alias !== undefined && names.includes(alias) ? alias : undefined;
};

// refuses a key `obj` has beyond `names`: a misspelt option would otherwise be ignored without a word
const refuseUnknownKeys = (obj: object, names: readonly string[], what: string, at: readonly string[]): void => {
  for (const key of Object.keys(obj)) {
    if (names.includes(key)) continue;
    const hint = didYouMean(key, names);
    throw storeError(
      'OPTIONS_INVALID',
      `${JSON.stringify(key)} is not an option of ${what}${hint === undefined ? '' : ` (did you mean ${JSON.stringify(hint)}?)`}; the options are ${names.join(', ')}`,
      [...at, key],
      hint === undefined ? { option: key, options: names } : { option: key, options: names, didYouMean: hint },
    );
  }
};

const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Checks an options argument: left out (`undefined`) it is no options; otherwise it must be a
 * plain object (not `null`, an array, a Map or a primitive: `OPTIONS_INVALID` at `['options']`)
 * whose keys are all among `names` (`OPTIONS_INVALID` at the key, suggesting the name it most
 * likely meant), so a misspelt option is refused rather than ignored. `what` names the call in
 * the message. Returns the object, or an empty one.
 *
 * @example
 * checkOptionNames({ max: 5 }, ['fromPosition', 'max', 'filter'], 'readAll'); // { max: 5 }
 * checkOptionNames({ limit: 5 }, ['fromPosition', 'max', 'filter'], 'readAll'); // throws OPTIONS_INVALID at ['limit'] (did you mean "max"?)
 */
export const checkOptionNames = (options: unknown, names: readonly string[], what: string): Readonly<Record<string, unknown>> => {
  if (options === undefined) return NO_OPTIONS;
  if (!isJsonObject(options)) {
    throw storeError('OPTIONS_INVALID', `the options of ${what} must be an object (or left out), not ${describe(options)}`, ['options'], { options: names });
  }
  refuseUnknownKeys(options, names, what, []);
  return options;
};

const APPEND_OPTIONS: readonly string[] = ['expectedRevision', 'guards'];

/**
 * Checks the options object of `appendToStream` (see {@link checkOptionNames}): only
 * `expectedRevision` and `guards`, so `{ expectedRevison: 'no-stream' }` or `{ gaurds: [...] }`
 * is refused instead of appending without the check it meant. The values are checked by
 * {@link checkAppend}, which the engine calls with them.
 *
 * @example
 * const o = checkAppendOptions({ expectedRevision: 'no-stream' });
 * checkAppend('s-1', events, o.expectedRevision, o.guards);
 */
export const checkAppendOptions = (options: unknown): AppendOptions => checkOptionNames(options, APPEND_OPTIONS, 'appendToStream') as AppendOptions;

/**
 * Checks an expected revision option.
 *
 * @example
 * checkExpectedRevision(3n); // 3n
 * checkExpectedRevision(3);  // throws OPTIONS_INVALID (a number, not a bigint)
 */
export const checkExpectedRevision = (expected: unknown): ExpectedRevision => {
  if (expected === undefined) return 'any';
  if (expected === 'any' || expected === 'no-stream' || expected === 'stream-exists') return expected;
  if (typeof expected === 'bigint' && expected >= 0n) return expected;
  throw storeError('OPTIONS_INVALID', `expectedRevision ${typeof expected === 'bigint' ? expected.toString() : JSON.stringify(expected) ?? String(expected)} must be 'no-stream', 'stream-exists', 'any' or a revision like 3n (a bigint, 0n or more)`, ['expectedRevision']);
};

// SQLite's length() and the C strings of its drivers stop at U+0000: a stream id or a prefix
// holding one would be matched by one engine and not another
const NUL = '\u0000';
const holdsNul = (what: string, s: string): string =>
  `${what} holds U+0000 (at index ${s.indexOf(NUL)}), which a store cannot compare reliably (SQLite stops at it); leave it out`;

/**
 * Checks a stream id: a non-empty, well-formed (no lone UTF-16 surrogate) string of at most
 * {@link STORE_LIMITS}.streamIdLength, without U+0000.
 *
 * @example
 * checkStreamId('levy.account-c1.101');
 */
export const checkStreamId = (streamId: unknown): string => {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > STORE_LIMITS.streamIdLength) {
    throw storeError('OPTIONS_INVALID', `stream id must be a non-empty string of at most ${STORE_LIMITS.streamIdLength} characters`, ['streamId'], { streamId });
  }
  if (!isWellFormed(streamId)) throw storeError('OPTIONS_INVALID', notWellFormed('the stream id', streamId), ['streamId'], { streamId });
  if (streamId.includes(NUL)) throw storeError('OPTIONS_INVALID', holdsNul('the stream id', streamId), ['streamId'], { streamId });
  return streamId;
};

// a plain object (the caller checked its prototype) of primitives, copied with its keys in sorted
// order: native JSON.stringify on it writes canonical bytes several times faster. Not for keys that
// are array indices (objects list those first whatever the order of insertion) or __proto__
// (assigning it sets the prototype).
const flatCopy = (obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> | undefined => {
  const copy: Record<string, unknown> = {};
  for (const k of keys) {
    const x = obj[k];
    const t = typeof x;
    if (!(t === 'string' || t === 'boolean' || x === null || x === undefined || (t === 'number' && Number.isSafeInteger(x)))) return undefined;
    const c = k.charCodeAt(0);
    if ((c >= 48 && c <= 57) || k === '__proto__') return undefined;
    copy[k] = x;
  }
  return copy;
};

// keys repeat across events (amount, eventId, ...): their JSON form is worked out once
const keyJsonCache = new Map<string, string>();
const keyJson = (k: string): string => {
  let j = keyJsonCache.get(k);
  if (j === undefined) {
    j = JSON.stringify(k);
    if (keyJsonCache.size < 4096) keyJsonCache.set(k, j);
  }
  return j;
};

// thrown inside the fast writer to fall back to canonicalJson, which reports the error with its path
const NOT_PLAIN = Symbol('not plain JSON');

const writeFast = (v: unknown): string => {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (Number.isSafeInteger(v)) return String(v);
      throw NOT_PLAIN;
    case 'object': {
      const withToJson = v as { toJSON?: () => unknown };
      if (typeof withToJson.toJSON === 'function') {
        if (v instanceof Date) throw NOT_PLAIN;
        return writeFast(withToJson.toJSON());
      }
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out += ',';
          const x: unknown = v[i];
          if (x === undefined) throw NOT_PLAIN;
          out += writeFast(x);
        }
        return `${out}]`;
      }
      // a Map, a Set, a class instance: Object.keys would see none of what it holds
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      const flat = flatCopy(obj, keys);
      if (flat !== undefined) return JSON.stringify(flat);
      let out = '{';
      for (const k of keys) {
        const x = obj[k];
        if (x === undefined) continue;
        if (out.length > 1) out += ',';
        out += `${keyJson(k)}:${writeFast(x)}`;
      }
      return `${out}}`;
    }
    default:
      throw NOT_PLAIN;
  }
};

/**
 * The same bytes as `canonicalJson` (canonical-json.ts), written with string concatenation and
 * no path bookkeeping: the append path serialises every event twice, so this is where the time
 * goes. Anything that is not plain JSON is handed to `canonicalJson`, which throws its usual
 * error with the path. A property test keeps the two identical.
 *
 * @example
 * canonicalJsonFast({ b: '1.00', a: [1, null] }) === canonicalJson({ b: '1.00', a: [1, null] }); // true
 */
export const canonicalJsonFast = (value: unknown): string => {
  try {
    return writeFast(value);
  } catch (e) {
    if (e === NOT_PLAIN) return canonicalJson(value);
    throw e;
  }
};

/**
 * Checks and serialises an append once, before any engine touches storage: every event has a
 * type, a plain JSON object `data` (safe integers only), a `meta` with an `eventId`; ids are not
 * repeated within the batch. Throws a {@link StoreError} (`EVENT_INVALID`, `EVENT_ID_CONFLICT`,
 * `OPTIONS_INVALID`) naming the offending field. Nothing is dropped on the way to the store: a
 * value without a single JSON form anywhere in `data` or `meta` (a Map, a Set, a Date, a class
 * instance, `undefined` or a gap in an array, a float, a bigint) is `EVENT_INVALID`, with the path
 * to it inside the event, one segment a key or index (`['events', '0', 'data', 'lines', '0']`;
 * `details.part` says `data` or `meta` too); `data` or `meta`
 * that is itself not a plain object is refused at `['events', '0', 'data']` (or `'meta'`), and a
 * field beside type, data and meta, which no store would keep, at `['events', '0', <field>]`.
 * The stream id, each type and each `meta.eventId` must be well formed (no lone UTF-16
 * surrogate, which has no UTF-8 form and would come back from a file as U+FFFD). The options
 * object itself is checked first by {@link checkAppendOptions}.
 *
 * @example
 * checkAppend('s-1', [{ type: 'T', data: {}, meta: { eventId: 'e-1' } }], 'no-stream').events.length; // 1
 */
export const checkAppend = (streamId: unknown, events: unknown, expectedRevision: unknown, guards?: unknown): CheckedAppend => {
  const id = checkStreamId(streamId);
  const expected = checkExpectedRevision(expectedRevision);
  const checkedGuards = checkGuardsOption(id, guards);
  if (!Array.isArray(events)) throw invalid('events must be an array', ['events']);
  if (events.length > STORE_LIMITS.eventsPerAppend) {
    throw invalid(`one append holds at most ${STORE_LIMITS.eventsPerAppend} events, got ${events.length}; split it`, ['events'], { count: events.length });
  }
  const seen = new Set<string>();
  const out: CheckedEvent[] = new Array<CheckedEvent>(events.length);
  for (let i = 0; i < events.length; i++) {
    try {
      out[i] = checkEvent(events[i], i, id, seen);
    } catch (err) {
      if (err instanceof LevyError) throw err;
      // a getter that throws, a Proxy: the event cannot be read, so it cannot be stored
      const why = err instanceof Error ? `${err.name}: ${err.message}` : describe(err);
      throw invalid(`event ${i} could not be read (reading it threw ${why}); an event is plain JSON`, ['events', String(i)], { thrown: why });
    }
  }
  return { streamId: id, expected, events: out, guards: checkedGuards };
};

// one event of an append, checked and serialised (see checkAppend)
const checkEvent = (e: unknown, i: number, id: string, seen: Set<string>): CheckedEvent => {
  if (!isInputObject(e)) throw invalid('an event must be an object with type, data and meta', ['events', String(i)]);
  const { type, data, meta } = e;
  // an event is its type, data and meta: anything else beside them would not be stored, so it is refused, not dropped
  for (const k in e) {
    if (k !== 'type' && k !== 'data' && k !== 'meta') throw invalid(`an event holds only type, data and meta; ${JSON.stringify(k)} would not be stored: put it in data or meta`, ['events', String(i), k]);
  }
  if (typeof type !== 'string' || type.length === 0 || type.length > STORE_LIMITS.typeLength) {
    throw invalid(`event type must be a non-empty string of at most ${STORE_LIMITS.typeLength} characters`, ['events', String(i), 'type']);
  }
  if (!isWellFormed(type)) throw invalid(notWellFormed('the event type', type), ['events', String(i), 'type']);
  if (!isJsonObject(data)) throw invalid(`event data must be a plain JSON object, not ${describe(data)}`, ['events', String(i), 'data']);
  if (!isJsonObject(meta)) throw invalid(`event meta must be a plain object with an eventId, not ${describe(meta)}`, ['events', String(i), 'meta']);
  const eventId = meta.eventId;
  if (typeof eventId !== 'string' || eventId.length === 0 || eventId.length > STORE_LIMITS.eventIdLength) {
    throw invalid(`meta.eventId must be a non-empty string of at most ${STORE_LIMITS.eventIdLength} characters`, ['events', String(i), 'meta', 'eventId']);
  }
  if (!isWellFormed(eventId)) throw invalid(notWellFormed('meta.eventId', eventId), ['events', String(i), 'meta', 'eventId']);
  if (seen.has(eventId)) {
    throw storeError('EVENT_ID_CONFLICT', `event id ${JSON.stringify(eventId)} appears twice in one append`, ['events', String(i), 'meta', 'eventId'], { eventId, streamId: id });
  }
  seen.add(eventId);
  // the chain belongs to the store: drop whatever the caller put there
  let dataJson: string;
  const metaKeys: string[] = [];
  const metaEntries: string[] = [];
  // canonicalJson's path starts at '$' for data and meta alike: the path and details.part say which
  let part: 'data' | 'meta' = 'data';
  try {
    dataJson = canonicalJsonFast(data);
    part = 'meta';
    try {
      for (const k of Object.keys(meta).sort()) {
        const x = meta[k];
        if (k === 'prevHash' || k === 'hash' || x === undefined) continue;
        metaKeys.push(k);
        metaEntries.push(`${keyJson(k)}:${writeFast(x)}`);
      }
    } catch (err) {
      if (err !== NOT_PLAIN) throw err;
      const { prevHash: _p, hash: _h, ...bare } = meta;
      canonicalJson(bare); // throws the error with its path
    }
  } catch (err) {
    if (err instanceof LevyError) {
      const at = jsonPathSegments(part === 'data' ? data : meta, err.error.path[0]);
      throw invalid(`the ${part} of event ${JSON.stringify(eventId)} is not plain JSON: ${err.error.message}`, ['events', String(i), part, ...at], { eventId, part });
    }
    throw err;
  }
  const metaJson = `{${metaEntries.join(',')}}`;
  if (dataJson.length + metaJson.length > STORE_LIMITS.eventJsonLength) {
    throw invalid(`event ${JSON.stringify(eventId)} is ${dataJson.length + metaJson.length} characters of JSON; the limit is ${STORE_LIMITS.eventJsonLength}`, ['events', String(i), 'data']);
  }
  return { type, eventId, dataJson, metaJson, metaKeys, metaEntries };
};

/**
 * The path canonicalJson names in one string (`'$.lines[0]'`) as the segments of a DomainError's
 * path (`['lines', '0']`). A key may itself hold `.` or `[`, so the string is not split blindly but
 * read against the value it was found in: at each object, a key the rest of the string starts
 * with; at each array, an index; the place reached must be one canonicalJson refuses. Only a
 * refusal comes here, so its cost does not matter. Falls back to the string itself (`['$.x']`)
 * should the value not lead there (a getter that answers differently the second time).
 */
const jsonPathSegments = (root: unknown, at: string | undefined): string[] => {
  if (at === undefined) return [];
  const refused = (value: unknown): boolean => {
    try {
      canonicalJson(value);
      return false;
    } catch {
      return true;
    }
  };
  const walk = (value: unknown, rest: string): string[] | undefined => {
    if (rest === '') return refused(value) ? [] : undefined;
    if (typeof value !== 'object' || value === null) return undefined;
    const withToJson = value as { toJSON?: () => unknown };
    // canonicalJson writes what toJSON returns at the object's own place
    const v = typeof withToJson.toJSON === 'function' ? withToJson.toJSON() : value;
    if (Array.isArray(v)) {
      const m = /^\[(0|[1-9][0-9]*)\]/.exec(rest);
      if (m === null) return undefined;
      const below = walk(v[Number(m[1])], rest.slice(m[0].length));
      return below === undefined ? undefined : [m[1]!, ...below];
    }
    if (typeof v !== 'object' || v === null) return undefined;
    // sorted, as canonicalJson meets them
    for (const k of Object.keys(v).sort()) {
      if (!rest.startsWith(`.${k}`)) continue;
      const below = walk((v as Record<string, unknown>)[k], rest.slice(k.length + 1));
      if (below !== undefined) return [k, ...below];
    }
    return undefined;
  };
  try {
    if (at.startsWith('$')) {
      const segments = walk(root, at.slice(1));
      if (segments !== undefined) return segments;
    }
  } catch {
    // a value that throws when read again: keep canonicalJson's own words below
  }
  return [at];
};

/**
 * The canonical content of an event that an idempotent retry must repeat exactly: type, data
 * and meta without the chain fields.
 *
 * @example
 * contentKeyOf({ type: 'T', data: {}, meta: { eventId: 'e', hash: 'x' } }) === contentKeyOf({ type: 'T', data: {}, meta: { eventId: 'e' } }); // true
 */
export const contentKeyOf = (event: NewEvent): string => {
  const { prevHash: _p, hash: _h, ...bare } = event.meta;
  return `${JSON.stringify(event.type)}|${canonicalJsonFast(event.data)}|${canonicalJsonFast(bare)}`;
};

/** {@link contentKeyOf} for an event already checked. */
export const checkedContentKey = (e: CheckedEvent): string => `${JSON.stringify(e.type)}|${e.dataJson}|${e.metaJson}`;

/** Where an event id already sits in a store: what an engine's lookup returns. */
export interface ExistingEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: bigint;
  /** {@link contentKeyOf} of the stored event */
  readonly contentKey: string;
}

/**
 * Decides whether an append repeats one already written (TigerBeetle: a retry is harmless, a
 * retry with different fields is an error). Returns the original result, marked `repeated`, for an exact retry
 * (the same ids, in this stream, at consecutive revisions, with the same content, where the
 * expected revision would have put them), undefined when none of the ids exist, and throws
 * `EVENT_ID_CONFLICT` for anything in between.
 *
 * @example
 * idempotentRetry(append, (id) => index.get(id)); // undefined: a new append
 */
export const idempotentRetry = (append: CheckedAppend, lookup: (eventId: string) => ExistingEvent | undefined): AppendResult | undefined => {
  const { streamId, events, expected } = append;
  if (events.length === 0) return undefined;
  const found = events.map((e) => lookup(e.eventId));
  if (found.every((f) => f === undefined)) return undefined;
  const first = found[0];
  for (let i = 0; i < events.length; i++) {
    const f = found[i];
    const e = events[i]!;
    const path = ['events', String(i), 'meta', 'eventId'];
    const details = { eventId: e.eventId, streamId };
    if (f === undefined || first === undefined) {
      throw storeError('EVENT_ID_CONFLICT', 'this append mixes events already written with new ones; a retry must repeat the original append exactly', path, details);
    }
    if (f.streamId !== streamId) {
      throw storeError('EVENT_ID_CONFLICT', `event id ${JSON.stringify(e.eventId)} is already used in stream ${JSON.stringify(f.streamId)}`, path, { ...details, existingStreamId: f.streamId });
    }
    if (f.revision !== first.revision + BigInt(i)) {
      throw storeError('EVENT_ID_CONFLICT', `event id ${JSON.stringify(e.eventId)} is already at revision ${f.revision}, not in the place this append would put it`, path, details);
    }
    if (f.contentKey !== checkedContentKey(e)) {
      throw storeError('EVENT_ID_CONFLICT', `event id ${JSON.stringify(e.eventId)} was already written with different content; a new fact needs a new id`, path, details);
    }
  }
  const start = first!.revision;
  if ((typeof expected === 'bigint' && expected !== start - 1n) || (expected === 'no-stream' && start !== 0n)) {
    throw storeError('EVENT_ID_CONFLICT', `event id ${JSON.stringify(events[0]!.eventId)} is already at revision ${start}, not after revision ${revisionText(expected)}`, ['events', '0', 'meta', 'eventId'], { eventId: events[0]!.eventId, streamId });
  }
  return { nextExpectedRevision: start + BigInt(events.length - 1), position: found[found.length - 1]!.position, repeated: true };
};

/**
 * Checks read options shared by `readStream` and `readAll`; throws `OPTIONS_INVALID`.
 *
 * @example
 * checkMax(100); // 100
 */
export const checkMax = (max: unknown): number => {
  if (max === undefined) return Number.POSITIVE_INFINITY;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 0) throw storeError('OPTIONS_INVALID', 'max must be a whole number, 0 or more', ['max']);
  return max;
};

// the largest revision or position any store can hold: SQLite's largest integer
const MAX_STORE_INTEGER = 2n ** 63n - 1n;

/**
 * Checks a non-negative bigint option (a revision or a position) of at most `max` (by default
 * 2n ** 63n - 1n, the largest any store can hold, so no engine's driver meets a number it cannot
 * bind); throws `OPTIONS_INVALID` at `[name]`.
 *
 * @example
 * checkBigint(5n, 'from', 0n); // 5n
 * checkBigint(2n ** 64n, 'from', 0n); // throws OPTIONS_INVALID at ['from']
 */
export const checkBigint = (value: unknown, name: string, fallback: bigint, max: bigint = MAX_STORE_INTEGER): bigint => {
  if (value === undefined) return fallback;
  if (typeof value !== 'bigint' || value < 0n || value > max) {
    const seen = typeof value === 'bigint' ? `${value}n` : describe(value);
    throw storeError('OPTIONS_INVALID', `${name} must be a bigint from 0n to ${max}n (like 3n), not ${seen}`, [name]);
  }
  return value;
};

const FILTER_KEYS: readonly string[] = ['streamPrefix', 'types'];

/**
 * Checks a filter: a plain object with only `streamPrefix` (a well-formed string) and `types`
 * (an array of well-formed strings); throws `OPTIONS_INVALID` at the field (`['filter', 'prefix']`
 * for a key it does not know). Returns a copy, so a caller changing its object later changes
 * nothing a read or a subscription has begun.
 *
 * @example
 * checkFilter({ streamPrefix: 'levy.account-c1.' });
 */
export const checkFilter = (filter: unknown): AllFilter | undefined => {
  if (filter === undefined) return undefined;
  if (!isJsonObject(filter)) throw storeError('OPTIONS_INVALID', `filter must be an object { streamPrefix?, types? }, not ${describe(filter)}`, ['filter']);
  refuseUnknownKeys(filter, FILTER_KEYS, 'a filter', ['filter']);
  const { streamPrefix, types } = filter;
  const out: { streamPrefix?: string; types?: readonly string[] } = {};
  if (streamPrefix !== undefined) {
    if (typeof streamPrefix !== 'string') throw storeError('OPTIONS_INVALID', 'filter.streamPrefix must be a string', ['filter', 'streamPrefix']);
    if (!isWellFormed(streamPrefix)) throw storeError('OPTIONS_INVALID', notWellFormed('filter.streamPrefix', streamPrefix), ['filter', 'streamPrefix']);
    if (streamPrefix.includes(NUL)) throw storeError('OPTIONS_INVALID', holdsNul('filter.streamPrefix', streamPrefix), ['filter', 'streamPrefix']);
    out.streamPrefix = streamPrefix;
  }
  if (types !== undefined) {
    if (!Array.isArray(types)) throw storeError('OPTIONS_INVALID', 'filter.types must be an array of event type strings', ['filter', 'types']);
    const copy = new Array<string>(types.length);
    for (let i = 0; i < types.length; i++) {
      const t: unknown = types[i];
      if (typeof t !== 'string') throw storeError('OPTIONS_INVALID', `filter.types must be an array of event type strings; item ${i} is ${t === undefined ? "undefined (a gap)" : describe(t)}`, ['filter', 'types', String(i)]);
      if (!isWellFormed(t)) throw storeError('OPTIONS_INVALID', notWellFormed(`filter.types item ${i}`, t), ['filter', 'types', String(i)]);
      copy[i] = t;
    }
    out.types = copy;
  }
  return out;
};

const READ_STREAM_OPTIONS: readonly string[] = ['from', 'max', 'direction'];
const READ_ALL_OPTIONS: readonly string[] = ['fromPosition', 'max', 'filter'];
const SUBSCRIBE_OPTIONS: readonly string[] = ['checkpoint', 'filter'];

/** {@link ReadStreamOptions} once checked by {@link checkReadStreamOptions}. */
export interface CheckedReadStreamOptions {
  /** the revision given, or undefined for the default (0n forwards, the last revision backwards) */
  readonly from: StreamRevision | undefined;
  /** Infinity when not given */
  readonly max: number;
  readonly backwards: boolean;
}

/**
 * Checks the options of `readStream`: only `from`, `max` and `direction`, each valid; throws
 * `OPTIONS_INVALID` at the field (`['dir']` for a key it does not know, `['options']` for
 * options that are not an object).
 *
 * @example
 * checkReadStreamOptions({ direction: 'backwards', max: 1 }); // { from: undefined, max: 1, backwards: true }
 */
export const checkReadStreamOptions = (options: unknown): CheckedReadStreamOptions => {
  const o = checkOptionNames(options, READ_STREAM_OPTIONS, 'readStream');
  const max = checkMax(o.max);
  const direction = o.direction;
  if (direction !== undefined && direction !== 'forwards' && direction !== 'backwards') {
    throw storeError('OPTIONS_INVALID', `direction must be 'forwards' or 'backwards', not ${typeof direction === 'string' ? JSON.stringify(direction) : describe(direction)}`, ['direction']);
  }
  const from = o.from === undefined ? undefined : checkBigint(o.from, 'from', 0n);
  return { from, max, backwards: direction === 'backwards' };
};

/** {@link ReadAllOptions} once checked by {@link checkReadAllOptions}. */
export interface CheckedReadAllOptions {
  readonly fromPosition: GlobalPosition;
  /** Infinity when not given */
  readonly max: number;
  readonly filter: AllFilter | undefined;
}

/**
 * Checks the options of `readAll`: only `fromPosition`, `max` and `filter`, each valid; throws
 * `OPTIONS_INVALID` at the field (`['from']` for a key it does not know, `['options']` for
 * options that are not an object).
 *
 * @example
 * checkReadAllOptions({ fromPosition: 3n }); // { fromPosition: 3n, max: Infinity, filter: undefined }
 */
export const checkReadAllOptions = (options: unknown): CheckedReadAllOptions => {
  const o = checkOptionNames(options, READ_ALL_OPTIONS, 'readAll');
  return { fromPosition: checkBigint(o.fromPosition, 'fromPosition', 0n), max: checkMax(o.max), filter: checkFilter(o.filter) };
};

/** {@link SubscribeOptions} once checked by {@link checkSubscribeOptions}. */
export interface CheckedSubscribeOptions {
  /** 0n when not given: the subscription starts at position 1 */
  readonly checkpoint: GlobalPosition;
  readonly filter: AllFilter | undefined;
}

/**
 * Checks the options of `subscribeToAll`: only `checkpoint` and `filter`, each valid; throws
 * `OPTIONS_INVALID` at the field (`['checkPoint']` for a key it does not know, `['options']` for
 * options that are not an object). {@link catchUpSubscription} calls it.
 *
 * @example
 * checkSubscribeOptions({ checkpoint: 41n }).checkpoint; // 41n
 */
export const checkSubscribeOptions = (options: unknown): CheckedSubscribeOptions => {
  const o = checkOptionNames(options, SUBSCRIBE_OPTIONS, 'subscribeToAll');
  // the subscription reads from checkpoint + 1n, which must still be a position a store can hold
  return { checkpoint: checkBigint(o.checkpoint, 'checkpoint', 0n, MAX_STORE_INTEGER - 1n), filter: checkFilter(o.filter) };
};

/**
 * Does an event pass a filter?
 *
 * @example
 * matchesFilter({ streamPrefix: 'levy.ticket-' }, 'levy.ticket-7', 'TicketOpened'); // true
 */
export const matchesFilter = (filter: AllFilter | undefined, streamId: string, type: string): boolean =>
  filter === undefined || ((filter.streamPrefix === undefined || streamId.startsWith(filter.streamPrefix)) && (filter.types === undefined || filter.types.includes(type)));

// ---------------------------------------------------------------------------------------------
// catch-up subscription, shared by the engines
// ---------------------------------------------------------------------------------------------

/** What an engine gives {@link catchUpSubscription}. */
export interface SubscriptionSource {
  /**
   * Up to `max` events at or after `fromPosition` that pass the filter, in position order, and
   * the highest position that existed when the read began (so a filtered subscription can skip
   * ahead past events it does not want).
   */
  readPage(fromPosition: bigint, max: number, filter: AllFilter | undefined): Promise<{ readonly events: readonly StoredEvent[]; readonly head: bigint }>;
  /** Calls `listener` after each commit in this process; returns the unsubscribe. */
  onAppend(listener: () => void): () => void;
  /** Also look again this often (appends from other processes); none when only this process writes. */
  readonly pollIntervalMs?: number;
  /** Is the store closed? A closed store ends its subscriptions. */
  isClosed(): boolean;
}

const SUBSCRIPTION_PAGE = 512;

/**
 * A catch-up subscription over an engine's {@link SubscriptionSource}: reads history after the
 * checkpoint page by page, then waits for appends and reads again. One consumer; ends when
 * closed, when the consumer leaves its loop, or when the store closes. Throws `OPTIONS_INVALID`
 * at once for options {@link checkSubscribeOptions} refuses.
 *
 * @example
 * const sub = catchUpSubscription(source, { checkpoint: 41n });
 * // project and saveCheckpoint are the consumer's own: apply the event, then store its position
 * for await (const e of sub) { project(e); await saveCheckpoint(e.position); }
 */
export const catchUpSubscription = (source: SubscriptionSource, options?: SubscribeOptions): Subscription => {
  const { checkpoint, filter } = checkSubscribeOptions(options);
  let next = checkpoint + 1n;
  let closed = false;
  let buffer: readonly StoredEvent[] = [];
  let index = 0;
  let wake: (() => void) | undefined;
  let dirty = true;
  const poke = (): void => {
    dirty = true;
    const w = wake;
    wake = undefined;
    w?.();
  };
  const unsubscribe = source.onAppend(poke);
  const timer = source.pollIntervalMs === undefined ? undefined : setInterval(poke, source.pollIntervalMs);
  timer?.unref?.();
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    unsubscribe();
    if (timer !== undefined) clearInterval(timer);
    poke();
  };
  const pull = async (): Promise<IteratorResult<StoredEvent>> => {
    for (;;) {
      if (closed || source.isClosed()) {
        await close();
        return { done: true, value: undefined };
      }
      if (index < buffer.length) {
        const e = buffer[index++]!;
        next = e.position + 1n;
        return { done: false, value: e };
      }
      if (dirty) {
        dirty = false;
        let page: Awaited<ReturnType<SubscriptionSource['readPage']>>;
        try {
          page = await source.readPage(next, SUBSCRIPTION_PAGE, filter);
        } catch (e) {
          await close(); // a failed read ends the subscription: for-await does not call return() on a rejection
          throw e;
        }
        buffer = page.events;
        index = 0;
        if (buffer.length > 0) {
          dirty = true; // there may be more behind this page
        } else if (page.head >= next) {
          next = page.head + 1n; // nothing wanted up to the head: skip the scan next time
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
  return {
    close,
    [Symbol.asyncIterator]: () => ({
      next: pull,
      return: async () => {
        await close();
        return { done: true, value: undefined };
      },
    }),
  };
};
