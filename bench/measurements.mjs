// Every measurement of the bench by name, each one process run (or a few) printing raw figures:
// the references (bench/reference, plain Node) and ours (bench/programs, built with the transformer).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { plan } from "./plan.mjs";
import { runMeasurement } from "./lib/child.mjs";
import { buildProgram, projectFile, runBuilt, runProgram } from "./lib/constellation.mjs";

const planArg = JSON.stringify(plan);
const reference = (file, ...args) => () =>
  runMeasurement(fileURLToPath(new URL(`reference/${file}`, import.meta.url)), [...args, planArg]);
const ours = (program, ...args) => () => runProgram(`bench/programs/${program}`, [planArg, ...args]);

// Wall times of `node <built example>`, with the number of processes each run spawned.
const example = (source) => async () => {
  if (!existsSync(projectFile(source))) return { na: `${source} does not exist` };
  const file = await buildProgram(source);
  const { runs: most, budgetSeconds, maxSeconds } = plan.examples;
  const runs = [];
  while (runs.length < most && runs.reduce((sum, r) => sum + r.seconds, 0) < budgetSeconds) {
    runs.push(await runBuilt(file, [], { timeoutSeconds: maxSeconds }));
  }
  return { seconds: runs.map((r) => r.seconds), spawns: runs[0].spawns };
};

// The transformer's build-time figures come from bench/transformer.mjs, written with the transformer.
async function transformer() {
  const file = fileURLToPath(new URL("transformer.mjs", import.meta.url));
  if (!existsSync(file)) return { na: "bench/transformer.mjs does not exist" };
  return runMeasurement(file, ["--json"], { timeoutSeconds: 60 });
}

/** One measurement's figures from two turns: round trips pooled, passes pooled (one warm-up kept first). */
export function mergeTurns(a, b) {
  if (a.rtt_us) return { ...a, rtt_us: [...a.rtt_us, ...b.rtt_us] };
  return { ...a, passes: [...a.passes, ...b.passes.slice(1)] };
}

/** The transports' measurements, run in turns (plan.turns), ours and the references alternating. */
export const inTurns = {
  "net.pingpong": reference("net.mjs", "pingpong"),
  "ipc.pingpong": reference("msg.mjs", "ipc", "pingpong"),
  "ours.pingpong.block": ours("pingpong.ts", "block"),
  "ours.pingpong.await": ours("pingpong.ts", "await"),
  "net.small": reference("net.mjs", "small"),
  "ipc.small": reference("msg.mjs", "ipc", "small"),
  "worker.small": reference("msg.mjs", "worker", "small"),
  "ours.small": ours("throughput.ts"),
  "net.big": reference("net.mjs", "big"),
  "ours.big": ours("bandwidth.ts"),
};

/** The rest, each run once. */
export const once = {
  "node.cold": reference("start.mjs", "cold"),
  "ours.spawn": ours("spawn.ts"),
  "node.idle": reference("start.mjs", "idle"),
  "ours.idle": ours("idle.ts"),
  "example.fibonacci": example("examples/fibonacci.ts"),
  "example.all_to_all": example("examples/all_to_all.ts"),
  transformer,
};
