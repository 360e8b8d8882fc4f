// Code examples as a reader meets them, for doc-examples.test.ts: the `@example` blocks of the
// sources' JSDoc comments and the fenced TypeScript and JavaScript blocks of the Markdown docs,
// each with the line it starts on; and what an example imports, declares and calls, read from the
// example parsed as code (not matched as text, so strings and comments are never mistaken for calls).
import ts from 'typescript';

/** One example: its code, where line `i` of `text` is line `line + i` of `file`. */
export interface Example {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** A JSDoc comment of a source file: its text and the top-level statement whose leading trivia or body holds it (none at the end of a file). */
export interface DocComment {
  readonly line: number;
  readonly text: string;
  readonly owner: ts.Statement | undefined;
}

const lineOf = (sf: ts.SourceFile, pos: number): number => sf.getLineAndCharacterOfPosition(pos).line + 1;

/**
 * Every JSDoc comment (`/** ... *\/`) of a parsed source file, found as the leading comments of
 * its nodes (so a `/**` inside a string or a regular expression is not one), in file order.
 */
export const docComments = (sf: ts.SourceFile): DocComment[] => {
  const seen = new Map<number, ts.CommentRange>();
  const visit = (node: ts.Node): void => {
    for (const c of ts.getLeadingCommentRanges(sf.text, node.pos) ?? []) {
      if (c.kind === ts.SyntaxKind.MultiLineCommentTrivia && sf.text.startsWith('/**', c.pos) && !sf.text.startsWith('/**/', c.pos)) seen.set(c.pos, c);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  visit(sf.endOfFileToken);
  return [...seen.values()]
    .sort((a, b) => a.pos - b.pos)
    .map((c) => ({ line: lineOf(sf, c.pos), text: sf.text.slice(c.pos, c.end), owner: sf.statements.find((s) => s.pos <= c.pos && c.pos < s.end) }));
};

/**
 * The `@example` blocks of one JSDoc comment that starts on line `line`: each runs from its tag
 * (at the start of a line, or inline after other text, as in `/** Zero. @example Money.zero() *\/`)
 * to the next tag at the start of a line, the next `@example`, or the end of the comment.
 */
export const examplesInComment = (file: string, comment: string, line: number): Example[] => {
  const lines = comment.split('\n').map((l, i, all) => {
    let s = i === 0 ? l.replace(/^\s*\/\*\*/, '') : l.replace(/^\s*\*(?!\/) ?/, '');
    if (i === all.length - 1) s = s.replace(/\s*\*\/\s*$/, '');
    return s;
  });
  const out: Example[] = [];
  let current: { line: number; lines: string[] } | undefined;
  const close = (): void => {
    if (current === undefined) return;
    const body = [...current.lines];
    while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
    if (body.length > 0) out.push({ file, line: current.line, text: body.join('\n') });
    current = undefined;
  };
  lines.forEach((l, i) => {
    const tag = /^\s*@(\w+)/.exec(l);
    const inline = /(^|\s)@example\b/.exec(l);
    if (tag !== null || inline !== null) {
      close();
      if (tag?.[1] === 'example' || (tag === null && inline !== null)) {
        const at = l.indexOf('@example');
        current = { line: line + i, lines: [l.slice(at + '@example'.length)] };
      }
      return;
    }
    current?.lines.push(l);
  });
  close();
  return out;
};

/** The fenced ```ts, ```typescript, ```js and ```javascript blocks of a Markdown file (not ```json, ```sh, ...). */
export const fencedExamples = (file: string, markdown: string): Example[] => {
  const out: Example[] = [];
  let current: { line: number; lines: string[] } | undefined;
  markdown.split('\n').forEach((l, i) => {
    if (current === undefined) {
      if (/^\s*```(ts|typescript|js|javascript)\s*$/.test(l)) current = { line: i + 2, lines: [] };
    } else if (/^\s*```\s*$/.test(l)) {
      out.push({ file, line: current.line, text: current.lines.join('\n') });
      current = undefined;
    } else current.lines.push(l);
  });
  return out;
};

/** An example parsed as TypeScript (a JavaScript example is TypeScript too); a syntax error still leaves a tree to read. */
export const parseExample = (example: Example): ts.SourceFile => ts.createSourceFile('example.ts', example.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

/** A name an example takes from a module: `import { name as local }`, `import { type name }`, `const { name } = require(spec)`. */
export interface ImportedName {
  readonly spec: string;
  /** the name the module exports; 'default' for a default import */
  readonly name: string;
  readonly typeOnly: boolean;
  readonly line: number;
}

const bindingNames = (name: ts.BindingName): string[] =>
  ts.isIdentifier(name) ? [name.text] : name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));

const unwrap = (e: ts.Expression): ts.Expression => (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e) || ts.isAsExpression(e) ? unwrap(e.expression) : e);

/** The module a `require('x')` or `import('x')` call loads, if it is one. */
const loadedModule = (e: ts.Expression): string | undefined => {
  const call = unwrap(e);
  if (!ts.isCallExpression(call) || call.arguments.length !== 1 || !ts.isStringLiteral(call.arguments[0]!)) return undefined;
  const loads = call.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(call.expression) && call.expression.text === 'require');
  return loads ? call.arguments[0].text : undefined;
};

/** Every name an example imports by name, from any module: static imports and destructured require() or import(). */
export const importsOf = (sf: ts.SourceFile, firstLine: number): ImportedName[] => {
  const at = (n: ts.Node): number => firstLine + sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
  const out: ImportedName[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && n.importClause !== undefined) {
      const spec = n.moduleSpecifier.text;
      const clause = n.importClause;
      if (clause.name !== undefined) out.push({ spec, name: 'default', typeOnly: clause.isTypeOnly, line: at(clause.name) });
      if (clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings)) {
        for (const e of clause.namedBindings.elements) out.push({ spec, name: (e.propertyName ?? e.name).text, typeOnly: clause.isTypeOnly || e.isTypeOnly, line: at(e) });
      }
    }
    if (ts.isVariableDeclaration(n) && n.initializer !== undefined && ts.isObjectBindingPattern(n.name)) {
      const spec = loadedModule(n.initializer);
      if (spec !== undefined) {
        for (const e of n.name.elements) {
          const name = e.propertyName ?? e.name;
          if (ts.isIdentifier(name)) out.push({ spec, name: name.text, typeOnly: false, line: at(e) });
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
};

/** Every name an example binds itself: variables (destructured too), functions, classes, parameters, imports, catch variables. */
export const declaredIn = (sf: ts.SourceFile): Set<string> => {
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n)) bindingNames(n.name).forEach((name) => out.add(name));
    if ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassDeclaration(n) || ts.isClassExpression(n) || ts.isEnumDeclaration(n)) && n.name !== undefined) out.add(n.name.text);
    if ((ts.isImportClause(n) || ts.isImportSpecifier(n) || ts.isNamespaceImport(n) || ts.isImportEqualsDeclaration(n)) && n.name !== undefined) out.add(n.name.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
};

