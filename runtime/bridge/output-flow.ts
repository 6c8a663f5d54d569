// The bridge's stdout and stderr, as the processes' output sees them. Node queues in memory what
// a pipe has no room for, and `process.exit()` drops that queue: a reader slower than the run
// made the bridge grow by everything the run printed, then lost its last lines (a JSON line cut
// in two, the `exit` events gone). So while either stream holds more than its high-water mark,
// the monitors leave the processes' pipes unread (their writes then wait: process/stdio.ts), and
// the bridge exits only once both have been written out.
import type { Writable } from "node:stream";
import type { OutputRoom } from "../fabric/monitor.js";

export class OutputFlow implements OutputRoom {
  private readonly waiting: (() => void)[] = [];
  private watched: Writable | undefined;

  /**
   * @param closed called once, when a stream fails: its reader has gone (EPIPE, as for
   *   `constellation run … | head`); what is written to it from then on is dropped.
   */
  constructor(
    private readonly streams: readonly Writable[],
    closed: (error: Error) => void,
  ) {
    let failed = false;
    for (const stream of streams)
      stream.on("error", (error: Error) => {
        if (!failed) closed(error);
        failed = true;
        this.resume();
      });
  }

  get full(): boolean {
    return this.congested() !== undefined;
  }

  whenRoom(resume: () => void): void {
    this.waiting.push(resume);
    this.resume();
  }

  /** Calls `done` once everything written so far has left this process (or cannot). */
  flushed(done: () => void): void {
    let left = this.streams.length;
    for (const stream of this.streams) stream.write("", () => --left === 0 && done());
  }

  private congested(): Writable | undefined {
    return this.streams.find((s) => s.writableNeedDrain && !s.destroyed);
  }

  private resume(): void {
    const congested = this.congested();
    if (congested !== undefined) {
      if (this.watched === congested) return;
      this.watched = congested;
      congested.once("drain", () => {
        this.watched = undefined;
        this.resume();
      });
      return;
    }
    for (const resume of this.waiting.splice(0)) resume();
  }
}
