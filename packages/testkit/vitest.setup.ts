// Every property test in every package runs with one fixed seed, so CI is repeatable; shrinking
// stays on. Set LEVY_FC_SEED to explore other seeds locally, LEVY_FC_RUNS for more runs (where a
// test sets no numRuns of its own). Tests pass no seed of their own, so the seed reaches every
// property (test/house-rules.test.ts checks that).
import fc from 'fast-check';

const seed = Number(process.env.LEVY_FC_SEED ?? 20251127);
const numRuns = Number(process.env.LEVY_FC_RUNS ?? 100);
fc.configureGlobal({ seed, numRuns, endOnFailure: false });
