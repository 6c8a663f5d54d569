import { beforeAll, describe, expect, test } from "vitest";
import { deserialize, serialize } from "node:v8";
import { validatorSource } from "../../transformer/validators.js";
import type { ValidationIssue, Validator } from "../../runtime/validator.js";
import { declarations, env, loadValidators } from "./schema-harness.js";

const d = declarations(`
import type { Pid, FnOnce } from "constellation-ts";
interface Point { x: number; y: number }
interface Tree { value: number; children: Tree[] }
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
class Counter { count = 0 }
declare const when: Date; declare const big: bigint; declare const num: number; declare const points: Map<string, Point>;
declare const ids: Set<number>; declare const bytes: Uint8Array; declare const opt: { a?: number; b: string | undefined };
declare const tree: Tree; declare const json: Json; declare const choice: "up" | "down" | number | undefined;
declare const tuple: [number, string?, ...boolean[]]; declare const pid: Pid; declare const job: FnOnce<(parent: Pid) => void>;
declare const point: Point; declare const counter: Counter; declare const dict: Record<string, number>; declare const empty: {};
declare const err: Error; declare const re: RegExp; declare const view: DataView; declare const ab: ArrayBuffer; declare const bigs: BigInt64Array;
declare const nested: Map<Pid, Set<Tree>>; declare const maybe: string | undefined;
`);

const NAMES = ["when", "big", "num", "points", "ids", "bytes", "opt", "tree", "json", "choice", "tuple", "pid", "job", "point", "counter", "dict", "empty",
  "err", "re", "view", "ab", "bigs", "nested"] as const;
type Name = (typeof NAMES)[number] | "env";
const PID = "0123456789abcdef@127.0.0.1:40000";
const closureStub = Object.assign(() => undefined, { __closure: true });

let validators: Record<string, Validator>;
beforeAll(async () => {
  // All of them in one module, as a transformed module holds them.
  validators = await loadValidators([
    ...NAMES.map((name) => ({ name: `__constellation_validate_${name}`, schema: d.schema(name).schema })),
    { name: "__constellation_validate_env", schema: env(d, ["num", "pid", "maybe", "tree"]).schema },
  ]);
});

const roundTrip = (value: unknown) => deserialize(serialize(value));
/**
 * Null if `name`'s validator accepts `value` after it crossed v8 serialization; else its issue
 * with the deepest path, the last of those (for a union, the "must match a schema in anyOf"
 * after its branches' complaints).
 */
function check(name: Name, value: unknown, { clone = true } = {}) {
  const validate = validators[`__constellation_validate_${name}`]!;
  if (validate(clone ? roundTrip(value) : value)) return null;
  const issues = validate.errors ?? [];
  expect(issues.length).toBeGreaterThan(0);
  const depth = (i: ValidationIssue) => i.instancePath.split("/").length;
  const issue = issues.reduce((best, i) => (depth(i) >= depth(best) ? i : best));
  expect(typeof issue.message).toBe("string");
  return issue;
}
const tree = (value: unknown, ...children: unknown[]) => ({ value, children });

describe("good values pass after a v8 round trip", () => {
  test.each<[Name, unknown]>([
    ["when", new Date()],
    ["big", 10n],
    ["num", NaN],
    ["num", -Infinity],
    ["points", new Map([["a", { x: 1, y: 2 }], ["b", { x: 3, y: 4, extra: true }]])],
    ["ids", new Set([1, 2, 3])],
    ["bytes", new Uint8Array([1, 2, 3])],
    ["bytes", Buffer.from("hi")],
    ["opt", { a: undefined, b: undefined }],
    ["opt", { a: 1, b: "x" }],
    ["tree", tree(1, tree(2), tree(3, tree(4), tree(5)))],
    ["json", { a: [1, "x", null, { b: [true] }] }],
    ["choice", "up"],
    ["choice", 7],
    ["choice", undefined],
    ["tuple", [1]],
    ["tuple", [1, undefined]],
    ["tuple", [1, "a", true, false]],
    ["pid", PID],
    ["point", { x: 1, y: 2 }],
    ["counter", Object.assign(new (class Counter { count = 0; })(), { count: 3 })],
    ["dict", { a: 1, b: 2 }],
    ["empty", 0],
    ["empty", {}],
    ["err", new TypeError("bad")],
    ["re", /x+/g],
    ["view", new DataView(new ArrayBuffer(4))],
    ["ab", new ArrayBuffer(8)],
    ["bigs", new BigInt64Array([1n])],
    ["nested", new Map([[PID, new Set([tree(1)])]])],
    ["env", { num: 1, pid: PID, maybe: undefined, tree: tree(1) }],
  ])("%s: %o", (name, value) => {
    expect(check(name, value)).toBeNull();
  });
  test("a closure (not v8-serializable: the codec carries it)", () => {
    expect(check("job", closureStub, { clone: false })).toBeNull();
  });
});

