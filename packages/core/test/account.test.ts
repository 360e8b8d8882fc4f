import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { DEFAULT_ACCOUNT_POLICY, DeciderSpecification, LevyError, Money, accountBalance, accountDecider, accountPolicyFrom, assessPenalty, cancellationLotId, creditLotOrigin, eventIdFor, paymentIdFor, principalTimeline, recountLotId, type AccountCommand, type AccountContext, type AccountEvent, type CommandOf, type EventOf } from '@levy/core';
import { assess, cancel, committeeApproval, ctx, day, decideAfter, issue, managerApproval, meta, pay, plan, refund, reverse, run, str, waive } from './account-fixtures.js';
import { runs } from '../../testkit/test/support/properties.js';

const march = issue('2025-03', '1000.00', '2025-04-15');
const spec = () => DeciderSpecification.for(accountDecider, ctx());
const only = <K extends AccountEvent['type']>(events: readonly AccountEvent[], type: K): EventOf<K>[] => events.filter((e): e is EventOf<K> => e.type === type);

describe('IssueCharge', () => {
  it('issues a charge with a deterministic event id from community, unit, fee item and period', () => {
    const { events, state } = run([march]);
    expect(events.map((e) => e.type)).toEqual(['ChargeIssued']);
    expect(events[0]!.meta.eventId).toBe(eventIdFor('ChargeIssued', ['sunrise', 'B1-1203', 'property', '2025-03']));
    expect(events[0]!.data).toMatchObject({ chargeId: 'property-2025-03', amount: '1000.00', dueDate: '2025-04-15' });
    expect(str(accountBalance(state))).toBe('1000.00');
  });
  it('issues nothing when the same charge is issued again', () => {
    const { events } = run([march, march]);
    expect(events).toHaveLength(1);
  });
  it('refuses the same charge with a different amount: CHARGE_CONFLICT', () => {
    const r = decideAfter([march], issue('2025-03', '999.00', '2025-04-15'));
    expect(E.isLeft(r) && r.left).toMatchObject({ code: 'CHARGE_CONFLICT', path: ['data', 'amount'] });
  });
  it('refuses a charge of zero: AMOUNT_NOT_POSITIVE', () => {
    spec().when(issue('2025-03', '0', '2025-04-15')).thenFails('AMOUNT_NOT_POSITIVE', ['data', 'amount']);
  });
  it('refuses a commission above the charge: COMMISSION_INVALID', () => {
    spec().when(issue('2025-03', '100', '2025-04-15', { commission: '100.01' } as never)).thenFails('COMMISSION_INVALID', ['data', 'commission']);
  });
  it('refuses a charge dated in a closed period: PERIOD_CLOSED', () => {
    const e = spec().when(march, ctx({ closedThrough: day('2025-03-31') })).thenFails('PERIOD_CLOSED', ['meta', 'effectiveDate']);
    expect(e.message).toContain('2025-03-31');
  });
  it('applies credit paid in advance to a new charge at once (先交后用)', () => {
    const { events, state } = run([pay('adv', '300', '2025-02-20'), march]);
    expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'ChargeIssued', 'CreditApplied']);
    expect(events[2]!.data).toEqual({ chargeId: 'property-2025-03', amount: '300.00', lots: [{ lotId: 'wechat-adv', amount: '300.00' }] });
    expect(str(state.credit)).toBe('0.00');
    expect(str(state.charges.get('property-2025-03')!.outstandingPrincipal)).toBe('700.00');
  });
  it("says whose credit paid it: the oldest lot first, then the next (CreditApplied's lots)", () => {
    // 300.00 paid ahead on February 10 and 500.00 on February 20: March's 1,000.00 takes all of the
    // first and all of the second, April's 1,000.00 finds nothing left
    const { events, state } = run([pay('adv1', '300', '2025-02-10'), pay('adv2', '500', '2025-02-20'), march]);
    expect(events.slice(2).map((e) => [e.type, e.data])).toEqual([
      ['ChargeIssued', expect.objectContaining({ chargeId: 'property-2025-03' })],
      ['CreditApplied', { chargeId: 'property-2025-03', amount: '800.00', lots: [{ lotId: 'wechat-adv1', amount: '300.00' }, { lotId: 'wechat-adv2', amount: '500.00' }] }],
    ]);
    // a reversal of the second payment re-opens what its own lot paid, 500.00
    const bounced = spec().given(events).when(reverse('wechat-adv2', '2025-03-05')).then((es) => expect(es[0]!.type).toBe('PaymentReversed'));
    expect(bounced[0]!.data).toMatchObject({ creditApplications: [{ chargeId: 'property-2025-03', amount: '500.00' }], fromCredit: '0.00' });
    expect(str(state.credit)).toBe('0.00');
  });
  it('names on each day only lots whose credit had arisen by then, though the older lot in spending order arose later', () => {
    // February's 200.00, paid March 5, is cancelled March 20: its 200.00 is credit from March 20 (the
    // lot cancel:property-2025-02, first in spending order). 300.00 received March 10 is booked on
    // March 25: credit from March 10 (wechat-late, after it in spending order). March's 1,000.00 is
    // then issued back-dated to March 15: on March 15 only wechat-late's 300.00 had arisen, and the
    // cancelled charge's 200.00 follows on March 20
    const feb = { ...issue('2025-02', '200.00', '2025-03-15'), meta: meta('2025-03-01') } as CommandOf<'IssueCharge'>;
    const late = { ...pay('late', '300', '2025-03-10'), meta: meta('2025-03-25') } as CommandOf<'ReceivePayment'>;
    const marchBack = { ...march, meta: meta('2025-03-15') } as CommandOf<'IssueCharge'>;
    const { events, state } = run([feb, pay('feb', '200', '2025-03-05'), cancel('property-2025-02', '2025-03-20'), late, marchBack]);
    expect(only(events, 'CreditApplied').map((e) => [e.meta.effectiveDate, e.data])).toEqual([
      ['2025-03-15', { chargeId: 'property-2025-03', amount: '300.00', lots: [{ lotId: 'wechat-late', amount: '300.00' }] }],
      ['2025-03-20', { chargeId: 'property-2025-03', amount: '200.00', lots: [{ lotId: 'cancel:property-2025-02', amount: '200.00' }] }],
    ]);
    // evolve took the lots the events name
    expect([state.credit, ...['wechat-late', 'cancel:property-2025-02'].map((id) => state.lots.get(id)!.applied.get('property-2025-03'))].map(String)).toEqual(['0.00', '300.00', '200.00']);
  });
  it('evolves by the lots an event names, and refuses lots the account does not hold: LOG_INCONSISTENT', () => {
    const { events, state } = run([pay('adv1', '300', '2025-02-10'), pay('adv2', '500', '2025-02-20'), march]);
    const applied = only(events, 'CreditApplied')[0]!;
    // the same 800.00 named the other way round: evolve takes them as named (a log is the record)
    const swapped = { ...applied, data: { ...applied.data, amount: '100.00', lots: [{ lotId: 'wechat-adv2', amount: '100.00' }] } } as AccountEvent;
    const before = run([pay('adv1', '300', '2025-02-10'), pay('adv2', '500', '2025-02-20'), { ...march, data: { ...march.data, amount: '100.00' } } as CommandOf<'IssueCharge'>]);
    const issuedOnly = before.events.filter((e) => e.type !== 'CreditApplied').reduce(accountDecider.evolve, accountDecider.initialState());
    const s = accountDecider.evolve(issuedOnly, swapped);
    expect([s.lots.get('wechat-adv1')!.remaining, s.lots.get('wechat-adv2')!.remaining].map(String)).toEqual(['300.00', '400.00']);
    expect(s.openLots).toEqual(['wechat-adv1', 'wechat-adv2']);
    const bad = (lots: { lotId: string; amount: string }[]) => () => accountDecider.evolve(issuedOnly, { ...swapped, data: { ...swapped.data, lots } } as AccountEvent);
    expect(bad([{ lotId: 'wechat-adv1', amount: '300.01' }])).toThrow(LevyError);
    expect(bad([{ lotId: 'wechat-none', amount: '100.00' }])).toThrow(/lot wechat-none, which holds nothing/);
    expect(bad([{ lotId: 'wechat-adv1', amount: '60.00' }])).toThrow(/the lots it names add up to 60.00/);
    expect(str(state.credit)).toBe('0.00');
  });
  it("names the lots a decision's own payment made: a late-booked payment's credit applied to a charge issued since", () => {
    // 120.00 paid ahead on February 10 pays March at its issue; 400.00 received on March 20 and
    // booked on April 3, after April was issued (April 1), pays what March still owed on March 20
    // and goes to credit for the rest, which April then takes, dated its issue day
    const marchSmall = issue('2025-03', '200.00', '2025-04-15');
    const april = { ...issue('2025-04', '300.00', '2025-05-15'), meta: meta('2025-04-01') } as CommandOf<'IssueCharge'>;
    const late = { ...pay('BT-0320', '400', '2025-03-20'), meta: meta('2025-04-03') } as CommandOf<'ReceivePayment'>;
    const given = run([pay('adv', '120', '2025-02-10'), marchSmall, april]).events;
    const es = spec()
      .given(given)
      .when(late)
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'CreditApplied']));
    expect(es[0]!.data).toMatchObject({ allocations: [{ chargeId: 'property-2025-03', kind: 'principal', amount: '80.00' }], toCredit: '320.00' });
    expect([es[1]!.meta.effectiveDate, es[1]!.data]).toEqual(['2025-04-01', { chargeId: 'property-2025-04', amount: '300.00', lots: [{ lotId: 'wechat-BT-0320', amount: '300.00' }] }]);
  });
});

describe('ReceivePayment', () => {
  it('allocates oldest first and puts the excess into credit', () => {
    const april = issue('2025-04', '1000.00', '2025-05-15');
    const { events, state } = run([march, april, pay('42', '1500', '2025-04-10')]);
    const p = only(events, 'PaymentReceived')[0]!;
    expect(p.data.allocations).toEqual([
      { chargeId: 'property-2025-03', kind: 'principal', amount: '1000.00' },
      { chargeId: 'property-2025-04', kind: 'principal', amount: '500.00' },
    ]);
    expect(p.data.toCredit).toBe('0.00');
    expect(p.meta.eventId).toBe(eventIdFor('PaymentReceived', ['wechat', '42']));
    expect(p.data.paymentId).toBe('wechat-42');
    expect(str(accountBalance(state))).toBe('500.00');
  });
  it('makes credit of what is not owed', () => {
    const { events, state } = run([march, pay('42', '1200', '2025-04-10')]);
    expect(only(events, 'PaymentReceived')[0]!.data.toCredit).toBe('200.00');
    expect(str(state.credit)).toBe('200.00');
    expect(str(accountBalance(state))).toBe('-200.00');
  });
  it('dates the payment event by the day it was received', () => {
    const { events } = run([march, { ...pay('42', '10', '2025-04-10'), meta: meta('2025-04-12') }]);
    expect(events[1]!.meta.effectiveDate).toBe('2025-04-10');
  });
  it('takes a second notification of the same transaction as a no-op', () => {
    spec().given(run([march, pay('42', '100', '2025-04-10')]).events).when(pay('42', '100.00', '2025-04-10')).thenNothing();
  });
  it('refuses the same transaction with a different amount: PAYMENT_CONFLICT', () => {
    spec().given(run([march, pay('42', '100', '2025-04-10')]).events).when(pay('42', '101', '2025-04-10')).thenFails('PAYMENT_CONFLICT', ['data', 'amount']);
  });
  it('refuses a payment of zero: AMOUNT_NOT_POSITIVE', () => {
    spec().when(pay('1', '0.00', '2025-04-10')).thenFails('AMOUNT_NOT_POSITIVE', ['data', 'amount']);
  });
  it('refuses a payment received in a closed period: PERIOD_CLOSED', () => {
    spec().when(pay('1', '10', '2025-03-31'), ctx({ closedThrough: day('2025-03-31') })).thenFails('PERIOD_CLOSED', ['data', 'receivedOn']);
  });
  it('follows explicit targets when the payer names them', () => {
    const april = issue('2025-04', '1000.00', '2025-05-15');
    const targets = [{ chargeId: 'property-2025-04', kind: 'principal', amount: '600' }];
    const { events } = run([march, april, pay('7', '700', '2025-04-10', { targets } as never)]);
    expect(only(events, 'PaymentReceived')[0]!.data).toMatchObject({ allocations: [{ chargeId: 'property-2025-04', kind: 'principal', amount: '600.00' }], toCredit: '100.00' });
  });
  it('refuses a target beyond what the charge owes', () => {
    const targets = [{ chargeId: 'property-2025-03', kind: 'principal', amount: '1000.01' }];
    const r = decideAfter([march], pay('7', '2000', '2025-04-10', { targets } as never));
    expect(E.isLeft(r) && r.left.code).toBe('ALLOCATION_TARGET_EXCEEDS_OUTSTANDING');
    expect(E.isLeft(r) && r.left.path).toEqual(['data', 'targets', '0', 'amount']);
  });
  it('allocates penalty first when the policy says so', () => {
    const policy = { ...DEFAULT_ACCOUNT_POLICY, allocation: 'penalty-first' as const };
    const c = ctx({ policy });
    const { events } = run([march, assess('2025-06-01'), pay('9', '20', '2025-06-01')], c);
    expect(only(events, 'PaymentReceived')[0]!.data.allocations).toEqual([
      { chargeId: 'property-2025-03', kind: 'penalty', amount: '14.10' },
      { chargeId: 'property-2025-03', kind: 'principal', amount: '5.90' },
    ]);
  });
});

