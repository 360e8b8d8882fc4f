/**
 * Disclosure (公示) of a closed period: what the owners' committee publishes for owners to check
 * (domain.md, collection figures: 专款专用, funds ring-fenced). For the community and the period:
 * billed (charges whose billing period starts in it, and corrections booked in it for a month
 * already closed: {@link billedDayOf}), cash collected (payments received in it net of reversals
 * in it), refunds, waivers, penalties assessed, the credit held at its end, and expenditures by
 * category; beside them the totals sealed in the PeriodClosed event. A charge cancelled by the
 * period's end leaves billed, and its penalties and waivers leave the live figures with it (they
 * stay in those the close sealed, which count what was dated in the period). Everything is read
 * as of the period's last day, so once the period is closed (and the deciders refuse anything
 * dated in it) these figures never change.
 *
 * Under 酬金制 (commission) the fees are the owners' money held in trust and the company earns a
 * commission on them (domain.md, fee regimes: the ledger shows the owners' fund apart), so the
 * disclosure of a 酬金制 community adds {@link OwnersFundFigures}: the commission and the owners'
 * fund's part of the period's charges, what waivers and cancellations took back of each, what was
 * collected on the fund's charges, what was spent from the fund, and what the fund was credited
 * with to the period's end. Each is the movement of a journal account over the period
 * (Revenue:Commission, Liability:OwnersFund, Receivable:Fees, Expense:<category>), to the fen. A
 * 包干制 disclosure has no such field, and is as it was.
 *
 * @example
 * import { disclosure } from '@levy/projections';
 * disclosure(book, 'sunrise', '2025-Q1'); // right({ billed, collected, expenditures: [{ category: 'cleaning', amount }], ... })
 */
import { type DomainError, type EpochDay, Money, domainError, parsePeriodKey } from '@levy/core';
import * as E from './either.js';
import { type BookState, type CommunityRecord, billedDayOf, chargeAsOf, chargeOf, communityInvalid, compareText, creditAsOf, eventsOf, movesOf } from './book.js';
import { ZERO, dateOf, dayOfDecoded, moneyOfAmount } from './fields.js';
import { ACCOUNT, type CommissionTerms, type PostingSink, postKeepingTerms } from './journal.js';

/**
 * The owners' fund of a 酬金制 community over a period, apart from the company's commission
 * (domain.md, fee regimes). Each figure is a journal account's movement over the period, by the
 * effective dates of the events that post it, so the disclosure and the trial balance agree to the
 * fen: a 酬金制 charge credits the owners' fund with its amount less the commission and
 * Revenue:Commission with the commission; a principal waiver of it takes back both in proportion
 * ({@link waiverCommissionShare}), a cancellation the rest of both.
 */
export interface OwnersFundFigures {
  /** commission on the 酬金制 charges issued in the period (their ChargeIssued dated in it): Revenue:Commission's credits */
  readonly commissionCharged: Money;
  /** commission given back by principal waivers and cancellations of 酬金制 charges dated in the period: its debits */
  readonly commissionReturned: Money;
  /** charged less returned: what the company earned in the period, Revenue:Commission's movement */
  readonly commissionEarned: Money;
  /** the owners' part of the 酬金制 charges issued in the period, each its amount less its commission: Liability:OwnersFund's credits */
  readonly fundCharged: Money;
  /** the owners' part given back by principal waivers and cancellations dated in the period: its debits */
  readonly fundReturned: Money;
  /** charged less returned: what the fund was credited with in the period, Liability:OwnersFund's movement */
  readonly fundCredited: Money;
  /** principal collected in the period on 酬金制 charges, payments and credit net of reversals, the commission's part included: Receivable:Fees' */
  readonly collected: Money;
  /** the period's expenditures (the disclosure's `expenditureTotal`): a 酬金制 community's spending is paid from its fund; the Expense accounts' movement */
  readonly spent: Money;
  /** credited less spent */
  readonly fundNet: Money;
  /** what the fund was credited with from the first 酬金制 charge to the period's end, before spending: Liability:OwnersFund's balance that day */
  readonly fundBalance: Money;
}

