// The I/O thread's state for one remote process: its connection, the frames waiting to go to
// it, flow control both ways, and how it ended. One connection carries our channel to it and
// its channel to us.
import type { Pid } from "../pid.js";
import type { Connection } from "./connection.js";
import type { EventSink } from "./event-sink.js";
import { Frame, FRAME_HEADER, FrameError, frame, writeFrameHeader } from "./frame.js";
import { log } from "./log.js";
import { Event, LARGE_MESSAGE, MESSAGE_OVERHEAD, PEER_FLOOR } from "./shared.js";
import { PAD } from "../codec/tags.js";
import type { Batch, BatchPool } from "./batches.js";
import type { Budget } from "./budget.js";
import { copyWords, type Words } from "./words.js";

/**
 * Credits go back to the main thread in slices this big: a waiting sender wakes once per slice.
 * Half of what a link may always have on its way (budget.ts): a link that waits for the
 * process's budget has at least that floor on its way, so once it is written, a credit comes.
 */
const CREDIT_SLICE = PEER_FLOOR >>> 1;
/** After an unannounced disconnect, how long to wait for the fabric's "exited" notice. */
const LOST_GRACE_MS = 2000;

export type LostReason = "exited" | "connection lost";

/** What a peer needs from the I/O thread around it. */
export interface PeerHost {
  readonly sink: EventSink;
  readonly batches: BatchPool;
  /** What the process may hold of all its peers' messages (budget.ts). */
  readonly budget: Budget;
  /** Takes back the memory of large messages once written (large-buffers.ts). */
  giveBack(buffers: readonly ArrayBuffer[]): void;
  /** Set when the process exits: inbound messages are dropped, every peer is asked for acks. */
  readonly flushing: boolean;
  /** Makes sure a connection to `peer` exists or is being made. */
  connect(peer: Peer): void;
  /** Something the end-of-run flush or the credit pass may care about changed. */
  changed(peer: Peer): void;
}

const encoder = new TextEncoder();

export class Peer {
  /** The link id the main thread knows this peer by (the first one either side gave it). */
  readonly eventId: number;
  conn: Connection | undefined;
  failed: LostReason | undefined;
  exited = false;

  private out: Buffer[] = [];
  // Frames are written into a batch buffer (its own ArrayBuffer, from offset 0) at
  // [batchStart, batchPos); a flush sends that part and the rest of the buffer serves on. Its
  // bounds are kept as numbers: a buffer's length and offset are getters V8 calls, not inlines.
  private batch: Batch | undefined;
  private batchSize = 0;
  private batchStart = 0;
  private batchPos = 0;
  /** Batches no longer written into, whose last bytes go with the next flush. */
  private retired: Batch[] = [];
  /** The memory of large messages queued since the last flush. */
  private largeSent: ArrayBuffer[] = [];
  private queuedPayload = 0;
  private uncredited = 0;
  private outstanding = 0;
  private paused = false;
  private pingsSent = 0;
  private pongsSeen = 0;
  private unacked = false;
  private lostTimer: NodeJS.Timeout | undefined;
  private senderOpen = false;
  private receiverOpen = false;
  private byeSent = false;

  constructor(
    readonly pid: Pid,
    id: number,
    private readonly host: PeerHost,
  ) {
    this.eventId = id;
  }

  // --- outbound --------------------------------------------------------------------------

  /** Queues one message whose encoding is the `length` bytes at `from` in `memory` (copied). */
  queueData(memory: Words, from: number, length: number): void {
    if (this.failed) return;
    const at = this.reserve(Frame.Data, length, from);
    copyWords(memory, from, this.batch!.words, at, length);
    this.queuedPayload += length + MESSAGE_OVERHEAD;
    this.unacked = true;
  }

  /**
   * Queues one large message, without copying it. All of its memory is ours (the main thread
   * transferred it, copied if it was not) and goes back to the main thread once written.
   */
  queueLarge(message: Uint8Array): void {
    if (this.failed) return;
    this.reserve(Frame.Data, 0);
    this.batch!.buf.writeUInt32BE(message.byteLength + 1, this.batchPos - FRAME_HEADER);
    this.cutBatch();
    this.out.push(Buffer.from(message.buffer, message.byteOffset, message.byteLength));
    this.largeSent.push(message.buffer as ArrayBuffer);
    this.queuedPayload += message.byteLength + MESSAGE_OVERHEAD;
    this.unacked = true;
  }

