import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { Money, allocatePayment, type AllocationPolicy, type AllocationResult, type DomainError, type Receivable, type ReceivableKind } from '@levy/core';
import { runs } from '../../testkit/test/support/properties.js';

const ok = (r: E.Either<DomainError, AllocationResult>): AllocationResult => {
  if (E.isLeft(r)) throw new Error(`${r.left.code}: ${r.left.message}`);
  return r.right;
};
const refused = (r: E.Either<DomainError, AllocationResult>): DomainError => {
  if (E.isRight(r)) throw new Error('expected a refusal');
  return r.left;
};
const show = (r: AllocationResult) => ({ allocations: r.allocations.map((a) => `${a.chargeId}/${a.kind} ${a.amount.toString()}`), credit: r.credit.toString() });
const rec = (chargeId: string, kind: ReceivableKind, dueDate: number, outstanding: string): Receivable => ({ chargeId, kind, dueDate, outstanding: Money.of(outstanding) });

// January, February and March fees of 250.60 with penalties on the first two
const owed: readonly Receivable[] = [
  rec('2025-03', 'principal', 20_162, '250.60'),
  rec('2025-01', 'penalty', 20_103, '4.51'),
  rec('2025-01', 'principal', 20_103, '250.60'),
  rec('2025-02', 'penalty', 20_134, '1.88'),
  rec('2025-02', 'principal', 20_134, '100.00'),
];

describe('allocation order', () => {
  it('pays all principal oldest first, then penalties oldest first, by default', () => {
    expect(show(ok(allocatePayment(Money.of('700.00'), owed)))).toEqual({
      allocations: ['2025-01/principal 250.60', '2025-02/principal 100.00', '2025-03/principal 250.60', '2025-01/penalty 4.51', '2025-02/penalty 1.88'],
      credit: '92.41',
    });
  });
  it('leaves the newest principal part-paid when the money runs out', () => {
    expect(show(ok(allocatePayment(Money.of('400.00'), owed)))).toEqual({
      allocations: ['2025-01/principal 250.60', '2025-02/principal 100.00', '2025-03/principal 49.40'],
      credit: '0.00',
    });
  });
  it('pays penalties first under penalty-first', () => {
    expect(show(ok(allocatePayment(Money.of('260.00'), owed, { kind: 'penalty-first' })))).toEqual({
      allocations: ['2025-01/penalty 4.51', '2025-02/penalty 1.88', '2025-01/principal 250.60', '2025-02/principal 3.01'],
      credit: '0.00',
    });
  });
  it('pays the largest principal first under largest-first, the older of equal ones first', () => {
    expect(show(ok(allocatePayment(Money.of('300.00'), owed, { kind: 'largest-first' })))).toEqual({
      allocations: ['2025-01/principal 250.60', '2025-03/principal 49.40'],
      credit: '0.00',
    });
  });
  it('breaks equal due dates by charge id', () => {
    const same = [rec('b', 'principal', 1, '1.00'), rec('a', 'principal', 1, '1.00')];
    expect(show(ok(allocatePayment(Money.of('1.00'), same))).allocations).toEqual(['a/principal 1.00']);
  });
  it('skips receivables with nothing outstanding', () => {
    const r = ok(allocatePayment(Money.of('5.00'), [rec('x', 'principal', 1, '0.00'), rec('y', 'principal', 2, '3.00')]));
    expect(show(r)).toEqual({ allocations: ['y/principal 3.00'], credit: '2.00' });
  });
  it('turns a payment with nothing owed into credit (先交后用)', () => {
    expect(show(ok(allocatePayment(Money.of('3000.00'), [])))).toEqual({ allocations: [], credit: '3000.00' });
  });
  it('applies explicit targets exactly and credits the rest', () => {
    const policy: AllocationPolicy = {
      kind: 'explicit',
      targets: [
        { chargeId: '2025-03', kind: 'principal', amount: Money.of('250.60') },
        { chargeId: '2025-02', kind: 'penalty', amount: Money.of('1.00') },
      ],
    };
    expect(show(ok(allocatePayment(Money.of('300.00'), owed, policy)))).toEqual({
      allocations: ['2025-03/principal 250.60', '2025-02/penalty 1.00'],
      credit: '48.40',
    });
  });
});

