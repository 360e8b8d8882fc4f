/**
 * The hash chain that makes a log tamper evident (DESIGN.md, principle 8). Each event's
 * `meta.prevHash` is the hash of the event before it in the same stream (`null` at revision 0)
 * and `meta.hash` is SHA-256 over the canonical JSON of
 * `{ stream, revision (a decimal string), type, data, meta (with prevHash, without hash) }`.
 * The store seals events inside the append; an auditor runs {@link verifyChain} offline on an
 * exported log with nothing but the log.
 *
 * @example
 * import { sealEvent, verifyChain } from '@levy/core';
 * const first = sealEvent('levy.ticket-7', 0n, null, { type: 'TicketOpened', data: {}, meta: { eventId: 't7-open' } });
 * first.meta.prevHash; // null
 * verifyChain([{ ...first, streamId: 'levy.ticket-7', revision: 0n, position: 1n }]); // { ok: true, count: 1 }
 */
import * as crypto from 'node:crypto';
import { sha256Hex } from './canonical-json.js';
import { describe } from './decimal.js';
import { LevyError, domainError } from './errors.js';
import { canonicalJsonFast, checkAppend, type CheckedEvent, type EventMeta, type NewEvent, type StoredEvent, StoreError, storeError } from './store.js';

/** An event with its chain fields filled, and the canonical JSON the stores write. */
export interface SealedEvent extends NewEvent {
  readonly meta: EventMeta & { readonly prevHash: string | null; readonly hash: string };
}

/** A checked event sealed at a revision: what an engine writes. */
export interface SealedRow {
  readonly eventId: string;
  readonly type: string;
  readonly dataJson: string;
  /** canonical meta with prevHash and hash */
  readonly sealedMetaJson: string;
  readonly hash: string;
}

// one-shot crypto.hash (node 20.12+) is about twice as fast as createHash for short inputs
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const sha256 = oneShot === undefined ? sha256Hex : (text: string): string => oneShot('sha256', text, 'hex');

// canonical JSON of the hashed envelope, composed from parts already canonical; keys in sorted
// order (data, meta, revision, stream, type) exactly as canonicalJson would write them
const envelope = (streamId: string, revision: bigint, type: string, dataJson: string, metaWithPrevJson: string): string =>
  `{"data":${dataJson},"meta":${metaWithPrevJson},"revision":${JSON.stringify(revision.toString())},"stream":${JSON.stringify(streamId)},"type":${JSON.stringify(type)}}`;

/**
 * Seals a checked event (see `checkAppend` in store.ts) at a revision. Engines use this in the
 * append transaction so every engine writes the same bytes and the same chain.
 *
 * @example
 * const [e] = checkAppend('s', [{ type: 'T', data: {}, meta: { eventId: 'e1' } }], 'any').events;
 * sealChecked('s', 0n, null, e!).hash.length; // 64
 */
export const sealChecked = (streamId: string, revision: bigint, prevHash: string | null, event: CheckedEvent): SealedRow => {
  const prevEntry = `"prevHash":${prevHash === null ? 'null' : JSON.stringify(prevHash)}`;
  const metaWithPrev = withEntry(event.metaKeys, event.metaEntries, prevEntry, undefined);
  const hash = sha256(envelope(streamId, revision, event.type, event.dataJson, metaWithPrev));
  return { eventId: event.eventId, type: event.type, dataJson: event.dataJson, sealedMetaJson: withEntry(event.metaKeys, event.metaEntries, prevEntry, `"hash":"${hash}"`), hash };
};

// canonical meta with "prevHash" (and "hash") slotted in where sorting puts them; both sort by
// UTF-16 code units, as Array#sort and canonicalJson do
const withEntry = (keys: readonly string[], entries: readonly string[], prevEntry: string, hashEntry: string | undefined): string => {
  const parts: string[] = [];
  let prevDone = false;
  let hashDone = hashEntry === undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (!hashDone && k > 'hash') {
      parts.push(hashEntry!);
      hashDone = true;
    }
    if (!prevDone && k > 'prevHash') {
      parts.push(prevEntry);
      prevDone = true;
    }
    parts.push(entries[i]!);
  }
  if (!hashDone) parts.push(hashEntry!);
  if (!prevDone) parts.push(prevEntry);
  return `{${parts.join(',')}}`;
};

