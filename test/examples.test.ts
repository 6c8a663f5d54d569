// The four examples, run for real through the CLI (`constellation run --format=json`): each
// must print what its comments promise, and every one of its processes must end with code 0.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { childLines, type CliRun, lines, runWithCli } from "./fixtures/cli.js";

function expectAllSucceeded(run: CliRun): void {
  expect(run.stderr).toBe("");
  for (const p of run.processes.values()) {
    expect({ pid: p.pid, exit: p.exit, stderr: p.stderr }).toEqual({ pid: p.pid, exit: { code: 0 }, stderr: "" });
  }
  expect(run.status).toBe(0);
}

describe("examples/fibonacci.ts", () => {
  // 176 processes: on a small machine this takes longer than the default limit.
  it("prints fib(10) and builds the recursive process tree", { timeout: 600_000 }, async () => {
    const run = await runWithCli("examples/fibonacci.ts");
    expectAllSucceeded(run);
    expect(run.root.stdout).toBe("11th Fibonacci number is 55!\n");

    // A process that prints "Left process with x" computes fibonacci(x - 1), so it has two
    // children printing "Left/Right process with x - 1" (none when x - 1 <= 1); "Right" ones
    // compute fibonacci(x - 2).
    const checkTree = (pid: string, computes: number): number => {
      const p = run.processes.get(pid)!;
      const expected = computes <= 1 ? [] : [`Left process with ${computes}`, `Right process with ${computes}`];
      expect(p.children.map((c) => run.processes.get(c)!.stdout).sort()).toEqual(expected.map((line) => `${line}\n`));
      return p.children.reduce((count, c) => {
        const [, side, x] = /^(Left|Right) process with (\d+)\n$/.exec(run.processes.get(c)!.stdout)!;
        return count + checkTree(c, Number(x) - (side === "Left" ? 1 : 2));
      }, p.children.length);
    };
    expect(checkTree(run.root.pid, 10)).toBe(176);
    expect(run.processes.size).toBe(177);
  });
});

describe("examples/all_to_all.ts", () => {
  const expectExchange = (run: CliRun, n: number): void => {
    expectAllSucceeded(run);
    expect(run.root.children).toHaveLength(n);
    // The children were spawned one after another, so the i-th spawned is process i.
    run.root.children.forEach((pid, i) => {
      const got = Array.from({ length: n }, (_, j) => i * j).filter((_, j) => j !== i);
      expect(run.processes.get(pid)!.stdout).toBe(`process ${i} received ${got.join(" ")}\n`);
      expect(run.processes.get(pid)!.children).toEqual([]);
    });
    expect(run.root.stdout).toBe(`${n} processes exchanged ${n * (n - 1)} messages\n`);
  };

  it("exchanges a message between every pair of 10 processes (the default)", async () => {
    expectExchange(await runWithCli("examples/all_to_all.ts"), 10);
  });

  it("takes the number of processes from its arguments", async () => {
    expectExchange(await runWithCli("examples/all_to_all.ts", ["3"]), 3);
  });
});

describe("examples/fork_join.ts", () => {
  it("forks four searches and joins on the lowest hash", async () => {
    const run = await runWithCli("examples/fork_join.ts");
    expectAllSucceeded(run);
    const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex");
    const bests = Array.from({ length: 4 }, (_, w) => {
      const inputs = Array.from({ length: 20_000 }, (_, k) => `constellation-${w * 20_000 + k}`);
      return inputs.map((input) => ({ input, hash: sha1(input) })).reduce((a, b) => (b.hash < a.hash ? b : a));
    });
    expect(run.root.children).toHaveLength(4);
    expect(childLines(run)).toEqual(bests.map((b, w) => `worker ${w}: ${b.hash} from "${b.input}"`).sort());
    const best = bests.reduce((a, b) => (b.hash < a.hash ? b : a));
    expect(run.root.stdout).toBe(`lowest of all: ${best.hash} from "${best.input}"\n`);
  });
});

describe("examples/process_pool.ts", () => {
  it("runs the jobs on three workers and prints the results in order", async () => {
    const run = await runWithCli("examples/process_pool.ts");
    expectAllSucceeded(run);
    expect(lines(run.root.stdout)).toEqual([
      ...Array.from({ length: 9 }, (_, i) => `${i} squared is ${i * i}`),
      "the job failed: no pool today",
      "pool still works",
    ]);
    expect(run.root.children).toHaveLength(3);
    // Each job says where it ran: it must be the worker that printed it.
    const ran: number[] = [];
    for (const worker of run.root.children) {
      for (const line of lines(run.processes.get(worker)!.stdout)) {
        const [, i, where] = /^job (\d+) runs in process (\w+)$/.exec(line)!;
        expect(worker.startsWith(where!)).toBe(true);
        ran.push(Number(i));
      }
    }
    expect(ran.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
