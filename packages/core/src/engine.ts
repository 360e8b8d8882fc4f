/**
 * @levy/core/engine: the helpers a store engine is built from, for whoever implements the
 * `EventStore` port (the SQLite store in `@levy/store-sqlite`, an embedder's own engine, a store
 * that wraps another). Using them is how an engine accepts and refuses exactly what the others
 * do: the same option and append checks, the same idempotent retry, the same conflicts, the same
 * hash chain, the same catch-up subscription; `storeConformanceSuite` in
 * `@levy/testkit/conformance` then checks the result.
 *
 * An application embedding Levy needs none of this: the port and its types, `StoreError`,
 * `isStoreError`, `STORE_LIMITS`, `openMemoryEventStore`, `sealEvent` and `verifyChain` are in
 * the main entry, `@levy/core`. These names moved here from the main entry in 0.2.0 (before 1.0).
 *
 * @example
 * import { type AppendOptions, type NewEvent } from '@levy/core';
 * import { checkAppendOptions, checkAppend, idempotentRetry, sealChecked } from '@levy/core/engine';
 * const appendToStream = async (streamId: string, events: readonly NewEvent[], options?: AppendOptions) => {
 *   const o = checkAppendOptions(options);
 *   const append = checkAppend(streamId, events, o.expectedRevision, o.guards);
 *   const retried = idempotentRetry(append, (id) => byEventId.get(id));
 *   if (retried !== undefined) return retried;
 *   // check append.expected and append.guards, then write sealChecked(streamId, revision, prevHash, e) for each event
 * };
 *
 * @packageDocumentation
 */

// refusals: the errors every engine rejects with, worded alike
export { concurrencyConflict, guardConflict, storeError } from './store.js';

// appends: checked and serialised once, then guarded, deduplicated and sealed
export {
  type CheckedAppend,
  type CheckedEvent,
  type ExistingEvent,
  canonicalJsonFast,
  checkAppend,
  checkAppendOptions,
  checkExpectedRevision,
  checkGuards,
  checkGuardsOption,
  checkStreamId,
  checkedContentKey,
  contentKeyOf,
  expectedRevisionHolds,
  idempotentRetry,
} from './store.js';
export { type SealedRow, sealChecked } from './hash-chain.js';

// reads and subscriptions: options checked alike, one catch-up loop over the engine's pages
export {
  type CheckedReadAllOptions,
  type CheckedReadStreamOptions,
  type CheckedSubscribeOptions,
  type SubscriptionSource,
  catchUpSubscription,
  checkBigint,
  checkFilter,
  checkMax,
  checkOptionNames,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkSubscribeOptions,
  matchesFilter,
} from './store.js';

// verify on read: one event at a time against its stream's chain (verifyChain walks a whole log)
export { type ChainHead, checkLink, checkOwnHash } from './hash-chain.js';
