// What an embedder installs: each package's built entries (`pnpm build`, tsup), loaded by a plain
// node process the way a service would, through the package name and its `exports` map, as ESM
// and as CommonJS. Every other test reads the sources (the `levy-source` condition), so without
// this one a build that drops an export, or a CommonJS bundle that does not load, would pass.
// CI builds before it tests (.ci/run); where the build is missing or older than the sources (the
// README's test command on a fresh clone), the checks are skipped and the output says why.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { root } from './support/sources.js';


const newest = (dir: string): number =>
  readdirSync(dir).reduce((t, name) => {
    const path = join(dir, name);
    const s = statSync(path);
    return Math.max(t, s.isDirectory() ? newest(path) : s.mtimeMs);
  }, 0);

/** why a package's build cannot be checked, or null when it is there and newer than its sources */
const unbuilt = (pkg: string, entry = 'index'): string | null => {
  const dist = join(root, 'packages', pkg, 'dist', `${entry}.js`);
  if (!existsSync(dist)) return `packages/${pkg}/dist is not built: run \`pnpm build\` first (CI does)`;
  if (statSync(dist).mtimeMs < newest(join(root, 'packages', pkg, 'src'))) return `packages/${pkg}/dist is older than its sources: run \`pnpm build\` first (CI does)`;
  return null;
};

/** runs `script` in a fresh node process inside the package, so `@levy/<pkg>` resolves to its own build (no levy-source condition) */
const node = (pkg: string, script: string, type: 'module' | 'commonjs'): string =>
  execFileSync(process.execPath, ['--input-type', type, '-e', script], { cwd: join(root, 'packages', pkg), encoding: 'utf8' });

// the names each entry exports, as a JSON array, read by a fresh process
const namesScript = (spec: string, type: 'module' | 'commonjs'): string =>
  type === 'module'
    ? `const m = await import(${JSON.stringify(spec)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()));`
    : `const m = require(${JSON.stringify(spec)}); console.log(JSON.stringify(Object.keys(m).sort()));`;

