// Every link of this process, by pid and by the ids the two threads gave them.
import { decodeOwned } from "../codec/index.js";
import { isPid, type Pid } from "../pid.js";
import type { EventHandler, Host } from "../io/host.js";
import { FRAME_HEADER } from "../io/frame.js";
import { Command, MAIN_FIRST_ID, MESSAGE_OVERHEAD } from "../io/shared.js";
import { channelError } from "./errors.js";
import { ChunkPool } from "../io/chunks.js";
import { END, Undecodable } from "./inbox.js";
import { Link } from "./link.js";
import { SendBudget } from "./send-budget.js";

export type LinkEvents = Pick<EventHandler, "link" | "data" | "dataLarge" | "end" | "lost" | "credit">;

export class Links implements LinkEvents {
  private readonly byPid = new Map<Pid, Link>();
  private readonly byId = new Map<number, Link>();
  private nextId = MAIN_FIRST_ID;
  private readonly chunks = new ChunkPool();

  private readonly budget: SendBudget;

  /** @param mem the process's memory, which sizes what it may have on its way to its peers. */
  constructor(
    private readonly host: Host,
    private readonly self: Pid,
    mem: number,
  ) {
    this.budget = new SendBudget(mem);
  }

  /** The link to `pid`, for a new channel end of kind `side`. */
  forPid(pid: Pid, side: "Sender" | "Receiver"): Link {
    if (!isPid(pid)) throw new TypeError(`not a pid: ${JSON.stringify(pid)}`);
    if (pid === this.self) throw channelError(pid, "self", side);
    let link = this.byPid.get(pid);
    if (!link) {
      link = this.add(pid, this.nextId);
      this.nextId += 2;
      this.host.command(Command.Link, link.id, Buffer.from(pid, "utf8"));
    }
    return link;
  }

  private add(pid: Pid, id: number): Link {
    const link = new Link(pid, id, this.host, this.budget);
    this.byPid.set(pid, link);
    this.byId.set(id, link);
    return link;
  }

  all(): IterableIterator<Link> {
    return this.byPid.values();
  }

  private get(id: number): Link {
    const link = this.byId.get(id);
    if (!link) throw new Error(`the I/O thread named unknown link ${id}`);
    return link;
  }

  link(id: number, pid: string): void {
    const known = this.byPid.get(pid as Pid);
    if (known) this.byId.set(id, known);
    else this.add(pid as Pid, id);
  }

  /** Data frames as they came off the connection, `buf[start, end)` (the I/O thread checked them). */
  data(id: number, buf: Buffer, start: number, end: number): void {
    const link = this.get(id);
    // One copy of the whole run of frames out of the ring, to the same offset modulo 8 (a word
    // copy, see ring.ts); each message is decoded when taken.
    const align = (buf.byteOffset + start) & 7;
    const chunk = this.chunks.take(align + end - start);
    const bytes = chunk.bytes;
    bytes.set(new Uint8Array(buf.buffer, buf.byteOffset + start, end - start), align);
    // Held while its messages are handed out: a waiting Receiver may take each at once, and the
    // chunk must not count as free before the last is handed out.
    chunk.pending = 1;
    for (let at = align, last = align + end - start; at < last; ) {
      const length = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) - 1;
      const body = at + FRAME_HEADER;
      at = body + length;
      chunk.pending++;
      link.receivedEncoded(chunk, body, at, length + MESSAGE_OVERHEAD);
    }
    chunk.taken();
  }

  dataLarge(id: number, bytes: Uint8Array): void {
    const size = bytes.length + MESSAGE_OVERHEAD; // read before the memory may go back
    let value: unknown;
    try {
      const decoded = decodeOwned(bytes);
      value = decoded.value;
      // Memory the value keeps none of goes back to the I/O thread, to read a next one into.
      if (!decoded.keepsBytes) this.host.giveBack(bytes.buffer as ArrayBuffer);
    } catch (e) {
      value = new Undecodable(e);
    }
    this.get(id).received(value, size);
  }

  end(id: number): void {
    this.get(id).received(END, 0);
  }

  lost(id: number, reason: string): void {
    this.get(id).fail(reason === "exited" ? "exited" : "connection lost");
  }

  credit(id: number, bytes: number): void {
    this.get(id).credit(bytes);
  }
}
