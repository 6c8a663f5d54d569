// A process pool: a fixed set of worker processes that run jobs sent to them, so each job costs
// a message round trip instead of a process start. As in the original, jobs take different
// times, and results still come back in the order they were asked for.
import { setTimeout as sleep } from "node:timers/promises";
import { init, pid, shortPid, FnOnce, Fn, ProcessPool, Resources } from "constellation-ts";

await init(Resources.default());

const pool = new ProcessPool(3);

// map: one job per item, spread over the workers; results in the order of the items.
const results = await pool.map([0, 1, 2, 3, 4, 5, 6, 7, 8], Fn(async (i: number) => {
  console.log(`job ${i} runs in process ${shortPid(pid())}`);
  await sleep(((i * 37) % 5) * 20); // uneven job lengths: they finish out of order
  return `${i} squared is ${i * i}`;
}));
for (const result of results) console.log(result);

// spawn: a single job. A job that throws rejects its own promise; the worker carries on.
const word = "pool";
try {
  await pool.spawn(FnOnce(() => {
    throw new Error(`no ${word} today`);
  }));
} catch (error) {
  console.log(`the job failed: ${(error as Error).message}`);
}
console.log(await pool.spawn(FnOnce(() => `${word} still works`)));

// close: the workers finish their loops and exit cleanly.
await pool.close();