/** The published figures of a closed period. */
export interface Disclosure {
  readonly communityId: string;
  readonly communityName: string;
  readonly periodKey: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly closedOn: string;
  /** the units of the period: registered by its last day, or holding a charge of it */
  readonly units: number;
  /** the period's charges ({@link billedDayOf}) not cancelled by its end */
  readonly billed: Money;
  readonly collected: Money;
  readonly reversed: Money;
  readonly refunded: Money;
  /** principal waivers dated in the period, on any charge: what the close sealed as `waived`, with `waivedPenalty` */
  readonly waivedPrincipal: Money;
  /** penalty waivers dated in the period, net of what recounts took off them */
  readonly waivedPenalty: Money;
  /** penalty assessed in the period, counted again included: what the close sealed as `penalties` */
  readonly penalties: Money;
  /**
   * of `waivedPrincipal`, `waivedPenalty` and `penalties`, those on charges still live at the
   * period's end: a charge cancelled by then takes its waivers and penalties with it (the waivers
   * relieve nothing, the penalties are cancelled), as it leaves `billed`
   */
  readonly liveWaivedPrincipal: Money;
  readonly liveWaivedPenalty: Money;
  readonly livePenalties: Money;
  /** principal still owed at the period's end on the period's own charges */
  readonly outstanding: Money;
  /** credit (预收) held at the period's end */
  readonly credit: Money;
  /**
   * charges issued in the period (by the ChargeIssued's effective date, a charge billed ahead
   * included) less those cancelled in it: what the close sealed as `billed`, beside `billed`
   * (the charges of the period's own months)
   */
  readonly issued: Money;
  /** how the credit held changed over the period (at its end less at the day before it starts): what the close sealed as `credit` */
  readonly creditChange: Money;
  readonly expenditures: readonly { readonly category: string; readonly amount: Money; readonly count: number }[];
  readonly expenditureTotal: Money;
  /**
   * under 酬金制 only: the owners' fund apart from the commission. Present when the community has a
   * 酬金制 schedule effective by the period's end or has issued a 酬金制 charge by then; absent for
   * a 包干制 community, whose disclosure is as it was
   */
  readonly ownersFund?: OwnersFundFigures;
  /** the totals sealed in the PeriodClosed event, as recorded */
  readonly sealed: { readonly billed: string; readonly collected: string; readonly waived: string; readonly penalties: string; readonly credit: string };
}

const within = (day: EpochDay, start: EpochDay, end: EpochDay): boolean => day >= start && day <= end;

/**
 * The disclosure of a closed period. A community the log does not hold is `COMMUNITY_UNKNOWN`, a
 * malformed period key `PERIOD_KEY_INVALID`, and a period not closed in the log `PERIOD_NOT_CLOSED`.
 *
 * @example
 * const d = disclosure(book, 'sunrise', '2025-Q1');
 */
