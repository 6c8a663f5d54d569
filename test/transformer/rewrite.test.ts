import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "./fixtures/harness.js";

const IMPORT = `import { init, spawn, Sender, Receiver, FnOnce, FnMut, Fn, Resources, type Pid } from "constellation-ts";`;
const RUNTIME_IMPORT = `import * as __constellation from "constellation-ts/internal";\n`;

/**
 * Emits `src/main.ts` through the transformer. The inlined validators (another module's output)
 * are cut out of the text, after checking each one the module uses is declared there.
 */
function emitted(source: string, files: Record<string, string> = {}): string {
  const compiled = compile({ "main.ts": source, ...files });
  expect(compiled.typeErrors()).toEqual([]);
  const { js, diagnostics } = compiled.emit();
  expect(diagnostics).toEqual([]);
  const analysis = compiled.analyze();
  const start = js.indexOf(RUNTIME_IMPORT);
  if (start < 0) return js;
  const from = start + RUNTIME_IMPORT.length;
  const to = js.search(/^const __constellation_(type|closure)_/m);
  const validators = js.slice(from, to);
  for (const name of [...analysis.closures.map((c) => c.validatorName), ...analysis.typeChecks.map((t) => t.validatorName)]) {
    expect(validators).toMatch(new RegExp(`\\b(function|const|let|var) ${name}\\b`));
  }
  return `${js.slice(0, from)}/* validators */\n${js.slice(to)}`;
}

const conformance = (name: string) => readFileSync(resolve(import.meta.dirname, "../../../shared/conformance/cases", name, "main.ts"), "utf8");

describe("emitted code of representative closures", () => {
  it("the SPEC fibonacci example: nested in a function, captures `x`, typed channels", () => {
    expect(emitted(`${IMPORT}
function fibonacci(x: number): number {
  if (x <= 1) return x;
  const left = spawn(Resources.default(), FnOnce((parent: Pid) => {
    console.log(\`Left process with \${x}\`);
    new Sender<number>(parent).send(fibonacci(x - 1)).block();
  })).block();
  const right = spawn(Resources.default(), FnOnce((parent: Pid) => {
    console.log(\`Right process with \${x}\`);
    new Sender<number>(parent).send(fibonacci(x - 2)).block();
  })).block();
  return new Receiver<number>(left).recv().block() + new Receiver<number>(right).recv().block();
}
await init(Resources.default());
console.log(\`11th Fibonacci number is \${fibonacci(10)}!\`);
`)).toMatchSnapshot();
  });

  it("a conformance case: a top-level loop after init() whose closure captures `i`", () => {
    expect(emitted(conformance("spawn-multiple-futures-send-recv-stream"))).toMatchSnapshot();
  });

  it("a conformance case: the loop variable is not used, so nothing is captured", () => {
    expect(emitted(conformance("spawn-send"))).toMatchSnapshot();
  });

  it("a closure without captures, and shared module-level code before init()", () => {
    expect(emitted(`${IMPORT}
const greeting = "hi";
function shout(s: string) { return s.toUpperCase(); }
await init();
await spawn(FnOnce(() => console.log(shout(greeting))));
`)).toMatchSnapshot();
  });

  it("renamed and namespace imports", () => {
    expect(emitted(`import { FnOnce as Once } from "constellation-ts";
import * as c from "constellation-ts";
export function make(n: number) {
  return [Once(() => n), c.Fn((m: number) => m * n), new c.Sender<string>(c.pid())];
}
`)).toMatchSnapshot();
  });

  it("nested closures: the inner factory is hoisted, the outer body makes the inner value", () => {
    expect(emitted(`${IMPORT}
export function outer(a: number) {
  return FnOnce((b: number) => {
    const local = a + b;
    return Fn((c: number) => local + a + c);
  });
}
`)).toMatchSnapshot();
  });

  it("an async closure with destructured and default parameters", () => {
    expect(emitted(`${IMPORT}
export function start(base: number, tags: string[]) {
  return spawn(FnOnce(async (parent: Pid, { scale = base }: { scale?: number } = {}, [first = tags[0]] = tags) => {
    await new Sender<string>(parent).send(\`\${first}:\${scale * base}\`);
  }));
}
`)).toMatchSnapshot();
  });

  it("a named function expression that calls itself", () => {
    expect(emitted(`${IMPORT}
export function countdown(from: number) {
  return FnMut(function tick(n: number = from): number { return n <= 0 ? 0 : tick(n - 1); });
}
`)).toMatchSnapshot();
  });

  it("shadowing: a parameter and a local with a captured name", () => {
    expect(emitted(`${IMPORT}
export function f(x: number, y: string) {
  return Fn((x: string) => { { const y = 1; return x + y; } });
}
export function g(x: number, y: string) {
  return Fn(() => { const x = "own"; return x + y; });
}
`)).toMatchSnapshot();
  });

  it("a closure captured by another closure and one sent over a channel", () => {
    expect(emitted(`${IMPORT}
export async function relay(parent: Pid, factor: number) {
  const scale = FnOnce((n: number) => String(n * factor));
  const tx = new Sender<FnOnce<(n: number) => string>>(parent);
  await tx.send(scale);
  return FnOnce(() => scale(2));
}
`)).toMatchSnapshot();
  });

  it("captures of a loop and a catch clause in a module without init()", () => {
    expect(emitted(`${IMPORT}
export const made: unknown[] = [];
for (const word of ["a", "b"]) {
  try { JSON.parse(word); } catch (err) {
    if (err instanceof Error) made.push(FnOnce(() => [word, err.message]));
  }
}
`)).toMatchSnapshot();
  });

  it("places the runtime after the prologue and every import, and keeps channels without type arguments", () => {
    expect(emitted(`"use strict";
${IMPORT}
import { helper } from "./helper.js";
export function f(p: Pid) {
  const rx: Receiver<number[]> = new Receiver(p);
  return [rx, FnOnce(() => helper(p))];
}
`, { "helper.ts": "export function helper(x: unknown) { return x; }\n" })).toMatchSnapshot();
  });

  it("leaves a module without closures or channels as it was", () => {
    const js = emitted(`${IMPORT}\nexport const r = Resources.default();\n`);
    expect(js).not.toContain("__constellation");
    expect(js).toMatchSnapshot();
  });
});

