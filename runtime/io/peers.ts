// Every peer of this process, and how connections to them are made: dialled lazily, accepted
// from the listener, checked by the handshake, and deduplicated when both sides dial at once.
//
// Deduplication: only the acceptor decides. Holding a connection of its own to the dialler
// (established, or being dialled), it keeps the one dialled by the smaller pid; the loser is
// answered "duplicate" before a single message travels on it. Both ends apply the same order,
// so they always agree.
import type { Socket } from "node:net";
import { pidAddress, type Pid } from "../pid.js";
import { Connection } from "./connection.js";
import { Frame, FrameDecoder, FrameError, frame } from "./frame.js";
import { challenge, checkWelcome, hello, helloProblem, welcome, type Challenge, type Hello, type Welcome } from "./handshake.js";
import { log } from "./log.js";
import { Peer, type PeerHost } from "./peer.js";
import { Event, IO_FIRST_ID, LARGE_MESSAGE } from "./shared.js";

/** How long a process may take to come up, or keep refusing, before a dial gives up. */
const DIAL_PATIENCE_MS = 10_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Told "duplicate", a dialler waits this long for the peer's own connection before trying again. */
const DUPLICATE_PATIENCE_MS = 2_000;
/** Why a process refuses a new connection from a peer whose last one it lost (Peer.cut). */
const LOST_CONNECTION = "the connection between these processes was lost, and messages with it";

interface Dial {
  readonly conn: Connection;
  readonly since: number;
}

export class Peers {
  private readonly byPid = new Map<Pid, Peer>();
  private readonly byId = new Map<number, Peer>();
  private readonly dials = new Map<Peer, Dial>();
  private readonly awaitingIncoming = new Map<Peer, NodeJS.Timeout>();
  private readonly exited = new Set<Pid>();
  private nextId = IO_FIRST_ID;

  constructor(
    private readonly self: Pid,
    private readonly secret: string,
    private readonly thread: ThreadHost,
    private readonly maxFrame: number,
  ) {}

  all(): IterableIterator<Peer> {
    return this.byPid.values();
  }

  /** The frame decoder of a new connection: messages of LARGE_MESSAGE or more in memory of the thread's pool. */
  private decoder(): FrameDecoder {
    return new FrameDecoder({ maxFrame: this.maxFrame, reuseBelow: LARGE_MESSAGE, allocate: this.thread.largeBuffer });
  }

  /** The peer the main thread calls `id`. */
  get(id: number): Peer {
    const peer = this.byId.get(id);
    if (!peer) throw new Error(`unknown link id ${id}`);
    return peer;
  }

  /** The main thread named link `id` (its ids are even, ours odd: they never collide). */
  alias(id: number, pid: Pid): void {
    this.byId.set(id, this.byPid.get(pid) ?? this.create(pid, id));
  }

  private create(pid: Pid, id: number): Peer {
    const peer = new Peer(pid, id, this.thread);
    this.byPid.set(pid, peer);
    this.byId.set(id, peer);
    if (this.exited.has(pid)) peer.markExited();
    return peer;
  }

  /** A peer first heard of from the network: the main thread learns its link id now. */
  private inbound(pid: Pid): Peer {
    const known = this.byPid.get(pid);
    if (known) return known;
    const id = this.nextId;
    this.nextId += 2;
    this.thread.sink.emit(Event.Link, id, Buffer.from(pid, "utf8"));
    return this.create(pid, id);
  }

  /** The fabric reported `pid`'s exit. */
  markExited(pid: Pid): void {
    this.exited.add(pid);
    const peer = this.byPid.get(pid);
    if (!peer) return;
    this.dials.get(peer)?.conn.destroy();
    peer.markExited();
  }

  // --- dialling --------------------------------------------------------------------------

  /** Makes sure a connection to `peer` exists or is on its way. */
  connect(peer: Peer): void {
    if (this.mayDial(peer)) this.dial(peer, Date.now());
  }

