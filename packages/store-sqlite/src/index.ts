/**
 * @levy/store-sqlite: the default durable Levy event store, on one embedded SQLite file.
 *
 * @packageDocumentation
 */
export * from './sqlite-store.js';
export { LEVY_APPLICATION_ID, SCHEMA_VERSION } from './schema.js';
