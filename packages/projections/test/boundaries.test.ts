// the exact edges of three report rules (docs/projections.md): the day a charge moves from one
// aging bucket to the next, a unit that owes on one of a period's charges but not on its last,
// and arrears recovered up to (not beyond) what was open at the period's start
import { describe, expect, it } from 'vitest';
import type { EventOf } from '@levy/core';
import { type CollectionRateRow, agingReport, collectionRates, dayOf, levyProjection, rebuild } from '../src/index.js';
import type { LoggedEvent } from '../src/index.js';
import { C, S2, U2, charge, ev, quarterLog } from './fixtures.js';

const ok = <A>(e: { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left') throw new Error(JSON.stringify(e.left));
  return e.right;
};
const pay = (paymentId: string, on: string, chargeId: string, amount: string): LoggedEvent =>
  ev(S2, 'PaymentReceived', on, {
    paymentId,
    channel: 'bank-transfer',
    channelTxnId: `bt-${paymentId}`,
    amount,
    receivedOn: on,
    allocations: [{ chargeId, kind: 'principal', amount }],
    toCredit: '0.00',
  } as unknown as EventOf<'PaymentReceived'>['data']);
const rateFigures = (r: CollectionRateRow) => ({
  unitsBilled: r.unitsBilled,
  unitsClear: r.unitsClear,
  householdRate: r.householdRate.value,
  arrearsOpen: r.arrearsOpen.toString(),
  arrearsCollected: r.arrearsCollected.toString(),
  recoveryRate: r.recoveryRate.value,
});

describe('aging buckets by days past due, asOf - dueDate, each bound inclusive', () => {
  // the quarter: B2-201's January (c2-2025-01), 500.00, is due 15 February 2025 and unpaid until
  // April; B1-101's February (260.00 after 20.00 of credit) and B2-201's February (500.00,
  // cancelled 20 February) are due 15 March; the penalty on January is assessed on 31 March
  const totals = (asOf: string): string[] => agingReport(rebuild(levyProjection, quarterLog()).book, { asOf: dayOf(asOf) }).totals.map(String);
  const zeros = ['0.00', '0.00', '0.00', '0.00'];

  it.each([
    // on its due date a charge is current (0 days): 260.00 + 500.00 + 500.00
    ['2025-02-15', '0 days', ['1260.00', '0.00', '0.00', ...zeros]],
    // the day after, 1 day overdue: January is in 1-30; the two Februaries are current
    ['2025-02-16', '1 day', ['760.00', '500.00', '0.00', ...zeros]],
    // 13 days of February after the 15th and 17 of March: 30 days, the last day of 1-30
    ['2025-03-17', '30 days', ['0.00', '500.00', '0.00', ...zeros]],
    ['2025-03-18', '31 days', ['0.00', '0.00', '500.00', ...zeros]],
  ])('as of %s puts January (%s past due) in its bucket', (asOf, _age, expected) => {
    expect(totals(asOf)).toEqual(expected);
  });

  it('labels the default buckets current, 1-30, 31-60, ...', () => {
    expect(agingReport(rebuild(levyProjection, quarterLog()).book, { asOf: dayOf('2025-02-16') }).buckets).toEqual(['current', '1-30', '31-60', '61-90', '91-180', '181-365', '>365']);
  });
});

describe('household rate: a unit is clear only when it owes nothing on any of the period\'s charges', () => {
  it('counts a unit owing on January as owing though its March charge, billed later, is paid', () => {
    // the quarter plus B2-201's March, 500.00, issued 1 March and paid in full on 5 March; its
    // January (500.00) is still unpaid on 31 March, its February cancelled. B1-101 owes nothing.
    const log = quarterLog();
    const at = log.findIndex((e) => e.type === 'ExpenditureRecorded');
    log.splice(at, 0, charge(S2, U2, 'c2-2025-03', '2025-03', '2025-03-01', '2025-03-31', '2025-04-15', '500.00', '2025-03-01'), pay('p-march', '2025-03-05', 'c2-2025-03', '500.00'));
    const r = ok(collectionRates(rebuild(levyProjection, log).book, { period: '2025-Q1', asOf: dayOf('2025-03-31') }));
    expect(r.rows.map((x) => x.key)).toEqual([C]);
    const households = { unitsBilled: 2, unitsClear: 1, householdRate: '0.5000' };
    expect(rateFigures(r.rows[0]!)).toMatchObject(households);
    expect(rateFigures(r.total)).toMatchObject(households);
  });
});

describe('arrears recovery counts at most the arrears open at the period\'s start', () => {
  it('recovers 300.00 of 300.00 open, not the 500.00 paid after a part payment bounced', () => {
    // B2-201's January, 500.00, due 15 February: 200.00 paid 20 March, so 300.00 is open at the
    // start of Q2; the 200.00 bounces on 3 April (a reversal counts against 20 March, in Q1) and
    // 500.00 is paid on 10 April. Of that, 300.00 pays the arrears open at the start: 300 / 300.
    const log = [
      ...quarterLog().slice(0, 4),
      charge(S2, U2, 'c2-2025-01', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '500.00', '2025-01-01'),
      pay('p-part', '2025-03-20', 'c2-2025-01', '200.00'),
      ev(S2, 'PaymentReversed', '2025-04-03', {
        paymentId: 'p-part',
        reason: 'bounced',
        channel: 'bank-transfer',
        amount: '200.00',
        allocations: [{ chargeId: 'c2-2025-01', kind: 'principal', amount: '200.00' }],
        fromCredit: '0.00',
        creditApplications: [],
      } as unknown as EventOf<'PaymentReversed'>['data']),
      pay('p-full', '2025-04-10', 'c2-2025-01', '500.00'),
    ];
    const { book } = rebuild(levyProjection, log);
    expect(book.anomalies).toEqual([]);
    const q2 = ok(collectionRates(book, { period: '2025-Q2', asOf: dayOf('2025-06-30') }));
    const recovery = { arrearsOpen: '300.00', arrearsCollected: '300.00', recoveryRate: '1.0000' };
    expect(rateFigures(q2.total)).toMatchObject(recovery);
    expect(rateFigures(q2.rows[0]!)).toMatchObject(recovery);
  });
});
