/**
 * A realistic, deterministic year of one community, written through the real command handler
 * into any event store: for the demo (issue 5), for property tests over a whole log, and for
 * measuring stores. The same seed gives the same commands, the same events and the same bytes.
 *
 * The year: a community and its units (residential towers of 50–180 m² flats, some shops, some
 * graded offices, parking spaces, a few flats handed over during the year) adopt a fee schedule
 * (area price by use type and grade, parking fixed, 日万分之三 penalties, published 公示 a month
 * ahead). Then, day by day: billing on the 1st of each month; owners paying by WeChat, Alipay,
 * UnionPay or bank card, most before the 15th, some late (penalty assessed when they pay, or, for
 * a round sum paid at a bank counter, at month end, when the clerk's sweep pays it from the
 * round-up's credit: ApplyCredit), a few
 * prepaying the year by bank transfer, a few chronic debtors who never pay (monthly penalties,
 * reminders at each stage: before the due date, a call at 15 days, a written notice at 30, legal
 * at 60, and the arrears class), irregular payers (some of whose bank transfers are booked after
 * the month-end assessment counted their day, so the penalty is counted again); penalty waivers
 * with the owners' committee's approval, one of them followed by a transfer found on the bank
 * statement that lowers the penalty it waived; one installment plan paid on time; one bounced payment
 * reversed and paid again; and quarter closes on the 5th after each quarter.
 *
 * Randomness is a seeded mulberry32 here in the testkit; the core stays pure.
 *
 * @example
 * import { openMemoryEventStore } from '@levy/core';
 * import { simulateCommunityYear } from '@levy/testkit';
 * const summary = await simulateCommunityYear({ seed: 7, store: openMemoryEventStore() });
 * summary.counts.charges; // ~15,800 for 1,200 units
 */
import {
  type AccountState,
  type Channel,
  type CommandMeta,
  type CommandOf,
  type DomainError,
  type EventStore,
  Id,
  type LevyCommand,
  Money,
  accountStream,
  communityStream,
  createLevy,
  epochDayOf,
  isoDateOf,
  paymentIdFor,
  periodOf,
} from '@levy/core';
import { invalidOption, optionsOf, wholeNumber } from './options.js';

// ---------------------------------------------------------------------------------------------
// options and summary
// ---------------------------------------------------------------------------------------------

/** What to simulate. */
export interface SimulateOptions {
  /** the seed, a whole number from 0 to 2³² − 1: the same seed gives the same log */
  readonly seed: number;
  /** where the events go (an empty store, or one without this community) */
  readonly store: EventStore;
  /** units including shops and parking spaces; default 1,200, at most 100,000 */
  readonly units?: number;
  /** the calendar year simulated; default 2025 */
  readonly year?: number;
  /** default `sim-<seed>` */
  readonly communityId?: string;
}

/** How an owner pays. */
export type PayerProfile = 'prompt' | 'late' | 'prepaid' | 'chronic' | 'irregular';

/** What a simulated year did. */
export interface SimulationSummary {
  readonly communityId: string;
  readonly seed: number;
  readonly year: number;
  readonly units: number;
  readonly profiles: Readonly<Record<PayerProfile, number>>;
  /** commands sent through the handler (billing runs count once) */
  readonly commands: number;
  /** events in the community's streams afterwards */
  readonly events: number;
  /** events by type */
  readonly eventTypes: Readonly<Record<string, number>>;
  readonly counts: {
    readonly charges: number;
    readonly payments: number;
    readonly penalties: number;
    readonly reminders: number;
    readonly waivers: number;
    readonly plans: number;
    readonly reversals: number;
    readonly closes: number;
    /** month-end ApplyCredit sweeps that used credit on what a unit owed */
    readonly creditApplications: number;
  };
  /** refused commands by code: a healthy simulation has none */
  readonly refusals: Readonly<Record<string, number>>;
  /** business dates of the first and last command */
  readonly firstDate: string;
  readonly lastDate: string;
}

