import { type ChildProcess, spawn as spawnProcess, type StdioOptions } from "node:child_process";
import { createServer, type Server } from "node:net";
import type { Writable } from "node:stream";
import { PREBOOT_FILE } from "../io/built.js";
import { makePid, type Pid } from "../pid.js";
import { assignmentBytes } from "../process/assignment.js";
import { tunedMalloc } from "../process/malloc-tuning.js";
import type { Environment } from "./environment.js";
import { resourcesJson } from "./resources-json.js";
import type { Resources } from "../resources.js";
import { Spare } from "./spare.js";

/** What to start: the root, or a child with its spawn argument (fd 3). */
export type LaunchRequest =
  | { readonly role: "root"; readonly resources: Resources }
  | { readonly role: "child"; readonly resources: Resources; readonly env: Environment; readonly arg: Uint8Array };

/** A started process: its pid and its OS process, stdout and stderr piped. */
export interface Launched {
  readonly pid: Pid;
  readonly process: ChildProcess;
}

/** How every process of the run is started: the program, and how to reach the fabric. */
export interface LauncherOptions {
  /** The fabric's control listener. */
  readonly fabric: { readonly host: string; readonly port: number };
  readonly secret: string;
  /** `node` and its arguments (exec arguments, script, program arguments). */
  readonly command: string;
  readonly args: readonly string[];
  /** The root's environment (a child's is its parent's); docs/design.md §3 adds its own variables. */
  readonly env: NodeJS.ProcessEnv;
  /** How many spares to keep once a child has been launched (0: none). */
  readonly spares: number;
}

const HOST = "127.0.0.1";

/** Starts the I/O thread before the program loads (runtime/io/preboot.ts). */
const PREBOOT = ["--require", PREBOOT_FILE];

/** The variables the launcher sets (docs/design.md §3): a parent's own are not its child's. */
const RUN_VARIABLES = ["CONSTELLATION_ROLE", "CONSTELLATION_PID", "CONSTELLATION_FABRIC", "CONSTELLATION_SECRET", "CONSTELLATION_RESOURCES", "CONSTELLATION_PREBOOT"];

/**
 * Starts the processes of a run on this machine (docs/design.md §3: environment and fds). Once
 * a child has been spawned, it keeps `spares` more started ahead ({@link Spare}) for the next.
 */
export class Launcher {
  /** Oldest (the most likely to have finished starting) first. */
  private spares: Spare[] = [];
  private sparesStarting = 0;
  /** The environment of the last child launched: the next spawn's, most likely. */
  private nextEnv: Environment | undefined;
  private closed = false;

  constructor(private readonly options: LauncherOptions) {}

  /** Starts the root, or gives a child's assignment to a spare or a new process. */
  async launch(request: LaunchRequest): Promise<Launched> {
    if (request.role === "root") return this.start(this.options.env, request.resources);
    const env = ownVariables(request.env);
    const child = this.takeSpare(env) ?? (await this.start(env));
    const pipe = child.process.stdio[3] as Writable;
    // The child may die before reading its argument: its exit is reported by the monitor.
    pipe.on("error", () => {});
    for (const bytes of assignmentBytes(request.resources, request.arg)) pipe.write(bytes);
    pipe.end();
    this.nextEnv = env;
    return child;
  }

  /**
   * A process of the run has finished starting (it said hello to the fabric, or it ended): starts
   * the spares for the next spawns now, rather than beside a child still starting, which a spare
   * starting would slow (the spawn with a spare ready: ~50 → ~35 ms here; docs/processes.md).
   */
  topUp(): void {
    const env = this.nextEnv;
    while (env !== undefined && this.spares.length + this.sparesStarting < this.options.spares && !this.closed) void this.startSpare(env);
  }

  /** Ends the spares, and starts no other: the run is over or stopping. */
  close(): void {
    this.closed = true;
    for (const spare of this.spares.splice(0)) spare.kill();
  }

  private takeSpare(env: Environment): Launched | undefined {
    for (let spare = this.spares.shift(); spare; spare = this.spares.shift()) {
      if (spare.fits(env)) return spare.launched;
      spare.kill();
    }
    return undefined;
  }

  private async startSpare(env: Environment): Promise<void> {
    this.sparesStarting++;
    try {
      const spare = new Spare(await this.start(env), env);
      if (this.closed) spare.kill();
      else this.spares.push(spare);
    } catch {
      // Only a head start is lost: the next spawn starts its own process, and reports its failure.
    } finally {
      this.sparesStarting--;
    }
  }

  /**
   * Binds the process's listener (so its pid is known before it starts), then starts it with the
   * listener on fd 4 and, for a child (no `rootResources`), a pipe on fd 3 for its assignment.
   */
  private async start(env: Environment | NodeJS.ProcessEnv, rootResources?: Resources): Promise<Launched> {
    const listener = await listen();
    try {
      const { port } = listener.address() as { port: number };
      const pid = makePid(HOST, port);
      const { fabric, secret, command, args } = this.options;
      const stdio: StdioOptions = ["ignore", "pipe", "pipe", rootResources ? "ignore" : "pipe", listenerFd(listener)];
      const process = spawnProcess(command, [...PREBOOT, ...args], {
        stdio,
        env: {
          ...env,
          GLIBC_TUNABLES: tunedMalloc(env.GLIBC_TUNABLES),
          CONSTELLATION_ROLE: rootResources ? "root" : "child",
          CONSTELLATION_PID: pid,
          CONSTELLATION_FABRIC: `${fabric.host}:${fabric.port}`,
          CONSTELLATION_SECRET: secret,
          ...(rootResources ? { CONSTELLATION_RESOURCES: resourcesJson(rootResources) } : {}),
          CONSTELLATION_PREBOOT: "1",
        },
      });
      return { pid, process };
    } finally {
      listener.close();
    }
  }
}

/** A parent's environment without the variables that described the parent itself. */
function ownVariables(env: Environment): Environment {
  const own = { ...env };
  for (const name of RUN_VARIABLES) delete own[name];
  return own;
}

function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host: HOST, port: 0, exclusive: true }, () => resolve(server));
  });
}

/** The OS fd of a listening server, to hand to the child (Node has no public accessor). */
function listenerFd(server: Server): number {
  const fd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== "number" || fd < 0) throw new Error("cannot get the listener's file descriptor");
  return fd;
}
