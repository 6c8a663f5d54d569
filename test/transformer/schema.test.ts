import { describe, expect, test } from "vitest";
import { declarations, env } from "./schema-harness.js";

// One program for the whole file: each test reads the types it needs by declared name.
const d = declarations(`
import type { Pid, FnOnce, Fn } from "constellation-ts";
import * as net from "node:net";
enum Color { Red, Green } enum Dir { Up = "up", Down = "down" }
interface Point { x: number; y: number }
interface Tree { value: number; children: Tree[] }
interface Ping { next: Pong | null } interface Pong { back: Ping }
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
class Service { #secret = 1; get size() { return 1; } run() {} stop() {} }
class Counter { count = 0; label?: string }
class Failure extends Error { code = 1 }
interface Later<T> extends Promise<T> { block(): T }

declare const str: string; declare const num: number; declare const bool: boolean;
declare const lit: "on"; declare const one: 1; declare const yes: true; declare const color: Color; declare const dir: Dir;
declare const px: \`\${number}px\`; declare const upper: Uppercase<string>; declare const nul: null; declare const undef: undefined;
declare const nothing: void; declare const big: bigint; declare const ten: 10n;
declare const nums: number[]; declare const names: readonly string[]; declare const pair: [string, number];
declare const tuple: [number, string?, ...boolean[]]; declare const tail: [...string[], number];
declare const shape: { a: number; b?: string; c: number | undefined; d: unknown };
declare const dict: Record<string, number>; declare const byIndex: { [i: number]: string; name?: string };
declare const mixed: "a" | "b" | 1 | boolean | undefined; declare const maybe: string | number | null;
declare const both: { a: number } & { b: string }; declare const userId: string & { readonly __brand: "UserId" };
declare const dated: Date & { tag?: string }; declare const empty: {};
declare const when: Date; declare const re: RegExp; declare const err: Error; declare const typeErr: TypeError; declare const failure: Failure;
declare const ab: ArrayBuffer; declare const view: DataView; declare const bytes: Uint8Array; declare const bigs: BigInt64Array; declare const buf: Buffer;
declare const points: Map<string, Point>; declare const roMap: ReadonlyMap<number, string>; declare const ids: Set<number>; declare const roSet: ReadonlySet<Pid>;
declare const pid: Pid; declare const maybePid: Pid | undefined; declare const job: FnOnce<(parent: Pid) => void>; declare const jobs: Fn<(x: number) => number>[];
declare const tree: Tree; declare const forest: Map<string, Tree>; declare const json: Json; declare const ping: Ping;
declare const anything: any; declare const mystery: unknown; declare const obj: object; declare const never: never;
function generic<T, U extends { id: string }, K extends keyof U>(free: T, bound: U, id: U["id"], key: U[K]) {}

declare const fn: (n: number) => number; declare const ctor: typeof Service; declare const untyped: Function;
declare const sym: symbol; declare const promise: Promise<number>; declare const later: Later<string>; declare const thenable: { then(onDone: (v: number) => void): void };
declare const service: Service; declare const counter: Counter; declare const socket: net.Socket;
declare const weakMap: WeakMap<object, number>; declare const weakSet: WeakSet<object>; declare const weakRef: WeakRef<object>; declare const shared: SharedArrayBuffer;
declare const deep: { handlers: { onDone: () => void }[]; lookup: Map<string, Promise<number>> };
`);

const ok = (name: string) => {
  const { schema, issues } = d.schema(name);
  expect(issues, name).toEqual([]);
  return schema;
};
const issuesOf = (name: string) => d.schema(name).issues;

describe("primitives and literals", () => {
  test.each([
    ["str", { type: "string" }],
    ["num", { type: "number" }],
    ["bool", { type: "boolean" }],
    ["lit", { const: "on" }],
    ["one", { const: 1 }],
    ["yes", { const: true }],
    ["color", { enum: [0, 1] }],
    ["dir", { enum: ["up", "down"] }],
    ["px", { type: "string" }],
    ["upper", { type: "string" }],
    ["nul", { type: "null" }],
    ["undef", { sc: "undefined" }],
    ["nothing", { sc: "undefined" }],
    ["big", { sc: "bigint" }],
    ["ten", { sc: "bigint" }],
  ])("%s", (name, schema) => {
    expect(ok(name)).toEqual(schema);
  });
});

