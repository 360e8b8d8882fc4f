/**
 * The community decider (issue 3, "Community stream"): a community (小区) registers its units,
 * adopts fee schedule versions (收费标准) published (公示) before they take effect, runs billing
 * for a period, closes periods (按季度结算) with their totals and stream heads sealed, and records
 * expenditures of its funds (专款专用). Pure: the instant, fresh ids and the totals of a close come
 * in through the {@link CommunityContext}; the handler (handler.ts) gathers them.
 *
 * A billing run decides no account events itself: {@link planBilling} returns one `IssueCharge`
 * command per unit and applicable fee item, which the handler sends to each account stream, and a
 * `BillingRunCompleted` event for the community stream. Charge ids and event ids are deterministic,
 * so running it twice issues nothing new.
 *
 * @example
 * import { communityDecider, DeciderSpecification } from '@levy/core';
 * DeciderSpecification.for(communityDecider, context)
 *   .given([registered])
 *   .when(registerUnit)
 *   .then([unitRegisteredEvent]);
 */
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_TIME_ZONE, type EpochDay, businessDayAt, epochDayOf, isoDateOf, validateTimeZone } from './calendar.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { type Amount, type Count, type Id, type IsoDate, type PeriodKey, amountOf } from './codecs.js';
import type { CommandData, CommandMeta, CommandOf, CommunityCommand } from './commands.js';
import { type Decider, type DecisionContext, dateAfterToday, eventFrom } from './decider.js';
import { dec, describe, parseDecimal } from './decimal.js';
import { type DueRule, dueDateOf, validateDueRule } from './due-date.js';
import { type DomainError, LevyError, domainError } from './errors.js';
import { eventIdFor } from './event-id.js';
import type { BillingCycle, CommunityEvent, EventData, EventOf, UseType } from './events.js';
import { BucketMap } from './bucket-map.js';
import { Money } from './money.js';
import { validatePenaltyPolicy } from './penalty.js';
import { type Period, monthsOf, parsePeriodKey, periodOf } from './period.js';
import { type ChargeCalculation, areaChargeUnchecked, fixedChargeUnchecked, meteredChargeUnchecked, priceForUnchecked, proratedAreaChargeUnchecked } from './pricing.js';

// ---------------------------------------------------------------------------------------------
// state
// ---------------------------------------------------------------------------------------------

/** A unit as the community knows it, with its area and owner over time. */
export interface UnitRecord {
  readonly unitId: string;
  readonly building: string;
  readonly useType: UseType;
  readonly grade: string | undefined;
  /** epoch day the unit was handed over: billing starts that day */
  readonly handoverDay: EpochDay;
  /**
   * building area (建筑面积): the registered area first (`from` the handover day), then each change
   * from its date on, sorted by `from`; {@link areaOn} reads it
   */
  readonly areaHistory: readonly { readonly from: EpochDay; readonly areaM2: string }[];
  /** owners from each date on, sorted by `from` */
  readonly ownerHistory: readonly { readonly from: EpochDay; readonly owner: EventData<'UnitRegistered'>['owner'] }[];
}

/** A fee schedule version and its dates as epoch days. */
export interface ScheduleRecord {
  readonly data: EventData<'FeeScheduleAdopted'>;
  readonly publishedDay: EpochDay;
  readonly effectiveDay: EpochDay;
}

/** A closed period. */
export interface PeriodCloseRecord {
  readonly periodKey: string;
  readonly start: EpochDay;
  readonly end: EpochDay;
}

/** Everything the community decider needs to know, folded from the community stream. */
export interface CommunityState {
  readonly communityId: string | null;
  readonly registered: boolean;
  readonly name: string | null;
  readonly timeZone: string | null;
  /** the period kind closes use (a quarter by default: 按月收取, 按季度结算) */
  readonly closeCycle: BillingCycle;
  /** units by id; iteration order is not registration order (sort ids where order matters) */
  readonly units: ReadonlyMap<string, UnitRecord>;
  /** fee schedule versions, ascending */
  readonly schedules: readonly ScheduleRecord[];
  /** completed billing runs by period key */
  readonly billingRuns: ReadonlyMap<string, EventData<'BillingRunCompleted'>>;
  /**
   * the earliest business date of money the community stream records: a billing run's date (its
   * charges carry it) or an expenditure's (the earlier of its effective date and `paidOn`), with
   * what it is; the first close may not start after it
   */
  readonly firstActivity: { readonly day: EpochDay; readonly what: string } | null;
  /** closed periods, in closing order (contiguous) */
  readonly closes: readonly PeriodCloseRecord[];
  /** last day of the latest closed period, or null: nothing may be dated on or before it */
  readonly closedThrough: EpochDay | null;
  readonly expenditures: ReadonlyMap<string, EventData<'ExpenditureRecorded'>>;
  /** events folded so far */
  readonly version: number;
}

/** Totals and stream heads sealed by a period close; the handler reads them from the account streams. */
export interface PeriodCloseInputs {
  readonly totals: { readonly billed: Money; readonly collected: Money; readonly waived: Money; readonly penalties: Money; readonly credit: Money };
  /** last revision (as a decimal string) and hash of every account stream of the community */
  readonly heads: readonly { readonly streamId: string; readonly revision: string; readonly hash: string }[];
  /**
   * the earliest effective date of any account event of the community, when the gatherer read it:
   * a first close may not start after it (its totals would leave those days out)
   */
  readonly firstAccountDate?: IsoDate;
}

/** What a community decision may know beyond the command and the state. */
export interface CommunityContext extends DecisionContext {
  /** required by `ClosePeriod` only */
  readonly closeInputs?: PeriodCloseInputs;
}

/**
 * The state before any event: nothing registered.
 *
 * @example
 * initialCommunityState().registered; // false
 */
export const initialCommunityState = (): CommunityState => ({
  communityId: null,
  registered: false,
  name: null,
  timeZone: null,
  closeCycle: 'quarter',
  units: BucketMap.empty<UnitRecord>(),
  schedules: [],
  billingRuns: new Map(),
  firstActivity: null,
  closes: [],
  closedThrough: null,
  expenditures: new Map(),
  version: 0,
});

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

type Result<A> = E.Either<DomainError, A>;

