// The main thread's side of the I/O thread: writes commands, reads events, and sleeps
// (Atomics.wait for `.block()`, Atomics.waitAsync for `await`) until events arrive.
import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import type { Driver } from "../blockable.js";
import { encodeInto, type Encoded } from "../codec/index.js";
import { ConstellationError } from "../errors.js";
import { ChunkPool, type Chunk } from "./chunks.js";
import { LargeBuffers } from "./large-buffers.js";
import { Queue } from "./queue.js";
import { Ring } from "./ring.js";
import { readMicros } from "../process/env.js";
import { Command, Event, IO_FAILED, IO_NAPPING, LARGE_MESSAGE, wakeWhenNotified, Word, type SharedMemory } from "./shared.js";

/**
 * How long, in µs, the main thread stays on its CPU before it sleeps when it has just given the
 * I/O thread work (see Host.linger). CONSTELLATION_MAIN_SPIN_US sets it; 0 turns it off.
 */
const LINGER_US = readMicros("CONSTELLATION_MAIN_SPIN_US") ?? 10;

/** Who handles events: the channel links and the spawn requests. */
export interface EventHandler {
  link(id: number, pid: string): void;
  data(id: number, buf: Buffer, start: number, end: number): void;
  dataLarge(id: number, bytes: Uint8Array): void;
  end(id: number): void;
  lost(id: number, reason: string): void;
  credit(id: number, bytes: number): void;
  spawned(request: number, pid: string): void;
  spawnFailed(request: number, message: string): void;
}

interface Held {
  readonly kind: Command;
  readonly arg: number;
  /** A copy of the command's payload, in `chunk`, which is reused once the command is in the ring. */
  readonly payload: Uint8Array | undefined;
  readonly chunk: Chunk | undefined;
}

export class Host implements Driver {
  flushed = false;
  private readonly words: Int32Array;
  private readonly commands: Ring;
  private readonly events: Ring;
  /** Commands waiting for room in the ring, in order. */
  private readonly held = new Queue<Held>();
  private holds = 0;
  private holdingCommands = false;
  private armed = false;
  private creditWaiters = 0;
  /** Whether this thread woke or fed the I/O thread since it last waited (see linger). */
  private gaveWork = false;
  // While an operation is pending, this ref'd timer keeps the process alive: a pending
  // Atomics.waitAsync does not (perf-reference.md §7).
  private readonly keepAlive = setInterval(() => {}, 1 << 30).unref();
  private readonly large: LargeBuffers;
  private readonly chunks = new ChunkPool();

  constructor(
    shared: SharedMemory,
    private readonly port: MessagePort,
    returns: MessagePort,
    private readonly handler: EventHandler,
  ) {
    this.large = new LargeBuffers(returns);
    this.words = new Int32Array(shared.words);
    this.commands = new Ring(shared.commands, "producer");
    this.events = new Ring(shared.events, "consumer");
  }

  // --- commands --------------------------------------------------------------------------

  /** Publishes a command (copying `payload`) and wakes the I/O thread if it sleeps. */
  command(kind: Command, arg: number, payload?: Uint8Array): void {
    if (this.held.length > 0 || !this.commands.write(kind, arg, payload)) this.holdCommand(kind, arg, payload);
    this.commands.publish();
    this.wakeIo();
  }

  /** Publishes a message: through the ring, or by transfer when large. */
  send(id: number, e: Encoded): void {
    if (e.length >= LARGE_MESSAGE) {
      this.transfer(e.bytes.subarray(0, e.length), e.owned);
      return this.command(Command.SendLarge, id);
    }
    if (this.held.length > 0 || !this.commands.write(Command.Send, id, e.bytes, e.length)) {
      this.holdCommand(Command.Send, id, e.bytes.subarray(0, e.length));
    }
    this.commands.publish();
    this.wakeIo();
  }

  /**
   * Publishes a message encoded straight into the command ring (no copy); returns its encoded
   * length, or -1 when it could not be (no room, held commands before it, a large or
   * non-fast-path value): the caller then encodes it and calls {@link send}.
   */
  sendValue(id: number, value: unknown): number {
    if (this.held.length > 0) return -1;
    const ring = this.commands;
    const at = ring.open(LARGE_MESSAGE - 1);
    if (at < 0) return -1;
    const end = encodeInto(value, ring.bytes, ring.view, at, ring.openLimit);
    if (end < 0) return -1;
    ring.commit(Command.Send, id, end - at);
    ring.publish();
    this.wakeIo();
    return end - at;
  }

  /** A buffer for a large message's encoding: one the I/O thread has handed back, or a new one. */
  readonly largeBuffer = (size: number): Buffer => this.large.take(size);

