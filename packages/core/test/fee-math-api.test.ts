// the fee-math shapes the account and community deciders code against (issue 2): a change here is
// a breaking change, and `pnpm typecheck` fails on it before any caller does
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as core from '@levy/core';
import type * as E from 'fp-ts/lib/Either.js';
import {
  type Allocation,
  type AllocationPolicy,
  type AllocationResult,
  type ChargeCalculation,
  type DomainError,
  type PenaltyAssessment,
  type PenaltyCap,
  type PenaltyInput,
  type PenaltyPolicy,
  type PenaltySegment,
  type Receivable,
  type RoundingMode,
  DEFAULT_ALLOCATION_POLICY,
  DEFAULT_PENALTY_POLICY,
  type Money,
  allocatePayment,
  areaCharge,
  assessPenalty,
  fixedCharge,
  meteredCharge,
  priceFor,
  proratedAreaCharge,
  splitIntoMonths,
  validatePenaltyPolicy,
} from '@levy/core';

describe('fee-math API shapes', () => {
  it('prices return an Either of a ChargeCalculation', () => {
    expectTypeOf(areaCharge).parameter(0).toEqualTypeOf<{ areaM2: string; pricePerM2PerMonth: string; months: number; rounding?: RoundingMode }>();
    expectTypeOf(proratedAreaCharge).parameter(0).toEqualTypeOf<{ areaM2: string; pricePerM2PerMonth: string; daysBilled: number; daysInMonth: number; rounding?: RoundingMode }>();
    expectTypeOf(fixedCharge).parameter(0).toEqualTypeOf<{ amountPerMonth: Money; months: number }>();
    expectTypeOf(meteredCharge).parameter(0).toEqualTypeOf<{ previousReading: string; currentReading: string; unitPrice: string; rounding?: RoundingMode }>();
    expectTypeOf(areaCharge).returns.toEqualTypeOf<E.Either<DomainError, ChargeCalculation>>();
    expectTypeOf<ChargeCalculation['basis']>().toEqualTypeOf<'area' | 'fixed' | 'metered'>();
    expectTypeOf<ChargeCalculation['amount']>().toEqualTypeOf<Money>();
    expectTypeOf(splitIntoMonths).returns.toEqualTypeOf<readonly Money[]>();
    expectTypeOf(priceFor).returns.toEqualTypeOf<E.Either<DomainError, string>>();
  });
  it('penalties take epoch days and return an explained assessment', () => {
    expectTypeOf(assessPenalty).parameter(0).toEqualTypeOf<PenaltyInput>();
    expectTypeOf(assessPenalty).returns.toEqualTypeOf<E.Either<DomainError, PenaltyAssessment>>();
    expectTypeOf<PenaltyInput['dueDate']>().toEqualTypeOf<number>();
    expectTypeOf<PenaltyAssessment['segments']>().toEqualTypeOf<readonly PenaltySegment[]>();
    expectTypeOf<PenaltyAssessment['cappedBy']>().toEqualTypeOf<Money | null>();
    expectTypeOf<PenaltyCap['kind']>().toEqualTypeOf<'principal' | 'none' | 'absolute' | 'percentage'>();
    expectTypeOf(DEFAULT_PENALTY_POLICY).toEqualTypeOf<PenaltyPolicy>();
    expectTypeOf(validatePenaltyPolicy).returns.toEqualTypeOf<E.Either<DomainError, PenaltyPolicy>>();
    expect(DEFAULT_PENALTY_POLICY).toEqual({ dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' });
  });
  it('allocation returns allocations and credit', () => {
    expectTypeOf(allocatePayment).parameters.toEqualTypeOf<[Money, readonly Receivable[], AllocationPolicy?]>();
    expectTypeOf(allocatePayment).returns.toEqualTypeOf<E.Either<DomainError, AllocationResult>>();
    expectTypeOf<AllocationResult['allocations']>().toEqualTypeOf<readonly Allocation[]>();
    expectTypeOf<AllocationPolicy['kind']>().toEqualTypeOf<'oldest-first' | 'penalty-first' | 'largest-first' | 'explicit'>();
    expect(DEFAULT_ALLOCATION_POLICY).toEqual({ kind: 'oldest-first' });
  });
});

// the index lists the fee-math modules by name so the unchecked variants the deciders call stay
// internal: every other value they export must still be public
describe('fee-math exports', () => {
  it('exports every fee-math value but the unchecked variants, and none of those', async () => {
    const modules = [await import('../src/pricing.js'), await import('../src/penalty.js'), await import('../src/allocation.js')];
    const names = modules.flatMap((m) => Object.keys(m));
    const unchecked = names.filter((n) => n.endsWith('Unchecked'));
    expect(unchecked.sort()).toEqual(['allocatePaymentUnchecked', 'areaChargeUnchecked', 'assessPenaltyUnchecked', 'fixedChargeUnchecked', 'meteredChargeUnchecked', 'priceForUnchecked', 'proratedAreaChargeUnchecked']);
    const exported = new Set(Object.keys(core));
    expect(names.filter((n) => !n.endsWith('Unchecked') && !exported.has(n))).toEqual([]);
    expect(unchecked.filter((n) => exported.has(n))).toEqual([]);
    expect(Object.keys(core).filter((n) => n.endsWith('Unchecked'))).toEqual([]);
  });
});
