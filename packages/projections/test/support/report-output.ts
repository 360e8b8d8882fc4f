// Everything the projections print for one log, section by section: the report bundle (the
// machines' JSON) as of several days, and every text table people read (report-bytes.test.ts runs
// it in this process and, through report-child.ts, in processes of other zones and locales).
import { decodeJsonLines } from '@levy/core';
import {
  type LoggedEvent,
  agingReport,
  arrearsLedger,
  auditTrail,
  collectionRates,
  creditLots,
  dayOf,
  disclosure,
  dunningWorklist,
  levyProjection,
  rebuild,
  renderAging,
  renderArrears,
  renderAudit,
  renderCollectionSeries,
  renderCreditLots,
  renderDisclosure,
  renderDunning,
  renderStatement,
  renderTrialBalance,
  reportBundle,
  reportJson,
  trialBalance,
  unitStatement,
  unitsInOrder,
} from '../../src/index.js';

/** One named piece of output. */
export interface Section {
  readonly name: string;
  readonly text: string;
}

type Problem = { readonly code: string; readonly message: string };
const unwrap = <A>(e: { readonly _tag: 'Left'; readonly left: Problem | readonly Problem[] } | { readonly _tag: 'Right'; readonly right: A }): A => {
  if (e._tag === 'Left') throw new Error(JSON.stringify(e.left));
  return e.right;
};

/** The output of a log given as JSON Lines (toJsonLines), whose year is `year`. */
export const reportOutput = (jsonl: string, year: number): Section[] => {
  const lines = unwrap(decodeJsonLines(jsonl));
  const events: LoggedEvent[] = lines.map((l, i) => ({ ...l.event, streamId: l.stream, position: BigInt(i + 1) }) as LoggedEvent);
  const { journal, book, audit } = rebuild(levyProjection, events);
  const yearEnd = dayOf(`${year}-12-31`);
  const out: Section[] = [];
  // as of a quarter end, a day inside a DST change in New York, the year end and after the late payers
  for (const day of [`${year}-03-31`, `${year}-11-02`, `${year}-12-31`, `${year + 1}-04-30`]) out.push({ name: `bundle ${day}`, text: reportJson(reportBundle({ journal, book, audit }, dayOf(day))) });
  out.push({ name: 'trial balance', text: renderTrialBalance(trialBalance(journal, yearEnd)) });
  out.push({ name: 'aging', text: renderAging(agingReport(book, { asOf: yearEnd })) });
  out.push({ name: 'arrears', text: renderArrears(arrearsLedger(book, { asOf: yearEnd })) });
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  out.push({ name: 'collection rates', text: renderCollectionSeries(months.map((period) => unwrap(collectionRates(book, { period, asOf: yearEnd })))) });
  out.push({ name: 'dunning', text: renderDunning(dunningWorklist(book, { asOf: dayOf(`${year}-09-09`) }), 10_000) });
  const units = unitsInOrder(book);
  out.push({ name: 'statements', text: units.map((u) => renderStatement(unwrap(unitStatement(book, u.key, { from: dayOf(`${year}-01-01`), to: yearEnd })))).join('\n\n') });
  out.push({ name: 'credit lots', text: units.map((u) => renderCreditLots(unwrap(creditLots(book, u.key, { asOf: yearEnd })))).join('\n\n') });
  const closes = [...book.communities.values()].flatMap((c) => c.closes.map((close) => renderDisclosure(unwrap(disclosure(book, c.communityId, close.periodKey)))));
  out.push({ name: 'disclosures', text: closes.join('\n\n') });
  out.push({ name: 'audit', text: renderAudit(unwrap(auditTrail(audit, {}, book.anomalies)), 100_000) });
  return out;
};
