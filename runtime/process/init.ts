import { closeSync, readFileSync } from "node:fs";
import { isClosure } from "../closure.js";
import { decode } from "../codec/index.js";
import { ConstellationError } from "../errors.js";
import { parseResources } from "../fabric/resources-json.js";
import { startIo } from "../io/index.js";
import { isPid, type Pid } from "../pid.js";
import { Resources } from "../resources.js";
import { SPAWN_ARG_FD } from "./assignment.js";
import { endWithUncaught } from "./uncaught.js";
import { ioOptions, type ProcessEnv, readRole } from "./env.js";


type InitState = { readonly phase: "not called" } | { readonly phase: "running" } | { readonly phase: "ready"; readonly pid: Pid; readonly resources: Resources };

let state: InitState = { phase: "not called" };

/**
 * Starts constellation; must run before any other call. In the process you start, it starts
 * the bridge and launches the program's root process, and never resolves: this process exits
 * with the run's status when the run ends. In the root process it resolves and the program goes
 * on. In a spawned process it never resolves: it runs the spawned closure, then the process
 * ends (code 0, or 1 with the error on stderr if the closure threw).
 *
 * @param resources the root process's requirements (default {@link Resources.default}).
 * @example
 * ```ts
 * import { init, spawn, FnOnce, Resources, type Pid } from "constellation-ts";
 *
 * await init(Resources.default());
 * const child = await spawn(FnOnce((parent: Pid) => console.log(`spawned by ${parent}`)));
 * ```
 */
export async function init(resources: Resources = Resources.default()): Promise<void> {
  if (state.phase !== "not called") throw new ConstellationError("init() was called twice: call it once, at the start of the program");
  if (parseResources(resources) === undefined) {
    throw new TypeError(`init(resources): expected { mem: whole bytes >= 0, cpu: cores >= 0 }, got ${JSON.stringify(resources)}`);
  }
  state = { phase: "running" };
  const role = readRole();
  switch (role.role) {
    case "bridge": {
      // Only the bridge needs the fabric and the output formats: loading them lazily keeps
      // them off every spawned process's start-up.
      const { runLocally } = await import("../bridge/local.js");
      return runLocally(resources, role.format, role.spares);
    }
    case "root":
      start(role);
      return;
    case "child":
      start(role);
      return runClosure();
  }
}

function start(env: ProcessEnv): void {
  startIo(ioOptions(env), env.resources.mem);
  state = { phase: "ready", pid: env.pid, resources: env.resources };
}

/** This process's state once `init()` has started it; throws before. */
export function initialized(): { readonly pid: Pid; readonly resources: Resources } {
  if (state.phase !== "ready") throw new ConstellationError("call init() first: it must run before any other constellation-ts call");
  return state;
}

/**
 * This process's pid.
 *
 * @example
 * ```ts
 * await init();
 * console.log(`I am ${shortPid(pid())}`);
 * ```
 */
export function pid(): Pid {
  return initialized().pid;
}

/**
 * This process's resources: those given to `init` in the root, those given to `spawn` in a
 * spawned process.
 *
 * @example
 * ```ts
 * await init({ mem: 512 * Mem.MiB, cpu: 1 });
 * console.log(resources().mem); // 536870912
 * ```
 */
export function resources(): Resources {
  return initialized().resources;
}

/**
 * Runs the spawned closure with its parent's pid. The process then ends as a Node program does:
 * when the closure has settled and the event loop is empty (code 0, or `process.exitCode`), at
 * once as an uncaught exception (code 1, the error printed) if it threw or rejected, or at
 * `process.exit(n)`.
 */
function runClosure(): Promise<never> {
  const { parent, closure } = readSpawnArg();
  let settled = false;
  // `await init()` never settles in a child, which Node reports (exit 13) when the loop empties.
  process.on("beforeExit", () => {
    if (settled) process.exit();
    process.stderr.write("constellation: the spawned closure's promise never settled, and nothing is left to run\n");
    process.exit(13);
  });
  void (async () => {
    try {
      await closure(parent);
    } catch (error) {
      endWithUncaught(error);
    } finally {
      settled = true;
    }
  })();
  return new Promise<never>(() => {});
}

function readSpawnArg(): { parent: Pid; closure: (parent: Pid) => unknown } {
  const bytes = readFileSync(SPAWN_ARG_FD);
  closeSync(SPAWN_ARG_FD);
  const arg = decode(bytes) as { parent?: unknown; closure?: unknown } | null;
  if (typeof arg !== "object" || arg === null || !isPid(arg.parent) || !isClosure(arg.closure)) {
    throw new ConstellationError("the spawn argument on fd 3 is not { parent: Pid, closure }: was this process started by the fabric?");
  }
  return { parent: arg.parent, closure: arg.closure };
}
