// Money's limit (docs/accounts.md, refusals): a command the account decider accepts leaves an
// account that still folds and on which later commands can still be decided. A command that would
// take a total the state keeps past 90071992547409.91 is refused, AMOUNT_TOO_LARGE at the field that
// would, naming the total and the limit, and nothing is written.
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import {
  type AccountCommand,
  type AccountContext,
  type AccountEvent,
  type AccountPolicy,
  type AccountState,
  type LevyCommand,
  DEFAULT_ACCOUNT_POLICY,
  LARGE_CHARGE,
  Money,
  accountBalance,
  accountDecider,
  accountOutstanding,
  accountStream,
  createLevy,
  openMemoryEventStore,
} from '@levy/core';
import { assess, cancel, committeeApproval, ctx, issue, managerApproval, pay, plan, refund, reverse, run, waive } from './account-fixtures.js';
import { CID, adoptSchedule, registerCommunity, registerUnit } from './community-fixtures.js';

const LIMIT = '90071992547409.91';
const SIXTY = '60000000000000.00';

/** What the state keeps, as text: every total, every charge's and lot's figures, the tables' sizes. */
const fingerprint = (s: AccountState): string =>
  JSON.stringify([
    s.version,
    String(s.credit),
    String(accountBalance(s)),
    [...s.charges.values()].map((c) => [c.chargeId, String(c.paidPrincipal), String(c.waivedPrincipal), String(c.outstandingPrincipal), String(c.penaltyAssessed), String(c.penaltyPaid), String(c.penaltyWaived), String(c.outstandingPenalty), c.cancelled]),
    [...s.lots.values()].map((l) => [l.lotId, String(l.remaining), String(l.refunded), String(l.takenBack)]),
    s.openLots,
    s.open,
    s.payments.size,
    [...s.plans.values()].map((p) => [p.planId, p.status, String(p.total)]),
    s.waivers.size,
    s.refunds.size,
  ]);

/** Decides `command` on `state` and expects a refusal that leaves the state as it was. */
const refused = (state: AccountState, command: AccountCommand, context: AccountContext = ctx()) => {
  const before = fingerprint(state);
  const r = accountDecider.decide(command, state, context);
  if (E.isRight(r)) throw new Error(`${command.type} was accepted: ${r.right.map((e) => e.type).join(', ')}`);
  expect(fingerprint(state)).toBe(before);
  return r.left;
};

/** The account folds from its events, and what it owes and its balance can be read. */
const folds = (events: readonly AccountEvent[]): AccountState => {
  const state = events.reduce(accountDecider.evolve, accountDecider.initialState());
  accountBalance(state);
  accountOutstanding(state);
  return state;
};

/** A policy beside the default: penalty at `dailyRate` with `cap`, and a manager's waiver limit. */
const policy = (penalty: Partial<AccountPolicy['penalty']>, managerWaiverLimit = '200.00'): AccountPolicy => ({
  ...DEFAULT_ACCOUNT_POLICY,
  penalty: Object.freeze({ ...DEFAULT_ACCOUNT_POLICY.penalty, ...penalty }),
  managerWaiverLimit: Money.of(managerWaiverLimit),
});

// a payment's targets, as the payer names them (the codecs brand the ids and amounts)
const penaltyOnly = (chargeId: string, amount: string) => ({ targets: [{ chargeId, kind: 'penalty', amount }] }) as never;
const principalOnly = (chargeId: string, amount: string) => ({ targets: [{ chargeId, kind: 'principal', amount }] }) as never;

