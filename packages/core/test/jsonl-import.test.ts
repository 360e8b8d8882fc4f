// JSON Lines as an import: every event a store holds can be written and read back, the writer
// refuses what the reader would, nothing in data or meta is dropped on decode, a byte order mark
// and CRLF are read as editors write them, and verifyChain reads the lines parseJsonLines gives.
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import {
  JSONL_LIMITS,
  LEVY_UPCASTERS,
  LevyError,
  STORE_LIMITS,
  type StoredEvent,
  type UpcasterRegistry,
  createLevy,
  decodeJsonLines,
  eventIdFor,
  openMemoryEventStore,
  parseJsonLines,
  toJsonLines,
  verifyChain,
} from '@levy/core';
import { CID, adoptSchedule, meta, registerCommunity, registerUnit } from './community-fixtures.js';

const readAll = async (store: ReturnType<typeof openMemoryEventStore>): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
};

// a billed community, and the store it sits in
const billed = async () => {
  const store = openMemoryEventStore();
  const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z', newId: (p) => `${p}-1` });
  for (const c of [registerCommunity(), registerUnit('B1-0101'), registerUnit('B1-0102'), adoptSchedule()]) await levy.handle(c, { communityId: CID });
  await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
  return store;
};

const thrown = (f: () => unknown): LevyError => {
  try {
    f();
  } catch (e) {
    if (e instanceof LevyError) return e;
    throw e;
  }
  throw new Error('expected a LevyError');
};

const paths = (r: E.Either<readonly { path: readonly string[] }[], unknown>): string[] => (E.isLeft(r) ? r.left.map((e) => e.path.join('.')) : []);

describe('JSON Lines hold every event a store holds', () => {
  it('sets the line limit from the stores’ event limit, with room for the envelope', () => {
    expect(JSONL_LIMITS.maxLineChars).toBeGreaterThan(STORE_LIMITS.eventJsonLength);
    expect(JSONL_LIMITS.maxLineChars).toBeLessThan(STORE_LIMITS.eventJsonLength + 8192);
  });

  it('reads back the largest event a store takes, in the longest stream, at the largest revision the reader reads', async () => {
    const store = openMemoryEventStore();
    const stream = `levy.x-${'\u0001'.repeat(STORE_LIMITS.streamIdLength - 7)}`;
    const metaOf = { eventId: 'big-1', schemaVersion: 1 };
    // data + meta at exactly the store's limit
    const room = STORE_LIMITS.eventJsonLength - JSON.stringify(metaOf).length - '{"blob":""}'.length;
    await store.appendToStream(stream, [{ type: 'Blob', data: { blob: 'x'.repeat(room) }, meta: metaOf }], { expectedRevision: 'no-stream' });
    const [stored] = await readAll(store);
    const text = toJsonLines([{ ...stored!, revision: 9_999_999_999_999_999_999n }]);
    expect(text.length - 1).toBeGreaterThan(STORE_LIMITS.eventJsonLength);
    const back = parseJsonLines(text);
    expect(E.isRight(back) && back.right[0]!.stream).toBe(stream);
  });

  it("reads back a large community's PeriodClosed, one head per account stream (over a million characters)", () => {
    const heads = Array.from({ length: 9000 }, (_, i) => ({ streamId: `levy.account-${CID}.B${String(i).padStart(5, '0')}`, revision: '41', hash: 'a'.repeat(64) }));
    const close = {
      stream: `levy.community-${CID}`,
      revision: 30n,
      type: 'PeriodClosed',
      data: {
        communityId: CID,
        periodKey: '2025-Q1',
        periodStart: '2025-01-01',
        periodEnd: '2025-03-31',
        closedOn: '2025-04-05',
        totals: { billed: '0.00', collected: '0.00', waived: '0.00', penalties: '0.00', credit: '0.00' },
        heads,
      },
      meta: { eventId: eventIdFor('PeriodClosed', [CID, '2025-Q1']), schemaVersion: 1, effectiveDate: '2025-04-05', recordedAt: '2025-04-05T02:00:00Z', actor: { id: 'clerk-1', role: 'clerk' } },
    };
    const text = toJsonLines([close]);
    expect(text.length).toBeGreaterThan(1_000_000);
    const decoded = decodeJsonLines(text);
    expect(E.isRight(decoded) && decoded.right[0]!.event.type).toBe('PeriodClosed');
  });

  it('refuses up front, typed, a line the reader would refuse, and returns nothing', () => {
    const ok = { streamId: 's', revision: 0n, type: 'T', data: {}, meta: {} };
    const tooLong = thrown(() => toJsonLines([ok, { ...ok, revision: 1n, data: { blob: 'x'.repeat(JSONL_LIMITS.maxLineChars) } }]));
    expect(tooLong.error).toMatchObject({ code: 'JSONL_TOO_LARGE', path: ['events', '1'] });
    expect(tooLong.error.message).toContain(String(JSONL_LIMITS.maxLineChars));
    for (const [bad, field] of [
      [{ ...ok, revision: -1n }, 'revision'],
      [{ ...ok, revision: 10_000_000_000_000_000_000n }, 'revision'],
      [{ ...ok, revision: 3 }, 'revision'],
      [{ ...ok, streamId: '' }, 'streamId'],
      [{ ...ok, type: '' }, 'type'],
      [{ ...ok, data: [] }, 'data'],
      [{ ...ok, meta: null }, 'meta'],
    ] as const) {
      const e = thrown(() => toJsonLines([ok, bad as never]));
      expect(e.error, field).toMatchObject({ code: 'JSONL_INVALID', path: ['events', '1', field] });
    }
    // what the writer does write, the reader reads
    const edge = toJsonLines([{ ...ok, revision: 9_999_999_999_999_999_999n }]);
    expect(E.isRight(parseJsonLines(edge))).toBe(true);
  });
});

