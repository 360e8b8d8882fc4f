// Examples that keep to the code: every `@example` of the sources' JSDoc and every fenced ts/js
// block of docs/*.md and README.md is read as code, and
//   A. every name it imports from a Levy entry (`import { a, b as c, type T } from '@levy/core'`,
//      `@levy/core/engine`, ...) is exported by that entry: a value as a value (the entry's source,
//      imported here), a `type` import as anything the entry exports (the compiler's export list,
//      which follows `export *`);
//   B. every name it calls (`name(`), constructs (`new Name(`) or calls a static member of
//      (`Name.member(`) is bound somewhere the reader can find it: declared or imported in the
//      example, a global of the short list below, a placeholder of the commented list below, or an
//      export of the entry the documented declaration is published from, or of `@levy/core`. A
//      block of a doc may use what any block of the same doc declares or imports (its first block
//      usually imports what the page shows); an example on a declaration no entry publishes (an
//      internal helper) may use any name its package declares.
// Every failure is listed at once, as `file:line: name ...`. The examples are neither run nor
// type-checked (many are fragments over a reader's own `book` or `state`): a real name called with
// the wrong arguments, or a wrong result in a comment, is still for review to catch.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { type Example, declaredIn, docComments, examplesInComment, fencedExamples, importsOf, parseExample, usedNames } from './support/examples.js';
import { type LevyEntry, levyEntries, packageNames, root, walk } from './support/sources.js';

/**
 * The globals an example may call without importing them: JavaScript's own, and the test
 * runner's and fast-check's names in examples written as tests. Kept short on purpose: a name
 * added here is one the check stops seeing.
 */
const GLOBALS = new Set(['Array', 'BigInt', 'JSON', 'Map', 'Number', 'Object', 'Promise', 'Set', 'String', 'console', 'describe', 'expect', 'fc', 'it']);

/**
 * Names an example calls that the reader supplies: the example says so where it uses them. Each
 * with where it is used and why it is not a Levy export. A placeholder no example uses any more
 * fails the test, so the list cannot go stale.
 */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  // a subscription's consumer (catchUpSubscription in core's store.ts; docs/stores.md, docs/projections.md)
  project: 'applies an event to whatever the subscriber keeps',
  saveCheckpoint: 'stores the last position the subscriber has applied, to resume from',
  // a new engine (docs/stores.md, "Writing a new engine"; storeConformanceSuite in testkit's conformance.ts)
  lookUpEventId: "the engine's own read of where an event id sits, for idempotentRetry",
  openMyEngine: 'opens the engine under test',
  freshDatabase: 'gives that engine a fresh, empty database',
};

const CORE = '@levy/core';

const entries = levyEntries();
const bySpec = new Map(entries.map((e) => [e.spec, e]));

// ---- what each entry exports ------------------------------------------------------------------

/** The runtime names of an entry (its source, loaded as the other packages' tests load it). */
const valuesOf = async (entry: LevyEntry): Promise<Set<string>> => new Set(Object.keys((await import(/* @vite-ignore */ pathToFileURL(entry.file).href)) as object).filter((k) => k !== 'default'));

/**
 * One program over the entries' sources, resolving only the workspace's own modules (a library's
 * types are not needed to list Levy's exports, and leaving them out keeps this fast).
 */
const program = (() => {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.base.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (parsed === undefined) throw new Error('tsconfig.base.json does not parse');
  const options: ts.CompilerOptions = { ...parsed.options, noLib: true, types: [] };
  const host = ts.createCompilerHost(options, true);
  host.resolveModuleNameLiterals = (literals, containing, _redirect, opts) =>
    literals.map((l) => (l.text.startsWith('.') || l.text.startsWith('@levy/') ? ts.resolveModuleName(l.text, containing, opts, host) : { resolvedModule: undefined }));
  return ts.createProgram({ rootNames: entries.map((e) => e.file), options, host });
})();
const checker = program.getTypeChecker();

