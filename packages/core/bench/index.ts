// @levy/core benchmarks: run with `pnpm bench` (all packages) or `pnpm bench core`.
import { benchMoney } from './money.bench.js';
import { benchCalendar } from './calendar.bench.js';
import { benchFeeMath } from './fee-math.bench.js';
import { benchHandler } from './handler.bench.js';
import { benchDecider } from './decider.bench.js';

benchMoney();
benchCalendar();
benchFeeMath();
await benchDecider();
await benchHandler();
