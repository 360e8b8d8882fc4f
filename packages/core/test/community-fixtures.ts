// shared builders for the community decider and handler tests
import * as E from 'fp-ts/lib/Either.js';
import { type CommandMeta, type CommandOf, type CommunityCommand, type CommunityContext, type CommunityEvent, type LevyCommand, type StoredEvent, communityDecider } from '@levy/core';

export const CID = 'sunrise';
export const NOW = '2025-03-01T02:00:00Z';

export const ctx: CommunityContext = { now: NOW as CommunityContext['now'], newId: (p: string) => `${p}-1` };

export const meta = (effectiveDate: string, extra: Partial<CommandMeta> = {}): CommandMeta =>
  ({ actor: { id: 'clerk-1', role: 'clerk' }, effectiveDate, ...extra }) as CommandMeta;

export const cmd = <K extends LevyCommand['type']>(type: K, data: unknown, m: CommandMeta = meta('2025-01-01')): CommandOf<K> =>
  ({ type, data, meta: m }) as CommandOf<K>;

export const registerCommunity = (closeCycle?: 'month' | 'quarter' | 'year') =>
  cmd('RegisterCommunity', { communityId: CID, name: '阳光小区', ...(closeCycle === undefined ? {} : { closeCycle }) });

export const registerUnit = (unitId: string, over: Record<string, unknown> = {}) =>
  cmd('RegisterUnit', {
    unitId,
    building: 'B1',
    areaM2: '89.50',
    useType: 'residential',
    owner: { ownerId: `o-${unitId}`, name: '张三' },
    handoverDate: '2024-06-01',
    ...over,
  });

export const scheduleData = (over: Record<string, unknown> = {}) => ({
  version: 1,
  publishedOn: '2024-12-01',
  effectiveFrom: '2025-01-01',
  billingCycle: 'month',
  dueRule: { kind: 'day-of-next-month', day: 15 },
  items: [
    { feeItemId: 'property', name: '物业服务费', pricing: { kind: 'area', byUseType: { residential: '2.80', commercial: '6.50' }, byGrade: { 'office-A': '9.00' } }, appliesTo: ['residential', 'commercial'] },
    { feeItemId: 'parking', name: '停车管理费', pricing: { kind: 'fixed', amountPerMonth: '150.00' }, appliesTo: ['parking'] },
  ],
  penalty: { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' },
  allocation: 'oldest-first',
  regime: { kind: 'lump-sum' },
  managerWaiverLimit: '200',
  installmentGraceDays: 15,
  ...over,
});

export const adoptSchedule = (over: Record<string, unknown> = {}, m: CommandMeta = meta('2024-12-01')) => cmd('AdoptFeeSchedule', scheduleData(over), m);

/** The events of a list of community commands decided in order (fixture setup: a refusal throws). */
export const eventsOf = (commands: readonly CommunityCommand[], context: CommunityContext = ctx): CommunityEvent[] => {
  const out: CommunityEvent[] = [];
  let state = communityDecider.initialState();
  for (const c of commands) {
    const r = communityDecider.decide(c, state, context);
    if (E.isLeft(r)) throw new Error(`fixture command ${c.type} refused: ${r.left.code} ${r.left.message}`);
    for (const e of r.right) {
      out.push(e);
      state = communityDecider.evolve(state, e);
    }
  }
  return out;
};

export const stateOf = (events: readonly CommunityEvent[]) => events.reduce(communityDecider.evolve, communityDecider.initialState());

/** The events of a read, a missing stream read as empty. */
export const collectStream = async (it: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = [];
  try {
    for await (const x of it) out.push(x);
  } catch {
    // a missing stream reads as empty here
  }
  return out;
};
