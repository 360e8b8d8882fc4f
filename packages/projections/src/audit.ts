/**
 * The audit trail: every event with its actor, reason, approval, effective date and recorded
 * instant, queryable by unit, actor, event type and period, with flags on what an auditor must
 * look at: entries backdated by more than N days (effective date earlier than the business day
 * they were recorded on), entries dated inside a closed period, and anything a rule should have
 * prevented (a principal waiver without the committee's approval, a penalty waiver without it
 * that takes what was so waived on its charge above the manager's limit, a cancellation or
 * expenditure without approval, a charge billed from a schedule published after the period
 * began). The account book's anomalies (over-paid charges, negative credit, unbalanced payments)
 * join these flags in {@link auditTrail}.
 *
 * @example
 * import { rebuild, auditProjection, auditTrail } from '@levy/projections';
 * import * as E from 'fp-ts/lib/Either.js';
 * const audit = rebuild(auditProjection, events);
 * const trail = auditTrail(audit, { flagged: true }); // an Either: left for a query it refuses
 * if (E.isRight(trail)) trail.right.rows.map((r) => `${r.type} ${r.flags.join(',')}`);
 */
import { DEFAULT_ACCOUNT_POLICY, type DomainError, EVENT_TYPES, type EpochDay, LevyError, type Money, accountStream, dayOfIso, describe, domainError, parsePeriodKey, parseStreamName } from '@levy/core';
import { ChunkedList } from './chunked.js';
import * as E from './either.js';
import { type BookAnomaly, communityUnknown } from './book.js';
import { dateOf, dayOfDecoded, fixedOffsetOf, limitInvalid, moneyOfAmount, recordedDayWith } from './fields.js';
import type { LoggedEvent, Projection } from './fold.js';
import { type OptionSpec, checkOptions, optionsInvalid } from './options.js';

/** Why an entry is flagged. */
export type AuditFlagCode =
  | 'BACKDATED'
  | 'IN_CLOSED_PERIOD'
  | 'WAIVER_WITHOUT_APPROVAL'
  | 'CANCELLATION_WITHOUT_APPROVAL'
  | 'EXPENDITURE_WITHOUT_APPROVAL'
  | 'PLAN_WITHOUT_APPROVAL'
  | 'BILLED_BEFORE_PUBLICATION'
  | BookAnomaly['code'];

/** A flag on one entry. */
export interface AuditFlag {
  readonly code: AuditFlagCode;
  readonly message: string;
}

/** Audit policy. */
export interface AuditPolicy {
  /** an entry whose effective date is more than this many days before the day it was recorded is flagged */
  readonly backdateDays: number;
}

/** Flags entries backdated by more than 7 days. */
export const DEFAULT_AUDIT_POLICY: AuditPolicy = Object.freeze({ backdateDays: 7 });

interface CommunityRules {
  readonly communityId: string;
  timeZone: string;
  /** the zone's fixed offset in minutes, or null to ask Intl */
  offset: number | null;
  /** the last recorded instant read in this zone and its business day: a command's events share one instant */
  lastInstant: string | null;
  lastRecorded: EpochDay;
  closedThrough: EpochDay | null;
  /** each schedule version's effective day and waiver limit: a waiver is held to the version in force on its day, as the decider holds it */
  readonly limits: { readonly version: number; readonly effectiveDay: EpochDay; readonly limit: Money }[];
  readonly published: Map<number, EpochDay>;
  /** penalty waived per charge (`<stream>|<chargeId>`) without the committee, as granted: the manager's limit holds per charge, in total */
  readonly managerWaived: Map<string, Money>;
}

/** The audit trail's fold state: the events themselves (by reference) and the flags raised. */
export interface AuditState {
  readonly policy: AuditPolicy;
  readonly events: ChunkedList<LoggedEvent>;
  /** flags by the event's index in `events` */
  readonly flags: Map<number, AuditFlag[]>;
  readonly communities: Map<string, CommunityRules>;
  /** the community of the last event, and its streams' names */
  readonly last: { communityId: string; accountPrefix: string; communityStream: string };
  /** the rules of the last event's community */
  lastRules: CommunityRules | null;
}

