/**
 * The in-memory event store: the port's semantics with nothing durable underneath, for tests,
 * examples and embedding. Same checks, same hash chain, same errors as the SQLite store (both
 * pass `storeConformanceSuite` in `@levy/testkit`). Events are frozen copies made through JSON,
 * so what a caller reads back is what SQLite would give: plain JSON, keys in canonical order.
 *
 * @example
 * import { openMemoryEventStore } from '@levy/core';
 * const store = openMemoryEventStore();
 * const r = await store.appendToStream('levy.ticket-7', [{ type: 'TicketOpened', data: { unit: '101' }, meta: { eventId: 't7-open' } }]);
 * r.nextExpectedRevision; // 0n
 * r.position;             // 1n
 */
import {
  type AllFilter,
  type AppendResult,
  type EventStore,
  type ExistingEvent,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type Subscription,
  type SubscribeOptions,
  catchUpSubscription,
  checkAppend,
  checkAppendOptions,
  checkGuards,
  checkOptionNames,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkStreamId,
  concurrencyConflict,
  contentKeyOf,
  expectedRevisionHolds,
  idempotentRetry,
  isStoreError,
  matchesFilter,
  storeError,
} from './store.js';
import { sealChecked } from './hash-chain.js';
import { checkSeed } from './seed-check.js';
import { describe } from './decimal.js';

/** Options of {@link openMemoryEventStore}. */
export interface MemoryEventStoreOptions {
  /**
   * events to start with, as read from another store's `readAll` (they keep their chain fields;
   * positions are renumbered from 1). Checked as an append and a read would check them, and as a
   * stored log: see {@link openMemoryEventStore}.
   */
  readonly seed?: Iterable<StoredEvent>;
}

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};

/**
 * Opens an empty in-memory event store (or one holding `seed`). Options that are not an object,
 * a key other than `seed`, or a `seed` that is not iterable throw `OPTIONS_INVALID` at once. A
 * seed event is checked as an append checks an event (stream id, type, plain JSON data and meta,
 * event id) and as a stored one: only `streamId`, `revision`, `position`, `type`, `data` and
 * `meta`; positions that increase; each stream's revisions from 0n without a gap; event ids used
 * once; `meta.prevHash` and `meta.hash` as the store would have sealed them. The first fault
 * throws `EVENT_INVALID`, `EVENT_ID_CONFLICT` or `CHAIN_BROKEN` at `['seed', <index>, ...]`, and
 * no store is opened.
 *
 * @example
 * const store = openMemoryEventStore();
 * await store.close();
 * openMemoryEventStore({ seed: [{ ...stored, revision: 1n }] }); // throws EVENT_INVALID at ['seed', '0', 'revision']
 */