describe('credit (预收)', () => {
  it('refuses a second payment of 60,000,000,000,000.00 whose excess would take the credit past the limit', () => {
    const { state, events } = run([pay('A', SIXTY, '2025-03-01')]);
    const e = refused(state, pay('B', SIXTY, '2025-03-02'));
    expect([e.code, e.path]).toEqual(['AMOUNT_TOO_LARGE', ['data', 'amount']]);
    expect(e.details).toMatchObject({ total: '120000000000000.00', limit: LIMIT });
    expect(e.message).toContain(`would come to 120000000000000.00, beyond ${LIMIT}`);
    // still folds, and ordinary commands still decide on it
    expect(folds(events).credit.toString()).toBe(SIXTY);
    const later = run([issue('2025-03', '250.60', '2025-04-15'), pay('C', '100.00', '2025-03-03'), refund('1000.00', '2025-03-04', 'R1'), assess('2025-05-31')], ctx(), state);
    expect(folds([...events, ...later.events]).credit.toString()).toBe('59999999998849.40');
  });

  it('takes credit up to the limit exactly, and not a fen more', () => {
    const { state } = run([pay('A', SIXTY, '2025-03-01'), pay('B', '30071992547409.91', '2025-03-02')]);
    expect(state.credit.toString()).toBe(LIMIT);
    const e = refused(state, pay('C', '0.01', '2025-03-03'));
    expect([e.code, e.path, e.details?.total]).toEqual(['AMOUNT_TOO_LARGE', ['data', 'amount'], '90071992547409.92']);
    // credit used, it is taken again
    const later = run([issue('2025-04', '500.00', '2025-05-15'), pay('C', '0.01', '2025-04-02')], ctx(), state);
    expect(later.state.credit.toString()).toBe('90071992546909.92');
  });

  it('takes a payment of what is owed beside credit near the limit', () => {
    // credit beside a charge a bounce re-opened: paying that charge leaves nothing over
    const { state } = run([issue('2025-03', SIXTY, '2025-04-15'), pay('A', SIXTY, '2025-03-01'), pay('B', '30000000000000.00', '2025-03-02'), reverse('wechat-A', '2025-03-03')]);
    expect([state.credit.toString(), accountOutstanding(state).principal.toString()]).toEqual(['30000000000000.00', SIXTY]);
    expect(run([pay('C', SIXTY, '2025-03-04')], ctx(), state).state.credit.toString()).toBe('30000000000000.00');
  });

  it('refuses a cancellation whose paid part would take the credit past the limit', () => {
    // 80,000,000,000,000.00 paid on March, 20,000,000,000,000.00 over in credit
    const { state, events } = run([issue('2025-03', '80000000000000.00', '2025-04-15'), pay('A', '80000000000000.00', '2025-03-01'), pay('B', '20000000000000.00', '2025-03-02')]);
    const e = refused(state, cancel('property-2025-03', '2025-03-03'));
    expect([e.code, e.path, e.details]).toEqual(['AMOUNT_TOO_LARGE', ['data', 'chargeId'], { chargeId: 'property-2025-03', total: '100000000000000.00', limit: LIMIT }]);
    // once part of the credit is refunded, it may be cancelled
    const later = run([refund('20000000000000.00', '2025-03-03', 'R1'), cancel('property-2025-03', '2025-03-04')], ctx(), state);
    expect(folds([...events, ...later.events]).credit.toString()).toBe('80000000000000.00');
  });

  it('refunds huge credit over and over: what is refunded in all is not a total the account keeps', () => {
    // pay in, refund, pay in again: 180,000,000,000,000.00 refunded in all, every lot within the limit
    const cycle = (n: number): AccountCommand[] => [pay(`P${n}`, SIXTY, `2025-03-0${n}`), refund('59999999999999.99', `2025-03-0${n}`, `R${n}a`), refund('0.01', `2025-03-0${n}`, `R${n}b`)];
    const { state, events } = run([...cycle(1), ...cycle(2), ...cycle(3)]);
    expect(state.credit.toString()).toBe('0.00');
    expect(state.refunds.size).toBe(6);
    expect([...state.lots.values()].map((l) => l.refunded.toString())).toEqual([SIXTY, SIXTY, SIXTY]);
    folds(events);
    // a refund beyond the credit is refused as ever, and a bounce of a refunded payment too
    expect(refused(state, refund(LIMIT, '2025-03-04')).code).toBe('REFUND_EXCEEDS_CREDIT');
    expect(refused(state, reverse('wechat-P3', '2025-03-04')).code).toBe('REVERSAL_CREDIT_REFUNDED');
  });
});

