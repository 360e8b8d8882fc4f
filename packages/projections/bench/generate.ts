// a fast, seeded generator of valid, already-decoded Levy events for one community year, without
// the deciders: each unit bills monthly and behaves one of four ways (on time, prepaid, late with
// penalties and reminders, chronic debtor). Amounts come from a few areas, so strings repeat as in
// a real billing run. Every allocation is one the account could make, so the book raises no anomaly.
import { type EventData, type EventType, Money, accountStream, communityStream, epochDayOf, isoDateOf } from '@levy/core';
import type { LoggedEvent } from '../src/fold.js';

const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const AREAS = ['56.20', '72.50', '89.50', '98.00', '105.30', '120.25', '132.80', '144.00', '168.60', '210.00'];
const PRICE = '2.80';
const PARKING = { basis: 'fixed', quantity: '1', unitPrice: '50.00', months: '1', unrounded: '50.00', rounding: 'half-up' };
const CHANNELS = ['wechat', 'alipay', 'unionpay', 'bank-card', 'bank-transfer', 'cash', 'withholding'] as const;

// Template literals make V8 rope (cons) strings, which every hash or comparison must first
// flatten; strings read from a store (JSON.parse, SQLite) are flat. `normalize()` flattens.
const flat = (s: string): string => s.normalize();