describe('AssessPenalty (日万分之三)', () => {
  it('charges 14.10 on 1,000.00 paid 47 days late (1000 × 0.0003 × 47)', () => {
    // due 2025-04-15, paid 2025-06-01: April 16..30 (15) + May (31) + June 1 (1) = 47 days
    const { events } = run([march, pay('late', '1000', '2025-06-01'), assess('2025-06-30')]);
    const p = only(events, 'PenaltyAssessed');
    expect(p).toHaveLength(1);
    expect(p[0]!.data).toMatchObject({ from: '2025-04-16', to: '2025-06-01', days: 47, amount: '14.10', cappedBy: null, dailyRate: '0.0003' });
  });
  it('lowers the base the day after a part payment: 6.90 + 3.45 = 10.35', () => {
    // 1,000.00 owed April 16..May 8 (23 days: 6.90), 500.00 owed May 9..31 (23 days: 3.45)
    const { events } = run([march, pay('part', '500', '2025-05-08'), assess('2025-05-31')]);
    const p = only(events, 'PenaltyAssessed')[0]!;
    expect(p.data.amount).toBe('10.35');
    expect(p.data.segments).toEqual([
      { from: '2025-04-16', to: '2025-05-08', days: 23, base: '1000.00', unrounded: '6.9' },
      { from: '2025-05-09', to: '2025-05-31', days: 23, base: '500.00', unrounded: '3.45' },
    ]);
  });
  it('charges nothing when paid on the due date', () => {
    const { events } = run([march, pay('ontime', '1000', '2025-04-15'), assess('2025-06-30')]);
    expect(only(events, 'PenaltyAssessed')).toEqual([]);
  });
  it('charges nothing before the first day after due date and grace', () => {
    const policy = { ...DEFAULT_ACCOUNT_POLICY, penalty: { ...DEFAULT_ACCOUNT_POLICY.penalty, graceDays: 10 } };
    spec().given(run([march]).events).when(assess('2025-04-25'), ctx({ policy })).thenNothing();
    const p = spec().given(run([march]).events).when(assess('2025-04-26'), ctx({ policy })).then((es) => expect(es).toHaveLength(1));
    expect(p[0]!.data).toMatchObject({ from: '2025-04-26', to: '2025-04-26', days: 1, amount: '0.30' });
  });
  it('continues from the day after the previous assessment, never overlapping', () => {
    const { events } = run([march, assess('2025-04-30'), assess('2025-05-10'), assess('2025-05-10')]);
    const p = only(events, 'PenaltyAssessed');
    expect(p.map((e) => [e.data.from, e.data.to, e.data.amount])).toEqual([
      ['2025-04-16', '2025-04-30', '4.50'],
      ['2025-05-01', '2025-05-10', '3.00'],
    ]);
  });
  it('books nothing while the policy is disabled (no contract clause, no 违约金)', () => {
    const policy = { ...DEFAULT_ACCOUNT_POLICY, penalty: { ...DEFAULT_ACCOUNT_POLICY.penalty, enabled: false } };
    spec().given(run([march]).events).when(assess('2025-06-30'), ctx({ policy })).thenNothing();
  });
  it('stops at the cap: the principal by default', () => {
    const small = issue('2024-01', '10.00', '2024-02-15');
    const policy = { ...DEFAULT_ACCOUNT_POLICY, penalty: { ...DEFAULT_ACCOUNT_POLICY.penalty, dailyRate: '0.01' } };
    const { events } = run([small, assess('2024-12-31'), assess('2025-06-30')], ctx({ policy }));
    const p = only(events, 'PenaltyAssessed');
    expect(p).toHaveLength(1);
    expect(p[0]!.data).toMatchObject({ amount: '10.00', cappedBy: '10.00' });
  });
  it('refuses an assessment date in a closed period: PERIOD_CLOSED', () => {
    spec().given(run([march]).events).when(assess('2025-06-30'), ctx({ closedThrough: day('2025-06-30') })).thenFails('PERIOD_CLOSED', ['data', 'asOf']);
  });
});

describe('AssessPenalty and RecordReminder: dated the day they name', () => {
  // today is 2025-06-30 (ctx); 1,000.00 due 2025-04-15
  const april = issue('2025-04', '1000', '2025-04-15');
  const assessedOn = (asOf: string, effectiveDate: string): CommandOf<'AssessPenalty'> => ({ ...assess(asOf), meta: meta(effectiveDate) });
  it('dates the assessment by asOf, whatever meta.effectiveDate says: a payment that day pays the penalty', () => {
    // 56 days (04-16 to 06-10) × 1,000.00 × 0.0003 = 16.80; before, the event was dated 2025-07-31, a day not begun
    const { events, state } = run([april, assessedOn('2025-06-10', '2025-07-31'), pay('p1', '1016.80', '2025-06-30')]);
    expect(only(events, 'PenaltyAssessed').map((e) => [e.meta.effectiveDate, e.data.amount])).toEqual([['2025-06-10', '16.80']]);
    // the payment pays 1,000.00 of principal and the 16.80 assessed, so nothing goes to credit (before: 16.80 of credit beside 22.80 owed)
    expect(str(state.credit)).toBe('0.00');
    expect(str(state.charges.get('property-2025-04')!.outstandingPenalty)).toBe('0.00');
  });
  it('dates it by asOf when meta.effectiveDate is earlier, so a payment before asOf does not pay penalty not yet run', () => {
    const { events } = run([april, assessedOn('2025-06-10', '2025-05-01')]);
    expect(only(events, 'PenaltyAssessed').map((e) => e.meta.effectiveDate)).toEqual(['2025-06-10']);
  });
  it('dates a reminder by the day it was sent', () => {
    const reminder = { type: 'RecordReminder', data: { stage: 'phone', channel: 'phone', on: '2025-06-20', chargeIds: ['property-2025-04'] }, meta: meta('2025-06-29') } as CommandOf<'RecordReminder'>;
    expect(only(run([april, reminder]).events, 'ReminderRecorded').map((e) => e.meta.effectiveDate)).toEqual(['2025-06-20']);
  });
});

describe('AssessPenalty: through today, the business date of now in the community’s zone', () => {
  // penalty accrues per day through the day of payment (domain.md, arrears): a day not yet begun owes nothing yet
  const at = (now: string, timeZone?: string) => ctx({ now: now as AccountContext['now'], ...(timeZone === undefined ? {} : { timeZone }) });
  const given = () => spec().given(run([march]).events);

  it('assesses as of today: 2025-06-30T02:00Z is June 30, 10:00 in Shanghai', () => {
    const p = given()
      .when(assess('2025-06-30'), at('2025-06-30T02:00:00Z'))
      .then((es) => expect(es).toHaveLength(1));
    expect(p[0]!.data).toMatchObject({ asOf: '2025-06-30', from: '2025-04-16', to: '2025-06-30', days: 76, amount: '22.80' });
  });
  it('refuses tomorrow with AS_OF_IN_FUTURE naming data.asOf, both dates and the zone, and decides nothing', () => {
    const e = given().when(assess('2025-07-01'), at('2025-06-30T02:00:00Z')).thenFails('AS_OF_IN_FUTURE', ['data', 'asOf']);
    expect(e.message).toContain('2025-07-01');
    expect(e.message).toContain('2025-06-30');
    expect(e.message).toContain('Asia/Shanghai');
    expect(e.details).toEqual({ asOf: '2025-07-01', today: '2025-06-30', timeZone: 'Asia/Shanghai' });
  });
  it('refuses a day in the future before a plan could default on it', () => {
    // the installment due 2025-04-15 with 15 days' grace is missed from May 1: still nothing is decided as of tomorrow
    const jan = issue('2025-01', '1000.00', '2025-01-15');
    const agreed = plan('plan-1', ['property-2025-01'], [['2025-04-15', '1000']], '2025-03-01');
    spec()
      .given(run([jan, agreed]).events)
      .when(assess('2025-05-02'), at('2025-05-01T02:00:00Z'))
      .thenFails('AS_OF_IN_FUTURE', ['data', 'asOf']);
    spec()
      .given(run([jan, agreed]).events)
      .when(assess('2025-05-01'), at('2025-05-01T02:00:00Z'))
      .then((es) => expect(es.map((e) => e.type)).toEqual(['InstallmentPlanDefaulted', 'PenaltyAssessed']));
  });
  it('reads today in Shanghai: 2025-03-31T17:30Z is already April 1, 01:30 there', () => {
    const jan = run([issue('2025-01', '1000.00', '2025-01-15')]).events;
    const p = spec()
      .given(jan)
      .when(assess('2025-04-01'), at('2025-03-31T17:30:00Z'))
      .then((es) => expect(es).toHaveLength(1));
    expect(p[0]!.data).toMatchObject({ asOf: '2025-04-01', to: '2025-04-01' });
    spec().given(jan).when(assess('2025-04-02'), at('2025-03-31T17:30:00Z')).thenFails('AS_OF_IN_FUTURE', ['data', 'asOf']);
    // the same instant is still March 31 in UTC
    const e = spec().given(jan).when(assess('2025-04-01'), at('2025-03-31T17:30:00Z', 'UTC')).thenFails('AS_OF_IN_FUTURE', ['data', 'asOf']);
    expect(e.details).toEqual({ asOf: '2025-04-01', today: '2025-03-31', timeZone: 'UTC' });
  });
  it('reads today in the community’s own zone: New York is a day behind Shanghai until 04:00 UTC in summer', () => {
    // 2025-07-01T03:30Z is June 30, 23:30 in New York (EDT, UTC−4) and July 1, 11:30 in Shanghai
    given().when(assess('2025-07-01'), at('2025-07-01T03:30:00Z')).then((es) => expect(es).toHaveLength(1));
    given().when(assess('2025-06-30'), at('2025-07-01T03:30:00Z', 'America/New_York')).then((es) => expect(es).toHaveLength(1));
    const e = given().when(assess('2025-07-01'), at('2025-07-01T03:30:00Z', 'America/New_York')).thenFails('AS_OF_IN_FUTURE', ['data', 'asOf']);
    expect(e.details).toMatchObject({ today: '2025-06-30', timeZone: 'America/New_York' });
    // after midnight there it is July 1 as well
    given().when(assess('2025-07-01'), at('2025-07-01T04:00:00Z', 'America/New_York')).then((es) => expect(es).toHaveLength(1));
  });
  it('refuses a context whose zone or instant cannot be read, naming the context field', () => {
    given().when(assess('2025-06-30'), at('2025-06-30T02:00:00Z', 'Mars/Olympus')).thenFails('TIME_ZONE_INVALID', ['timeZone']);
    given().when(assess('2025-06-30'), at('2025-06-30')).thenFails('INSTANT_INVALID', ['now']);
  });
});

describe('ReversePayment', () => {
  it('re-opens a bounced payment, overdue again from the original due date: 30 days is 9.00', () => {
    // paid on the due date 2025-04-15, bounced 2025-05-10; assessed 2025-05-15: April 16..May 15 = 30 days
    const { events, state } = run([march, pay('b', '1000', '2025-04-15'), assess('2025-05-01'), reverse('wechat-b', '2025-05-10'), assess('2025-05-15')]);
    const r = only(events, 'PaymentReversed')[0]!;
    expect(r.data).toMatchObject({ allocations: [{ chargeId: 'property-2025-03', kind: 'principal', amount: '1000.00' }], fromCredit: '0.00', creditApplications: [] });
    // nothing came from credit, so no lots are named
    expect(r.data.fromCreditLots).toBeUndefined();
    const p = only(events, 'PenaltyAssessed');
    expect(p.map((e) => [e.data.from, e.data.to, e.data.amount])).toEqual([['2025-04-16', '2025-05-15', '9.00']]);
    expect(str(accountBalance(state))).toBe('1009.00');
  });
  it('takes back the credit a payment made, and re-opens the charges that credit paid', () => {
    const april = issue('2025-04', '400.00', '2025-05-15');
    const { events, state } = run([march, pay('big', '1500', '2025-04-10'), april, reverse('wechat-big', '2025-04-20')]);
    const r = only(events, 'PaymentReversed')[0]!;
    expect(r.data).toMatchObject({
      amount: '1500.00',
      allocations: [{ chargeId: 'property-2025-03', kind: 'principal', amount: '1000.00' }],
      fromCredit: '100.00',
      creditApplications: [{ chargeId: 'property-2025-04', amount: '400.00' }],
      fromCreditLots: [{ lotId: 'wechat-big', amount: '100.00' }],
    });
    expect(str(state.credit)).toBe('0.00');
    expect(str(accountBalance(state))).toBe('1400.00');
  });
  it('says whose credit it takes back: its own lot first, though older credit is there (fromCreditLots)', () => {
    // 300.00 paid ahead on March 1 and 200.00 on March 2, no charge yet: the second bounces and takes back its own 200.00
    const { events, state } = run([pay('adv', '300', '2025-03-01'), pay('x', '200', '2025-03-02'), reverse('wechat-x', '2025-03-05')]);
    expect(only(events, 'PaymentReversed')[0]!.data).toMatchObject({ fromCredit: '200.00', fromCreditLots: [{ lotId: 'wechat-x', amount: '200.00' }] });
    expect([state.credit, state.lots.get('wechat-adv')!.remaining].map(String)).toEqual(['300.00', '300.00']);
  });
  it('does nothing when the payment was already reversed', () => {
    spec().given(run([march, pay('b', '10', '2025-04-15'), reverse('wechat-b', '2025-05-10')]).events).when(reverse('wechat-b', '2025-05-11')).thenNothing();
  });
  it('refuses an unknown payment: PAYMENT_NOT_FOUND', () => {
    spec().when(reverse('wechat-x', '2025-05-10')).thenFails('PAYMENT_NOT_FOUND', ['data', 'paymentId']);
  });
  describe('an unknown payment id that is a channel transaction id (the id is <channel>-<channelTxnId>)', () => {
    it('names the payment it was likely meant for', () => {
      const given = run([march, pay('Y2', '100', '2025-04-10')]).events;
      const e = spec().given(given).when(reverse('Y2', '2025-05-10')).thenFails('PAYMENT_NOT_FOUND', ['data', 'paymentId']);
      expect(e.message).toContain('this unit has no payment Y2; did you mean wechat-Y2 (the wechat transaction Y2)?');
      expect(e.details).toEqual({ paymentId: 'Y2', meant: ['wechat-Y2'] });
    });
    it('names every channel that has the transaction id, in the order received', () => {
      const given = run([march, pay('Y2', '100', '2025-04-10'), pay('Y2', '50', '2025-04-11', { channel: 'alipay' })]).events;
      const e = spec().given(given).when(reverse('Y2', '2025-05-10')).thenFails('PAYMENT_NOT_FOUND', ['data', 'paymentId']);
      expect(e.message).toContain('did you mean wechat-Y2 (the wechat transaction Y2) or alipay-Y2 (the alipay transaction Y2)?');
      expect(e.details).toEqual({ paymentId: 'Y2', meant: ['wechat-Y2', 'alipay-Y2'] });
    });
    it('names a payment whose id ends in -<the id typed>, and one whose id is hashed (too long to be readable)', () => {
      const long = `T${'7'.repeat(59)}`;
      expect(paymentIdFor('wechat', long)).toMatch(/^pay-[0-9a-f]{32}$/);
      const given = run([march, pay('A-Y2', '100', '2025-04-10'), pay(long, '20', '2025-04-11')]).events;
      const suffix = spec().given(given).when(reverse('Y2', '2025-05-10')).thenFails('PAYMENT_NOT_FOUND', ['data', 'paymentId']);
      expect(suffix.message).toContain('did you mean wechat-A-Y2 (the wechat transaction A-Y2)?');
      const hashed = spec().given(given).when(reverse(long, '2025-05-10')).thenFails('PAYMENT_NOT_FOUND', ['data', 'paymentId']);
      expect(hashed.details).toEqual({ paymentId: long, meant: [paymentIdFor('wechat', long)] });
    });
    it('guesses nothing when no payment has that transaction id', () => {
      const given = run([march, pay('Y3', '100', '2025-04-10'), pay('XY2', '10', '2025-04-11')]).events;
      const e = spec().given(given).when(reverse('Y2', '2025-05-10')).thenFails('PAYMENT_NOT_FOUND', ['data', 'paymentId']);
      expect(e.message).toBe('this unit has no payment Y2; check the payment id on the receipt');
      expect(e.details).toEqual({ paymentId: 'Y2' });
    });
  });
  it('refuses when the credit it made was refunded meanwhile: REVERSAL_CREDIT_REFUNDED', () => {
    spec()
      .given(run([pay('adv', '300', '2025-03-01'), refund('100', '2025-03-05')]).events)
      .when(reverse('wechat-adv', '2025-03-10'))
      .thenFails('REVERSAL_CREDIT_REFUNDED', ['data', 'paymentId']);
  });
  it('takes back from credit what it paid on a charge cancelled since', () => {
    const { events, state } = run([march, pay('p', '1000', '2025-04-10'), cancel('property-2025-03', '2025-04-12'), reverse('wechat-p', '2025-04-20')]);
    // what it paid on March went to credit as March's cancellation lot, and comes back from there
    expect(only(events, 'PaymentReversed')[0]!.data).toMatchObject({ allocations: [], fromCredit: '1000.00', fromCreditLots: [{ lotId: 'cancel:property-2025-03', amount: '1000.00' }] });
    expect(str(state.credit)).toBe('0.00');
    expect(str(accountBalance(state))).toBe('0.00');
  });
});