  /** Hands the memory of a large message received, decoded into values that keep none of it, back to the I/O thread. */
  giveBack(buffer: ArrayBuffer): void {
    this.large.give(buffer);
  }

  /**
   * Posts bytes to the I/O thread, which takes them when it reads the matching command. Bytes
   * `owned` from the start of their memory go with all of it (what follows them is ours too);
   * others are copied into a buffer of the pool, which the I/O thread hands back once written:
   * copied into fresh memory, they came back to a pool that only large views drew from, and a
   * program sending large strings kept every one of them (its returns were never taken).
   */
  transfer(bytes: Uint8Array, owned: boolean): void {
    const ours = owned && bytes.byteOffset === 0 && !(bytes.buffer instanceof SharedArrayBuffer);
    let message = bytes;
    if (!ours) {
      const copy = this.large.take(bytes.length);
      copy.set(bytes);
      message = copy.subarray(0, bytes.length);
    }
    this.port.postMessage(message, [message.buffer as ArrayBuffer]);
  }

  private holdCommand(kind: Command, arg: number, payload: Uint8Array | undefined): void {
    let chunk: Chunk | undefined;
    let copy: Uint8Array | undefined;
    if (payload) {
      chunk = this.chunks.take(payload.length);
      chunk.pending = 1;
      copy = chunk.bytes.subarray(0, payload.length);
      copy.set(payload);
    }
    this.held.push({ kind, arg, payload: copy, chunk });
    if (this.held.length === 1) {
      Atomics.store(this.words, Word.CommandSpaceWanted, 1);
      // Held commands are pending work: the room the I/O thread makes must wake this thread
      // even when nothing else waits (sends not awaited, then a timer), and keep it alive.
      this.holdingCommands = true;
      this.hold();
      this.retryHeld(); // the I/O thread may have made room before it could see the flag
    }
  }

  /** Moves held commands into the ring as far as room allows; true if any moved. */
  private retryHeld(): boolean {
    let h: Held | undefined;
    let moved = false;
    while ((h = this.held.peek())) {
      if (!this.commands.write(h.kind, h.arg, h.payload)) break;
      this.held.shift();
      h.chunk?.taken();
      moved = true;
    }
    if (this.held.length === 0 && this.holdingCommands) {
      Atomics.store(this.words, Word.CommandSpaceWanted, 0);
      this.holdingCommands = false;
      this.release();
    }
    if (moved) {
      this.commands.publish();
      this.wakeIo();
    }
    return moved;
  }

  /** Wakes the I/O thread once per sleep of it: whoever clears its flag notifies. */
  private wakeIo(): void {
    this.gaveWork = true;
    this.clearIoSleeping(1);
  }

  /** Before this thread waits: a napping I/O thread takes what was published now (thread.ts nap). */
  private endNap(): void {
    this.clearIoSleeping(IO_NAPPING);
  }

  /** Clears Word.IoSleeping if it holds `state`, and then notifies. */
  private clearIoSleeping(state: 1 | typeof IO_NAPPING): void {
    // Most sends of a stream find the I/O thread awake: a read is cheaper than a compare-exchange.
    if (Atomics.load(this.words, Word.IoSleeping) === state && Atomics.compareExchange(this.words, Word.IoSleeping, state, 0) === state) {
      Atomics.notify(this.words, Word.IoSleeping);
    }
  }

  /** A link's sends wait for credit (+1) or no longer do (-1): credits must then wake us. */
  wantCredit(delta: 1 | -1): void {
    this.creditWaiters += delta;
    if (this.creditWaiters !== (delta === 1 ? 1 : 0)) return;
    Atomics.store(this.words, Word.CreditWanted, delta === 1 ? 1 : 0);
    // A credit published before the flag was set woke nobody, and a wait armed before it (an
    // `await` armed one in `new Pending()`) did not see it: look now, and end that wait if so.
    if (delta === 1 && this.events.hasData() && Atomics.compareExchange(this.words, Word.MainSleeping, 1, 0) === 1) {
      Atomics.notify(this.words, Word.MainSleeping);
    }
  }

  // --- events ----------------------------------------------------------------------------

  /** Handles every published event; true if there was any. */
  pump(): boolean {
    const ring = this.events;
    let any = false;
    while (ring.next()) {
      any = true;
      this.dispatch(ring.kind as Event, ring.arg, ring.offset, ring.length);
    }
    if (!any) return false;
    ring.release();
    if (Atomics.load(this.words, Word.EventSpaceWanted) !== 0) this.wakeIo();
    if (this.held.length > 0) this.retryHeld();
    return true;
  }

