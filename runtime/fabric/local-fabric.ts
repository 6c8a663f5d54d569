import type { RunEvent } from "../bridge/events.js";
import { SpawnError } from "../errors.js";
import type { Pid } from "../pid.js";
import type { Resources } from "../resources.js";
import { ControlServer } from "./control-server.js";
import type { Environment } from "./environment.js";
import { type LaunchRequest, Launcher, type LauncherOptions } from "./launcher.js";
import { Monitor, type OutputRoom, type ProcessEvent } from "./monitor.js";

/** What a local run needs: the program to start, its secret, and where events and logs go. */
export interface LocalFabricOptions extends Omit<LauncherOptions, "fabric"> {
  /** Receives every event of the run, in an order that keeps SPEC §5's guarantees. */
  readonly emit: (event: RunEvent) => void;
  /** Where the processes' output goes: while it is full, their output waits. */
  readonly output: OutputRoom;
  /** The fabric's own diagnostics (refused connections). */
  readonly log: (message: string) => void;
}

/**
 * One live process. Its exit is reported only once three things have ended: the process (its
 * monitor's exit, after both fds closed), its control connection (so every spawn it asked for
 * has been seen), and the launches it asked for (so their `spawn` events come first).
 */
interface Entry {
  readonly monitor: Monitor;
  exit: Extract<ProcessEvent, { type: "exit" }> | undefined;
  connection: "none" | "open" | "closed";
  launching: number;
}

/**
 * The fabric of a local run: a one-node cluster inside the bridge process. Every process is
 * started here, on this machine, with no capacity accounting (as in the original); each has a
 * monitor; the control listener answers their spawn requests and tells them when any exits.
 */
export class LocalFabric {
  private readonly processes = new Map<Pid, Entry>();
  private stopping: string | undefined;

  private constructor(
    private readonly options: LocalFabricOptions,
    private readonly control: ControlServer,
    private readonly launcher: Launcher,
  ) {}

  /** Starts the control listener. */
  static async start(options: LocalFabricOptions): Promise<LocalFabric> {
    let fabric: LocalFabric | undefined;
    const control = await ControlServer.listen(
      options.secret,
      {
        hello: (pid) => fabric!.connected(pid),
        spawn: (parent, resources, env, arg) => fabric!.spawn(parent, resources, env, arg),
        disconnected: (pid) => fabric!.disconnected(pid),
      },
      options.log,
    );
    fabric = new LocalFabric(options, control, new Launcher({ ...options, fabric: control.address }));
    return fabric;
  }

  /** Starts the root process; emits `start`. */
  async launchRoot(resources: Resources): Promise<Pid> {
    return this.launch({ role: "root", resources }, (pid) => this.options.emit({ type: "start", pid }));
  }

  /** Kills every process of the run (SIGKILL, with `reason`) and refuses further spawns. */
  stop(reason: string): void {
    this.stopping ??= reason;
    this.launcher.close();
    for (const entry of this.processes.values()) entry.monitor.kill(reason);
  }

  /** Stops listening and ends the spare, once the run is over. */
  close(): void {
    this.launcher.close();
    this.control.close();
  }

  private async spawn(parent: Pid, resources: Resources, env: Environment, arg: Buffer): Promise<Pid> {
    const entry = this.processes.get(parent);
    if (entry === undefined || entry.exit !== undefined) throw new SpawnError(`${parent} has exited`, resources);
    if (this.stopping !== undefined) throw new SpawnError(`the run is stopping: ${this.stopping}`, resources);
    entry.launching++;
    try {
      return await this.launch({ role: "child", resources, env, arg }, (child) => this.options.emit({ type: "spawn", pid: parent, child }));
    } finally {
      entry.launching--;
      this.maybeExited(parent, entry);
    }
  }

  /** Launches a process, announces it (before any of its own events), and monitors it. */
  private async launch(request: LaunchRequest, announce: (pid: Pid) => void): Promise<Pid> {
    const launched = await this.launcher.launch(request);
    const { pid } = launched;
    announce(pid);
    let entry: Entry | undefined;
    const monitor = new Monitor(launched, request.resources.mem, this.options.output, (event) => {
      if (event.type !== "exit") return this.options.emit(event);
      entry!.exit = event;
      // A child that ended before its hello has finished starting too; the root's end is the run's.
      if (request.role === "child") this.launcher.topUp();
      this.maybeExited(pid, entry!);
    });
    entry = { monitor, exit: undefined, connection: "none", launching: 0 };
    this.processes.set(pid, entry);
    if (this.stopping !== undefined) monitor.kill(this.stopping);
    return pid;
  }

  private connected(pid: Pid): string | undefined {
    const entry = this.processes.get(pid);
    if (entry === undefined) return "no such process in this run";
    if (entry.connection !== "none") return "already connected";
    if (entry.exit !== undefined) return "it has exited";
    entry.connection = "open";
    this.launcher.topUp();
    return undefined;
  }

  private disconnected(pid: Pid): void {
    const entry = this.processes.get(pid);
    if (entry === undefined) return;
    entry.connection = "closed";
    this.maybeExited(pid, entry);
  }

  private maybeExited(pid: Pid, entry: Entry): void {
    const { exit } = entry;
    if (exit === undefined || entry.connection === "open" || entry.launching > 0) return;
    if (this.processes.get(pid) !== entry) return;
    this.processes.delete(pid);
    this.options.emit(exit);
    const { status, reason } = exit;
    this.control.broadcast({ t: "exited", pid, status, ...(reason === undefined ? {} : { reason }) });
  }
}
