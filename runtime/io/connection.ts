// One TCP connection to a peer process, from its first byte: the handshake is done by the
// peer table (peers.ts), the rest by the Peer it is attached to.
import type { Socket } from "node:net";
import { FrameDecoder } from "./frame.js";
import type { Peer } from "./peer.js";
import type { Challenge, Hello } from "./handshake.js";

export class Connection {
  readonly decoder: FrameDecoder;
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

  constructor(
    readonly socket: Socket,
    readonly dialled: boolean,
    maxFrame: number,
  ) {
    this.decoder = new FrameDecoder(maxFrame);
    socket.setNoDelay(true);
  }

  /** Whether frames can still be written to it. */
  get writable(): boolean {
    return !this.closed && !this.socket.destroyed && this.socket.writable;
  }

  destroy(reason?: Error): void {
    this.socket.destroy(reason);
  }
}
