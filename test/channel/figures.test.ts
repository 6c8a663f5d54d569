// Runs the latency and bandwidth fixtures and prints their figures. Nothing here is timed or
// compared: `npm run bench` measures performance against its references (SPEC §7).
import { afterAll, beforeAll, expect, test } from "vitest";
import { Run } from "../io/harness.js";

let run: Run;
beforeAll(async () => {
  run = await Run.start();
});
afterAll(async () => {
  await run.close();
});

test.each([
  ["ping-pong, await", "latency.mjs", { rounds: 2000 }],
  ["ping-pong, .block()", "latency.mjs", { rounds: 2000, block: true }],
  ["small messages", "stream-out.mjs", { count: 300_000 }],
  ["1 MiB messages", "stream-out.mjs", { count: 100, size: 1 << 20 }],
])("%s", async (name, fixture, arg) => {
  const root = await run.launch(fixture, arg);
  expect(await root.exit, root.stderr).toBe(0);
  const figures = root.lines.at(-1);
  if ("received" in figures) expect(figures).toMatchObject({ received: (arg as { count: number }).count, outOfOrder: 0 });
  console.log(`${name}: ${JSON.stringify(figures)}`);
});
