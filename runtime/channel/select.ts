import { Pending, rejected, resolved, type Blockable } from "../blockable.js";
import { Failure, NOTHING, type Receiver, type Waiter } from "./receiver.js";

/** The outcome of {@link select}: which receiver, and the value it gave. */
export interface Selected<T> {
  readonly index: number;
  readonly value: T;
}

/**
 * Waits for the first of `receivers` to have a value and takes it; the others lose nothing.
 * Receivers with a value ready are taken in argument order. An error (end-of-stream, a lost
 * remote, a schema mismatch) of the first receiver to settle rejects it, as its recv would.
 *
 * @example
 * ```ts
 * const { index, value } = await select(fromLeft, fromRight);
 * console.log(index === 0 ? "left" : "right", value);
 * ```
 */
export function select<R extends Receiver<any>[]>(...receivers: R): Blockable<Selected<R[number] extends Receiver<infer U> ? U : never>> {
  type V = R[number] extends Receiver<infer U> ? U : never;
  if (receivers.length === 0) return rejected(new TypeError("select() needs at least one receiver"));
  for (let index = 0; index < receivers.length; index++) {
    const now = receivers[index]!.poll();
    if (now === NOTHING) continue;
    if (now instanceof Failure) return rejected(now.error);
    return resolved({ index, value: now as V });
  }
  const pending = new Pending<Selected<V>>();
  const waiters: Waiter<unknown>[] = receivers.map((_, index) => ({
    succeed(value: unknown) {
      done();
      pending.resolve({ index, value: value as V });
    },
    fail(error: unknown) {
      done();
      pending.reject(error);
    },
  }));
  const done = (): void => receivers.forEach((r, i) => r.unwait(waiters[i]!));
  receivers.forEach((r, i) => r.wait(waiters[i]!));
  return pending.promise;
}
