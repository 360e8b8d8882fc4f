// A principal waiver (减免) of a 酬金制 charge: the fee was the owners' money held in trust less the
// company's commission (domain.md, fee regimes), so what is waived comes off the owners' fund and
// the commission in proportion, as a cancellation takes back the whole charge, and never reaches
// Contra:Waivers (the contra of 包干制 fee revenue). Hand-computed first, then over generated logs.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type EventOf, Money } from '@levy/core';
import { ACCOUNT, type CommissionTerms, type JournalState, balancesAsOf, chargeAsOf, dayOf, journalBalance, levyProjection, postingsFor, rebuild, trialBalance, unitsInOrder, waiverCommissionShare } from '../src/index.js';
import type { LoggedEvent } from '../src/index.js';
import { accountLogArbitrary, storedEventsOf } from '../../testkit/src/index.js';
import { runs } from '../../testkit/test/support/properties.js';
import { S1, U1, charge, ev, quarterLog } from './fixtures.js';

const committee = { approver: 'Committee chair Wang', approverRole: 'committee' as const, reference: 'YWH-2025-02', date: '2025-02-18' };

// January's 280.00 under 酬金制 at 10%: 252.00 the owners' fund, 28.00 the commission
const issued = (): LoggedEvent => {
  const e = charge(S1, U1, 'c1-2025-01', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '280.00', '2025-01-01');
  return { ...e, data: { ...e.data, regime: 'commission', commission: '28.00' } } as LoggedEvent;
};
const waiver = (waiverId: string, on: string, amount: string): LoggedEvent =>
  ev(S1, 'WaiverGranted', on, { waiverId, chargeId: 'c1-2025-01', kind: 'principal', amount } as EventOf<'WaiverGranted'>['data'], { reason: 'hardship', approval: committee });
const paid = (): LoggedEvent =>
  ev(S1, 'PaymentReceived', '2025-03-10', {
    paymentId: 'wechat-1',
    channel: 'wechat',
    channelTxnId: 'wx-1',
    amount: '100.00',
    receivedOn: '2025-03-10',
    allocations: [{ chargeId: 'c1-2025-01', kind: 'principal', amount: '100.00' }],
    toCredit: '0.00',
  } as unknown as EventOf<'PaymentReceived'>['data']);
// 280.00 − 100.00 waived − 100.00 paid: 80.00 still owed is written off, the 100.00 paid becomes credit
const cancelled = (): LoggedEvent =>
  ev(
    S1,
    'ChargeCancelled',
    '2025-03-20',
    {
      chargeId: 'c1-2025-01',
      amount: '280.00',
      commission: '28.00',
      outstandingPrincipal: '80.00',
      paidPrincipalToCredit: '100.00',
      outstandingPenalty: '0.00',
      paidPenaltyToCredit: '0.00',
    } as EventOf<'ChargeCancelled'>['data'],
    { reason: 'billed in error', approval: committee },
  );
const log = (): LoggedEvent[] => [...quarterLog().slice(0, 4), issued(), waiver('w-1', '2025-02-20', '55.55'), waiver('w-2', '2025-03-05', '44.45'), paid(), cancelled()];

const figures = (journal: JournalState, on: string): string[] =>
  [ACCOUNT.receivableFees, ACCOUNT.ownersFund, ACCOUNT.revenueCommission, ACCOUNT.contraWaivers].map((a) => journalBalance(journal, a, dayOf(on)).toString());

