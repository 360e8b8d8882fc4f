// When an installment plan defaults (docs/accounts.md, AgreeInstallmentPlan and AssessPenalty): an
// installment counts as paid by what the plan's charges received by its due date plus the grace,
// by the day received, however late the assessment runs, and whether or not one ran in between.
//
// Throughout: a 1,000.00 charge for January 2025, due 2025-01-15, no penalty assessed before the
// plan; the plan is agreed 2025-03-01 over the 1,000.00: 500 due 03-20 and 500 due 05-20, with the
// default 15 days' grace, so the deadlines are 04-04 and 06-04. Penalty 日万分之三, no penalty grace.
import { describe, expect, it } from 'vitest';
import type { AccountCommand, AccountEvent, CommandOf } from '@levy/core';
import { assess, cancel, issue, meta, pay, plan, run, str } from './account-fixtures.js';

const jan = issue('2025-01', '1000.00', '2025-01-15');
const agreed = plan('plan-1', ['property-2025-01'], [['2025-03-20', '500'], ['2025-05-20', '500']], '2025-03-01');

const only = <T extends AccountEvent['type']>(events: readonly AccountEvent[], type: T) => events.filter((e): e is Extract<AccountEvent, { type: T }> => e.type === type);
const penaltyOf = (commands: readonly AccountCommand[]): string => str(run(commands).state.charges.get('property-2025-01')!.penaltyAssessed);
const defaults = (commands: readonly AccountCommand[]) => only(run(commands).events, 'InstallmentPlanDefaulted').map((e) => e.data);

/** a payment received on `receivedOn` and booked on `bookedOn` */
const payBooked = (txn: string, amount: string, receivedOn: string, bookedOn: string): CommandOf<'ReceivePayment'> => ({ ...pay(txn, amount, receivedOn), meta: meta(bookedOn) });
const applyCredit = (on: string, chargeIds?: string[]): CommandOf<'ApplyCredit'> =>
  ({ type: 'ApplyCredit', data: chargeIds === undefined ? {} : { chargeIds }, meta: meta(on) }) as CommandOf<'ApplyCredit'>;

