/**
 * The check of a log of stored events that a store is to take as its own (the in-memory store's
 * `seed`; internal to @levy/core, not exported from its index). Each event gets the checks of an
 * append (`checkAppend`: stream id, type, plain JSON data and meta, an event id, no lone
 * surrogate, the size limit) and of a read (a `meta.hash`), plus what a stored event adds: only
 * the fields a store keeps, positions that increase, revisions from 0n without gaps in each
 * stream, event ids used once, a hash chain the store would have sealed itself, and every head a
 * `PeriodClosed` sealed present with its hash (as `verifyChain` checks a whole log). The first
 * fault throws a {@link StoreError} naming it under `['seed', <index>, ...]`; nothing is taken.
 *
 * @example
 * const log = [];
 * for await (const e of other.readAll()) log.push(e);
 * checkSeed(log).length; // log.length, renumbered from position 1n
 * checkSeed([{ ...log[0], data: new Map() }]); // throws EVENT_INVALID at ['seed', '0', 'data']
 */
import { describe } from './decimal.js';
import { type ChainHead, checkLink, sealChecked, verifyChain } from './hash-chain.js';
import { type CheckedEvent, type StoredEvent, StoreError, checkAppend, storeError } from './store.js';
import { isInputObject } from './unknown-field.js';

// what a store keeps of an event: anything beside these would be dropped, so it is refused
const STORED_FIELDS: readonly string[] = ['streamId', 'revision', 'position', 'type', 'data', 'meta'];

const invalid = (message: string, path: readonly string[], details?: Readonly<Record<string, unknown>>): StoreError => storeError('EVENT_INVALID', message, path, details);

const bigintText = (v: unknown): string => (typeof v === 'bigint' ? `${v}n` : describe(v));

// the append checks of one event, their path moved from ['events', '0', ...] (or ['streamId']) to under the seed event
const appendChecked = (e: Readonly<Record<string, unknown>>, at: readonly string[], index: number): CheckedEvent => {
  try {
    return checkAppend(e.streamId, [{ type: e.type, data: e.data, meta: e.meta }], 'any').events[0]!;
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    const { path, message, details } = err.error;
    // the append check names the field inside the event (['events', '0', 'data', 'at']): keep what follows the index
    const where = path[0] === 'events' ? path.slice(2) : path;
    throw invalid(`seed event ${index}: ${message}`, [...at, ...where], details);
  }
};

/**
 * Checks a seed (see the module comment) and returns its events as the store would have written
 * them: data and meta through canonical JSON, positions renumbered from 1n in seed order. Throws
 * `EVENT_INVALID` (a malformed event, a field a store does not keep, a revision out of place, a
 * position that does not increase), `EVENT_ID_CONFLICT` (an event id used twice), `CHAIN_BROKEN`
 * (a `meta.prevHash` or `meta.hash` the store would not have sealed; `details.break` says which,
 * as `verifyChain` would) or `OPTIONS_INVALID` (a seed whose iteration fails), each at
 * `['seed', <index>, <field>...]`.
 *
 * @example
 * checkSeed([first, second]).map((e) => e.position); // [1n, 2n]
 * checkSeed([second]); // throws EVENT_INVALID at ['seed', '0', 'revision']: its stream starts at 0n
 */