describe('decodeJsonLines refuses what decoding would drop', () => {
  const lineWith = async (edit: (o: { data: Record<string, unknown>; meta: Record<string, unknown> }) => void) => {
    const events = await readAll(await billed());
    const lines = toJsonLines(events).split('\n');
    const n = lines.findIndex((l) => l.includes('"type":"ChargeIssued"'));
    const o = JSON.parse(lines[n]!) as { data: Record<string, unknown>; meta: Record<string, unknown> };
    edit(o);
    lines[n] = JSON.stringify(o);
    return { text: lines.join('\n'), line: String(n + 1) };
  };

  it('a key that data or meta does not declare, with the line and the path', async () => {
    const { text, line } = await lineWith((o) => {
      o.data.surcharge = '5.00';
      o.meta.approvedBy = 'nobody';
    });
    const r = decodeJsonLines(text);
    expect(paths(r)).toEqual([`line.${line}.data.surcharge`, `line.${line}.meta.approvedBy`]);
    expect(E.isLeft(r) && r.left[0]!.message).toMatch(new RegExp(`^line ${line}: "surcharge" is not a field`));
  });

  it('a key nested inside data', async () => {
    const { text, line } = await lineWith((o) => {
      (o.data.calculation as Record<string, unknown>).note = 'x';
    });
    expect(paths(decodeJsonLines(text))).toEqual([`line.${line}.data.calculation.note`]);
  });

  it('an export of sealed events still decodes in full', async () => {
    const events = await readAll(await billed());
    const r = decodeJsonLines(toJsonLines(events));
    expect(E.isRight(r) && r.right.length).toBe(events.length);
  });

  // a version-0 payment as an older importer wrote it, with the bank's reference as `bankRef`
  const legacy = {
    type: 'PaymentReceived',
    data: { paymentId: 'legacy-1', bankRef: 'BANK-2019-0001', amount: '300.00', receivedOn: '2025-02-10', allocations: [], toCredit: '300.00' },
    meta: { eventId: eventIdFor('PaymentReceived', ['legacy', 'BANK-2019-0001']), schemaVersion: 0, effectiveDate: '2025-02-10', recordedAt: '2025-02-10T08:00:00Z', actor: { id: 'importer', role: 'system' } },
  };
  const legacyLine = (data: Record<string, unknown>) => toJsonLines([{ stream: `levy.account-${CID}.B1-0101`, revision: 0n, ...legacy, data }]);

  it('checks keys after upcasting: a key of an old version its upcaster turns into the current shape is fine', () => {
    const renaming: UpcasterRegistry = {
      ...LEVY_UPCASTERS,
      PaymentReceived: {
        0: ({ bankRef, ...rest }) => ({ ...rest, channel: 'bank-transfer', channelTxnId: bankRef }),
      },
    };
    const r = decodeJsonLines(legacyLine(legacy.data), renaming);
    expect(E.isRight(r) && r.right[0]!.event.data).toMatchObject({ channel: 'bank-transfer', channelTxnId: 'BANK-2019-0001' });
    expect(E.isRight(r) && r.right[0]!.event.data).not.toHaveProperty('bankRef');
  });

  it('refuses a key of an old version that no upcaster takes up, rather than dropping it', () => {
    const { bankRef, ...rest } = legacy.data;
    const r = decodeJsonLines(legacyLine({ ...rest, channelTxnId: bankRef, bankRef }));
    expect(paths(r)).toEqual(['line.1.data.bankRef']);
    // without it, the docs' legacy payment reads as before
    const plain = decodeJsonLines(legacyLine({ ...rest, channelTxnId: bankRef }));
    expect(E.isRight(plain) && plain.right[0]!.event.data).toMatchObject({ channel: 'bank-transfer' });
  });
});