// the names a built declaration file exports: tsup writes export lists (`export { a as B, type C }`),
// re-exporting from a shared chunk where two entries share declarations
const declaredIn = (pkg: string, file: string): Set<string> => {
  const text = readFileSync(join(root, 'packages', pkg, 'dist', file), 'utf8');
  return new Set([...text.matchAll(/export \{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',').map((part) => part.trim().split(/\s+as\s+/).pop()!.replace(/^type\s+/, ''))));
};

// the names an entry's source re-exports by name, types included (`export { a, type B } from './x.js'`)
const listedIn = (source: string): string[] =>
  [...readFileSync(source, 'utf8').matchAll(/export \{([^}]*)\} from '[^']+'/g)]
    .flatMap((m) => m[1]!.split(',').map((part) => part.trim().replace(/^type\s+/, '')))
    .filter((name) => name !== '');

// the sources' entries, by path: testkit does not depend on every package (store-sqlite). An entry
// other than the main one (`entry`) is a subpath of the package's exports, `@levy/<pkg>/<entry>`.
const ENTRIES = [
  { pkg: 'core', entry: 'index', source: () => import('../../core/src/index.js') },
  { pkg: 'core', entry: 'engine', source: () => import('../../core/src/engine.js') },
  { pkg: 'projections', entry: 'index', source: () => import('../../projections/src/index.js') },
  { pkg: 'store-sqlite', entry: 'index', source: () => import('../../store-sqlite/src/index.js') },
  { pkg: 'testkit', entry: 'index', source: () => import('../src/index.js') },
] as const;

const specOf = (pkg: string, entry: string): string => (entry === 'index' ? `@levy/${pkg}` : `@levy/${pkg}/${entry}`);

describe('the built packages', () => {
  for (const { pkg, entry, source } of ENTRIES) {
    const spec = specOf(pkg, entry);
    it(`${spec} loads from its build as ESM and as CommonJS, with every export of its sources and a declaration for each`, async (ctx) => {
      const why = unbuilt(pkg, entry);
      if (why !== null) {
        console.log(`skipped: ${why}`);
        ctx.skip(why);
      }
      const expected = Object.keys(await source())
        .filter((k) => k !== 'default')
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      const esm = JSON.parse(node(pkg, namesScript(spec, 'module'), 'module')) as string[];
      const cjs = JSON.parse(node(pkg, namesScript(spec, 'commonjs'), 'commonjs')) as string[];
      expect(esm).toEqual(expected);
      expect(cjs).toEqual(expected);
      // the declarations, one file per format; an entry that lists its names (engine.ts) has its types checked too
      const named = entry === 'index' ? [] : listedIn(join(root, 'packages', pkg, 'src', `${entry}.ts`));
      for (const file of [`${entry}.d.ts`, `${entry}.d.cts`]) {
        const declared = declaredIn(pkg, file);
        expect([...new Set([...expected, ...named])].filter((name) => !declared.has(name)), `${pkg}/dist/${file}`).toEqual([]);
      }
    });
  }

  it('@levy/core keeps the engine helpers at @levy/core/engine only, built as one StoreError behind both entries, ESM and CommonJS', async (ctx) => {
    const why = unbuilt('core') ?? unbuilt('core', 'engine') ?? unbuilt('store-sqlite');
    if (why !== null) {
      console.log(`skipped: ${why}`);
      ctx.skip(why);
    }
    // every name of the engine's source, types included, is declared by the engine and not by the main entry
    const engineNames = listedIn(join(root, 'packages', 'core', 'src', 'engine.ts'));
    expect(engineNames).toEqual(expect.arrayContaining(['checkAppend', 'idempotentRetry', 'sealChecked', 'catchUpSubscription', 'CheckedAppend', 'SubscriptionSource']));
    for (const type of ['module', 'commonjs'] as const) {
      const main = JSON.parse(node('core', namesScript('@levy/core', type), type)) as string[];
      expect(engineNames.filter((name) => main.includes(name)), `@levy/core (${type})`).toEqual([]);
    }
    for (const file of ['index.d.ts', 'index.d.cts']) {
      const declared = declaredIn('core', file);
      expect(engineNames.filter((name) => declared.has(name)), `core/dist/${file}`).toEqual([]);
    }
    // the two entries share one chunk: a refusal the engine helpers throw is a StoreError to the main entry
    const check = "try { checkStreamId(''); console.log('no refusal'); } catch (e) { console.log(isStoreError(e, 'OPTIONS_INVALID') && e instanceof LevyError); }";
    expect(node('core', `import { isStoreError, LevyError } from '@levy/core'; import { checkStreamId } from '@levy/core/engine'; ${check}`, 'module').trim()).toBe('true');
    expect(node('core', `const { isStoreError, LevyError } = require('@levy/core'); const { checkStreamId } = require('@levy/core/engine'); ${check}`, 'commonjs').trim()).toBe('true');
    // and the SQLite store, built against both entries, rejects with what the main entry's isStoreError knows
    const refused = (load: string): string =>
      `${load}
(async () => {
  const store = await openSqliteEventStore(':memory:');
  const codes = [];
  for (const append of [() => store.appendToStream('', []), () => store.appendToStream('s', [{ type: 'T', data: { n: 0.5 }, meta: { eventId: 'e' } }])]) {
    try { await append(); codes.push('appended'); } catch (e) { codes.push(isStoreError(e) ? e.code : String(e)); }
  }
  await store.close();
  console.log(codes.join(' '));
})().catch((e) => { console.error(e); process.exit(1); });`;
    expect(node('store-sqlite', refused("import { isStoreError } from '@levy/core'; import { openSqliteEventStore } from '@levy/store-sqlite';"), 'module').trim()).toBe('OPTIONS_INVALID EVENT_INVALID');
    expect(node('store-sqlite', refused("const { isStoreError } = require('@levy/core'); const { openSqliteEventStore } = require('@levy/store-sqlite');"), 'commonjs').trim()).toBe('OPTIONS_INVALID EVENT_INVALID');
  });

  it('@levy/testkit/conformance loads from its build inside vitest (it registers vitest cases, so it loads nowhere else), with every export of its source declared', async (ctx) => {
    const why = unbuilt('testkit');
    if (why !== null) {
      console.log(`skipped: ${why}`);
      ctx.skip(why);
    }
    const expected = Object.keys(await import('../src/conformance.js')).sort();
    const dist = join(root, 'packages', 'testkit', 'dist');
    const built = (await import(/* @vite-ignore */ pathToFileURL(join(dist, 'conformance.js')).href)) as Record<string, unknown>;
    expect(Object.keys(built).sort()).toEqual(expected);
    expect(typeof built.storeConformanceSuite).toBe('function');
    for (const file of ['conformance.d.ts', 'conformance.d.cts']) {
      const declared = readFileSync(join(dist, file), 'utf8');
      expect(expected.filter((name) => !new RegExp(`\\b${name}\\b`).test(declared)), file).toEqual([]);
    }
  });

  it('computes exact sums through the built core, ESM and CommonJS, and folds a simulated year through the built packages to a zero trial balance with every invariant holding', (ctx) => {
    const why = unbuilt('core') ?? unbuilt('projections') ?? unbuilt('testkit');
    if (why !== null) {
      console.log(`skipped: ${why}`);
      ctx.skip(why);
    }
    const sum = "String(Money.sum([Money.of('0.10'), Money.of('0.20'), Money.of('1234.56')]))";
    expect(node('core', `import { Money } from '@levy/core'; console.log(${sum});`, 'module').trim()).toBe('1234.86');
    expect(node('core', `const { Money } = require('@levy/core'); console.log(${sum});`, 'commonjs').trim()).toBe('1234.86');
    // twenty units' year decided by the built core, folded by the built projections, checked by the built testkit
    const year = (load: string, wrap: (body: string) => string): string =>
      `${load}\n${wrap(`
const store = openMemoryEventStore();
const sim = await simulateCommunityYear({ seed: 11, units: 20, store });
const { state } = await rebuildFromStore(levyProjection, store);
const log = [];
for await (const e of store.readAll()) log.push(e);
const tb = trialBalance(state.journal);
console.log(JSON.stringify({ events: sim.events, folded: log.length, sum: tb.sum.toString(), debit: tb.totalDebit.toString(), violations: checkInvariants(log).map((v) => v.invariant + ': ' + v.message) }));`)}`;
    const names = '{ openMemoryEventStore }';
    const esm = year(`import ${names} from '@levy/core'; import { rebuildFromStore, levyProjection, trialBalance } from '@levy/projections'; import { simulateCommunityYear, checkInvariants } from '@levy/testkit';`, (b) => b);
    const cjs = year(
      `const ${names} = require('@levy/core'); const { rebuildFromStore, levyProjection, trialBalance } = require('@levy/projections'); const { simulateCommunityYear, checkInvariants } = require('@levy/testkit');`,
      (b) => `(async () => {${b}})().catch((e) => { console.error(e); process.exit(1); });`,
    );
    const a = JSON.parse(node('testkit', esm, 'module')) as { events: number; folded: number; sum: string; debit: string; violations: string[] };
    const b = JSON.parse(node('testkit', cjs, 'commonjs')) as typeof a;
    expect(a.events).toBeGreaterThan(200);
    expect(a.folded).toBe(a.events);
    expect(a.sum).toBe('0.00');
    expect(a.debit).not.toBe('0.00');
    expect(a.violations).toEqual([]);
    // the same seed gives the same year either way
    expect(b).toEqual(a);
  });
});
