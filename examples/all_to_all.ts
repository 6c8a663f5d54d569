// All-to-all: n processes each send a message to every other one and receive one from every
// other one. The parent learns their pids only as it spawns them, so it sends the whole list to
// each afterwards. Run with `npx constellation run examples/all_to_all.ts -- 4` (default 10).
import { init, pid, spawn, Sender, Receiver, FnOnce, Resources, type Pid } from "constellation-ts";

// Declared before init(): every process computes its own copy, nothing is captured.
const n = Number(process.argv[2] ?? 10);

await init(Resources.default());

const pids: Pid[] = [];
for (let i = 0; i < n; i++) {
  // `i` is captured by value: each process knows its own index.
  const child = await spawn(FnOnce(async (parent: Pid) => {
    const everyone = await new Receiver<Pid[]>(parent).recv();
    if (everyone[i] !== pid()) throw new Error(`process ${i} is not at its index in the list`);

    const others = everyone.map((peer, j) => ({ peer, j })).filter(({ j }) => j !== i);
    // Sends are buffered and receives wait, so every send and receive can run at once: no
    // global order is needed to avoid a deadlock (the original needs one, as it blocks).
    const [, received] = await Promise.all([
      Promise.all(others.map(({ peer, j }) => new Sender<number>(peer).send(i * j))),
      Promise.all(others.map(({ peer }) => new Receiver<number>(peer).recv())),
    ]);
    console.log(`process ${i} received ${received.join(" ")}`);

    // Tell the parent how many messages arrived.
    await new Sender<number>(parent).send(received.length);
  }));
  pids.push(child);
}

for (const child of pids) await new Sender<Pid[]>(child).send(pids);

const counts = await Promise.all(pids.map((child) => new Receiver<number>(child).recv()));
console.log(`${n} processes exchanged ${counts.reduce((a, b) => a + b, 0)} messages`);
