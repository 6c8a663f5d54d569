// Preloaded (`--require`, as one CommonJS file: cli/postbuild.ts) by the launcher, before the
// program (docs/design.md §5): starts this process's I/O thread while the program's modules
// load, so that init() finds it running. It holds only what that takes, not the runtime.
import { isMainThread } from "node:worker_threads";
import { ioOptions, readRole } from "../process/env.js";
import { prestart } from "./boot.js";

// Workers inherit the process's exec arguments, this --require among them: only the main thread
// starts an I/O thread.
try {
  const role = isMainThread ? readRole() : undefined;
  if (role && role.role !== "bridge") prestart(ioOptions(role));
} catch {
  // A malformed environment: init() reads it again and reports it where the program can see it.
}
