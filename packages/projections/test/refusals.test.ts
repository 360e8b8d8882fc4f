// Bad input to a report, a renderer or a field reader gets a typed error naming the field and the
// reason, never an empty "all clear", a default nobody asked for, or a plain TypeError. Each case
// here was a silent or untyped answer before (the audit of the projections' entry points).
import { describe, expect, it, vi } from 'vitest';
import { LevyError, communityStream } from '@levy/core';
import * as Projections from '../src/index.js';
import {
  DEFAULT_DUNNING_POLICY,
  agingBuckets,
  agingReport,
  arrearsLedger,
  auditProjectionWith,
  auditTrail,
  collectionRates,
  creditLots,
  dateOf,
  dayOf,
  disclosure,
  dunningWorklist,
  levyProjection,
  netPositionOf,
  rateOf,
  rebuild,
  recordedDayOf,
  renderAging,
  renderAudit,
  renderDunning,
  unitStatement,
  unitsInOrder,
} from '../src/index.js';
import { C, S1, SC, U1, ev, quarterLog } from './fixtures.js';

const views = () => rebuild(levyProjection, quarterLog());
const any = (x: unknown) => x as never;
// a report that returns its value throws a LevyError: its code and path (by name too: a module
// loaded afresh has a LevyError class of its own)
const refusal = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e instanceof LevyError || (e instanceof Error && e.name === 'LevyError') ? { code: (e as LevyError).error.code, path: (e as LevyError).error.path } : `${String(e)} (not a LevyError)`;
  }
  return 'no refusal';
};
// a report that returns an Either: the left's code and path
const leftOf = (r: { _tag: 'Left'; left: { code: string; path: readonly string[] } } | { _tag: 'Right' }): unknown => (r._tag === 'Left' ? { code: r.left.code, path: r.left.path } : 'no refusal');

describe('netPositionOf refuses what the statement refuses, rather than answering 0.00', () => {
  const v = views();
  it('answers a known unit as a Right, as of the end of the log or a day', () => {
    const all = netPositionOf(v.book, S1);
    expect(all._tag === 'Right' && all.right.toString()).toBe('-240.00');
    const march = netPositionOf(v.book, { communityId: 'sunrise', unitId: 'B1-101' }, dayOf('2025-02-28'));
    expect(march._tag === 'Right' && march.right.toString()).toBe('260.00');
  });
  it('refuses an unknown unit (UNIT_UNKNOWN at unit) and an as-of that is not a day (AS_OF_INVALID at asOf)', () => {
    expect(leftOf(netPositionOf(v.book, 'levy.account-sunrise.NOPE'))).toEqual({ code: 'UNIT_UNKNOWN', path: ['unit'] });
    expect(leftOf(netPositionOf(v.book, S1, any('2025-03-31')))).toEqual({ code: 'AS_OF_INVALID', path: ['asOf'] });
    expect(leftOf(netPositionOf(v.book, S1, Number.NaN))).toEqual({ code: 'AS_OF_INVALID', path: ['asOf'] });
    expect(leftOf(netPositionOf(v.book, any(null)))).toEqual({ code: 'UNIT_UNKNOWN', path: ['unit'] });
  });
});

