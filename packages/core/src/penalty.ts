/**
 * Late-payment penalties (滞纳金, domain.md, arrears; issue 2). A penalty is a daily rate on the
 * principal still unpaid at the start of each day, counted from the day after the due date (plus
 * any grace days) through the assessment or payment date, both included: paid on the due date is
 * 0 days, paid the day after is 1 day. It never compounds (the base is principal only), is
 * rounded once per assessment, and is capped (by default at the charge's principal). The result
 * explains itself: the days, the constant-base segments, the exact sum and the rounding.
 *
 * Dates are integer epoch days (whole days since 1970-01-01); the calendar converts them.
 *
 * @example
 * import { assessPenalty, DEFAULT_PENALTY_POLICY, Money } from '@levy/core';
 * // 1,000.00 due on day 20000, paid 47 days late at 日万分之三: 1000 × 0.0003 × 47 = 14.10
 * assessPenalty({ principal: Money.of('1000.00'), dueDate: 20000, through: 20047, policy: DEFAULT_PENALTY_POLICY });
 * // right({ from: 20001, to: 20047, days: 47, amount: 14.10, unrounded: '14.1', cappedBy: null, ... })
 */
import * as E from 'fp-ts/lib/Either.js';
import { isEpochDay } from './calendar.js';
import { describe, parseDecimal } from './decimal.js';
import { type DomainError, LevyError, domainError } from './errors.js';
import { Money, ROUNDING_MODES, type RoundingMode, currencyName, isSameCurrency } from './money.js';
import { isInputObject, unknownField } from './unknown-field.js';

// ---------------------------------------------------------------------------------------------
// policy
// ---------------------------------------------------------------------------------------------

/** The most a penalty on one charge may come to, over all its assessments. */
export type PenaltyCap =
  /** at most the charge's principal: the default, a common safeguard (courts cut excessive penalties) */
  | { readonly kind: 'principal' }
  | { readonly kind: 'none' }
  | { readonly kind: 'absolute'; readonly amount: Money }
  /** a percentage of the principal, e.g. `'50'` for 50%; the cap is rounded down to the fen */
  | { readonly kind: 'percentage'; readonly percent: string };

/** A community's penalty rule: rate per day, grace days, cap and rounding (all policy, domain.md). */
export interface PenaltyPolicy {
  /** per day, as a decimal string: `'0.0003'` is 日万分之三 */
  readonly dailyRate: string;
  /** days after the due date that are not charged; counting starts the day after due date + grace */
  readonly graceDays: number;
  readonly cap: PenaltyCap;
  readonly rounding: RoundingMode;
}

/**
 * 日万分之三 (0.03% a day) of the overdue principal, no grace, capped at the principal, rounded
 * half-up to the fen (domain.md, arrears).
 */
export const DEFAULT_PENALTY_POLICY: PenaltyPolicy = Object.freeze({
  dailyRate: '0.0003',
  graceDays: 0,
  cap: Object.freeze({ kind: 'principal' }),
  rounding: 'half-up',
});

// limits on everything (STYLE.md, TigerBeetle): a rate above 100% a day or grace beyond ten years is a typo
const MAX_DAILY_RATE = '1';
const MAX_GRACE_DAYS = 3650;
const POLICY_FIELDS: ReadonlySet<string> = new Set(['dailyRate', 'graceDays', 'cap', 'rounding']);
// the fields each kind of cap has: `{ kind: 'principal', amount: '50.00' }` is a misunderstanding, not a 50.00 cap
const CAP_FIELDS: Readonly<Record<PenaltyCap['kind'], ReadonlySet<string>>> = {
  principal: new Set(['kind']),
  none: new Set(['kind']),
  absolute: new Set(['kind', 'amount']),
  percentage: new Set(['kind', 'percent']),
};

