// model-based test of the account decider (TigerBeetle's auditor, STYLE.md): random command
// sequences run against the real decider and a small reference model in whole fen, under the
// oldest-first or the penalty-first allocation order; after every
// step the model predicts the refusal code or the outcome, and balances, credit and what each
// charge owes must agree. The model counts penalty day by day, independently of penalty.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { type AccountCommand, type AccountContext, type AccountEvent, type AccountState, DEFAULT_ACCOUNT_POLICY, Money, accountBalance, accountDecider, isoDateOf } from '@levy/core';
import { cancel, committeeApproval, ctx as makeCtx, day, issue, meta, pay, refund, reverse, waive } from './account-fixtures.js';
import { runs } from '../../testkit/test/support/properties.js';

// ---------------------------------------------------------------------------------------------
// the reference model: plain integers of fen, plain arrays
// ---------------------------------------------------------------------------------------------

interface MMove {
  from: number;
  fen: number;
  source: string;
}
interface MCharge {
  id: string;
  amount: number;
  due: number;
  paid: number;
  waived: number;
  pen: number;
  penPaid: number;
  penWaived: number;
  cancelled: boolean;
  last: number | null;
  /** the day it was issued, and the day of its latest penalty assessment: a payment received before either does not pay that part */
  issued: number;
  penOn: number | null;
  /** the day a reversal last re-opened it: a payment received before that does not pay it either */
  reopened: number | null;
  moves: MMove[];
  /** each assessment's days and what they come to now (counted again when a later-booked entry changes the base) */
  pieces: { from: number; to: number; fen: number }[];
  /** its penalty waivers in the order granted: what each granted, and what recounts took off it since */
  penWaivers: { id: string; fen: number; released: number }[];
}
interface MLot {
  id: string;
  remaining: number;
  applied: Map<string, number>;
  /** penalty it paid (ApplyCredit), less what recounts gave back since */
  appliedPen: Map<string, number>;
  refunded: number;
  takenBack: number;
  /**
   * the day its credit arose (the latest top-up's), or null until read: a penalty a recount gave
   * back arises on the recount's date, which depends on every change to the charge, so the model
   * reads that one day from the real state after the step (evolve keeps it) rather than repeat the rule
   */
  day: number | null;
}
interface MPay {
  id: string;
  amount: number;
  allocs: { id: string; kind: 'principal' | 'penalty'; fen: number }[];
  /** penalty it paid that a recount gave back as credit */
  moved: number;
  reversed: boolean;
}
interface Model {
  /** the community's allocation order: oldest-first (all principal, then penalty) or penalty-first */
  kinds: readonly ('principal' | 'penalty')[];
  day: number;
  periods: number;
  charges: MCharge[];
  pays: Map<string, MPay>;
  /** every lot, in the order each was first made ("latest lot first" reads them backwards) */
  lots: MLot[];
  /** the ids of the lots with credit left, in the order credit is spent: a lot topped up keeps its place, one emptied and topped up again goes last */
  open: string[];
  credit: number;
  waivers: number;
  refunds: number;
}
interface Real {
  state: AccountState;
}

const START = 20089; // 2025-01-01
const fen = (m: Money): number => {
  const s = m.toString();
  const neg = s.startsWith('-');
  const [w = '0', f = '00'] = (neg ? s.slice(1) : s).split('.');
  return (neg ? -1 : 1) * (Number(w) * 100 + Number(f));
};
const yuan = (f: number): string => `${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`;
const owedP = (c: MCharge): number => (c.cancelled ? 0 : c.amount - c.paid - c.waived);
const owedPen = (c: MCharge): number => (c.cancelled ? 0 : c.pen - c.penPaid - c.penWaived);
/** the day since which what the charge owes has been owed as it stands (issued, re-opened, and for penalty assessed) */
const since = (c: MCharge, kind: 'principal' | 'penalty'): number =>
  Math.max(c.issued, c.reopened ?? Number.NEGATIVE_INFINITY, kind === 'penalty' ? (c.penOn ?? Number.NEGATIVE_INFINITY) : Number.NEGATIVE_INFINITY);
const baseOn = (c: MCharge, d: number): number => c.amount - c.moves.filter((m) => m.from <= d).reduce((s, m) => s + m.fen, 0);
/** 日万分之三 of the day-by-day base over [from, to], half-up once, capped so the charge's penalty stays within its principal */
const penaltyOver = (c: MCharge, from: number, to: number, already: number): number => {
  let sum = 0;
  for (let d = from; d <= to; d++) sum += baseOn(c, d);
  return Math.min(Math.floor((sum * 3 + 5000) / 10000), Math.max(0, c.amount - already));
};

