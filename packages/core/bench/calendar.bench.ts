// Calendar: why dates are epoch-day integers inside (DESIGN.md, principle 5). Converting a civil
// date to an epoch day and back, against the same step done with Temporal (`add` one day, then
// `until` to count the days); parsing and printing ISO dates against Temporal's; and adding
// working days on the bundled China calendar.
import { Temporal } from 'temporal-polyfill';
import { addWorkingDays, civilOf, epochDayOf, isoDateOf, parseIsoDate } from '@levy/core';
import * as E from 'fp-ts/lib/Either.js';
import { report, timeIt } from './report.js';

export const benchCalendar = (): void => {
  const start = epochDayOf(2020, 1, 1);

  // epoch day -> civil -> epoch day, over consecutive days
  const N = 5_000_000;
  let sink = 0;
  const tEpoch = timeIt(() => {
    let acc = 0;
    for (let i = 0; i < N; i++) {
      const c = civilOf(start + (i % 4000));
      acc += epochDayOf(c.year, c.month, c.day);
    }
    sink = acc;
  });
  let expected = 0;
  for (let i = 0; i < N; i++) expected += start + (i % 4000);
  if (sink !== expected) throw new Error(`epoch-day round trip drifted: ${sink} vs ${expected}`);

  // the Temporal way: step a PlainDate one day and count the days from a fixed origin
  const M = 100_000;
  const origin = Temporal.PlainDate.from('2020-01-01');
  let days = 0;
  const tTemporal = timeIt(() => {
    let d = origin;
    for (let i = 0; i < M; i++) {
      d = d.add({ days: 1 });
      days = origin.until(d, { largestUnit: 'days' }).days;
    }
  }, 1);
  if (days !== M) throw new Error(`temporal counted ${days} days, expected ${M}`);
  const temporalRate = M / tTemporal;
  report({
    name: 'calendar.epochDay round trips (civilOf + epochDayOf)',
    value: N / tEpoch,
    unit: 'conversions/s',
    baseline: { name: 'Temporal PlainDate add + until', value: temporalRate, unit: 'ops/s' },
  });

  // ISO strings at the edge
  const P = 1_000_000;
  const strings = Array.from({ length: 4000 }, (_, i) => isoDateOf(start + i));
  let parsed = 0;
  const tParse = timeIt(() => {
    let acc = 0;
    for (let i = 0; i < P; i++) {
      const r = parseIsoDate(strings[i % 4000]!);
      if (E.isRight(r)) acc += r.right;
    }
    parsed = acc;
  });
  if (parsed === 0) throw new Error('nothing parsed');
  const Q = 100_000;
  const tFrom = timeIt(() => {
    let acc = 0;
    for (let i = 0; i < Q; i++) acc += Temporal.PlainDate.from(strings[i % 4000]!).day;
    sink = acc;
  }, 1);
  report({
    name: 'calendar.parseIsoDate',
    value: P / tParse,
    unit: 'dates/s',
    baseline: { name: 'Temporal PlainDate.from', value: Q / tFrom, unit: 'dates/s' },
  });

  let printed = '';
  const tPrint = timeIt(() => {
    for (let i = 0; i < P; i++) printed = isoDateOf(start + (i % 4000));
  });
  const plain = Array.from({ length: 4000 }, (_, i) => origin.add({ days: i }));
  const tToString = timeIt(() => {
    for (let i = 0; i < Q; i++) printed = plain[i % 4000]!.toString();
  }, 1);
  if (printed.length !== 10) throw new Error(`odd date string ${printed}`);
  report({
    name: 'calendar.isoDateOf',
    value: P / tPrint,
    unit: 'dates/s',
    baseline: { name: 'Temporal PlainDate#toString', value: Q / tToString, unit: 'dates/s' },
  });

  // a complaint clock: 7 working days from each day of 2025-2026 on the China table
  const W = 200_000;
  let last = 0;
  const tWork = timeIt(() => {
    for (let i = 0; i < W; i++) last = addWorkingDays(epochDayOf(2025, 1, 1) + (i % 700), 7).date;
  });
  if (last <= 0) throw new Error('no working day found');
  report({ name: 'working-days.addWorkingDays(7) on the China table', value: W / tWork, unit: 'ops/s' });
};