/** A name an example uses: called (`name(`), constructed (`new Name(`), or the capitalised root of a static call (`Money.of(`, `Name.a.b(`). */
export interface UsedName {
  readonly name: string;
  readonly line: number;
  readonly how: 'called' | 'constructed' | 'namespace';
}

/**
 * The names an example calls as functions, constructs, or calls a static member of (when the name
 * is capitalised, as a class or namespace is: a lower-case receiver, `store.append(`, is a value the
 * reader has, and a method of it is not an export). A method call `x.name(` names no export.
 */
export const usedNames = (sf: ts.SourceFile, firstLine: number): UsedName[] => {
  const out: UsedName[] = [];
  const at = (n: ts.Node): number => firstLine + sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
  const rootOf = (e: ts.Expression): ts.Expression => (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) ? rootOf(e.expression) : ts.isNonNullExpression(e) || ts.isParenthesizedExpression(e) ? rootOf(e.expression) : e);
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
      const callee = ts.isNonNullExpression(n.expression) ? n.expression.expression : n.expression;
      if (ts.isIdentifier(callee)) out.push({ name: callee.text, line: at(callee), how: ts.isNewExpression(n) ? 'constructed' : 'called' });
      else if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
        const root = rootOf(callee);
        if (ts.isIdentifier(root) && /^[A-Z]/.test(root.text)) out.push({ name: root.text, line: at(root), how: 'namespace' });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
};