/**
 * The hash an event at this place in this stream must carry.
 *
 * @example
 * hashOf('s', 0n, { type: 'T', data: {}, meta: { eventId: 'e1', prevHash: null } }).length; // 64
 */
export const hashOf = (streamId: string, revision: bigint, event: NewEvent): string => {
  const { hash: _h, ...meta } = event.meta;
  return sha256(canonicalJsonFast({ stream: streamId, revision: revision.toString(), type: event.type, data: event.data, meta }));
};

// the largest revision a store holds (SQLite's largest integer), as store.ts checks revisions
const MAX_SEAL_REVISION = 2n ** 63n - 1n;
const HASH_TEXT = /^[0-9a-f]{64}$/;

/**
 * Seals one event: fills `meta.prevHash` and `meta.hash`. It is a public helper (an auditor or a
 * test builds a chain with it), so it checks what it is given as an append does. Throws a
 * `StoreError`: `EVENT_INVALID` for an event that is not plain JSON, naming the field inside it
 * (`['data', 'lines', '0']`, `['meta', 'eventId']`, `['type']`), for a revision that is not a
 * bigint from 0n to 2n ** 63n - 1n (`['revision']`: the number 0 is not 0n) and for a `prevHash`
 * that is neither null nor 64 lowercase hex digits (`['prevHash']`); `OPTIONS_INVALID` for a
 * stream id that is not one (`['streamId']`). Whether the revision and prevHash fit the chain
 * before them is {@link verifyChain}'s to say.
 *
 * @example
 * sealEvent('levy.ticket-7', 1n, first.meta.hash, { type: 'TicketAssigned', data: { to: 'w-3' }, meta: { eventId: 't7-a' } });
 * sealEvent('levy.ticket-7', 1n, 'nothex', event); // throws EVENT_INVALID at ['prevHash']
 */
export const sealEvent = (streamId: string, revision: bigint, prevHash: string | null, event: NewEvent): SealedEvent => {
  if (typeof revision !== 'bigint' || revision < 0n || revision > MAX_SEAL_REVISION) {
    throw storeError('EVENT_INVALID', `the revision to seal at must be a bigint from 0n to ${MAX_SEAL_REVISION}n, not ${typeof revision === 'bigint' ? `${revision}n` : describe(revision)}`, ['revision'], { input: describe(revision) });
  }
  if (prevHash !== null && (typeof prevHash !== 'string' || !HASH_TEXT.test(prevHash))) {
    throw storeError('EVENT_INVALID', `prevHash must be null (at the start of a stream) or the previous event's hash, 64 lowercase hex digits, not ${describe(prevHash)}`, ['prevHash'], { input: describe(prevHash) });
  }
  const checked = checkOne(streamId, event);
  const row = sealChecked(streamId, revision, prevHash, checked);
  return { type: event.type, data: JSON.parse(row.dataJson) as SealedEvent['data'], meta: JSON.parse(row.sealedMetaJson) as SealedEvent['meta'] };
};

// an append's checks of the one event; the event is given alone, so a refusal's path starts inside it
// (['data', 'n'], not ['events', '0', 'data', 'n'])
const checkOne = (streamId: string, event: NewEvent): CheckedEvent => {
  if (!isObject(event)) throw storeError('EVENT_INVALID', `the event to seal must be an object { type, data, meta }, not ${describe(event)}`, [], { input: describe(event) });
  try {
    // a stored event may be given (to recompute its hash): its place (stream, revision, position) is not what is sealed
    return checkAppend(streamId, [{ type: event.type, data: event.data, meta: event.meta }], 'any').events[0]!;
  } catch (err) {
    if (!(err instanceof StoreError) || err.error.path[0] !== 'events') throw err;
    throw new StoreError({ ...err.error, path: err.error.path.slice(2) });
  }
};

/**
 * Why a chain broke. The first four are a stream's own chain; the last two a `PeriodClosed`'s
 * sealed heads ({@link verifyChain}): a head names an event the log does not hold
 * (`SEALED_HEAD_MISSING`: events the close sealed were removed), or holds with another hash
 * (`SEALED_HEAD_MISMATCH`).
 */
export type ChainBreak = 'HASH_MISSING' | 'HASH_MISMATCH' | 'PREV_HASH_MISMATCH' | 'REVISION_GAP' | 'SEALED_HEAD_MISSING' | 'SEALED_HEAD_MISMATCH';

