// A child process started before any spawn asks for it: it boots node, loads the preload and
// starts its I/O thread, then waits on fd 3 (process/assignment.ts) for the spawn that takes it.
// A spawn then costs what is left: loading the program and running the closure, not node's own
// start-up (~100 ms here; docs/processes.md). It is used only by a spawn whose environment is
// exactly the one it was started with, since node reads parts of the environment (NODE_OPTIONS,
// TZ, locale…) as it starts, before the spawn that takes it is known.
import type { Environment } from "./environment.js";
import type { Launched } from "./launcher.js";

export class Spare {
  constructor(
    readonly launched: Launched,
    private readonly env: Environment,
  ) {
    // Until a spawn takes it, nothing else listens: a failed start (no pid, see fits) must not
    // be an unhandled 'error' in the bridge.
    launched.process.on("error", () => {});
  }

  /** Whether it can be given to a spawn with environment `env`: it runs, started with the same. */
  fits(env: Environment): boolean {
    const { pid, exitCode, signalCode } = this.launched.process;
    if (pid === undefined || exitCode !== null || signalCode !== null) return false;
    const keys = Object.keys(env);
    return keys.length === Object.keys(this.env).length && keys.every((k) => this.env[k] === env[k]);
  }

  /** Ends it unused; it was never announced, so nothing reports it. */
  kill(): void {
    this.launched.process.kill("SIGKILL");
  }
}