/**
 * After an entry that may have changed the base on days already assessed: every assessment counted
 * again. A lowering comes off what is still owed, then goes back to credit off the payments that
 * paid the penalty, latest first, and the rest comes off the charge's penalty waivers, latest
 * first; a raise first gives waivers back what lowerings took off them, earliest first.
 */
const recount = (m: Model, on: number, cause: string): void => {
  const changes: [MCharge, number[], number][] = [];
  for (const c of m.charges) {
    if (c.cancelled || c.pieces.length === 0) continue;
    let already = 0;
    const now = c.pieces.map((p) => {
      const a = penaltyOver(c, p.from, p.to, already);
      already += a;
      return a;
    });
    const change = now.reduce((s, a, i) => s + a - c.pieces[i]!.fen, 0);
    if (now.every((a, i) => a === c.pieces[i]!.fen)) continue;
    changes.push([c, now, change]);
  }
  for (const [c, now, change] of changes) {
    let rest = change < 0 ? -change - Math.min(-change, owedPen(c)) : 0;
    for (const p of [...m.pays.values()].reverse()) {
      if (rest === 0) break;
      if (p.reversed) continue;
      for (let i = p.allocs.length - 1; i >= 0 && rest > 0; i--) {
        const a = p.allocs[i]!;
        if (a.id !== c.id || a.kind !== 'penalty') continue;
        const take = Math.min(a.fen, rest);
        rest -= take;
        a.fen -= take;
        p.moved += take;
        c.penPaid -= take;
        addLot(m, `${cause}:${c.id}`, take, null);
      }
      p.allocs = p.allocs.filter((a) => a.fen > 0);
    }
    // then penalty credit paid, latest lot first; a payment's lot counts it as that payment's penalty given back
    for (const lot of [...m.lots].reverse()) {
      if (rest === 0) break;
      const take = Math.min(lot.appliedPen.get(c.id) ?? 0, rest);
      if (take === 0) continue;
      rest -= take;
      lot.appliedPen.set(c.id, lot.appliedPen.get(c.id)! - take);
      c.penPaid -= take;
      const p = m.pays.get(lot.id);
      if (p !== undefined) p.moved += take;
      addLot(m, `${cause}:${c.id}`, take, null);
    }
    for (let i = c.penWaivers.length - 1; i >= 0 && rest > 0; i--) {
      const w = c.penWaivers[i]!;
      const take = Math.min(w.fen - w.released, rest);
      rest -= take;
      w.released += take;
      c.penWaived -= take;
    }
    // what was assessed is owed, paid or waived: nothing can be left
    expect(rest).toBe(0);
    let give = Math.max(change, 0);
    for (const w of c.penWaivers) {
      const back = Math.min(w.released, give);
      give -= back;
      w.released -= back;
      c.penWaived += back;
    }
    c.pieces.forEach((p, i) => (p.fen = now[i]!));
    c.pen += change;
    if (change > 0) c.penOn = Math.max(c.penOn ?? on, on);
  }
};

/** credit lot parts as [lot id, fen] pairs (none when absent): what the model's lots predict */
const partsOf = (parts: readonly { lotId: string; amount: string }[] | undefined): [string, number][] => (parts ?? []).map((l): [string, number] => [l.lotId, fen(Money.of(l.amount))]);
/** A CreditApplied's lots as [lot id, fen] pairs */
const lotsOf = (e: AccountEvent): [string, number][] => (e.type === 'CreditApplied' ? partsOf(e.data.lots) : []);

/** uses `amount` of credit, `first` lot first then the open lots in order, of those whose credit had arisen by day `by`, telling `record` each part */
const useCredit = (model: Model, amount: number, by: number, record: (lot: MLot, part: number) => void, first: readonly string[] = []): void => {
  const order = [...new Set(first)].filter((id) => model.open.includes(id)).concat(model.open.filter((id) => !first.includes(id)));
  let left = amount;
  for (const id of order) {
    if (left === 0) break;
    const lot = model.lots.find((l) => l.id === id)!;
    if (lot.day! > by) continue;
    const part = Math.min(left, lot.remaining);
    if (part === 0) continue;
    lot.remaining -= part;
    left -= part;
    record(lot, part);
  }
  model.open = model.open.filter((id) => model.lots.find((l) => l.id === id)!.remaining > 0);
  model.credit -= amount;
};
/** adds `amount` to lot `id`, arisen on `day` (null: read from the real state after the step): a new lot, or more on the one of that id (which goes last if it had none left) */
const addLot = (model: Model, id: string, amount: number, day: number | null): void => {
  const lot = model.lots.find((l) => l.id === id);
  if (lot === undefined) model.lots.push({ id, remaining: amount, applied: new Map(), appliedPen: new Map(), refunded: 0, takenBack: 0, day });
  else {
    lot.remaining += amount;
    lot.day = day === null || lot.day === null ? null : Math.max(lot.day, day);
  }
  if (!model.open.includes(id)) model.open.push(id);
  model.credit += amount;
};

