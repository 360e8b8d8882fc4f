/**
 * Allocation of a payment across what a unit owes (issue 2): by default the oldest due date
 * first, all principal before any penalty; also penalty-first, largest-first and explicit
 * targets. What is left becomes credit (预收, domain.md: paying in advance is normal). The
 * allocations plus the credit always equal the payment exactly, and no receivable is ever paid
 * beyond what it owes.
 *
 * @example
 * import { allocatePayment, Money } from '@levy/core';
 * allocatePayment(Money.of('300.00'), [
 *   { chargeId: '2025-02', kind: 'principal', dueDate: 20134, outstanding: Money.of('250.60') },
 *   { chargeId: '2025-01', kind: 'principal', dueDate: 20103, outstanding: Money.of('250.60') },
 * ]);
 * // right({ allocations: [2025-01 principal 250.60, 2025-02 principal 49.40], credit: 0.00 })
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe } from './decimal.js';
import { type DomainError, domainError } from './errors.js';
import { Money, currencyName, isSameCurrency } from './money.js';
import { isInputObject, unknownField } from './unknown-field.js';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** What part of a charge is owed: its principal, or the penalty assessed on it. */
export type ReceivableKind = 'principal' | 'penalty';

/** One thing a unit owes: a charge's principal or its penalty, with the charge's due date (epoch day). */
export interface Receivable {
  readonly chargeId: string;
  readonly kind: ReceivableKind;
  readonly dueDate: number;
  readonly outstanding: Money;
}

/** The order a payment pays receivables in (a community's policy). */
export type AllocationPolicy =
  /** the default: all principal by due date (then chargeId), then penalties by due date */
  | { readonly kind: 'oldest-first' }
  /** penalties oldest first, then principal oldest first */
  | { readonly kind: 'penalty-first' }
  /** principal by largest outstanding (tie: older, then chargeId), then penalties likewise */
  | { readonly kind: 'largest-first' }
  /** exactly the amounts the payer named; the rest becomes credit */
  | { readonly kind: 'explicit'; readonly targets: readonly { readonly chargeId: string; readonly kind: ReceivableKind; readonly amount: Money }[] };

/** Oldest due date first, principal before penalties. */
export const DEFAULT_ALLOCATION_POLICY: AllocationPolicy = Object.freeze({ kind: 'oldest-first' });

/** An amount of a payment applied to one receivable. */
export interface Allocation {
  readonly chargeId: string;
  readonly kind: ReceivableKind;
  readonly amount: Money;
}

/** Where a payment went: `sum(allocations) + credit = payment`, exactly. */
export interface AllocationResult {
  readonly allocations: readonly Allocation[];
  readonly credit: Money;
}

// a unit owes tens of receivables, not millions: a bound keeps a bad input from running away
const MAX_RECEIVABLES = 100_000;

// ---------------------------------------------------------------------------------------------
// allocation
// ---------------------------------------------------------------------------------------------

/**
 * Applies `payment` to `owed` in the order `policy` gives, each receivable getting at most its
 * outstanding amount; receivables with nothing outstanding are skipped; the rest is credit.
 * Allocations are listed in the order they were applied, zero amounts left out.
 *
 * Refuses: a payment of zero or below (`PAYMENT_NOT_POSITIVE`); `owed` that is not a list
 * (`RECEIVABLES_INVALID`, path `['owed']`) or holds something that is not an object
 * (`RECEIVABLE_INVALID`, `['owed', i]`); a charge id that is not a non-empty string
 * (`RECEIVABLE_CHARGE_ID_INVALID`, `['owed', i, 'chargeId']`); a negative outstanding
 * (`RECEIVABLE_NEGATIVE`); the same charge and kind twice (`RECEIVABLE_DUPLICATE`); a due date
 * that is not a whole epoch day (`RECEIVABLE_DUE_DATE_INVALID`); a kind that is not principal or
 * penalty (`RECEIVABLE_KIND_INVALID`, `['owed', i, 'kind']`); mixed currencies, the same code
 * with another scale included (`CURRENCY_MISMATCH`); a policy that is not an object, of an
 * unknown kind, or with a field its kind does not have (`ALLOCATION_POLICY_INVALID`, path
 * `['policy']`, `['policy', 'kind']`, `['policy', field]`). For explicit targets: one that is not
 * an object or whose charge id is not a non-empty string (`ALLOCATION_TARGET_INVALID`,
 * `['policy', 'targets', i]` or `[..., 'chargeId']`), an amount of zero or below
 * (`ALLOCATION_TARGET_NOT_POSITIVE`), a kind that is not principal or penalty, such as
 * `'principle'` (`RECEIVABLE_KIND_INVALID`, `[..., 'kind']`), a receivable not owed
 * (`ALLOCATION_TARGET_UNKNOWN`), more than it owes (`ALLOCATION_TARGET_EXCEEDS_OUTSTANDING`), the
 * same receivable twice (`ALLOCATION_TARGET_DUPLICATE`), more than the payment in all
 * (`ALLOCATION_EXCEEDS_PAYMENT`).
 *
 * @example
 * const owed = [
 *   { chargeId: 'c1', kind: 'principal', dueDate: 20103, outstanding: Money.of('100.00') },
 *   { chargeId: 'c1', kind: 'penalty', dueDate: 20103, outstanding: Money.of('3.00') },
 * ] as const;
 * allocatePayment(Money.of('120.00'), owed);                            // c1 principal 100.00, c1 penalty 3.00, credit 17.00
 * allocatePayment(Money.of('50.00'), owed, { kind: 'penalty-first' });  // c1 penalty 3.00, c1 principal 47.00, credit 0.00
 */