/**
 * Decodes a penalty policy from configuration (a fee schedule, a command). A field left out
 * (absent or `undefined`) takes the default of {@link DEFAULT_PENALTY_POLICY}; a field that is there,
 * `null` included, must be right: `PENALTY_RATE_INVALID` (not a decimal from 0 to 1; `'-0'` is 0),
 * `PENALTY_GRACE_INVALID` (not a whole number of days from 0 to 3650), `PENALTY_CAP_NEGATIVE`,
 * `PENALTY_CAP_INVALID` (path `['cap']` for a cap that is not an object, `['cap', 'kind']` for an
 * unknown kind), `ROUNDING_INVALID`,
 * `PENALTY_POLICY_UNKNOWN_FIELD` (a misspelt field is never silently ignored, nor a field the
 * cap's kind does not have, such as an `amount` on a `principal` cap: path `['cap', 'amount']`).
 *
 * @example
 * validatePenaltyPolicy({ dailyRate: '0.0005', graceDays: 5 }, ['schedule', 'penalty']);
 * // right({ dailyRate: '0.0005', graceDays: 5, cap: { kind: 'principal' }, rounding: 'half-up' })
 * validatePenaltyPolicy({ cap: { kind: 'absolute', amount: '-1.00' } });
 * // left({ code: 'PENALTY_CAP_NEGATIVE', path: ['cap', 'amount'], ... })
 * validatePenaltyPolicy({ cap: null });
 * // left({ code: 'PENALTY_CAP_INVALID', path: ['cap'], ... }): null is not "use the default"
 */
export const validatePenaltyPolicy = (input: unknown, path: readonly string[] = []): E.Either<DomainError, PenaltyPolicy> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left(domainError('PENALTY_POLICY_INVALID', `a penalty policy must be an object with dailyRate, graceDays, cap and rounding, not ${describe(input)}`, path));
  }
  const o = input as Record<string, unknown>;
  const unknown = unknownField(o, POLICY_FIELDS);
  if (unknown !== undefined) {
    return E.left(domainError('PENALTY_POLICY_UNKNOWN_FIELD', `a penalty policy has no field ${describe(unknown)}; the fields are dailyRate, graceDays, cap, rounding`, [...path, unknown]));
  }
  const dailyRate = orDefault(o.dailyRate, DEFAULT_PENALTY_POLICY.dailyRate);
  const rate = parseDecimal(dailyRate, [...path, 'dailyRate']);
  // lessThan, not isNegative: '-0' is zero, as '0' is
  if (E.isLeft(rate) || rate.right.lessThan(0) || rate.right.greaterThan(MAX_DAILY_RATE)) {
    return E.left(
      domainError('PENALTY_RATE_INVALID', `the daily rate must be a decimal string from 0 to ${MAX_DAILY_RATE} (0.0003 is 日万分之三), not ${describe(dailyRate)}`, [...path, 'dailyRate'], {
        input: describe(dailyRate),
      }),
    );
  }
  const graceDays = orDefault(o.graceDays, DEFAULT_PENALTY_POLICY.graceDays);
  if (typeof graceDays !== 'number' || !Number.isSafeInteger(graceDays) || graceDays < 0 || graceDays > MAX_GRACE_DAYS) {
    return E.left(
      domainError('PENALTY_GRACE_INVALID', `grace days must be a whole number from 0 to ${MAX_GRACE_DAYS}, not ${describe(graceDays)}`, [...path, 'graceDays'], { input: describe(graceDays) }),
    );
  }
  const cap = validateCap(orDefault(o.cap, DEFAULT_PENALTY_POLICY.cap), [...path, 'cap']);
  if (E.isLeft(cap)) return cap;
  const rounding = orDefault(o.rounding, DEFAULT_PENALTY_POLICY.rounding);
  if (!ROUNDING_MODES.includes(rounding as RoundingMode)) {
    return E.left(domainError('ROUNDING_INVALID', `rounding ${describe(rounding)} is not one of ${ROUNDING_MODES.join(', ')}`, [...path, 'rounding']));
  }
  return E.right(Object.freeze({ dailyRate: dailyRate as string, graceDays, cap: cap.right, rounding: rounding as RoundingMode }));
};

// only a field left out takes the default: null is a value, refused as any other wrong one
const orDefault = (value: unknown, fallback: unknown): unknown => (value === undefined ? fallback : value);

