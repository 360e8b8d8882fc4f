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
 * @example
 * import { disclosure } from '@levy/projections';
 * disclosure(book, 'sunrise', '2025-Q1'); // right({ billed, collected, expenditures: [{ category: 'cleaning', amount }], ... })
 */
import { type DomainError, type EpochDay, Money, domainError, parsePeriodKey } from '@levy/core';
import * as E from './either.js';
import { type BookState, billedDayOf, chargeAsOf, chargeOf, communityInvalid, compareText, creditAsOf, eventsOf } from './book.js';
import { ZERO, dateOf, dayOfDecoded, moneyOfAmount } from './fields.js';

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
    expenditureTotal: Money.sum(expenditures.map((x) => x.amount)),
    sealed: { billed: t.billed, collected: t.collected, waived: t.waived, penalties: t.penalties, credit: t.credit },
  });
};