describe("arrays and tuples", () => {
  test("arrays, readonly or not", () => {
    expect(ok("nums")).toEqual({ type: "array", items: { type: "number" } });
    expect(ok("names")).toEqual({ type: "array", items: { type: "string" } });
  });
  test("a fixed tuple has exactly its elements", () => {
    expect(ok("pair")).toEqual({ type: "array", minItems: 2, maxItems: 2, prefixItems: [{ type: "string" }, { type: "number" }] });
  });
  test("optional elements may be missing or undefined; a trailing rest is `items`", () => {
    expect(ok("tuple")).toEqual({
      type: "array",
      minItems: 1,
      prefixItems: [{ type: "number" }, { anyOf: [{ sc: "undefined" }, { type: "string" }] }],
      items: { type: "boolean" },
    });
  });
  test("a leading rest checks every element against all element types", () => {
    expect(ok("tail")).toEqual({ type: "array", minItems: 1, items: { anyOf: [{ type: "string" }, { type: "number" }] } });
  });
});

describe("objects", () => {
  test("optional and undefined-admitting properties are not required; extra properties are allowed", () => {
    const schema = d.schema("shape").schema as Record<string, unknown>;
    expect(schema).toEqual({
      type: "object",
      sc: "plainObject",
      properties: { a: { type: "number" }, b: { type: "string" }, c: { anyOf: [{ sc: "undefined" }, { type: "number" }] }, d: {} },
      required: ["a"],
    });
    expect(schema).not.toHaveProperty("additionalProperties");
  });
  test("a string index signature checks the other properties", () => {
    expect(ok("dict")).toEqual({ type: "object", sc: "plainObject", additionalProperties: { type: "number" } });
  });
  test("a number index signature checks numeric keys only", () => {
    const schema = ok("byIndex") as { patternProperties: Record<string, unknown>; properties: unknown };
    expect(schema.properties).toEqual({ name: { type: "string" } });
    const [pattern] = Object.keys(schema.patternProperties);
    const re = new RegExp(pattern!, "u");
    expect(["0", "12", "-1", "1.5", "1e+21", "NaN", "Infinity"].every((k) => re.test(k))).toBe(true);
    expect(["name", "1a", ""].some((k) => re.test(k))).toBe(false);
  });
  test("`{}` accepts anything but null and undefined", () => {
    expect(ok("empty")).toEqual({ not: { anyOf: [{ type: "null" }, { sc: "undefined" }] } });
  });
});

describe("unions and intersections", () => {
  test("literals are gathered into one enum, true|false into boolean", () => {
    // Members come in the checker's order.
    const { anyOf } = ok("mixed") as { anyOf: [{ enum: unknown[] }, ...unknown[]] };
    expect(anyOf.slice(1)).toEqual([{ type: "boolean" }, { sc: "undefined" }]);
    expect(anyOf[0].enum).toHaveLength(3);
    expect(anyOf[0].enum).toEqual(expect.arrayContaining(["a", "b", 1]));
    expect(ok("maybe")).toEqual({ anyOf: [{ type: "null" }, { type: "string" }, { type: "number" }] });
  });
  test("object intersections are merged", () => {
    expect(ok("both")).toEqual({ type: "object", sc: "plainObject", properties: { a: { type: "number" }, b: { type: "string" } }, required: ["a", "b"] });
  });
  test("a branded primitive is the primitive", () => {
    expect(ok("userId")).toEqual({ type: "string" });
  });
  test("an intersection with a class instance checks each part", () => {
    expect(ok("dated")).toEqual({ allOf: [{ sc: "Date" }, { type: "object", sc: "plainObject", properties: { tag: { type: "string" } } }] });
  });
});

