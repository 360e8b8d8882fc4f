// decodeCommand refuses every key a command's codecs do not declare, at every depth, naming it;
// decodeEvent still strips them (a log must read as it was written).
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { type DomainError, decodeCommand, decodeEvent } from '@levy/core';
import { committeeApproval, issue, managerApproval, meta, pay, plan, refund, waive } from './account-fixtures.js';
import { adoptSchedule, registerCommunity, registerUnit, scheduleData } from './community-fixtures.js';

type Raw = { type: string; data: Record<string, unknown>; meta: Record<string, unknown> };
const raw = (c: unknown): Raw => JSON.parse(JSON.stringify(c)) as Raw;
const errorsOf = (c: unknown): readonly DomainError[] => {
  const r = decodeCommand(c);
  return E.isLeft(r) ? r.left : [];
};
const firstOf = (c: unknown) => {
  const e = errorsOf(c)[0];
  return e === undefined ? 'accepted' : { code: e.code, path: e.path };
};

describe('decodeCommand: keys a command does not declare', () => {
  it('accepts the well-formed commands the fixtures build', () => {
    const commands = [
      registerCommunity(),
      registerCommunity('month'),
      registerUnit('B1-0101', { grade: 'office-A', owner: { ownerId: 'o-1', name: '张三', phone: '138' } }),
      adoptSchedule(),
      adoptSchedule({ regime: { kind: 'commission', basis: 'percentage', rate: '0.10' }, dueRule: { kind: 'in-advance' } }),
      adoptSchedule({ penalty: { enabled: true, dailyRate: '0.0003', graceDays: 0, cap: { kind: 'absolute', amount: '50.00' }, rounding: 'half-up' } }),
      issue('2025-03', '250.60', '2025-04-15', { chargeId: 'c-1' } as never),
      pay('T1', '300', '2025-04-01', { payer: '张三', targets: [{ chargeId: 'c-1', kind: 'principal', amount: '100' }] } as never),
      waive('c-1', 'principal', '10', '2025-05-02', { approval: committeeApproval } as never, 'w-1'),
      plan('p-1', ['c-1'], [['2025-05-15', '125.30'], ['2025-06-15', '125.30']], '2025-05-01'),
      refund('10', '2025-05-01', 'r-1'),
      { ...refund('10', '2025-05-01'), meta: meta('2025-05-01', { commandId: 'r-1', reason: 'owner asked', approval: managerApproval, correlationId: 'x', causationId: 'y' } as never) },
    ];
    for (const c of commands) expect(firstOf(c), c.type).toBe('accepted');
  });
  it('accepts a declared optional key given as undefined', () => {
    expect(firstOf({ ...pay('T1', '1', '2025-04-01'), meta: { ...meta('2025-04-01'), reason: undefined } })).toBe('accepted');
  });
  const cases: readonly [string, (c: Raw) => void, unknown, readonly string[]][] = [
    ['a stray top-level key', (c) => Object.assign(c, { dryRun: true }), pay('T1', '1', '2025-04-01'), ['dryRun']],
    ['meta.comandId', (c) => (c.meta.comandId = 'r-2'), refund('10', '2025-05-01'), ['meta', 'comandId']],
    ['an actor key', (c) => ((c.meta.actor as Record<string, unknown>).name = 'Li'), refund('10', '2025-05-01'), ['meta', 'actor', 'name']],
    ['an approval key', (c) => ((c.meta.approval as Record<string, unknown>).referance = 'x'), waive('c-1', 'principal', '10', '2025-05-02'), ['meta', 'approval', 'referance']],
    ['data.targts', (c) => (c.data.targts = []), pay('T1', '1', '2025-04-01'), ['data', 'targts']],
    ['a target entry key', (c) => (c.data.targets = [{ chargeId: 'c-1', kind: 'principal', amount: '1' }, { chargeId: 'c-2', kind: 'penalty', amount: '1', amout: '1' }]), pay('T1', '2', '2025-04-01'), ['data', 'targets', '1', 'amout']],
    ['RegisterCommunity timezone', (c) => (c.data.timezone = 'Europe/London'), registerCommunity(), ['data', 'timezone']],
    ['an owner key', (c) => ((c.data.owner as Record<string, unknown>).phnoe = '138'), registerUnit('B1-0101'), ['data', 'owner', 'phnoe']],
    ['a calculation key', (c) => ((c.data.calculation as Record<string, unknown>).roundng = 'down'), issue('2025-03', '250.60', '2025-04-15'), ['data', 'calculation', 'roundng']],
    ['a penalty policy key', (c) => ((c.data.penalty as Record<string, unknown>).graceDay = 5), adoptSchedule(), ['data', 'penalty', 'graceDay']],
    ['a penalty cap key (a union member)', (c) => ((c.data.penalty as { cap: Record<string, unknown> }).cap.amount = '50.00'), adoptSchedule(), ['data', 'penalty', 'cap', 'amount']],
    ['a due rule key', (c) => ((c.data.dueRule as Record<string, unknown>).days = 10), adoptSchedule(), ['data', 'dueRule', 'days']],
    ['a regime key', (c) => (c.data.regime = { kind: 'commission', basis: 'fixed', amountPerPeriod: '500.00', rate: '0.1' }), adoptSchedule(), ['data', 'regime', 'rate']],
    ['a fee item key', (c) => ((c.data.items as Record<string, unknown>[])[1]!.applies = ['parking']), adoptSchedule(), ['data', 'items', '1', 'applies']],
    ['a pricing key', (c) => ((c.data.items as { pricing: Record<string, unknown> }[])[1]!.pricing.amountPerMoth = '1.00'), adoptSchedule(), ['data', 'items', '1', 'pricing', 'amountPerMoth']],
    ['an installment key', (c) => ((c.data.installments as Record<string, unknown>[])[0]!.due = '2025-05-15'), plan('p-1', ['c-1'], [['2025-05-15', '1']], '2025-05-01'), ['data', 'installments', '0', 'due']],
    ['a key of a command with no data fields of its own', (c) => (c.data.chargeid = 'c-1'), { type: 'ApplyCredit', data: {}, meta: meta('2025-05-01') }, ['data', 'chargeid']],
    ['a key given as undefined', (c) => Object.assign(c.data, { paer: undefined }), pay('T1', '1', '2025-04-01'), ['data', 'paer']],
  ];
  for (const [what, spoil, command, path] of cases) {
    it(`refuses ${what} with DECODE_FAILED at ${path.join('.')}`, () => {
      const c = raw(command);
      expect(firstOf(c), 'the command before it is spoilt').toBe('accepted');
      spoil(c);
      expect(firstOf(c)).toEqual({ code: 'DECODE_FAILED', path });
      const e = errorsOf(c)[0]!;
      expect(e.message).toContain(JSON.stringify(path[path.length - 1]));
      expect(e.details).toMatchObject({ field: path[path.length - 1] });
    });
  }
  it('names the fields the codec does declare', () => {
    const c = raw(pay('T1', '1', '2025-04-01'));
    c.data.targts = [];
    const e = errorsOf(c)[0]!;
    expect(e.message).toContain('ReceivePayment');
    for (const f of ['channel', 'channelTxnId', 'amount', 'receivedOn', 'payer', 'targets']) expect(e.message).toContain(f);
    expect(e.details).toMatchObject({ declared: ['channel', 'channelTxnId', 'amount', 'receivedOn', 'payer', 'targets'] });
    const top = errorsOf({ ...pay('T1', '1', '2025-04-01'), dryRun: true })[0]!;
    expect(top.message).toMatch(/type, data.*meta/);
  });
  it('reports every unknown key and every bad value at once, unknown keys first', () => {
    const c = raw(pay('T1', '1', '2025-04-01'));
    delete c.data.amount;
    c.data.amunt = '1';
    c.meta.comandId = 'x';
    Object.assign(c, { dryRun: true });
    expect(errorsOf(c).map((e) => `${e.code} ${e.path.join('.')}`)).toEqual([
      'DECODE_FAILED dryRun',
      'DECODE_FAILED data.amunt',
      'DECODE_FAILED meta.comandId',
      'DECODE_FAILED data.amount',
    ]);
  });
  it('still reports an unknown type and a command that is not an object as before', () => {
    expect(firstOf({ type: 'PayNow', data: {}, meta: meta('2025-04-01') })).toEqual({ code: 'COMMAND_TYPE_UNKNOWN', path: ['type'] });
    expect(firstOf(null)).toEqual({ code: 'COMMAND_INVALID', path: [] });
    expect(firstOf('ReceivePayment')).toEqual({ code: 'COMMAND_INVALID', path: [] });
  });
  it('does not touch the command it decodes', () => {
    const c = raw(pay('T1', '1', '2025-04-01'));
    c.data.targts = [];
    const before = JSON.stringify(c);
    decodeCommand(c);
    expect(JSON.stringify(c)).toBe(before);
  });
  it('takes free-form keys where the codec declares a record (prices by use type and grade)', () => {
    const data = scheduleData();
    const items = data.items as { pricing: { byGrade: Record<string, string> } }[];
    items[0]!.pricing.byGrade = { 'office-B': '8.00', 'office-C': '7.00' };
    expect(firstOf(adoptSchedule(data))).toBe('accepted');
  });
});

describe('decodeEvent stays lenient', () => {
  it('still strips keys an event codec does not declare, so logs written with them read as before', () => {
    const r = decodeEvent({
      type: 'CreditApplied',
      data: { chargeId: 'c1', amount: '5.00', extra: 1 },
      meta: { eventId: '0190a5f4-7c1e-8000-8000-000000000001', schemaVersion: 1, effectiveDate: '2025-03-15', recordedAt: '2025-03-15T02:00:00Z', actor: { id: 'system', role: 'system' }, note: 'x' },
    });
    expect(E.isRight(r) && ['extra' in r.right.data, 'note' in r.right.meta]).toEqual([false, false]);
  });
});
