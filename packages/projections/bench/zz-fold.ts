import { foldBench } from './fold.bench.js';
foldBench();
