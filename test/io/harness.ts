// Runs fixture programs (test/io/fixtures/*.mjs, importing the built dist/) as the process
// layer will run processes (docs/design.md §3): a listener bound here and passed as fd 4, the
// environment of a child, and a small fabric control listener answering hello and spawn, and
// telling every process when one exits.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { decode } from "../../runtime/codec/index.js";
import { FabricAuth } from "../../runtime/fabric/auth.js";
import { ControlDecoder, encodeControl } from "../../runtime/fabric/control-frame.js";
import { makePid, type Pid } from "../../runtime/pid.js";

const SECRET = "5ec12e7".padEnd(64, "0");
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const BUILT = fileURLToPath(new URL("../../dist/runtime/io/thread.bundle.cjs", import.meta.url));

export interface Proc {
  readonly pid: Pid;
  readonly fixture: string;
  readonly child: ChildProcess;
  /** The JSON lines it printed so far. */
  readonly lines: any[];
  stderr: string;
  /** Resolves with its exit code (or signal name) once it exited. */
  readonly exit: Promise<number | string>;
}

export class Run {
  readonly procs: Proc[] = [];
  private readonly control: Server;
  private readonly conns = new Map<Pid, Socket>();
  private port = 0;

  private constructor() {
    this.control = createServer((s) => this.serve(s));
  }

  static async start(): Promise<Run> {
    if (!existsSync(BUILT)) throw new Error("build first: npm run build (fixtures import dist/)");
    const run = new Run();
    await new Promise<void>((resolve) => run.control.listen(0, "127.0.0.1", resolve));
    run.port = (run.control.address() as { port: number }).port;
    return run;
  }

  /** Starts a fixture as a process of this run. */
  async launch(fixture: string, arg: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<Proc> {
    const listener = createServer();
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const pid = makePid("127.0.0.1", (listener.address() as { port: number }).port);
    const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
    // e.g. TEST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the fixtures
    const nodeArgs = process.env.TEST_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeArgs, FIXTURES + fixture], {
      stdio: ["ignore", "pipe", "pipe", "ignore", fd],
      env: {
        ...process.env,
        ...env,
        CONSTELLATION_ROLE: "child",
        CONSTELLATION_PID: pid,
        CONSTELLATION_FABRIC: `127.0.0.1:${this.port}`,
        CONSTELLATION_SECRET: SECRET,
        TEST_ARG: JSON.stringify(arg),
      },
    });
    listener.close(); // the child holds its own copy of the listening socket
    const lines: any[] = [];
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      let nl;
      while ((nl = out.indexOf("\n")) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        try {
          lines.push(JSON.parse(line));
        } catch {
          lines.push({ text: line });
        }
      }
    });
    const proc: Proc = {
      pid,
      fixture,
      child,
      lines,
      stderr: "",
      exit: new Promise((resolve) =>
        child.on("exit", (code, signal) => {
          resolve(code ?? signal ?? -1);
          this.broadcast({ t: "exited", pid, status: code !== null ? { code } : { signal } });
        }),
      ),
    };
    child.stderr!.on("data", (d: Buffer) => (proc.stderr += d.toString()));
    this.procs.push(proc);
    return proc;
  }

  /** Waits until a process printed a line matching `pred`. */
  async line(proc: Proc, pred: (l: any) => boolean): Promise<any> {
    for (;;) {
      const found = proc.lines.find(pred);
      if (found) return found;
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
        await new Promise((r) => setTimeout(r, 50));
        const late = proc.lines.find(pred);
        if (late) return late;
        throw new Error(`${proc.fixture} exited (${proc.child.exitCode ?? proc.child.signalCode}) without the expected line; stderr:\n${proc.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The process started by a spawn request for `fixture`, once it exists. */
  async spawned(fixture: string): Promise<Proc> {
    for (;;) {
      const p = this.procs.find((q) => q.fixture === fixture);
      if (p) return p;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const p of this.procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all(this.procs.map((p) => p.exit));
    for (const s of this.conns.values()) s.destroy();
    await new Promise((r) => this.control.close(r));
  }

  private broadcast(header: { t: string; [k: string]: unknown }): void {
    for (const s of this.conns.values()) if (!s.destroyed) s.write(encodeControl(header));
  }

  private serve(socket: Socket): void {
    const decoder = new ControlDecoder();
    let auth: FabricAuth | undefined = new FabricAuth(SECRET);
    socket.write(encodeControl(auth.challenge));
    socket.on("error", () => {});
    socket.on("data", async (chunk: Buffer) => {
      for (const { header, payload } of decoder.push(chunk)) {
        if (auth) {
          socket.write(encodeControl(auth.verify(header)));
          auth = undefined;
          continue;
        }
        if (header.t === "hello") this.conns.set(header.pid as Pid, socket);
        if (header.t === "spawn") {
          const { fixture, args } = decode(payload) as { fixture: string; args: Record<string, unknown> };
          if (!existsSync(FIXTURES + fixture)) {
            socket.write(encodeControl({ t: "error", id: header.id, message: `no fixture ${fixture}` }));
            continue;
          }
          const p = await this.launch(fixture, args);
          socket.write(encodeControl({ t: "spawned", id: header.id, pid: p.pid }));
        }
      }
    });
  }
}