describe('a community filter that names no community is refused, not an empty report', () => {
  const v = views();
  const asOf = dayOf('2025-04-30');
  const expected = { code: 'COMMUNITY_UNKNOWN', path: ['communityId'] };
  it('refuses a typo and the empty string in aging, arrears, dunning and collection rates', () => {
    for (const communityId of ['sunrsie', '']) {
      expect(refusal(() => agingReport(v.book, { asOf, communityId }))).toEqual(expected);
      expect(refusal(() => arrearsLedger(v.book, { asOf, communityId }))).toEqual(expected);
      expect(refusal(() => dunningWorklist(v.book, { asOf, communityId }))).toEqual(expected);
      expect(leftOf(collectionRates(v.book, { period: '2025-01', asOf, communityId }))).toEqual(expected);
      expect(refusal(() => unitsInOrder(v.book, communityId))).toEqual(expected);
      expect(leftOf(auditTrail(v.audit, { communityId }))).toEqual(expected);
      expect(leftOf(disclosure(v.book, communityId, '2025-Q1'))).toEqual(expected);
    }
    const r = collectionRates(v.book, { period: '2025-01', asOf, communityId: 'sunrsie' });
    expect(r._tag === 'Left' && r.left.message).toBe('there is no community "sunrsie" in this log (this log holds "sunrise")');
  });
  it('answers a registered community with no units yet: known, and nothing owed', () => {
    const log = [...quarterLog(), ev(communityStream('harbour'), 'CommunityRegistered', '2025-04-01', any({ communityId: 'harbour', name: 'Harbour', timeZone: 'Asia/Shanghai', closeCycle: 'quarter' }))];
    const { book, audit } = rebuild(levyProjection, log);
    expect(agingReport(book, { asOf, communityId: 'harbour' }).lines).toEqual([]);
    expect(arrearsLedger(book, { asOf, communityId: 'harbour' }).units).toBe(0);
    expect(dunningWorklist(book, { asOf, communityId: 'harbour' }).items).toEqual([]);
    const rates = collectionRates(book, { period: '2025-01', asOf, communityId: 'harbour' });
    expect(rates._tag === 'Right' && rates.right.total.unitsBilled).toBe(0);
    expect(unitsInOrder(book, 'harbour')).toEqual([]);
    const trail = auditTrail(audit, { communityId: 'harbour' });
    expect(trail._tag === 'Right' && trail.right.matched).toBe(1);
    // the filter still works for the community that has units
    expect(agingReport(book, { asOf, communityId: 'sunrise' }).total.toString()).toBe('450.00');
  });
});

describe('an audit unit filter that names no unit is refused, not an empty trail', () => {
  it('refuses a unit the trail has no event or registration of, in either spelling, and answers a registered unit with no account events yet', () => {
    const v = views();
    for (const unit of ['sunrise.B1-999', 'levy.account-sunrise.B1-999', 'sunrsie.B1-101']) expect(leftOf(auditTrail(v.audit, { unit }))).toEqual({ code: 'UNIT_UNKNOWN', path: ['unit'] });
    const known = auditTrail(v.audit, { unit: `${C}.${U1}` });
    expect(known._tag === 'Right' && known.right.matched).toBeGreaterThan(0);
    const log = [...quarterLog(), ev(SC, 'UnitRegistered', '2025-04-01', any({ communityId: C, unitId: 'B9-901', building: 'B9', areaM2: '80', useType: 'residential', owner: { ownerId: 'o9', name: 'Wang Fang' }, handoverDate: '2025-04-01' }))];
    const quiet = auditTrail(rebuild(levyProjection, log).audit, { unit: `${C}.B9-901` });
    expect(quiet._tag === 'Right' && quiet.right.matched).toBe(0);
  });
});

describe('renderers refuse a top that is not a whole number, 0 or more', () => {
  const v = views();
  const asOf = dayOf('2025-04-30');
  const trail = auditTrail(v.audit, {});
  if (trail._tag === 'Left') throw new Error(trail.left.message);
  const aging = agingReport(v.book, { asOf });
  const dunning = dunningWorklist(v.book, { asOf });
  it('refuses -1, NaN, 1.5 and a string (LIMIT_INVALID at top)', () => {
    for (const top of [-1, Number.NaN, 1.5, '3']) {
      const expected = { code: 'LIMIT_INVALID', path: ['top'] };
      expect(refusal(() => renderAudit(trail.right, any(top)))).toEqual(expected);
      expect(refusal(() => renderDunning(dunning, any(top)))).toEqual(expected);
      expect(refusal(() => renderAging(aging, any(top)))).toEqual(expected);
    }
  });
  it('prints exactly top rows of a good one, and the defaults still print', () => {
    // header line, column header, rule, rows
    expect(renderAudit(trail.right, 1).split('\n')).toHaveLength(4);
    expect(renderAudit(trail.right, 0).split('\n')).toHaveLength(3);
    expect(renderAudit(trail.right).split('\n')).toHaveLength(3 + 20);
    expect(renderDunning(dunning).split('\n')).toHaveLength(3 + dunning.items.length);
    expect(renderAging(aging, 1)).toContain('B2-201');
  });
});