describe('a principal waiver of a 酬金制 charge', () => {
  it('comes off the owners fund and the commission in proportion, not onto the waivers', () => {
    const { journal } = rebuild(levyProjection, log());
    // receivable, owners' fund, commission, waivers
    expect(figures(journal, '2025-01-31')).toEqual(['280.00', '-252.00', '-28.00', '0.00']);
    // 55.55 waived: commission 55.55 × 28.00 / 280.00 = 5.555, half-up 5.56; the owners' fund 49.99
    // (before: the owners' fund kept -252.00, the commission -28.00, and Contra:Waivers held 55.55)
    expect(figures(journal, '2025-02-20')).toEqual(['224.45', '-202.01', '-22.44', '0.00']);
    // 44.45 more: 100.00 waived in all, commission 10.00 on it, so 4.44 now (not 4.445 half-up 4.45);
    // what is left is what a clerk works out from the 180.00 still billed: 162.00 and 10% = 18.00
    expect(figures(journal, '2025-03-05')).toEqual(['180.00', '-162.00', '-18.00', '0.00']);
    for (let d = dayOf('2025-01-01'); d <= dayOf('2025-03-31'); d++) expect(trialBalance(journal, d).sum.toString()).toBe('0.00');
  });

  it('posts the entry of each waiver from the terms the journal remembers', () => {
    const terms: CommissionTerms = { amount: Money.of('280.00'), commission: Money.of('28.00'), waived: Money.zero(), commissionWaived: Money.zero() };
    const entry = (e: LoggedEvent, t: CommissionTerms) => postingsFor(e, () => t).map((p) => `${p.account} ${p.amount.toString()}`);
    expect(entry(waiver('w-1', '2025-02-20', '55.55'), terms)).toEqual([`${ACCOUNT.ownersFund} 49.99`, `${ACCOUNT.revenueCommission} 5.56`, `${ACCOUNT.receivableFees} -55.55`]);
    const after = { ...terms, waived: Money.of('55.55'), commissionWaived: Money.of('5.56') };
    expect(entry(waiver('w-2', '2025-03-05', '44.45'), after)).toEqual([`${ACCOUNT.ownersFund} 40.01`, `${ACCOUNT.revenueCommission} 4.44`, `${ACCOUNT.receivableFees} -44.45`]);
    // waived in full, the parts add up to the commission exactly: 28.00 − 10.00 on the last 180.00
    expect(waiverCommissionShare({ ...after, waived: Money.of('100.00'), commissionWaived: Money.of('10.00') }, Money.of('180.00'))?.toString()).toBe('18.00');
    // without what the fold remembers, a waiver is posted as a 包干制 one (a balanced entry all the same)
    expect(postingsFor(waiver('w-1', '2025-02-20', '55.55')).map((p) => `${p.account} ${p.amount.toString()}`)).toEqual([`${ACCOUNT.contraWaivers} 55.55`, `${ACCOUNT.receivableFees} -55.55`]);
  });

  it('leaves a cancellation after it to take back only the rest, so every account closes at zero', () => {
    const { journal } = rebuild(levyProjection, log());
    // Dr OwnersFund 252.00 − (100.00 − 10.00) = 162.00, Dr Commission 28.00 − 10.00 = 18.00;
    // Cr Receivable 80.00, Cr Prepaid 100.00; nothing left on Contra:Waivers to undo
    expect(figures(journal, '2025-03-20')).toEqual(['0.00', '0.00', '0.00', '0.00']);
    expect(journalBalance(journal, ACCOUNT.prepaid).toString()).toBe('-100.00');
    expect(trialBalance(journal).sum.toString()).toBe('0.00');
  });

  it('leaves a 包干制 waiver on Contra:Waivers, as before', () => {
    const { journal } = rebuild(levyProjection, quarterLog());
    // the quarter's 50.00 principal and 6.60 penalty waivers, both 包干制
    expect(balancesAsOf(journal).get(ACCOUNT.contraWaivers)?.toString()).toBe('56.60');
    expect(balancesAsOf(journal).has(ACCOUNT.ownersFund)).toBe(false);
  });
});

// the commission's part of `waived` on a charge: waived × commission / amount, half-up to the fen,
// in whole fen with bigint (an oracle apart from Money.allocate, which the journal uses)
const commissionOn = (waived: Money, commission: Money, amount: Money): Money => {
  const fen = (m: Money): bigint => BigInt(m.toString().replace('.', ''));
  const num = fen(waived) * fen(commission);
  const den = fen(amount);
  return Money.fromMinorUnits((2n * num + den) / (2n * den));
};

describe('the owners fund and the commission over generated logs', () => {
  it('hold each live 酬金制 charge less its principal waived, the commission its share, and Contra:Waivers only 包干制 principal and penalty waivers', () => {
    const logs = accountLogArbitrary({ units: { min: 1, max: 3 }, steps: 60 }).map((l) => storedEventsOf(l) as unknown as LoggedEvent[]);
    let withCommissionWaiver = 0;
    fc.assert(
      fc.property(logs, (events) => {
        const { journal, book } = rebuild(levyProjection, events);
        let owners = Money.zero();
        let commission = Money.zero();
        let contra = Money.zero();
        for (const u of unitsInOrder(book)) {
          for (const c of u.charges) {
            const s = chargeAsOf(c);
            if (!s.live) continue;
            contra = contra.add(s.penaltyWaived);
            if (c.regime === 'lump-sum') {
              contra = contra.add(s.waived);
              continue;
            }
            if (s.waived.isPositive()) withCommissionWaiver++;
            const share = commissionOn(s.waived, c.commission, c.amount);
            commission = commission.add(c.commission).subtract(share);
            owners = owners.add(c.amount.subtract(c.commission)).subtract(s.waived.subtract(share));
          }
        }
        expect(trialBalance(journal).sum.toString()).toBe('0.00');
        expect(journalBalance(journal, ACCOUNT.ownersFund).negate().toString()).toBe(owners.toString());
        expect(journalBalance(journal, ACCOUNT.revenueCommission).negate().toString()).toBe(commission.toString());
        expect(journalBalance(journal, ACCOUNT.contraWaivers).toString()).toBe(contra.toString());
      }),
      { numRuns: runs(80) },
    );
    // not vacuous: some logs waive principal on a live 酬金制 charge
    expect(withCommissionWaiver).toBeGreaterThan(0);
  });
});
