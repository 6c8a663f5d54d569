// The three build paths (our CLI, ts-patch's `tspc`, rollup with our plugin) on the same
// fixtures: the closures must come out the same, and our diagnostics must fail every one.
// Fixture projects live in test/.tmp inside the package, so `import "constellation-ts"` resolves
// to the built package (dist/) by self-reference; `tspc` resolves its plugin from the project's
// node_modules (ts-patch's require does not self-reference), hence a link there.
import ts from "typescript";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { rollup, type RollupError, type RollupLog } from "rollup";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProject, checkProject } from "../../transformer/driver.js";

const root = resolve(import.meta.dirname, "../..");
const work = join(root, "test/.tmp", `drivers-${process.pid}`);

const GOOD = {
  "src/main.ts": `import { FnOnce, Fn, FnMut, Sender, type Pid } from "constellation-ts";
import { scale } from "./helper.js";

export function jobs(base: number, names: readonly string[]) {
  const first = FnOnce(async (parent: Pid) => {
    await new Sender<{ name: string; n: number }>(parent).send({ name: names[0] ?? "none", n: base });
  });
  const nested = Fn(({ k }: { k: number } = { k: 1 }) => FnOnce(() => base * k));
  const sum = FnMut((x: number) => x + base);
  return { first, nested, sum, scaled: scale(base) };
}
`,
  "src/helper.ts": `import { FnOnce } from "constellation-ts";

export function scale(factor: number) {
  return FnOnce((xs: number[]) => xs.map((x) => x * factor));
}
`,
};

const BAD = {
  "src/main.ts": `import { FnOnce } from "constellation-ts";

export function counter(start: number) {
  let n = start;
  return FnOnce(() => {
    n += 1;
    return n;
  });
}
`,
};

const WARNED = {
  "src/main.ts": `import { Fn } from "constellation-ts";

let level = 1;
export const show = (n: number) => Fn(() => n + level);
export function bump() {
  level += 1;
}
`,
};

/** Writes a fixture project: tsconfig.json for us and rollup, tsconfig.tspc.json for ts-patch. */
function project(name: string, files: Record<string, string>, compilerOptions: Record<string, unknown> = {}): string {
  const dir = join(work, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const options = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, rootDir: "src", ...compilerOptions };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...options, outDir: "out/driver" }, include: ["src"] }));
  writeFileSync(
    join(dir, "tsconfig.tspc.json"),
    JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { outDir: "out/tspc", plugins: [{ transform: "constellation-ts/transformer" }] } }),
  );
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(root, join(dir, "node_modules/constellation-ts"));
  return dir;
}

function node(args: string[], cwd = root): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  return { status: result.status, output: result.stdout + result.stderr };
}

const cli = (dir: string) => node([join(root, "dist/cli/constellation.js"), "build", "-p", join(dir, "tsconfig.json")], dir);
const tspc = (dir: string) => node([join(root, "node_modules/ts-patch/bin/tspc.js"), "-p", join(dir, "tsconfig.tspc.json")], dir);

async function bundle(dir: string, logs: RollupLog[] = []): Promise<string> {
  // Through the package export, as deploy and users load it.
  const { default: constellation } = (await import("constellation-ts/rollup")) as typeof import("../../transformer/rollup.js");
  const build = await rollup({
    input: join(dir, "src/main.ts"),
    external: (id) => id.startsWith("constellation-ts"),
    plugins: [constellation({ tsconfig: join(dir, "tsconfig.json") })],
    onLog: (_level, log) => void logs.push(log),
  });
  try {
    const { output } = await build.generate({ format: "es" });
    return output[0].code;
  } finally {
    await build.close();
  }
}

/**
 * Each closure of emitted JS files by ID: its hoisted factory, then its call sites, printed by
 * the compiler (so layout does not matter), with rollup's `$n` renames undone.
 */
function closures(...files: string[]): Map<string, string> {
  const found = new Map<string, { factory?: string; calls: string[] }>();
  const entry = (id: string) => found.get(id) ?? found.set(id, { calls: [] }).get(id)!;
  const printer = ts.createPrinter();
  for (const js of files) {
    const sf = ts.createSourceFile("out.js", js, ts.ScriptTarget.ES2022, true);
    const print = (n: ts.Node) => printer.printNode(ts.EmitHint.Unspecified, n, sf).replace(/\$\d+\b/g, "");
    const factories = new Map<string, ts.Expression>();
    const registered: [string, string][] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) factories.set(n.name.text, n.initializer);
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
        const id = n.arguments[0].text;
        if (n.expression.name.text === "register") registered.push([id, n.arguments[1]!.getText(sf)]);
        if (n.expression.name.text === "closure") entry(id).calls.push(print(n));
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
    for (const [id, name] of registered) entry(id).factory = print(factories.get(name)!);
  }
  return new Map(
    [...found].sort(([a], [b]) => a.localeCompare(b)).map(([id, { factory, calls }]) => [id, [factory, ...calls.sort()].join("\n")]),
  );
}

/** The `file(line,col) category TSn` heads of the tsc-style diagnostics in `text`. */
function heads(text: string): string[] {
  return [...text.matchAll(/([\w./-]+\.ts)\((\d+),(\d+)\): (error|warning) (TS\d+)/g)].map(
    ([, file, line, col, category, code]) => `${file!.split("/").pop()}(${line},${col}) ${category} ${code}`,
  );
}

