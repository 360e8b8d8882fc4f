// pnpm demo [file]: a seeded community year (about 1,200 units) written through the real command
// handler into a SQLite file, then read back and folded into the projections: the collection rate
// by month, AR aging, the top of the arrears ledger, the dunning worklist for one date, a unit
// statement, one unit's credit by lot, the disclosure of a closed quarter, the audit flags, and a trial balance that sums to
// zero. The same seed prints the same bytes (apart from the timings line).
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type CollectionRates,
  type CreditLotsReport,
  agingReport,
  arrearsLedger,
  auditTrail,
  collectionRates,
  creditLots,
  dayOf,
  disclosure,
  dunningWorklist,
  eventsOf,
  levyProjection,
  rebuildFromStore,
  renderAging,
  renderArrears,
  renderAudit,
  renderCollectionSeries,
  renderCreditLots,
  renderDisclosure,
  renderDunning,
  renderStatement,
  renderTrialBalance,
  trialBalance,
  unitStatement,
  unitsInOrder,
} from '@levy/projections';
import { openSqliteEventStore } from '@levy/store-sqlite';
import { checkInvariants, readLog, simulateCommunityYear } from '@levy/testkit';

const SEED = 2025;
const UNITS = 1200;
const YEAR = 2025;

const unwrap = <A>(e: { readonly _tag: 'Left'; readonly left: { readonly message: string } } | { readonly _tag: 'Right'; readonly right: A }): A => {
  if (e._tag === 'Left') throw new Error(e.left.message);
  return e.right;
};