export const allocatePayment = (
  payment: Money,
  owed: readonly Receivable[],
  policy: AllocationPolicy = DEFAULT_ALLOCATION_POLICY,
): E.Either<DomainError, AllocationResult> => {
  const bad = checkShapes(owed, policy);
  return bad === null ? allocatePaymentUnchecked(payment, owed, policy) : E.left(bad);
};

const POLICY_FIELDS: ReadonlySet<string> = new Set(['kind']);
const EXPLICIT_FIELDS: ReadonlySet<string> = new Set(['kind', 'targets']);

const isChargeId = (id: unknown): boolean => typeof id === 'string' && id.length > 0;

// the shapes of owed and policy, which the account decider builds itself and so does not ask again
const checkShapes = (owed: unknown, policy: unknown): DomainError | null => {
  if (!Array.isArray(owed)) return domainError('RECEIVABLES_INVALID', `what is owed must be a list of receivables, not ${describe(owed)}`, ['owed']);
  // a list beyond the bound is refused by the allocation itself, before it reads any entry
  const n = owed.length <= MAX_RECEIVABLES ? owed.length : 0;
  for (let i = 0; i < n; i++) {
    const r: unknown = owed[i];
    if (!isInputObject(r)) {
      return domainError('RECEIVABLE_INVALID', `a receivable must be an object { chargeId, kind, dueDate, outstanding }, not ${describe(r)}`, ['owed', String(i)]);
    }
    if (!isChargeId(r.chargeId)) {
      return domainError('RECEIVABLE_CHARGE_ID_INVALID', `a receivable's charge id must be a non-empty string, not ${describe(r.chargeId)}`, ['owed', String(i), 'chargeId']);
    }
  }
  if (!isInputObject(policy)) {
    return domainError('ALLOCATION_POLICY_INVALID', `the allocation policy must be an object such as { kind: 'oldest-first' }, not ${describe(policy)}`, ['policy']);
  }
  // an unknown kind is refused by the allocation itself, naming the kind
  const known = policy.kind === 'oldest-first' || policy.kind === 'penalty-first' || policy.kind === 'largest-first' || policy.kind === 'explicit';
  const unknown = known ? unknownField(policy, policy.kind === 'explicit' ? EXPLICIT_FIELDS : POLICY_FIELDS) : undefined;
  if (unknown !== undefined) {
    const fields = policy.kind === 'explicit' ? 'kind and targets' : 'kind only; targets go with kind explicit';
    return domainError('ALLOCATION_POLICY_INVALID', `an allocation policy ${describe(policy.kind)} has no field ${describe(unknown)}; it has ${fields}`, ['policy', unknown]);
  }
  const targets = policy.targets;
  if (policy.kind !== 'explicit' || !Array.isArray(targets)) return null;
  for (let i = 0; i < targets.length; i++) {
    const t: unknown = targets[i];
    if (!isInputObject(t)) {
      return domainError('ALLOCATION_TARGET_INVALID', `a target must be an object { chargeId, kind, amount }, not ${describe(t)}`, ['policy', 'targets', String(i)]);
    }
    if (!isChargeId(t.chargeId)) {
      return domainError('ALLOCATION_TARGET_INVALID', `a target's charge id must be a non-empty string, not ${describe(t.chargeId)}`, ['policy', 'targets', String(i), 'chargeId']);
    }
  }
  return null;
};