/**
 * An event as {@link verifyChain} reads it: a `StoredEvent` as a store reads it (`streamId`) or a
 * line as `parseJsonLines` reads it (`stream`), with its revision as a bigint.
 */
export type ChainedEvent = { readonly type: string; readonly data: object; readonly meta: object; readonly revision: bigint } & (
  | { readonly streamId: string }
  | { readonly stream: string }
);

/** The outcome of {@link verifyChain}: `at` is the event that breaks a chain, or the close whose sealed head does not hold. */
export type ChainVerdict<T = StoredEvent> =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly at: T; readonly code: ChainBreak; readonly reason: string; readonly count: number };

/** The state of one stream's chain while a log is walked. */
export interface ChainHead {
  readonly revision: bigint;
  readonly hash: string;
}

/**
 * Checks one event against the head of its stream's chain (undefined: nothing seen yet, so it
 * must be revision 0). Returns the break, or undefined when the event extends the chain.
 *
 * @example
 * checkLink(undefined, storedFirst); // undefined
 */
export const checkLink = (head: ChainHead | undefined, event: StoredEvent): { readonly code: ChainBreak; readonly reason: string } | undefined => {
  const where = `event ${JSON.stringify(event.meta.eventId)} at revision ${event.revision} of ${JSON.stringify(event.streamId)}`;
  const expectedRevision = head === undefined ? 0n : head.revision + 1n;
  if (event.revision !== expectedRevision) return { code: 'REVISION_GAP', reason: `${where} follows revision ${expectedRevision - 1n}: events are missing or out of order` };
  const expectedPrev = head === undefined ? null : head.hash;
  if ((event.meta.prevHash ?? null) !== expectedPrev || (head === undefined && event.meta.prevHash === undefined)) {
    return { code: 'PREV_HASH_MISMATCH', reason: `${where} does not point at the hash of the event before it` };
  }
  return checkOwnHash(event);
};

/**
 * Checks that an event's `meta.hash` matches its content and place.
 *
 * @example
 * checkOwnHash(storedFirst); // undefined
 */
export const checkOwnHash = (event: StoredEvent): { readonly code: ChainBreak; readonly reason: string } | undefined => {
  const where = `event ${JSON.stringify(event.meta.eventId)} at revision ${event.revision} of ${JSON.stringify(event.streamId)}`;
  if (typeof event.meta.hash !== 'string') return { code: 'HASH_MISSING', reason: `${where} carries no hash` };
  let hash: string;
  try {
    hash = hashOf(event.streamId, event.revision, event);
  } catch (e) {
    // a float or an unsafe integer (an edited number) has no canonical form: no store wrote it
    if (!(e instanceof LevyError)) throw e;
    return { code: 'HASH_MISMATCH', reason: `${where} holds content no store writes (${e.error.message}): its data or metadata were changed after it was written` };
  }
  if (hash !== event.meta.hash) {
    return { code: 'HASH_MISMATCH', reason: `${where} does not match its hash: its type, data or metadata were changed after it was written` };
  }
  return undefined;
};

/** Options of {@link verifyChain}. */
export interface VerifyChainOptions {
  /**
   * check that each `PeriodClosed` head (stream, revision, hash) is in the log with that hash;
   * default true. Pass false to verify only some streams of a log (the heads name the others).
   */
  readonly seals?: boolean;
}

// a head a close sealed, waiting for its event (or checked in a second pass)
interface Seal<T> {
  readonly hash: string;
  readonly close: T;
}

const REVISION_TEXT = /^(0|[1-9][0-9]{0,18})$/;
const isObject = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** The stream an event is placed in, or a `CHAIN_INPUT_INVALID` LevyError for an input verifyChain cannot read as an event. */
const streamOf = (event: unknown, index: number): string => {
  const refuse = (field: string | null, message: string): never => {
    throw new LevyError(domainError('CHAIN_INPUT_INVALID', `event ${index} ${message}; nothing was verified`, field === null ? ['events', String(index)] : ['events', String(index), field], { index }));
  };
  if (!isObject(event)) return refuse(null, 'is not an event object');
  const { streamId, stream } = event;
  if (streamId !== undefined && stream !== undefined && streamId !== stream) refuse('stream', `names two streams (streamId ${JSON.stringify(streamId)}, stream ${JSON.stringify(stream)})`);
  const id = streamId ?? stream;
  if (typeof id !== 'string' || id.length === 0) refuse('streamId', 'has no stream: give streamId (as a store reads events) or stream (as parseJsonLines reads lines)');
  if (typeof event.revision !== 'bigint') refuse('revision', `has revision ${JSON.stringify(event.revision) ?? String(event.revision)}, not a bigint (parseJsonLines reads "7" as 7n)`);
  if (typeof event.type !== 'string') refuse('type', 'has no type');
  if (!isObject(event.data)) refuse('data', 'has no data object');
  if (!isObject(event.meta)) refuse('meta', 'has no meta object');
  return id as string;
};

