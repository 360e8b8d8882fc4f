// The store port is split between two entries: what an application needs in `@levy/core`, the
// helpers an engine is built from in `@levy/core/engine` (engine.ts). Both list store.ts and
// hash-chain.ts by name, so a new export there reaches neither until someone chooses: these
// tests make the choice happen, and keep a name from being public twice.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from '@levy/core';
import * as engine from '@levy/core/engine';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const read = (file: string): string => readFileSync(join(src, file), 'utf8');

// the names a module declares with `export const|class|interface|type`
const declared = (file: string): string[] =>
  [...read(file).matchAll(/^export (?:declare )?(?:const|function|class|interface|type|enum) (\w+)/gm)].map((m) => m[1]!);

// the names an entry re-exports from a module by name (`export { a, type B } from './x.js'`)
const listed = (entry: string, from: string): string[] =>
  [...read(entry).matchAll(/export \{([^}]*)\} from '([^']+)'/g)]
    .filter((m) => m[2] === from)
    .flatMap((m) => m[1]!.split(',').map((part) => part.trim().replace(/^type\s+/, '')))
    .filter((name) => name !== '');

const values = (m: object): string[] => Object.keys(m).filter((k) => k !== 'default').sort();

// the store port's own EventMeta: the main entry exports events.ts's codec of that name instead
const SHADOWED = ['EventMeta'];

describe('the engine entry', () => {
  it('exports every name of store.ts and hash-chain.ts from exactly one entry, the main or the engine', () => {
    for (const module of ['store.js', 'hash-chain.js']) {
      const names = declared(module.replace(/\.js$/, '.ts')).filter((n) => !SHADOWED.includes(n));
      const inMain = listed('index.ts', `./${module}`);
      const inEngine = listed('engine.ts', `./${module}`);
      expect(names.length, module).toBeGreaterThan(5);
      expect(names.filter((n) => !inMain.includes(n) && !inEngine.includes(n)), `${module}: in neither entry`).toEqual([]);
      expect(inMain.filter((n) => inEngine.includes(n)), `${module}: in both entries`).toEqual([]);
      expect([...inMain, ...inEngine].filter((n) => !names.includes(n)), `${module}: listed but not declared there`).toEqual([]);
    }
  });

  it('shares no value with the main entry', () => {
    const inMain = new Set(values(main));
    expect(values(engine).filter((n) => inMain.has(n))).toEqual([]);
  });

  it('holds the engine helpers and leaves the application its port, errors, limits and chain checks', () => {
    expect(values(engine)).toEqual(
      [
        'canonicalJsonFast',
        'catchUpSubscription',
        'checkAppend',
        'checkAppendOptions',
        'checkBigint',
        'checkExpectedRevision',
        'checkFilter',
        'checkGuards',
        'checkGuardsOption',
        'checkLink',
        'checkMax',
        'checkOptionNames',
        'checkOwnHash',
        'checkReadAllOptions',
        'checkReadStreamOptions',
        'checkStreamId',
        'checkSubscribeOptions',
        'checkedContentKey',
        'concurrencyConflict',
        'contentKeyOf',
        'expectedRevisionHolds',
        'guardConflict',
        'idempotentRetry',
        'matchesFilter',
        'sealChecked',
        'storeError',
      ].sort(),
    );
    for (const name of ['STORE_LIMITS', 'StoreError', 'isStoreError', 'openMemoryEventStore', 'canonicalJson', 'canonicalHash', 'sealEvent', 'verifyChain', 'hashOf']) {
      expect(Object.keys(main), name).toContain(name);
    }
  });

  it('throws the StoreError the main entry knows', () => {
    // one class behind both entries: isStoreError from the main entry recognises an engine's refusal
    expect(() => engine.checkStreamId('')).toThrow(main.StoreError);
    let thrown: unknown;
    try {
      engine.checkAppend('s', [{ type: 'T', data: { n: 0.5 }, meta: { eventId: 'e' } }], 'any');
    } catch (e) {
      thrown = e;
    }
    expect(main.isStoreError(thrown, 'EVENT_INVALID')).toBe(true);
    expect(main.isStoreError(engine.storeError('STORE_CLOSED', 'the store is closed'), 'STORE_CLOSED')).toBe(true);
  });
});

// the engine's types are there and not in the main entry (`pnpm typecheck` checks these lines)
type _EngineTypes = [
  engine.CheckedAppend,
  engine.CheckedEvent,
  engine.CheckedReadAllOptions,
  engine.CheckedReadStreamOptions,
  engine.CheckedSubscribeOptions,
  engine.ChainHead,
  engine.ExistingEvent,
  engine.SealedRow,
  engine.SubscriptionSource,
];
// @ts-expect-error CheckedAppend is the engine's
type _NotInMain1 = main.CheckedAppend;
// @ts-expect-error SubscriptionSource is the engine's
type _NotInMain2 = main.SubscriptionSource;
// @ts-expect-error SealedRow is the engine's
type _NotInMain3 = main.SealedRow;