describe('an installment missed by more than the grace defaults the plan, however the assessments are timed', () => {
  // the audit: 500 received 04-20, 16 days after the 04-04 deadline of installment 1
  const late = [jan, agreed, pay('i1', '500', '2025-04-20')];
  const audited = [jan, agreed, assess('2025-04-10'), pay('i1', '500', '2025-04-20'), assess('2025-04-30')];

  it('defaults the plan on installment 1 whether or not an assessment ran before the late payment', () => {
    const without = defaults([...late, assess('2025-04-30')]);
    const withEarlier = defaults(audited);
    expect(without).toHaveLength(1);
    expect(withEarlier).toHaveLength(1);
    // the same default; it is dated by the assessment that found it (04-30, or 04-10)
    const { on: onWithout, ...missedWithout } = without[0]!;
    const { on: onWithEarlier, ...missedWithEarlier } = withEarlier[0]!;
    expect(missedWithout).toEqual({ planId: 'plan-1', missedSeq: 1, missedDueDate: '2025-03-20' });
    expect(missedWithEarlier).toEqual(missedWithout);
    expect([onWithout, onWithEarlier]).toEqual(['2025-04-30', '2025-04-10']);
    expect(run([...late, assess('2025-04-30')]).state.plans.get('plan-1')!.status).toBe('defaulted');
  });

  it('counts the same 30.00 as of 04-30 from the original due date either way', () => {
    // without the earlier assessment, one assessment January 16..April 30:
    //   January 16..April 20 on 1,000.00: 16 + 28 + 31 + 20 = 95 days, 28.50
    //   April 21..30 on 500.00: 10 days, 1.50                       → 30.00
    const { events } = run([...late, assess('2025-04-30')]);
    expect(only(events, 'PenaltyAssessed').map((e) => [e.data.from, e.data.to, e.data.amount])).toEqual([['2025-01-16', '2025-04-30', '30.00']]);
    // with it: January 16..April 10 on 1,000.00, 85 days, 25.50; then April 11..20 on 1,000.00
    // (10 days, 3.00) and April 21..30 on 500.00 (10 days, 1.50), 4.50       → 30.00 in all
    expect(only(run(audited).events, 'PenaltyAssessed').map((e) => [e.data.from, e.data.to, e.data.amount])).toEqual([
      ['2025-01-16', '2025-04-10', '25.50'],
      ['2025-04-11', '2025-04-30', '4.50'],
    ]);
    expect(penaltyOf([...late, assess('2025-04-30')])).toBe('30.00');
    expect(penaltyOf(audited)).toBe('30.00');
  });

  it('defaults the plan when installment 2, paid on time, pays it off before any assessment ran', () => {
    // before the fix the plan completed on 05-20 and only January 16..February 28 counted (44 days, 13.20)
    const { events, state } = run([...late, pay('i2', '500', '2025-05-20'), assess('2025-05-31')]);
    expect(only(events, 'InstallmentPlanCompleted')).toEqual([]);
    expect(only(events, 'InstallmentPlanDefaulted').map((e) => e.data)).toEqual([{ planId: 'plan-1', missedSeq: 1, missedDueDate: '2025-03-20', on: '2025-05-20' }]);
    expect(state.plans.get('plan-1')!.status).toBe('defaulted');
    // January 16..April 20 on 1,000.00 (95 days, 28.50), April 21..May 20 on 500.00 (30 days, 4.50): 33.00,
    // the same as with an assessment on 04-30 in between (30.00, then May 1..20 on 500.00: 20 days, 3.00)
    expect(only(events, 'PenaltyAssessed').map((e) => [e.data.from, e.data.to, e.data.amount])).toEqual([['2025-01-16', '2025-05-20', '33.00']]);
    expect(penaltyOf([...late, assess('2025-04-30'), pay('i2', '500', '2025-05-20'), assess('2025-05-31')])).toBe('33.00');
  });

  it("counts the plan's penalty by the day it was received too", () => {
    // assessed through 03-01: January 16..March 1 on 1,000.00, 45 days, 13.50; the plan covers 1,013.50
    // in two installments of 506.75 (deadlines 04-04 and 06-04). 1,000.00 on 03-18 pays the principal;
    // the 13.50 of penalty comes on 06-10, after the 06-04 deadline of installment 2
    const withPenalty = [jan, assess('2025-03-01'), plan('plan-p', ['property-2025-01'], [['2025-03-20', '506.75'], ['2025-05-20', '506.75']], '2025-03-01'), pay('i1', '1000', '2025-03-18')];
    const paidOff = run([...withPenalty, pay('i2', '13.50', '2025-06-10'), assess('2025-06-30')]);
    expect(only(paidOff.events, 'PaymentReceived')[1]!.data.allocations).toEqual([{ chargeId: 'property-2025-01', kind: 'penalty', amount: '13.50' }]);
    expect(only(paidOff.events, 'InstallmentPlanDefaulted').map((e) => e.data)).toEqual([{ planId: 'plan-p', missedSeq: 2, missedDueDate: '2025-05-20', on: '2025-06-10' }]);
    // the plan's days count again: March 2..18 on 1,000.00, 17 days, 5.10 (13.50 + 5.10 = 18.60 in all)
    expect(only(paidOff.events, 'PenaltyAssessed').map((e) => [e.data.from, e.data.to, e.data.amount])).toEqual([
      ['2025-01-16', '2025-03-01', '13.50'],
      ['2025-03-02', '2025-03-18', '5.10'],
    ]);
    // the same with an assessment on 06-05 in between, which finds the default first
    const between = run([...withPenalty, assess('2025-06-05'), pay('i2', '13.50', '2025-06-10'), assess('2025-06-30')]);
    expect(only(between.events, 'InstallmentPlanDefaulted').map((e) => [e.data.missedSeq, e.data.on])).toEqual([[2, '2025-06-05']]);
    expect(str(between.state.charges.get('property-2025-01')!.penaltyAssessed)).toBe('18.60');
    // received on 06-04, the last day of the grace: the plan completes, and its days stay free of penalty
    const kept = run([...withPenalty, pay('i2', '13.50', '2025-06-04'), assess('2025-06-30')]);
    expect(only(kept.events, 'InstallmentPlanCompleted').map((e) => e.data)).toEqual([{ planId: 'plan-p', on: '2025-06-04' }]);
    expect(str(kept.state.charges.get('property-2025-01')!.penaltyAssessed)).toBe('13.50');
  });

  it('does not default before the day after the deadline has begun', () => {
    expect(defaults([jan, agreed, assess('2025-04-04')])).toEqual([]);
    expect(defaults([jan, agreed, assess('2025-04-05')])).toEqual([{ planId: 'plan-1', missedSeq: 1, missedDueDate: '2025-03-20', on: '2025-04-05' }]);
  });

  it('defaults on installment 2 when installment 1 was on time and installment 2 is paid late', () => {
    // 500 on 03-18 (on time), 400 on 05-20 and 100 on 06-10, after the 06-04 deadline: by 06-04 only 900 of 1,000 was in
    const partly = [jan, agreed, pay('i1', '500', '2025-03-18'), pay('i2', '400', '2025-05-20'), pay('i3', '100', '2025-06-10')];
    expect(defaults([...partly, assess('2025-06-30')])).toEqual([{ planId: 'plan-1', missedSeq: 2, missedDueDate: '2025-05-20', on: '2025-06-10' }]);
    expect(defaults([...partly.slice(0, 4), assess('2025-06-05'), partly[4]!, assess('2025-06-30')])).toEqual([
      { planId: 'plan-1', missedSeq: 2, missedDueDate: '2025-05-20', on: '2025-06-05' },
    ]);
  });
});

