// A process of a run writes its stdout and stderr into pipes that its monitor reads. Node keeps
// a pipe non-blocking and queues in memory whatever the pipe has no room for: a process printing
// faster than the run's output was read grew until killed for its memory (100 000 lines under
// Resources.default()), and `process.exit()` dropped what was queued (342 lines of 200 000 came
// through), as Node documents. In blocking mode a write waits for room, as a C or Rust program's
// does, and what was printed has left the process once the write returns. (The TypeScript
// compiler does the same for its own stdout.)

interface StreamHandle {
  setBlocking?(blocking: boolean): number;
}

/**
 * Makes this process's stdout and stderr writes wait for room instead of queueing in memory,
 * from their first use: Node makes each stream when it is first used, and making them here
 * (~6 ms, loading its net modules) cost every spawn of a process that never prints.
 */
export function blockingOutput(): void {
  for (const name of ["stdout", "stderr"] as const) {
    const own = Object.getOwnPropertyDescriptor(process, name);
    const get = own?.get;
    if (own?.configurable !== true || get === undefined) {
      block(process[name]);
      continue;
    }
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: own.enumerable,
      get(): NodeJS.WriteStream {
        const stream = get.call(process) as NodeJS.WriteStream;
        // Node's own getter again: it keeps the stream it made.
        Object.defineProperty(process, name, own);
        block(stream);
        return stream;
      },
    });
  }
}

function block(stream: NodeJS.WriteStream): void {
  // Present on pipes and sockets; a file is written synchronously already, a TTY is blocking.
  (stream as unknown as { _handle?: StreamHandle })._handle?.setBlocking?.(true);
}
