/**
 * @levy/testkit: fast-check arbitraries, the community-year simulator and the invariant checks.
 * The store conformance suite needs vitest and lives at its own entry, `@levy/testkit/conformance`,
 * so importing the generators never loads a test runner.
 *
 * @packageDocumentation
 */
export * from './arbitraries.js';
export * from './simulate.js';
export * from './invariants.js';
