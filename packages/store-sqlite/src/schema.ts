/**
 * The Levy file format: which SQLite files are Levy stores, the versioned schema, and the
 * migrations that bring an older file up to date. A file that is not a Levy store, or that a
 * newer Levy wrote, is refused before anything is written to it.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { StoreError } from '@levy/core';
import { storeError } from '@levy/core/engine';
import { driverError } from './driver-error.js';

// a failure to open the file is about the path the caller gave: say so (STORE_BUSY stays as it is, it is retried)
const openingError = (e: unknown, path: string): StoreError => {
  const err = driverError(e, `opening ${path}`);
  return err.code === 'STORE_IO' && err.error.path.length === 0 ? storeError('STORE_IO', err.error.message, ['path'], { ...err.error.details, path }) : err;
};

// better-sqlite3 would say only that "the directory does not exist", without naming it
const checkDirectory = (path: string): void => {
  if (path === ':memory:') return;
  const directory = dirname(path);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(directory, { throwIfNoEntry: false });
  } catch (e) {
    // ENOTDIR (a file on the way), EACCES
    const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : null;
    throw storeError('STORE_IO', `the directory ${JSON.stringify(directory)} for the store file ${JSON.stringify(path)} cannot be reached (${e instanceof Error ? e.message : String(e)})`, ['path'], { path, directory, driverCode: code });
  }
  if (stat === undefined) {
    throw storeError('STORE_IO', `the directory ${JSON.stringify(directory)} for the store file ${JSON.stringify(path)} does not exist; create it first`, ['path'], { path, directory });
  }
  if (!stat.isDirectory()) {
    throw storeError('STORE_IO', `${JSON.stringify(directory)}, where the store file ${JSON.stringify(path)} would go, is not a directory`, ['path'], { path, directory });
  }
};

/** `PRAGMA application_id` of every Levy store: 'Levy' in ASCII. */
export const LEVY_APPLICATION_ID = 0x4c657679;

interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

// append-only: a released migration is never edited, a change is a new version
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events table: global position, unique (stream, revision), unique event id',
    sql: `
      CREATE TABLE levy_store (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO levy_store (key, value) VALUES ('kind', 'levy-event-store');
      CREATE TABLE levy_events (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_id TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 0),
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        meta TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE UNIQUE INDEX levy_events_stream_revision ON levy_events (stream_id, revision);
      CREATE UNIQUE INDEX levy_events_event_id ON levy_events (event_id);
    `,
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

type Verdict = 'new' | 'levy';

/**
 * Looks at an existing file through a read-only connection: is it empty, a Levy store this code
 * can open, or something to refuse? Writes nothing.
 */
const inspect = (path: string): Verdict => {
  if (!existsSync(path) || statSync(path).size === 0) return 'new';
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n;
    if (appId === LEVY_APPLICATION_ID) {
      if (version > SCHEMA_VERSION) {
        throw storeError('STORE_SCHEMA_TOO_NEW', `${path} was written by a newer Levy (schema ${version}; this one reads up to ${SCHEMA_VERSION}); upgrade Levy to open it`, ['path'], { path, version, supported: SCHEMA_VERSION });
      }
      return 'levy';
    }
    if (appId === 0 && tables === 0) return 'new';
    throw storeError('STORE_NOT_LEVY', `${path} is an SQLite database but not a Levy event store; it was left untouched`, ['path'], { path, applicationId: appId });
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'SQLITE_CORRUPT') {
      // an SQLite file whose pages do not read: a damaged store (restore it from a backup or an export), not a foreign file
      throw storeError('STORE_NOT_LEVY', `${path} is a damaged SQLite database (${e.message}), so it cannot be opened as a Levy event store; restore it from a backup or a JSON Lines export; it was left untouched`, ['path'], {
        path,
        driverCode: 'SQLITE_CORRUPT',
      });
    }
    if (e instanceof Error && 'code' in e && e.code === 'SQLITE_NOTADB') {
      throw storeError('STORE_NOT_LEVY', `${path} is not an SQLite database, so not a Levy event store; it was left untouched`, ['path'], { path, driverCode: 'SQLITE_NOTADB' });
    }
    throw openingError(e, path);
  } finally {
    db?.close();
  }
};

/** Options that shape the connection. */
export interface ConnectionOptions {
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly busyTimeoutMs: number;
}

/**
 * Opens (creating or migrating as needed) a Levy store file and returns the connection, in WAL
 * mode with the requested durability, integers as bigint.
 */
export const openLevyDatabase = (path: string, options: ConnectionOptions): Database.Database => {
  checkDirectory(path);
  inspect(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous}`);
    db.defaultSafeIntegers(true);
    migrate(db, path);
    return db;
  } catch (e) {
    db?.close();
    throw openingError(e, path);
  }
};

const migrate = (db: Database.Database, path: string): void => {
  // another process may be creating the same file: decide inside the write lock
  db.exec('BEGIN IMMEDIATE');
  try {
    const appId = Number(db.pragma('application_id', { simple: true }));
    const version = Number(db.pragma('user_version', { simple: true }));
    const tables = Number((db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: bigint }).n);
    if (appId !== LEVY_APPLICATION_ID && !(appId === 0 && tables === 0)) {
      throw storeError('STORE_NOT_LEVY', `${path} is an SQLite database but not a Levy event store; it was left untouched`, ['path'], { path });
    }
    if (version > SCHEMA_VERSION) {
      throw storeError('STORE_SCHEMA_TOO_NEW', `${path} was written by a newer Levy (schema ${version}; this one reads up to ${SCHEMA_VERSION})`, ['path'], { path, version });
    }
    if (version < SCHEMA_VERSION) {
      if (version === 0) db.exec('CREATE TABLE levy_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const record = db.prepare('INSERT INTO levy_migrations (version, description, applied_at) VALUES (?, ?, ?)');
      for (const m of MIGRATIONS) {
        if (m.version <= version) continue;
        db.exec(m.sql);
        // the store adapter may read the clock (common.md): a migration's date is for people, not for rules
        record.run(m.version, m.description, new Date().toISOString());
      }
      db.pragma(`application_id = ${LEVY_APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
};
