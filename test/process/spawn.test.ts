import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ProcessRecord, runProgram } from "./program.js";

const MiB = 1024 * 1024;
const short = (pid: string): string => pid.slice(0, 7);
const text = (p: ProcessRecord, fd: 1 | 2): string => p.output[fd].toString("utf8");

/** Whether OS process `pid` runs (a zombie, exited but not yet reaped, does not). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** The OS pids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

/** The child the root names on the stdout line starting with `label `. */
function childNamed(root: ProcessRecord, label: string): ProcessRecord {
  const line = text(root, 1).split("\n").find((l) => l.startsWith(`${label} `));
  const child = root.children.find((c) => c.pid === line?.slice(label.length + 1));
  if (!child) throw new Error(`no child "${label}" in ${JSON.stringify(text(root, 1))}`);
  return child;
}

describe("spawned processes", () => {
  it("run their closure with the parent's pid, their own pid and resources, the program's arguments and an empty stdin, and may spawn in turn", async () => {
    const run = await runProgram("spawn-tree.mjs", { args: ["a b", "c"] });
    const { root } = run;
    expect(root.children.length).toBe(2);
    const [first, second] = root.children as [ProcessRecord, ProcessRecord];
    expect(text(root, 1)).toBe(`spawned ${short(first.pid)}\nspawned ${short(second.pid)}\n`);
    expect(text(first, 1)).toBe(
      `first ${short(first.pid)} of ${short(root.pid)} ${JSON.stringify({ mem: 100 * MiB, cpu: 1 / 16 })} true\n${JSON.stringify(["a b", "c"])} 0\n`,
    );
    expect(second.children.length).toBe(1);
    const grandchild = second.children[0]!;
    expect(text(second, 1)).toBe(
      `second ${short(second.pid)} of ${short(root.pid)} ${JSON.stringify({ mem: 95 * MiB, cpu: 0.5 })} true\nspawned ${short(grandchild.pid)}\n`,
    );
    expect(text(grandchild, 1)).toBe(`grandchild ${short(grandchild.pid)} of ${short(second.pid)} ${JSON.stringify({ mem: 90 * MiB, cpu: 0.25 })} true\n`);
    for (const p of [root, first, second, grandchild]) {
      expect(p.exit.status).toEqual({ code: 0 });
      expect(text(p, 2)).toBe("");
    }
    expect(run.code).toBe(0);
  });

  it("end with the status of SPEC §4 however their closure ends", async () => {
    const run = await runProgram("child-exits.mjs");
    const { root } = run;
    const child = (how: string) => childNamed(root, how);
    expect(child("settled").exit.status).toEqual({ code: 0 });
    expect(text(child("settled"), 1)).toBe("settled\n");
    expect(child("threw").exit.status).toEqual({ code: 1 });
    expect(text(child("threw"), 2)).toMatch(/Error: boom\n\s+at /);
    expect(child("rejected").exit.status).toEqual({ code: 1 });
    expect(text(child("rejected"), 2)).toMatch(/TypeError: async boom\n\s+at /);
    expect(child("exit").exit.status).toEqual({ code: 7 });
    expect(child("exitCode").exit.status).toEqual({ code: 9 });
    expect(child("never").exit.status).toEqual({ code: 13 });
    expect(text(child("never"), 2)).toContain("never settled");
    expect(root.exit.status).toEqual({ code: 0 });
    expect(run.code).toBe(1);
  });

  it("are killed when they go over their memory, with the reason; what counts is their own, not node's shared binary", async () => {
    const run = await runProgram("memory-limit.mjs");
    const [child, small] = run.root.children;
    expect(child?.exit).toMatchObject({
      status: { signal: "SIGKILL" },
      reason: expect.stringMatching(/^memory limit 80 MiB exceeded: \d+ MiB of its own resident memory, Node's ~15 MiB included; ask for more mem$/),
    });
    expect(small?.exit).toEqual({ type: "exit", pid: small?.pid, status: { code: 0 } });
    expect(text(small!, 1)).toBe(`kept ${8 * 1024 * 1024} bytes\n`);
    expect(run.root.exit.status).toEqual({ code: 0 });
    expect(run.code).toBe(1);
  });

  it("start with their parent's environment as it is at the spawn call", async () => {
    const user = "GLIBC_TUNABLES=glibc.malloc.arena_max=4";
    const run = await runProgram("env.mjs", { env: { CHANGED: "at start", REMOVED: "at start", KEPT: "kept", GLIBC_TUNABLES: "glibc.malloc.arena_max=4" } });
    const child = run.root.children[0]!;
    const grandchild = child.children[0]!;
    expect(text(run.root, 1)).toBe(`root CHANGED=at start REMOVED=at start KEPT=kept ${user} tuned=true\n`);
    expect(text(child, 1)).toBe(`child CHANGED=by the root REMOVED=(unset) KEPT=kept ${user} tuned=true\n`);
    expect(text(grandchild, 1)).toBe(`grandchild CHANGED=by the child REMOVED=(unset) KEPT=kept ${user} tuned=true\n`);
    expect(run.code).toBe(0);
  });

  it.each([
    [{}, "before"],
    [{ CONSTELLATION_SPARES: "0" }, "after"],
  ])("are started ahead of the spawn that takes them, a spare, unless CONSTELLATION_SPARES=0 (%j)", async (env, second) => {
    const run = await runProgram("spare.mjs", { env: { ...env, KEPT: "kept" } });
    const [a, b] = run.root.children as [ProcessRecord, ProcessRecord];
    expect(text(a, 1)).toBe(`first started after its spawn call, KEPT=kept ${JSON.stringify({ mem: 100 * MiB, cpu: 1 / 16 })}\n`);
    expect(text(b, 1)).toBe(`second started ${second} its spawn call, KEPT=kept ${JSON.stringify({ mem: 90 * MiB, cpu: 0.5 })}\n`);
    // A spare never used is ended unreported: the run is exactly the root and its two children.
    expect(new Set(run.events.map((e) => e.pid))).toEqual(new Set([run.root.pid, a.pid, b.pid]));
    for (const p of [run.root, a, b]) expect(p.exit.status).toEqual({ code: 0 });
    expect(run.code).toBe(0);
  });

  it("are still started when the spare died before a spawn came for it", async () => {
    const go = join(mkdtempSync(join(tmpdir(), "spare-killed-")), "go");
    const named = new Set<number>();
    let spare: number | undefined;
    const run = await runProgram("spare-killed.mjs", {
      args: [go],
      onEvent: (event, bridge) => {
        const m = event.type === "output" ? /^(?:root|first|second) (\d+)/.exec(event.data ?? "") : null;
        if (m) named.add(Number(m[1]));
        if (event.type !== "output" || !event.data?.startsWith("first ")) return;
        void (async () => {
          // The bridge's one other child is the spare: once it is gone (reaped), let the root go on.
          while ((spare = childrenOf(bridge).find((p) => !named.has(p))) === undefined) await new Promise((r) => setTimeout(r, 20));
          process.kill(spare, "SIGKILL");
          while (existsSync(`/proc/${spare}`)) await new Promise((r) => setTimeout(r, 20));
          writeFileSync(go, "");
        })();
      },
    });
    expect(spare).toBeDefined();
    const [first, second] = run.root.children as [ProcessRecord, ProcessRecord];
    expect(text(first, 1)).toMatch(/^first \d+\n$/);
    expect(text(second, 1)).toMatch(/^second \d+\n$/);
    expect(named.has(spare!)).toBe(false);
    for (const p of [run.root, first, second]) expect(p.exit.status).toEqual({ code: 0 });
    expect(run.code).toBe(0);
  });

  it("receive a long stream of small messages within Resources.default()'s memory", async () => {
    // Regression: V8's young generation and the I/O thread's uncollected read buffers took
    // such a receiver past 100 MiB, and it was killed (docs/design.md §5).
    const run = await runProgram("stream-default.mjs");
    const [child] = run.root.children;
    expect(child?.exit.status).toEqual({ code: 0 });
    expect(JSON.parse(text(run.root, 1))).toMatchObject({ count: 1_500_000 });
    expect(run.code).toBe(0);
  });

  it("send a stream of large strings within Resources.default()'s memory", async () => {
    // Regression: the memory of every large string sent was kept (its copy for the I/O thread
    // came back to a pool only large views drew from), and such a sender was killed.
    const run = await runProgram("large-strings.mjs", { args: ["400"] });
    const [child] = run.root.children;
    expect([child?.exit.status, child?.exit.reason, text(child!, 2)]).toEqual([{ code: 0 }, undefined, ""]);
    expect(JSON.parse(text(run.root, 1))).toEqual({ received: 400, damaged: 0 });
    expect(run.code).toBe(0);
  });

  it("receive from ten senders streaming at once, one after the other, within Resources.default()'s memory", async () => {
    // Regression: each peer could fill a 4 MiB window while the root read another, and the I/O
    // thread assembled every message longer than a read in fresh memory: the root was killed.
    // The first child sends only once the others hold the root's budget: what a peer may always
    // hold lets it through (without it, the root waited for it for good).
    const run = await runProgram("many-senders.mjs", { args: ["10", "200"] });
    expect([run.root.exit.status, run.root.exit.reason, text(run.root, 2)]).toEqual([{ code: 0 }, undefined, ""]);
    expect(JSON.parse(text(run.root, 1))).toEqual({ received: new Array(10).fill(200), damaged: 0 });
    expect(run.code).toBe(0);
  });

  it("send to ten receivers slow to read, all at once, within Resources.default()'s memory", async () => {
    // Regression: each link could have 4 MiB on its way, held by the I/O thread, whose written
    // batches were then garbage; and messages sent while the command ring was full were copied
    // into fresh memory, nine in ten of them here: the root was killed.
    const run = await runProgram("many-receivers.mjs", { args: ["10", "200"] });
    expect([run.root.exit.status, run.root.exit.reason, text(run.root, 2)]).toEqual([{ code: 0 }, undefined, ""]);
    expect(JSON.parse(text(run.root, 1))).toEqual({ received: new Array(10).fill(200), damaged: 0 });
    expect(run.code).toBe(0);
  });

  it("are reported killed by a signal from outside", async () => {
    const run = await runProgram("wait-child.mjs", {
      onEvent: (event) => {
        const m = event.type === "output" ? /^child (\d+)/.exec(event.data ?? "") : null;
        if (m) process.kill(Number(m[1]), "SIGKILL");
      },
    });
    const [child] = run.root.children;
    expect(child?.exit.status).toEqual({ signal: "SIGKILL" });
    expect(child?.exit.reason).toBeUndefined();
    expect(run.code).toBe(1);
  });

  it("are all stopped by SIGINT to the bridge, and reported", async () => {
    const run = await runProgram("wait-child.mjs", {
      args: ["root-waits"],
      onEvent: (event, bridge) => {
        if (event.type === "output" && event.data?.startsWith("child ")) process.kill(bridge, "SIGINT");
      },
    });
    const interrupted = { status: { signal: "SIGKILL" }, reason: "the run was interrupted by SIGINT" };
    expect(run.root.exit).toMatchObject(interrupted);
    expect(run.root.children[0]?.exit).toMatchObject(interrupted);
    expect(run.code).toBe(137);
  });

  it("end when their run's bridge is killed, instead of waiting forever", async () => {
    const osPids: number[] = [];
    const run = runProgram("orphans.mjs", {
      onEvent: (event, bridge) => {
        const m = event.type === "output" ? /^(?:root|child) (\d+)/.exec(event.data ?? "") : null;
        if (m) osPids.push(Number(m[1]));
        if (osPids.length === 2 && m) process.kill(bridge, "SIGKILL");
      },
    });
    // The bridge's stream of events ends with the bridge, before any exit is reported.
    await expect(run).rejects.toThrow(/never exited/);
    expect(osPids).toHaveLength(2);
    // Not a measurement: how long they may take to go, at most, before the test calls it a hang.
    const deadline = Date.now() + 20_000;
    while (osPids.some(running) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(osPids.filter(running)).toEqual([]);
  });

  it("need a serializable closure and valid resources", async () => {
    const run = await runProgram("spawn-misuse.mjs");
    expect(text(run.root, 1).split("\n")).toEqual([
      expect.stringMatching(/^TypeError: spawn\(\.\.\.\): the closure must be serializable: wrap it in FnOnce\(\.\.\.\)/),
      expect.stringMatching(/^TypeError: trySpawn\(\.\.\.\): the closure must be serializable: wrap it in FnOnce\(\.\.\.\)/),
      expect.stringMatching(/^TypeError: spawn\(resources, closure\): resources must be/),
      "",
    ]);
    expect(run.root.children).toEqual([]);
    expect(run.code).toBe(0);
  });
});
