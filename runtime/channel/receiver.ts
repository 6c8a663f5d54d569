import { awaitCompletions, Pending, rejected, resolved, type Blockable } from "../blockable.js";
import { ChannelError, SchemaError } from "../errors.js";
import { shortPid, type Pid } from "../pid.js";
import { running } from "../io/index.js";
import type { TypeCheck } from "../validator.js";
import { channelError } from "./errors.js";
import { END, Undecodable } from "./inbox.js";
import { PASSED, type Drainable, type Link } from "./link.js";

/** One pending recv (or a select's claim on this receiver). */
export interface Waiter<T> {
  succeed(value: T): void;
  fail(error: unknown): void;
}

/** What {@link Receiver.poll} returns when nothing is there yet. */
export const NOTHING: unique symbol = Symbol("nothing yet");

/** A recv that fails: what {@link Receiver.poll} returns instead of the value. */
export class Failure {
  constructor(readonly error: unknown) {}
}

/**
 * The receiving half of the channel from `pid` to this process. At most one live Receiver per
 * remote pid per process (a second one throws `ChannelError` "duplicate"). Messages sent
 * before it existed wait for it, and so do those a dropped Receiver left unread, with the end
 * of their stream; a Receiver dropped after its stream's last message takes that stream's end
 * with it, so channels made and dropped for each message (`using`) meet. Every value received
 * is checked against the channel's declared type (when built with the transformer): a mismatch
 * rejects that recv with `SchemaError`. When the remote closes its Sender, recv rejects with
 * `ChannelError` "closed" and iteration ends; when the remote is gone, with "exited" or
 * "connection lost". It iterates with `for await` and, blocking as `.block()` does, with `for`.
 *
 * @example
 * ```ts
 * using rx = new Receiver<string>(parent);
 * const first = rx.recv().block();
 * for await (const line of rx) console.log(line);
 * ```
 */
export class Receiver<T> implements AsyncIterable<T>, Iterable<T>, Disposable, Drainable {
  private readonly link: Link;
  private readonly waiters: Waiter<T>[] = [];
  private state: "open" | "ended" | "closed" = "open";

  /**
   * @param pid the remote process.
   * @param typeCheck the declared type, injected by the transformer: every value is checked.
   */
  constructor(
    readonly pid: Pid,
    private readonly typeCheck?: TypeCheck,
  ) {
    const link = running().links.forPid(pid, "Receiver");
    if (link.receiver) throw channelError(pid, "duplicate", "Receiver");
    link.receiver = this;
    this.link = link;
    link.open("Receiver");
  }

  /**
   * Receives the next value. With `signal`, an abort rejects it with the signal's reason and
   * consumes nothing.
   */
  recv(options?: { signal?: AbortSignal }): Blockable<T> {
    const signal = options?.signal;
    if (signal?.aborted) return rejected(signal.reason);
    const now = this.takeNow();
    if (now !== NOTHING) return now instanceof Failure ? rejected(now.error) : resolved(now);
    const pending = new Pending<T>();
    if (!signal) {
      this.wait({ succeed: (v) => pending.resolve(v), fail: (e) => pending.reject(e) });
      return pending.promise;
    }
    const onAbort = (): void => {
      this.unwait(waiter);
      pending.reject(signal.reason);
    };
    const waiter: Waiter<T> = {
      succeed: (v) => {
        signal.removeEventListener("abort", onAbort);
        pending.resolve(v);
      },
      fail: (e) => {
        signal.removeEventListener("abort", onAbort);
        pending.reject(e);
      },
    };
    signal.addEventListener("abort", onAbort, { once: true });
    this.wait(waiter);
    return pending.promise;
  }

  /** Drops this Receiver; pending recvs reject with "closed". Unread messages stay for a next one. */
  close(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.link.dropReceiver();
    for (const w of this.waiters.splice(0)) w.fail(channelError(this.pid, "closed", "Receiver"));
  }

