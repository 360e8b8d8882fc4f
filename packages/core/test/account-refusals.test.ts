// every refusal of the account decider the example tests do not already show, one row each
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { type AccountCommand, accountDecider } from '@levy/core';
import { cancel, ctx, day, decideAfter, issue, managerApproval, meta, pay, plan, refund, reverse, run, waive } from './account-fixtures.js';

const march = issue('2025-03', '1000.00', '2025-04-15');
const jan = issue('2025-01', '1000.00', '2025-01-15');
const inPlan = plan('plan-1', ['property-2025-01'], [['2025-04-15', '1000']], '2025-03-01');
const closedQ1 = ctx({ closedThrough: day('2025-03-31') });
const remind = (on: string) => ({ type: 'RecordReminder', data: { stage: 'reminder', channel: 'sms', on, chargeIds: [] }, meta: meta(on) }) as unknown as AccountCommand;
const classify = (on: string) => ({ type: 'ClassifyArrears', data: { arrearsClass: 'dispute', on }, meta: meta(on) }) as unknown as AccountCommand;

const rows: { rule: string; given: AccountCommand[]; when: AccountCommand; code: string; path?: string[]; context?: ReturnType<typeof ctx> }[] = [
  { rule: 'an amount with more than two decimals', given: [], when: pay('1', '12.345', '2025-04-01'), code: 'AMOUNT_TOO_PRECISE', path: ['data', 'amount'] },
  { rule: 'a period that ends before it starts', given: [], when: issue('2025-03', '10', '2025-04-15', { periodEnd: '2025-02-28' } as never), code: 'CHARGE_PERIOD_INVALID', path: ['data', 'periodEnd'] },
  { rule: 'cancelling a charge in a plan in good standing', given: [jan, inPlan], when: cancel('property-2025-01', '2025-03-05'), code: 'CHARGE_IN_PLAN' },
  { rule: 'waiving on a cancelled charge', given: [march, cancel('property-2025-03', '2025-04-01')], when: waive('property-2025-03', 'principal', '1', '2025-04-02'), code: 'CHARGE_CANCELLED' },
  {
    // as when its own credit was refunded: the money it paid is with the owner
    rule: 'reversing a payment whose cancelled charge became credit that was refunded',
    given: [march, pay('p', '1000', '2025-04-10'), cancel('property-2025-03', '2025-04-12'), refund('1000', '2025-04-13')],
    when: reverse('wechat-p', '2025-04-20'),
    code: 'REVERSAL_CREDIT_REFUNDED',
    path: ['data', 'paymentId'],
  },
  // a plan is relief: who approved it and why are recorded (domain.md); a plan without them was agreed
  { rule: 'a plan without a reason', given: [jan], when: plan('p', ['property-2025-01'], [['2025-04-15', '1000']], '2025-03-01', { approval: managerApproval } as never), code: 'REASON_REQUIRED', path: ['meta', 'reason'] },
  { rule: 'a plan without an approval', given: [jan], when: plan('p', ['property-2025-01'], [['2025-04-15', '1000']], '2025-03-01', { reason: 'hardship' } as never), code: 'APPROVAL_REQUIRED', path: ['meta', 'approval'] },
  { rule: 'a plan naming a charge twice', given: [jan], when: plan('p', ['property-2025-01', 'property-2025-01'], [['2025-04-15', '2000']], '2025-03-01'), code: 'PLAN_CHARGE_DUPLICATE', path: ['data', 'chargeIds', '1'] },
  {
    rule: 'a plan of more than 120 installments',
    given: [jan],
    when: plan('p', ['property-2025-01'], Array.from({ length: 121 }, (_, i): [string, string] => [`20${26 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`, '1']), '2025-03-01'),
    code: 'PLAN_TOO_LARGE',
  },
  { rule: 'a plan with no installments', given: [jan], when: plan('p', ['property-2025-01'], [], '2025-03-01'), code: 'PLAN_EMPTY', path: ['data', 'installments'] },
  { rule: 'an installment of zero', given: [jan], when: plan('p', ['property-2025-01'], [['2025-04-15', '0']], '2025-03-01'), code: 'AMOUNT_NOT_POSITIVE' },
  { rule: 'a refund of zero', given: [], when: refund('0', '2025-04-01'), code: 'AMOUNT_NOT_POSITIVE' },
  { rule: 'a waiver of zero', given: [march], when: waive('property-2025-03', 'principal', '0', '2025-04-01'), code: 'AMOUNT_NOT_POSITIVE' },
  { rule: 'a cancellation dated in a closed period', given: [march], when: cancel('property-2025-03', '2025-03-31'), code: 'PERIOD_CLOSED', context: closedQ1 },
  { rule: 'a waiver dated in a closed period', given: [march], when: waive('property-2025-03', 'principal', '1', '2025-03-31'), code: 'PERIOD_CLOSED', context: closedQ1 },
  { rule: 'a reversal dated in a closed period', given: [march, pay('p', '10', '2025-03-10')], when: reverse('wechat-p', '2025-03-31'), code: 'PERIOD_CLOSED', context: closedQ1 },
  { rule: 'a plan agreed in a closed period', given: [jan], when: plan('p', ['property-2025-01'], [['2025-04-15', '1000']], '2025-03-31'), code: 'PERIOD_CLOSED', context: closedQ1 },
  { rule: 'a refund paid in a closed period', given: [pay('adv', '100', '2025-03-01')], when: refund('10', '2025-03-31'), code: 'PERIOD_CLOSED', path: ['data', 'refundedOn'], context: closedQ1 },
  { rule: 'a reminder made in a closed period', given: [], when: remind('2025-03-31'), code: 'PERIOD_CLOSED', path: ['data', 'on'], context: closedQ1 },
  { rule: 'arrears classified in a closed period', given: [], when: classify('2025-03-31'), code: 'PERIOD_CLOSED', path: ['data', 'on'], context: closedQ1 },
  { rule: 'a command that is not an account command', given: [], when: { type: 'RunBilling', data: { periodKey: '2025-03' }, meta: meta('2025-04-01') } as never, code: 'COMMAND_NOT_FOR_ACCOUNT', path: ['type'] },
];

describe('account refusals', () => {
  for (const row of rows) {
    it(`refuses ${row.rule}: ${row.code}`, () => {
      // the history is decided without the closed line; only the command under test meets it
      const { state } = run(row.given, ctx());
      const result = accountDecider.decide(row.when, state, row.context ?? ctx());
      expect(E.isLeft(result) ? result.left.code : 'decided').toBe(row.code);
      if (E.isLeft(result)) {
        expect(result.left.message.length).toBeGreaterThan(20);
        if (row.path !== undefined) expect(result.left.path).toEqual(row.path);
      }
    });
  }
  it('decides the same commands once the period is open', () => {
    // the PERIOD_CLOSED rows are refused only because of the closed line
    for (const row of rows.filter((x) => x.code === 'PERIOD_CLOSED')) expect(E.isRight(decideAfter(row.given, row.when, ctx()))).toBe(true);
  });
});
