// The memory of large messages, going back and forth between the two threads of a process. A
// message sent is encoded on the main thread into memory the I/O thread handed back once the
// kernel had taken an earlier one; a message received is read by the I/O thread into memory
// the main thread handed back once it had decoded an earlier one into values that keep none of
// it (a string, an object: not a typed array, which is a view of it). Allocated afresh, 1 MiB
// messages at ~1 GB/s had every page of each buffer faulted in, the buffers' external memory
// kept V8's marking threads at ~20 % of a core in the sender (docs/benchmarks.md), and a
// receiver of large strings under Resources.default() held tens of MiB of them, dead but not
// yet collected.
import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { SEND_WINDOW } from "./shared.js";

/** Buffers are made in multiples of this, so that a stream of alike sizes reuses them. */
const GRAIN = 64 << 10;
/** Most bytes kept: twice the send window, which bounds the bytes in flight. */
const MOST_KEPT = 2 * SEND_WINDOW;

export class LargeBuffers {
  private readonly free: ArrayBuffer[] = [];
  private kept = 0;

  /** @param returns this thread's end of the channel both threads hand buffers back on. */
  constructor(private readonly returns: MessagePort) {}

  /**
   * Hands `buffer`, which nothing here uses any longer, to the other thread, unless it is larger
   * than a pool keeps: the other side takes what it was given only when it next needs a buffer,
   * and a few huge ones sent at the end of a burst would wait in the port all that while.
   */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength <= MOST_KEPT) this.returns.postMessage(buffer, [buffer]);
  }

  /** A buffer of at least `size` bytes, from offset 0 of its own memory, to be transferred. */
  take(size: number): Buffer {
    for (let m = receiveMessageOnPort(this.returns); m; m = receiveMessageOnPort(this.returns)) this.keep(m.message as ArrayBuffer);
    // One at most twice the size: a small message does not hold a large buffer.
    const i = this.free.findIndex((b) => b.byteLength >= size && b.byteLength <= 2 * size);
    if (i < 0) return Buffer.allocUnsafeSlow(Math.ceil(size / GRAIN) * GRAIN);
    const [buffer] = this.free.splice(i, 1) as [ArrayBuffer];
    this.kept -= buffer.byteLength;
    return Buffer.from(buffer);
  }

  /** Keeps the latest buffers back: sizes sent lately are the likeliest to come again. */
  private keep(buffer: ArrayBuffer): void {
    if (buffer.byteLength > MOST_KEPT) return;
    while (this.kept + buffer.byteLength > MOST_KEPT) this.kept -= this.free.shift()!.byteLength;
    this.free.push(buffer);
    this.kept += buffer.byteLength;
  }
}