// ---------------------------------------------------------------------------------------------
// steps
// ---------------------------------------------------------------------------------------------

type Predicted = { refused: string } | { check?: (events: readonly AccountEvent[]) => void };

abstract class Step implements fc.Command<Model, Real> {
  constructor(readonly advance: number) {}
  check(): boolean {
    return true;
  }
  abstract command(m: Model): AccountCommand | null;
  abstract predict(m: Model, c: AccountCommand): Predicted;
  abstract toString(): string;
  run(m: Model, r: Real): void {
    m.day += this.advance;
    const command = this.command(m);
    if (command === null) return;
    // recorded on the model's day, 10:00 in Shanghai: nothing is assessed as of a day not yet begun
    const policy = m.kinds[0] === 'penalty' ? { ...DEFAULT_ACCOUNT_POLICY, allocation: 'penalty-first' as const } : DEFAULT_ACCOUNT_POLICY;
    const decided = accountDecider.decide(command, r.state, makeCtx({ now: `${isoDateOf(m.day)}T02:00:00Z` as AccountContext['now'], policy }));
    const predicted = this.predict(m, command);
    if ('refused' in predicted) {
      expect(E.isLeft(decided) ? decided.left.code : `decided ${JSON.stringify(decided.right.map((e) => e.type))}`).toBe(predicted.refused);
      return;
    }
    if (E.isLeft(decided)) throw new Error(`${this.toString()} refused: ${decided.left.code}: ${decided.left.message}`);
    predicted.check?.(decided.right);
    r.state = decided.right.reduce(accountDecider.evolve, r.state);
    for (const lot of m.lots) if (lot.day === null) lot.day = r.state.lots.get(lot.id)!.day;
    agree(m, r.state);
  }
}

const agree = (m: Model, s: AccountState): void => {
  expect(fen(s.credit)).toBe(m.credit);
  expect(m.credit).toBeGreaterThanOrEqual(0);
  for (const c of m.charges) {
    const real = s.charges.get(c.id)!;
    expect([c.id, fen(real.outstandingPrincipal), fen(real.outstandingPenalty)]).toEqual([c.id, owedP(c), owedPen(c)]);
    expect(owedP(c)).toBeGreaterThanOrEqual(0);
    expect([c.id, fen(real.penaltyWaived)]).toEqual([c.id, c.penWaived]);
    for (const w of c.penWaivers) expect([w.id, fen(s.waivers.get(w.id)!.released)]).toEqual([w.id, w.released]);
  }
  const balance = m.charges.reduce((b, c) => b + owedP(c) + owedPen(c), 0) - m.credit;
  expect(fen(accountBalance(s))).toBe(balance);
};

class Issue extends Step {
  constructor(
    advance: number,
    readonly amountFen: number,
  ) {
    super(advance);
  }
  command(m: Model): AccountCommand {
    const k = m.periods++;
    const y = 2025 + Math.floor(k / 12);
    const mo = (k % 12) + 1;
    const period = `${y}-${String(mo).padStart(2, '0')}`;
    const due = isoDateOf(START + 31 * (k + 1) + 14);
    return { ...issue(period, yuan(this.amountFen), due), meta: meta(isoDateOf(m.day)) };
  }
  predict(m: Model, c: AccountCommand): Predicted {
    const d = (c as Extract<AccountCommand, { type: 'IssueCharge' }>).data;
    const charge: MCharge = { id: `property-${d.periodKey}`, amount: this.amountFen, due: day(d.dueDate), paid: 0, waived: 0, pen: 0, penPaid: 0, penWaived: 0, cancelled: false, last: null, issued: m.day, penOn: null, reopened: null, moves: [], pieces: [], penWaivers: [] };
    m.charges.push(charge);
    const applied = Math.min(m.credit, charge.amount);
    const lots: [string, number][] = [];
    if (applied > 0) {
      useCredit(m, applied, m.day, (lot, part) => {
        lot.applied.set(charge.id, (lot.applied.get(charge.id) ?? 0) + part);
        charge.paid += part;
        charge.moves.push({ from: m.day + 1, fen: part, source: `credit:${lot.id}` });
        lots.push([lot.id, part]);
      });
    }
    return {
      check: (es) => {
        expect(es.map((e) => e.type)).toEqual(applied > 0 ? ['ChargeIssued', 'CreditApplied'] : ['ChargeIssued']);
        // whose credit it was: the model's lots, oldest first
        if (applied > 0) expect(lotsOf(es[1]!)).toEqual(lots);
      },
    };
  }
  toString(): string {
    return `Issue(+${this.advance}d, ${yuan(this.amountFen)})`;
  }
}

