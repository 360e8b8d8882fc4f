import { type PerformanceEntry, PerformanceObserver, constants, performance } from 'node:perf_hooks';

/**
 * The benches' one way to report a figure: a human line, and a `BENCH {json}` line that
 * packages/testkit/bin/levy-bench.mjs collects into bench-results.json.
 */
export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** the same-run figure this one is compared with (a floor or a peer), if any */
  readonly baseline?: { readonly name: string; readonly value: number; readonly unit: string } | null;
}

export const report = (figure: BenchFigure): void => {
  const base = figure.baseline ? ` (baseline ${figure.baseline.name}: ${fmt(figure.baseline.value)} ${figure.baseline.unit}; ratio ${(figure.value / figure.baseline.value).toFixed(2)})` : '';
  console.log(`${figure.name}: ${fmt(figure.value)} ${figure.unit}${base}`);
  console.log(`BENCH ${JSON.stringify({ ...figure, baseline: figure.baseline ?? null })}`);
};

const fmt = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(4));

/** Wall time of `fn` in seconds (best of `runs`). */
export const timeIt = (fn: () => void, runs = 3): number => {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (s < best) best = s;
  }
  return best;
};

/** The collector's pauses of the main thread in one timed stretch, as node's `gc` performance entries give them. */
export interface CollectorPauses {
  /** scavenges (young generation): how many, and their pauses summed, in ms */
  readonly scavenges: number;
  readonly scavengeMs: number;
  /** everything else (full collections, incremental marking steps, weak callbacks), in ms */
  readonly otherMs: number;
}

/**
 * Watches the collector from now on. Take `performance.now()` around the timed work, then await
 * `pausesBetween(start, end)`: node hands `gc` entries to observers on the event loop, so they can
 * be read only after the synchronous work has ended. The pauses are the main thread's; the parallel
 * scavenger's helper thread works within them, and concurrent marking outside them.
 */
export const watchCollector = (): { pausesBetween: (start: number, end: number) => Promise<CollectorPauses>; stop: () => void } => {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) entries.push(e);
  });
  observer.observe({ entryTypes: ['gc'] });
  const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  return {
    pausesBetween: async (start, end) => {
      // two turns of the loop: node queues the entries, then delivers them to observers
      await tick();
      await tick();
      let scavenges = 0;
      let scavengeMs = 0;
      let otherMs = 0;
      for (const e of entries) {
        if (e.startTime < start || e.startTime > end) continue;
        if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) {
          scavenges++;
          scavengeMs += e.duration;
        } else otherMs += e.duration;
      }
      // entries before `end` are read once: later stretches need only the newer ones
      const later = entries.filter((e) => e.startTime > end);
      entries.length = 0;
      entries.push(...later);
      return { scavenges, scavengeMs, otherMs };
    },
    stop: () => observer.disconnect(),
  };
};

/** `performance.now()`, for the stretches `watchCollector` reads. */
export const perfNow = (): number => performance.now();

/** The pauses as a percentage of a stretch of `ms`. */
export const pauseShare = (p: CollectorPauses, ms: number): number => (100 * (p.scavengeMs + p.otherMs)) / ms;

/** One line on the collector's share of a timed stretch: `of` names the stretch's time (`"the pass's 3,227 ms"`), `ms` is it. */
export const describePauses = (p: CollectorPauses, ms: number, of: string): string =>
  `collector pauses ${whole(p.scavengeMs + p.otherMs)} ms of ${of} ${whole(ms)} ms (${pauseShare(p, ms).toFixed(0)}%): ${p.scavenges} scavenges ${whole(p.scavengeMs)} ms, other pauses ${whole(p.otherMs)} ms`;

const whole = (v: number): string => Math.round(v).toLocaleString('en-US');