describe("bad values fail with the path of the bad part", () => {
  test.each<[Name, unknown, string, string]>([
    ["when", "2020-01-01", "", "sc"],
    ["big", 10, "", "sc"],
    ["num", "1", "", "type"],
    ["points", { a: { x: 1, y: 2 } }, "", "mapOf"],
    ["points", new Map([["a", { x: 1, y: 2 }], ["b", { x: "1", y: 2 }]]), "/values/1/x", "type"],
    ["points", new Map<unknown, unknown>([["a", { x: 1, y: 2 }], [2, { x: 1, y: 2 }]]), "/keys/1", "type"],
    ["points", new Map([["a", new Map()]]), "/values/0", "sc"],
    ["ids", new Set([1, "2"]), "/1", "type"],
    ["ids", [1, 2], "", "setOf"],
    ["bytes", [1, 2], "", "sc"],
    ["bytes", new Uint16Array(2), "", "sc"],
    ["opt", { a: null, b: "x" }, "/a", "type"],
    ["opt", { b: 1 }, "/b", "anyOf"],
    ["tree", tree(1, tree(2), tree(3, tree(4), tree("5"))), "/children/1/children/1/value", "type"],
    ["tree", tree(1, tree(2, {})), "/children/0/children/0", "required"],
    ["json", { a: [1, undefined] }, "/a/1", "anyOf"],
    ["choice", "left", "", "anyOf"],
    ["tuple", [], "", "minItems"],
    ["tuple", [1, 2], "/1", "anyOf"],
    ["tuple", [1, "a", true, "x"], "/3", "type"],
    ["pid", "nope", "", "pid"],
    ["point", new Map([["x", 1], ["y", 2]]), "", "sc"],
    ["point", { x: 1 }, "", "required"],
    ["dict", { a: 1, b: "2" }, "/b", "type"],
    ["empty", null, "", "not"],
    ["err", { message: "bad" }, "", "sc"],
    ["ab", new Uint8Array(8), "", "sc"],
    ["nested", new Map([["not a pid", new Set()]]), "/keys/0", "pid"],
    ["nested", new Map([[PID, new Set([tree(1), tree(null)])]]), "/values/0/1/value", "type"],
    ["env", { num: 1, maybe: "x", tree: tree(1) }, "", "required"],
    ["env", { num: 1, pid: PID, tree: tree(1, tree(false)) }, "/tree/children/0/value", "type"],
  ])("%s: %o → %s", (name, value, instancePath, keyword) => {
    expect(check(name, value)).toMatchObject({ instancePath, keyword });
  });
  test("a plain function is not a closure", () => {
    expect(check("job", () => 1, { clone: false })).toMatchObject({ instancePath: "", keyword: "closure", message: "must be a serializable closure" });
  });
  test("messages say what was expected", () => {
    expect(check("when", 1)?.message).toBe("must be a Date");
    expect(check("points", [])?.message).toBe("must be a Map");
    expect(check("ids", [])?.message).toBe("must be a Set");
    expect(check("pid", "x")?.message).toBe("must be a Pid");
    expect(check("point", [])?.message).toBe("must be a plain object");
  });
});

describe("validatorSource", () => {
  const schema = { type: "object", properties: { at: { sc: "Date" }, who: { pid: true } } };

  test("declares exactly the given names, with no import or require", () => {
    const source = validatorSource([{ name: "first", schema }, { name: "second", schema: { mapOf: { keys: { type: "string" }, values: { $ref: "#/$defs/T" } }, $defs: { T: { setOf: { $ref: "#/$defs/T" } } } } }]);
    expect(source).not.toMatch(/\bimport\b|\brequire\(/);
    expect(source.match(/^const \w+ = /gm)).toEqual(["const first = ", "const second = "]);
  });
  test("the same schema compiles to the same code", () => {
    const [a, b] = validatorSource([{ name: "a", schema }, { name: "b", schema: structuredClone(schema) }]).split("\n");
    expect(a!.slice("const a".length)).toBe(b!.slice("const b".length));
  });
  test("a schema feature that needs an ajv runtime import is refused", () => {
    expect(() => validatorSource([{ name: "v", schema: { type: "string", minLength: 1 } }])).toThrow(/runtime import/);
  });
  test("names must be identifiers", () => {
    expect(() => validatorSource([{ name: "not-a-name", schema: true }])).toThrow(/not a JS identifier/);
  });
  test("unknown sc values are refused at build time", () => {
    expect(() => validatorSource([{ name: "v", schema: { sc: "Blob" } }])).toThrow(/sc/);
  });
});
