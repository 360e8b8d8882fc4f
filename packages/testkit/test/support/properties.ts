// The property tests' one policy, for every package: a seed and run counts that CI keeps fixed and
// a developer can turn up locally. vitest.setup.ts applies the seed; each property names its own
// run count through `runs`, so a deeper sweep is one variable away:
//   LEVY_FC_SEED=7 pnpm test        another seed in every property
//   LEVY_FC_SCALE=10 pnpm test      ten times the runs in every property
//   LEVY_FC_RUNS=200 pnpm test      the count of a property that names none (100 by default)

const positive = (name: string, fallback: number): number => {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${JSON.stringify(text)}`);
  return value;
};

const seedOf = (text: string | undefined): number => {
  if (text === undefined || text === '') return 20251127;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`LEVY_FC_SEED must be a whole number, not ${JSON.stringify(text)}`);
  return value;
};

/** The seed of every property (LEVY_FC_SEED; fixed in CI). */
export const FC_SEED = seedOf(process.env.LEVY_FC_SEED);

/** What every property's run count is multiplied by (LEVY_FC_SCALE; 1 in CI). */
export const FC_SCALE = positive('LEVY_FC_SCALE', 1);

/** A property's run count: the count it names for CI, times LEVY_FC_SCALE, at least 1. */
export const runs = (count: number): number => Math.max(1, Math.round(count * FC_SCALE));

/** The run count of a property that names none (LEVY_FC_RUNS, 100 by default), scaled like the rest. */
export const FC_DEFAULT_RUNS = runs(positive('LEVY_FC_RUNS', 100));

/** How long one test may run (every package's vitest config): a minute at scale 1, growing with LEVY_FC_SCALE. */
export const TEST_TIMEOUT_MS = Math.round(60_000 * Math.max(1, FC_SCALE));
