// a reversal of a payment whose charge was cancelled, when the credit that cancellation left was
// spent since (先交后用: applied to a reissued charge): the payment's money is taken back everywhere
// it went, from what is left in the cancelled charge's lot and from the charges that lot paid
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { type AccountCommand, type AccountEvent, type AccountState, type EventOf, LevyError, accountBalance, accountDecider, decodeEvent, evolveAccount } from '@levy/core';
import { cancel, ctx, decideAfter, issue, meta, pay, refund, reverse, run } from './account-fixtures.js';

const only = <K extends AccountEvent['type']>(events: readonly AccountEvent[], type: K): EventOf<K>[] => events.filter((e): e is EventOf<K> => e.type === type);
const owes = (s: AccountState, chargeId: string): string[] => {
  const c = s.charges.get(chargeId)!;
  return [c.outstandingPrincipal.toString(), c.outstandingPenalty.toString()];
};
/** [credit, balance] as strings */
const totals = (s: AccountState): string[] => [s.credit.toString(), accountBalance(s).toString()];

const C1 = 'property-2025-03';
const C2 = 'property-2025-03-r';
const LOT = 'cancel:property-2025-03';
// C1 100.00 issued March 1, due April 15; P (wechat) pays it March 10; C1 is cancelled March 12 (its 100.00 is credit, lot cancel:C1)
const c1 = issue('2025-03', '100.00', '2025-04-15');
const cancelC1 = cancel(C1, '2025-03-12');
// the corrected charge, 90.00 due April 15, issued March 13: the cancel:C1 credit pays it at once (10.00 left)
const reissue = (id: string, amount: string, on: string): AccountCommand => ({ ...issue('2025-03', amount, '2025-04-15', { chargeId: id } as never), meta: meta(on) });
const c2 = reissue(C2, '90.00', '2025-03-13');
const paidThenReissued = [c1, pay('P', '100', '2025-03-10'), cancelC1, c2];

