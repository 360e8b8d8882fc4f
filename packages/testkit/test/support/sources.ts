// Where the workspace's sources are, for the tests that read them as text or code rather than run
// them (doc-examples, house-rules and packaging tests): the repository root, each package's src files, and each public entry
// as its package.json declares it (the `levy-source` condition of every subpath of `exports`).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** Every file under `dir` whose name ends with `ext`, depth first, in directory order. */
export const walk = (dir: string, ext = '.ts'): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path, ext) : path.endsWith(ext) ? [path] : [];
  });

/** The packages (directory names under packages/) that have a src directory. */
export const packageNames = (): string[] => readdirSync(join(root, 'packages')).filter((p) => statSync(join(root, 'packages', p, 'src'), { throwIfNoEntry: false })?.isDirectory() === true);

/** A public entry: `@levy/core/engine` is package `core`, its source packages/core/src/engine.ts. */
export interface LevyEntry {
  readonly pkg: string;
  readonly spec: string;
  readonly file: string;
}

/** Every public entry of every package, from the `levy-source` condition of its package.json `exports`. */
export const levyEntries = (): LevyEntry[] =>
  packageNames().flatMap((pkg) => {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
    return Object.entries(manifest.exports).flatMap(([subpath, target]) => {
      const source = typeof target === 'object' && target !== null ? (target as Record<string, unknown>)['levy-source'] : undefined;
      if (typeof source !== 'string') return [];
      return [{ pkg, spec: subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`, file: join(root, 'packages', pkg, source) }];
    });
  });
