/**
 * @levy/projections: what finance staff, owners' committees and auditors read, as pure folds over
 * the event log. One fold engine serves a full rebuild and a checkpointed subscription; every
 * report can be asked "as of" any date; the same log gives byte-identical output.
 *
 * @packageDocumentation
 */
export type { Either, Left, Right } from './either.js';
/** The field readers (fields.ts): all but `dayOfDecoded`, the fold's unchecked reader of decoded dates, which is the package's own: callers use the checked `dayOf`. */
export { ZERO, checkDay, checkLimit, dateOf, dayInvalid, dayOf, fixedOffsetOf, limitInvalid, moneyOfAmount, recordedDayOf, recordedDayWith } from './fields.js';
export * from './fold.js';
export * from './chunked.js';
export * from './journal.js';
/** The account book (book.ts): all its exports but `bookStepKnowing`, `reserveBook`, `communityInvalid` and `communityUnknown`, which are the package's own (views.ts, look-ahead.ts, the reports). */
export type { BookAnomaly, BookState, ChargeAsOf, ChargeMove, ChargeRecord, CommunityRecord, MoveKind, PlanRecord, PlanStatus, UnitRecord } from './book.js';
export {
  Movements,
  arrearsClassAsOf,
  billedDayOf,
  bookProjection,
  bookStep,
  chargeAsOf,
  chargeInActivePlan,
  chargeOf,
  compareText,
  creditAsOf,
  creditMovesOf,
  eventsByDay,
  eventsOf,
  movesOf,
  ownerAsOf,
  planStatusAsOf,
  unitsInOrder,
} from './book.js';
export * from './aging.js';
export * from './arrears.js';
export * from './collection-rate.js';
export * from './dunning.js';
export * from './statement.js';
export * from './disclosure.js';
export * from './audit.js';
export * from './views.js';
export * from './render.js';
