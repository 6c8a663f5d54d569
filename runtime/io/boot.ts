// Starting the I/O thread. A worker takes ~50 ms to boot here before its own modules load, so
// a process of a run starts it before the program's modules load (runtime/io/preboot.ts,
// preloaded by the launcher), and init() adopts that thread instead of waiting for a
// new one (docs/design.md §5).
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import type { Pid } from "../pid.js";
import { log } from "./log.js";
import { allocateShared, IO_FAILED, Word, type SharedMemory } from "./shared.js";
import type { ThreadData } from "./thread.js";

export interface IoOptions {
  pid: Pid;
  fabric: { host: string; port: number };
  secret: string;
  listenFd: number;
  /** Bound on one frame from a peer; larger ones close the connection. Default 1 GiB. */
  maxFrame?: number;
  /**
   * How long, in µs, the I/O thread looks for its main thread's answer after waking it
   * (IoThread.awaitAnswer; CONSTELLATION_IO_SPIN_US); 0 never. Default 60.
   */
  lookUs?: number;
}

/** A started I/O thread and the main thread's ends of what it shares with it. */
export interface Booted {
  readonly options: IoOptions;
  readonly worker: Worker;
  readonly shared: SharedMemory;
  readonly port: MessagePort;
  /** Where the I/O thread hands back the buffers of large messages it has sent (large-buffers.ts). */
  readonly returns: MessagePort;
}

/**
 * The I/O thread's young generation, at most (MiB). Its garbage is small and short-lived (its
 * messages live in buffers outside its heap), and V8 grew that generation to its maximum for the
 * allocation rate of a stream: a process sending arrays of numbers as fast as it could under
 * Resources.default() was killed after ~75 s; capped, it ran its 110 s (87 MiB of its own at
 * 100 s). 64-byte strings in 6 alternating pairs of runs: median 1.39 M/s capped, 1.41 not.
 */
const IO_YOUNG_GENERATION_MB = 8;

/** Starts an I/O thread running `threadFile` (built.ts); it reports that it runs through Word.State. */
export function boot(options: IoOptions, threadFile: string): Booted {
  const shared = allocateShared();
  const { port1, port2 } = new MessageChannel();
  const returns = new MessageChannel();
  const data: ThreadData = { ...options, shared, port: port2, returns: returns.port2 };
  // No exec arguments: the launcher's preload has nothing to do in the worker.
  const worker = new Worker(threadFile, {
    workerData: data,
    transferList: [port2, returns.port2],
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: IO_YOUNG_GENERATION_MB },
  });
  // A worker that cannot even load its code fails before its own handler is installed.
  worker.on("error", (e) => {
    log(`the I/O thread failed: ${e.stack ?? e.message}`);
    const words = new Int32Array(shared.words);
    Atomics.store(words, Word.State, IO_FAILED);
    Atomics.notify(words, Word.State);
  });
  worker.unref();
  port1.unref();
  returns.port1.unref();
  return { options, worker, shared, port: port1, returns: returns.port1 };
}

const PRESTARTED = Symbol.for("constellation-ts.io.prestarted");
type WithPrestarted = { [PRESTARTED]?: Booted };

/** Starts the I/O thread ahead of init() (see preboot.ts). */
export function prestart(options: IoOptions, threadFile: string): void {
  (globalThis as WithPrestarted)[PRESTARTED] = boot(options, threadFile);
}

/** The thread {@link prestart} started for exactly these options, if any; it can be taken once. */
export function takePrestarted(options: IoOptions): Booted | undefined {
  const holder = globalThis as WithPrestarted;
  const booted = holder[PRESTARTED];
  delete holder[PRESTARTED];
  if (!booted) return undefined;
  if (JSON.stringify(booted.options) === JSON.stringify(options)) return booted;
  void booted.worker.terminate();
  return undefined;
}
