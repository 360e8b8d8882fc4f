// Logs of several communities (multiCommunityLogArbitrary): the invariants hold over them as over
// one community's, and each community's reports, asked for by communityId, are its own log's
// reports (no unit, charge or payment of another community leaks in) and add up to the reports of
// the whole log.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EpochDay, LevyError, Money, accountStream, dayOfIso, isoDateOf } from '@levy/core';
import { type LevyViews, type LoggedEvent, agingReport, arrearsLedger, collectionRates, dunningWorklist, levyProjection, rebuild, reportJson } from '@levy/projections';
import { type MultiCommunityLog, checkInvariants, multiCommunityLogArbitrary, storedEventsOf } from '../src/index.js';
import { runs } from './support/properties.js';

const names = (v: readonly { invariant: string; message: string }[]): string[] => v.map((x) => `${x.invariant}: ${x.message}`);
const eventsOf = (log: { readonly entries: MultiCommunityLog['entries'] }): LoggedEvent[] => storedEventsOf(log) as unknown as LoggedEvent[];

/** What the generated logs really held, so no property passes over logs that miss the point. */
interface Coverage {
  logs: number;
  /** logs in which two or more communities had charges */
  twoCharged: number;
  /** logs of three or more communities */
  three: number;
  /** logs whose communities' entries really interleave (more switches from one community to another than communities) */
  interleaved: number;
  /** logs holding two communities where one's id is a prefix of the other's (sun and sunrise) */
  prefixIds: number;
}
const coverage = (): Coverage => ({ logs: 0, twoCharged: 0, three: 0, interleaved: 0, prefixIds: 0 });
const count = (seen: Coverage, log: MultiCommunityLog): void => {
  seen.logs++;
  const ids = log.communities.map((c) => c.communityId);
  if (log.communities.filter((c) => c.accounts.some((a) => a.events.some((e) => e.type === 'ChargeIssued'))).length >= 2) seen.twoCharged++;
  if (ids.length >= 3) seen.three++;
  const community = (streamId: string): string => ids.find((id) => streamId === `levy.community-${id}` || streamId.startsWith(accountStream(id, '')))!;
  let switches = 0;
  for (let i = 1; i < log.entries.length; i++) if (community(log.entries[i]!.streamId) !== community(log.entries[i - 1]!.streamId)) switches++;
  if (switches > ids.length) seen.interleaved++;
  if (ids.some((a) => ids.some((b) => a !== b && b.startsWith(a)))) seen.prefixIds++;
};

describe('multiCommunityLogArbitrary', () => {
  it('makes logs of distinct communities whose merged entries keep each community’s own order and miss none', () => {
    fc.assert(
      fc.property(multiCommunityLogArbitrary({ communities: { min: 2, max: 4 }, steps: 20 }), (log) => {
        const ids = log.communities.map((c) => c.communityId);
        expect(new Set(ids).size).toBe(ids.length);
        for (const c of log.communities) {
          const own = new Set<string>([`levy.community-${c.communityId}`, ...c.accounts.map((a) => a.streamId)]);
          expect(log.entries.filter((x) => own.has(x.streamId))).toEqual(c.entries);
        }
        expect(log.entries.length).toBe(log.communities.reduce((n, c) => n + c.entries.length, 0));
        // no two communities share an event id (a store would take the second payment for a retry of the first)
        const eventIds = log.entries.map((x) => x.event.meta.eventId);
        expect(new Set(eventIds).size).toBe(eventIds.length);
      }),
      { numRuns: runs(60) },
    );
  });

  it.each<[string, unknown, unknown]>([
    ['one community (that is accountLogArbitrary)', { communities: 1 }, { code: 'OPTIONS_INVALID', path: ['communities'] }],
    ['more communities than it has ids for', { communities: { min: 2, max: 9 } }, { code: 'OPTIONS_INVALID', path: ['communities', 'max'] }],
    ['a range that runs backwards', { communities: { min: 3, max: 2 } }, { code: 'OPTIONS_INVALID', path: ['communities', 'min'] }],
    ['a negative step count', { steps: -1 }, { code: 'OPTIONS_INVALID', path: ['steps'] }],
    ['a misspelt key', { community: 3 }, { code: 'OPTIONS_UNKNOWN_FIELD', path: ['community'] }],
    ['a key accountLogArbitrary takes but it does not (each community has its own id and schedule)', { communityId: 'sunrise' }, { code: 'OPTIONS_UNKNOWN_FIELD', path: ['communityId'] }],
    ['options that are not an object', 3, { code: 'OPTIONS_INVALID', path: ['options'] }],
  ])('refuses %s when it is made', (_what, options, expected) => {
    let got: unknown = 'no refusal';
    try {
      multiCommunityLogArbitrary(options as never);
    } catch (e) {
      got = e instanceof LevyError ? { code: e.error.code, path: e.error.path } : e;
    }
    expect(got).toEqual(expected);
  });
});

