// a hand-built community quarter: two units, payments, credit, a penalty, a waiver, a bounced
// payment, a cancellation, a refund, an expenditure and a close; every figure checkable by hand
import { type EventData, type EventType, type LevyEvent, accountStream, communityStream, eventIdFor } from '@levy/core';
import type { LoggedEvent } from '../src/fold.js';

export const C = 'sunrise';
export const U1 = 'B1-101';
export const U2 = 'B2-201';
export const S1 = accountStream(C, U1);
export const S2 = accountStream(C, U2);
export const SC = communityStream(C);

let n = 0;
export interface MetaOptions {
  readonly recordedAt?: string;
  readonly actor?: { id: string; role: 'system' | 'clerk' | 'manager' | 'committee' | 'owner' | 'auditor' };
  readonly reason?: string;
  readonly approval?: { approver: string; approverRole: 'manager' | 'committee' | 'assembly'; reference: string; date: string };
}

/** one logged event; recorded at 10:00 Shanghai on its effective date unless told */
export const ev = <K extends EventType>(streamId: string, type: K, effectiveDate: string, data: EventData<K>, o: MetaOptions = {}): LoggedEvent => {
  n += 1;
  const meta: Record<string, unknown> = {
    eventId: eventIdFor(type, [streamId, String(n)]),
    schemaVersion: 1,
    effectiveDate,
    recordedAt: o.recordedAt ?? `${effectiveDate}T02:00:00Z`,
    actor: o.actor ?? { id: 'clerk-1', role: 'clerk' },
  };
  if (o.reason !== undefined) meta.reason = o.reason;
  if (o.approval !== undefined) meta.approval = o.approval;
  return { type, data, meta, streamId } as unknown as LoggedEvent;
};

const calc = { basis: 'area', quantity: '100', unitPrice: '2.80', months: '1', unrounded: '280', rounding: 'half-up' } as EventData<'ChargeIssued'>['calculation'];

export const charge = (streamId: string, unitId: string, chargeId: string, periodKey: string, start: string, end: string, due: string, amount: string, on: string): LoggedEvent =>
  ev(streamId, 'ChargeIssued', on, {
    chargeId,
    communityId: C,
    unitId,
    feeItemId: 'property',
    periodKey,
    periodStart: start,
    periodEnd: end,
    dueDate: due,
    amount,
    calculation: calc,
    scheduleVersion: 1,
    regime: 'lump-sum',
    commission: '0.00',
  } as unknown as EventData<'ChargeIssued'>);

const committee = { approver: 'Committee chair Wang', approverRole: 'committee' as const, reference: 'YWH-2025-04', date: '2025-04-01' };

