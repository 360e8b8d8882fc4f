// What an embedder reads when a command is refused at the edge: DECODE_FAILED at the field's path,
// the codec's name in details.expected for programs, and a message for a finance clerk that says
// what the field takes, with an example, what was sent, and what to do about a common mistake.
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  ActorRole,
  Amount,
  AmountInput,
  Channel,
  type CommandMetaInput,
  CommandMeta,
  Count,
  DecimalString,
  type DomainError,
  DueRuleC,
  EventMeta,
  Id,
  InstantString,
  IsoDate,
  type LevyCommandInput,
  NonEmptyText,
  PenaltyCapC,
  PeriodKey,
  ReminderStage,
  Uuid,
  commandDataCodecs,
  createLevy,
  decodeCommand,
  decodeWith,
  eventDataCodecs,
  openMemoryEventStore,
  struct,
} from '@levy/core';

const refusalOf = (codec: t.Mixed, input: unknown, path: readonly string[] = []): DomainError => {
  const r = decodeWith(codec, input, path);
  if (E.isRight(r)) throw new Error(`accepted ${String(input)}`);
  return r.left[0]!;
};

const AMOUNT = 'an amount is a decimal string of yuan with at most two decimals, such as "250.60"';
const DATE = 'a date is written YYYY-MM-DD, such as "2025-04-15"';
const DECIMAL = 'a decimal (an area, a rate, a price, a reading) is a string of digits with at most one point, such as "89.50" or "0.0003"';
const CHANNEL = 'a channel is one of wechat, alipay, unionpay, bank-card, bank-transfer, cash, withholding';
const TEXT = 'text must hold at least one character that is not a space, and at most 2,000';