  [Symbol.dispose](): void {
    this.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    const ended = (e: unknown): IteratorResult<T, undefined> => this.ended(e);
    return {
      next: () => {
        // The common case, a value already here, without the recv promise and its `then`.
        const now = this.takeNow();
        if (now instanceof Failure) return new Promise((resolve) => resolve(ended(now.error)));
        if (now !== NOTHING) return Promise.resolve({ value: now, done: false });
        return this.recv().then((value) => ({ value, done: false }), ended);
      },
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }

  /**
   * Iterates synchronously: each value is waited for as `recv().block()` waits, and the loop
   * ends at end-of-stream (it throws if the remote was lost, or a value does not match the
   * type). The blocking counterpart of `for await`, and cheaper per value: no promise is made
   * for a value already there.
   *
   * @example
   * ```ts
   * for (const line of new Receiver<string>(parent)) console.log(line);
   * ```
   */
  [Symbol.iterator](): Iterator<T, undefined> {
    return {
      next: () => {
        for (;;) {
          const now = this.takeNow();
          if (now instanceof Failure) return this.ended(now.error);
          if (now !== NOTHING) return { value: now, done: false };
          awaitCompletions();
        }
      },
      return: () => ({ value: undefined, done: true }),
    };
  }

  /** What iteration makes of a failed recv: the stream's end ends it, anything else is thrown. */
  private ended(e: unknown): IteratorResult<T, undefined> {
    if (e instanceof ChannelError && e.reason === "closed" && e.pid === this.pid) return { value: undefined, done: true };
    throw e;
  }

  /**
   * This Receiver as a WHATWG `ReadableStream` (it ends at end-of-stream).
   *
   * @example
   * ```ts
   * await new Receiver<Uint8Array>(peer).readable().pipeTo(Writable.toWeb(process.stdout));
   * ```
   */
  readable(): ReadableStream<T> {
    const iterator = this[Symbol.asyncIterator]();
    return new ReadableStream<T>({
      pull: async (controller) => {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: () => this.close(),
    });
  }

  // --- for the link and select -----------------------------------------------------------

  /** Registers a waiter, served in order as values arrive. */
  wait(w: Waiter<T>): void {
    this.waiters.push(w);
    this.drain();
  }

  unwait(w: Waiter<T>): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** Serves waiters while values (or the end) are available. */
  drain(): void {
    while (this.waiters.length > 0) {
      const now = this.poll();
      if (now === NOTHING) return;
      const w = this.waiters.shift()!;
      if (now instanceof Failure) w.fail(now.error);
      else w.succeed(now);
    }
  }

  /** What a recv made now would get at once: nothing while earlier recvs wait, they are served first. */
  private takeNow(): T | Failure | typeof NOTHING {
    return this.waiters.length === 0 ? this.poll() : NOTHING;
  }

  /** Takes what the next recv gets, if it is there. */
  poll(): T | Failure | typeof NOTHING {
    if (this.state !== "open") return new Failure(channelError(this.pid, "closed", "Receiver"));
    const link = this.link;
    let item;
    do {
      if (link.inbox.length === 0) return link.lost ? new Failure(channelError(this.pid, link.lost, "Receiver")) : NOTHING;
      item = link.take(this);
    } while (item === PASSED);
    if (item === END) {
      this.state = "ended";
      return new Failure(channelError(this.pid, "closed", "Receiver"));
    }
    if (item instanceof Undecodable) return new Failure(item.error);
    const check = this.typeCheck;
    if (check && !check.validate(item)) {
      const issue = check.validate.errors?.[0];
      const path = issue?.instancePath ?? "";
      return new Failure(
        new SchemaError(
          `Receiver<${check.type}> from ${shortPid(this.pid)}: the value received does not match the declared type: ${path || "/"} ${issue?.message ?? "is invalid"}`,
          path,
        ),
      );
    }
    return item as T;
  }
}