class Pay extends Step {
  constructor(
    advance: number,
    readonly amountFen: number,
    readonly txn: number,
    readonly back: number,
  ) {
    super(advance);
  }
  command(m: Model): AccountCommand {
    return { ...pay(`t${this.txn}`, yuan(this.amountFen), isoDateOf(this.received(m))), meta: meta(isoDateOf(m.day)) };
  }
  predict(m: Model, c: AccountCommand): Predicted {
    const id = `wechat-t${this.txn}`;
    const existing = m.pays.get(id);
    if (existing !== undefined) return existing.amount === this.amountFen ? { check: (es) => expect(es).toEqual([]) } : { refused: 'PAYMENT_CONFLICT' };
    const received = this.received(m);
    // in the community's order (oldest-first: all principal by due date, then penalties by due date;
    // penalty-first the other way round); only what was owed on the day it was received (charges
    // issued by then, penalty last assessed by then)
    const order = [...m.charges].filter((x) => !x.cancelled).sort((a, b) => a.due - b.due || (a.id < b.id ? -1 : 1));
    const allocs: MPay['allocs'] = [];
    let left = this.amountFen;
    for (const kind of m.kinds) {
      for (const ch of order) {
        const owed = since(ch, kind) > received ? 0 : kind === 'principal' ? owedP(ch) : owedPen(ch);
        const part = Math.min(left, owed);
        if (part <= 0) continue;
        left -= part;
        allocs.push({ id: ch.id, kind, fen: part });
        if (kind === 'principal') {
          ch.paid += part;
          ch.moves.push({ from: received + 1, fen: part, source: id });
        } else ch.penPaid += part;
      }
    }
    m.pays.set(id, { id, amount: this.amountFen, allocs, moved: 0, reversed: false });
    const toCredit = left;
    if (left > 0) addLot(m, id, left, received);
    // what is left goes, as credit, to charges issued after the day received, as it would have when they were issued
    const later: [string, number, number, [string, number][]][] = [];
    for (const ch of m.charges) {
      const from = since(ch, 'principal');
      if (left <= 0 || ch.cancelled || from <= received || owedP(ch) <= 0) continue;
      const part = Math.min(left, owedP(ch));
      left -= part;
      const lots: [string, number][] = [];
      later.push([ch.id, part, from, lots]);
      // from the lots whose credit had arisen by the day the charge has been owed since
      useCredit(m, part, from, (lot, piece) => {
        lot.applied.set(ch.id, (lot.applied.get(ch.id) ?? 0) + piece);
        ch.paid += piece;
        ch.moves.push({ from: from + 1, fen: piece, source: `credit:${lot.id}` });
        lots.push([lot.id, piece]);
      });
    }
    void c;
    recount(m, received, `payment:${id}`);
    return {
      check: (es) => {
        const p = es[0] as Extract<AccountEvent, { type: 'PaymentReceived' }>;
        expect(p.data.allocations.map((a) => [a.chargeId, a.kind, fen(Money.of(a.amount))])).toEqual(allocs.map((a) => [a.id, a.kind, a.fen]));
        expect(fen(Money.of(p.data.toCredit))).toBe(toCredit);
        const applied = es.slice(1).filter((e): e is Extract<AccountEvent, { type: 'CreditApplied' }> => e.type === 'CreditApplied');
        expect(applied.map((e) => [e.data.chargeId, fen(Money.of(e.data.amount)), day(e.meta.effectiveDate), lotsOf(e)])).toEqual(later);
      },
    };
  }
  /** the day it was received */
  received(m: Model): number {
    return Math.max(START, m.day - this.back);
  }
  toString(): string {
    return `Pay(+${this.advance}d, ${yuan(this.amountFen)}, t${this.txn}, -${this.back}d)`;
  }
}

