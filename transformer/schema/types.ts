// Questions about a ts.Type that the walker asks in several places. Flags come from the
// compiler instance in the context: their values differ between TypeScript versions.
import type * as ts from "typescript";
import type { SchemaContext } from "../schema.js";

/** Whether a value of `type` may be `undefined` (so a property or capture of it is not required). */
export function admitsUndefined(ctx: SchemaContext, type: ts.Type): boolean {
  const F = ctx.ts.TypeFlags;
  if (type.flags & (F.Any | F.Unknown | F.Undefined | F.Void)) return true;
  if (type.flags & F.Union) return (type as ts.UnionType).types.some((t) => admitsUndefined(ctx, t));
  if (type.flags & F.Instantiable) {
    const constraint = ctx.checker.getBaseConstraintOfType(type);
    return constraint === undefined || constraint === type || admitsUndefined(ctx, constraint);
  }
  return false;
}

/** Whether `type` has the property `name`: how the Pid and closure brands are recognised. */
export function hasBrand(ctx: SchemaContext, type: ts.Type, name: "__pid" | "__closure"): boolean {
  return ctx.checker.getPropertyOfType(type, name) !== undefined;
}

/** The class whose instance `type` is, if it is one. */
export function classOf(ctx: SchemaContext, type: ts.Type): ts.Symbol | undefined {
  const symbol = type.getSymbol();
  return symbol && symbol.flags & ctx.ts.SymbolFlags.Class ? symbol : undefined;
}

/** Whether `symbol` is declared in TypeScript's default library (lib.*.d.ts). */
export function isDefaultLib(ctx: SchemaContext, symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((d) => ctx.program.isSourceFileDefaultLibrary(d.getSourceFile()));
}

/** A property keyed by a symbol (`[Symbol.iterator]`) or a `#private` name: never cloned. */
export function isUnclonedKey(property: ts.Symbol): boolean {
  const name = property.escapedName as string;
  return name.startsWith("__@") || name.startsWith("__#");
}

/** Whether `property` is a `#private` member. */
export function isPrivateName(property: ts.Symbol): boolean {
  return (property.escapedName as string).startsWith("__#");
}
