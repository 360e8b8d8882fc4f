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
  verifyChain,
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
import { driverError, isBusy, isDriverFailure, isEventIdTaken } from './driver-error.js';
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
  /**
   * check each event's hash and its link to the one before (for the first event read of a stream,
   * the one before it in the file) while reading, on the stored event before the codec hook sees
   * it; a break rejects with `CHAIN_BROKEN`
   */
  readonly verifyOnRead?: boolean;
  /**
   * Hook for the full event codec (io-ts, from core's codecs) applied to every event read, after
   * the store's own structural check. A Left rejects the read with `EVENT_INVALID` (its code in
   * `details.code`); so does a hook that throws, returns something that is not an Either, a Left
   * that is not a DomainError, or a Right that is not the stored event (the same stream,
   * revision and position), each naming the event. A Right with none of the three placement fields
   * (core's `decodeEvent` gives `{ type, data, meta }`) is placed where the event was read. The
   * Right is what the read returns (an upcast copy, say); verification never sees it.
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
  /** The port's optional lookup, always here: the file's unique index on event id answers it. */
  findEvent(eventId: string): Promise<StoredEvent | undefined>;
  /**
   * Walks the file's stored events (no codec hook) and returns `verifyChain`'s verdict on them,
   * sealed heads included, or `HASH_MISMATCH` at a row whose hash column is not its `meta.hash`.
   * Rejects with `EVENT_INVALID` at a row that is not a Levy event at all.
   */
  verify(): Promise<ChainVerdict>;
  /** Counts since open: transactions committed and appends they carried (appends / commits is the group-commit factor). */
  stats(): { readonly commits: number; readonly appends: number };
}

// a row as reads select it; verify() selects the hash column as well
type Row = [position: bigint, streamId: string, revision: bigint, type: string, data: string, meta: string, hash?: string];

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