/** A payment received `back` days before the latest day any charge is assessed through, booked now: it changes days already assessed. */
class PayBeforeAssessed extends Pay {
  override received(m: Model): number {
    const last = Math.max(...m.charges.map((c) => c.last ?? Number.NEGATIVE_INFINITY));
    return Number.isFinite(last) ? Math.max(START, Math.min(m.day, last - 1 - this.back)) : m.day;
  }
  override toString(): string {
    return `PayBeforeAssessed(+${this.advance}d, ${yuan(this.amountFen)}, t${this.txn}, -${this.back}d)`;
  }
}

/** reversals that re-opened what a cancelled charge's lot paid since (the runs must reach some) */
let reopenedFromLots = 0;

class Reverse extends Step {
  constructor(
    advance: number,
    readonly pick: number,
  ) {
    super(advance);
  }
  command(m: Model): AccountCommand | null {
    const pays = [...m.pays.values()];
    if (pays.length === 0) return null;
    return { ...reverse(pays[this.pick % pays.length]!.id, isoDateOf(m.day)) };
  }
  predict(m: Model, c: AccountCommand): Predicted {
    const p = m.pays.get((c as Extract<AccountCommand, { type: 'ReversePayment' }>).data.paymentId)!;
    if (p.reversed) return { check: (es) => expect(es).toEqual([]) };
    const lot = m.lots.find((l) => l.id === p.id);
    if (lot !== undefined && lot.refunded > 0) return { refused: 'REVERSAL_CREDIT_REFUNDED' };
    if (lot !== undefined && lot.takenBack > 0) return { refused: 'REVERSAL_CREDIT_SPENT' };
    const byId = new Map(m.charges.map((x) => [x.id, x]));
    let fromCredit = (lot?.remaining ?? 0) + p.moved;
    // its money in the lots of charges it paid, cancelled since: by lot, in the order met
    const shares = new Map<string, number>();
    const share = (id: string, f: number): void => void shares.set(`cancel:${id}`, (shares.get(`cancel:${id}`) ?? 0) + f);
    for (const [id, f] of [...p.allocs.map((a): [string, number] => [a.id, a.fen]), ...(lot?.applied ?? []), ...(lot?.appliedPen ?? [])]) {
      if (f <= 0 || !byId.get(id)!.cancelled) continue;
      fromCredit += f;
      share(id, f);
    }
    // what a lot no longer holds of it, it paid on charges since: those are re-opened, in the order the lot paid them
    // (principal, then penalty), lots in the order made; a part on a charge cancelled in turn is looked for in its lot
    const reopen: { lot: MLot; id: string; kind: 'principal' | 'penalty'; fen: number }[] = [];
    for (const l of m.lots) {
      const need = shares.get(l.id);
      if (need === undefined) continue;
      let short = need - l.remaining;
      for (const [table, kind] of [[l.applied, 'principal'], [l.appliedPen, 'penalty']] as const) {
        for (const [id, f] of table) {
          if (short <= 0) break;
          if (f <= 0) continue;
          const part = Math.min(short, f);
          short -= part;
          if (byId.get(id)!.cancelled) share(id, part);
          else reopen.push({ lot: l, id, kind, fen: part });
        }
      }
      if (short > 0 && l.refunded > 0) return { refused: 'REVERSAL_CREDIT_REFUNDED' };
    }
    fromCredit -= reopen.reduce((sum, r) => sum + r.fen, 0);
    if (fromCredit > m.credit) return { refused: 'REVERSAL_CREDIT_SPENT' };
    for (const a of p.allocs) {
      const ch = byId.get(a.id)!;
      if (ch.cancelled) continue;
      if (a.kind === 'principal') {
        ch.paid -= a.fen;
        ch.moves = ch.moves.filter((x) => x.source !== p.id);
      } else ch.penPaid -= a.fen;
      ch.reopened = m.day;
    }
    const applications: [string, string, number, string | null][] = [];
    for (const [id, f] of lot?.applied ?? []) {
      const ch = byId.get(id)!;
      if (ch.cancelled) continue;
      ch.paid -= f;
      ch.moves = ch.moves.filter((x) => x.source !== `credit:${p.id}`);
      if (f > 0) ch.reopened = m.day;
      if (f > 0) applications.push([id, 'principal', f, null]);
    }
    for (const [id, f] of lot?.appliedPen ?? []) {
      const ch = byId.get(id)!;
      if (ch.cancelled) continue;
      ch.penPaid -= f;
      if (f > 0) ch.reopened = m.day;
      if (f > 0) applications.push([id, 'penalty', f, null]);
    }
    lot?.applied.clear();
    lot?.appliedPen.clear();
    for (const r of reopen) {
      const ch = byId.get(r.id)!;
      if (r.kind === 'principal') {
        r.lot.applied.set(r.id, r.lot.applied.get(r.id)! - r.fen);
        ch.paid -= r.fen;
        // its moves lose that much, in the order they were made
        let left = r.fen;
        for (const mv of ch.moves) {
          if (mv.source !== `credit:${r.lot.id}` || left === 0) continue;
          const part = Math.min(left, mv.fen);
          mv.fen -= part;
          left -= part;
        }
        ch.moves = ch.moves.filter((mv) => mv.fen > 0);
      } else {
        r.lot.appliedPen.set(r.id, r.lot.appliedPen.get(r.id)! - r.fen);
        ch.penPaid -= r.fen;
      }
      ch.reopened = m.day;
      applications.push([r.id, r.kind, r.fen, r.lot.id]);
    }
    p.reversed = true;
    // whose credit it takes back: its own lot first, then what the charges it paid left when cancelled, then the oldest
    const taken: [string, number][] = [];
    if (fromCredit > 0)
      useCredit(
        m,
        fromCredit,
        m.day,
        (l, part) => {
          l.takenBack += part;
          taken.push([l.id, part]);
        },
        [p.id, ...shares.keys()],
      );
    recount(m, m.day, `reversal:${p.id}`);
    return {
      check: (es) => {
        const d = (es[0] as Extract<AccountEvent, { type: 'PaymentReversed' }>).data;
        expect(fen(Money.of(d.fromCredit))).toBe(fromCredit);
        expect(partsOf(d.fromCreditLots)).toEqual(taken);
        expect(d.creditApplications.map((a) => [a.chargeId, a.kind ?? 'principal', fen(Money.of(a.amount)), a.lot ?? null])).toEqual(applications);
        if (reopen.length > 0) reopenedFromLots++;
      },
    };
  }
  toString(): string {
    return `Reverse(+${this.advance}d, #${this.pick})`;
  }
}

