// The memory large messages are encoded into on the main thread, handed to the I/O thread with
// the message and handed back once the kernel has taken its bytes. Allocated afresh, 1 MiB
// messages at ~1 GB/s had every page of each buffer faulted in, and the buffers' external
// memory kept V8's marking threads at ~20 % of a core in the sender (docs/benchmarks.md).
import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { SEND_WINDOW } from "./shared.js";

/** Buffers are made in multiples of this, so that a stream of alike sizes reuses them. */
const GRAIN = 64 << 10;
/** Most bytes kept: twice the send window, which bounds the bytes in flight. */
const MOST_KEPT = 2 * SEND_WINDOW;

export class LargeBuffers {
  private readonly free: ArrayBuffer[] = [];
  private kept = 0;

  /** @param returns where the I/O thread hands the buffers back (thread.ts). */
  constructor(private readonly returns: MessagePort) {}

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
