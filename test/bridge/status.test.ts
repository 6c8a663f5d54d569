import { describe, expect, it } from "vitest";
import type { ExitStatus } from "../../runtime/bridge/events.js";
import { RunStatus } from "../../runtime/bridge/status.js";
import type { Pid } from "../../runtime/pid.js";

const ROOT = "0000000000000001@127.0.0.1:1" as Pid;
const A = "0000000000000002@127.0.0.1:2" as Pid;
const B = "0000000000000003@127.0.0.1:3" as Pid;

function run(root: ExitStatus, a: ExitStatus, b: ExitStatus): RunStatus {
  const status = new RunStatus();
  status.record({ type: "start", pid: ROOT });
  status.record({ type: "spawn", pid: ROOT, child: A });
  status.record({ type: "spawn", pid: A, child: B });
  status.record({ type: "exit", pid: B, status: b });
  status.record({ type: "exit", pid: ROOT, status: root });
  status.record({ type: "exit", pid: A, status: a });
  return status;
}

describe("RunStatus", () => {
  it("is 0 when every process succeeded", () => {
    expect(run({ code: 0 }, { code: 0 }, { code: 0 }).code()).toBe(0);
  });

  it("is the root's non-zero code", () => {
    expect(run({ code: 3 }, { code: 0 }, { code: 7 }).code()).toBe(3);
  });

  it("is 128 + the signal's number when a signal ended the root", () => {
    expect(run({ signal: "SIGKILL" }, { code: 0 }, { code: 0 }).code()).toBe(137);
    expect(run({ signal: "SIGINT" }, { code: 0 }, { code: 0 }).code()).toBe(130);
  });

  it("is 1 when the root succeeded but another process failed", () => {
    expect(run({ code: 0 }, { code: 0 }, { code: 42 }).code()).toBe(1);
    expect(run({ code: 0 }, { signal: "SIGSEGV" }, { code: 0 }).code()).toBe(1);
  });

  it("ends only when the root and every process spawned have exited", () => {
    const status = new RunStatus();
    expect(status.ended).toBe(false);
    status.record({ type: "start", pid: ROOT });
    status.record({ type: "spawn", pid: ROOT, child: A });
    status.record({ type: "exit", pid: ROOT, status: { code: 0 } });
    expect(status.ended).toBe(false);
    status.record({ type: "spawn", pid: A, child: B });
    status.record({ type: "exit", pid: A, status: { code: 0 } });
    expect(status.ended).toBe(false);
    status.record({ type: "exit", pid: B, status: { code: 0 } });
    expect(status.ended).toBe(true);
  });
});
