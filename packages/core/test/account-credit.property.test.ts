// ApplyCredit on penalty beside a payment booked late (docs/accounts.md, ApplyCredit and "Penalty
// counted again"): a transfer received before the month-end assessment but booked after the credit
// paid that penalty leaves the account where booking it on time would have. The penalty counted
// again equals the penalty on the base as it was, and what credit had paid of the lowering goes back
// to credit (PenaltyAdjusted.creditPaid), so the net position is the same either way.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type AccountCommand, type AccountEvent, type AccountState, type CommandOf, DEFAULT_ACCOUNT_POLICY, Money, accountBalance, isoDateOf } from '@levy/core';
import { assess, cancel, ctx, day, issue, meta, pay, run } from './account-fixtures.js';

const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const applyCredit = (on: string): AccountCommand => ({ type: 'ApplyCredit', data: {}, meta: meta(on) }) as CommandOf<'ApplyCredit'>;
const penaltyOf = (s: AccountState): Money => Money.sum([...s.charges.values()].map((c) => c.penaltyAssessed));

describe('ApplyCredit on penalty, then a payment received earlier is booked', () => {
  it('ends where booking the payment on time would have: same net position, same penalty', () => {
    const scenario = fc.record({
      allocation: fc.constantFrom('oldest-first' as const, 'penalty-first' as const),
      // March's bill (due April 15) and the credit: April's bill, paid April 10 and cancelled April 20
      marchFen: fc.integer({ min: 10_000, max: 500_000 }),
      creditFen: fc.integer({ min: 100, max: 500_000 }),
      // the transfer's day, April 16 to May 30 (before the May 31 assessment), and its share of what is then owed
      receivedAfter: fc.integer({ min: 0, max: 44 }),
      share: fc.integer({ min: 1, max: 1_000_000 }),
    });
    let creditPaidBack = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const c = ctx({ policy: { ...DEFAULT_ACCOUNT_POLICY, allocation: s.allocation } });
        const credit = [
          issue('2025-04', yuan(s.creditFen), '2025-05-15'),
          pay('T-APR', yuan(s.creditFen), '2025-04-10', { targets: [{ chargeId: 'property-2025-04', kind: 'principal', amount: yuan(s.creditFen) }] } as never),
          cancel('property-2025-04', '2025-04-20'),
        ];
        const history = [issue('2025-03', yuan(s.marchFen), '2025-04-15'), ...credit, assess('2025-05-31'), applyCredit('2025-06-01')];
        const before = run(history, c).state;
        // a payment booked late pays only principal still owed: keep to what the credit left
        const owed = Number(before.charges.get('property-2025-03')!.outstandingPrincipal.toString().replace('.', ''));
        fc.pre(owed > 0);
        const amount = yuan(1 + (s.share % owed));
        const received = isoDateOf(day('2025-04-16') + s.receivedAfter);
        const late = { ...pay('BT-1', amount, received), meta: meta('2025-06-03') } as CommandOf<'ReceivePayment'>;
        const booked = run([...history, late], c);
        const onTime = run([issue('2025-03', yuan(s.marchFen), '2025-04-15'), ...credit, pay('BT-1', amount, received), assess('2025-05-31'), applyCredit('2025-06-01')], c);
        expect(accountBalance(booked.state).toString()).toBe(accountBalance(onTime.state).toString());
        expect(penaltyOf(booked.state).toString()).toBe(penaltyOf(onTime.state).toString());
        // and each part of it stands on its own: nothing owed below zero, penalty assessed = paid +
        // waived + owed on every charge, and the credit is what its lots hold
        for (const ch of booked.state.charges.values()) {
          expect([ch.outstandingPrincipal.isNegative(), ch.outstandingPenalty.isNegative(), ch.penaltyPaid.isNegative()]).toEqual([false, false, false]);
          expect(ch.penaltyPaid.add(ch.penaltyWaived).add(ch.outstandingPenalty).toString()).toBe(ch.cancelled ? ch.penaltyPaid.add(ch.penaltyWaived).toString() : ch.penaltyAssessed.toString());
        }
        expect(booked.state.credit.isNegative()).toBe(false);
        expect(Money.sum([...booked.state.lots.values()].map((l) => l.remaining)).toString()).toBe(booked.state.credit.toString());
        const adjusted = booked.events.filter((e): e is Extract<AccountEvent, { type: 'PenaltyAdjusted' }> => e.type === 'PenaltyAdjusted');
        for (const a of adjusted) if ((a.data.creditPaid ?? []).length > 0) creditPaidBack++;
      }),
    );
    // the case this is about: penalty credit had paid, given back (penalty-first runs)
    expect(creditPaidBack).toBeGreaterThan(0);
  });
});
