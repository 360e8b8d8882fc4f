/**
 * The JSON Lines interchange form that exports, the CLI and auditors use: one event per line,
 * `{"data":…,"meta":…,"revision":"0","stream":"levy.account-sunrise.B1-1203","type":"ChargeIssued"}`,
 * keys in canonical (sorted) order, the revision as a decimal string (revisions are 64-bit), lines
 * ended by `\n`. Writing is canonical JSON, so the same events always give the same bytes.
 *
 * @example
 * import { toJsonLines, parseJsonLines } from '@levy/core';
 * const text = toJsonLines(storedEvents);
 * parseJsonLines(text); // right([{ stream, revision: 0n, type, data, meta }, ...]) or left([{ path: ['line', '3', ...] }])
 */
import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson } from './canonical-json.js';
import { type DomainError, domainError } from './errors.js';
import { type LevyEvent, decodeEvent } from './events.js';
import { isInputObject } from './unknown-field.js';
import { type UpcasterRegistry, LEVY_UPCASTERS, upcastEvent } from './upcast.js';

/** One line: an event placed in its stream. */
export interface JsonLineEvent {
  readonly stream: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: { readonly [k: string]: unknown };
  readonly meta: { readonly [k: string]: unknown };
}

/** Anything with a stream and a revision: a `StoredEvent` (streamId) or a {@link JsonLineEvent} (stream). */
export type Placed = { readonly type: string; readonly data: object; readonly meta: object; readonly revision: bigint } & (
  | { readonly streamId: string }
  | { readonly stream: string }
);

/**
 * Writes events as JSON Lines, one canonical line each, every line ending in `\n`.
 *
 * @example
 * toJsonLines([{ streamId: 'levy.community-sunrise', revision: 0n, type: 'CommunityRegistered', data, meta }]);
 * // '{"data":{...},"meta":{...},"revision":"0","stream":"levy.community-sunrise","type":"CommunityRegistered"}\n'
 */
export const toJsonLines = (events: Iterable<Placed>): string => {
  let out = '';
  for (const e of events) {
    const stream = 'streamId' in e ? e.streamId : e.stream;
    out += canonicalJson({ stream, revision: e.revision.toString(), type: e.type, data: e.data, meta: e.meta }) + '\n';
  }
  return out;
};

const REVISION = /^(0|[1-9][0-9]{0,18})$/;

/** Limits on an import (STYLE.md: a limit on everything). */
export const JSONL_LIMITS = Object.freeze({ maxLines: 50_000_000, maxLineChars: 1_000_000, maxErrors: 100 });

const LINE_KEYS: ReadonlySet<string> = new Set(['stream', 'revision', 'type', 'data', 'meta']);

/**
 * The path of the first key said twice in one object of a line that is valid JSON, or undefined.
 * JSON.parse keeps the last of repeated keys without a word, so a line that says
 * `"stream":"a","stream":"b"` would be read as stream b. The cheap test runs first: when
 * JSON.stringify of the parsed value gives the line back byte for byte, the line is a
 * serialisation of an object, which has each key once. Lines written by {@link toJsonLines} pass
 * it unless a key looks like an array index (objects list those first). Any other line (spaces,
 * another key order, escapes) is scanned: strings skipped whole, each object's keys collected.
 */
const repeatedKey = (line: string, value: unknown): string[] | undefined => {
  if (JSON.stringify(value) === line) return undefined;
  // per open object or array: its keys so far (null for an array), and where the reader stands in it
  const keys: (Set<string> | null)[] = [];
  const path: string[] = [];
  let expectKey = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      while (line.charCodeAt(j) !== 0x22) j += line.charCodeAt(j) === 0x5c ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(line.slice(i, j + 1)) as string;
        const seen = keys[keys.length - 1]!;
        path[path.length - 1] = key;
        if (seen.has(key)) return path;
        seen.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      const isObject = c === 0x7b;
      keys.push(isObject ? new Set<string>() : null);
      path.push(isObject ? '' : '0');
      expectKey = isObject;
    } else if (c === 0x7d || c === 0x5d) {
      keys.pop();
      path.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      const top = keys[keys.length - 1];
      if (top === null) path[path.length - 1] = String(Number(path[path.length - 1]) + 1);
      expectKey = top !== null;
    }
  }
  return undefined;
};

/**
 * Parses JSON Lines into placed events. Blank lines are skipped (a trailing newline is normal).
 * Each line must be a JSON object with `stream` (non-empty string), `revision` (a decimal string),
 * `type` (string), `data` and `meta` (objects), and nothing else. Every bad line is reported (up
 * to 100) with its 1-based line number in the message and the path (`['line', '7', 'revision']`).
 * A key said twice in one object, anywhere on the line, is refused too (`['line', '7', 'stream']`,
 * `['line', '7', 'data', 'amount']`): JSON.parse would keep the last one without a word.
 * It checks the envelope only: decode the events with {@link decodeJsonLines}; the hash chain
 * (`verifyChain`) shows a line missing or repeated within a stream.
 *
 * @example
 * parseJsonLines('{"stream":"s","revision":"x","type":"T","data":{},"meta":{}}\n');
 * // left([{ code: 'JSONL_INVALID', path: ['line', '1', 'revision'], message: 'line 1: revision must be ...' }])
 */
