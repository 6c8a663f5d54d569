// Channels between real processes: fixtures (test/io/fixtures) run on the built dist/ with the
// environment and file descriptors the process layer gives (docs/design.md §3).
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { Run } from "../io/harness.js";
import { makePid } from "../../runtime/pid.js";

let run: Run;
beforeEach(async () => {
  run = await Run.start();
});
afterEach(async () => {
  await run.close();
});

/** Runs a root fixture to its end; returns its last JSON line and checks it exited with 0. */
async function result(fixture: string, arg: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<any> {
  const root = await run.launch(fixture, arg, env);
  const code = await root.exit;
  expect(code, root.stderr).toBe(0);
  expect(root.lines.length, root.stderr).toBeGreaterThan(0);
  return root.lines.at(-1);
}

describe("delivery", () => {
  test("await and .block() in both directions; the child ends at end-of-stream", async () => {
    expect(await result("ping.mjs", { count: 50 })).toEqual({ sum: 2 * (49 * 50) / 2 });
    const pong = await run.spawned("pong.mjs");
    expect(await pong.exit).toBe(0);
    expect(pong.lines).toEqual([{ done: 50 }]);
  });

  test.each(["0", "2000"])("request and answer, both ways, with the main thread's linger at %s µs", async (us) => {
    // The linger (host.ts) watches for events while it spins: at 2 ms, far longer than a round
    // trip, an answer must still end it, and with it off every wait sleeps at once.
    expect(await result("ping.mjs", { count: 200 }, { CONSTELLATION_MAIN_SPIN_US: us })).toEqual({ sum: 2 * (199 * 200) / 2 });
  });

  test("100k messages arrive in order, none lost (await)", async () => {
    expect(await result("stream-out.mjs", { count: 100_000 })).toMatchObject({ received: 100_000, outOfOrder: 0 });
  });

  test.each([
    ["recv().block()", true],
    ["for...of", "iterate"],
  ])("100k objects arrive in order, none lost (.block() sends, %s receives)", async (_, blockRecv) => {
    const r = await result("stream-out.mjs", { count: 100_000, block: true, blockRecv, shape: "object" });
    expect(r).toMatchObject({ received: 100_000, outOfOrder: 0 });
  });

  test("blocking iteration takes its turn after recvs already pending, and ends at end-of-stream", async () => {
    expect(await result("iterate-root.mjs")).toEqual({ pending: [0, 1], iterated: [2, 3, 4, 5, 6, 7, 8, 9], after: "closed" });
  });

  test("messages of every size arrive in order, none lost, to a receiver slower than its sender", async () => {
    // Frames fall across socket reads anywhere, and the receiver's window fills: the reader
    // stops between frames and resumes later (the decoder's memory for the next read must
    // still be right then; it once was not, and messages were lost).
    const r = await result("stream-out.mjs", { count: 60_000, block: true, shape: "varied" });
    expect(r).toMatchObject({ received: 60_000, outOfOrder: 0, damaged: 0 });
  });

  test("300 messages of 1 MiB arrive whole and in order (the memory of one is reused only once sent)", async () => {
    const r = await result("stream-out.mjs", { count: 300, size: 1 << 20, fill: true, block: true });
    expect(r).toMatchObject({ received: 300, outOfOrder: 0, damaged: 0 });
  });

  test("a 256 MiB message", async () => {
    expect(await result("big-out.mjs", { mib: 256 })).toMatchObject({ length: 256 * 1024 * 1024, ok: true });
  });

  test("a stream's last message goes out while its sender computes without yielding", async () => {
    // The I/O thread naps while its main thread streams, coming back by itself (io/thread.ts):
    // the main thread here neither waits nor sends again until the message has arrived.
    const file = join(mkdtempSync(join(tmpdir(), "busy-")), "go");
    expect(await result("busy-root.mjs", { file, count: 5000 })).toEqual({ received: 5000, after: "done" });
  });

  test("messages sent before the Receiver exists wait for it, also after their sender exited", async () => {
    expect(await result("flush-root.mjs", { count: 1000, how: "natural", delay: 500 })).toEqual({ received: 1000, inOrder: true });
  });

  test("all-to-all: processes that dial each other at once agree on one connection", async () => {
    const r = await result("mesh.mjs", { n: 4, count: 500 });
    expect(r.reports).toEqual([{ ok: 1500 }, { ok: 1500 }, { ok: 1500 }, { ok: 1500 }]);
  });
});

describe("flow control", () => {
  // Regressions, both stalls for good that show as this test's timeout: a wake-up of the I/O
  // thread got lost when the main thread cleared its sleeping flag between the flag's store and
  // the wait; and (await only, ~1 run in 10 on a loaded machine) a credit published just before
  // a full window set Word.CreditWanted woke nobody, while the wait `new Pending()` had armed
  // before it did not see it.
  test.each([
    [".block()", true],
    ["await", false],
  ])("passes of small messages with an answer between them go on to the end (%s)", { timeout: 60_000 }, async (_, block) => {
    const passes = 6;
    const count = 100_000;
    expect(await result("passes-out.mjs", { passes, count, block })).toEqual({ got: Array(passes).fill(count) });
  });

  test("a sender blocks while its receiver does not read, and loses nothing", async () => {
    const count = 4096; // 256 MiB in 64 KiB messages: far beyond every buffer on the way
    const root = await run.launch("slow-out.mjs", { count });
    const reader = await run.spawned("slow-in.mjs");
    await run.line(reader, (l) => l.waiting);
    // Wait until the sender's progress stops: it must be blocked well before the end.
    let last = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const sent = root.lines.filter((l) => "sent" in l).at(-1)?.sent ?? 0;
      if (sent === last) break;
      last = sent;
    }
    expect(last).toBeLessThan(count / 4);
    reader.child.kill("SIGUSR1");
    const done = await run.line(root, (l) => "done" in l);
    expect(done.done).toEqual({ received: count, inOrder: true });
    expect(await root.exit).toBe(0);
  });
});