class Assess extends Step {
  command(m: Model): AccountCommand {
    return { type: 'AssessPenalty', data: { asOf: isoDateOf(m.day) }, meta: meta(isoDateOf(m.day)) } as AccountCommand;
  }
  predict(m: Model): Predicted {
    const expected: [string, number, number, number][] = [];
    for (const c of m.charges) {
      if (c.cancelled) continue;
      const from = c.last === null ? c.due + 1 : c.last + 1;
      let to = m.day;
      // counted through the last day something was unpaid
      let firstZero = Number.POSITIVE_INFINITY;
      for (const mv of [...c.moves].sort((a, b) => a.from - b.from)) if (baseOn(c, mv.from) === 0) firstZero = Math.min(firstZero, mv.from);
      to = Math.min(to, firstZero - 1);
      if (to < from) continue;
      const amount = penaltyOver(c, from, to, c.pen);
      if (amount <= 0) continue;
      expected.push([c.id, from, to, amount]);
      c.pieces.push({ from, to, fen: amount });
      c.pen += amount;
      c.last = to;
      c.penOn = m.day;
    }
    return {
      check: (es) =>
        expect(
          es.map((e) => {
            const d = (e as Extract<AccountEvent, { type: 'PenaltyAssessed' }>).data;
            return [d.chargeId, d.from, d.to, fen(Money.of(d.amount))];
          }),
        ).toEqual(expected.map(([id, f, t, a]) => [id, isoDateOf(f), isoDateOf(t), a])),
    };
  }
  toString(): string {
    return `Assess(+${this.advance}d)`;
  }
}

