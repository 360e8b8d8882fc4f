/**
 * Report output: fixed-width text tables for people (the demo prints these) and canonical JSON
 * for machines. The same log gives byte-identical output: rows come in a stable order from the
 * reports, amounts are canonical strings, epoch days become ISO dates, and nothing reads a clock
 * or a locale. Column widths count CJK characters as two cells, so Chinese names line up.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * import { agingReport, renderTrialBalance, reportJson, trialBalance } from '@levy/projections';
 * console.log(renderTrialBalance(trialBalance(journal)));
 * writeFileSync('aging.json', reportJson(agingReport(book, { asOf })));
 */
import { canonicalJson } from '@levy/core';
import type { AgingReport } from './aging.js';
import type { ArrearsLedger } from './arrears.js';
import type { AuditTrail } from './audit.js';
import type { CollectionRates, Rate } from './collection-rate.js';
import type { Disclosure, OwnersFundFigures } from './disclosure.js';
import type { DunningWorklist } from './dunning.js';
import { checkLimit, dateOf } from './fields.js';
import type { TrialBalance } from './journal.js';
import type { CreditLotsReport, UnitStatement } from './statement.js';

// ---------------------------------------------------------------------------------------------
// tables
// ---------------------------------------------------------------------------------------------

/** A column of a text table. */
export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

/** Display width: East Asian wide characters take two cells. */
const widthOf = (s: string): number => {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    w += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) ? 2 : 1;
  }
  return w;
};

const pad = (s: string, width: number, align: 'left' | 'right'): string => {
  const fill = ' '.repeat(Math.max(0, width - widthOf(s)));
  return align === 'right' ? fill + s : s + fill;
};

/**
 * A fixed-width table: a header, a rule, the rows, and optional footer rows after a second rule.
 * Trailing spaces are trimmed so output diffs cleanly.
 *
 * @example
 * renderTable([{ header: 'account' }, { header: 'debit', align: 'right' }], [['Cash:wechat', '300.00']]);
 */
