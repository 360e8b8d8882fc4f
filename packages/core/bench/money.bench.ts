// Money: summing 10M amounts and 1M `amount × rate` roundings, beside the same work in decimal.js
// alone. Target (issue 2): the sum at least 20x faster than decimal.js.
import Decimal from 'decimal.js';
import { Money } from '@levy/core';
import { report, timeIt } from './report.js';

export const benchMoney = (): void => {
  const N = 10_000_000;
  const distinct = 1000;
  // amounts cycle through 1,000 distinct values so construction is not what is measured
  const amounts: Money[] = [];
  const decimals: Decimal[] = [];
  for (let i = 0; i < distinct; i++) {
    const s = `${(i * 37) % 5000}.${String(i % 100).padStart(2, '0')}`;
    amounts.push(Money.of(s));
    decimals.push(new Decimal(s));
  }
  const list: Money[] = new Array<Money>(N);
  const dlist: Decimal[] = new Array<Decimal>(N);
  for (let i = 0; i < N; i++) {
    list[i] = amounts[i % distinct]!;
    dlist[i] = decimals[i % distinct]!;
  }
  let levySum = '';
  const tLevy = timeIt(() => {
    levySum = Money.sum(list).toString();
  });
  let decSum = '';
  const tDec = timeIt(() => {
    let acc = new Decimal(0);
    for (let i = 0; i < N; i++) acc = acc.plus(dlist[i]!);
    decSum = acc.toFixed(2);
  }, 1);
  if (levySum !== decSum) throw new Error(`sums disagree: ${levySum} vs ${decSum}`);
  const decRate = N / tDec;
  report({ name: 'money.sum 10M amounts', value: N / tLevy, unit: 'amounts/s', baseline: { name: 'decimal.js plus', value: decRate, unit: 'amounts/s' } });

  const M = 1_000_000;
  const rate = new Decimal('0.0003');
  let a = '';
  const tTimes = timeIt(() => {
    let acc = Money.zero();
    for (let i = 0; i < M; i++) acc = acc.add(list[i]!.times(rate));
    a = acc.toString();
  }, 1);
  let b = '';
  const tDecTimes = timeIt(() => {
    let acc = new Decimal(0);
    for (let i = 0; i < M; i++) acc = acc.plus(dlist[i]!.times(rate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP));
    b = acc.toFixed(2);
  }, 1);
  if (a !== b) throw new Error(`rate products disagree: ${a} vs ${b}`);
  report({ name: 'money.times(rate) 1M roundings', value: M / tTimes, unit: 'ops/s', baseline: { name: 'decimal.js times+round', value: M / tDecTimes, unit: 'ops/s' } });
};
