/**
 * The one place a better-sqlite3 exception becomes a Levy `StoreError`: callers never see a
 * raw `SQLITE_BUSY` or any other driver error.
 */
import { type StoreError, isStoreError } from '@levy/core';
import { storeError } from '@levy/core/engine';

const sqliteCode = (e: unknown): string | undefined => (e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined);

/** Is this a lock that another connection holds (worth waiting and trying again)? */
export const isBusy = (e: unknown): boolean => {
  const code = sqliteCode(e);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
};

/** Is this the unique index on event ids refusing a row? */
export const isEventIdTaken = (e: unknown): boolean => sqliteCode(e) === 'SQLITE_CONSTRAINT_UNIQUE' && e instanceof Error && e.message.includes('levy_events.event_id');

/** Maps anything thrown by the driver to a {@link StoreError}; a StoreError passes through. */
export const driverError = (e: unknown, doing: string): StoreError => {
  if (isStoreError(e)) return e;
  const code = sqliteCode(e);
  const message = e instanceof Error ? e.message : String(e);
  if (isBusy(e)) {
    return storeError('STORE_BUSY', `the store file stayed locked by another process while ${doing}; try again`, [], { driverCode: code });
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return storeError('STORE_NOT_LEVY', `the store file is damaged or not a database (${message}) while ${doing}`, ['path'], { driverCode: code });
  }
  return storeError('STORE_IO', `the store could not finish ${doing}: ${message}`, [], { driverCode: code ?? null });
};

/**
 * Did the driver itself fail (an SQLite result code)? After one the transaction may be gone, so the
 * whole group commit fails; any other error fails only the append that met it.
 */
export const isDriverFailure = (e: unknown): boolean => sqliteCode(e)?.startsWith('SQLITE_') === true;
