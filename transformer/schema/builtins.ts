// The default library's classes, which structured clone treats specially: some arrive as
// themselves (Date, Map, typed arrays, …: checked by the `sc`/`mapOf`/`setOf` keywords), some
// cannot be cloned at all (Promise, Weak*, …). A user class or interface that extends one (a
// Buffer is a Uint8Array, a custom error is an Error) is cloned as that library class.
import type * as ts from "typescript";
import type { SchemaContext } from "../schema.js";
import { isDefaultLib } from "./types.js";

/** The names the `sc` keyword checks with `instanceof` (plus "undefined", "bigint", "plainObject"). */
export const TYPED_ARRAYS = [
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
  "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
] as const;
const INSTANCES = new Set<string>(["Date", "RegExp", "ArrayBuffer", "DataView", ...TYPED_ARRAYS]);
const ERRORS = new Set(["Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError", "AggregateError"]);
const MAPS = new Set(["Map", "ReadonlyMap"]);
const SETS = new Set(["Set", "ReadonlySet"]);
const FUNCTIONS = new Set(["Function", "CallableFunction", "NewableFunction"]);
const UNCLONABLE: ReadonlyMap<string, string> = new Map([
  ["Promise", "a Promise cannot cross a process boundary (await it first)"],
  ["PromiseLike", "a Promise cannot cross a process boundary (await it first)"],
  ["WeakMap", "a WeakMap cannot cross a process boundary: it holds its keys only by identity"],
  ["WeakSet", "a WeakSet cannot cross a process boundary: it holds its values only by identity"],
  ["WeakRef", "a WeakRef cannot cross a process boundary: it refers to an object only by identity"],
  ["FinalizationRegistry", "a FinalizationRegistry cannot cross a process boundary"],
  ["SharedArrayBuffer", "a SharedArrayBuffer cannot cross a process boundary: copy it into an ArrayBuffer"],
]);

/** How a default-library class crosses a process boundary. */
export type Builtin =
  | { readonly kind: "instance"; readonly name: string }
  | { readonly kind: "map"; readonly key: ts.Type; readonly value: ts.Type }
  | { readonly kind: "set"; readonly element: ts.Type }
  | { readonly kind: "function" }
  | { readonly kind: "unclonable"; readonly message: string };

/** The default-library class `type` is (or extends), if it is one structured clone knows. */
export function builtinOf(ctx: SchemaContext, type: ts.Type): Builtin | undefined {
  const symbol = type.getSymbol();
  if (symbol && isDefaultLib(ctx, symbol)) {
    const found = classify(ctx, symbol.name, type);
    if (found) return found;
  }
  for (const base of baseTypes(ctx, type)) {
    const found = builtinOf(ctx, base);
    if (found) return found;
  }
  return undefined;
}

function classify(ctx: SchemaContext, name: string, type: ts.Type): Builtin | undefined {
  if (INSTANCES.has(name)) return { kind: "instance", name };
  if (ERRORS.has(name)) return { kind: "instance", name: "Error" };
  if (FUNCTIONS.has(name)) return { kind: "function" };
  const message = UNCLONABLE.get(name);
  if (message) return { kind: "unclonable", message };
  if (!MAPS.has(name) && !SETS.has(name)) return undefined;
  const isReference = type.flags & ctx.ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ctx.ts.ObjectFlags.Reference;
  const args = isReference ? ctx.checker.getTypeArguments(type as ts.TypeReference) : [];
  if (MAPS.has(name) && args.length === 2) return { kind: "map", key: args[0]!, value: args[1]! };
  if (SETS.has(name) && args.length === 1) return { kind: "set", element: args[0]! };
  return undefined;
}

/** The classes and interfaces `type` extends (instantiated as `type` extends them). */
function baseTypes(ctx: SchemaContext, type: ts.Type): readonly ts.Type[] {
  const O = ctx.ts.ObjectFlags;
  if (!(type.flags & ctx.ts.TypeFlags.Object)) return [];
  const objectFlags = (type as ts.ObjectType).objectFlags;
  const declared = objectFlags & O.Reference ? (type as ts.TypeReference).target : type;
  if (!((declared as ts.ObjectType).objectFlags & O.ClassOrInterface)) return [];
  return ctx.checker.getBaseTypes(declared as ts.InterfaceType);
}