const rulesOf = (state: AuditState, communityId: string): CommunityRules => {
  let r = state.communities.get(communityId);
  if (r === undefined) {
    r = { communityId, timeZone: 'Asia/Shanghai', offset: fixedOffsetOf('Asia/Shanghai'), lastInstant: null, lastRecorded: 0, closedThrough: null, limits: [], published: new Map(), managerWaived: new Map() };
    state.communities.set(communityId, r);
  }
  state.lastRules = r;
  return r;
};

const communityIdOf = (state: AuditState, streamId: string): string | null => {
  // most logs hold one community or a few: check the last one's stream prefixes before parsing
  const last = state.last;
  if (last.communityId !== '' && (streamId.startsWith(last.accountPrefix) || streamId === last.communityStream)) return last.communityId;
  const p = parseStreamName(streamId);
  if (p === null) return null;
  last.communityId = p.communityId;
  last.accountPrefix = `levy.account-${p.communityId}.`;
  last.communityStream = `levy.community-${p.communityId}`;
  return p.communityId;
};

const raise = (state: AuditState, index: number, code: AuditFlagCode, message: string): void => {
  const list = state.flags.get(index);
  if (list === undefined) state.flags.set(index, [{ code, message }]);
  else list.push({ code, message });
};

const COMMITTEE = new Set(['committee', 'assembly']);

/**
 * The audit trail as a projection, with a policy (see {@link DEFAULT_AUDIT_POLICY}). A
 * `backdateDays` that is not a whole number, 0 or more, throws a {@link LevyError}
 * `AUDIT_POLICY_INVALID`: NaN would flag nothing as backdated, and say nothing. A field the
 * policy does not have is `OPTIONS_UNKNOWN_FIELD`.
 *
 * @example
 * const audit = rebuild(auditProjectionWith({ backdateDays: 3 }), events);
 */
export const auditProjectionWith = (policy: AuditPolicy): Projection<AuditState> => {
  const days = (policy as Partial<AuditPolicy> | null)?.backdateDays;
  if (typeof days !== 'number' || !Number.isSafeInteger(days) || days < 0) {
    throw new LevyError(domainError('AUDIT_POLICY_INVALID', `backdateDays must be a whole number of days, 0 or more, not ${describe(days)}`, ['backdateDays']));
  }
  checkOptions(policy, AUDIT_POLICY_SPEC, 'the audit policy', ['policy']);
  return auditProjectionOf(policy);
};

const AUDIT_POLICY_SPEC: OptionSpec = { backdateDays: 'checked' };

const auditProjectionOf = (policy: AuditPolicy): Projection<AuditState> => ({
  name: 'audit',
  init: () => ({ policy, events: new ChunkedList(), flags: new Map(), communities: new Map(), last: { communityId: '', accountPrefix: '', communityStream: '' }, lastRules: null }),
  apply: (state, event) => auditStep(state, event, dayOfDecoded(event.meta.effectiveDate), undefined),
});

// the manager's waiver limit in force on a day: the highest schedule version effective by then, or
// the default policy's when none is (the decider's accountPolicyFrom(scheduleOn(day)))
const limitOn = (rules: CommunityRules, day: EpochDay): Money => {
  let found: CommunityRules['limits'][number] | undefined;
  for (const l of rules.limits) if (l.effectiveDay <= day && (found === undefined || l.version > found.version)) found = l;
  return found === undefined ? DEFAULT_ACCOUNT_POLICY.managerWaiverLimit : found.limit;
};

/**
 * The audit trail's fold step for one event whose effective day is already read. `communityId` is
 * the community of the event's stream when the caller already knows it ({@link levyProjection}
 * passes the account book's unit's), or undefined for the step to find it from the stream name.
 *
 * @example
 * auditStep(audit, event, dayOf(event.meta.effectiveDate), undefined);
 */