const validateCap = (input: unknown, path: readonly string[]): E.Either<DomainError, PenaltyCap> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left(domainError('PENALTY_CAP_INVALID', `the penalty cap must be an object such as { kind: 'principal' }, not ${describe(input)}`, path));
  }
  const kind = (input as { kind?: unknown }).kind;
  const o = input as Record<string, unknown>;
  if (typeof kind === 'string' && Object.hasOwn(CAP_FIELDS, kind)) {
    const fields = CAP_FIELDS[kind as PenaltyCap['kind']];
    const unknown = unknownField(o, fields);
    if (unknown !== undefined) {
      const hint = kind === 'principal' || kind === 'none' ? '; a cap of a fixed amount is kind absolute, a share of the principal kind percentage' : '';
      return E.left(
        domainError('PENALTY_POLICY_UNKNOWN_FIELD', `a penalty cap of kind ${kind} has no field ${describe(unknown)}; its fields are ${[...fields].join(', ')}${hint}`, [...path, unknown]),
      );
    }
  }
  switch (kind) {
    case 'principal':
    case 'none':
      return E.right(Object.freeze({ kind }));
    case 'absolute': {
      const amount = o.amount instanceof Money ? E.right(o.amount) : Money.parse(o.amount, [...path, 'amount']);
      if (E.isLeft(amount)) return E.left({ ...amount.left, code: 'PENALTY_CAP_INVALID' });
      if (amount.right.isNegative()) {
        return E.left(domainError('PENALTY_CAP_NEGATIVE', `the penalty cap must not be below zero, not ${amount.right.toString()}`, [...path, 'amount']));
      }
      return E.right(Object.freeze({ kind, amount: amount.right }));
    }
    case 'percentage': {
      const percent = parseDecimal(o.percent, [...path, 'percent']);
      if (E.isLeft(percent)) return E.left({ ...percent.left, code: 'PENALTY_CAP_INVALID' });
      if (percent.right.lessThan(0)) {
        return E.left(domainError('PENALTY_CAP_NEGATIVE', `the penalty cap must not be below zero, not ${String(o.percent)}%`, [...path, 'percent']));
      }
      return E.right(Object.freeze({ kind, percent: o.percent as string }));
    }
    default:
      return E.left(
        domainError('PENALTY_CAP_INVALID', `the penalty cap kind must be principal, none, absolute or percentage, not ${describe(kind)}`, [...path, 'kind']),
      );
  }
};

// ---------------------------------------------------------------------------------------------
// assessment
// ---------------------------------------------------------------------------------------------

/** What to assess: one charge, its due date, the period to count, and how its principal ran down. */
export interface PenaltyInput {
  /** the charge's original principal: the cap base */
  readonly principal: Money;
  /** epoch day */
  readonly dueDate: number;
  /** epoch day, inclusive: the assessment or payment date */
  readonly through: number;
  /**
   * epoch day, inclusive: the first day to count when continuing a previous assessment (its `to`
   * + 1, so assessments are contiguous); default `dueDate + graceDays + 1`. Never inside grace.
   */
  readonly from?: number;
  /**
   * Outstanding principal over time: the base on day d is the `outstanding` of the last entry with
   * `from <= d` (the principal before the first entry). A payment received on day p is an entry
   * `{ from: p + 1, outstanding: after }`: the base is what was unpaid at the start of the day.
   * Strictly sorted by `from`; missing or empty means the principal throughout.
   */
  readonly principalTimeline?: readonly { readonly from: number; readonly outstanding: Money }[];
  /** penalty assessed on this charge before, so the cap covers the total; left out is none (null is refused) */
  readonly alreadyAssessed?: Money;
  readonly policy: PenaltyPolicy;
}

/** One run of days with the same base. */
export interface PenaltySegment {
  readonly from: number;
  readonly to: number;
  readonly days: number;
  readonly base: Money;
  /** exact `base × rate × days`, e.g. `'14.1'` */
  readonly unrounded: string;
}

