// Channel ping-pong between the root and one spawned process: 8 characters each way, one message
// in flight, both ends waiting with .block() or with await as the mode says.
// `node pingpong.js <plan> <block|await>` prints { rtt_us }.
import { init, spawn, Sender, Receiver, FnOnce, type Pid } from "constellation-ts";
import { roundTrips } from "../lib/measure.mjs";

await init();
const plan = JSON.parse(process.argv[2]).pingpong;
const mode = process.argv[3] === "await" ? "await" : "block";

const echo = await spawn(
  FnOnce(async (parent: Pid) => {
    const rx = new Receiver<string>(parent);
    const tx = new Sender<string>(parent);
    if (mode === "block") for (const m of rx) tx.send(m).block();
    else for await (const m of rx) await tx.send(m);
  }),
);
const tx = new Sender<string>(echo);
const rx = new Receiver<string>(echo);
const result = await roundTrips(
  plan,
  mode === "block"
    ? () => {
        tx.send(plan.payload).block();
        rx.recv().block();
      }
    : async () => {
        await tx.send(plan.payload);
        await rx.recv();
      },
);
tx.close();
rx.close();
console.log(JSON.stringify(result));