export const disclosure = (book: BookState, communityId: string, periodKey: string): E.Either<DomainError, Disclosure> => {
  const unknown = communityInvalid(book, communityId ?? null);
  if (unknown !== null) return E.left(unknown);
  const community = book.communities.get(communityId)!;
  const key = parsePeriodKey(periodKey, ['periodKey']);
  if (E.isLeft(key)) return key;
  const close = community.closes.find((c) => c.periodKey === periodKey);
  if (close === undefined) {
    return E.left(domainError('PERIOD_NOT_CLOSED', `period ${periodKey} of community ${communityId} has not been closed, so there is nothing to publish yet`, ['periodKey']));
  }
  const { start, end } = close;
  let billed = ZERO;
  let outstanding = ZERO;
  let collected = ZERO;
  let reversed = ZERO;
  let refunded = ZERO;
  let waivedPrincipal = ZERO;
  let waivedPenalty = ZERO;
  let penalties = ZERO;
  let liveWaivedPrincipal = ZERO;
  let liveWaivedPenalty = ZERO;
  let livePenalties = ZERO;
  let credit = ZERO;
  let issued = ZERO;
  let creditBefore = ZERO;
  // the units of the period: registered by its last day, or holding a charge of it (a close seals
  // the period, so a unit registered since never joins it and the figure stays as published)
  let units = 0;
  for (const u of community.units) {
    let counted = u.registeredDay !== null && u.registeredDay <= end;
    for (const c of u.charges) {
      const billedOn = billedDayOf(c);
      if (!counted && within(billedOn, start, end)) counted = true;
      if (within(c.issuedDay, start, end)) issued = issued.add(c.amount);
      if (c.cancelledDay !== null && within(c.cancelledDay, start, end)) issued = issued.subtract(c.amount);
      if (!within(billedOn, start, end)) continue;
      const s = chargeAsOf(c, end);
      if (!s.live) continue;
      billed = billed.add(c.amount);
      outstanding = outstanding.add(s.principal);
    }
    if (counted) units += 1;
    // a waiver or penalty on a charge not cancelled by the period's end (one the book does not know counts as live)
    const live = (chargeId: string): boolean => {
      const c = chargeOf(u, chargeId);
      return c === undefined || c.cancelledDay === null || c.cancelledDay > end;
    };
    for (const event of eventsOf(book, u)) {
      if (!within(dayOfDecoded(event.meta.effectiveDate), start, end)) continue;
      switch (event.type) {
        case 'PaymentReceived':
          collected = collected.add(moneyOfAmount(event.data.amount));
          break;
        case 'PaymentReversed':
          reversed = reversed.add(moneyOfAmount(event.data.amount));
          break;
        case 'CreditRefunded':
          refunded = refunded.add(moneyOfAmount(event.data.amount));
          break;
        case 'WaiverGranted': {
          const a = moneyOfAmount(event.data.amount);
          const counts = live(event.data.chargeId);
          if (event.data.kind === 'principal') {
            waivedPrincipal = waivedPrincipal.add(a);
            if (counts) liveWaivedPrincipal = liveWaivedPrincipal.add(a);
          } else {
            waivedPenalty = waivedPenalty.add(a);
            if (counts) liveWaivedPenalty = liveWaivedPenalty.add(a);
          }
          break;
        }
        case 'PenaltyAssessed': {
          const a = moneyOfAmount(event.data.amount);
          penalties = penalties.add(a);
          if (live(event.data.chargeId)) livePenalties = livePenalties.add(a);
          break;
        }
        case 'PenaltyAdjusted': {
          const counts = live(event.data.chargeId);
          const a = moneyOfAmount(event.data.amount);
          penalties = penalties.add(a);
          if (counts) livePenalties = livePenalties.add(a);
          for (const w of event.data.waivers ?? []) {
            const m = moneyOfAmount(w.amount);
            waivedPenalty = waivedPenalty.add(m);
            if (counts) liveWaivedPenalty = liveWaivedPenalty.add(m);
          }
          break;
        }
        default:
          break;
      }
    }
    credit = credit.add(creditAsOf(u, end));
    creditBefore = creditBefore.add(creditAsOf(u, start - 1));
  }
  const byCategory = new Map<string, { amount: Money; count: number }>();
  for (const x of community.expenditures) {
    if (!within(x.day, start, end)) continue;
    const prev = byCategory.get(x.category) ?? { amount: ZERO, count: 0 };
    byCategory.set(x.category, { amount: prev.amount.add(x.amount), count: prev.count + 1 });
  }
  const expenditures = [...byCategory.entries()].sort(([a], [b]) => compareText(a, b)).map(([category, v]) => ({ category, amount: v.amount, count: v.count }));
  const t = close.event.data.totals;
  const expenditureTotal = Money.sum(expenditures.map((x) => x.amount));
  const ownersFund = ownersFundOf(book, community, start, end, expenditureTotal);
  return E.right({
    communityId,
    communityName: community.name,
    periodKey,
    periodStart: dateOf(start),
    periodEnd: dateOf(end),
    closedOn: dateOf(close.closedDay),
    units,
    billed,
    collected: collected.subtract(reversed),
    reversed,
    refunded,
    waivedPrincipal,
    waivedPenalty,
    penalties,
    liveWaivedPrincipal,
    liveWaivedPenalty,
    livePenalties,
    outstanding,
    credit,
    issued,
    creditChange: credit.subtract(creditBefore),
    expenditures,
    expenditureTotal,
    ...(ownersFund === null ? {} : { ownersFund }),
    sealed: { billed: t.billed, collected: t.collected, waived: t.waived, penalties: t.penalties, credit: t.credit },
  });
};

