// Builds a program with the project's transformer (buildEntry of transformer/entry-build.ts, from
// dist/) and runs the emitted file as users do, `CONSTELLATION_FORMAT=json node <file>`; from the
// bridge's JSON events it takes the root's figures (its last stdout line) and the run's facts.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runProcess, lastJsonLine, failed } from "./child.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const transformerDir = `${root}dist/transformer/`;
const built = new Map();

export function projectFile(relative) {
  return `${root}${relative}`;
}

// The emitted .js of a program (built once per bench run; buildEntry itself skips unchanged builds).
export function buildProgram(relative) {
  if (!built.has(relative)) built.set(relative, build(relative));
  return built.get(relative);
}

async function build(relative) {
  const driver = `${transformerDir}entry-build.js`;
  if (!existsSync(driver)) throw new Error(`cannot build ${relative}: ${driver} does not exist (run npm run build)`);
  const { buildEntry } = await import(pathToFileURL(driver).href);
  const result = await buildEntry(projectFile(relative));
  if (result.failed) {
    const { formatDiagnostics } = await import(pathToFileURL(`${transformerDir}format-diagnostics.js`).href);
    throw new Error(`building ${relative} failed:\n${formatDiagnostics(result.diagnostics, false)}`);
  }
  return result.entryJs;
}

// Returns { seconds, spawns, rootOut } of one run; throws unless the run exited with status 0,
// with what its processes wrote on stderr.
export async function runBuilt(file, args, { timeoutSeconds = 30 } = {}) {
  const run = await runProcess(file, args, {
    timeoutSeconds,
    env: { ...process.env, CONSTELLATION_FORMAT: "json" },
  });
  let rootPid = null;
  let spawns = 0;
  const rootOut = [];
  const errOut = [run.stderr];
  for (const line of run.stdout.split("\n")) {
    if (!line) continue;
    const event = JSON.parse(line);
    if (event.type === "start") rootPid = event.pid;
    else if (event.type === "spawn") spawns++;
    else if (event.type === "output") {
      const text = event.data ?? Buffer.from(event.base64, "base64").toString();
      if (event.fd === 2) errOut.push(text);
      else if (event.pid === rootPid) rootOut.push(text);
    }
  }
  if (run.failure) throw failed(file, run.failure, errOut.join(""));
  return { seconds: run.seconds, spawns, rootOut: rootOut.join("") };
}

// A bench program's figures: the last JSON line its root printed.
export async function runProgram(relative, args, options) {
  const file = await buildProgram(relative);
  const { rootOut } = await runBuilt(file, args, options);
  return lastJsonLine(rootOut, relative);
}
