#!/usr/bin/env node
// The `constellation` command. Exit status: 0 success, 1 a build or check with errors (or the
// program's own status for `run`), 2 a usage error.
import { cac } from "cac";
import { existsSync } from "node:fs";
import { run, type OutputFormat } from "./run.js";

/** A mistake in the command line: reported in one line, exit status 2. */
class UsageError extends Error {}

const FORMATS: readonly OutputFormat[] = ["human", "json"];

const cli = cac("constellation");

cli
  .command("build", "Compile the project with the closure transformer (like tsc -p)")
  .option("-p, --project <tsconfig>", "The tsconfig.json, or a folder holding one", { default: "tsconfig.json" })
  .action((options: { project: string }) => compile("buildProject", options.project));

cli
  .command("check", "Type-check the project and its closures without emitting")
  .option("-p, --project <tsconfig>", "The tsconfig.json, or a folder holding one", { default: "tsconfig.json" })
  .action((options: { project: string }) => compile("checkProject", options.project));

cli
  .command("run <entry>", "Build an entry file (cached in .constellation/build) and run it locally; program arguments go after --")
  .option("--format <format>", "The bridge's output: human or json", { default: "human" })
  .action((entry: string, options: { format: string; "--": string[] }) => {
    if (!FORMATS.includes(options.format as OutputFormat)) throw new UsageError(`--format must be ${FORMATS.join(" or ")}, not "${options.format}"`);
    return run(existing(entry), options.format as OutputFormat, options["--"]);
  });

// `constellation <address> [nodes.toml]` starts a cluster node (SPEC section 6); any other word
// lands here too, being no command.
cli.command("[address] [nodes]", "Run a cluster node: <host:port> [nodes.toml] (not implemented yet)").action((address?: string) => {
  if (address === undefined) {
    cli.outputHelp();
    return 2;
  }
  if (/:\d+$/.test(address)) throw new UsageError("running a cluster node (constellation <address> [nodes.toml]) is not implemented yet");
  throw new UsageError(`unknown command "${address}" (see constellation --help)`);
});

cli.help();

function existing(path: string): string {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
  return path;
}

async function compile(step: "buildProject" | "checkProject", project: string): Promise<number> {
  const tsconfig = existing(project);
  // Loaded on demand, as `run` of an unchanged program does without the compiler.
  const driver = await import("../transformer/driver.js");
  const { printDiagnostics } = await import("../transformer/format-diagnostics.js");
  const result = driver[step](tsconfig);
  printDiagnostics(result.diagnostics);
  return result.failed ? 1 : 0;
}

async function main(): Promise<number> {
  try {
    cli.parse(process.argv, { run: false });
    // Help was asked for (and printed) when no command matched.
    if (!cli.matchedCommand) return 0;
    return ((await cli.runMatchedCommand()) as number | undefined) ?? 0;
  } catch (error) {
    if (!(error instanceof UsageError || (error as Error).name === "CACError")) throw error;
    process.stderr.write(`constellation: ${(error as Error).message}\n`);
    return 2;
  }
}

// Not process.exit: it may cut off output still queued for a pipe (asynchronous on macOS).
process.exitCode = await main();
