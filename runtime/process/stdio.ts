// A process of a run writes its stdout and stderr into pipes that its monitor reads. Node keeps
// a pipe non-blocking and queues in memory whatever the pipe has no room for: a process printing
// faster than the run's output was read grew until killed for its memory (100 000 lines under
// Resources.default()), and `process.exit()` dropped what was queued (49 000 lines of 50 000), as
// Node documents. In blocking mode a write waits for room, as a C or Rust program's does, and what
// was printed has left the process once the write returns. (The TypeScript compiler does the same
// for its own stdout.)

interface StreamHandle {
  setBlocking?(blocking: boolean): number;
}

/** Makes this process's stdout and stderr writes wait for room instead of queueing in memory. */
export function blockingOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    // Present on pipes and sockets; a file is written synchronously already, a TTY is blocking.
    (stream as unknown as { _handle?: StreamHandle })._handle?.setBlocking?.(true);
  }
}
