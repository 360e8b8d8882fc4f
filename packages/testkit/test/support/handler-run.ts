// Generated account steps driven through the real handler on a memory store, shared by the
// properties that need a store and `createLevy` rather than the bare decider (idempotency.test.ts,
// closed-periods.test.ts): one community on a business-day clock, its units registered and a
// generated fee schedule adopted, and each step made concrete against the account as the handler
// reads it.
import fc from 'fast-check';
import {
  type AccountCommand,
  type CommandMeta,
  type CommandTarget,
  type EventData,
  type EventStore,
  type Levy,
  type LevyCommand,
  type LevyOptions,
  createLevy,
  epochDayOf,
  isoDateOf,
  openMemoryEventStore,
} from '@levy/core';
import { type AccountStep, type StepCursor, commandOfStep, feeScheduleArbitrary } from '../../src/index.js';

/** The community every run registers. */
export const COMMUNITY = 'sunrise';

/** The business day a run starts on (the steps' first day, as `commandOfStep` counts). */
export const FIRST_DAY = epochDayOf(2025, 1, 1);

const setupMeta = { actor: { id: 'clerk-1', role: 'clerk' }, effectiveDate: '2024-12-01' } as CommandMeta;

/** A fee schedule of the community, penalties on most of the time (so assessments are among the commands). */
export const scheduleArbitrary: fc.Arbitrary<EventData<'FeeScheduleAdopted'>> = fc
  .tuple(feeScheduleArbitrary(COMMUNITY), fc.integer({ min: 0, max: 9 }))
  .map(([s, k]) => (k < 8 ? { ...s, penalty: { ...s.penalty, enabled: true } } : s));

/** One run: a memory store, a handler whose clock reads the cursor's business day, and the units. */
export interface HandlerRun {
  readonly store: EventStore;
  readonly levy: Levy;
  /** the handler's options, for another handler instance over the same store */
  readonly options: LevyOptions;
  readonly cursor: StepCursor;
  /** `U1`, `U2`, ... */
  readonly unitIds: readonly string[];
  /** the next number of the run's one counter, which the handler's fresh ids count up too */
  next(): number;
  /** handles a copy of the command (the handler never sees the caller's object) */
  send(command: LevyCommand, target: CommandTarget, via?: Levy): ReturnType<Levy['handle']>;
}

/** A run over a fresh memory store with `units` units, before any command; charges are issued in the schedule's regime (the handler checks it). */
export const openHandlerRun = (units: number, regime?: StepCursor['regime']): HandlerRun => {
  const store = openMemoryEventStore();
  const unitIds = Array.from({ length: units }, (_, i) => `U${i + 1}`);
  const cursor: StepCursor = { day: FIRST_DAY, states: [], nextPeriod: unitIds.map(() => 0), ...(regime === undefined ? {} : { regime }) };
  let n = 0;
  const next = (): number => ++n;
  const options: LevyOptions = { clock: () => `${isoDateOf(cursor.day)}T02:00:00Z`, newId: (p) => `${p}-${next()}` };
  const levy = createLevy(store, options);
  return { store, levy, options, cursor, unitIds, next, send: (command, target, via = levy) => via.handle(structuredClone(command), target) };
};

/** RegisterCommunity (closing by quarter), RegisterUnit for each unit, AdoptFeeSchedule: each appends one event. */
export const setupCommands = (unitIds: readonly string[], schedule: EventData<'FeeScheduleAdopted'>): LevyCommand[] => {
  const { communityId: _, ...adopt } = schedule;
  return [
    { type: 'RegisterCommunity', data: { communityId: COMMUNITY, name: '阳光小区', timeZone: 'Asia/Shanghai', closeCycle: 'quarter' }, meta: setupMeta } as LevyCommand,
    ...unitIds.map(
      (unitId, i) =>
        ({
          type: 'RegisterUnit',
          data: { unitId, building: `${i + 1}号楼`, areaM2: '89.50', useType: 'residential', owner: { ownerId: `o-${unitId}`, name: `业主${unitId}` }, handoverDate: '2020-06-30' },
          meta: setupMeta,
        }) as LevyCommand,
    ),
    { type: 'AdoptFeeSchedule', data: adopt, meta: setupMeta } as unknown as LevyCommand,
  ];
};

/**
 * The concrete command of a step against its unit's account as the handler reads it now, with the
 * target to send it to; null when the step names a unit the run does not have or has nothing to act
 * on. Advances the cursor's day like `commandOfStep` (not for a unit the run does not have).
 */
export const commandAt = async (run: HandlerRun, step: AccountStep): Promise<{ readonly command: AccountCommand; readonly unitId: string; readonly target: CommandTarget } | null> => {
  if (step.unit >= run.unitIds.length) return null;
  const unitId = run.unitIds[step.unit]!;
  run.cursor.states[step.unit] = await run.levy.readAccount(COMMUNITY, unitId);
  const command = commandOfStep(step, run.cursor);
  return command === null ? null : { command, unitId, target: { communityId: COMMUNITY, unitId } };
};