export const parseJsonLines = (text: string): E.Either<readonly DomainError[], readonly JsonLineEvent[]> => {
  const lines = text.split('\n');
  const errors: DomainError[] = [];
  const events: JsonLineEvent[] = [];
  if (lines.length > JSONL_LIMITS.maxLines) {
    return E.left([domainError('JSONL_TOO_LARGE', `an import holds at most ${JSONL_LIMITS.maxLines} lines; split the file`, [])]);
  }
  const fail = (n: number, field: string | readonly string[] | null, message: string): void => {
    if (errors.length < JSONL_LIMITS.maxErrors) {
      const at = field === null ? [] : typeof field === 'string' ? [field] : field;
      errors.push(domainError('JSONL_INVALID', `line ${n}: ${message}`, ['line', String(n), ...at], { line: n }));
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (line.length > JSONL_LIMITS.maxLineChars) {
      fail(n, null, `the line is longer than ${JSONL_LIMITS.maxLineChars} characters`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      fail(n, null, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
      continue;
    }
    if (!isInputObject(value)) {
      fail(n, null, 'each line must be one JSON object {stream, revision, type, data, meta}');
      continue;
    }
    const repeated = repeatedKey(line, value);
    if (repeated !== undefined) {
      fail(n, repeated, `the key ${JSON.stringify(repeated[repeated.length - 1])} appears twice in one object${repeated.length > 1 ? ` (at ${repeated.slice(0, -1).join('.')})` : ''}; say each field once`);
      continue;
    }
    const { stream, revision, type, data, meta } = value;
    const problems: [string, string][] = [];
    if (typeof stream !== 'string' || stream.length === 0) problems.push(['stream', 'stream must be a non-empty string']);
    if (typeof revision !== 'string' || !REVISION.test(revision)) problems.push(['revision', `revision must be a whole number written as a string, such as "0", not ${JSON.stringify(revision)}`]);
    if (typeof type !== 'string' || type.length === 0) problems.push(['type', 'type must be a non-empty string']);
    if (!isInputObject(data)) problems.push(['data', 'data must be an object']);
    if (!isInputObject(meta)) problems.push(['meta', 'meta must be an object']);
    // nothing on a line is dropped unread: a field the form does not have is refused
    for (const key of Object.keys(value)) {
      if (!LINE_KEYS.has(key)) problems.push([key, `unknown field ${JSON.stringify(key)}: a line holds stream, revision, type, data and meta only`]);
    }
    for (const [field, message] of problems) fail(n, field, message);
    const ok = problems.length === 0;
    if (ok) events.push({ stream: stream as string, revision: BigInt(revision as string), type: type as string, data: data as JsonLineEvent['data'], meta: meta as JsonLineEvent['meta'] });
  }
  return errors.length > 0 ? E.left(errors) : E.right(events);
};

/**
 * Parses JSON Lines and decodes every event, upcasting old schema versions first. Errors name the
 * line: `['line', '3', 'data', 'amount']`.
 *
 * @example
 * decodeJsonLines(text); // right([{ stream, revision, event: LevyEvent }, ...])
 */
export const decodeJsonLines = (
  text: string,
  upcasters: UpcasterRegistry = LEVY_UPCASTERS,
): E.Either<readonly DomainError[], readonly { readonly stream: string; readonly revision: bigint; readonly event: LevyEvent }[]> => {
  const parsed = parseJsonLines(text);
  if (E.isLeft(parsed)) return parsed;
  const errors: DomainError[] = [];
  const out: { stream: string; revision: bigint; event: LevyEvent }[] = [];
  let lineNo = 0;
  const lineNumbers = lineNumbersOf(text);
  for (const e of parsed.right) {
    const n = lineNumbers[lineNo++] ?? lineNo;
    const up = upcastEvent(e, upcasters);
    const decoded = E.isLeft(up) ? E.left([up.left]) : decodeEvent(up.right);
    if (E.isLeft(decoded)) {
      for (const err of decoded.left) {
        if (errors.length < JSONL_LIMITS.maxErrors) errors.push({ ...err, message: `line ${n}: ${err.message}`, path: ['line', String(n), ...err.path] });
      }
      continue;
    }
    out.push({ stream: e.stream, revision: e.revision, event: decoded.right });
  }
  return errors.length > 0 ? E.left(errors) : E.right(out);
};

// 1-based numbers of the non-blank lines, so decode errors point at the right line
const lineNumbersOf = (text: string): number[] => {
  const out: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if ((lines[i] as string).trim() !== '') out.push(i + 1);
  return out;
};