describe("running emitted code locally", () => {
  it("makes closure values that copy their captures when created and behave as their kind says", async () => {
    const source = `import { FnOnce, FnMut, Fn } from "constellation-ts";
export function adder(n: number) { return Fn((m: number) => m + n); }
export function snapshot() {
  const box = { n: 1 };
  let count = 1;
  const read = Fn(() => [box.n, count]);
  box.n = 2;
  count = 2;
  return read;
}
export function once(label: string) { return FnOnce(() => \`\${label}!\`); }
export function nested(a: number) { return FnMut((b: number) => Fn((c: number) => a * 100 + b * 10 + c)); }
`;
    const compiled = compile({ "exec.ts": source }, { real: true });
    expect(compiled.typeErrors()).toEqual([]);
    const { js, diagnostics } = compiled.emit();
    expect(diagnostics).toEqual([]);
    const root = resolve(import.meta.dirname, "../..");
    const dir = resolve(root, "test/.tmp/transformer");
    mkdirSync(dir, { recursive: true });
    const file = resolve(dir, `exec-${process.pid}.mjs`);
    writeFileSync(file, js
      .replace(`"constellation-ts/internal"`, JSON.stringify(resolve(root, "runtime/internal.ts")))
      .replace(`"constellation-ts"`, JSON.stringify(resolve(root, "runtime/closure.ts"))));
    const mod = await import(file).finally(() => rmSync(file));
    const closures = await import("../../runtime/closure.js");

    expect(mod.adder(2)(3)).toBe(5);
    expect(closures.isClosure(mod.adder(2))).toBe(true);
    expect(mod.snapshot()()).toEqual([1, 1]);
    const hello = mod.once("hello");
    expect(hello()).toBe("hello!");
    expect(() => hello()).toThrow(/FnOnce closure src\/exec\.ts#3 called twice/);
    const inner = mod.nested(1)(2);
    expect(closures.isClosure(inner)).toBe(true);
    expect(inner(3)).toBe(123);
    expect(closures.closureData(inner).id).toBe("src/exec.ts#5");

    // What arrives from another process is checked with the inlined validator.
    const data = closures.closureData(mod.adder(1));
    expect(closures.reviveClosure(data)(1)).toBe(2);
    const { encode } = await import("../../runtime/codec/index.js");
    expect(() => closures.reviveClosure({ ...data, env: encode({ n: "one" }) })).toThrow(/captured variable `n` does not match/);
  });
});
