/**
 * The dunning worklist (催缴) as of a date: which units are due a reminder, a phone call, a
 * written notice or legal review, and have not had it yet (domain.md, chapter 5). A unit's
 * stage follows its oldest charge still owing: a reminder from a few days before the due date,
 * a call at 15 days overdue, a written notice (书面催告函) at 30, legal review at 60. The
 * thresholds are a policy. A stage counts as done when a reminder at that stage or a later one
 * was recorded for the charge (or for the whole account) on or after the day it became due (a plain
 * reminder: any time after the charge was issued).
 * Charges under an active installment plan are not dunned.
 *
 * @example
 * import { dunningWorklist, dayOf } from '@levy/projections';
 * dunningWorklist(book, { asOf: dayOf('2025-09-15') }).items.filter((i) => i.stage === 'legal');
 */
import { type EpochDay, LevyError, type Money, describe, domainError } from '@levy/core';
import { REMINDER_STAGES } from './arrears.js';
import { type BookState, type ChargeRecord, arrearsClassAsOf, chargeAsOf, chargeInActivePlan, communityInvalid, compareText, creditAsOf, ownerAsOf, unitsInOrder } from './book.js';
import { ZERO, checkDay, dayOfDecoded } from './fields.js';
import { type OptionSpec, checkOptions } from './options.js';

/** A reminder stage. */
export type DunningStage = (typeof REMINDER_STAGES)[number];

/** When each stage falls due, in days past the due date (the reminder's is negative: before the due date). */
export interface DunningPolicy {
  readonly reminderDays: number;
  readonly phoneDays: number;
  readonly writtenNoticeDays: number;
  readonly legalDays: number;
}

/** Reminder 7 days before the due date; call at 15 days overdue; written notice at 30; legal review at 60. */
export const DEFAULT_DUNNING_POLICY: DunningPolicy = Object.freeze({ reminderDays: -7, phoneDays: 15, writtenNoticeDays: 30, legalDays: 60 });

/** One unit to contact. */
export interface DunningItem {
  readonly unit: string;
  readonly communityId: string;
  readonly unitId: string;
  readonly building: string;
  readonly owner: string;
  readonly stage: DunningStage;
  /** the day the stage fell due */
  readonly dueSince: EpochDay;
  readonly oldestDue: EpochDay;
  /** days past the oldest due date (negative: not yet due) */
  readonly daysOverdue: number;
  /** owed on the charges being dunned */
  readonly owed: Money;
  /** credit (预收) the unit holds that day: ApplyCredit puts it on what is owed, which may leave nothing to chase */
  readonly credit: Money;
  readonly lastStageDone: string | null;
  readonly arrearsClass: string;
  /** the charges still owing that are not under an active plan, oldest first */
  readonly chargeIds: readonly string[];
}

/** The worklist. */
export interface DunningWorklist {
  readonly asOf: EpochDay;
  readonly items: readonly DunningItem[];
  /** per stage, how many units */
  readonly counts: Readonly<Record<DunningStage, number>>;
}

/** Options of {@link dunningWorklist}. */
export interface DunningOptions {
  readonly asOf: EpochDay;
  readonly policy?: DunningPolicy;
  readonly communityId?: string;
}

const thresholdOf = (policy: DunningPolicy, stage: DunningStage): number =>
  stage === 'legal' ? policy.legalDays : stage === 'written-notice' ? policy.writtenNoticeDays : stage === 'phone' ? policy.phoneDays : policy.reminderDays;

const stageFor = (policy: DunningPolicy, daysOverdue: number): DunningStage | null => {
  for (let i = REMINDER_STAGES.length - 1; i >= 0; i--) {
    const stage = REMINDER_STAGES[i]!;
    if (daysOverdue >= thresholdOf(policy, stage)) return stage;
  }
  return null;
};

const POLICY_FIELDS = ['reminderDays', 'phoneDays', 'writtenNoticeDays', 'legalDays'] as const;
const POLICY_SPEC: OptionSpec = Object.fromEntries(POLICY_FIELDS.map((f) => [f, 'checked']));

/** A policy given as a value, checked: whole numbers of days, each stage no earlier than the one before, no other field. */
const checkPolicy = (policy: unknown): DunningPolicy => {
  if (policy === DEFAULT_DUNNING_POLICY) return DEFAULT_DUNNING_POLICY;
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw new LevyError(domainError('DUNNING_POLICY_INVALID', `the policy is { ${POLICY_FIELDS.join(', ')} }, not ${describe(policy)}`, ['policy']));
  }
  // a misspelt stage (legalDay) beside a spread default would leave the default in force without a word
  checkOptions(policy, POLICY_SPEC, 'the dunning policy', ['policy'], ['policy']);
  const p = policy as Record<string, unknown>;
  for (let i = 0; i < POLICY_FIELDS.length; i++) {
    const field = POLICY_FIELDS[i]!;
    const days = p[field];
    const before = i === 0 ? null : (p[POLICY_FIELDS[i - 1]!] as number);
    // a call, a written notice and legal review chase arrears: the decider records them only once a
    // charge is past its due date (REMINDER_NOT_OVERDUE), so they fall due 1 day overdue at the earliest
    const overdueStage = i > 0;
    if (!Number.isSafeInteger(days) || (before !== null && (days as number) < before) || (overdueStage && (days as number) < 1)) {
      const why =
        before === null
          ? 'a whole number of days'
          : `a whole number of days, not before ${POLICY_FIELDS[i - 1]} (${before})${overdueStage ? ' and at least 1 (a stage that chases arrears falls due once a charge is overdue)' : ''}`;
      throw new LevyError(domainError('DUNNING_POLICY_INVALID', `${field} must be ${why}, not ${describe(days)}`, ['policy', field], { input: describe(days) }));
    }
  }
  return policy as DunningPolicy;
};