describe('GrantWaiver', () => {
  const history = () => run([march, assess('2025-06-01')]).events; // 14.10 penalty on 1,000.00
  it('waives principal with the committee approval and lowers the penalty base from the next day', () => {
    const { events } = run([march, waive('property-2025-03', 'principal', '500', '2025-04-30', {}, 'w1'), assess('2025-05-10')]);
    const p = only(events, 'PenaltyAssessed')[0]!;
    // April 16..30 on 1,000 (4.50) + May 1..10 on 500 (1.50)
    expect(p.data.amount).toBe('6.00');
    expect(events[1]!.meta.approval).toEqual(committeeApproval);
  });
  it('refuses a principal waiver without the committee: WAIVER_APPROVAL_REQUIRED', () => {
    spec().given(history()).when(waive('property-2025-03', 'principal', '1', '2025-06-02', { approval: managerApproval } as never)).thenFails('WAIVER_APPROVAL_REQUIRED', ['meta', 'approval']);
  });
  it('lets a manager waive penalty up to the policy limit, and no more', () => {
    const policy = { ...DEFAULT_ACCOUNT_POLICY, managerWaiverLimit: Money.of('10.00') };
    spec().given(history()).when(waive('property-2025-03', 'penalty', '10', '2025-06-02', { approval: managerApproval } as never), ctx({ policy })).then((es) => expect(es).toHaveLength(1));
    spec().given(history()).when(waive('property-2025-03', 'penalty', '10.01', '2025-06-02', { approval: managerApproval } as never), ctx({ policy })).thenFails('WAIVER_APPROVAL_REQUIRED');
    spec().given(history()).when(waive('property-2025-03', 'penalty', '10.01', '2025-06-02'), ctx({ policy })).then((es) => expect(es).toHaveLength(1));
  });
  it('refuses a penalty waiver with no approval at all', () => {
    spec().given(history()).when(waive('property-2025-03', 'penalty', '1', '2025-06-02', { approval: undefined } as never)).thenFails('WAIVER_APPROVAL_REQUIRED');
  });
  it('refuses more than is owed: WAIVER_EXCEEDS_OWED', () => {
    spec().given(history()).when(waive('property-2025-03', 'penalty', '14.11', '2025-06-02')).thenFails('WAIVER_EXCEEDS_OWED', ['data', 'amount']);
  });
  it('refuses a waiver without a reason: REASON_REQUIRED', () => {
    spec().given(history()).when(waive('property-2025-03', 'penalty', '1', '2025-06-02', { reason: undefined } as never)).thenFails('REASON_REQUIRED', ['meta', 'reason']);
  });
  it('refuses an unknown charge: CHARGE_NOT_FOUND', () => {
    spec().given(history()).when(waive('nope', 'penalty', '1', '2025-06-02')).thenFails('CHARGE_NOT_FOUND', ['data', 'chargeId']);
  });
  it('is idempotent by waiver id, and refuses the id with another amount: WAIVER_CONFLICT', () => {
    const given = run([march, waive('property-2025-03', 'principal', '5', '2025-04-30', {}, 'w1')]).events;
    spec().given(given).when(waive('property-2025-03', 'principal', '5', '2025-04-30', {}, 'w1')).thenNothing();
    spec().given(given).when(waive('property-2025-03', 'principal', '6', '2025-04-30', {}, 'w1')).thenFails('WAIVER_CONFLICT');
  });
  it('without a waiver id, takes its id from the command id: a client retrying after a lost reply appends nothing', () => {
    const byCommand = (commandId: string, amount = '5') => waive('property-2025-03', 'principal', amount, '2025-04-30', { commandId } as never);
    const { events, state } = run([march, byCommand('cmd-7f3a')]);
    expect(only(events, 'WaiverGranted')[0]!.data.waiverId).toBe('waiver-cmd-cmd-7f3a');
    spec().given(events).when(byCommand('cmd-7f3a')).thenNothing();
    expect(state.charges.get('property-2025-03')!.waivedPrincipal.toString()).toBe('5.00');
    // another command is another waiver; the same command with another amount is a conflict, named at the command id
    spec().given(events).when(byCommand('cmd-7f3b')).then((es) => expect(es[0]!.data).toMatchObject({ waiverId: 'waiver-cmd-cmd-7f3b', amount: '5.00' }));
    const e = spec().given(events).when(byCommand('cmd-7f3a', '6')).thenFails('WAIVER_CONFLICT', ['meta', 'commandId']);
    expect(e.message).toContain('command cmd-7f3a');
    // a command id that cannot be an id as it stands is hashed into one
    const long = run([march, byCommand('x'.repeat(80))]).events;
    expect(only(long, 'WaiverGranted')[0]!.data.waiverId).toMatch(/^waiver-[0-9a-f]{32}$/);
  });
  it('without a waiver id or a command id, takes a fresh id: the same command twice is two waivers', () => {
    const { events } = run([march, waive('property-2025-03', 'principal', '5', '2025-04-30'), waive('property-2025-03', 'principal', '5', '2025-04-30')]);
    const ids = only(events, 'WaiverGranted').map((e) => e.data.waiverId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe("GrantWaiver: a manager's limit holds per charge, in total", () => {
  // 100,000.00 due April 15, assessed May 31: April 16 to May 31, 46 days × 30.00 = 1,380.00 of penalty;
  // April's 100,000.00 due May 15: May 16 to May 31, 16 days × 30.00 = 480.00. The default limit is 200.00
  const big = issue('2025-03', '100000.00', '2025-04-15');
  const april = issue('2025-04', '100000.00', '2025-05-15');
  const assessed = [big, april, assess('2025-05-31')];
  const byManager = (amount: string, waiverId: string, chargeId = 'property-2025-03') => waive(chargeId, 'penalty', amount, '2025-06-01', { approval: managerApproval } as never, waiverId);
  const byCommittee = (amount: string, waiverId: string) => waive('property-2025-03', 'penalty', amount, '2025-06-01', {}, waiverId);
  const after = (commands: readonly AccountCommand[]) => spec().given(run([...assessed, ...commands]).events);

  it('refuses a second waiver of 200.00 after a first of 200.00 on the same charge', () => {
    after([]).when(byManager('200.00', 'w-1')).then((es) => expect(es.map((e) => e.type)).toEqual(['WaiverGranted']));
    after([byManager('200.00', 'w-1')]).when(byManager('200.00', 'w-2')).thenFails('WAIVER_APPROVAL_REQUIRED', ['data', 'amount']);
    // nor can a manager split it further: 0.01 more is refused too, and the committee may grant the rest
    after([byManager('200.00', 'w-1')]).when(byManager('0.01', 'w-2')).thenFails('WAIVER_APPROVAL_REQUIRED', ['data', 'amount']);
    after([byManager('200.00', 'w-1')]).when(byCommittee('200.00', 'w-2')).then((es) => expect(es).toHaveLength(1));
    // a retry of the first waiver is still nothing, not a refusal
    after([byManager('200.00', 'w-1')]).when(byManager('200.00', 'w-1')).thenNothing();
  });
  it('allows 120.00 and then 80.00 (200.00 in all), and refuses 120.00 and then 81.00 (201.00)', () => {
    after([byManager('120.00', 'w-1')]).when(byManager('80.00', 'w-2')).then((es) => expect(es).toHaveLength(1));
    const { state } = run([...assessed, byManager('120.00', 'w-1'), byManager('80.00', 'w-2')]);
    expect(state.charges.get('property-2025-03')!.penaltyWaived.toString()).toBe('200.00');
    after([byManager('120.00', 'w-1')]).when(byManager('81.00', 'w-2')).thenFails('WAIVER_APPROVAL_REQUIRED', ['data', 'amount']);
  });
  it('names the limit, what a manager already waived on the charge and the amount asked for', () => {
    const e = after([byManager('120.00', 'w-1')]).when(byManager('81.00', 'w-2')).thenFails('WAIVER_APPROVAL_REQUIRED', ['data', 'amount']);
    expect(e.details).toEqual({ limit: '200.00', alreadyWaived: '120.00', requested: '81.00' });
    for (const figure of ['200.00', '120.00', '81.00', '201.00', 'property-2025-03', "committee's or assembly's approval", 'up to 80.00']) expect(e.message).toContain(figure);
  });
  it("does not count a waiver the committee or assembly approved toward the manager's total", () => {
    const assembly = { ...committeeApproval, approverRole: 'assembly' } as const;
    const given = [byCommittee('1000.00', 'w-c'), waive('property-2025-03', 'penalty', '100.00', '2025-06-01', { approval: assembly } as never, 'w-a')];
    after(given).when(byManager('200.00', 'w-m')).then((es) => expect(es).toHaveLength(1));
    after(given).when(byManager('200.01', 'w-m')).thenFails('WAIVER_APPROVAL_REQUIRED', ['data', 'amount']);
    const { state } = run([...assessed, ...given]);
    expect([...state.waivers.values()].map((w) => w.byManager)).toEqual([false, false]);
  });
  it('keeps a separate total for each charge', () => {
    const given = [byManager('200.00', 'w-1'), byManager('200.00', 'w-2', 'property-2025-04')];
    const { state } = run([...assessed, ...given]);
    expect([...state.waivers.values()].map((w) => [w.chargeId, w.amount.toString(), w.byManager])).toEqual([
      ['property-2025-03', '200.00', true],
      ['property-2025-04', '200.00', true],
    ]);
    after(given).when(byManager('0.01', 'w-3', 'property-2025-04')).thenFails('WAIVER_APPROVAL_REQUIRED', ['data', 'amount']);
  });
  it('grants a run of waivers exactly while the manager stays within the limit on the charge (a property)', () => {
    // the model: a manager's waiver is granted when what managers waived on the charge, with it, is at most 200.00;
    // the committee's always (1,380.00 owed is more than any run asks for)
    const limit = DEFAULT_ACCOUNT_POLICY.managerWaiverLimit;
    const asked = fc.array(fc.record({ fen: fc.integer({ min: 1, max: 15_000 }), committee: fc.boolean() }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(asked, (xs) => {
        let state = run(assessed).state;
        let managers = Money.zero();
        xs.forEach((x, i) => {
          const amount = Money.fromMinorUnits(x.fen);
          const command = x.committee ? byCommittee(amount.toString(), `w-${i}`) : byManager(amount.toString(), `w-${i}`);
          const decided = accountDecider.decide(command, state, ctx());
          const granted = x.committee || !managers.add(amount).greaterThan(limit);
          expect(E.isRight(decided)).toBe(granted);
          if (E.isLeft(decided)) {
            expect(decided.left).toMatchObject({ code: 'WAIVER_APPROVAL_REQUIRED', path: ['data', 'amount'], details: { alreadyWaived: managers.toString(), requested: amount.toString() } });
            return;
          }
          for (const e of decided.right) state = accountDecider.evolve(state, e);
          if (!x.committee) managers = managers.add(amount);
        });
        expect(managers.greaterThan(limit)).toBe(false);
      }),
      { numRuns: runs(100) },
    );
  });
  it('counts a manager\'s waiver as granted, even after a recount released part of it', () => {
    // the committee waives 1,180.00 and a manager the last 200.00: nothing owed. Then 10,000.00 received
    // May 10 is booked: from May 11 the base is 90,000.00, so May 11 to May 31 is 21 days × 27.00 = 567.00,
    // with April 16 to May 10's 750.00 1,317.00 in all, 63.00 less; nothing is owed or paid, so it comes off
    // the waivers, latest first: the manager's 200.00 now relieves 137.00, but still counts 200.00
    const transfer = { ...pay('BT-0510', '10000', '2025-05-10'), meta: meta('2025-06-03') } as CommandOf<'ReceivePayment'>;
    const given = [byCommittee('1180.00', 'w-c'), byManager('200.00', 'w-m'), transfer, assess('2025-06-30')];
    const { state } = run([...assessed, ...given]);
    expect(state.waivers.get('w-m')).toMatchObject({ amount: Money.of('200.00'), released: Money.of('63.00'), byManager: true });
    expect(state.waivers.get('w-c')!.released.toString()).toBe('0.00');
    // June 1 to June 30 on 90,000.00: 30 days × 27.00 = 810.00 owed; the manager has no room left on the charge
    expect(state.charges.get('property-2025-03')!.outstandingPenalty.toString()).toBe('810.00');
    const june = (amount: string) => waive('property-2025-03', 'penalty', amount, '2025-06-30', { approval: managerApproval } as never, 'w-june');
    const e = after(given).when(june('0.01')).thenFails('WAIVER_APPROVAL_REQUIRED', ['data', 'amount']);
    expect(e.details).toEqual({ limit: '200.00', alreadyWaived: '200.00', requested: '0.01' });
    // why: had 63.00 been allowed, reversing the transfer restores the 63.00 to w-m, and the manager's
    // waivers would relieve 263.00 with nobody's approval for the 63.00 beyond the limit
    const reversed = run([...assessed, ...given, reverse('wechat-BT-0510', '2025-07-01')]).state;
    expect(reversed.waivers.get('w-m')!.released.toString()).toBe('0.00');
    expect(reversed.waivers.get('w-m')!.amount.toString()).toBe('200.00');
    // the committee may still grant it
    after(given).when(waive('property-2025-03', 'penalty', '63.00', '2025-06-30', {}, 'w-june')).then((es) => expect(es).toHaveLength(1));
  });
});

describe('CancelCharge', () => {
  it('writes off what is owed, cancels the penalty and turns what was paid into credit', () => {
    const m = { reason: 'billed to the wrong unit', approval: managerApproval } as never;
    const { events, state } = run([march, assess('2025-06-01'), pay('p', '300', '2025-06-01'), cancel('property-2025-03', '2025-06-05', m)]);
    expect(only(events, 'ChargeCancelled')[0]!.data).toEqual({
      chargeId: 'property-2025-03',
      amount: '1000.00',
      commission: '0.00',
      outstandingPrincipal: '700.00',
      paidPrincipalToCredit: '300.00',
      outstandingPenalty: '14.10',
      paidPenaltyToCredit: '0.00',
    });
    expect(str(state.credit)).toBe('300.00');
    expect(str(accountBalance(state))).toBe('-300.00');
  });
  it('names the penalty waived on it, which no longer relieves anything (absent when none)', () => {
    // June 1: 47 days on 1,000.00, 14.10; the manager waives 4.10 of it, then the charge is cancelled
    const m = { reason: 'billed to the wrong unit', approval: managerApproval } as never;
    const { events } = run([march, assess('2025-06-01'), waive('property-2025-03', 'penalty', '4.10', '2025-06-02', {}, 'w-pen'), cancel('property-2025-03', '2025-06-05', m)]);
    expect(only(events, 'ChargeCancelled')[0]!.data).toMatchObject({ outstandingPenalty: '10.00', paidPenaltyToCredit: '0.00', waivedPenalty: '4.10' });
  });
  it('needs a reason and an approval', () => {
    spec().given(run([march]).events).when(cancel('property-2025-03', '2025-04-01', { approval: managerApproval } as never)).thenFails('REASON_REQUIRED', ['meta', 'reason']);
    spec().given(run([march]).events).when(cancel('property-2025-03', '2025-04-01', { reason: 'error' } as never)).thenFails('APPROVAL_REQUIRED', ['meta', 'approval']);
  });
  it('does nothing to a charge already cancelled, and refuses an unknown one', () => {
    spec().given(run([march, cancel('property-2025-03', '2025-04-01')]).events).when(cancel('property-2025-03', '2025-04-02')).thenNothing();
    spec().when(cancel('property-2025-03', '2025-04-02')).thenFails('CHARGE_NOT_FOUND');
  });
});

describe('AgreeInstallmentPlan and its default', () => {
  const jan = issue('2025-01', '1000.00', '2025-01-15');
  const agreed = plan('plan-1', ['property-2025-01'], [['2025-03-15', '500'], ['2025-04-15', '500']], '2025-03-01');
  it('suspends penalties while the plan is in good standing', () => {
    const { events } = run([jan, agreed, pay('i1', '500', '2025-03-10'), assess('2025-04-20')]);
    expect(only(events, 'PenaltyAssessed')).toEqual([]);
    expect(only(events, 'InstallmentPlanAgreed')[0]!.data).toMatchObject({ total: '1000.00', graceDays: 15 });
  });
  it('defaults a plan missed by more than the grace, first, and resumes penalties from the original due date: 16.20 + 7.80', () => {
    // installment 2 due 04-15 + 15 days grace; on 05-01 only 500 of 1,000 is paid.
    // January 16..March 10 on 1,000 (54 days: 16.20), March 11..May 1 on 500 (52 days: 7.80)
    const { events } = run([jan, agreed, pay('i1', '500', '2025-03-10'), assess('2025-05-01')]);
    const tail = events.slice(-2);
    expect(tail.map((e) => e.type)).toEqual(['InstallmentPlanDefaulted', 'PenaltyAssessed']);
    expect(tail[0]!.data).toEqual({ planId: 'plan-1', missedSeq: 2, missedDueDate: '2025-04-15', on: '2025-05-01' });
    expect(tail[1]!.data).toMatchObject({ from: '2025-01-16', to: '2025-05-01', amount: '24.00' });
  });
  it('completes a plan when its charges are paid', () => {
    const { events, state } = run([jan, agreed, pay('i1', '500', '2025-03-10'), pay('i2', '500', '2025-04-10')]);
    expect(events.at(-1)).toMatchObject({ type: 'InstallmentPlanCompleted', data: { planId: 'plan-1', on: '2025-04-10' } });
    expect(state.plans.get('plan-1')!.status).toBe('completed');
    expect(state.plans.get('plan-1')!.agreedDay).toBe(day('2025-03-01'));
  });
  it('keeps the days of a plan kept to the end free of penalty: an assessment after it completes counts none of them', () => {
    // assessed through 03-01 (13.50), the plan covers 1,013.50 and is paid on 03-10 and 04-10.
    // Before the fix an assessment on 05-01 counted March 2..April 10, the very days the plan
    // suspended: 1,000 × 9 days (2.70) + 493.25 × 31 days (4.5875) at 0.0003, 7.29, so the owner who
    // kept the plan paid as if there had been none.
    const kept = [jan, assess('2025-03-01'), plan('plan-k', ['property-2025-01'], [['2025-03-15', '506.75'], ['2025-04-15', '506.75']], '2025-03-01'), pay('k1', '506.75', '2025-03-10'), pay('k2', '506.75', '2025-04-10')];
    const { events, state } = run([...kept, assess('2025-05-01')]);
    expect(only(events, 'PenaltyAssessed').map((e) => e.data.amount)).toEqual(['13.50']);
    expect(str(state.charges.get('property-2025-01')!.outstandingPenalty)).toBe('0.00');
    // days before the plan that were never assessed are still owed: assessed only through 02-15 this time
    const late = [jan, assess('2025-02-15'), plan('plan-l', ['property-2025-01'], [['2025-03-15', '504.65'], ['2025-04-15', '504.65']], '2025-03-01'), pay('l1', '504.65', '2025-03-10'), pay('l2', '504.65', '2025-04-10'), assess('2025-05-01')];
    // January 16..February 15 is 31 days (9.30), then February 16..28 on 1,000: 13 days, 3.90
    expect(only(run(late).events, 'PenaltyAssessed').map((e) => [e.data.from, e.data.to, e.data.amount])).toEqual([
      ['2025-01-16', '2025-02-15', '9.30'],
      ['2025-02-16', '2025-02-28', '3.90'],
    ]);
  });
  describe('payments while a plan is in good standing pay the plan first', () => {
    // January: 1,000.00 due 01-15, assessed 03-01: January 16..March 1 is 45 days, 13.50 of penalty.
    // The plan covers 1,013.50 in two installments of 506.75; an April charge of 100.00 is open meanwhile.
    const withPenalty = [jan, assess('2025-03-01'), plan('plan-p', ['property-2025-01'], [['2025-03-15', '506.75'], ['2025-04-15', '506.75']], '2025-03-01')];
    const april = issue('2025-04', '100.00', '2025-05-15');
    it("pays the plan's penalty before newer principal, so installments paid on time complete the plan", () => {
      const { events, state } = run([...withPenalty, april, pay('i1', '506.75', '2025-03-10'), pay('i2', '506.75', '2025-04-10')]);
      expect(only(events, 'PenaltyAssessed')[0]!.data.amount).toBe('13.50');
      // oldest-first alone would pay 493.25 of January's principal and then 13.50 of April's
      expect(only(events, 'PaymentReceived')[1]!.data.allocations).toEqual([
        { chargeId: 'property-2025-01', kind: 'principal', amount: '493.25' },
        { chargeId: 'property-2025-01', kind: 'penalty', amount: '13.50' },
      ]);
      expect(events.at(-1)).toMatchObject({ type: 'InstallmentPlanCompleted', data: { planId: 'plan-p', on: '2025-04-10' } });
      expect(state.plans.get('plan-p')!.status).toBe('completed');
      expect(str(state.charges.get('property-2025-04')!.outstandingPrincipal)).toBe('100.00');
    });
    it('and is not defaulted by a later assessment', () => {
      const { events } = run([...withPenalty, april, pay('i1', '506.75', '2025-03-10'), pay('i2', '506.75', '2025-04-10'), assess('2025-05-01')]);
      expect(only(events, 'InstallmentPlanDefaulted')).toEqual([]);
    });
    it('pays other charges, in the policy order, with what the plan does not take, and the rest becomes credit', () => {
      const { events, state } = run([...withPenalty, april, pay('i1', '506.75', '2025-03-10'), pay('i2', '656.75', '2025-04-10')]);
      const p = only(events, 'PaymentReceived')[1]!.data;
      expect(p.allocations).toEqual([
        { chargeId: 'property-2025-01', kind: 'principal', amount: '493.25' },
        { chargeId: 'property-2025-01', kind: 'penalty', amount: '13.50' },
        { chargeId: 'property-2025-04', kind: 'principal', amount: '100.00' },
      ]);
      expect(p.toCredit).toBe('50.00');
      expect(str(state.credit)).toBe('50.00');
    });
    it('pays in the policy order once the plan has defaulted', () => {
      // installment 2 missed: defaulted on 05-01; a payment afterwards is oldest-first over everything again
      const { events } = run([...withPenalty, april, pay('i1', '506.75', '2025-03-10'), assess('2025-05-01'), pay('late', '600.00', '2025-05-05')]);
      expect(only(events, 'InstallmentPlanDefaulted')).toHaveLength(1);
      const kinds = only(events, 'PaymentReceived')[1]!.data.allocations.map((a) => `${a.chargeId}/${a.kind}`);
      // all principal by due date, then penalties: April's principal comes before January's penalty
      expect(kinds).toEqual(['property-2025-01/principal', 'property-2025-04/principal', 'property-2025-01/penalty']);
    });
  });
  it('refuses installments that do not add up to what the charges owe: PLAN_SUM_MISMATCH', () => {
    const r = decideAfter([jan], plan('p', ['property-2025-01'], [['2025-03-15', '500'], ['2025-04-15', '499.99']], '2025-03-01'));
    expect(E.isLeft(r) && r.left).toMatchObject({ code: 'PLAN_SUM_MISMATCH', path: ['data', 'installments'] });
  });
  it('refuses due dates out of order, unknown and paid charges, and a charge already in a plan', () => {
    const code = (given: Parameters<typeof run>[0], cmd: Parameters<typeof decideAfter>[1]) => {
      const r = decideAfter(given, cmd);
      return E.isLeft(r) ? r.left.code : 'decided';
    };
    expect(code([jan], plan('p', ['property-2025-01'], [['2025-04-15', '500'], ['2025-04-15', '500']], '2025-03-01'))).toBe('PLAN_DUE_DATES_NOT_ASCENDING');
    expect(code([jan], plan('p', ['nope'], [['2025-04-15', '1000']], '2025-03-01'))).toBe('CHARGE_NOT_FOUND');
    expect(code([jan, pay('x', '1000', '2025-01-10')], plan('p', ['property-2025-01'], [['2025-04-15', '1000']], '2025-03-01'))).toBe('CHARGE_NOT_OWED');
    expect(code([jan, agreed], plan('p2', ['property-2025-01'], [['2025-04-15', '1000']], '2025-03-01'))).toBe('CHARGE_IN_PLAN');
    expect(code([jan], plan('p', [], [['2025-04-15', '1000']], '2025-03-01'))).toBe('PLAN_EMPTY');
    expect(code([jan, agreed], plan('plan-1', ['property-2025-01'], [['2025-04-15', '1000']], '2025-03-01'))).toBe('PLAN_CONFLICT');
    expect(code([jan, agreed], agreed)).toBe('decided');
  });
});

describe('RefundCredit', () => {
  it('pays credit back, never more than there is: REFUND_EXCEEDS_CREDIT', () => {
    const given = run([pay('adv', '300', '2025-03-01')]).events;
    spec().given(given).when(refund('300', '2025-03-05')).then((es) => expect(es[0]!.data).toMatchObject({ amount: '300.00', refundId: 'refund-1' }));
    spec().given(given).when(refund('300.01', '2025-03-05')).thenFails('REFUND_EXCEEDS_CREDIT', ['data', 'amount']);
  });
  it("says whose credit it pays back, the oldest first (CreditRefunded's lots)", () => {
    // 300.00 paid ahead on March 1 and 500.00 on March 2: a refund of 400.00 takes all of the first and 100.00 of the second
    const { events, state } = run([pay('a', '300', '2025-03-01'), pay('b', '500', '2025-03-02'), refund('400', '2025-03-05')]);
    expect(only(events, 'CreditRefunded')[0]!.data.lots).toEqual([
      { lotId: 'wechat-a', amount: '300.00' },
      { lotId: 'wechat-b', amount: '100.00' },
    ]);
    expect([state.credit, state.lots.get('wechat-a')!.refunded, state.lots.get('wechat-b')!.refunded].map(String)).toEqual(['400.00', '300.00', '100.00']);
  });
  it('is idempotent by refund id, and refuses the id with another amount: REFUND_CONFLICT', () => {
    const given = run([pay('adv', '300', '2025-03-01'), refund('100', '2025-03-05', 'r1')]).events;
    spec().given(given).when(refund('100', '2025-03-05', 'r1')).thenNothing();
    spec().given(given).when(refund('50', '2025-03-05', 'r1')).thenFails('REFUND_CONFLICT');
  });
});

describe('credit lot ids: where credit came from', () => {
  it('tells a payment, a cancelled charge and a penalty recount apart, and makes the ids evolve keeps', () => {
    expect(creditLotOrigin('wechat-4200001234')).toEqual({ kind: 'payment', paymentId: 'wechat-4200001234' });
    expect(creditLotOrigin(cancellationLotId('property-2025-03'))).toEqual({ kind: 'cancellation', chargeId: 'property-2025-03' });
    expect(creditLotOrigin(recountLotId('credit:2025-06-01:7', 'property-2025-03'))).toEqual({ kind: 'penalty-recount', cause: 'credit:2025-06-01:7', chargeId: 'property-2025-03' });
    // the lots a cancellation and a recount make carry these ids
    const { state } = run([march, pay('p', '1000', '2025-04-10'), cancel('property-2025-03', '2025-04-12')]);
    expect(state.lots.toArray().map((l) => [l.lotId, creditLotOrigin(l.lotId).kind])).toEqual([['cancel:property-2025-03', 'cancellation']]);
  });
});

describe('RefundCredit without a refund id', () => {
  it('takes its id from the command id, so a retried command pays out once', () => {
    const byCommand = (commandId: string): CommandOf<'RefundCredit'> => ({ ...refund('100', '2025-03-05'), meta: meta('2025-03-05', { commandId } as never) });
    const { events } = run([pay('adv', '300', '2025-03-01'), byCommand('cmd-r1')]);
    expect(only(events, 'CreditRefunded')[0]!.data.refundId).toBe('refund-cmd-cmd-r1');
    spec().given(events).when(byCommand('cmd-r1')).thenNothing();
    spec().given(events).when(byCommand('cmd-r2')).then((es) => expect(es[0]!.data).toMatchObject({ refundId: 'refund-cmd-cmd-r2' }));
  });
});

describe('RefundCredit through a channel transaction', () => {
  const channelRefund = (amount: string, txn: string) =>
    ({ type: 'RefundCredit', data: { amount, channel: 'wechat', channelTxnId: txn, refundedOn: '2025-03-05' }, meta: meta('2025-03-05') }) as CommandOf<'RefundCredit'>;
  it('is keyed by the channel transaction: a repeat is a no-op, another amount REFUND_CONFLICT', () => {
    const given = run([pay('adv', '300', '2025-03-01'), channelRefund('100', 'wx-r1')]).events;
    expect(given.at(-1)!.data).toMatchObject({ refundId: 'wechat-wx-r1', channelTxnId: 'wx-r1', amount: '100.00' });
    spec().given(given).when(channelRefund('100', 'wx-r1')).thenNothing();
    spec().given(given).when(channelRefund('50', 'wx-r1')).thenFails('REFUND_CONFLICT', ['data', 'amount']);
  });
  const withId = (amount: string, txn: string | undefined, refundId: string | undefined) =>
    ({
      type: 'RefundCredit',
      data: { amount, channel: 'wechat', refundedOn: '2025-03-05', ...(txn === undefined ? {} : { channelTxnId: txn }), ...(refundId === undefined ? {} : { refundId }) },
      meta: meta('2025-03-05'),
    }) as CommandOf<'RefundCredit'>;
  it('finds the refund by its channel transaction when a retry names another refund id, or none', () => {
    const { events: given, state } = run([pay('adv', '300', '2025-03-01'), withId('100', 'wx-r1', 'r1')]);
    expect([...state.refundTxns]).toEqual([['wechat:wx-r1', 'r1']]);
    // before, these went to the store under the transaction's event id and came back as EVENT_ID_CONFLICT
    spec().given(given).when(withId('100', 'wx-r1', 'r2')).thenNothing();
    spec().given(given).when(withId('100', 'wx-r1', undefined)).thenNothing();
    spec().given(given).when(withId('20', 'wx-r1', 'r3')).thenFails('REFUND_CONFLICT', ['data', 'amount']);
  });
  it('refuses a used refund id paid out through another transaction, or none: REFUND_CONFLICT', () => {
    const through = run([pay('adv', '300', '2025-03-01'), withId('100', 'wx-r1', 'r1')]).events;
    // before, the same amount under the same id was taken for a retry and the second refund was dropped
    spec().given(through).when(withId('100', 'wx-r2', 'r1')).thenFails('REFUND_CONFLICT', ['data', 'channelTxnId']);
    spec().given(through).when(withId('100', undefined, 'r1')).thenFails('REFUND_CONFLICT', ['data', 'refundId']);
    const without = run([pay('adv', '300', '2025-03-01'), withId('100', undefined, 'r1')]).events;
    spec().given(without).when(withId('100', 'wx-r1', 'r1')).thenFails('REFUND_CONFLICT', ['data', 'channelTxnId']);
    spec().given(without).when(withId('100', undefined, 'r1')).thenNothing();
  });
  it("gives the refund the channel transaction's event id on any account, as a payment has, so a store refuses it on a second one", () => {
    const on = (unitId: string) => run([pay('adv', '300', '2025-03-01'), channelRefund('100', 'wx-r1')], ctx({ unitId })).events.at(-1)!;
    expect(on('B1-0101').meta.eventId).toBe(on('B2-0202').meta.eventId);
    // a refund without a channel transaction stays the account's own
    const own = (unitId: string) => run([pay('adv', '300', '2025-03-01'), refund('100', '2025-03-05', 'r1')], ctx({ unitId })).events.at(-1)!;
    expect(own('B1-0101').meta.eventId).not.toBe(own('B2-0202').meta.eventId);
  });
});

describe('ApplyCredit', () => {
  // March (1,000.00 due April 15) is owed; April's 1,000.00 was paid on April 10 and cancelled on
  // April 20 (billed in error): its payment is now credit beside March's debt
  const april = issue('2025-04', '1000.00', '2025-05-15');
  const paidApril = pay('T-APR', '1000', '2025-04-10', { targets: [{ chargeId: 'property-2025-04', kind: 'principal', amount: '1000' }] } as never);
  const history = [march, april, paidApril, cancel('property-2025-04', '2025-04-20')];
  const apply = (on: string, chargeIds?: string[]): CommandOf<'ApplyCredit'> =>
    ({ type: 'ApplyCredit', data: chargeIds === undefined ? {} : { chargeIds }, meta: meta(on) }) as CommandOf<'ApplyCredit'>;

  it('uses the credit on principal owed, and the penalty base falls from the next day', () => {
    const before = run(history).state;
    expect([before.credit, before.charges.get('property-2025-03')!.outstandingPrincipal].map(String)).toEqual(['1000.00', '1000.00']);
    const es = spec().given(run(history).events).when(apply('2025-04-25')).then((events) => expect(events.map((e) => e.type)).toEqual(['CreditApplied']));
    expect([es[0]!.data, es[0]!.meta.effectiveDate]).toEqual([{ chargeId: 'property-2025-03', amount: '1000.00', lots: [{ lotId: 'cancel:property-2025-04', amount: '1000.00' }] }, '2025-04-25']);
    const { state } = run([...history, apply('2025-04-25')]);
    expect([state.credit, state.charges.get('property-2025-03')!.outstandingPrincipal].map(String)).toEqual(['0.00', '0.00']);
    // April 16 to April 25 on 1,000.00: 10 days × 0.30 = 3.00, nothing after
    const assessed = decideAfter([...history, apply('2025-04-25')], assess('2025-05-31'));
    expect(E.isRight(assessed) && assessed.right.map((e) => (e as EventOf<'PenaltyAssessed'>).data.amount)).toEqual(['3.00']);
    // a retry finds no credit left: nothing
    spec().given(run([...history, apply('2025-04-25')]).events).when(apply('2025-04-25')).thenNothing();
  });
  it('booked after an assessment that counted those days, counts the penalty again', () => {
    // assessed May 31 on 1,000.00 from April 16: 46 days, 13.80; the application dated April 25 makes it 3.00
    const given = run([...history, assess('2025-05-31')]).events;
    const es = spec().given(given).when(apply('2025-04-25')).then((events) => expect(events.map((e) => e.type)).toEqual(['CreditApplied', 'PenaltyAdjusted']));
    expect(es[1]!.data).toMatchObject({ amount: '-10.80', pieces: [{ was: '13.80', now: '3.00' }] });
    expect(es[1]!.meta.effectiveDate).toBe('2025-05-31');
  });
  it('goes only to the charges named, and decides nothing when they owe nothing', () => {
    spec().given(run(history).events).when(apply('2025-04-25', ['property-2025-04'])).thenNothing();
    const es = spec().given(run(history).events).when(apply('2025-04-25', ['property-2025-03'])).then((events) => expect(events.length).toBe(1));
    expect(es[0]!.data).toEqual({ chargeId: 'property-2025-03', amount: '1000.00', lots: [{ lotId: 'cancel:property-2025-04', amount: '1000.00' }] });
  });
  it('uses every lot whose credit had arisen by its date, though a lot before it in spending order arose later', () => {
    // April's payment turns into credit only when April is cancelled on June 1 (the lot
    // cancel:property-2025-04, first in spending order). 1,100.00 received May 25 and booked June 2
    // pays March's 1,000.00 and leaves 100.00 of credit from May 25 (wechat-LATE, second). March's
    // penalty was assessed May 31: April 16 to May 25 on 1,000.00 once the payment is in, 40 days, 12.00
    const late = { ...pay('LATE', '1100', '2025-05-25'), meta: meta('2025-06-02') } as CommandOf<'ReceivePayment'>;
    const given = run([march, april, paidApril, assess('2025-05-31'), cancel('property-2025-04', '2025-06-01'), late]).events;
    const es = spec()
      .given(given)
      .when(apply('2025-05-31'))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['CreditApplied']));
    // on May 31 only the late payment's credit had arisen: it pays the penalty
    expect(es[0]!.data).toEqual({ chargeId: 'property-2025-03', amount: '12.00', kind: 'penalty', lots: [{ lotId: 'wechat-LATE', amount: '12.00' }] });
    // before May 25 no credit had arisen: refused, naming the first day some did
    const early = spec().given(given).when(apply('2025-05-24')).thenFails('DATED_BEFORE_ORIGINAL', ['meta', 'effectiveDate']);
    expect(early.details).toMatchObject({ earliest: '2025-05-25' });
  });
  it('refuses an unknown charge, a date before the credit arose, a date after today and a closed period', () => {
    spec().given(run(history).events).when(apply('2025-04-25', ['property-2025-03', 'nope'])).thenFails('CHARGE_NOT_FOUND', ['data', 'chargeIds', '1']);
    const early = spec().given(run(history).events).when(apply('2025-04-19')).thenFails('DATED_BEFORE_ORIGINAL', ['meta', 'effectiveDate']);
    expect(early.details).toMatchObject({ earliest: '2025-04-20' });
    spec().given(run(history).events).when(apply('2025-07-01')).thenFails('DATE_IN_FUTURE', ['meta', 'effectiveDate']);
    const closedCtx = ctx({ closedThrough: day('2025-04-30') });
    const r = accountDecider.decide(apply('2025-04-25'), run(history).state, closedCtx);
    expect(E.isLeft(r) && r.left.code).toBe('PERIOD_CLOSED');
  });
  it('decides nothing without credit', () => {
    spec().given(run([march]).events).when(apply('2025-04-25')).thenNothing();
  });

  describe('on penalty', () => {
    // 1,020.00 received May 20 pays March's 1,000.00; the 20.00 over is credit, since no penalty was
    // assessed yet. Assessed May 31: April 16 to May 20 (35 days) × 0.30 = 10.50, owed beside the credit
    const overpaid = [march, pay('OVER', '1020', '2025-05-20'), assess('2025-05-31')];
    it('pays penalty owed from credit: the owner who overpaid before the assessment owes nothing', () => {
      const before = run(overpaid).state;
      expect([before.credit, before.charges.get('property-2025-03')!.outstandingPenalty].map(String)).toEqual(['20.00', '10.50']);
      const es = spec().given(run(overpaid).events).when(apply('2025-06-01')).then((events) => expect(events.map((e) => e.type)).toEqual(['CreditApplied']));
      expect(es[0]!.data).toEqual({ chargeId: 'property-2025-03', amount: '10.50', kind: 'penalty', lots: [{ lotId: 'wechat-OVER', amount: '10.50' }] });
      const { state } = run([...overpaid, apply('2025-06-01')]);
      const c = state.charges.get('property-2025-03')!;
      expect([state.credit, c.outstandingPenalty, c.penaltyPaid, accountBalance(state)].map(String)).toEqual(['9.50', '0.00', '10.50', '-9.50']);
      // paying penalty changes no base: the assessment is not counted again
      expect(c.penaltyPieces.map((p) => p.amount.toString())).toEqual(['10.50']);
    });
    it('does not pay penalty assessed after its date', () => {
      spec().given(run(overpaid).events).when(apply('2025-05-30')).thenNothing();
    });
    it('is re-opened when the payment whose credit paid it bounces', () => {
      const given = run([...overpaid, apply('2025-06-01')]).events;
      const es = spec()
        .given(given)
        .when(reverse('wechat-OVER', '2025-06-05'))
        .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReversed']));
      // 1,000.00 principal + 10.50 penalty paid from its credit + 9.50 credit left = 1,020.00
      expect(es[0]!.data).toMatchObject({
        allocations: [{ chargeId: 'property-2025-03', kind: 'principal', amount: '1000.00' }],
        creditApplications: [{ chargeId: 'property-2025-03', amount: '10.50', kind: 'penalty' }],
        fromCredit: '9.50',
      });
      const reversed = [...overpaid, apply('2025-06-01'), reverse('wechat-OVER', '2025-06-05')];
      const c = run(reversed).state.charges.get('property-2025-03')!;
      expect([run(reversed).state.credit, c.outstandingPrincipal, c.outstandingPenalty, c.penaltyPaid].map(String)).toEqual(['0.00', '1000.00', '10.50', '0.00']);
      // the May 31 assessment counted through May 20, the last day anything was unpaid; the next one
      // counts from May 21 on the whole 1,000.00 again: 41 days to June 30 × 0.30 = 12.30
      const next = decideAfter(reversed, assess('2025-06-30'));
      expect(E.isRight(next) && next.right.map((e) => [(e as EventOf<'PenaltyAssessed'>).data.from, (e as EventOf<'PenaltyAssessed'>).data.amount])).toEqual([['2025-05-21', '12.30']]);
    });
    it('gives penalty credit paid back to credit when a later-booked payment lowers it (penalty-first)', () => {
      // April's 1,000.00 paid and cancelled: 1,000.00 credit. Assessed May 31 on March: 46 days, 13.80.
      // Penalty first, the credit pays 13.80 of penalty and 986.20 of principal on June 1
      const c = ctx({ policy: { ...DEFAULT_ACCOUNT_POLICY, allocation: 'penalty-first' } });
      const given = run([...history, assess('2025-05-31'), apply('2025-06-01')], c).events;
      expect(given.filter((e) => e.type === 'CreditApplied').map((e) => [(e as EventOf<'CreditApplied'>).data.kind ?? 'principal', (e as EventOf<'CreditApplied'>).data.amount])).toEqual([
        ['penalty', '13.80'],
        ['principal', '986.20'],
      ]);
      // a 13.80 transfer received May 10, booked June 3: April 16 to May 10 on 1,000.00 is 7.50, May 11
      // to May 31 (21 days) on 986.20 is 6.21306; 13.71306 rounds to 13.71, 0.09 lower, all of it paid from credit
      const late = { ...pay('BT-0510', '13.80', '2025-05-10'), meta: meta('2025-06-03') } as CommandOf<'ReceivePayment'>;
      const es = spec()
        .given(given)
        .when(late, c)
        .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'PenaltyAdjusted']));
      expect(es[1]!.data).toMatchObject({ amount: '-0.09', toCredit: [], creditPaid: [{ lotId: 'cancel:property-2025-04', amount: '0.09' }] });
      // dated the day the credit paid it, not before
      expect(es[1]!.meta.effectiveDate).toBe('2025-06-01');
      const { state } = run([...history, assess('2025-05-31'), apply('2025-06-01'), late], c);
      const charge = state.charges.get('property-2025-03')!;
      expect([state.credit, charge.outstandingPrincipal, charge.outstandingPenalty, charge.penaltyPaid].map(String)).toEqual(['0.09', '0.00', '0.00', '13.71']);
      expect(state.lots.get('cancel:property-2025-04')!.appliedPenalty.get('property-2025-03')!.toString()).toBe('13.71');
      // the figures in the comment above (and docs/accounts.md, ApplyCredit), counted on the charge's base as it now stands
      const { enabled: _, ...policy } = c.policy.penalty;
      const recount = assessPenalty({ principal: charge.amount, dueDate: charge.dueDay, through: day('2025-05-31'), principalTimeline: principalTimeline(charge), policy });
      expect(E.isRight(recount) && recount.right.segments.map((g) => [g.days, g.base.toString(), g.unrounded])).toEqual([
        [25, '1000.00', '7.5'],
        [21, '986.20', '6.21306'],
      ]);
      expect(E.isRight(recount) && recount.right.amount.toString()).toBe('13.71');
    });
  });
});

describe('RecordReminder and ClassifyArrears', () => {
  const remind = { type: 'RecordReminder', data: { stage: 'phone', channel: 'phone', on: '2025-04-30', chargeIds: ['property-2025-03'] }, meta: meta('2025-04-30') } as never;
  it('records a reminder once', () => {
    const given = run([march]).events;
    spec().given(given).when(remind).then((es) => expect(es[0]!.type).toBe('ReminderRecorded'));
    spec().given(run([march, remind]).events).when(remind).thenNothing();
    spec().when(remind).thenFails('CHARGE_NOT_FOUND', ['data', 'chargeIds', '0']);
  });
  // march: 1,000.00 issued 2025-03-01, due 2025-04-15
  const remindOn = (stage: string, on: string, chargeIds: string[] = ['property-2025-03']) =>
    ({ type: 'RecordReminder', data: { stage, channel: stage === 'reminder' ? 'sms' : 'phone', on, chargeIds }, meta: meta(on) }) as never;
  it('takes a plain reminder before the due date, and a call, notice or legal review only once a charge it names is overdue', () => {
    spec().given(run([march]).events).when(remindOn('reminder', '2025-04-08')).then((es) => expect(es[0]!.type).toBe('ReminderRecorded'));
    for (const stage of ['phone', 'written-notice', 'legal']) {
      // the due date itself is not overdue yet; the day after is
      const early = spec().given(run([march]).events).when(remindOn(stage, '2025-04-15')).thenFails('REMINDER_NOT_OVERDUE', ['data', 'stage']);
      expect(early.details).toEqual({ stage, on: '2025-04-15' });
      expect(early.message).toBe(`a ${stage} reminder chases arrears, but on 2025-04-15 charge property-2025-03 was not yet past its due date; record it at the 'reminder' stage`);
      spec().given(run([march]).events).when(remindOn(stage, '2025-04-16')).then((es) => expect(es[0]!.type).toBe('ReminderRecorded'));
    }
  });
  it('needs, for a whole-account call (no charge named), some charge owing and overdue that day', () => {
    spec().given(run([march]).events).when(remindOn('phone', '2025-04-10', [])).thenFails('REMINDER_NOT_OVERDUE', ['data', 'stage']);
    spec().given(run([march]).events).when(remindOn('phone', '2025-04-20', [])).then((es) => expect(es[0]!.type).toBe('ReminderRecorded'));
    // paid by the due date: nothing overdue on April 20
    spec().given(run([march, pay('m', '1000', '2025-04-12')]).events).when(remindOn('phone', '2025-04-20', [])).thenFails('REMINDER_NOT_OVERDUE', ['data', 'stage']);
    // a plain reminder to the whole account is a notice, taken any time
    spec().given(run([march, pay('m', '1000', '2025-04-12')]).events).when(remindOn('reminder', '2025-04-20', [])).then((es) => expect(es[0]!.type).toBe('ReminderRecorded'));
  });
  it('refuses a reminder about a charge settled before it was sent, cancelled, or not yet issued', () => {
    const paid = run([march, pay('m', '1000', '2025-04-20')]).events;
    spec().given(paid).when(remindOn('phone', '2025-04-25')).thenFails('CHARGE_NOT_OWED', ['data', 'chargeIds', '0']);
    // paid on the day it was sent: it was owed that morning
    spec().given(paid).when(remindOn('phone', '2025-04-20')).then((es) => expect(es[0]!.type).toBe('ReminderRecorded'));
    // still owing penalty: owed
    const penalty = run([march, assess('2025-04-30'), pay('m', '1000', '2025-05-02')]);
    expect(penalty.state.charges.get('property-2025-03')!.outstandingPenalty.isPositive()).toBe(true);
    spec().given(penalty.events).when(remindOn('written-notice', '2025-05-10')).then((es) => expect(es[0]!.type).toBe('ReminderRecorded'));
    spec().given(run([march, cancel('property-2025-03', '2025-04-01')]).events).when(remindOn('reminder', '2025-04-05')).thenFails('CHARGE_CANCELLED', ['data', 'chargeIds', '0']);
    const before = spec().given(run([march]).events).when(remindOn('reminder', '2025-02-20')).thenFails('DATED_BEFORE_ORIGINAL', ['data', 'on']);
    expect(before.details).toEqual({ date: '2025-02-20', earliest: '2025-03-01' });
    // one overdue charge among those named is enough for a call; every one named must be owed
    const april = issue('2025-04', '1000.00', '2025-05-15');
    spec().given(run([march, april]).events).when(remindOn('phone', '2025-04-20', ['property-2025-04', 'property-2025-03'])).then((es) => expect(es[0]!.type).toBe('ReminderRecorded'));
    spec().given(run([march, april]).events).when(remindOn('phone', '2025-04-20', ['property-2025-04'])).thenFails('REMINDER_NOT_OVERDUE', ['data', 'stage']);
  });
  it('classifies arrears, and a repeat of the same class is a no-op', () => {
    const classify = { type: 'ClassifyArrears', data: { arrearsClass: 'hardship', on: '2025-05-01' }, meta: meta('2025-05-01') } as never;
    const { state } = run([march, classify]);
    expect(state.arrearsClass).toBe('hardship');
    spec().given(run([march, classify]).events).when(classify).thenNothing();
  });
  it('refuses a classification dated after today: DATE_IN_FUTURE at data.on (today is 2025-06-30)', () => {
    const ahead = { type: 'ClassifyArrears', data: { arrearsClass: 'hardship', on: '2025-07-01' }, meta: meta('2025-06-30') } as never;
    spec().given(run([march]).events).when(ahead).thenFails('DATE_IN_FUTURE', ['data', 'on']);
  });
});

describe('ReceivePayment booked after charges issued since it was received', () => {
  // March's bill is issued on April 1; a bank transfer received on March 31 is booked on April 3
  const marchOnApril1 = { ...issue('2025-03', '250.60', '2025-04-15'), meta: meta('2025-04-01') } as CommandOf<'IssueCharge'>;
  const late = (amount: string) => ({ ...pay('BT-0331', amount, '2025-03-31'), meta: meta('2025-04-03') }) as CommandOf<'ReceivePayment'>;

  it('pays only what was owed the day it was received: the rest is credit that day, applied to the later charge on the day it was issued', () => {
    const es = spec()
      .given(run([marchOnApril1]).events)
      .when(late('300'))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'CreditApplied']));
    expect(es[0]!.data).toMatchObject({ allocations: [], toCredit: '300.00' });
    expect(es[0]!.meta.effectiveDate).toBe('2025-03-31');
    expect(es[1]!.data).toEqual({ chargeId: 'property-2025-03', amount: '250.60', lots: [{ lotId: 'wechat-BT-0331', amount: '250.60' }] });
    // the same history as if the transfer had been booked on March 31: credit that day, applied at issue
    expect(es[1]!.meta.effectiveDate).toBe('2025-04-01');
    const { state } = run([marchOnApril1, late('300')]);
    expect(state.charges.get('property-2025-03')!.outstandingPrincipal.toString()).toBe('0.00');
    expect(state.credit.toString()).toBe('49.40');
    // a retry of the notification is still nothing
    spec().given(run([marchOnApril1, late('300')]).events).when(late('300')).thenNothing();
  });
  it('does not pay a penalty assessed after the day it was received', () => {
    // 1,000.00 due April 15; assessed on May 31: April 16 to May 31, 46 days × 0.30 = 13.80
    const given = run([march, assess('2025-05-31')]).events;
    const paid = { ...pay('BT-0530', '1013.80', '2025-05-30'), meta: meta('2025-06-02') } as CommandOf<'ReceivePayment'>;
    const es = spec()
      .given(given)
      .when(paid)
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'PenaltyAdjusted']));
    expect(es[0]!.data).toMatchObject({ allocations: [{ chargeId: 'property-2025-03', kind: 'principal', amount: '1000.00' }], toCredit: '13.80' });
    // nothing was owed from May 31 on: that day's 0.30, assessed on the full amount, is taken back
    expect(es[1]!.data).toMatchObject({ amount: '-0.30', pieces: [{ from: '2025-04-16', to: '2025-05-31', was: '13.80', now: '13.50' }] });
    const { state } = run([march, assess('2025-05-31'), paid]);
    expect(state.charges.get('property-2025-03')!.outstandingPenalty.toString()).toBe('13.50');
    expect(state.credit.toString()).toBe('13.80');
  });
  it('does not pay a charge re-opened by a reversal dated after the day it was received: credit that day, applied on the day of the reversal', () => {
    // March's bill paid on March 20 by a cheque that bounced on March 25; a transfer of March 22 is booked on March 26
    const issuedMar1 = { ...march, meta: meta('2025-03-01') } as CommandOf<'IssueCharge'>;
    const cheque = pay('CHQ-1', '1000', '2025-03-20');
    const bounced = reverse('wechat-CHQ-1', '2025-03-25');
    const transfer = { ...pay('BT-0322', '1000', '2025-03-22'), meta: meta('2025-03-26') } as CommandOf<'ReceivePayment'>;
    const es = spec()
      .given(run([issuedMar1, cheque, bounced]).events)
      .when(transfer)
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'CreditApplied']));
    // on March 22 the charge was paid (by the cheque): the transfer could not pay it again that day
    expect(es[0]!.data).toMatchObject({ allocations: [], toCredit: '1000.00' });
    expect(es[1]!.data).toEqual({ chargeId: 'property-2025-03', amount: '1000.00', lots: [{ lotId: 'wechat-BT-0322', amount: '1000.00' }] });
    expect(es[1]!.meta.effectiveDate).toBe('2025-03-25');
    // nor can a waiver or a cancellation be dated before the reversal that re-opened it
    const m = { reason: 'billed in error', approval: committeeApproval } as never;
    spec().given(run([issuedMar1, cheque, bounced]).events).when(waive('property-2025-03', 'principal', '10', '2025-03-24', {}, 'w1')).thenFails('DATED_BEFORE_ORIGINAL');
    const e = spec().given(run([issuedMar1, cheque, bounced]).events).when(cancel('property-2025-03', '2025-03-24', m)).thenFails('DATED_BEFORE_ORIGINAL', ['meta', 'effectiveDate']);
    expect(e.details).toEqual({ effectiveDate: '2025-03-24', earliest: '2025-03-25' });
  });
  it('refuses explicit targets on what was not yet owed: ALLOCATION_TARGET_NOT_YET_OWED', () => {
    const targeted = { ...late('250.60'), data: { ...late('250.60').data, targets: [{ chargeId: 'property-2025-03', kind: 'principal', amount: '250.60' }] } } as CommandOf<'ReceivePayment'>;
    const e = spec().given(run([marchOnApril1]).events).when(targeted).thenFails('ALLOCATION_TARGET_NOT_YET_OWED', ['data', 'targets', '0', 'chargeId']);
    expect(e.message).toContain('was issued on 2025-04-01, after this payment was received on 2025-03-31');
  });
});

