import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type AccountContext,
  type AccountEvent,
  type AccountState,
  Money,
  accountBalance,
  accountDecider,
  accountPolicyFrom,
  assessPenalty,
  canonicalJson,
  decodeEvent,
  isOpen,
  isoDateOf,
  principalTimeline,
  settledFrom,
  validateSchedule,
} from '@levy/core';
import { type AccountStep, accountLogArbitrary, accountStepArbitrary, commandOfStep, feeScheduleArbitrary, fenOf, runAccountSteps, storedEventsOf } from '../src/index.js';
import { runs } from './support/properties.js';

const m = (s: string): number => fenOf(Money.of(s));

/** balance = charges − cancellations + penalties − waivers − payments + reversals + refunds (DESIGN.md, invariants), in fen from the events alone. */
const balanceFromEvents = (events: readonly AccountEvent[]): number => {
  let fen = 0;
  for (const e of events) {
    switch (e.type) {
      case 'ChargeIssued':
        fen += m(e.data.amount);
        break;
      case 'ChargeCancelled':
        fen -= m(e.data.outstandingPrincipal) + m(e.data.paidPrincipalToCredit) + m(e.data.outstandingPenalty) + m(e.data.paidPenaltyToCredit);
        break;
      case 'PenaltyAssessed':
        fen += m(e.data.amount);
        break;
      case 'PenaltyAdjusted':
        // less what it changes on waivers: lowered penalty that had been waived was never owed
        fen += m(e.data.amount);
        for (const w of e.data.waivers ?? []) fen -= m(w.amount);
        break;
      case 'WaiverGranted':
        fen -= m(e.data.amount);
        break;
      case 'PaymentReceived':
        fen -= m(e.data.amount);
        break;
      case 'PaymentReversed':
        fen += m(e.data.amount);
        break;
      case 'CreditRefunded':
        fen += m(e.data.amount);
        break;
      default:
        break;
    }
  }
  return fen;
};

const checkState = (s: AccountState): void => {
  expect(fenOf(s.credit)).toBeGreaterThanOrEqual(0);
  for (const c of s.charges.values()) {
    // no charge over-paid: paid + waived never beyond the charge, nothing owed below zero
    expect(fenOf(c.paidPrincipal) + fenOf(c.waivedPrincipal)).toBeLessThanOrEqual(fenOf(c.amount));
    expect(fenOf(c.outstandingPrincipal)).toBeGreaterThanOrEqual(0);
    expect(fenOf(c.outstandingPenalty)).toBeGreaterThanOrEqual(0);
    expect(fenOf(c.penaltyPaid) + fenOf(c.penaltyWaived)).toBeLessThanOrEqual(fenOf(c.penaltyAssessed));
    if (!c.cancelled) expect(fenOf(c.outstandingPrincipal)).toBe(fenOf(c.amount) - fenOf(c.paidPrincipal) - fenOf(c.waivedPrincipal));
  }
};

describe('feeScheduleArbitrary', () => {
  it('makes schedules the community decider adopts: every use type an item applies to is priced', () => {
    fc.assert(
      fc.property(feeScheduleArbitrary(), (schedule) => {
        const { communityId: _, ...data } = schedule;
        const r = validateSchedule(data as never);
        expect(r._tag === 'Left' ? `${r.left.code} at ${r.left.path.join('.')}` : 'adoptable').toBe('adoptable');
      }),
    );
  });
});

