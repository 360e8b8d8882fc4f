// House rules that a linter does not check: every export carries JSDoc, packages meet only through
// their public entries, the pure core reads no clock, randomness or environment, and every
// property takes its seed and its run count from the shared policy.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageNames, root, walk } from './support/sources.js';

const packages = packageNames();
const sources = packages.flatMap((p) => walk(join(root, 'packages', p, 'src')).map((file) => ({ pkg: p, file, text: readFileSync(file, 'utf8') })));

// The seeds a property's options may name: the shared one, or one derived from it (FC_SEED + 1 gives
// a second property over the same inputs a stream of its own, and still moves with LEVY_FC_SEED); and
// the global seed read back (testkit's conformance suite runs in embedders' projects, out of reach of
// FC_SEED, and falls back to a number only where no global seed is configured).
const SANCTIONED_SEED = /^(FC_SEED(\s*[+-]\s*\d+)?|fc\.readConfigureGlobal\(\)\.seed(\s*\?\?\s*\d+)?)$/;

const unwrap = (e: ts.Expression): ts.Expression => (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e) || ts.isTypeAssertionExpression(e) ? unwrap(e.expression) : e);

/**
 * Where the options of an fc.assert or fc.check (its second argument) name a seed that is not
 * sanctioned, as `<file>:<line>: seed <as written>`; and of an fc.sample or fc.statistics of more
 * than one run (a sample of one is a fixed example and may keep its seed). Options may be an object
 * literal, a name bound in the file to one (`const RUN = { ... } as const`) or spread into one
 * (`{ ...RUN }`); anything else is reported as unreadable rather than let through. A seed inside the
 * property itself (a simulation's seed) is not an option and is not looked at.
 */