describe('allocation refusals', () => {
  const target = (chargeId: string, kind: ReceivableKind, amount: string) => ({ chargeId, kind, amount: Money.of(amount) });
  it.each<[string, E.Either<DomainError, AllocationResult>, string, string[]]>([
    ['a zero payment', allocatePayment(Money.zero(), owed), 'PAYMENT_NOT_POSITIVE', ['payment']],
    ['a negative payment', allocatePayment(Money.of('-1.00'), owed), 'PAYMENT_NOT_POSITIVE', ['payment']],
    ['a negative outstanding', allocatePayment(Money.of('1.00'), [rec('x', 'principal', 1, '-1.00')]), 'RECEIVABLE_NEGATIVE', ['owed', '0', 'outstanding']],
    ['the same receivable twice', allocatePayment(Money.of('1.00'), [rec('x', 'principal', 1, '1.00'), rec('x', 'principal', 2, '1.00')]), 'RECEIVABLE_DUPLICATE', ['owed', '1', 'chargeId']],
    ['a fractional due date', allocatePayment(Money.of('1.00'), [rec('x', 'principal', 1.5, '1.00')]), 'RECEIVABLE_DUE_DATE_INVALID', ['owed', '0', 'dueDate']],
    ['an unknown policy', allocatePayment(Money.of('1.00'), owed, { kind: 'newest-first' } as never), 'ALLOCATION_POLICY_INVALID', ['policy', 'kind']],
    ['an unknown target', allocatePayment(Money.of('10.00'), owed, { kind: 'explicit', targets: [target('2024-12', 'principal', '1.00')] }), 'ALLOCATION_TARGET_UNKNOWN', ['policy', 'targets', '0', 'chargeId']],
    ['a zero target', allocatePayment(Money.of('10.00'), owed, { kind: 'explicit', targets: [target('2025-01', 'principal', '0.00')] }), 'ALLOCATION_TARGET_NOT_POSITIVE', ['policy', 'targets', '0', 'amount']],
    [
      'a target above its outstanding',
      allocatePayment(Money.of('10.00'), owed, { kind: 'explicit', targets: [target('2025-01', 'penalty', '4.52')] }),
      'ALLOCATION_TARGET_EXCEEDS_OUTSTANDING',
      ['policy', 'targets', '0', 'amount'],
    ],
    [
      'targets above the payment',
      allocatePayment(Money.of('100.00'), owed, { kind: 'explicit', targets: [target('2025-01', 'principal', '60.00'), target('2025-02', 'principal', '50.00')] }),
      'ALLOCATION_EXCEEDS_PAYMENT',
      ['policy', 'targets', '1', 'amount'],
    ],
    [
      'the same target twice',
      allocatePayment(Money.of('100.00'), owed, { kind: 'explicit', targets: [target('2025-01', 'principal', '1.00'), target('2025-01', 'principal', '1.00')] }),
      'ALLOCATION_TARGET_DUPLICATE',
      ['policy', 'targets', '1', 'chargeId'],
    ],
  ])('refuses %s', (_what, result, code, path) => {
    const e = refused(result);
    expect(e.code).toBe(code);
    expect(e.path).toEqual(path);
  });
});

describe('allocation input shapes (audit: TypeErrors, and empty or numeric charge ids allocated to)', () => {
  const one = Money.of('1.00');
  const owedOne = (chargeId: unknown): Receivable[] => [{ chargeId: chargeId as string, kind: 'principal', dueDate: 1, outstanding: one }];
  it.each<[string, () => E.Either<DomainError, AllocationResult>, string, string[]]>([
    ['a null policy', () => allocatePayment(one, [], null as never), 'ALLOCATION_POLICY_INVALID', ['policy']],
    ['a policy that is a string', () => allocatePayment(one, [], 'oldest-first' as never), 'ALLOCATION_POLICY_INVALID', ['policy']],
    ['targets on a policy that is not explicit', () => allocatePayment(one, owedOne('c1'), { kind: 'oldest-first', targets: [] } as never), 'ALLOCATION_POLICY_INVALID', ['policy', 'targets']],
    ['a misspelt field on an explicit policy', () => allocatePayment(one, owedOne('c1'), { kind: 'explicit', targets: [], target: [] } as never), 'ALLOCATION_POLICY_INVALID', ['policy', 'target']],
    ['owed of null', () => allocatePayment(one, null as never), 'RECEIVABLES_INVALID', ['owed']],
    ['owed of an object', () => allocatePayment(one, { c1: one } as never), 'RECEIVABLES_INVALID', ['owed']],
    ['a null receivable', () => allocatePayment(one, [null] as never), 'RECEIVABLE_INVALID', ['owed', '0']],
    ['an empty charge id', () => allocatePayment(one, owedOne('')), 'RECEIVABLE_CHARGE_ID_INVALID', ['owed', '0', 'chargeId']],
    ['a numeric charge id', () => allocatePayment(one, owedOne(42)), 'RECEIVABLE_CHARGE_ID_INVALID', ['owed', '0', 'chargeId']],
    ['a missing charge id', () => allocatePayment(one, owedOne(undefined)), 'RECEIVABLE_CHARGE_ID_INVALID', ['owed', '0', 'chargeId']],
    ['a null target', () => allocatePayment(one, owedOne('c1'), { kind: 'explicit', targets: [null] } as never), 'ALLOCATION_TARGET_INVALID', ['policy', 'targets', '0']],
    [
      'a numeric target charge id',
      () => allocatePayment(one, owedOne('42'), { kind: 'explicit', targets: [{ chargeId: 42, kind: 'principal', amount: one }] } as never),
      'ALLOCATION_TARGET_INVALID',
      ['policy', 'targets', '0', 'chargeId'],
    ],
  ])('refuses %s', (_what, allocate, code, path) => {
    const e = refused(allocate());
    expect(e.code).toBe(code);
    expect(e.path).toEqual(path);
  });
  it('still refuses an unknown policy kind by its kind', () => {
    expect(refused(allocatePayment(one, [], { kind: 'newest-first', targets: [] } as never))).toMatchObject({ code: 'ALLOCATION_POLICY_INVALID', path: ['policy', 'kind'] });
  });
});

