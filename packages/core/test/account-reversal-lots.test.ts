// which credit a reversal takes back when a charge the payment paid was cancelled since
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { type AccountEvent, type EventOf, accountBalance, accountDecider } from '@levy/core';
import { cancel, ctx, issue, pay, reverse, run } from './account-fixtures.js';

const only = <K extends AccountEvent['type']>(events: readonly AccountEvent[], type: K): EventOf<K>[] => events.filter((e): e is EventOf<K> => e.type === type);

describe('a reversal of a payment whose charge was cancelled since', () => {
  // March 1,000.00; P pays it on 03-10; Q of 500.00 on 03-11 is credit; March is cancelled on 03-12, so P's 1,000.00 is credit too (lot cancel:property-2025-03)
  const march = issue('2025-03', '1000.00', '2025-04-15');
  const before = [march, pay('P', '1000', '2025-03-10'), pay('Q', '500', '2025-03-11'), cancel('property-2025-03', '2025-03-12')];

  it("takes back the credit the cancelled charge left, not another payment's, so that payment can still be reversed", () => {
    const { events, state } = run([...before, reverse('wechat-P', '2025-03-20'), reverse('wechat-Q', '2025-03-25')]);
    const [p, q] = only(events, 'PaymentReversed');
    expect(p!.data.fromCreditLots).toEqual([{ lotId: 'cancel:property-2025-03', amount: '1000.00' }]);
    expect(q!.data.fromCreditLots).toEqual([{ lotId: 'wechat-Q', amount: '500.00' }]);
    // both bounced and the charge is cancelled: nothing owed, no credit
    expect([state.credit.toString(), accountBalance(state).toString()]).toEqual(['0.00', '0.00']);
  });

  it('is still refused when the credit it needs back was applied to a charge since', () => {
    // April's 1,000.00 took 1,000.00 of the 1,500.00 credit on issue: reversing P needs 1,000.00 back from credit, and 500.00 is left
    const { state } = run([...before, issue('2025-04', '1000.00', '2025-05-15')]);
    expect(state.credit.toString()).toBe('500.00');
    const r = accountDecider.decide(reverse('wechat-P', '2025-04-20'), state, ctx());
    expect(E.isLeft(r) && r.left.code).toBe('REVERSAL_CREDIT_SPENT');
  });
});