  /** Queues a frame with a small body. */
  queueFrame(type: Frame, body?: Uint8Array): void {
    if (this.failed) return;
    const at = this.reserve(type, body?.length ?? 0);
    if (body) this.batch!.buf.set(body, at);
    if (type === Frame.End) this.unacked = true;
  }

  /**
   * Writes a frame header for a body of `length` bytes and returns where the body goes. With
   * `alignTo` (the offset of the bytes to be copied there from shared memory), the body is put
   * at the same offset modulo 8, after up to 7 bytes of codec padding (codec/tags.ts): V8 copies
   * out of a SharedArrayBuffer word by word only between offsets aligned alike (ring.ts).
   */
  private reserve(type: Frame, length: number, alignTo = -1): number {
    const most = FRAME_HEADER + length + (alignTo < 0 ? 0 : 7);
    if (!this.batch || this.batchPos + most > this.batchSize) {
      this.cutBatch();
      this.retireBatch();
      this.batch = this.host.batches.take(most);
      this.batchSize = this.batch.buf.length;
      this.batchStart = this.batchPos = 0;
    }
    const batch = this.batch.buf;
    const body = this.batchPos + FRAME_HEADER;
    const pad = alignTo < 0 ? 0 : (alignTo - body) & 7;
    writeFrameHeader(batch, this.batchPos, type, pad + length);
    for (let i = body; i < body + pad; i++) batch[i] = PAD;
    this.batchPos = body + pad + length;
    return body + pad;
  }

  private cutBatch(): void {
    if (!this.batch || this.batchPos === this.batchStart) return;
    this.out.push(this.batch.buf.subarray(this.batchStart, this.batchPos));
    if (this.batchSize - this.batchPos >= 4096) this.batchStart = this.batchPos;
    else this.retireBatch();
  }

  private retireBatch(): void {
    if (this.batch) this.retired.push(this.batch);
    this.batch = undefined;
    this.batchStart = this.batchPos = 0;
  }

  get hasQueued(): boolean {
    return this.out.length > 0 || this.batchPos > this.batchStart;
  }

  /** Writes everything queued, in one corked write, once connected (and not saying goodbye). */
  flush(): void {
    const c = this.conn;
    if (!c || !c.peer || !c.writable || !this.hasQueued || this.byeSent) return;
    this.cutBatch();
    const socket = c.socket;
    const written = this.queuedPayload;
    this.queuedPayload = 0;
    const retired = this.retired;
    this.retired = [];
    const largeSent = this.largeSent;
    this.largeSent = [];
    const last = this.out.length - 1;
    // Credit once the kernel has the bytes (the write callback), not when the socket drains
    // completely: the window then refills while the kernel still has data to send. Writes end
    // in order, so this flush's batches, and earlier ones', are free then.
    const credit = (): void => {
      this.host.batches.give(retired);
      if (largeSent.length > 0) this.host.giveBack(largeSent);
      this.uncredited += written;
      this.host.changed(this);
    };
    socket.cork();
    for (let i = 0; i <= last; i++) socket.write(this.out[i]!, i === last ? credit : undefined);
    socket.uncork();
    this.out = [];
    this.host.changed(this);
  }

  /**
   * Credit owed to the main thread's send window now. Only whole slices: while a link waits for
   * credit, it has at least two slices on its way here (CREDIT_SLICE), so a slice always comes.
   */
  takeCredit(): number {
    if (this.uncredited < CREDIT_SLICE) return 0;
    const n = this.uncredited;
    this.uncredited = 0;
    return n;
  }

  get owesCredit(): boolean {
    return this.uncredited >= CREDIT_SLICE;
  }

  // --- channel ends and the connection's lifetime -----------------------------------------

  /** A channel end was made in this process: connect if not yet. */
  open(end: "sender" | "receiver"): void {
    if (end === "sender") this.senderOpen = true;
    else this.receiverOpen = true;
    this.host.connect(this);
  }

  /** The Sender was closed: the remote sees end-of-stream after what was sent before. */
  end(): void {
    this.senderOpen = false;
    this.queueFrame(Frame.End);
  }

  /** The Receiver was dropped. */
  drop(): void {
    this.receiverOpen = false;
  }

