// One-way streams of messages in passes, shared by throughput.ts and bandwidth.ts. The receiver
// first says it runs; then the sender sends for about `seconds`, then an end marker; the
// receiver answers with how many messages it got, which ends the pass (lib/measure.mjs times it
// from its first send to that answer).
import { Cpu, Mem, type Receiver, type Resources, type Sender } from "constellation-ts";
import { deadlineAfter } from "../lib/measure.mjs";

// Both ends ask for more than Resources.default()'s 100 MiB: a stream's figure is its speed, and
// in-flight messages and garbage not yet collected must not end it (idle.ts measures memory).
export const streaming: Resources = { mem: Mem.GiB, cpu: Cpu.CORE };

/**
 * Waits until the receiving process runs its closure: `spawn()` resolves once the process has
 * started, ~100–200 ms before that here. The references connect to their peer before their first
 * pass; so do we, or the warm-up pass is spent starting the receiver, and the first measured one
 * warms up its code.
 */
export function receiverReady(counts: Receiver<number>): void {
  counts.recv().block();
}

export function sendPass<T>(tx: Sender<T>, counts: Receiver<number>, payload: T, end: T, bytesEach: number, seconds: number) {
  const done = deadlineAfter(seconds);
  // The clock is read about once per 64 KiB sent.
  const checkEvery = Math.max(1, Math.floor(65536 / bytesEach));
  let messages = 0;
  while (messages % checkEvery !== 0 || !done()) {
    tx.send(payload).block();
    messages++;
  }
  tx.send(end).block();
  const got = counts.recv().block();
  if (got !== messages) throw new Error(`receiver got ${got} messages of ${messages}`);
  return { messages, bytes: messages * bytesEach };
}

export function countPasses<T>(rx: Receiver<T>, counts: Sender<number>, isEnd: (v: T) => boolean) {
  counts.send(0).block(); // receiverReady
  let messages = 0;
  for (const value of rx) {
    if (!isEnd(value)) messages++;
    else {
      counts.send(messages).block();
      messages = 0;
    }
  }
}
