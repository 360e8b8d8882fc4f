/**
 * @levy/testkit: fast-check arbitraries, invariant checks and the store conformance suite.
 *
 * @packageDocumentation
 */
export * from './conformance.js';
export * from './arbitraries.js';
export * from './simulate.js';
