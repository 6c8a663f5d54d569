// The far end of the IPC and worker_threads references (a forked process or a worker): an echo
// for ping-pong, or a counter that answers every `window` messages (the sender's flow control)
// and, at { end: true }, with the total of the pass.
import { parentPort } from "node:worker_threads";

const [mode, window] = [process.argv[2], Number(process.argv[3])];
const port = parentPort ?? process;
const send = parentPort ? (m) => parentPort.postMessage(m) : (m) => process.send(m);
if (!parentPort) process.on("disconnect", () => process.exit(0));

let count = 0;
port.on("message", (m) => {
  if (mode === "pingpong") send(m);
  else if (typeof m === "object") {
    send({ total: count });
    count = 0;
  } else if (++count % window === 0) send(count);
});
