import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { RunEvent } from "../../runtime/bridge/events.js";
import { RunStatus } from "../../runtime/bridge/status.js";
import { AuthError, FabricAuth, ProcessAuth } from "../../runtime/fabric/auth.js";
import { LocalFabric } from "../../runtime/fabric/local-fabric.js";
import { Mem } from "../../runtime/resources.js";

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface FabricRun {
  readonly events: RunEvent[];
  readonly logs: string[];
  readonly code: number;
  /** Everything a process wrote on an fd, as text. */
  output(pid: string, fd: 1 | 2): string;
}

/** Runs a plain node program as the root of a local fabric; `onEvent` may act on the run. */
async function runFabric(args: string[], mem: number, onEvent?: (event: RunEvent, fabric: LocalFabric) => void): Promise<FabricRun> {
  const events: RunEvent[] = [];
  const logs: string[] = [];
  const status = new RunStatus();
  let fabric: LocalFabric | undefined;
  const ended = new Promise<void>((resolve) => {
    void LocalFabric.start({
      secret: randomBytes(32).toString("hex"),
      command: process.execPath,
      args,
      env: process.env,
      spares: 1,
      log: (message) => logs.push(message),
      output: { full: false, whenRoom: (resume) => resume() }, // kept in memory: always room
      emit: (event) => {
        events.push(event);
        status.record(event);
        onEvent?.(event, fabric!);
        if (status.ended) resolve();
      },
    }).then((started) => {
      fabric = started;
      return started.launchRoot({ mem, cpu: 1 });
    });
  });
  await ended;
  fabric!.close();
  return {
    events,
    logs,
    code: status.code(),
    output: (pid, fd) =>
      Buffer.concat(events.flatMap((e) => (e.type === "output" && e.pid === pid && e.fd === fd ? [e.bytes] : []))).toString("utf8"),
  };
}

/** The events of one pid, without their payloads. */
const shape = (events: RunEvent[], pid: string): string[] =>
  events.filter((e) => e.pid === pid || (e.type === "spawn" && e.child === pid)).flatMap((e) => {
    switch (e.type) {
      case "start": return ["start"];
      case "spawn": return [e.pid === pid ? "spawn child" : "spawned"];
      case "output": return [];
      case "close": return [`close ${e.fd}`];
      case "exit": return [`exit ${JSON.stringify(e.status)}`];
    }
  });

describe("control authentication", () => {
  const secret = "5e".repeat(32);

  it("lets a process and a fabric that share the secret prove it to each other", () => {
    const fabric = new FabricAuth(secret);
    const process = new ProcessAuth(secret);
    expect(() => process.verify(fabric.verify(process.answer(fabric.challenge)))).not.toThrow();
  });

  it("makes a process refuse a fabric that does not know the secret", () => {
    const impostor = new FabricAuth("00".repeat(32));
    const process = new ProcessAuth(secret);
    const answer = process.answer(impostor.challenge);
    // The impostor cannot check the answer, and its welcome does not convince the process.
    expect(() => impostor.verify(answer)).toThrow(AuthError);
    const forged = { t: "welcome", proof: "ab".repeat(32) };
    expect(() => process.verify(forged)).toThrow(/wrong proof/);
  });

  it("does not accept an answer replayed to another challenge", () => {
    const process = new ProcessAuth(secret);
    const answer = process.answer(new FabricAuth(secret).challenge);
    expect(() => new FabricAuth(secret).verify(answer)).toThrow(/wrong proof/);
  });
});

describe("local fabric", () => {
  it("authenticates a process, launches the child it asks for, and tells it when the child exits", async () => {
    const run = await runFabric([fixture("control-client.mjs"), "spawn"], 100 * Mem.MiB);
    const root = run.events[0]!.pid;
    const spawn = run.events.find((e) => e.type === "spawn");
    expect(spawn).toMatchObject({ type: "spawn", pid: root });
    const child = (spawn as { child: string }).child;
    expect(run.output(child, 1)).toBe(`child of ${child.slice(0, 7)} got exit-with:5\n`);
    expect(run.output(root, 1)).toBe(`asking\nspawned id 7\nchild exited {"code":5}\nconnection closed\n`);
    // What the root wrote before asking comes before the spawn.
    const asked = run.events.findIndex((e) => e.type === "output" && Buffer.from(e.bytes).toString().startsWith("asking"));
    expect(asked).toBeGreaterThan(-1);
    expect(asked).toBeLessThan(run.events.indexOf(spawn!));
    // The child's events all come after its spawn; each process ends with both closes, then its exit.
    expect(shape(run.events, child)[0]).toBe("spawned");
    expect(shape(run.events, child).slice(1).sort()).toEqual(["close 1", "close 2", 'exit {"code":5}']);
    expect(shape(run.events, child).at(-1)).toBe('exit {"code":5}');
    expect(shape(run.events, root).at(-1)).toBe('exit {"code":0}');
    expect(run.events.at(-1)).toEqual({ type: "exit", pid: root, status: { code: 0 } });
    expect(run.code).toBe(1);
    expect(run.logs).toEqual([]);
  });

  it("closes the connection of a process that does not know the secret", async () => {
    const run = await runFabric([fixture("control-client.mjs"), "wrong"], 100 * Mem.MiB);
    expect(run.output(run.events[0]!.pid, 1)).toBe("connection closed\n");
    expect(run.logs).toEqual([expect.stringMatching(/^closing control connection from 127\.0\.0\.1:\d+: wrong proof/)]);
  });

  it("closes the connection that sends a malformed frame, and logs why", async () => {
    const run = await runFabric([fixture("control-client.mjs"), "garbage"], 100 * Mem.MiB);
    expect(run.output(run.events[0]!.pid, 1)).toBe("connection closed\n");
    expect(run.logs).toEqual([expect.stringMatching(/^closing control connection from .*: control frame header of 9 bytes overruns/)]);
    expect(run.code).toBe(0);
  });

  it("kills a process that goes over its memory limit, and says why", async () => {
    const run = await runFabric([fixture("hog.mjs")], 80 * Mem.MiB);
    expect(run.events.at(-1)).toMatchObject({
      type: "exit",
      status: { signal: "SIGKILL" },
      reason: expect.stringMatching(/^memory limit 80 MiB exceeded: \d+ MiB of its own resident memory, Node's ~15 MiB included; ask for more mem$/),
    });
    expect(run.code).toBe(137);
  });

  it("stops every process when told to, and reports each", async () => {
    const run = await runFabric([fixture("wait.mjs")], 100 * Mem.MiB, (event, fabric) => {
      if (event.type === "output") fabric.stop("interrupted by the test");
    });
    expect(run.events.at(-1)).toMatchObject({ type: "exit", status: { signal: "SIGKILL" }, reason: "interrupted by the test" });
  });
});