describe('what the unit owes', () => {
  it('refuses a charge that would take what the unit owes past the limit', () => {
    const { state, events } = run([issue('2025-03', SIXTY, '2025-04-15')]);
    const e = refused(state, issue('2025-04', SIXTY, '2025-05-15'));
    expect([e.code, e.path, e.details]).toEqual(['AMOUNT_TOO_LARGE', ['data', 'amount'], { chargeId: 'property-2025-04', total: '120000000000000.00', limit: LIMIT }]);
    const later = run([pay('A', '30000000000000.00', '2025-04-01'), issue('2025-04', SIXTY, '2025-05-15')], ctx(), state);
    expect(accountBalance(folds([...events, ...later.events])).toString()).toBe('90000000000000.00');
  });

  it('counts the credit a new charge takes at once as not owed', () => {
    // 60 owed and 50 in credit (it arose after the charge, a bounce re-opened it): a charge of 70 owes 20 beside the 60
    const { state } = run([issue('2025-03', SIXTY, '2025-04-15'), pay('A', SIXTY, '2025-03-01'), pay('B', '50000000000000.00', '2025-03-02'), reverse('wechat-A', '2025-03-03')]);
    const next = run([issue('2025-04', '70000000000000.00', '2025-05-15')], ctx(), state).state;
    expect([accountOutstanding(next).principal.toString(), next.credit.toString()]).toEqual(['80000000000000.00', '0.00']);
  });

  it('refuses a reversal that would re-open more than the limit allows', () => {
    // March paid by A; April issued after it: A bouncing would make both owed
    const { state, events } = run([issue('2025-03', SIXTY, '2025-04-15'), pay('A', SIXTY, '2025-03-01'), issue('2025-04', SIXTY, '2025-05-15')]);
    const e = refused(state, reverse('wechat-A', '2025-04-02'));
    expect([e.code, e.path, e.details]).toEqual(['AMOUNT_TOO_LARGE', ['data', 'paymentId'], { paymentId: 'wechat-A', total: '120000000000000.00', limit: LIMIT }]);
    // paid down, it bounces
    const later = run([pay('B', '30000000000000.00', '2025-04-02'), reverse('wechat-A', '2025-04-03')], ctx(), state);
    expect(accountBalance(folds([...events, ...later.events])).toString()).toBe('90000000000000.00');
  });
});

describe('penalties on huge principals', () => {
  it('refuses an assessment whose penalty would take what the unit owes past the limit', () => {
    const { state, events } = run([issue('2025-03', '90071000000000.00', '2025-04-15')]);
    const e = refused(state, assess('2025-04-16'));
    // one day of 日万分之三 on 90,071,000,000,000.00 is 27,021,300,000.00
    expect([e.code, e.path, e.details]).toEqual(['AMOUNT_TOO_LARGE', ['data', 'asOf'], { chargeId: 'property-2025-03', total: '90098021300000.00', limit: LIMIT }]);
    // paid down, it is assessed: April 16 on the whole, April 17 on what is left
    const later = run([pay('A', '50000000000000.00', '2025-04-16'), assess('2025-04-16'), assess('2025-04-17')], ctx(), state);
    const after = folds([...events, ...later.events]);
    expect(after.charges.get('property-2025-03')!.penaltyAssessed.toString()).toBe('39042600000.00');
  });

  it('refuses an assessment that would count a principal over more days than Money holds, and takes it over fewer', () => {
    // 1,000,000,000,000.00 a day over 107 days (March 16 to June 30) is beyond the limit, in the count
    const { state } = run([issue('2025-02', '1000000000000.00', '2025-03-15')]);
    const e = refused(state, assess('2025-06-30'));
    expect([e.code, e.path, e.details]).toEqual([
      'AMOUNT_TOO_LARGE',
      ['data', 'asOf'],
      { chargeId: 'property-2025-02', from: '2025-03-16', through: '2025-06-30', total: '107000000000000.00', limit: LIMIT },
    ]);
    expect(e.message).toContain('fewer days at a time');
    const { state: after, events } = run([assess('2025-05-31'), assess('2025-06-30')], ctx(), state);
    // 77 days, then 30: 日万分之三 of 1,000,000,000,000.00 a day
    expect(events.map((x) => (x.type === 'PenaltyAssessed' ? x.data.amount : x.type))).toEqual(['23100000000.00', '9000000000.00']);
    expect(after.charges.get('property-2025-02')!.penaltyAssessed.toString()).toBe('32100000000.00');
  });

  it("refuses an assessment that would take a charge's penalty, paid or not, past the limit", () => {
    // a day's penalty is the principal (a rate of 1, no cap): each is paid, and the fourth would pass the limit
    const context = ctx({ policy: policy({ dailyRate: '1', cap: { kind: 'none' } }) });
    const thirty = '30000000000000.00';
    const c = 'property-2025-03';
    const { state } = run(
      [
        issue('2025-03', thirty, '2025-04-15'),
        assess('2025-04-16'),
        pay('A', thirty, '2025-04-16', penaltyOnly(c, thirty)),
        assess('2025-04-17'),
        pay('B', thirty, '2025-04-17', penaltyOnly(c, thirty)),
        assess('2025-04-18'),
        pay('C', thirty, '2025-04-18', penaltyOnly(c, thirty)),
      ],
      context,
    );
    expect(state.charges.get(c)!.penaltyAssessed.toString()).toBe('90000000000000.00');
    const e = refused(state, assess('2025-04-19'), context);
    expect([e.code, e.path, e.details]).toEqual(['AMOUNT_TOO_LARGE', ['data', 'asOf'], { chargeId: c, total: '120000000000000.00', limit: LIMIT }]);
    // paid off, nothing more accrues: the assessment decides nothing
    const paid = run([pay('D', thirty, '2025-04-18', principalOnly(c, thirty)), assess('2025-04-19')], context, state);
    expect(paid.state.charges.get(c)!.penaltyAssessed.toString()).toBe('90000000000000.00');
  });

  it('counts a percentage cap beyond the limit as no cap: it never binds', () => {
    const capped = ctx({ policy: policy({ cap: { kind: 'percentage', percent: '200' } }) });
    const none = ctx({ policy: policy({ cap: { kind: 'none' } }) });
    const given = [issue('2025-03', '50000000000000.00', '2025-04-15'), assess('2025-04-16')];
    const amounts = (c: AccountContext) => run(given, c).events.flatMap((x) => (x.type === 'PenaltyAssessed' ? [x.data.amount] : []));
    expect(amounts(capped)).toEqual(['15000000000.00']);
    expect(amounts(capped)).toEqual(amounts(none));
  });

  it('refuses a payment booked late whose recount would give penalty back as credit past the limit', () => {
    const context = ctx({ policy: policy({ dailyRate: '1', cap: { kind: 'none' } }) });
    const c = 'property-2025-03';
    const thirty = '30000000000000.00';
    // April 16's penalty (30) is paid, and 30 is over; February, paid, is cancelled: 35 more in credit
    const { state, events } = run(
      [
        issue('2025-02', '35000000000000.00', '2025-03-15'),
        pay('B', '35000000000000.00', '2025-02-02'),
        issue('2025-03', thirty, '2025-04-15'),
        assess('2025-04-16'),
        pay('A', SIXTY, '2025-04-16', penaltyOnly(c, thirty)),
        cancel('property-2025-02', '2025-04-17'),
      ],
      context,
    );
    expect(state.credit.toString()).toBe('65000000000000.00');
    // the principal paid on April 15 leaves no base on April 16: its penalty, paid, goes back to credit
    const late = pay('L', thirty, '2025-04-15', principalOnly(c, thirty));
    const e = refused(state, late, context);
    expect([e.code, e.path, e.details]).toEqual(['AMOUNT_TOO_LARGE', ['data', 'receivedOn'], { chargeId: c, total: '95000000000000.00', limit: LIMIT }]);
    const later = run([refund('10000000000000.00', '2025-04-18', 'R1'), late], context, state);
    expect(folds([...events, ...later.events]).credit.toString()).toBe('85000000000000.00');
  });
});

