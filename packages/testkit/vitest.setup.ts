// Every property test in every package runs with one fixed seed, so CI is repeatable; shrinking
// stays on. test/support/properties.ts holds the policy: LEVY_FC_SEED explores other seeds locally,
// LEVY_FC_SCALE multiplies every property's runs, LEVY_FC_RUNS sets the count of a property that
// names none. Tests give fast-check no seed of their own and name their counts through `runs`, so
// the variables reach every property (test/house-rules.test.ts checks both).
import fc from 'fast-check';
import { FC_DEFAULT_RUNS, FC_SEED } from './test/support/properties.js';

fc.configureGlobal({ seed: FC_SEED, numRuns: FC_DEFAULT_RUNS, endOnFailure: false });
