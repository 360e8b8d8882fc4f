import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  DEFAULT_DUNNING_POLICY,
  agingBuckets,
  auditProjectionWith,
  chargeAsOf,
  creditAsOf,
  creditLots,
  journalBalance,
  reportBundle,
  agingReport,
  arrearsLedger,
  auditTrail,
  balancesAsOf,
  chargeOf,
  collectionRates,
  creditMovesOf,
  dateOf,
  dayOf,
  disclosure,
  dunningWorklist,
  entryImbalance,
  eventsByDay,
  eventsOf,
  levyProjection,
  movesOf,
  postingsFor,
  rebuild,
  trialBalance,
  renderArrears,
  renderCreditLots,
  reportJson,
  unitStatement,
} from '../src/index.js';
import { type EventOf, LevyError, accountStream, communityStream } from '@levy/core';
import { C, S1, S2, SC, U1, charge, ev, quarterLog } from './fixtures.js';
import type { LoggedEvent } from '../src/index.js';

const views = () => rebuild(levyProjection, quarterLog());
const ok = <A>(e: { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left') throw new Error(JSON.stringify(e.left));
  return e.right;
};

describe('journal', () => {
  it('gives every event a balanced entry', () => {
    for (const e of quarterLog()) expect(entryImbalance(postingsFor(e)).toString()).toBe('0.00');
  });

  it('books a lump-sum charge as receivable against fee revenue', () => {
    const p = postingsFor(charge(S1, 'B1-101', 'c', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '280.00', '2025-01-01'));
    expect(p.map((x) => `${x.account} ${x.amount.toString()}`)).toEqual(['Receivable:Fees 280.00', 'Revenue:Fees -280.00']);
  });

  it('books a 酬金制 charge to the owners fund and the commission to revenue', () => {
    const e = charge(S1, 'B1-101', 'c', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '280.00', '2025-01-01');
    const commission = { ...e, data: { ...e.data, regime: 'commission', commission: '28.00' } } as typeof e;
    expect(postingsFor(commission).map((x) => `${x.account} ${x.amount.toString()}`)).toEqual([
      'Receivable:Fees 280.00',
      'Liability:OwnersFund -252.00',
      'Revenue:Commission -28.00',
    ]);
  });

  it('has a trial balance that sums to zero on every day of the quarter', () => {
    const { journal } = views();
    for (let d = dayOf('2024-12-01'); d <= dayOf('2025-04-30'); d++) expect(trialBalance(journal, d).sum.isZero()).toBe(true);
  });

  it('reads account balances as of a date by effective date', () => {
    const { journal } = views();
    expect(journalBalance(journal, ACCOUNT.receivableFees).toString()).toBe('450.00');
    expect(journalBalance(journal, ACCOUNT.prepaid).toString()).toBe('-240.00');
    expect(journalBalance(journal, ACCOUNT.receivableFees, dayOf('2025-03-31')).toString()).toBe('500.00');
    expect(balancesAsOf(journal).get('Contra:Waivers')?.toString()).toBe('56.60');
    expect(balancesAsOf(journal).get('Cash:bank-transfer')?.toString()).toBe('-1000.00');
  });
});

describe('aging and arrears', () => {
  it('puts each charge in the bucket of its days past due, with credit apart', () => {
    const { book } = views();
    const a = agingReport(book, { asOf: dayOf('2025-03-31') });
    expect(a.buckets).toEqual(['current', '1-30', '31-60', '61-90', '91-180', '181-365', '>365']);
    expect(a.totals.map(String)).toEqual(['0.00', '0.00', '506.60', '0.00', '0.00', '0.00', '0.00']);
    expect(a.credit.toString()).toBe('240.00');
    const later = agingReport(book, { asOf: dayOf('2025-04-30') });
    expect(later.totals[3]!.toString()).toBe('450.00');
    expect(later.total.toString()).toBe('450.00');
  });

  it('lists owing units with principal, penalty, oldest due date, stage and class', () => {
    const { book } = views();
    const l = arrearsLedger(book, { asOf: dayOf('2025-04-30') });
    expect(l.lines).toHaveLength(1);
    const x = l.lines[0]!;
    expect([x.unitId, x.principal.toString(), x.penalty.toString(), x.daysOverdue, x.reminderStage, x.plan, x.arrearsClass]).toEqual([
      'B2-201',
      '450.00',
      '0.00',
      74,
      'phone',
      'none',
      'none',
    ]);
    expect(l.total.toString()).toBe('450.00');
    expect(x.credit.toString()).toBe('0.00');
  });

  it('shows the credit an owing unit holds beside its debt, on the ledger and the dunning worklist', () => {
    // B2-201 owes 450.00; on April 20 a 30.00 transfer arrives with nothing named, and waits as credit
    const extra = ev(S2, 'PaymentReceived', '2025-04-20', {
      paymentId: 'p9',
      channel: 'bank-transfer',
      channelTxnId: 'bt-9',
      amount: '30.00',
      receivedOn: '2025-04-20',
      allocations: [],
      toCredit: '30.00',
    } as unknown as EventOf<'PaymentReceived'>['data']);
    const { book } = rebuild(levyProjection, [...quarterLog(), extra]);
    const line = arrearsLedger(book, { asOf: dayOf('2025-04-30') }).lines[0]!;
    expect([line.unitId, line.total.toString(), line.credit.toString()]).toEqual(['B2-201', '450.00', '30.00']);
    expect(arrearsLedger(book, { asOf: dayOf('2025-04-19') }).lines[0]!.credit.toString()).toBe('0.00');
    expect(dunningWorklist(book, { asOf: dayOf('2025-04-30') }).items.map((i) => [i.unitId, i.credit.toString()])).toEqual([['B2-201', '30.00']]);
    expect(renderArrears(arrearsLedger(book, { asOf: dayOf('2025-04-30') }))).toMatch(/B2-201 .* 30\.00\n/);
  });
});

describe('collection rates', () => {
  it('divides collected by billed less waived, and counts households owing nothing', () => {
    const { book } = views();
    const jan = ok(collectionRates(book, { period: '2025-01', asOf: dayOf('2025-03-31') }));
    expect(jan.total.billed.toString()).toBe('780.00');
    expect(jan.total.amountRate.value).toBe('0.3590');
    expect(jan.total.householdRate.value).toBe('0.5000');
    const janLater = ok(collectionRates(book, { period: '2025-01', asOf: dayOf('2025-04-30') }));
    expect(janLater.total.waived.toString()).toBe('50.00');
    expect(janLater.total.amountRate.value).toBe('0.3836');
    expect(janLater.total.grossRate.value).toBe('0.3590');
  });

  it('drops a cancelled charge from the period it was billed for', () => {
    const feb = ok(collectionRates(views().book, { period: '2025-02', asOf: dayOf('2025-03-31') }));
    expect([feb.total.billed.toString(), feb.total.amountRate.value, feb.total.unitsBilled]).toEqual(['280.00', '1.0000', 1]);
  });

  it('counts a bounced payment against the day it was paid, so arrears recovery nets to zero', () => {
    const apr = ok(collectionRates(views().book, { period: '2025-04', asOf: dayOf('2025-04-30') }));
    expect(apr.total.arrearsOpen.toString()).toBe('500.00');
    expect(apr.total.arrearsCollected.toString()).toBe('0.00');
    const midway = ok(collectionRates(views().book, { period: '2025-04', asOf: dayOf('2025-04-06') }));
    expect(midway.total.recoveryRate.value).toBe('1.0000');
  });

  it('groups by building and use type from the units registered', () => {
    const r = ok(collectionRates(views().book, { period: '2025-Q1', asOf: dayOf('2025-03-31'), by: 'useType' }));
    expect(r.rows.map((x) => `${x.key} ${x.billed.toString()} ${x.amountRate.value}`)).toEqual(['commercial 500.00 0.0000', 'residential 560.00 1.0000']);
  });

  it('refuses a malformed period key', () => {
    const r = collectionRates(views().book, { period: '2025-13', asOf: 0 });
    expect(r._tag === 'Left' && r.left.code).toBe('PERIOD_KEY_INVALID');
    const g = collectionRates(views().book, { period: '2025-01', asOf: 0, by: 'floor' as never });
    expect(g._tag === 'Left' && g.left.code).toBe('RATE_DIMENSION_INVALID');
  });
});

describe('unit statement', () => {
  it('runs a balance of owed minus credit through charges, payments, credit and refunds', () => {
    const s = ok(unitStatement(views().book, S1));
    expect(s.lines.map((l) => `${l.date} ${l.balance.toString()}`)).toEqual([
      '2025-01-01 280.00',
      '2025-01-20 -20.00',
      '2025-02-01 260.00',
      '2025-02-01 260.00',
      '2025-03-01 -340.00',
      '2025-03-10 -240.00',
    ]);
    expect(s.lines[1]!.description).toBe('payment wechat wx-1: c1-2025-01 280.00, credit 20.00');
  });

  it('explains a penalty with its base, rate and days', () => {
    const s = ok(unitStatement(views().book, S2, { from: dayOf('2025-03-01'), to: dayOf('2025-03-31') }));
    expect(s.opening.toString()).toBe('500.00');
    expect(s.lines[0]!.description).toBe('滞纳金 on c2-2025-01 2025-02-16..2025-03-31: 500.00 × 0.0003 × 44 d = 6.6, half-up 6.60');
  });

  it('names an unknown unit', () => {
    const s = unitStatement(views().book, 'levy.account-sunrise.nope');
    expect(s._tag === 'Left' && s.left.code).toBe('UNIT_UNKNOWN');
  });
});

describe('dunning worklist', () => {
  it('asks for a call at 15 days and legal review at 60 when not yet done', () => {
    const { book } = views();
    const early = dunningWorklist(book, { asOf: dayOf('2025-03-05') });
    expect(early.items.map((i) => `${i.unitId} ${i.stage}`)).toEqual(['B2-201 phone']);
    expect(dunningWorklist(book, { asOf: dayOf('2025-04-20') }).items.map((i) => `${i.unitId} ${i.stage} ${i.lastStageDone}`)).toEqual(['B2-201 legal phone']);
  });

  it('drops a stage once a reminder at that stage is recorded', () => {
    const { book } = views();
    // the phone call of 04-10 covers the phone stage, which fell due on 03-02
    const u = book.units.get(S2)!;
    u.reminders.length = 0;
    expect(dunningWorklist(book, { asOf: dayOf('2025-03-05') }).items).toHaveLength(1);
    u.reminders.push(ev(S2, 'ReminderRecorded', '2025-03-04', { stage: 'phone', channel: 'phone', on: '2025-03-04', chargeIds: [] } as never) as EventOf<'ReminderRecorded'>);
    expect(dunningWorklist(book, { asOf: dayOf('2025-03-05') }).items).toHaveLength(0);
  });
});

describe('audit trail', () => {
  it('flags a principal waiver without the committee and an entry recorded 11 days late', () => {
    const v = views();
    const t = ok(auditTrail(v.audit, { flagged: true }, v.book.anomalies));
    expect(t.rows.map((r) => `${r.type} ${r.flags.join(',')}`)).toEqual(['WaiverGranted BACKDATED,WAIVER_WITHOUT_APPROVAL']);
  });

  describe("the manager's waiver limit holds per charge, in total (50.00 in this community)", () => {
    const manager = { reason: 'hardship', approval: { approver: 'Manager Li', approverRole: 'manager' as const, reference: 'M-1', date: '2025-04-01' } };
    const committee = { reason: 'hardship', approval: { approver: 'Committee chair Wang', approverRole: 'committee' as const, reference: 'YWH-1', date: '2025-04-01' } };
    const setup = () => [
      ...quarterLog().slice(0, 4),
      charge(S1, U1, 'c1-2025-01', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '280.00', '2025-01-01'),
      charge(S1, U1, 'c1-2025-02', '2025-02', '2025-02-01', '2025-02-28', '2025-03-15', '280.00', '2025-02-01'),
    ];
    const waiver = (waiverId: string, amount: string, o: object, chargeId = 'c1-2025-01') =>
      ev(S1, 'WaiverGranted', '2025-04-10', { waiverId, chargeId, kind: 'penalty', amount } as EventOf<'WaiverGranted'>['data'], o);
    const flagsOf = (log: LoggedEvent[]) => {
      const t = ok(auditTrail(rebuild(levyProjection, log).audit, { type: 'WaiverGranted' }));
      return t.rows.map((r) => [r.flags.join(','), r.notes.join('; ')]);
    };

    it('flags the waivers that split 144.00 into 50.00 + 50.00 + 44.00: each one past the limit', () => {
      const flags = flagsOf([...setup(), waiver('w-1', '50.00', manager), waiver('w-2', '50.00', manager), waiver('w-3', '44.00', manager)]);
      expect(flags.map(([code]) => code)).toEqual(['', 'WAIVER_WITHOUT_APPROVAL', 'WAIVER_WITHOUT_APPROVAL']);
      expect(flags[1]![1]).toBe("waiver of 50.00 penalty on c1-2025-01, after 50.00 already waived on it without the committee, takes it to 100.00, above the manager's limit of 50.00 for a charge");
      expect(flags[2]![1]).toContain('after 100.00 already waived on it without the committee, takes it to 144.00');
    });

    it("holds a waiver dated before any schedule takes effect to the default policy's 200.00, as the decider does", () => {
      const log = setup().filter((e) => e.type !== 'FeeScheduleAdopted');
      expect(flagsOf([...log, waiver('w-1', '150.00', manager), waiver('w-2', '50.00', manager), waiver('w-3', '0.01', manager)]).map(([code]) => code)).toEqual(['', '', 'WAIVER_WITHOUT_APPROVAL']);
    });

    it('holds each waiver to the limit of the schedule in force on its date, as the decider does', () => {
      // version 2 raises the limit to 500.00 from June 1; adopted in May, after the April waiver
      const v1 = setup()[3]!;
      const v2 = ev(SC, 'FeeScheduleAdopted', '2025-05-10', { ...(v1.data as object), version: 2, publishedOn: '2025-05-10', effectiveFrom: '2025-06-01', managerWaiverLimit: '500.00' } as never);
      const june = ev(S1, 'WaiverGranted', '2025-06-05', { waiverId: 'w-jun', chargeId: 'c1-2025-02', kind: 'penalty', amount: '100.00' } as EventOf<'WaiverGranted'>['data'], manager);
      // April's 100.00 is above the 50.00 then in force; June's 100.00 is within 500.00
      expect(flagsOf([...setup(), v2, waiver('w-apr', '100.00', manager), june]).map(([code]) => code)).toEqual(['WAIVER_WITHOUT_APPROVAL', '']);
      expect(flagsOf([...setup(), v2, waiver('w-apr', '100.00', manager)])[0]![1]).toContain("above the manager's limit of 50.00");
    });

    it("counts neither the committee's waivers nor another charge's, and a manager's waiver as granted even after a recount released part of it", () => {
      // 30.00 + 20.00 by the manager on January; the committee's 100.00 beside them; 50.00 on February
      const log = [...setup(), waiver('w-1', '30.00', manager), waiver('w-c', '100.00', committee), waiver('w-2', '20.00', manager), waiver('w-4', '50.00', manager, 'c1-2025-02')];
      expect(flagsOf(log).map(([code]) => code)).toEqual(['', '', '', '']);
      // a recount takes 15.00 off w-2 and 10.00 off the committee's: the manager's waivers on January still count 50.00
      const recount = ev(S1, 'PenaltyAdjusted', '2025-04-10', {
        chargeId: 'c1-2025-01',
        cause: 'payment:wechat-late',
        pieces: [],
        amount: '-25.00',
        toCredit: [],
        waivers: [
          { waiverId: 'w-2', amount: '-15.00' },
          { waiverId: 'w-c', amount: '-10.00' },
        ],
      } as unknown as EventOf<'PenaltyAdjusted'>['data']);
      // so no more is within the limit (50.00): a reversal could restore what the recount released
      const more = [...log, recount, waiver('w-5', '0.01', manager)];
      expect(flagsOf(more).map(([code]) => code)).toEqual(['', '', '', '', 'WAIVER_WITHOUT_APPROVAL']);
      expect(flagsOf(more)[4]![1]).toContain('after 50.00 already waived on it without the committee, takes it to 50.01');
    });
  });

  it('flags an installment plan agreed without an approval (an older log: the decider now refuses one), and not one with', () => {
    const planOf = (planId: string, meta: object) =>
      ev(S1, 'InstallmentPlanAgreed', '2025-04-20', { planId, chargeIds: ['c1-2025-01'], installments: [{ seq: 1, dueDate: '2025-04-15', amount: '280.00' }], total: '280.00', graceDays: 15 } as never, meta as never);
    const log = [...quarterLog(), planOf('plan-old', {}), planOf('plan-new', { reason: 'hardship', approval: { approver: 'Manager Li', approverRole: 'manager', reference: 'M-1', date: '2025-04-20' } })];
    const v = rebuild(levyProjection, log);
    const t = ok(auditTrail(v.audit, { type: 'InstallmentPlanAgreed' }));
    expect(t.rows.map((r) => r.flags)).toEqual([['PLAN_WITHOUT_APPROVAL'], []]);
  });

  it('reads a repeated recorded instant in the zone of each community, also after the zone is registered', () => {
    // 20:00 UTC on Jan 10 is Jan 11 in Shanghai and Jan 10 in UTC; effective Jan 3, more than 7
    // days before Jan 11 but not before Jan 10. A community's events share one instant here, as a
    // billing run's do: the step remembers the last instant's day, and must forget it when the
    // zone changes and keep it apart per community
    const at = '2025-01-10T20:00:00Z';
    const other = 'harbour';
    const reminder = (stream: string) => ev(stream, 'ReminderRecorded', '2025-01-03', { stage: 'reminder', channel: 'sms', on: '2025-01-03', chargeIds: [] } as never, { recordedAt: at });
    const log = [
      reminder(S1),
      ev(communityStream(other), 'CommunityRegistered', '2025-01-10', { communityId: other, name: 'Harbour', timeZone: 'UTC', closeCycle: 'quarter' } as never, { recordedAt: at }),
      reminder(accountStream(other, 'A-1')),
      reminder(S2),
      ev(SC, 'CommunityRegistered', '2025-01-10', { communityId: C, name: 'Sunrise Garden', timeZone: 'UTC', closeCycle: 'quarter' } as never, { recordedAt: at }),
      reminder(S1),
    ];
    const v = rebuild(levyProjection, log);
    const flagged = ok(auditTrail(v.audit, { flagged: true }, v.book.anomalies)).rows.map((r) => `${r.streamId} ${r.flags.join(',')}`);
    // before sunrise named its zone it was read in Shanghai's; harbour reads UTC from the start
    expect(flagged).toEqual([`${S1} BACKDATED`, `${S2} BACKDATED`]);
  });

  it('answers by unit, actor, type and period', () => {
    const { audit } = views();
    expect(ok(auditTrail(audit, { unit: 'sunrise.B1-101' })).matched).toBe(6);
    expect(ok(auditTrail(audit, { actor: 'mgr-1' })).rows.map((r) => r.type)).toEqual(['WaiverGranted']);
    expect(ok(auditTrail(audit, { type: 'PaymentReceived', period: '2025-Q1' })).matched).toBe(2);
    const bad = auditTrail(audit, { period: 'Q1' });
    expect(bad._tag === 'Left' && bad.left.code).toBe('PERIOD_KEY_INVALID');
  });
});

describe('disclosure', () => {
  it('publishes a closed quarter: billed, collected, penalties, credit, spending', () => {
    const d = ok(disclosure(views().book, 'sunrise', '2025-Q1'));
    expect([d.billed, d.collected, d.refunded, d.penalties, d.credit, d.outstanding, d.expenditureTotal].map(String)).toEqual([
      '1060.00',
      '900.00',
      '100.00',
      '6.60',
      '240.00',
      '500.00',
      '1000.00',
    ]);
    expect(d.expenditures.map((x) => x.category)).toEqual(['cleaning']);
  });

  it('has nothing to publish for a period not closed', () => {
    const d = disclosure(views().book, 'sunrise', '2025-Q2');
    expect(d._tag === 'Left' && d.left.code).toBe('PERIOD_NOT_CLOSED');
  });

  it('tells an unknown community and a malformed period apart from a period not closed', () => {
    const unknown = disclosure(views().book, 'moonlight', '2025-Q1');
    expect(unknown._tag === 'Left' && unknown.left).toMatchObject({ code: 'COMMUNITY_UNKNOWN', path: ['communityId'] });
    const malformed = disclosure(views().book, 'sunrise', '2025-Q5');
    expect(malformed._tag === 'Left' && malformed.left).toMatchObject({ code: 'PERIOD_KEY_INVALID', path: ['periodKey'] });
  });
});

describe('a close that missed events (MISSED_BY_CLOSE)', () => {
  // the quarter's close sealed S1 at revision 5 and S2 at revision 3: every event before it
  const withHeads = (heads: { streamId: string; revision: string }[], extra: LoggedEvent[] = []): LoggedEvent[] => {
    const log = quarterLog();
    const i = log.findIndex((e) => e.type === 'PeriodClosed');
    const close = log[i] as EventOf<'PeriodClosed'> & LoggedEvent;
    log[i] = { ...close, data: { ...close.data, heads: heads.map((h) => ({ ...h, hash: 'h' })) } } as LoggedEvent;
    log.splice(i, 0, ...extra);
    return log;
  };
  const missed = (log: LoggedEvent[]) => rebuild(levyProjection, log).book.anomalies.filter((a) => a.code === 'MISSED_BY_CLOSE').map((a) => `${a.streamId} ${a.seq}`);
  it('finds nothing when the heads cover every event before the close', () => {
    expect(missed(quarterLog())).toEqual([]);
  });
  it("flags each event of the period after its stream's sealed head, and none dated after the period", () => {
    const log = quarterLog();
    const seqOf = (type: string, stream: string) => log.findIndex((e) => e.type === type && e.streamId === stream);
    // S2's penalty (revision 3, dated 2025-03-31) came after the head the close read
    expect(missed(withHeads([{ streamId: S1, revision: '5' }, { streamId: S2, revision: '2' }]))).toEqual([`${S2} ${seqOf('PenaltyAssessed', S2)}`]);
    // an S1 reminder dated after the quarter, appended before the close: not in the quarter's totals anyway
    const later = ev(S1, 'ReminderRecorded', '2025-04-01', { stage: 'reminder', channel: 'sms', on: '2025-04-01', chargeIds: [] } as never);
    expect(missed(withHeads([{ streamId: S1, revision: '5' }, { streamId: S2, revision: '3' }], [later]))).toEqual([]);
    // a stream the close did not seal at all, or sealed at a revision that is not a number: all its events of the quarter
    expect(missed(withHeads([{ streamId: S1, revision: '5' }])).length).toBe(4);
    expect(missed(withHeads([{ streamId: S1, revision: 'x' }, { streamId: S2, revision: '3' }])).length).toBe(6);
  });
});

describe("a unit's event outside an account stream", () => {
  it('is an anomaly (EVENT_IN_WRONG_STREAM), not dropped without a word', () => {
    const log = quarterLog();
    const payment = log.find((e) => e.type === 'PaymentReceived')!;
    const stray = { ...payment, streamId: 'levy.community-sunrise', meta: { ...payment.meta, eventId: 'stray-1' } } as LoggedEvent;
    const { book } = rebuild(levyProjection, [...log, stray]);
    expect(book.anomalies.map((a) => [a.code, a.eventId, a.seq])).toEqual([['EVENT_IN_WRONG_STREAM', 'stray-1', log.length]]);
  });
});

// a payment to S1 through wechat that all goes to credit (nothing owed that day)
const credit = (id: string, on: string, amount: string) =>
  ev(S1, 'PaymentReceived', on, { paymentId: `wechat-${id}`, channel: 'wechat', channelTxnId: id, amount, receivedOn: on, allocations: [], toCredit: amount } as unknown as EventOf<'PaymentReceived'>['data']);

describe('two payments behind credit, both bounced', () => {
  // B1-101: January's 406.56, due February 15. 11.85 received February 28 goes to credit and pays
  // January on March 1, and bounces on April 1. 4.03 received March 31 (booked April 1) goes to
  // credit, pays January on April 1, and bounces too. Each reversal re-opens what its own
  // payment's credit paid, on the day it paid it. The second once re-opened March 1's credit
  // payment again (found by seed 10010 at LEVY_FC_SCALE=10), so March's arrears recovery came
  // out below zero.
  const applied = (on: string, amount: string) => ev(S1, 'CreditApplied', on, { chargeId: 'property-2025-01', amount } as EventOf<'CreditApplied'>['data']);
  const bounced = (id: string, amount: string) =>
    ev(S1, 'PaymentReversed', '2025-04-01', {
      paymentId: `wechat-${id}`,
      reason: 'bounced',
      channel: 'wechat',
      amount,
      allocations: [],
      fromCredit: '0.00',
      creditApplications: [{ chargeId: 'property-2025-01', amount }],
    } as unknown as EventOf<'PaymentReversed'>['data']);
  const log = () => [
    charge(S1, U1, 'property-2025-01', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '406.56', '2025-01-01'),
    credit('A', '2025-02-28', '11.85'),
    applied('2025-03-01', '11.85'),
    bounced('A', '11.85'),
    credit('B', '2025-03-31', '4.03'),
    applied('2025-04-01', '4.03'),
    bounced('B', '4.03'),
  ];

  it("re-opens each payment's own credit payment, on the day it paid", () => {
    const { book } = rebuild(levyProjection, log());
    expect(book.anomalies).toEqual([]);
    const c = chargeOf(book.units.get(S1)!, 'property-2025-01')!;
    expect(movesOf(c).filter((m) => m.kind === 'unpaid-credit').map((m) => `${m.amount.toString()} paid ${dateOf(m.paidDay!)}`)).toEqual(['11.85 paid 2025-03-01', '4.03 paid 2025-04-01']);
  });

  it("keeps March's arrears recovery at what March kept: nothing, not less", () => {
    const { book } = rebuild(levyProjection, log());
    const march = ok(collectionRates(book, { period: '2025-03', asOf: dayOf('2025-04-01') })).total;
    expect([march.arrearsOpen.toString(), march.arrearsCollected.toString(), march.recoveryRate.value]).toEqual(['406.56', '0.00', '0.0000']);
    // April's recovery counts the 4.03 paid and taken back on April 1: nothing either
    const april = ok(collectionRates(book, { period: '2025-04', asOf: dayOf('2025-04-01') })).total;
    expect(april.arrearsCollected.toString()).toBe('0.00');
  });
});

describe('credit whose lots are recorded', () => {
  // B1-101: January's 406.56, due February 15. 100.00 received February 10 and 50.00 received
  // February 20 go to credit (lots A and B). On March 1, 80.00 of credit pays January, all from A,
  // the older lot; on April 1, 70.00 more: A's last 20.00 and B's 50.00. B bounces on April 10.
  const applied = (on: string, amount: string, lots?: { lotId: string; amount: string }[]) =>
    ev(S1, 'CreditApplied', on, (lots === undefined ? { chargeId: 'property-2025-01', amount } : { chargeId: 'property-2025-01', amount, lots }) as EventOf<'CreditApplied'>['data']);
  const log = (withLots: boolean) => [
    charge(S1, U1, 'property-2025-01', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '406.56', '2025-01-01'),
    credit('A', '2025-02-10', '100.00'),
    credit('B', '2025-02-20', '50.00'),
    applied('2025-03-01', '80.00', withLots ? [{ lotId: 'wechat-A', amount: '80.00' }] : undefined),
    applied('2025-04-01', '70.00', withLots ? [{ lotId: 'wechat-A', amount: '20.00' }, { lotId: 'wechat-B', amount: '50.00' }] : undefined),
    ev(S1, 'PaymentReversed', '2025-04-10', {
      paymentId: 'wechat-B',
      reason: 'bounced',
      channel: 'wechat',
      amount: '50.00',
      allocations: [],
      fromCredit: '0.00',
      creditApplications: [{ chargeId: 'property-2025-01', amount: '50.00' }],
    } as unknown as EventOf<'PaymentReversed'>['data']),
  ];
  const reopened = (withLots: boolean): string[] => {
    const { book } = rebuild(levyProjection, log(withLots));
    expect(book.anomalies).toEqual([]);
    return movesOf(chargeOf(book.units.get(S1)!, 'property-2025-01')!)
      .filter((m) => m.kind === 'unpaid-credit')
      .map((m) => `${m.amount.toString()} paid ${dateOf(m.paidDay!)}`);
  };
  const recovered = (withLots: boolean, period: string): string => {
    const { book } = rebuild(levyProjection, log(withLots));
    return ok(collectionRates(book, { period, asOf: dayOf('2025-04-30') })).total.arrearsCollected.toString();
  };

  it("re-opens B's credit on the day B's credit paid, as its lots say", () => {
    expect(reopened(true)).toEqual(['50.00 paid 2025-04-01']);
    // March keeps the 80.00 that A paid; April keeps A's 20.00 and loses B's 50.00
    expect([recovered(true, '2025-03'), recovered(true, '2025-04')]).toEqual(['80.00', '20.00']);
  });

  it('without lots (a log written before they were recorded) dates it as the decider spends credit, from the oldest credit payment since B was booked', () => {
    expect(reopened(false)).toEqual(['50.00 paid 2025-03-01']);
    expect([recovered(false, '2025-03'), recovered(false, '2025-04')]).toEqual(['30.00', '70.00']);
  });

  it("says on the owner's statement whose credit paid what", () => {
    const line = (log: LoggedEvent[]) => ok(unitStatement(rebuild(levyProjection, log).book, S1, { from: dayOf('2025-04-01'), to: dayOf('2025-04-01') })).lines.map((l) => l.description);
    expect(line(log(true))).toEqual(['credit 70.00 applied to property-2025-01, from payment wechat-A 20.00, payment wechat-B 50.00']);
    expect(line(log(false))).toEqual(['credit 70.00 applied to property-2025-01']);
    const fromCancelled = [...log(true).slice(0, 3), applied('2025-04-01', '5.00', [{ lotId: 'cancel:parking-2025-01', amount: '5.00' }])];
    expect(line(fromCancelled)).toEqual(['credit 5.00 applied to property-2025-01, from cancelled parking-2025-01 5.00']);
  });

  it('flags lots that do not add up to the credit applied, and still folds the application', () => {
    const bad = [...log(true).slice(0, 3), applied('2025-03-01', '80.00', [{ lotId: 'wechat-A', amount: '70.00' }])];
    const { book } = rebuild(levyProjection, bad);
    expect(book.anomalies.map((a) => [a.code, a.message])).toEqual([['CREDIT_LOTS_UNBALANCED', `credit applied to property-2025-01 of ${S1}: its lots add to 70.00, not 80.00`]]);
    expect(creditAsOf(book.units.get(S1)!).toString()).toBe('70.00');
  });

  // credit going out: a refund of 120.00 on March 5 (all of A, 20.00 of B), and a third payment, C,
  // all credit, bounced on March 10 and taken back from its own lot
  const refunded = (lots: { lotId: string; amount: string }[]) =>
    ev(S1, 'CreditRefunded', '2025-03-05', { refundId: 'r1', amount: '120.00', channel: 'wechat', refundedOn: '2025-03-05', lots } as EventOf<'CreditRefunded'>['data']);
  const reversedC = (fromCreditLots: { lotId: string; amount: string }[]) =>
    ev(S1, 'PaymentReversed', '2025-03-10', {
      paymentId: 'wechat-C',
      reason: 'bounced',
      channel: 'wechat',
      amount: '40.00',
      allocations: [],
      fromCredit: '40.00',
      creditApplications: [],
      fromCreditLots,
    } as unknown as EventOf<'PaymentReversed'>['data']);
  const outgoing = (refundLots: { lotId: string; amount: string }[], reversalLots: { lotId: string; amount: string }[]) => [
    ...log(true).slice(0, 3),
    credit('C', '2025-02-25', '40.00'),
    refunded(refundLots),
    reversedC(reversalLots),
  ];

  it("says on the owner's statement whose credit a refund paid back and a reversal took back", () => {
    const { book } = rebuild(levyProjection, outgoing([{ lotId: 'wechat-A', amount: '100.00' }, { lotId: 'wechat-B', amount: '20.00' }], [{ lotId: 'wechat-C', amount: '40.00' }]));
    expect(book.anomalies).toEqual([]);
    const lines = ok(unitStatement(book, S1, { from: dayOf('2025-03-05'), to: dayOf('2025-03-10') })).lines.map((l) => [l.description, l.debit.toString()]);
    expect(lines).toEqual([
      ['credit refunded wechat, from payment wechat-A 100.00, payment wechat-B 20.00', '120.00'],
      ['payment wechat-C reversed (bounced), 40.00 taken back from credit, from payment wechat-C 40.00', '40.00'],
    ]);
    // 190.00 of credit less 120.00 refunded and 40.00 taken back
    expect(creditAsOf(book.units.get(S1)!).toString()).toBe('30.00');
  });

  it('reads the unit\'s credit by lot: where each lot came from and where it went (creditLots)', () => {
    const { book } = rebuild(levyProjection, outgoing([{ lotId: 'wechat-A', amount: '100.00' }, { lotId: 'wechat-B', amount: '20.00' }], [{ lotId: 'wechat-C', amount: '40.00' }]));
    const table = (asOf?: string) => {
      const r = ok(creditLots(book, S1, asOf === undefined ? {} : { asOf: dayOf(asOf) }));
      return {
        lots: r.lots.map((l) => [l.lotId, l.origin.kind, dateOf(l.arose), ...[l.credited, l.applied, l.refunded, l.takenBack, l.remaining].map(String)]),
        sums: [r.total, r.unattributed, r.credit].map(String),
      };
    };
    // before the refund: three payments' excess, nothing gone out
    expect(table('2025-03-01')).toEqual({
      lots: [
        ['wechat-A', 'payment', '2025-02-10', '100.00', '0.00', '0.00', '0.00', '100.00'],
        ['wechat-B', 'payment', '2025-02-20', '50.00', '0.00', '0.00', '0.00', '50.00'],
        ['wechat-C', 'payment', '2025-02-25', '40.00', '0.00', '0.00', '0.00', '40.00'],
      ],
      sums: ['190.00', '0.00', '190.00'],
    });
    // at the end: A refunded, B refunded in part, C taken back; 30.00 left, all of it B's
    expect(table()).toEqual({
      lots: [
        ['wechat-A', 'payment', '2025-02-10', '100.00', '0.00', '100.00', '0.00', '0.00'],
        ['wechat-B', 'payment', '2025-02-20', '50.00', '0.00', '20.00', '0.00', '30.00'],
        ['wechat-C', 'payment', '2025-02-25', '40.00', '0.00', '0.00', '40.00', '0.00'],
      ],
      sums: ['30.00', '0.00', '30.00'],
    });
    expect(creditAsOf(book.units.get(S1)!).toString()).toBe('30.00');
  });

  it('renders the credit by lot as a table, with the credit that went out naming no lot under an older log', () => {
    const { book } = rebuild(levyProjection, outgoing([{ lotId: 'wechat-A', amount: '100.00' }, { lotId: 'wechat-B', amount: '20.00' }], [{ lotId: 'wechat-C', amount: '40.00' }]));
    const text = renderCreditLots(ok(creditLots(book, S1, { asOf: dayOf('2025-03-31') })));
    expect(text.split('\n')[0]).toBe(`Credit by lot (预收明细) ${S1} as of 2025-03-31`);
    expect(text).toMatch(/wechat-B +payment +2025-02-20 +50\.00 +0\.00 +20\.00 +0\.00 +30\.00\n/);
    expect(text).toMatch(/total +30\.00/);
    expect(text).not.toContain('naming no lot');
    // as JSON every day is a date, the day a lot arose too
    const json = JSON.parse(reportJson(ok(creditLots(book, S1, { asOf: dayOf('2025-03-31') })))) as { asOf: string; lots: { lotId: string; arose: unknown }[] };
    expect([json.asOf, ...json.lots.map((l) => `${l.lotId} ${String(l.arose)}`)]).toEqual(['2025-03-31', 'wechat-A 2025-02-10', 'wechat-B 2025-02-20', 'wechat-C 2025-02-25']);
    // a Map as an object, a Set as the list of what it holds (as an object it would come out {})
    expect(reportJson({ m: new Map([['b', 1]]), s: new Set(['b', 'a']), asOf: dayOf('2025-03-31') })).toBe('{"asOf":"2025-03-31","m":{"b":1},"s":["b","a"]}');
    const old = renderCreditLots(ok(creditLots(rebuild(levyProjection, log(false)).book, S1)));
    expect(old).toMatch(/went out naming no lot \(older log\) +-150\.00\n/);
    expect(old).toMatch(/credit +0\.00/);
  });

  it('says how much credit went out unattributed in a log written before lots were recorded, and refuses a bad unit or day', () => {
    const { book } = rebuild(levyProjection, log(false));
    const r = ok(creditLots(book, S1));
    // 80.00 and 70.00 applied without lots: the lots still hold all 150.00, the unit none
    expect([r.lots.map((l) => `${l.lotId} ${l.remaining.toString()}`), r.total.toString(), r.unattributed.toString(), r.credit.toString()]).toEqual([['wechat-A 100.00', 'wechat-B 50.00'], '150.00', '150.00', '0.00']);
    expect(creditAsOf(book.units.get(S1)!).toString()).toBe('0.00');
    expect(creditLots(book, 'levy.account-sunrise.nobody')).toMatchObject({ _tag: 'Left', left: { code: 'UNIT_UNKNOWN', path: ['unit'] } });
    expect(creditLots(book, S1, { asOf: '2025-03-01' as never })).toMatchObject({ _tag: 'Left', left: { code: 'AS_OF_INVALID', path: ['asOf'] } });
  });

  it("flags a refund's or a reversal's lots that do not add up to the credit it moved", () => {
    const { book } = rebuild(levyProjection, outgoing([{ lotId: 'wechat-A', amount: '100.00' }], [{ lotId: 'wechat-C', amount: '30.00' }, { lotId: 'wechat-B', amount: '20.00' }]));
    expect(book.anomalies.map((a) => [a.code, a.message])).toEqual([
      ['CREDIT_LOTS_UNBALANCED', `refund r1 of ${S1}: its lots add to 100.00, not 120.00`],
      ['CREDIT_LOTS_UNBALANCED', `credit taken back by the reversal of wechat-C in ${S1}: its lots add to 50.00, not 40.00`],
    ]);
    expect(creditAsOf(book.units.get(S1)!).toString()).toBe('30.00');
  });
});

describe('account book readings', () => {
  it("reads a unit's events by effective date, those of one day in log order (eventsByDay)", () => {
    // logged: the charge, A received February 10, B received February 1, C received February 10
    const log = [
      charge(S1, U1, 'property-2025-01', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '406.56', '2025-01-01'),
      credit('A', '2025-02-10', '1.00'),
      credit('B', '2025-02-01', '2.00'),
      credit('C', '2025-02-10', '3.00'),
    ];
    const { book } = rebuild(levyProjection, log);
    const u = book.units.get(S1)!;
    const ids = (es: readonly LoggedEvent[]) => es.map((e) => (e.type === 'PaymentReceived' ? e.data.paymentId : e.type));
    expect(ids(eventsOf(book, u))).toEqual(['ChargeIssued', 'wechat-A', 'wechat-B', 'wechat-C']);
    const byDay = eventsByDay(book, u);
    expect(ids(byDay.map((x) => x.event))).toEqual(['ChargeIssued', 'wechat-B', 'wechat-A', 'wechat-C']);
    expect(byDay.map((x) => dateOf(x.day))).toEqual(['2025-01-01', '2025-02-01', '2025-02-10', '2025-02-10']);
  });
  it("reads a charge's movements, a unit's credit changes and its events in the order they were folded", () => {
    const log = quarterLog();
    const { book } = rebuild(levyProjection, log);
    const u2 = book.units.get(S2)!;
    const c = chargeOf(u2, 'c2-2025-01')!;
    // penalty 6.60, its waiver, the payment, the reversal re-opening it as of the day it was paid, the principal waiver
    expect(movesOf(c).map((m) => `${dateOf(m.day)} ${m.kind} ${m.amount.toString()}${m.paidDay === undefined ? '' : ` paid ${dateOf(m.paidDay)}`}`)).toEqual([
      '2025-03-31 penalty-assessed 6.60',
      '2025-04-02 penalty-waived 6.60',
      '2025-04-05 paid 500.00',
      '2025-04-08 unpaid 500.00 paid 2025-04-05',
      '2025-04-09 waived 50.00',
    ]);
    const u1 = book.units.get(S1)!;
    expect(creditMovesOf(u1).map((m) => `${dateOf(m.day)} ${m.amount.toString()}`)).toEqual(['2025-01-20 20.00', '2025-02-01 -20.00', '2025-03-01 340.00', '2025-03-10 -100.00']);
    expect(eventsOf(book, u2).map((e) => e.meta.eventId)).toEqual(log.filter((e) => e.streamId === S2).map((e) => e.meta.eventId));
    expect(chargeOf(u2, 'c1-2025-01')).toBeUndefined();
    expect(chargeOf(u2, 'no-such-charge')).toBeUndefined();
  });

  it('keeps the first of a charge issued twice and flags the second', () => {
    const log = quarterLog();
    log.push(charge(S2, 'B2-201', 'c2-2025-01', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '999.00', '2025-04-11'));
    const { book } = rebuild(levyProjection, log);
    expect(chargeOf(book.units.get(S2)!, 'c2-2025-01')!.amount.toString()).toBe('500.00');
    expect(book.anomalies.map((a) => a.code)).toEqual(['CHARGE_DUPLICATE']);
  });
});

describe('bad options: a typed refusal naming the field, never a silently wrong report', () => {
  const v = views();
  const asOf = dayOf('2025-03-31');
  const any = (x: unknown) => x as never;
  // a report that returns its value throws a LevyError; one that returns an Either returns it
  const refusal = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (e) {
      return e instanceof LevyError ? { code: e.error.code, path: e.error.path } : String(e);
    }
    return 'no refusal';
  };
  it('refuses an as-of that is not a whole epoch day: a date string, NaN, a fraction', () => {
    for (const bad of ['2025-03-31', Number.NaN, 20178.5, undefined, null]) {
      const expected = { code: 'AS_OF_INVALID', path: ['asOf'] };
      expect(refusal(() => agingReport(v.book, { asOf: any(bad) }))).toEqual(expected);
      expect(refusal(() => arrearsLedger(v.book, { asOf: any(bad) }))).toEqual(expected);
      expect(refusal(() => dunningWorklist(v.book, { asOf: any(bad) }))).toEqual(expected);
      expect(refusal(() => reportBundle(v, any(bad)))).toEqual(expected);
      const rates = collectionRates(v.book, { period: '2025-01', asOf: any(bad) });
      expect(rates._tag === 'Left' && rates.left).toMatchObject(expected);
    }
    // where the day is optional, leaving it out reads the whole log; giving a bad one is refused
    expect(trialBalance(v.journal).sum.isZero()).toBe(true);
    expect(refusal(() => trialBalance(v.journal, any('2025-03-31')))).toEqual({ code: 'AS_OF_INVALID', path: ['asOf'] });
    expect(refusal(() => journalBalance(v.journal, ACCOUNT.receivableFees, Number.NaN))).toEqual({ code: 'AS_OF_INVALID', path: ['asOf'] });
    const unit = [...v.book.units.values()][0]!;
    expect(refusal(() => chargeAsOf(unit.charges[0]!, 1.5))).toEqual({ code: 'AS_OF_INVALID', path: ['asOf'] });
    expect(refusal(() => creditAsOf(unit, Number.POSITIVE_INFINITY))).toEqual({ code: 'AS_OF_INVALID', path: ['asOf'] });
    const statement = unitStatement(v.book, unit.key, { to: any('2025-03-31') });
    expect(statement._tag === 'Left' && statement.left).toMatchObject({ code: 'AS_OF_INVALID', path: ['range', 'to'] });
    expect(statement._tag === 'Left' && statement.left.message).toContain("range.to must be a day such as dayOf('2025-12-31')");
  });
  it('refuses aging buckets that leave a gap, overlap or stop short, naming the bucket', () => {
    const buckets = ok(agingBuckets([0, 30]));
    expect(agingReport(v.book, { asOf, buckets }).buckets).toEqual(['current', '1-30', '>30']);
    const invalid = (b: unknown) => refusal(() => agingReport(v.book, { asOf, buckets: any(b) }));
    expect(invalid([])).toEqual({ code: 'AGING_BUCKETS_INVALID', path: ['buckets'] });
    expect(invalid([{ ...buckets[0]!, fromDays: 0 }, ...buckets.slice(1)])).toEqual({ code: 'AGING_BUCKETS_INVALID', path: ['buckets', '0', 'fromDays'] });
    expect(invalid([buckets[0], { ...buckets[1]!, fromDays: 2 }, buckets[2]])).toEqual({ code: 'AGING_BUCKETS_INVALID', path: ['buckets', '1', 'fromDays'] });
    expect(invalid([buckets[0], { ...buckets[1]!, toDays: 0 }, buckets[2]])).toEqual({ code: 'AGING_BUCKETS_INVALID', path: ['buckets', '1', 'toDays'] });
    expect(invalid(buckets.slice(0, 2))).toEqual({ code: 'AGING_BUCKETS_INVALID', path: ['buckets', '1', 'toDays'] });
    expect(invalid([buckets[0], null, buckets[2]])).toEqual({ code: 'AGING_BUCKETS_INVALID', path: ['buckets', '1'] });
  });
  it('refuses an audit policy whose backdating threshold is not a whole number of days', () => {
    for (const backdateDays of [Number.NaN, -1, 1.5, undefined]) {
      expect(refusal(() => auditProjectionWith({ backdateDays } as never))).toEqual({ code: 'AUDIT_POLICY_INVALID', path: ['backdateDays'] });
    }
    expect(rebuild(auditProjectionWith({ backdateDays: 0 }), quarterLog()).events.length).toBe(quarterLog().length);
  });
  it('refuses a dunning policy whose stages are not whole days in order, and a negative or fractional top', () => {
    const policy = (p: object) => refusal(() => dunningWorklist(v.book, { asOf, policy: any({ ...DEFAULT_DUNNING_POLICY, ...p }) }));
    expect(policy({ phoneDays: 15.5 })).toEqual({ code: 'DUNNING_POLICY_INVALID', path: ['policy', 'phoneDays'] });
    expect(policy({ writtenNoticeDays: 10 })).toEqual({ code: 'DUNNING_POLICY_INVALID', path: ['policy', 'writtenNoticeDays'] });
    expect(policy({ legalDays: undefined })).toEqual({ code: 'DUNNING_POLICY_INVALID', path: ['policy', 'legalDays'] });
    // a call chases arrears: the decider takes it only once a charge is overdue, so it falls due at 1 day at the earliest
    expect(policy({ reminderDays: -7, phoneDays: 0 })).toEqual({ code: 'DUNNING_POLICY_INVALID', path: ['policy', 'phoneDays'] });
    expect(policy({ reminderDays: -7, phoneDays: -3 })).toEqual({ code: 'DUNNING_POLICY_INVALID', path: ['policy', 'phoneDays'] });
    expect(dunningWorklist(v.book, { asOf, policy: { reminderDays: 0, phoneDays: 1, writtenNoticeDays: 1, legalDays: 1 } }).asOf).toBe(asOf);
    expect(refusal(() => dunningWorklist(v.book, { asOf, policy: any('strict') }))).toEqual({ code: 'DUNNING_POLICY_INVALID', path: ['policy'] });
    expect(dunningWorklist(v.book, { asOf, policy: { ...DEFAULT_DUNNING_POLICY, legalDays: 90 } }).asOf).toBe(asOf);
    expect(refusal(() => arrearsLedger(v.book, { asOf, top: -1 }))).toEqual({ code: 'LIMIT_INVALID', path: ['top'] });
    expect(refusal(() => arrearsLedger(v.book, { asOf, top: 2.5 }))).toEqual({ code: 'LIMIT_INVALID', path: ['top'] });
    expect(arrearsLedger(v.book, { asOf, top: 0 }).lines).toEqual([]);
  });
});