describe('a reversal of a payment whose cancelled charge left credit that was spent since', () => {
  it('takes back what is left of that credit and re-opens the charge it paid: the unit owes 90.00 and has no credit', () => {
    const before = run(paidThenReissued);
    expect(only(before.events, 'CreditApplied').map((e) => e.data)).toEqual([{ chargeId: C2, amount: '90.00', lots: [{ lotId: LOT, amount: '90.00' }] }]);
    expect(totals(before.state)).toEqual(['10.00', '-10.00']);

    const { events, state } = run([...paidThenReissued, reverse('wechat-P', '2025-03-20')]);
    const reversed = only(events, 'PaymentReversed');
    expect(reversed.map((e) => e.data)).toEqual([
      {
        paymentId: 'wechat-P',
        reason: 'bounced',
        channel: 'wechat',
        amount: '100.00',
        allocations: [],
        // 10.00 + 90.00 = 100.00, the payment
        fromCredit: '10.00',
        creditApplications: [{ chargeId: C2, amount: '90.00', lot: LOT }],
        fromCreditLots: [{ lotId: LOT, amount: '10.00' }],
      },
    ]);
    expect(owes(state, C2)).toEqual(['90.00', '0.00']);
    expect(totals(state)).toEqual(['0.00', '90.00']);
    const lot = state.lots.get(LOT)!;
    expect([lot.remaining, lot.applied.get(C2), lot.takenBack].map(String)).toEqual(['0.00', '0.00', '10.00']);
  });

  it('leaves the re-opened charge overdue from its own due date, on the whole 90.00', () => {
    // April 16 to May 15, 30 days: 90.00 × 0.0003 × 30 = 0.81
    const { events, state } = run([...paidThenReissued, reverse('wechat-P', '2025-03-20'), { type: 'AssessPenalty', data: { asOf: '2025-05-15' }, meta: meta('2025-05-15') } as AccountCommand]);
    expect(only(events, 'PenaltyAssessed').map((e) => [e.data.chargeId, e.data.from, e.data.to, e.data.amount])).toEqual([[C2, '2025-04-16', '2025-05-15', '0.81']]);
    expect(totals(state)).toEqual(['0.00', '90.81']);
  });

  it("does the same when the payment's own credit paid the charge that was cancelled", () => {
    // P's 100.00 arrives February 20 before anything is billed: credit, which pays C1 when it is issued March 1
    const given = [pay('P', '100', '2025-02-20'), c1, cancelC1, c2];
    const { events, state } = run([...given, reverse('wechat-P', '2025-03-20')]);
    expect(only(events, 'PaymentReversed')[0]!.data).toMatchObject({ allocations: [], fromCredit: '10.00', creditApplications: [{ chargeId: C2, amount: '90.00', lot: LOT }], fromCreditLots: [{ lotId: LOT, amount: '10.00' }] });
    expect(owes(state, C2)).toEqual(['90.00', '0.00']);
    expect(totals(state)).toEqual(['0.00', '90.00']);
  });

  it('follows the credit through a charge cancelled in turn', () => {
    // C2 (100.00) takes all of cancel:C1 and is cancelled March 14 (lot cancel:C2); C3 (70.00) takes 70.00 of that, 30.00 left
    const C3 = 'property-2025-03-s';
    const given = [c1, pay('P', '100', '2025-03-10'), cancelC1, reissue(C2, '100.00', '2025-03-13'), cancel(C2, '2025-03-14'), reissue(C3, '70.00', '2025-03-15')];
    const { events, state } = run([...given, reverse('wechat-P', '2025-03-20')]);
    expect(only(events, 'PaymentReversed')[0]!.data).toMatchObject({
      allocations: [],
      fromCredit: '30.00',
      creditApplications: [{ chargeId: C3, amount: '70.00', lot: `cancel:${C2}` }],
      fromCreditLots: [{ lotId: `cancel:${C2}`, amount: '30.00' }],
    });
    expect(owes(state, C3)).toEqual(['70.00', '0.00']);
    expect(totals(state)).toEqual(['0.00', '70.00']);
  });

  it('re-opens only its own part when another payment paid the cancelled charge too, and that one re-opens the rest', () => {
    // P pays 60.00 of C1 on March 5 and Q 40.00 on March 6; C1 cancelled: 100.00 credit; C2 takes 90.00, 10.00 left
    const given = [c1, pay('P', '60', '2025-03-05'), pay('Q', '40', '2025-03-06'), cancelC1, c2];
    const afterP = run([...given, reverse('wechat-P', '2025-03-20')]);
    // P's 60.00: the 10.00 left, and 50.00 of what the lot paid on C2
    expect(only(afterP.events, 'PaymentReversed')[0]!.data).toMatchObject({ fromCredit: '10.00', creditApplications: [{ chargeId: C2, amount: '50.00', lot: LOT }], fromCreditLots: [{ lotId: LOT, amount: '10.00' }] });
    expect(owes(afterP.state, C2)).toEqual(['50.00', '0.00']);
    expect(String(afterP.state.lots.get(LOT)!.applied.get(C2))).toBe('40.00');
    // assessed May 15: April 16 to May 15 on the 50.00 re-opened, 50.00 × 0.0003 × 30 = 0.45
    const assessed = run([...given, reverse('wechat-P', '2025-03-20'), { type: 'AssessPenalty', data: { asOf: '2025-05-15' }, meta: meta('2025-05-15') } as AccountCommand]);
    expect(only(assessed.events, 'PenaltyAssessed').map((e) => e.data.amount)).toEqual(['0.45']);
    // Q bounces May 16: its 40.00 re-opens the rest of C2; May's days counted again on 90.00 (0.81), 0.36 more
    const afterQ = run([...given, reverse('wechat-P', '2025-03-20'), { type: 'AssessPenalty', data: { asOf: '2025-05-15' }, meta: meta('2025-05-15') } as AccountCommand, reverse('wechat-Q', '2025-05-16')]);
    const q = afterQ.events.slice(assessed.events.length);
    expect(q.map((e) => e.type)).toEqual(['PaymentReversed', 'PenaltyAdjusted']);
    expect(q[0]!.data).toMatchObject({ fromCredit: '0.00', creditApplications: [{ chargeId: C2, amount: '40.00', lot: LOT }] });
    expect((q[1] as EventOf<'PenaltyAdjusted'>).data.amount).toBe('0.36');
    expect(owes(afterQ.state, C2)).toEqual(['90.00', '0.81']);
    expect(totals(afterQ.state)).toEqual(['0.00', '90.81']);
  });
});

