import { foldBench } from './fold.bench.js';

await foldBench();