describe('dated before what they act on: DATED_BEFORE_ORIGINAL', () => {
  // March's bill issued on March 1; 1,000.00 due April 15
  const issuedMar1 = { ...march, meta: meta('2025-03-01') } as CommandOf<'IssueCharge'>;
  it('refuses a waiver dated before its charge was issued (the ledger would credit a receivable not yet raised)', () => {
    const e = spec()
      .given(run([issuedMar1]).events)
      .when(waive('property-2025-03', 'principal', '10', '2025-02-28', {}, 'w1'))
      .thenFails('DATED_BEFORE_ORIGINAL', ['meta', 'effectiveDate']);
    expect(e.details).toEqual({ effectiveDate: '2025-02-28', earliest: '2025-03-01' });
    expect(e.message).toContain('charge property-2025-03 was issued on 2025-03-01');
    spec().given(run([issuedMar1]).events).when(waive('property-2025-03', 'principal', '10', '2025-03-01', {}, 'w1')).then((es) => expect(es).toHaveLength(1));
  });
  it('refuses a penalty waiver dated before the latest assessment', () => {
    const given = run([issuedMar1, assess('2025-05-31')]).events;
    spec().given(given).when(waive('property-2025-03', 'penalty', '1', '2025-05-30', {}, 'w1')).thenFails('DATED_BEFORE_ORIGINAL', ['meta', 'effectiveDate']);
    spec().given(given).when(waive('property-2025-03', 'penalty', '1', '2025-05-31', {}, 'w1')).then((es) => expect(es).toHaveLength(1));
  });
  it('refuses a reversal dated before the payment was received', () => {
    const given = run([issuedMar1, pay('p1', '500', '2025-03-20')]).events;
    spec().given(given).when(reverse('wechat-p1', '2025-03-19')).thenFails('DATED_BEFORE_ORIGINAL', ['meta', 'effectiveDate']);
    spec().given(given).when(reverse('wechat-p1', '2025-03-20')).then((es) => expect(es[0]!.type).toBe('PaymentReversed'));
  });
  it('refuses a reversal dated before the credit it takes back was applied', () => {
    // paid ahead on March 1; March's bill issued March 5 takes the credit; the payment bounces, dated March 3
    const given = run([pay('adv', '1000', '2025-03-01'), { ...march, meta: meta('2025-03-05') } as CommandOf<'IssueCharge'>]).events;
    expect(given.map((e) => e.type)).toEqual(['PaymentReceived', 'ChargeIssued', 'CreditApplied']);
    const e = spec().given(given).when(reverse('wechat-adv', '2025-03-03')).thenFails('DATED_BEFORE_ORIGINAL', ['meta', 'effectiveDate']);
    expect(e.details).toEqual({ effectiveDate: '2025-03-03', earliest: '2025-03-05' });
    spec().given(given).when(reverse('wechat-adv', '2025-03-05')).then((es) => expect(es[0]!.data).toMatchObject({ creditApplications: [{ chargeId: 'property-2025-03', amount: '1000.00' }] }));
  });
  it('refuses a reversal dated before the credit it takes back arose (its charge cancelled since, what it paid turned into credit)', () => {
    const m = { reason: 'billed in error', approval: committeeApproval } as never;
    const given = run([{ ...march, meta: meta('2025-03-01') } as CommandOf<'IssueCharge'>, pay('p1', '500', '2025-03-10'), cancel('property-2025-03', '2025-03-20', m)]).events;
    const e = spec().given(given).when(reverse('wechat-p1', '2025-03-15')).thenFails('DATED_BEFORE_ORIGINAL', ['meta', 'effectiveDate']);
    expect(e.message).toContain('the credit it takes back arose on 2025-03-20');
    spec().given(given).when(reverse('wechat-p1', '2025-03-20')).then((es) => expect(es[0]!.data).toMatchObject({ allocations: [], fromCredit: '500.00' }));
  });
  it('refuses a refund dated before the credit it pays back arose', () => {
    const given = run([pay('adv', '300', '2025-03-15')]).events;
    const e = spec().given(given).when(refund('100', '2025-03-14')).thenFails('DATED_BEFORE_ORIGINAL', ['data', 'refundedOn']);
    expect(e.details).toEqual({ date: '2025-03-14', earliest: '2025-03-15' });
    spec().given(given).when(refund('100', '2025-03-15')).then((es) => expect(es[0]!.type).toBe('CreditRefunded'));
  });
  it('applies credit to a charge issued back-dated on the day the credit arose, not before', () => {
    // paid ahead on March 15; March's bill is then issued dated March 1
    const issuedMar1 = { ...march, meta: meta('2025-03-01') } as CommandOf<'IssueCharge'>;
    const es = spec()
      .given(run([pay('adv', '300', '2025-03-15')]).events)
      .when(issuedMar1)
      .then((events) => expect(events.map((e) => [e.type, e.meta.effectiveDate])).toEqual([['ChargeIssued', '2025-03-01'], ['CreditApplied', '2025-03-15']]));
    expect(es[1]!.data).toEqual({ chargeId: 'property-2025-03', amount: '300.00', lots: [{ lotId: 'wechat-adv', amount: '300.00' }] });
    // issued on or after the day the credit arose, it is the one CreditApplied of the issue, as always
    const onTime = spec()
      .given(run([pay('adv', '300', '2025-03-15')]).events)
      .when({ ...march, meta: meta('2025-03-16') } as CommandOf<'IssueCharge'>)
      .then((events) => expect(events).toHaveLength(2));
    expect(onTime[1]!.meta.eventId).toBe(eventIdFor('CreditApplied', ['sunrise', 'B1-1203', 'property-2025-03', 'on-issue']));
    expect(es[1]!.meta.eventId).not.toBe(onTime[1]!.meta.eventId);
  });
  it('refuses a cancellation dated before the charge was issued or last paid', () => {
    const m = { reason: 'billed in error', approval: committeeApproval } as never;
    spec().given(run([issuedMar1]).events).when(cancel('property-2025-03', '2025-02-28', m)).thenFails('DATED_BEFORE_ORIGINAL');
    const paid = run([issuedMar1, pay('p1', '500', '2025-03-20')]).events;
    const e = spec().given(paid).when(cancel('property-2025-03', '2025-03-10', m)).thenFails('DATED_BEFORE_ORIGINAL', ['meta', 'effectiveDate']);
    expect(e.details).toEqual({ effectiveDate: '2025-03-10', earliest: '2025-03-20' });
    spec().given(paid).when(cancel('property-2025-03', '2025-03-20', m)).then((es) => expect(es[0]!.type).toBe('ChargeCancelled'));
  });
});

