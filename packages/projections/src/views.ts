/**
 * Every projection in one pass: the journal, the account book and the audit trail, folded side by
 * side from one log. Reports read these views: the trial balance reads `journal`; statements,
 * aging, arrears, collection rates, the dunning worklist and disclosure read `book`; the audit
 * trail reads `audit` (with `book.anomalies`).
 *
 * @example
 * import { rebuild, levyProjection, trialBalance, agingReport, dayOf } from '@levy/projections';
 * const views = rebuild(levyProjection, events);
 * trialBalance(views.journal).sum.isZero();              // true
 * agingReport(views.book, { asOf: dayOf('2025-12-31') });
 */
import { type EpochDay, Money, isoDateOf } from '@levy/core';
import { agingReport } from './aging.js';
import { arrearsLedger } from './arrears.js';
import { type AuditState, auditProjection, auditStep, auditTrail } from './audit.js';
import { type BookState, type UnitRecord, billedDayOf, bookProjection, bookStepKnowing, chargeAsOf, creditAsOf, reserveBook, unitsInOrder } from './book.js';
import { collectionRates } from './collection-rate.js';
import { checkDay, dayOfDecoded } from './fields.js';
import { disclosure } from './disclosure.js';
import { dunningWorklist } from './dunning.js';
import type { LoggedEvent, Projection } from './fold.js';
import { type JournalState, journalProjection, journalStep, trialBalance } from './journal.js';
import { foldLookingAhead, warmBook } from './look-ahead.js';

/** The views every report reads. */
export interface LevyViews {
  journal: JournalState;
  book: BookState;
  audit: AuditState;
}

// the same as combine() of the three, with the event's day read once for all three and its
// stream resolved once: the book finds the unit, and the audit takes the unit's community from it
const levyStep = (views: LevyViews, event: LoggedEvent, known: UnitRecord | undefined): LevyViews => {
  const day = dayOfDecoded(event.meta.effectiveDate);
  journalStep(views.journal, event, day);
  const unit = bookStepKnowing(views.book, event, day, known);
  auditStep(views.audit, event, day, unit === null ? undefined : unit.community.communityId);
  return views;
};

const warmViews = (views: LevyViews, events: readonly LoggedEvent[], from: number, to: number, units: (UnitRecord | undefined)[]): void =>
  warmBook(views.book, events, from, to, units);

/**
 * All projections folded in one pass. A rebuild from an array folds runs of events looking ahead
 * (`applyAll`): the same views, sooner on a large community.
 *
 * @example
 * const live = startCheckpointed(levyProjection);
 */
export const levyProjection: Projection<LevyViews> = {
  name: 'levy',
  init: () => ({ journal: journalProjection.init(), book: bookProjection.init(), audit: auditProjection.init() }),
  apply: (views, event) => levyStep(views, event, undefined),
  applyAll: (views, events) => {
    reserveBook(views.book, events.length);
    return foldLookingAhead(views, events, warmViews, levyStep);
  },
};

/**
 * Every report of the views as of one day, as one value: the trial balance, aging, the arrears
 * ledger, the dunning worklist, each billed month's collection rates, the disclosure of each
 * closed period, every unit's net position, and the audit flags. `reportJson` of it is the
 * fingerprint the invariant checks compare (rebuild against incremental, run against run).
 *
 * @example
 * reportJson(reportBundle(views, dayOf('2025-12-31')));
 */
export const reportBundle = (views: LevyViews, asOf: EpochDay): Record<string, unknown> => {
  checkDay(asOf, ['asOf']);
  const months = new Set<string>();
  for (const u of views.book.units.values()) for (const c of u.charges) months.add(isoDateOf(billedDayOf(c)).slice(0, 7));
  const rates: Record<string, unknown> = {};
  for (const m of [...months].sort()) {
    const r = collectionRates(views.book, { period: m, asOf });
    rates[m] = r._tag === 'Right' ? r.right : r.left.code;
  }
  const disclosures: Record<string, unknown> = {};
  for (const c of views.book.communities.values()) {
    for (const close of c.closes) {
      const d = disclosure(views.book, c.communityId, close.periodKey);
      disclosures[`${c.communityId}/${close.periodKey}`] = d._tag === 'Right' ? d.right : d.left.code;
    }
  }
  const positions: Record<string, string> = {};
  for (const u of unitsInOrder(views.book)) {
    let owed = Money.zero();
    for (const c of u.charges) {
      const s = chargeAsOf(c, asOf);
      owed = owed.add(s.principal).add(s.penalty);
    }
    positions[u.key] = owed.subtract(creditAsOf(u, asOf)).toString();
  }
  const audit = auditTrail(views.audit, { flagged: true }, views.book.anomalies);
  return {
    asOf,
    trialBalance: trialBalance(views.journal, asOf),
    aging: agingReport(views.book, { asOf }),
    arrears: arrearsLedger(views.book, { asOf }),
    dunning: dunningWorklist(views.book, { asOf }),
    rates,
    disclosures,
    positions,
    audit: audit._tag === 'Right' ? audit.right : audit.left.code,
  };
};