  /** Whether this side needs the connection no more: no channel end, nothing unacknowledged. */
  private get idle(): boolean {
    return !this.senderOpen && !this.receiverOpen && !this.hasQueued && !this.unacked && this.pongsSeen === this.pingsSent;
  }

  /**
   * Closes the connection when the last channel between the two processes is gone (SPEC §2).
   * Either side, once idle, gets what it sent acknowledged and says Bye; the other answers
   * ByeOk if it is idle too (then both close) or ByeNo. Nothing is written while a Bye is
   * unanswered, so no message can be caught in a closing connection.
   */
  closeIfIdle(): void {
    const c = this.conn;
    if (!c?.peer || c.closed || this.byeSent || this.failed || this.host.flushing) return;
    if (this.senderOpen || this.receiverOpen || this.hasQueued) return;
    if (this.unacked) return this.requestAck();
    if (this.pongsSeen !== this.pingsSent) return;
    this.byeSent = true;
    c.socket.write(frame(Frame.Bye));
  }

  private onBye(c: Connection): void {
    if (this.byeSent ? !this.senderOpen && !this.receiverOpen && !this.hasQueued : this.idle) {
      c.socket.write(frame(Frame.ByeOk));
      this.closeGracefully(c);
    } else {
      c.socket.write(frame(Frame.ByeNo));
    }
  }

  private onByeAnswer(c: Connection, ok: boolean): void {
    if (!this.byeSent) return; // we closed on the peer's own Bye already
    this.byeSent = false;
    if (ok) this.closeGracefully(c);
    else this.flush();
    this.host.changed(this);
  }

  /**
   * Ends `c` without failing anything. With `reconnect`, what still needs a connection gets a
   * new one (not when the peer's own new connection is about to be accepted).
   */
  closeGracefully(c: Connection, reconnect = true): void {
    c.graceful = true;
    this.byeSent = false;
    if (this.conn === c) this.conn = undefined;
    c.socket.end();
    if (reconnect && (this.senderOpen || this.receiverOpen || this.hasQueued)) this.host.connect(this);
  }

  /** Whether a Bye of ours waits for its answer (the peer then dials anew only after closing). */
  get closing(): boolean {
    return this.byeSent;
  }

  // --- connection ------------------------------------------------------------------------

  /** The handshake made `c` this peer's connection. */
  attach(c: Connection): void {
    c.peer = this;
    this.conn = c;
    if (this.host.flushing) this.requestAck();
    this.flush();
    this.read();
  }

  /** The socket of `c` closed. Frames it delivered before are still read first. */
  closed(c: Connection): void {
    c.closed = true;
    if (c === this.conn && !c.graceful) this.read();
  }

  /** The fabric reported this process's exit. */
  markExited(): void {
    this.exited = true;
    if (!this.conn) this.afterDisconnect(); // else its close comes, after what it delivered
  }

  /**
   * The connection closed without a goodbye. What was in flight on it may be lost, and frames
   * carry no sequence to resend from: going on over a new connection would lose messages
   * silently. So this peer is done: it fails once the fabric has had time to say whether the
   * process exited (the better reason), and is never connected again meanwhile.
   */
  private afterDisconnect(): void {
    this.conn = undefined;
    if (this.failed) return;
    if (this.exited) return this.fail("exited");
    this.lostTimer ??= setTimeout(() => this.fail(this.exited ? "exited" : "connection lost"), LOST_GRACE_MS);
  }

  /** Whether its connection was lost and it is about to fail (see afterDisconnect): no new one may be made. */
  get cut(): boolean {
    return this.lostTimer !== undefined;
  }

  /** Ends this peer for good: the main thread fails its channels after what was received. */
  fail(reason: LostReason): void {
    if (this.failed) return;
    if (this.lostTimer) clearTimeout(this.lostTimer);
    this.failed = reason;
    this.out = [];
    this.retired = [];
    this.largeSent = [];
    this.batch = undefined;
    this.batchStart = this.batchPos = 0;
    this.conn?.destroy();
    this.host.sink.emit(Event.Lost, this.eventId, encoder.encode(reason));
    this.host.changed(this);
  }

  // --- inbound ---------------------------------------------------------------------------

