/**
 * The JSON Lines interchange form that exports, the CLI and auditors use: one event per line,
 * `{"data":…,"meta":…,"revision":"0","stream":"levy.account-sunrise.B1-1203","type":"ChargeIssued"}`,
 * keys in canonical (sorted) order, the revision as a decimal string (revisions are 64-bit), lines
 * ended by `\n`. Writing is canonical JSON, so the same events always give the same bytes. The
 * writer and the reader hold one limit: any event a store holds ({@link STORE_LIMITS}) fits on a
 * line, and the writer refuses up front what the reader would refuse.
 *
 * Reading back, {@link storedEventsOfLines} turns the lines into the events a store's `readAll`
 * gives, which is what the projections fold and a memory store's `seed` takes: an auditor's way from
 * an export to the reports, offline.
 *
 * @example
 * import { toJsonLines, parseJsonLines, decodeJsonLines, storedEventsOfLines } from '@levy/core';
 * import { levyProjection, rebuild } from '@levy/projections';
 * const text = toJsonLines(storedEvents);
 * parseJsonLines(text); // right([{ stream, revision: 0n, type, data, meta }, ...]) or left([{ path: ['line', '3', ...] }])
 * const decoded = decodeJsonLines(text);
 * if (decoded._tag === 'Right') rebuild(levyProjection, storedEventsOfLines(decoded.right));
 */
import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson } from './canonical-json.js';
import { undeclaredKeys } from './codecs.js';
import { describe } from './decimal.js';
import { type DomainError, LevyError, domainError } from './errors.js';
import { EventMeta, type LevyEvent, decodeEvent, eventDataCodecs } from './events.js';
import { STORE_LIMITS, type StoredEvent } from './store.js';
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

/** One line as {@link decodeJsonLines} gives it: the event, upcast and decoded, and where it sits. */
export interface DecodedLine {
  readonly stream: string;
  readonly revision: bigint;
  readonly event: LevyEvent;
}

/** A Levy event placed as a store places it: what `readAll` gives of a Levy stream, typed by its event type. */
export type StoredLevyEvent = LevyEvent & { readonly streamId: string; readonly revision: bigint; readonly position: bigint };

/** Anything with a stream and a revision: a `StoredEvent` (streamId) or a {@link JsonLineEvent} (stream). */
export type Placed = { readonly type: string; readonly data: object; readonly meta: object; readonly revision: bigint } & (
  | { readonly streamId: string }
  | { readonly stream: string }
);

/**
 * Writes events as JSON Lines, one canonical line each, every line ending in `\n`. Refuses, before
 * anything is written, what {@link parseJsonLines} would refuse to read back: a `LevyError`
 * `JSONL_INVALID` at `['events']` for events that are not an iterable of events (a string, null),
 * at `['events', '<index>']` for an event that is not an object, and at
 * `['events', '<index>', field]` for a stream that is not a non-empty string,
 * a revision that is not a bigint from 0 to 9,999,999,999,999,999,999, a type that is not a
 * non-empty string, data or meta that is not an object; `JSONL_TOO_LARGE` for a line longer than
 * {@link JSONL_LIMITS}.maxLineChars (at `['events', '<index>']`) or more events than
 * {@link JSONL_LIMITS}.maxLines (at `['events']`). Anything not plain JSON is canonical JSON's
 * `CANONICAL_JSON_TYPE` / `CANONICAL_JSON_NUMBER`.
 *
 * @example
 * toJsonLines([{ streamId: 'levy.community-sunrise', revision: 0n, type: 'CommunityRegistered', data, meta }]);
 * // '{"data":{...},"meta":{...},"revision":"0","stream":"levy.community-sunrise","type":"CommunityRegistered"}\n'
 */