describe("decodeWith: what a field takes, in a clerk's words", () => {
  const cases: readonly [string, t.Mixed, unknown, string][] = [
    ['an amount sent as a number', AmountInput, 250.6, `${AMOUNT}; got the number 250.6 (send amounts as strings: a JS number is never an amount)`],
    ['an amount of three decimals', AmountInput, '250.605', `${AMOUNT}; got "250.605" (round it to the fen first: at most two decimals)`],
    ['an amount with a separator', AmountInput, '1,250.60', `${AMOUNT}; got "1,250.60" (digits and a point only: no thousands separators, currency signs or spaces)`],
    ['an amount beyond what Levy holds', AmountInput, '90071992547409.92', `${AMOUNT}; got "90071992547409.92" (the largest amount Levy holds exactly is 90,071,992,547,409.91)`],
    ['an event amount with one decimal', Amount, '12.3', 'an amount is a decimal string of yuan with exactly two decimals, such as "250.60"; got "12.3" (an event records every amount with exactly two decimals)'],
    ['an event amount of minus zero', Amount, '-0.00', 'an amount is a decimal string of yuan with exactly two decimals, such as "250.60"; got "-0.00" (zero is "0.00")'],
    ['a decimal sent as a number', DecimalString, 89.5, `${DECIMAL}; got the number 89.5 (send decimals as strings, as written: a JS number may not keep them exactly)`],
    ['a decimal with an exponent', DecimalString, '3e-4', `${DECIMAL}; got "3e-4" (write it out in digits: no exponent)`],
    ['a date with slashes', IsoDate, '2025/04/10', `${DATE}; got "2025/04/10"`],
    ['a day that does not exist', IsoDate, '2025-02-30', `${DATE}; got "2025-02-30" (there is no such day)`],
    ['a date with a time of day', IsoDate, '2025-04-10T00:00:00Z', `${DATE}; got "2025-04-10T00:00:00Z" (the date alone, without a time of day)`],
    ['a Date object', IsoDate, new Date(Date.UTC(2025, 3, 10)), `${DATE}; got a Date (send dates as strings, not Date objects)`],
    [
      'an instant with an offset',
      InstantString,
      '2025-04-10T10:00:00+08:00',
      'an instant is a UTC time written YYYY-MM-DDTHH:MM:SSZ, such as "2025-04-10T02:00:00Z"; got "2025-04-10T10:00:00+08:00" (in UTC, ending in Z)',
    ],
    ['a month without its zero', PeriodKey, '2025-4', 'a period key is a month, a quarter or a year, such as "2025-04", "2025-Q2" or "2025"; got "2025-4"'],
    ['an id with a dot', Id, 'B1.1203', 'an id is 1 to 64 letters, digits, _ or -, starting with a letter or digit, such as "B1-1203"; got "B1.1203" (no dots: a dot separates the parts of a stream name)'],
    [
      'an event id in capitals',
      Uuid,
      '3F1B2C4D-5E6F-8A7B-9C8D-0E1F2A3B4C5D',
      'an event id is a lowercase UUID, such as "3f1b2c4d-5e6f-8a7b-9c8d-0e1f2a3b4c5d"; got "3F1B2C4D-5E6F-8A7B-9C8D-0E1F2A3B4C5D" (in lowercase)',
    ],
    ['text of spaces', NonEmptyText, '  ', `${TEXT}; got "  "`],
    ['a count sent as a string', Count, '15', 'this field is a whole number of zero or more (days, a count, a version), such as 15; got "15" (send whole numbers as numbers, not strings)'],
    ['a count with a fraction', Count, 1.5, 'this field is a whole number of zero or more (days, a count, a version), such as 15; got the number 1.5'],
    ['a channel in pinyin', Channel, 'weixin', `${CHANNEL}; got "weixin"`],
    ['a channel in other letters', Channel, 'WeChat', `${CHANNEL}; got "WeChat" (did you mean "wechat"?)`],
    ['a role', ActorRole, 'boss', `an actor's role is one of system, clerk, manager, committee, owner, auditor; got "boss"`],
    ['a reminder stage', ReminderStage, 'reminders', 'a reminder stage is one of reminder, phone, written-notice, legal; got "reminders" (did you mean "reminder"?)'],
    ['a yes or no', t.boolean, 'yes', 'a yes-or-no field is true or false; got "yes"'],
    ['a due rule of no kind Levy has', DueRuleC, { kind: 'monthly', day: 15 }, 'a due rule is an object whose kind is one of "day-of-next-month", "days-after-period-end", "in-advance"; got kind "monthly"'],
    ['a list', t.array(Id), 'property-2025-03', 'this field is a list (a JSON array), each item an id; got "property-2025-03"'],
    ['a penalty cap of no kind Levy has', PenaltyCapC, { kind: 'capped' }, 'a penalty cap is an object whose kind is one of "principal", "none", "absolute", "percentage"; got kind "capped"'],
    ['prices by name', t.record(t.string, DecimalString), ['2.80'], 'this field is an object of names to values, each a decimal string; got an array'],
  ];
  it.each(cases)('%s', (_, codec, input, message) => {
    const e = refusalOf(codec, input, ['data', 'field']);
    expect(e).toMatchObject({ code: 'DECODE_FAILED', path: ['data', 'field'], message });
    // for programs, unchanged: the codec's name and what was sent
    expect(e.details?.expected).toBe(codec.name);
  });
  it('says a field left out is required, at its path, and what it takes', () => {
    const e = refusalOf(struct({ channelTxnId: NonEmptyText }, {}, 'ReceivePayment'), {}, ['data']);
    expect(e).toMatchObject({ path: ['data', 'channelTxnId'], message: `data.channelTxnId is required: ${TEXT}`, details: { expected: 'NonEmptyText', actual: 'nothing' } });
  });
  it("names a command's fields when its data is not an object", () => {
    const e = refusalOf(commandDataCodecs.AssessPenalty, null, ['data']);
    expect(e.message).toBe('the data of AssessPenalty is an object with the fields asOf; got null');
  });
  it('names the value meant in details.meant when a one-of value is misspelt', () => {
    expect(refusalOf(Channel, 'alipy').details).toMatchObject({ expected: 'Channel', meant: 'alipay' });
    expect(refusalOf(Channel, 'weixin').details).not.toHaveProperty('meant');
  });

  // every codec a command or an event is built from, at every depth: each refusal says what it
  // takes in words, never "expected <codec name>" and never the generic "this field takes <name>"
  interface Node {
    readonly _tag?: string;
    readonly name: string;
    readonly type?: Node;
    readonly types?: readonly Node[];
    readonly props?: Readonly<Record<string, Node>>;
    readonly codomain?: Node;
  }
  const everyCodec = (): Node[] => {
    const seen = new Map<string, Node>();
    const walk = (n: Node | undefined): void => {
      if (n === undefined || seen.has(`${n._tag}:${n.name}`)) return;
      seen.set(`${n._tag}:${n.name}`, n);
      walk(n.type);
      n.types?.forEach(walk);
      Object.values(n.props ?? {}).forEach(walk);
      walk(n.codomain);
    };
    for (const c of [...Object.values(commandDataCodecs), CommandMeta, ...Object.values(eventDataCodecs), EventMeta]) walk(c as unknown as Node);
    // the parts io-ts builds a struct of are never the last step of a refusal: the struct is
    return [...seen.values()].filter((n) => n._tag !== 'InterfaceType' && n._tag !== 'PartialType' && n._tag !== 'IntersectionType');
  };
  it('has words for every codec a command or an event is built from', () => {
    const generic = everyCodec().flatMap((n) => {
      const e = refusalOf(n as unknown as t.Mixed, Symbol('not a value'), ['data', 'field']);
      return e.message.startsWith('expected ') || e.message.startsWith('this field takes ') ? [`${n.name}: ${e.message}`] : [];
    });
    expect(generic).toEqual([]);
  });
});