describe('invariants over logs of several communities', () => {
  it('checkInvariants finds nothing over 2 to 3 communities interleaved', () => {
    const seen = coverage();
    fc.assert(
      fc.property(multiCommunityLogArbitrary({ communities: { min: 2, max: 3 }, units: { min: 1, max: 3 }, steps: { min: 5, max: 40 } }), (log) => {
        count(seen, log);
        expect(names(checkInvariants(eventsOf(log), { every: 10 }))).toEqual([]);
      }),
      { numRuns: runs(60) },
    );
    expect(seen.twoCharged).toBeGreaterThan(seen.logs * 0.8);
    expect(seen.three).toBeGreaterThan(seen.logs * 0.3);
    expect(seen.interleaved).toBeGreaterThan(seen.logs * 0.8);
    expect(seen.prefixIds).toBeGreaterThan(0);
  });
});

// a month's rates and its quarter's, for every month a charge of the log is for
const periodsOf = (views: LevyViews): string[] => {
  const out = new Set<string>();
  for (const u of views.book.units.values()) {
    for (const c of u.charges) {
      const month = isoDateOf(c.periodStart).slice(0, 7);
      out.add(month);
      out.add(`${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`);
    }
  }
  return [...out].sort();
};

// January's end, the log's middle and last days, and a month past the last
const daysOf = (events: readonly LoggedEvent[]): EpochDay[] => {
  const days = events.map((e) => dayOfIso(e.meta.effectiveDate));
  const last = Math.max(...days);
  const first = dayOfIso('2025-01-31');
  return [...new Set([first, Math.floor((first + last) / 2), last, last + 30])].sort((a, b) => a - b);
};

const rates = (views: LevyViews, period: string, asOf: EpochDay, communityId?: string) => {
  const r = collectionRates(views.book, { period, asOf, by: 'community', ...(communityId === undefined ? {} : { communityId }) });
  if (r._tag === 'Left') throw new Error(`${period}: ${r.left.code} ${r.left.message}`);
  return r.right;
};

const sum = (ms: readonly Money[]): string => Money.sum(ms).toString();

