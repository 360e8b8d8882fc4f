import { describe, expect, it } from 'vitest';
import { type StoredEvent, LevyError, Money, decodeEvent, openMemoryEventStore, toJsonLines, verifyChain } from '@levy/core';
import { mulberry32, simulateCommunityYear } from '../src/simulate.js';

const run = async (seed: number, units: number) => {
  const store = openMemoryEventStore();
  const summary = await simulateCommunityYear({ seed, units, store });
  const events: StoredEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  return { summary, events };
};

describe('simulateCommunityYear', () => {
  it('is deterministic: the same seed writes the same bytes', async () => {
    const a = await run(11, 60);
    const b = await run(11, 60);
    expect(toJsonLines(b.events)).toBe(toJsonLines(a.events));
    const c = await run(12, 60);
    expect(toJsonLines(c.events)).not.toBe(toJsonLines(a.events));
  });
  it('writes a year that the deciders accept in full: no refusals, every event decodes, every chain verifies', async () => {
    const { summary, events } = await run(5, 150);
    expect(summary.refusals).toEqual({});
    expect(summary.units).toBe(150);
    expect(summary.events).toBe(events.length);
    expect(summary.counts.closes).toBe(4);
    expect(summary.counts.charges).toBeGreaterThan(150 * 11);
    expect(summary.counts.plans).toBe(1);
    expect(summary.counts.reversals).toBe(1);
    expect(summary.counts.waivers).toBeGreaterThan(0);
    expect(summary.eventTypes.InstallmentPlanDefaulted ?? 0).toBe(0);
    // the month-end sweep pays penalty from the credit a round sum left (CreditApplied on penalty)
    expect(summary.counts.creditApplications).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'CreditApplied' && (e.data as { kind?: string }).kind === 'penalty')).toBe(true);
    expect(events.every((e) => decodeEvent(e)._tag === 'Right')).toBe(true);
    expect(verifyChain(events)).toEqual({ ok: true, count: events.length });
  });
  it("every payment's allocations plus its credit equal the payment", async () => {
    const { events } = await run(9, 80);
    const payments = events.filter((e) => e.type === 'PaymentReceived');
    expect(payments.length).toBeGreaterThan(0);
    for (const p of payments) {
      const d = p.data as { amount: string; toCredit: string; allocations: { amount: string }[] };
      expect(Money.sum([...d.allocations.map((a) => Money.of(a.amount)), Money.of(d.toCredit)]).toString()).toBe(d.amount);
    }
  });
  it('refuses units, a year or a seed it cannot simulate, naming the option, before writing anything', async () => {
    const store = openMemoryEventStore();
    const refusal = (options: object) => simulateCommunityYear({ seed: 1, store, ...options } as never).then(() => 'no refusal', (e: unknown) => (e instanceof LevyError ? { code: e.error.code, path: e.error.path } : String(e)));
    expect(await refusal({ units: 0 })).toEqual({ code: 'OPTIONS_INVALID', path: ['units'] });
    expect(await refusal({ units: 2.5 })).toEqual({ code: 'OPTIONS_INVALID', path: ['units'] });
    expect(await refusal({ year: 10_000 })).toEqual({ code: 'OPTIONS_INVALID', path: ['year'] });
    expect(await refusal({ seed: Number.NaN })).toEqual({ code: 'OPTIONS_INVALID', path: ['seed'] });
    const written: unknown[] = [];
    for await (const e of store.readAll()) written.push(e);
    expect(written).toEqual([]);
  });
  it('mulberry32 repeats for a seed and stays in [0, 1)', () => {
    const a = mulberry32(3);
    const b = mulberry32(3);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