describe('accountLogArbitrary', () => {
  it('makes logs whose events all decode to themselves', () => {
    fc.assert(
      fc.property(accountLogArbitrary({ units: { min: 1, max: 3 }, steps: 40 }), (log) => {
        for (const { event } of log.entries) {
          const d = decodeEvent(JSON.parse(JSON.stringify(event)));
          if (d._tag === 'Left') throw new Error(`${event.type} does not decode: ${JSON.stringify(d.left)}`);
          expect(canonicalJson(d.right)).toBe(canonicalJson(event));
        }
      }),
      { numRuns: runs(60) },
    );
  });

  it('keeps the balance equal to charges − cancellations + penalties − waivers − payments + reversals + refunds', () => {
    fc.assert(
      fc.property(accountLogArbitrary({ units: { min: 1, max: 3 }, steps: 60 }), (log) => {
        for (const a of log.accounts) {
          expect(fenOf(accountBalance(a.state))).toBe(balanceFromEvents(a.events));
          // the state folded again from the log is the same
          const again = a.events.reduce(accountDecider.evolve, accountDecider.initialState());
          expect(fenOf(accountBalance(again))).toBe(fenOf(accountBalance(a.state)));
        }
      }),
      { numRuns: runs(80) },
    );
  });

  it('never over-pays a charge and never lets credit go below zero, at every step', () => {
    fc.assert(
      fc.property(accountLogArbitrary({ units: 1, steps: 60 }), (log) => {
        let s = accountDecider.initialState();
        for (const e of log.accounts[0]!.events) {
          s = accountDecider.evolve(s, e);
          checkState(s);
        }
      }),
      { numRuns: runs(80) },
    );
  });

  it("splits every payment exactly into its allocations and credit, and every reversal into what it re-opens and takes back", () => {
    fc.assert(
      fc.property(accountLogArbitrary({ units: 2, steps: 60 }), (log) => {
        for (const { event: e } of log.entries) {
          if (e.type === 'PaymentReceived') expect(e.data.allocations.reduce((f, a) => f + m(a.amount), 0) + m(e.data.toCredit)).toBe(m(e.data.amount));
          if (e.type === 'PaymentReversed') {
            const parts = e.data.allocations.reduce((f, a) => f + m(a.amount), 0) + e.data.creditApplications.reduce((f, a) => f + m(a.amount), 0) + m(e.data.fromCredit);
            expect(parts).toBe(m(e.data.amount));
          }
        }
      }),
      { numRuns: runs(80) },
    );
  });

  it("keeps the account's open charges exactly the charges isOpen names, in charge order, after every event", () => {
    let closedSeen = 0;
    fc.assert(
      fc.property(accountLogArbitrary({ units: 1, steps: 80 }), (log) => {
        let s = accountDecider.initialState();
        for (const e of log.accounts[0]!.events) {
          s = accountDecider.evolve(s, e);
          const expected: number[] = [];
          s.charges.toArray().forEach((c, i) => {
            if (isOpen(c)) expected.push(i);
            else closedSeen += 1;
          });
          expect(s.open).toEqual(expected);
          // every charge that owes anything is open: payments allocate over the open ones only
          for (const c of s.charges.values()) if (!c.cancelled && (c.outstandingPrincipal.isPositive() || c.outstandingPenalty.isPositive())) expect(isOpen(c)).toBe(true);
        }
      }),
      { numRuns: runs(120) },
    );
    // the logs must settle charges, or the index was never asked to drop one
    expect(closedSeen).toBeGreaterThan(0);
  });

  it('assesses each charge contiguously: every assessment starts the day after the previous one ended', () => {
    fc.assert(
      fc.property(accountLogArbitrary({ units: 1, steps: 60 }), (log) => {
        const last = new Map<string, string>();
        for (const e of log.accounts[0]!.events) {
          if (e.type !== 'PenaltyAssessed') continue;
          const prev = last.get(e.data.chargeId);
          if (prev !== undefined) expect(e.data.from > prev).toBe(true);
          expect(e.data.from <= e.data.to).toBe(true);
          expect(m(e.data.amount)).toBeGreaterThan(0);
          last.set(e.data.chargeId, e.data.to);
        }
      }),
      { numRuns: runs(80) },
    );
  });

  it('keeps every assessed penalty at what the rule gives on the base as it finally stands, however late payments, waivers and reversals were booked', () => {
    let adjusted = 0;
    fc.assert(
      fc.property(accountLogArbitrary({ units: 1, steps: { min: 60, max: 150 } }), (log) => {
        const { state, events } = log.accounts[0]!;
        adjusted += events.filter((e) => e.type === 'PenaltyAdjusted').length;
        // each correction points at the assessments it corrects: booked before it, on its charge, through the same day
        const assessed = new Map<string, { chargeId: string; to: string }>();
        for (const e of events) {
          if (e.type === 'PenaltyAssessed') assessed.set(e.meta.eventId, { chargeId: e.data.chargeId, to: e.data.to });
          if (e.type === 'PenaltyAdjusted') for (const p of e.data.pieces) expect(assessed.get(p.assessment)).toEqual({ chargeId: e.data.chargeId, to: p.to });
        }
        for (const c of state.charges.values()) {
          if (c.cancelled) continue;
          // each assessment's days counted again, in order, on the final base: together what is assessed now
          let already = Money.zero();
          for (const p of c.penaltyPieces) {
            const policy = { dailyRate: p.dailyRate, graceDays: 0, cap: p.cap ?? log.policy.penalty.cap, rounding: p.rounding };
            const a = assessPenalty({ principal: c.amount, dueDate: c.dueDay, through: p.to, from: p.from, principalTimeline: principalTimeline(c), alreadyAssessed: already, policy });
            if (a._tag === 'Left') throw new Error(a.left.message);
            expect([c.chargeId, p.from, a.right.amount.toString()]).toEqual([c.chargeId, p.from, p.amount.toString()]);
            already = already.add(a.right.amount);
          }
          expect(already.toString()).toBe(c.penaltyAssessed.toString());
        }
      }),
      { numRuns: runs(80) },
    );
    // late-booked entries must have changed assessed days in some logs, or this checked nothing new
    expect(adjusted).toBeGreaterThan(0);
  });

  it('assesses no penalty on a charge whose principal was paid off (or waived) by its due date plus grace, however late anything was assessed or booked', () => {
    let settledInTime = 0;
    fc.assert(
      fc.property(accountLogArbitrary({ units: 1, steps: { min: 40, max: 100 } }), (log) => {
        const { state } = log.accounts[0]!;
        for (const c of state.charges.values()) {
          if (c.cancelled || !c.outstandingPrincipal.isZero() || c.amount.isZero()) continue;
          // the last lowering counts from the day after it: paid off on settledFrom − 1
          if (settledFrom(c) - 1 > c.dueDay + log.policy.penalty.graceDays) continue;
          settledInTime++;
          expect([c.chargeId, c.penaltyAssessed.toString()]).toEqual([c.chargeId, '0.00']);
        }
      }),
      { numRuns: runs(80) },
    );
    // the logs must pay charges in time, or this checked nothing
    expect(settledInTime).toBeGreaterThan(50);
  });

  it('decides nothing new when a command is repeated right after it was decided', () => {
    fc.assert(
      fc.property(feeScheduleArbitrary(), fc.array(accountStepArbitrary(1), { maxLength: 50, size: 'max' }), (schedule, steps: AccountStep[]) => {
        const policy = accountPolicyFrom(schedule);
        const cursor = { day: 20089, states: [accountDecider.initialState()], nextPeriod: [0] };
        let n = 0;
        for (const step of steps) {
          const command = commandOfStep(step, cursor);
          if (command === null) continue;
          const ctx: AccountContext = { now: `${isoDateOf(cursor.day)}T02:00:00Z` as AccountContext['now'], newId: (p) => `${p}-${++n}`, communityId: 'c', unitId: 'u', policy, closedThrough: null, timeZone: 'Asia/Shanghai' };
          const first = accountDecider.decide(command, cursor.states[0]!, ctx);
          if (first._tag === 'Left') continue;
          const after = first.right.reduce(accountDecider.evolve, cursor.states[0]!);
          const again = accountDecider.decide(command, after, ctx);
          expect(again._tag === 'Right' ? again.right.map((e) => e.type) : again.left.code).toEqual([]);
          cursor.states[0] = after;
        }
      }),
      { numRuns: runs(80) },
    );
  });

  it('gives the same log for the same steps, and stored events numbered per stream', () => {
    fc.assert(
      fc.property(feeScheduleArbitrary(), fc.array(accountStepArbitrary(2), { maxLength: 30, size: 'max' }), (schedule, steps) => {
        const a = runAccountSteps(steps, { units: 2, schedule });
        const b = runAccountSteps(steps, { units: 2, schedule });
        expect(canonicalJson(a.entries)).toBe(canonicalJson(b.entries));
        const stored = storedEventsOf(a);
        expect(stored.map((e) => e.position)).toEqual(stored.map((_, i) => BigInt(i + 1)));
        const perStream = new Map<string, bigint>();
        for (const e of stored) {
          expect(e.revision).toBe(perStream.get(e.streamId) ?? 0n);
          perStream.set(e.streamId, e.revision + 1n);
        }
      }),
      { numRuns: runs(40) },
    );
  });

  it('reaches every account event type across a batch of logs', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(accountLogArbitrary({ units: 2, steps: { min: 40, max: 80 } }), (log) => {
        for (const { event } of log.entries) seen.add(event.type);
      }),
      { numRuns: runs(100) },
    );
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'ArrearsClassified',
        'ChargeCancelled',
        'ChargeIssued',
        'CreditApplied',
        'CreditRefunded',
        'InstallmentPlanAgreed',
        'InstallmentPlanCompleted',
        'InstallmentPlanDefaulted',
        'PaymentReceived',
        'PaymentReversed',
        'PenaltyAdjusted',
        'PenaltyAssessed',
        'ReminderRecorded',
        'WaiverGranted',
      ]),
    );
  });
});