const main = async (): Promise<void> => {
  const t0 = performance.now();
  const path = resolve(process.argv[2] ?? 'levy-demo.db');
  // a fresh file each run: the demo's data is generated from the seed
  for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) rmSync(f);

  console.log(`Levy demo: simulating ${UNITS.toLocaleString('en-US')} units through ${YEAR} (seed ${SEED}) into ${path}`);
  // the year is regenerated from the seed on every run, so the demo may skip the fsync per commit
  // (NORMAL: the file stays consistent; a power cut could lose the last commits). Real data keeps FULL.
  const store = await openSqliteEventStore(path, { synchronous: 'NORMAL' });
  const sim = await simulateCommunityYear({ seed: SEED, units: UNITS, year: YEAR, store });
  const t1 = performance.now();
  const c = sim.counts;
  console.log(
    `  ${sim.events.toLocaleString('en-US')} events from ${sim.commands.toLocaleString('en-US')} commands: ${c.charges.toLocaleString('en-US')} charges, ` +
      `${c.payments.toLocaleString('en-US')} payments, ${c.penalties.toLocaleString('en-US')} penalties, ${c.reminders.toLocaleString('en-US')} reminders, ` +
      `${c.waivers} waivers, ${c.plans} plan, ${c.reversals} bounced payment, ${c.creditApplications} credit sweeps, ${c.closes} quarter closes; refused: ${Object.keys(sim.refusals).length === 0 ? 'none' : JSON.stringify(sim.refusals)}`,
  );
  console.log(`  payers: ${Object.entries(sim.profiles).map(([k, v]) => `${v} ${k}`).join(', ')}`);

  // read the file back and fold it: the projections see exactly what the store holds
  const { state: views, count } = await rebuildFromStore(levyProjection, store);
  const t2 = performance.now();
  const { journal, book, audit } = views;
  const community = sim.communityId;
  const yearEnd = dayOf(`${YEAR}-12-31`);
  console.log(`  folded ${count.toLocaleString('en-US')} events into the journal, the account book and the audit trail\n`);

  // collection rate by month, each as it stood at the end of the following month, and at year end
  const months = Array.from({ length: 12 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, '0')}`);
  const monthEnd = (m: string, plus: number): number => {
    const [y, mo] = [Number(m.slice(0, 4)), Number(m.slice(5, 7)) + plus];
    return dayOf(`${y + Math.floor(mo / 12)}-${String((mo % 12) + 1).padStart(2, '0')}-01`) - 1;
  };
  const byMonth: CollectionRates[] = months.map((m) => unwrap(collectionRates(book, { period: m, asOf: Math.min(monthEnd(m, 1), yearEnd) })));
  console.log(renderCollectionSeries(byMonth, 'Collection rate (收缴率) by month, each as of the end of the month after'));
  console.log();
  const atYearEnd: CollectionRates[] = months.map((m) => unwrap(collectionRates(book, { period: m, asOf: yearEnd })));
  console.log(renderCollectionSeries(atYearEnd, `The same months as of ${YEAR}-12-31`));
  console.log();
  const q1April = unwrap(collectionRates(book, { period: `${YEAR}-Q1`, asOf: dayOf(`${YEAR}-04-15`), by: 'building' }));
  console.log(`Time travel: ${YEAR}-Q1 as it stood on ${YEAR}-04-15: amount rate ${q1April.total.amountRate.value ?? '-'}, household rate ${q1April.total.householdRate.value ?? '-'} over ${q1April.rows.length} buildings\n`);

  console.log(renderAging(agingReport(book, { asOf: yearEnd }), 8));
  console.log();
  const ledger = arrearsLedger(book, { asOf: yearEnd, overdueOnly: true, top: 12 });
  console.log(renderArrears(ledger));
  console.log();
  // the 9th: the day before the monthly reminders go out, so the list is full
  const dunningDay = dayOf(`${YEAR}-09-09`);
  console.log(renderDunning(dunningWorklist(book, { asOf: dunningDay }), 15));
  console.log();

  // statements of the unit whose payment bounced, and of the unit on an installment plan
  const unitWith = (type: string): string | undefined => [...book.units.values()].find((u) => eventsOf(book, u).some((e) => e.type === type))?.key;
  for (const [type, from, to] of [
    ['PaymentReversed', `${YEAR}-05-01`, `${YEAR}-07-31`],
    ['InstallmentPlanAgreed', `${YEAR}-09-01`, `${YEAR}-10-31`],
  ] as const) {
    const unit = unitWith(type);
    if (unit === undefined) continue;
    console.log(renderStatement(unwrap(unitStatement(book, unit, { from: dayOf(from), to: dayOf(to) }))));
    console.log();
  }
  // the credit (预收) of the unit whose credit came from the most sources, lot by lot
  const lotted = unitsInOrder(book)
    .map((u) => unwrap(creditLots(book, u.key, { asOf: yearEnd })))
    .reduce<CreditLotsReport | undefined>((best, r) => (best === undefined || r.lots.length > best.lots.length ? r : best), undefined);
  if (lotted !== undefined && lotted.lots.length > 0) {
    console.log(renderCreditLots(lotted));
    console.log();
  }
  const close = book.communities.get(community)?.closes[0];
  if (close !== undefined) {
    console.log(renderDisclosure(unwrap(disclosure(book, community, close.periodKey))));
    console.log();
  }
  const flagged = unwrap(auditTrail(audit, { flagged: true }, book.anomalies));
  console.log(`Audit flags: ${flagged.matched === 0 ? 'none (no backdated entry, no waiver or cancellation without its approval)' : flagged.matched}`);
  console.log(renderAudit(unwrap(auditTrail(audit, { type: 'WaiverGranted' }, book.anomalies)), 5));
  console.log();
  const tb = trialBalance(journal, yearEnd);
  console.log(renderTrialBalance(tb));
  console.log();

  // the invariants, over the same file (the incremental comparison is sampled: it is quadratic)
  const violations = checkInvariants(await readLog(store), { every: 20_000, skipClosedPeriods: false });
  const t3 = performance.now();
  console.log(`Invariants: ${violations.length === 0 ? 'all hold' : `${violations.length} violated: ${violations.slice(0, 3).map((v) => v.message).join('; ')}`}; trial balance sums to ${tb.sum.toString()}`);
  console.log(`Timings: simulate ${((t1 - t0) / 1000).toFixed(1)} s, read and fold ${((t2 - t1) / 1000).toFixed(1)} s, reports and checks ${((t3 - t2) / 1000).toFixed(1)} s`);
  await store.close();
  console.log(`The event log is in ${path} (SQLite; ${sim.firstDate} to ${sim.lastDate}; open it with @levy/store-sqlite or the sqlite3 shell).`);
  if (!tb.sum.isZero() || violations.length > 0) process.exitCode = 1;
};

await main();

