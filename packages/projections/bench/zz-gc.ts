import v8 from 'node:v8';
import vm from 'node:vm';
import { rebuild } from '../src/fold.js';
import { levyProjection } from '../src/views.js';
import { generateYear } from './generate.js';
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const big = generateYear(20_000);
for (let i = 0; i < 4; i++) {
  gc();
  console.log('START');
  const t0 = process.hrtime.bigint();
  const v = rebuild(levyProjection, big);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log('END', s.toFixed(3), (big.length / s).toFixed(0), v.book.units.size);
}