  /** Whether `peer` has no connection, none on its way, and may still get one. */
  private mayDial(peer: Peer): boolean {
    return !peer.failed && !peer.cut && !peer.conn && !this.dials.has(peer) && !this.awaitingIncoming.has(peer);
  }

  private dial(peer: Peer, since: number): void {
    const { host, port } = pidAddress(peer.pid);
    const conn = Connection.dial(host, port, this.decoder(), this.onRead);
    this.dials.set(peer, { conn, since });
    this.wire(conn, () => {
      if (this.dials.get(peer)?.conn !== conn) return;
      this.dials.delete(peer);
      if (peer.failed || peer.conn) return;
      if (Date.now() - since > DIAL_PATIENCE_MS) {
        log(`giving up connecting to ${peer.pid}: ${conn.error?.message ?? "closed during the handshake"}`);
        peer.fail(peer.exited ? "exited" : "connection lost");
        return;
      }
      setTimeout(() => this.redial(peer, since), Math.min(200, 5 + (Date.now() - since) / 10)).unref();
    });
  }

  private redial(peer: Peer, since: number): void {
    if (this.mayDial(peer)) this.dial(peer, since);
  }

  private dialFor(conn: Connection): Peer | undefined {
    return [...this.dials].find(([, d]) => d.conn === conn)?.[0];
  }

  private onChallenge(conn: Connection, c: Challenge): void {
    const peer = this.dialFor(conn);
    if (!peer) return conn.destroy();
    const h = hello(this.self, peer.pid, this.secret, c);
    conn.handshake = { challenge: c, hello: h };
    conn.socket.write(frame(Frame.Hello, Buffer.from(JSON.stringify(h))));
  }

  private onWelcome(conn: Connection, w: Welcome): void {
    const peer = this.dialFor(conn);
    const sent = conn.handshake;
    if (!peer || !sent?.hello) throw new FrameError("welcome before hello");
    this.dials.delete(peer);
    if (w.ok) {
      try {
        checkWelcome(w, this.secret, sent.hello, sent.challenge);
      } catch (e) {
        log(`${peer.pid} failed authentication: ${(e as Error).message}`);
        conn.destroy();
        return peer.fail("connection lost");
      }
      if (peer.conn || peer.failed || peer.cut) return conn.destroy();
      return peer.attach(conn);
    }
    conn.destroy();
    if (w.reason === "duplicate") {
      if (peer.conn) return;
      this.awaitingIncoming.set(
        peer,
        setTimeout(() => {
          this.awaitingIncoming.delete(peer);
          this.connect(peer);
        }, DUPLICATE_PATIENCE_MS).unref(),
      );
      return;
    }
    log(`${peer.pid} refused our connection: ${w.message}`);
    // A pid names one process; if the process at its address is another, that one is gone.
    peer.fail(w.message.startsWith("addressed to") ? "exited" : "connection lost");
  }

  // --- accepting -------------------------------------------------------------------------

  /** Takes a socket the listener accepted (paused, see Connection.accept). */
  accept(accepted: Socket): void {
    const conn = Connection.accept(accepted, this.decoder(), this.onRead);
    const c = challenge();
    conn.handshake = { challenge: c };
    conn.socket.write(frame(Frame.Challenge, Buffer.from(JSON.stringify(c))));
    const timer = setTimeout(() => {
      if (!conn.peer) {
        log("closing a connection that sent no handshake");
        conn.destroy();
      }
    }, HANDSHAKE_TIMEOUT_MS).unref();
    this.wire(conn, () => clearTimeout(timer));
  }