describe('penalty counted again (PenaltyAdjusted)', () => {
  // unit 2's January charge: 6.60 assessed through March 31 on 500.00; a payment of earlier date,
  // booked in April, lowers the base, and the decider counts those days again: 5.40, 1.20 less
  const lowered = ev(S2, 'PenaltyAdjusted', '2025-04-02', {
    chargeId: 'c2-2025-01',
    cause: 'payment:wechat-wx-9',
    pieces: [{ assessment: '00000000-0000-8000-8000-000000000001', from: '2025-02-16', to: '2025-03-31', was: '6.60', now: '5.40' }],
    amount: '-1.20',
    toCredit: [],
  } as unknown as EventOf<'PenaltyAdjusted'>['data']);
  // the quarter through its close (the penalty is waived on April 2 in the full log)
  const closed = () => {
    const q = quarterLog();
    return q.slice(0, q.findIndex((e) => e.type === 'PeriodClosed') + 1);
  };
  const log = () => [...closed(), lowered];

  it('posts a lowering as the mirror of an assessment, and a raise as an assessment', () => {
    expect(postingsFor(lowered).map((p) => `${p.account} ${p.amount.toString()}`)).toEqual([`${ACCOUNT.revenuePenalties} 1.20`, `${ACCOUNT.receivablePenalties} -1.20`]);
    // penalty already paid goes back to the owner's credit rather than off the receivable
    const paidBack = { ...lowered, data: { ...lowered.data, toCredit: [{ paymentId: 'wechat-wx-8', amount: '0.50' }] } } as LoggedEvent;
    expect(postingsFor(paidBack).map((p) => `${p.account} ${p.amount.toString()}`)).toEqual([`${ACCOUNT.revenuePenalties} 1.20`, `${ACCOUNT.receivablePenalties} -0.70`, `${ACCOUNT.prepaid} -0.50`]);
    const raised = { ...lowered, data: { ...lowered.data, amount: '0.60' } } as LoggedEvent;
    expect(postingsFor(raised).map((p) => `${p.account} ${p.amount.toString()}`)).toEqual([`${ACCOUNT.receivablePenalties} 0.60`, `${ACCOUNT.revenuePenalties} -0.60`]);
    const v = rebuild(levyProjection, log());
    expect(trialBalance(v.journal).sum.isZero()).toBe(true);
    expect(journalBalance(v.journal, ACCOUNT.receivablePenalties, dayOf('2025-04-01')).subtract(journalBalance(v.journal, ACCOUNT.receivablePenalties)).toString()).toBe('1.20');
  });

  it('lowers the charge in the book from its date on, as a movement of its own', () => {
    const v = rebuild(levyProjection, log());
    const unit = v.book.units.get(S2)!;
    const c = chargeOf(unit, 'c2-2025-01')!;
    expect(chargeAsOf(c, dayOf('2025-04-01')).penalty.toString()).toBe('6.60');
    expect(chargeAsOf(c, dayOf('2025-04-02')).penalty.toString()).toBe('5.40');
    expect(chargeAsOf(c, dayOf('2025-04-02')).penaltyAssessed.toString()).toBe('5.40');
    expect(movesOf(c).at(-1)).toEqual({ day: dayOf('2025-04-02'), kind: 'penalty-adjusted', amount: expect.anything() });
    expect(movesOf(c).at(-1)!.amount.toString()).toBe('-1.20');
    expect(v.book.anomalies).toEqual([]);
  });

  it('explains the line on the statement with what was counted again and why', () => {
    const s = ok(unitStatement(rebuild(levyProjection, log()).book, S2, { from: dayOf('2025-04-02') }));
    expect(s.lines.map((l) => [l.description, l.debit.toString(), l.credit.toString()])).toEqual([
      ['滞纳金 on c2-2025-01 counted again after payment:wechat-wx-9, which changed the base: 2025-02-16..2025-03-31 6.60 → 5.40', '0.00', '1.20'],
    ]);
  });

  it('gives penalty already paid back to credit before lowering the charge, so no day shows it below zero', () => {
    // the 6.60 was paid on April 1 (at the counter); the recount on April 2 gives 1.20 of it back
    const paid = ev(S2, 'PaymentReceived', '2025-04-01', {
      paymentId: 'cash-c1',
      channel: 'cash',
      channelTxnId: 'c1',
      amount: '6.60',
      receivedOn: '2025-04-01',
      allocations: [{ chargeId: 'c2-2025-01', kind: 'penalty', amount: '6.60' }],
      toCredit: '0.00',
    } as EventOf<'PaymentReceived'>['data']);
    const back = { ...lowered, data: { ...lowered.data, toCredit: [{ paymentId: 'cash-c1', amount: '1.20' }] } } as LoggedEvent;
    const v = rebuild(levyProjection, [...closed(), paid, back]);
    expect(v.book.anomalies).toEqual([]);
    const unit = v.book.units.get(S2)!;
    const c = chargeOf(unit, 'c2-2025-01')!;
    expect([chargeAsOf(c, dayOf('2025-04-02')).penalty.toString(), chargeAsOf(c, dayOf('2025-04-02')).penaltyCollected.toString()]).toEqual(['0.00', '5.40']);
    expect(creditAsOf(unit, dayOf('2025-04-02')).subtract(creditAsOf(unit, dayOf('2025-04-01'))).toString()).toBe('1.20');
    expect(trialBalance(v.journal).sum.isZero()).toBe(true);
    const s = ok(unitStatement(v.book, S2, { from: dayOf('2025-04-02') }));
    expect(s.lines[0]!.description).toContain('1.20 paid by cash-c1 back to credit');
  });

  it('takes penalty waived but no longer owed off the waiver, and a raise gives it back to the waiver', () => {
    // April 2: the manager waives all 6.60 (waiver w1); the recount then lowers it by 1.20, which was waived
    const waived = quarterLog().find((e) => e.type === 'WaiverGranted' && e.data.kind === 'penalty')!;
    const offWaiver = { ...lowered, data: { ...lowered.data, waivers: [{ waiverId: 'w1', amount: '-1.20' }] } } as LoggedEvent;
    expect(postingsFor(offWaiver).map((p) => `${p.account} ${p.amount.toString()}`)).toEqual([`${ACCOUNT.revenuePenalties} 1.20`, `${ACCOUNT.contraWaivers} -1.20`]);
    const raised = ev(S2, 'PenaltyAdjusted', '2025-04-05', {
      ...lowered.data,
      cause: 'reversal:wechat-wx-9',
      pieces: [{ assessment: '00000000-0000-8000-8000-000000000001', from: '2025-02-16', to: '2025-03-31', was: '5.40', now: '6.60' }],
      amount: '1.20',
      waivers: [{ waiverId: 'w1', amount: '1.20' }],
    } as unknown as EventOf<'PenaltyAdjusted'>['data']);
    expect(postingsFor(raised).map((p) => `${p.account} ${p.amount.toString()}`)).toEqual([`${ACCOUNT.contraWaivers} 1.20`, `${ACCOUNT.revenuePenalties} -1.20`]);
    const v = rebuild(levyProjection, [...closed(), waived, offWaiver, raised]);
    expect(v.book.anomalies).toEqual([]);
    expect(trialBalance(v.journal).sum.isZero()).toBe(true);
    const c = chargeOf(v.book.units.get(S2)!, 'c2-2025-01')!;
    const on = (iso: string) => {
      const a = chargeAsOf(c, dayOf(iso));
      return [a.penalty, a.penaltyAssessed, a.penaltyWaived].map(String);
    };
    // nothing owed on any day; assessed and waived move together
    expect([on('2025-04-02'), on('2025-04-04'), on('2025-04-05')]).toEqual([
      ['0.00', '5.40', '5.40'],
      ['0.00', '5.40', '5.40'],
      ['0.00', '6.60', '6.60'],
    ]);
    // the receivable never moved: only revenue and the waivers' contra account did
    expect(journalBalance(v.journal, ACCOUNT.receivablePenalties, dayOf('2025-04-02')).toString()).toBe(journalBalance(v.journal, ACCOUNT.receivablePenalties).toString());
    expect(journalBalance(v.journal, ACCOUNT.contraWaivers, dayOf('2025-04-02')).subtract(journalBalance(v.journal, ACCOUNT.contraWaivers, dayOf('2025-04-01'))).toString()).toBe('5.40');
    // the statement's balance does not move: what the waiver no longer covers was never owed
    const s = ok(unitStatement(v.book, S2, { from: dayOf('2025-04-02'), to: dayOf('2025-04-05') }));
    expect(s.lines.filter((l) => l.description.includes('counted again')).map((l) => [l.description.split('; ')[1], l.debit.toString(), l.credit.toString()])).toEqual([
      ['waiver w1 relieves 1.20 less', '0.00', '0.00'],
      ['waiver w1 relieves 1.20 again', '0.00', '0.00'],
    ]);
  });

  it('flags a lowering below what the charge still owes as the anomaly it is', () => {
    const tooMuch = { ...lowered, data: { ...lowered.data, amount: '-7.00' } } as LoggedEvent;
    const v = rebuild(levyProjection, [...closed(), tooMuch]);
    expect(v.book.anomalies.map((a) => a.code)).toEqual(['PENALTY_OVERPAID']);
  });
});

