import { describe, expect, it } from "vitest";
import { HumanFormatter } from "../../runtime/bridge/human.js";
import { type Pid, shortPid } from "../../runtime/pid.js";
import { collector } from "./collect.js";

const P = "3fecd01aaaaaaaaa@127.0.0.1:4000" as Pid;
const C = "833d3debbbbbbbbb@127.0.0.1:4001" as Pid;
const out = (pid: Pid, fd: 1 | 2, text: string) => ({ type: "output", pid, fd, bytes: Buffer.from(text) }) as const;

/** A formatter whose stdout and stderr go to one stream, as on a terminal. */
function terminal(colour = false) {
  const screen = collector();
  return { human: new HumanFormatter(screen.stream, screen.stream, colour), screen };
}

describe("HumanFormatter", () => {
  it("prints the example of notes/constellation.md §4.2", () => {
    const { human, screen } = terminal();
    human.write({ type: "start", pid: P });
    human.write(out(P, 1, "hello\n"));
    human.write({ type: "spawn", pid: P, child: C });
    human.write(out(C, 1, "hi\n"));
    human.write({ type: "close", pid: C, fd: 1 });
    human.write({ type: "close", pid: C, fd: 2 });
    human.write({ type: "exit", pid: C, status: { code: 0 } });
    human.write({ type: "exit", pid: P, status: { code: 0 } });
    expect(screen.text()).toBe("3fecd01:\n   hello\n   spawned: 833d3de\n833d3de:\n   hi\n   exited\n3fecd01:\n   exited\n");
  });

  it("indents every line of a chunk, and continues a line across chunks", () => {
    const { human, screen } = terminal();
    human.write({ type: "start", pid: P });
    human.write(out(P, 1, "one\ntw"));
    human.write(out(P, 1, "o\nthree\n\nfour"));
    human.write(out(P, 1, "\n"));
    expect(screen.text()).toBe("3fecd01:\n   one\n   two\n   three\n   \n   four\n");
  });

  it("ends an open line when another process or fd writes, and before spawn and exit lines", () => {
    const { human, screen } = terminal();
    human.write({ type: "start", pid: P });
    human.write(out(P, 1, "partial"));
    human.write(out(P, 2, "err"));
    human.write({ type: "spawn", pid: P, child: C });
    human.write(out(C, 1, "child"));
    human.write(out(P, 1, "again"));
    human.write({ type: "exit", pid: P, status: { code: 2 } });
    expect(screen.text()).toBe(
      "3fecd01:\n   partial\n   err\n   spawned: 833d3de\n833d3de:\n   child\n3fecd01:\n   again\n   exited: code 2\n",
    );
  });

  it("writes a process's output to the fd it came from, and the rest to stderr", () => {
    const stdout = collector();
    const stderr = collector();
    const human = new HumanFormatter(stdout.stream, stderr.stream, false);
    human.write({ type: "start", pid: P });
    human.write(out(P, 1, "a\nb\n"));
    human.write(out(P, 2, "oops\n"));
    human.write({ type: "exit", pid: P, status: { signal: "SIGKILL" }, reason: "memory limit 100 MiB exceeded" });
    expect(stdout.text()).toBe("a\nb\n");
    // The indents of "a" and "b" (their text went to stdout), then the indented stderr line.
    expect(stderr.text()).toBe("3fecd01:\n" + "   ".repeat(3) + "oops\n   exited: signal SIGKILL (memory limit 100 MiB exceeded)\n");
  });

  it("passes bytes that are not UTF-8 through unchanged", () => {
    const stdout = collector();
    const human = new HumanFormatter(stdout.stream, collector().stream, false);
    human.write({ type: "start", pid: P });
    human.write({ type: "output", pid: P, fd: 1, bytes: Buffer.from([0xff, 0x0a, 0xfe]) });
    expect(stdout.bytes().toString("hex")).toBe("ff0afe");
  });

  it("colours only when asked, each pid always in the same colour", () => {
    const plain = terminal(false);
    plain.human.write({ type: "start", pid: P });
    expect(plain.screen.text()).not.toContain("\x1b[");

    const { human, screen } = terminal(true);
    human.write({ type: "start", pid: P });
    human.write({ type: "spawn", pid: P, child: C });
    human.write({ type: "exit", pid: C, status: { code: 0 } });
    human.write({ type: "exit", pid: P, status: { code: 0 } });
    const text = screen.text();
    const colourOf = (pid: Pid): string[] => [...text.matchAll(new RegExp(`(\\x1b\\[\\d+m)${shortPid(pid)}`, "g"))].map((m) => m[1]!);
    expect(colourOf(P).length).toBe(2);
    expect(new Set(colourOf(P)).size).toBe(1);
    expect(colourOf(C).length).toBe(2);
    expect(new Set(colourOf(C)).size).toBe(1);
  });
});
