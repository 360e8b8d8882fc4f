// What an embedder writes: the handler called with plain object literals, exactly as
// docs/community.md shows them, type-checked under strict TS by `pnpm typecheck` (this file is in
// tsconfig.base.json's include) and run against the in-memory store. The handler decodes every
// command at run time, so its parameters take the codecs' plain output types (LevyCommandInput,
// CommandMetaInput), and the branded types still fit them.
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import {
  type CommandDataInput,
  type CommandMeta,
  type CommandMetaInput,
  type CommandType,
  type Levy,
  type LevyCommand,
  type LevyCommandInput,
  accountStream,
  createLevy,
  openMemoryEventStore,
} from '@levy/core';

// ---- types ------------------------------------------------------------------------------------

/** true when a brand (io-ts `t.Brand`) sits anywhere in T: a branded string, number, or one inside an object or array. */
type HasBrand<T> = T extends t.Brand<unknown>
  ? true
  : T extends readonly (infer U)[]
    ? HasBrand<U>
    : T extends object
      ? { [K in keyof T]-?: HasBrand<T[K]> }[keyof T]
      : false;
type Unbranded<T> = [HasBrand<T>] extends [false] ? true : false;
type EveryDataUnbranded = { [K in CommandType]: Unbranded<CommandDataInput<K>> }[CommandType];

describe('the types an embedder writes commands in', () => {
  it('hold no brand at any depth, for every command type (unions, arrays and records included)', () => {
    expectTypeOf<Unbranded<CommandMetaInput>>().toEqualTypeOf<true>();
    expectTypeOf<EveryDataUnbranded>().toEqualTypeOf<true>();
    expectTypeOf<Unbranded<LevyCommandInput>>().toEqualTypeOf<true>();
    // the check itself sees a brand where there is one
    expectTypeOf<Unbranded<CommandMeta>>().toEqualTypeOf<false>();
    expectTypeOf<Unbranded<LevyCommand>>().toEqualTypeOf<false>();
  });
  it('take what the decoded types hold, so the handler only widens', () => {
    expectTypeOf<LevyCommand>().toExtend<LevyCommandInput>();
    expectTypeOf<CommandMeta>().toExtend<CommandMetaInput>();
  });
  it('are what the handler takes', () => {
    expectTypeOf<Parameters<Levy['handle']>[0]>().toEqualTypeOf<LevyCommandInput>();
    expectTypeOf<Parameters<Levy['handleTE']>[0]>().toEqualTypeOf<LevyCommandInput>();
    expectTypeOf<Parameters<Levy['runBilling']>[2]>().toEqualTypeOf<CommandMetaInput>();
    expectTypeOf<Parameters<Levy['runBillingTE']>[2]>().toEqualTypeOf<CommandMetaInput>();
    expectTypeOf<Parameters<Levy['closePeriod']>[3]>().toEqualTypeOf<CommandMetaInput>();
  });
  it('keep a literal field to its values', () => {
    // @ts-expect-error a role is one of the ActorRole values, not any string
    const wrong: CommandMetaInput = { actor: { id: 'clerk-07', role: 'boss' }, effectiveDate: '2025-01-01' };
    expect(wrong.actor.role).toBe('boss');
  });
});

// ---- the examples of docs/community.md, as written there ---------------------------------------

