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
import { type AuditState, auditProjection } from './audit.js';
import { type BookState, bookProjection } from './book.js';
import { type Projection, combine } from './fold.js';
import { type JournalState, journalProjection } from './journal.js';

/** The views every report reads. */
export interface LevyViews {
  journal: JournalState;
  book: BookState;
  audit: AuditState;
}

/**
 * All projections folded in one pass.
 *
 * @example
 * const live = startCheckpointed(levyProjection);
 */
export const levyProjection: Projection<LevyViews> = combine({ journal: journalProjection, book: bookProjection, audit: auditProjection }, 'levy');
