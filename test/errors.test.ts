// What a program's failures look like (SPEC §4: code 1 with the error on stderr), built and run
// through the CLI as a user runs them: the stacks name the program's .ts lines (source maps),
// and a spawned closure's error comes alone, without the runtime's rethrow above it.
import { describe, expect, it } from "vitest";
import { runWithCli } from "./fixtures/cli.js";

describe("a program's errors", () => {
  it("are printed with stacks that point at the program's own lines", async () => {
    const run = await runWithCli("test/fixtures/errors.ts");
    const [throws, rejects, handles] = run.root.children.map((pid) => run.processes.get(pid)!);

    expect(throws!.exit).toEqual({ code: 1 });
    // The error first (nothing of the runtime above it), then the frames of errors.ts: the
    // throw inside JSON.parse called at line 7, from the closure at line 15.
    expect(throws!.stderr).toMatch(/^SyntaxError: [^\n]*JSON[^\n]*\n\s+at JSON\.parse \(<anonymous>\)\n\s+at parseConfig \([^)]*test\/fixtures\/errors\.ts:7:\d+\)\n\s+at [^\n]*test\/fixtures\/errors\.ts:15:\d+\)\n/);
    expect(throws!.stdout).toBe("");

    expect(rejects!.exit).toEqual({ code: 1 });
    expect(rejects!.stderr).toBe("Uncaught 'not an Error'\n");

    // The program's own handler gets its closure's error as an uncaught exception.
    expect(handles!.exit).toEqual({ code: 4 });
    expect(handles!.stdout).toBe("handled: boom\n");
    expect(handles!.stderr).toBe("");

    expect(run.root.exit).toEqual({ code: 1 });
    expect(run.root.stderr).toMatch(/RangeError: the root fails\n\s+at [^\n]*test\/fixtures\/errors\.ts:25:\d+\)?\n/);
    expect(run.status).toBe(1);
  });
});
