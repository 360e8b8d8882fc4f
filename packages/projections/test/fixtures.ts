// a hand-built community quarter: two units, payments, credit, a penalty, a waiver, a bounced
// payment, a cancellation, a refund, an expenditure and a close; every figure checkable by hand
import { type EventData, type EventStore, type EventType, type LevyEvent, type NewEvent, accountStream, communityStream, eventIdFor, openMemoryEventStore } from '@levy/core';
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

/** a 酬金制 charge: `commission` is the company's share (10% here), the rest the owners' fund's */
export const commissionCharge = (streamId: string, unitId: string, chargeId: string, periodKey: string, start: string, end: string, amount: string, commission: string, on: string): LoggedEvent => {
  const e = charge(streamId, unitId, chargeId, periodKey, start, end, due(end), amount, on);
  return { ...e, data: { ...e.data, regime: 'commission', commission } } as LoggedEvent;
};
// the 15th of the month after a period's end
const due = (end: string): string => {
  const [y, m] = end.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-15` : `${y}-${String(m + 1).padStart(2, '0')}-15`;
};

/**
 * A 酬金制 community's first quarter, at 10% commission, with December 2024 before it: B1-101
 * 280.00 (commission 28.00) and B2-201 500.00 (50.00) a month; principal waivers on B2-201 in
 * December, January and February (and April, after the close); B1-101's February cancelled on 20
 * March with 20.00 of it paid from credit; a payment reversed; spending in December, March and April.
 * Every figure the 酬金制 disclosure gives is worked out by hand in disclosure-commission.test.ts.
 */
export const commissionQuarterLog = (): LoggedEvent[] => {
  n = 0;
  const d = (x: unknown): never => x as never;
  const pay = (stream: string, paymentId: string, channel: string, on: string, amount: string, chargeId: string, principal: string, toCredit: string): LoggedEvent =>
    ev(stream, 'PaymentReceived', on, d({ paymentId, channel, channelTxnId: `txn-${paymentId}`, amount, receivedOn: on, allocations: [{ chargeId, kind: 'principal', amount: principal }], toCredit }));
  const waive = (waiverId: string, chargeId: string, on: string, amount: string): LoggedEvent =>
    ev(S2, 'WaiverGranted', on, d({ waiverId, chargeId, kind: 'principal', amount }), { reason: 'hardship', approval: { ...committee, date: on } });
  const spend = (expenditureId: string, category: string, on: string, amount: string): LoggedEvent =>
    ev(SC, 'ExpenditureRecorded', on, d({ communityId: C, expenditureId, category, amount, vendor: 'Vendor Co', paidOn: on, description: `${category} ${on}` }), { approval: { ...committee, date: on } });
  return [
    ev(SC, 'CommunityRegistered', '2024-11-01', d({ communityId: C, name: 'Sunrise Garden', timeZone: 'Asia/Shanghai', closeCycle: 'quarter' })),
    ev(SC, 'UnitRegistered', '2024-11-01', d({ communityId: C, unitId: U1, building: 'B1', areaM2: '100', useType: 'residential', owner: { ownerId: 'o1', name: 'Li Lei' }, handoverDate: '2024-06-01' })),
    ev(SC, 'UnitRegistered', '2024-11-01', d({ communityId: C, unitId: U2, building: 'B2', areaM2: '125', useType: 'commercial', owner: { ownerId: 'o2', name: 'Han Meimei' }, handoverDate: '2024-06-01' })),
    ev(
      SC,
      'FeeScheduleAdopted',
      '2024-11-20',
      d({
        communityId: C,
        version: 1,
        publishedOn: '2024-11-20',
        effectiveFrom: '2024-12-01',
        billingCycle: 'month',
        dueRule: { kind: 'day-of-next-month', day: 15 },
        items: [],
        penalty: { enabled: false, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' },
        allocation: 'oldest-first',
        regime: { kind: 'commission', basis: 'percentage', rate: '0.10' },
        managerWaiverLimit: '50.00',
        installmentGraceDays: 10,
      }),
    ),
    // December 2024, before the quarter
    commissionCharge(S1, U1, 'c1-2024-12', '2024-12', '2024-12-01', '2024-12-31', '280.00', '28.00', '2024-12-01'),
    commissionCharge(S2, U2, 'c2-2024-12', '2024-12', '2024-12-01', '2024-12-31', '500.00', '50.00', '2024-12-01'),
    pay(S1, 'p0', 'wechat', '2024-12-10', '280.00', 'c1-2024-12', '280.00', '0.00'),
    spend('x0', 'greening', '2024-12-20', '300.00'),
    waive('w0', 'c2-2024-12', '2024-12-28', '20.00'),
    // the quarter
    commissionCharge(S1, U1, 'c1-2025-01', '2025-01', '2025-01-01', '2025-01-31', '280.00', '28.00', '2025-01-01'),
    commissionCharge(S2, U2, 'c2-2025-01', '2025-01', '2025-01-01', '2025-01-31', '500.00', '50.00', '2025-01-01'),
    waive('w1', 'c2-2024-12', '2025-01-15', '15.55'),
    pay(S1, 'p1', 'wechat', '2025-01-20', '300.00', 'c1-2025-01', '280.00', '20.00'),
    commissionCharge(S1, U1, 'c1-2025-02', '2025-02', '2025-02-01', '2025-02-28', '280.00', '28.00', '2025-02-01'),
    ev(S1, 'CreditApplied', '2025-02-01', d({ chargeId: 'c1-2025-02', amount: '20.00' })),
    commissionCharge(S2, U2, 'c2-2025-02', '2025-02', '2025-02-01', '2025-02-28', '500.00', '50.00', '2025-02-01'),
    waive('w2', 'c2-2025-01', '2025-02-20', '55.55'),
    pay(S2, 'p2', 'bank-transfer', '2025-03-01', '200.00', 'c2-2024-12', '200.00', '0.00'),
    ev(S2, 'PaymentReversed', '2025-03-08', d({ paymentId: 'p2', reason: 'bounced', channel: 'bank-transfer', amount: '200.00', allocations: [{ chargeId: 'c2-2024-12', kind: 'principal', amount: '200.00' }], fromCredit: '0.00', creditApplications: [] })),
    pay(S2, 'p3', 'cash', '2025-03-12', '100.00', 'c2-2024-12', '100.00', '0.00'),
    spend('x1', 'cleaning', '2025-03-15', '600.00'),
    ev(
      S1,
      'ChargeCancelled',
      '2025-03-20',
      d({ chargeId: 'c1-2025-02', amount: '280.00', commission: '28.00', outstandingPrincipal: '260.00', paidPrincipalToCredit: '20.00', outstandingPenalty: '0.00', paidPenaltyToCredit: '0.00' }),
      { reason: 'unit vacant, billed in error', approval: { ...committee, date: '2025-03-20' } },
    ),
    spend('x2', 'repairs', '2025-03-25', '250.50'),
    ev(SC, 'PeriodClosed', '2025-04-01', d({ communityId: C, periodKey: '2025-Q1', periodStart: '2025-01-01', periodEnd: '2025-03-31', closedOn: '2025-04-01', totals: { billed: '1280.00', collected: '400.00', waived: '71.10', penalties: '0.00', credit: '20.00' }, heads: [{ streamId: S1, revision: '6', hash: 'h1' }, { streamId: S2, revision: '8', hash: 'h2' }] })),
    // after the close
    waive('w3', 'c2-2025-01', '2025-04-09', '44.45'),
    spend('x3', 'security', '2025-04-10', '200.00'),
  ];
};

/**
 * A log appended to a memory store (a fresh one unless given) event by event in log order; each
 * PeriodClosed seals the heads its community's account streams have in the store when it is
 * appended, as the handler seals them, so the store's chain and seals verify.
 */
export const storeOfLog = async (log: readonly (LoggedEvent | (NewEvent & { readonly streamId: string }))[], store: EventStore = openMemoryEventStore()): Promise<EventStore> => {
  const heads = new Map<string, { readonly revision: bigint; readonly hash: string }>();
  for (const e of log) {
    let data = e.data as NewEvent['data'];
    if (e.type === 'PeriodClosed') {
      const prefix = `levy.account-${String(data.communityId)}.`;
      const sealed = [...heads].filter(([streamId]) => streamId.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1));
      data = { ...data, heads: sealed.map(([streamId, h]) => ({ streamId, revision: String(h.revision), hash: h.hash })) };
    }
    const r = await store.appendToStream(e.streamId, [{ type: e.type, data, meta: e.meta }]);
    for await (const placed of store.readStream(e.streamId, { from: r.nextExpectedRevision, max: 1 })) heads.set(e.streamId, { revision: placed.revision, hash: placed.meta.hash! });
  }
  return store;
};

export type { LevyEvent };