export const auditStep = (state: AuditState, event: LoggedEvent, day: EpochDay, communityId: string | undefined): AuditState => {
  const index = state.events.length;
  state.events.push(event);
  const id = communityId ?? communityIdOf(state, event.streamId);
  if (id === null) return state;
  const last = state.lastRules;
  const rules = last !== null && last.communityId === id ? last : rulesOf(state, id);
  const instant = event.meta.recordedAt;
  let recorded: EpochDay;
  if (instant === rules.lastInstant) recorded = rules.lastRecorded;
  else {
    recorded = recordedDayWith(instant, rules.offset, rules.timeZone);
    rules.lastInstant = instant;
    rules.lastRecorded = recorded;
  }
  if (recorded - day > state.policy.backdateDays) {
    raise(state, index, 'BACKDATED', `effective ${event.meta.effectiveDate} but recorded ${dateOf(recorded)}, ${recorded - day} days later`);
  }
  const approval = event.meta.approval;
  switch (event.type) {
    case 'CommunityRegistered':
      rules.timeZone = event.data.timeZone;
      rules.offset = fixedOffsetOf(event.data.timeZone);
      rules.lastInstant = null;
      return state;
    case 'FeeScheduleAdopted':
      rules.published.set(event.data.version, dayOfDecoded(event.data.publishedOn));
      rules.limits.push({ version: event.data.version, effectiveDay: dayOfDecoded(event.data.effectiveFrom), limit: moneyOfAmount(event.data.managerWaiverLimit) });
      return state;
    case 'PeriodClosed': {
      const end = dayOfDecoded(event.data.periodEnd);
      if (rules.closedThrough === null || end > rules.closedThrough) rules.closedThrough = end;
      return state;
    }
    case 'ExpenditureRecorded':
      if (approval === undefined) raise(state, index, 'EXPENDITURE_WITHOUT_APPROVAL', `expenditure ${event.data.expenditureId} of ${event.data.amount} has no approval`);
      break;
    case 'ChargeIssued': {
      const published = rules.published.get(event.data.scheduleVersion);
      if (published !== undefined && published > dayOfIso(event.data.periodStart)) {
        raise(state, index, 'BILLED_BEFORE_PUBLICATION', `charge ${event.data.chargeId} bills ${event.data.periodKey} from schedule ${event.data.scheduleVersion}, published ${dateOf(published)} after the period began`);
      }
      break;
    }
    case 'ChargeCancelled':
      if (approval === undefined) raise(state, index, 'CANCELLATION_WITHOUT_APPROVAL', `charge ${event.data.chargeId} was cancelled without an approval`);
      break;
    case 'InstallmentPlanAgreed':
      // relief records who approved it (domain.md); the decider refuses a plan without, older logs may hold one
      if (approval === undefined) raise(state, index, 'PLAN_WITHOUT_APPROVAL', `installment plan ${event.data.planId} was agreed without an approval`);
      break;
    case 'WaiverGranted': {
      const d = event.data;
      const byCommittee = approval !== undefined && COMMITTEE.has(approval.approverRole);
      if (d.kind === 'principal' && !byCommittee) {
        raise(state, index, 'WAIVER_WITHOUT_APPROVAL', `waiver of ${d.amount} principal on ${d.chargeId} needs the owners' committee's approval`);
      } else if (d.kind === 'penalty' && !byCommittee) {
        // the manager's limit holds per charge, in total (as the decider keeps it): small waivers cannot add up past it
        const key = `${event.streamId}|${d.chargeId}`;
        const already = rules.managerWaived.get(key);
        const amount = moneyOfAmount(d.amount);
        const total = already === undefined ? amount : already.add(amount);
        rules.managerWaived.set(key, total);
        const limit = limitOn(rules, day);
        const overLimit = total.greaterThan(limit);
        const byManager = event.meta.actor.role === 'manager' || approval?.approverRole === 'manager';
        if (overLimit) {
          const how = already === undefined || already.isZero() ? ' is' : `, after ${already.toString()} already waived on it without the committee, takes it to ${total.toString()},`;
          raise(state, index, 'WAIVER_WITHOUT_APPROVAL', `waiver of ${d.amount} penalty on ${d.chargeId}${how} above the manager's limit of ${limit.toString()} for a charge`);
        } else if (!byManager) {
          raise(state, index, 'WAIVER_WITHOUT_APPROVAL', `waiver of ${d.amount} penalty on ${d.chargeId} has no manager or committee approval`);
        }
      }
      break;
    }
    default:
      break;
  }
  if (rules.closedThrough !== null && day <= rules.closedThrough) {
    raise(state, index, 'IN_CLOSED_PERIOD', `dated ${event.meta.effectiveDate}, inside a period closed through ${dateOf(rules.closedThrough)}`);
  }
  return state;
};

