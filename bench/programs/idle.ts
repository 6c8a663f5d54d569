// Memory of an idle spawned process: once its channel to the root is up, it sits idle for
// settleMs (as the bare `node` of the reference does), then sends its own RSS.
// `node idle.js <plan>` prints { rss } in bytes.
import { init, spawn, Sender, Receiver, FnOnce, type Pid } from "constellation-ts";

await init();
const settleMs: number = JSON.parse(process.argv[2]).idle.settleMs;

const child = await spawn(
  FnOnce(async (parent: Pid) => {
    const tx = new Sender<number>(parent);
    await tx.send(0);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    await tx.send(process.memoryUsage().rss);
  }),
);
const rx = new Receiver<number>(child);
await rx.recv();
const rss = await rx.recv();
rx.close();
console.log(JSON.stringify({ rss }));
