// Money's limit, as a property (docs/accounts.md, refusals): random account commands with amounts
// drawn near 90071992547409.91 (and halves and thirds of it), mixed with ordinary ones, under
// policies that let penalty grow fast. Whatever is accepted still folds, its balance and what it
// owes can be read, and the next command is decided: never a throw, every refusal a DomainError,
// and a total past the limit refused at the field that would take it there, never at [].
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import {
  type AccountCommand,
  type AccountContext,
  type AccountEvent,
  type AccountPolicy,
  type AccountState,
  type CommandMeta,
  DEFAULT_ACCOUNT_POLICY,
  Money,
  accountBalance,
  accountDecider,
  accountOutstanding,
  epochDayOf,
  isoDateOf,
} from '@levy/core';
import { committeeApproval, managerApproval } from './account-fixtures.js';
import { runs } from '../../testkit/test/support/properties.js';

const MAX_FEN = Number.MAX_SAFE_INTEGER;
const FIRST_DAY = epochDayOf(2025, 1, 1);

// amounts in fen: ordinary bills, and the edges of what Money holds
const fenArbitrary: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 300_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map((k) => MAX_FEN - k) },
  { weight: 2, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((k) => Math.floor(MAX_FEN / 2) + k) },
  { weight: 1, arbitrary: fc.integer({ min: -1_000, max: 1_000 }).map((k) => Math.floor(MAX_FEN / 3) + k) },
  { weight: 2, arbitrary: fc.integer({ min: 100_000_000_000, max: MAX_FEN }) },
  // about LARGE_CHARGE (2^38 fen), past which an account counts what it owes
  { weight: 1, arbitrary: fc.integer({ min: 2 ** 37, max: 2 ** 39 }) },
);
const yuan = (fen: number): string => Money.fromMinorUnits(fen).toString();

/** A share (1 to 100 percent) of an amount, at least a fen when the amount is. */
const share = (m: Money, percent: number): Money => {
  const s = m.times([String(percent), '0.01'], 'down');
  return s.isPositive() ? s : m;
};

type Step =
  | { kind: 'issue'; fen: number; dueIn: number; advance: number }
  | { kind: 'pay'; fen: number; late: number; target: number | null; penalty: boolean; advance: number }
  | { kind: 'payAll'; advance: number }
  | { kind: 'reverse'; pick: number; advance: number }
  | { kind: 'assess'; advance: number }
  | { kind: 'waive'; pick: number; penalty: boolean; percent: number; fen: number | null; committee: boolean; advance: number }
  | { kind: 'cancel'; pick: number; advance: number }
  | { kind: 'plan'; pick: number; count: number; parts: number; fens: number[] | null; advance: number }
  | { kind: 'refund'; percent: number; fen: number | null; advance: number }
  | { kind: 'apply'; advance: number };

const advance = fc.integer({ min: 0, max: 12 });
const pick = fc.nat({ max: 20 });
const percent = fc.integer({ min: 1, max: 100 });
const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('issue' as const), fen: fenArbitrary, dueIn: fc.integer({ min: 0, max: 40 }), advance }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      fen: fenArbitrary,
      late: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
      target: fc.option(pick, { freq: 3 }),
      penalty: fc.boolean(),
      advance,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('payAll' as const), advance }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick, advance }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('assess' as const), advance }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('waive' as const), pick, penalty: fc.boolean(), percent, fen: fc.option(fenArbitrary, { freq: 4 }), committee: fc.boolean(), advance }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick, advance }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('plan' as const),
      pick,
      count: fc.integer({ min: 1, max: 3 }),
      parts: fc.integer({ min: 1, max: 4 }),
      fens: fc.option(fc.array(fenArbitrary, { minLength: 1, maxLength: 3 }), { freq: 2 }),
      advance,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), percent, fen: fc.option(fenArbitrary, { freq: 3 }), advance }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('apply' as const), advance }) },
);

// penalty that grows fast (a rate of 1 a day, no cap), a percentage cap beyond Money's limit, a manager's limit near it
const policyArbitrary: fc.Arbitrary<AccountPolicy> = fc
  .record({
    penalty: fc.constantFrom<Partial<AccountPolicy['penalty']>>(
      {},
      { dailyRate: '1', cap: { kind: 'none' } },
      { dailyRate: '0.05', cap: { kind: 'percentage', percent: '300' } },
      { cap: { kind: 'absolute', amount: Money.fromMinorUnits(MAX_FEN) } },
      { enabled: false },
    ),
    allocation: fc.constantFrom<AccountPolicy['allocation']>('oldest-first', 'penalty-first', 'largest-first'),
    managerWaiverLimit: fc.constantFrom('200.00', '90071992547409.91', '50000000000000.00'),
  })
  .map((p) => ({
    ...DEFAULT_ACCOUNT_POLICY,
    penalty: Object.freeze({ ...DEFAULT_ACCOUNT_POLICY.penalty, ...p.penalty }),
    allocation: p.allocation,
    managerWaiverLimit: Money.of(p.managerWaiverLimit),
  }));

