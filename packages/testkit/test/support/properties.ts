// The property tests' one policy, for every package: a seed and run counts that CI keeps fixed and
// a developer can turn up locally. vitest.setup.ts applies the seed; each property names its own
// run count through `runs`, so a deeper sweep is one variable away:
//   LEVY_FC_SEED=7 pnpm test        another seed in every property
//   LEVY_FC_SCALE=10 pnpm test      ten times the runs in every property
//   LEVY_FC_RUNS=200 pnpm test      the count of a property that names none (100 by default)

// a number from the environment, or the fallback when the variable is unset or empty
const fromEnv = (name: string, fallback: number, ok: (value: number) => boolean, what: string): number => {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!ok(value)) throw new Error(`${name} must be ${what}, not ${JSON.stringify(text)}`);
  return value;
};
const isPositive = (value: number): boolean => Number.isFinite(value) && value > 0;

/** The seed of every property (LEVY_FC_SEED; fixed in CI). */
export const FC_SEED = fromEnv('LEVY_FC_SEED', 20251127, Number.isSafeInteger, 'a whole number');

/** What every property's run count is multiplied by (LEVY_FC_SCALE; 1 in CI). */
export const FC_SCALE = fromEnv('LEVY_FC_SCALE', 1, isPositive, 'a positive number');

/** A property's run count: the count it names for CI, times LEVY_FC_SCALE, at least 1. */
export const runs = (count: number): number => Math.max(1, Math.round(count * FC_SCALE));

/** The run count of a property that names none (LEVY_FC_RUNS, 100 by default), scaled like the rest. */
export const FC_DEFAULT_RUNS = runs(fromEnv('LEVY_FC_RUNS', 100, isPositive, 'a positive number'));

/** How long one test may run (every package's vitest config): a minute at scale 1, growing with LEVY_FC_SCALE. */
export const TEST_TIMEOUT_MS = Math.round(60_000 * Math.max(1, FC_SCALE));
