// The disclosure (公示) of a 酬金制 (commission) community shows the owners' fund apart (domain.md,
// fee regimes: fees collected are the owners' funds held in trust, the company earns a commission,
// the rest pays the community's costs): the commission on the period's charges and what waivers and
// cancellations took back, the fund's part of the same, what was collected on its charges, what was
// spent from it, and what it held at the period's end. Every figure is the movement of a journal
// account over the period, so each is checked against the journal, event by event, to the fen:
// hand-computed on one quarter, then over generated logs.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type EpochDay, type EventOf, Money, isoDateOf, parsePeriodKey } from '@levy/core';
import {
  ACCOUNT,
  type JournalState,
  type LoggedEvent,
  type OwnersFundFigures,
  dayOf,
  disclosure,
  journalBalance,
  journalProjection,
  levyProjection,
  rebuild,
  renderDisclosure,
  reportJson,
} from '../src/index.js';
import { accountLogArbitrary, storedEventsOf } from '../../testkit/src/index.js';
import { runs } from '../../testkit/test/support/properties.js';
import { C, SC, commissionQuarterLog, ev, quarterLog } from './fixtures.js';

const ok = <A>(e: { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left') throw new Error(JSON.stringify(e.left));
  return e.right;
};
const strings = (o: object): Record<string, string> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));

