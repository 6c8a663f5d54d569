// The `constellation` command as a user runs it: built dist/cli, real processes. Fixture
// programs live in test/.tmp inside the package, so `import "constellation-ts"` resolves to the
// built package by self-reference, and their builds are cached under the package's own
// .constellation/build. They do not call init(): what the bridge does is its own tests' business.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const work = join(root, "test/.tmp", `cli-${process.pid}`);
const cacheOfWork = join(root, ".constellation/build", relative(root, work));
const bin = (name: string) => join(root, "dist/cli", name);

function write(files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, file)), { recursive: true });
    writeFileSync(join(work, file), text);
  }
}

function constellation(args: string[], options: { cwd?: string; command?: string } = {}) {
  const result = spawnSync(process.execPath, [bin(options.command ?? "constellation.js"), ...args], { cwd: options.cwd ?? work, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const TSCONFIG = JSON.stringify({
  compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, rootDir: "src", outDir: "out" },
  include: ["src"],
});

const BROKEN = `import { FnOnce } from "constellation-ts";

export function counter(start: number) {
  let n = start;
  return FnOnce(() => (n += 1));
}
export const wrong: number = "one";
`;

// Prints what it was given, through a closure (so it only works transformed), and exits with
// its first argument.
const ECHO = `import { FnOnce } from "constellation-ts";
import { suffix } from "./suffix.js";

function describe(args: string[]) {
  const show = FnOnce(() => JSON.stringify({ args, format: process.env.CONSTELLATION_FORMAT }) + suffix);
  return show();
}
console.log(describe(process.argv.slice(2)));
process.exitCode = Number(process.argv[2] ?? 0);
`;

beforeAll(() => {
  if (!existsSync(bin("constellation.js"))) throw new Error("build the package first: npm run build");
  rmSync(work, { recursive: true, force: true });
  write({
    "broken/tsconfig.json": TSCONFIG,
    "broken/src/main.ts": BROKEN,
    "unchecked/tsconfig.json": TSCONFIG,
    "unchecked/src/main.ts": BROKEN,
    "fine/tsconfig.json": TSCONFIG,
    "fine/src/main.ts": `import { Fn } from "constellation-ts";\nexport const add = (n: number) => Fn((m: number) => m + n);\n`,
    "echo/main.ts": ECHO,
    "echo/suffix.ts": `export const suffix = "!";\n`,
  });
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(cacheOfWork, { recursive: true, force: true });
});

describe("constellation build", () => {
  it("fails on errors, printing them as tsc does", () => {
    const { status, stderr } = constellation(["build", "-p", "broken/tsconfig.json"]);
    expect(status).toBe(1);
    expect(stderr).toContain("broken/src/main.ts(5,24): error TS90006:");
    expect(stderr).toContain("broken/src/main.ts(7,14): error TS2322:");
  });

  it("writes the transformed outputs, silently, when there is none", () => {
    const { status, stdout, stderr } = constellation(["build", "-p", "fine"]);
    expect([status, stdout, stderr]).toEqual([0, "", ""]);
    expect(readFileSync(join(work, "fine/out/main.js"), "utf8")).toContain('__constellation.closure("');
  });
});

describe("constellation check", () => {
  it("reports the same errors and writes nothing", () => {
    const { status, stderr } = constellation(["check", "-p", "unchecked/tsconfig.json"]);
    expect(status).toBe(1);
    expect(stderr).toContain("unchecked/src/main.ts(5,24): error TS90006:");
    expect(stderr).toContain("unchecked/src/main.ts(7,14): error TS2322:");
    expect(existsSync(join(work, "unchecked/out"))).toBe(false);
  });

  it("passes a correct project", () => {
    expect(constellation(["check", "-p", "fine/tsconfig.json"]).status).toBe(0);
  });
});

describe("constellation run", () => {
  it("builds and runs a program with its arguments and format, and exits with its status", () => {
    const json = constellation(["run", "--format=json", "echo/main.ts", "--", "3", "--flag"]);
    expect(json.stderr).toBe("");
    expect(json.stdout).toBe(`${JSON.stringify({ args: ["3", "--flag"], format: "json" })}!\n`);
    expect(json.status).toBe(3);
    const human = constellation(["run", "echo/main.ts"]);
    expect([human.status, human.stdout]).toEqual([0, `${JSON.stringify({ args: [], format: "human" })}!\n`]);
  });

  it("reuses the build until an input changes", () => {
    const entryJs = join(cacheOfWork, "echo/main.js");
    expect(constellation(["run", "echo/main.ts"]).status).toBe(0);
    const built = readFileSync(`${entryJs}.manifest.json`, "utf8");
    // On a line of its own: the file ends with a source map comment and no newline.
    writeFileSync(entryJs, `${readFileSync(entryJs, "utf8")}\nconsole.log("from the cache");\n`);
    expect(constellation(["run", "echo/main.ts"]).stdout).toContain("from the cache");
    expect(readFileSync(`${entryJs}.manifest.json`, "utf8")).toBe(built);

    write({ "echo/suffix.ts": `export const suffix = "?";\n` });
    const rebuilt = constellation(["run", "echo/main.ts"]);
    expect(rebuilt.stdout).toBe(`${JSON.stringify({ args: [], format: "human" })}?\n`);
  });

  it("prints the build's errors and runs nothing when it fails", () => {
    write({
      "failing/main.ts": `import { FnOnce } from "constellation-ts";\nconst f = (n: number) => FnOnce(() => { n = 1; });\nconsole.log("ran", f(0));\n`,
    });
    const { status, stdout, stderr } = constellation(["run", "failing/main.ts"]);
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("failing/main.ts(2,41): error TS90006:");
  });

  it("forwards SIGTERM to the program and exits with its status", async () => {
    write({
      "signal/main.ts": `process.on("SIGTERM", () => { console.log("got SIGTERM"); process.exit(7); });\nconsole.log("ready");\nsetInterval(() => {}, 1000);\n`,
    });
    const child = spawn(process.execPath, [bin("constellation.js"), "run", "signal/main.ts"], { cwd: work, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (chunk.includes("ready")) child.kill("SIGTERM");
    });
    const status = await new Promise((resolve) => child.on("exit", resolve));
    expect(stdout).toBe("ready\ngot SIGTERM\n");
    expect(status).toBe(7);
  });

  it("exits with 128 + the signal's number when a signal ends the program", () => {
    write({ "killed/main.ts": `process.kill(process.pid, "SIGKILL");\n` });
    expect(constellation(["run", "killed/main.ts"]).status).toBe(128 + 9);
  });

  it("runs a CommonJS-typed project's program as ES modules, with the package from node_modules", () => {
    write({
      "cjs/package.json": JSON.stringify({ name: "cjs-app", type: "commonjs" }),
      "cjs/src/main.ts": `import { Fn } from "constellation-ts";\nconst add = (n: number) => Fn((m: number) => m + n);\nawait Promise.resolve();\nconsole.log(add(1)(2));\n`,
    });
    mkdirSync(join(work, "cjs/node_modules"));
    symlinkSync(root, join(work, "cjs/node_modules/constellation-ts"));
    const { status, stdout, stderr } = constellation(["run", "src/main.ts"], { cwd: join(work, "cjs") });
    expect([status, stdout, stderr]).toEqual([0, "3\n", ""]);
    expect(existsSync(join(work, "cjs/.constellation/build/src/main.js"))).toBe(true);
    expect(JSON.parse(readFileSync(join(work, "cjs/.constellation/build/package.json"), "utf8"))).toEqual({ type: "module" });
  });
});

describe("usage errors", () => {
  it.each([
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["run", "missing.ts"], "missing.ts: no such file"],
    [["build", "-p", "missing.json"], "missing.json: no such file"],
    [["run", "--format=xml", "echo/main.ts"], "--format must be human or json"],
    [["10.0.0.1:8888", "nodes.toml"], "not implemented yet"],
  ])("constellation %j exits 2 with a message", (args, message) => {
    const { status, stderr } = constellation(args);
    expect(status).toBe(2);
    expect(stderr).toContain(message);
  });

  it("constellation-deploy is not implemented yet", () => {
    const { status, stderr } = constellation(["10.0.0.1:8888", "echo/main.ts"], { command: "deploy.js" });
    expect(status).toBe(2);
    expect(stderr).toContain("not implemented yet");
  });
});
