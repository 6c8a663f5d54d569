// Object types (type literals, interfaces, mapped types, intersections of those, data-only
// class instances) → an object schema. Structured clone sends own enumerable string-keyed
// properties and a plain prototype, so: `type: "object"` plus `sc: "plainObject"` (a Map or Date
// is an "object" too), optional properties not required, index signatures checking the other
// properties, and extra properties allowed, as structural typing allows them.
import type * as ts from "typescript";
import type { JsonSchema, SchemaContext } from "../schema.js";
import { admitsUndefined, isPrivateName, isUnclonedKey } from "./types.js";

/** Walks a part of the value: the walker's entry point, with the part's path. */
export type Walk = (type: ts.Type, path: string) => JsonSchema;
/** Walks a union of the given members (without making a ts union type). */
export type WalkUnion = (members: readonly ts.Type[], path: string) => JsonSchema;

/** What a value of a type with no members may be: anything but null and undefined. */
const NOT_NULLISH: JsonSchema = { not: { anyOf: [{ type: "null" }, { sc: "undefined" }] } };
/** Keys that a number index signature (`[i: number]: T`) covers. */
const NUMERIC_KEY = "^(?:-?(?:\\d+(?:\\.\\d+)?(?:e[+-]\\d+)?|Infinity)|NaN)$";

/** The schema of an object type's members. */
export function objectSchema(ctx: SchemaContext, type: ts.Type, path: string, walk: Walk, walkUnion: WalkUnion): JsonSchema {
  const { checker } = ctx;
  const F = ctx.ts.TypeFlags;
  const members = checker.getPropertiesOfType(type).filter((p) => !isUnclonedKey(p));
  const indexes = checker.getIndexInfosOfType(type);
  if (members.length === 0 && indexes.length === 0) return NOT_NULLISH;

  const schema: Record<string, unknown> = { type: "object", sc: "plainObject" };
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const member of members) {
    const memberType = checker.getTypeOfSymbol(member);
    const at = `${path}.${member.name}`;
    const optional = (member.flags & ctx.ts.SymbolFlags.Optional) !== 0;
    // An optional property that is present but undefined is skipped by the validator anyway.
    properties[member.name] = optional && memberType.flags & F.Union
      ? walkUnion((memberType as ts.UnionType).types.filter((t) => !(t.flags & F.Undefined)), at)
      : walk(memberType, at);
    if (!optional && !admitsUndefined(ctx, memberType)) required.push(member.name);
  }
  if (members.length > 0) schema.properties = properties;
  if (required.length > 0) schema.required = required;
  for (const index of indexes) {
    if (index.keyType.flags & F.String) schema.additionalProperties = walk(index.type, `${path}[string]`);
    else if (index.keyType.flags & F.Number) schema.patternProperties = { [NUMERIC_KEY]: walk(index.type, `${path}[number]`) };
  }
  return schema;
}

/** The members that structured clone would drop from an instance of a class (named for a message). */
export function lostClassMembers(ctx: SchemaContext, type: ts.Type): string[] {
  const S = ctx.ts.SymbolFlags;
  const members = ctx.checker.getPropertiesOfType(type);
  const names = (kind: string, keep: (m: ts.Symbol) => boolean, name: (m: ts.Symbol) => string = (m) => m.name) => {
    const found = members.filter(keep).map(name);
    return found.length === 0 ? [] : [`${kind} (${abbreviate(found)})`];
  };
  return [
    ...names("methods", (m) => (m.flags & S.Method) !== 0),
    ...names("accessors", (m) => (m.flags & S.Accessor) !== 0),
    ...names("#private members", isPrivateName, (m) => m.name.replace(/^__#\d+@/, "")),
  ];
}

function abbreviate(names: readonly string[], shown = 5): string {
  return names.length <= shown ? names.join(", ") : `${names.slice(0, shown).join(", ")} and ${names.length - shown} more`;
}
