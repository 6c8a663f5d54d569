// child_process IPC (`fork`, json serialization) and worker_threads `postMessage`, the message-passing
// references: node msg.mjs <ipc|worker> <pingpong|small|big> <plan>. Prints one JSON line.
import { fork } from "node:child_process";
import { Worker } from "node:worker_threads";
import { once } from "node:events";
import { roundTrips, timedPasses, deadlineAfter } from "../lib/measure.mjs";

const [transport, mode, planText] = process.argv.slice(2);
const plan = JSON.parse(planText);
const peerFile = new URL("msg-peer.mjs", import.meta.url).pathname;
const window = String(plan[mode].window ?? 1);

const peer =
  transport === "ipc"
    ? fork(peerFile, [mode, window], { serialization: "json", stdio: "inherit" })
    : new Worker(peerFile, { argv: [mode, window] });
const send = transport === "ipc" ? (m) => peer.send(m) : (m) => peer.postMessage(m);

// Every message from the peer wakes whoever waits for the next one.
let wake = null;
const inbox = [];
peer.on("message", (m) => {
  inbox.push(m);
  wake?.();
});
async function nextMessage() {
  while (inbox.length === 0) await new Promise((resolve) => (wake = resolve));
  wake = null;
  return inbox.shift();
}

// Windowed as in perf-reference: the peer answers every `window` messages, and at most `answers`
// answers may be outstanding before the sender waits.
async function windowedPass(seconds, payload, bytesEach) {
  const { window, answers } = plan[mode];
  const done = deadlineAfter(seconds);
  let messages = 0;
  let answered = 0;
  while (messages % 1024 !== 0 || !done()) {
    while (Math.floor(messages / window) - answered >= answers) {
      await nextMessage();
      answered++;
    }
    send(payload);
    messages++;
  }
  send({ end: true });
  let reply;
  while (typeof (reply = await nextMessage()) === "number");
  if (reply.total !== messages) throw new Error(`peer got ${reply.total} messages of ${messages}`);
  return { messages, bytes: messages * bytesEach };
}

let result;
if (mode === "pingpong") {
  result = await roundTrips(plan.pingpong, () => {
    send(plan.pingpong.payload);
    return nextMessage();
  });
} else if (mode === "small") {
  const payload = "x".repeat(plan.small.bytes);
  result = await timedPasses(plan.small.passSeconds, (s) => windowedPass(s, payload, plan.small.bytes));
} else throw new Error(`unknown measurement ${mode}`);

console.log(JSON.stringify(result));
// Waiting for the forked peer to exit keeps its last answers from hitting a closed pipe.
if (transport === "ipc") {
  peer.disconnect();
  await once(peer, "exit");
} else await peer.terminate();
