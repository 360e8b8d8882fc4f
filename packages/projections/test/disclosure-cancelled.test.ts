// The disclosure (公示) of a quarter in which a charge with a penalty and waivers on it was cancelled:
// the cancelled charge leaves `billed`, and its penalty and waivers leave the live figures with it
// (a cancelled charge's waivers relieve nothing and its penalties are cancelled too: docs/events.md,
// ChargeCancelled). The close sealed what was dated in the quarter, cancelled or not, and the
// disclosure keeps those figures beside the seal.
import { describe, expect, it } from 'vitest';
import type { EventOf } from '@levy/core';
import { ACCOUNT, dayOf, disclosure, journalBalance, levyProjection, rebuild, renderDisclosure } from '../src/index.js';
import type { LoggedEvent } from '../src/index.js';
import { C, S1, S2, SC, U1, U2, charge, ev, quarterLog } from './fixtures.js';

const committee = { approver: 'Committee chair Wang', approverRole: 'committee' as const, reference: 'YWH-2025-03', date: '2025-03-17' };
const manager = { approver: 'Manager Li', approverRole: 'manager' as const, reference: 'M-2025-03', date: '2025-03-18' };

// 28 days (2025-02-16..2025-03-15) at 0.0003 a day: 500.00 gives 4.20; 280.00 gives 2.352, half-up 2.35
const assessed = (stream: string, chargeId: string, base: string, unrounded: string, amount: string): LoggedEvent =>
  ev(
    stream,
    'PenaltyAssessed',
    '2025-03-15',
    {
      chargeId,
      asOf: '2025-03-15',
      from: '2025-02-16',
      to: '2025-03-15',
      days: 28,
      segments: [{ from: '2025-02-16', to: '2025-03-15', days: 28, base, unrounded }],
      dailyRate: '0.0003',
      rounding: 'half-up',
      unrounded,
      amount,
      cappedBy: null,
    } as unknown as EventOf<'PenaltyAssessed'>['data'],
    { actor: { id: 'system', role: 'system' } },
  );
const waiver = (waiverId: string, kind: 'principal' | 'penalty', amount: string, approval: typeof committee | typeof manager): LoggedEvent =>
  ev(S2, 'WaiverGranted', '2025-03-18', { waiverId, chargeId: 'c2-2025-01', kind, amount } as EventOf<'WaiverGranted'>['data'], { reason: 'hardship', approval });
const cancel = (stream: string, on: string, data: Record<string, string>): LoggedEvent =>
  ev(stream, 'ChargeCancelled', on, { commission: '0.00', paidPrincipalToCredit: '0.00', paidPenaltyToCredit: '0.00', ...data } as unknown as EventOf<'ChargeCancelled'>['data'], {
    reason: 'billed in error',
    approval: committee,
  });

// the quarter: B1-101 280.00 and B2-201 500.00 for January, both unpaid; penalties on both; on
// B2-201 50.00 principal and 1.20 penalty waived, then the charge cancelled on 25 March (450.00 and
// 3.00 still owed written off, the 1.20 waived taken back); closed on 1 April with what the
// handler seals: billed 780.00 − 500.00, waived 51.20, penalties 6.55. B1-101's January is
// cancelled on 10 April, after the quarter.
const log = (): LoggedEvent[] => {
  const head = quarterLog().slice(0, 4);
  return [
    ...head,
    charge(S1, U1, 'c1-2025-01', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '280.00', '2025-01-01'),
    charge(S2, U2, 'c2-2025-01', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '500.00', '2025-01-01'),
    assessed(S2, 'c2-2025-01', '500.00', '4.2', '4.20'),
    assessed(S1, 'c1-2025-01', '280.00', '2.352', '2.35'),
    waiver('w-p', 'principal', '50.00', committee),
    waiver('w-n', 'penalty', '1.20', manager),
    cancel(S2, '2025-03-25', { chargeId: 'c2-2025-01', amount: '500.00', outstandingPrincipal: '450.00', outstandingPenalty: '3.00', waivedPenalty: '1.20' }),
    ev(SC, 'PeriodClosed', '2025-04-01', {
      communityId: C,
      periodKey: '2025-Q1',
      periodStart: '2025-01-01',
      periodEnd: '2025-03-31',
      closedOn: '2025-04-01',
      totals: { billed: '280.00', collected: '0.00', waived: '51.20', penalties: '6.55', credit: '0.00' },
      heads: [
        { streamId: S1, revision: '1', hash: 'h1' },
        { streamId: S2, revision: '4', hash: 'h2' },
      ],
    } as unknown as EventOf<'PeriodClosed'>['data']),
    cancel(S1, '2025-04-10', { chargeId: 'c1-2025-01', amount: '280.00', outstandingPrincipal: '280.00', outstandingPenalty: '2.35' }),
  ];
};

