import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { type StoredEvent, canonicalJson, createLevy, decodeJsonLines, openMemoryEventStore, parseJsonLines, toJsonLines } from '@levy/core';
import { CID, adoptSchedule, meta, registerCommunity, registerUnit } from './community-fixtures.js';
import { runs } from '../../testkit/test/support/properties.js';

const exportAll = async () => {
  const store = openMemoryEventStore();
  const levy = createLevy(store, { clock: () => '2025-04-01T02:00:00Z', newId: (p) => `${p}-1` });
  for (const c of [registerCommunity(), registerUnit('B1-0101'), registerUnit('P-001', { useType: 'parking' }), adoptSchedule()]) await levy.handle(c, { communityId: CID });
  await levy.runBilling(CID, '2025-03', meta('2025-04-01'));
  const events: StoredEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  return events;
};

describe('JSON Lines', () => {
  it('writes one canonical line per event with the revision as a string', async () => {
    const events = await exportAll();
    const text = toJsonLines(events);
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(events.length + 1);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['data', 'meta', 'revision', 'stream', 'type']);
    expect(first.revision).toBe('0');
    expect(first.stream).toBe('levy.community-sunrise');
  });
  it('round-trips: parse then write gives the same bytes, and every line decodes', async () => {
    const events = await exportAll();
    const text = toJsonLines(events);
    const parsed = parseJsonLines(text);
    expect(E.isRight(parsed)).toBe(true);
    if (E.isLeft(parsed)) return;
    expect(toJsonLines(parsed.right)).toBe(text);
    expect(parsed.right.map((e) => e.revision)).toEqual(events.map((e) => e.revision));
    const decoded = decodeJsonLines(text);
    expect(E.isRight(decoded) && decoded.right.map((d) => canonicalJson(d.event))).toEqual(events.map((e) => canonicalJson({ type: e.type, data: e.data, meta: e.meta })));
  });
  it('round-trips any placed JSON event', () => {
    // canonical JSON carries safe integers only: decimals travel as strings
    const scalar = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.maxSafeInteger());
    const json = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), scalar, { maxKeys: 3 }));
    const event = fc.record({
      stream: fc.string({ minLength: 1, maxLength: 20 }),
      revision: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
      type: fc.string({ minLength: 1, maxLength: 20 }),
      data: fc.dictionary(fc.string({ maxLength: 5 }), json, { maxKeys: 4 }),
      meta: fc.dictionary(fc.string({ maxLength: 5 }), json, { maxKeys: 4 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 5 }), (events) => {
        const text = toJsonLines(events);
        const back = parseJsonLines(text);
        return E.isRight(back) && toJsonLines(back.right) === text && back.right.length === events.length;
      }),
      { numRuns: runs(200) },
    );
  });
  it('reports every bad line with its number and field', () => {
    const good = '{"stream":"s","revision":"0","type":"T","data":{},"meta":{}}';
    const text = [good, '', '{not json', '{"stream":"s","revision":7,"type":"T","data":{},"meta":[]}', '[1]'].join('\n');
    const r = parseJsonLines(text);
    expect(E.isLeft(r)).toBe(true);
    if (E.isRight(r)) return;
    expect(r.left.map((e) => e.path.join('.'))).toEqual(['line.3', 'line.4.revision', 'line.4.meta', 'line.5']);
    expect(r.left[0]?.message).toMatch(/^line 3: not valid JSON/);
  });
  it('skips only lines of spaces and tabs; a byte order mark alone mid-file is refused naming it, other white space as not JSON', () => {
    const good = (r: number): string => `{"stream":"s","revision":"${r}","type":"T","data":{},"meta":{}}`;
    const skipped = parseJsonLines([good(0), '', ' \t ', '\t\r', good(1), ''].join('\n'));
    expect(E.isRight(skipped) && skipped.right.map((e) => e.revision)).toEqual([0n, 1n]);
    const text = [good(0), '\uFEFF', '\u00A0', '\u2028', '\v', ' \uFEFF', good(1)].join('\n');
    const r = parseJsonLines(text);
    expect(E.isLeft(r) && r.left.map((e) => e.path.join('.'))).toEqual(['line.2', 'line.3', 'line.4', 'line.5', 'line.6']);
    if (E.isRight(r)) return;
    expect(r.left[0]?.message).toContain('byte order mark');
    for (const e of r.left.slice(1)) expect(e.message).toContain('not valid JSON');
  });
  it('still skips the one byte order mark that begins a file, on a line of its own too, and numbers lines from it', () => {
    const r = parseJsonLines('\uFEFF\n{"stream":"s","revision":"0","type":"T","data":{},"meta":{}}\n');
    expect(E.isRight(r) && r.right.length).toBe(1);
  });
  it('refuses a field the form does not have rather than dropping it', () => {
    const r = parseJsonLines('{"stream":"s","revision":"0","type":"T","data":{},"meta":{},"hash":"ab"}\n');
    expect(E.isLeft(r) && r.left).toEqual([expect.objectContaining({ code: 'JSONL_INVALID', path: ['line', '1', 'hash'] })]);
    expect(E.isLeft(r) && r.left[0]!.message).toBe('line 1: unknown field "hash": a line holds stream, revision, type, data and meta only');
  });
  // audit: JSON.parse keeps the last of repeated keys, so "stream":"a","stream":"b" was read as b
  it('refuses a key said twice on a line, at any depth, naming it', () => {
    const cases: [string, string[]][] = [
      ['{"stream":"a","stream":"b","revision":"0","type":"T","data":{},"meta":{}}', ['line', '1', 'stream']],
      ['{"data":{"amount":"1.00","amount":"100.00"},"meta":{},"revision":"0","stream":"s","type":"T"}', ['line', '1', 'data', 'amount']],
      ['{"data":{"lines":[{"fee":"a"},{"fee":"b","fee":"c"}]},"meta":{},"revision":"0","stream":"s","type":"T"}', ['line', '1', 'data', 'lines', '1', 'fee']],
      // not canonical (spaces, escapes), so the slow scan finds it
      ['{ "stream" : "s", "revision": "0", "type": "T", "data": {}, "meta": { "eventId": "e", "\\u0065ventId": "f" } }', ['line', '1', 'meta', 'eventId']],
    ];
    for (const [line, path] of cases) {
      const r = parseJsonLines(`${line}\n`);
      expect(E.isLeft(r) && r.left, line).toEqual([expect.objectContaining({ code: 'JSONL_INVALID', path })]);
    }
    const r = parseJsonLines(`${cases[0]![0]}\n`);
    expect(E.isLeft(r) && r.left[0]!.message).toBe('line 1: the key "stream" appears twice in one object; say each field once');
  });
  it('does not take the same key in different objects, or a key-like string in a value, for a repeat', () => {
    const lines = [
      '{"data":{"a":{"x":1},"b":{"x":2},"c":["a","a"],"d":"\\\\","e":"\\"x\\":1,\\"e\\":2"},"meta":{"x":1},"revision":"0","stream":"s","type":"T"}',
      '{ "data": { "10": 1, "2": 2, "x": [ { "k": 1 }, { "k": 2 } ] }, "meta": {}, "revision": "0", "stream": "s", "type": "T" }',
    ];
    for (const line of lines) expect(E.isRight(parseJsonLines(`${line}\n`)), line).toBe(true);
  });
  it('finds a repeated key in any data, however the line is spaced, and no repeat where there is none', () => {
    const scalar = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.maxSafeInteger());
    const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), scalar, { maxKeys: 3 }));
    const data = fc.dictionary(fc.string({ maxLength: 5 }), value, { minKeys: 1, maxKeys: 4 });
    fc.assert(
      fc.property(data, fc.boolean(), (d, spaced) => {
        const dataJson = spaced ? JSON.stringify(d, null, 1).replace(/\n/g, ' ') : JSON.stringify(d);
        const line = (inner: string): string => `{"data":${inner},"meta":{},"revision":"0","stream":"s","type":"T"}\n`;
        expect(E.isRight(parseJsonLines(line(dataJson)))).toBe(true);
        const key = Object.keys(d)[0]!;
        const repeated = parseJsonLines(line(`{${JSON.stringify(key)}:0,${dataJson.slice(1)}`));
        expect(E.isLeft(repeated) && repeated.left[0]!.path).toEqual(['line', '1', 'data', key]);
      }),
      { numRuns: runs(200) },
    );
  });
  it('names the line of an event that does not decode', async () => {
    const events = await exportAll();
    const lines = toJsonLines(events).split('\n');
    lines.splice(1, 0, ''); // a blank line shifts the numbering; the error must still point at the real line
    const bad = JSON.parse(lines[2]!) as { data: Record<string, unknown> };
    bad.data.areaM2 = 89.5;
    lines[2] = JSON.stringify(bad);
    const r = decodeJsonLines(lines.join('\n'));
    expect(E.isLeft(r) && r.left[0]).toMatchObject({ code: 'DECODE_FAILED', path: ['line', '3', 'data', 'areaM2'] });
  });
  it('names the line of an event that does not decode in a file that begins with a byte order mark on a line of its own', async () => {
    const lines = toJsonLines(await exportAll()).split('\n');
    const bad = JSON.parse(lines[1]!) as { data: Record<string, unknown> };
    bad.data.areaM2 = 89.5;
    lines[1] = JSON.stringify(bad);
    const r = decodeJsonLines(`\uFEFF\n${lines.join('\n')}`);
    expect(E.isLeft(r) && r.left[0]).toMatchObject({ code: 'DECODE_FAILED', path: ['line', '3', 'data', 'areaM2'] });
  });
});
