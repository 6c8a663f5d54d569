import { type ChildProcess, spawn as spawnProcess, type StdioOptions } from "node:child_process";
import { createServer, type Server } from "node:net";
import type { Writable } from "node:stream";
import { PREBOOT_FILE } from "../io/built.js";
import { makePid, type Pid } from "../pid.js";
import type { Environment } from "./environment.js";
import type { Resources } from "../resources.js";

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
}

const HOST = "127.0.0.1";

/** Starts the I/O thread before the program loads (runtime/io/preboot.ts). */
const PREBOOT = ["--require", PREBOOT_FILE];

/** Starts the processes of a run on this machine (docs/design.md §3: environment and fds). */
export class Launcher {
  constructor(private readonly options: LauncherOptions) {}

  /**
   * Binds the process's listener (so its pid is known before it starts), then starts it with the
   * listener on fd 4 and, for a child, its spawn argument written to the pipe on fd 3.
   */
  async launch(request: LaunchRequest): Promise<Launched> {
    const listener = await listen();
    try {
      const { port } = listener.address() as { port: number };
      const pid = makePid(HOST, port);
      const { fabric, secret, command, args, env } = this.options;
      const stdio: StdioOptions = ["ignore", "pipe", "pipe", request.role === "child" ? "pipe" : "ignore", listenerFd(listener)];
      const child = spawnProcess(command, [...PREBOOT, ...args], {
        stdio,
        env: {
          ...(request.role === "child" ? request.env : env),
          CONSTELLATION_ROLE: request.role,
          CONSTELLATION_PID: pid,
          CONSTELLATION_FABRIC: `${fabric.host}:${fabric.port}`,
          CONSTELLATION_SECRET: secret,
          CONSTELLATION_RESOURCES: JSON.stringify({ mem: request.resources.mem, cpu: request.resources.cpu }),
          CONSTELLATION_PREBOOT: "1",
        },
      });
      if (request.role === "child") {
        const argPipe = child.stdio[3] as Writable;
        // The child may die before reading its argument: its exit is reported by the monitor.
        argPipe.on("error", () => {});
        argPipe.end(request.arg);
      }
      return { pid, process: child };
    } finally {
      listener.close();
    }
  }
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