/** An entry's every export name, types included, and the declarations they are (`file#name` of the original declaration). */
const compiledExports = (entry: LevyEntry): { names: Set<string>; declarations: Set<string> } => {
  const sf = program.getSourceFile(entry.file);
  const module = sf === undefined ? undefined : checker.getSymbolAtLocation(sf);
  if (module === undefined) throw new Error(`${entry.spec}: ${relative(root, entry.file)} is not a module`);
  const names = new Set<string>();
  const declarations = new Set<string>();
  for (const s of checker.getExportsOfModule(module)) {
    names.add(s.name);
    const original = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    for (const d of original.declarations ?? []) declarations.add(`${d.getSourceFile().fileName}#${original.name}`);
  }
  return { names, declarations };
};

interface EntryExports {
  readonly entry: LevyEntry;
  readonly values: Set<string>;
  readonly names: Set<string>;
  readonly declarations: Set<string>;
}
const exportsOf = new Map<string, EntryExports>(
  await Promise.all(entries.map(async (entry) => [entry.spec, { entry, values: await valuesOf(entry), ...compiledExports(entry) }] as const)),
);
const core = exportsOf.get(CORE)!;

// ---- the examples -------------------------------------------------------------------------------

/** The names a top-level statement declares (an export list's names for `export { ... }`). */
const declaredBy = (s: ts.Statement): string[] => {
  if (ts.isVariableStatement(s)) return s.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  if (ts.isExportDeclaration(s)) return s.exportClause !== undefined && ts.isNamedExports(s.exportClause) ? s.exportClause.elements.map((e) => (e.propertyName ?? e.name).text) : [];
  const name = (s as { name?: ts.Node }).name;
  return name !== undefined && ts.isIdentifier(name) ? [name.text] : [];
};

/** A JSDoc example, with what it may use besides its own names and the globals, and why. */
interface JsDocExample extends Example {
  /** the entries that publish the documented declaration (or, for a module comment, the entry file itself) */
  readonly publishedBy: readonly string[];
  /** the names it may call: the publishing entries' and core's values, or for an unpublished declaration its package's every name */
  readonly allowed: ReadonlySet<string>;
}

const sourcesOf = (pkg: string): string[] => walk(join(root, 'packages', pkg, 'src'));
const sourceFile = (file: string): ts.SourceFile => program.getSourceFile(file) ?? ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);

const jsdocExamples = (): JsDocExample[] =>
  packageNames().flatMap((pkg) => {
    const files = sourcesOf(pkg).map(sourceFile);
    const own = [...exportsOf.values()].filter((x) => x.entry.pkg === pkg);
    // every name the package's modules declare at top level, published or not
    const everyName = new Set([...own.flatMap((x) => [...x.values]), ...core.values, ...files.flatMap((sf) => sf.statements.flatMap(declaredBy))]);
    return files.flatMap((sf) =>
      docComments(sf).flatMap((c) => {
        // a module's own comment (its first, or one marked @packageDocumentation) is published by the
        // entry the module is, or else by the entries that publish any of its declarations; a
        // declaration's, by the entries that publish it (an entry's `export { ... }` list: that entry)
        const owner = c.owner;
        const moduleComment = owner === undefined || ts.isImportDeclaration(owner) || c.text.includes('@packageDocumentation');
        const entryHere = own.filter((x) => x.entry.file === sf.fileName);
        const published = moduleComment
          ? entryHere.length > 0
            ? entryHere
            : own.filter((x) => [...x.declarations].some((d) => d.startsWith(`${sf.fileName}#`)))
          : own.filter((x) => declaredBy(owner).some((name) => x.declarations.has(`${sf.fileName}#${name}`)) || (ts.isExportDeclaration(owner) && x.entry.file === sf.fileName));
        const publishedBy = published.map((x) => x.entry.spec);
        const allowed = publishedBy.length > 0 ? new Set([...publishedBy.flatMap((spec) => [...exportsOf.get(spec)!.values]), ...core.values]) : everyName;
        return examplesInComment(relative(root, sf.fileName), c.text, c.line).map((e) => ({ ...e, publishedBy, allowed }));
      }),
    );
  });

