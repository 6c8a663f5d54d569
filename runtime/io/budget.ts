// How much of its messages on their way a process holds, one way, all peers together. Each
// peer may fill its own window only while the process as a whole stays within its budget
// (shared.ts budgetOf, sized from the process's memory): ten peers streaming to a process that
// read one of them at a time held 40 MiB, and killed a process of Resources.default() (100 MiB,
// of which Node itself then counted ~60: its whole resident set did); a root sending to ten workers slow to read held as much in
// its I/O thread. Below PEER_FLOOR a peer always goes on, whatever the others hold: a program
// that waits on one peer while others fill the budget still gets (or gets to send) that peer's
// messages. On the receiving side that floor is a promise only because the main thread, when a
// peer's messages are all taken, reports what it consumed of them once that is half the floor
// (channel/link.ts): such a peer then always counts less than the floor.
import { PEER_FLOOR } from "./shared.js";

export class Budget {
  private held = 0;

  /**
   * @param total what the process may hold, all peers together.
   * @param window what one peer may hold.
   */
  constructor(
    private total: number,
    private readonly window: number,
  ) {}

  resize(total: number): void {
    this.total = total;
  }

  /** Whether a peer holding `own` bytes may take another message. */
  allows(own: number): boolean {
    return own < PEER_FLOOR || (own < this.window && !this.spent);
  }

  /** Whether the process holds its whole budget. */
  get spent(): boolean {
    return this.held >= this.total;
  }

  /** A peer holds `n` more bytes (negative: fewer). */
  add(n: number): void {
    this.held += n;
  }
}
