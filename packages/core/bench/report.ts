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