/** March's 1,000.00 of B1-101, assessed once from April 16 at 日万分之三 on the whole amount */
const marchAssessed = (asOf: string, to: string, days: number, amount: string): LoggedEvent =>
  ev(S1, 'PenaltyAssessed', asOf, {
    chargeId: 'property-2025-03',
    asOf,
    from: '2025-04-16',
    to,
    days,
    segments: [{ from: '2025-04-16', to, days, base: '1000.00' }],
    dailyRate: '0.0003',
    rounding: 'half-up',
    unrounded: amount,
    amount,
    cappedBy: null,
  } as unknown as EventOf<'PenaltyAssessed'>['data']);

describe('credit paying penalty (ApplyCredit)', () => {
  // B1-101: March's 1,000.00, due April 15; 1,020.00 received May 20 pays it and leaves 20.00 of
  // credit; May 31 assesses 10.50 (April 16 to May 20); June 1 the credit pays it (CreditApplied,
  // kind penalty); June 5 the payment bounces, re-opening the principal and that penalty
  const issued = charge(S1, U1, 'property-2025-03', '2025-03', '2025-03-01', '2025-03-31', '2025-04-15', '1000.00', '2025-04-01');
  const paid = ev(S1, 'PaymentReceived', '2025-05-20', {
    paymentId: 'wechat-OVER',
    channel: 'wechat',
    channelTxnId: 'OVER',
    amount: '1020.00',
    receivedOn: '2025-05-20',
    allocations: [{ chargeId: 'property-2025-03', kind: 'principal', amount: '1000.00' }],
    toCredit: '20.00',
  } as EventOf<'PaymentReceived'>['data']);
  const assessed = marchAssessed('2025-05-31', '2025-05-20', 35, '10.50');
  const applied = ev(S1, 'CreditApplied', '2025-06-01', { chargeId: 'property-2025-03', amount: '10.50', kind: 'penalty' } as EventOf<'CreditApplied'>['data']);
  const bounced = ev(S1, 'PaymentReversed', '2025-06-05', {
    paymentId: 'wechat-OVER',
    reason: 'bounced',
    channel: 'wechat',
    amount: '1020.00',
    allocations: [{ chargeId: 'property-2025-03', kind: 'principal', amount: '1000.00' }],
    fromCredit: '9.50',
    creditApplications: [{ chargeId: 'property-2025-03', amount: '10.50', kind: 'penalty' }],
  } as EventOf<'PaymentReversed'>['data']);

  it('posts it off the penalty receivable, not the fees, and the book shows the penalty paid', () => {
    expect(postingsFor(applied).map((p) => `${p.account} ${p.amount.toString()}`)).toEqual([`${ACCOUNT.prepaid} 10.50`, `${ACCOUNT.receivablePenalties} -10.50`]);
    const v = rebuild(levyProjection, [issued, paid, assessed, applied]);
    expect(v.book.anomalies).toEqual([]);
    expect(trialBalance(v.journal).sum.isZero()).toBe(true);
    expect([ACCOUNT.receivableFees, ACCOUNT.receivablePenalties, ACCOUNT.prepaid].map((a) => journalBalance(v.journal, a).toString())).toEqual(['0.00', '0.00', '-9.50']);
    const unit = v.book.units.get(S1)!;
    const c = chargeOf(unit, 'property-2025-03')!;
    const on = (iso: string) => [chargeAsOf(c, dayOf(iso)).penalty, chargeAsOf(c, dayOf(iso)).penaltyCollected, creditAsOf(unit, dayOf(iso))].map(String);
    expect([on('2025-05-31'), on('2025-06-01')]).toEqual([
      ['10.50', '0.00', '20.00'],
      ['0.00', '10.50', '9.50'],
    ]);
    // the statement says what the credit paid; the balance (owed less credit) does not move
    const s = ok(unitStatement(v.book, S1, { from: dayOf('2025-06-01') }));
    expect(s.lines.map((l) => [l.description, l.balance.toString()])).toEqual([['credit 10.50 applied to property-2025-03 penalty', '-9.50']]);
  });

  it('re-opens that penalty when the payment behind the credit bounces', () => {
    expect(postingsFor(bounced).map((p) => `${p.account} ${p.amount.toString()}`)).toEqual([
      `${ACCOUNT.receivableFees} 1000.00`,
      `${ACCOUNT.receivablePenalties} 10.50`,
      `${ACCOUNT.prepaid} 9.50`,
      'Cash:wechat -1020.00',
    ]);
    const v = rebuild(levyProjection, [issued, paid, assessed, applied, bounced]);
    expect(v.book.anomalies).toEqual([]);
    expect(trialBalance(v.journal).sum.isZero()).toBe(true);
    const unit = v.book.units.get(S1)!;
    const c = chargeAsOf(chargeOf(unit, 'property-2025-03')!, dayOf('2025-06-05'));
    expect([c.principal, c.penalty, c.penaltyCollected, creditAsOf(unit, dayOf('2025-06-05'))].map(String)).toEqual(['1000.00', '10.50', '0.00', '0.00']);
  });

  it('gives penalty that credit paid back to credit when it is counted again lower', () => {
    // as if a transfer received May 10 were booked later and lowered May 31's 10.50 to 10.41
    const lower = ev(S1, 'PenaltyAdjusted', '2025-06-03', {
      chargeId: 'property-2025-03',
      cause: 'payment:wechat-BT',
      pieces: [{ assessment: assessed.meta.eventId, from: '2025-04-16', to: '2025-05-20', was: '10.50', now: '10.41' }],
      amount: '-0.09',
      toCredit: [],
      creditPaid: [{ lotId: 'wechat-OVER', amount: '0.09' }],
    } as unknown as EventOf<'PenaltyAdjusted'>['data']);
    expect(postingsFor(lower).map((p) => `${p.account} ${p.amount.toString()}`)).toEqual([`${ACCOUNT.revenuePenalties} 0.09`, `${ACCOUNT.prepaid} -0.09`]);
    const v = rebuild(levyProjection, [issued, paid, assessed, applied, lower]);
    expect(v.book.anomalies).toEqual([]);
    expect(trialBalance(v.journal).sum.isZero()).toBe(true);
    const unit = v.book.units.get(S1)!;
    const c = chargeAsOf(chargeOf(unit, 'property-2025-03')!, dayOf('2025-06-03'));
    expect([c.penalty, c.penaltyAssessed, c.penaltyCollected, creditAsOf(unit, dayOf('2025-06-03'))].map(String)).toEqual(['0.00', '10.41', '10.41', '9.59']);
    const s = ok(unitStatement(v.book, S1, { from: dayOf('2025-06-03') }));
    expect(s.lines[0]!.description).toContain('0.09 paid from credit wechat-OVER back to credit');
  });
});

