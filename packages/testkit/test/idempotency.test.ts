// Appending a duplicate command changes nothing (DESIGN.md, invariants), through the handler and a
// store: generated account commands are handled one by one; each accepted command is sent again at
// once, and earlier accepted commands are sent again later, after other commands moved the
// account on (a client retrying after a lost reply, a channel notifying twice, a clerk pressing
// the button again). Each repeat must be decided to nothing: the handler appends nothing, the log
// holds the same events at the same positions, and every report reads the same bytes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type AccountCommand, type CommandTarget, type EventStore, type Levy, type LevyCommand, canonicalJson, createLevy } from '@levy/core';
import { type LoggedEvent, levyProjection, rebuild, reportBundle, reportJson } from '@levy/projections';
import { type AccountStep, accountStepArbitrary, readLog } from '../src/index.js';
import { COMMUNITY, commandAt, openHandlerRun, scheduleArbitrary, setupCommands } from './support/handler-run.js';
import { runs } from './support/properties.js';

/**
 * Commands whose repeat, however late, is a no-op: each names its fact by a natural key or an id
 * (docs/events.md, natural keys; docs/accounts.md): a charge by fee item and period, a payment by
 * channel transaction, a reversal or cancellation by the payment or charge it undoes, a waiver by
 * waiverId or meta.commandId, a plan by planId, a refund by refundId, channel transaction or
 * meta.commandId, a reminder by stage, channel, date and charges; the setup by community, unit
 * and schedule version.
 *
 * Left out on purpose: AssessPenalty, ApplyCredit and ClassifyArrears decide on the account as it
 * stands when they arrive (their events are keyed by the last day assessed, or by the account's
 * version): sent again after other commands, they may rightly find new overdue days, new credit, or
 * a class changed since. Only their immediate repeat is a no-op, checked below for every command.
 */
const KEYED_ACCOUNT_COMMANDS: ReadonlySet<string> = new Set([
  'IssueCharge',
  'CancelCharge',
  'ReceivePayment',
  'ReversePayment',
  'GrantWaiver',
  'AgreeInstallmentPlan',
  'RefundCredit',
  'RecordReminder',
]);
const SETUP_COMMANDS: ReadonlySet<string> = new Set(['RegisterCommunity', 'RegisterUnit', 'AdoptFeeSchedule']);

/** how a waiver and a refund are named: their own id, the command's id, or (a refund) the channel transaction */
type KeyBy = 'id' | 'commandId' | 'channel';
type Step = AccountStep | { readonly kind: 'repeat'; readonly pick: number };

const planArbitrary = fc.integer({ min: 1, max: 3 }).chain((units) =>
  fc.record({
    units: fc.constant(units),
    // penalties on most of the time, so assessments and recounts are among what is repeated
    schedule: scheduleArbitrary,
    keyBy: fc.constantFrom<KeyBy>('id', 'commandId', 'channel'),
    steps: fc.array(
      fc.oneof({ weight: 6, arbitrary: accountStepArbitrary(units) as fc.Arbitrary<Step> }, { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), pick: fc.nat() }) }),
      { minLength: 10, maxLength: 50, size: 'max' },
    ),
    // which commands are repeated after the last step, and in which order
    lastPick: fc.nat(),
  }),
);

/** names a waiver or refund as `keyBy` says; with 'commandId' every command carries one, as a client that numbers its commands */
const keyed = (command: AccountCommand, keyBy: KeyBy, n: number): AccountCommand => {
  const c = structuredClone(command) as { type: string; data: Record<string, unknown>; meta: Record<string, unknown> };
  if (keyBy === 'commandId') c.meta.commandId = `cmd-${n}`;
  if (c.type === 'GrantWaiver' && keyBy === 'commandId') delete c.data.waiverId;
  if (c.type === 'RefundCredit' && keyBy !== 'id') {
    delete c.data.refundId;
    if (keyBy === 'channel') c.data.channelTxnId = `RF${n}`;
  }
  return c as unknown as AccountCommand;
};

interface Snapshot {
  readonly count: number;
  readonly lastPosition: bigint | null;
  readonly bytes: string;
  readonly revisions: ReadonlyMap<string, bigint>;
  /** every report as of the day, for a repeat sent later (the bytes already show an immediate one changed nothing) */
  readonly report: string | null;
}