/**
 * {@link allocatePayment} without the checks of the inputs' shapes (owed a list of objects with
 * string charge ids, the policy an object with only its kind's fields, the targets objects), for
 * the account decider, whose receivables and policy it builds itself. Internal to @levy/core: not
 * exported from its index. Every other check still applies.
 *
 * @example
 * allocatePaymentUnchecked(Money.of('120.00'), owed, DEFAULT_ALLOCATION_POLICY); // as allocatePayment
 */
export const allocatePaymentUnchecked = (payment: Money, owed: readonly Receivable[], policy: AllocationPolicy): E.Either<DomainError, AllocationResult> => {
  if (!(payment instanceof Money)) return E.left(domainError('AMOUNT_INVALID', `the payment must be a Money amount, not ${describe(payment)}`, ['payment']));
  if (!payment.isPositive()) return E.left(domainError('PAYMENT_NOT_POSITIVE', `a payment must be above zero, not ${payment.toString()}`, ['payment']));
  const bad = checkReceivables(payment, owed);
  if (bad !== null) return E.left(bad);
  switch (policy.kind) {
    case 'oldest-first':
      return E.right(inOrder(payment, queue(owed, 'principal', byDueDate)));
    case 'penalty-first':
      return E.right(inOrder(payment, queue(owed, 'penalty', byDueDate)));
    case 'largest-first':
      return E.right(inOrder(payment, queue(owed, 'principal', byLargest)));
    case 'explicit':
      return explicit(payment, owed, policy.targets);
    default:
      return E.left(
        domainError('ALLOCATION_POLICY_INVALID', `allocation policy ${describe((policy as { kind?: unknown }).kind)} is not oldest-first, penalty-first, largest-first or explicit`, [
          'policy',
          'kind',
        ]),
      );
  }
};

const keyOf = (chargeId: string, kind: ReceivableKind): string => `${kind}\u0000${chargeId}`;

const checkReceivables = (payment: Money, owed: readonly Receivable[]): DomainError | null => {
  if (owed.length > MAX_RECEIVABLES) return domainError('RECEIVABLES_TOO_MANY', `at most ${MAX_RECEIVABLES} receivables can be allocated at once, not ${owed.length}`, ['owed']);
  // chargeId → kinds seen (1 principal, 2 penalty)
  const seen = new Map<string, number>();
  for (let i = 0; i < owed.length; i++) {
    const r = owed[i] as Receivable;
    if (!(r.outstanding instanceof Money)) return domainError('AMOUNT_INVALID', `the outstanding amount must be a Money amount, not ${describe(r.outstanding)}`, ['owed', String(i), 'outstanding']);
    if (!isSameCurrency(r.outstanding.currency, payment.currency)) {
      const [owedIn, paidIn] = [r.outstanding.currency, payment.currency];
      return domainError('CURRENCY_MISMATCH', `charge ${r.chargeId} is owed in ${currencyName(owedIn, paidIn)} but the payment is in ${currencyName(paidIn, owedIn)}`, ['owed', String(i), 'outstanding']);
    }
    if (r.outstanding.isNegative()) {
      return domainError('RECEIVABLE_NEGATIVE', `charge ${r.chargeId} (${r.kind}) shows ${r.outstanding.toString()} outstanding; an amount owed is never below zero`, ['owed', String(i), 'outstanding']);
    }
    if (!Number.isSafeInteger(r.dueDate)) return domainError('RECEIVABLE_DUE_DATE_INVALID', `the due date of charge ${r.chargeId} must be a whole epoch day, not ${describe(r.dueDate)}`, ['owed', String(i), 'dueDate']);
    if (r.kind !== 'principal' && r.kind !== 'penalty') return domainError('RECEIVABLE_KIND_INVALID', `a receivable is principal or penalty, not ${describe(r.kind)}`, ['owed', String(i), 'kind']);
    const bit = r.kind === 'principal' ? 1 : 2;
    const kinds = seen.get(r.chargeId) ?? 0;
    if ((kinds & bit) !== 0) return domainError('RECEIVABLE_DUPLICATE', `charge ${r.chargeId} (${r.kind}) is listed twice`, ['owed', String(i), 'chargeId']);
    seen.set(r.chargeId, kinds | bit);
  }
  return null;
};

