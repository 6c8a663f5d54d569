// One walk from ts.Type to JSON Schema: the order of the checks (notes/closures.md, Appendix B),
// and recursion through `$defs`. Every union, intersection and object type is walked once per
// walk and keyed by identity; meeting one again while it is still being walked makes it a
// `$defs` entry referenced by `$ref`.
import type * as ts from "typescript";
import type { JsonSchema, SchemaContext, SchemaIssue } from "../schema.js";
import { builtinOf, type Builtin } from "./builtins.js";
import { IssueLog } from "./issues.js";
import { lostClassMembers, objectSchema } from "./objects.js";
import { classOf, hasBrand } from "./types.js";

interface Visit {
  /** Set when the type turned out to be recursive: its schema lives in `$defs` under this name. */
  def?: string;
  /** Set once the walk of the type is done. */
  schema?: JsonSchema;
}

const UNDEFINED: JsonSchema = { sc: "undefined" };

/** Walks types of one program into schemas sharing one set of `$defs`. */
export class SchemaWalker {
  private readonly log = new IssueLog();
  private readonly visits = new Map<ts.Type, Visit>();
  private readonly defs: Record<string, JsonSchema> = {};

  constructor(private readonly ctx: SchemaContext) {}

  /** The schema of `type`, a part of the value at `path` ("" for the value itself). */
  walk(type: ts.Type, path: string): JsonSchema {
    const F = this.ctx.ts.TypeFlags;
    const f = type.flags;
    if (f & (F.Any | F.Unknown)) return this.unchecked(`type \`${f & F.Any ? "any" : "unknown"}\` is not checked on arrival`, path);
    if (f & (F.TemplateLiteral | F.StringMapping)) return { type: "string" };
    if (f & F.Instantiable) return this.constrained(type, path);
    if (f & (F.StringLiteral | F.NumberLiteral)) return { const: (type as ts.LiteralType).value };
    if (f & F.BooleanLiteral) return { const: this.isTrue(type) };
    if (f & F.String) return { type: "string" };
    if (f & F.Number) return { type: "number" };
    if (f & F.Boolean) return { type: "boolean" };
    if (f & F.BigIntLike) return { sc: "bigint" };
    if (f & (F.Undefined | F.Void)) return UNDEFINED;
    if (f & F.Null) return { type: "null" };
    if (f & F.ESSymbolLike) return this.reject("a symbol cannot cross a process boundary", path);
    if (f & F.Never) return false;
    if (f & F.NonPrimitive) return { type: ["object", "array"] };
    if (f & F.Union) return this.once(type, () => this.union((type as ts.UnionType).types, path));
    if (f & F.Intersection) return this.once(type, () => this.intersection(type as ts.IntersectionType, path));
    if (f & F.Object) return this.once(type, () => this.object(type, path));
    return this.unchecked(`type \`${this.text(type)}\` is not checked on arrival`, path);
  }

  /** `schema` with the `$defs` of everything walked so far attached (for a root schema). */
  withDefs(schema: JsonSchema): JsonSchema {
    // A boolean root (`never`) has nothing inside it, so it has no `$defs`.
    if (typeof schema === "boolean" || Object.keys(this.defs).length === 0) return schema;
    return { ...schema, $defs: { ...this.defs } };
  }

  /** The issues found since the last call. */
  takeIssues(): SchemaIssue[] {
    return this.log.take();
  }

  /** Walks `type` unless this walk already did; a type met again inside itself becomes a `$ref`. */
  private once(type: ts.Type, build: () => JsonSchema): JsonSchema {
    const visit = this.visits.get(type);
    if (visit) {
      if (visit.schema !== undefined && visit.def === undefined) return visit.schema;
      visit.def ??= this.defName(type);
      return { $ref: `#/$defs/${visit.def}` };
    }
    const started: Visit = {};
    this.visits.set(type, started);
    const schema = build();
    started.schema = schema;
    if (started.def === undefined) return schema;
    this.defs[started.def] = schema;
    return { $ref: `#/$defs/${started.def}` };
  }