describe('a cancelled charge takes its penalty waivers with it', () => {
  // March's 1,000.00 assessed 14.10 on June 1; the manager waives 4.10 on June 2; cancelled June 5
  const issued = charge(S1, U1, 'property-2025-03', '2025-03', '2025-03-01', '2025-03-31', '2025-04-15', '1000.00', '2025-04-01');
  const assessed = marchAssessed('2025-06-01', '2025-06-01', 47, '14.10');
  const waived = ev(S1, 'WaiverGranted', '2025-06-02', { waiverId: 'w-pen', chargeId: 'property-2025-03', kind: 'penalty', amount: '4.10' } as EventOf<'WaiverGranted'>['data']);
  const cancelled = (waivedPenalty?: string) =>
    ev(S1, 'ChargeCancelled', '2025-06-05', {
      chargeId: 'property-2025-03',
      amount: '1000.00',
      commission: '0.00',
      outstandingPrincipal: '1000.00',
      paidPrincipalToCredit: '0.00',
      outstandingPenalty: '10.00',
      paidPenaltyToCredit: '0.00',
      ...(waivedPenalty === undefined ? {} : { waivedPenalty }),
    } as EventOf<'ChargeCancelled'>['data']);

  it('takes the waived penalty off the waivers and the penalty revenue, as it does principal waived', () => {
    expect(postingsFor(cancelled('4.10')).map((p) => `${p.account} ${p.amount.toString()}`)).toEqual([
      `${ACCOUNT.revenueFees} 1000.00`,
      `${ACCOUNT.receivableFees} -1000.00`,
      `${ACCOUNT.revenuePenalties} 14.10`,
      `${ACCOUNT.receivablePenalties} -10.00`,
      `${ACCOUNT.contraWaivers} -4.10`,
    ]);
    const v = rebuild(levyProjection, [issued, assessed, waived, cancelled('4.10')]);
    expect(trialBalance(v.journal).sum.isZero()).toBe(true);
    expect([ACCOUNT.contraWaivers, ACCOUNT.revenuePenalties, ACCOUNT.receivablePenalties].map((a) => journalBalance(v.journal, a).toString())).toEqual(['0.00', '0.00', '0.00']);
  });
  it('leaves them standing for a log written before the cancellation named them', () => {
    const v = rebuild(levyProjection, [issued, assessed, waived, cancelled()]);
    expect(trialBalance(v.journal).sum.isZero()).toBe(true);
    expect([ACCOUNT.contraWaivers, ACCOUNT.revenuePenalties].map((a) => journalBalance(v.journal, a).toString())).toEqual(['4.10', '-4.10']);
  });
});
