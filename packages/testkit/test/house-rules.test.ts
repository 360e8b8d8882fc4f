// House rules that a linter does not check: every export carries JSDoc, packages meet only through
// their public entries, the pure core reads no clock, randomness or environment, and every
// property takes its seed and its run count from the shared policy.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
  });
const packages = readdirSync(join(root, 'packages')).filter((p) => statSync(join(root, 'packages', p, 'src')).isDirectory());
const sources = packages.flatMap((p) => walk(join(root, 'packages', p, 'src')).map((file) => ({ pkg: p, file, text: readFileSync(file, 'utf8') })));

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
    // test/support/properties.ts holds the policy and vitest.setup.ts applies the seed. A number
    // written beside numRuns would pin that property to one seed however the suite is run; a bare
    // count would not grow with LEVY_FC_SCALE. A one-run fc.sample (a fixed example) may keep its
    // seed. The store conformance suite (testkit's source) runs in embedders' projects and keeps its count.
    const tests = packages.flatMap((p) => (statSync(join(root, 'packages', p, 'test'), { throwIfNoEntry: false })?.isDirectory() ? walk(join(root, 'packages', p, 'test')) : []));
    const pinned: string[] = [];
    const bareCounts: string[] = [];
    for (const file of [...tests, ...sources.map((s) => s.file)]) {
      const isTest = tests.includes(file);
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const at = `${relative(root, file)}:${i + 1}`;
          const fixedExample = /numRuns:\s*1\b/.test(line);
          // a seed beside a run count, or in a shared RUN options object
          if (/\bseed:\s*\d/.test(line) && ((/numRuns/.test(line) && !fixedExample) || /\bRUN\s*=/.test(line))) pinned.push(at);
          if (isTest && /numRuns:\s*\d/.test(line) && !fixedExample) bareCounts.push(at);
        });
    }
    expect(tests.length).toBeGreaterThan(30);
    expect(pinned).toEqual([]);
    expect(bareCounts).toEqual([]);
  });
});