// ---------------------------------------------------------------------------------------------
// seeded randomness
// ---------------------------------------------------------------------------------------------

/**
 * mulberry32: a small, fast, seeded 32-bit PRNG; returns floats in [0, 1). Used only to choose, never for money.
 *
 * @example
 * const rnd = mulberry32(7); rnd(); // 0.1246...
 */
export const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

// ---------------------------------------------------------------------------------------------
// the year
// ---------------------------------------------------------------------------------------------

const MAX_UNITS = 100_000;

interface SimUnit {
  readonly unitId: string;
  readonly profile: PayerProfile;
  readonly channel: Channel;
}

type Action = () => Promise<void>;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Simulates one community's year through the command handler into `options.store`. Deterministic
 * for a seed. Refused commands are counted in the summary (`refusals`), not thrown.
 *
 * @example
 * const store = openMemoryEventStore();
 * const s = await simulateCommunityYear({ seed: 1, units: 200, store });
 * s.refusals; // {}
 */
export const simulateCommunityYear = async (options: SimulateOptions): Promise<SimulationSummary> => {
  if (options === undefined) invalidOption(['options'], options, 'an object with seed and store');
  const o = optionsOf(options, ['seed', 'store', 'units', 'year', 'communityId'], 'simulateCommunityYear');
  const unitCount = o.units === undefined ? 1200 : wholeNumber(o.units, ['units'], 1, MAX_UNITS);
  // dates have four-digit years, and the year before (handover, the first schedule) and the one after (the last close) are written too
  const year = o.year === undefined ? 2025 : wholeNumber(o.year, ['year'], 1001, 9998);
  // the generator takes 32 bits: a seed beyond them, or a fraction, would give another seed's log under its own name
  const seed = wholeNumber(o.seed, ['seed'], 0, 0xffff_ffff);
  const store = o.store as EventStore;
  if (typeof store !== 'object' || store === null || typeof store.appendToStream !== 'function' || typeof store.readStream !== 'function') {
    invalidOption(['store'], o.store, 'an event store (openMemoryEventStore(), openSqliteEventStore(path))');
  }
  if (o.communityId !== undefined && !Id.is(o.communityId)) invalidOption(['communityId'], o.communityId, 'an id (letters, digits, _ and -, no dots)');
  const communityId = (o.communityId as string | undefined) ?? `sim-${seed}`;
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const between = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

  // the handler's clock is the simulated business day, 10:00 in Beijing
  let today = epochDayOf(year - 1, 12, 1);
  const iso = (d: number): string => isoDateOf(d);
  let ids = 0;
  const levy = createLevy(store, { clock: () => `${iso(today)}T02:00:00Z`, newId: (p) => `${p}-${++ids}` });

  let commands = 0;
  const refusals: Record<string, number> = {};
  const counts = { charges: 0, payments: 0, penalties: 0, reminders: 0, waivers: 0, plans: 0, reversals: 0, closes: 0, creditApplications: 0 };
  let firstDate: string | null = null;
  let lastDate = iso(today);

  const clerk = (extra: Partial<CommandMeta> = {}): CommandMeta => ({ actor: { id: 'clerk-01', role: 'clerk' }, effectiveDate: iso(today), ...extra }) as CommandMeta;
  const system = (): CommandMeta => ({ actor: { id: 'levy-sim', role: 'system' }, effectiveDate: iso(today) }) as CommandMeta;

  const refused = (e: DomainError): void => {
    refusals[e.code] = (refusals[e.code] ?? 0) + 1;
  };
  const send = async (command: LevyCommand, unitId?: string): Promise<boolean> => {
    commands++;
    firstDate ??= iso(today);
    lastDate = iso(today);
    const r = await levy.handle(command, unitId === undefined ? { communityId } : { communityId, unitId });
    if (r._tag === 'Left') {
      refused(r.left);
      return false;
    }
    return r.right.events.length > 0;
  };
  const command = <K extends LevyCommand['type']>(type: K, data: unknown, meta: CommandMeta = clerk()): CommandOf<K> => ({ type, data, meta }) as CommandOf<K>;
  const account = (unitId: string): Promise<AccountState> => levy.readAccount(communityId, unitId);

  // the agenda: actions by epoch day, run in the order they were scheduled
  const agenda = new Map<number, Action[]>();
  const at = (day: number, action: Action): void => {
    const list = agenda.get(day);
    if (list === undefined) agenda.set(day, [action]);
    else list.push(action);
  };

  // ---- the community, its units and its schedule ------------------------------------------------
  await send(command('RegisterCommunity', { communityId, name: `模拟小区 ${seed}`, timeZone: 'Asia/Shanghai', closeCycle: 'quarter' }));
  const units: SimUnit[] = [];
  const handovers = new Map<string, number>();
  const profiles: Record<PayerProfile, number> = { prompt: 0, late: 0, prepaid: 0, chronic: 0, irregular: 0 };
  const parkingCount = Math.floor(unitCount * 0.1);
  const shopCount = Math.floor(unitCount * 0.05);
  const flatCount = unitCount - parkingCount - shopCount;
  const register = async (unitId: string, building: string, areaM2: string, useType: string, grade: string | undefined, handover: number): Promise<void> => {
    const r = rnd();
    const profile: PayerProfile = r < 0.68 ? 'prompt' : r < 0.83 ? 'late' : r < 0.91 ? 'prepaid' : r < 0.95 ? 'chronic' : 'irregular';
    const channel: Channel = profile === 'prepaid' ? 'bank-transfer' : profile === 'late' ? pick(['bank-card', 'wechat', 'cash'] as const) : pick(['wechat', 'wechat', 'alipay', 'alipay', 'unionpay'] as const);
    profiles[profile]++;
    units.push({ unitId, profile, channel });
    handovers.set(unitId, handover);
    const data = {
      unitId,
      building,
      areaM2,
      useType,
      owner: { ownerId: `o-${unitId}`, name: `业主${unitId}` },
      handoverDate: iso(handover),
      ...(grade === undefined ? {} : { grade }),
    };
    await send(command('RegisterUnit', data));
  };
  const settledHandover = (): number => epochDayOf(between(2015, year - 1), between(1, 12), between(1, 28));
  for (let i = 0; i < flatCount; i++) {
    const building = Math.floor(i / 96) + 1;
    const floor = Math.floor((i % 96) / 4) + 1;
    const area = `${between(50, 179)}.${pad(between(0, 99), 2)}`;
    // about 2% of flats are handed over during the year: their first month is billed by days
    const handover = rnd() < 0.02 ? epochDayOf(year, between(2, 11), between(2, 28)) : settledHandover();
    await register(`B${building}-${pad(floor, 2)}${pad((i % 4) + 1, 2)}`, `${building}号楼`, area, 'residential', undefined, handover);
  }
  for (let i = 0; i < shopCount; i++) {
    const graded = i % 2 === 0;
    await register(`S1-${pad(i + 1, 3)}`, '商业楼', `${between(60, 400)}.${pad(between(0, 99), 2)}`, graded ? 'office' : 'commercial', graded ? 'office-A' : undefined, settledHandover());
  }
  for (let i = 0; i < parkingCount; i++) await register(`P-${pad(i + 1, 4)}`, '地下车库', '12.50', 'parking', undefined, settledHandover());

  await send(
    command('AdoptFeeSchedule', {
      version: 1,
      publishedOn: iso(epochDayOf(year - 1, 12, 1)),
      effectiveFrom: iso(epochDayOf(year, 1, 1)),
      billingCycle: 'month',
      dueRule: { kind: 'day-of-next-month', day: 15 },
      items: [
        { feeItemId: 'property', name: '物业服务费', pricing: { kind: 'area', byUseType: { residential: '2.80', commercial: '6.50', office: '7.80' }, byGrade: { 'office-A': '9.00' } }, appliesTo: ['residential', 'commercial', 'office'] },
        { feeItemId: 'parking', name: '车位管理费', pricing: { kind: 'fixed', amountPerMonth: '150.00' }, appliesTo: ['parking'] },
      ],
      penalty: { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'principal' }, rounding: 'half-up' },
      allocation: 'oldest-first',
      regime: { kind: 'lump-sum' },
      managerWaiverLimit: '200.00',
      installmentGraceDays: 15,
    }),
  );

  // ---- helpers over an account --------------------------------------------------------------------
  const owedFor = (state: AccountState, periodKey: string | null): { principal: Money; penalty: Money; chargeIds: string[] } => {
    let principal = Money.zero();
    let penalty = Money.zero();
    const chargeIds: string[] = [];
    for (const c of state.charges.values()) {
      if (c.cancelled || (periodKey !== null && c.periodKey !== periodKey)) continue;
      if (c.outstandingPrincipal.isPositive() || c.outstandingPenalty.isPositive()) chargeIds.push(c.chargeId);
      principal = principal.add(c.outstandingPrincipal);
      penalty = penalty.add(c.outstandingPenalty);
    }
    return { principal, penalty, chargeIds };
  };
  let txn = 0;
  const pay = async (unit: SimUnit, amount: Money, channel: Channel = unit.channel, receivedOn: number = today): Promise<string | null> => {
    if (!amount.isPositive()) return null;
    const channelTxnId = `${channel.toUpperCase().replace('-', '')}${year}${pad(++txn, 8)}`;
    const ok = await send(command('ReceivePayment', { channel, channelTxnId, amount: amount.toString(), receivedOn: iso(receivedOn), payer: `业主${unit.unitId}` }), unit.unitId);
    if (ok) counts.payments++;
    return ok ? channelTxnId : null;
  };
  const assess = async (unit: SimUnit): Promise<void> => {
    // open charges: owing, or paid after their due date with penalty days not yet assessed
    if ((await account(unit.unitId)).open.length === 0) return;
    if (await send(command('AssessPenalty', { asOf: iso(today) }, system()), unit.unitId)) counts.penalties++;
  };
  const payEverything = async (unit: SimUnit): Promise<void> => {
    await assess(unit);
    const owed = owedFor(await account(unit.unitId), null);
    await pay(unit, owed.principal.add(owed.penalty));
  };

  // ---- the months ----------------------------------------------------------------------------------
  const yearStart = epochDayOf(year, 1, 1);
  const promptUnit = units.find((u) => u.profile === 'prompt');
  const planUnit = units.find((u) => u.profile === 'chronic');
  const stages = [
    { offset: -5, stage: 'reminder', channel: 'sms' },
    { offset: 15, stage: 'phone', channel: 'phone' },
    { offset: 30, stage: 'written-notice', channel: 'letter' },
    { offset: 60, stage: 'legal', channel: 'letter' },
  ] as const;
  const classified = new Set<string>();

  for (let month = 1; month <= 12; month++) {
    const first = epochDayOf(year, month, 1);
    const period = periodOf('month', first);
    const due = epochDayOf(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 15);
    at(first, async () => {
      commands++;
      const r = await levy.runBilling(communityId, period.key, system());
      if (r._tag === 'Left') refused(r.left);
      else counts.charges += r.right.issued;
      for (const unit of units) {
        switch (unit.profile) {
          case 'prompt':
          case 'prepaid':
            at(due - between(0, 14), async () => {
              const owed = owedFor(await account(unit.unitId), period.key);
              // the bounced payment: one prompt owner's May payment comes back three days later
              const txnId = await pay(unit, owed.principal);
              if (unit === promptUnit && month === 5 && txnId !== null) {
                at(today + 3, async () => {
                  if (await send(command('ReversePayment', { paymentId: paymentIdFor(unit.channel, txnId), reason: 'bounced' }), unit.unitId)) counts.reversals++;
                  at(today + 2, async () => pay(unit, owedFor(await account(unit.unitId), null).principal).then(() => undefined));
                });
              }
            });
            break;
          case 'late':
            // every third late payer pays a round sum at the bank counter, where nobody assesses the
            // penalty on the spot: the round-up is credit, and the month-end assessment then counts
            // the penalty through the day paid, owed beside that credit (the month-end sweep below)
            if (units.indexOf(unit) % 3 === 0) {
              at(due + between(5, 80), async () => {
                const owed = owedFor(await account(unit.unitId), null);
                // up to whole hundreds of yuan: hundreds, rounded up to the fen, times 100
                await pay(unit, owed.principal.add(owed.penalty).times('0.0001', 'up').times(10_000));
              });
            } else at(due + between(5, 80), () => payEverything(unit));
            break;
          case 'irregular':
            if (month % 2 === 0) {
              at(due + between(1, 20), () => payEverything(unit));
              // every fourth of them also sends a bank transfer the day before month end, which is
              // booked only after the month-end assessment has counted that day on the full amount
              // (the decider counts it again: PenaltyAdjusted)
              if (units.indexOf(unit) % 4 === 0) {
                at(period.end, async () => {
                  await pay(unit, owedFor(await account(unit.unitId), null).principal, 'bank-transfer', period.end - 1);
                });
              }
            }
            break;
          case 'chronic':
            break;
        }
      }
      // reminders at each stage (domain.md, chapter 5) to whoever still owes this month's charges
      for (const s of stages) {
        at(due + s.offset, async () => {
          for (const unit of units) {
            const owed = owedFor(await account(unit.unitId), period.key);
            if (!owed.principal.isPositive()) continue;
            if (await send(command('RecordReminder', { stage: s.stage, channel: s.channel, on: iso(today), chargeIds: owed.chargeIds }), unit.unitId)) counts.reminders++;
            if (s.stage === 'legal' && unit.profile === 'chronic' && !classified.has(unit.unitId)) {
              classified.add(unit.unitId);
              await send(command('ClassifyArrears', { arrearsClass: 'chronic', on: iso(today) }), unit.unitId);
            }
          }
        });
      }
    });
    // month-end penalties for everyone who owes past a due date; then the clerk's credit sweep:
    // a unit holding credit while it owes penalty (or anything else) has the credit applied
    at(period.end, async () => {
      for (const unit of units) if (unit.profile !== 'prompt' && unit.profile !== 'prepaid') await assess(unit);
      for (const unit of units) {
        const state = await account(unit.unitId);
        const owed = owedFor(state, null);
        if (!state.credit.isPositive() || !owed.principal.add(owed.penalty).isPositive()) continue;
        if (await send(command('ApplyCredit', {}), unit.unitId)) counts.creditApplications++;
      }
    });
  }

  // prepaying owners pay the year ahead in January (先交后用): twelve times their January bill
  at(epochDayOf(year, 1, 5), async () => {
    for (const unit of units) {
      if (unit.profile !== 'prepaid') continue;
      const jan = owedFor(await account(unit.unitId), `${year}-01`);
      await pay(unit, jan.principal.timesInteger(12));
    }
  });

  // the owners' committee waives the penalty of a few long-standing debtors (减免, with approval)
  at(epochDayOf(year, 7, 20), async () => {
    let granted = 0;
    for (const unit of units) {
      if (granted === 5) break;
      if (unit.profile !== 'chronic' && unit.profile !== 'irregular') continue;
      const state = await account(unit.unitId);
      const charge = [...state.charges.values()].find((c) => c.outstandingPenalty.isPositive());
      if (charge === undefined) continue;
      granted++;
      const approval = { approver: '业委会主任 王某', approverRole: 'committee', reference: `YWH-${year}-07-${pad(granted, 2)}`, date: iso(today - 2) };
      const meta = clerk({ approval, reason: '长期欠费，业委会同意减免滞纳金' } as Partial<CommandMeta>);
      if (await send(command('GrantWaiver', { chargeId: charge.chargeId, kind: 'penalty', amount: charge.outstandingPenalty.toString() }, meta), unit.unitId)) counts.waivers++;
    }
  });

  // a debtor asks again, and on August 5 the committee waives in full the penalty on the oldest
  // charge that owes some; on August 8 the bank statement shows a transfer the owner made on July
  // 15, which July's assessment counted on the full amount. Counted again, that penalty is lower
  // than what was waived, so the waiver relieves that much less (PenaltyAdjusted with waivers)
  let relief: { unit: SimUnit; principal: Money } | null = null;
  at(epochDayOf(year, 8, 5), async () => {
    for (const unit of units) {
      if (unit === planUnit || (unit.profile !== 'chronic' && unit.profile !== 'late')) continue;
      const state = await account(unit.unitId);
      const charge = [...state.charges.values()].find((c) => c.outstandingPenalty.isPositive() && c.outstandingPrincipal.isPositive());
      if (charge === undefined) continue;
      const approval = { approver: '业委会主任 王某', approverRole: 'committee', reference: `YWH-${year}-08-01`, date: iso(today - 1) };
      const meta = clerk({ approval, reason: '业主申请，业委会同意减免滞纳金' } as Partial<CommandMeta>);
      if (await send(command('GrantWaiver', { chargeId: charge.chargeId, kind: 'penalty', amount: charge.outstandingPenalty.toString() }, meta), unit.unitId)) {
        counts.waivers++;
        relief = { unit, principal: charge.outstandingPrincipal };
      }
      return;
    }
  });
  at(epochDayOf(year, 8, 8), async () => {
    if (relief !== null) await pay(relief.unit, relief.principal, 'bank-transfer', epochDayOf(year, 7, 15));
  });

  // one chronic debtor agrees an installment plan (分期) in September and keeps to it
  if (planUnit !== undefined) {
    at(epochDayOf(year, 9, 1), async () => {
      await assess(planUnit);
      const owed = owedFor(await account(planUnit.unitId), null);
      const total = owed.principal.add(owed.penalty);
      if (!total.isPositive()) return;
      const dueDays = [epochDayOf(year, 10, 15), epochDayOf(year, 11, 15), epochDayOf(year, 12, 15)];
      const parts = Money.split(total, dueDays.length);
      const installments = dueDays.map((d, i) => ({ dueDate: iso(d), amount: (parts[i] as Money).toString() }));
      const approval = { approver: '客服主管 李某', approverRole: 'manager', reference: `FQ-${year}-09-01`, date: iso(today) };
      const meta = clerk({ approval, reason: '业主经济困难，协商分期' } as Partial<CommandMeta>);
      if (!(await send(command('AgreeInstallmentPlan', { planId: `plan-${planUnit.unitId}`, chargeIds: owed.chargeIds, installments }, meta), planUnit.unitId))) return;
      counts.plans++;
      // installments are paid to the plan's charges (penalty, then principal), not by the general allocation policy
      dueDays.forEach((d, i) =>
        at(d, async () => {
          const state = await account(planUnit.unitId);
          let left = parts[i] as Money;
          const targets: { chargeId: string; kind: 'principal' | 'penalty'; amount: string }[] = [];
          for (const id of owed.chargeIds) {
            const c = state.charges.get(id);
            if (c === undefined) continue;
            for (const [kind, open] of [['penalty', c.outstandingPenalty], ['principal', c.outstandingPrincipal]] as const) {
              const take = Money.min(left, open);
              if (!take.isPositive()) continue;
              targets.push({ chargeId: id, kind, amount: take.toString() });
              left = left.subtract(take);
            }
          }
          const channelTxnId = `PLAN${year}${pad(++txn, 8)}`;
          const data = { channel: 'bank-transfer', channelTxnId, amount: (parts[i] as Money).toString(), receivedOn: iso(today), targets };
          if (await send(command('ReceivePayment', data), planUnit.unitId)) counts.payments++;
        }),
      );
    });
  }

  // after the first close: a flat handed over in April joins the books (billed by days from its
  // handover on, and owing all year: nobody here pays for it), and a flat changes hands from May 1 (过户). The
  // closed quarter's figures must not change for either (checkClosedPeriods), and reports as of
  // before May name the old owner. Neither draws a random number, so the rest of the year is as it was.
  const lateUnit = `B99-${pad(1, 4)}`;
  at(epochDayOf(year, 4, 12), async () => {
    const data = { unitId: lateUnit, building: '99号楼', areaM2: '88.00', useType: 'residential', owner: { ownerId: `o-${lateUnit}`, name: `业主${lateUnit}` }, handoverDate: iso(today) };
    await send(command('RegisterUnit', data));
    // April's run went before it joined: running April again issues its charge, by days, and nothing else
    commands++;
    const r = await levy.runBilling(communityId, `${year}-04`, system());
    if (r._tag === 'Left') refused(r.left);
    else counts.charges += r.right.issued;
  });
  // a flat handed over before the transfer (about 2% are handed over during the year)
  const transferDay = epochDayOf(year, 5, 1);
  const sold = units.find((u) => u.profile === 'prompt' && u !== promptUnit && (handovers.get(u.unitId) ?? transferDay) < transferDay);
  if (sold !== undefined) {
    at(epochDayOf(year, 4, 20), async () => {
      const data = { unitId: sold.unitId, owner: { ownerId: `o2-${sold.unitId}`, name: `新业主${sold.unitId}` }, from: iso(transferDay) };
      await send(command('ChangeUnitOwner', data, clerk({ reason: '房屋过户 (transfer of ownership)' } as Partial<CommandMeta>)));
    });
  }

  // quarter closes on the 5th after each quarter (按季度结算)
  for (let q = 1; q <= 4; q++) {
    const closedOn = q === 4 ? epochDayOf(year + 1, 1, 5) : epochDayOf(year, q * 3 + 1, 5);
    at(closedOn, async () => {
      commands++;
      lastDate = iso(today);
      const r = await levy.closePeriod(communityId, `${year}-Q${q}`, iso(today), clerk());
      if (r._tag === 'Left') refused(r.left);
      else if (r.right.events.length > 0) counts.closes++;
    });
  }

  // ---- run the agenda, day by day ---------------------------------------------------------------
  const lastDay = epochDayOf(year + 1, 4, 30); // late payers and reminders of the last months run into the next year
  for (let day = yearStart; day <= lastDay; day++) {
    today = day;
    const list = agenda.get(day);
    if (list === undefined) continue;
    // actions may schedule more for the same day: run until the list is drained
    for (let i = 0; i < list.length; i++) await (list[i] as Action)();
    agenda.delete(day);
  }

  // ---- count what landed ---------------------------------------------------------------------------
  const eventTypes: Record<string, number> = {};
  let events = 0;
  for (const prefix of [communityStream(communityId), accountStream(communityId, '')]) {
    for await (const e of store.readAll({ filter: { streamPrefix: prefix } })) {
      eventTypes[e.type] = (eventTypes[e.type] ?? 0) + 1;
      events++;
    }
  }
  return {
    communityId,
    seed,
    year,
    units: units.length,
    profiles,
    commands,
    events,
    eventTypes,
    counts,
    refusals,
    firstDate: firstDate ?? iso(yearStart),
    lastDate,
  };
};
