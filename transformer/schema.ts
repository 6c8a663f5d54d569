// The TypeScript type → JSON Schema step of the transformer (SPEC §3, docs/design.md §1): the
// schema of a channel's element type or of a closure's env, in JSON Schema 2020-12 plus the
// structured-clone vocabulary that validators.ts compiles (sc, mapOf, setOf, closure, pid).
import type * as ts from "typescript";
import { admitsUndefined } from "./schema/types.js";
import { SchemaWalker } from "./schema/walker.js";

/** What the walker reads types with. `ts` is the compiler instance that made the program. */
export interface SchemaContext {
  ts: typeof import("typescript");
  checker: ts.TypeChecker;
  program: ts.Program;
}

/**
 * Why (part of) a type cannot be checked, or cannot cross a process boundary at all. It has no
 * location: the caller knows where the type came from and prefixes, e.g., "cannot capture `x`: ".
 * A problem inside the value names its path first ("at .items[i].cb: …").
 */
export interface SchemaIssue {
  severity: "error" | "warning";
  message: string;
}

/** A JSON Schema (2020-12, with the structured-clone keywords of validators.ts). */
export type JsonSchema = Record<string, unknown> | boolean;

/**
 * The schema a value of `type` must match when it arrives in another process, with the reasons
 * it cannot be (fully) checked. Recursive types are shared through `$defs` at the root.
 *
 * @example
 * ```ts
 * const { schema, issues } = schemaOf({ ts, checker, program }, checker.getTypeAtLocation(node));
 * // e.g. { type: "object", sc: "plainObject", properties: { x: { type: "number" } }, required: ["x"] }
 * ```
 */
export function schemaOf(ctx: SchemaContext, type: ts.Type): { schema: JsonSchema; issues: SchemaIssue[] } {
  const walker = new SchemaWalker(ctx);
  const schema = walker.walk(type, "");
  return { schema: walker.withDefs(schema), issues: walker.takeIssues() };
}

/**
 * The schema of a closure's env object `{ [name]: value }`: one property per captured variable,
 * required unless its type admits `undefined` (a captured `undefined` must pass), with the
 * `$defs` of all of them at the root. Each issue names the capture it belongs to.
 *
 * @example
 * ```ts
 * const env = envSchema(ctx, [{ name: "x", type: numberType }, { name: "left", type: pidType }]);
 * // env.schema: { type: "object", properties: { x: { type: "number" }, left: { pid: true } }, required: ["x", "left"] }
 * ```
 */
export function envSchema(
  ctx: SchemaContext,
  captures: readonly { name: string; type: ts.Type }[],
): { schema: JsonSchema; issues: (SchemaIssue & { name: string })[] } {
  const walker = new SchemaWalker(ctx);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const issues: (SchemaIssue & { name: string })[] = [];
  for (const { name, type } of captures) {
    properties[name] = walker.walk(type, "");
    if (!admitsUndefined(ctx, type)) required.push(name);
    issues.push(...walker.takeIssues().map((issue) => ({ ...issue, name })));
  }
  return { schema: walker.withDefs({ type: "object", properties, required }), issues };
}
