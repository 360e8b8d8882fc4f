/**
 * Looking ahead before folding: how a rebuild over a large community keeps the CPU busy.
 *
 * A log in effective-date order visits a different unit with nearly every event, and the account
 * book's state for 20,000 units (about 100 MB) is far beyond the CPU caches: each event waits on
 * memory for its unit's record, the unit's charge table and the charge, one load after another,
 * because each address comes out of the load before it. Folding a run of events, these reads are
 * first made for the whole run, one kind at a time (every event's stream name, then every unit,
 * then every unit's record and charge table, then every charge), so the reads of one kind do not
 * depend on one another and the CPU overlaps their waits; the run is then folded event by event as
 * always, with what it needs already in cache.
 *
 * The look-ahead only reads: the state and the events are exactly as they were. The units it
 * found are handed to the fold step, which would otherwise look each up again (a unit, once in the
 * book, is never replaced; one not found yet, such as a unit whose first event is in the same run,
 * is looked up by the step as always). Folding a run gives exactly what folding its events one at
 * a time gives: the test suite checks it on generated logs. Internal to the package: {@link rebuild}
 * uses it through `Projection.applyAll`.
 */
import type { BookState, UnitRecord } from './book.js';
import type { LoggedEvent } from './fold.js';

/** events looked ahead over at a time: enough to overlap the waits, few enough that what they warm stays in cache */
export const LOOK_AHEAD = 64;

// what the reads add up to, kept so that the compiler cannot drop them as unused
let warmth = 0;

/** A charge an event names, if any (its first allocation's for payments and reversals). */
const chargeIdOf = (event: LoggedEvent): string | undefined => {
  // by type, so each read of the data is of one shape (a read across all the shapes of event data
  // is a megamorphic lookup, costlier than the comparisons of the type). The cases that read
  // `chargeId` stay apart on purpose: merged, their one read would see six shapes again
  switch (event.type) {
    case 'PaymentReceived':
    case 'PaymentReversed': {
      const a = event.data.allocations;
      return a.length > 0 ? a[0]!.chargeId : undefined;
    }
    case 'ChargeIssued':
      return event.data.chargeId;
    case 'PenaltyAssessed':
      return event.data.chargeId;
    case 'CreditApplied':
      return event.data.chargeId;
    case 'WaiverGranted':
      return event.data.chargeId;
    case 'PenaltyAdjusted':
      return event.data.chargeId;
    case 'ChargeCancelled':
      return event.data.chargeId;
    default:
      return undefined;
  }
};

/**
 * Reads, for events `from` to `to` (exclusive), the units and charges the account book will touch
 * folding them, and changes nothing. `units` is scratch space for the run's units (at least
 * {@link LOOK_AHEAD} long).
 */
export const warmBook = (book: BookState, events: readonly LoggedEvent[], from: number, to: number, units: (UnitRecord | undefined)[]): void => {
  const byStream = book.units;
  // each pass's loads depend on the pass before, not on each other: the CPU overlaps them
  let sum = 0;
  // the stream names first (a string's hash sits in its header), then the units by them
  for (let i = from; i < to; i++) sum += events[i]!.streamId.length;
  for (let i = from; i < to; i++) units[i - from] = byStream.get(events[i]!.streamId);
  for (let i = from; i < to; i++) {
    const u = units[i - from];
    if (u !== undefined) sum += u.lastEvent + u.chargeAt.length;
  }
  const keys = book.chargeKeys;
  for (let i = from; i < to; i++) {
    const u = units[i - from];
    if (u === undefined) continue;
    const id = chargeIdOf(events[i]!);
    if (id === undefined) continue;
    const key = keys.get(id);
    if (key === undefined) continue;
    const c = u.chargeAt[key];
    if (c !== undefined) sum += c.lastMove;
  }
  warmth = (warmth + sum) | 0;
};

/**
 * Folds `events` into `state` in order, `step` on each, looking ahead with `warm` over each run of
 * {@link LOOK_AHEAD} events first; `step` gets the unit `warm` found for the event, or undefined.
 */
export const foldLookingAhead = <S>(
  state: S,
  events: readonly LoggedEvent[],
  warm: (state: S, events: readonly LoggedEvent[], from: number, to: number, units: (UnitRecord | undefined)[]) => void,
  step: (state: S, event: LoggedEvent, unit: UnitRecord | undefined) => S,
): S => {
  const n = events.length;
  const units = new Array<UnitRecord | undefined>(LOOK_AHEAD).fill(undefined);
  let s = state;
  for (let from = 0; from < n; from += LOOK_AHEAD) {
    const to = from + LOOK_AHEAD < n ? from + LOOK_AHEAD : n;
    warm(s, events, from, to, units);
    for (let i = from; i < to; i++) s = step(s, events[i]!, units[i - from]);
    units.fill(undefined);
  }
  return s;
};