const actor = { id: 'clerk-1', role: 'clerk' } as const;
const metaOn = (day: number, extra: Partial<CommandMeta> = {}): CommandMeta => ({ actor, effectiveDate: isoDateOf(day), ...extra }) as CommandMeta;
const relief = (committee: boolean): Partial<CommandMeta> => ({ reason: 'hardship', approval: committee ? committeeApproval : managerApproval }) as Partial<CommandMeta>;

interface Cursor {
  day: number;
  issued: number;
  txns: number;
}

const at = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);

/** The command of a step on the account as it stands, or null when it has nothing to act on. */
const commandOf = (step: Step, state: AccountState, cursor: Cursor): AccountCommand | null => {
  cursor.day += step.advance;
  const day = cursor.day;
  const live = [...state.charges.values()].filter((c) => !c.cancelled);
  switch (step.kind) {
    case 'issue': {
      const n = cursor.issued++;
      const amount = yuan(step.fen);
      return {
        type: 'IssueCharge',
        data: {
          feeItemId: 'property',
          periodKey: `${2025 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`,
          periodStart: isoDateOf(day),
          periodEnd: isoDateOf(day),
          dueDate: isoDateOf(day + step.dueIn),
          amount,
          calculation: { basis: 'manual', quantity: '1', unitPrice: amount, months: '1', unrounded: amount, rounding: 'half-up' },
          scheduleVersion: 1,
          regime: 'lump-sum',
          commission: '0',
        },
        meta: metaOn(day),
      } as unknown as AccountCommand;
    }
    case 'pay': {
      const amount = yuan(step.fen);
      const receivedOn = isoDateOf(Math.max(FIRST_DAY, day - step.late));
      const c = step.target === null ? undefined : at(live, step.target);
      const owed = c === undefined ? undefined : step.penalty ? c.outstandingPenalty : c.outstandingPrincipal;
      const targets = c === undefined || owed === undefined || !owed.isPositive() ? undefined : [{ chargeId: c.chargeId, kind: step.penalty ? 'penalty' : 'principal', amount: Money.min(owed, Money.of(amount)).toString() }];
      return {
        type: 'ReceivePayment',
        data: { channel: 'wechat', channelTxnId: `T${cursor.txns++}`, amount, receivedOn, ...(targets === undefined ? {} : { targets }) },
        meta: metaOn(day),
      } as unknown as AccountCommand;
    }
    case 'payAll': {
      const owed = accountOutstanding(state);
      const total = owed.principal.add(owed.penalty);
      if (!total.isPositive()) return null;
      return { type: 'ReceivePayment', data: { channel: 'alipay', channelTxnId: `A${cursor.txns++}`, amount: total.toString(), receivedOn: isoDateOf(day) }, meta: metaOn(day) } as unknown as AccountCommand;
    }
    case 'reverse': {
      const p = at([...state.payments.values()], step.pick);
      if (p === undefined) return null;
      return { type: 'ReversePayment', data: { paymentId: p.paymentId, reason: 'bounced' }, meta: metaOn(day) } as unknown as AccountCommand;
    }
    case 'assess':
      return { type: 'AssessPenalty', data: { asOf: isoDateOf(day) }, meta: metaOn(day) } as unknown as AccountCommand;
    case 'waive': {
      const c = at(
        live.filter((x) => (step.penalty ? x.outstandingPenalty : x.outstandingPrincipal).isPositive()),
        step.pick,
      );
      if (c === undefined) return null;
      const owed = step.penalty ? c.outstandingPenalty : c.outstandingPrincipal;
      const amount = step.fen === null ? share(owed, step.percent).toString() : yuan(step.fen);
      return {
        type: 'GrantWaiver',
        data: { chargeId: c.chargeId, kind: step.penalty ? 'penalty' : 'principal', amount },
        meta: metaOn(day, { ...relief(step.committee), commandId: `W${cursor.txns++}` }),
      } as unknown as AccountCommand;
    }
    case 'cancel': {
      const c = at(live, step.pick);
      if (c === undefined) return null;
      return { type: 'CancelCharge', data: { chargeId: c.chargeId }, meta: metaOn(day, relief(false)) } as unknown as AccountCommand;
    }
    case 'plan': {
      const owedCharges = live.filter((c) => c.outstandingPrincipal.isPositive() || c.outstandingPenalty.isPositive());
      if (owedCharges.length === 0) return null;
      const start = step.pick % owedCharges.length;
      const chosen = owedCharges.slice(start, start + step.count);
      const total = Money.sum(chosen.flatMap((c) => [c.outstandingPrincipal, c.outstandingPenalty]));
      const amounts = step.fens === null ? Money.split(total, step.parts).filter((m) => m.isPositive()).map(String) : step.fens.map(yuan);
      return {
        type: 'AgreeInstallmentPlan',
        data: { planId: `P${cursor.txns++}`, chargeIds: chosen.map((c) => c.chargeId), installments: amounts.map((amount, i) => ({ dueDate: isoDateOf(day + 20 * (i + 1)), amount })) },
        meta: metaOn(day, relief(false)),
      } as unknown as AccountCommand;
    }
    case 'refund': {
      if (!state.credit.isPositive() && step.fen === null) return null;
      const amount = step.fen === null ? share(state.credit, step.percent).toString() : yuan(step.fen);
      return { type: 'RefundCredit', data: { amount, channel: 'bank-transfer', refundedOn: isoDateOf(day), refundId: `R${cursor.txns++}` }, meta: metaOn(day) } as unknown as AccountCommand;
    }
    case 'apply':
      return { type: 'ApplyCredit', data: {}, meta: metaOn(day) } as unknown as AccountCommand;
  }
};