describe("each community's reports over a log of several", () => {
  it('are its own log’s reports, hold only its units, and add up to the whole log’s', () => {
    const seen = { ...coverage(), communityOwing: 0, dunned: 0 };
    fc.assert(
      // more communities, units and steps than the property above, so the two see different logs
      fc.property(multiCommunityLogArbitrary({ communities: { min: 2, max: 4 }, units: { min: 1, max: 4 }, steps: { min: 10, max: 60 } }), (log) => {
        count(seen, log);
        const events = eventsOf(log);
        const all = rebuild(levyProjection, events);
        const ids = log.communities.map((c) => c.communityId);
        const alone = new Map(log.communities.map((c) => [c.communityId, rebuild(levyProjection, eventsOf(c))]));
        const periods = periodsOf(all);
        for (const asOf of daysOf(events)) {
          const aging = agingReport(all.book, { asOf });
          const arrears = arrearsLedger(all.book, { asOf });
          const dunning = dunningWorklist(all.book, { asOf });
          const mine = ids.map((communityId) => {
            const own = alone.get(communityId)!;
            const prefix = accountStream(communityId, '');
            const unitKeys = new Set(log.communities.find((c) => c.communityId === communityId)!.accounts.map((a) => a.streamId));
            const a = agingReport(all.book, { asOf, communityId });
            const l = arrearsLedger(all.book, { asOf, communityId });
            const d = dunningWorklist(all.book, { asOf, communityId });
            // the community's own log, folded alone, reports the same bytes
            expect(reportJson(a)).toBe(reportJson(agingReport(own.book, { asOf, communityId })));
            expect(reportJson(l)).toBe(reportJson(arrearsLedger(own.book, { asOf, communityId })));
            expect(reportJson(d)).toBe(reportJson(dunningWorklist(own.book, { asOf, communityId })));
            // only its units: by community, by stream and by the units the log registered for it
            for (const line of [...a.lines, ...l.lines, ...d.items]) {
              expect([line.communityId, line.unit.startsWith(prefix), unitKeys.has(line.unit)]).toEqual([communityId, true, true]);
            }
            // and the whole log's lines of that community, in the same order
            expect(reportJson(a.lines)).toBe(reportJson(aging.lines.filter((x) => x.communityId === communityId)));
            expect(reportJson(l.lines)).toBe(reportJson(arrears.lines.filter((x) => x.communityId === communityId)));
            expect(reportJson(d.items)).toBe(reportJson(dunning.items.filter((x) => x.communityId === communityId)));
            // per community and day: one that owes, one with units to chase
        if (l.total.isPositive()) seen.communityOwing++;
            if (d.items.length > 0) seen.dunned++;
            return { a, l, d };
          });
          // the communities add up to the whole
          expect(mine.reduce((n, m) => n + m.a.lines.length, 0)).toBe(aging.lines.length);
          expect(aging.totals.map((_, i) => sum(mine.map((m) => m.a.totals[i]!)))).toEqual(aging.totals.map((t) => t.toString()));
          for (const k of ['principal', 'penalty', 'total', 'credit'] as const) expect([k, sum(mine.map((m) => m.a[k]))]).toEqual([k, aging[k].toString()]);
          for (const k of ['principal', 'penalty', 'total', 'overdue'] as const) expect([k, sum(mine.map((m) => m.l[k]))]).toEqual([k, arrears[k].toString()]);
          expect(mine.reduce((n, m) => n + m.l.units, 0)).toBe(arrears.units);
          expect(mine.reduce((n, m) => n + m.d.items.length, 0)).toBe(dunning.items.length);
          for (const [stage, n] of Object.entries(dunning.counts)) expect([stage, mine.reduce((t, m) => t + m.d.counts[stage as keyof typeof m.d.counts], 0)]).toEqual([stage, n]);
          for (const period of periods) {
            const whole = rates(all, period, asOf);
            const parts = ids.map((communityId) => {
              const r = rates(all, period, asOf, communityId);
              expect(reportJson(r)).toBe(reportJson(rates(alone.get(communityId)!, period, asOf, communityId)));
              expect(r.rows.every((row) => row.communityId === communityId && row.key === communityId)).toBe(true);
              return r.total;
            });
            for (const k of ['billed', 'waived', 'collected', 'arrearsOpen', 'arrearsCollected'] as const) expect([period, k, sum(parts.map((p) => p[k]))]).toEqual([period, k, whole.total[k].toString()]);
            for (const k of ['unitsBilled', 'unitsClear'] as const) expect([period, k, parts.reduce((n, p) => n + p[k], 0)]).toEqual([period, k, whole.total[k]]);
            // and the whole log's row of each community is that community's total
            const rows = new Map(whole.rows.map((row) => [row.communityId, row]));
            parts.forEach((p, i) => {
              const row = rows.get(ids[i]!);
              if (row !== undefined) expect(reportJson({ ...row, key: '*' })).toBe(reportJson(p));
            });
          }
        }
      }),
      { numRuns: runs(60) },
    );
    expect(seen.twoCharged).toBeGreaterThan(seen.logs * 0.8);
    expect(seen.interleaved).toBeGreaterThan(seen.logs * 0.8);
    expect(seen.prefixIds).toBeGreaterThan(0);
    expect(seen.communityOwing).toBeGreaterThan(seen.logs);
    expect(seen.dunned).toBeGreaterThan(seen.logs);
  });
});