/** The audit trail with {@link DEFAULT_AUDIT_POLICY}. */
export const auditProjection: Projection<AuditState> = auditProjectionOf(DEFAULT_AUDIT_POLICY);

/** A query of the audit trail; every given field must match. */
export interface AuditQuery {
  /** an account stream id, or `<communityId>.<unitId>` */
  readonly unit?: string;
  readonly actor?: string;
  readonly type?: string;
  /** effective date inside this period (`'2025-03'`, `'2025-Q1'`, `'2025'`) */
  readonly period?: string;
  readonly communityId?: string;
  /** only flagged entries */
  readonly flagged?: boolean;
  readonly limit?: number;
}

/** One row of the trail. */
export interface AuditRow {
  /** index in the log the projection saw */
  readonly index: number;
  readonly position: string | null;
  readonly streamId: string;
  readonly type: string;
  readonly eventId: string;
  readonly effectiveDate: string;
  readonly recordedAt: string;
  readonly actor: string;
  readonly role: string;
  readonly reason: string | null;
  readonly approval: string | null;
  readonly corrects: string | null;
  readonly flags: readonly AuditFlagCode[];
  readonly notes: readonly string[];
}

/** Result of a query. */
export interface AuditTrail {
  readonly rows: readonly AuditRow[];
  /** rows that matched before `limit` */
  readonly matched: number;
  /** per flag code, how many entries of the whole trail carry it */
  readonly flagCounts: Readonly<Record<string, number>>;
}

const AUDIT_QUERY: OptionSpec = { unit: 'string', actor: 'string', type: 'string', period: 'checked', communityId: 'string', flagged: 'boolean', limit: 'checked' };
const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Queries the trail in log order. `anomalies` (from the account book, {@link BookState}) join the
 * flags. Refused, as a `Left`: a query that is not an object, holds a key it does not take or a
 * field of the wrong type (`flagged: 'true'`, `unit: 42`) (`OPTIONS_INVALID`,
 * `OPTIONS_UNKNOWN_FIELD`), anomalies that are not a list (`OPTIONS_INVALID` at `anomalies`), a
 * bad period key (`PERIOD_KEY_INVALID`), a bad `limit` (`LIMIT_INVALID`), a `type` that is no
 * event type (`EVENT_TYPE_UNKNOWN`), a `communityId` the trail has no event of
 * (`COMMUNITY_UNKNOWN`), and a `unit` it has no event of and no registration
 * (`UNIT_UNKNOWN`): each would otherwise match nothing, or everything, without a word.
 *
 * @example
 * auditTrail(audit, { actor: 'clerk-7', period: '2025-Q2' }, book.anomalies);
 */