describe("structured-clone classes", () => {
  test.each([
    ["when", "Date"], ["re", "RegExp"], ["err", "Error"], ["typeErr", "Error"], ["failure", "Error"],
    ["ab", "ArrayBuffer"], ["view", "DataView"], ["bytes", "Uint8Array"], ["bigs", "BigInt64Array"], ["buf", "Uint8Array"],
  ])("%s is sc %s", (name, sc) => {
    expect(ok(name)).toEqual({ sc });
  });
  test("Map and Set check their entries", () => {
    expect(ok("points")).toEqual({
      mapOf: { keys: { type: "string" }, values: { type: "object", sc: "plainObject", properties: { x: { type: "number" }, y: { type: "number" } }, required: ["x", "y"] } },
    });
    expect(ok("roMap")).toEqual({ mapOf: { keys: { type: "number" }, values: { type: "string" } } });
    expect(ok("ids")).toEqual({ setOf: { type: "number" } });
    expect(ok("roSet")).toEqual({ setOf: { pid: true } });
  });
});

describe("pids and closures", () => {
  test("Pid is recognised by its brand", () => {
    expect(ok("pid")).toEqual({ pid: true });
    expect(ok("maybePid")).toEqual({ anyOf: [{ sc: "undefined" }, { pid: true }] });
  });
  test("serializable closures are checked as closures, not rejected as functions", () => {
    expect(ok("job")).toEqual({ closure: true });
    expect(ok("jobs")).toEqual({ type: "array", items: { closure: true } });
  });
});

describe("recursive types", () => {
  test("a recursive interface is a $def referenced from itself", () => {
    expect(ok("tree")).toEqual({
      $ref: "#/$defs/Tree",
      $defs: { Tree: { type: "object", sc: "plainObject", properties: { value: { type: "number" }, children: { type: "array", items: { $ref: "#/$defs/Tree" } } }, required: ["value", "children"] } },
    });
  });
  test("the $defs sit at the root even when the recursion is nested", () => {
    const schema = ok("forest") as Record<string, unknown>;
    expect(schema.mapOf).toEqual({ keys: { type: "string" }, values: { $ref: "#/$defs/Tree" } });
    expect(Object.keys(schema.$defs as object)).toEqual(["Tree"]);
  });
  test("a recursive type alias and mutually recursive interfaces", () => {
    expect(ok("json")).toMatchObject({ $ref: "#/$defs/Json", $defs: { Json: { anyOf: expect.arrayContaining([{ type: "array", items: { $ref: "#/$defs/Json" } }]) } } });
    const ping = ok("ping") as { $defs: Record<string, unknown> };
    expect(ping).toMatchObject({ $ref: "#/$defs/Ping" });
    expect(ping.$defs.Ping).toEqual({
      type: "object", sc: "plainObject", required: ["next"],
      properties: { next: { anyOf: [{ type: "null" }, { type: "object", sc: "plainObject", properties: { back: { $ref: "#/$defs/Ping" } }, required: ["back"] }] } },
    });
  });
});

describe("values that are not checked (warnings)", () => {
  test.each([
    ["anything", "type `any` is not checked on arrival"],
    ["mystery", "type `unknown` is not checked on arrival"],
    ["free", "type parameter T has no constraint: any value is accepted (not checked on arrival)"],
  ])("%s → {} with a warning", (name, message) => {
    expect(d.schema(name)).toEqual({ schema: {}, issues: [{ severity: "warning", message }] });
  });
  test("a constrained type parameter is checked against its constraint", () => {
    expect(d.schema("bound")).toEqual({
      schema: { type: "object", sc: "plainObject", properties: { id: { type: "string" } }, required: ["id"] },
      issues: [{ severity: "warning", message: "type parameter U: checked against its constraint `{ id: string; }`" }],
    });
    expect(d.schema("id")).toEqual({
      schema: { type: "string" },
      issues: [{ severity: "warning", message: "type `U[\"id\"]`: checked against its constraint `string`" }],
    });
    // U may have more keys than `id`, of any type.
    expect(d.schema("key")).toEqual({
      schema: {},
      issues: [{ severity: "warning", message: "type `U[K]` has no constraint: any value is accepted (not checked on arrival)" }],
    });
  });
  test("a data-only class instance arrives as a plain object", () => {
    expect(d.schema("counter")).toEqual({
      schema: { type: "object", sc: "plainObject", properties: { count: { type: "number" }, label: { type: "string" } }, required: ["count"] },
      issues: [{ severity: "warning", message: "an instance of class Counter arrives as a plain object (its class is not sent)" }],
    });
  });
  test("`object` and `never`", () => {
    expect(ok("obj")).toEqual({ type: ["object", "array"] });
    expect(ok("never")).toBe(false);
  });
});