/** Generates a year (2025) of one community with `units` units; about 50 events per unit (20,000 units: about a million). */
export const generateYear = (units: number, seed = 20251127): LoggedEvent[] => {
  const rnd = mulberry32(seed);
  const out: LoggedEvent[] = [];
  const community = 'bench';
  const cs = flat(communityStream(community));
  let n = 0;
  const id = (): string => {
    n += 1;
    const h = n.toString(16).padStart(12, '0');
    return flat(`00000000-0000-8000-8000-${h}`);
  };
  const actor = { id: 'clerk-1', role: 'clerk' };
  const system = { id: 'system', role: 'system' };
  const instants = new Map<string, string>();
  const recordedAt = (date: string): string => {
    let s = instants.get(date);
    if (s === undefined) instants.set(date, (s = flat(`${date}T02:00:00Z`)));
    return s;
  };
  // events are scheduled by day first and made in day order afterwards, so they sit in memory the
  // way a store read leaves them (allocated in log order), with no copy
  const days = new Map<string, (() => void)[]>();
  const push = <K extends EventType>(streamId: string, type: K, date: string, make: () => EventData<K>, who = actor): void => {
    let list = days.get(date);
    if (list === undefined) days.set(date, (list = []));
    list.push(() => {
      out.push({ type, data: make(), meta: { eventId: id(), schemaVersion: 1, effectiveDate: date, recordedAt: recordedAt(date), actor: who }, streamId } as unknown as LoggedEvent);
    });
  };
  const d = (x: unknown): never => x as never;
  push(cs, 'CommunityRegistered', '2024-12-01', () => d({ communityId: community, name: 'Bench Garden', timeZone: 'Asia/Shanghai', closeCycle: 'quarter' }));
  const calc = AREAS.map((a) => ({ basis: 'area', quantity: a, unitPrice: PRICE, months: '1', unrounded: Money.of('0').toString(), rounding: 'half-up' }));
  const monthly = AREAS.map((a) => Money.of('1.00').times([a, PRICE]));
  const months = Array.from({ length: 12 }, (_, i) => {
    const start = epochDayOf(2025, i + 1, 1);
    const end = epochDayOf(2025, i + 2, 1) - 1;
    const due = epochDayOf(2025, i + 2, 15);
    return { key: `2025-${String(i + 1).padStart(2, '0')}`, start: isoDateOf(start), end: isoDateOf(end), due: isoDateOf(due), dueDay: due, startDay: start };
  });
  // per unit behaviour, decided once
  for (let u = 0; u < units; u++) {
    const unitId = `U${String(u).padStart(6, '0')}`;
    const ai = Math.floor(rnd() * AREAS.length);
    push(cs, 'UnitRegistered', '2024-12-01', () => d({ communityId: community, unitId, building: `B${u % 40}`, areaM2: AREAS[ai], useType: u % 17 === 0 ? 'commercial' : 'residential', owner: { ownerId: `o${u}`, name: `Owner ${u}` }, handoverDate: '2024-06-01' }));
  }
  for (let u = 0; u < units; u++) {
    const unitId = `U${String(u).padStart(6, '0')}`;
    const s = flat(accountStream(community, unitId));
    const ai = Math.floor(rnd() * AREAS.length);
    const amount = monthly[ai]!;
    const amountStr = amount.toString();
    const r = rnd();
    const kind = r < 0.7 ? 'on-time' : r < 0.8 ? 'prepaid' : r < 0.95 ? 'late' : 'chronic';
    const channel = CHANNELS[u % CHANNELS.length]!;
    let credit = Money.zero();
    let txn = 0;
    if (kind === 'prepaid') {
      const pre = amount.timesInteger(12);
      credit = pre;
      push(s, 'PaymentReceived', '2024-12-20', () => d({ paymentId: `${unitId}-pre`, channel, channelTxnId: `${unitId}-t${txn++}`, amount: pre.toString(), receivedOn: '2024-12-20', allocations: [], toCredit: pre.toString() }));
    }
    const open: { chargeId: string; dueDay: number }[] = [];
    for (let m = 0; m < 12; m++) {
      const mo = months[m]!;
      // charge ids as the billing run makes them: the fee item and the period, the same in every unit
      const chargeId = flat(`property-${mo.key}`);
      push(s, 'ChargeIssued', mo.start, () => d({ chargeId, communityId: community, unitId, feeItemId: 'property', periodKey: mo.key, periodStart: mo.start, periodEnd: mo.end, dueDate: mo.due, amount: amountStr, calculation: calc[ai], scheduleVersion: 1, regime: 'lump-sum', commission: '0.00' }), system);
      push(s, 'ReminderRecorded', mo.start, () => d({ stage: 'reminder', channel: 'sms', on: mo.start, chargeIds: [chargeId] }), system);
      if (kind === 'prepaid' && credit.greaterThanOrEqual(amount)) {
        push(s, 'CreditApplied', mo.start, () => d({ chargeId, amount: amountStr }), system);
        credit = credit.subtract(amount);
        continue;
      }
      if (kind === 'on-time' && u % 2 === 0) {
        // half the prompt payers also rent a parking space: a fixed fee paid by withholding
        const parkingId = flat(`parking-${mo.key}`);
        const paid = isoDateOf(mo.startDay + 5 + Math.floor(rnd() * 20));
        push(s, 'ChargeIssued', mo.start, () => d({ chargeId: parkingId, communityId: community, unitId, feeItemId: 'parking', periodKey: mo.key, periodStart: mo.start, periodEnd: mo.end, dueDate: mo.due, amount: '50.00', calculation: PARKING, scheduleVersion: 1, regime: 'lump-sum', commission: '0.00' }), system);
        push(s, 'PaymentReceived', paid, () => d({ paymentId: `${unitId}-${parkingId}-p`, channel: 'withholding', channelTxnId: `${unitId}-${parkingId}-w`, amount: '50.00', receivedOn: paid, allocations: [{ chargeId: parkingId, kind: 'principal', amount: '50.00' }], toCredit: '0.00' }));
      }
      if (kind === 'on-time' || kind === 'prepaid') {
        const day = isoDateOf(mo.startDay + 10 + Math.floor(rnd() * 30));
        push(s, 'PaymentReceived', day, () => d({ paymentId: `${unitId}-p${m}`, channel, channelTxnId: `${unitId}-t${txn++}`, amount: amountStr, receivedOn: day, allocations: [{ chargeId, kind: 'principal', amount: amountStr }], toCredit: '0.00' }));
        continue;
      }
      if (kind === 'late') {
        // pays 20 to 60 days late, after a phone call and a penalty assessment
        const late = 20 + Math.floor(rnd() * 40);
        const payDay = mo.dueDay + late;
        const callDay = isoDateOf(mo.dueDay + 15);
        push(s, 'ReminderRecorded', callDay, () => d({ stage: 'phone', channel: 'phone', on: callDay, chargeIds: [chargeId] }));
        const penalty = amount.times(['0.0003', late]);
        const from = isoDateOf(mo.dueDay + 1);
        const to = isoDateOf(payDay);
        push(s, 'PenaltyAssessed', to, () => d({ chargeId, asOf: to, from, to, days: late, segments: [{ from, to, days: late, base: amountStr, unrounded: '0' }], dailyRate: '0.0003', rounding: 'half-up', unrounded: '0', amount: penalty.toString(), cappedBy: null }), system);
        const total = amount.add(penalty);
        const allocations = [{ chargeId, kind: 'principal', amount: amountStr }];
        if (penalty.isPositive()) allocations.push({ chargeId, kind: 'penalty', amount: penalty.toString() });
        push(s, 'PaymentReceived', to, () => d({ paymentId: `${unitId}-p${m}`, channel, channelTxnId: `${unitId}-t${txn++}`, amount: total.toString(), receivedOn: to, allocations, toCredit: '0.00' }));
        continue;
      }
      // chronic: never pays; reminders escalate on the oldest charge
      open.push({ chargeId, dueDay: mo.dueDay });
      const oldest = open[0]!;
      const stage = m - 0 >= 3 ? 'legal' : m >= 2 ? 'written-notice' : 'phone';
      const on = isoDateOf(mo.startDay + 20);
      push(s, 'ReminderRecorded', on, () => d({ stage, channel: stage === 'legal' ? 'court' : 'letter', on, chargeIds: [oldest.chargeId] }));
    }
    if (kind === 'chronic') {
      push(s, 'ArrearsClassified', '2025-12-31', () => d({ arrearsClass: 'chronic', on: '2025-12-31' }));
      // a year-end penalty on each open charge
      for (const o of open) {
        if (o.dueDay >= epochDayOf(2025, 12, 31)) continue;
        const days = epochDayOf(2025, 12, 31) - o.dueDay;
        const from = isoDateOf(o.dueDay + 1);
        push(s, 'PenaltyAssessed', '2025-12-31', () => d({ chargeId: o.chargeId, asOf: '2025-12-31', from, to: '2025-12-31', days, segments: [{ from, to: '2025-12-31', days, base: amountStr, unrounded: '0' }], dailyRate: '0.0003', rounding: 'half-up', unrounded: '0', amount: amount.times(['0.0003', days]).toString(), cappedBy: null }), system);
      }
    }
  }
  for (const date of [...days.keys()].sort()) for (const make of days.get(date)!) make();
  return out;
};
