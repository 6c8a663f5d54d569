// Preloaded (`--require`, as one CommonJS file: cli/postbuild.ts) by the launcher, before the
// program (docs/design.md §5): starts this process's I/O thread while the program's modules
// load, so that init() finds it running; in a child, then waits for its assignment on fd 3
// (process/assignment.ts), so that the fabric may start it before it is needed (a spare). It
// holds only what that takes, not the runtime.
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import { readAssignment } from "../process/assignment.js";
import { restoreMallocVariable } from "../process/malloc-tuning.js";
import { blockingOutput } from "../process/stdio.js";
import { ioOptions, readStartEnv } from "../process/env.js";
import { prestart } from "./boot.js";

/** Set by the launcher for the process it starts, and taken here (see below). */
const MARK = "CONSTELLATION_PREBOOT";

// Workers and the processes a program forks inherit its exec arguments, this --require among
// them, and forked ones its environment too: only the main thread of the process the launcher
// started, the one that finds the mark, starts an I/O thread; the mark is gone before the
// program can fork.
const marked = process.env[MARK] === "1";
delete process.env[MARK];
if (marked) restoreMallocVariable();
const role = process.env.CONSTELLATION_ROLE;
if (isMainThread && marked && (role === "root" || role === "child")) {
  try {
    // Beside this file in dist/runtime/io (cli/postbuild.ts); built.ts finds it through the
    // package's exports instead, which costs ~3 ms more here.
    prestart(ioOptions(readStartEnv()), fileURLToPath(new URL("thread.bundle.cjs", import.meta.url)));
  } catch {
    // A malformed environment: init() reads it again and reports it where the program can see it.
  }
  blockingOutput();
  if (role === "child") takeAssignment();
}

function takeAssignment(): void {
  let resources: string | undefined;
  try {
    resources = readAssignment();
  } catch {
    // No fd 3 to read: init() reports the missing resources.
    return;
  }
  // The pipe ended unwritten: this process was started ahead, and its run is over.
  if (resources === undefined) process.exit(0);
  process.env.CONSTELLATION_RESOURCES = resources;
}
