// 1 MiB message bandwidth: the root streams 1 MiB Uint8Arrays to a spawned process, as
// throughput.ts does with small strings. `node bandwidth.js <plan>` prints { passes }.
import { init, spawn, Sender, Receiver, FnOnce, type Pid } from "constellation-ts";
import { timedPasses } from "../lib/measure.mjs";
import { countPasses, receiverReady, sendPass, streaming } from "./stream.js";

await init(streaming);
const plan = JSON.parse(process.argv[2]).big;

const sink = await spawn(
  streaming,
  FnOnce((parent: Pid) =>
    countPasses(new Receiver<Uint8Array>(parent), new Sender<number>(parent), (m) => m.length === 0),
  ),
);
const tx = new Sender<Uint8Array>(sink);
const counts = new Receiver<number>(sink);
const payload = new Uint8Array(plan.bytes).fill(7);
const end = new Uint8Array(0);
receiverReady(counts);
const result = await timedPasses(plan.passSeconds, (s) => sendPass(tx, counts, payload, end, plan.bytes, s));
tx.close();
counts.close();
console.log(JSON.stringify(result));
