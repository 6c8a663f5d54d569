import { randomBytes } from "node:crypto";
import { LocalFabric } from "../fabric/local-fabric.js";
import type { Resources } from "../resources.js";
import type { RunEvent } from "./events.js";
import type { Formatter } from "./formatter.js";
import { HumanFormatter } from "./human.js";
import { JsonFormatter } from "./json.js";
import { OutputFlow } from "./output-flow.js";
import { RunStatus } from "./status.js";

/** The bridge's output form (SPEC §5). */
export type OutputFormat = "human" | "json";

const log = (message: string): void => void process.stderr.write(`constellation: ${message}\n`);

/**
 * Runs this program locally: starts the fabric, launches the root process (this same program
 * with the same arguments) with `resources`, prints the run's events in `format` and, when the
 * run is over, exits this process with the run's status. Never returns. Once the program has
 * spawned, the fabric keeps `spares` processes started ahead (runtime/fabric/spare.ts).
 */
export async function runLocally(resources: Resources, format: OutputFormat, spares: number): Promise<never> {
  const formatter: Formatter =
    format === "json"
      ? new JsonFormatter(process.stdout)
      : new HumanFormatter(process.stdout, process.stderr, process.stderr.isTTY === true && !("NO_COLOR" in process.env));
  const status = new RunStatus();
  // A reader that has gone (`| head`) ends the run, as SIGPIPE ends a plain program that prints.
  const output = new OutputFlow([process.stdout, process.stderr], () => fabric.stop("the run's output was closed"));
  const emit = (event: RunEvent): void => {
    formatter.write(event);
    status.record(event);
    if (status.ended) {
      fabric.close();
      output.flushed(() => process.exit(status.code()));
    }
  };
  const fabric = await LocalFabric.start({
    secret: randomBytes(32).toString("hex"),
    command: process.execPath,
    args: [...process.execArgv, ...process.argv.slice(1)],
    env: process.env,
    spares,
    emit,
    output,
    log,
  });
  stopOnSignals(fabric);
  try {
    await fabric.launchRoot(resources);
  } catch (error) {
    log(`could not start the root process: ${(error as Error).message}`);
    process.exit(1);
  }
  return new Promise<never>(() => {});
}

/**
 * Ctrl-C (or SIGTERM) stops every process of the run, which are then reported. SIGKILL always
 * ends them, so a repeated signal (a terminal's Ctrl-C reaches both `constellation run` and this
 * process, and the former forwards it) just asks again.
 */
function stopOnSignals(fabric: LocalFabric): void {
  const stop = (signal: NodeJS.Signals): void => fabric.stop(`the run was interrupted by ${signal}`);
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