/** the quarter, in log order */
export const quarterLog = (): LoggedEvent[] => {
  n = 0;
  const d = (x: unknown): never => x as never;
  return [
    ev(SC, 'CommunityRegistered', '2024-12-01', d({ communityId: C, name: 'Sunrise Garden', timeZone: 'Asia/Shanghai', closeCycle: 'quarter' })),
    ev(SC, 'UnitRegistered', '2024-12-01', d({ communityId: C, unitId: U1, building: 'B1', areaM2: '100', useType: 'residential', owner: { ownerId: 'o1', name: 'Li Lei' }, handoverDate: '2024-06-01' })),
    ev(SC, 'UnitRegistered', '2024-12-01', d({ communityId: C, unitId: U2, building: 'B2', areaM2: '125', useType: 'commercial', owner: { ownerId: 'o2', name: 'Han Meimei' }, handoverDate: '2024-06-01' })),
    ev(
      SC,
      'FeeScheduleAdopted',
      '2024-12-20',
      d({
        communityId: C,
        version: 1,
        publishedOn: '2024-12-20',
        effectiveFrom: '2025-01-01',
        billingCycle: 'month',
        dueRule: { kind: 'day-of-next-month', day: 15 },
        items: [],
        penalty: { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' },
        allocation: 'oldest-first',
        regime: { kind: 'lump-sum' },
        managerWaiverLimit: '50.00',
        installmentGraceDays: 10,
      }),
    ),
    charge(S1, U1, 'c1-2025-01', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '280.00', '2025-01-01'),
    charge(S2, U2, 'c2-2025-01', '2025-01', '2025-01-01', '2025-01-31', '2025-02-15', '500.00', '2025-01-01'),
    ev(S1, 'PaymentReceived', '2025-01-20', d({ paymentId: 'p1', channel: 'wechat', channelTxnId: 'wx-1', amount: '300.00', receivedOn: '2025-01-20', allocations: [{ chargeId: 'c1-2025-01', kind: 'principal', amount: '280.00' }], toCredit: '20.00' })),
    charge(S1, U1, 'c1-2025-02', '2025-02', '2025-02-01', '2025-02-28', '2025-03-15', '280.00', '2025-02-01'),
    ev(S1, 'CreditApplied', '2025-02-01', d({ chargeId: 'c1-2025-02', amount: '20.00' })),
    charge(S2, U2, 'c2-2025-02', '2025-02', '2025-02-01', '2025-02-28', '2025-03-15', '500.00', '2025-02-01'),
    ev(
      S2,
      'ChargeCancelled',
      '2025-02-20',
      d({ chargeId: 'c2-2025-02', amount: '500.00', commission: '0.00', outstandingPrincipal: '500.00', paidPrincipalToCredit: '0.00', outstandingPenalty: '0.00', paidPenaltyToCredit: '0.00' }),
      { reason: 'unit vacant, billed in error', approval: committee },
    ),
    ev(S1, 'PaymentReceived', '2025-03-01', d({ paymentId: 'p2', channel: 'alipay', channelTxnId: 'ali-2', amount: '600.00', receivedOn: '2025-03-01', allocations: [{ chargeId: 'c1-2025-02', kind: 'principal', amount: '260.00' }], toCredit: '340.00' })),
    ev(S1, 'CreditRefunded', '2025-03-10', d({ refundId: 'r1', amount: '100.00', channel: 'alipay', refundedOn: '2025-03-10' })),
    ev(SC, 'ExpenditureRecorded', '2025-03-15', d({ communityId: C, expenditureId: 'x1', category: 'cleaning', amount: '1000.00', vendor: 'CleanCo', paidOn: '2025-03-15', description: 'March cleaning' }), { approval: committee }),
    ev(
      S2,
      'PenaltyAssessed',
      '2025-03-31',
      d({
        chargeId: 'c2-2025-01',
        asOf: '2025-03-31',
        from: '2025-02-16',
        to: '2025-03-31',
        days: 44,
        segments: [{ from: '2025-02-16', to: '2025-03-31', days: 44, base: '500.00', unrounded: '6.6' }],
        dailyRate: '0.0003',
        rounding: 'half-up',
        unrounded: '6.6',
        amount: '6.60',
        cappedBy: null,
      }),
      { actor: { id: 'system', role: 'system' } },
    ),
    ev(SC, 'PeriodClosed', '2025-04-01', d({ communityId: C, periodKey: '2025-Q1', periodStart: '2025-01-01', periodEnd: '2025-03-31', closedOn: '2025-04-01', totals: { billed: '1060.00', collected: '900.00', waived: '0.00', penalties: '6.60', credit: '240.00' }, heads: [{ streamId: S1, revision: '5', hash: 'h1' }, { streamId: S2, revision: '3', hash: 'h2' }] })),
    ev(S2, 'WaiverGranted', '2025-04-02', d({ waiverId: 'w1', chargeId: 'c2-2025-01', kind: 'penalty', amount: '6.60' }), { actor: { id: 'mgr-1', role: 'manager' } }),
    ev(S2, 'PaymentReceived', '2025-04-05', d({ paymentId: 'p3', channel: 'bank-transfer', channelTxnId: 'bt-3', amount: '500.00', receivedOn: '2025-04-05', allocations: [{ chargeId: 'c2-2025-01', kind: 'principal', amount: '500.00' }], toCredit: '0.00' })),
    ev(S2, 'PaymentReversed', '2025-04-08', d({ paymentId: 'p3', reason: 'bounced', channel: 'bank-transfer', amount: '500.00', allocations: [{ chargeId: 'c2-2025-01', kind: 'principal', amount: '500.00' }], fromCredit: '0.00', creditApplications: [] })),
    ev(S2, 'WaiverGranted', '2025-04-09', d({ waiverId: 'w2', chargeId: 'c2-2025-01', kind: 'principal', amount: '50.00' }), { recordedAt: '2025-04-20T02:00:00Z' }),
    ev(S2, 'ReminderRecorded', '2025-04-10', d({ stage: 'phone', channel: 'phone', on: '2025-04-10', chargeIds: ['c2-2025-01'] })),
  ];
};

export type { LevyEvent };
