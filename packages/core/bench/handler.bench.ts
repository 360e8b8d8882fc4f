// Community decider and command handler (issue 3): the pure billing plan for 10k units, and
// commands per second through the handler (read, decide, append with the expected revision) on
// the in-memory store, where hashing and JSON copies are the store's share of the cost.
import * as E from 'fp-ts/lib/Either.js';
import {
  type CommandMeta,
  type CommunityCommand,
  type CommunityContext,
  type LevyCommand,
  communityDecider,
  createLevy,
  openMemoryEventStore,
  planBilling,
} from '@levy/core';
import { report } from './report.js';

const UNITS = 10_000;
const HANDLER_UNITS = 2_000;

const meta = (effectiveDate: string): CommandMeta => ({ actor: { id: 'clerk-1', role: 'clerk' }, effectiveDate }) as CommandMeta;
const command = (type: string, data: unknown, day = '2024-12-01'): LevyCommand => ({ type, data, meta: meta(day) }) as LevyCommand;
const ctx: CommunityContext = { now: '2025-01-01T02:00:00Z' as CommunityContext['now'], newId: (p) => p };

const setUpCommands = (units: number): LevyCommand[] => {
  const out: LevyCommand[] = [command('RegisterCommunity', { communityId: 'bench', name: 'bench' })];
  for (let i = 0; i < units; i++) {
    out.push(
      command('RegisterUnit', {
        unitId: `U${i}`,
        building: `B${Math.floor(i / 100)}`,
        areaM2: `${50 + (i % 130)}.${String(i % 100).padStart(2, '0')}`,
        useType: i % 10 === 0 ? 'parking' : 'residential',
        owner: { ownerId: `o${i}`, name: 'owner' },
        handoverDate: i % 50 === 0 ? '2025-01-15' : '2020-01-01',
      }),
    );
  }
  out.push(
    command('AdoptFeeSchedule', {
      version: 1,
      publishedOn: '2024-12-01',
      effectiveFrom: '2025-01-01',
      billingCycle: 'month',
      dueRule: { kind: 'day-of-next-month', day: 15 },
      items: [
        { feeItemId: 'property', name: 'property', pricing: { kind: 'area', byUseType: { residential: '2.80' } }, appliesTo: ['residential'] },
        { feeItemId: 'parking', name: 'parking', pricing: { kind: 'fixed', amountPerMonth: '150.00' }, appliesTo: ['parking'] },
      ],
      penalty: { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' },
      allocation: 'oldest-first',
      regime: { kind: 'lump-sum' },
      managerWaiverLimit: '200.00',
      installmentGraceDays: 15,
    }),
  );
  return out;
};

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

/** Runs the community and handler benches. */
export const benchHandler = async (): Promise<void> => {
  // pure: fold the community stream of 10k units, then plan a month's billing
  let state = communityDecider.initialState();
  const events = [];
  let t0 = process.hrtime.bigint();
  for (const c of setUpCommands(UNITS) as CommunityCommand[]) {
    const r = communityDecider.decide(c, state, ctx);
    if (E.isLeft(r)) throw new Error(r.left.message);
    for (const e of r.right) {
      events.push(e);
      state = communityDecider.evolve(state, e);
    }
  }
  const decideSeconds = seconds(t0);
  report({ name: 'community: decide + evolve registering 10k units', value: (UNITS + 2) / decideSeconds, unit: 'commands/s' });
  t0 = process.hrtime.bigint();
  let folded = communityDecider.initialState();
  for (const e of events) folded = communityDecider.evolve(folded, e);
  report({ name: 'community: fold of a 10k-unit stream', value: events.length / seconds(t0), unit: 'events/s' });
  let charges = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    t0 = process.hrtime.bigint();
    const plan = planBilling(folded, '2025-01', meta('2025-01-01'), ctx);
    const s = seconds(t0);
    if (E.isLeft(plan)) throw new Error(plan.left.message);
    charges = plan.right.charges.length;
    best = Math.min(best, s);
  }
  report({ name: 'community: planBilling, 10k units (priced, prorated)', value: charges / best, unit: 'charges/s' });

  // through the handler on the memory store
  const store = openMemoryEventStore();
  const levy = createLevy(store, { clock: () => '2025-02-10T02:00:00Z', newId: (p) => p });
  t0 = process.hrtime.bigint();
  for (const c of setUpCommands(HANDLER_UNITS)) {
    const r = await levy.handle(c, { communityId: 'bench' });
    if (E.isLeft(r)) throw new Error(r.left.message);
  }
  report({ name: 'handler: community commands (memory store, 2k units)', value: (HANDLER_UNITS + 2) / seconds(t0), unit: 'commands/s' });
  t0 = process.hrtime.bigint();
  const billed = await levy.runBilling('bench', '2025-01', meta('2025-01-01'));
  if (E.isLeft(billed)) throw new Error(billed.left.message);
  report({ name: 'handler: billing run, one charge per account stream', value: billed.right.issued / seconds(t0), unit: 'charges/s' });
  t0 = process.hrtime.bigint();
  for (let i = 0; i < HANDLER_UNITS; i++) {
    const pay = command('ReceivePayment', { channel: 'wechat', channelTxnId: `T${i}`, amount: '300', receivedOn: '2025-02-10' }, '2025-02-10');
    const r = await levy.handle(pay, { communityId: 'bench', unitId: `U${i}` });
    if (E.isLeft(r)) throw new Error(r.left.message);
  }
  report({ name: 'handler: ReceivePayment (decode, read, decide, append)', value: HANDLER_UNITS / seconds(t0), unit: 'commands/s' });
};