describe('dayOf, the documented way to build an as-of, checks its input; the fold reads decoded dates unchecked', () => {
  it('refuses dates that are not calendar dates (DATE_INVALID at date), naming the input', () => {
    for (const bad of ['2025-02-30', '2025-13-01', 'abcd-ef-gh', '', '2025-2-1', '2025-02-01T00:00:00Z', 20193, null]) {
      expect(refusal(() => dayOf(any(bad)))).toEqual({ code: 'DATE_INVALID', path: ['date'] });
    }
    try {
      dayOf('2025-02-30');
    } catch (e) {
      expect((e as LevyError).message).toContain('"2025-02-30"');
      expect((e as LevyError).message).toContain('February 2025 has 28 days');
    }
    expect([dayOf('1970-01-01'), dayOf('2024-02-29'), dayOf('2025-04-15'), dayOf('2025-04-15')]).toEqual([0, 19782, 20193, 20193]);
  });
  it("never reads '' as 1970-01-01 in a fresh process (the memos start from a true pair)", async () => {
    vi.resetModules();
    const fresh = await import('../src/fields.js');
    expect(refusal(() => fresh.dayOf(''))).toEqual({ code: 'DATE_INVALID', path: ['date'] });
    vi.resetModules();
    const fast = await import('../src/fields.js');
    expect(fast.dayOfDecoded('')).not.toBe(0);
    expect(fast.dayOfDecoded('1970-01-01')).toBe(0);
    expect(fast.dayOfDecoded('2025-04-15')).toBe(20193);
  });
  it('keeps the unchecked reader out of the public entry', () => {
    expect('dayOfDecoded' in Projections).toBe(false);
    expect(typeof Projections.dayOf).toBe('function');
  });
  it('refuses to write a day that is not one (DATE_INVALID at day), rather than "+000NaN-undefined-undefined"', () => {
    for (const bad of [Number.NaN, 1.5, Number.POSITIVE_INFINITY, '2025-03-31']) expect(refusal(() => dateOf(any(bad)))).toEqual({ code: 'DATE_INVALID', path: ['day'] });
    expect(dateOf(20193)).toBe('2025-04-15');
  });
});

