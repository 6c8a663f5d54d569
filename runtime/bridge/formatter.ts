import type { RunEvent } from "./events.js";

/** Prints a run's events, in the order given, in one of the forms of SPEC §5. */
export interface Formatter {
  write(event: RunEvent): void;
}