class Waive extends Step {
  constructor(
    advance: number,
    readonly pick: number,
    readonly penalty: boolean,
    readonly amountFen: number,
    /** dated this many days back (a committee decision booked late) */
    readonly back = 0,
  ) {
    super(advance);
  }
  /** the amount the last command() asked for */
  private fen = 0;
  command(m: Model): AccountCommand | null {
    if (m.charges.length === 0) return null;
    const c = this.charge(m);
    // 0 waives all that is owed (a committee writing off a penalty), or nothing when nothing is
    this.fen = this.amountFen > 0 ? this.amountFen : this.penalty ? owedPen(c) : owedP(c);
    if (this.fen === 0) return null;
    return waive(c.id, this.penalty ? 'penalty' : 'principal', yuan(this.fen), isoDateOf(Math.max(START, m.day - this.back)), { approval: committeeApproval } as never, `w${m.waivers++}`);
  }
  /** the charge it waives on */
  charge(m: Model): MCharge {
    return m.charges[this.pick % m.charges.length]!;
  }
  predict(m: Model, cmd: AccountCommand): Predicted {
    const c = m.charges.find((x) => x.id === (cmd as Extract<AccountCommand, { type: 'GrantWaiver' }>).data.chargeId)!;
    const on = Math.max(START, m.day - this.back);
    if (c.cancelled) return { refused: 'CHARGE_CANCELLED' };
    if (this.fen > (this.penalty ? owedPen(c) : owedP(c))) return { refused: 'WAIVER_EXCEEDS_OWED' };
    if (on < since(c, this.penalty ? 'penalty' : 'principal')) return { refused: 'DATED_BEFORE_ORIGINAL' };
    if (this.penalty) {
      c.penWaived += this.fen;
      c.penWaivers.push({ id: `w${m.waivers - 1}`, fen: this.fen, released: 0 });
    } else {
      c.waived += this.fen;
      c.moves.push({ from: on + 1, fen: this.fen, source: `waiver:${m.waivers - 1}` });
      recount(m, on, `waiver:w${m.waivers - 1}`);
    }
    return {};
  }
  toString(): string {
    return `Waive(+${this.advance}d, #${this.pick}, ${this.penalty ? 'penalty' : 'principal'}, ${this.amountFen > 0 ? yuan(this.amountFen) : 'all owed'}, -${this.back}d)`;
  }
}

/** The committee writes off the penalty a charge owes most of (then a payment booked late may lower penalty that was waived). */
class WaiveOwedPenalty extends Waive {
  constructor(advance: number) {
    super(advance, 0, true, 0);
  }
  override charge(m: Model): MCharge {
    return m.charges.reduce((best, c) => (owedPen(c) > owedPen(best) ? c : best));
  }
  override toString(): string {
    return `WaiveOwedPenalty(+${this.advance}d)`;
  }
}

class Cancel extends Step {
  constructor(
    advance: number,
    readonly pick: number,
  ) {
    super(advance);
  }
  command(m: Model): AccountCommand | null {
    if (m.charges.length === 0) return null;
    return cancel(m.charges[this.pick % m.charges.length]!.id, isoDateOf(m.day));
  }
  predict(m: Model, cmd: AccountCommand): Predicted {
    const c = m.charges.find((x) => x.id === (cmd as Extract<AccountCommand, { type: 'CancelCharge' }>).data.chargeId)!;
    if (c.cancelled) return { check: (es) => expect(es).toEqual([]) };
    const toCredit = c.paid + c.penPaid;
    c.cancelled = true;
    if (toCredit > 0) addLot(m, `cancel:${c.id}`, toCredit, m.day);
    return {};
  }
  toString(): string {
    return `Cancel(+${this.advance}d, #${this.pick})`;
  }
}

class Refund extends Step {
  constructor(
    advance: number,
    readonly amountFen: number,
  ) {
    super(advance);
  }
  command(m: Model): AccountCommand {
    return refund(yuan(this.amountFen), isoDateOf(m.day), `r${m.refunds++}`);
  }
  predict(m: Model): Predicted {
    if (this.amountFen > m.credit) return { refused: 'REFUND_EXCEEDS_CREDIT' };
    // whose credit is paid back: the oldest lots first
    const paid: [string, number][] = [];
    useCredit(m, this.amountFen, m.day, (lot, part) => {
      lot.refunded += part;
      paid.push([lot.id, part]);
    });
    return { check: (es) => expect(partsOf((es[0] as Extract<AccountEvent, { type: 'CreditRefunded' }>).data.lots)).toEqual(paid) };
  }
  toString(): string {
    return `Refund(+${this.advance}d, ${yuan(this.amountFen)})`;
  }
}