export const openMemoryEventStore = (options?: MemoryEventStoreOptions): EventStore => {
  const { seed } = checkOptionNames(options, ['seed'], 'the in-memory store') as MemoryEventStoreOptions;
  if (seed !== undefined && (typeof seed !== 'object' || seed === null || typeof (seed as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function')) {
    throw storeError('OPTIONS_INVALID', 'seed must be an iterable of stored events (an array read from another store)', ['seed']);
  }
  const all: StoredEvent[] = []; // position p sits at index p - 1
  const streams = new Map<string, StoredEvent[]>();
  const ids = new Map<string, StoredEvent>();
  const listeners = new Set<() => void>();
  let closed = false;

  const place = (event: StoredEvent): void => {
    all.push(event);
    let stream = streams.get(event.streamId);
    if (stream === undefined) streams.set(event.streamId, (stream = []));
    stream.push(event);
    ids.set(event.meta.eventId, event);
  };
  // all checked before any is placed: a bad seed opens no store
  if (seed !== undefined) for (const e of checkSeed(seed)) place(deepFreeze(e));

  const ensureOpen = (): void => {
    if (closed) throw storeError('STORE_CLOSED', 'the event store is closed');
  };
  const lookup = (eventId: string): ExistingEvent | undefined => {
    const e = ids.get(eventId);
    return e === undefined ? undefined : { streamId: e.streamId, revision: e.revision, position: e.position, contentKey: contentKeyOf(e) };
  };

  // synchronous, so an append is atomic: no reader can run between its first and last event
  const headOf = (id: string): bigint => {
    const stream = streams.get(id);
    return stream === undefined || stream.length === 0 ? -1n : stream[stream.length - 1]!.revision;
  };

  const append = (streamId: string, events: readonly NewEvent[], options: unknown): AppendResult => {
    ensureOpen();
    const { expectedRevision, guards } = checkAppendOptions(options);
    const checked = checkAppend(streamId, events, expectedRevision, guards);
    const retry = idempotentRetry(checked, lookup);
    if (retry !== undefined) return retry;
    const stream = streams.get(checked.streamId);
    const last = stream?.[stream.length - 1];
    const current = last === undefined ? -1n : last.revision;
    if (!expectedRevisionHolds(checked.expected, current)) throw concurrencyConflict(checked.streamId, checked.expected, last === undefined ? 'no-stream' : current);
    checkGuards(checked, headOf);
    if (checked.events.length === 0) return { nextExpectedRevision: current, position: last?.position ?? 0n };
    let prevHash = last === undefined ? null : (last.meta.hash ?? null);
    let revision = current;
    for (const e of checked.events) {
      revision += 1n;
      const row = sealChecked(checked.streamId, revision, prevHash, e);
      prevHash = row.hash;
      place(
        deepFreeze({
          streamId: checked.streamId,
          revision,
          position: BigInt(all.length + 1),
          type: row.type,
          data: JSON.parse(row.dataJson) as StoredEvent['data'],
          meta: JSON.parse(row.sealedMetaJson) as StoredEvent['meta'],
        }),
      );
    }
    for (const l of listeners) l();
    return { nextExpectedRevision: revision, position: BigInt(all.length) };
  };

  async function* readStream(streamId: string, options?: ReadStreamOptions): AsyncGenerator<StoredEvent> {
    ensureOpen();
    checkStreamId(streamId);
    const { max, backwards, from: given } = checkReadStreamOptions(options);
    const stream = streams.get(streamId);
    if (stream === undefined) throw storeError('STREAM_NOT_FOUND', `stream ${JSON.stringify(streamId)} has no events`, ['streamId'], { streamId });
    const from = given ?? (backwards ? BigInt(stream.length - 1) : 0n);
    let n = 0;
    if (backwards) {
      for (let i = Math.min(Number(from), stream.length - 1); i >= 0 && n < max; i--, n++) yield stream[i]!;
    } else {
      for (let i = Number(from); i < stream.length && n < max; i++, n++) yield stream[i]!;
    }
  }

  const page = (fromPosition: bigint, max: number, filter: AllFilter | undefined): StoredEvent[] => {
    const out: StoredEvent[] = [];
    for (let i = Math.max(0, Number(fromPosition) - 1); i < all.length && out.length < max; i++) {
      const e = all[i]!;
      if (matchesFilter(filter, e.streamId, e.type)) out.push(e);
    }
    return out;
  };

  async function* readAll(options?: ReadAllOptions): AsyncGenerator<StoredEvent> {
    ensureOpen();
    const { fromPosition, max, filter } = checkReadAllOptions(options);
    let n = 0;
    for (let i = Math.max(0, Number(fromPosition) - 1); i < all.length && n < max; i++) {
      const e = all[i]!;
      if (!matchesFilter(filter, e.streamId, e.type)) continue;
      n++;
      yield e;
    }
  }

  return {
    appendToStream: async (streamId, events, options) => {
      try {
        return append(streamId, events, options);
      } catch (e) {
        // stores reject only with a StoreError, as the SQLite store's appendToStream does
        if (isStoreError(e)) throw e;
        throw storeError('STORE_IO', `the in-memory store could not finish appending: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, [], { driverCode: null });
      }
    },
    supportsGuards: true,
    readStream,
    readAll,
    // the id index that finds retries, read: the event as readStream hands it out
    findEvent: async (eventId) => {
      ensureOpen();
      // worded as the SQLite store words it (engine.ts lists the shared helpers; this one is a line)
      if (typeof eventId !== 'string') throw storeError('OPTIONS_INVALID', `findEvent takes an event id string, not ${describe(eventId)}`, ['eventId']);
      return ids.get(eventId);
    },
    subscribeToAll: (options?: SubscribeOptions): Subscription => {
      ensureOpen();
      return catchUpSubscription(
        {
          readPage: async (from, max, filter) => ({ events: page(from, max, filter), head: BigInt(all.length) }),
          onAppend: (l) => {
            listeners.add(l);
            return () => listeners.delete(l);
          },
          isClosed: () => closed,
        },
        options,
      );
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const l of listeners) l();
      listeners.clear();
    },
  };
};
