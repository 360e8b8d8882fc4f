// @levy/testkit benchmarks: run with `pnpm bench testkit`.
import { benchSimulate } from './simulate.bench.js';

await benchSimulate();
