// folding already-decoded events into every projection (journal, account book, audit trail):
// events per second on one core, peak memory, and how time grows with 10x the events
import { report } from '../../core/bench/report.js';
import { type LoggedEvent, rebuild } from '../src/fold.js';
import { trialBalance } from '../src/journal.js';
import { levyProjection } from '../src/views.js';
import { generateYear } from './generate.js';

const MiB = 2 ** 20;

// the best of `runs` folds: wall seconds, and CPU seconds of this process (the machine may be shared)
const foldSeconds = (events: readonly LoggedEvent[], runs: number): { wall: number; cpu: number } => {
  let best = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const views = rebuild(levyProjection, events);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    if (wall < best.wall) best = { wall, cpu: (c.user + c.system) / 1e6 };
    // the generated log is valid: it must fold without anomalies and balance
    if (views.book.anomalies.length !== 0 || !trialBalance(views.journal).sum.isZero()) throw new Error('the generated log should fold cleanly');
  }
  return best;
};

export const foldBench = (): void => {
  // the small log first, then dropped, so the peak is the big log and its views
  let small: LoggedEvent[] | null = generateYear(2_000);
  const smallCount = small.length;
  foldSeconds(small, 2); // warm up the JIT
  const smallSeconds = foldSeconds(small, 3);
  small = null;
  const big = generateYear(20_000);
  const heapEvents = process.memoryUsage().heapUsed;
  const bigSeconds = foldSeconds(big, 2);
  const views = rebuild(levyProjection, big);
  const heapAll = process.memoryUsage().heapUsed;
  console.log(`${big.length.toLocaleString('en-US')} events (20,000 units, a year), ${smallCount.toLocaleString('en-US')} for the 10x comparison (2,000 units); the views hold ${views.book.units.size.toLocaleString('en-US')} units`);
  report({ name: 'projections: fold all projections, events/s (20k units, a year)', value: big.length / bigSeconds.wall, unit: 'events/s', baseline: { name: 'target', value: 1_000_000, unit: 'events/s' } });
  report({ name: 'projections: fold all projections, events per CPU second', value: big.length / bigSeconds.cpu, unit: 'events/cpu-s', baseline: { name: 'target', value: 1_000_000, unit: 'events/s' } });
  report({ name: 'projections: peak rss (events and views in memory)', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB', baseline: { name: 'limit', value: 1024, unit: 'MiB' } });
  report({ name: 'projections: heap of the decoded events', value: heapEvents / MiB, unit: 'MiB', baseline: null });
  report({ name: 'projections: heap of events and views', value: heapAll / MiB, unit: 'MiB', baseline: null });
  report({
    name: `projections: time for ${(big.length / smallCount).toFixed(1)}x the events`,
    value: bigSeconds.wall / smallSeconds.wall,
    unit: 'x',
    baseline: { name: 'limit', value: 11, unit: 'x' },
  });
};
