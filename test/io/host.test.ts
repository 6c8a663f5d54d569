// The main thread's side of the shared-memory protocol, against a stand-in for the I/O thread's
// side made of the same Ring and Word rules (runtime/io/shared.ts).
import { MessageChannel } from "node:worker_threads";
import { expect, test } from "vitest";
import { Host, type EventHandler } from "../../runtime/io/host.js";
import { Ring } from "../../runtime/io/ring.js";
import { allocateShared, Command, IO_RUNNING, Word } from "../../runtime/io/shared.js";

const ignore: EventHandler = {
  link() {},
  data() {},
  dataLarge() {},
  end() {},
  lost() {},
  credit() {},
  spawned() {},
  spawnFailed() {},
};

test("commands held for want of ring room move on once the I/O thread makes room, with no further call", async () => {
  const shared = allocateShared();
  const words = new Int32Array(shared.words);
  Atomics.store(words, Word.State, IO_RUNNING);
  const { port1, port2 } = new MessageChannel();
  const returns = new MessageChannel();
  const host = new Host(shared, port1, returns.port1, ignore);
  const io = new Ring(shared.commands, "consumer");
  // Sends made without waiting for anything, more than the command ring holds.
  const payload = new Uint8Array(200 << 10);
  const sent = 20;
  for (let i = 0; i < sent; i++) host.command(Command.Send, i, payload);
  expect(Atomics.load(words, Word.CommandSpaceWanted)).toBe(1);
  // The I/O thread drains the ring, then wakes the main thread as the protocol says.
  const seen: number[] = [];
  const drain = (): void => {
    while (io.next()) seen.push(io.arg);
    io.release();
    if (Atomics.load(words, Word.CommandSpaceWanted) !== 0 && Atomics.compareExchange(words, Word.MainSleeping, 1, 0) === 1) {
      Atomics.notify(words, Word.MainSleeping);
    }
  };
  for (let round = 0; round < 20 && seen.length < sent; round++) {
    drain();
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(seen).toEqual(Array.from({ length: sent }, (_, i) => i));
  port1.close();
  port2.close();
  returns.port1.close();
  returns.port2.close();
});
