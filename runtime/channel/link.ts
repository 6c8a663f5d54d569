// This process's side of everything between it and one remote process: the send window of
// its channel there, the inbox of the channel from there, and who holds either end.
import { rejected, resolved, Pending, type Blockable } from "../blockable.js";
import type { ChannelErrorReason } from "../errors.js";
import type { Pid } from "../pid.js";
import { encode, encodeBorrowed, type Encoded } from "../codec/index.js";
import type { Host } from "../io/host.js";
import { Command, MESSAGE_OVERHEAD, PEER_FLOOR, RECEIVE_WINDOW } from "../io/shared.js";
import type { SendBudget } from "./send-budget.js";
import { channelError } from "./errors.js";
import type { Chunk } from "../io/chunks.js";
import { END, Inbox, type InboxItem } from "./inbox.js";

/** The end of a channel that is fed from a link (a Receiver). */
export interface Drainable {
  drain(): void;
}

type Waiting = { readonly message: Encoded; readonly pending: Pending<void> } | { readonly end: true };

/** Every send that completes at once returns this: a settled promise can be awaited any number of times. */
const SENT = resolved(undefined);

/**
 * Consumption is reported to the I/O thread in slices of this many bytes (each report costs the
 * I/O thread a wake-up: slices of 128 KiB made a stream of small messages ~15 % slower), and
 * when the inbox empties, already from half of what a peer may always hold: a peer all of whose
 * messages were taken then counts less than that floor, and is read however full the process's
 * budget (io/budget.ts).
 */
const CONSUMED_SLICE = RECEIVE_WINDOW >>> 2;
const CONSUMED_WHEN_EMPTY = PEER_FLOOR >>> 1;

/** What {@link Link.take} gives for an end-of-stream that was another Receiver's. */
export const PASSED: unique symbol = Symbol("another Receiver's end of stream");

export class Link {
  /** The live Sender to this pid, if any (at most one). */
  sender: { close(): void } | undefined;
  /** The live Receiver from this pid, if any (at most one). */
  receiver: Drainable | undefined;
  /** Why the remote is gone, once it is. */
  lost: Extract<ChannelErrorReason, "exited" | "connection lost"> | undefined;
  readonly inbox = new Inbox();

  private inFlight = 0;
  private readonly waiting: Waiting[] = [];
  private unreported = 0;
  /** Which Receiver took the latest message of the stream being read, until its end is taken. */
  private reader: object | undefined;

  constructor(
    readonly pid: Pid,
    readonly id: number,
    private readonly host: Host,
    private readonly budget: SendBudget,
  ) {}

  /** A channel end was made: the I/O thread connects if it has not yet. */
  open(side: "Sender" | "Receiver"): void {
    this.host.command(side === "Sender" ? Command.OpenSender : Command.OpenReceiver, this.id);
  }

  /** The Receiver was dropped: once no end is left, the connection may close. */
  dropReceiver(): void {
    this.receiver = undefined;
    this.host.command(Command.Drop, this.id);
  }

  // --- outbound --------------------------------------------------------------------------

  /** Sends `value`: encoded straight into the command ring when the window allows, else kept encoded until it does. */
  send(value: unknown): Blockable<void> {
    if (this.lost) return rejected(channelError(this.pid, this.lost, "Sender"));
    try {
      if (this.waiting.length === 0 && this.budget.allows(this.inFlight)) {
        const length = this.host.sendValue(this.id, value);
        if (length >= 0) this.sent(length + MESSAGE_OVERHEAD);
        else this.write(encodeBorrowed(value, this.host.largeBuffer));
        return SENT;
      }
      const bytes = encode(value);
      const pending = new Pending<void>();
      this.enqueue({ message: { bytes, length: bytes.length, owned: true }, pending });
      return pending.promise;
    } catch (e) {
      return rejected(e);
    }
  }