describe('the disclosure of a 酬金制 quarter', () => {
  const views = () => rebuild(levyProjection, commissionQuarterLog());

  it('shows the commission and the owners fund apart, hand-computed', () => {
    const d = ok(disclosure(views().book, C, '2025-Q1'));
    expect(strings(d.ownersFund!)).toEqual({
      // January and February: 28.00 + 50.00 a month
      commissionCharged: '156.00',
      // w1 15.55 on December's 500.00, after w0's 20.00: 10% of 35.55 is 3.555, half-up 3.56, less
      // the 2.00 w0 took: 1.56; w2 55.55 on January's 500.00: 5.555, half-up 5.56; B1-101's
      // February cancelled: its whole 28.00. 1.56 + 5.56 + 28.00
      commissionReturned: '35.12',
      commissionEarned: '120.88',
      // 252.00 + 450.00 a month
      fundCharged: '1404.00',
      // the rest of each: 15.55 − 1.56 = 13.99, 55.55 − 5.56 = 49.99, and 252.00
      fundReturned: '315.98',
      fundCredited: '1088.02',
      // principal on the fund's charges: 280.00 paid, 20.00 from credit, 200.00 paid and reversed, 100.00
      collected: '400.00',
      // cleaning 600.00 and repairs 250.50 (December's greening and April's security are not the quarter's)
      spent: '850.50',
      fundNet: '237.52',
      // December left 252.00 + 450.00 − (20.00 − 2.00) = 684.00; with the quarter's 1088.02
      fundBalance: '1772.02',
    });
    // the figures the disclosure gave before are as they were: 1,560.00 issued, B1-101's February cancelled
    expect(strings({ billed: d.billed, issued: d.issued, collected: d.collected, waived: d.waivedPrincipal, spent: d.expenditureTotal, credit: d.credit })).toEqual({
      billed: '1280.00',
      issued: '1280.00',
      collected: '400.00',
      waived: '71.10',
      spent: '850.50',
      credit: '20.00',
    });
  });

  it('agrees with the journal: each figure is the movement of its account over the quarter, event by event', () => {
    const log = commissionQuarterLog();
    const d = ok(disclosure(rebuild(levyProjection, log).book, C, '2025-Q1'));
    const j = journalFigures(log, dayOf('2025-01-01'), dayOf('2025-03-31'));
    expect(strings(d.ownersFund!)).toEqual(strings(j));
    // and the journal's own balances say the same
    const { journal } = rebuild(levyProjection, log);
    expect(journalBalance(journal, ACCOUNT.ownersFund, dayOf('2025-03-31')).toString()).toBe('-1772.02');
    expect(movement(journal, ACCOUNT.revenueCommission, dayOf('2025-01-01'), dayOf('2025-03-31')).toString()).toBe('-120.88');
    expect(movement(journal, ACCOUNT.ownersFund, dayOf('2025-01-01'), dayOf('2025-03-31')).toString()).toBe('-1088.02');
  });

  it('prints the 酬金制 lines after the spending', () => {
    const text = renderDisclosure(ok(disclosure(views().book, C, '2025-Q1')));
    expect(text).toContain("酬金制: the owners' fund apart");
    expect(text).toMatch(/commission on the period's charges +156\.00\n/);
    expect(text).toMatch(/commission taken back by waivers and cancellations +35\.12\n/);
    expect(text).toMatch(/commission earned \(Revenue:Commission\) +120\.88\n/);
    expect(text).toMatch(/owners' fund: the charges less commission +1404\.00\n/);
    expect(text).toMatch(/owners' fund: taken back by waivers and cancellations +315\.98\n/);
    expect(text).toMatch(/owners' fund: credited in the period \(Liability:OwnersFund\) +1088\.02\n/);
    expect(text).toMatch(/collected on the fund's charges, commission included +400\.00\n/);
    expect(text).toMatch(/spent from the fund \(expenditures\) +850\.50\n/);
    expect(text).toMatch(/credited less spent +237\.52\n/);
    expect(text).toMatch(/owners' fund credited to the period's end, before spending +1772\.02$/);
  });

  it('leaves a 包干制 disclosure as it was: no owners fund, the same JSON and text', () => {
    const d = ok(disclosure(rebuild(levyProjection, quarterLog()).book, C, '2025-Q1'));
    expect(d).not.toHaveProperty('ownersFund');
    expect(reportJson(d)).not.toContain('ownersFund');
    expect(renderDisclosure(d)).not.toContain('酬金制');
  });

  it('shows the fund for a 酬金制 community before its first charge, all zero but the spending', () => {
    // the schedule (酬金制 from December) is in force; nothing billed yet, 300.00 spent in November
    const log = commissionQuarterLog().slice(0, 4);
    log.push(
      ev(SC, 'ExpenditureRecorded', '2024-11-25', { communityId: C, expenditureId: 'x-nov', category: 'cleaning', amount: '300.00', vendor: 'Vendor Co', paidOn: '2024-11-25', description: 'November' } as EventOf<'ExpenditureRecorded'>['data']),
      ev(SC, 'PeriodClosed', '2024-12-01', { communityId: C, periodKey: '2024-Q4', periodStart: '2024-10-01', periodEnd: '2024-12-31', closedOn: '2025-01-02', totals: { billed: '0.00', collected: '0.00', waived: '0.00', penalties: '0.00', credit: '0.00' }, heads: [] } as unknown as EventOf<'PeriodClosed'>['data']),
    );
    const d = ok(disclosure(rebuild(levyProjection, log).book, C, '2024-Q4'));
    expect(strings(d.ownersFund!)).toMatchObject({ commissionEarned: '0.00', fundCredited: '0.00', spent: '300.00', fundNet: '-300.00', fundBalance: '0.00' });
  });
});

// ---------------------------------------------------------------------------------------------
// the journal's side: each event's postings, as the journal fold made them
// ---------------------------------------------------------------------------------------------

const movement = (journal: JournalState, account: string, start: EpochDay, end: EpochDay): Money =>
  journalBalance(journal, account, end).subtract(journalBalance(journal, account, start - 1));

const netOf = (journal: JournalState, account: string): Money => journal.byAccount.get(account)?.sumThrough(undefined) ?? Money.zero();
const expenses = (journal: JournalState): Money => {
  let sum = Money.zero();
  for (const [account, days] of journal.byAccount) if (account.startsWith('Expense:')) sum = sum.add(days.sumThrough(undefined) ?? Money.zero());
  return sum;
};

/**
 * The 酬金制 figures of a period read off the journal alone: the journal folded event by event, each
 * event's change of Liability:OwnersFund, Revenue:Commission, Receivable:Fees and the Expense
 * accounts summed by what the event is (a credit is negative in the journal, so the fund's and the
 * commission's figures are those changes negated)
 */
const journalFigures = (log: readonly LoggedEvent[], start: EpochDay, end: EpochDay): OwnersFundFigures => {
  const journal = journalProjection.init();
  const z = Money.zero();
  let [commissionCharged, commissionReturned, fundCharged, fundReturned, collected, spent] = [z, z, z, z, z, z];
  for (const e of log) {
    const before = [netOf(journal, ACCOUNT.ownersFund), netOf(journal, ACCOUNT.revenueCommission), netOf(journal, ACCOUNT.receivableFees), expenses(journal)];
    journalProjection.apply(journal, e);
    const [fund, commission, receivable, expense] = [
      netOf(journal, ACCOUNT.ownersFund).subtract(before[0]!),
      netOf(journal, ACCOUNT.revenueCommission).subtract(before[1]!),
      netOf(journal, ACCOUNT.receivableFees).subtract(before[2]!),
      expenses(journal).subtract(before[3]!),
    ];
    const day = dayOf(e.meta.effectiveDate);
    if (day < start || day > end) continue;
    if (e.type === 'ChargeIssued') {
      commissionCharged = commissionCharged.subtract(commission);
      fundCharged = fundCharged.subtract(fund);
    } else {
      commissionReturned = commissionReturned.add(commission);
      fundReturned = fundReturned.add(fund);
    }
    if (e.type === 'PaymentReceived' || e.type === 'CreditApplied' || e.type === 'PaymentReversed') collected = collected.subtract(receivable);
    spent = spent.add(expense);
  }
  const fundCredited = fundCharged.subtract(fundReturned);
  return {
    commissionCharged,
    commissionReturned,
    commissionEarned: commissionCharged.subtract(commissionReturned),
    fundCharged,
    fundReturned,
    fundCredited,
    collected,
    spent,
    fundNet: fundCredited.subtract(spent),
    fundBalance: journalBalance(journal, ACCOUNT.ownersFund, end).negate(),
  };
};

// a close of `periodKey` appended to a generated log (its totals are not what this checks)
const closeOf = (periodKey: string, communityId: string): LoggedEvent => {
  const p = parsePeriodKey(periodKey, ['periodKey']);
  if (p._tag === 'Left') throw new Error(periodKey);
  const [periodStart, periodEnd] = [isoDateOf(p.right.start), isoDateOf(p.right.end)];
  const totals = { billed: '0.00', collected: '0.00', waived: '0.00', penalties: '0.00', credit: '0.00' };
  return ev(`levy.community-${communityId}`, 'PeriodClosed', '2030-01-01', { communityId, periodKey, periodStart, periodEnd, closedOn: '2030-01-01', totals, heads: [] } as unknown as EventOf<'PeriodClosed'>['data']);
};

describe('the 酬金制 figures over generated logs', () => {
  it('are the journal accounts movements over each closed period, and absent under 包干制', () => {
    const logs = accountLogArbitrary({ units: { min: 1, max: 3 }, steps: 60 }).map((l) => storedEventsOf(l) as unknown as LoggedEvent[]);
    const periods = ['2025-01', '2025-Q1', '2025-Q2', '2025'];
    let withFund = 0;
    let withReturns = 0;
    fc.assert(
      fc.property(logs, (events) => {
        const communityId = (events.find((e) => e.type === 'CommunityRegistered')!.data as { communityId: string }).communityId;
        const log = [...events, ...periods.map((k) => closeOf(k, communityId))];
        const { book } = rebuild(levyProjection, log);
        const schedule = events.find((e) => e.type === 'FeeScheduleAdopted') as EventOf<'FeeScheduleAdopted'> | undefined;
        for (const periodKey of periods) {
          const d = ok(disclosure(book, communityId, periodKey));
          if (schedule?.data.regime.kind !== 'commission') {
            expect(d).not.toHaveProperty('ownersFund');
            continue;
          }
          withFund++;
          if (d.ownersFund!.commissionReturned.isPositive()) withReturns++;
          expect(strings(d.ownersFund!), periodKey).toEqual(strings(journalFigures(log, dayOf(d.periodStart), dayOf(d.periodEnd))));
          expect(d.ownersFund!.spent.toString()).toBe(d.expenditureTotal.toString());
        }
      }),
      { numRuns: runs(60) },
    );
    // not vacuous: 酬金制 logs, some with waivers or cancellations in a period
    expect(withFund).toBeGreaterThan(0);
    expect(withReturns).toBeGreaterThan(0);
  });
});
