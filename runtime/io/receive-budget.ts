// How much of its peers' messages a process holds unconsumed, all peers together. Each peer
// may fill its own window (RECEIVE_WINDOW) only while the process as a whole stays within its
// budget, sized from the process's memory: ten peers streaming to a process that reads one of
// them at a time held 40 MiB, and killed a process of Resources.default() (100 MiB, of which
// Node itself takes ~60). Below PEER_FLOOR a peer always reads, whatever the others hold: a
// program that waits on one peer while others fill the budget must still get that peer's
// messages. That floor is a promise only because the main thread, when a peer's messages are
// all taken, reports what it consumed of them once that is half the floor (channel/link.ts): such
// a peer then always counts less than the floor.
import { RECEIVE_WINDOW } from "./shared.js";

/** What each peer may hold whatever the others hold. */
export const PEER_FLOOR = 256 << 10;

const SMALLEST = 4 << 20;
const LARGEST = 64 << 20;

/** The budget of a process with `mem` bytes of memory (0: unbounded): 1/16 of it, within 4–64 MiB. */
export function receiveBudget(mem: number): number {
  return mem > 0 ? Math.min(LARGEST, Math.max(SMALLEST, Math.floor(mem / 16))) : LARGEST;
}

export class ReceiveBudget {
  private held = 0;

  /** Until the main thread tells it (Command.Start), a process has the budget of Resources.default(). */
  constructor(private total = receiveBudget(100 << 20)) {}

  resize(total: number): void {
    this.total = total;
  }

  /** Whether a peer holding `outstanding` bytes may read another frame. */
  allows(outstanding: number): boolean {
    return outstanding < PEER_FLOOR || (outstanding < RECEIVE_WINDOW && this.held < this.total);
  }

  /** A peer passed `n` more bytes to the main thread (negative: the main thread consumed them). */
  add(n: number): void {
    this.held += n;
  }
}
