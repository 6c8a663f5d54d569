// Preloaded (`--require`, as one CommonJS file: cli/postbuild.ts) by the launcher, before the
// program (docs/design.md §5): starts this process's I/O thread while the program's modules
// load, so that init() finds it running. It holds only what that takes, not the runtime.
import { isMainThread } from "node:worker_threads";
import { ioOptions, readRole } from "../process/env.js";
import { prestart } from "./boot.js";

/** Set by the launcher for the process it starts, and taken here (see below). */
const MARK = "CONSTELLATION_PREBOOT";

// Workers and the processes a program forks inherit its exec arguments, this --require among
// them, and forked ones its environment too: only the main thread of the process the launcher
// started, the one that finds the mark, starts an I/O thread; the mark is gone before the
// program can fork.
const marked = process.env[MARK] === "1";
delete process.env[MARK];
try {
  const role = isMainThread && marked ? readRole() : undefined;
  if (role && role.role !== "bridge") prestart(ioOptions(role));
} catch {
  // A malformed environment: init() reads it again and reports it where the program can see it.
}