const DUNNING_OPTIONS: OptionSpec = { asOf: 'checked', policy: 'checked', communityId: 'string' };

/**
 * The worklist as of the end of `asOf`: most severe stage first, then longest overdue. Throws a
 * {@link LevyError} for options that are not an object or hold a key it does not take
 * (`OPTIONS_INVALID`, `OPTIONS_UNKNOWN_FIELD`, also for a policy's), an `asOf` that is not a day
 * (`AS_OF_INVALID`), a policy whose stages are not whole days in order (`DUNNING_POLICY_INVALID`)
 * or a `communityId` the book does not know (`COMMUNITY_UNKNOWN`).
 *
 * @example
 * const list = dunningWorklist(book, { asOf, policy: { ...DEFAULT_DUNNING_POLICY, legalDays: 90 } });
 */
export const dunningWorklist = (book: BookState, options: DunningOptions): DunningWorklist => {
  checkOptions(options, DUNNING_OPTIONS, 'the dunning worklist', ['options']);
  const asOf = checkDay(options.asOf, ['asOf']);
  const policy = options.policy === undefined ? DEFAULT_DUNNING_POLICY : checkPolicy(options.policy);
  const unknown = communityInvalid(book, options.communityId);
  if (unknown !== null) throw new LevyError(unknown);
  const items: DunningItem[] = [];
  for (const u of unitsInOrder(book, options.communityId)) {
    const owing: { c: ChargeRecord; owed: Money }[] = [];
    for (const c of u.charges) {
      if (c.planId !== null && chargeInActivePlan(u, c.chargeId, asOf)) continue;
      const s = chargeAsOf(c, asOf);
      if (!s.live) continue;
      const owed = s.principal.add(s.penalty);
      if (owed.isPositive()) owing.push({ c, owed });
    }
    if (owing.length === 0) continue;
    owing.sort((a, b) => a.c.dueDay - b.c.dueDay || a.c.seq - b.c.seq);
    const oldest = owing[0]!.c;
    const daysOverdue = asOf - oldest.dueDay;
    const stage = stageFor(policy, daysOverdue);
    if (stage === null) continue;
    const dueSince = oldest.dueDay + thresholdOf(policy, stage);
    const need = REMINDER_STAGES.indexOf(stage);
    let lastStageDone: string | null = null;
    let done = false;
    for (const { data: r } of u.reminders) {
      const day = dayOfDecoded(r.on);
      if (day > asOf) continue;
      const covers = r.chargeIds.length === 0 || r.chargeIds.includes(oldest.chargeId as (typeof r.chargeIds)[number]);
      if (!covers) continue;
      if (lastStageDone === null || REMINDER_STAGES.indexOf(r.stage as DunningStage) > REMINDER_STAGES.indexOf(lastStageDone as DunningStage)) lastStageDone = r.stage;
      // a plain reminder counts once the charge exists (monthly, before the due date); later stages from their day
      const from = stage === 'reminder' ? oldest.issuedDay : dueSince;
      if (REMINDER_STAGES.indexOf(r.stage) >= need && day >= from) done = true;
    }
    if (done) continue;
    let owed = ZERO;
    for (const o of owing) owed = owed.add(o.owed);
    items.push({
      unit: u.key,
      communityId: u.communityId,
      unitId: u.unitId,
      building: u.building,
      owner: ownerAsOf(u, asOf),
      stage,
      dueSince,
      oldestDue: oldest.dueDay,
      daysOverdue,
      owed,
      credit: creditAsOf(u, asOf),
      lastStageDone,
      arrearsClass: arrearsClassAsOf(u, asOf),
      chargeIds: owing.map((o) => o.c.chargeId),
    });
  }
  items.sort((a, b) => REMINDER_STAGES.indexOf(b.stage) - REMINDER_STAGES.indexOf(a.stage) || b.daysOverdue - a.daysOverdue || compareText(a.unit, b.unit));
  const counts = { reminder: 0, phone: 0, 'written-notice': 0, legal: 0 } as Record<DunningStage, number>;
  for (const i of items) counts[i.stage] += 1;
  return { asOf, items, counts };
};
