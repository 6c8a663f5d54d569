// Spawn latency: from the spawn call until the spawned closure's first message arrives, one
// process at a time. Three figures: the run's first spawn (no spare started yet), spawns
// `settleMs` apart (the fabric's spare has finished starting, runtime/fabric/spare.ts), and
// spawns back to back (each takes a spare still starting). `node spawn.js <plan>` prints
// { first_ms, ms, spawned_ms, back_to_back_ms } (spawned_ms: until spawn resolved).
import { init, spawn, Sender, Receiver, FnOnce, type Pid } from "constellation-ts";

await init();
const plan = JSON.parse(process.argv[2]).start;

async function timedSpawn(): Promise<{ ms: number; spawnedMs: number }> {
  const t0 = performance.now();
  const child = await spawn(FnOnce((parent: Pid) => new Sender<number>(parent).send(1).block()));
  const spawned = performance.now();
  const rx = new Receiver<number>(child);
  await rx.recv();
  const arrived = performance.now();
  // Waits, outside the timed part, until the child has ended (end of its stream), so that no
  // spawn overlaps the previous one, as no `node -e 0` of the reference does.
  for await (const _ of rx);
  rx.close();
  return { ms: arrived - t0, spawnedMs: spawned - t0 };
}

async function timedSpawns(settleMs: number) {
  const runs = [];
  for (let i = 0; i < plan.warmup + plan.runs; i++) {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const run = await timedSpawn();
    if (i >= plan.warmup) runs.push(run);
  }
  return runs;
}

const first = await timedSpawn();
const settled = await timedSpawns(plan.settleMs);
const backToBack = await timedSpawns(0);
console.log(
  JSON.stringify({
    first_ms: first.ms,
    ms: settled.map((r) => r.ms),
    spawned_ms: settled.map((r) => r.spawnedMs),
    back_to_back_ms: backToBack.map((r) => r.ms),
  }),
);
