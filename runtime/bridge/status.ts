import { constants } from "node:os";
import type { Pid } from "../pid.js";
import { type ExitStatus, type RunEvent, succeeded } from "./events.js";

/**
 * Follows a run's events to know when it ends (the root and every process it led to have
 * exited) and the status the command then exits with (SPEC §4): 0 if every process succeeded,
 * else the root's non-zero code (128 + the signal's number if a signal ended it), else 1.
 */
export class RunStatus {
  private root: Pid | undefined;
  private rootStatus: ExitStatus | undefined;
  private anyFailed = false;
  private readonly live = new Set<Pid>();

  /** Takes the run's next event. */
  record(event: RunEvent): void {
    switch (event.type) {
      case "start":
        this.root = event.pid;
        this.live.add(event.pid);
        break;
      case "spawn":
        this.live.add(event.child);
        break;
      case "exit":
        this.live.delete(event.pid);
        if (!succeeded(event.status)) this.anyFailed = true;
        if (event.pid === this.root) this.rootStatus = event.status;
        break;
    }
  }

  /** Whether the run is over: it started and no process of it is left. */
  get ended(): boolean {
    return this.root !== undefined && this.live.size === 0;
  }

  /** The status the command exits with. */
  code(): number {
    if (!this.anyFailed) return 0;
    const root = this.rootStatus;
    if (root === undefined || succeeded(root)) return 1;
    return "code" in root ? root.code : 128 + (constants.signals[root.signal] ?? 0);
  }
}
