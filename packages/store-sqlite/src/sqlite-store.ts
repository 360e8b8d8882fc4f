/**
 * The durable event store on one SQLite file (better-sqlite3): WAL, `synchronous = FULL` by
 * default so an acknowledged append survives a power cut (DESIGN.md, durability), and group
 * commit for throughput: appends that arrive while a transaction is being written wait for the
 * next one, which commits them all with one fsync. Each append runs in its own SAVEPOINT with
 * its own expected-revision check and its own result; one conflict fails no other.
 *
 * @example
 * import { openSqliteEventStore } from '@levy/store-sqlite';
 * const store = await openSqliteEventStore('levy.db');
 * await store.appendToStream('levy.account-c1.101', [
 *   { type: 'ChargeIssued', data: { amount: '250.60' }, meta: { eventId: 'charge-2025-11-101' } },
 * ], { expectedRevision: 'no-stream' });
 * await store.close();
 */
import type Database from 'better-sqlite3';
import {
  type AllFilter,
  type AppendResult,
  type ChainVerdict,
  type DomainError,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type StoreError,
  type SubscribeOptions,
  type Subscription,
  describe,
  isStoreError,
} from '@levy/core';
import {
  type ChainHead,
  type CheckedAppend,
  type CheckedReadStreamOptions,
  type ExistingEvent,
  catchUpSubscription,
  checkAppend,
  checkAppendOptions,
  checkGuards,
  checkLink,
  checkOptionNames,
  checkOwnHash,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkStreamId,
  concurrencyConflict,
  contentKeyOf,
  expectedRevisionHolds,
  idempotentRetry,
  sealChecked,
  storeError,
} from '@levy/core/engine';
import { driverError, isBusy, isEventIdTaken } from './driver-error.js';
import { SCHEMA_VERSION, openLevyDatabase } from './schema.js';

/** Options of {@link openSqliteEventStore}. */
export interface SqliteEventStoreOptions {
  /**
   * `FULL` (default): every commit is fsynced; an acknowledged append survives a power cut.
   * `NORMAL`: in WAL mode the last commits before a power cut (not a process crash) may be lost,
   * though the file stays consistent. Use it only for data you can rebuild.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** how long one statement waits for another process's lock before retrying; default 5,000 ms */
  readonly busyTimeoutMs?: number;
  /** whole-transaction retries after a lock timeout before rejecting with `STORE_BUSY`; default 5 */
  readonly busyRetries?: number;
  /** check each event's hash and its link to the one before while reading; a break rejects with `CHAIN_BROKEN` */
  readonly verifyOnRead?: boolean;
  /**
   * Hook for the full event codec (io-ts, from core's codecs) applied to every event read, after
   * the store's own structural check. A Left rejects the read with `EVENT_INVALID` (its code in
   * `details.code`); so does a hook that throws, returns something that is not an Either, a Left
   * that is not a DomainError, or a Right that is not the stored event (the same stream,
   * revision and position), each naming the event.
   */
  readonly decodeEvent?: (event: StoredEvent) => DecodedEvent;
  /** subscriptions look for other processes' appends this often; default 200 ms */
  readonly pollIntervalMs?: number;
  /** appends committed together at most; default 1,000 */
  readonly maxAppendsPerCommit?: number;
  /** rows fetched per query while reading; default 1,000 */
  readonly readPageSize?: number;
  /**
   * Decoded events kept in memory for forward stream reads (least recently read streams go
   * first); default 50,000, 0 turns it off. A read still asks the file for the stream's head and
   * loads only what is new, so appends by other processes are seen. Events served from it are
   * frozen and were verified (with `verifyOnRead`) when loaded.
   */
  readonly streamCacheEvents?: number;
}

/**
 * What the codec hook returns: an fp-ts `Either<DomainError, StoredEvent>` (structurally, so this
 * package needs no fp-ts). A Left may also hold a non-empty array of DomainErrors, as core's
 * `decodeEvent` gives; the first is reported.
 */
export type DecodedEvent = { readonly _tag: 'Left'; readonly left: DomainError | readonly DomainError[] } | { readonly _tag: 'Right'; readonly right: StoredEvent };

