// Payments while an installment plan is in good standing (docs/accounts.md, ReceivePayment): the
// plan's receivables are paid first, in the community's order, and only then anything else.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { type AccountCommand, type AccountContext, type AccountEvent, type AccountPolicy, type AccountState, DEFAULT_ACCOUNT_POLICY, Money, accountDecider, isoDateOf } from '@levy/core';
import { assess, ctx, day, issue, pay, plan } from './account-fixtures.js';
import { runs } from '../../testkit/test/support/properties.js';

const RUN = { numRuns: runs(150) } as const;
const fen = (m: Money): bigint => BigInt(m.toString().replace('.', ''));
const owedOn = (s: AccountState, chargeId: string): bigint => {
  const c = s.charges.get(chargeId)!;
  return fen(c.outstandingPrincipal) + fen(c.outstandingPenalty);
};

interface Scenario {
  readonly allocation: AccountPolicy['allocation'];
  /** monthly charges before the plan, in fen */
  readonly older: readonly number[];
  /** which of them the plan covers (a bit per charge; at least one) */
  readonly covered: number;
  readonly installments: number;
  /** charges issued after the plan was agreed, in fen */
  readonly newer: readonly number[];
  /** payments, in fen, one every ten days after the plan */
  readonly payments: readonly number[];
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  allocation: fc.constantFrom('oldest-first' as const, 'penalty-first' as const, 'largest-first' as const),
  older: fc.array(fc.integer({ min: 5_000, max: 200_000 }), { minLength: 1, maxLength: 4 }),
  covered: fc.integer({ min: 1, max: 15 }),
  installments: fc.integer({ min: 1, max: 4 }),
  newer: fc.array(fc.integer({ min: 5_000, max: 200_000 }), { minLength: 0, maxLength: 3 }),
  payments: fc.array(fc.integer({ min: 1, max: 300_000 }), { minLength: 1, maxLength: 4 }),
});

const yuan = (f: number): string => `${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`;
const month = (i: number): string => `2024-${String(i + 1).padStart(2, '0')}`;

/** decides the commands in order; every event with the state it was decided on */
const decide = (commands: readonly AccountCommand[], context: AccountContext): { state: AccountState; events: { before: AccountState; event: AccountEvent }[] } => {
  let state = accountDecider.initialState();
  const events: { before: AccountState; event: AccountEvent }[] = [];
  for (const c of commands) {
    const r = accountDecider.decide(c, state, context);
    if (E.isLeft(r)) throw new Error(`${c.type} refused: ${r.left.code}: ${r.left.message}`);
    for (const e of r.right) {
      events.push({ before: state, event: e });
      state = accountDecider.evolve(state, e);
    }
  }
  return { state, events };
};

describe('payments under an installment plan in good standing', () => {
  it("pay the plan's receivables first, in the policy's order, and other charges only with what is left", () => {
    let reachedOthers = 0;
    fc.assert(
      fc.property(scenario, (sc) => {
        const context = ctx({ now: '2025-12-31T02:00:00Z' as AccountContext['now'], policy: { ...DEFAULT_ACCOUNT_POLICY, allocation: sc.allocation } });
        const older = sc.older.map((f, i) => issue(month(i), yuan(f), `${month(i + 1)}-15`));
        // penalties on the older charges before the plan, so the plan covers principal and penalty
        const setup: AccountCommand[] = [...older, assess('2024-07-01')];
        const before = decide(setup, context).state;
        const ids = sc.older.map((_, i) => `property-${month(i)}`).filter((_, i) => (sc.covered >> i) & 1);
        const chosen = ids.length > 0 ? ids : [`property-${month(0)}`];
        const total = chosen.reduce((sum, id) => sum + owedOn(before, id), 0n);
        const parts = Money.split(Money.of(yuan(Number(total))), sc.installments).filter((m) => m.isPositive());
        const agreed = plan(
          'plan-x',
          chosen,
          parts.map((m, i): [string, string] => [isoDateOf(day('2024-08-01') + 60 * (i + 1)), m.toString()]),
          '2024-07-01',
        );
        const newer = sc.newer.map((f, i) => issue(`2024-0${7 + i}`, yuan(f), `2024-0${8 + i}-15`, { periodKey: `2024-0${7 + i}` } as never));
        const payments = sc.payments.map((f, i) => pay(`t${i}`, yuan(f), isoDateOf(day('2024-07-02') + 10 * i)));
        const { events } = decide([...setup, agreed, ...newer, ...payments], context);
        for (const { before: s, event: e } of events) {
          if (e.type !== 'PaymentReceived' || s.activePlans === 0) continue;
          const inPlan = (chargeId: string): boolean => chosen.includes(chargeId);
          const allocations = e.data.allocations;
          const firstOther = allocations.findIndex((a) => !inPlan(a.chargeId));
          // the plan's allocations come first; once another charge is paid, the plan's charges owe nothing
          if (firstOther >= 0) {
            reachedOthers += 1;
            expect(allocations.slice(firstOther).every((a) => !inPlan(a.chargeId))).toBe(true);
            const paidToPlan = allocations.slice(0, firstOther).reduce((sum, a) => sum + fen(Money.of(a.amount)), 0n);
            const planOwed = chosen.reduce((sum, id) => sum + owedOn(s, id), 0n);
            expect(paidToPlan).toBe(planOwed);
          }
          // and nothing goes to credit while anything owed on the day it was received is still owed
          // (charges issued later, or penalty assessed later, are not: the credit goes to those when issued)
          if (fen(Money.of(e.data.toCredit)) > 0n) {
            const after = accountDecider.evolve(s, e);
            const received = day(e.data.receivedOn);
            for (const c of after.charges.values()) {
              if (c.cancelled || c.issuedDay > received) continue;
              expect(fen(c.outstandingPrincipal)).toBe(0n);
              if (c.penaltyOn === null || c.penaltyOn <= received) expect(fen(c.outstandingPenalty)).toBe(0n);
            }
          }
        }
      }),
      RUN,
    );
    // the scenarios must reach the case the rule is about
    expect(reachedOthers).toBeGreaterThan(20);
  });
});