beforeAll(() => {
  if (!existsSync(join(root, "dist/transformer/tspatch.js"))) throw new Error("build the package first: npm run build");
  rmSync(work, { recursive: true, force: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the three build paths", () => {
  it("emit the same closures", async () => {
    const dir = project("good", GOOD);
    const built = cli(dir);
    expect(built.output).toBe("");
    expect(built.status).toBe(0);
    const patched = tspc(dir);
    expect(patched.output).toBe("");
    expect(patched.status).toBe(0);
    const read = (out: string) => ["main.js", "helper.js"].map((f) => readFileSync(join(dir, out, f), "utf8"));

    const ours = closures(...read("out/driver"));
    const id = (file: string, n: number) => `${relative(root, dir)}/src/${file}#${n}`;
    expect([...ours.keys()]).toEqual([id("helper.ts", 1), id("main.ts", 1), id("main.ts", 2), id("main.ts", 3), id("main.ts", 4)]);
    expect(ours.get(id("helper.ts", 1))).toMatch(/^\(\{ factor \}\) => \(xs\) => xs\.map/);
    expect(closures(...read("out/tspc"))).toEqual(ours);
    expect(closures(await bundle(dir))).toEqual(ours);
  });

  it("all fail on a closure error, at the same place", async () => {
    const dir = project("bad", BAD);
    const built = cli(dir);
    expect(built.status).toBe(1);
    const expected = heads(built.output);
    expect(expected).toEqual(["main.ts(6,5) error TS90006"]);
    const patched = tspc(dir);
    expect(patched.status).not.toBe(0);
    expect(heads(patched.output)).toEqual(expected);
    const failure = await bundle(dir).then(
      () => undefined,
      (error: RollupError) => error,
    );
    expect(failure?.pluginCode).toBe("TS90006");
    expect(failure?.loc).toMatchObject({ file: join(dir, "src/main.ts"), line: 6, column: 4 });
    expect(heads(failure?.message ?? "")).toEqual(expected);
  });

  it("all pass on a closure warning, and show it", async () => {
    const dir = project("warned", WARNED);
    const expected = ["main.ts(4,49) warning TS90009"];
    const built = cli(dir);
    expect([built.status, heads(built.output)]).toEqual([0, expected]);
    const patched = tspc(dir);
    expect([patched.status, heads(patched.output)]).toEqual([0, expected]);
    const logs: RollupLog[] = [];
    await bundle(dir, logs);
    const ours = logs.filter((log) => log.plugin === "constellation" && log.pluginCode === "TS90009");
    expect(ours.map((log) => heads(log.message))).toEqual([expected]);
  });
});

describe("the ts-patch entry", () => {
  it("refuses a TypeScript it was not made for, saying what to do", async () => {
    const { default: transformer } = await import("../../transformer/tspatch.js");
    const program = ts.createProgram({ rootNames: [], options: {} });
    const extras = { ts: { ...ts, versionMajorMinor: "7.0", version: "7.0.2" } as unknown as typeof ts, addDiagnostic: () => 0 };
    expect(() => transformer(program, {}, extras)).toThrow(/supports TypeScript 5\.9 and 6\.0, but ts-patch is running TypeScript 7\.0\.2.*constellation build/);
    expect(transformer(program, {}, { ts, addDiagnostic: () => 0 })).toBeTypeOf("function");
  });
});

describe("buildProject and checkProject", () => {
  it("write nothing under noEmitOnError when only the transformer finds an error", () => {
    const dir = project("held-back", BAD, { noEmitOnError: true });
    const result = buildProject(join(dir, "tsconfig.json"));
    expect(result.failed).toBe(true);
    expect(result.diagnostics.map((d) => d.code)).toEqual([90006]);
    expect(existsSync(join(dir, "out/driver/main.js"))).toBe(false);
  });

  it("still write the outputs of a failed build without noEmitOnError, as tsc does", () => {
    const dir = project("emitted", BAD);
    expect(buildProject(join(dir, "tsconfig.json")).failed).toBe(true);
    expect(existsSync(join(dir, "out/driver/main.js"))).toBe(true);
  });

  it("only check a project whose tsconfig says noEmit, as tsc does", () => {
    const good = project("no-emit-good", GOOD, { noEmit: true });
    expect(buildProject(join(good, "tsconfig.json"))).toEqual({ diagnostics: [], failed: false });
    const bad = project("no-emit-bad", BAD, { noEmit: true });
    expect(buildProject(join(bad, "tsconfig.json")).diagnostics.map((d) => d.code)).toEqual([90006]);
    expect([good, bad].filter((dir) => existsSync(join(dir, "out")))).toEqual([]);
  });

  it("report the compiler's own errors and ours, without emitting, in a check", () => {
    const dir = project("checked", { "src/main.ts": `${BAD["src/main.ts"]}export const wrong: number = "one";\n` });
    const result = checkProject(join(dir, "tsconfig.json"));
    expect(result.failed).toBe(true);
    expect(result.diagnostics.map((d) => d.code).sort()).toEqual([2322, 90006]);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("report a missing tsconfig as a failure", () => {
    const result = buildProject(join(work, "nowhere/tsconfig.json"));
    expect(result.failed).toBe(true);
    expect(result.diagnostics.map((d) => d.code)).toEqual([5083]);
  });
});