describe('line endings and the byte order mark', () => {
  it('reads a file saved with a byte order mark and CRLF as the same events, with the right line numbers', async () => {
    const events = await readAll(await billed());
    const text = toJsonLines(events);
    const windows = '\uFEFF' + text.replace(/\n/g, '\r\n');
    const a = parseJsonLines(text);
    const b = parseJsonLines(windows);
    expect(E.isRight(b) && E.isRight(a) && toJsonLines(b.right)).toBe(text);
    expect(E.isRight(decodeJsonLines(windows))).toBe(true);
    // an error on line 2 is still line 2
    const lines = windows.split('\r\n');
    lines[1] = lines[1]!.replace('"schemaVersion":1', '"schemaVersion":1,"note":"x"');
    expect(paths(decodeJsonLines(lines.join('\r\n')))).toEqual(['line.2.meta.note']);
  });

  it('names a byte order mark anywhere but the start of the file', async () => {
    const lines = toJsonLines(await readAll(await billed())).split('\n');
    lines[2] = '\uFEFF' + lines[2]!;
    const r = parseJsonLines(lines.join('\n'));
    expect(E.isLeft(r) && r.left.map((e) => [e.path.join('.'), e.message])).toEqual([['line.3', expect.stringContaining('byte order mark (U+FEFF)')]]);
  });
});

describe('verifyChain reads the lines parseJsonLines gives', () => {
  it('verifies a genuine export, and finds an edited line', async () => {
    const text = toJsonLines(await readAll(await billed()));
    const parsed = parseJsonLines(text);
    if (E.isLeft(parsed)) throw new Error('parse');
    const verdict = verifyChain(parsed.right);
    expect(verdict).toEqual({ ok: true, count: parsed.right.length });
    const lines = text.split('\n');
    const n = lines.findIndex((l) => l.includes('"type":"ChargeIssued"'));
    lines[n] = lines[n]!.replace(/"amount":"(\d+)\./, (_m, a: string) => `"amount":"${Number(a) + 1}.`);
    const edited = parseJsonLines(lines.join('\n'));
    if (E.isLeft(edited)) throw new Error('parse');
    const v = verifyChain(edited.right);
    expect(v.ok === false && [v.code, v.at.stream, v.count]).toEqual(['HASH_MISMATCH', edited.right[n]!.stream, n]);
  });

  it('refuses an input it cannot place, typed, instead of calling the log tampered', async () => {
    const [first] = await readAll(await billed());
    const { streamId: _s, ...unplaced } = first!;
    expect(thrown(() => verifyChain([unplaced as never])).error).toMatchObject({ code: 'CHAIN_INPUT_INVALID', path: ['events', '0', 'streamId'] });
    expect(thrown(() => verifyChain([{ ...first!, revision: '0' } as never])).error).toMatchObject({ code: 'CHAIN_INPUT_INVALID', path: ['events', '0', 'revision'] });
    expect(thrown(() => verifyChain([first!], { seal: false } as never)).error).toMatchObject({ code: 'OPTIONS_UNKNOWN_FIELD', path: ['seal'] });
  });
});