describe('when the credit the cancelled charge left was refunded', () => {
  it('refuses, as for its own credit refunded, and writes nothing', () => {
    // 4.00 of the 10.00 left is refunded March 15; Q's 50.00 (March 16) is credit, but it is not P's money
    const given = [...paidThenReissued, refund('4', '2025-03-15'), pay('Q', '50', '2025-03-16')];
    const r = decideAfter(given, reverse('wechat-P', '2025-03-20'));
    expect(E.isLeft(r) && [r.left.code, r.left.path, r.left.details]).toEqual(['REVERSAL_CREDIT_REFUNDED', ['data', 'paymentId'], { lotId: LOT, refunded: '4.00' }]);
    expect(E.isLeft(r) && r.left.message).toContain('recover the refund');
  });

  it('does not stop a reversal whose part is still there, in the lot or in what it paid', () => {
    // P 60.00 and Q 40.00 paid C1; C2 of 50.00 takes 50.00; 30.00 of the 50.00 left is refunded: 20.00 left
    const given = [c1, pay('P', '60', '2025-03-05'), pay('Q', '40', '2025-03-06'), cancelC1, reissue(C2, '50.00', '2025-03-13'), refund('30', '2025-03-15')];
    const { events, state } = run([...given, reverse('wechat-P', '2025-03-20')]);
    // P's 60.00: the 20.00 left and 40.00 of C2
    expect(only(events, 'PaymentReversed')[0]!.data).toMatchObject({ fromCredit: '20.00', creditApplications: [{ chargeId: C2, amount: '40.00', lot: LOT }] });
    expect(totals(state)).toEqual(['0.00', '40.00']);
    // Q's 40.00: only 10.00 of C2 is left in the lot, and the rest was refunded
    const r = accountDecider.decide(reverse('wechat-Q', '2025-03-21'), state, ctx());
    expect(E.isLeft(r) && r.left.code).toBe('REVERSAL_CREDIT_REFUNDED');
  });
});

describe('PaymentReversed naming the lot a re-opened application came from', () => {
  // the reversal as decided, and the events before it
  const decided = (): { given: AccountEvent[]; reversal: EventOf<'PaymentReversed'> } => {
    const { events } = run([...paidThenReissued, reverse('wechat-P', '2025-03-20')]);
    return { given: events.slice(0, -1), reversal: events[events.length - 1] as EventOf<'PaymentReversed'> };
  };
  const fold = (es: readonly AccountEvent[]): AccountState => es.reduce(evolveAccount, accountDecider.initialState());

  it('decodes with `lot`, and refuses an empty one', () => {
    const { reversal } = decided();
    const decoded = decodeEvent(reversal);
    expect(E.isRight(decoded) && decoded.right).toEqual(reversal);
    const empty = { ...reversal, data: { ...reversal.data, creditApplications: [{ chargeId: C2, amount: '90.00', lot: '' }] } };
    expect(E.isLeft(decodeEvent(empty))).toBe(true);
  });

  it('is refused by evolve when the lot named did not pay that much on the charge (LOG_INCONSISTENT)', () => {
    const { given, reversal } = decided();
    const state = fold(given);
    for (const ca of [
      { chargeId: C2, amount: '90.01', lot: LOT },
      { chargeId: C2, amount: '90.00', lot: 'cancel:property-2025-09' },
      { chargeId: C2, amount: '90.00', lot: 'wechat-P' },
    ]) {
      const bad = { ...reversal, data: { ...reversal.data, creditApplications: [ca] } } as unknown as AccountEvent;
      let code: string | undefined;
      try {
        evolveAccount(state, bad);
      } catch (e) {
        code = e instanceof LevyError ? e.error.code : String(e);
      }
      expect([ca.lot, ca.amount, code]).toEqual([ca.lot, ca.amount, 'LOG_INCONSISTENT']);
    }
  });
});
