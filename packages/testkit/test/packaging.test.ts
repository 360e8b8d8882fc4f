// What an embedder installs: each package's built entry (`pnpm build`, tsup), loaded by a plain
// node process the way a service would, through the package name and its `exports` map, as ESM
// and as CommonJS. Every other test reads the sources (the `levy-source` condition), so without
// this one a build that drops an export, or a CommonJS bundle that does not load, would pass.
// CI builds before it tests (.ci/run); where the build is missing or older than the sources (the
// README's test command on a fresh clone), the checks are skipped and the output says why.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const newest = (dir: string): number =>
  readdirSync(dir).reduce((t, name) => {
    const path = join(dir, name);
    const s = statSync(path);
    return Math.max(t, s.isDirectory() ? newest(path) : s.mtimeMs);
  }, 0);

/** why a package's build cannot be checked, or null when it is there and newer than its sources */
const unbuilt = (pkg: string): string | null => {
  const dist = join(root, 'packages', pkg, 'dist', 'index.js');
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

// the sources' entries, by path: testkit does not depend on every package (store-sqlite)
const PACKAGES = [
  { pkg: 'core', source: () => import('../../core/src/index.js') },
  { pkg: 'projections', source: () => import('../../projections/src/index.js') },
  { pkg: 'store-sqlite', source: () => import('../../store-sqlite/src/index.js') },
  { pkg: 'testkit', source: () => import('../src/index.js') },
] as const;

describe('the built packages', () => {
  for (const { pkg, source } of PACKAGES) {
    it(`@levy/${pkg} loads from its build as ESM and as CommonJS, with every export of its sources and a declaration for each`, async (ctx) => {
      const why = unbuilt(pkg);
      if (why !== null) {
        console.log(`skipped: ${why}`);
        ctx.skip(why);
      }
      const expected = Object.keys(await source())
        .filter((k) => k !== 'default')
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      const esm = JSON.parse(node(pkg, namesScript(`@levy/${pkg}`, 'module'), 'module')) as string[];
      const cjs = JSON.parse(node(pkg, namesScript(`@levy/${pkg}`, 'commonjs'), 'commonjs')) as string[];
      expect(esm).toEqual(expected);
      expect(cjs).toEqual(expected);
      // the declarations: tsup writes one file per format, ending in one export list
      for (const file of ['index.d.ts', 'index.d.cts']) {
        const text = readFileSync(join(root, 'packages', pkg, 'dist', file), 'utf8');
        const declared = new Set([...text.matchAll(/export \{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',').map((part) => part.trim().split(/\s+as\s+/).pop()!.replace(/^type\s+/, ''))));
        expect(expected.filter((name) => !declared.has(name)), `${pkg}/dist/${file}`).toEqual([]);
      }
    });
  }

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
console.log(JSON.stringify({ events: sim.events, folded: log.length, sum: tb.sum.toString(), debit: tb.totalDebit.toString(), violations: checkInvariants(log).map((v) => v.code) }));`)}`;
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