  private dispatch(kind: Event, arg: number, offset: number, length: number): void {
    const bytes = this.events.bytes;
    const h = this.handler;
    switch (kind) {
      case Event.Link:
        return h.link(arg, bytes.toString("utf8", offset, offset + length));
      case Event.Data:
        return h.data(arg, bytes, offset, offset + length);
      case Event.DataLarge:
        return h.dataLarge(arg, receiveMessageOnPort(this.port)!.message as Uint8Array);
      case Event.End:
        return h.end(arg);
      case Event.Lost:
        return h.lost(arg, bytes.toString("utf8", offset, offset + length));
      case Event.Credit:
        return h.credit(arg, this.events.view.getUint32(offset, true));
      case Event.Spawned:
        return h.spawned(arg, bytes.toString("utf8", offset, offset + length));
      case Event.SpawnFailed:
        return h.spawnFailed(arg, bytes.toString("utf8", offset, offset + length));
      case Event.Flushed:
        this.flushed = true;
        return;
      default:
        throw new ConstellationError(`unknown event ${String(kind)} from the I/O thread`);
    }
  }

  // --- waiting ---------------------------------------------------------------------------

  /** Handles the events available, or sleeps until some arrive (Driver, for `.block()`). */
  step(): void {
    if (this.held.length > 0 && this.retryHeld()) return;
    if (this.pump()) return;
    this.checkAlive();
    this.endNap();
    if (this.linger()) return;
    Atomics.store(this.words, Word.MainSleeping, 1);
    if (!this.wanted()) Atomics.wait(this.words, Word.MainSleeping, 1);
    // A pending waitAsync (see arm) goes on waiting for the flag to be cleared.
    Atomics.store(this.words, Word.MainSleeping, this.armed ? 1 : 0);
  }

  /**
   * Stays on this CPU up to LINGER_US, watching for events, when this thread has just given the
   * I/O thread work (a request it is about to write) and waits for something else than credit,
   * with `.block()` or `await` (which holds the event loop that long); true if events came.
   *
   * It rarely sees the answer itself (~0.1 % of lingers: a round trip takes several times
   * longer); what it changes is where the round trip's wake-ups land. On this VM kind an idle
   * vCPU halts (guest halt-polling is off) and a wake-up on a halted vCPU costs ~30 µs more than
   * on a busy one; with this CPU busy while the I/O thread writes, a round trip had ~3.7 thread
   * wake-ups and ~7 context switches instead of ~4.9 and ~10 (`perf stat`), and ping-pong went
   * from ~1.3–1.7× raw `net` to ~0.9–1.3× (`await`: ~15–40 % faster; docs/benchmarks.md). A
   * sender waiting for credit does not linger: its I/O thread is busy writing, and a stream
   * needs the CPU.
   */
  private linger(): boolean {
    if (!this.gaveWork) return false;
    this.gaveWork = false;
    if (LINGER_US === 0 || this.creditWaiters > 0) return false;
    return this.events.spinForData(LINGER_US);
  }

  /**
   * Looks, with Word.MainSleeping set, for what the I/O thread may have done before it could
   * see the flag (the protocol of shared.ts's Word): published events, made room for held
   * commands, or failed.
   */
  private wanted(): boolean {
    return this.events.hasData() || (this.held.length > 0 && this.retryHeld()) || Atomics.load(this.words, Word.State) === IO_FAILED;
  }

  hold(): void {
    if (this.holds++ === 0) this.keepAlive.ref();
    this.arm();
  }

  release(): void {
    if (--this.holds === 0) this.keepAlive.unref();
  }

  /**
   * While operations are pending, wakes on events from the event loop too (for `await`).
   * Never pumps synchronously: it runs inside `new Pending()`, before the operation has
   * registered for the events a pump would deliver.
   */
  private arm(): void {
    if (this.armed || this.holds === 0) return;
    this.armed = true;
    this.endNap();
    if (this.linger()) return void setImmediate(this.woken);
    Atomics.store(this.words, Word.MainSleeping, 1);
    if (this.wanted()) return void setImmediate(this.woken);
    wakeWhenNotified(this.words, Word.MainSleeping, 1, this.woken);
  }

  private readonly woken = (): void => {
    this.armed = false;
    Atomics.store(this.words, Word.MainSleeping, 0);
    this.checkAlive();
    if (this.held.length > 0) this.retryHeld();
    this.pump();
    this.arm();
  };

  private checkAlive(): void {
    if (Atomics.load(this.words, Word.State) === IO_FAILED) {
      throw new ConstellationError("the I/O thread failed (see the log on stderr): channels and spawn no longer work in this process");
    }
  }
}