/** An assessed penalty and how it was reached. */
export interface PenaltyAssessment {
  readonly from: number;
  readonly to: number;
  /** 0 when nothing is due (from > to) */
  readonly days: number;
  /** one per constant-base run, in date order */
  readonly segments: readonly PenaltySegment[];
  readonly dailyRate: string;
  readonly rounding: RoundingMode;
  /** exact sum of the segments before rounding */
  readonly unrounded: string;
  /** rounded once, then capped */
  readonly amount: Money;
  /** the cap headroom (cap − already assessed) when it bound, else null */
  readonly cappedBy: Money | null;
}

// a schedule's policy object is reused for every charge: validate each object once. Only a frozen
// policy (and cap) is remembered: one the caller can still change would keep its first verdict
const validatedPolicies = new WeakMap<object, E.Either<DomainError, PenaltyPolicy>>();

const checkPolicy = (policy: unknown): E.Either<DomainError, PenaltyPolicy> => {
  if (typeof policy !== 'object' || policy === null) return E.left(domainError('PENALTY_POLICY_INVALID', `the penalty policy is missing (${describe(policy)})`, ['policy']));
  let checked = validatedPolicies.get(policy);
  if (checked === undefined) {
    checked = validatePenaltyPolicy(policy, ['policy']);
    if (isFrozenPolicy(policy)) validatedPolicies.set(policy, checked);
  }
  return checked;
};

// the cap is an object inside the policy: a frozen policy with a cap still open to change is not fixed
const isFrozenPolicy = (policy: object): boolean => {
  if (!Object.isFrozen(policy)) return false;
  const cap: unknown = (policy as { cap?: unknown }).cap;
  return typeof cap !== 'object' || cap === null || Object.isFrozen(cap);
};

const epochDay = (value: unknown, path: readonly string[], what: string): DomainError | null =>
  isEpochDay(value) ? null : domainError('PENALTY_DATE_INVALID', `${what} must be a whole epoch day, not ${describe(value)}`, path, { input: describe(value) });

// a Money in the principal's currency (code and scale), not below zero: what amountIn accepts
const isAmountIn = (value: unknown, principal: Money): boolean => value instanceof Money && isSameCurrency(value.currency, principal.currency) && !value.isNegative();

const amountIn = (value: unknown, principal: Money, path: readonly string[], what: string): DomainError | null => {
  if (isAmountIn(value, principal)) return null;
  if (!(value instanceof Money)) return domainError('AMOUNT_INVALID', `${what} must be a Money amount, not ${describe(value)}`, path);
  if (!isSameCurrency(value.currency, principal.currency)) {
    return domainError('CURRENCY_MISMATCH', `${what} is in ${currencyName(value.currency, principal.currency)} but the principal is in ${currencyName(principal.currency, value.currency)}`, path);
  }
  if (value.isNegative()) return domainError('PENALTY_AMOUNT_NEGATIVE', `${what} must not be below zero, not ${value.toString()}`, path);
  return null;
};

/**
 * Assesses the penalty on one charge from `from` (default: the day after due date + grace)
 * through `through`, both included. The base on each day is the principal unpaid at the start of
 * that day (`principalTimeline`), so a part payment lowers it from the next day on; the exact
 * sum of `base × rate × days` is rounded once, then limited to the cap less `alreadyAssessed`.
 * `through` before `from` is 0 days and a zero penalty, not an error.
 *
 * Refuses: an input that is not an object, a timeline that is not a list of objects
 * (`PENALTY_INPUT_INVALID`, path `[]`, `['principalTimeline']` or `['principalTimeline', i]`), a
 * field the input does not have, such as a misspelt `alreadyAssessed` (`PENALTY_INPUT_UNKNOWN_FIELD`,
 * path `['alreadyAsessed']` or `['principalTimeline', i, 'field']`), dates that are not whole epoch
 * days (`PENALTY_DATE_INVALID`), a negative principal, outstanding or earlier penalty
 * (`PENALTY_AMOUNT_NEGATIVE`), outstanding above the principal
 * (`PENALTY_OUTSTANDING_ABOVE_PRINCIPAL`), a timeline out of order (`PENALTY_TIMELINE_UNSORTED`),
 * `from` inside grace (`PENALTY_FROM_IN_GRACE`), a bad policy (see {@link validatePenaltyPolicy}),
 * `null` for an optional field (its usual code: `alreadyAssessed: null` is `AMOUNT_INVALID`), and
 * a penalty too large to hold exactly (`AMOUNT_TOO_LARGE`, a Left, never a throw: path
 * `['policy', 'cap', 'percent']` when a percentage cap of the principal is too large, else
 * `['through']`, as base × days is, typically a timestamp given for an epoch day).
 *
 * @example
 * // 1,000.00 due day 20000; 500.00 paid on day 20023 (halfway); assessed through day 20046:
 * // days 20001..20023 on 1,000.00 (23 days: 6.90), days 20024..20046 on 500.00 (23 days: 3.45) = 10.35
 * assessPenalty({
 *   principal: Money.of('1000.00'), dueDate: 20000, through: 20046,
 *   principalTimeline: [{ from: 20024, outstanding: Money.of('500.00') }],
 *   policy: DEFAULT_PENALTY_POLICY,
 * });
 */