const ok = <A>(e: { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left') throw new Error(JSON.stringify(e.left));
  return e.right;
};

describe('the disclosure of a quarter with a cancelled charge', () => {
  it("leaves out the penalty and the waivers of a charge cancelled in it, as it leaves out the charge", () => {
    const { book } = rebuild(levyProjection, log());
    expect(book.anomalies).toEqual([]);
    const d = ok(disclosure(book, C, '2025-Q1'));
    // billed: only B1-101's 280.00; B2-201's 500.00 was cancelled in the quarter
    expect([d.billed, d.issued, d.outstanding].map(String)).toEqual(['280.00', '280.00', '280.00']);
    // before: the only figures were these, 4.20 of penalty and 51.20 of waivers on the cancelled charge
    // included; they stay, as the close sealed them
    expect([d.penalties, d.waivedPrincipal, d.waivedPenalty].map(String)).toEqual(['6.55', '50.00', '1.20']);
    expect([d.sealed.penalties, d.sealed.waived]).toEqual(['6.55', '51.20']);
    // on the charges not cancelled: B1-101's 2.35 of penalty, and no waiver
    expect([d.livePenalties, d.liveWaivedPrincipal, d.liveWaivedPenalty].map(String)).toEqual(['2.35', '0.00', '0.00']);
  });

  it('agrees with the journal: over the quarter penalty revenue grew by the live penalties, and the waivers by the live waivers', () => {
    const { journal, book } = rebuild(levyProjection, log());
    const d = ok(disclosure(book, C, '2025-Q1'));
    const moved = (account: string) => journalBalance(journal, account, dayOf('2025-03-31')).subtract(journalBalance(journal, account, dayOf('2024-12-31')));
    expect(moved(ACCOUNT.revenuePenalties).negate().toString()).toBe(d.livePenalties.toString());
    expect(moved(ACCOUNT.contraWaivers).toString()).toBe(d.liveWaivedPrincipal.add(d.liveWaivedPenalty).toString());
  });

  it('keeps a penalty of the quarter on a charge cancelled after it: as of its last day the charge was live', () => {
    const before = log().slice(0, -1);
    const atClose = ok(disclosure(rebuild(levyProjection, before).book, C, '2025-Q1'));
    const now = ok(disclosure(rebuild(levyProjection, log()).book, C, '2025-Q1'));
    expect(now.livePenalties.toString()).toBe('2.35');
    expect(now).toEqual(atClose);
  });

  it('prints the live figures, and beside the seal what was dated in the quarter', () => {
    const text = renderDisclosure(ok(disclosure(rebuild(levyProjection, log()).book, C, '2025-Q1')));
    expect(text).toMatch(/penalties \(on charges not cancelled\) +2\.35\n/);
    expect(text).toMatch(/penalties in the period, cancelled charges too +6\.55 +6\.55\n/);
    expect(text).toMatch(/waived \(on charges not cancelled\) +0\.00\n/);
    expect(text).toMatch(/waived in the period, cancelled charges too +51\.20 +51\.20\n/);
  });
});
