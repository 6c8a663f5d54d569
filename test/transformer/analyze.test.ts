import { describe, expect, it } from "vitest";
import { DiagnosticCode } from "../../transformer/diagnostics.js";
import { compile, format, ts } from "./fixtures/harness.js";

const IMPORT = `import { init, spawn, Sender, Receiver, FnOnce, FnMut, Fn, Resources, type Pid } from "constellation-ts";`;

/** Analyses `src/main.ts` (checking it is valid TypeScript) and lists each closure's captures. */
function captures(source: string): string[][] {
  const compiled = compile({ "main.ts": source });
  expect(compiled.typeErrors()).toEqual([]);
  return compiled.analyze().closures.map((c) => c.captures.map((k) => k.name));
}

/** The diagnostics of `src/main.ts`, formatted as a build prints them. */
function diagnostics(source: string): string[] {
  const compiled = compile({ "main.ts": source });
  return compiled.analyze().diagnostics.map(format);
}

// `npm run test:ts6` runs these tests again on TypeScript 6.0: this makes sure it really does.
it("runs on the compiler under test", () => {
  expect(ts.version).toBe(process.env.CONSTELLATION_TEST_TYPESCRIPT_VERSION ?? "5.9.3");
});

describe("finding closures and channels by symbol", () => {
  it("finds the SPEC fibonacci closures, their IDs, kinds, captures and channel types", () => {
    const compiled = compile({
      "main.ts": `${IMPORT}
function fibonacci(x: number): number {
  if (x <= 1) return x;
  const left = spawn(Resources.default(), FnOnce((parent: Pid) => {
    new Sender<number>(parent).send(fibonacci(x - 1)).block();
  })).block();
  const right = spawn(Resources.default(), FnOnce((parent: Pid) => {
    new Sender<number>(parent).send(fibonacci(x - 2)).block();
  })).block();
  return new Receiver<number>(left).recv().block() + new Receiver<number>(right).recv().block();
}
await init(Resources.default());
console.log(fibonacci(10));
`,
    });
    expect(compiled.typeErrors()).toEqual([]);
    const analysis = compiled.analyze();
    expect(analysis.diagnostics.map(format)).toEqual([]);
    expect(analysis.closures.map((c) => [c.id, c.kind, c.captures.map((k) => k.name), c.factoryName, c.validatorName])).toEqual([
      ["src/main.ts#1", "FnOnce", ["x"], "__constellation_closure_1", "__constellation_validate_1"],
      ["src/main.ts#2", "FnOnce", ["x"], "__constellation_closure_2", "__constellation_validate_2"],
    ]);
    expect(analysis.closures[0]!.schema).toMatchObject({ type: "object", properties: { x: { type: "number" } } });
    expect(analysis.channels.map((c) => [c.node.expression.getText(), c.typeText, c.check.name])).toEqual([
      ["Sender", "number", "__constellation_type_1"],
      ["Sender", "number", "__constellation_type_1"],
      ["Receiver", "number", "__constellation_type_1"],
      ["Receiver", "number", "__constellation_type_1"],
    ]);
    expect(analysis.typeChecks).toHaveLength(1);
    expect(analysis.typeChecks[0]!.schema).toMatchObject({ type: "number" });
  });

  it("follows renamed and namespace imports, and ignores look-alikes of other origins", () => {
    const compiled = compile({
      "main.ts": `import { FnOnce as Once, Sender as Tx, type Pid } from "constellation-ts";
import * as c from "constellation-ts";
import { FnOnce } from "./other.js";
export const a = Once(() => 1);
export const b = c.Fn(() => 2);
export const d = FnOnce(() => 3);
export const e = (p: Pid) => [new Tx<string>(p), new c.Receiver<{ n: number }>(p)];
`,
      "other.ts": "export function FnOnce<F>(f: F): F { return f; }\n",
    });
    expect(compiled.typeErrors()).toEqual([]);
    const analysis = compiled.analyze();
    expect(analysis.closures.map((c) => [c.id, c.kind, c.node.getText()])).toEqual([
      ["src/main.ts#1", "FnOnce", "Once(() => 1)"],
      ["src/main.ts#2", "Fn", "c.Fn(() => 2)"],
    ]);
    expect(analysis.channels.map((c) => c.typeText)).toEqual(["string", "{ n: number; }"]);
  });

  it("recognises the project's real runtime declarations as constellation-ts", () => {
    const compiled = compile({ "main.ts": `import { FnMut as M } from "constellation-ts";\nexport const f = M((n: number) => n + 1);\n` }, { real: true });
    expect(compiled.analyze().closures.map((c) => [c.id, c.kind])).toEqual([["src/main.ts#1", "FnMut"]]);
  });

  it("numbers closures in pre-order, an outer closure before the ones nested in it", () => {
    const compiled = compile({
      "nested/deep.ts": `${IMPORT}
export function outer(k: number) {
  return FnOnce(() => {
    const inner = Fn((m: number) => FnMut(() => k + m));
    return inner;
  });
}
export const later = FnOnce(() => 0);
`,
    });
    expect(compiled.typeErrors()).toEqual([]);
    expect(compiled.analyze().closures.map((c) => [c.id, c.node.getText().slice(0, 10), c.captures.map((k) => k.name)])).toEqual([
      ["src/nested/deep.ts#1", "FnOnce(() ", ["k"]],
      ["src/nested/deep.ts#2", "Fn((m: num", ["k"]],
      ["src/nested/deep.ts#3", "FnMut(() =", ["k", "m"]],
      ["src/nested/deep.ts#4", "FnOnce(() ", []],
    ]);
  });

  it("infers a channel's type when no type argument is written", () => {
    const compiled = compile({ "main.ts": `${IMPORT}\nexport function f(p: Pid) { const rx: Receiver<boolean> = new Receiver(p); return rx; }\n` });
    expect(compiled.analyze().channels.map((c) => c.typeText)).toEqual(["boolean"]);
  });
});

