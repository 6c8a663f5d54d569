// ProcessPool for real: programs in test/fixtures run through the CLI, print one JSON line per
// check on the root's stdout, and the workers' exits come from the run's events.
import { describe, expect, it } from "vitest";
import { type CliRun, lines, runWithCli } from "./fixtures/cli.js";

function checks(run: CliRun): Record<string, unknown> {
  return Object.fromEntries(lines(run.root.stdout).map((line) => {
    const { check, value } = JSON.parse(line) as { check: string; value: unknown };
    return [check, value];
  }));
}

describe("ProcessPool", () => {
  it("runs jobs in order, reports job errors, survives them, and closes its workers cleanly", async () => {
    const run = await runWithCli("test/fixtures/pool.ts");
    expect(run.stderr).toBe("");
    expect(checks(run)).toEqual({
      "map order": [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011],
      "map of nothing": [],
      "map takes items as workers free up": { takenAtOnce: 6, results: 40, taken: 40 },
      "values through the codec": ["bigint", (2n ** 70n).toString(), true, 0],
      "more jobs than workers": [0, 1, 4, 9, 16, 25, 36, 49, 64, 81],
      "thrown error": { rejected: { name: "TypeError", message: "bad input 1000", fromWorker: true } },
      "rejected promise": { rejected: { name: "RangeError", message: "too far", fromWorker: true } },
      "thrown string": { rejected: { name: "Error", message: "just text", fromWorker: true } },
      "result that cannot travel": { rejected: { name: "CodecError", message: expect.stringContaining("cannot send this value"), fromWorker: true } },
      "map with a failing item": { rejected: { name: "Error", message: "item 2 failed", fromWorker: true } },
      "same worker after an error": true,
      "job submitted before close": "finished",
      "map under way at close": [2, 3, 4],
      "close twice": true,
      "close resolves": true,
      "spawn after close": "ProcessPool.spawn(job) called after close()",
      using: ["A", "B"],
      "pool closed": true,
    });
    // Pools of 3, 1 and 2 workers: all spawned by the root, all ended with code 0.
    expect(run.root.children).toHaveLength(6);
    for (const p of run.processes.values()) {
      expect({ pid: p.pid, exit: p.exit, stderr: p.stderr }).toEqual({ pid: p.pid, exit: { code: 0 }, stderr: "" });
    }
    expect(run.status).toBe(0);
  });

  it("fails only the job whose worker died, and starts a new worker in its place while jobs may come", async () => {
    const run = await runWithCli("test/fixtures/pool-lost-worker.ts");
    const lost = { rejected: { name: "ConstellationError", message: expect.stringMatching(/^pool worker [0-9a-f]{7} was lost while running a job$/), fromWorker: false } };
    expect(checks(run)).toEqual({
      "job that exits": lost,
      "the other worker": { resolved: "still here" },
      "two jobs at once": { resolved: [2, 4] },
      "pair closes": { resolved: null },
      "last job exits": lost,
      "solo closes": { resolved: null },
    });
    // The pair's two workers and the one in place of the lost one; the closing solo pool's one.
    const exits = run.root.children.map((c) => run.processes.get(c)!.exit);
    expect(exits).toHaveLength(4);
    expect(exits.filter((e) => JSON.stringify(e) === '{"code":3}')).toHaveLength(2);
    expect(exits.filter((e) => JSON.stringify(e) === '{"code":0}')).toHaveLength(2);
    expect(run.root.exit).toEqual({ code: 0 });
    // SPEC §4: a failed process makes the run fail, with 1 when the root itself succeeded.
    expect(run.status).toBe(1);
  });
});