export const renderTable = (columns: readonly Column[], rows: readonly (readonly string[])[], footer: readonly (readonly string[])[] = []): string => {
  const widths = columns.map((c, i) => Math.max(widthOf(c.header), ...[...rows, ...footer].map((r) => widthOf(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => pad(cells[i] ?? '', widths[i]!, c.align ?? 'left'))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(columns.map((c) => c.header)), rule, ...rows.map(line)];
  if (footer.length > 0) out.push(rule, ...footer.map(line));
  return out.join('\n');
};

const pct = (r: Rate): string => {
  if (r.value === null) return '-';
  // '0.7830' → '78.30%' without floats: shift the decimal point by string
  const [whole = '0', frac = ''] = r.value.split('.');
  const digits = (whole + frac.padEnd(4, '0')).replace(/^0+(?=\d{3})/, '');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}%`;
};

// ---------------------------------------------------------------------------------------------
// reports
// ---------------------------------------------------------------------------------------------

/**
 * The trial balance as a table, with totals and the zero check.
 *
 * @example
 * console.log(renderTrialBalance(trialBalance(journal)));
 */
export const renderTrialBalance = (tb: TrialBalance): string =>
  `Trial balance${tb.asOf === null ? '' : ` as of ${dateOf(tb.asOf)}`}\n` +
  renderTable(
    [{ header: 'account' }, { header: 'debit', align: 'right' }, { header: 'credit', align: 'right' }],
    tb.rows.map((r) => [r.account, r.debit.isZero() ? '' : r.debit.toString(), r.credit.isZero() ? '' : r.credit.toString()]),
    [
      ['total', tb.totalDebit.toString(), tb.totalCredit.toString()],
      ['debits - credits', tb.sum.toString(), ''],
    ],
  );

/**
 * The aging totals by bucket, and the `top` units with the most owed (0: none). A `top` that is
 * not a whole number, 0 or more, throws a {@link LevyError} `LIMIT_INVALID` at `top`.
 *
 * @example
 * console.log(renderAging(agingReport(book, { asOf }), 10));
 */
export const renderAging = (a: AgingReport, top = 0): string => {
  checkLimit(top, ['top']);
  const head = `AR aging as of ${dateOf(a.asOf)} (${a.lines.length} units; credit shown apart)\n`;
  const totals = renderTable(
    [{ header: 'bucket' }, { header: 'owed', align: 'right' }],
    a.buckets.map((b, i) => [b, a.totals[i]!.toString()]),
    [
      ['total receivable', a.total.toString()],
      ['  of which penalty', a.penalty.toString()],
      ['credit (预收)', a.credit.toString()],
    ],
  );
  if (top <= 0) return head + totals;
  const lines = [...a.lines].sort((x, y) => y.total.compare(x.total) || (x.unit < y.unit ? -1 : x.unit > y.unit ? 1 : 0)).slice(0, top);
  const units = renderTable(
    [{ header: 'unit' }, ...a.buckets.map((b) => ({ header: b, align: 'right' as const })), { header: 'total', align: 'right' }, { header: 'credit', align: 'right' }],
    lines.map((l) => [l.unitId, ...l.amounts.map((m) => (m.isZero() ? '' : m.toString())), l.total.toString(), l.credit.isZero() ? '' : l.credit.toString()]),
  );
  return `${head}${totals}\n\n${units}`;
};

/**
 * The arrears ledger (欠费台账) lines and totals.
 *
 * @example
 * console.log(renderArrears(arrearsLedger(book, { asOf, top: 15 })));
 */
export const renderArrears = (l: ArrearsLedger): string =>
  `Arrears ledger (欠费台账) as of ${dateOf(l.asOf)}: ${l.units} owing units, ${l.total.toString()} owed, ${l.overdue.toString()} overdue\n` +
  renderTable(
    [
      { header: 'unit' },
      { header: 'building' },
      { header: 'principal', align: 'right' },
      { header: 'penalty', align: 'right' },
      { header: 'total', align: 'right' },
      { header: 'oldest due' },
      { header: 'days', align: 'right' },
      { header: 'stage' },
      { header: 'plan' },
      { header: 'class' },
      { header: 'credit', align: 'right' },
    ],
    l.lines.map((x) => [
      x.unitId,
      x.building,
      x.principal.toString(),
      x.penalty.toString(),
      x.total.toString(),
      dateOf(x.oldestDue),
      String(x.daysOverdue),
      x.reminderStage ?? '-',
      x.plan,
      x.arrearsClass,
      x.credit.isZero() ? '' : x.credit.toString(),
    ]),
    [['all units', '', l.principal.toString(), l.penalty.toString(), l.total.toString(), '', '', '', '', '', '']],
  );

/**
 * Collection rates of several periods (or one), one row each: the total line of each report.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js';
 * // collectionRates returns an Either: all of them, or the first refusal (a bad period key or as-of)
 * const rates = E.sequenceArray(months.map((period) => collectionRates(book, { period, asOf })));
 * if (E.isRight(rates)) console.log(renderCollectionSeries(rates.right));
 */
export const renderCollectionSeries = (reports: readonly CollectionRates[], title = 'Collection rates (收缴率)'): string =>
  `${title}\n` +
  renderTable(
    [
      { header: 'period' },
      { header: 'as of' },
      { header: 'billed', align: 'right' },
      { header: 'waived', align: 'right' },
      { header: 'collected', align: 'right' },
      { header: 'amount', align: 'right' },
      { header: 'gross', align: 'right' },
      { header: 'household', align: 'right' },
      { header: '清欠率', align: 'right' },
    ],
    reports.map((r) => [
      r.period,
      dateOf(r.asOf),
      r.total.billed.toString(),
      r.total.waived.toString(),
      r.total.collected.toString(),
      pct(r.total.amountRate),
      pct(r.total.grossRate),
      `${pct(r.total.householdRate)} (${r.total.unitsClear}/${r.total.unitsBilled})`,
      pct(r.total.recoveryRate),
    ]),
  );

/**
 * One period's collection rates by group.
 *
 * @example
 * console.log(renderCollectionRates(rates));
 */
export const renderCollectionRates = (r: CollectionRates): string =>
  `Collection rates for ${r.period} as of ${dateOf(r.asOf)}, by ${r.by}\n` +
  renderTable(
    [
      { header: r.by },
      { header: 'billed', align: 'right' },
      { header: 'collected', align: 'right' },
      { header: 'amount', align: 'right' },
      { header: 'gross', align: 'right' },
      { header: 'household', align: 'right' },
      { header: '清欠率', align: 'right' },
    ],
    r.rows.map((x) => [x.key, x.billed.toString(), x.collected.toString(), pct(x.amountRate), pct(x.grossRate), pct(x.householdRate), pct(x.recoveryRate)]),
    [['total', r.total.billed.toString(), r.total.collected.toString(), pct(r.total.amountRate), pct(r.total.grossRate), pct(r.total.householdRate), pct(r.total.recoveryRate)]],
  );

/**
 * The dunning worklist, most severe first: its first `top` items. A `top` that is not a whole
 * number, 0 or more, throws a {@link LevyError} `LIMIT_INVALID` at `top` (-1 would drop the last
 * item under a header counting it).
 *
 * @example
 * console.log(renderDunning(dunningWorklist(book, { asOf }), 20));
 */
export const renderDunning = (w: DunningWorklist, top = 20): string => {
  checkLimit(top, ['top']);
  return (
    `Dunning worklist for ${dateOf(w.asOf)}: ${w.items.length} units to contact (legal ${w.counts.legal}, written notice ${w.counts['written-notice']}, phone ${w.counts.phone}, reminder ${w.counts.reminder})\n` +
    renderTable(
      [{ header: 'unit' }, { header: 'stage due' }, { header: 'since' }, { header: 'days', align: 'right' }, { header: 'owed', align: 'right' }, { header: 'last done' }, { header: 'class' }, { header: 'credit', align: 'right' }],
      w.items.slice(0, top).map((i) => [i.unitId, i.stage, dateOf(i.dueSince), String(i.daysOverdue), i.owed.toString(), i.lastStageDone ?? '-', i.arrearsClass, i.credit.isZero() ? '' : i.credit.toString()]),
    )
  );
};

/**
 * A unit statement with its running balance.
 *
 * @example
 * console.log(renderStatement(statement));
 */
export const renderStatement = (s: UnitStatement): string =>
  `Statement (业主对账单) ${s.communityId} ${s.unitId} ${s.owner}\n` +
  renderTable(
    [{ header: 'date' }, { header: 'entry' }, { header: 'debit', align: 'right' }, { header: 'credit', align: 'right' }, { header: 'balance', align: 'right' }],
    [
      ['', 'opening balance', '', '', s.opening.toString()],
      ...s.lines.map((l) => [l.date, l.description, l.debit.isZero() ? '' : l.debit.toString(), l.credit.isZero() ? '' : l.credit.toString(), l.balance.toString()]),
    ],
    [['', 'closing balance', '', '', s.closing.toString()]],
  );

/**
 * A unit's credit by lot (预收明细): each lot with where it came from, what came in, went out and is
 * left; under it the total, and for an older log the credit that went out naming no lot.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js';
 * const lots = creditLots(book, 'levy.account-sunrise.B1-1203'); // left: UNIT_UNKNOWN, AS_OF_INVALID
 * if (E.isRight(lots)) console.log(renderCreditLots(lots.right));
 */
export const renderCreditLots = (r: CreditLotsReport): string =>
  `Credit by lot (预收明细) ${r.unit}${r.asOf === null ? '' : ` as of ${dateOf(r.asOf)}`}\n` +
  renderTable(
    [
      { header: 'lot' },
      { header: 'from' },
      { header: 'arose' },
      { header: 'in', align: 'right' },
      { header: 'applied', align: 'right' },
      { header: 'refunded', align: 'right' },
      { header: 'taken back', align: 'right' },
      { header: 'left', align: 'right' },
    ],
    r.lots.map((l) => [
      l.lotId,
      l.origin.kind === 'payment' ? 'payment' : l.origin.kind === 'cancellation' ? 'cancelled charge' : 'penalty given back',
      dateOf(l.arose),
      ...[l.credited, l.applied, l.refunded, l.takenBack, l.remaining].map((m) => m.toString()),
    ]),
    r.unattributed.isZero()
      ? [['total', '', '', '', '', '', '', r.total.toString()]]
      : [
          ['total', '', '', '', '', '', '', r.total.toString()],
          ['went out naming no lot (older log)', '', '', '', '', '', '', r.unattributed.negate().toString()],
          ['credit', '', '', '', '', '', '', r.credit.toString()],
        ],
  );

/**
 * The 公示 of a closed period: each figure, and beside the one a sealed total equals, that total.
 *
 * @example
 * console.log(renderDisclosure(d));
 */
export const renderDisclosure = (d: Disclosure): string =>
  `Disclosure (公示) ${d.communityName} ${d.periodKey} (${d.periodStart} to ${d.periodEnd}, closed ${d.closedOn})\n` +
  renderTable(
    [{ header: 'figure' }, { header: 'amount', align: 'right' }, { header: 'sealed at close', align: 'right' }],
    [
      ["billed (the period's own months)", d.billed.toString(), ''],
      ['issued in the period, less cancelled', d.issued.toString(), d.sealed.billed],
      ['collected (net of reversals)', d.collected.toString(), d.sealed.collected],
      ['waived (on charges not cancelled)', d.liveWaivedPrincipal.add(d.liveWaivedPenalty).toString(), ''],
      ['waived in the period, cancelled charges too', d.waivedPrincipal.add(d.waivedPenalty).toString(), d.sealed.waived],
      ['penalties (on charges not cancelled)', d.livePenalties.toString(), ''],
      ['penalties in the period, cancelled charges too', d.penalties.toString(), d.sealed.penalties],
      ['credit held at the end', d.credit.toString(), ''],
      ['change in credit over the period', d.creditChange.toString(), d.sealed.credit],
      ['refunded', d.refunded.toString(), ''],
      ['still owed on the period', d.outstanding.toString(), ''],
      ...d.expenditures.map((x) => [`expenditure: ${x.category} (${x.count})`, x.amount.toString(), '']),
    ],
    [['expenditure total', d.expenditureTotal.toString(), '']],
  ) +
  (d.ownersFund === undefined ? '' : renderOwnersFund(d.ownersFund));

// 酬金制 only: the owners' fund apart from the commission (domain.md, fee regimes)
const renderOwnersFund = (f: OwnersFundFigures): string =>
  "\n\n酬金制: the owners' fund apart from the company's commission\n" +
  renderTable(
    [{ header: 'figure' }, { header: 'amount', align: 'right' }],
    [
      ["commission on the period's charges", f.commissionCharged.toString()],
      ['commission taken back by waivers and cancellations', f.commissionReturned.toString()],
      ['commission earned (Revenue:Commission)', f.commissionEarned.toString()],
      ["owners' fund: the charges less commission", f.fundCharged.toString()],
      ["owners' fund: taken back by waivers and cancellations", f.fundReturned.toString()],
      ["owners' fund: credited in the period (Liability:OwnersFund)", f.fundCredited.toString()],
      ["collected on the fund's charges, commission included", f.collected.toString()],
      ['spent from the fund (expenditures)', f.spent.toString()],
      ['credited less spent', f.fundNet.toString()],
      ["owners' fund credited to the period's end, before spending", f.fundBalance.toString()],
    ],
  );

/**
 * Audit rows (at most `top`). A `top` that is not a whole number, 0 or more, throws a
 * {@link LevyError} `LIMIT_INVALID` at `top`.
 *
 * @example
 * console.log(renderAudit(trail, 10));
 */
export const renderAudit = (t: AuditTrail, top = 20): string => {
  checkLimit(top, ['top']);
  return (
    `Audit trail: ${t.matched} entries${Object.keys(t.flagCounts).length === 0 ? '' : `; flags ${Object.entries(t.flagCounts).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ${v}`).join(', ')}`}\n` +
    renderTable(
      [{ header: 'effective' }, { header: 'recorded' }, { header: 'type' }, { header: 'actor' }, { header: 'approval' }, { header: 'flags' }],
      t.rows.slice(0, top).map((r) => [r.effectiveDate, r.recordedAt, r.type, `${r.actor} (${r.role})`, r.approval ?? '-', r.flags.join(',')]),
    )
  );
};

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/** Fields that hold epoch days in report objects: JSON writes them as ISO dates. */
const DAY_FIELDS = new Set(['asOf', 'day', 'oldestDue', 'dueSince', 'lastReminder', 'periodStart', 'periodEnd', 'from', 'to', 'arose']);

const jsonable = (value: unknown, key: string | null): unknown => {
  if (typeof value === 'number' && key !== null && DAY_FIELDS.has(key)) return dateOf(value);
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return value === Number.POSITIVE_INFINITY ? 'infinity' : value === Number.NEGATIVE_INFINITY ? '-infinity' : String(value);
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (Array.isArray(value)) return value.map((v) => jsonable(v, null));
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), jsonable(v, null)]));
  // a Set as the list of what it holds, in its order (written as an object it would come out {})
  if (value instanceof Set) return [...value].map((v) => jsonable(v, null));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = jsonable(v, k);
  return out;
};

/**
 * A report as canonical JSON (sorted keys, amounts as canonical strings, days as ISO dates): the
 * same log always gives the same bytes.
 *
 * @example
 * reportJson(trialBalance(journal)); // '{"asOf":null,"rows":[...],"sum":"0.00",...}'
 */
export const reportJson = (report: unknown): string => canonicalJson(jsonable(report, null));