  private defName(type: ts.Type): string {
    const named = type.aliasSymbol?.name ?? type.getSymbol()?.name ?? "";
    const base = /^[A-Za-z]\w*$/.test(named) ? named : "Type";
    let name = base;
    for (let n = 2; name in this.defs || [...this.visits.values()].some((v) => v.def === name); n++) name = `${base}${n}`;
    return name;
  }

  /** A type parameter (or a type computed from one) is checked against its constraint. */
  private constrained(type: ts.Type, path: string): JsonSchema {
    const constraint = this.ctx.checker.getBaseConstraintOfType(type);
    const what = type.flags & this.ctx.ts.TypeFlags.TypeParameter ? `type parameter ${this.text(type)}` : `type \`${this.text(type)}\``;
    if (!constraint || constraint === type || constraint.flags & (this.ctx.ts.TypeFlags.Any | this.ctx.ts.TypeFlags.Unknown)) {
      return this.unchecked(`${what} has no constraint: any value is accepted (not checked on arrival)`, path);
    }
    this.log.add("warning", path, `${what}: checked against its constraint \`${this.text(constraint)}\``);
    return this.walk(constraint, path);
  }

  /** A union's members (literals gathered into one `enum`) as `anyOf`. */
  private union(members: readonly ts.Type[], path: string): JsonSchema {
    const F = this.ctx.ts.TypeFlags;
    const literals: unknown[] = [];
    const schemas: JsonSchema[] = [];
    for (const member of members) {
      if (member.flags & (F.StringLiteral | F.NumberLiteral)) literals.push((member as ts.LiteralType).value);
      else if (member.flags & F.BooleanLiteral) literals.push(this.isTrue(member));
      else schemas.push(this.walk(member, path));
    }
    if (literals.includes(true) && literals.includes(false)) {
      schemas.unshift({ type: "boolean" });
      literals.splice(0, literals.length, ...literals.filter((l) => typeof l !== "boolean"));
    }
    if (literals.length === 1) schemas.unshift({ const: literals[0] });
    if (literals.length > 1) schemas.unshift({ enum: literals });
    return schemas.length === 1 ? schemas[0]! : { anyOf: schemas };
  }

  /** Brands (`Pid`, closures) and branded primitives; otherwise the members merged or combined. */
  private intersection(type: ts.IntersectionType, path: string): JsonSchema {
    if (hasBrand(this.ctx, type, "__pid")) return { pid: true };
    if (hasBrand(this.ctx, type, "__closure")) return { closure: true };
    const F = this.ctx.ts.TypeFlags;
    const primitive = F.StringLike | F.NumberLike | F.BigIntLike | F.BooleanLike | F.EnumLike | F.ESSymbolLike | F.VoidLike | F.Null;
    const primitives = type.types.filter((t) => t.flags & primitive);
    const parts = primitives.length > 0 ? primitives : type.types;
    if (primitives.length === 0 && parts.every((t) => this.isStructural(t))) return this.object(type, path);
    return parts.length === 1 ? this.walk(parts[0]!, path) : { allOf: parts.map((t) => this.walk(t, path)) };
  }