export const assessPenalty = (input: PenaltyInput): E.Either<DomainError, PenaltyAssessment> => {
  const bad = checkPenaltyInput(input);
  if (bad !== null) return E.left(bad);
  // Money throws on a product beyond 2^53 - 1 fen; the decider's inputs never come near it, a
  // caller's may (a timestamp in ms for a day): here it is a Left, as fee-math.md promises
  try {
    return assessPenaltyUnchecked(input);
  } catch (e) {
    return tooLarge(e, input);
  }
};

// names the field most likely at fault: a percentage cap too large to take of the principal, else
// the days counted (a `through` in milliseconds is the usual cause) times the base
const tooLarge = (e: unknown, input: PenaltyInput): E.Either<DomainError, never> => {
  // the policy was validated before anything could throw; a day count beyond 2^53 is DECIMAL_INVALID from Money
  const checked = checkPolicy(input.policy);
  if (!(e instanceof LevyError) || (e.code !== 'AMOUNT_TOO_LARGE' && e.code !== 'DECIMAL_INVALID') || E.isLeft(checked)) throw e;
  const { principal, dueDate, through } = input;
  const largest = Money.fromMinorUnits(Number.MAX_SAFE_INTEGER, principal.currency).toString();
  const cap = checked.right.cap;
  if (cap.kind === 'percentage' && capHeadroomFails(cap, principal)) {
    return E.left(
      domainError(
        'AMOUNT_TOO_LARGE',
        `a cap of ${cap.percent}% of the principal ${principal.toString()} is beyond ${largest}, the largest amount Levy holds exactly; check the cap's percent`,
        ['policy', 'cap', 'percent'],
        { principal: principal.toString(), percent: cap.percent },
      ),
    );
  }
  const from = input.from ?? dueDate + checked.right.graceDays + 1;
  const days = through - from + 1;
  return E.left(
    domainError(
      'AMOUNT_TOO_LARGE',
      `the penalty base ${principal.toString()} over ${days} days (day ${from} through day ${through}) is beyond ${largest}, the largest amount Levy holds exactly; check the assessment date (a whole epoch day, not a timestamp) and the principal`,
      ['through'],
      { principal: principal.toString(), from, through, days },
    ),
  );
};

const capHeadroomFails = (cap: PenaltyCap, principal: Money): boolean => {
  try {
    capHeadroom(cap, principal, Money.zero(principal.currency));
    return false;
  } catch {
    return true;
  }
};

const INPUT_FIELDS: ReadonlySet<string> = new Set(['principal', 'dueDate', 'through', 'from', 'principalTimeline', 'alreadyAssessed', 'policy']);
const TIMELINE_FIELDS: ReadonlySet<string> = new Set(['from', 'outstanding']);

