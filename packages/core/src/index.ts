/**
 * @levy/core: exact money, calendar, fee math, events and deciders, and the store port.
 * Everything here is pure: no clock, no randomness, no I/O. Time comes in as an input. The
 * helpers a store engine is built from (append and option checks, idempotent retries, sealing,
 * catch-up subscriptions) are at their own entry, `@levy/core/engine`.
 *
 * @packageDocumentation
 */
export * from './errors.js';
/** `closestName`, the "did you mean" of every unknown-key refusal (unknown-field.ts; the rest of that module is core's own). */
export { closestName } from './unknown-field.js';
export * from './decimal.js';
export * from './money.js';
export * from './canonical-json.js';
export * from './calendar.js';
export * from './period.js';
export * from './due-date.js';
export * from './working-days.js';
export * from './codecs.js';
export * from './events.js';
export * from './commands.js';
export * from './event-id.js';
export * from './decider.js';
// the store port, listed by name: the helpers an engine is built from (checkAppend, idempotentRetry,
// sealChecked, catchUpSubscription, ...) are at their own entry, engine.ts (`@levy/core/engine`);
// a test keeps the two lists whole and apart
export {
  type AllFilter,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type GlobalPosition,
  type JsonObject,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  STORE_LIMITS,
  StoreError,
  type StoreErrorCode,
  type StoredEvent,
  type StreamGuard,
  type StreamRevision,
  type SubscribeOptions,
  type Subscription,
  isStoreError,
} from './store.js';
export { type ChainBreak, type ChainVerdict, type ChainedEvent, type SealedEvent, type VerifyChainOptions, hashOf, sealEvent, verifyChain } from './hash-chain.js';
export * from './memory-store.js';
// fee math: listed by name, so the unchecked variants the deciders call (assessPenaltyUnchecked,
// allocatePaymentUnchecked, areaChargeUnchecked, ...) stay internal; a test keeps the lists whole
export {
  type ChargeCalculation,
  areaCharge,
  fixedCharge,
  meteredCharge,
  priceFor,
  proratedAreaCharge,
  splitIntoMonths,
} from './pricing.js';
export {
  DEFAULT_PENALTY_POLICY,
  type PenaltyAssessment,
  type PenaltyCap,
  type PenaltyInput,
  type PenaltyPolicy,
  type PenaltySegment,
  assessPenalty,
  validatePenaltyPolicy,
} from './penalty.js';
export {
  type Allocation,
  type AllocationPolicy,
  type AllocationResult,
  DEFAULT_ALLOCATION_POLICY,
  type Receivable,
  type ReceivableKind,
  allocatePayment,
} from './allocation.js';
// the event envelope codec, not the store port's structural EventMeta of the same name (left out of store.ts's list)
export { EventMeta } from './events.js';
export * from './account.js';
export * from './community.js';
export * from './handler.js';
export * from './upcast.js';
export * from './jsonl.js';
export * from './spec.js';
export * from './id-table.js';