describe('the handler examples of docs/community.md', () => {
  it('type-check and run against the memory store', async () => {
    // a fixed clock, so the close of 2025-Q1 on 2025-04-05 and the cancellation on 2025-04-10 have begun
    const store = openMemoryEventStore();
    const levy = createLevy(store, { clock: () => '2025-04-10T02:00:00Z' });
    const clerk = (effectiveDate: string): CommandMetaInput => ({ actor: { id: 'clerk-07', role: 'clerk' }, effectiveDate });
    const sunrise = { communityId: 'sunrise' };

    const registered = await levy.handle({ type: 'RegisterCommunity', data: { communityId: 'sunrise', name: '阳光花园' }, meta: clerk('2024-12-01') }, sunrise);
    expect(E.isRight(registered)).toBe(true);
    const unit = await levy.handle(
      {
        type: 'RegisterUnit',
        data: { unitId: 'B1-1203', building: '1号楼', areaM2: '89.50', useType: 'residential', owner: { ownerId: 'o-1203', name: '张伟' }, handoverDate: '2019-06-01' },
        meta: clerk('2024-12-01'),
      },
      sunrise,
    );
    expect(E.isRight(unit)).toBe(true);

    const adopted = await levy.handle(
      {
        type: 'AdoptFeeSchedule',
        data: {
          version: 1,
          publishedOn: '2024-12-01', // 公示
          effectiveFrom: '2025-01-01',
          billingCycle: 'month',
          dueRule: { kind: 'day-of-next-month', day: 15 }, // 每月15日前完成上月费用的收取
          items: [
            { feeItemId: 'property', name: '物业服务费', pricing: { kind: 'area', byUseType: { residential: '2.80', commercial: '6.50' }, byGrade: { 'office-A': '9.00' } }, appliesTo: ['residential', 'commercial'] },
            { feeItemId: 'parking', name: '车位管理费', pricing: { kind: 'fixed', amountPerMonth: '150.00' }, appliesTo: ['parking'] },
          ],
          penalty: { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' },
          allocation: 'oldest-first',
          regime: { kind: 'lump-sum' },
          managerWaiverLimit: '200',
          installmentGraceDays: 15,
        },
        meta: clerk('2024-12-01'),
      },
      sunrise,
    );
    expect(E.isRight(adopted)).toBe(true);

    const r = await levy.runBilling('sunrise', '2025-03', clerk('2025-03-01'));
    expect(E.isRight(r) && { ...r.right, completed: r.right.completed?.type }).toEqual({
      periodKey: '2025-03',
      planned: 1,
      issued: 1,
      alreadyIssued: 0,
      differing: [],
      completed: 'BillingRunCompleted',
    });
    expect((await levy.readAccount('sunrise', 'B1-1203')).charges.get('property-2025-03')?.amount.toString()).toBe('250.60');

    const spent = await levy.handle(
      {
        type: 'RecordExpenditure',
        data: { expenditureId: 'exp-2025-017', category: 'elevators', amount: '3200', vendor: '迅达电梯', paidOn: '2025-03-01', description: '1号楼电梯年检' },
        meta: { ...clerk('2025-03-01'), approval: { approver: '业委会主任 王芳', approverRole: 'committee', reference: 'YWH-2025-005', date: '2025-02-27' } },
      },
      sunrise,
    );
    expect(E.isRight(spent)).toBe(true);

    const closed = await levy.closePeriod('sunrise', '2025-Q1', '2025-04-05', clerk('2025-04-05'));
    expect(E.isRight(closed) && closed.right.events.map((e) => e.type)).toEqual(['PeriodClosed']);

    // the docs' pointer is a placeholder: here it leads nowhere, and the command is refused for it
    const cancel = (corrects: string) =>
      levy.handle(
        {
          type: 'CancelCharge',
          data: { chargeId: 'property-2025-03' },
          meta: {
            ...clerk('2025-04-10'),
            reason: '重复计费',
            approval: { approver: '业委会主任 王芳', approverRole: 'committee', reference: 'YWH-2025-009', date: '2025-04-09' },
            corrects, // the ChargeIssued it cancels
          },
        },
        { communityId: 'sunrise', unitId: 'B1-1203' },
      );
    const placeholder = await cancel('3f1b2c4d-5e6f-8a7b-9c8d-0e1f2a3b4c5d');
    expect(E.isLeft(placeholder) && placeholder.left.code).toBe('CORRECTED_EVENT_UNKNOWN');
    // with the id of the ChargeIssued it cancels, it is recorded, naming it
    let chargeIssued = '';
    for await (const e of store.readStream(accountStream('sunrise', 'B1-1203'))) if (e.type === 'ChargeIssued') chargeIssued = e.meta.eventId;
    const cancelled = await cancel(chargeIssued);
    expect(E.isRight(cancelled) && cancelled.right.events.map((e) => [e.type, e.meta.corrects])).toEqual([['ChargeCancelled', chargeIssued]]);
  });
});

describe('the example of README.md', () => {
  it('type-checks and runs', async () => {
    const levy = createLevy(openMemoryEventStore());
    const clerk: CommandMetaInput = { actor: { id: 'clerk-07', role: 'clerk' }, effectiveDate: '2025-01-01' };
    const r = await levy.handle({ type: 'RegisterCommunity', data: { communityId: 'sunrise', name: '阳光小区' }, meta: clerk }, { communityId: 'sunrise' });
    expect(E.isRight(r) && r.right.events.map((e) => e.type)).toEqual(['CommunityRegistered']);
  });
});

describe('the handler section of docs/community.md', () => {
  it('type-checks createLevy with options, handleTE and readAccount', async () => {
    const store = openMemoryEventStore();
    const command: LevyCommandInput = {
      type: 'ReceivePayment',
      data: { channel: 'wechat', channelTxnId: '4200001234', amount: '250.60', receivedOn: '2025-04-10' },
      meta: { actor: { id: 'clerk-07', role: 'clerk' }, effectiveDate: '2025-04-10' },
    };
    const levy = createLevy(store, { clock: () => '2025-04-10T02:00:00Z', maxRetries: 3 });
    const task = levy.handleTE(command, { communityId: 'sunrise', unitId: 'B1-1203' }); // TaskEither<DomainError, HandleResult>
    const state = await levy.readAccount('sunrise', 'B1-1203'); // credit, charges, payments…
    // nothing registered on this store: the payment is refused, not booked
    const r = await task();
    expect(E.isLeft(r) && r.left.code).toBe('COMMUNITY_NOT_REGISTERED');
    expect(state.charges.size).toBe(0);
    expect(accountStream('sunrise', 'B1-1203')).toBe('levy.account-sunrise.B1-1203');
  });
});