// 酬金制 by `end`: a 酬金制 schedule effective by then, or a 酬金制 charge issued by then (deciders
// refuse both dated inside a closed period, so the answer for a closed period never changes)
const underCommission = (community: CommunityRecord, end: EpochDay): boolean =>
  community.schedules.some((s) => s.regime.kind === 'commission' && dayOfDecoded(s.effectiveFrom) <= end) ||
  community.units.some((u) => u.charges.some((c) => c.regime === 'commission' && c.issuedDay <= end));

// a posting's credit side (journal.ts, Side)
const CREDIT = -1;

/**
 * The owners' fund of a community over start..end, or null when the community is not under 酬金制
 * by the end (no 酬金制 schedule effective and no 酬金制 charge issued by then). Each unit's account
 * events are posted in log order through the journal's own {@link postKeepingTerms}: a principal
 * waiver's share of the commission depends on what the waivers logged before it took,
 * whatever their dates, and a cancellation takes back what they left.
 */
const ownersFundOf = (book: BookState, community: CommunityRecord, start: EpochDay, end: EpochDay, spent: Money): OwnersFundFigures | null => {
  // a 包干制 community's disclosure reads no event more than it did
  if (!underCommission(community, end)) return null;
  let commissionCharged = ZERO;
  let commissionReturned = ZERO;
  let fundCharged = ZERO;
  let fundReturned = ZERO;
  let collected = ZERO;
  let fundBalance = ZERO;
  // the journal's terms of the 酬金制 charges, and what the event being posted credits the fund and
  // the commission with (a debit is negative): the journal's own postings, not a copy of them
  const terms = new Map<string, CommissionTerms>();
  let fund = ZERO;
  let commission = ZERO;
  const sink: PostingSink = (account, amount, side) => {
    if (account === ACCOUNT.ownersFund) fund = side === CREDIT ? fund.add(amount) : fund.subtract(amount);
    else if (account === ACCOUNT.revenueCommission) commission = side === CREDIT ? commission.add(amount) : commission.subtract(amount);
  };
  // the stream of the event being posted
  let streamId = '';
  const termsOf = (chargeId: string): 'lump-sum' | CommissionTerms => terms.get(`${streamId}/${chargeId}`) ?? 'lump-sum';
  for (const u of community.units) {
    for (const event of eventsOf(book, u)) {
      if (event.type !== 'ChargeIssued' && event.type !== 'WaiverGranted' && event.type !== 'ChargeCancelled') continue;
      streamId = event.streamId;
      fund = ZERO;
      commission = ZERO;
      postKeepingTerms(event, terms, termsOf, sink);
      const day = dayOfDecoded(event.meta.effectiveDate);
      if (day > end) continue;
      fundBalance = fundBalance.add(fund);
      if (day < start) continue;
      if (event.type === 'ChargeIssued') {
        commissionCharged = commissionCharged.add(commission);
        fundCharged = fundCharged.add(fund);
      } else {
        commissionReturned = commissionReturned.subtract(commission);
        fundReturned = fundReturned.subtract(fund);
      }
    }
    for (const c of u.charges) {
      if (c.regime !== 'commission') continue;
      for (const m of movesOf(c)) {
        if (!within(m.day, start, end)) continue;
        if (m.kind === 'paid' || m.kind === 'paid-from-credit') collected = collected.add(m.amount);
        else if (m.kind === 'unpaid' || m.kind === 'unpaid-credit') collected = collected.subtract(m.amount);
      }
    }
  }
  const fundCredited = fundCharged.subtract(fundReturned);
  return {
    commissionCharged,
    commissionReturned,
    commissionEarned: commissionCharged.subtract(commissionReturned),
    fundCharged,
    fundReturned,
    fundCredited,
    collected,
    spent,
    fundNet: fundCredited.subtract(spent),
    fundBalance,
  };
};