const byChargeId = (a: Receivable, b: Receivable): number => (a.chargeId < b.chargeId ? -1 : a.chargeId > b.chargeId ? 1 : 0);
const byDueDate = (a: Receivable, b: Receivable): number => a.dueDate - b.dueDate || byChargeId(a, b);
const byLargest = (a: Receivable, b: Receivable): number => b.outstanding.compare(a.outstanding) || byDueDate(a, b);

/** What is owed, nothing-outstanding skipped, `first` kind before the other, each in `order`. */
const queue = (owed: readonly Receivable[], first: ReceivableKind, order: (a: Receivable, b: Receivable) => number): Receivable[] => {
  const out: Receivable[] = [];
  for (const r of owed) if (r.outstanding.isPositive()) out.push(r);
  return out.sort((a, b) => (a.kind === b.kind ? order(a, b) : a.kind === first ? -1 : 1));
};

const inOrder = (payment: Money, queue: readonly Receivable[]): AllocationResult => {
  const allocations: Allocation[] = [];
  let left = payment;
  for (const r of queue) {
    if (!left.isPositive()) break;
    const amount = Money.min(left, r.outstanding);
    allocations.push({ chargeId: r.chargeId, kind: r.kind, amount });
    left = left.subtract(amount);
  }
  return { allocations, credit: left };
};

const explicit = (payment: Money, owed: readonly Receivable[], targets: unknown): E.Either<DomainError, AllocationResult> => {
  if (!Array.isArray(targets)) return E.left(domainError('ALLOCATION_POLICY_INVALID', 'explicit allocation needs a list of targets', ['policy', 'targets']));
  const byKey = new Map<string, Receivable>();
  for (const r of owed) byKey.set(keyOf(r.chargeId, r.kind), r);
  const used = new Set<string>();
  const allocations: Allocation[] = [];
  let left = payment;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i] as { chargeId: string; kind: ReceivableKind; amount: Money };
    const path = ['policy', 'targets', String(i)];
    if (!(t.amount instanceof Money)) return E.left(domainError('AMOUNT_INVALID', `the target amount must be a Money amount, not ${describe(t.amount)}`, [...path, 'amount']));
    if (!isSameCurrency(t.amount.currency, payment.currency)) {
      const [targetIn, paidIn] = [t.amount.currency, payment.currency];
      return E.left(domainError('CURRENCY_MISMATCH', `the target is in ${currencyName(targetIn, paidIn)} but the payment is in ${currencyName(paidIn, targetIn)}`, [...path, 'amount']));
    }
    if (!t.amount.isPositive()) return E.left(domainError('ALLOCATION_TARGET_NOT_POSITIVE', `an amount to apply must be above zero, not ${t.amount.toString()}`, [...path, 'amount']));
    // a misspelt kind ('principle') is the target's mistake, not a receivable missing from what is owed
    if (t.kind !== 'principal' && t.kind !== 'penalty') {
      return E.left(domainError('RECEIVABLE_KIND_INVALID', `a target's kind is principal or penalty, not ${describe(t.kind)}`, [...path, 'kind']));
    }
    const key = keyOf(t.chargeId, t.kind);
    const r = byKey.get(key);
    if (r === undefined) {
      return E.left(domainError('ALLOCATION_TARGET_UNKNOWN', `charge ${describe(t.chargeId)} (${describe(t.kind)}) is not among what this unit owes`, [...path, 'chargeId']));
    }
    if (used.has(key)) return E.left(domainError('ALLOCATION_TARGET_DUPLICATE', `charge ${t.chargeId} (${t.kind}) is named twice; give one amount per receivable`, [...path, 'chargeId']));
    used.add(key);
    if (t.amount.greaterThan(r.outstanding)) {
      return E.left(
        domainError('ALLOCATION_TARGET_EXCEEDS_OUTSTANDING', `${t.amount.toString()} is more than the ${r.outstanding.toString()} outstanding on charge ${t.chargeId} (${t.kind})`, [...path, 'amount'], {
          outstanding: r.outstanding.toString(),
        }),
      );
    }
    if (t.amount.greaterThan(left)) {
      return E.left(domainError('ALLOCATION_EXCEEDS_PAYMENT', `the targets add up to more than the payment of ${payment.toString()}`, [...path, 'amount'], { payment: payment.toString() }));
    }
    allocations.push({ chargeId: t.chargeId, kind: t.kind, amount: t.amount });
    left = left.subtract(t.amount);
  }
  return E.right({ allocations, credit: left });
};