describe('JavaScript callers passing null or the wrong type get the typed error, not a TypeError', () => {
  const v = views();
  const asOf = dayOf('2025-03-31');
  it('refuses options that are not an object (OPTIONS_INVALID naming them)', () => {
    expect(refusal(() => agingReport(v.book, any(null)))).toEqual({ code: 'OPTIONS_INVALID', path: ['options'] });
    expect(refusal(() => (arrearsLedger as (book: unknown) => unknown)(v.book))).toEqual({ code: 'OPTIONS_INVALID', path: ['options'] });
    expect(refusal(() => dunningWorklist(v.book, any([asOf])))).toEqual({ code: 'OPTIONS_INVALID', path: ['options'] });
    expect(leftOf(collectionRates(v.book, any('2025-01')))).toEqual({ code: 'OPTIONS_INVALID', path: ['options'] });
    expect(leftOf(unitStatement(v.book, S1, any(null)))).toEqual({ code: 'OPTIONS_INVALID', path: ['range'] });
    expect(leftOf(creditLots(v.book, S1, any(null)))).toEqual({ code: 'OPTIONS_INVALID', path: ['options'] });
    expect(leftOf(auditTrail(v.audit, any(null)))).toEqual({ code: 'OPTIONS_INVALID', path: ['query'] });
    expect(leftOf(auditTrail(v.audit, {}, any(null)))).toEqual({ code: 'OPTIONS_INVALID', path: ['anomalies'] });
  });
  it('refuses a unit that is no unit name (UNIT_UNKNOWN at unit)', () => {
    for (const unit of [null, 42, { communityId: 'sunrise' }]) {
      expect(leftOf(unitStatement(v.book, any(unit)))).toEqual({ code: 'UNIT_UNKNOWN', path: ['unit'] });
      expect(leftOf(creditLots(v.book, any(unit)))).toEqual({ code: 'UNIT_UNKNOWN', path: ['unit'] });
    }
  });
  it('refuses a wrongly typed field with its own code', () => {
    expect(leftOf(auditTrail(v.audit, any({ unit: 42 })))).toEqual({ code: 'OPTIONS_INVALID', path: ['unit'] });
    expect(leftOf(auditTrail(v.audit, any({ actor: {} })))).toEqual({ code: 'OPTIONS_INVALID', path: ['actor'] });
    expect(leftOf(agingBuckets(any(null)))).toEqual({ code: 'AGING_BUCKETS_INVALID', path: ['buckets'] });
    expect(leftOf(agingBuckets(any('0,30')))).toEqual({ code: 'AGING_BUCKETS_INVALID', path: ['buckets'] });
    expect(leftOf(collectionRates(v.book, { period: '2025-01', asOf, by: any(1n) }))).toEqual({ code: 'RATE_DIMENSION_INVALID', path: ['by'] });
    expect(leftOf(collectionRates(v.book, { period: '2025-01', asOf, communityId: any(7) }))).toEqual({ code: 'OPTIONS_INVALID', path: ['communityId'] });
    expect(refusal(() => agingReport(v.book, { asOf, buckets: any(null) }))).toEqual({ code: 'AGING_BUCKETS_INVALID', path: ['buckets'] });
    expect(refusal(() => dunningWorklist(v.book, { asOf, policy: any(null) }))).toEqual({ code: 'DUNNING_POLICY_INVALID', path: ['policy'] });
    expect(refusal(() => rateOf('abc', '1'))).toEqual({ code: 'RATE_INPUT_INVALID', path: ['numerator'] });
    expect(refusal(() => rateOf('1', any(3)))).toEqual({ code: 'RATE_INPUT_INVALID', path: ['denominator'] });
  });
  it("reads the business day of an instant only in a real zone, from a real instant (TIME_ZONE_INVALID, INSTANT_INVALID)", () => {
    expect(refusal(() => recordedDayOf('2025-01-31T16:30:00Z', 'Mars/Base'))).toEqual({ code: 'TIME_ZONE_INVALID', path: ['timeZone'] });
    expect(refusal(() => recordedDayOf('2025-01-31T16:30:00Z', '+99:00'))).toEqual({ code: 'TIME_ZONE_INVALID', path: ['timeZone'] });
    expect(refusal(() => recordedDayOf('2025-01-31T16:30:00Z', any(null)))).toEqual({ code: 'TIME_ZONE_INVALID', path: ['timeZone'] });
    expect(refusal(() => recordedDayOf('2025-01-31', 'Asia/Shanghai'))).toEqual({ code: 'INSTANT_INVALID', path: ['instant'] });
    expect(refusal(() => recordedDayOf('2025-02-30T00:00:00Z', 'Asia/Shanghai'))).toEqual({ code: 'INSTANT_INVALID', path: ['instant'] });
    expect(recordedDayOf('2025-01-31T16:30:00Z', 'Asia/Shanghai')).toBe(dayOf('2025-02-01'));
  });
});