const describeSeal = (close: { readonly meta: object }, streamId: string, revision: bigint): string =>
  `the PeriodClosed ${JSON.stringify((close.meta as { eventId?: unknown }).eventId)} sealed ${JSON.stringify(streamId)} at revision ${revision}`;

/**
 * Verifies the hash chains of a log (any mix of streams, each from revision 0, in order within
 * each stream) and reports the first event that breaks one. It reads events as a store gives them
 * (`streamId`) or as `parseJsonLines` gives them (`stream`); an input it cannot read as an event
 * (no stream, a revision that is not a bigint, no meta) throws a `LevyError`
 * `CHAIN_INPUT_INVALID` at `['events', '<index>', field]` rather than calling the log tampered,
 * and a log that is not an iterable of events at all (null, a number, a string) the same at `[]`.
 *
 * Each `PeriodClosed` of a community stream seals the heads of its account streams: unless
 * `options.seals` is false, every head must be in the log with the hash the close sealed, so an
 * event removed from the end of a stream, where no later link points at it, is found
 * (`SEALED_HEAD_MISSING`, `SEALED_HEAD_MISMATCH`, `at` the close). Give it the whole log. An
 * iterator, which can be walked once (a generator), is read into an array; an iterable that starts
 * a new walk each time it is iterated (an array, a Set, an engine's pages over its file) is walked
 * without being held, and walked a second time only to look up a head whose event came before its
 * close while the stream had already moved on.
 *
 * An event whose data or meta holds what no store writes (a float, an unsafe integer) is
 * `HASH_MISMATCH`, like any other edit, not an exception.
 *
 * @example
 * const events = [];
 * for await (const e of store.readAll()) events.push(e);
 * const verdict = verifyChain(events);
 * if (!verdict.ok) console.log(verdict.at.position, verdict.reason);
 * // or on an export: the lines as written
 * const lines = parseJsonLines(text);
 * if (lines._tag === 'Right') verifyChain(lines.right); // { ok: true, count } or the first break
 */
