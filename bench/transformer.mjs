// `node bench/transformer.mjs [--json]`: the transformer's build-time cost. Builds one generated
// file of 200 closures (captures of several types, half with a typed channel) in this process,
// with our driver (`constellation build`) and as plain tsc would (same tsconfig, same compiler,
// no transformer), alternately, and prints the median of each and their ratio (aim: under 2).
// Needs `npm run build` first. With --json, one JSON object on stdout and nothing else.
import ts from "typescript";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildProject } from "../dist/transformer/driver.js";

const CLOSURES = 200;
const RUNS = 3;
const json = process.argv.includes("--json");
const root = join(import.meta.dirname, "..");
// Inside the package, so `import "constellation-ts"` resolves to dist/ by self-reference.
const dir = join(root, ".constellation/bench/transformer");

/** One exported function holding closure number `i`; four shapes in turn. */
function closure(i) {
  switch (i % 4) {
    case 0:
      return `export function f${i}(a: number, s: string) {\n  return FnOnce(async (parent: Pid) => {\n    await new Sender<number>(parent).send(a + s.length + ${i});\n  });\n}`;
    case 1:
      return `export function f${i}(o: { x: number; tags: string[]; at: Date }) {\n  return Fn((k: number) => o.x * k + o.tags.length + o.at.getTime());\n}`;
    case 2:
      return `export function f${i}(rows: Array<{ id: bigint; name?: string }>, seen: Map<string, number>) {\n  return FnMut((parent: Pid) => new Sender<{ n: number; names: string[] }>(parent).send({ n: rows.length + seen.size, names: rows.map((r) => r.name ?? "") }));\n}`;
    default:
      return `export function f${i}(n: number) {\n  return FnOnce(() => Fn((m: number) => n + m + ${i}));\n}`;
  }
}

function writeProject() {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src"), { recursive: true });
  // Shape 3 holds two closures, so 4 shapes × 50 = 250 would overshoot: count them instead.
  const parts = [];
  for (let i = 0, n = 0; n < CLOSURES; i++) {
    parts.push(closure(i));
    n += i % 4 === 3 ? 2 : 1;
  }
  writeFileSync(join(dir, "src/closures.ts"), `import { Fn, FnMut, FnOnce, Sender, type Pid } from "constellation-ts";\n\n${parts.join("\n\n")}\n`);
  const compilerOptions = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, sourceMap: true, rootDir: "src" };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...compilerOptions, outDir: "out/ours" }, include: ["src"] }));
  writeFileSync(join(dir, "tsconfig.plain.json"), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { outDir: "out/plain" } }));
}

/** What `tsc -p` does: parse the tsconfig, create the program, check it, emit. */
function plainTsc(tsconfig) {
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, undefined, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
  return { failed: diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error), diagnostics };
}

function timed(build) {
  const t0 = performance.now();
  const result = build();
  const ms = performance.now() - t0;
  if (result.failed) throw new Error(ts.formatDiagnostics(result.diagnostics, { getCurrentDirectory: () => dir, getCanonicalFileName: (f) => f, getNewLine: () => "\n" }));
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

writeProject();
const builds = { plain: () => plainTsc(join(dir, "tsconfig.plain.json")), ours: () => buildProject(join(dir, "tsconfig.json")) };
// A first build of each warms up the compiler's code (JIT); then they alternate, so a change in
// the machine's load hits both alike.
for (const build of Object.values(builds)) timed(build);
const samples = { plain: [], ours: [] };
for (let run = 0; run < RUNS; run++) for (const [name, build] of Object.entries(builds)) samples[name].push(timed(build));
rmSync(dir, { recursive: true, force: true });

const plainMs = Math.round(median(samples.plain));
const oursMs = Math.round(median(samples.ours));
const ratio = Number((oursMs / plainMs).toFixed(2));
// What the transformer itself adds (analysis, schemas, validators, rewrite): most of a build is
// checking the libraries, which both do alike.
const overheadMs = oursMs - plainMs;
if (json) {
  process.stdout.write(`${JSON.stringify({ closures: CLOSURES, plain_tsc_ms: plainMs, constellation_build_ms: oursMs, overhead_ms: overheadMs, ratio, aim: "< 2", samples_ms: samples })}\n`);
} else {
  process.stdout.write(
    `building ${CLOSURES} closures in one file (median of ${RUNS}):\n` +
      `  plain tsc:           ${plainMs} ms\n  constellation build: ${oursMs} ms\n  transformer adds:    ${overheadMs} ms\n  ratio:               ${ratio} (aim: under 2)\n`,
  );
}