describe("select", () => {
  test("takes from whichever has a value and loses nothing on the others", async () => {
    expect(await result("select.mjs")).toEqual({ left: 2000, right: 2000, ordered: true });
  });

  test("from eight senders at once, frames of every size come in order, none lost", async () => {
    const r = await result("fan-in.mjs", { senders: 8, count: 10_000 });
    expect(r).toEqual({ received: new Array(8).fill(10_000), outOfOrder: 0 });
  });

  test.each([1, 2, 3])("read at random, by recv, select, aborted recvs and Receivers made anew, streams of random lengths come whole and in order (seed %i)", async (seed) => {
    const r = await result("read-anyhow.mjs", { senders: 3, count: 5_000, seed });
    expect(r).toEqual({ received: [5_000, 5_000, 5_000], outOfOrder: 0, streamsEnded: true, remade: true });
  });

  test("an aborted recv consumes nothing", async () => {
    expect(await result("abort.mjs")).toEqual({ aborted: "AbortError", already: "AbortError", next: "go" });
  });
});

describe("lifecycle", () => {
  test("close/dispose ends a Sender; a new one may follow; duplicates and self are refused", async () => {
    const r = await result("retype-root.mjs");
    expect(r).toEqual({ numbers: [1, 2, 3], end: "closed", afterEnd: "closed", letters: ["a", "b"], self: "self" });
    const child = await run.spawned("retype.mjs");
    expect(await child.exit).toBe(0);
    expect(child.lines).toEqual([{ duplicate: "duplicate", afterClose: "closed", duplicateReceiver: "duplicate" }]);
  });

  test("channels made and closed for each message (`using`) meet; a stream's end is the Receiver's that read it", async () => {
    expect(await result("scoped-root.mjs", { rounds: 300 })).toEqual({ wrong: 0 });
    const child = await run.spawned("scoped.mjs");
    expect(await child.exit).toBe(0);
    expect(child.lines).toEqual([{ partly: [10, 11, "closed"], empty: "closed" }]);
  });

  test.each(["natural", "exit", "throw"])("everything sent is delivered before a process exits (%s)", async (how) => {
    const r = await result("flush-root.mjs", { count: 20_000, how });
    expect(r).toEqual({ received: 20_000, inOrder: true });
    const child = await run.spawned("flush.mjs");
    expect(await child.exit).toBe(how === "throw" ? 1 : 0);
  });

  test.each([
    ["recv", false],
    ["for...of", true],
  ])("a peer killed mid-stream: %s and send fail with ChannelError 'exited'", async (_, iterate) => {
    const root = await run.launch("kill-root.mjs", { iterate });
    await run.line(root, (l) => l.ready);
    const child = await run.spawned("forever.mjs");
    child.child.kill("SIGKILL");
    const r = await run.line(root, (l) => "error" in l);
    expect(r).toEqual({ error: { name: "ChannelError", reason: "exited", pid: true }, send: "exited" });
    expect(await root.exit).toBe(0);
  });

  test("a value that does not match the Receiver's TypeCheck rejects that recv with SchemaError (a for...of throws it)", async () => {
    const r = await result("schema.mjs");
    expect(r.first).toEqual({ n: 1 });
    expect(r.second).toMatchObject({ schema: true, path: "/n" });
    expect(r.second.message).toMatch(/\{ n: number \}/);
    expect(r.second.message).toMatch(/\/n must be number/);
    expect(r.third).toEqual({ n: 2 });
    expect(r.iterated).toEqual({ schema: true, path: "/n" });
  });

  test("a refused spawn rejects with SpawnError", async () => {
    const r = await result("spawn-error.mjs");
    expect(r.error).toMatchObject({ name: "SpawnError", mem: 100 * 1024 * 1024 });
    expect(r.error.message).toMatch(/no-such-fixture/);
  });
});