// iso dates reaching the decider are codec-checked, so the slice arithmetic is safe
const dayOf = (iso: string): EpochDay => epochDayOf(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
const iso = (day: EpochDay): IsoDate => isoDateOf(day) as IsoDate;

/**
 * The building area of a unit on a day: the latest change from on or before it, else the registered
 * area. A change dated before the handover (refused since `AREA_CHANGE_BEFORE_HANDOVER`; older logs
 * may hold one) applies from the handover on, as its date says: billing starts there.
 *
 * @example
 * areaOn(unit, epochDayOf(2025, 3, 1)); // '89.50'
 */
export const areaOn = (unit: UnitRecord, day: EpochDay): string => {
  const [registered, ...changes] = unit.areaHistory;
  let area = registered?.areaM2 ?? '0';
  for (const h of changes) if (h.from <= day) area = h.areaM2;
  return area;
};

/**
 * The fee schedule a period is billed from: the highest version in force on the period's first day
 * among those published (公示) by then, or undefined. A version that takes effect later in the
 * period bills from the next period on, so no day is billed at a price before its version takes
 * effect (a yearly cycle would otherwise bill all of January at a price from December). Only when
 * no version is in force on the first day, because the community's first schedule takes effect
 * during the period, is the period billed from the version that takes effect first in it. A
 * version published during the period applies from the next period: a charge may not be billed from
 * a schedule published after its period starts.
 *
 * @example
 * scheduleFor(state, march2025)?.data.version; // 2
 */
export const scheduleFor = (state: CommunityState, period: Period): ScheduleRecord | undefined =>
  highestVersion(state, (s) => s.effectiveDay <= period.start && s.publishedDay <= period.start) ?? firstInPeriod(state, period);

// the version that takes effect first during the period among those published by its first day (the highest of one day)
const firstInPeriod = (state: CommunityState, period: Period): ScheduleRecord | undefined => {
  let found: ScheduleRecord | undefined;
  for (const s of state.schedules) {
    if (s.effectiveDay > period.end || s.publishedDay > period.start) continue;
    if (found === undefined || s.effectiveDay < found.effectiveDay || (s.effectiveDay === found.effectiveDay && s.data.version > found.data.version)) found = s;
  }
  return found;
};

// the highest version of the community's schedules that passes `ok`, or undefined
const highestVersion = (state: CommunityState, ok: (s: ScheduleRecord) => boolean): ScheduleRecord | undefined => {
  let found: ScheduleRecord | undefined;
  for (const s of state.schedules) if (ok(s) && (found === undefined || s.data.version > found.data.version)) found = s;
  return found;
};

/**
 * The fee schedule in force on a day (highest version effective on or before it), or undefined.
 *
 * @example
 * scheduleOn(state, epochDayOf(2025, 4, 10))?.data.penalty.dailyRate; // '0.0003'
 */
export const scheduleOn = (state: CommunityState, day: EpochDay): ScheduleRecord | undefined => highestVersion(state, (s) => s.effectiveDay <= day);

/**
 * Refuses a day inside a closed period with `PERIOD_CLOSED`, telling the clerk what to do instead.
 *
 * @example
 * closedPeriodCheck(state, epochDayOf(2025, 2, 1), ['meta', 'effectiveDate']); // left PERIOD_CLOSED when 2025-Q1 is closed
 */
export const closedPeriodCheck = (state: Pick<CommunityState, 'closes' | 'closedThrough'>, day: EpochDay, path: readonly string[]): Result<void> => {
  if (state.closedThrough === null || day > state.closedThrough) return E.right(undefined);
  const close = state.closes.find((c) => c.start <= day && day <= c.end);
  const which = close === undefined ? `a closed period (everything through ${isoDateOf(state.closedThrough)} is closed)` : `period ${close.periodKey} (${isoDateOf(close.start)} to ${isoDateOf(close.end)}), which is closed`;
  return E.left(
    domainError(
      'PERIOD_CLOSED',
      `${isoDateOf(day)} falls in ${which}; a closed period no longer changes: book a correction dated in the open period (from ${isoDateOf(state.closedThrough + 1)}) and name the event it corrects in meta.corrects`,
      path,
      { date: isoDateOf(day), periodKey: close?.periodKey, closedThrough: isoDateOf(state.closedThrough) },
    ),
  );
};

const withPath = (e: DomainError, path: readonly string[]): DomainError => ({ ...e, path: [...path, ...e.path.slice(-1)] });

const MAX_ID = 64;
/**
 * The charge id a billing run gives one fee item of one period: `<feeItemId>-<periodKey>`, or a
 * digest when that would exceed the 64-character id limit. Deterministic, so a re-run finds it.
 *
 * @example
 * billingChargeId('property', '2025-03'); // 'property-2025-03'
 */
export const billingChargeId = (feeItemId: string, periodKey: string): string => {
  const id = `${feeItemId}-${periodKey}`;
  return id.length <= MAX_ID ? id : `c-${sha256Hex(id).slice(0, 40)}`;
};

// ---------------------------------------------------------------------------------------------
// evolve
// ---------------------------------------------------------------------------------------------

// a community holds thousands of units: a persistent map keeps each registration cheap to fold
const withUnit = (units: ReadonlyMap<string, UnitRecord>, unit: UnitRecord): ReadonlyMap<string, UnitRecord> =>
  units instanceof BucketMap ? units.set(unit.unitId, unit) : new Map(units).set(unit.unitId, unit);

const earlierActivity = (first: CommunityState['firstActivity'], day: EpochDay, what: string): CommunityState['firstActivity'] =>
  first !== null && first.day <= day ? first : { day, what };

/**
 * Folds one community event into the state. Pure: returns a new state, sharing what did not change.
 *
 * @example
 * const s = events.reduce(evolveCommunity, initialCommunityState());
 */
export const evolveCommunity = (state: CommunityState, event: CommunityEvent): CommunityState => {
  const version = state.version + 1;
  switch (event.type) {
    case 'CommunityRegistered': {
      const d = event.data;
      return { ...state, communityId: d.communityId, registered: true, name: d.name, timeZone: d.timeZone, closeCycle: d.closeCycle, version };
    }
    case 'UnitRegistered': {
      const d = event.data;
      const handoverDay = dayOf(d.handoverDate);
      const unit: UnitRecord = {
        unitId: d.unitId,
        building: d.building,
        useType: d.useType,
        grade: d.grade,
        handoverDay,
        areaHistory: [{ from: handoverDay, areaM2: d.areaM2 }],
        ownerHistory: [{ from: handoverDay, owner: d.owner }],
      };
      return { ...state, units: withUnit(state.units, unit), version };
    }
    case 'UnitAreaChanged': {
      const d = event.data;
      const unit = state.units.get(d.unitId);
      if (unit === undefined) return { ...state, version };
      const from = dayOf(d.from);
      // the registered area stays first, so a change from the handover day does not overwrite it (a retried RegisterUnit still matches)
      const [registered, ...changes] = unit.areaHistory;
      const later = [...changes.filter((h) => h.from !== from), { from, areaM2: d.areaM2 }].sort((a, b) => a.from - b.from);
      const areaHistory = registered === undefined ? later : [registered, ...later];
      return { ...state, units: withUnit(state.units, { ...unit, areaHistory }), version };
    }
    case 'UnitOwnerChanged': {
      const d = event.data;
      const unit = state.units.get(d.unitId);
      if (unit === undefined) return { ...state, version };
      const from = dayOf(d.from);
      // the registered owner stays first, as the registered area does (a retried RegisterUnit still matches)
      const [registered, ...changes] = unit.ownerHistory;
      const later = [...changes.filter((h) => h.from !== from), { from, owner: d.owner }].sort((a, b) => a.from - b.from);
      const ownerHistory = registered === undefined ? later : [registered, ...later];
      return { ...state, units: withUnit(state.units, { ...unit, ownerHistory }), version };
    }
    case 'FeeScheduleAdopted': {
      const d = event.data;
      const record: ScheduleRecord = { data: d, publishedDay: dayOf(d.publishedOn), effectiveDay: dayOf(d.effectiveFrom) };
      const schedules = [...state.schedules, record].sort((a, b) => a.data.version - b.data.version);
      return { ...state, schedules, version };
    }
    case 'BillingRunCompleted': {
      const billingRuns = new Map(state.billingRuns);
      billingRuns.set(event.data.periodKey, event.data);
      const firstActivity = earlierActivity(state.firstActivity, dayOf(event.meta.effectiveDate), `the billing run of ${event.data.periodKey}`);
      return { ...state, billingRuns, firstActivity, version };
    }
    case 'PeriodClosed': {
      const d = event.data;
      const close: PeriodCloseRecord = { periodKey: d.periodKey, start: dayOf(d.periodStart), end: dayOf(d.periodEnd) };
      const closedThrough = state.closedThrough === null ? close.end : Math.max(state.closedThrough, close.end);
      return { ...state, closes: [...state.closes, close], closedThrough, version };
    }
    case 'ExpenditureRecorded': {
      const expenditures = new Map(state.expenditures);
      expenditures.set(event.data.expenditureId, event.data);
      const day = Math.min(dayOf(event.meta.effectiveDate), dayOf(event.data.paidOn));
      const firstActivity = earlierActivity(state.firstActivity, day, `expenditure ${event.data.expenditureId}`);
      return { ...state, expenditures, firstActivity, version };
    }
  }
};

// ---------------------------------------------------------------------------------------------
// decide
// ---------------------------------------------------------------------------------------------

type Events = Result<readonly CommunityEvent[]>;
const none: Events = E.right([]);

const notRegistered = (): Events =>
  E.left(domainError('COMMUNITY_NOT_REGISTERED', 'this community is not registered yet: register it (RegisterCommunity) before anything else', []));

/**
 * Decides a community command. Every refusal is a DomainError with a stable code and the path of
 * the field at fault; a retried command that was already decided returns no events.
 *
 * @example
 * decideCommunity(registerUnitCommand, state, { now: '2025-03-01T02:00:00Z', newId: (p) => p });
 * // right([{ type: 'UnitRegistered', ... }])
 */
export const decideCommunity = (command: CommunityCommand, state: CommunityState, ctx: CommunityContext): Events => {
  if (command.type === 'RegisterCommunity') return registerCommunity(command, state, ctx);
  if (!state.registered || state.communityId === null) return notRegistered();
  const open = closedPeriodCheck(state, dayOf(command.meta.effectiveDate), ['meta', 'effectiveDate']);
  if (E.isLeft(open)) {
    // a retry of what was decided before the close is still a retry (a command appends nothing
    // twice); anything else dated in a closed period is PERIOD_CLOSED before any other refusal
    const decided = decideRegistered(command, state, ctx);
    return E.isRight(decided) && decided.right.length === 0 ? decided : open;
  }
  return decideRegistered(command, state, ctx);
};

const decideRegistered = (command: Exclude<CommunityCommand, CommandOf<'RegisterCommunity'>>, state: CommunityState, ctx: CommunityContext): Events => {
  switch (command.type) {
    case 'RegisterUnit':
      return registerUnit(command, state, ctx);
    case 'ChangeUnitArea':
      return changeUnitArea(command, state, ctx);
    case 'ChangeUnitOwner':
      return changeUnitOwner(command, state, ctx);
    case 'AdoptFeeSchedule':
      return adoptFeeSchedule(command, state, ctx);
    case 'RunBilling': {
      if (state.billingRuns.has(command.data.periodKey)) return none;
      const plan = planBilling(state, command.data.periodKey, command.meta, ctx);
      return E.map((p: BillingPlan) => [p.completed] as const)(plan);
    }
    case 'ClosePeriod':
      return closePeriod(command, state, ctx);
    case 'RecordExpenditure':
      return recordExpenditure(command, state, ctx);
  }
};

const registerCommunity = (command: CommandOf<'RegisterCommunity'>, state: CommunityState, ctx: CommunityContext): Events => {
  const d = command.data;
  // the zone is recorded in its canonical spelling ('asia/shanghai' is Asia/Shanghai), so readers can compare it as text
  const zone = validateTimeZone(d.timeZone ?? 'Asia/Shanghai', ['data', 'timeZone']);
  if (E.isLeft(zone)) return zone;
  const data: EventData<'CommunityRegistered'> = {
    communityId: d.communityId,
    name: d.name,
    timeZone: zone.right as EventData<'CommunityRegistered'>['timeZone'],
    closeCycle: d.closeCycle ?? 'quarter',
  };
  if (state.registered) {
    if (state.communityId === d.communityId && state.name === data.name && state.timeZone === data.timeZone && state.closeCycle === data.closeCycle) return none;
    return E.left(domainError('COMMUNITY_ALREADY_REGISTERED', `community ${describe(state.communityId)} is already registered (as ${describe(state.name)})`, ['data', 'communityId']));
  }
  return E.right([eventFrom('CommunityRegistered', data, command.meta, ctx, eventIdFor('CommunityRegistered', [d.communityId]))]);
};

const checkArea = (areaM2: string, path: readonly string[]): Result<void> => {
  const parsed = parseDecimal(areaM2, path);
  if (E.isLeft(parsed)) return parsed;
  const d = parsed.right;
  if (!d.greaterThan(0)) return E.left(domainError('AREA_NOT_POSITIVE', `the building area must be above zero m², not ${areaM2}`, path, { input: areaM2 }));
  // a limit on everything (STYLE.md): no single unit is a square kilometre
  if (d.greaterThan(1_000_000)) return E.left(domainError('AREA_TOO_LARGE', `the building area ${areaM2} m² is beyond 1,000,000 m²: check the figure`, path, { input: areaM2 }));
  if (d.decimalPlaces() > 4) return E.left(domainError('AREA_TOO_PRECISE', `the building area ${areaM2} m² has more than 4 decimal places`, path, { input: areaM2 }));
  return E.right(undefined);
};

// the same area however it is written ('89.5' and '89.50'): a retry need not repeat the spelling
const sameArea = (a: string, b: string): boolean => a === b || dec(a).equals(dec(b));

const registerUnit = (command: CommandOf<'RegisterUnit'>, state: CommunityState, ctx: CommunityContext): Events => {
  const d = command.data;
  const communityId = state.communityId as Id;
  const area = checkArea(d.areaM2, ['data', 'areaM2']);
  if (E.isLeft(area)) return area;
  const data: EventData<'UnitRegistered'> = {
    communityId,
    unitId: d.unitId,
    building: d.building,
    areaM2: d.areaM2,
    useType: d.useType,
    owner: d.owner,
    handoverDate: d.handoverDate,
    ...(d.grade === undefined ? {} : { grade: d.grade }),
  };
  const existing = state.units.get(d.unitId);
  if (existing !== undefined) {
    const same =
      existing.building === d.building &&
      existing.useType === d.useType &&
      existing.grade === d.grade &&
      existing.handoverDay === dayOf(d.handoverDate) &&
      existing.areaHistory[0] !== undefined &&
      sameArea(existing.areaHistory[0].areaM2, d.areaM2) &&
      canonicalJson(existing.ownerHistory[0]?.owner) === canonicalJson(d.owner);
    // a retried registration is a no-op; a different unit under the same id is refused
    if (same) return none;
    return E.left(
      domainError('UNIT_ALREADY_REGISTERED', `unit ${describe(d.unitId)} is already registered in building ${describe(existing.building)}; change its area or owner with ChangeUnitArea / ChangeUnitOwner`, ['data', 'unitId']),
    );
  }
  return E.right([eventFrom('UnitRegistered', data, command.meta, ctx, eventIdFor('UnitRegistered', [communityId, d.unitId]))]);
};

const unitOf = (state: CommunityState, unitId: string): Result<UnitRecord> => {
  const unit = state.units.get(unitId);
  return unit === undefined
    ? E.left(domainError('UNIT_NOT_REGISTERED', `unit ${describe(unitId)} is not registered in community ${describe(state.communityId)}`, ['data', 'unitId']))
    : E.right(unit);
};

// the entry of a unit's area or owner history in force from exactly `day`: a change from that day
// (one a day: a later one replaces it), else the registration when it is dated that day, else undefined
const fromDay = <H extends { readonly from: EpochDay }>(history: readonly H[], day: EpochDay): H | undefined => {
  const [registered, ...changes] = history;
  return changes.find((h) => h.from === day) ?? (registered?.from === day ? registered : undefined);
};

const changeUnitArea = (command: CommandOf<'ChangeUnitArea'>, state: CommunityState, ctx: CommunityContext): Events => {
  const d = command.data;
  const unit = unitOf(state, d.unitId);
  if (E.isLeft(unit)) return unit;
  const area = checkArea(d.areaM2, ['data', 'areaM2']);
  if (E.isLeft(area)) return area;
  const from = dayOf(d.from);
  // a retry, or a change to what is already in force from that day, is one whatever has happened
  // since (its period closed); a change back to an earlier figure is a change, and is recorded
  const inForce = fromDay(unit.right.areaHistory, from);
  if (inForce !== undefined && sameArea(inForce.areaM2, d.areaM2)) return none;
  const open = closedPeriodCheck(state, from, ['data', 'from']);
  if (E.isLeft(open)) return open;
  const handover = unit.right.handoverDay;
  if (from < handover) {
    // billing starts at the handover, at the area registered then: a change dated earlier would say
    // one thing (from its date) and bill another (from the handover), so its date is refused
    return E.left(
      domainError(
        'AREA_CHANGE_BEFORE_HANDOVER',
        `unit ${describe(d.unitId)} was handed over on ${isoDateOf(handover)} and is billed from then at the area it was registered with; date the change on or after the handover (from ${isoDateOf(handover)}) to bill ${d.areaM2} m² from the start`,
        ['data', 'from'],
        { unitId: d.unitId, from: d.from, handoverDate: isoDateOf(handover) },
      ),
    );
  }
  const communityId = state.communityId as Id;
  const data: EventData<'UnitAreaChanged'> = { communityId, unitId: d.unitId, areaM2: d.areaM2, from: d.from };
  // the stream's revision tells a change back (100, 110, then 100 again from one day) from the first
  return E.right([eventFrom('UnitAreaChanged', data, command.meta, ctx, eventIdFor('UnitAreaChanged', [communityId, d.unitId, d.from, d.areaM2, String(state.version)]))]);
};

const changeUnitOwner = (command: CommandOf<'ChangeUnitOwner'>, state: CommunityState, ctx: CommunityContext): Events => {
  const d = command.data;
  const unit = unitOf(state, d.unitId);
  if (E.isLeft(unit)) return unit;
  const from = dayOf(d.from);
  // as for an area: only the owner already in force from that day makes it a no-op
  const inForce = fromDay(unit.right.ownerHistory, from);
  if (inForce !== undefined && canonicalJson(inForce.owner) === canonicalJson(d.owner)) return none;
  const open = closedPeriodCheck(state, from, ['data', 'from']);
  if (E.isLeft(open)) return open;
  const handover = unit.right.handoverDay;
  if (from < handover) {
    // the unit's owner from the handover is the one it was registered with: an earlier date would name an owner of nothing billed
    return E.left(
      domainError(
        'OWNER_CHANGE_BEFORE_HANDOVER',
        `unit ${describe(d.unitId)} was handed over on ${isoDateOf(handover)} to the owner it was registered with; date the change on or after the handover (from ${isoDateOf(handover)})`,
        ['data', 'from'],
        { unitId: d.unitId, from: d.from, handoverDate: isoDateOf(handover) },
      ),
    );
  }
  const communityId = state.communityId as Id;
  const data: EventData<'UnitOwnerChanged'> = { communityId, unitId: d.unitId, owner: d.owner, from: d.from };
  return E.right([eventFrom('UnitOwnerChanged', data, command.meta, ctx, eventIdFor('UnitOwnerChanged', [communityId, d.unitId, d.from, d.owner.ownerId, String(state.version)]))]);
};

// ---------------------------------------------------------------------------------------------
// fee schedules
// ---------------------------------------------------------------------------------------------

/**
 * Checks a fee schedule's content: items (at least one, unique ids, each billed to some use type,
 * a valid price for every use type it applies to), due rule, penalty policy, fee regime and the
 * manager's waiver limit. Errors carry the path from the command, e.g.
 * `['data', 'items', '0', 'pricing', 'byUseType', 'residential']`.
 *
 * @example
 * validateSchedule(adoptFeeScheduleCommand.data); // right(undefined) or left({ code: 'PRICE_NEGATIVE', path: [...] })
 */
export const validateSchedule = (d: CommandData<'AdoptFeeSchedule'>): Result<void> => {
  if (d.items.length === 0) return E.left(domainError('SCHEDULE_ITEMS_EMPTY', 'a fee schedule needs at least one fee item', ['data', 'items']));
  if (d.items.length > 100) return E.left(domainError('SCHEDULE_ITEMS_TOO_MANY', `a fee schedule holds at most 100 fee items, not ${d.items.length}`, ['data', 'items']));
  const seen = new Set<string>();
  for (const [i, item] of d.items.entries()) {
    const at = ['data', 'items', String(i)];
    if (seen.has(item.feeItemId)) return E.left(domainError('FEE_ITEM_DUPLICATE', `fee item ${describe(item.feeItemId)} appears twice in the schedule`, [...at, 'feeItemId']));
    seen.add(item.feeItemId);
    if (item.appliesTo.length === 0) {
      return E.left(domainError('FEE_ITEM_APPLIES_TO_NOTHING', `fee item ${describe(item.feeItemId)} applies to no use type: list at least one in appliesTo`, [...at, 'appliesTo']));
    }
    const checked = validatePricing(item.pricing, item.appliesTo, [...at, 'pricing']);
    if (E.isLeft(checked)) return checked;
  }
  const due = validateDueRule(d.dueRule, ['data', 'dueRule']);
  if (E.isLeft(due)) return due;
  const { enabled: _enabled, ...penalty } = d.penalty;
  const policy = validatePenaltyPolicy(penalty, ['data', 'penalty']);
  if (E.isLeft(policy)) return policy;
  if (d.regime.kind === 'commission') {
    if (d.regime.basis === 'percentage') {
      const parsed = parseDecimal(d.regime.rate, ['data', 'regime', 'rate']);
      if (E.isLeft(parsed)) return parsed;
      const rate = parsed.right;
      if (rate.lessThan(0) || rate.greaterThan(1)) {
        return E.left(domainError('COMMISSION_RATE_INVALID', `the commission rate must be a decimal from 0 to 1 (0.10 is 10%), not ${d.regime.rate}`, ['data', 'regime', 'rate']));
      }
    } else {
      // each charge carries the company's share (ChargeIssued.commission), and a fixed sum per period
      // has no share of a charge yet: billing would book none of it, so the books would be wrong
      return E.left(
        domainError(
          'COMMISSION_BASIS_UNSUPPORTED',
          `a commission of a fixed ${d.regime.amountPerPeriod} per period is not booked by Levy yet: no charge would carry any of it, and Revenue:Commission would stay 0.00; adopt the commission as a rate (basis "percentage") until it is`,
          ['data', 'regime', 'basis'],
        ),
      );
    }
  }
  const limit = Money.parse(d.managerWaiverLimit, ['data', 'managerWaiverLimit']);
  if (E.isLeft(limit)) return limit;
  if (limit.right.isNegative()) {
    return E.left(domainError('AMOUNT_NEGATIVE', `the manager's waiver limit must not be below zero, not ${d.managerWaiverLimit}`, ['data', 'managerWaiverLimit']));
  }
  if (d.installmentGraceDays > 366) {
    return E.left(domainError('INSTALLMENT_GRACE_INVALID', `installment grace must be at most 366 days, not ${d.installmentGraceDays}`, ['data', 'installmentGraceDays']));
  }
  return E.right(undefined);
};

const validatePricing = (pricing: CommandData<'AdoptFeeSchedule'>['items'][number]['pricing'], appliesTo: readonly string[], at: readonly string[]): Result<void> => {
  switch (pricing.kind) {
    case 'area': {
      const tables: [string, Readonly<Record<string, string>> | undefined][] = [
        ['byUseType', pricing.byUseType],
        ['byGrade', pricing.byGrade],
      ];
      for (const [table, prices] of tables) {
        for (const [key, price] of Object.entries(prices ?? {})) {
          const r = areaChargeUnchecked({ areaM2: '1', pricePerM2PerMonth: price, months: 1 });
          if (E.isLeft(r)) return E.left({ ...r.left, path: [...at, table, key] });
        }
      }
      for (const use of appliesTo) {
        if (!Object.hasOwn(pricing.byUseType, use)) {
          return E.left(domainError('PRICE_NOT_FOUND', `the item applies to ${describe(use)} units but has no price per m² for them in byUseType`, [...at, 'byUseType', use]));
        }
      }
      return E.right(undefined);
    }
    case 'fixed': {
      // a canonical amount of 16 digits passes the codec but not Money's range: refused, not thrown
      const perMonth = Money.parse(pricing.amountPerMonth, [...at, 'amountPerMonth']);
      if (E.isLeft(perMonth)) return perMonth;
      const r = fixedChargeUnchecked({ amountPerMonth: perMonth.right, months: 1 });
      return E.isLeft(r) ? E.left(withPath(r.left, [...at])) : E.right(undefined);
    }
    case 'metered': {
      const r = meteredChargeUnchecked({ previousReading: '0', currentReading: '1', unitPrice: pricing.unitPrice });
      return E.isLeft(r) ? E.left(withPath(r.left, [...at])) : E.right(undefined);
    }
  }
};

// an amount as the command typed it ("150"), as the event holds it ("150.00"), or the reason it is none
const canonical = (input: string, path: readonly string[]): Result<Amount> => E.map(amountOf)(Money.parse(input, path));

// the command's schedule with every amount canonical, so the event, its hash and a retry's compare
// do not depend on how the amounts were typed; a malformed amount is reported by validateSchedule
const scheduleEventData = (d: CommandData<'AdoptFeeSchedule'>, communityId: Id): Result<EventData<'FeeScheduleAdopted'>> => {
  const limit = canonical(d.managerWaiverLimit, ['data', 'managerWaiverLimit']);
  if (E.isLeft(limit)) return limit;
  const items: EventData<'FeeScheduleAdopted'>['items'][number][] = [];
  for (const [i, item] of d.items.entries()) {
    if (item.pricing.kind !== 'fixed') {
      items.push({ ...item, pricing: item.pricing });
      continue;
    }
    const perMonth = canonical(item.pricing.amountPerMonth, ['data', 'items', String(i), 'pricing', 'amountPerMonth']);
    if (E.isLeft(perMonth)) return perMonth;
    items.push({ ...item, pricing: { kind: 'fixed', amountPerMonth: perMonth.right } });
  }
  let cap: EventData<'FeeScheduleAdopted'>['penalty']['cap'];
  if (d.penalty.cap.kind === 'absolute') {
    const amount = canonical(d.penalty.cap.amount, ['data', 'penalty', 'cap', 'amount']);
    if (E.isLeft(amount)) return amount;
    cap = { kind: 'absolute', amount: amount.right };
  } else {
    cap = d.penalty.cap;
  }
  let regime: EventData<'FeeScheduleAdopted'>['regime'];
  if (d.regime.kind === 'commission' && d.regime.basis === 'fixed') {
    const amount = canonical(d.regime.amountPerPeriod, ['data', 'regime', 'amountPerPeriod']);
    if (E.isLeft(amount)) return amount;
    regime = { kind: 'commission', basis: 'fixed', amountPerPeriod: amount.right };
  } else {
    regime = d.regime;
  }
  return E.right({
    communityId,
    version: d.version,
    publishedOn: d.publishedOn,
    effectiveFrom: d.effectiveFrom,
    billingCycle: d.billingCycle,
    dueRule: d.dueRule,
    items,
    penalty: { ...d.penalty, cap },
    allocation: d.allocation,
    regime,
    managerWaiverLimit: limit.right,
    installmentGraceDays: d.installmentGraceDays,
  });
};

const adoptFeeSchedule = (command: CommandOf<'AdoptFeeSchedule'>, state: CommunityState, ctx: CommunityContext): Events => {
  const d = command.data;
  const communityId = state.communityId as Id;
  const limit = Money.parse(d.managerWaiverLimit, ['data', 'managerWaiverLimit']);
  if (E.isLeft(limit)) return limit;
  const data = scheduleEventData(d, communityId);
  const existing = state.schedules.find((s) => s.data.version === d.version);
  if (existing !== undefined && E.isRight(data) && canonicalJson(existing.data) === canonicalJson(data.right)) return none;
  const latest = state.schedules[state.schedules.length - 1];
  if (latest !== undefined && d.version <= latest.data.version) {
    return E.left(
      domainError('SCHEDULE_VERSION_NOT_INCREASING', `fee schedule versions must increase: version ${latest.data.version} exists, so adopt version ${latest.data.version + 1} or later, not ${d.version}`, [
        'data',
        'version',
      ]),
    );
  }
  if (d.publishedOn > d.effectiveFrom) {
    return E.left(
      domainError('SCHEDULE_EFFECTIVE_BEFORE_PUBLISHED', `a schedule must be published (公示) before it takes effect: published ${d.publishedOn} is after effective ${d.effectiveFrom}`, [
        'data',
        'effectiveFrom',
      ]),
    );
  }
  const open = closedPeriodCheck(state, dayOf(d.effectiveFrom), ['data', 'effectiveFrom']);
  if (E.isLeft(open)) return open;
  const valid = validateSchedule(d);
  if (E.isLeft(valid)) return valid;
  if (E.isLeft(data)) return data;
  return E.right([eventFrom('FeeScheduleAdopted', data.right, command.meta, ctx, eventIdFor('FeeScheduleAdopted', [communityId, String(d.version)]))]);
};

// ---------------------------------------------------------------------------------------------
// billing
// ---------------------------------------------------------------------------------------------

/** What a billing run decides: the charges to issue on each account stream, and the community's record of the run. */
export interface BillingPlan {
  readonly charges: readonly { readonly unitId: string; readonly command: CommandOf<'IssueCharge'> }[];
  readonly completed: EventOf<'BillingRunCompleted'>;
}

type Calculation = CommandData<'IssueCharge'>['calculation'];

/**
 * Plans the billing run of a period: one `IssueCharge` per unit handed over by the period's end
 * and per fee item that applies to its use type, priced with the schedule in force for the period
 * (the highest version in force on its first day among those published by then, {@link scheduleFor}). Refusals: `PERIOD_KEY_INVALID`,
 * `PERIOD_CLOSED`, `NO_FEE_SCHEDULE`, `BILLING_CYCLE_MISMATCH` (a quarter key for a monthly
 * schedule), `SCHEDULE_NOT_PUBLISHED` (every version effective by the period's end was published
 * after the period starts: domain.md, 公示), `BILLING_PERIOD_OVERLAP` (the period shares a day with a
 * period of another key already billed: a day is billed once), and pricing errors naming the unit and item (path
 * `['units', unitId, 'items', feeItemId, ...]`), `AMOUNT_TOO_LARGE` among them: a charge or its
 * commission beyond the largest exact amount, or a run whose total would be (at the charge that
 * took it over). A refused run plans no charge at all.
 *
 * Rules: the area on the later of the period start and the handover day; a unit handed over after
 * the period starts pays its first month by days (area items; fixed items count the handover
 * month whole), and its charges fall due no earlier than the handover day (under `in-advance` a period is
 * due on its first day, before such a unit was handed over); metered items are not billed by runs (they need readings: a clerk issues them);
 * zero charges are skipped. Charge ids are `<feeItemId>-<periodKey>`, so a re-run finds them.
 *
 * @example
 * const plan = planBilling(state, '2025-03', meta, ctx);
 * // right({ charges: [{ unitId: 'B1-0101', command: { type: 'IssueCharge', data: { chargeId: 'property-2025-03', amount: '250.60', ... } } }, ...], completed })
 */
export const planBilling = (state: CommunityState, periodKey: string, meta: CommandMeta, ctx: Pick<DecisionContext, 'now'>): Result<BillingPlan> => {
  if (!state.registered || state.communityId === null) return notRegistered() as Result<never>;
  const communityId = state.communityId as Id;
  const parsed = parsePeriodKey(periodKey, ['data', 'periodKey']);
  if (E.isLeft(parsed)) return parsed;
  const period = parsed.right;
  const open = closedPeriodCheck(state, period.start, ['data', 'periodKey']);
  if (E.isLeft(open)) return open;
  const schedule = scheduleFor(state, period);
  if (schedule === undefined) {
    // the version billing would have used but for 公示: named in the refusal
    const unpublished = highestVersion(state, (s) => s.effectiveDay <= period.end);
    if (unpublished === undefined) {
      return E.left(domainError('NO_FEE_SCHEDULE', `no fee schedule takes effect by ${isoDateOf(period.end)}, the end of ${period.key}: adopt one first`, ['data', 'periodKey']));
    }
    const u = unpublished.data;
    return E.left(
      domainError(
        'SCHEDULE_NOT_PUBLISHED',
        `fee schedule version ${u.version} was published (公示) on ${u.publishedOn}, after ${period.key} starts (${isoDateOf(period.start)}), and no version published by then takes effect by its end; a charge may not be billed from a schedule published after its period starts`,
        ['data', 'periodKey'],
        { scheduleVersion: u.version, publishedOn: u.publishedOn, periodStart: isoDateOf(period.start) },
      ),
    );
  }
  const s = schedule.data;
  if (period.kind !== s.billingCycle) {
    return E.left(
      domainError('BILLING_CYCLE_MISMATCH', `fee schedule version ${s.version} bills by ${s.billingCycle}, so run billing for a ${s.billingCycle} key, not ${describe(period.key)}`, ['data', 'periodKey']),
    );
  }
  const overlap = overlapCheck(state, period);
  if (E.isLeft(overlap)) return overlap;
  const dueDay = dueDateOf(period, s.dueRule as DueRule);
  const dueDate = iso(dueDay);
  const charges: { unitId: string; command: CommandOf<'IssueCharge'> }[] = [];
  let total = Money.zero();
  const unitIds = [...state.units.keys()].sort();
  for (const unitId of unitIds) {
    const unit = state.units.get(unitId) as UnitRecord;
    if (unit.handoverDay > period.end) continue;
    // paid in advance (先交后用), a period is due on its first day; a unit handed over later in the
    // period owes nothing before it has it, so its charges fall due on the handover day
    const unitDue = unit.handoverDay > dueDay ? iso(unit.handoverDay) : dueDate;
    for (const item of s.items) {
      if (!item.appliesTo.includes(unit.useType) || item.pricing.kind === 'metered') continue;
      const calc = chargeFor(item.pricing, unit, period);
      if (E.isLeft(calc)) {
        return E.left({ ...calc.left, path: ['units', unitId, 'items', item.feeItemId, ...calc.left.path], message: `unit ${unitId}, fee item ${item.feeItemId}: ${calc.left.message}` });
      }
      const amount = calc.right.amount;
      if (amount.isZero()) continue;
      let commission: Money;
      try {
        commission = commissionOf(s.regime, amount);
      } catch (e) {
        const rate = s.regime.kind === 'commission' && s.regime.basis === 'percentage' ? s.regime.rate : '0';
        const message = `unit ${unitId}, fee item ${item.feeItemId}: the commission on ${amount.toString()} at rate ${rate} is beyond ${LARGEST}; check the schedule's commission rate`;
        return beyondLargest(e, ['units', unitId, 'items', item.feeItemId, 'commission'], message, { unitId, feeItemId: item.feeItemId, amount: amount.toString(), rate });
      }
      try {
        total = total.add(amount);
      } catch (e) {
        const message = `unit ${unitId}, fee item ${item.feeItemId}: this charge of ${amount.toString()} takes the run's total (${total.toString()} so far) beyond ${LARGEST}; check the schedule's prices and the units' areas`;
        return beyondLargest(e, ['units', unitId, 'items', item.feeItemId], message, { unitId, feeItemId: item.feeItemId, amount: amount.toString(), totalSoFar: total.toString() });
      }
      charges.push({
        unitId,
        command: {
          type: 'IssueCharge',
          data: {
            chargeId: billingChargeId(item.feeItemId, period.key) as Id,
            feeItemId: item.feeItemId,
            periodKey: period.key as PeriodKey,
            periodStart: iso(period.start),
            periodEnd: iso(period.end),
            dueDate: unitDue,
            amount: amountOf(amount) as unknown as CommandData<'IssueCharge'>['amount'],
            calculation: calc.right.calculation,
            scheduleVersion: s.version,
            regime: s.regime.kind,
            commission: amountOf(commission) as unknown as CommandData<'IssueCharge'>['commission'],
          },
          meta: { ...meta, correlationId: meta.correlationId ?? `billing-${communityId}-${period.key}` },
        },
      });
    }
  }
  const completed = eventFrom(
    'BillingRunCompleted',
    { communityId, periodKey: period.key as PeriodKey, scheduleVersion: s.version, chargeCount: charges.length as Count, total: amountOf(total) },
    meta,
    ctx,
    eventIdFor('BillingRunCompleted', [communityId, period.key]),
  );
  return E.right({ charges, completed });
};

// the billed periods of other keys that share a day with `period`: periods are whole months, so
// those are the year, quarters and months that meet it (at most 17 lookups, whatever the history)
const billedOverlapping = (state: CommunityState, period: Period): readonly Period[] => {
  const found: Period[] = [];
  for (const kind of ['year', 'quarter', 'month'] as const) {
    for (let p = periodOf(kind, period.start); p.start <= period.end; p = periodOf(kind, p.end + 1)) {
      if (p.key !== period.key && state.billingRuns.has(p.key)) found.push(p);
    }
  }
  return found.sort((a, b) => a.start - b.start || b.end - a.end);
};

// a day is billed once: a run under another key (a billing cycle changed between versions) would bill
// days a completed run already billed
const overlapCheck = (state: CommunityState, period: Period): Result<void> => {
  const billed = billedOverlapping(state, period);
  if (billed.length === 0) return E.right(undefined);
  const keys = billed.map((p) => p.key);
  const lastBilled = Math.max(...billed.map((p) => p.end));
  const after = periodOf(period.kind, lastBilled + 1);
  const next = after.start === lastBilled + 1 ? after : periodOf(period.kind, after.end + 1);
  return E.left(
    domainError(
      'BILLING_PERIOD_OVERLAP',
      `${period.key} (${isoDateOf(period.start)} to ${isoDateOf(period.end)}) overlaps ${keys.join(', ')}, already billed; a day is billed once, so this run is refused. Bill the periods after them (the next ${period.kind} is ${next.key}) and issue any days left between one charge at a time (IssueCharge); a schedule that changes the billing cycle takes effect best on the first day of one of its periods`,
      ['data', 'periodKey'],
      { periodKey: period.key, billed: keys, nextUnbilled: next.key },
    ),
  );
};

const LARGEST = `the largest amount Levy holds exactly (${Number.MAX_SAFE_INTEGER} fen)`;

// Money throws AMOUNT_TOO_LARGE beyond 2^53 - 1 fen: a billing run returns it as a Left naming the charge that met it
const beyondLargest = (e: unknown, path: readonly string[], message: string, details: Readonly<Record<string, unknown>>): Result<never> => {
  if (!(e instanceof LevyError) || e.code !== 'AMOUNT_TOO_LARGE') throw e;
  return E.left(domainError('AMOUNT_TOO_LARGE', message, path, details));
};

/**
 * The commission a fee schedule's regime gives a charge: under 酬金制 with a percentage, the rate of
 * the amount, rounded half-up once (the company's share); under 包干制 zero (the charge is all
 * revenue). What a billing run puts on each charge, and what a charge issued by hand must carry.
 *
 * @example
 * commissionOf({ kind: 'commission', basis: 'percentage', rate: '0.10' }, Money.of('100.05')).toString(); // '10.01'
 * commissionOf({ kind: 'lump-sum' }, Money.of('250.60')).toString(); // '0.00'
 */
export const commissionOf = (regime: EventData<'FeeScheduleAdopted'>['regime'], amount: Money): Money =>
  regime.kind === 'commission' && regime.basis === 'percentage' ? amount.times(regime.rate, 'half-up') : Money.zero();

type Priced = Result<{ amount: Money; calculation: Calculation }>;

// the event records how the amount was reached (DESIGN.md, principle 2): everything but the Money itself
const priced = (r: Result<ChargeCalculation>): Priced =>
  E.map(({ amount, ...how }: ChargeCalculation) => ({ amount, calculation: how as Calculation }))(r);

const chargeFor = (pricing: EventData<'FeeScheduleAdopted'>['items'][number]['pricing'], unit: UnitRecord, period: Period): Priced => {
  const startsMidPeriod = unit.handoverDay > period.start;
  switch (pricing.kind) {
    case 'area': {
      const price = priceForUnchecked(pricing, unit.useType, unit.grade);
      if (E.isLeft(price)) return price;
      const areaM2 = areaOn(unit, Math.max(period.start, unit.handoverDay));
      if (!startsMidPeriod) return priced(areaChargeUnchecked({ areaM2, pricePerM2PerMonth: price.right, months: period.months }));
      return priced(proratedFromHandover(areaM2, price.right, period, unit.handoverDay));
    }
    case 'fixed': {
      const months = startsMidPeriod ? monthsOf(period).filter((m) => m.end >= unit.handoverDay).length : period.months;
      const perMonth = Money.parse(pricing.amountPerMonth, ['amountPerMonth']);
      if (E.isLeft(perMonth)) return perMonth;
      return priced(fixedChargeUnchecked({ amountPerMonth: perMonth.right, months }));
    }
    case 'metered':
      return E.left(domainError('METERED_NOT_BILLED', 'metered items need readings and are issued one by one', []));
  }
};

// a unit handed over mid-period pays its first month by days and the later whole months in full,
// one exact product rounded once (pricing's proration, which returns a product too large as a Left)
const proratedFromHandover = (areaM2: string, price: string, period: Period, handoverDay: EpochDay): Result<ChargeCalculation> => {
  const first = periodOf('month', handoverDay);
  const daysBilled = first.end - handoverDay + 1;
  const wholeMonthsAfter = monthsOf(period).filter((m) => m.start > first.end).length;
  // handed over on the first of a later month: whole months only
  if (wholeMonthsAfter > 0 && daysBilled === first.days) return areaChargeUnchecked({ areaM2, pricePerM2PerMonth: price, months: wholeMonthsAfter + 1 });
  return proratedAreaChargeUnchecked({ areaM2, pricePerM2PerMonth: price, daysBilled, daysInMonth: first.days, wholeMonthsAfter });
};

// ---------------------------------------------------------------------------------------------
// closes and expenditures
// ---------------------------------------------------------------------------------------------

const closePeriod = (command: CommandOf<'ClosePeriod'>, state: CommunityState, ctx: CommunityContext): Events => {
  const d = command.data;
  const communityId = state.communityId as Id;
  const parsed = parsePeriodKey(d.periodKey, ['data', 'periodKey']);
  if (E.isLeft(parsed)) return parsed;
  const period = parsed.right;
  if (period.kind !== state.closeCycle) {
    return E.left(domainError('PERIOD_KIND_MISMATCH', `this community closes by ${state.closeCycle}, so close a ${state.closeCycle} key, not ${describe(d.periodKey)}`, ['data', 'periodKey']));
  }
  if (state.closes.some((c) => c.periodKey === period.key)) return none;
  if (state.closedThrough !== null && period.start <= state.closedThrough) {
    return E.left(domainError('PERIOD_ALREADY_CLOSED', `${period.key} lies in what is already closed (through ${isoDateOf(state.closedThrough)})`, ['data', 'periodKey']));
  }
  if (state.closedThrough !== null && period.start !== state.closedThrough + 1) {
    return E.left(
      domainError('PERIOD_CLOSE_OUT_OF_ORDER', `periods close in order: close the one starting ${isoDateOf(state.closedThrough + 1)} before ${period.key}`, ['data', 'periodKey']),
    );
  }
  if (state.closedThrough === null && state.firstActivity !== null) {
    const first = firstCloseCheck(state, period, state.firstActivity.day, state.firstActivity.what);
    if (E.isLeft(first)) return first;
  }
  if (dayOf(d.closedOn) <= period.end) {
    return E.left(domainError('PERIOD_NOT_ENDED', `${period.key} runs through ${isoDateOf(period.end)}; it can be closed from the day after, not on ${d.closedOn}`, ['data', 'closedOn']));
  }
  // a close dated ahead would seal a period that may still be running where the clerks are
  const zone = state.timeZone ?? DEFAULT_TIME_ZONE;
  const today = businessDayAt(ctx.now, zone, ['now']);
  if (E.isLeft(today)) return today;
  if (dayOf(d.closedOn) > today.right) {
    return E.left(
      domainError('CLOSED_ON_IN_FUTURE', `a period is closed on the day it is closed: ${d.closedOn} has not begun yet in ${zone}, where today is ${isoDateOf(today.right)}`, ['data', 'closedOn'], {
        closedOn: d.closedOn,
        today: isoDateOf(today.right),
        timeZone: zone,
      }),
    );
  }
  const inputs = ctx.closeInputs;
  if (inputs === undefined) {
    return E.left(domainError('CLOSE_INPUTS_MISSING', 'closing a period needs its totals and stream heads in the context; close periods through the handler', []));
  }
  if (state.closedThrough === null && inputs.firstAccountDate !== undefined) {
    const first = firstCloseCheck(state, period, dayOf(inputs.firstAccountDate), 'an account event');
    if (E.isLeft(first)) return first;
  }
  const t = inputs.totals;
  const data: EventData<'PeriodClosed'> = {
    communityId,
    periodKey: period.key as PeriodKey,
    periodStart: iso(period.start),
    periodEnd: iso(period.end),
    closedOn: d.closedOn,
    totals: { billed: amountOf(t.billed), collected: amountOf(t.collected), waived: amountOf(t.waived), penalties: amountOf(t.penalties), credit: amountOf(t.credit) },
    heads: [...inputs.heads].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0)),
  };
  return E.right([eventFrom('PeriodClosed', data, command.meta, ctx, eventIdFor('PeriodClosed', [communityId, period.key]))]);
};