export const auditTrail = (state: AuditState, query: AuditQuery = {}, anomalies: readonly BookAnomaly[] = []): E.Either<DomainError, AuditTrail> => {
  const badQuery = optionsInvalid(query, AUDIT_QUERY, 'the audit trail', ['query']);
  if (badQuery !== null) return E.left(badQuery);
  if (!Array.isArray(anomalies)) {
    return E.left(domainError('OPTIONS_INVALID', `anomalies must be a list, such as book.anomalies, not ${describe(anomalies)}`, ['anomalies'], { input: describe(anomalies) }));
  }
  if (query.type !== undefined && !EVENT_TYPE_SET.has(query.type)) {
    return E.left(domainError('EVENT_TYPE_UNKNOWN', `${describe(query.type)} is not an event type; write one such as "PaymentReceived" or "WaiverGranted" (case matters)`, ['type'], { input: describe(query.type) }));
  }
  if (query.communityId !== undefined && !state.communities.has(query.communityId)) return E.left(communityUnknown(query.communityId, state.communities.keys(), 'trail'));
  let range: { start: EpochDay; end: EpochDay } | null = null;
  if (query.period !== undefined) {
    const p = parsePeriodKey(query.period, ['period']);
    if (E.isLeft(p)) return p;
    range = p.right;
  }
  const badLimit = limitInvalid(query.limit, ['limit']);
  if (badLimit !== null) return E.left(badLimit);
  const extra = new Map<number, AuditFlag[]>();
  for (const a of anomalies) {
    const list = extra.get(a.seq) ?? [];
    list.push({ code: a.code, message: a.message });
    extra.set(a.seq, list);
  }
  const unitKey = query.unit === undefined ? undefined : query.unit.startsWith('levy.') ? query.unit : `levy.account-${query.unit}`;
  const flagCounts: Record<string, number> = {};
  const count = (flags: readonly AuditFlag[] | undefined): void => {
    for (const f of flags ?? []) flagCounts[f.code] = (flagCounts[f.code] ?? 0) + 1;
  };
  for (const f of state.flags.values()) count(f);
  for (const f of extra.values()) count(f);
  const rows: AuditRow[] = [];
  let matched = 0;
  // a unit filter must name a unit of the trail: one with events of its own, or registered
  let unitKnown = unitKey === undefined;
  for (let i = 0; i < state.events.length; i++) {
    const e = state.events.at(i)!;
    if (unitKey !== undefined && e.streamId !== unitKey) {
      if (!unitKnown && e.type === 'UnitRegistered' && accountStream(e.data.communityId, e.data.unitId) === unitKey) unitKnown = true;
      continue;
    }
    unitKnown = true;
    if (query.actor !== undefined && e.meta.actor.id !== query.actor) continue;
    if (query.type !== undefined && e.type !== query.type) continue;
    if (query.communityId !== undefined && parseStreamName(e.streamId)?.communityId !== query.communityId) continue;
    if (range !== null) {
      const d = dayOfDecoded(e.meta.effectiveDate);
      if (d < range.start || d > range.end) continue;
    }
    const flags = [...(state.flags.get(i) ?? []), ...(extra.get(i) ?? [])];
    if (query.flagged === true && flags.length === 0) continue;
    matched += 1;
    if (query.limit !== undefined && rows.length >= query.limit) continue;
    const a = e.meta.approval;
    rows.push({
      index: i,
      position: e.position === undefined ? null : e.position.toString(),
      streamId: e.streamId,
      type: e.type,
      eventId: e.meta.eventId,
      effectiveDate: e.meta.effectiveDate,
      recordedAt: e.meta.recordedAt,
      actor: e.meta.actor.id,
      role: e.meta.actor.role,
      reason: e.meta.reason ?? null,
      approval: a === undefined ? null : `${a.approver} (${a.approverRole}) ${a.reference} ${a.date}`,
      corrects: e.meta.corrects ?? null,
      flags: flags.map((f) => f.code),
      notes: flags.map((f) => f.message),
    });
  }
  if (!unitKnown) {
    return E.left(domainError('UNIT_UNKNOWN', `there is no unit ${describe(query.unit)} in this trail: name it as its account stream (levy.account-<community>.<unit>) or as <community>.<unit>`, ['unit'], { input: describe(query.unit) }));
  }
  return E.right({ rows, matched, flagCounts });
};
