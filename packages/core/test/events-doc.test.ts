import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { EVENT_TYPES, decodeEvent, decodeJsonLines, upcastEvent } from '@levy/core';

// keeps docs/events.md honest: every example in it must decode as the library reads it
const doc = readFileSync(fileURLToPath(new URL('../../../docs/events.md', import.meta.url)), 'utf8');
const blocks = (lang: string): string[] => [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] as string);

describe('docs/events.md', () => {
  const json = blocks('json');
  it('has a JSON example for every event type', () => {
    const types = new Set(json.map((b) => (JSON.parse(b) as { type: string }).type));
    for (const t of EVENT_TYPES) expect(types.has(t), `no example of ${t}`).toBe(true);
    for (const t of EVENT_TYPES) expect(doc).toContain(`### ${t}\n`);
  });
  it('every ```json example decodes (upcast first, as the handler reads)', () => {
    expect(json.length).toBeGreaterThan(EVENT_TYPES.length);
    for (const b of json) {
      const raw = JSON.parse(b) as { type: string; data: Record<string, unknown>; meta: Record<string, unknown> };
      const decoded = E.flatMap(upcastEvent(raw), (e) => E.mapLeft((errs: readonly { message: string }[]) => errs[0]!)(decodeEvent(e)));
      expect(E.isRight(decoded) ? 'ok' : `${raw.type}: ${JSON.stringify(decoded.left)}`).toBe('ok');
    }
  });
  it('the legacy example really needs its upcaster', () => {
    const legacy = json.map((b) => JSON.parse(b) as { meta: { schemaVersion: number } }).find((e) => e.meta.schemaVersion === 0);
    expect(legacy).toBeDefined();
    expect(E.isLeft(decodeEvent(legacy))).toBe(true);
  });
  it('every ```jsonl example decodes line by line', () => {
    const lines = blocks('jsonl');
    expect(lines.length).toBeGreaterThan(0);
    for (const b of lines) {
      const r = decodeJsonLines(b);
      expect(E.isRight(r) ? 'ok' : JSON.stringify(r.left)).toBe('ok');
    }
  });
});
