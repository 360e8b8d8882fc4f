// which credit a reversal takes back when a charge the payment paid was cancelled since
import { describe, expect, it } from 'vitest';
import { type AccountEvent, type EventOf, accountBalance } from '@levy/core';
import { cancel, issue, pay, reverse, run } from './account-fixtures.js';

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

  it('re-opens what the cancelled charge\'s credit paid since, rather than take another payment\'s credit', () => {
    // April's 1,000.00 took Q's 500.00 and 500.00 of cancel:property-2025-03 on issue: reversing P takes back the 500.00 left
    // there and re-opens the 500.00 that lot paid on April; Q's reversal then re-opens the 500.00 its own lot paid
    const given = [...before, issue('2025-04', '1000.00', '2025-05-15')];
    expect(run(given).state.credit.toString()).toBe('500.00');
    const { events, state } = run([...given, reverse('wechat-P', '2025-04-20'), reverse('wechat-Q', '2025-04-21')]);
    const [p, q] = only(events, 'PaymentReversed');
    expect(p!.data).toMatchObject({ fromCredit: '500.00', fromCreditLots: [{ lotId: 'cancel:property-2025-03', amount: '500.00' }], creditApplications: [{ chargeId: 'property-2025-04', amount: '500.00', lot: 'cancel:property-2025-03' }] });
    // Q's own lot: no `lot`, as before
    expect(q!.data).toMatchObject({ fromCredit: '0.00', creditApplications: [{ chargeId: 'property-2025-04', amount: '500.00' }] });
    expect(q!.data.creditApplications[0]).not.toHaveProperty('lot');
    // both bounced: April owes its 1,000.00, no credit
    expect([state.charges.get('property-2025-04')!.outstandingPrincipal.toString(), state.credit.toString(), accountBalance(state).toString()]).toEqual(['1000.00', '0.00', '1000.00']);
  });
});