describe('facts dated after today: DATE_IN_FUTURE', () => {
  // a payment received, a refund paid out, a reminder sent: each has happened by the time it is booked.
  // 2025-04-09T16:30Z is already April 10, 00:30 in Shanghai, and still April 9 in UTC
  const at = (now: string, timeZone?: string) => ctx({ now: now as AccountContext['now'], ...(timeZone === undefined ? {} : { timeZone }) });
  const given = () => spec().given(run([march, pay('adv', '300', '2025-03-01')]).events);
  const remind = (on: string) => ({ type: 'RecordReminder', data: { stage: 'reminder', channel: 'sms', on, chargeIds: ['property-2025-03'] }, meta: meta(on) }) as CommandOf<'RecordReminder'>;

  it('books a payment received today in the community zone, and refuses tomorrow naming data.receivedOn', () => {
    given().when(pay('T1', '100', '2025-04-10'), at('2025-04-09T16:30:00Z')).then((es) => expect(es[0]!.type).toBe('PaymentReceived'));
    const e = given().when(pay('T1', '100', '2025-04-11'), at('2025-04-09T16:30:00Z')).thenFails('DATE_IN_FUTURE', ['data', 'receivedOn']);
    expect(e.details).toEqual({ date: '2025-04-11', today: '2025-04-10', timeZone: 'Asia/Shanghai' });
    expect(e.message).toContain('a payment cannot be dated after today: 2025-04-11 has not begun yet in Asia/Shanghai, where today is 2025-04-10');
    // the same instant is still April 9 in UTC
    given().when(pay('T1', '100', '2025-04-10'), at('2025-04-09T16:30:00Z', 'UTC')).thenFails('DATE_IN_FUTURE', ['data', 'receivedOn']);
  });
  it('still takes a repeat of a payment already booked as the no-op it is', () => {
    const booked = run([march, pay('T1', '100', '2025-04-10')], at('2025-04-10T02:00:00Z')).events;
    spec().given(booked).when(pay('T1', '100', '2025-04-10'), at('2025-04-10T02:00:00Z')).thenNothing();
  });
  it('refuses a refund not yet paid out, naming data.refundedOn', () => {
    const inCredit = () => spec().given(run([pay('adv', '300', '2025-03-01')]).events);
    inCredit().when(refund('100', '2025-04-10'), at('2025-04-09T16:30:00Z')).then((es) => expect(es[0]!.type).toBe('CreditRefunded'));
    const e = inCredit().when(refund('100', '2025-04-11'), at('2025-04-09T16:30:00Z')).thenFails('DATE_IN_FUTURE', ['data', 'refundedOn']);
    expect(e.message).toMatch(/^a refund cannot be dated after today/);
  });
  it('refuses a reminder not yet sent, naming data.on: the dunning worklist would take it as done', () => {
    given().when(remind('2025-04-10'), at('2025-04-09T16:30:00Z')).then((es) => expect(es[0]!.type).toBe('ReminderRecorded'));
    given().when(remind('2025-04-11'), at('2025-04-09T16:30:00Z')).thenFails('DATE_IN_FUTURE', ['data', 'on']);
  });
  it('gives INSTANT_INVALID for a context whose now cannot be read, rather than booking', () => {
    given().when(pay('T1', '100', '2025-04-10'), at('yesterday')).thenFails('INSTANT_INVALID', ['now']);
  });
});