const contextOn = (day: number, policy: AccountPolicy): AccountContext => {
  let n = 0;
  return {
    now: `${isoDateOf(day)}T02:00:00Z` as AccountContext['now'],
    newId: (p) => `${p}-${++n}`,
    communityId: 'sunrise',
    unitId: 'B1-1203',
    policy,
    closedThrough: null,
    timeZone: 'Asia/Shanghai',
  };
};

/** Decides without a throw; a refusal is a DomainError, and a total past the limit is refused at a field. */
const decideSafely = (command: AccountCommand, state: AccountState, context: AccountContext) => {
  let decided: ReturnType<typeof accountDecider.decide>;
  try {
    decided = accountDecider.decide(command, state, context);
  } catch (e) {
    throw new Error(`${command.type} threw instead of deciding: ${String(e)}\n${JSON.stringify(command.data)}`);
  }
  if (E.isLeft(decided)) {
    const err = decided.left;
    expect(typeof err.code).toBe('string');
    expect(typeof err.message).toBe('string');
    expect(Array.isArray(err.path) && err.path.every((p) => typeof p === 'string')).toBe(true);
    if (err.code === 'AMOUNT_TOO_LARGE') expect(err.path.length, `${command.type}: ${err.message}`).toBeGreaterThan(0);
  }
  return decided;
};

/** The account folds from `events`, to the state the run reached, and its totals can be read. */
const foldsTo = (events: readonly AccountEvent[], state: AccountState): void => {
  const folded = events.reduce(accountDecider.evolve, accountDecider.initialState());
  expect(folded.credit.toString()).toBe(state.credit.toString());
  expect(accountBalance(folded).toString()).toBe(accountBalance(state).toString());
};

describe('amounts near Money’s limit', () => {
  it('never leave an account that does not fold, nor one on which a command cannot be decided', () => {
    const seen = { accepted: 0, huge: 0, refusedAtLimit: 0 };
    fc.assert(
      fc.property(policyArbitrary, fc.array(stepArbitrary, { minLength: 1, maxLength: 40 }), (policy, steps) => {
        const cursor: Cursor = { day: FIRST_DAY, issued: 0, txns: 0 };
        let state = accountDecider.initialState();
        const events: AccountEvent[] = [];
        for (const step of steps) {
          const command = commandOf(step, state, cursor);
          if (command === null) continue;
          const decided = decideSafely(command, state, contextOn(cursor.day, policy));
          if (E.isLeft(decided)) {
            if (decided.left.code === 'AMOUNT_TOO_LARGE') seen.refusedAtLimit++;
            continue;
          }
          for (const e of decided.right) {
            state = accountDecider.evolve(state, e);
            events.push(e);
          }
          seen.accepted++;
          // what the state keeps is readable
          const owed = accountOutstanding(state);
          accountBalance(state);
          if (owed.principal.add(owed.penalty).greaterThan(Money.of('1000000000000.00')) || state.credit.greaterThan(Money.of('1000000000000.00'))) seen.huge++;
        }
        foldsTo(events, state);
        // ordinary commands still decide on it
        const day = cursor.day + 1;
        const probes: Step[] = [
          { kind: 'pay', fen: 25_060, late: 0, target: null, penalty: false, advance: 1 },
          { kind: 'assess', advance: 0 },
          { kind: 'issue', fen: 25_060, dueIn: 15, advance: 0 },
          { kind: 'apply', advance: 0 },
          { kind: 'refund', percent: 50, fen: null, advance: 0 },
          { kind: 'payAll', advance: 0 },
        ];
        for (const probe of probes) {
          const command = commandOf(probe, state, cursor);
          if (command !== null) decideSafely(command, state, contextOn(day, policy));
        }
      }),
      { numRuns: runs(200) },
    );
    // the sequences reach the limit: huge accounts accepted, and some refused there
    expect(seen.huge).toBeGreaterThan(0);
    expect(seen.refusedAtLimit).toBeGreaterThan(0);
  });
});
