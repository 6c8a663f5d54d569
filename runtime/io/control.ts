// The I/O thread's connection to the fabric (docs/design.md §4): mutual authentication, hello,
// spawn requests and their answers, and exit notices of the run's processes.
import { connect, type Socket } from "node:net";
import { ProcessAuth } from "../fabric/auth.js";
import { ControlDecoder, encodeControl, type ControlHeader } from "../fabric/control-frame.js";
import type { Pid } from "../pid.js";
import type { EventSink } from "./event-sink.js";
import { log } from "./log.js";
import { Event } from "./shared.js";

export class Control {
  private readonly socket: Socket;
  private readonly decoder = new ControlDecoder();
  private readonly pending = new Set<number>();
  private broken: string | undefined;
  /** Until the fabric is authenticated: what that takes next, and the spawns that wait. */
  private auth: { readonly process: ProcessAuth; phase: "challenge" | "welcome"; readonly queued: Buffer[] } | undefined;

  constructor(
    address: { host: string; port: number },
    private readonly self: Pid,
    secret: string,
    private readonly sink: EventSink,
    private readonly onExited: (pid: Pid) => void,
    private readonly afterIo: () => void,
  ) {
    this.auth = { process: new ProcessAuth(secret), phase: "challenge", queued: [] };
    this.socket = connect(address);
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk: Buffer) => {
      try {
        for (const f of this.decoder.push(chunk)) this.onFrame(f.header);
      } catch (e) {
        log(`closing the fabric connection: ${(e as Error).message}`);
        this.socket.destroy();
      }
      this.afterIo();
    });
    this.socket.on("error", (e) => {
      this.broken ??= e.message;
    });
    // The fabric outlives every process of its run (it reports their exits), so losing it means
    // the run is gone: the bridge was killed, or the node lost its master. The process ends at
    // once, as the original's node kills its processes then: nobody is left to read its output
    // or its messages, and a process waiting for either would otherwise wait forever.
    this.socket.on("close", () => {
      log(`the fabric connection is lost (${this.broken ?? "closed"}): the run is gone, this process ends`);
      process.kill(process.pid, "SIGKILL");
    });
    // Unlike peer connections, the fabric link must not keep the I/O thread alive by itself.
    this.socket.unref();
  }

  spawn(id: number, resources: unknown, env: unknown, arg: Uint8Array): void {
    if (this.broken !== undefined) return this.failSpawn(id, `no fabric connection (${this.broken})`);
    this.pending.add(id);
    const frame = encodeControl({ t: "spawn", id, resources, env }, arg);
    if (this.auth) this.auth.queued.push(frame);
    else this.socket.write(frame);
  }

  /** The challenge–response of runtime/fabric/auth.ts; throws (closing the connection) on failure. */
  private authenticate(auth: NonNullable<Control["auth"]>, h: ControlHeader): void {
    if (auth.phase === "challenge") {
      this.socket.write(encodeControl(auth.process.answer(h)));
      auth.phase = "welcome";
      return;
    }
    auth.process.verify(h);
    this.auth = undefined;
    this.socket.write(encodeControl({ t: "hello", pid: this.self }));
    for (const frame of auth.queued) this.socket.write(frame);
  }

  private onFrame(h: ControlHeader): void {
    if (this.auth) return this.authenticate(this.auth, h);
    switch (h.t) {
      case "spawned":
        if (typeof h.id === "number" && typeof h.pid === "string" && this.pending.delete(h.id)) {
          this.sink.emit(Event.Spawned, h.id, Buffer.from(h.pid, "utf8"));
        }
        return;
      case "error":
        if (typeof h.id === "number" && this.pending.delete(h.id)) this.failSpawn(h.id, String(h.message ?? "spawn failed"));
        return;
      case "exited":
        if (typeof h.pid === "string") this.onExited(h.pid as Pid);
        return;
      default:
        return; // newer fabrics may say more; nothing else concerns the I/O thread
    }
  }

  private failSpawn(id: number, message: string): void {
    this.sink.emit(Event.SpawnFailed, id, Buffer.from(message, "utf8"));
  }
}
