import type { Readable } from "node:stream";
import type { ExitStatus, OutputFd, RunEvent } from "../bridge/events.js";
import type { Pid } from "../pid.js";
import type { Launched } from "./launcher.js";
import { overLimit, watchMemory } from "./memory-limit.js";

/** The events of one process, in order: its output, the end of each fd, then its exit. */
export type ProcessEvent = Extract<RunEvent, { type: "output" | "close" | "exit" }>;

/**
 * Whether the run's output has room for more. While it has none, the monitors leave their
 * processes' pipes unread, and those processes' writes wait (process/stdio.ts).
 */
export interface OutputRoom {
  readonly full: boolean;
  /** Calls `resume` once there is room again. */
  whenRoom(resume: () => void): void;
}

/**
 * Watches one process (notes/constellation.md §3.2): forwards its stdout and stderr with their
 * ends, enforces its memory limit, and reports its exit only once both fds have ended, so no
 * output can follow the exit.
 */
export class Monitor {
  private killReason: string | undefined;
  private ending: { readonly status: ExitStatus; readonly reason: string | undefined } | undefined;
  private readonly open = new Set<OutputFd>([1, 2]);
  private readonly stopWatching: () => void;

  constructor(
    private readonly launched: Launched,
    memLimit: number,
    private readonly room: OutputRoom,
    private readonly emit: (event: ProcessEvent) => void,
  ) {
    const { pid, process: child } = launched;
    this.forward(pid, 1, child.stdout!);
    this.forward(pid, 2, child.stderr!);
    // A reason explains a kill; a process that ended by itself before the kill landed has none.
    child.once("exit", (code, signal) =>
      this.exited(code === null ? { signal: signal! } : { code }, signal === "SIGKILL" ? this.killReason : undefined),
    );
    child.once("error", (error) => {
      // Only a failed start reports an error without an exit: the process never ran.
      if (child.pid === undefined) this.exited({ code: 127 }, `could not start: ${error.message}`);
    });
    this.stopWatching =
      child.pid === undefined ? () => {} : watchMemory(child.pid, memLimit, (rss) => this.kill(overLimit(memLimit, rss)));
  }

  /** Kills the process with SIGKILL; `reason` goes with its exit event. */
  kill(reason: string): void {
    if (this.ending !== undefined) return;
    this.killReason ??= reason;
    this.launched.process.kill("SIGKILL");
  }

  private forward(pid: Pid, fd: OutputFd, stream: Readable): void {
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      this.emit({ type: "close", pid, fd });
      this.open.delete(fd);
      this.maybeDone();
    };
    stream.on("data", (bytes: Buffer) => {
      this.emit({ type: "output", pid, fd, bytes });
      if (!this.room.full) return;
      stream.pause();
      this.room.whenRoom(() => stream.resume());
    });
    stream.once("end", end);
    stream.once("close", end);
    stream.once("error", end);
  }

  private exited(status: ExitStatus, reason: string | undefined): void {
    if (this.ending !== undefined) return;
    this.ending = { status, reason };
    this.stopWatching();
    this.maybeDone();
  }

  private maybeDone(): void {
    if (this.ending === undefined || this.open.size > 0) return;
    const { status, reason } = this.ending;
    this.emit({ type: "exit", pid: this.launched.pid, status, ...(reason === undefined ? {} : { reason }) });
  }
}