// ---------------------------------------------------------------------------------------------
// properties
// ---------------------------------------------------------------------------------------------

const receivables = fc
  .uniqueArray(
    fc.record({
      chargeId: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5', 'c6'),
      kind: fc.constantFrom<ReceivableKind>('principal', 'penalty'),
      dueDate: fc.integer({ min: 19_000, max: 19_400 }),
      fen: fc.integer({ min: 0, max: 500_000 }),
    }),
    { selector: (r) => `${r.chargeId}/${r.kind}`, maxLength: 12, size: 'max' },
  )
  .map((rs) => rs.map((r): Receivable => ({ chargeId: r.chargeId, kind: r.kind, dueDate: r.dueDate, outstanding: Money.fromMinorUnits(r.fen) })));

const checkInvariants = (payment: Money, owedList: readonly Receivable[], r: AllocationResult): void => {
  // sum(allocations) + credit = payment, exactly
  expect(Money.sum(r.allocations.map((a) => a.amount)).add(r.credit).equals(payment)).toBe(true);
  expect(r.credit.isNegative()).toBe(false);
  const paid = new Map<string, Money>();
  for (const a of r.allocations) {
    expect(a.amount.isPositive()).toBe(true);
    const key = `${a.chargeId}/${a.kind}`;
    paid.set(key, (paid.get(key) ?? Money.zero()).add(a.amount));
  }
  for (const [key, amount] of paid) {
    const target = owedList.find((o) => `${o.chargeId}/${o.kind}` === key);
    expect(target).toBeDefined();
    // never over-pays
    expect(amount.lessThanOrEqual(target!.outstanding)).toBe(true);
  }
};

describe('allocation properties', () => {
  it('sums exactly, never over-pays, and credits only what nothing is owed against, under every ordering policy', () => {
    fc.assert(
      fc.property(receivables, fc.integer({ min: 1, max: 3_000_000 }), fc.constantFrom<AllocationPolicy>({ kind: 'oldest-first' }, { kind: 'penalty-first' }, { kind: 'largest-first' }), (owedList, paymentFen, policy) => {
        const payment = Money.fromMinorUnits(paymentFen);
        const r = ok(allocatePayment(payment, owedList, policy));
        checkInvariants(payment, owedList, r);
        const totalOwed = Money.sum(owedList.map((o) => o.outstanding));
        // credit exists only when everything owed is paid
        expect(r.credit.equals(Money.max(payment.subtract(totalOwed), Money.zero()))).toBe(true);
      }),
      { numRuns: runs(300) },
    );
  });

  it('pays every principal before any penalty under oldest-first, and the reverse under penalty-first', () => {
    fc.assert(
      fc.property(receivables, fc.integer({ min: 1, max: 3_000_000 }), (owedList, paymentFen) => {
        const kindsOf = (policy: AllocationPolicy) => ok(allocatePayment(Money.fromMinorUnits(paymentFen), owedList, policy)).allocations.map((a) => a.kind);
        const oldest = kindsOf({ kind: 'oldest-first' });
        expect(oldest.indexOf('penalty') === -1 || oldest.lastIndexOf('principal') < oldest.indexOf('penalty')).toBe(true);
        const penaltyFirst = kindsOf({ kind: 'penalty-first' });
        expect(penaltyFirst.indexOf('principal') === -1 || penaltyFirst.lastIndexOf('penalty') < penaltyFirst.indexOf('principal')).toBe(true);
      }),
      { numRuns: runs(200) },
    );
  });

  it('applies explicit targets as given and credits the rest exactly', () => {
    fc.assert(
      fc.property(receivables, fc.array(fc.nat(), { maxLength: 12, size: 'max' }), fc.integer({ min: 0, max: 1_000_000 }), (owedList, picks, extraFen) => {
        const positive = owedList.filter((o) => o.outstanding.isPositive());
        const targets = positive.map((o, i) => ({ chargeId: o.chargeId, kind: o.kind, amount: Money.allocate(o.outstanding, [String((picks[i] ?? 0) % 100 + 1), '100'])[0]! })).filter((t) => t.amount.isPositive());
        const payment = Money.sum(targets.map((t) => t.amount)).add(Money.fromMinorUnits(extraFen + 1));
        const r = ok(allocatePayment(payment, owedList, { kind: 'explicit', targets }));
        checkInvariants(payment, owedList, r);
        expect(r.allocations).toHaveLength(targets.length);
        expect(r.credit.equals(Money.fromMinorUnits(extraFen + 1))).toBe(true);
      }),
      { numRuns: runs(200) },
    );
  });
});