  /** Ends the channel to the remote after everything sent so far. */
  end(): void {
    if (this.waiting.length === 0) this.host.command(Command.End, this.id);
    else this.enqueue({ end: true });
  }

  /** Whether sends wait for window (the exit flush waits for them). */
  get sending(): boolean {
    return this.waiting.length > 0;
  }

  private enqueue(w: Waiting): void {
    this.waiting.push(w);
    if (this.waiting.length === 1) {
      this.host.wantCredit(1);
      this.budget.wait(this);
    }
  }

  private write(message: Encoded): void {
    this.sent(message.length + MESSAGE_OVERHEAD);
    this.host.send(this.id, message);
  }

  private sent(bytes: number): void {
    this.inFlight += bytes;
    this.budget.add(bytes);
  }

  /** The I/O thread passed `n` more bytes on. */
  credit(n: number): void {
    if (this.lost) return; // what was on its way went back to the budget when the link failed
    this.inFlight -= n;
    this.budget.add(-n);
    this.sendWaiting();
    this.budget.release();
  }

  /** Sends what waits, as far as this link's window and the process's budget allow (SendBudget.release). */
  sendWaiting(): void {
    if (this.waiting.length === 0) return;
    while (this.waiting.length > 0 && this.budget.allows(this.inFlight)) {
      const w = this.waiting.shift()!;
      if ("end" in w) {
        this.host.command(Command.End, this.id);
      } else {
        this.write(w.message);
        w.pending.resolve();
      }
    }
    if (this.waiting.length === 0) this.host.wantCredit(-1);
    else this.budget.wait(this);
  }

  // --- inbound ---------------------------------------------------------------------------

  received(item: InboxItem, size: number): void {
    this.inbox.push(item, size);
    this.receiver?.drain();
  }

  /** A message arrived encoded at `chunk[start, end)` (the inbox keeps the chunk). */
  receivedEncoded(chunk: Chunk, start: number, end: number, size: number): void {
    this.inbox.pushEncoded(chunk, start, end, size);
    this.receiver?.drain();
  }

  /**
   * Takes the next inbox item for `reader` (the caller checked there is one). An end-of-stream
   * is the end of the Receiver that read its stream: when another Receiver, since dropped, took
   * that stream's last message, `reader` gets PASSED for it and starts with the next stream.
   * (So a Receiver made, read once and dropped in a loop, `using rx = …`, meets a Sender made,
   * sent once and closed in the same loop; one made before any message of the stream was read,
   * or that read some of them, ends with it.)
   */
  take(reader: object): InboxItem | typeof PASSED {
    const item = this.takeNext();
    if (item !== END) {
      this.reader = reader;
      return item;
    }
    const passed = this.reader !== undefined && this.reader !== reader;
    this.reader = undefined;
    return passed ? PASSED : END;
  }

  private takeNext(): InboxItem {
    const size = this.inbox.peekSize();
    this.unreported += size;
    if (this.unreported >= CONSUMED_SLICE || (this.inbox.length === 1 && this.unreported >= CONSUMED_WHEN_EMPTY)) {
      const amount = new Uint8Array(4);
      new DataView(amount.buffer).setUint32(0, this.unreported, true);
      this.host.command(Command.Consumed, this.id, amount);
      this.unreported = 0;
    }
    return this.inbox.shift();
  }

  /** The remote is gone: sends fail now, receives once the inbox is empty. */
  fail(reason: Extract<ChannelErrorReason, "exited" | "connection lost">): void {
    if (this.lost) return;
    this.lost = reason;
    if (this.waiting.length > 0) this.host.wantCredit(-1);
    for (const w of this.waiting.splice(0)) if (!("end" in w)) w.pending.reject(channelError(this.pid, reason, "Sender"));
    // What was on its way will not be credited: the others may have its share of the budget.
    this.budget.add(-this.inFlight);
    this.inFlight = 0;
    this.budget.release();
    this.receiver?.drain();
  }
}
