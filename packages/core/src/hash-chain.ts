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
import { canonicalJsonFast, checkAppend, type CheckedEvent, type EventMeta, type NewEvent, type StoredEvent } from './store.js';

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

/**
 * Seals one event: fills `meta.prevHash` and `meta.hash`. Throws a `StoreError`
 * (`EVENT_INVALID`) for an event that is not plain JSON.
 *
 * @example
 * sealEvent('levy.ticket-7', 1n, first.meta.hash, { type: 'TicketAssigned', data: { to: 'w-3' }, meta: { eventId: 't7-a' } });
 */
export const sealEvent = (streamId: string, revision: bigint, prevHash: string | null, event: NewEvent): SealedEvent => {
  // a stored event may be given (to recompute its hash): its place (stream, revision, position) is not what is sealed
  const checked = checkAppend(streamId, [{ type: event.type, data: event.data, meta: event.meta }], 'any').events[0]!;
  const row = sealChecked(streamId, revision, prevHash, checked);
  return { type: event.type, data: JSON.parse(row.dataJson) as SealedEvent['data'], meta: JSON.parse(row.sealedMetaJson) as SealedEvent['meta'] };
};

/** Why a chain broke. */
export type ChainBreak = 'HASH_MISSING' | 'HASH_MISMATCH' | 'PREV_HASH_MISMATCH' | 'REVISION_GAP';

/** The outcome of {@link verifyChain}. */
export type ChainVerdict =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly at: StoredEvent; readonly code: ChainBreak; readonly reason: string; readonly count: number };

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
  if (hashOf(event.streamId, event.revision, event) !== event.meta.hash) {
    return { code: 'HASH_MISMATCH', reason: `${where} does not match its hash: its type, data or metadata were changed after it was written` };
  }
  return undefined;
};

/**
 * Verifies the hash chains of a log (any mix of streams, each from revision 0, in order within
 * each stream) and reports the first event that breaks one.
 *
 * @example
 * const events = [];
 * for await (const e of store.readAll()) events.push(e);
 * const verdict = verifyChain(events);
 * if (!verdict.ok) console.log(verdict.at.position, verdict.reason);
 */
export const verifyChain = (events: Iterable<StoredEvent>): ChainVerdict => {
  const heads = new Map<string, ChainHead>();
  let count = 0;
  for (const event of events) {
    const broken = checkLink(heads.get(event.streamId), event);
    if (broken !== undefined) return { ok: false, at: event, code: broken.code, reason: broken.reason, count };
    heads.set(event.streamId, { revision: event.revision, hash: event.meta.hash! });
    count++;
  }
  return { ok: true, count };
};
