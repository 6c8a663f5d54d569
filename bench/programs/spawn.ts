// Spawn latency: from the spawn call until the spawned closure's first message arrives, one
// process at a time. `node spawn.js <plan>` prints { ms, spawned_ms } (spawned_ms: until spawn
// resolved).
import { init, spawn, Sender, Receiver, FnOnce, type Pid } from "constellation-ts";

await init();
const plan = JSON.parse(process.argv[2]).start;

const ms: number[] = [];
const spawnedMs: number[] = [];
for (let i = 0; i < plan.warmup + plan.runs; i++) {
  const t0 = performance.now();
  const child = await spawn(FnOnce((parent: Pid) => new Sender<number>(parent).send(1).block()));
  const spawned = performance.now();
  const rx = new Receiver<number>(child);
  await rx.recv();
  const arrived = performance.now();
  // Waits, outside the timed part, until the child has ended (end of its stream), so that every
  // spawn starts on a quiet machine as every `node -e 0` of the reference does.
  for await (const _ of rx);
  rx.close();
  if (i < plan.warmup) continue;
  ms.push(arrived - t0);
  spawnedMs.push(spawned - t0);
}
console.log(JSON.stringify({ ms, spawned_ms: spawnedMs }));
