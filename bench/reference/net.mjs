// Raw `net` between two processes, the reference for channels: node net.mjs <pingpong|small|big> <plan>.
// Prints one JSON line: { rtt_us } or { passes }.
import net from "node:net";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { HEADER, u32 } from "./frames.mjs";
import { roundTrips, timedPasses, deadlineAfter } from "../lib/measure.mjs";

const [mode, planText] = process.argv.slice(2);
const plan = JSON.parse(planText);
const BATCH = 64 * 1024;

// Resolves with the next n bytes the peer sends back (echoes, or a pass's frame count).
function replies(socket) {
  let buffered = Buffer.alloc(0);
  let waiting = null;
  const settle = () => {
    if (!waiting || buffered.length < waiting.n) return;
    const { n, resolve } = waiting;
    waiting = null;
    const reply = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    resolve(reply);
  };
  socket.on("data", (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    settle();
  });
  return (n) =>
    new Promise((resolve) => {
      waiting = { n, resolve };
      settle();
    });
}

async function write(socket, data) {
  if (!socket.write(data)) await once(socket, "drain");
}

async function endPass(socket, next, messages, bytes) {
  socket.write(u32(0));
  const got = (await next(HEADER)).readUInt32BE(0);
  if (got !== messages) throw new Error(`peer got ${got} frames of ${messages}`);
  return { messages, bytes };
}

// 64-byte messages, each framed on its own (length prefix, then its bytes copied in) into a
// 64 KiB batch, as perf-reference's raw sender does: the transport's ceiling, with no string codec.
async function smallPass(socket, next, seconds) {
  const payload = Buffer.alloc(plan.small.bytes, "x");
  const frame = HEADER + plan.small.bytes;
  const perBatch = Math.floor(BATCH / frame);
  const done = deadlineAfter(seconds);
  let messages = 0;
  while (!done()) {
    const batch = Buffer.allocUnsafe(perBatch * frame);
    for (let off = 0; off < batch.length; off += frame) {
      batch.writeUInt32BE(plan.small.bytes, off);
      payload.copy(batch, off + HEADER);
    }
    messages += perBatch;
    await write(socket, batch);
  }
  return endPass(socket, next, messages, messages * plan.small.bytes);
}

async function bigPass(socket, next, seconds, payload) {
  const done = deadlineAfter(seconds);
  let messages = 0;
  while (!done()) {
    socket.write(u32(payload.length));
    await write(socket, payload);
    messages++;
  }
  return endPass(socket, next, messages, messages * payload.length);
}

const peer = spawn(process.execPath, [new URL("net-peer.mjs", import.meta.url).pathname, mode], {
  stdio: ["ignore", "pipe", "inherit"],
});
const [port] = await once(createInterface({ input: peer.stdout }), "line");
const socket = net.connect(Number(port), "127.0.0.1");
await once(socket, "connect");
socket.setNoDelay(true);
const next = replies(socket);

let result;
if (mode === "pingpong") {
  const ping = Buffer.from(plan.pingpong.payload);
  result = await roundTrips(plan.pingpong, () => {
    socket.write(ping);
    return next(ping.length);
  });
} else if (mode === "small") {
  result = await timedPasses(plan.small.passSeconds, (s) => smallPass(socket, next, s));
} else if (mode === "big") {
  const payload = Buffer.alloc(plan.big.bytes, 7);
  result = await timedPasses(plan.big.passSeconds, (s) => bigPass(socket, next, s, payload));
} else throw new Error(`unknown measurement ${mode}`);

console.log(JSON.stringify(result));
socket.destroy();
