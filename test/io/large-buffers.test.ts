import { MessageChannel } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { LargeBuffers } from "../../runtime/io/large-buffers.js";
import { SEND_WINDOW } from "../../runtime/io/shared.js";

const MiB = 1 << 20;
const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

/** A pool, and how the I/O thread hands a buffer back to it. */
function pool(): { buffers: LargeBuffers; giveBack(b: Buffer): void } {
  const channel = new MessageChannel();
  channels.push(channel);
  return { buffers: new LargeBuffers(channel.port1), giveBack: (b) => channel.port2.postMessage(b.buffer, [b.buffer as ArrayBuffer]) };
}

describe("LargeBuffers", () => {
  it("gives buffers of at least the size asked, from offset 0 of their own memory", () => {
    const { buffers } = pool();
    const b = buffers.take(MiB + 8);
    expect(b.byteOffset).toBe(0);
    expect(b.length).toBeGreaterThanOrEqual(MiB + 8);
    expect(b.buffer.byteLength).toBe(b.length);
  });

  it("reuses a buffer handed back for a message of a like size, not for a much smaller one", () => {
    const { buffers, giveBack } = pool();
    const first = buffers.take(MiB);
    first.writeUInt32LE(0x5ea1ed01, 0);
    giveBack(first);
    expect(buffers.take(MiB / 4).readUInt32LE(0)).not.toBe(0x5ea1ed01);
    expect(buffers.take(MiB - 100).readUInt32LE(0)).toBe(0x5ea1ed01);
    expect(buffers.take(MiB).readUInt32LE(0)).not.toBe(0x5ea1ed01); // taken: not given twice
  });

  it("keeps at most twice the send window, the latest handed back", () => {
    const { buffers, giveBack } = pool();
    expect(2 * SEND_WINDOW).toBe(8 * MiB);
    const sizes = [3 * MiB, 3 * MiB, 2 * MiB, 3 * MiB];
    const taken = sizes.map((size) => buffers.take(size));
    taken.forEach((b, i) => {
      b.writeUInt32LE(0x5ea1ed10 + i, 0);
      giveBack(b);
    });
    // 11 MiB came back and 8 are kept: the first one was let go.
    const marks = [3 * MiB, 3 * MiB, 2 * MiB, 3 * MiB].map((size) => buffers.take(size).readUInt32LE(0) - 0x5ea1ed10);
    expect(marks.slice(0, 3)).toEqual([1, 3, 2]);
    expect(marks[3]).not.toBe(0);
  });
});