// a Right without any of the placement fields (core's decodeEvent gives { type, data, meta }): the
// event read is where it was read
const placed = (v: unknown, e: StoredEvent): unknown =>
  isPlainObject(v) && v.streamId === undefined && v.revision === undefined && v.position === undefined ? { ...v, streamId: e.streamId, revision: e.revision, position: e.position } : v;

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
    const right = placed(d.right, e);
    if (isSameStoredEvent(right, e)) return right;
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
    // an append links to the meta.hash its predecessor was sealed with (what an export and verifyChain
    // see), not to the hash column, which an edit could have changed alone; null when meta is unreadable
    appendHead: conn
      .prepare("SELECT revision, CASE WHEN json_valid(meta) THEN json_extract(meta, '$.hash') END, position FROM levy_events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1")
      .raw(),
    insert: conn.prepare('INSERT INTO levy_events (stream_id, revision, event_id, type, data, meta, hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    byId: conn.prepare('SELECT stream_id, revision, position, type, data, meta FROM levy_events WHERE event_id = ?').raw(),
    // findEvent: the same index, a row as reads select it
    eventById: conn.prepare('SELECT position, stream_id, revision, type, data, meta FROM levy_events WHERE event_id = ?').raw(),
    at: conn.prepare('SELECT position, stream_id, revision, type, data, meta FROM levy_events WHERE stream_id = ? AND revision = ?').raw(),
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
    // verify(): every row up to the head it started at, with the hash column the append path links to
    walk: conn.prepare('SELECT position, stream_id, revision, type, data, meta, hash FROM levy_events WHERE position >= ? AND position <= ? ORDER BY position LIMIT ?').raw(),
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

  // a row edited behind the store's back refuses the append that meets it, not the whole commit
  const lookup = (eventId: string): ExistingEvent | undefined => {
    const r = stmt.byId.get(eventId) as [string, bigint, bigint, string, string, string] | undefined;
    if (r === undefined) return undefined;
    let contentKey: string;
    try {
      const data: unknown = JSON.parse(r[4]);
      const meta: unknown = JSON.parse(r[5]);
      if (!isPlainObject(data) || !isPlainObject(meta)) throw new TypeError('data and meta must be objects');
      contentKey = contentKeyOf({ type: r[3], data, meta: meta as NewEvent['meta'] });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw storeError(
        'EVENT_INVALID',
        `the stored event at position ${r[2]}, which holds event id ${JSON.stringify(eventId)}, is not a Levy event (${why}), so this append cannot be compared with it; verify() the file`,
        ['position'],
        { position: r[2], streamId: r[0], revision: r[1], eventId },
      );
    }
    return { streamId: r[0], revision: r[1], position: r[2], contentKey };
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
    const head = stmt.appendHead.get(append.streamId) as [bigint, unknown, bigint] | undefined;
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
    if (head !== undefined && typeof head[1] !== 'string') {
      throw storeError(
        'EVENT_INVALID',
        `the last stored event of stream ${JSON.stringify(append.streamId)} (position ${head[2]}, revision ${head[0]}) has no readable meta.hash, so nothing can be chained to it; verify() the file`,
        ['position'],
        { position: head[2], streamId: append.streamId, revision: head[0] },
      );
    }
    let prevHash = head === undefined ? null : (head[1] as string);
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
          if (isDriverFailure(e)) throw e; // a driver failure ends the whole transaction
          // anything else fails this append only: its savepoint is undone, the others commit
          stmt.rollbackTo.run();
          stmt.release.run();
          return { ok: false, error: isStoreError(e) ? e : driverError(e, 'appending') };
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

  // validate one page of rows, verify it (on the stored events, before the codec hook sees them:
  // verification looks at what the file holds), then decode it; a page holding a break is refused whole
  const decodePage = (rows: readonly Row[], verify?: (page: readonly StoredEvent[]) => void): StoredEvent[] => {
    const stored = new Array<StoredEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) stored[i] = toEvent(rows[i]!);
    verify?.(stored);
    if (decodeEvent === undefined) return stored;
    for (let i = 0; i < stored.length; i++) stored[i] = decodeWith(decodeEvent, stored[i]!);
    return stored;
  };

  // the hash the file's event at this revision carries in its meta (the chain's own record), or undefined when there is none
  const storedHashAt = (streamId: string, revision: bigint): string | undefined => {
    const row = guard('verifying', () => stmt.at.get(streamId, revision) as Row | undefined);
    return row === undefined ? undefined : toEvent(row).meta.hash;
  };

  // verification over any mix of streams in revision order within each; the first event met of a
  // stream past revision 0 is linked to the event before it in the file (none there: a gap)
  const forwardVerifier = (): ((e: StoredEvent) => void) => {
    const heads = new Map<string, ChainHead>();
    return (e) => {
      let head = heads.get(e.streamId);
      if (head === undefined && e.revision > 0n) {
        const hash = storedHashAt(e.streamId, e.revision - 1n);
        if (hash !== undefined) head = { revision: e.revision - 1n, hash };
      }
      const broken = checkLink(head, e);
      if (broken !== undefined) throw chainBroken(e, broken.code, broken.reason);
      heads.set(e.streamId, { revision: e.revision, hash: e.meta.hash! });
    };
  };
  const verifyForwards = (): ((page: readonly StoredEvent[]) => void) => {
    const verify = forwardVerifier();
    return (page) => {
      for (const e of page) verify(e);
    };
  };
  // a backwards page (revisions going down) is checked upwards from its lowest event, which is
  // linked to the event before it in the file, so a row missing below the window is found too
  const verifyBackwards = (page: readonly StoredEvent[]): void => {
    const verify = forwardVerifier();
    for (let i = page.length - 1; i >= 0; i--) verify(page[i]!);
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
      // verified from the file's event before the first new one: a cached event may be the hook's copy
      const fresh = decodePage(rows, verifyOnRead ? verifyForwards() : undefined);
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
    const verify = !verifyOnRead ? undefined : backwards ? verifyBackwards : verifyForwards();
    while (remaining > 0 || first) {
      ensureOpen();
      const limit = Math.min(remaining, pageSize);
      const rows = guard('reading a stream', () => (backwards ? stmt.backwards : stmt.forwards).all(streamId, from, limit) as Row[]);
      if (first && rows.length === 0 && guard('reading a stream', () => stmt.head.get(streamId)) === undefined) {
        throw storeError('STREAM_NOT_FOUND', `stream ${JSON.stringify(streamId)} has no events`, ['streamId'], { streamId });
      }
      first = false;
      for (const e of decodePage(rows, verify)) yield e;
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
    const verify = verifyOnRead ? verifyForwards() : undefined;
    while (remaining > 0) {
      ensureOpen();
      const limit = Math.min(remaining, pageSize);
      const rows = readPage(from, limit, filter);
      for (const e of decodePage(rows, verify)) yield e;
      if (rows.length < limit) return;
      remaining -= rows.length;
      from = rows[rows.length - 1]![0] + 1n;
    }
  }

  // one row by its event id, checked, verified and decoded as any read; the id is compared again
  // after the read, so a string SQLite would bind as another (a lone surrogate becomes U+FFFD)
  // finds nothing, as in memory
  const findEvent = async (eventId: string): Promise<StoredEvent | undefined> => {
    ensureOpen();
    if (typeof eventId !== 'string') throw storeError('OPTIONS_INVALID', `findEvent takes an event id string, not ${describe(eventId)}`, ['eventId']);
    const row = guard('finding an event', () => stmt.eventById.get(eventId) as Row | undefined);
    if (row === undefined) return undefined;
    const [event] = decodePage([row], verifyOnRead ? verifyForwards() : undefined);
    return event!.meta.eventId === eventId ? event : undefined;
  };

  const subscribeToAll = (opts?: SubscribeOptions): Subscription => {
    ensureOpen();
    const verify = verifyOnRead ? verifyForwards() : undefined;
    return catchUpSubscription(
      {
        readPage: async (from, limit, filter) => {
          ensureOpen();
          // the head first: everything up to it is visible to the page read that follows
          const head = guard('reading all events', () => stmt.lastPosition.get() as bigint);
          return { events: decodePage(readPage(from, limit, filter), verify), head };
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
    findEvent,
    subscribeToAll,
    stats: () => ({ commits, appends: appendsCommitted }),
    verify: async () => {
      ensureOpen();
      const head = guard('verifying', () => stmt.lastPosition.get() as bigint);
      // a hash column that is not the meta.hash it was written with (the append path links to the column)
      let edited: ChainVerdict | undefined;
      // the file as stored (no codec hook), page by page up to the head verify started at; each
      // iteration is a new walk, so verifyChain need not hold the file to look back
      const file: Iterable<StoredEvent> = {
        *[Symbol.iterator]() {
          let count = 0;
          for (let from = 1n; ; ) {
            const rows = guard('verifying', () => stmt.walk.all(from, head, pageSize) as Row[]);
            for (const r of rows) {
              const e = toEvent(r);
              if (r[6] !== e.meta.hash) {
                const where = `event ${JSON.stringify(e.meta.eventId)} at revision ${e.revision} of ${JSON.stringify(e.streamId)}`;
                const reason = `${where} is stored with a hash column of ${JSON.stringify(r[6])}, not its meta.hash: the row was changed after it was written`;
                edited ??= { ok: false, at: e, code: 'HASH_MISMATCH', reason, count };
                return;
              }
              yield e;
              count++;
            }
            if (rows.length < pageSize) return;
            from = rows[rows.length - 1]![0] + 1n;
          }
        },
      };
      // verifyChain's verdict, sealed heads included; an edited row ends the walk where it stands
      const verdict = verifyChain(file);
      return edited ?? verdict;
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