export const verifyChain = <T extends ChainedEvent = StoredEvent>(events: Iterable<T>, options: VerifyChainOptions = {}): ChainVerdict<T> => {
  // a string is iterable too, by character: none of them is an event
  if (typeof events === 'string' || typeof (events as Partial<Iterable<T>> | null | undefined)?.[Symbol.iterator] !== 'function') {
    throw new LevyError(domainError('CHAIN_INPUT_INVALID', `verifyChain reads a log: an array or another iterable of events, not ${describe(events)}; nothing was verified`, [], { input: describe(events) }));
  }
  if (!isObject(options)) throw new LevyError(domainError('OPTIONS_INVALID', `verifyChain takes its options as an object such as { seals: false }, not ${describe(options)}`, ['options']));
  for (const key of Object.keys(options)) if (key !== 'seals') throw new LevyError(domainError('OPTIONS_UNKNOWN_FIELD', `verifyChain takes no ${JSON.stringify(key)} in its options; it takes seals`, [key], { input: key }));
  if (options.seals !== undefined && typeof options.seals !== 'boolean') throw new LevyError(domainError('OPTIONS_INVALID', `seals must be true or false, not ${describe(options.seals)}`, ['seals']));
  const seals = options.seals !== false;
  // an iterator can be walked once, so it is read into an array; an iterable that starts a new
  // walk each time (an array, a Set, an engine's pages over its file) is walked without being held
  const first = events[Symbol.iterator]();
  const oneShot = (first as unknown) === events;
  const log: Iterable<T> = oneShot ? [...events] : events;
  const walk: Iterator<T> = oneShot ? log[Symbol.iterator]() : first;
  const heads = new Map<string, ChainHead>();
  // heads sealed before their event was met, by stream then revision; and those met before their close
  const ahead = new Map<string, Map<bigint, Seal<T>[]>>();
  const behind = new Map<string, Map<bigint, Seal<T>[]>>();
  const add = (to: Map<string, Map<bigint, Seal<T>[]>>, streamId: string, revision: bigint, seal: Seal<T>): void => {
    let byRevision = to.get(streamId);
    if (byRevision === undefined) to.set(streamId, (byRevision = new Map()));
    const list = byRevision.get(revision);
    if (list === undefined) byRevision.set(revision, [seal]);
    else list.push(seal);
  };
  let count = 0;
  for (let i = 0, step = walk.next(); step.done !== true; i++, step = walk.next()) {
    const event = step.value;
    const streamId = streamOf(event, i);
    const stored = ('streamId' in event ? event : { ...event, streamId }) as unknown as StoredEvent;
    const broken = checkLink(heads.get(streamId), stored);
    if (broken !== undefined) return { ok: false, at: event, code: broken.code, reason: broken.reason, count };
    const hash = stored.meta.hash!;
    heads.set(streamId, { revision: event.revision, hash });
    if (ahead.size > 0) {
      const waiting = ahead.get(streamId)?.get(event.revision);
      if (waiting !== undefined) {
        ahead.get(streamId)!.delete(event.revision);
        if (ahead.get(streamId)!.size === 0) ahead.delete(streamId);
        for (const s of waiting) if (s.hash !== hash) return mismatch(s, streamId, event.revision, count);
      }
    }
    count++;
    if (!seals || event.type !== 'PeriodClosed' || !streamId.startsWith('levy.community-')) continue;
    const sealed = (event.data as { heads?: unknown }).heads;
    if (!Array.isArray(sealed)) return { ok: false, at: event, code: 'SEALED_HEAD_MISMATCH', reason: `the PeriodClosed ${JSON.stringify(stored.meta.eventId)} holds no list of heads`, count };
    for (let k = 0; k < sealed.length; k++) {
      const h: unknown = sealed[k];
      if (!isObject(h) || typeof h.streamId !== 'string' || typeof h.revision !== 'string' || !REVISION_TEXT.test(h.revision) || typeof h.hash !== 'string') {
        return { ok: false, at: event, code: 'SEALED_HEAD_MISMATCH', reason: `head ${k} of the PeriodClosed ${JSON.stringify(stored.meta.eventId)} is not { streamId, revision (a decimal string), hash }`, count };
      }
      const revision = BigInt(h.revision);
      const seal = { hash: h.hash, close: event };
      const now = heads.get(h.streamId);
      if (now !== undefined && now.revision === revision) {
        if (now.hash !== h.hash) return mismatch(seal, h.streamId, revision, count);
      } else add(now === undefined || now.revision < revision ? ahead : behind, h.streamId, revision, seal);
    }
  }
  for (const [streamId, byRevision] of ahead) {
    for (const [revision, waiting] of byRevision) {
      const head = heads.get(streamId);
      const holds = head === undefined ? 'holds no event of that stream' : `holds its revisions 0 to ${head.revision} only`;
      return { ok: false, at: waiting[0]!.close, code: 'SEALED_HEAD_MISSING', reason: `${describeSeal(waiting[0]!.close, streamId, revision)}, but the log ${holds}: events the close sealed were removed`, count };
    }
  }
  // heads whose event came before their close, after which the stream moved on: look them up
  if (behind.size > 0) {
    for (const event of log) {
      const streamId = 'streamId' in event ? event.streamId : event.stream;
      const waiting = behind.get(streamId)?.get(event.revision);
      if (waiting === undefined) continue;
      const hash = (event.meta as { hash?: string }).hash;
      for (const s of waiting) if (s.hash !== hash) return mismatch(s, streamId, event.revision, count);
    }
  }
  return { ok: true, count };
};

const mismatch = <T extends ChainedEvent>(seal: Seal<T>, streamId: string, revision: bigint, count: number): ChainVerdict<T> => ({
  ok: false,
  at: seal.close,
  code: 'SEALED_HEAD_MISMATCH',
  reason: `${describeSeal(seal.close, streamId, revision)} with hash ${seal.hash.slice(0, 12)}…, but the log holds another event there: the sealed event was replaced`,
  count,
});