describe('evolve on a log it could not have decided', () => {
  it('throws LOG_INCONSISTENT, a LevyError naming the charge, for a payment to a charge never issued', () => {
    const { events } = run([issue('2025-03', '250.60', '2025-04-15'), pay('T1', '250.60', '2025-04-10')]);
    const payment = events.find((e) => e.type === 'PaymentReceived')!;
    // the same payment, folded into an account that never had the charge
    let thrown: unknown;
    try {
      accountDecider.evolve(accountDecider.initialState(), payment);
    } catch (e) {
      thrown = e;
    }
    expect(thrown instanceof LevyError && thrown.error).toMatchObject({ code: 'LOG_INCONSISTENT', path: ['data', 'chargeId'], details: { chargeId: 'property-2025-03' } });
  });
  it('throws LOG_INCONSISTENT at data.creditPaid for penalty given back to credit that never paid it, or more than it paid', () => {
    // 1,020.00 received May 20 leaves 20.00 of credit; May 31 assesses 10.50; the credit pays it on June 1
    const paidFromCredit = run([march, pay('OVER', '1020', '2025-05-20'), assess('2025-05-31'), { type: 'ApplyCredit', data: {}, meta: meta('2025-06-01') } as CommandOf<'ApplyCredit'>]);
    const assessment = paidFromCredit.events.find((e) => e.type === 'PenaltyAssessed')!;
    const back = (lotId: string, amount: string) =>
      ({
        type: 'PenaltyAdjusted',
        data: { chargeId: 'property-2025-03', cause: 'payment:wechat-X', pieces: [{ assessment: assessment.meta.eventId, from: '2025-04-16', to: '2025-05-20', was: '10.50', now: '10.00' }], amount: '-0.50', toCredit: [], creditPaid: [{ lotId, amount }] },
        meta: { ...assessment.meta, effectiveDate: '2025-06-02' },
      }) as unknown as AccountEvent;
    const thrownBy = (e: AccountEvent): unknown => {
      try {
        accountDecider.evolve(paidFromCredit.state, e);
      } catch (error) {
        return error instanceof LevyError ? { code: error.error.code, path: error.error.path } : error;
      }
      return 'no error';
    };
    expect(thrownBy(back('cancel:property-2025-09', '0.50'))).toEqual({ code: 'LOG_INCONSISTENT', path: ['data', 'creditPaid'] });
    expect(thrownBy(back('wechat-OVER', '10.51'))).toEqual({ code: 'LOG_INCONSISTENT', path: ['data', 'creditPaid'] });
    // what it did pay folds: 0.50 back to credit, and the payment whose lot it was counts it as its penalty given back
    const folded = accountDecider.evolve(paidFromCredit.state, back('wechat-OVER', '0.50'));
    expect([folded.credit, folded.lots.get('wechat-OVER')!.appliedPenalty.get('property-2025-03')!, folded.payments.get('wechat-OVER')!.penaltyToCredit].map(String)).toEqual(['10.00', '10.00', '0.50']);
  });
});