  private object(type: ts.Type, path: string): JsonSchema {
    const { checker, ts: tsi } = this.ctx;
    if (hasBrand(this.ctx, type, "__closure")) return { closure: true };
    const builtin = builtinOf(this.ctx, type);
    if (builtin) return this.builtin(builtin, path);
    if (checker.isTupleType(type)) return this.tuple(type as ts.TypeReference, path);
    if (checker.isArrayType(type)) {
      return { type: "array", items: this.walk(checker.getTypeArguments(type as ts.TypeReference)[0]!, `${path}[i]`) };
    }
    if (checker.getSignaturesOfType(type, tsi.SignatureKind.Call).length > 0 || checker.getSignaturesOfType(type, tsi.SignatureKind.Construct).length > 0) {
      return this.reject(`a function (${this.text(type)}) is not serializable: wrap it in Fn(...) or declare it at module level, above the \`init()\` call`, path);
    }
    const then = checker.getPropertyOfType(type, "then");
    if (then && checker.getSignaturesOfType(checker.getTypeOfSymbol(then), tsi.SignatureKind.Call).length > 0) {
      return this.reject("a Promise or other thenable cannot cross a process boundary (await it first)", path);
    }
    const cls = classOf(this.ctx, type);
    if (cls) {
      const lost = lostClassMembers(this.ctx, type);
      if (lost.length > 0) return this.reject(`an instance of class ${cls.name} has ${lost.join(" and ")}; it would arrive as a plain object`, path);
      this.log.add("warning", path, `an instance of class ${cls.name} arrives as a plain object (its class is not sent)`);
    }
    return objectSchema(this.ctx, type, path, (t, p) => this.walk(t, p), (members, p) => this.union(members, p));
  }

  private builtin(builtin: Builtin, path: string): JsonSchema {
    switch (builtin.kind) {
      case "instance": return { sc: builtin.name };
      case "map": return { mapOf: { keys: this.walk(builtin.key, `${path}<key>`), values: this.walk(builtin.value, `${path}<value>`) } };
      case "set": return { setOf: this.walk(builtin.element, `${path}<element>`) };
      case "function": return this.reject("a function (Function) is not serializable: wrap it in Fn(...) or declare it at module level, above the `init()` call", path);
      case "unclonable": return this.reject(builtin.message, path);
    }
  }

  /** Fixed elements in `prefixItems`; a trailing rest element in `items`; any other rest loosely. */
  private tuple(type: ts.TypeReference, path: string): JsonSchema {
    const E = this.ctx.ts.ElementFlags;
    const target = type.target as ts.TupleType;
    const elements = this.ctx.checker.getTypeArguments(type);
    const flags = target.elementFlags;
    const variable = flags.findIndex((f) => f & E.Variable);
    const fixed = (count: number) => elements.slice(0, count).map((t, i) => this.walk(t, `${path}[${i}]`));
    if (variable === -1) {
      return { type: "array", minItems: target.minLength, maxItems: elements.length, prefixItems: fixed(elements.length) };
    }
    if (variable === elements.length - 1 && flags[variable]! & E.Rest) {
      const rest = this.walk(elements[variable]!, `${path}[i]`);
      return variable === 0 ? { type: "array", items: rest } : { type: "array", minItems: target.minLength, prefixItems: fixed(variable), items: rest };
    }
    // A rest in the middle (`[...string[], number]`): every element is one of the element types.
    // (A variadic `...T` of a generic tuple adds no element type of its own.)
    const members = elements.filter((_, i) => !(flags[i]! & E.Variadic));
    return { type: "array", minItems: target.minLength, items: this.union(members, `${path}[i]`) };
  }

  /** Whether an intersection member can be merged into one object schema with the others. */
  private isStructural(type: ts.Type): boolean {
    const { checker } = this.ctx;
    return (type.flags & this.ctx.ts.TypeFlags.Object) !== 0 && !checker.isArrayType(type) && !checker.isTupleType(type)
      && !classOf(this.ctx, type) && !builtinOf(this.ctx, type);
  }

  private unchecked(message: string, path: string): JsonSchema {
    this.log.add("warning", path, message);
    return {};
  }

  private reject(message: string, path: string): JsonSchema {
    this.log.add("error", path, message);
    return {};
  }

  private isTrue(type: ts.Type): boolean {
    return this.text(type) === "true";
  }

  private text(type: ts.Type): string {
    return this.ctx.checker.typeToString(type, undefined, this.ctx.ts.TypeFormatFlags.NoTruncation);
  }
}
