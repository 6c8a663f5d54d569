// The far end of the raw `net` reference: an echo for ping-pong, or a sink that parses every
// frame and, at an empty frame (end of a pass), answers with the number of frames it got.
import net from "node:net";
import { frameReader, u32 } from "./frames.mjs";

const mode = process.argv[2];

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  server.close();
  socket.on("close", () => process.exit(0));
  if (mode === "pingpong") {
    socket.on("data", (chunk) => socket.write(chunk));
    return;
  }
  let frames = 0;
  socket.on(
    "data",
    frameReader((frame) => {
      if (frame.length > 0) frames++;
      else {
        socket.write(u32(frames));
        frames = 0;
      }
    }),
  );
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