const snapshot = async (store: EventStore, asOf: number, withReport: boolean): Promise<Snapshot> => {
  const events = await readLog(store);
  const revisions = new Map<string, bigint>();
  for (const e of events) revisions.set(e.streamId, e.revision);
  return {
    count: events.length,
    lastPosition: events.at(-1)?.position ?? null,
    bytes: canonicalJson(events.map((e) => ({ streamId: e.streamId, revision: e.revision.toString(), position: e.position.toString(), type: e.type, data: e.data, meta: e.meta }))),
    revisions,
    report: withReport ? reportJson(reportBundle(rebuild(levyProjection, events as unknown as LoggedEvent[]), asOf)) : null,
  };
};

describe('appending a duplicate command changes nothing', () => {
  it('decides a repeat of an accepted command to nothing, at once and after other commands: the same log, the same reports', async () => {
    let runCount = 0;
    let runsWithLateRepeat = 0;
    let lateRepeats = 0;
    const lateRepeatTypes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(planArbitrary, async ({ units, schedule, keyBy, steps, lastPick }) => {
        runCount++;
        const run = openHandlerRun(units, schedule.regime);
        const { store, levy, options, cursor, send } = run;
        // accepted commands a late repeat may pick: they appended something when first sent
        const accepted: { readonly command: LevyCommand; readonly target: CommandTarget }[] = [];

        for (const command of setupCommands(run.unitIds, schedule)) {
          const r = await send(command, { communityId: COMMUNITY });
          expect(r._tag === 'Right' ? r.right.events.length : r.left.code).toBe(1);
          accepted.push({ command, target: { communityId: COMMUNITY } });
        }

        let lateRepeatsThisRun = 0;
        const repeat = async (command: LevyCommand, target: CommandTarget, when: 'at once' | 'later', via: Levy = levy): Promise<void> => {
          const before = await snapshot(store, cursor.day, when === 'later');
          const r = await send(command, target, via);
          const streamId = r._tag === 'Right' ? r.right.streamId : '';
          // a repeat is decided to nothing: not refused, nothing appended, the stream where it was
          expect(r._tag === 'Right' ? r.right.events.map((e) => e.type) : `${r.left.code}: ${r.left.message}`, `${command.type} repeated ${when}`).toEqual([]);
          expect(r._tag === 'Right' && r.right.revision).toBe(before.revisions.get(streamId) ?? -1n);
          const after = await snapshot(store, cursor.day, when === 'later');
          expect([after.count, after.lastPosition]).toEqual([before.count, before.lastPosition]);
          expect(after.bytes).toBe(before.bytes);
          expect(after.report).toBe(before.report);
          if (when === 'later' && !SETUP_COMMANDS.has(command.type)) {
            lateRepeatsThisRun++;
            lateRepeatTypes.add(command.type);
          }
        };
        // a kind first, then one of its commands: rare kinds (refunds, plans) are repeated as often as
        // charges; every other one through a handler of its own, which has folded nothing yet
        // (a client retrying through another instance of the service)
        const kindsAccepted = (): string[] => [...new Set(accepted.map((a) => a.command.type))];
        const repeatLater = async (kind: string, pick: number): Promise<void> => {
          const ofKind = accepted.filter((a) => a.command.type === kind);
          const { command, target } = ofKind[pick % ofKind.length]!;
          await repeat(command, target, 'later', pick % 2 === 0 ? levy : createLevy(store, options));
        };

        for (const step of steps) {
          if (step.kind === 'repeat') {
            const kinds = kindsAccepted();
            await repeatLater(kinds[step.pick % kinds.length]!, Math.floor(step.pick / kinds.length));
            continue;
          }
          const made = await commandAt(run, step);
          if (made === null) continue;
          const command = keyed(made.command, keyBy, run.next());
          const target = made.target;
          const r = await send(command, target);
          // refusals and no-ops are part of a realistic sequence; only what was appended is repeated
          if (r._tag === 'Left' || r.right.events.length === 0) continue;
          await repeat(command, target, 'at once');
          if (KEYED_ACCOUNT_COMMANDS.has(command.type)) accepted.push({ command, target });
        }
        // at the end, one command of every kind accepted, picked and ordered by lastPick
        const kinds = kindsAccepted();
        for (let k = 0; k < kinds.length; k++) await repeatLater(kinds[(lastPick + k) % kinds.length]!, lastPick + k);
        if (lateRepeatsThisRun > 0) runsWithLateRepeat++;
        lateRepeats += lateRepeatsThisRun;
      }),
      { numRuns: runs(40) },
    );
    // the repeats must mostly be of account commands that really landed, of every keyed kind
    expect(runsWithLateRepeat).toBeGreaterThanOrEqual(runCount * 0.6);
    expect(lateRepeats).toBeGreaterThan(runCount);
    expect([...KEYED_ACCOUNT_COMMANDS].filter((t) => !lateRepeatTypes.has(t))).toEqual([]);
  });
});