/** The SQLite store: the port, plus a few things only a file has. */
export interface SqliteEventStore extends EventStore {
  readonly path: string;
  readonly schemaVersion: number;
  /** Walks every stream's hash chain in the file and reports the first break. */
  verify(): Promise<ChainVerdict>;
  /** Counts since open: transactions committed and appends they carried (appends / commits is the group-commit factor). */
  stats(): { readonly commits: number; readonly appends: number };
}

type Row = [position: bigint, streamId: string, revision: bigint, type: string, data: string, meta: string];

interface Pending {
  readonly append: CheckedAppend;
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: StoreError) => void;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// the store's own structural check of a stored row: what "validated" means without the codec
const toEvent = (r: Row): StoredEvent => {
  let data: unknown;
  let meta: unknown;
  try {
    data = JSON.parse(r[4]);
    meta = JSON.parse(r[5]);
  } catch {
    data = undefined;
  }
  if (!isPlainObject(data) || !isPlainObject(meta) || typeof meta.eventId !== 'string' || typeof meta.hash !== 'string') {
    throw storeError('EVENT_INVALID', `the stored event at position ${r[0]} is not a Levy event (data and meta must be objects, meta must carry eventId and hash)`, ['position'], { position: r[0] });
  }
  return { streamId: r[1], revision: r[2], position: r[0], type: r[3], data, meta: meta as StoredEvent['meta'] };
};

const chainBroken = (event: StoredEvent, code: string, reason: string): StoreError =>
  storeError('CHAIN_BROKEN', reason, ['meta', 'hash'], { streamId: event.streamId, revision: event.revision, position: event.position, eventId: event.meta.eventId, break: code });

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const OPTION_NAMES: readonly string[] = [
  'synchronous',
  'busyTimeoutMs',
  'busyRetries',
  'verifyOnRead',
  'decodeEvent',
  'pollIntervalMs',
  'maxAppendsPerCommit',
  'readPageSize',
  'streamCacheEvents',
];

// for a message: 'null', 'an array', 'a string'

// a DomainError as a codec's Left carries it: a code, a message and a path of strings
const isDomainError = (v: unknown): v is DomainError =>
  isPlainObject(v) && typeof v.code === 'string' && typeof v.message === 'string' && Array.isArray(v.path) && v.path.every((p) => typeof p === 'string');

// what a codec's Right must still be: the event read, at the same place, with what reads rely on
const isSameStoredEvent = (v: unknown, e: StoredEvent): v is StoredEvent =>
  v === e ||
  (isPlainObject(v) &&
    v.streamId === e.streamId &&
    v.revision === e.revision &&
    v.position === e.position &&
    typeof v.type === 'string' &&
    isPlainObject(v.data) &&
    isPlainObject(v.meta) &&
    typeof v.meta.eventId === 'string' &&
    typeof v.meta.hash === 'string');

// the decode hook's verdict on one event; every way a hook can fail is EVENT_INVALID naming the event
// EVENT_INVALID naming the stored event `e` and why (made only on a failure: reads decode every event)
const undecodable = (e: StoredEvent, reason: string, path: readonly string[] = [], more: Readonly<Record<string, unknown>> = {}): StoreError =>
  storeError(
    'EVENT_INVALID',
    `the stored event at position ${e.position} (${JSON.stringify(e.meta.eventId)}, revision ${e.revision} of stream ${JSON.stringify(e.streamId)}) ${reason}`,
    ['position', ...path],
    { position: e.position, streamId: e.streamId, revision: e.revision, eventId: e.meta.eventId, ...more },
  );

const decodeWith = (hook: (event: StoredEvent) => DecodedEvent, e: StoredEvent): StoredEvent => {
  let d: unknown;
  try {
    d = hook(e);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw undecodable(e, `could not be decoded: the decodeEvent hook threw ${err instanceof Error ? err.name : describe(err)}: ${message}`, [], { thrown: message });
  }
  if (isPlainObject(d) && d._tag === 'Right') {
    if (isSameStoredEvent(d.right, e)) return d.right;
    throw undecodable(e, 'came back from the decodeEvent hook as a Right that is not that stored event (a Right must hold it, at the same stream, revision and position, with its type, data and meta)');
  }
  if (isPlainObject(d) && d._tag === 'Left') {
    const left: unknown = Array.isArray(d.left) ? d.left[0] : d.left;
    if (isDomainError(left)) throw undecodable(e, `does not decode: ${left.message}`, left.path, { code: left.code });
    throw undecodable(e, `was refused by the decodeEvent hook with a Left that is not a DomainError { code, message, path }: ${describe(left)}`);
  }
  throw undecodable(e, `could not be decoded: the decodeEvent hook returned ${describe(d)}, not an Either ({ _tag: 'Right', right } or { _tag: 'Left', left })`);
};

