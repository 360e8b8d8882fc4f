// Example logs for the audit flags and book anomalies that the deciders refuse: each is what a
// log written by other code, an older Levy or a hand-edited export can hold. Every example has
// beside it the nearest sound log, which is not flagged, so a test fails both ways.
import { describe, expect, it } from 'vitest';
import type { EventData, EventOf } from '@levy/core';
import { type LoggedEvent, agingReport, auditTrail, chargeAsOf, chargeOf, creditAsOf, dayOf, levyProjection, rebuild } from '../src/index.js';
import { C, S1, S2, SC, U1, charge, ev, quarterLog } from './fixtures.js';

const ok = <A>(e: { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left') throw new Error(JSON.stringify(e.left));
  return e.right;
};

// the flagged rows of a log's trail, the book's anomalies joined in: [type, flags, notes]
const flagged = (log: readonly LoggedEvent[]) => {
  const v = rebuild(levyProjection, log);
  return ok(auditTrail(v.audit, { flagged: true }, v.book.anomalies)).rows.map((r) => ({ index: r.index, type: r.type, flags: r.flags, notes: r.notes }));
};

// the quarter's own flag: the principal waiver w2, recorded 11 days late without the committee
const QUARTER_FLAGS = [['WaiverGranted', ['BACKDATED', 'WAIVER_WITHOUT_APPROVAL']]];
const codes = (log: readonly LoggedEvent[]) => flagged(log).map((r) => [r.type, r.flags]);

// a copy of the log's first event of that type, its meta without an approval
const withoutApproval = (log: readonly LoggedEvent[], type: string): LoggedEvent[] =>
  log.map((e) => {
    if (e.type !== type) return e;
    const { approval: _approval, ...meta } = e.meta as { approval?: unknown };
    return { ...e, meta } as LoggedEvent;
  });

const anomaliesOf = (log: readonly LoggedEvent[]) => rebuild(levyProjection, log).book.anomalies.map((a) => ({ code: a.code, eventId: a.eventId, streamId: a.streamId, seq: a.seq, message: a.message }));

describe('audit flags', () => {
  it('is sound on the quarter: its only flag is the late principal waiver', () => {
    expect(codes(quarterLog())).toEqual(QUARTER_FLAGS);
  });

  describe('BILLED_BEFORE_PUBLICATION', () => {
    // version 2 of the schedule takes effect from February 1 but was published (公示) on February 10
    const base = quarterLog().slice(0, 4);
    const v1 = base[3]!;
    const adopt = (version: number, publishedOn: string, effectiveFrom: string) =>
      ev(SC, 'FeeScheduleAdopted', publishedOn, { ...(v1.data as object), version, publishedOn, effectiveFrom } as EventData<'FeeScheduleAdopted'>);
    const billed = (chargeId: string, period: string, start: string, end: string, due: string, on: string, scheduleVersion: number) => {
      const e = charge(S1, U1, chargeId, period, start, end, due, '280.00', on);
      return { ...e, data: { ...e.data, scheduleVersion } } as LoggedEvent;
    };

    it('flags a charge billed from a schedule published after its period began, naming the charge, period, version and day', () => {
      const log = [...base, adopt(2, '2025-02-10', '2025-02-01'), billed('c1-2025-02', '2025-02', '2025-02-01', '2025-02-28', '2025-03-15', '2025-02-10', 2)];
      const rows = flagged(log);
      expect(rows.map((r) => [r.index, r.type, r.flags])).toEqual([[5, 'ChargeIssued', ['BILLED_BEFORE_PUBLICATION']]]);
      expect(rows[0]!.notes).toEqual(['charge c1-2025-02 bills 2025-02 from schedule 2, published 2025-02-10 after the period began']);
    });

    it('does not flag the same period billed from the schedule published before it, nor the next period from the late one, nor one published on its first day', () => {
      const log = [
        ...base,
        adopt(2, '2025-02-10', '2025-02-01'),
        adopt(3, '2025-04-01', '2025-04-01'),
        billed('c1-2025-02', '2025-02', '2025-02-01', '2025-02-28', '2025-03-15', '2025-02-10', 1),
        billed('c1-2025-03', '2025-03', '2025-03-01', '2025-03-31', '2025-04-15', '2025-03-01', 2),
        billed('c1-2025-04', '2025-04', '2025-04-01', '2025-04-30', '2025-05-15', '2025-04-01', 3),
      ];
      expect(flagged(log)).toEqual([]);
    });
  });

  describe('CANCELLATION_WITHOUT_APPROVAL', () => {
    it('flags a charge cancelled without an approval, naming the charge', () => {
      const rows = flagged(withoutApproval(quarterLog(), 'ChargeCancelled')).filter((r) => r.type === 'ChargeCancelled');
      expect(rows).toEqual([{ index: 10, type: 'ChargeCancelled', flags: ['CANCELLATION_WITHOUT_APPROVAL'], notes: ['charge c2-2025-02 was cancelled without an approval'] }]);
    });

    it("does not flag the quarter's cancellation, which the committee approved", () => {
      const v = rebuild(levyProjection, quarterLog());
      const row = ok(auditTrail(v.audit, { type: 'ChargeCancelled' })).rows[0]!;
      expect([row.flags, row.approval]).toEqual([[], 'Committee chair Wang (committee) YWH-2025-04 2025-04-01']);
    });
  });

  describe('EXPENDITURE_WITHOUT_APPROVAL', () => {
    it('flags spending recorded without an approval, naming the expenditure and its amount', () => {
      const log = withoutApproval(quarterLog(), 'ExpenditureRecorded');
      const rows = flagged(log).filter((r) => r.type === 'ExpenditureRecorded');
      expect(rows).toEqual([{ index: 13, type: 'ExpenditureRecorded', flags: ['EXPENDITURE_WITHOUT_APPROVAL'], notes: ['expenditure x1 of 1000.00 has no approval'] }]);
      const v = rebuild(levyProjection, log);
      expect(ok(auditTrail(v.audit, { flagged: true, communityId: C }, v.book.anomalies)).flagCounts).toEqual({ BACKDATED: 1, WAIVER_WITHOUT_APPROVAL: 1, EXPENDITURE_WITHOUT_APPROVAL: 1 });
    });

    it("does not flag the quarter's expenditure, which the committee approved", () => {
      const v = rebuild(levyProjection, quarterLog());
      expect(ok(auditTrail(v.audit, { type: 'ExpenditureRecorded' })).rows.map((r) => r.flags)).toEqual([[]]);
    });
  });

  describe('IN_CLOSED_PERIOD', () => {
    // Q1 is closed through March 31 (on April 1); a transfer received on a day of it is booked on April 3
    const late = (on: string) =>
      ev(
        S1,
        'PaymentReceived',
        on,
        { paymentId: `bt-${on}`, channel: 'bank-transfer', channelTxnId: `bt-${on}`, amount: '10.00', receivedOn: on, allocations: [], toCredit: '10.00' } as unknown as EventData<'PaymentReceived'>,
        { recordedAt: '2025-04-03T02:00:00Z' },
      );

    it('flags an entry dated inside a period closed before it was booked, naming its date and the end of the closed period', () => {
      const log = [...quarterLog(), late('2025-03-31')];
      const row = flagged(log).find((r) => r.index === log.length - 1);
      expect(row).toEqual({ index: log.length - 1, type: 'PaymentReceived', flags: ['IN_CLOSED_PERIOD'], notes: ['dated 2025-03-31, inside a period closed through 2025-03-31'] });
    });

    it('does not flag the day after the closed period, nor an entry of the period booked before the close', () => {
      expect(codes([...quarterLog(), late('2025-04-01')])).toEqual(QUARTER_FLAGS);
      // the quarter's own March payments, refund and expenditure were booked before the close
      expect(flagged(quarterLog()).filter((r) => r.flags.includes('IN_CLOSED_PERIOD'))).toEqual([]);
    });

    it('flags an entry that breaks a rule and is dated in a closed period with both', () => {
      const spend = ev(SC, 'ExpenditureRecorded', '2025-03-28', { communityId: C, expenditureId: 'x2', category: 'repairs', amount: '80.00', vendor: 'FixCo', paidOn: '2025-03-28', description: 'gate' } as unknown as EventData<'ExpenditureRecorded'>, {
        recordedAt: '2025-04-03T02:00:00Z',
      });
      const rows = flagged([...quarterLog(), spend]).filter((r) => r.type === 'ExpenditureRecorded');
      expect(rows.map((r) => r.flags)).toEqual([['EXPENDITURE_WITHOUT_APPROVAL', 'IN_CLOSED_PERIOD']]);
    });
  });
});

describe('book anomalies', () => {
  it('finds none in the quarter', () => {
    expect(anomaliesOf(quarterLog())).toEqual([]);
  });

  describe('CHARGE_UNKNOWN', () => {
    const payment = (stream: string, chargeId: string) =>
      ev(stream, 'PaymentReceived', '2025-04-12', {
        paymentId: `wx-${chargeId}`,
        channel: 'wechat',
        channelTxnId: `wx-${chargeId}`,
        amount: '280.00',
        receivedOn: '2025-04-12',
        allocations: [{ chargeId, kind: 'principal', amount: '280.00' }],
        toCredit: '0.00',
      } as unknown as EventData<'PaymentReceived'>);

    it("is a payment naming a charge its unit was never billed (another unit's charge id), kept and not applied", () => {
      // c1-2025-01 is B1-101's charge; a payment to B2-201 names it
      const log = [...quarterLog(), payment(S2, 'c1-2025-01')];
      const last = log[log.length - 1]!;
      expect(anomaliesOf(log)).toEqual([
        { code: 'CHARGE_UNKNOWN', eventId: last.meta.eventId, streamId: S2, seq: log.length - 1, message: `PaymentReceived names charge c1-2025-01, which ${S2} was never billed` },
      ]);
      const v = rebuild(levyProjection, log);
      expect(ok(auditTrail(v.audit, { flagged: true }, v.book.anomalies)).rows.at(-1)).toMatchObject({ index: log.length - 1, flags: ['CHARGE_UNKNOWN'] });
      // B2-201's own January charge still owes what it did
      expect(v.book.units.get(S2)!.charges.map((c) => c.principal.toString())).toEqual(['450.00', '0.00']);
    });

    it('is a cancellation naming a charge its unit was never billed', () => {
      const cancel = ev(
        S1,
        'ChargeCancelled',
        '2025-04-12',
        { chargeId: 'c1-2025-09', amount: '280.00', commission: '0.00', outstandingPrincipal: '280.00', paidPrincipalToCredit: '0.00', outstandingPenalty: '0.00', paidPenaltyToCredit: '0.00' } as unknown as EventData<'ChargeCancelled'>,
        { approval: { approver: 'Committee chair Wang', approverRole: 'committee', reference: 'YWH-9', date: '2025-04-12' } },
      );
      expect(anomaliesOf([...quarterLog(), cancel]).map((a) => [a.code, a.message])).toEqual([['CHARGE_UNKNOWN', `ChargeCancelled names charge c1-2025-09, which ${S1} was never billed`]]);
    });

    it('is not a payment naming a charge of its own unit', () => {
      // B2-201 owes 450.00 on its January charge
      expect(anomaliesOf([...quarterLog(), payment(S2, 'c2-2025-01')])).toEqual([]);
    });
  });

  describe('CHARGE_CANCELLED_TWICE', () => {
    const log = quarterLog();
    const first = log.find((e) => e.type === 'ChargeCancelled')!;
    // the same cancellation booked again on its day under a new event id (a retry by other code)
    const again = ev(S2, 'ChargeCancelled', '2025-02-20', first.data as EventOf<'ChargeCancelled'>['data'], { reason: 'unit vacant, billed in error', approval: (first.meta as EventOf<'ChargeCancelled'>['meta']).approval });

    // the quarter up to its cancellation (February 20), then one more event
    const at = log.indexOf(first) + 1;
    const inserted = (e: LoggedEvent) => [...log.slice(0, at), e];

    it('is a second cancellation of a charge, on the second', () => {
      const withAgain = inserted(again);
      expect(anomaliesOf(withAgain)).toEqual([{ code: 'CHARGE_CANCELLED_TWICE', eventId: again.meta.eventId, streamId: S2, seq: at, message: `charge c2-2025-02 of ${S2} was cancelled twice` }]);
      expect(flagged(withAgain).filter((r) => r.type === 'ChargeCancelled')).toEqual([{ index: at, type: 'ChargeCancelled', flags: ['CHARGE_CANCELLED_TWICE'], notes: [`charge c2-2025-02 of ${S2} was cancelled twice`] }]);
    });

    it('keeps the first cancellation: a second dated later neither brings the charge back between them nor credits its paid part again', () => {
      const later = ev(S2, 'ChargeCancelled', '2025-04-15', first.data as EventOf<'ChargeCancelled'>['data'], { reason: 'billed in error', approval: (first.meta as EventOf<'ChargeCancelled'>['meta']).approval });
      const once = rebuild(levyProjection, log);
      const twice = rebuild(levyProjection, [...log, later]);
      const u = (v: typeof once) => v.book.units.get(S2)!;
      const march = dayOf('2025-03-01');
      expect(chargeAsOf(chargeOf(u(twice), 'c2-2025-02')!, march)).toEqual(chargeAsOf(chargeOf(u(once), 'c2-2025-02')!, march));
      expect(chargeAsOf(chargeOf(u(twice), 'c2-2025-02')!, march).live).toBe(false);
      expect(agingReport(twice.book, { asOf: dayOf('2025-03-31') }).total.toString()).toBe(agingReport(once.book, { asOf: dayOf('2025-03-31') }).total.toString());
      expect(creditAsOf(u(twice), dayOf('2025-04-30')).toString()).toBe(creditAsOf(u(once), dayOf('2025-04-30')).toString());
      expect(twice.book.anomalies.map((a) => a.code)).toEqual(['CHARGE_CANCELLED_TWICE']);
    });

    it("is not the cancellation of the unit's other charge", () => {
      const other = { ...again, data: { ...again.data, chargeId: 'c2-2025-01', amount: '500.00', outstandingPrincipal: '500.00' } } as LoggedEvent;
      expect(anomaliesOf(inserted(other))).toEqual([]);
    });
  });

  describe('PAYMENT_UNBALANCED', () => {
    const payment = (allocations: readonly { chargeId: string; amount: string }[], toCredit: string) =>
      ev(S1, 'PaymentReceived', '2025-01-20', {
        paymentId: 'p1',
        channel: 'wechat',
        channelTxnId: 'wx-1',
        amount: '300.00',
        receivedOn: '2025-01-20',
        allocations: allocations.map((a) => ({ ...a, kind: 'principal' })),
        toCredit,
      } as unknown as EventData<'PaymentReceived'>);
    // the quarter with its first payment (300.00: 280.00 to January, 20.00 to credit) replaced
    const replaced = (p: LoggedEvent) => quarterLog().map((e) => (e.type === 'PaymentReceived' && (e.data as { paymentId: string }).paymentId === 'p1' ? p : e));

    it('is a payment whose allocations and credit do not add up to it, naming all three', () => {
      const p = payment([{ chargeId: 'c1-2025-01', amount: '280.00' }], '0.00');
      const log = replaced(p);
      expect(anomaliesOf(log).filter((a) => a.code === 'PAYMENT_UNBALANCED')).toEqual([
        { code: 'PAYMENT_UNBALANCED', eventId: p.meta.eventId, streamId: S1, seq: log.indexOf(p), message: 'payment p1: allocations 280.00 plus credit 0.00 is not the payment 300.00' },
      ]);
      // split over two lines, the allocations are summed
      const split = payment([{ chargeId: 'c1-2025-01', amount: '200.00' }, { chargeId: 'c1-2025-01', amount: '50.00' }], '20.00');
      expect(anomaliesOf(replaced(split)).find((a) => a.code === 'PAYMENT_UNBALANCED')?.message).toBe('payment p1: allocations 250.00 plus credit 20.00 is not the payment 300.00');
    });

    it('is not a payment that allocations and credit add up to, on one line or several', () => {
      expect(anomaliesOf(replaced(payment([{ chargeId: 'c1-2025-01', amount: '280.00' }], '20.00')))).toEqual([]);
      expect(anomaliesOf(replaced(payment([{ chargeId: 'c1-2025-01', amount: '200.00' }, { chargeId: 'c1-2025-01', amount: '80.00' }], '20.00')))).toEqual([]);
    });
  });

  describe('PAYMENT_UNKNOWN', () => {
    // B1-101 holds 240.00 of credit after the quarter: a reversal takes 100.00 of it back
    const reversal = (paymentId: string) =>
      ev(S1, 'PaymentReversed', '2025-04-12', { paymentId, reason: 'bounced', channel: 'alipay', amount: '100.00', allocations: [], fromCredit: '100.00', creditApplications: [] } as unknown as EventData<'PaymentReversed'>);

    it("is a reversal of a payment the unit never received (another unit's payment id)", () => {
      // p3 was received by B2-201
      const r = reversal('p3');
      const log = [...quarterLog(), r];
      expect(anomaliesOf(log)).toEqual([{ code: 'PAYMENT_UNKNOWN', eventId: r.meta.eventId, streamId: S1, seq: log.length - 1, message: `reversal of payment p3, which ${S1} never received` }]);
      expect(flagged(log).at(-1)).toMatchObject({ type: 'PaymentReversed', flags: ['PAYMENT_UNKNOWN'] });
    });

    it('is not a reversal of a payment the unit received', () => {
      expect(anomaliesOf([...quarterLog(), reversal('p2')])).toEqual([]);
    });
  });

  describe('REVERSAL_UNBALANCED', () => {
    // the quarter's bounced p3 (500.00, all of it on c2-2025-01), its allocations edited
    const replaced = (allocated: string) =>
      quarterLog().map((e) =>
        e.type === 'PaymentReversed' ? ({ ...e, data: { ...e.data, allocations: [{ chargeId: 'c2-2025-01', kind: 'principal', amount: allocated }] } } as LoggedEvent) : e,
      );

    it('is a reversal whose allocations, credit applications and credit taken back do not add up to it', () => {
      const log = replaced('450.00');
      const r = log.find((e) => e.type === 'PaymentReversed')!;
      expect(anomaliesOf(log)).toEqual([
        {
          code: 'REVERSAL_UNBALANCED',
          eventId: r.meta.eventId,
          streamId: S2,
          seq: log.indexOf(r),
          message: 'reversal of p3: allocations, credit applications and credit taken back add to 450.00, not 500.00',
        },
      ]);
      expect(flagged(log).find((x) => x.type === 'PaymentReversed')?.flags).toEqual(['REVERSAL_UNBALANCED']);
    });

    it('is not the reversal as it was booked', () => {
      expect(anomaliesOf(replaced('500.00'))).toEqual([]);
    });
  });
});
