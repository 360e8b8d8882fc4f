// @levy/store-sqlite benchmarks: run with `pnpm bench store-sqlite` (or `pnpm bench` for all packages).
import { benchSqliteStore } from './store.bench.js';

await benchSqliteStore();