describe('installment plans and waivers', () => {
  it('refuses installments that add up past the limit at data.installments', () => {
    const { state } = run([issue('2025-03', '100.00', '2025-04-15')]);
    const e = refused(state, plan('P1', ['property-2025-03'], [['2025-07-15', SIXTY], ['2025-08-15', SIXTY]], '2025-06-05'));
    expect([e.code, e.path, e.details]).toEqual(['AMOUNT_TOO_LARGE', ['data', 'installments'], { owed: '100.00', total: '120000000000000.00', limit: LIMIT }]);
    const agreed = run([plan('P1', ['property-2025-03'], [['2025-07-15', '60.00'], ['2025-08-15', '40.00']], '2025-06-05'), pay('A', '60.00', '2025-06-06')], ctx(), state);
    expect(agreed.state.plans.get('P1')!.status).toBe('active');
  });

  it('agrees a plan over charges owing near the limit, and completes it', () => {
    const { state } = run([
      issue('2025-03', '45000000000000.00', '2025-04-15'),
      issue('2025-04', '45000000000000.00', '2025-05-15'),
      plan('P1', ['property-2025-03', 'property-2025-04'], [['2025-07-15', '45000000000000.00'], ['2025-08-15', '45000000000000.00']], '2025-04-01'),
      pay('A', '45000000000000.00', '2025-06-01'),
      pay('B', '45000000000000.00', '2025-06-02'),
    ]);
    expect(state.plans.get('P1')!.status).toBe('completed');
  });

  it("decides a plan's deadline when what its charges received since passes the limit", () => {
    // two bounces re-open 59,999,999,999,999.99 on each charge; paid again after installment 1's deadline
    const big = '59999999999999.99';
    const { state } = run([
      issue('2025-01', SIXTY, '2025-02-15'),
      pay('A', big, '2025-01-02', principalOnly('property-2025-01', big)),
      issue('2025-02', SIXTY, '2025-03-15'),
      pay('B', big, '2025-02-02', principalOnly('property-2025-02', big)),
      plan('P1', ['property-2025-01', 'property-2025-02'], [['2025-03-20', '0.01'], ['2025-03-25', '0.01']], '2025-03-01'),
      reverse('wechat-A', '2025-04-20'),
      pay('C', big, '2025-04-21', principalOnly('property-2025-01', big)),
      reverse('wechat-B', '2025-04-22'),
    ]);
    // paying off the plan's charges asks whether installment 1 was paid by its deadline: 120,000,000,000,000.00 came after it
    const done = run([pay('D', '60000000000000.01', '2025-04-23')], ctx(), state);
    const last = done.events.at(-1)!;
    expect([last.type, last.type === 'InstallmentPlanDefaulted' ? last.data.missedSeq : null]).toEqual(['InstallmentPlanDefaulted', 1]);
  });

  it("refuses a manager's waivers on a charge that would add up past the limit as needing the committee", () => {
    // a day's penalty is the principal; a payment booked late lowers a waived penalty, and a manager waives again
    const context = ctx({ policy: policy({ dailyRate: '1', cap: { kind: 'none' } }, '90000000000000.00') });
    const c = 'property-2025-03';
    const half = '22500000000000.00';
    const byManager = { approval: managerApproval } as never;
    const { state } = run(
      [
        issue('2025-03', '45000000000000.00', '2025-04-15'),
        assess('2025-04-16'),
        waive(c, 'penalty', '45000000000000.00', '2025-04-16', byManager, 'W1'),
        pay('L', half, '2025-04-15', principalOnly(c, half)),
        assess('2025-04-18'),
        waive(c, 'penalty', '45000000000000.00', '2025-04-18', byManager, 'W2'),
        assess('2025-04-19'),
      ],
      context,
    );
    // 90,000,000,000,000.00 waived by managers, as granted: 22,500,000,000,000.00 more would pass Money's limit
    const e = refused(state, waive(c, 'penalty', half, '2025-04-19', byManager, 'W3'), context);
    expect([e.code, e.path]).toEqual(['WAIVER_APPROVAL_REQUIRED', ['data', 'amount']]);
    expect(e.message).toContain('would make 112500000000000.00');
    const committee = run([waive(c, 'penalty', half, '2025-04-19', { approval: committeeApproval } as never, 'W3')], context, state);
    expect(committee.state.charges.get(c)!.outstandingPenalty.toString()).toBe('0.00');
  });
});

