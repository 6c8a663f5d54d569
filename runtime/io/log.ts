// The I/O thread must never use console: worker stdio travels through the main thread, which
// may be blocked in Atomics.wait (perf-reference.md §7). fs.writeSync reaches stderr at once.
import { writeSync } from "node:fs";

export function log(message: string): void {
  try {
    writeSync(2, `constellation I/O: ${message}\n`);
  } catch {
    // stderr gone: nothing better to do
  }
}
