import { createServer, type Server, type Socket } from "node:net";
import { isPid, type Pid } from "../pid.js";
import type { Resources } from "../resources.js";
import { AuthError, FabricAuth } from "./auth.js";
import { type Environment, isEnvironment } from "./environment.js";
import { parseResources } from "./resources-json.js";
import { ControlDecoder, type ControlFrame, type ControlHeader, encodeControl } from "./control-frame.js";

/** What the fabric does for the processes that connect to its control listener. */
export interface ControlHandlers {
  /** A process proved the secret and said who it is; returns why it is refused, if it is. */
  hello(pid: Pid): string | undefined;
  /** `parent` asks for a new process; resolves with its pid, rejects with a message for the parent. */
  spawn(parent: Pid, resources: Resources, env: Environment, arg: Buffer): Promise<Pid>;
  /** A process's connection ended (it exited, or was refused or misbehaved after hello). */
  disconnected(pid: Pid): void;
}

/** A protocol violation: the connection is closed and the reason logged. */
class ProtocolError extends Error {}

type State =
  | { readonly phase: "auth"; readonly auth: FabricAuth }
  | { readonly phase: "hello" }
  | { readonly phase: "ready"; readonly pid: Pid };

/** One process's control connection (docs/design.md §4). */
export class ControlConnection {
  private state: State;
  private readonly decoder = new ControlDecoder();

  constructor(
    private readonly socket: Socket,
    secret: string,
    private readonly handlers: ControlHandlers,
    private readonly log: (message: string) => void,
  ) {
    const auth = new FabricAuth(secret);
    this.state = { phase: "auth", auth };
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.received(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      if (this.state.phase === "ready") handlers.disconnected(this.state.pid);
    });
    this.send(auth.challenge);
  }

  /** Whether the process has authenticated and said hello. */
  get ready(): boolean {
    return this.state.phase === "ready";
  }

  /** Sends one frame, unless the connection is gone. */
  send(header: ControlHeader, payload?: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(encodeControl(header, payload));
  }

  private received(chunk: Buffer): void {
    try {
      for (const frame of this.decoder.push(chunk)) {
        if (this.socket.destroyed) return;
        this.handle(frame);
      }
    } catch (error) {
      this.refuse((error as Error).message);
    }
  }

  private handle({ header, payload }: ControlFrame): void {
    switch (this.state.phase) {
      case "auth":
        if (header.t !== "auth") throw new AuthError(`"${header.t}" frame before authentication`);
        this.send(this.state.auth.verify(header));
        this.state = { phase: "hello" };
        return;
      case "hello": {
        if (header.t !== "hello") throw new ProtocolError(`"${header.t}" frame before hello`);
        const pid = header.pid;
        if (!isPid(pid)) throw new ProtocolError(`hello with an invalid pid ${JSON.stringify(pid)}`);
        const refused = this.handlers.hello(pid);
        if (refused !== undefined) throw new ProtocolError(`hello from ${pid} refused: ${refused}`);
        this.state = { phase: "ready", pid };
        return;
      }
      case "ready":
        if (header.t !== "spawn") throw new ProtocolError(`unexpected "${header.t}" frame`);
        this.spawn(this.state.pid, header, payload);
        return;
    }
  }

  private spawn(parent: Pid, header: ControlHeader, arg: Buffer): void {
    const { id } = header;
    if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) throw new ProtocolError(`spawn with an invalid id ${JSON.stringify(id)}`);
    const resources = parseResources(header.resources);
    if (resources === undefined) throw new ProtocolError(`spawn with invalid resources ${JSON.stringify(header.resources)}`);
    const env = header.env;
    if (!isEnvironment(env)) throw new ProtocolError("spawn with an invalid env: expected an object of strings");
    this.handlers.spawn(parent, resources, env, arg).then(
      (pid) => this.send({ t: "spawned", id, pid }),
      (error: Error) => this.send({ t: "error", id, message: error.message }),
    );
  }

  private refuse(reason: string): void {
    this.log(`closing control connection from ${this.socket.remoteAddress}:${this.socket.remotePort}: ${reason}`);
    this.socket.destroy();
  }
}

/** The fabric's control listener on 127.0.0.1:0. */
export class ControlServer {
  private readonly connections = new Set<ControlConnection>();

  private constructor(private readonly server: Server) {}

  /** Starts listening; each connection is authenticated with `secret`. */
  static listen(secret: string, handlers: ControlHandlers, log: (message: string) => void): Promise<ControlServer> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      const control = new ControlServer(server);
      server.on("connection", (socket) => {
        const connection = new ControlConnection(socket, secret, handlers, log);
        control.connections.add(connection);
        socket.on("close", () => control.connections.delete(connection));
      });
      server.once("error", reject);
      server.listen({ host: "127.0.0.1", port: 0 }, () => resolve(control));
    });
  }

  /** Where processes connect. */
  get address(): { host: string; port: number } {
    const { address, port } = this.server.address() as { address: string; port: number };
    return { host: address, port };
  }

  /** Sends a frame to every process connected and past hello. */
  broadcast(header: ControlHeader): void {
    for (const connection of this.connections) if (connection.ready) connection.send(header);
  }

  /** Stops listening (connections end as their processes exit). */
  close(): void {
    this.server.close();
  }
}
