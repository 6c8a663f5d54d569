import { describe, expect, it } from "vitest";
import { JsonFormatter } from "../../runtime/bridge/json.js";
import type { Pid } from "../../runtime/pid.js";
import { collector } from "./collect.js";

const P = "0123456789abcdef@127.0.0.1:4000" as Pid;
const C = "fedcba9876543210@127.0.0.1:4001" as Pid;

function lines(text: string): unknown[] {
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n").map((line) => JSON.parse(line));
}

describe("JsonFormatter", () => {
  it("writes one JSON object per line in SPEC §5's shapes", async () => {
    const out = collector();
    const json = new JsonFormatter(out.stream);
    json.write({ type: "start", pid: P });
    json.write({ type: "spawn", pid: P, child: C });
    json.write({ type: "output", pid: C, fd: 1, bytes: Buffer.from("hi\n") });
    json.write({ type: "close", pid: C, fd: 1 });
    json.write({ type: "close", pid: C, fd: 2 });
    json.write({ type: "exit", pid: C, status: { signal: "SIGKILL" }, reason: "memory limit 100 MiB exceeded" });
    json.write({ type: "exit", pid: P, status: { code: 0 } });
    expect(lines(out.text())).toEqual([
      { type: "start", pid: P },
      { type: "spawn", pid: P, child: C },
      { type: "output", pid: C, fd: 1, data: "hi\n" },
      { type: "close", pid: C, fd: 1 },
      { type: "close", pid: C, fd: 2 },
      { type: "exit", pid: C, status: { signal: "SIGKILL" }, reason: "memory limit 100 MiB exceeded" },
      { type: "exit", pid: P, status: { code: 0 } },
    ]);
  });

  it("keeps a multi-byte character whole when a chunk boundary splits it", () => {
    const out = collector();
    const json = new JsonFormatter(out.stream);
    const text = Buffer.from("a€b😀c");
    // "€" is 3 bytes at 1..3, "😀" is 4 bytes at 5..8: cut inside both.
    json.write({ type: "output", pid: P, fd: 1, bytes: text.subarray(0, 2) });
    json.write({ type: "output", pid: P, fd: 1, bytes: text.subarray(2, 7) });
    json.write({ type: "output", pid: P, fd: 1, bytes: text.subarray(7) });
    expect(lines(out.text())).toEqual([
      { type: "output", pid: P, fd: 1, data: "a" },
      { type: "output", pid: P, fd: 1, data: "€b" },
      { type: "output", pid: P, fd: 1, data: "😀c" },
    ]);
  });

  it("carries held-back bytes per pid and fd", () => {
    const out = collector();
    const json = new JsonFormatter(out.stream);
    const euro = Buffer.from("€");
    json.write({ type: "output", pid: P, fd: 1, bytes: euro.subarray(0, 1) });
    json.write({ type: "output", pid: P, fd: 2, bytes: Buffer.from("e") });
    json.write({ type: "output", pid: C, fd: 1, bytes: Buffer.from("c") });
    json.write({ type: "output", pid: P, fd: 1, bytes: euro.subarray(1) });
    expect(lines(out.text())).toEqual([
      { type: "output", pid: P, fd: 2, data: "e" },
      { type: "output", pid: C, fd: 1, data: "c" },
      { type: "output", pid: P, fd: 1, data: "€" },
    ]);
  });

  it("sends bytes that are not UTF-8 as base64", () => {
    const out = collector();
    const json = new JsonFormatter(out.stream);
    const bytes = Buffer.from([0x66, 0xff, 0xfe, 0x00, 0x80]);
    json.write({ type: "output", pid: P, fd: 2, bytes });
    expect(lines(out.text())).toEqual([{ type: "output", pid: P, fd: 2, base64: bytes.toString("base64") }]);
  });

  it("flushes an incomplete trailing character as base64 before the fd's close", () => {
    const out = collector();
    const json = new JsonFormatter(out.stream);
    json.write({ type: "output", pid: P, fd: 1, bytes: Buffer.from([0x41, 0xe2, 0x82]) });
    json.write({ type: "close", pid: P, fd: 1 });
    expect(lines(out.text())).toEqual([
      { type: "output", pid: P, fd: 1, data: "A" },
      { type: "output", pid: P, fd: 1, base64: Buffer.from([0xe2, 0x82]).toString("base64") },
      { type: "close", pid: P, fd: 1 },
    ]);
  });
});
