// Every socket read hands the I/O thread a fresh buffer of up to 64 KiB. The thread allocates
// little else, so V8 sees no reason to collect, and waits for ~64 MiB of such external memory
// before it does: a process receiving a stream went past the 100 MiB of Resources.default()
// on garbage alone (docs/design.md §5). A young-generation collection after every few MiB read
// frees those buffers; it costs well under a millisecond on the thread's small heap.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const EVERY = 4 << 20;

type Collect = (options: { type: "minor" }) => void;

/**
 * V8's `gc`, exposed to a context of our own (~4 ms: made on first need, off the start-up);
 * null if this V8 refuses the flag.
 */
let collect: Collect | null | undefined;

function collector(): Collect | null {
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as Collect;
  } catch {
    return null;
  }
}

let read = 0;

/** Counts bytes read from a socket; collects the young generation every few MiB. */
export function countRead(bytes: number): void {
  read += bytes;
  if (read < EVERY) return;
  read = 0;
  collect ??= collector();
  collect?.({ type: "minor" });
}
