// Runs the shared conformance cases (../shared/conformance) through the real CLI, as the
// project's users would: `npx constellation run --format=json main.ts`, then compares the
// process tree rebuilt from the JSON events with each case's expected tree.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const casesDir = resolve(root, "../shared/conformance/cases");
const runner = resolve(root, "../shared/conformance/run.mjs");

describe("shared conformance cases", () => {
  it("finds the cases beside the project", () => {
    expect(existsSync(runner), `${runner} is missing`).toBe(true);
  });

  const cases = existsSync(casesDir) ? readdirSync(casesDir).sort() : [];
  for (const name of cases) {
    it(name, () => {
      const res = spawnSync(process.execPath, [runner, "--timeout", "90", join(casesDir, name)], {
        cwd: root,
        encoding: "utf8",
      });
      expect(res.stdout + res.stderr).toMatch(/^ok /m);
      expect(res.status).toBe(0);
    });
  }
});