const pinnedSeeds = (file: string, text: string): string[] => {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const bound = new Map<string, ts.Expression[]>();
  const collect = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer !== undefined) bound.set(n.name.text, [...(bound.get(n.name.text) ?? []), unwrap(n.initializer)]);
    ts.forEachChild(n, collect);
  };
  collect(sf);
  const out: string[] = [];
  // the options' own properties, through names and spreads; null when they cannot be read
  const propertiesOf = (options: ts.Expression, seen: ReadonlySet<string>): ts.ObjectLiteralElementLike[] | null => {
    const o = unwrap(options);
    if (ts.isIdentifier(o)) {
      const values = bound.get(o.text);
      if (values === undefined || seen.has(o.text)) return null;
      const all: ts.ObjectLiteralElementLike[] = [];
      for (const v of values) {
        const ps = propertiesOf(v, new Set([...seen, o.text]));
        if (ps === null) return null;
        all.push(...ps);
      }
      return all;
    }
    if (!ts.isObjectLiteralExpression(o)) return null;
    const all: ts.ObjectLiteralElementLike[] = [];
    for (const p of o.properties) {
      if (!ts.isSpreadAssignment(p)) all.push(p);
      else {
        const ps = propertiesOf(p.expression, seen);
        if (ps === null) return null;
        all.push(...ps);
      }
    }
    return all;
  };
  const nameOf = (p: ts.ObjectLiteralElementLike): string | undefined => (p.name !== undefined && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : p.name?.getText());
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ts.isIdentifier(n.expression.expression) && n.expression.expression.text === 'fc') {
      const kind = n.expression.name.text;
      const options = n.arguments[1];
      const where = options === undefined ? '' : `${file}:${sf.getLineAndCharacterOfPosition(options.getStart()).line + 1}`;
      const property = kind === 'assert' || kind === 'check';
      // a sample's options may be its run count alone
      const sample = (kind === 'sample' || kind === 'statistics') && options !== undefined && !ts.isNumericLiteral(unwrap(options));
      if (options !== undefined && (property || sample)) {
        const ps = propertiesOf(options, new Set());
        if (ps === null) {
          if (property) out.push(`${where}: options ${options.getText()}, which the rule cannot read`);
        } else {
          const fixedExample = sample && ps.some((p) => nameOf(p) === 'numRuns' && ts.isPropertyAssignment(p) && p.initializer.getText() === '1');
          for (const p of ps) {
            if (nameOf(p) !== 'seed' || fixedExample) continue;
            const value = ts.isPropertyAssignment(p) ? p.initializer.getText() : p.getText();
            if (!ts.isPropertyAssignment(p) || !SANCTIONED_SEED.test(value)) out.push(`${where}: seed ${value}`);
          }
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
};

describe('house rules', () => {
  it('finds the sources it checks', () => {
    expect(packages).toEqual(expect.arrayContaining(['core', 'projections', 'store-sqlite', 'testkit']));
    expect(sources.length).toBeGreaterThan(20);
  });

  it('documents every export with a JSDoc comment', () => {
    const undocumented: string[] = [];
    for (const { file, text } of sources) {
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (/^export (declare )?(const|function|class|interface|type|enum|abstract class|async function) /.test(line)) {
          if (!(lines[i - 1] ?? '').trim().endsWith('*/')) undocumented.push(`${relative(root, file)}:${i + 1}`);
        }
      });
    }
    expect(undocumented).toEqual([]);
  });

  it('imports another package only through its public entries (the subpaths its package.json exports)', () => {
    // '@levy/core/engine' -> 'core', './engine'; '@levy/core' -> 'core', '.'
    const entries = new Map(packages.map((p) => [p, Object.keys((JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as { exports: object }).exports)]));
    const isPublic = (spec: string): boolean => {
      const m = /^@levy\/([^/]+)(\/.+)?$/.exec(spec);
      return m === null || (entries.get(m[1]!) ?? ['.']).includes(`.${m[2] ?? ''}`);
    };
    expect(isPublic('@levy/core/engine')).toBe(true);
    expect(isPublic('@levy/core/src/store.js')).toBe(false);
    const reaching: string[] = [];
    for (const { file, text } of sources) {
      for (const m of text.matchAll(/from '([^']+)'/g)) {
        const spec = m[1] ?? '';
        if (!isPublic(spec) || (spec.startsWith('.') && relative(root, join(dirname(file), spec)).split('/')[1] !== relative(root, file).split('/')[1])) {
          reaching.push(`${relative(root, file)} imports ${spec}`);
        }
      }
    }
    expect(reaching).toEqual([]);
  });

  it('keeps the clock, randomness and the environment out of the pure core', () => {
    // the handler is the imperative shell (it may default a clock) and the stores do I/O
    const shell = new Set(['handler.ts', 'memory-store.ts']);
    const impure: string[] = [];
    for (const { pkg, file, text } of sources) {
      if (pkg !== 'core' || shell.has(file.split('/').pop() ?? '')) continue;
      for (const pattern of [/new Date\(/, /Date\.now\(/, /Math\.random\(/, /process\.env/, /Temporal\.Now/, /from 'node:fs'/]) {
        if (pattern.test(text)) impure.push(`${relative(root, file)}: ${pattern.source}`);
      }
    }
    expect(impure).toEqual([]);
  });

  it('lets LEVY_FC_SEED and LEVY_FC_SCALE reach every property: no seed of its own, every count through runs()', () => {
    // test/support/properties.ts holds the policy and vitest.setup.ts applies the seed. Any seed in a
    // property's options but FC_SEED (or FC_SEED + n) would pin that property to one seed however the
    // suite is run, whether a number, a constant or a shared RUN object (pinnedSeeds reads the options
    // as code, not as lines); a bare count would not grow with LEVY_FC_SCALE. A one-run fc.sample (a
    // fixed example) may keep its seed. The store conformance suite (testkit's source) runs in
    // embedders' projects: it reads the global seed back and keeps its count.
    const tests = packages.flatMap((p) => (statSync(join(root, 'packages', p, 'test'), { throwIfNoEntry: false })?.isDirectory() ? walk(join(root, 'packages', p, 'test')) : []));
    const pinned: string[] = [];
    const bareCounts: string[] = [];
    let properties = 0;
    for (const file of [...tests, ...sources.map((s) => s.file)]) {
      const isTest = tests.includes(file);
      const text = readFileSync(file, 'utf8');
      properties += (text.match(/\bfc\.(assert|check)\(/g) ?? []).length;
      // any seed in a property's options but FC_SEED's own (a constant, a number, one from the environment)
      pinned.push(...pinnedSeeds(relative(root, file), text));
      text.split('\n').forEach((line, i) => {
        if (isTest && /numRuns:\s*\d/.test(line) && !/numRuns:\s*1\b/.test(line)) bareCounts.push(`${relative(root, file)}:${i + 1}`);
      });
    }
    expect(tests.length).toBeGreaterThan(30);
    // the rule read the properties it polices (about 80 today)
    expect(properties).toBeGreaterThan(60);
    expect(pinned).toEqual([]);
    expect(bareCounts).toEqual([]);
  });

  it('sees a seed of its own in a property\'s options however it is written, and only there', () => {
    const flagged = (text: string): string[] => pinnedSeeds('x.test.ts', text);
    // pinned: a constant, a number, the environment, shorthand, a shared options object, a spread of one
    expect(flagged('fc.assert(p, { seed: SOME_CONST, numRuns: runs(5) });')).toEqual(['x.test.ts:1: seed SOME_CONST']);
    expect(flagged('fc.assert(p, { numRuns: runs(5), seed: 42 });')).toEqual(['x.test.ts:1: seed 42']);
    expect(flagged("fc.check(p, { seed: Number(process.env['S']) });")).toEqual(["x.test.ts:1: seed Number(process.env['S'])"]);
    expect(flagged('const seed = 7;\nfc.assert(p, { seed });')).toEqual(['x.test.ts:2: seed seed']);
    expect(flagged('const RUN = { numRuns: runs(9), seed: SEED } as const;\nfc.assert(p, RUN);')).toEqual(['x.test.ts:2: seed SEED']);
    expect(flagged('const RUN = { seed: 3 };\nfc.assert(p, { ...RUN, numRuns: runs(2) });')).toEqual(['x.test.ts:2: seed 3']);
    expect(flagged('fc.assert(p, optionsFrom(here));')).toEqual(['x.test.ts:1: options optionsFrom(here), which the rule cannot read']);
    // sanctioned: the shared seed, one derived from it, the global seed read back; no seed at all
    expect(flagged('fc.assert(p, { seed: FC_SEED + 1, numRuns: runs(2000) });')).toEqual([]);
    expect(flagged('fc.assert(p, { seed: fc.readConfigureGlobal().seed ?? 20251127, numRuns: runs(40) });')).toEqual([]);
    expect(flagged('const RUN = { numRuns: runs(200) } as const;\nfc.assert(p, RUN);\nfc.assert(q);')).toEqual([]);
    // a sample of many with a seed of its own is a property in all but name
    expect(flagged('const logs = fc.sample(arb, { numRuns: runs(50), seed: 42 });')).toEqual(['x.test.ts:1: seed 42']);
    // not options: a simulation's seed inside the property, and a one-run sample (a fixed example)
    expect(flagged('fc.assert(fc.asyncProperty(a, async (x) => { await simulate({ seed: 5, units: x }); }), { numRuns: runs(3) });')).toEqual([]);
    expect(flagged('const [log] = fc.sample(arb, { numRuns: 1, seed: 42 });\nfc.sample(arb, 5);')).toEqual([]);
  });
});