describe("captures", () => {
  it("resolves shadowing, default and destructured parameters by symbol", () => {
    expect(captures(`${IMPORT}
export function outer(x: number, { y, z = 3 }: { y: string; z?: number }, ...rest: boolean[]) {
  const unused = 1;
  return FnOnce(({ shadow = x }: { shadow?: number } = {}, [first = z]: number[] = []) => {
    const x = "inner";
    const o = { y, key: rest };
    return [shadow, first, x, o, o.key, unused.toFixed];
  });
}
`)).toEqual([["x", "z", "y", "rest", "unused"]]);
  });

  it("captures loop variables, catch bindings and locals of async closures; never types, imports or globals", () => {
    expect(captures(`${IMPORT}
import { readFileSync } from "node:fs";
declare const readFileSyncLike: typeof readFileSync;
type Local = { n: number };
export async function outer(items: number[]) {
  for (const item of items) {
    try { throw new Error("e"); } catch (err) {
      for (let i = 0; i < 2; i++) {
        await spawn(FnOnce(async (parent: Pid) => {
          const v = { n: item } satisfies Local as Local;
          console.log(parent, i, err, v, Math.max(1, 2), JSON.stringify(v), readFileSyncLike);
        }));
      }
    }
  }
}
`)).toEqual([["item", "i", "err"]]);
  });

  it("gives an outer closure the captures its nested closures need from outside it", () => {
    expect(captures(`${IMPORT}
export function outer(a: number, b: number) {
  return FnOnce(() => {
    const local = 2;
    return Fn(() => a + local + b);
  });
}
`)).toEqual([["a", "b"], ["a", "local", "b"]]);
  });

  it("skips type positions, member names and the closure's own declarations", () => {
    expect(captures(`${IMPORT}
export function outer(size: number, o: { size: number }) {
  type Local = { size: number };
  return FnOnce((arg: typeof size) => {
    const own: Local = { size: arg };
    return [own.size, o.size, own satisfies Local];
  });
}
`)).toEqual([["o"]]);
  });

  it("captures local helper functions and classes, which their types then reject", () => {
    expect(diagnostics(`${IMPORT}
export function outer() {
  function helper() { return 1; }
  class Local { m() { return 2; } }
  return FnOnce(() => helper() + new Local().m());
}
`)).toEqual([
      expect.stringMatching(/^main\.ts\(5,23\): error TS90010: cannot capture `helper`: /),
      expect.stringMatching(/^main\.ts\(5,38\): error TS90010: cannot capture `Local`: /),
    ]);
  });

  it("applies SPEC section 3's module rule: top-level code before init() is shared, after it is captured", () => {
    expect(captures(`${IMPORT}
const before = 1;
function helper() { return before; }
class Shape { area = 0; }
enum Color { Red }
{ const block = 2; FnOnce(() => block); }
await init();
const after = 3;
for (let i = 0; i < 2; i++) {
  FnOnce(() => [before, helper(), new Shape().area, Color.Red, after, i]);
}
`)).toEqual([["block"], ["after", "i"]]);
  });

  it("treats every top-level binding of a module without init() as shared", () => {
    expect(captures(`${IMPORT}
const table = [1, 2];
export const f = FnOnce(() => table.length);
`)).toEqual([[]]);
  });

  it("records each capture's type and first use", () => {
    const compiled = compile({ "main.ts": `${IMPORT}\nexport function f(n: number, s: string | undefined) { if (s) return FnOnce(() => s.length + n); }\n` });
    const [site] = compiled.analyze().closures;
    const checker = compiled.program.getTypeChecker();
    expect(site!.captures.map((c) => [c.name, checker.typeToString(c.type), c.node.getStart()])).toEqual([
      ["s", "string", site!.fn.getText().indexOf("s.length") + site!.fn.getStart()],
      ["n", "number", site!.fn.getText().indexOf("+ n") + 2 + site!.fn.getStart()],
    ]);
  });
});

