import { rejected, type Blockable } from "../blockable.js";
import type { Pid } from "../pid.js";
import { running } from "../io/index.js";
import type { TypeCheck } from "../validator.js";
import { channelError } from "./errors.js";
import type { Link } from "./link.js";

/**
 * The sending half of the channel from this process to `pid`: ordered, lossless, with
 * backpressure. At most one live Sender per remote pid per process (a second one throws
 * `ChannelError` "duplicate"); once closed, a new `Sender<U>` to the same pid may be made.
 * `send` resolves when this process's I/O thread has taken the message within a bounded
 * buffer; before the process exits, everything sent is acknowledged by the remote process
 * (unless it is gone).
 *
 * @example
 * ```ts
 * using tx = new Sender<{ n: number }>(child);
 * await tx.send({ n: 1 });
 * tx.send({ n: 2 }).block();
 * // leaving the scope closes it: the child's Receiver sees end-of-stream after { n: 2 }
 * ```
 */
export class Sender<T> implements Disposable {
  private readonly link: Link;
  private closed = false;

  /**
   * @param pid the remote process.
   * @param typeCheck injected by the transformer (checking happens on the receiving side).
   */
  constructor(
    readonly pid: Pid,
    typeCheck?: TypeCheck,
  ) {
    void typeCheck;
    const link = running().links.forPid(pid, "Sender");
    if (link.sender) throw channelError(pid, "duplicate", "Sender");
    link.sender = this;
    this.link = link;
    link.open("Sender");
  }

  /**
   * Sends `value` (anything structured clone carries, pids and serializable closures). Rejects
   * with `ChannelError` if this Sender is closed or the remote is gone.
   */
  send(value: T): Blockable<void> {
    if (this.closed) return rejected(channelError(this.pid, "closed", "Sender"));
    return this.link.send(value);
  }

  /** Ends the channel: the remote sees end-of-stream after everything sent before. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.link.sender = undefined;
    this.link.end();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * This Sender as a WHATWG `WritableStream` (closing the stream closes the Sender).
   *
   * @example
   * ```ts
   * await ReadableStream.from([1, 2, 3]).pipeTo(new Sender<number>(peer).writable());
   * ```
   */
  writable(): WritableStream<T> {
    return new WritableStream<T>({
      write: (value) => this.send(value),
      close: () => this.close(),
      abort: () => this.close(),
    });
  }
}
