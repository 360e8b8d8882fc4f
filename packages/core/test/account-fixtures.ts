// builders for account decider tests: commands read like a clerk's day, amounts in yuan
import * as E from 'fp-ts/lib/Either.js';
import {
  type AccountCommand,
  type AccountContext,
  type AccountEvent,
  type AccountState,
  type CommandMeta,
  type CommandOf,
  DEFAULT_ACCOUNT_POLICY,
  accountDecider,
  epochDayOf,
} from '@levy/core';

export const clerk = { id: 'clerk-1', role: 'clerk' } as const;

export const meta = (effectiveDate: string, extra: Partial<CommandMeta> = {}): CommandMeta => ({ actor: clerk, effectiveDate, ...extra }) as CommandMeta;

export const committeeApproval = { approver: 'Committee chair Wang', approverRole: 'committee', reference: 'YZ-2025-07', date: '2025-05-01' } as const;
export const managerApproval = { approver: 'Manager Li', approverRole: 'manager', reference: 'M-2025-11', date: '2025-05-01' } as const;

export const ctx = (over: Partial<AccountContext> = {}): AccountContext => {
  let n = 0;
  return {
    now: '2025-06-30T02:00:00Z' as AccountContext['now'],
    newId: (p: string) => `${p}-${++n}`,
    communityId: 'sunrise',
    unitId: 'B1-1203',
    policy: DEFAULT_ACCOUNT_POLICY,
    closedThrough: null,
    timeZone: 'Asia/Shanghai',
    ...over,
  };
};

export const day = (iso: string): number => epochDayOf(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));

/** A monthly property-fee charge for `period` ('2025-03'), due on `due`. */
export const issue = (period: string, amount: string, due: string, extra: Partial<CommandOf<'IssueCharge'>['data']> = {}): CommandOf<'IssueCharge'> =>
  ({
    type: 'IssueCharge',
    data: {
      feeItemId: 'property',
      periodKey: period,
      periodStart: `${period}-01`,
      periodEnd: `${period}-28`,
      dueDate: due,
      amount,
      calculation: { basis: 'manual', quantity: '1', unitPrice: amount, months: '1', unrounded: amount, rounding: 'half-up' },
      scheduleVersion: 1,
      regime: 'lump-sum',
      commission: '0',
      ...extra,
    },
    meta: meta(`${period}-01`),
  }) as CommandOf<'IssueCharge'>;

export const pay = (txn: string, amount: string, on: string, extra: Partial<CommandOf<'ReceivePayment'>['data']> = {}): CommandOf<'ReceivePayment'> =>
  ({ type: 'ReceivePayment', data: { channel: 'wechat', channelTxnId: txn, amount, receivedOn: on, ...extra }, meta: meta(on) }) as CommandOf<'ReceivePayment'>;

export const assess = (asOf: string): CommandOf<'AssessPenalty'> => ({ type: 'AssessPenalty', data: { asOf }, meta: meta(asOf) }) as CommandOf<'AssessPenalty'>;

export const reverse = (paymentId: string, on: string, reason: 'bounced' | 'chargeback' | 'duplicate' = 'bounced'): CommandOf<'ReversePayment'> =>
  ({ type: 'ReversePayment', data: { paymentId, reason }, meta: meta(on) }) as CommandOf<'ReversePayment'>;

export const waive = (chargeId: string, kind: 'principal' | 'penalty', amount: string, on: string, m: Partial<CommandMeta> = {}, waiverId?: string): CommandOf<'GrantWaiver'> =>
  ({
    type: 'GrantWaiver',
    data: { chargeId, kind, amount, ...(waiverId === undefined ? {} : { waiverId }) },
    meta: meta(on, { reason: 'long-standing hardship', approval: committeeApproval, ...m } as Partial<CommandMeta>),
  }) as CommandOf<'GrantWaiver'>;

export const cancel = (chargeId: string, on: string, m: Partial<CommandMeta> = { reason: 'billed in error', approval: managerApproval } as Partial<CommandMeta>): CommandOf<'CancelCharge'> =>
  ({ type: 'CancelCharge', data: { chargeId }, meta: meta(on, m) }) as CommandOf<'CancelCharge'>;

export const plan = (
  planId: string,
  chargeIds: string[],
  installments: [string, string][],
  on: string,
  m: Partial<CommandMeta> = { reason: 'hardship: pays in parts', approval: managerApproval } as Partial<CommandMeta>,
): CommandOf<'AgreeInstallmentPlan'> =>
  ({ type: 'AgreeInstallmentPlan', data: { planId, chargeIds, installments: installments.map(([dueDate, amount]) => ({ dueDate, amount })) }, meta: meta(on, m) }) as CommandOf<'AgreeInstallmentPlan'>;

export const refund = (amount: string, on: string, refundId?: string): CommandOf<'RefundCredit'> =>
  ({ type: 'RefundCredit', data: { amount, channel: 'bank-transfer', refundedOn: on, ...(refundId === undefined ? {} : { refundId }) }, meta: meta(on) }) as CommandOf<'RefundCredit'>;

/** Runs commands in order through the real decider; a refusal fails the test with its message. */
export const run = (commands: readonly AccountCommand[], context: AccountContext = ctx(), from: AccountState = accountDecider.initialState()): { state: AccountState; events: AccountEvent[] } => {
  let state = from;
  const events: AccountEvent[] = [];
  for (const c of commands) {
    const r = accountDecider.decide(c, state, context);
    if (E.isLeft(r)) throw new Error(`${c.type} refused: ${r.left.code}: ${r.left.message}`);
    for (const e of r.right) {
      events.push(e);
      state = accountDecider.evolve(state, e);
    }
  }
  return { state, events };
};

/** Decides one more command after `given`, returning the Either. */
export const decideAfter = (given: readonly AccountCommand[], command: AccountCommand, context: AccountContext = ctx()) => {
  const { state } = run(given, context);
  return accountDecider.decide(command, state, context);
};

export const str = (m: { toString(): string }): string => m.toString();
