import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { fixture, runProgram, type ProgramRun } from "./program.js";

describe("a program run locally (init() in the process started is the bridge)", () => {
  it("exits with the root's code", async () => {
    const run = await runProgram("exit-code.mjs");
    expect(run.root.exit.status).toEqual({ code: 3 });
    expect(run.root.output[1].length + run.root.output[2].length).toBe(0);
    expect(run.root.children).toEqual([]);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe("");
  });

  it("reports a root that throws: code 1 and the error on its stderr", async () => {
    const run = await runProgram("throw.mjs");
    expect(run.root.exit.status).toEqual({ code: 1 });
    expect(run.root.output[2].toString()).toMatch(/Error: qwertyuiop\n\s+at /);
    expect(run.code).toBe(1);
  });

  it("reports a malformed tuning knob of the I/O thread on the root's stderr (it once ended the run by SIGTERM, saying nothing)", async () => {
    const run = await runProgram("exit-code.mjs", { env: { CONSTELLATION_IO_SPIN_US: "fast" } });
    expect(run.root.exit.status).toEqual({ code: 1 });
    expect(run.root.output[2].toString()).toContain('ConstellationError: CONSTELLATION_IO_SPIN_US="fast" is invalid: expected a number of microseconds, 0 or more');
    expect(run.code).toBe(1);
  });

  it("forwards both fds, keeps characters whole, and sends other bytes as base64", async () => {
    const run = await runProgram("output.mjs");
    const { pid } = run.root;
    expect(run.root.output[1].toString()).toBe("out: héllo wörld\n€\n");
    expect(run.root.output[2]).toEqual(Buffer.concat([Buffer.from("err: ☃\n"), Buffer.from([0xff, 0xfe, 0x0a])]));
    const outputs = run.events.filter((e) => e.type === "output" && e.pid === pid);
    // Every fd-1 event is text (the split "€" arrives whole), and the invalid bytes come as base64.
    expect(outputs.filter((e) => e.type === "output" && e.fd === 1 && e.base64 !== undefined)).toEqual([]);
    expect(outputs.some((e) => e.type === "output" && e.fd === 2 && e.base64 !== undefined)).toBe(true);
    expect(run.code).toBe(0);
  });

  it("gives the root its pid and resources, and refuses calls before init() and a second init()", async () => {
    const run = await runProgram("roles.mjs");
    expect(run.root.output[1].toString().split("\n")).toEqual([
      "ConstellationError: call init() first: it must run before any other constellation-ts call",
      "started ahead: true, adopted: true",
      "true",
      JSON.stringify({ mem: 90 * 1024 * 1024, cpu: 0.5 }),
      "ConstellationError: init() was called twice: call it once, at the start of the program",
      "",
    ]);
    expect(run.code).toBe(0);
  });

  it("starts no I/O thread in a process the program forks, though it inherits the preload", async () => {
    const run = await runProgram("fork.mjs");
    expect(run.root.output[1].toString()).toBe("forked: I/O thread started ahead: false\nforked process exited with 0\n");
    expect(run.root.output[2].toString()).toBe("");
    expect(run.code).toBe(0);
  });

  it("stops every process on SIGINT to the bridge, and reports them", async () => {
    const run = await runProgram("wait-forever.mjs", {
      onEvent: (event, bridge) => {
        if (event.type === "output") process.kill(bridge, "SIGINT");
      },
    });
    expect(run.root.exit).toMatchObject({ status: { signal: "SIGKILL" }, reason: "the run was interrupted by SIGINT" });
    expect(run.code).toBe(137);
  });

  /** The child's exit and lines, checked: all of them, in order. */
  const expectFlood = (run: ProgramRun, lines: number): void => {
    const [child] = run.root.children;
    expect(child!.exit).toEqual({ type: "exit", pid: child!.pid, status: { code: 3 } });
    const printed = child!.output[1].toString().split("\n");
    expect(printed.length).toBe(lines + 1);
    expect(printed.slice(0, lines).findIndex((line, i) => line !== `line ${i} of the flood, with some text to make it longer`)).toBe(-1);
    expect(run.code).toBe(1); // a process of the run failed, with code 3
  };

  it("keeps a process that prints faster than its output is read waiting, not growing, and loses none of it at process.exit", async () => {
    const lines = 200_000;
    let stopped = false;
    // The bridge stops reading for a second, as a busy one would: the child's pipe fills.
    const run = await runProgram("print-flood.mjs", {
      args: [String(lines)],
      onEvent: (event, bridge) => {
        if (stopped || event.type !== "output") return; // only the child prints
        stopped = true;
        process.kill(bridge, "SIGSTOP");
        setTimeout(() => process.kill(bridge, "SIGCONT"), 1000);
      },
    });
    expectFlood(run, lines);
  });

  it("holds the run back while its own output is not read, and writes it all out before exiting", async () => {
    const lines = 20_000;
    // Far longer than the run takes when nothing holds it back.
    const run = await runProgram("print-flood.mjs", { args: [String(lines)], unreadMs: 3000 });
    expectFlood(run, lines);
  });

  it("stops the run, quietly, when the reader of its output goes away (as `| head` does)", async () => {
    const bridge = spawn(process.execPath, [fixture("print-forever.mjs")], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CONSTELLATION_FORMAT: "json" },
    });
    let stderr = "";
    bridge.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    const closed = new Promise<number | null>((resolve) => bridge.on("close", resolve));
    let seen = "";
    const printer = await new Promise<number>((resolve) =>
      bridge.stdout.setEncoding("utf8").on("data", (text: string) => {
        seen += text;
        const pid = /os pid (\d+)/.exec(seen);
        if (pid === null) return;
        bridge.stdout.destroy();
        resolve(Number(pid[1]));
      }),
    );
    expect(await closed).toBe(1);
    expect(stderr).toBe("");
    expect(() => process.kill(printer, 0)).toThrow(/ESRCH/);
  });
});