  private onHello(conn: Connection, body: Buffer): void {
    let h: unknown;
    try {
      h = JSON.parse(body.toString("utf8"));
    } catch {
      throw new FrameError("hello is not JSON");
    }
    const problem = helloProblem(h, this.self, this.secret, conn.handshake!.challenge);
    if (problem) {
      log(`refusing a connection: ${problem}`);
      return this.answer(conn, { ok: false, reason: "refused", message: problem }, true);
    }
    const { from } = h as Hello;
    const peer = this.inbound(from);
    if (peer.cut) {
      // Its side of the lost connection: what it sent on it may be lost, so it must fail too.
      return this.answer(conn, { ok: false, reason: "refused", message: LOST_CONNECTION }, true);
    }
    // The peer dials only once it holds no connection to us: one we are closing is done.
    if (peer.conn && peer.closing) peer.closeGracefully(peer.conn, false);
    const dial = this.dials.get(peer);
    const ownWins = peer.conn !== undefined || (dial !== undefined && this.self < from);
    if (ownWins || peer.failed) {
      return this.answer(conn, { ok: false, reason: "duplicate", message: "a connection between these processes exists" }, true);
    }
    if (dial) {
      this.dials.delete(peer);
      dial.conn.destroy();
    }
    const waiting = this.awaitingIncoming.get(peer);
    if (waiting) clearTimeout(waiting);
    this.awaitingIncoming.delete(peer);
    this.answer(conn, welcome(this.secret, h as Hello, conn.handshake!.challenge), false);
    peer.attach(conn);
  }

  private answer(conn: Connection, w: Welcome, end: boolean): void {
    const bytes = frame(Frame.Welcome, Buffer.from(JSON.stringify(w)));
    if (end) conn.socket.end(bytes);
    else conn.socket.write(bytes);
  }

  // --- socket events ---------------------------------------------------------------------

  /** After every read of a connection. */
  private readonly onRead = (conn: Connection): void => {
    this.readFrom(conn);
    this.thread.afterIo();
  };

  private wire(conn: Connection, onClose: () => void): void {
    const socket = conn.socket;
    socket.on("error", (e) => {
      conn.error = e;
    });
    socket.on("close", () => {
      onClose();
      conn.peer?.closed(conn);
      this.thread.afterIo();
    });
  }

  private readFrom(conn: Connection): void {
    if (conn.peer) return conn.peer.read();
    try {
      while (!conn.peer && conn.decoder.next()) {
        const { type, body } = conn.decoder;
        if (type === Frame.Hello && !conn.dialled && !conn.handshake?.hello) this.onHello(conn, body);
        else if (type === Frame.Challenge && conn.dialled && !conn.handshake) this.onChallenge(conn, parseChallenge(body));
        else if (type === Frame.Welcome && conn.dialled) this.onWelcome(conn, parseWelcome(body));
        else throw new FrameError(`frame type ${type} before the handshake`);
        if (conn.socket.destroyed) return;
      }
    } catch (e) {
      log(`closing a connection: ${(e as Error).message}`);
      conn.destroy();
      return;
    }
    (conn.peer as Peer | undefined)?.read(); // the handshake may have attached it
  }
}

function parseJson(body: Buffer, what: string, valid: (v: any) => boolean): any {
  try {
    const v: unknown = JSON.parse(body.toString("utf8"));
    if (typeof v === "object" && v !== null && valid(v)) return v;
  } catch {
    // fall through
  }
  throw new FrameError(`malformed ${what}`);
}

function parseWelcome(body: Buffer): Welcome {
  return parseJson(body, "welcome", (w) => typeof w.ok === "boolean");
}

function parseChallenge(body: Buffer): Challenge {
  return parseJson(body, "challenge", (c) => typeof c.nonce === "string");
}

/**
 * The I/O thread around the peers; it is also each peer's host (plain fields, not getters: a
 * peer reads them at every frame).
 */
export interface ThreadHost extends PeerHost {
  /** Writes what peers queued, hands out credits, publishes events: end of every I/O callback. */
  afterIo(): void;
  /** Memory for a large message received, at least `size` bytes at offset 0 (large-buffers.ts). */
  readonly largeBuffer: (size: number) => Buffer;
}
