// Small-message throughput: the root streams 64-character strings to a spawned process with one
// .block()ed send each; the receiver .block()s on every recv. `node throughput.js <plan>` prints
// { passes }.
import { init, spawn, Sender, Receiver, FnOnce, type Pid } from "constellation-ts";
import { timedPasses } from "../lib/measure.mjs";
import { countPasses, receiverReady, sendPass, streaming } from "./stream.js";

await init(streaming);
const plan = JSON.parse(process.argv[2]).small;

const sink = await spawn(
  streaming,
  FnOnce((parent: Pid) => countPasses(new Receiver<string>(parent), new Sender<number>(parent), (m) => m === "")),
);
const tx = new Sender<string>(sink);
const counts = new Receiver<number>(sink);
const payload = "x".repeat(plan.bytes);
receiverReady(counts);
const result = await timedPasses(plan.passSeconds, (s) => sendPass(tx, counts, payload, "", plan.bytes, s));
tx.close();
counts.close();
console.log(JSON.stringify(result));
