// One TCP connection to a peer process, from its first byte: the handshake is done by the
// peer table (peers.ts), the rest by the Peer it is attached to.
import { Socket, connect, type OnReadOpts } from "node:net";
import type { FrameDecoder } from "./frame.js";
import type { Peer } from "./peer.js";
import type { Challenge, Hello } from "./handshake.js";

/** Makes the socket, reading through `onread`. */
type Open = (onread: OnReadOpts) => Socket;

export class Connection {
  readonly decoder: FrameDecoder;
  readonly socket: Socket;
  /** Set once the handshake has attached it to its peer. */
  peer: Peer | undefined;
  /** The socket has closed; frames already read may still wait in the decoder. */
  closed = false;
  /** Closed on purpose (Bye): its end fails nothing. */
  graceful = false;
  /** Why it closed, when it was an error. */
  error: Error | undefined;
  /** The challenge of its handshake (sent when accepted, received when dialled), and the hello answering it. */
  handshake: { readonly challenge: Challenge; hello?: Hello } | undefined;

  /**
   * The socket reads into the decoder's memory (see FrameDecoder): no buffer is allocated per
   * read, and a large message is read straight into its own buffer. `onRead` runs after each read it takes.
   */
  private constructor(open: Open, readonly dialled: boolean, decoder: FrameDecoder, onRead: (c: Connection) => void) {
    this.decoder = decoder;
    this.socket = open({
      buffer: () => this.decoder.readBuffer(),
      callback: (n, buf) => {
        // One closing on purpose (or destroyed) reads on but takes nothing, and its peer may
        // have left bytes of an earlier read untaken.
        if (this.graceful || this.socket.destroyed) return true;
        this.decoder.filled(n, buf);
        onRead(this);
        // Pausing, when the main thread cannot take more, is the Peer's socket.pause().
        return true;
      },
    });
    this.socket.setNoDelay(true);
  }

  /** Dials `host:port`. */
  static dial(host: string, port: number, decoder: FrameDecoder, onRead: (c: Connection) => void): Connection {
    return new Connection((onread) => connect({ host, port, onread }), true, decoder, onRead);
  }

  /**
   * Takes over a socket the listener accepted, paused (`pauseOnConnect`) before it read
   * anything. Node gives `onread` only to sockets it makes for connect(), so the accepted
   * socket's handle moves to one made with it, and the accepted socket, left without a handle,
   * is dropped.
   */
  static accept(accepted: Socket, decoder: FrameDecoder, onRead: (c: Connection) => void): Connection {
    const holder = accepted as unknown as { _handle: unknown };
    const handle = holder._handle;
    holder._handle = null;
    const options = { handle, readable: true, writable: true };
    return new Connection((onread) => new Socket({ ...options, onread } as ConstructorParameters<typeof Socket>[0]), false, decoder, onRead);
  }

  /** Whether frames can still be written to it. */
  get writable(): boolean {
    return !this.closed && !this.socket.destroyed && this.socket.writable;
  }

  destroy(reason?: Error): void {
    this.socket.destroy(reason);
  }
}
