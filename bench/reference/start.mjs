// Process start-up references: node start.mjs <cold|idle> <plan>. Prints one JSON line.
// cold: wall time of `node -e 0` from the spawn call to its exit, run after run ({ ms }).
// idle: RSS of a bare `node` process that has started and sat idle for settleMs ({ rss }).
import { spawn } from "node:child_process";
import { once } from "node:events";

const [mode, planText] = process.argv.slice(2);
const plan = JSON.parse(planText);

async function coldStart() {
  const t0 = performance.now();
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  const [code] = await once(child, "exit");
  if (code !== 0) throw new Error(`node -e 0 exited with ${code}`);
  return performance.now() - t0;
}

async function idleRss() {
  // The same settling time as the spawned process of bench/programs/idle.ts, then its own figure.
  const script = `setTimeout(() => process.stdout.write(String(process.memoryUsage().rss)), ${plan.idle.settleMs})`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  const [code] = await once(child, "exit");
  if (code !== 0) throw new Error(`bare node exited with ${code}`);
  return Number(out);
}

let result;
if (mode === "cold") {
  const ms = [];
  for (let i = 0; i < plan.start.warmup + plan.start.runs; i++) ms.push(await coldStart());
  result = { ms: ms.slice(plan.start.warmup) };
} else if (mode === "idle") result = { rss: await idleRss() };
else throw new Error(`unknown measurement ${mode}`);
console.log(JSON.stringify(result));
