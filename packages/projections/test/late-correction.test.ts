// A correction charge for a month of a quarter already closed is booked in the open period and
// names what it corrects (DESIGN.md, principle 3). It counts in the billed total of the period it
// was booked in: there the collection rate sees it, and the closed quarter's figures stay as sealed.
import { describe, expect, it } from 'vitest';
import type { EventOf } from '@levy/core';
import { billedDayOf, chargeOf, collectionRates, dateOf, dayOf, disclosure, levyProjection, rebuild, reportBundle } from '../src/index.js';
import type { LoggedEvent } from '../src/index.js';
import { C, S2, SC, U2, charge, ev, quarterLog } from './fixtures.js';

// the quarter (closed 1 April), then in Q2 on B2-201: April's 500.00 (unpaid), and on 12 April a
// correction of January (remeasured: 25.00 more, periodKey 2025-01, naming January's charge), paid
// on 10 May; Q2 closed on 1 July with what the handler seals (billed: issued in Q2, 525.00)
const log = (): LoggedEvent[] => {
  const q1 = quarterLog();
  const january = q1.find((e) => e.type === 'ChargeIssued' && e.data.chargeId === 'c2-2025-01')!;
  const fix = charge(S2, U2, 'c2-2025-01-fix', '2025-01', '2025-01-01', '2025-01-31', '2025-05-15', '25.00', '2025-04-12');
  const events = [
    ...q1,
    charge(S2, U2, 'c2-2025-04', '2025-04', '2025-04-01', '2025-04-30', '2025-05-15', '500.00', '2025-04-01'),
    { ...fix, meta: { ...fix.meta, corrects: january.meta.eventId, reason: 'January remeasured: 130 m², not 125' } } as LoggedEvent,
    ev(S2, 'PaymentReceived', '2025-05-10', {
      paymentId: 'p-fix',
      channel: 'wechat',
      channelTxnId: 'wx-fix',
      amount: '25.00',
      receivedOn: '2025-05-10',
      allocations: [{ chargeId: 'c2-2025-01-fix', kind: 'principal', amount: '25.00' }],
      toCredit: '0.00',
    } as unknown as EventOf<'PaymentReceived'>['data']),
  ];
  const heads = [...new Set(events.filter((e) => e.streamId !== SC).map((e) => e.streamId))].map((streamId) => ({
    streamId,
    revision: String(events.filter((e) => e.streamId === streamId).length - 1),
    hash: 'h',
  }));
  return [
    ...events,
    ev(SC, 'PeriodClosed', '2025-07-01', {
      communityId: C,
      periodKey: '2025-Q2',
      periodStart: '2025-04-01',
      periodEnd: '2025-06-30',
      closedOn: '2025-07-01',
      // issued 500.00 + 25.00; collected 500.00 − 500.00 (bounced) + 25.00; waived 6.60 + 50.00
      totals: { billed: '525.00', collected: '25.00', waived: '56.60', penalties: '0.00', credit: '0.00' },
      heads,
    } as unknown as EventOf<'PeriodClosed'>['data']),
  ];
};

const ok = <A>(e: { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left') throw new Error(JSON.stringify(e.left));
  return e.right;
};
const billedAndRate = (period: string, asOf: string): string[] => {
  const t = ok(collectionRates(rebuild(levyProjection, log()).book, { period, asOf: dayOf(asOf) })).total;
  return [t.billed.toString(), t.collected.toString(), String(t.amountRate.value)];
};

describe('a correction charge booked after its month was closed', () => {
  it('is billed on the day it was booked, in the open period', () => {
    const { book } = rebuild(levyProjection, log());
    expect(book.anomalies).toEqual([]);
    const unit = book.units.get(S2)!;
    expect(dateOf(billedDayOf(chargeOf(unit, 'c2-2025-01-fix')!))).toBe('2025-04-12');
    // a charge of its own month, and one billed before any close, keep their month
    expect(dateOf(billedDayOf(chargeOf(unit, 'c2-2025-04')!))).toBe('2025-04-01');
    expect(dateOf(billedDayOf(chargeOf(unit, 'c2-2025-01')!))).toBe('2025-01-01');
  });

  it("counts in Q2's collection rate, where it was booked", () => {
    // before: Q2 billed only April's 500.00 (collected 25.00 against January's correction not counted: 0.0000)
    // now: 500.00 + 25.00 billed, 25.00 collected, 25.00 / 525.00 = 0.047619…, half-up 0.0476
    expect(billedAndRate('2025-Q2', '2025-06-30')).toEqual(['525.00', '25.00', '0.0476']);
    expect(billedAndRate('2025-04', '2025-06-30')).toEqual(['525.00', '25.00', '0.0476']);
  });

  it("leaves the closed quarter's billed as it was at the close", () => {
    // before: read as of June, Q1 billed 1,085.00 and January 805.00, the correction in a closed quarter
    const atClose = billedAndRate('2025-Q1', '2025-03-31');
    expect(atClose[0]).toBe('1060.00');
    expect(billedAndRate('2025-Q1', '2025-06-30')[0]).toBe('1060.00');
    expect(billedAndRate('2025-01', '2025-06-30')[0]).toBe('780.00');
  });

  it("is in Q2's disclosure as billed, which then equals what was issued in Q2 and sealed", () => {
    const d = ok(disclosure(rebuild(levyProjection, log()).book, C, '2025-Q2'));
    // before: billed 500.00, the correction in no period's disclosure
    expect([d.billed, d.issued, d.outstanding].map(String)).toEqual(['525.00', '525.00', '500.00']);
    expect(d.sealed.billed).toBe('525.00');
    expect(ok(disclosure(rebuild(levyProjection, log()).book, C, '2025-Q1')).billed.toString()).toBe('1060.00');
  });

  it('gives the report bundle the rates of the month it was booked in', () => {
    const rates = reportBundle(rebuild(levyProjection, log()), dayOf('2025-06-30')).rates as Record<string, { total: { billed: { toString(): string } } }>;
    expect(Object.keys(rates)).toEqual(['2025-01', '2025-02', '2025-04']);
    expect(rates['2025-04']!.total.billed.toString()).toBe('525.00');
  });
});