describe('a misspelt field', () => {
  const meta: CommandMetaInput = { actor: { id: 'clerk-07', role: 'clerk' }, effectiveDate: '2025-04-10' };
  const payment = { channel: 'wechat', channelTxnId: '4200001234', amount: '250.60', receivedOn: '2025-04-10' };
  it('is refused naming the field it most likely meant, in the message and details.meant', () => {
    const { receivedOn, ...rest } = payment;
    const r = decodeCommand({ type: 'ReceivePayment', data: { ...rest, receivedon: receivedOn }, meta });
    const e = E.isLeft(r) ? r.left[0] : undefined;
    expect(e).toMatchObject({ code: 'DECODE_FAILED', path: ['data', 'receivedon'], details: { field: 'receivedon', meant: 'receivedOn' } });
    expect(e?.message).toBe(
      '"receivedon" is not a field of ReceivePayment (did you mean "receivedOn"?): its fields are channel, channelTxnId, amount, receivedOn, payer, targets; a misspelt or extra field is refused, not ignored',
    );
  });
  it('at any depth, and at the top of the command', () => {
    const target = decodeCommand({ type: 'ReceivePayment', data: { ...payment, targets: [{ chargeId: 'property-2025-03', kind: 'principal', amout: '1' }] }, meta });
    expect(E.isLeft(target) && target.left[0]).toMatchObject({ path: ['data', 'targets', '0', 'amout'], details: { meant: 'amount' } });
    const top = decodeCommand({ type: 'ReceivePayment', data: payment, meta, metta: {} });
    expect(E.isLeft(top) && top.left[0]).toMatchObject({ path: ['metta'], details: { meant: 'meta' } });
    expect(E.isLeft(top) && top.left[0]!.message).toContain('(did you mean "meta"?)');
  });
  it('names none when no field is close', () => {
    const r = decodeCommand({ type: 'ReceivePayment', data: { ...payment, colour: 'red' }, meta });
    const e = E.isLeft(r) ? r.left[0] : undefined;
    expect(e?.path).toEqual(['data', 'colour']);
    expect(e?.details).not.toHaveProperty('meant');
    expect(e?.message).not.toContain('did you mean');
  });
});