export const toJsonLines = (events: Iterable<Placed>): string => {
  // a string is iterable too, by character: none of them is an event
  if (typeof events === 'string' || typeof (events as Partial<Iterable<Placed>> | null)?.[Symbol.iterator] !== 'function') {
    throw new LevyError(domainError('JSONL_INVALID', `the events must be an array or another iterable of events, not ${describe(events)}`, ['events'], { input: describe(events) }));
  }
  const lines: string[] = [];
  for (const e of events) {
    const i = lines.length;
    if (i === JSONL_LIMITS.maxLines) {
      throw new LevyError(domainError('JSONL_TOO_LARGE', `an export holds at most ${JSONL_LIMITS.maxLines} lines, as an import reads at most that many; export the log in parts`, ['events'], { limit: JSONL_LIMITS.maxLines }));
    }
    if (!isInputObject(e)) {
      throw new LevyError(domainError('JSONL_INVALID', `event ${i} is ${describe(e)}, not an event { stream or streamId, revision, type, data, meta }`, ['events', String(i)], { index: i }));
    }
    const stream = 'streamId' in e ? e.streamId : e.stream;
    const refuse = (field: string, message: string): never => {
      throw new LevyError(domainError('JSONL_INVALID', `event ${i}: ${message}; a JSON Lines reader would refuse its line`, ['events', String(i), field], { index: i }));
    };
    if (typeof stream !== 'string' || stream.length === 0) refuse('streamId' in e ? 'streamId' : 'stream', `its stream must be a non-empty string, not ${JSON.stringify(stream) ?? String(stream)}`);
    if (typeof e.revision !== 'bigint' || e.revision < 0n || e.revision > MAX_REVISION) refuse('revision', `its revision must be a bigint from 0 to ${MAX_REVISION}, not ${String(e.revision)}`);
    if (typeof e.type !== 'string' || e.type.length === 0) refuse('type', `its type must be a non-empty string, not ${JSON.stringify(e.type) ?? String(e.type)}`);
    if (!isInputObject(e.data)) refuse('data', 'its data must be an object');
    if (!isInputObject(e.meta)) refuse('meta', 'its meta must be an object');
    const line = canonicalJson({ stream, revision: e.revision.toString(), type: e.type, data: e.data, meta: e.meta });
    if (line.length > JSONL_LIMITS.maxLineChars) {
      throw new LevyError(
        domainError(
          'JSONL_TOO_LARGE',
          `event ${i} (revision ${e.revision} of ${JSON.stringify(stream)}) would be a line of ${line.length} characters; a line holds at most ${JSONL_LIMITS.maxLineChars}, as a store holds an event of at most ${STORE_LIMITS.eventJsonLength} characters of data and meta`,
          ['events', String(i)],
          { index: i, length: line.length, limit: JSONL_LIMITS.maxLineChars },
        ),
      );
    }
    lines.push(line);
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
};

const REVISION = /^(0|[1-9][0-9]{0,18})$/;
// the largest revision REVISION reads: nineteen nines
const MAX_REVISION = 9_999_999_999_999_999_999n;

/**
 * Characters a line adds around an event's data and meta: the line's own keys, the revision (at
 * most 19 digits), the chain fields (`prevHash` and `hash`, 64 hex digits each), and the stream id
 * and type as JSON strings at their store limits with every character escaped (`\u0001`: six).
 */
const ENVELOPE_CHARS =
  '{"data":,"meta":,"revision":"","stream":,"type":}'.length + 19 + ',"hash":"","prevHash":""'.length + 2 * 64 + 2 * (2 + 6 * STORE_LIMITS.streamIdLength) + 6 * STORE_LIMITS.typeLength;

/**
 * Limits on an import and an export (STYLE.md: a limit on everything). A line holds any event a
 * store holds: `maxLineChars` is the stores' `STORE_LIMITS.eventJsonLength` (8 MiB of data and meta:
 * a large community's `PeriodClosed` lists every account stream's head) plus the envelope around it.
 */
export const JSONL_LIMITS = Object.freeze({ maxLines: 50_000_000, maxLineChars: STORE_LIMITS.eventJsonLength + ENVELOPE_CHARS, maxErrors: 100 });

const BOM = 0xfeff;
// one byte order mark before the first line is how some editors begin a UTF-8 file, not content
const withoutBom = (text: string): string => (text.charCodeAt(0) === BOM ? text.slice(1) : text);

const LINE_KEYS: ReadonlySet<string> = new Set(['stream', 'revision', 'type', 'data', 'meta']);

// a blank line is spaces and tabs only (and the \r of a Windows line end); a line of any other
// white space (a byte order mark, U+00A0, U+2028, \v) is not skipped but refused
const BLANK = /^[ \t]*\r?$/;

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
 * Parses JSON Lines into placed events. Lines end in `\n` or `\r\n` (a file saved on Windows);
 * a lone `\r` does not end a line. One byte order mark (U+FEFF) before the first line is skipped, as
 * editors on Windows write one; a mark anywhere else is refused, naming it. Blank lines (spaces and
 * tabs only) are skipped (a trailing newline is normal). Each line must be a JSON object with `stream` (non-empty string), `revision` (a decimal string),
 * `type` (string), `data` and `meta` (objects), and nothing else. Every bad line is reported (up
 * to 100) with its 1-based line number in the message and the path (`['line', '7', 'revision']`).
 * A key said twice in one object, anywhere on the line, is refused too (`['line', '7', 'stream']`,
 * `['line', '7', 'data', 'amount']`): JSON.parse would keep the last one without a word.
 * It checks the envelope only: decode the events with {@link decodeJsonLines}; the hash chain
 * (`verifyChain`) shows a line missing or repeated within a stream. Text that is not a string
 * (null, a number, a Buffer not yet decoded) is one `JSONL_INVALID` at `[]`.
 *
 * @example
 * parseJsonLines('{"stream":"s","revision":"x","type":"T","data":{},"meta":{}}\n');
 * // left([{ code: 'JSONL_INVALID', path: ['line', '1', 'revision'], message: 'line 1: revision must be ...' }])
 */
export const parseJsonLines = (text: string): E.Either<readonly DomainError[], readonly JsonLineEvent[]> => {
  if (typeof text !== 'string') {
    return E.left([domainError('JSONL_INVALID', `JSON Lines are text: give a string (decode a file's bytes as UTF-8 first), not ${describe(text)}`, [], { input: describe(text) })]);
  }
  const lines = withoutBom(text).split('\n');
  const errors: DomainError[] = [];
  const events: JsonLineEvent[] = [];
  // the text after a final newline is not a line
  if (lines.length - (lines[lines.length - 1] === '' ? 1 : 0) > JSONL_LIMITS.maxLines) {
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
    if (BLANK.test(line)) continue;
    if (line.length > JSONL_LIMITS.maxLineChars) {
      fail(n, null, `the line is longer than ${JSONL_LIMITS.maxLineChars} characters`);
      continue;
    }
    if (line.charCodeAt(0) === BOM) {
      fail(n, null, 'the line starts with a byte order mark (U+FEFF): only the first line of a file may carry one; remove it');
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
 * Parses JSON Lines and decodes every event, upcasting old schema versions first (through
 * `upcasters`, {@link LEVY_UPCASTERS} by default). Errors name the line: `['line', '3', 'data',
 * 'amount']`. An import refuses rather than drops: a key in `data` or `meta` that the event's
 * current shape does not declare (`data.surcharge`, `meta.approvedBy`, at any depth) is
 * `DECODE_FAILED` at `['line', '3', 'data', 'surcharge']`, where decoding alone would strip it and
 * the event would no longer match its hash. The keys are checked after upcasting, so a key an old
 * schema version had is fine when its upcaster turns it into the current shape; an upcaster drops
 * a key the current shape no longer has by leaving it out of what it returns. (Store reads decode
 * leniently: a store's events were checked when they were written.) Text that is not a string is
 * refused as {@link parseJsonLines} refuses it.
 *
 * A line is not an event: {@link storedEventsOfLines} turns the lines into the events the
 * projections fold and a memory store's seed takes.
 *
 * @example
 * decodeJsonLines(text); // right([{ stream, revision, event: LevyEvent }, ...])
 */
export const decodeJsonLines = (
  text: string,
  upcasters: UpcasterRegistry = LEVY_UPCASTERS,
): E.Either<readonly DomainError[], readonly DecodedLine[]> => {
  const parsed = parseJsonLines(text);
  if (E.isLeft(parsed)) return parsed;
  const errors: DomainError[] = [];
  const out: DecodedLine[] = [];
  let lineNo = 0;
  const lineNumbers = lineNumbersOf(text);
  const report = (n: number, found: readonly DomainError[]): void => {
    for (const err of found) {
      if (errors.length < JSONL_LIMITS.maxErrors) errors.push({ ...err, message: `line ${n}: ${err.message}`, path: ['line', String(n), ...err.path] });
    }
  };
  for (const e of parsed.right) {
    const n = lineNumbers[lineNo++] ?? lineNo;
    const up = upcastEvent(e, upcasters);
    if (E.isLeft(up)) {
      report(n, [up.left]);
      continue;
    }
    const decoded = decodeEvent(up.right);
    const codec = Object.prototype.hasOwnProperty.call(eventDataCodecs, e.type) ? eventDataCodecs[e.type as keyof typeof eventDataCodecs] : undefined;
    // what decoding would strip: checked on the upcast event, the shape the codecs declare
    const undeclared = codec === undefined ? [] : [...undeclaredKeys(codec, up.right.data, ['data']), ...undeclaredKeys(EventMeta, up.right.meta, ['meta'])];
    if (E.isLeft(decoded) || undeclared.length > 0) {
      report(n, [...(E.isLeft(decoded) ? decoded.left : []), ...undeclared]);
      continue;
    }
    out.push({ stream: e.stream, revision: e.revision, event: decoded.right });
  }
  return errors.length > 0 ? E.left(errors) : E.right(out);
};

// 1-based numbers of the non-blank lines, so decode errors point at the right line
const lineNumbersOf = (text: string): number[] => {
  const out: number[] = [];
  const lines = withoutBom(text).split('\n');
  for (let i = 0; i < lines.length; i++) if (!BLANK.test(lines[i] as string)) out.push(i + 1);
  return out;
};

/**
 * Turns lines read from JSON Lines into events as a store's `readAll` gives them,
 * `{ streamId, revision, position, type, data, meta }`, in line order with positions numbered from
 * 1 (as `openMemoryEventStore({ seed })` numbers a seed's). This is how an export gets back to the
 * reports offline: `rebuild(levyProjection, events)` of `@levy/projections` folds them, and a memory
 * store takes them as its `seed` (docs/events.md, JSON Lines).
 *
 * Given {@link decodeJsonLines}'s lines, the events are decoded, upcast to the current schema
 * version and typed as Levy's ({@link StoredLevyEvent}): what the projections fold. Given
 * {@link parseJsonLines}'s, they are the events as written, bytes the hash chain was made over:
 * what a seed takes whatever schema version the log was written in (a seed checks every event's
 * hash, and an upcast event no longer matches its own; a log written at the current version seeds
 * from either). The events share the lines' data and meta: nothing is copied.
 *
 * Throws a `LevyError` `JSONL_INVALID` at `['lines']` for lines that are not an array, and at
 * `['lines', '<index>', field]` for a line that is not one: a stream that is not a non-empty
 * string, a revision that is not a bigint, an `event` (decoded) or a `type`, `data` and `meta` (as
 * written) that are missing or not what a line holds. A store's own events (`streamId`) are not
 * lines: give those to the projections or a seed as they are.
 *
 * @example
 * import { decodeJsonLines, openMemoryEventStore, parseJsonLines, storedEventsOfLines } from '@levy/core';
 * import { levyProjection, rebuild } from '@levy/projections';
 * const decoded = decodeJsonLines(text);
 * if (decoded._tag === 'Right') {
 *   const views = rebuild(levyProjection, storedEventsOfLines(decoded.right)); // the reports, offline
 * }
 * const parsed = parseJsonLines(text);
 * if (parsed._tag === 'Right') openMemoryEventStore({ seed: storedEventsOfLines(parsed.right) }); // a store of one's own
 * storedEventsOfLines([{ stream: 's', revision: 0 }]); // throws JSONL_INVALID at ['lines', '0', 'revision']
 */
export const storedEventsOfLines: {
  (lines: readonly DecodedLine[]): StoredLevyEvent[];
  (lines: readonly JsonLineEvent[]): StoredEvent[];
} = (lines: readonly (DecodedLine | JsonLineEvent)[]): StoredLevyEvent[] & StoredEvent[] => {
  if (!Array.isArray(lines)) {
    throw new LevyError(domainError('JSONL_INVALID', `give the array of lines that decodeJsonLines or parseJsonLines returned (its right), not ${describe(lines)}`, ['lines'], { input: describe(lines) }));
  }
  const out: (StoredLevyEvent & StoredEvent)[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line: unknown = lines[i];
    const refuse = (field: readonly string[], message: string): never => {
      throw new LevyError(domainError('JSONL_INVALID', `line ${i + 1}: ${message}`, ['lines', String(i), ...field], { index: i }));
    };
    if (!isInputObject(line)) refuse([], `${describe(line)} is not a line { stream, revision, event } or { stream, revision, type, data, meta }`);
    const l = line as { readonly [k: string]: unknown };
    if (typeof l.stream !== 'string' || l.stream.length === 0) {
      refuse(['stream'], 'stream' in l ? 'its stream must be a non-empty string' : `it has no stream${'streamId' in l ? ': it is an event as a store holds it already, give it to the projections or a seed as it is' : ''}`);
    }
    if (typeof l.revision !== 'bigint') refuse(['revision'], `its revision must be a bigint, as the readers give it, not ${describe(l.revision)}`);
    // decoded: { stream, revision, event }; as written: { stream, revision, type, data, meta }
    const decoded = 'event' in l;
    const event = (decoded ? l.event : l) as { readonly [k: string]: unknown };
    const at = decoded ? ['event'] : [];
    if (!isInputObject(event)) refuse(at, `its event is ${describe(event)}, not an event { type, data, meta }`);
    if (typeof event.type !== 'string' || event.type.length === 0) refuse([...at, 'type'], 'its type must be a non-empty string');
    if (!isInputObject(event.data)) refuse([...at, 'data'], 'its data must be an object');
    if (!isInputObject(event.meta)) refuse([...at, 'meta'], 'its meta must be an object');
    out[i] = { streamId: l.stream, revision: l.revision, position: BigInt(i + 1), type: event.type, data: event.data, meta: event.meta } as StoredLevyEvent & StoredEvent;
  }
  return out;
};