describe('installments paid within the grace keep the plan in good standing, however the assessments are timed', () => {
  // each installment received on its deadline day, the last day of the grace: 04-04 and 06-04
  const onTime = [jan, agreed, pay('i1', '500', '2025-04-04'), pay('i2', '500', '2025-06-04')];
  const at = (asOf: string[]): AccountCommand[] => {
    // each assessment goes in before the payments received after its day
    const commands: AccountCommand[] = [jan, agreed];
    const payments = onTime.slice(2) as CommandOf<'ReceivePayment'>[];
    const days = [...asOf].sort();
    let p = 0;
    for (const d of days) {
      while (p < payments.length && payments[p]!.data.receivedOn < d) commands.push(payments[p++]!);
      commands.push(assess(d));
    }
    commands.push(...payments.slice(p), assess('2025-06-30'));
    return commands;
  };
  const schedules = [[], ['2025-04-04'], ['2025-04-05'], ['2025-04-30'], ['2025-04-05', '2025-05-21', '2025-06-05'], ['2025-03-21', '2025-04-04', '2025-06-04'], ['2025-06-05']];

  for (const s of schedules) {
    it(`completes the plan, assessed on ${s.length === 0 ? 'no day in between' : s.join(', ')}, and counts only January 16..February 28: 13.20`, () => {
      const { events, state } = run(at(s));
      expect(only(events, 'InstallmentPlanDefaulted')).toEqual([]);
      expect(only(events, 'InstallmentPlanCompleted').map((e) => e.data)).toEqual([{ planId: 'plan-1', on: '2025-06-04' }]);
      expect(state.plans.get('plan-1')!.status).toBe('completed');
      // only the days before the plan was agreed: January 16..February 28, 44 days on 1,000.00
      expect(str(state.charges.get('property-2025-01')!.penaltyAssessed)).toBe('13.20');
    });
  }

  it('counts a payment received before the deadline and booked after it by the day received', () => {
    // installment 1 received 04-02 but booked on 04-25, after the 04-04 deadline; the assessment on 04-30 runs after it
    const booked = [jan, agreed, payBooked('i1', '500', '2025-04-02', '2025-04-25'), assess('2025-04-30')];
    expect(defaults(booked)).toEqual([]);
    expect(run(booked).state.plans.get('plan-1')!.status).toBe('active');
    expect(only(run(booked).events, 'PenaltyAssessed')).toEqual([]);
    // installment 2 on time too: the plan completes, and again only 13.20 (January 16..February 28)
    const kept = [...booked, pay('i2', '500', '2025-05-20'), assess('2025-06-30')];
    expect(run(kept).state.plans.get('plan-1')!.status).toBe('completed');
    expect(penaltyOf(kept)).toBe('13.20');
    // received on 04-05, a day after the deadline, booked the same 04-25: the plan defaults on installment 1
    expect(defaults([jan, agreed, payBooked('i1', '500', '2025-04-05', '2025-04-25'), assess('2025-04-30')])).toEqual([
      { planId: 'plan-1', missedSeq: 1, missedDueDate: '2025-03-20', on: '2025-04-30' },
    ]);
  });

  describe('credit applied to the plan counts by the day applied', () => {
    // February: 200.00 due 02-15, paid (named) on 02-10, cancelled on 03-05: its 200.00 becomes credit.
    // January owes 1,000.00 when the plan is agreed on 03-01.
    const feb = issue('2025-02', '200.00', '2025-02-15');
    const withCredit = [
      jan,
      feb,
      pay('f', '200', '2025-02-10', { targets: [{ chargeId: 'property-2025-02', kind: 'principal', amount: '200' }] } as never),
      agreed,
      cancel('property-2025-02', '2025-03-05'),
    ];

    it('credit applied on 03-10 and 300.00 paid on 03-15 make installment 1 on time', () => {
      const commands = [...withCredit, applyCredit('2025-03-10', ['property-2025-01']), pay('i1', '300', '2025-03-15'), assess('2025-04-30')];
      const { events, state } = run(commands);
      expect(only(events, 'CreditApplied').map((e) => [e.data.chargeId, e.data.amount])).toEqual([['property-2025-01', '200.00']]);
      expect(only(events, 'InstallmentPlanDefaulted')).toEqual([]);
      expect(state.plans.get('plan-1')!.status).toBe('active');
      const kept = [...commands, pay('i2', '500', '2025-05-20'), assess('2025-06-30')];
      expect(run(kept).state.plans.get('plan-1')!.status).toBe('completed');
      // January 16..February 28 only: 13.20
      expect(penaltyOf(kept)).toBe('13.20');
    });

    it('credit applied after the deadline does not: the plan defaults on installment 1', () => {
      // 300.00 paid 03-15, the credit applied only on 04-10 (after the 04-04 deadline): by 04-04, 300 of 500 was in
      const { events } = run([...withCredit, pay('i1', '300', '2025-03-15'), applyCredit('2025-04-10', ['property-2025-01']), assess('2025-04-30')]);
      expect(only(events, 'InstallmentPlanDefaulted').map((e) => e.data)).toEqual([{ planId: 'plan-1', missedSeq: 1, missedDueDate: '2025-03-20', on: '2025-04-30' }]);
      // January 16..March 15 on 1,000.00 (59 days, 17.70), March 16..April 10 on 700.00 (26 days, 5.46),
      // April 11..30 on 500.00 (20 days, 3.00): 87,200 yuan-days × 0.0003 = 26.16
      expect(only(events, 'PenaltyAssessed').map((e) => [e.data.from, e.data.to, e.data.amount])).toEqual([['2025-01-16', '2025-04-30', '26.16']]);
    });
  });
});
