// The I/O thread: one worker_thread per process holding every socket (docs/design.md §5).
// It sleeps in its event loop; the main thread wakes it through Atomics on Word.IoSleeping.
import { createServer } from "node:net";
import { receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import { copyBytes } from "../codec/index.js";
import type { Pid } from "../pid.js";
import { Resources } from "../resources.js";
import { BatchPool } from "./batches.js";
import { Control } from "./control.js";
import { EventSink } from "./event-sink.js";
import { LargeBuffers } from "./large-buffers.js";
import { DEFAULT_MAX_FRAME } from "./frame.js";
import { log } from "./log.js";
import type { Peer } from "./peer.js";
import { Peers, type ThreadHost } from "./peers.js";
import { Budget } from "./budget.js";
import { Ring } from "./ring.js";
import { wordsOf, type Words } from "./words.js";
import { budgetOf, Command, Event, IO_FAILED, IO_NAPPING, IO_RUNNING, RECEIVE_WINDOW, type SharedMemory, wakeWhenNotified, Word } from "./shared.js";

/** What the main thread hands the I/O thread (see index.ts). */
export interface ThreadData {
  readonly pid: Pid;
  readonly fabric: { host: string; port: number };
  readonly secret: string;
  readonly listenFd: number;
  readonly maxFrame?: number;
  /** See IoOptions.lookUs (boot.ts). */
  readonly lookUs?: number;
  readonly shared: SharedMemory;
  readonly port: MessagePort;
  /** Where the memory of large messages goes back and forth with the main thread (large-buffers.ts). */
  readonly returns: MessagePort;
}

/** How long the look for an answer lasts, in µs, unless the main thread says (ThreadData.lookUs). */
const DEFAULT_LOOK_US = 60;
/**
 * A drain of this many commands or more says the main thread streams: the thread then naps
 * (see IoThread.nap) instead of sleeping, for NAP_MS at most (libuv's timers count whole ms).
 */
const NAP_AFTER = 64;
const NAP_MS = 1;

const DEFAULT_BUDGET = budgetOf(Resources.default().mem);

class IoThread implements ThreadHost {
  readonly sink: EventSink;
  // Until the main thread tells them (Command.Start), as for Resources.default().
  readonly batches = new BatchPool(DEFAULT_BUDGET);
  readonly budget = new Budget(DEFAULT_BUDGET, RECEIVE_WINDOW);
  private readonly large: LargeBuffers;
  readonly largeBuffer = (size: number): Buffer => this.large.take(size);
  flushing = false;
  private flushed = false;
  private readonly words: Int32Array;
  private readonly commands: Ring;
  /** Where the command ring's bytes start in its shared memory (read once: a typed array's offset is a getter V8 calls). */
  private readonly commandsStart: number;
  private readonly commandWords: Words;
  private readonly peers: Peers;
  /** Made by Command.Start, the first command. */
  private control: Control | undefined;
  private readonly dirty = new Set<Peer>();
  /** The peer the last send of this drain went to (see sendTo). */
  private sendingTo: { readonly id: number; readonly peer: Peer } | undefined;
  private afterIoScheduled = false;
  private spinning = false;
  private readonly lookUs: number;
  /** Commands the last drain ran. */
  private drained = 0;

  constructor(private readonly data: ThreadData) {
    this.lookUs = data.lookUs ?? DEFAULT_LOOK_US;
    this.words = new Int32Array(data.shared.words);
    this.commands = new Ring(data.shared.commands, "consumer");
    this.commandsStart = this.commands.bytes.byteOffset;
    this.commandWords = wordsOf(data.shared.commands);
    this.sink = new EventSink(data.shared.events, this.words, data.port);
    this.large = new LargeBuffers(data.returns);
    this.peers = new Peers(data.pid, data.secret, this, data.maxFrame ?? DEFAULT_MAX_FRAME);
    createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.peers.accept(socket))
      .on("error", (e) => log(`listener (fd ${data.listenFd}): ${e.message}`))
      .listen({ fd: data.listenFd });
  }

  start(): void {
    Atomics.store(this.words, Word.State, IO_RUNNING);
    Atomics.notify(this.words, Word.State);
    this.cycle();
  }

  connect(peer: Peer): void {
    this.peers.connect(peer);
  }

  /** Hands the memory of large messages sent back to the main thread, to encode others into. */
  giveBack(buffers: readonly ArrayBuffer[]): void {
    for (const b of buffers) this.large.give(b);
  }

  changed(peer: Peer): void {
    this.dirty.add(peer);
    if (this.afterIoScheduled) return;
    this.afterIoScheduled = true;
    setImmediate(() => {
      this.afterIoScheduled = false;
      this.afterIo();
    });
  }

  /** Runs the commands the main thread published, then goes back to sleep. */
  private cycle(): void {
    this.drain();
    this.sleep();
  }

  private drain(): void {
    this.sendingTo = undefined;
    const ring = this.commands;
    let n = 0;
    while (ring.next()) {
      this.onCommand(ring.kind as Command, ring.arg, ring.offset, ring.length);
      n++;
    }
    this.drained = n;
    ring.release();
    if (Atomics.load(this.words, Word.CommandSpaceWanted) !== 0) this.sink.wake();
    this.afterIo();
  }

  /**
   * Having just woken a sleeping main thread (a message it waited for), looks for its answer a
   * little while before sleeping: a request–response then costs one thread wake-up less per
   * side (~30 µs here; perf-reference.md §1). It looks even when its sleep word is clear: the
   * main thread clears it when it answers before the look begins, and the wake-up it sends then
   * comes later than a look. Always the same short look: one that halved after each miss and
   * stopped for 256 wake-ups after a few (150 µs at most) was off for most of a ping-pong's
   * early round trips, when answers came slower; 60 µs, never off, took ping-pong medians ~10–20 %
   * lower in turns and cost streams nothing measurable (docs/benchmarks.md).
   */
  private awaitAnswer(): void {
    if (this.flushing || this.spinning || this.lookUs === 0) return;
    this.spinning = true;
    if (this.commands.spinForData(this.lookUs)) this.drain();
    this.spinning = false;
  }

  /**
   * Marks this thread awake (clears Word.IoSleeping, if it was set) before it wakes the main
   * thread, so that the answer it then looks for does not cost the main thread a wake-up call
   * (a futex syscall, ~10–20 µs here); true if it did. See {@link unclaim}.
   */
  private claim(): boolean {
    return this.lookUs > 0 && !this.spinning && !this.flushing && this.sink.wakesMain && Atomics.compareExchange(this.words, Word.IoSleeping, 1, 0) === 1;
  }

  /** Asleep again after {@link claim}: whatever came meanwhile notified nobody, so it is taken now. */
  private unclaim(): void {
    Atomics.store(this.words, Word.IoSleeping, 1);
    if (this.wanted) setImmediate(() => this.drain());
  }

  /** Whether the main thread gave us work: commands, or room for the events we hold. */
  private get wanted(): boolean {
    return this.commands.hasData() || this.sink.retryable;
  }

  /** Sleeps until the main thread clears Word.IoSleeping (the protocol of shared.ts's Word). */
  private sleep(): void {
    if (this.drained >= NAP_AFTER && !this.flushing) return this.nap();
    if (this.wanted) return void setImmediate(() => this.cycle());
    Atomics.store(this.words, Word.IoSleeping, 1);
    if (this.wanted) {
      Atomics.store(this.words, Word.IoSleeping, 0);
      return void setImmediate(() => this.cycle());
    }
    wakeWhenNotified(this.words, Word.IoSleeping, 1, () => this.cycle()); // the waker cleared Word.IoSleeping
  }

  /**
   * Waits for the main thread's next commands without being woken for them: while it streams,
   * it then publishes a millisecond's worth (thousands of messages) for one drain and one write,
   * instead of waking this thread with its first message each time it has drained the ring,
   * thousands of times a second (each wake-up, and the write after each drain, cost this
   * thread ~40 ns a message of a stream of small ones, and the main thread its futex calls).
   * The main thread ends the nap when it is about to wait (Host.endNap): what it published
   * then goes at once. A message published during a nap waits for it to end, a millisecond or
   * two at most, and only while the main thread is busy.
   */
  private nap(): void {
    Atomics.store(this.words, Word.IoSleeping, IO_NAPPING);
    const wake = (): void => {
      Atomics.store(this.words, Word.IoSleeping, 0);
      this.cycle();
    };
    wakeWhenNotified(this.words, Word.IoSleeping, IO_NAPPING, wake, NAP_MS);
  }

  private onCommand(kind: Command, arg: number, offset: number, length: number): void {
    const bytes = this.commands.bytes;
    switch (kind) {
      case Command.Link:
        return this.peers.alias(arg, bytes.toString("utf8", offset, offset + length) as Pid);
      case Command.OpenSender:
      case Command.OpenReceiver:
        return this.touch(this.peers.get(arg)).open(kind === Command.OpenSender ? "sender" : "receiver");
      case Command.Drop:
        return this.touch(this.peers.get(arg)).drop();
      case Command.Send:
        return this.sendTo(arg).queueData(this.commandWords, this.commandsStart + offset, length);
      case Command.SendLarge: {
        const message = receiveMessageOnPort(this.data.port)?.message as Uint8Array;
        return this.touch(this.peers.get(arg)).queueLarge(message);
      }
      case Command.End:
        return this.touch(this.peers.get(arg)).end();
      case Command.Consumed:
        return this.peers.get(arg).consumed(this.commands.view.getUint32(offset, true));
      case Command.Spawn:
        return this.spawn(arg, offset, length);
      case Command.Start:
        this.budget.resize(arg);
        this.batches.resize(arg);
        this.control = new Control(this.data.fabric, this.data.pid, this.data.secret, this.sink, (pid) => this.peers.markExited(pid), () => this.afterIo());
        return;
      case Command.Flush:
        this.flushing = true;
        for (const peer of this.peers.all()) {
          if (peer.hasQueued) this.peers.connect(peer);
          peer.requestAck();
          peer.resume();
        }
        return;
      default:
        throw new Error(`unknown command ${String(kind)}`);
    }
  }

  /** The peer of link `id`, touched; a run of sends to one peer in a drain looks it up once. */
  private sendTo(id: number): Peer {
    const last = this.sendingTo;
    if (last?.id === id) return last.peer;
    const peer = this.touch(this.peers.get(id));
    this.sendingTo = { id, peer };
    return peer;
  }

  private touch(peer: Peer): Peer {
    this.dirty.add(peer);
    this.peers.connect(peer);
    return peer;
  }

  private spawn(id: number, offset: number, length: number): void {
    const view = this.commands.view;
    const jsonLength = view.getUint32(offset, true);
    const json = this.commands.bytes.toString("utf8", offset + 4, offset + 4 + jsonLength);
    const onPort = view.getUint8(offset + 4 + jsonLength) === 1;
    const arg = onPort
      ? (receiveMessageOnPort(this.data.port)?.message as Uint8Array)
      : copyBytes(this.commands.bytes.subarray(offset + 5 + jsonLength, offset + length));
    if (!this.control) throw new Error("a spawn command before the start command");
    const { resources, env } = JSON.parse(json) as { resources: unknown; env: unknown };
    this.control.spawn(id, resources, env, arg);
  }

  afterIo(): void {
    if (this.sink.stalled && this.sink.retry()) for (const peer of this.peers.all()) peer.resume();
    for (const peer of this.dirty) {
      peer.flush();
      peer.closeIfIdle();
      const credit = peer.takeCredit();
      if (credit > 0) {
        const amount = Buffer.allocUnsafe(4);
        amount.writeUInt32LE(credit, 0);
        this.sink.emit(Event.Credit, peer.eventId, amount, 4, 0, false);
      }
      if (!peer.owesCredit && !peer.hasQueued) this.dirty.delete(peer);
    }
    if (this.flushing && !this.flushed && [...this.peers.all()].every((p) => p.settled)) {
      this.flushed = true;
      this.sink.emit(Event.Flushed, 0);
    }
    const claimed = this.claim();
    this.sink.publish();
    if (this.sink.takeWokeSleeper()) this.awaitAnswer();
    if (claimed) this.unclaim();
  }
}

const data = workerData as ThreadData;
const words = new Int32Array(data.shared.words);
process.on("uncaughtException", (e) => {
  log(`the I/O thread failed: ${e.stack ?? e.message}`);
  Atomics.store(words, Word.State, IO_FAILED);
  Atomics.store(words, Word.MainSleeping, 0);
  Atomics.notify(words, Word.MainSleeping);
  Atomics.notify(words, Word.State);
  process.exit(1);
});
// A pending Atomics.waitAsync does not keep a worker alive, nor does a paused socket
// (perf-reference.md §7): this timer does.
setInterval(() => {}, 1 << 30);
new IoThread(data).start();