// the shape of the input, which the account decider builds itself and so does not ask again
const checkPenaltyInput = (input: unknown): DomainError | null => {
  if (!isInputObject(input)) {
    return domainError('PENALTY_INPUT_INVALID', `what to assess must be an object with principal, dueDate, through and policy, not ${describe(input)}`, []);
  }
  const unknown = unknownField(input, INPUT_FIELDS);
  if (unknown !== undefined) {
    return domainError('PENALTY_INPUT_UNKNOWN_FIELD', `a penalty assessment has no field ${describe(unknown)}; the fields are ${[...INPUT_FIELDS].join(', ')}`, [unknown]);
  }
  const timeline = input.principalTimeline;
  if (timeline === undefined) return null;
  if (!Array.isArray(timeline)) {
    return domainError('PENALTY_INPUT_INVALID', `principalTimeline must be a list of { from, outstanding }, not ${describe(timeline)}`, ['principalTimeline']);
  }
  for (let i = 0; i < timeline.length; i++) {
    const entry: unknown = timeline[i];
    if (!isInputObject(entry)) {
      return domainError('PENALTY_INPUT_INVALID', `a timeline entry must be an object { from, outstanding }, not ${describe(entry)}`, ['principalTimeline', String(i)]);
    }
    const extra = unknownField(entry, TIMELINE_FIELDS);
    if (extra !== undefined) {
      return domainError('PENALTY_INPUT_UNKNOWN_FIELD', `a timeline entry has no field ${describe(extra)}; the fields are from, outstanding`, ['principalTimeline', String(i), extra]);
    }
  }
  return null;
};

/**
 * {@link assessPenalty} without the checks of the input's shape (an object, no unknown fields, the
 * timeline a list of objects), for the account decider, whose inputs it builds itself. Internal to
 * @levy/core: not exported from its index. Every other check still applies, but a penalty too
 * large to hold exactly throws `AMOUNT_TOO_LARGE` (a `LevyError`) instead of returning it: the
 * decider's principals and dates stay far below that, and the hot path has no handler for it.
 *
 * @example
 * assessPenaltyUnchecked({ principal: Money.of('1000.00'), dueDate: 20000, through: 20047, policy: DEFAULT_PENALTY_POLICY }); // as assessPenalty
 */
export const assessPenaltyUnchecked = (input: PenaltyInput): E.Either<DomainError, PenaltyAssessment> => {
  const checked = checkPolicy(input.policy);
  if (E.isLeft(checked)) return checked;
  const policy = checked.right;
  const { principal, dueDate, through } = input;
  if (!(principal instanceof Money)) return E.left(domainError('AMOUNT_INVALID', `the principal must be a Money amount, not ${describe(principal)}`, ['principal']));
  if (principal.isNegative()) return E.left(domainError('PENALTY_AMOUNT_NEGATIVE', `the principal must not be below zero, not ${principal.toString()}`, ['principal']));
  const badDate = epochDay(dueDate, ['dueDate'], 'the due date') ?? epochDay(through, ['through'], 'the assessment date') ?? (input.from === undefined ? null : epochDay(input.from, ['from'], 'the first day'));
  if (badDate !== null) return E.left(badDate);
  const firstChargeable = dueDate + policy.graceDays + 1;
  const start = input.from ?? firstChargeable;
  if (start < firstChargeable) {
    return E.left(
      domainError(
        'PENALTY_FROM_IN_GRACE',
        `counting cannot start on day ${start}: the first chargeable day is ${firstChargeable} (due date ${dueDate} + ${policy.graceDays} grace days + 1)`,
        ['from'],
        { from: start, firstChargeable },
      ),
    );
  }
  if (policy.cap.kind === 'absolute' && !isSameCurrency(policy.cap.amount.currency, principal.currency)) {
    const [cap, of] = [policy.cap.amount.currency, principal.currency];
    return E.left(domainError('CURRENCY_MISMATCH', `the penalty cap is in ${currencyName(cap, of)} but the principal is in ${currencyName(of, cap)}`, ['policy', 'cap', 'amount']));
  }
  // only a field left out means none: null is refused below, as from and principalTimeline are
  const already = input.alreadyAssessed === undefined ? Money.zero(principal.currency) : input.alreadyAssessed;
  const badAlready = amountIn(already, principal, ['alreadyAssessed'], 'the penalty already assessed');
  if (badAlready !== null) return E.left(badAlready);
  const timeline = input.principalTimeline ?? [];
  const badTimeline = checkTimeline(timeline, principal);
  if (badTimeline !== null) return E.left(badTimeline);

  const segments = through < start ? [] : segmentsOf(principal, timeline, start, through, policy.dailyRate);
  // Σ base × days is exact in fen; × rate is then rounded once per assessment (issue 2)
  let baseDays = Money.zero(principal.currency);
  for (const s of segments) baseDays = baseDays.add(s.base.timesInteger(s.days));
  const rounded = baseDays.times(policy.dailyRate, policy.rounding);
  const headroom = capHeadroom(policy.cap, principal, already);
  const capped = headroom !== null && rounded.greaterThan(headroom);
  return E.right({
    from: start,
    to: through,
    days: Math.max(0, through - start + 1),
    segments,
    dailyRate: policy.dailyRate,
    rounding: policy.rounding,
    unrounded: baseDays.timesUnrounded(policy.dailyRate),
    amount: capped ? headroom : rounded,
    cappedBy: capped ? headroom : null,
  });
};