// a whole number in [min, max], or the default when not given
const wholeOption = <K extends keyof SqliteEventStoreOptions>(options: SqliteEventStoreOptions, name: K, fallback: number, min: number, max: number): number => {
  const value = options[name] as unknown;
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw storeError('OPTIONS_INVALID', `${name} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, not ${typeof value === 'number' ? String(value) : typeof value}`, [name]);
  }
  return value;
};

/**
 * Opens (or creates) the Levy event store in an SQLite file. Refuses a file that is not a Levy
 * store (`STORE_NOT_LEVY`) or was written by a newer Levy (`STORE_SCHEMA_TOO_NEW`) without
 * writing to it; migrates an older Levy file.
 *
 * @example
 * const store = await openSqliteEventStore('/var/lib/levy/levy.db', { verifyOnRead: true });
 */
export const openSqliteEventStore = async (path: string, opts?: SqliteEventStoreOptions): Promise<SqliteEventStore> => {
  // an empty path is SQLite's private temporary file, deleted on close: an unset setting, not a store
  if (typeof path !== 'string' || path.length === 0) {
    throw storeError('OPTIONS_INVALID', `the store needs a file path, or ':memory:' for a store in memory; not ${path === '' ? 'an empty string' : typeof path}`, ['path']);
  }
  // a misspelt option (`synchronus`) would otherwise be ignored without a word
  const options = checkOptionNames(opts, OPTION_NAMES, 'the SQLite store') as SqliteEventStoreOptions;
  const synchronous = options.synchronous ?? 'FULL';
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw storeError('OPTIONS_INVALID', "synchronous must be 'FULL' or 'NORMAL'", ['synchronous']);
  const busyTimeoutMs = wholeOption(options, 'busyTimeoutMs', 5000, 0, 3_600_000);
  const busyRetries = wholeOption(options, 'busyRetries', 5, 0, 1000);
  const pageSize = wholeOption(options, 'readPageSize', 1000, 1, 1_000_000);
  const maxAppendsPerCommit = wholeOption(options, 'maxAppendsPerCommit', 1000, 1, 100_000);
  const maxEventsPerCommit = 50_000;
  if (options.verifyOnRead !== undefined && typeof options.verifyOnRead !== 'boolean') throw storeError('OPTIONS_INVALID', 'verifyOnRead must be true or false', ['verifyOnRead']);
  const verifyOnRead = options.verifyOnRead ?? false;
  const cacheLimit = wholeOption(options, 'streamCacheEvents', 50_000, 0, 100_000_000);
  const pollIntervalMs = wholeOption(options, 'pollIntervalMs', 200, 1, 3_600_000);
  if (options.decodeEvent !== undefined && typeof options.decodeEvent !== 'function') throw storeError('OPTIONS_INVALID', 'decodeEvent must be a function', ['decodeEvent']);
  const decodeEvent = options.decodeEvent;

  let db: Database.Database | undefined;
  for (let attempt = 0; db === undefined; attempt++) {
    try {
      db = openLevyDatabase(path, { synchronous, busyTimeoutMs });
    } catch (e) {
      if (!isStoreError(e, 'STORE_BUSY') || attempt >= busyRetries) throw e;
      await sleep(20 * (attempt + 1));
    }
  }
  const conn = db;

  const guard = <T>(doing: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw driverError(e, doing);
    }
  };

  const stmt = guard('preparing statements', () => ({
    head: conn.prepare('SELECT revision, hash, position FROM levy_events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1').raw(),
    insert: conn.prepare('INSERT INTO levy_events (stream_id, revision, event_id, type, data, meta, hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    byId: conn.prepare('SELECT stream_id, revision, position, type, data, meta FROM levy_events WHERE event_id = ?').raw(),
    hashAt: conn.prepare('SELECT hash FROM levy_events WHERE stream_id = ? AND revision = ?').pluck(),
    forwards: conn.prepare('SELECT position, stream_id, revision, type, data, meta FROM levy_events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?').raw(),
    backwards: conn.prepare('SELECT position, stream_id, revision, type, data, meta FROM levy_events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?').raw(),
    all: conn.prepare('SELECT position, stream_id, revision, type, data, meta FROM levy_events WHERE position >= ? ORDER BY position LIMIT ?').raw(),
    // prefix compared with substr, not LIKE, so % and _ in stream ids stay plain characters
    allFiltered: conn
      .prepare(
        `SELECT position, stream_id, revision, type, data, meta FROM levy_events
         WHERE position >= @from
           AND (@prefix IS NULL OR substr(stream_id, 1, length(@prefix)) = @prefix)
           AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
         ORDER BY position LIMIT @limit`,
      )
      .raw(),
    lastPosition: conn.prepare('SELECT coalesce(max(position), 0) FROM levy_events').pluck(),
    savepoint: conn.prepare('SAVEPOINT levy_append'),
    release: conn.prepare('RELEASE levy_append'),
    rollbackTo: conn.prepare('ROLLBACK TO levy_append'),
  }));

  let closed = false;
  let commits = 0;
  let appendsCommitted = 0;
  const queue: Pending[] = [];
  let scheduled = false;
  let flushing: Promise<void> = Promise.resolve();
  const listeners = new Set<() => void>();

  const ensureOpen = (): void => {
    if (closed) throw storeError('STORE_CLOSED', 'the event store is closed');
  };

  const lookup = (eventId: string): ExistingEvent | undefined => {
    const r = stmt.byId.get(eventId) as [string, bigint, bigint, string, string, string] | undefined;
    if (r === undefined) return undefined;
    const meta = JSON.parse(r[5]) as NewEvent['meta'];
    return { streamId: r[0], revision: r[1], position: r[2], contentKey: contentKeyOf({ type: r[3], data: JSON.parse(r[4]) as NewEvent['data'], meta }) };
  };

  const retryOrThrow = (append: CheckedAppend, otherwise: () => StoreError): AppendResult => {
    const retry = idempotentRetry(append, lookup);
    if (retry !== undefined) return retry;
    throw otherwise();
  };

  const guardedHead = (streamId: string): bigint => {
    const h = stmt.head.get(streamId) as [bigint, string, bigint] | undefined;
    return h === undefined ? -1n : h[0];
  };

  // one append inside the shared transaction; throws a StoreError for a refusal
  const writeOne = (append: CheckedAppend): AppendResult => {
    const head = stmt.head.get(append.streamId) as [bigint, string, bigint] | undefined;
    const current = head === undefined ? -1n : head[0];
    if (!expectedRevisionHolds(append.expected, current)) {
      return retryOrThrow(append, () => concurrencyConflict(append.streamId, append.expected, head === undefined ? 'no-stream' : current));
    }
    if (append.guards.length > 0) {
      try {
        // inside the transaction: appends earlier in the same commit are seen, other processes' are locked out
        checkGuards(append, guardedHead);
      } catch (e) {
        if (!isStoreError(e)) throw e;
        return retryOrThrow(append, () => e);
      }
    }
    if (append.events.length === 0) return { nextExpectedRevision: current, position: head?.[2] ?? 0n };
    let prevHash = head === undefined ? null : head[1];
    let revision = current;
    let position = 0n;
    try {
      for (const e of append.events) {
        revision += 1n;
        const row = sealChecked(append.streamId, revision, prevHash, e);
        prevHash = row.hash;
        position = stmt.insert.run(append.streamId, revision, row.eventId, row.type, row.dataJson, row.sealedMetaJson, row.hash).lastInsertRowid as bigint;
      }
    } catch (e) {
      if (!isEventIdTaken(e)) throw e;
      // the savepoint is rolled back by the caller; see whether this is a retry
      stmt.rollbackTo.run();
      return retryOrThrow(append, () => storeError('EVENT_ID_CONFLICT', 'an event id in this append is already used', ['events'], { streamId: append.streamId }));
    }
    return { nextExpectedRevision: revision, position };
  };

  type Outcome = { ok: true; value: AppendResult } | { ok: false; error: StoreError };

  // one transaction for the whole batch: one fsync; each append isolated in a savepoint
  const commitBatch = (batch: readonly Pending[]): Outcome[] => {
    conn.exec('BEGIN IMMEDIATE');
    try {
      const outcomes = batch.map((p): Outcome => {
        stmt.savepoint.run();
        try {
          const value = writeOne(p.append);
          stmt.release.run();
          return { ok: true, value };
        } catch (e) {
          if (!isStoreError(e)) throw e; // a driver failure ends the whole transaction
          stmt.rollbackTo.run();
          stmt.release.run();
          return { ok: false, error: e };
        }
      });
      conn.exec('COMMIT');
      commits++;
      appendsCommitted += batch.length;
      return outcomes;
    } catch (e) {
      if (conn.inTransaction) conn.exec('ROLLBACK');
      throw e;
    }
  };

  const flush = async (): Promise<void> => {
    scheduled = false;
    while (queue.length > 0) {
      const batch: Pending[] = [];
      let events = 0;
      while (queue.length > 0 && batch.length < maxAppendsPerCommit && events < maxEventsPerCommit) {
        const p = queue.shift()!;
        events += p.append.events.length;
        batch.push(p);
      }
      let outcomes: Outcome[] | undefined;
      for (let attempt = 0; outcomes === undefined; attempt++) {
        try {
          outcomes = commitBatch(batch);
        } catch (e) {
          if (isBusy(e) && attempt < busyRetries) {
            await sleep(10 * (attempt + 1));
            continue;
          }
          const err = driverError(e, 'appending');
          outcomes = batch.map(() => ({ ok: false, error: err }));
        }
      }
      let wrote = false;
      outcomes.forEach((o, i) => {
        if (o.ok) {
          wrote = true;
          batch[i]!.resolve(o.value);
        } else batch[i]!.reject(o.error);
      });
      if (wrote) for (const l of listeners) l();
      // let appends that arrived during this commit join the next one
      if (queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    // a flush never rejects (every append gets its own outcome); should one ever fail, the next still runs
    flushing = flushing.then(() => new Promise<void>((resolve) => setImmediate(() => void flush().then(resolve, resolve))));
  };

  const appendToStream: EventStore['appendToStream'] = (streamId, events, opts) =>
    new Promise<AppendResult>((resolve, reject) => {
      try {
        ensureOpen();
        const { expectedRevision, guards } = checkAppendOptions(opts);
        const append = checkAppend(streamId, events, expectedRevision, guards);
        queue.push({ append, resolve, reject });
        schedule();
      } catch (e) {
        reject(isStoreError(e) ? e : driverError(e, 'appending'));
      }
    });

  // decode, validate and (optionally) verify one page of rows
  const decodePage = (rows: readonly Row[]): StoredEvent[] => {
    const out = new Array<StoredEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const e = toEvent(rows[i]!);
      out[i] = decodeEvent === undefined ? e : decodeWith(decodeEvent, e);
    }
    return out;
  };

  // forward verification over any mix of streams, seeding a stream's head from the file
  const forwardVerifier = (): ((e: StoredEvent) => void) => {
    const heads = new Map<string, ChainHead>();
    return (e) => {
      let head = heads.get(e.streamId);
      if (head === undefined && e.revision > 0n) {
        const hash = guard('verifying', () => stmt.hashAt.get(e.streamId, e.revision - 1n) as string | undefined);
        if (hash !== undefined) head = { revision: e.revision - 1n, hash };
      }
      const broken = checkLink(head, e);
      if (broken !== undefined) throw chainBroken(e, broken.code, broken.reason);
      heads.set(e.streamId, { revision: e.revision, hash: e.meta.hash! });
    };
  };

  // events never change once committed, so a stream's decoded prefix can be kept and topped up
  // from the file; only the head is asked for on every read
  const cache = new Map<string, StoredEvent[]>();
  let cachedEvents = 0;
  const cachedStream = (streamId: string): StoredEvent[] | 'missing' | 'too-long' => {
    const head = guard('reading a stream', () => stmt.head.get(streamId) as [bigint, string, bigint] | undefined);
    if (head === undefined) return 'missing';
    const length = Number(head[0]) + 1;
    if (length > cacheLimit / 4) return 'too-long';
    let events = cache.get(streamId);
    if (events !== undefined) cache.delete(streamId); // re-inserted below: most recently used last
    else events = [];
    if (events.length < length) {
      const rows = guard('reading a stream', () => stmt.forwards.all(streamId, BigInt(events!.length), length - events!.length) as Row[]);
      const fresh = decodePage(rows);
      // the cache is indexed by revision: a stream with a hole (a row deleted behind the store's
      // back) is read from the file, where verification can name the gap
      for (let i = 0; i < fresh.length; i++) {
        if (fresh[i]!.revision !== BigInt(events.length + i)) {
          if (events.length > 0) cache.set(streamId, events);
          return 'too-long';
        }
      }
      if (fresh.length !== length - events.length) {
        if (events.length > 0) cache.set(streamId, events);
        return 'too-long';
      }
      if (verifyOnRead) {
        const last = events[events.length - 1];
        let chainHead: ChainHead | undefined = last === undefined ? undefined : { revision: last.revision, hash: last.meta.hash! };
        for (const e of fresh) {
          const broken = checkLink(chainHead, e);
          if (broken !== undefined) throw chainBroken(e, broken.code, broken.reason);
          chainHead = { revision: e.revision, hash: e.meta.hash! };
        }
      }
      for (const e of fresh) events.push(deepFreeze(e));
      cachedEvents += fresh.length;
    }
    cache.set(streamId, events);
    for (const [id, evicted] of cache) {
      if (cachedEvents <= cacheLimit || id === streamId) break;
      cache.delete(id);
      cachedEvents -= evicted.length;
    }
    return events;
  };

  // a forward read served from the stream cache, or undefined when the file must be paged
  const readCached = (streamId: string, opts: CheckedReadStreamOptions): StoredEvent[] | undefined => {
    const { max } = opts;
    const from = opts.from ?? 0n;
    if (opts.backwards || cacheLimit === 0) return undefined;
    const cached = cachedStream(streamId);
    if (cached === 'missing') throw storeError('STREAM_NOT_FOUND', `stream ${JSON.stringify(streamId)} has no events`, ['streamId'], { streamId });
    if (cached === 'too-long') return undefined;
    const start = from > BigInt(cached.length) ? cached.length : Number(from);
    return cached.slice(start, max === Number.POSITIVE_INFINITY ? undefined : start + max);
  };

  // a plain iterator over the cached slice: cheaper per event than an async generator, and
  // command handlers read whole unit streams on every command
  const readStream = (streamId: string, options?: ReadStreamOptions): AsyncIterable<StoredEvent> => ({
    [Symbol.asyncIterator]: (): AsyncIterator<StoredEvent> => {
      let items: StoredEvent[] | undefined;
      let index = 0;
      let paged: AsyncIterator<StoredEvent> | undefined;
      return {
        next: async (): Promise<IteratorResult<StoredEvent>> => {
          if (paged !== undefined) return paged.next();
          if (items === undefined) {
            ensureOpen();
            checkStreamId(streamId);
            const opts = checkReadStreamOptions(options);
            items = readCached(streamId, opts);
            if (items === undefined) {
              paged = readStreamFromFile(streamId, opts);
              return paged.next();
            }
          }
          return index < items.length ? { done: false, value: items[index++]! } : { done: true, value: undefined };
        },
        return: async (): Promise<IteratorResult<StoredEvent>> => {
          items = [];
          await paged?.return?.(undefined);
          return { done: true, value: undefined };
        },
      };
    },
  });

  async function* readStreamFromFile(streamId: string, opts: CheckedReadStreamOptions): AsyncGenerator<StoredEvent> {
    ensureOpen();
    const { max, backwards } = opts;
    let from = opts.from ?? (backwards ? BigInt(Number.MAX_SAFE_INTEGER) : 0n);
    let remaining = max;
    let first = true;
    const verify = verifyOnRead ? forwardVerifier() : undefined;
    let later: StoredEvent | undefined; // backwards: the event read just before, one revision up
    while (remaining > 0 || first) {
      ensureOpen();
      const limit = Math.min(remaining, pageSize);
      const rows = guard('reading a stream', () => (backwards ? stmt.backwards : stmt.forwards).all(streamId, from, limit) as Row[]);
      if (first && rows.length === 0 && guard('reading a stream', () => stmt.head.get(streamId)) === undefined) {
        throw storeError('STREAM_NOT_FOUND', `stream ${JSON.stringify(streamId)} has no events`, ['streamId'], { streamId });
      }
      first = false;
      const events = decodePage(rows);
      for (const e of events) {
        if (verify !== undefined && !backwards) verify(e);
        if (verifyOnRead && backwards) {
          const broken =
            checkOwnHash(e) ??
            (later !== undefined && later.revision !== e.revision + 1n
              ? { code: 'REVISION_GAP', reason: `event ${JSON.stringify(later.meta.eventId)} at revision ${later.revision} follows revision ${e.revision}: events are missing` }
              : later !== undefined && later.meta.prevHash !== e.meta.hash
                ? { code: 'PREV_HASH_MISMATCH', reason: `event ${JSON.stringify(later.meta.eventId)} does not point at the hash of the event before it` }
                : undefined);
          if (broken !== undefined) throw chainBroken(later !== undefined && broken.code !== 'HASH_MISMATCH' && broken.code !== 'HASH_MISSING' ? later : e, broken.code, broken.reason);
          if (e.revision === 0n && e.meta.prevHash !== null) throw chainBroken(e, 'PREV_HASH_MISMATCH', 'the first event of a stream must have no previous hash');
          later = e;
        }
        yield e;
      }
      if (rows.length < limit || limit === 0) return;
      remaining -= rows.length;
      const last = rows[rows.length - 1]!;
      from = backwards ? last[2] - 1n : last[2] + 1n;
      if (backwards && from < 0n) return;
    }
  }

  const readPage = (fromPosition: bigint, limit: number, filter: AllFilter | undefined): Row[] =>
    guard('reading all events', () =>
      filter === undefined || (filter.streamPrefix === undefined && filter.types === undefined)
        ? (stmt.all.all(fromPosition, limit) as Row[])
        : (stmt.allFiltered.all({ from: fromPosition, prefix: filter.streamPrefix ?? null, types: filter.types === undefined ? null : JSON.stringify(filter.types), limit }) as Row[]),
    );

  async function* readAll(options?: ReadAllOptions): AsyncGenerator<StoredEvent> {
    ensureOpen();
    const { max, filter, fromPosition } = checkReadAllOptions(options);
    let from = fromPosition;
    let remaining = max;
    const verify = verifyOnRead ? forwardVerifier() : undefined;
    while (remaining > 0) {
      ensureOpen();
      const limit = Math.min(remaining, pageSize);
      const rows = readPage(from, limit, filter);
      const events = decodePage(rows);
      for (const e of events) {
        verify?.(e);
        yield e;
      }
      if (rows.length < limit) return;
      remaining -= rows.length;
      from = rows[rows.length - 1]![0] + 1n;
    }
  }

  const subscribeToAll = (opts?: SubscribeOptions): Subscription => {
    ensureOpen();
    const verify = verifyOnRead ? forwardVerifier() : undefined;
    return catchUpSubscription(
      {
        readPage: async (from, limit, filter) => {
          ensureOpen();
          // the head first: everything up to it is visible to the page read that follows
          const head = guard('reading all events', () => stmt.lastPosition.get() as bigint);
          const events = decodePage(readPage(from, limit, filter));
          if (verify !== undefined) for (const e of events) verify(e);
          return { events, head };
        },
        onAppend: (l) => {
          listeners.add(l);
          return () => listeners.delete(l);
        },
        pollIntervalMs,
        isClosed: () => closed,
      },
      opts,
    );
  };

  return {
    path,
    schemaVersion: SCHEMA_VERSION,
    appendToStream,
    supportsGuards: true,
    readStream,
    readAll,
    subscribeToAll,
    stats: () => ({ commits, appends: appendsCommitted }),
    verify: async () => {
      ensureOpen();
      const heads = new Map<string, ChainHead>();
      let count = 0;
      let from = 0n;
      for (;;) {
        const events = decodePage(readPage(from, pageSize, undefined));
        for (const e of events) {
          const broken = checkLink(heads.get(e.streamId), e);
          if (broken !== undefined) return { ok: false, at: e, code: broken.code, reason: broken.reason, count };
          heads.set(e.streamId, { revision: e.revision, hash: e.meta.hash! });
          count++;
        }
        if (events.length < pageSize) return { ok: true, count };
        from = events[events.length - 1]!.position + 1n;
      }
    },
    close: async () => {
      if (closed) return;
      // appends already accepted are written before the file closes
      await flushing;
      if (queue.length > 0) await flush();
      closed = true;
      for (const l of listeners) l();
      listeners.clear();
      guard('closing', () => conn.close());
    },
  };
};