describe('through the handler', () => {
  const clock = () => '2025-04-10T02:00:00Z';
  const meta: CommandMetaInput = { actor: { id: 'clerk-07', role: 'clerk' }, effectiveDate: '2025-04-10' };
  const unit = { communityId: 'sunrise', unitId: 'B1-1203' };
  const payment = { channel: 'wechat', channelTxnId: '4200001234', amount: '250.60', receivedOn: '2025-04-10' } as const;
  const refused = async (command: unknown, target: { communityId: string; unitId?: string } = unit): Promise<DomainError> => {
    const r = await createLevy(openMemoryEventStore(), { clock }).handle(command as LevyCommandInput, target);
    if (E.isRight(r)) throw new Error('accepted');
    return r.left;
  };
  const cases: readonly [string, unknown, readonly string[], string][] = [
    ['an amount sent as a number', { ...payment, amount: 250.6 }, ['data', 'amount'], `${AMOUNT}; got the number 250.6 (send amounts as strings: a JS number is never an amount)`],
    ['a date with slashes', { ...payment, receivedOn: '2025/04/10' }, ['data', 'receivedOn'], `${DATE}; got "2025/04/10"`],
    ['a channel in pinyin', { ...payment, channel: 'weixin' }, ['data', 'channel'], `${CHANNEL}; got "weixin"`],
    ['a channel transaction left out', { channel: 'wechat', amount: '250.60', receivedOn: '2025-04-10' }, ['data', 'channelTxnId'], `data.channelTxnId is required: ${TEXT}`],
  ];
  it.each(cases)('a payment with %s is refused saying what the field takes', async (_, data, path, message) => {
    expect(await refused({ type: 'ReceivePayment', data, meta })).toMatchObject({ code: 'DECODE_FAILED', path, message });
  });
  it('an area sent as a number is refused saying to send it as a string', async () => {
    const data = { unitId: 'B1-1203', building: '1号楼', areaM2: 89.5, useType: 'residential', owner: { ownerId: 'o-1203', name: '张伟' }, handoverDate: '2019-06-01' };
    expect(await refused({ type: 'RegisterUnit', data, meta }, { communityId: 'sunrise' })).toMatchObject({
      path: ['data', 'areaM2'],
      message: `${DECIMAL}; got the number 89.5 (send decimals as strings, as written: a JS number may not keep them exactly)`,
      details: { expected: 'DecimalString', actual: 'the number 89.5' },
    });
  });
  it('a misspelt field is refused naming the one meant', async () => {
    const { receivedOn, ...rest } = payment;
    expect(await refused({ type: 'ReceivePayment', data: { ...rest, receivedon: receivedOn }, meta })).toMatchObject({ path: ['data', 'receivedon'], details: { meant: 'receivedOn' } });
  });
  it('every refusal of a command is in details.errors, each in words', async () => {
    const e = await refused({ type: 'ReceivePayment', data: { ...payment, amount: 250.6, receivedOn: '2025/04/10' }, meta });
    expect((e.details?.errors as DomainError[]).map((x) => [x.path.join('.'), x.message])).toEqual([
      ['data.amount', `${AMOUNT}; got the number 250.6 (send amounts as strings: a JS number is never an amount)`],
      ['data.receivedOn', `${DATE}; got "2025/04/10"`],
    ]);
  });
});

describe("the methods' positional arguments", () => {
  const meta: CommandMetaInput = { actor: { id: 'clerk-07', role: 'clerk' }, effectiveDate: '2025-04-10' };
  const levy = () => createLevy(openMemoryEventStore(), { clock: () => '2025-04-10T02:00:00Z' });
  it('runBilling names its periodKey argument, at the path data.periodKey', async () => {
    const r = await levy().runBilling('sunrise', '2025-4', meta);
    expect(E.isLeft(r) && r.left).toMatchObject({
      code: 'DECODE_FAILED',
      path: ['data', 'periodKey'],
      message: 'the periodKey argument "2025-4" is not a period key such as "2025-04", "2025-Q2" or "2025" (a month, a quarter or a year)',
      details: { expected: 'PeriodKey', actual: '"2025-4"', argument: 'periodKey' },
    });
  });
  it('closePeriod names its periodKey and closedOn arguments', async () => {
    const r = await levy().closePeriod('sunrise', '2025-Q5', '2025/04/05', meta);
    const errors = E.isLeft(r) ? (r.left.details?.errors as DomainError[]) : [];
    expect(errors.map((e) => [e.path.join('.'), e.message])).toEqual([
      ['data.periodKey', 'the periodKey argument "2025-Q5" is not a period key such as "2025-04", "2025-Q2" or "2025" (a month, a quarter or a year)'],
      ['data.closedOn', 'the closedOn argument "2025/04/05" is not a date written YYYY-MM-DD, such as "2025-04-15"'],
    ]);
  });
  it('a missing argument is named as missing', async () => {
    const r = await levy().closePeriod('sunrise', '2025-Q1', undefined as unknown as string, meta);
    expect(E.isLeft(r) && r.left).toMatchObject({ path: ['data', 'closedOn'], message: 'the closedOn argument is missing: pass a date written YYYY-MM-DD, such as "2025-04-15"' });
  });
  it("the meta argument's fields keep their own paths and words", async () => {
    const r = await levy().runBilling('sunrise', '2025-04', { ...meta, effectiveDate: '2025/04/10' });
    expect(E.isLeft(r) && r.left).toMatchObject({ path: ['meta', 'effectiveDate'], message: `${DATE}; got "2025/04/10"` });
  });
});