describe("diagnostics", () => {
  it("rejects this, arguments, super and new.target of the enclosing function", () => {
    expect(diagnostics(`${IMPORT}
class Base { base() { return 1; } }
export class C extends Base {
  n = 1;
  m() {
    return FnOnce(() => [this.n, arguments.length, super.base(), new.target]);
  }
}
export function g(this: unknown) { return FnOnce(function (this: unknown) { return [this, arguments.length]; }); }
`)).toEqual([
      "main.ts(6,26): error TS90001: a serializable closure cannot capture `this`: copy the fields you need into local variables outside the closure and capture those",
      "main.ts(6,34): error TS90002: a serializable closure cannot use the enclosing function's `arguments`: copy what you need into a local variable (`const args = [...arguments]`) outside the closure and capture that",
      "main.ts(6,52): error TS90003: a serializable closure cannot use `super`: call the method outside the closure and capture its result",
      "main.ts(6,66): error TS90004: a serializable closure cannot use the enclosing function's `new.target`: capture a value computed from it instead",
    ]);
  });

  it("rejects generators and markers without a function written in place", () => {
    expect(diagnostics(`${IMPORT}
export const gen = Fn(function* () { yield 1; });
const f = () => 1;
export const notLiteral = Fn(f);
`)).toEqual([
      "main.ts(2,23): error TS90005: a serializable closure cannot be a generator: calling it would return an iterator without running its body; write a function that returns or sends the values",
      "main.ts(4,27): error TS90012: Fn(...) needs an arrow function or function expression written in place, e.g. `Fn((x: number) => x + 1)`",
    ]);
  });

  it("rejects every kind of write to a captured variable, once per write", () => {
    const found = compile({
      "main.ts": `${IMPORT}
export function f(total: number, list: number[], o: { k: number }) {
  return FnMut(() => {
    total = 1; total += 2; total++; --total;
    [total] = list; ({ k: total } = o); for (total of list);
    list.push(total); o.k = 3;
    let own = 0; own++;
  });
}
`,
    }).analyze().diagnostics;
    expect(found.map((d) => [d.code, d.file!.getLineAndCharacterOfPosition(d.start!).line + 1, d.file!.text.slice(d.start!, d.start! + d.length!)]))
      .toEqual([...Array(7)].map(() => [DiagnosticCode.AssignmentToCapture, expect.any(Number), "total"]));
    expect(String(found[0]!.messageText)).toBe(
      "cannot assign to captured variable `total`: the closure holds a copy, so the change would not be seen outside it; assign to a local copy (`let total2 = total`) or send the new value over a channel",
    );
  });

  it("rejects captures still in their temporal dead zone, including a closure capturing itself", () => {
    expect(diagnostics(`${IMPORT}
export function f() {
  const early = FnOnce(() => later);
  const self: () => unknown = FnOnce(() => self);
  const later = 1;
  return [early, self];
}
`).filter((d) => d.includes("TS90007"))).toEqual([
      "main.ts(3,30): error TS90007: `later` is captured before its declaration runs (temporal dead zone): the closure copies its captures when it is created, so declare `later` before the closure",
      "main.ts(4,44): error TS90007: `self` is captured before its declaration runs (temporal dead zone): the closure copies its captures when it is created, so declare `self` before the closure",
    ]);
  });

  it("rejects classes and enums declared after init(), and warns about mutable module-level variables", () => {
    expect(diagnostics(`${IMPORT}
let counter = 0;
var legacy = 1;
await init();
class Late { x = 1; }
enum Mode { A }
export const f = FnOnce(() => [counter, legacy, new Late().x, Mode.A, counter]);
`)).toEqual([
      "main.ts(7,32): warning TS90009: module-level `counter` is mutable: a spawned process has its own copy with its initial value, not this process's current one; make it a `const`, or pass the value in a captured local or over a channel",
      "main.ts(7,41): warning TS90009: module-level `legacy` is mutable: a spawned process has its own copy with its initial value, not this process's current one; make it a `const`, or pass the value in a captured local or over a channel",
      "main.ts(7,53): error TS90008: `Late` is declared at the top level after `init()`, so it never exists in a spawned process: move its declaration above the `init()` call",
      "main.ts(7,63): error TS90008: `Mode` is declared at the top level after `init()`, so it never exists in a spawned process: move its declaration above the `init()` call",
    ]);
  });

  it("says why a value declared after init() is captured when it cannot be", () => {
    expect(diagnostics(`${IMPORT}
function helper(x: number) { return x; }
await init();
const size = (x: number) => x * 2;
export const f = FnOnce(() => helper(1) + size(2));
`)).toEqual([
      "main.ts(5,43): error TS90010: cannot capture `size`: a function ((x: number) => number) is not serializable: wrap it in Fn(...) or declare it at module level, above the `init()` call (declared after `init()`, it exists only in this process: a spawned process does not run past `init()`)",
    ]);
  });

  it("rejects module-level functions that use, themselves or through others, what only exists after init()", () => {
    expect(diagnostics(`${IMPORT}
const before = 2;
function fine(x: number) { return x * before; }
function pump(k: number) { return k < count ? scale(k) : fine(k); }
function scale(k: number) { const { factor } = settings; return k * factor; }
await init();
const count = Number(process.argv[2]);
const settings = { factor: 3 };
class Later {}
export const f = FnOnce(() => fine(1) + pump(2));
export const g = FnOnce(() => scale(3));
export const h = FnOnce(() => [fine(4), new Later()]);
`)).toEqual([
      "main.ts(10,41): error TS90008: `pump` uses `count`, which is declared at the top level after `init()`: a spawned process never runs that declaration, so `pump` fails there; move it above the `init()` call, or pass the value to `pump`",
      "main.ts(11,31): error TS90008: `scale` uses `settings`, which is declared at the top level after `init()`: a spawned process never runs that declaration, so `scale` fails there; move it above the `init()` call, or pass the value to `scale`",
      "main.ts(12,45): error TS90008: `Later` is declared at the top level after `init()`, so it never exists in a spawned process: move its declaration above the `init()` call",
    ]);
    // The same for a class, and for a variable named by a shorthand property.
    expect(diagnostics(`${IMPORT}
function make() { return new Late(); }
function wrap() { return { limit }; }
await init();
class Late {}
const limit = 1;
export const f = FnOnce(() => [make(), wrap()]);
`)).toEqual([
      "main.ts(7,32): error TS90008: `make` uses `Late`, which is declared at the top level after `init()`: a spawned process never runs that declaration, so `make` fails there; move it above the `init()` call, or pass the value to `make`",
      "main.ts(7,40): error TS90008: `wrap` uses `limit`, which is declared at the top level after `init()`: a spawned process never runs that declaration, so `wrap` fails there; move it above the `init()` call, or pass the value to `wrap`",
    ]);
  });

  it("reports a nested closure's problem once, not again for its outer closure", () => {
    expect(diagnostics(`${IMPORT}
export class C { n = 1; m() { return FnOnce(() => Fn(() => this.n)); } }
`)).toHaveLength(1);
  });

  it("reports captures whose type cannot cross a process boundary at their first use, naming the variable", () => {
    expect(diagnostics(`${IMPORT}
class Svc { run() { return 1; } }
export function f<T, U extends { id: string }>(t: T, u: U, svc: Svc, cb: (n: number) => number, pr: Promise<number>, sym: symbol, loose: any, fine: number) {
  return FnOnce(() => [fine, t, u, svc, cb(1), pr, sym, loose, t]);
}
`)).toEqual([
      expect.stringMatching(/^main\.ts\(4,30\): warning TS90010: captured variable `t`: type parameter T has no constraint/),
      expect.stringMatching(/^main\.ts\(4,33\): warning TS90010: captured variable `u`: .*constraint/),
      expect.stringMatching(/^main\.ts\(4,36\): error TS90010: cannot capture `svc`: .*methods/),
      expect.stringMatching(/^main\.ts\(4,41\): error TS90010: cannot capture `cb`: .*function/),
      expect.stringMatching(/^main\.ts\(4,48\): error TS90010: cannot capture `pr`: .*Promise/),
      expect.stringMatching(/^main\.ts\(4,52\): error TS90010: cannot capture `sym`: .*symbol/),
      expect.stringMatching(/^main\.ts\(4,57\): warning TS90010: captured variable `loose`: .*any/),
    ]);
  });

  it("reports channel element types that cannot cross a process boundary at the type argument", () => {
    expect(diagnostics(`${IMPORT}\nexport function f<T>(p: Pid) { return [new Sender<() => void>(p), new Receiver(p), new Sender<T>(p)]; }\n`)).toEqual([
      expect.stringMatching(/^main\.ts\(2,51\): error TS90011: channel of `\(\) => void`: .*function/),
      expect.stringMatching(/^main\.ts\(2,67\): warning TS90011: channel of `unknown`: .*unknown/),
      expect.stringMatching(/^main\.ts\(2,95\): warning TS90011: channel of `T`: type parameter T has no constraint/),
    ]);
  });

  it("checks a whole program for `constellation check`, skipping declaration files", () => {
    const compiled = compile({
      "a.ts": `${IMPORT}\nexport class C { m() { return FnOnce(() => this); } }\n`,
      "b.ts": `${IMPORT}\nexport function f(x: number) { return FnOnce(() => { x = 2; }); }\n`,
      "c.d.ts": `export declare const q: number;\n`,
    });
    expect(compiled.check()).toEqual([
      expect.stringMatching(/^a\.ts\(2,44\): error TS90001: /),
      expect.stringMatching(/^b\.ts\(2,54\): error TS90006: /),
    ]);
  });
});