describe('unknown and mistyped option keys are refused, naming the key', () => {
  const v = views();
  const asOf = dayOf('2025-04-30');
  it('refuses a key the report does not take (OPTIONS_UNKNOWN_FIELD at the key), suggesting the one meant', () => {
    expect(refusal(() => agingReport(v.book, any({ asOf, bucket: [] })))).toEqual({ code: 'OPTIONS_UNKNOWN_FIELD', path: ['bucket'] });
    try {
      agingReport(v.book, any({ asOf, bucket: [] }));
    } catch (e) {
      expect((e as LevyError).error.message).toBe('the aging report takes no "bucket" in its options (did you mean buckets?); it takes asOf, buckets, communityId');
    }
    expect(refusal(() => arrearsLedger(v.book, any({ asOf, limit: 1 })))).toEqual({ code: 'OPTIONS_UNKNOWN_FIELD', path: ['limit'] });
    expect(refusal(() => dunningWorklist(v.book, any({ asOf, top: 5 })))).toEqual({ code: 'OPTIONS_UNKNOWN_FIELD', path: ['top'] });
    expect(leftOf(collectionRates(v.book, any({ period: '2025-01', asOf, groupBy: 'building' })))).toEqual({ code: 'OPTIONS_UNKNOWN_FIELD', path: ['groupBy'] });
    expect(leftOf(unitStatement(v.book, S1, any({ until: asOf })))).toEqual({ code: 'OPTIONS_UNKNOWN_FIELD', path: ['range', 'until'] });
    expect(leftOf(creditLots(v.book, S1, any({ asof: asOf })))).toEqual({ code: 'OPTIONS_UNKNOWN_FIELD', path: ['asof'] });
    expect(leftOf(auditTrail(v.audit, any({ flag: true })))).toEqual({ code: 'OPTIONS_UNKNOWN_FIELD', path: ['flag'] });
    // and in the policies given with them: a misspelt stage beside a spread default would leave the default in force
    expect(refusal(() => dunningWorklist(v.book, { asOf, policy: any({ ...DEFAULT_DUNNING_POLICY, legalDay: 90 }) }))).toEqual({ code: 'OPTIONS_UNKNOWN_FIELD', path: ['policy', 'legalDay'] });
    expect(refusal(() => auditProjectionWith(any({ backdateDays: 3, backdate: 7 })))).toEqual({ code: 'OPTIONS_UNKNOWN_FIELD', path: ['backdate'] });
  });
  it('refuses a yes/no option that is not true or false, and a by of null (OPTIONS_INVALID, RATE_DIMENSION_INVALID)', () => {
    expect(refusal(() => arrearsLedger(v.book, { asOf, overdueOnly: any('yes') }))).toEqual({ code: 'OPTIONS_INVALID', path: ['overdueOnly'] });
    expect(leftOf(auditTrail(v.audit, { flagged: any('true') }))).toEqual({ code: 'OPTIONS_INVALID', path: ['flagged'] });
    expect(leftOf(collectionRates(v.book, { period: '2025-01', asOf, by: any(null) }))).toEqual({ code: 'RATE_DIMENSION_INVALID', path: ['by'] });
  });
  it('refuses an audit query for an event type that does not exist (EVENT_TYPE_UNKNOWN at type)', () => {
    expect(leftOf(auditTrail(v.audit, { type: 'PaymentRecieved' }))).toEqual({ code: 'EVENT_TYPE_UNKNOWN', path: ['type'] });
    expect(leftOf(auditTrail(v.audit, { type: 'paymentreceived' }))).toEqual({ code: 'EVENT_TYPE_UNKNOWN', path: ['type'] });
    const ok = auditTrail(v.audit, { type: 'PaymentReceived' });
    expect(ok._tag === 'Right' && ok.right.matched).toBe(3);
  });
  it('takes a key given as undefined as not given', () => {
    expect(agingReport(v.book, { asOf, buckets: undefined, communityId: undefined }).total.toString()).toBe('450.00');
    expect(arrearsLedger(v.book, { asOf, top: undefined, overdueOnly: undefined }).units).toBe(1);
    const ok = unitStatement(v.book, S1, { from: undefined, to: asOf });
    expect(ok._tag).toBe('Right');
  });
});

describe('the minor refusals', () => {
  const v = views();
  it('refuses a negative input to rateOf, documented for non-negative ones (RATE_INPUT_INVALID)', () => {
    expect(refusal(() => rateOf('-1', '3'))).toEqual({ code: 'RATE_INPUT_INVALID', path: ['numerator'] });
    expect(refusal(() => rateOf('1', '-3'))).toEqual({ code: 'RATE_INPUT_INVALID', path: ['denominator'] });
    expect(rateOf('1', '3').value).toBe('0.3333');
    expect(rateOf('0', '0').value).toBeNull();
  });
  it('refuses a statement whose range runs backwards (RANGE_INVALID at range.from), and takes a one-day range', () => {
    const backwards = unitStatement(v.book, S1, { from: dayOf('2025-03-31'), to: dayOf('2025-03-01') });
    expect(leftOf(backwards)).toEqual({ code: 'RANGE_INVALID', path: ['range', 'from'] });
    expect(backwards._tag === 'Left' && backwards.left.message).toBe('range.from (2025-03-31) is after range.to (2025-03-01): give the earlier day as from');
    const day = unitStatement(v.book, S1, { from: dayOf('2025-03-01'), to: dayOf('2025-03-01') });
    expect(day._tag === 'Right' && day.right.lines.length).toBe(1);
  });
});
