// The I/O thread's end of the event ring. Events that do not fit wait here, in order, until
// the main thread makes room; readers stop reading sockets meanwhile (see `stalled`), so this
// overflow holds at most a frame or two.
import type { MessagePort } from "node:worker_threads";
import { copyBytes } from "../codec/index.js";
import { Queue } from "./queue.js";
import { Ring } from "./ring.js";
import { Event, Word } from "./shared.js";

interface Held {
  readonly kind: Event;
  readonly arg: number;
  readonly payload: Uint8Array | undefined;
}

export class EventSink {
  private readonly ring: Ring;
  private readonly held = new Queue<Held>();
  private unpublished = false;
  private urgent = false;
  private wokeSleeper = false;

  constructor(
    shared: SharedArrayBuffer,
    private readonly words: Int32Array,
    private readonly port: MessagePort,
  ) {
    this.ring = new Ring(shared, "producer");
  }

  /** Whether events wait for room: readers must not read more until {@link retry} drains them. */
  get stalled(): boolean {
    return this.held.length > 0;
  }

  /**
   * Queues an event. `urgent` ones wake a sleeping main thread; others (credits) are picked
   * up at its next look, unless it asked for them (Word.CreditWanted).
   */
  emit(kind: Event, arg: number, payload?: Uint8Array, end = payload?.length ?? 0, start = 0, urgent = true): void {
    this.urgent ||= urgent;
    const part = payload && (start === 0 ? payload : payload.subarray(start, end));
    if (this.held.length === 0 && this.ring.write(kind, arg, part, end - start)) {
      this.unpublished = true;
      return;
    }
    this.held.push({ kind, arg, payload: part && copyBytes(part, end - start) });
    if (this.held.length === 1) {
      Atomics.store(this.words, Word.EventSpaceWanted, 1);
      this.retry(); // the main thread may have made room before it could see the flag
    }
  }

  /**
   * Sends a message too large for the ring by transfer, then its event. Bytes at offset 0 are
   * in memory of their own (the frame decoder's for large frames), which goes with them; others
   * are copied.
   */
  emitLarge(kind: Event, arg: number, bytes: Buffer): void {
    const owned = bytes.byteOffset === 0 ? bytes : Buffer.from(bytes);
    this.port.postMessage(owned, [owned.buffer as ArrayBuffer]);
    this.emit(kind, arg);
  }

  /** Whether held events wait and the first of them would now fit: {@link retry} would progress. */
  get retryable(): boolean {
    const h = this.held.peek();
    return h !== undefined && this.ring.fits(h.payload?.length ?? 0);
  }

  /** Moves held events into the ring as far as room allows; true when none are left. */
  retry(): boolean {
    let h: Held | undefined;
    while ((h = this.held.peek())) {
      if (!this.ring.write(h.kind, h.arg, h.payload)) return false;
      this.held.shift();
      this.unpublished = true;
      this.urgent = true; // the main thread may sleep waiting for exactly these
    }
    Atomics.store(this.words, Word.EventSpaceWanted, 0);
    return true;
  }

  /** Makes queued events visible, waking the main thread if it sleeps and wants them. */
  publish(): void {
    if (!this.unpublished) return;
    this.ring.publish();
    this.unpublished = false;
    if (this.wanted) this.wake();
    this.urgent = false;
  }

  /** Whether the main thread wants what is queued now (it is urgent, or credit it waits for). */
  private get wanted(): boolean {
    return this.urgent || Atomics.load(this.words, Word.CreditWanted) !== 0;
  }

  /** Whether {@link publish} would wake the main thread now (it sleeps, and wants what is queued). */
  get wakesMain(): boolean {
    return this.unpublished && this.wanted && Atomics.load(this.words, Word.MainSleeping) === 1;
  }

  /** Wakes the main thread if it sleeps (also when it waits for command-ring room). */
  wake(): void {
    if (Atomics.compareExchange(this.words, Word.MainSleeping, 1, 0) === 1) {
      Atomics.notify(this.words, Word.MainSleeping);
      this.wokeSleeper = true;
    }
  }

  /** Whether a sleeping main thread was woken since the last call (it may answer soon). */
  takeWokeSleeper(): boolean {
    const woke = this.wokeSleeper;
    this.wokeSleeper = false;
    return woke;
  }
}