// the first close takes in the earliest money dated on the community: a close starting after it
// would leave those days out of every sealed total, yet lock them (PERIOD_CLOSED) for good
const firstCloseCheck = (state: CommunityState, period: Period, firstDay: EpochDay, what: string): Result<void> => {
  if (period.start <= firstDay) return E.right(undefined);
  const closeFirst = periodOf(state.closeCycle, firstDay);
  return E.left(
    domainError(
      'PERIOD_CLOSE_OUT_OF_ORDER',
      `${period.key} would be this community's first close, but ${what} is dated ${isoDateOf(firstDay)}, before it starts: its totals would leave that out and the days before ${isoDateOf(period.start)} would be locked unsealed; periods close in order from the first one with anything dated in it: close ${closeFirst.key} first`,
      ['data', 'periodKey'],
      { periodKey: period.key, closeFirst: closeFirst.key, firstDate: isoDateOf(firstDay), first: what },
    ),
  );
};

const recordExpenditure = (command: CommandOf<'RecordExpenditure'>, state: CommunityState, ctx: CommunityContext): Events => {
  const d = command.data;
  const communityId = state.communityId as Id;
  if (command.meta.approval === undefined) {
    return E.left(
      domainError('APPROVAL_REQUIRED', `spending the community's funds (专款专用) needs an approval: give meta.approval with the approver, their role and a reference`, ['meta', 'approval']),
    );
  }
  const parsed = Money.parse(d.amount, ['data', 'amount']);
  if (E.isLeft(parsed)) return parsed;
  const amount = parsed.right;
  if (!amount.isPositive()) return E.left(domainError('AMOUNT_NOT_POSITIVE', `an expenditure must be above zero, not ${d.amount}`, ['data', 'amount']));
  const data: EventData<'ExpenditureRecorded'> = {
    communityId,
    expenditureId: d.expenditureId,
    category: d.category,
    amount: amountOf(amount),
    vendor: d.vendor,
    paidOn: d.paidOn,
    description: d.description,
  };
  // a retry is one whatever has happened since (its period closed, the days gone by)
  const existing = state.expenditures.get(d.expenditureId);
  if (existing !== undefined) {
    if (canonicalJson(existing) === canonicalJson(data)) return none;
    return E.left(domainError('EXPENDITURE_DUPLICATE', `expenditure ${describe(d.expenditureId)} is already recorded with different details; use a new id`, ['data', 'expenditureId']));
  }
  const paidDay = dayOf(d.paidOn);
  const ahead = dateAfterToday(ctx.now, state.timeZone ?? DEFAULT_TIME_ZONE, paidDay, ['data', 'paidOn'], 'an expenditure');
  if (ahead !== null) return E.left(ahead);
  const open = closedPeriodCheck(state, paidDay, ['data', 'paidOn']);
  if (E.isLeft(open)) return open;
  // dated the day the money left, as a payment is by the day received: the journal, the disclosure
  // and the closes read an expenditure on that day, whatever day it was booked
  const on = d.paidOn === command.meta.effectiveDate ? undefined : { effectiveDate: d.paidOn };
  return E.right([eventFrom('ExpenditureRecorded', data, command.meta, ctx, eventIdFor('ExpenditureRecorded', [communityId, d.expenditureId]), on)]);
};

// ---------------------------------------------------------------------------------------------
// the decider
// ---------------------------------------------------------------------------------------------

/**
 * The community decider: {@link decideCommunity}, {@link evolveCommunity}, {@link initialCommunityState}.
 *
 * @example
 * const state = events.reduce(communityDecider.evolve, communityDecider.initialState());
 * communityDecider.decide(command, state, ctx);
 */
export const communityDecider: Decider<CommunityCommand, CommunityEvent, CommunityState, CommunityContext> = {
  decide: decideCommunity,
  evolve: evolveCommunity,
  initialState: initialCommunityState,
};
