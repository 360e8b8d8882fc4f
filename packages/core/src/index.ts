/**
 * @levy/core: exact money, calendar, fee math, events and deciders, and the store port.
 * Everything here is pure: no clock, no randomness, no I/O. Time comes in as an input.
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
export * from './store.js';
export * from './hash-chain.js';
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
// the event envelope codec wins over the store port's structural EventMeta of the same name
export { EventMeta } from './events.js';
export * from './account.js';
export * from './community.js';
export * from './handler.js';
export * from './upcast.js';
export * from './jsonl.js';
export * from './spec.js';
export * from './id-table.js';
