// folding already-decoded events into every projection (journal, account book, audit trail):
// events per second on one core, peak memory, and how time grows with 10x the events. Each timed
// fold starts from a collected heap (the garbage of the run before is not charged to it).
import v8 from 'node:v8';
import vm from 'node:vm';
import { type CollectorPauses, describePauses, pauseShare, perfNow, report, watchCollector } from '../../core/bench/report.js';
import { dayOf, dayOfDecoded, moneyOfAmount } from '../src/fields.js';
import { type LoggedEvent, rebuild } from '../src/fold.js';
import { agingReport } from '../src/aging.js';
import { arrearsLedger } from '../src/arrears.js';
import { collectionRates } from '../src/collection-rate.js';
import { dunningWorklist } from '../src/dunning.js';
import { trialBalance } from '../src/journal.js';
import { levyProjection } from '../src/views.js';
import { generateYear } from './generate.js';

const MiB = 2 ** 20;
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface FoldTimes {
  readonly wall: number;
  readonly cpu: number;
  /** of the run with the least CPU time: the kernel's share of it, and the fresh pages it mapped in */
  readonly system: number;
  readonly pageFaults: number;
  /** of the same run: the collector's pauses of the main thread during the fold */
  readonly pauses: CollectorPauses;
}

const NONE: FoldTimes = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY, system: 0, pageFaults: 0, pauses: { scavenges: 0, scavengeMs: 0, otherMs: 0 } };

const collector = watchCollector();

// the best of `runs` folds: wall seconds, and CPU seconds of this process (the machine may be shared)
const foldSeconds = async (events: readonly LoggedEvent[], runs: number): Promise<FoldTimes> => {
  let best = NONE;
  for (let i = 0; i < runs; i++) {
    gc();
    const f0 = process.resourceUsage().minorPageFault;
    const from = perfNow();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const views = rebuild(levyProjection, events);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    const pageFaults = process.resourceUsage().minorPageFault - f0;
    const pauses = await collector.pausesBetween(from, perfNow());
    // best wall and best CPU time, each over the runs
    best = bestOf(best, { wall, cpu: (c.user + c.system) / 1e6, system: c.system / 1e6, pageFaults, pauses });
    // the generated log is valid: it must fold without anomalies and balance
    if (views.book.anomalies.length !== 0 || !trialBalance(views.journal).sum.isZero()) throw new Error('the generated log should fold cleanly');
  }
  return best;
};

const bestOf = (a: FoldTimes, b: FoldTimes): FoldTimes => {
  const lessCpu = b.cpu < a.cpu ? b : a;
  return { wall: Math.min(a.wall, b.wall), cpu: lessCpu.cpu, system: lessCpu.system, pageFaults: lessCpu.pageFaults, pauses: lessCpu.pauses };
};

