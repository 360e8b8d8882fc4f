// keeps the command reference in docs/accounts.md honest: its field tables are the codecs' fields,
// and every example decodes and is decided
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { ACCOUNT_COMMAND_TYPES, CommandMeta, type AccountCommand, accountDecider, commandDataCodecs, decodeCommand } from '@levy/core';
import { assess, ctx, issue, pay, run } from './account-fixtures.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/accounts.md', import.meta.url)), 'utf8');
const reference = doc.slice(doc.indexOf('\n## Command reference\n'), doc.indexOf('\n## ', doc.indexOf('\n## Command reference\n') + 1));

/** The `### <name>` subsections of the reference, by name. */
const subsections = new Map(
  reference
    .split('\n### ')
    .slice(1)
    .map((part) => [part.slice(0, part.indexOf('\n')), part] as const),
);

interface Row {
  readonly type: string;
  readonly required: string;
}
/** The field table of a subsection: `field` → its type and required cells. */
const tableOf = (part: string): Map<string, Row> => {
  const rows = new Map<string, Row>();
  for (const line of part.split('\n')) {
    const m = /^\| `([^`]+)` \| ([^|]+) \| (required|optional) \|/.exec(line);
    if (m !== null) rows.set(m[1]!, { type: m[2]!.trim(), required: m[3]! });
  }
  return rows;
};
const examplesOf = (part: string): unknown[] => [...part.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as unknown);

// the parts of an io-ts codec read here (io-ts sets _tag on every built-in kind)
interface Node {
  readonly _tag: string;
  readonly name: string;
  readonly type?: Node;
  readonly types?: readonly Node[];
  readonly props?: Readonly<Record<string, Node>>;
  readonly keys?: Readonly<Record<string, unknown>>;
}
const BRANDS: Readonly<Record<string, string>> = {
  AmountInput: 'amount',
  IsoDate: 'date',
  Id: 'id',
  NonEmptyText: 'text',
  Int: 'whole number',
  PeriodKey: 'period key',
  DecimalString: 'decimal',
  Uuid: 'UUID',
};
const isObject = (n: Node): boolean => n._tag === 'ExactType' || n._tag === 'IntersectionType' || n._tag === 'InterfaceType';
/** What the reference calls a codec's type. */
const typeWord = (n: Node): string => {
  if (n._tag === 'KeyofType') return 'one of';
  if (n._tag === 'StringType') return 'string';
  if (n._tag === 'ArrayType') return isObject(n.type!) ? 'list of objects' : `list of ${typeWord(n.type!)}s`;
  if (isObject(n)) return 'object';
  const word = BRANDS[n.name];
  if (n._tag !== 'RefinementType' || word === undefined) throw new Error(`no word for ${n._tag} ${n.name}`);
  return word;
};
interface Field {
  readonly node: Node;
  readonly required: boolean;
}
const membersOf = (n: Node, out = new Map<string, Field>()): Map<string, Field> => {
  if (n._tag === 'ExactType') return membersOf(n.type!, out);
  if (n._tag === 'IntersectionType') for (const part of n.types!) membersOf(part, out);
  else if (n._tag === 'InterfaceType' || n._tag === 'PartialType') for (const [k, v] of Object.entries(n.props!)) out.set(k, { node: v, required: n._tag === 'InterfaceType' });
  else throw new Error(`not an object codec: ${n._tag}`);
  return out;
};
/** Every field of an object codec, nested ones as `calculation.basis` and `targets[].amount`. */
const fieldsOf = (n: Node, prefix = '', out = new Map<string, Field>()): Map<string, Field> => {
  for (const [key, field] of membersOf(n)) {
    out.set(prefix + key, field);
    if (isObject(field.node)) fieldsOf(field.node, `${prefix}${key}.`, out);
    if (field.node._tag === 'ArrayType' && isObject(field.node.type!)) fieldsOf(field.node.type!, `${prefix}${key}[].`, out);
  }
  return out;
};

/** The table says what the codec takes: the same fields, each as required, of that type, with those values. */
const expectTableMatches = (part: string, codec: unknown): void => {
  const table = tableOf(part);
  const fields = fieldsOf(codec as Node);
  expect([...table.keys()].sort()).toEqual([...fields.keys()].sort());
  for (const [path, field] of fields) {
    const row = table.get(path)!;
    expect(row.required, path).toBe(field.required ? 'required' : 'optional');
    expect(row.type.startsWith(typeWord(field.node)), `${path}: "${row.type}" is not "${typeWord(field.node)}"`).toBe(true);
    if (field.node._tag === 'KeyofType') {
      const listed = [...row.type.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      expect(listed, path).toEqual(Object.keys(field.node.keys!));
    }
  }
};

// what each example is decided after: the history it needs to be more than a no-op
const march = issue('2025-03', '250.60', '2025-04-15');
const exampleOf = (type: string): AccountCommand => {
  const decoded = decodeCommand(examplesOf(subsections.get(type)!)[0]);
  if (E.isLeft(decoded)) throw new Error(`${type}: ${decoded.left[0]!.message}`);
  return decoded.right as AccountCommand;
};
const GIVEN: Readonly<Record<AccountCommand['type'], () => readonly AccountCommand[]>> = {
  IssueCharge: () => [],
  CancelCharge: () => [march],
  ReceivePayment: () => [march],
  ReversePayment: () => [march, exampleOf('ReceivePayment')],
  AssessPenalty: () => [march],
  GrantWaiver: () => [march, assess('2025-05-31')],
  AgreeInstallmentPlan: () => [march],
  // 300.00 received May 20 pays the 250.60 and leaves 49.40; the May 31 assessment counts 35 days, 2.63
  ApplyCredit: () => [march, pay('OVER', '300', '2025-05-20'), assess('2025-05-31')],
  RefundCredit: () => [march, pay('OVER', '300', '2025-05-20')],
  RecordReminder: () => [march],
  ClassifyArrears: () => [],
};
const DECIDES: Readonly<Record<AccountCommand['type'], readonly string[]>> = {
  IssueCharge: ['ChargeIssued'],
  CancelCharge: ['ChargeCancelled'],
  ReceivePayment: ['PaymentReceived'],
  ReversePayment: ['PaymentReversed'],
  AssessPenalty: ['PenaltyAssessed'],
  GrantWaiver: ['WaiverGranted'],
  AgreeInstallmentPlan: ['InstallmentPlanAgreed'],
  ApplyCredit: ['CreditApplied'],
  RefundCredit: ['CreditRefunded'],
  RecordReminder: ['ReminderRecorded'],
  ClassifyArrears: ['ArrearsClassified'],
};

describe('docs/accounts.md, command reference', () => {
  it('has a subsection for meta and for every account command, and no other', () => {
    expect(reference.length).toBeGreaterThan(1000);
    expect([...subsections.keys()]).toEqual(['meta', ...ACCOUNT_COMMAND_TYPES]);
  });

  it("lists meta's fields as CommandMeta declares them", () => {
    expectTableMatches(subsections.get('meta')!, CommandMeta);
  });

  for (const type of ACCOUNT_COMMAND_TYPES) {
    describe(type, () => {
      const part = subsections.get(type) ?? '';
      it('lists the fields its codec declares: required or optional, their type, every value of an enum', () => {
        expectTableMatches(part, commandDataCodecs[type]);
      });
      it('has one example, which decodes as this command', () => {
        const examples = examplesOf(part);
        expect(examples).toHaveLength(1);
        const decoded = decodeCommand(examples[0]);
        expect(E.isLeft(decoded) ? decoded.left.map((e) => `${e.path.join('.')}: ${e.message}`) : decoded.right.type).toBe(type);
      });
      it('has an example the decider accepts', () => {
        // the fixtures' context: today is 2025-06-30 in Shanghai, after every example's dates
        const { state } = run(GIVEN[type]());
        const decided = accountDecider.decide(exampleOf(type), state, ctx());
        expect(E.isLeft(decided) ? `${decided.left.code}: ${decided.left.message}` : decided.right.map((e) => e.type)).toEqual(DECIDES[type]);
      });
    });
  }

  it('every ```json block in docs/accounts.md is in the reference', () => {
    expect(examplesOf(doc)).toHaveLength(ACCOUNT_COMMAND_TYPES.length);
  });

  it('refuses a malformed amount when decoding (DECODE_FAILED), as the refusal table says; the decider called directly says AMOUNT_*', () => {
    const payment = examplesOf(subsections.get('ReceivePayment')!)[0] as { data: Record<string, unknown> };
    const cases = [
      ['250.605', 'AMOUNT_TOO_PRECISE'],
      ['1,250.60', 'AMOUNT_INVALID'],
    ] as const;
    // without targets, so the amount is the first thing the decider reads
    const { targets: _, ...data } = payment.data;
    for (const [amount, direct] of cases) {
      const raw = { ...payment, data: { ...data, amount } };
      const decoded = decodeCommand(raw);
      expect(E.isLeft(decoded) && decoded.left.map((e) => [e.code, e.path])).toEqual([['DECODE_FAILED', ['data', 'amount']]]);
      const undecoded = raw as unknown as AccountCommand;
      const decided = accountDecider.decide(undecoded, run([march]).state, ctx());
      expect(E.isLeft(decided) && [decided.left.code, decided.left.path]).toEqual([direct, ['data', 'amount']]);
    }
    expect(doc).toContain('| `AMOUNT_INVALID`, `AMOUNT_TOO_PRECISE` | only from the decider called directly');
  });

  it('says an installment of the command has no seq, which the event has', () => {
    const plan = examplesOf(subsections.get('AgreeInstallmentPlan')!)[0] as { data: { installments: Record<string, unknown>[] } };
    const withSeq = { ...plan, data: { ...plan.data, installments: plan.data.installments.map((x, i) => ({ seq: i + 1, ...x })) } };
    const refused = decodeCommand(withSeq);
    expect(E.isLeft(refused) && refused.left[0]).toMatchObject({ code: 'DECODE_FAILED', path: ['data', 'installments', '0', 'seq'] });
    expect(subsections.get('AgreeInstallmentPlan')).toContain('**no `seq`**');
  });
});
