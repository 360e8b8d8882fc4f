/**
 * A codec's `is`, compiled once into plain JavaScript (internal to @levy/core).
 *
 * io-ts checks an object by looping over its property names and reading `u[key]` with a different
 * key on each turn. V8 cannot cache such a read by shape, so each one takes its slow, generic path,
 * and a payment event has a few dozen of them. {@link compileIs} walks the codec's structure once
 * and writes a function that reads every property by its name (`u["amount"]`). V8 then caches each
 * read by the object's shape. The compiled function gives exactly what `codec.is` gives:
 * - it uses the same tests for strings, numbers, booleans, null, literals, `keyof`, arrays,
 *   objects (required and partial), intersections, unions, exact and readonly types;
 * - it calls the codec's own predicate for a brand or refinement;
 * - it calls the codec's own `is` for anything else (records, recursion, custom types).
 * A property test over generated events, valid and broken, checks the two against each other.
 *
 * The code is generated from the codec definitions only, never from input. Where a platform forbids
 * `new Function` (a content security policy), the codec's own `is` is used instead.
 */
import type * as t from 'io-ts';

/** The parts of an io-ts codec the compiler reads (io-ts sets `_tag` on every built-in kind). */
interface CodecNode {
  readonly _tag?: string;
  readonly is: (u: unknown) => boolean;
  readonly type?: CodecNode;
  readonly types?: readonly CodecNode[];
  readonly props?: Readonly<Record<string, CodecNode>>;
  readonly predicate?: (u: unknown) => boolean;
  readonly keys?: Readonly<Record<string, unknown>>;
  readonly value?: unknown;
}

/** Kinds whose checks become one function of their own: they test several values or properties. */
const OWN_FUNCTION: ReadonlySet<string> = new Set(['InterfaceType', 'PartialType', 'IntersectionType', 'ArrayType', 'ReadonlyArrayType']);

const isObjectKind = (node: CodecNode): boolean => node._tag === 'InterfaceType' || node._tag === 'PartialType';

class Compiler {
  /** values the generated code refers to: `r[i]` */
  readonly refs: unknown[] = [];
  readonly functions: string[] = [];
  private readonly names = new Map<CodecNode, string>();

  ref(value: unknown): string {
    this.refs.push(value);
    return `r[${this.refs.length - 1}]`;
  }

  /** A JavaScript expression that is true when the value in variable `v` passes `node`. */
  expr(node: CodecNode, v: string): string {
    switch (node._tag) {
      case 'StringType':
        return `typeof ${v} === "string"`;
      case 'NumberType':
        return `typeof ${v} === "number"`;
      case 'BooleanType':
        return `typeof ${v} === "boolean"`;
      case 'NullType':
        return `${v} === null`;
      case 'LiteralType': {
        const value = node.value;
        // a literal is compared with ===, so only values with an exact source form are written in
        if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0))) {
          return `${v} === ${JSON.stringify(value)}`;
        }
        return `${this.ref(node.value)} === ${v}`;
      }
      case 'KeyofType':
        return `(typeof ${v} === "string" && h.call(${this.ref(node.keys)}, ${v}))`;
      case 'RefinementType':
        if (node.type === undefined || node.predicate === undefined) break;
        return `(${this.expr(node.type, v)} && ${this.ref(node.predicate)}(${v}))`;
      case 'ExactType':
      case 'ReadonlyType':
        if (node.type === undefined) break;
        return this.expr(node.type, v);
      case 'UnionType':
        if (node.types === undefined || node.types.length === 0) break;
        return `(${node.types.map((m) => `(${this.expr(m, v)})`).join(' || ')})`;
      default:
        if (node._tag !== undefined && OWN_FUNCTION.has(node._tag)) return `${this.functionFor(node)}(${v})`;
    }
    // records, recursion, custom codecs: their own `is`, called as io-ts calls it
    return `${this.ref(node.is.bind(node))}(${v})`;
  }

  /** The name of a generated function that checks `node` (written once per codec). */
  private functionFor(node: CodecNode): string {
    const known = this.names.get(node);
    if (known !== undefined) return known;
    const name = `f${this.names.size}`;
    this.names.set(node, name);
    const body = node._tag === 'ArrayType' || node._tag === 'ReadonlyArrayType' ? this.arrayBody(node) : this.objectBody(node);
    this.functions.push(`function ${name}(u) {\n${body.join('\n')}\n}`);
    return name;
  }

  // io-ts: UnknownArray.is(u) && u.every(item.is); `every` skips the holes of a sparse array
  private arrayBody(node: CodecNode): string[] {
    if (node.type === undefined) return [`return ${this.ref(node.is.bind(node))}(u);`];
    return [
      'if (!Array.isArray(u)) return false;',
      'for (var i = 0; i < u.length; i++) {',
      '  var x = u[i];',
      '  if (x === undefined && !(i in u)) continue;',
      `  if (!(${this.expr(node.type, 'x')})) return false;`,
      '}',
      'return true;',
    ];
  }

  // io-ts: an interface, a partial or an intersection of them first asks UnknownRecord.is(u)
  // (not null, an object, not an array); an intersection is every member's `is` on the same value
  private objectBody(node: CodecNode): string[] {
    const members = node._tag === 'IntersectionType' ? (node.types ?? []) : [node];
    // the record test once, where an object member asks for it (an intersection of, say, two
    // string refinements asks for none)
    const lines = members.some(isObjectKind) ? ['if (u === null || typeof u !== "object" || Array.isArray(u)) return false;', 'var v;'] : ['var v;'];
    for (const member of members) {
      if (!isObjectKind(member) || member.props === undefined) {
        lines.push(`if (!(${this.expr(member, 'u')})) return false;`);
        continue;
      }
      for (const key of Object.keys(member.props)) {
        const k = JSON.stringify(key);
        const check = this.expr(member.props[key]!, 'v');
        lines.push(`v = u[${k}];`);
        // a required property must be present (undefined only as an own property); a partial one may be absent
        lines.push(member._tag === 'InterfaceType' ? `if ((v === undefined && !h.call(u, ${k})) || !(${check})) return false;` : `if (v !== undefined && !(${check})) return false;`);
      }
    }
    lines.push('return true;');
    return lines;
  }
}

/**
 * A function that answers what `codec.is` answers, compiled for speed. Internal: `isLevyEvent`
 * uses it for the event data and envelope codecs.
 *
 * @example
 * const isMeta = compileIs(EventMeta);
 * isMeta(event.meta) === EventMeta.is(event.meta); // always
 */
export const compileIs = <A>(codec: { readonly is: t.Is<A> }): ((u: unknown) => u is A) => {
  try {
    const compiler = new Compiler();
    const entry = compiler.expr(codec as unknown as CodecNode, 'u');
    const source = `"use strict";\nvar h = Object.prototype.hasOwnProperty;\n${compiler.functions.join('\n')}\nreturn function (u) { return ${entry}; };`;
    return new Function('r', source)(compiler.refs) as (u: unknown) => u is A;
  } catch {
    return (u: unknown): u is A => codec.is(u);
  }
};