const docFiles = (): string[] => [...walk(join(root, 'docs'), '.md'), join(root, 'README.md')];
const docExamples = (): Example[] => docFiles().flatMap((file) => fencedExamples(relative(root, file), readFileSync(file, 'utf8')));

// ---- the checks -----------------------------------------------------------------------------------

/** Check A: what examples import from a Levy entry, that the entry does not export (or not as imported). */
const importFailures = (examples: readonly Example[]): string[] =>
  examples.flatMap((e) =>
    importsOf(parseExample(e), e.line).flatMap(({ spec, name, typeOnly, line }) => {
      if (!spec.startsWith('@levy/')) return [];
      const where = `${e.file}:${line}`;
      const x = exportsOf.get(spec);
      if (x === undefined) return [`${where}: imports ${name} from ${spec}, which is not a Levy entry (${[...bySpec.keys()].join(', ')})`];
      if (typeOnly ? x.names.has(name) : x.values.has(name)) return [];
      if (!typeOnly && x.names.has(name)) return [`${where}: imports ${name} from ${spec} as a value, but it is a type (import it with \`type\`)`];
      const elsewhere = [...exportsOf.values()].filter((y) => (typeOnly ? y.names : y.values).has(name)).map((y) => y.entry.spec);
      return [`${where}: imports ${name} from ${spec}, which does not export it${elsewhere.length > 0 ? ` (${elsewhere.join(', ')} does)` : ''}`];
    }),
  );

const usedPlaceholders = new Set<string>();

/** Check B: names examples call that nothing binds, each example with the names it may use besides its own. */
const nameFailures = (examples: readonly (Example & { readonly allowed: ReadonlySet<string>; readonly context?: ReadonlySet<string> })[]): string[] =>
  examples.flatMap((e) => {
    const sf = parseExample(e);
    const own = declaredIn(sf);
    return usedNames(sf, e.line).flatMap(({ name, line, how }) => {
      if (own.has(name) || GLOBALS.has(name) || e.allowed.has(name) || e.context?.has(name) === true) return [];
      if (Object.hasOwn(PLACEHOLDERS, name)) {
        usedPlaceholders.add(name);
        return [];
      }
      const elsewhere = [...exportsOf.values()].filter((y) => y.values.has(name)).map((y) => y.entry.spec);
      const what = how === 'called' ? 'calls' : how === 'constructed' ? 'constructs' : 'calls a member of';
      return [`${e.file}:${line}: ${what} ${name}, which ${elsewhere.length > 0 ? `is not imported (it is exported by ${elsewhere.join(', ')})` : 'no Levy entry exports and the example does not declare'}`];
    });
  });

/**
 * The doc examples, each with what the other blocks of its doc declare or import: a doc's blocks
 * build on one another (its first block usually imports what the page shows), but a name a doc
 * calls must be imported in it somewhere, so a reader can tell where it comes from.
 */
const withDocContext = (examples: readonly Example[]): (Example & { allowed: ReadonlySet<string>; context: ReadonlySet<string> })[] => {
  const byFile = new Map<string, Set<string>>();
  for (const e of examples) byFile.set(e.file, new Set([...(byFile.get(e.file) ?? []), ...declaredIn(parseExample(e))]));
  return examples.map((e) => ({ ...e, allowed: new Set<string>(), context: byFile.get(e.file)! }));
};

