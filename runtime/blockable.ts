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

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** The producer's end of a Blockable: settle it exactly once with resolve or reject. */
export class Pending<T> {
  readonly promise: Blockable<T>;
  outcome: Outcome<T> | undefined;
  private settle!: { resolve(v: T): void; reject(e: unknown): void };

  constructor() {
    const promise = new Promise<T>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.promise = blockable(promise, this);
    driver?.hold();
  }

  get settled(): boolean {
    return this.outcome !== undefined;
  }

  resolve(value: T): void {
    if (this.outcome) return;
    this.outcome = { ok: true, value };
    this.settle.resolve(value);
    driver?.release();
  }

  reject(error: unknown): void {
    if (this.outcome) return;
    this.outcome = { ok: false, error };
    this.settle.reject(error);
    driver?.release();
  }
}

type Holder<T> = { outcome: Outcome<T> | undefined };

function blockable<T>(promise: Promise<T>, holder: Holder<T>): Blockable<T> {
  // Own properties on a native promise keep `await`'s fast path (a subclass would lose it).
  const p = promise as Blockable<T> & { [OPERATION]: Holder<T> };
  p[OPERATION] = holder;
  p.block = block;
  return p;
}

function block<T>(this: Blockable<T> & { [OPERATION]: Holder<T> }): T {
  const holder = this[OPERATION];
  while (holder.outcome === undefined) {
    if (!driver) throw new ConstellationError("call init() first: nothing can complete this operation");
    driver.step();
  }
  const outcome = holder.outcome;
  if (outcome.ok) return outcome.value;
  this.then(undefined, ignore); // the caller gets the error by throw: the promise's rejection is handled
  throw outcome.error;
}

function ignore(): void {}

/** A Blockable that has already succeeded. */
export function resolved<T>(value: T): Blockable<T> {
  return blockable(Promise.resolve(value), { outcome: { ok: true, value } });
}

/** A Blockable that has already failed. */
export function rejected<T>(error: unknown): Blockable<T> {
  return blockable(Promise.reject(error), { outcome: { ok: false, error } });
}
