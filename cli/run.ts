// `constellation run`: build the entry (or reuse the cached build), then run it with `node`. The
// program's own `init()` becomes the bridge of the run; this command only passes on the output
// format, the signals and the exit status.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { entryLayout, isBuilt } from "../transformer/entry-layout.js";

/** The bridge's output forms (SPEC section 5). */
export type OutputFormat = "human" | "json";

/**
 * Builds and runs `entry` with `args`, and resolves to the exit status the command should end
 * with: the program's, or 128 + the signal's number when a signal ended it, or 1 when the build
 * failed (its diagnostics are printed on stderr).
 */
export async function run(entry: string, format: OutputFormat, args: readonly string[]): Promise<number> {
  const layout = entryLayout(entry);
  if (isBuilt(layout)) return exec(layout.entryJs, format, args);
  // Only now load the compiler: it takes longer to load than most programs take to start.
  const { buildEntry } = await import("../transformer/entry-build.js");
  const { printDiagnostics } = await import("../transformer/format-diagnostics.js");
  const build = buildEntry(entry);
  printDiagnostics(build.diagnostics);
  if (build.failed) return 1;
  return exec(build.entryJs, format, args);
}

function exec(entryJs: string, format: OutputFormat, args: readonly string[]): Promise<number> {
  // Stack traces name the program's .ts files and lines: the build writes source maps, and
  // every process of the run inherits this flag with the bridge's exec arguments.
  const child = spawn(process.execPath, ["--enable-source-maps", entryJs, ...args], {
    stdio: "inherit",
    env: { ...process.env, CONSTELLATION_FORMAT: format },
  });
  // The bridge must hear a `kill` sent to this command, and stop the run itself: dying here
  // would leave the program's processes running.
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? 128 + constants.signals[signal!]);
    });
  });
}
