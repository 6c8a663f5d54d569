// V8 lets its young generation grow to 3 × 16 MiB of mostly garbage under a stream of messages:
// on top of Node's ~60 MiB, that alone took a process past the 100 MiB of Resources.default().
// A process with less than 512 MiB keeps it at the size it has when init() returns (1–2 MiB
// semi-spaces), by a V8 flag set at run time. On the command line (`--max-semi-space-size`,
// as this was done first) any V8 flag made every process start ~50 ms slower here: Node's
// built-in code cache is refused when V8's flags differ, and everything Node loads after its
// snapshot (the ESM loader, net, the worker) is compiled anew. Set once the process has loaded,
// it costs nothing at start.
import { setFlagsFromString } from "node:v8";
import { Mem } from "../resources.js";

/** Below this much memory, the young generation does not grow. */
const CAPPED_BELOW = 512 * Mem.MiB;

/** Stops the young generation from growing in a process given `mem` bytes, unless the program chose its own sizes. */
export function capYoungGeneration(mem: number): void {
  if (mem >= CAPPED_BELOW || process.execArgv.some((arg) => arg.includes("semi-space"))) return;
  setFlagsFromString("--semi-space-growth-factor=1");
}