describe("connections", () => {
  test("a connection cut between two live processes fails their channels: nothing is lost silently", async () => {
    // Frames carry no sequence number to resend from: a new connection after the cut would go
    // on as if nothing had been lost with the old one, as it once did.
    const root = await run.launch("cut-out.mjs", { seconds: 10 });
    const child = await run.spawned("cut-in.mjs");
    await run.line(child, (l) => l.ready);
    // Both ends of their connection (either may have dialled the other's listener): a reset
    // the processes did not make, as a network fault would.
    const ports = [root.pid, child.pid].map((pid) => pid.split(":").at(-1));
    const filter = ports.map((p) => `sport = :${p} or dport = :${p}`).join(" or ");
    const cut = spawnSync("ss", ["-K", `( ${filter} )`], { encoding: "utf8" });
    expect(cut.status, cut.stderr).toBe(0);
    expect(cut.stdout).toContain("ESTAB");
    const sender = await run.line(root, (l) => "sent" in l);
    const receiver = await run.line(child, (l) => "received" in l);
    expect(sender.error).toBe("connection lost");
    expect(receiver).toMatchObject({ skipped: 0, error: "connection lost" });
    expect(receiver.received).toBeLessThanOrEqual(sender.sent);
  });

  test("the connection closes when the last channel goes, and a new channel reopens one", async () => {
    expect(await result("reconnect.mjs")).toEqual({ echoed: "hi", opened: true, ended: "closed", closed: true, again: "again" });
  });
});

describe("hostile input", () => {
  test("garbage on a process's listener closes that connection, with a logged reason, and harms nothing else", async () => {
    const { connect } = await import("node:net");
    const { pidAddress } = await import("../../runtime/pid.js");
    const root = await run.launch("stream-out.mjs", { count: 50_000 });
    const { port } = pidAddress(root.pid);
    for (const garbage of [Buffer.from("GET / HTTP/1.1\r\n\r\n"), Buffer.from([0, 0, 0, 9, 1, 0x7b, 0x7d, 0x7d, 0x7d, 0, 0, 0, 0])]) {
      const s = connect(port, "127.0.0.1");
      s.on("error", () => {});
      s.resume(); // the listener opens with its challenge; read it so that the close arrives
      s.end(garbage);
      await new Promise((r) => s.on("close", r));
    }
    expect(await root.exit).toBe(0);
    expect(root.lines.at(-1)).toMatchObject({ received: 50_000, outOfOrder: 0 });
    expect(root.stderr).toMatch(/closing a connection: frame of|closing a connection: unknown frame type/);
    expect(root.stderr).toMatch(/closing a connection: hello is not JSON/);
  });

  test("a connection that does not know the run's secret is refused and can send nothing", async () => {
    const { connect } = await import("node:net");
    const { pidAddress } = await import("../../runtime/pid.js");
    const { Frame, FrameDecoder, frame } = await import("../../runtime/io/frame.js");
    const { hello } = await import("../../runtime/io/handshake.js");
    const root = await run.launch("stream-out.mjs", { count: 20_000 });
    const { port } = pidAddress(root.pid);
    const decoder = new FrameDecoder({ maxFrame: 1 << 20 });
    const answers: [number, any][] = [];
    const s = connect({ port, host: "127.0.0.1", onread: { buffer: () => decoder.readBuffer(), callback: onRead } });
    function onRead(n: number, into: Uint8Array): boolean {
      decoder.filled(n, into);
      while (decoder.next()) {
        answers.push([decoder.type, JSON.parse(decoder.body.toString())]);
        // An impostor that knows the protocol but not the secret answers the challenge.
        if (decoder.type === Frame.Challenge) {
          const forged = hello(makePid("127.0.0.1", 1), root.pid, "00".repeat(32), answers[0]![1]);
          s.write(frame(Frame.Hello, Buffer.from(JSON.stringify(forged))));
        }
      }
      return true; // go on reading
    }
    await new Promise((r) => s.on("close", r));
    expect(answers.map(([type]) => type)).toEqual([Frame.Challenge, Frame.Welcome]);
    expect(answers[1]![1]).toMatchObject({ ok: false, reason: "refused", message: expect.stringMatching(/wrong proof/) });
    expect(await root.exit).toBe(0);
    expect(root.lines.at(-1)).toMatchObject({ received: 20_000, outOfOrder: 0 });
    expect(root.stderr).toMatch(/refusing a connection: wrong proof: the peer does not know this run's secret/);
  });
});