/** ApplyCredit today: all the credit (every lot arose by today) to what is owed by today, in the community's order (as a payment). */
class Apply extends Step {
  command(m: Model): AccountCommand {
    return { type: 'ApplyCredit', data: {}, meta: meta(isoDateOf(m.day)) } as AccountCommand;
  }
  predict(m: Model): Predicted {
    const applied: [string, string, number, [string, number][]][] = [];
    const order = [...m.charges].filter((x) => !x.cancelled).sort((a, b) => a.due - b.due || (a.id < b.id ? -1 : 1));
    for (const kind of m.kinds) {
      for (const ch of order) {
        const part = since(ch, kind) > m.day ? 0 : Math.min(m.credit, kind === 'principal' ? owedP(ch) : owedPen(ch));
        if (part <= 0) continue;
        const lots: [string, number][] = [];
        applied.push([ch.id, kind, part, lots]);
        useCredit(m, part, m.day, (lot, piece) => {
          lots.push([lot.id, piece]);
          if (kind === 'penalty') {
            lot.appliedPen.set(ch.id, (lot.appliedPen.get(ch.id) ?? 0) + piece);
            ch.penPaid += piece;
          } else {
            lot.applied.set(ch.id, (lot.applied.get(ch.id) ?? 0) + piece);
            ch.paid += piece;
            ch.moves.push({ from: m.day + 1, fen: piece, source: `credit:${lot.id}` });
          }
        });
      }
    }
    return {
      check: (es) =>
        expect(
          es
            .filter((e): e is Extract<AccountEvent, { type: 'CreditApplied' }> => e.type === 'CreditApplied')
            .map((e) => [e.data.chargeId, e.data.kind ?? 'principal', fen(Money.of(e.data.amount)), lotsOf(e)]),
        ).toEqual(applied),
    };
  }
  toString(): string {
    return `Apply(+${this.advance}d)`;
  }
}

/**
 * ApplyCredit, then at once a payment received before the last assessed day is booked: when credit
 * paid penalty (penalty-first) and principal is still owed, the payment lowers penalty that credit
 * paid, which goes back to credit.
 */
class ApplyThenPayBefore extends Step {
  constructor(
    advance: number,
    readonly pay: PayBeforeAssessed,
  ) {
    super(advance);
  }
  override run(m: Model, r: Real): void {
    new Apply(this.advance).run(m, r);
    this.pay.run(m, r);
  }
  command(): AccountCommand | null {
    return null;
  }
  predict(): Predicted {
    return {};
  }
  toString(): string {
    return `ApplyThenPayBefore(+${this.advance}d, ${this.pay.toString()})`;
  }
}

// days pass evenly (no bias toward 0), so charges fall due and assessments have days to count
const advance = fc.noBias(fc.integer({ min: 0, max: 20 }));
const cents = (max: number) => fc.integer({ min: 1, max });
const steps = [
  fc.tuple(advance, cents(300_000)).map(([a, f]) => new Issue(a, f)),
  // most payments are booked within days of receipt; some weeks later, after an assessment has counted those days
  fc.tuple(advance, cents(400_000), fc.nat({ max: 12 }), fc.oneof(fc.nat({ max: 6 }), fc.integer({ min: 7, max: 45 }))).map(([a, f, t, b]) => new Pay(a, f, t, b)),
  fc.tuple(advance, fc.nat()).map(([a, p]) => new Reverse(a, p)),
  fc.tuple(fc.noBias(fc.integer({ min: 0, max: 60 }))).map(([a]) => new Assess(a)),
  fc.tuple(advance, cents(400_000), fc.nat({ max: 12 }), fc.nat({ max: 20 })).map(([a, f, t, b]) => new PayBeforeAssessed(a, f, t, b)),
  fc.tuple(advance, fc.nat(), fc.boolean(), fc.oneof(cents(50_000), fc.constant(0)), fc.oneof(fc.constant(0), fc.nat({ max: 30 }))).map(([a, p, k, f, b]) => new Waive(a, p, k, f, b)),
  fc.tuple(advance).map(([a]) => new WaiveOwedPenalty(a)),
  fc.tuple(advance, fc.nat()).map(([a, p]) => new Cancel(a, p)),
  fc.tuple(advance, cents(100_000)).map(([a, f]) => new Refund(a, f)),
  fc.tuple(advance).map(([a]) => new Apply(a)),
  fc.tuple(advance, cents(400_000), fc.nat({ max: 12 }), fc.nat({ max: 20 })).map(([a, f, t, b]) => new ApplyThenPayBefore(a, new PayBeforeAssessed(0, f, t, b))),
];

describe('account decider against a reference model', () => {
  it('agrees with the model on balances, credit, allocations, penalties and refusals after every command', () => {
    fc.assert(
      fc.property(fc.commands(steps, { maxCommands: 60, size: 'large' }), fc.boolean(), (cmds, penaltyFirst) => {
        const kinds = penaltyFirst ? (['penalty', 'principal'] as const) : (['principal', 'penalty'] as const);
        const setup = () => ({
          model: { kinds, day: START, periods: 0, charges: [], pays: new Map(), lots: [], open: [], credit: 0, waivers: 0, refunds: 0 } as Model,
          real: { state: accountDecider.initialState() } as Real,
        });
        fc.modelRun(setup, cmds);
      }),
      { numRuns: runs(300) },
    );
    expect(reopenedFromLots).toBeGreaterThan(0);
  });
});