describe("values that cannot cross a process boundary (errors)", () => {
  const FN = "is not serializable: wrap it in Fn(...) or declare it at module level, above the `init()` call";
  test.each([
    ["fn", `a function ((n: number) => number) ${FN}`],
    ["ctor", `a function (typeof Service) ${FN}`],
    ["untyped", `a function (Function) ${FN}`],
    ["sym", "a symbol cannot cross a process boundary"],
    ["promise", "a Promise cannot cross a process boundary (await it first)"],
    ["later", "a Promise cannot cross a process boundary (await it first)"],
    ["thenable", "a Promise or other thenable cannot cross a process boundary (await it first)"],
    ["service", "an instance of class Service has methods (run, stop) and accessors (size) and #private members (#secret); it would arrive as a plain object"],
    ["weakMap", "a WeakMap cannot cross a process boundary: it holds its keys only by identity"],
    ["weakSet", "a WeakSet cannot cross a process boundary: it holds its values only by identity"],
    ["weakRef", "a WeakRef cannot cross a process boundary: it refers to an object only by identity"],
    ["shared", "a SharedArrayBuffer cannot cross a process boundary: copy it into an ArrayBuffer"],
  ])("%s", (name, message) => {
    expect(issuesOf(name)).toEqual([{ severity: "error", message }]);
  });
  test("a Node handle is a class instance with methods", () => {
    const [issue, ...rest] = issuesOf("socket");
    expect(rest).toEqual([]);
    expect(issue!.severity).toBe("error");
    expect(issue!.message).toMatch(/^an instance of class Socket has methods \((\w+, ){4}\w+ and \d+ more\); it would arrive as a plain object$/);
  });
  test("a problem inside the value names its path", () => {
    expect(issuesOf("deep")).toEqual([
      { severity: "error", message: `at .handlers[i].onDone: a function (() => void) ${FN}` },
      { severity: "error", message: "at .lookup<value>: a Promise cannot cross a process boundary (await it first)" },
    ]);
  });
});

describe("envSchema", () => {
  test("one required property per capture, except those that admit undefined", () => {
    const { schema, issues } = env(d, ["num", "maybePid", "pid", "anything"]);
    expect(schema).toEqual({
      type: "object",
      properties: { num: { type: "number" }, maybePid: { anyOf: [{ sc: "undefined" }, { pid: true }] }, pid: { pid: true }, anything: {} },
      required: ["num", "pid"],
    });
    expect(issues).toEqual([{ name: "anything", severity: "warning", message: "type `any` is not checked on arrival" }]);
  });
  test("captures share one set of $defs at the root", () => {
    const { schema } = env(d, ["tree", "forest"]);
    expect(schema).toEqual({
      type: "object",
      properties: { tree: { $ref: "#/$defs/Tree" }, forest: { mapOf: { keys: { type: "string" }, values: { $ref: "#/$defs/Tree" } } } },
      required: ["tree", "forest"],
      $defs: { Tree: expect.objectContaining({ properties: expect.objectContaining({ children: { type: "array", items: { $ref: "#/$defs/Tree" } } }) }) },
    });
  });
  test("each issue names its capture", () => {
    expect(env(d, ["fn", "str", "promise"]).issues.map((i) => [i.name, i.severity])).toEqual([["fn", "error"], ["promise", "error"]]);
  });
  test("no captures", () => {
    expect(env(d, [])).toEqual({ schema: { type: "object", properties: {}, required: [] }, issues: [] });
  });
});