const checkTimeline = (timeline: PenaltyInput['principalTimeline'] & object, principal: Money): DomainError | null => {
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < timeline.length; i++) {
    const entry = timeline[i] as { from: number; outstanding: Money };
    // error paths are built only for an entry that is wrong: this runs for every assessment
    if (!isEpochDay(entry.from) || !isAmountIn(entry.outstanding, principal)) {
      const path = ['principalTimeline', String(i)];
      return epochDay(entry.from, [...path, 'from'], 'a timeline entry') ?? amountIn(entry.outstanding, principal, [...path, 'outstanding'], 'the outstanding principal');
    }
    if (entry.outstanding.greaterThan(principal)) {
      return domainError(
        'PENALTY_OUTSTANDING_ABOVE_PRINCIPAL',
        `the outstanding principal ${entry.outstanding.toString()} from day ${entry.from} is above the charge's principal ${principal.toString()}`,
        ['principalTimeline', String(i), 'outstanding'],
      );
    }
    if (entry.from <= previous) {
      return domainError('PENALTY_TIMELINE_UNSORTED', `timeline entries must be in strictly increasing order of from; day ${entry.from} comes after day ${previous}`, ['principalTimeline', String(i), 'from']);
    }
    previous = entry.from;
  }
  return null;
};

/** Constant-base runs covering start..through (start <= through); equal neighbours merge. */
const segmentsOf = (principal: Money, timeline: NonNullable<PenaltyInput['principalTimeline']>, start: number, through: number, rate: string): PenaltySegment[] => {
  let i = 0;
  let base = principal;
  while (i < timeline.length && (timeline[i] as { from: number }).from <= start) base = (timeline[i++] as { outstanding: Money }).outstanding;
  const out: PenaltySegment[] = [];
  let runFrom = start;
  for (; i < timeline.length; i++) {
    const entry = timeline[i] as { from: number; outstanding: Money };
    if (entry.from > through) break;
    if (entry.outstanding.equals(base)) continue;
    out.push(segment(runFrom, entry.from - 1, base, rate));
    runFrom = entry.from;
    base = entry.outstanding;
  }
  out.push(segment(runFrom, through, base, rate));
  return out;
};

const segment = (from: number, to: number, base: Money, rate: string): PenaltySegment => {
  const days = to - from + 1;
  return { from, to, days, base, unrounded: base.timesUnrounded([rate, days]) };
};

/** What the cap still allows after earlier assessments; null when there is no cap. */
const capHeadroom = (cap: PenaltyCap, principal: Money, already: Money): Money | null => {
  let total: Money;
  switch (cap.kind) {
    case 'none':
      return null;
    case 'principal':
      total = principal;
      break;
    case 'absolute':
      total = cap.amount;
      break;
    case 'percentage':
      // rounded down so the cap never exceeds the stated percentage
      total = principal.times([cap.percent, '0.01'], 'down');
      break;
  }
  return Money.max(total.subtract(already), Money.zero(principal.currency));
};
