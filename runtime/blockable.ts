// Blockable<T>: a real Promise (so `await` works everywhere) that can also be waited for
// synchronously. `.block()` drives the I/O completions itself (see Driver), because while it
// blocks no event loop turn, no microtask, no timer will run.

import { ConstellationError } from "./errors.js";

/**
 * A `Promise<T>` that can also be waited for synchronously with `.block()`, without busy
 * waiting. Both forms work in the root and in spawned processes, inside or outside async code.
 *
 * @example
 * ```ts
 * const n = new Receiver<number>(peer).recv().block(); // or: await rx.recv()
 * await new Sender<string>(peer).send("hi");          // or: tx.send("hi").block()
 * ```
 */
export interface Blockable<T> extends Promise<T> {
  /** Waits for the result and returns it, or throws the error. */
  block(): T;
}

/**
 * What makes pending operations progress: the main thread's side of the I/O thread.
 * `step` delivers every completion available, or sleeps until some arrive.
 * `hold`/`release` count pending operations, so the process stays alive exactly while one is.
 */
export interface Driver {
  step(): void;
  hold(): void;
  release(): void;
}

let driver: Driver | undefined;

/** Installs the driver that `.block()` runs (once, by the I/O layer). */
export function installDriver(d: Driver): void {
  driver = d;
}

const OPERATION = Symbol("constellation.operation");

/** How an operation failed, as `.block()` finds it (a value is found as itself). */
class Failed {
  constructor(readonly error: unknown) {}
}

const UNSETTLED: unique symbol = Symbol("unsettled");

/** The producer's end of a Blockable: settle it exactly once with resolve or reject. */
export class Pending<T> {
  readonly promise: Blockable<T>;
  result: T | Failed | typeof UNSETTLED = UNSETTLED;
  private settle!: { resolve(v: T): void; reject(e: unknown): void };

  constructor() {
    const promise = new Promise<T>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.promise = blockable(promise, this);
    driver?.hold();
  }

  get settled(): boolean {
    return this.result !== UNSETTLED;
  }

  resolve(value: T): void {
    if (this.settled) return;
    this.result = value;
    this.settle.resolve(value);
    driver?.release();
  }

  reject(error: unknown): void {
    if (this.settled) return;
    this.result = new Failed(error);
    this.settle.reject(error);
    driver?.release();
  }
}

/**
 * Where `.block()` finds the result: the Pending of an operation under way, or the result of one
 * settled from the start, the value itself or a Failed. A recv whose value is there (a stream's
 * common case) then costs the promise and no object around its value. Both classes are this
 * module's: no value a program or a peer gives is ever one of them.
 */
type Source<T> = Pending<T> | Failed | T;

function blockable<T>(promise: Promise<T>, source: Source<T>): Blockable<T> {
  // Own properties on a native promise keep `await`'s fast path (a subclass would lose it).
  const p = promise as Blockable<T> & { [OPERATION]: Source<T> };
  p[OPERATION] = source;
  p.block = block;
  return p;
}

/**
 * Delivers the I/O completions available, or sleeps until some arrive: what `.block()` repeats
 * until its operation has settled.
 */
export function awaitCompletions(): void {
  if (!driver) throw new ConstellationError("call init() first: nothing can complete this operation");
  driver.step();
}

function block<T>(this: Blockable<T> & { [OPERATION]: Source<T> }): T {
  let result = this[OPERATION];
  if (result instanceof Pending) {
    const pending: Pending<T> = result;
    while (!pending.settled) awaitCompletions();
    result = pending.result as T | Failed;
  }
  if (!(result instanceof Failed)) return result;
  this.then(undefined, ignore); // the caller gets the error by throw: the promise's rejection is handled
  throw result.error;
}

function ignore(): void {}

/** A Blockable that has already succeeded. */
export function resolved<T>(value: T): Blockable<T> {
  return blockable(Promise.resolve(value), value);
}

/** A Blockable that has already failed. */
export function rejected<T>(error: unknown): Blockable<T> {
  return blockable(Promise.reject(error), new Failed(error));
}