// the floor: what any fold by unit must do at least, in the same run: find the event's stream in a
// map of units, read its date and one amount, append it to the unit's list
const floorSeconds = (events: readonly LoggedEvent[], runs: number): number => {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    gc();
    const t0 = process.hrtime.bigint();
    const units = new Map<string, { days: number; list: LoggedEvent[] }>();
    for (const e of events) {
      let u = units.get(e.streamId);
      if (u === undefined) units.set(e.streamId, (u = { days: 0, list: [] }));
      u.days += dayOfDecoded(e.meta.effectiveDate);
      if (e.type === 'ChargeIssued') moneyOfAmount(e.data.amount);
      u.list.push(e);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return best;
};

export const foldBench = async (): Promise<void> => {
  const big = generateYear(20_000);
  gc();
  const heapEvents = process.memoryUsage().heapUsed;
  // 10x the events: the whole year against its first tenth (the same 20,000 units, a tenth of the history)
  const small = big.slice(0, Math.round(big.length / 10));
  const smallCount = small.length;
  // warm up the JIT on the whole year too: the tenth holds only the year's first weeks, and after
  // it the first two folds of the whole year still deoptimize the fold's code on what later months
  // hold (`node --trace-deopt`: 11 times in the first, twice in the second, never after), so the
  // first two timed folds of the year measured the compiler as well as the fold
  await foldSeconds(small, 2);
  await foldSeconds(big, 2);
  // the tenth and the whole year take turns, so a change in the machine's speed over the run
  // (other tenants on these VMs) weighs on both sides of the 10x ratio alike
  let smallSeconds = NONE;
  let bigSeconds = NONE;
  for (let round = 0; round < 3; round++) {
    smallSeconds = bestOf(smallSeconds, await foldSeconds(small, 2));
    bigSeconds = bestOf(bigSeconds, await foldSeconds(big, 1));
  }
  const floor = floorSeconds(big, 3);
  gc();
  const views = rebuild(levyProjection, big);
  gc();
  const heapAll = process.memoryUsage().heapUsed;
  // reports are queries over the views: each over all 20,000 units, as of year end
  const asOf = dayOf('2025-12-31');
  const ms = (fn: () => unknown): number => {
    const t0 = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const reportMs = {
    trialBalance: ms(() => trialBalance(views.journal, asOf)),
    aging: ms(() => agingReport(views.book, { asOf })),
    arrears: ms(() => arrearsLedger(views.book, { asOf })),
    collectionRates: ms(() => collectionRates(views.book, { period: '2025-06', asOf, by: 'building' })),
    dunning: ms(() => dunningWorklist(views.book, { asOf })),
  };
  console.log(`${big.length.toLocaleString('en-US')} events (20,000 units, a year); the first ${smallCount.toLocaleString('en-US')} for the 10x comparison; the views hold ${views.book.units.size.toLocaleString('en-US')} units`);
  report({ name: 'projections: fold all projections, events/s (20k units, a year)', value: big.length / bigSeconds.wall, unit: 'events/s', baseline: { name: 'target', value: 1_000_000, unit: 'events/s' } });
  report({
    name: 'projections: fold all projections, events/s, beside the floor',
    value: big.length / bigSeconds.wall,
    unit: 'events/s',
    baseline: { name: 'floor: a map lookup, a date and an amount per event', value: big.length / floor, unit: 'events/s' },
  });
  report({ name: 'projections: fold all projections, events per CPU second', value: big.length / bigSeconds.cpu, unit: 'events/cpu-s', baseline: { name: 'target', value: 1_000_000, unit: 'events/s' } });
  // each timed fold follows a collection that gave the tenth's pages back, so it maps its views' memory afresh, as a new process would
  report({ name: 'projections: system CPU time of that fold (the kernel mapping fresh pages)', value: bigSeconds.system * 1000, unit: 'ms', baseline: null });
  report({ name: 'projections: minor page faults of that fold', value: bigSeconds.pageFaults, unit: 'faults', baseline: null });
  console.log(`that fold: ${describePauses(bigSeconds.pauses, bigSeconds.cpu * 1000, 'its CPU time,')}`);
  report({ name: "projections: that fold's collector pauses, share of its CPU time", value: pauseShare(bigSeconds.pauses, bigSeconds.cpu * 1000), unit: '%', baseline: null });
  report({ name: 'projections: peak rss (events and views in memory)', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB', baseline: { name: 'limit', value: 1024, unit: 'MiB' } });
  report({ name: 'projections: heap of the decoded events', value: heapEvents / MiB, unit: 'MiB', baseline: null });
  report({ name: 'projections: heap of the views alone', value: (heapAll - heapEvents) / MiB, unit: 'MiB', baseline: null });
  for (const [name, value] of Object.entries(reportMs)) report({ name: `projections: ${name} report over 20,000 units`, value, unit: 'ms', baseline: null });
  // on a shared machine wall time swings with the neighbours' load; CPU time much less
  report({
    name: `projections: CPU time for ${(big.length / smallCount).toFixed(1)}x the events`,
    value: bigSeconds.cpu / smallSeconds.cpu,
    unit: 'x',
    baseline: { name: 'limit', value: 11, unit: 'x' },
  });
  report({ name: `projections: wall time for ${(big.length / smallCount).toFixed(1)}x the events`, value: bigSeconds.wall / smallSeconds.wall, unit: 'x', baseline: null });
  collector.stop();
};