describe('code examples', () => {
  const jsdoc = jsdocExamples();
  const docs = docExamples();

  it('finds the entries, their exports and the examples it checks', () => {
    expect([...bySpec.keys()].sort()).toEqual(['@levy/core', '@levy/core/engine', '@levy/projections', '@levy/store-sqlite', '@levy/testkit', '@levy/testkit/conformance']);
    // every runtime export is among the compiler's, and the compiler sees the types besides
    for (const x of exportsOf.values()) {
      expect([...x.values].filter((v) => !x.names.has(v)), x.entry.spec).toEqual([]);
      expect(x.values.size, x.entry.spec).toBeGreaterThan(0);
    }
    expect(core.names.has('EventStore') && !core.values.has('EventStore')).toBe(true);
    // about 320 JSDoc examples and 50 doc blocks today; every `@example` of a JSDoc comment is read
    expect(jsdoc.length).toBeGreaterThan(250);
    expect(docs.length).toBeGreaterThan(40);
    const tags = packageNames()
      .flatMap(sourcesOf)
      .flatMap((file) => docComments(sourceFile(file)).flatMap((c) => [...c.text.matchAll(/(^|\s)@example\b/g)]));
    expect(jsdoc.length).toBe(tags.length);
  });

  it('imports from each Levy entry only what it exports, values as values', () => {
    expect(importFailures([...jsdoc, ...docs])).toEqual([]);
  });

  it('calls only what the example declares or imports, its entry or @levy/core exports, a global, or a listed placeholder', () => {
    expect([...nameFailures(jsdoc), ...nameFailures(withDocContext(docs))]).toEqual([]);
    expect(Object.keys(PLACEHOLDERS).filter((name) => !usedPlaceholders.has(name)), 'placeholders no example uses').toEqual([]);
  });

  it('sees a wrong example (the checks can fail)', () => {
    const example = (text: string): Example => ({ file: 'x.ts', line: 10, text });
    const inCore = (text: string) => ({ ...example(text), allowed: core.values });
    // A: a name an entry does not export, a type imported as a value, a missing entry; a right import passes
    expect(importFailures([example("import { Money, balanceFromEvents } from '@levy/core';")])).toEqual(['x.ts:10: imports balanceFromEvents from @levy/core, which does not export it']);
    expect(importFailures([example("import {\n  type EventStore,\n  EventStore as S,\n} from '@levy/core';")])).toEqual(['x.ts:12: imports EventStore from @levy/core as a value, but it is a type (import it with `type`)']);
    expect(importFailures([example("import { checkAppend } from '@levy/core';")])).toEqual(['x.ts:10: imports checkAppend from @levy/core, which does not export it (@levy/core/engine does)']);
    expect(importFailures([example("const { Money } = require('@levy/money');")])).toEqual([expect.stringMatching(/^x\.ts:10: imports Money from @levy\/money, which is not a Levy entry/)]);
    expect(importFailures([example("import type { EventStore } from '@levy/core';\nimport { checkAppend } from '@levy/core/engine';")])).toEqual([]);
    // B: a name nothing binds, called, constructed or as a namespace; one from another entry, not imported
    expect(nameFailures([inCore('const b = balanceFromEvents(events);\nnew Ledger();\nLedger.open();')])).toEqual([
      'x.ts:10: calls balanceFromEvents, which no Levy entry exports and the example does not declare',
      'x.ts:11: constructs Ledger, which no Levy entry exports and the example does not declare',
      'x.ts:12: calls a member of Ledger, which no Levy entry exports and the example does not declare',
    ]);
    expect(nameFailures([inCore('trialBalance(journal);')])).toEqual(['x.ts:10: calls trialBalance, which is not imported (it is exported by @levy/projections)']);
    // and what an example declares, imports or takes as a parameter, globals, methods and strings pass
    expect(
      nameFailures([
        inCore(
          "import { trialBalance } from '@levy/projections';\nimport * as E from 'fp-ts/lib/Either.js';\nconst f = (g) => g(1);\nfunction h() {}\nconst { k } = x;\nh(); k(); f(Number); E.isLeft(r); trialBalance(j).sum.toString();\nMoney.of('1.00'); console.log(JSON.stringify(x)); 'nothing(here)'; // nor(here)",
        ),
      ]),
    ).toEqual([]);
  });
});
