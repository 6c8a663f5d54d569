// How a spawned process ends when its closure throws or rejects: as a Node program ends on an
// uncaught exception (code 1, the error on stderr, exit hooks run), but without the banner Node
// prints above one: the source line of the last throw, which would be the runtime's own rethrow
// rather than the program's code. The stack below it already says where the program failed.
import { inspect, types } from "node:util";

/** Ends this process with `error`, the spawned closure's failure. */
export function endWithUncaught(error: unknown): void {
  // A program that listens for uncaught exceptions gets this one as such, and decides.
  if (process.listenerCount("uncaughtException") + process.listenerCount("uncaughtExceptionMonitor") > 0) {
    process.nextTick(() => {
      throw error;
    });
    return;
  }
  // Node's own words for a value that is not an error ("Uncaught 'text'").
  const text = types.isNativeError(error) || error instanceof Error ? inspect(error) : `Uncaught ${inspect(error)}`;
  process.stderr.write(`${text}\n`);
  process.exit(1);
}