  /** The main thread consumed `n` bytes of our messages. */
  consumed(n: number): void {
    this.outstanding -= n;
    this.host.budget.add(-n);
    if (this.paused) this.read();
  }

  /** Resumes reading after the event ring had no room. */
  resume(): void {
    if (this.paused) this.read();
  }

  /**
   * Reads every complete frame while the main thread can take them; pauses otherwise.
   * Consecutive small messages of one chunk go to the main thread as one record of raw frames:
   * one copy and one ring record for the run instead of one per message.
   */
  read(): void {
    const c = this.conn;
    if (!c) return;
    const d = c.decoder;
    const { sink, flushing, budget } = this.host; // flushing changes by a command, never during a read
    let runSource = d.source; // where the current run of data frames is: runSource[run, runEnd)
    let run = -1; // or -1 when there is none
    let runEnd = 0;
    try {
      while (flushing || (budget.allows(this.outstanding) && !sink.stalled)) {
        if (!d.next()) {
          if (run >= 0) this.emitRun(runSource, run, runEnd);
          run = -1;
          if (this.paused) {
            this.paused = false;
            if (!c.closed) c.socket.resume();
          }
          if (c.closed && this.conn === c) this.afterDisconnect();
          this.flush();
          return;
        }
        const length = d.end - d.start;
        const inRun = d.type === Frame.Data && !flushing && length < LARGE_MESSAGE && d.start >= FRAME_HEADER;
        if (inRun && run >= 0 && d.source === runSource && d.start - FRAME_HEADER === runEnd) {
          runEnd = d.end;
        } else {
          if (run >= 0) this.emitRun(runSource, run, runEnd);
          run = -1;
          if (inRun) {
            runSource = d.source;
            run = d.start - FRAME_HEADER;
            runEnd = d.end;
          } else {
            this.onFrame(c, d.type, d.body);
            if (this.conn !== c) return; // closed gracefully
          }
        }
        if (run >= 0 && d.reused) {
          // Assembled in memory the decoder reuses at its next call.
          this.emitRun(runSource, run, runEnd);
          run = -1;
        }
        if (d.type === Frame.Data) {
          this.outstanding += length + MESSAGE_OVERHEAD;
          budget.add(length + MESSAGE_OVERHEAD);
        }
      }
      if (run >= 0) this.emitRun(runSource, run, runEnd);
    } catch (e) {
      log(`closing the connection to ${this.pid}: ${(e as Error).message}`);
      c.destroy();
      return;
    }
    if (!this.paused) {
      this.paused = true;
      c.socket.pause();
    }
    this.flush();
  }

  private emitRun(source: Buffer, start: number, end: number): void {
    this.host.sink.emit(Event.Data, this.eventId, source, end, start);
  }

  private onFrame(c: Connection, type: Frame, body: Buffer): void {
    switch (type) {
      case Frame.Data:
        // Shorter ones come in runs (see read): this one is large, in a buffer of its own.
        if (!this.host.flushing) this.host.sink.emitLarge(Event.DataLarge, this.eventId, body);
        return;
      case Frame.End:
        this.host.sink.emit(Event.End, this.eventId);
        return;
      case Frame.Ping:
        this.queueFrame(Frame.Pong, body);
        return;
      case Frame.Pong:
        if (body.length !== 4) throw new FrameError("malformed pong");
        this.pongsSeen = body.readUInt32BE(0);
        this.host.changed(this);
        return;
      case Frame.Bye:
        return this.onBye(c);
      case Frame.ByeOk:
      case Frame.ByeNo:
        return this.onByeAnswer(c, type === Frame.ByeOk);
      default:
        throw new FrameError(`unexpected frame type ${type} after the handshake`);
    }
  }

  // --- exit flush ------------------------------------------------------------------------

  /** Asks the peer to confirm it has received everything sent so far. */
  requestAck(): void {
    if (!this.unacked || this.failed) return;
    this.unacked = false;
    const seq = Buffer.allocUnsafe(4);
    seq.writeUInt32BE(++this.pingsSent, 0);
    this.queueFrame(Frame.Ping, seq);
    this.flush();
  }

  /** Whether everything sent is acknowledged, or the peer is gone. */
  get settled(): boolean {
    return this.failed !== undefined || (!this.unacked && !this.hasQueued && this.pongsSeen === this.pingsSent);
  }
}