describe('an account that is large', () => {
  it('is one with a charge, or a penalty on one, of more than LARGE_CHARGE: only then does a decision count what the unit owes', () => {
    expect(LARGE_CHARGE.toString()).toBe('2748779069.44');
    const ordinary = run([issue('2025-03', '2748779069.44', '2025-04-15'), pay('A', '100000000000.00', '2025-03-02'), assess('2025-05-31')]);
    expect(ordinary.state.large).toBe(false);
    expect(run([issue('2025-04', '2748779069.45', '2025-05-15')], ctx(), ordinary.state).state.large).toBe(true);
    // a penalty past it (a rate of 1 a day over two days of 1,500,000,000.00)
    const fast = ctx({ policy: policy({ dailyRate: '1', cap: { kind: 'none' } }) });
    const penalised = run([issue('2025-03', '1500000000.00', '2025-04-15'), assess('2025-04-16')], fast);
    expect(penalised.state.large).toBe(false);
    expect(run([assess('2025-04-17')], fast, penalised.state).state.large).toBe(true);
  });
});

describe('through the handler', () => {
  it('writes nothing for the refused payment, and the account goes on', async () => {
    const store = openMemoryEventStore();
    let n = 0;
    const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z', newId: (p) => `${p}-${++n}` });
    for (const c of [registerCommunity(), registerUnit('B1-0101'), adoptSchedule()] as LevyCommand[]) {
      const r = await levy.handle(c, { communityId: CID });
      if (E.isLeft(r)) throw new Error(r.left.message);
    }
    const unit = { communityId: CID, unitId: 'B1-0101' };
    const count = async (): Promise<number> => {
      let k = 0;
      for await (const _ of store.readStream(accountStream(CID, 'B1-0101'))) k++;
      return k;
    };
    expect(E.isRight(await levy.handle(pay('A', SIXTY, '2025-03-01') as LevyCommand, unit))).toBe(true);
    const second = await levy.handle(pay('B', SIXTY, '2025-03-02') as LevyCommand, unit);
    expect(E.isLeft(second) && [second.left.code, second.left.path]).toEqual(['AMOUNT_TOO_LARGE', ['data', 'amount']]);
    expect(await count()).toBe(1);
    expect(E.isRight(await levy.handle(pay('C', '250.60', '2025-03-03') as LevyCommand, unit))).toBe(true);
    expect((await levy.readAccount(CID, 'B1-0101')).credit.toString()).toBe('60000000000250.60');
  });
});