export const checkSeed = (seed: Iterable<unknown>): StoredEvent[] => {
  let items: unknown[];
  try {
    items = Array.from(seed);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw storeError('OPTIONS_INVALID', `reading the seed failed: ${err instanceof Error ? err.message : describe(err)}`, ['seed']);
  }
  const heads = new Map<string, ChainHead>();
  const seen = new Map<string, number>(); // event id → index in the seed
  const out: StoredEvent[] = new Array<StoredEvent>(items.length);
  let lastPosition = 0n;
  for (let i = 0; i < items.length; i++) {
    const at = ['seed', String(i)];
    const e = items[i];
    if (!isInputObject(e)) throw invalid(`seed event ${i} must be a stored event { ${STORED_FIELDS.join(', ')} }, not ${describe(e)}`, at);
    for (const k in e) {
      if (!STORED_FIELDS.includes(k)) throw invalid(`seed event ${i} has a field ${JSON.stringify(k)}, which no store keeps; a stored event holds ${STORED_FIELDS.join(', ')}`, [...at, k]);
    }
    const checked = appendChecked(e, at, i);
    const streamId = e.streamId as string;
    const { revision, position } = e;
    const head = heads.get(streamId);
    const next = head === undefined ? 0n : head.revision + 1n;
    if (typeof revision !== 'bigint') throw invalid(`seed event ${i}: revision must be a bigint like ${next}n, not ${describe(revision)}`, [...at, 'revision']);
    // a stream's event at revision r sits at index r: revisions run from 0n, one by one, in seed order
    if (revision !== next) {
      const where = head === undefined ? 'its first event in the seed' : `after revision ${head.revision}n`;
      const message = `seed event ${i} is revision ${revision}n of stream ${JSON.stringify(streamId)}, ${where}, where ${next}n belongs: a stream's revisions run from 0n one by one, so events are missing, repeated or out of order`;
      throw invalid(message, [...at, 'revision'], { streamId, revision, expected: next });
    }
    if (typeof position !== 'bigint' || position < 1n) throw invalid(`seed event ${i}: position must be a bigint of 1n or more, not ${bigintText(position)}`, [...at, 'position']);
    // the seed is read in store order (readAll's): positions only grow; the store numbers them again from 1n
    if (position <= lastPosition) {
      throw invalid(`seed event ${i} is at position ${position}n, not after the ${lastPosition}n of the event before it: give the seed in the order readAll reads it`, [...at, 'position'], {
        position,
        previous: lastPosition,
      });
    }
    const before = seen.get(checked.eventId);
    if (before !== undefined) {
      const path = [...at, 'meta', 'eventId'];
      throw storeError('EVENT_ID_CONFLICT', `seed event ${i} has event id ${JSON.stringify(checked.eventId)}, which seed event ${before} already uses`, path, { eventId: checked.eventId, streamId, index: before });
    }
    // taken only as the store would have sealed it: the same prevHash and hash, from the same content at the same place
    const prevHash = head === undefined ? null : head.hash;
    const row = sealChecked(streamId, revision, prevHash, checked);
    const meta = e.meta as StoredEvent['meta'];
    if (meta.prevHash !== prevHash || meta.hash !== row.hash) {
      const broken = checkLink(head, e as unknown as StoredEvent) ?? { code: 'HASH_MISMATCH', reason: `event ${JSON.stringify(checked.eventId)} is not sealed as the store seals it` };
      const field = broken.code === 'PREV_HASH_MISMATCH' ? 'prevHash' : 'hash';
      throw storeError('CHAIN_BROKEN', `seed event ${i}: ${broken.reason}`, [...at, 'meta', field], { streamId, revision, eventId: checked.eventId, break: broken.code });
    }
    heads.set(streamId, { revision, hash: row.hash });
    seen.set(checked.eventId, i);
    lastPosition = position;
    out[i] = {
      streamId,
      revision,
      position: BigInt(i + 1),
      type: row.type,
      data: JSON.parse(row.dataJson) as StoredEvent['data'],
      meta: JSON.parse(row.sealedMetaJson) as StoredEvent['meta'],
    };
  }
  // every head a PeriodClosed sealed is in the seed with the hash it sealed, as verifyChain asks of a
  // log: the one removal the links cannot show is an account's last events after its close
  const sealed = verifyChain(out);
  if (!sealed.ok) {
    const index = out.indexOf(sealed.at);
    throw storeError('CHAIN_BROKEN', `seed event ${index}: ${sealed.reason}`, ['seed', String(index)], { streamId: sealed.at.streamId, revision: sealed.at.revision, eventId: sealed.at.meta.eventId, break: sealed.code });
  }
  return out;
};