describe('policy', () => {
  it('reads the account policy from a fee schedule', () => {
    const p = accountPolicyFrom({
      penalty: { enabled: false, dailyRate: '0.0005', graceDays: 3, cap: { kind: 'absolute', amount: '50.00' }, rounding: 'half-even' },
      allocation: 'largest-first',
      managerWaiverLimit: '80.00',
      installmentGraceDays: 7,
    } as never);
    expect(p.penalty).toMatchObject({ enabled: false, dailyRate: '0.0005', graceDays: 3, rounding: 'half-even' });
    expect(str((p.penalty.cap as { amount: Money }).amount)).toBe('50.00');
    expect(p.allocation).toBe('largest-first');
    expect(str(p.managerWaiverLimit)).toBe('80.00');
    expect(accountPolicyFrom(null)).toBe(DEFAULT_ACCOUNT_POLICY);
  });
  it('derives payment ids from channel and transaction', () => {
    expect(paymentIdFor('wechat', '4200001234')).toBe('wechat-4200001234');
    expect(paymentIdFor('cash', 'receipt no. 7')).toMatch(/^pay-[0-9a-f]{32}$/);
  });
});

describe('penalty counted again when a later-booked entry changes its base', () => {
  // 1,000.00 due April 15, assessed on May 31: April 16 to May 31, 46 days × 0.30 = 13.80
  const assessed = [march, assess('2025-05-31')];
  const charge = (state: ReturnType<typeof run>['state']) => state.charges.get('property-2025-03')!;
  // 400.00 received on May 10: from May 11 the base is 600.00. April 16 to May 10, 25 days × 0.30 = 7.50;
  // May 11 to May 31, 21 days × 0.18 = 3.78; 11.28 in all, 2.52 less than assessed
  const transfer = { ...pay('BT-0510', '400', '2025-05-10'), meta: meta('2025-06-03') } as CommandOf<'ReceivePayment'>;

  it('a payment booked after the assessment lowers it by what those days came to on the higher base', () => {
    const es = spec()
      .given(run(assessed).events)
      .when(transfer)
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'PenaltyAdjusted']));
    const adjusted = es[1] as EventOf<'PenaltyAdjusted'>;
    // it names the assessment it corrects by that event's id
    const assessment = only(run(assessed).events, 'PenaltyAssessed')[0]!.meta.eventId;
    expect(adjusted.data).toEqual({
      chargeId: 'property-2025-03',
      cause: 'payment:wechat-BT-0510',
      pieces: [{ assessment, from: '2025-04-16', to: '2025-05-31', was: '13.80', now: '11.28' }],
      amount: '-2.52',
      toCredit: [],
    });
    // dated with the assessment it corrects, never before it: as of May 30 nothing was assessed yet
    expect(adjusted.meta.effectiveDate).toBe('2025-05-31');
    expect(adjusted.meta.eventId).toBe(eventIdFor('PenaltyAdjusted', ['sunrise', 'B1-1203', 'property-2025-03', 'payment:wechat-BT-0510']));
    const { state } = run([...assessed, transfer]);
    expect(charge(state).penaltyAssessed.toString()).toBe('11.28');
    expect(charge(state).outstandingPenalty.toString()).toBe('11.28');
    expect(charge(state).penaltyPieces.map((p) => p.amount.toString())).toEqual(['11.28']);
    // the next assessment goes on from June 1 on 600.00: 30 days × 0.18 = 5.40
    const next = decideAfter([...assessed, transfer], assess('2025-06-30'));
    if (E.isLeft(next)) throw new Error(next.left.message);
    expect(only(next.right, 'PenaltyAssessed').map((e) => [e.data.from, e.data.amount])).toEqual([['2025-06-01', '5.40']]);
    // a retry of the notification is still nothing
    spec().given(run([...assessed, transfer]).events).when(transfer).thenNothing();
  });
  it('a principal waiver dated before the assessment lowers it the same way', () => {
    const waiver = { ...waive('property-2025-03', 'principal', '400', '2025-05-10', {}, 'w-hardship'), meta: { ...waive('property-2025-03', 'principal', '400', '2025-05-10').meta } } as CommandOf<'GrantWaiver'>;
    const es = spec().given(run(assessed).events).when(waiver).then((events) => expect(events.map((e) => e.type)).toEqual(['WaiverGranted', 'PenaltyAdjusted']));
    expect(es[1]!.data).toMatchObject({ cause: 'waiver:w-hardship', amount: '-2.52' });
  });
  it('a reversal raises it back: the charge is overdue again from its due date on the full amount', () => {
    const onTime = pay('BT-0510', '400', '2025-05-10');
    const before = run([march, onTime, assess('2025-05-31')]);
    expect(charge(before.state).penaltyAssessed.toString()).toBe('11.28');
    const bounced = reverse('wechat-BT-0510', '2025-06-05');
    const es = spec().given(before.events).when(bounced).then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReversed', 'PenaltyAdjusted']));
    expect(es[1]!.data).toMatchObject({ cause: 'reversal:wechat-BT-0510', amount: '2.52', pieces: [{ was: '11.28', now: '13.80' }] });
    // a raise is owed from the day the reversal is booked
    expect(es[1]!.meta.effectiveDate).toBe('2025-06-05');
    const { state } = run([march, onTime, assess('2025-05-31'), bounced]);
    expect(charge(state).outstandingPenalty.toString()).toBe('13.80');
  });
  it('a change after the last assessed day leaves the assessment as it was', () => {
    const onJune1 = { ...pay('BT-0601', '400', '2025-06-01'), meta: meta('2025-06-03') } as CommandOf<'ReceivePayment'>;
    spec().given(run(assessed).events).when(onJune1).then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived']));
    // nor does a payment the assessment could not have counted differently (received on the last assessed day lowers the base only from the day after)
    const onMay31 = { ...pay('BT-0531', '400', '2025-05-31'), meta: meta('2025-06-03') } as CommandOf<'ReceivePayment'>;
    spec().given(run(assessed).events).when(onMay31).then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived']));
  });
  it('gives penalty already paid back as credit, off the payment that paid it, and a reversal of that payment takes the credit back', () => {
    // June 1: 13.80 paid at the counter, all of it on the penalty; then the May 10 transfer is booked
    const penaltyPaid = pay('CASH-1', '13.80', '2025-06-01', { targets: [{ chargeId: 'property-2025-03', kind: 'penalty', amount: '13.80' }] } as never);
    const history = [...assessed, penaltyPaid];
    const es = spec()
      .given(run(history).events)
      .when(transfer)
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'PenaltyAdjusted']));
    expect(es[1]!.data).toMatchObject({ amount: '-2.52', toCredit: [{ paymentId: 'wechat-CASH-1', amount: '2.52' }] });
    // dated the day the penalty was paid, not the assessment's: no day shows that credit before the payment it comes from
    expect(es[1]!.meta.effectiveDate).toBe('2025-06-01');
    const { state } = run([...history, transfer]);
    expect(charge(state).outstandingPenalty.toString()).toBe('0.00');
    expect(charge(state).penaltyPaid.toString()).toBe('11.28');
    expect(state.credit.toString()).toBe('2.52');
    expect(state.payments.get('wechat-CASH-1')!.allocations).toEqual([{ chargeId: 'property-2025-03', kind: 'penalty', amount: '11.28' }]);
    // the counter payment bounces: it re-opens the 11.28 it still pays and takes the 2.52 back from credit
    const bounced = spec()
      .given(run([...history, transfer]).events)
      .when(reverse('wechat-CASH-1', '2025-06-10'))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReversed']));
    expect(bounced[0]!.data).toMatchObject({ amount: '13.80', allocations: [{ chargeId: 'property-2025-03', kind: 'penalty', amount: '11.28' }], fromCredit: '2.52' });
    const after = run([...history, transfer, reverse('wechat-CASH-1', '2025-06-10')]).state;
    expect([charge(after).outstandingPenalty.toString(), after.credit.toString()]).toEqual(['11.28', '0.00']);
  });
  it('takes penalty waived but no longer owed off the waiver, and a reversal gives it back to the waiver', () => {
    // June 1: the whole 13.80 waived; then the May 10 transfer is booked and the penalty is 11.28
    const waived = waive('property-2025-03', 'penalty', '13.80', '2025-06-01', {}, 'w-pen');
    const history = [...assessed, waived];
    const es = spec()
      .given(run(history).events)
      .when(transfer)
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'PenaltyAdjusted']));
    expect(es[1]!.data).toMatchObject({ amount: '-2.52', toCredit: [], waivers: [{ waiverId: 'w-pen', amount: '-2.52' }] });
    // dated the waiver's day: a waiver relieves less only once it was granted
    expect(es[1]!.meta.effectiveDate).toBe('2025-06-01');
    const { state } = run([...history, transfer]);
    // nothing owed, nothing given back: the waiver now relieves the 11.28 there is
    expect([charge(state).penaltyAssessed, charge(state).penaltyWaived, charge(state).outstandingPenalty, state.credit].map(String)).toEqual(['11.28', '11.28', '0.00', '0.00']);
    expect(state.waivers.get('w-pen')).toMatchObject({ amount: Money.of('13.80'), released: Money.of('2.52') });
    // the waiver as granted is still the waiver: its retry is nothing
    spec().given(run([...history, transfer]).events).when(waived).thenNothing();
    // the transfer bounces: the penalty is 13.80 again, and the waiver relieves all of it again
    const bounced = spec()
      .given(run([...history, transfer]).events)
      .when(reverse('wechat-BT-0510', '2025-06-10'))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReversed', 'PenaltyAdjusted']));
    expect(bounced[1]!.data).toMatchObject({ amount: '2.52', waivers: [{ waiverId: 'w-pen', amount: '2.52' }] });
    expect(bounced[1]!.meta.effectiveDate).toBe('2025-06-10');
    const after = run([...history, transfer, reverse('wechat-BT-0510', '2025-06-10')]).state;
    expect([charge(after).penaltyAssessed, charge(after).penaltyWaived, charge(after).outstandingPenalty].map(String)).toEqual(['13.80', '13.80', '0.00']);
    expect(after.waivers.get('w-pen')!.released.toString()).toBe('0.00');
  });
  it('lowers what is owed first, then gives back what was paid, and only then takes off the waiver', () => {
    // June 1: 1.80 of the penalty paid; June 2: 12.00 waived; nothing owed. The transfer lowers it by 2.52:
    // 1.80 back to credit, 0.72 off the waiver
    const penaltyPaid = pay('CASH-1', '1.80', '2025-06-01', { targets: [{ chargeId: 'property-2025-03', kind: 'penalty', amount: '1.80' }] } as never);
    const waived = waive('property-2025-03', 'penalty', '12.00', '2025-06-02', {}, 'w-pen');
    const history = [...assessed, penaltyPaid, waived];
    expect(charge(run(history).state).outstandingPenalty.toString()).toBe('0.00');
    const es = spec().given(run(history).events).when(transfer).then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'PenaltyAdjusted']));
    expect(es[1]!.data).toMatchObject({ amount: '-2.52', toCredit: [{ paymentId: 'wechat-CASH-1', amount: '1.80' }], waivers: [{ waiverId: 'w-pen', amount: '-0.72' }] });
    expect(es[1]!.meta.effectiveDate).toBe('2025-06-02');
    const { state } = run([...history, transfer]);
    expect([charge(state).penaltyPaid, charge(state).penaltyWaived, charge(state).outstandingPenalty, state.credit].map(String)).toEqual(['0.00', '11.28', '0.00', '1.80']);
  });
  it('counts the days again under the cap they were assessed under, not one a schedule adopted since', () => {
    // assessed under a cap of 10.00: the 46 days come to 13.80, capped at 10.00, and the event records the cap
    const tenYuan = ctx({ policy: { ...DEFAULT_ACCOUNT_POLICY, penalty: { ...DEFAULT_ACCOUNT_POLICY.penalty, cap: { kind: 'absolute', amount: Money.of('10.00') } } } });
    const before = run(assessed, tenYuan);
    expect(only(before.events, 'PenaltyAssessed').map((e) => [e.data.amount, e.data.cappedBy, e.data.cap])).toEqual([['10.00', '10.00', { kind: 'absolute', amount: '10.00' }]]);
    expect(charge(before.state).penaltyPieces[0]!.cap).toEqual({ kind: 'absolute', amount: Money.of('10.00') });
    // the schedule now caps at the principal; the transfer makes those days 11.28, still above their 10.00 cap: nothing to correct
    const decided = accountDecider.decide(transfer, before.state, ctx());
    expect(E.isRight(decided) && decided.right.map((e) => e.type)).toEqual(['PaymentReceived']);
    // a log written before assessments recorded their cap is counted under the cap in force: there a
    // payment would raise the penalty to 11.28, which is why the cap is recorded
    const legacy = before.events.map((e) => (e.type === 'PenaltyAssessed' ? ({ ...e, data: { ...e.data, cap: undefined } } as AccountEvent) : e)).reduce(accountDecider.evolve, accountDecider.initialState());
    expect(charge(legacy).penaltyPieces[0]!.cap).toBeNull();
    const raised = accountDecider.decide(transfer, legacy, ctx());
    expect(E.isRight(raised) && raised.right.map((e) => [e.type, e.type === 'PenaltyAdjusted' ? e.data.amount : ''])).toEqual([
      ['PaymentReceived', ''],
      ['PenaltyAdjusted', '1.28'],
    ]);
  });
  it('leaves a waiver be while penalty is still owed: the lowering comes off that', () => {
    // 5.00 waived of 13.80: 8.80 still owed, more than the 2.52 lowering
    const waived = waive('property-2025-03', 'penalty', '5.00', '2025-06-01', {}, 'w-pen');
    const es = spec().given(run([...assessed, waived]).events).when(transfer).then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'PenaltyAdjusted']));
    expect(es[1]!.data).not.toHaveProperty('waivers');
    expect(charge(run([...assessed, waived, transfer]).state).outstandingPenalty.toString()).toBe('6.28');
  });
});
