import { describe, expect, it } from "vitest";
import { runProgram } from "./program.js";

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
});
