import { describe, expect, test } from "vitest";
import { Frame, FrameDecoder, FrameError, frame } from "../../runtime/io/frame.js";
import { challenge, checkWelcome, hello, helloProblem, welcome, type Welcome } from "../../runtime/io/handshake.js";
import { makePid } from "../../runtime/pid.js";
import { random as seeded } from "./fixtures/random.mjs";

/** Feeds `chunks` as a socket would: each read into the memory the decoder gives, as much as fits. */
function feed(decoder: FrameDecoder, chunk: Buffer, onFrame: () => void = () => {}): void {
  for (let at = 0; at < chunk.length; ) {
    const into = decoder.readBuffer();
    const n = chunk.copy(into, 0, at);
    at += n;
    decoder.filled(n, into);
    while (decoder.next()) onFrame();
  }
}

function frames(decoder: FrameDecoder, chunks: Buffer[]): [Frame, string][] {
  const out: [Frame, string][] = [];
  for (const chunk of chunks) feed(decoder, chunk, () => out.push([decoder.type, decoder.body.toString()]));
  return out;
}

describe("frame decoding", () => {
  const stream = Buffer.concat([frame(Frame.Data, Buffer.from("one")), frame(Frame.End), frame(Frame.Data, Buffer.from("x".repeat(1000)))]);
  const expected: [Frame, string][] = [
    [Frame.Data, "one"],
    [Frame.End, ""],
    [Frame.Data, "x".repeat(1000)],
  ];

  test("whole", () => {
    expect(frames(new FrameDecoder(), [stream])).toEqual(expected);
  });

  test("split at every possible point, and byte by byte", () => {
    for (let cut = 1; cut < stream.length; cut++) {
      expect(frames(new FrameDecoder(), [stream.subarray(0, cut), stream.subarray(cut)])).toEqual(expected);
    }
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(frames(new FrameDecoder(), bytes)).toEqual(expected);
  });

  test.each([
    ["each frame over several reads in a buffer of its own", 0],
    ["frames over several reads under 512 bytes in memory the decoder reuses", 512],
  ])("read as Node's onread does, with the reader stopping at any frame for want of room: %s", (_, reuseBelow) => {
    // Node asks for the memory of the next read right after each read's callback (and once
    // before the first), and reads into it whatever the reader has taken meanwhile. A reader
    // out of room stops between two frames, even before the first of a read, and the socket
    // reads again only once it has taken every frame it has.
    const random = seeded(7);
    const expected = Array.from({ length: 3000 }, (_, i) => `${i}:${"p".repeat(Math.floor(random() * (i % 7 === 0 ? 900 : 120)))}`);
    const stream = Buffer.concat(expected.map((body) => frame(Frame.Data, Buffer.from(body))));
    for (const readSize of [40, 300, 5000]) {
      const d = new FrameDecoder({ maxFrame: 1 << 20, readArea: 1024, reuseBelow });
      const got: string[] = [];
      /** Takes up to `most` frames; true once it wants more bytes. */
      const take = (most: number): boolean => {
        for (let i = 0; i < most; i++) {
          if (!d.next()) return true;
          got.push(d.body.toString());
          // Every frame but one in a buffer of its own has its header before it (see Peer.read's runs).
          if (d.start > 0) expect(d.source.readUInt32BE(d.start - 5)).toBe(d.end - d.start + 1);
        }
        return false;
      };
      let into = d.readBuffer();
      for (let at = 0; at < stream.length; ) {
        expect(into.length).toBeGreaterThan(0); // an empty buffer fails the read (ENOBUFS)
        const n = stream.copy(into, 0, at, Math.min(stream.length, at + 1 + Math.floor(random() * readSize)));
        at += n;
        d.filled(n, into);
        let drained = take(Math.floor(random() * 4));
        into = d.readBuffer();
        while (!drained) drained = take(Math.floor(random() * 4));
      }
      expect(got).toEqual(expected);
    }
  });

  test("a frame over the maximum is refused before it is buffered", () => {
    const d = new FrameDecoder({ maxFrame: 1024 });
    const header = Buffer.alloc(5);
    header.writeUInt32BE(1_000_000, 0);
    header[4] = Frame.Data;
    expect(() => feed(d, header)).toThrow(FrameError);
  });

  test("an oversized header split across chunks is refused too", () => {
    const d = new FrameDecoder({ maxFrame: 1024 });
    feed(d, Buffer.from([0xff, 0xff]));
    expect(() => feed(d, Buffer.from([0xff, 0xff, Frame.Data]))).toThrow(/frame of/);
  });

  test.each([
    ["zero length", [0, 0, 0, 0, 3]],
    ["unknown type", [0, 0, 0, 1, 99]],
    ["type zero", [0, 0, 0, 1, 0]],
  ])("%s is refused", (_, bytes) => {
    expect(() => feed(new FrameDecoder(), Buffer.from(bytes))).toThrow(FrameError);
  });

  test("a frame larger than a read is read into its own buffer, in place, and comes out whole", () => {
    const d = new FrameDecoder({ readArea: 1024 });
    const body = Buffer.alloc(100_000, 7);
    const stream = Buffer.concat([frame(Frame.End), frame(Frame.Data, body), frame(Frame.Data, Buffer.from("after"))]);
    const first = d.readBuffer();
    d.filled(stream.copy(first, 0, 0, 1024), first);
    expect(d.next()).toBe(true); // End
    expect(d.next()).toBe(false); // the big frame's start, copied into its buffer
    const rest = d.readBuffer();
    expect(rest.length).toBe(100_000 - (1024 - 5 - 5));
    expect(rest.buffer).not.toBe(first.buffer);
    d.filled(stream.copy(rest, 0, 1024, 1024 + rest.length), rest);
    expect(d.next()).toBe(true);
    expect(d.body.buffer).toBe(rest.buffer);
    expect(d.body.equals(body)).toBe(true);
    expect(d.readBuffer()).toBe(first); // back to the read area
    expect(frames(d, [stream.subarray(1024 + rest.length)])).toEqual([[Frame.Data, "after"]]);
  });

  test("a frame over several reads and shorter than reuseBelow is assembled, header first, in memory the decoder keeps", () => {
    const d = new FrameDecoder({ readArea: 1024, reuseBelow: 4096 });
    const small = [Buffer.alloc(3000, 1), Buffer.alloc(2000, 2)];
    const large = Buffer.alloc(5000, 3);
    const seen: { source: Buffer; start: number; reused: boolean; body: Buffer }[] = [];
    // Each frame is cut by the 1 KiB read area.
    feed(d, Buffer.concat([frame(Frame.Data, small[0]), frame(Frame.Data, large), frame(Frame.Data, small[1])]), () =>
      seen.push({ source: d.source, start: d.start, reused: d.reused, body: Buffer.from(d.body) }),
    );
    expect(seen.map((f) => f.reused)).toEqual([true, false, true]);
    expect(seen.map((f) => f.body)).toEqual([small[0], large, small[1]]);
    expect(seen[2]!.source).toBe(seen[0]!.source); // kept, and reused
    expect(seen[0]!.start).toBe(5);
    expect(seen[2]!.source.subarray(0, 5)).toEqual(frame(Frame.Data, small[1]).subarray(0, 5));
    expect(seen[1]!.start).toBe(0); // the large one's own buffer, which the reader may keep
    expect(seen[1]!.source.buffer).not.toBe(seen[0]!.source.buffer);
  });

  test("a frame longer than reuseBelow is read into memory from allocate, at its offset 0", () => {
    const given: Buffer[] = [];
    const d = new FrameDecoder({ readArea: 1024, reuseBelow: 4096, allocate: (size) => given[given.push(Buffer.alloc(size + 100)) - 1]! });
    const body = Buffer.alloc(10_000, 9);
    expect(frames(d, [frame(Frame.Data, body)])).toEqual([[Frame.Data, body.toString()]]);
    expect(given.length).toBe(1);
    expect(d.source.buffer).toBe(given[0]!.buffer);
    expect([d.source.byteOffset, d.start, d.end, d.reused]).toEqual([0, 0, 10_000, false]);
  });

  test("a read before the last one was taken is refused (reading must pause until it is)", () => {
    const d = new FrameDecoder();
    const into = d.readBuffer();
    d.filled(Buffer.concat([frame(Frame.End), frame(Frame.End)]).copy(into), into);
    expect(d.next()).toBe(true);
    expect(() => d.filled(0, d.readBuffer())).toThrow(/before the previous read was taken/);
    // Once the rest is taken, the next read is.
    expect(d.next()).toBe(true);
    expect(d.hasInput).toBe(false);
    expect(() => d.filled(0, d.readBuffer())).not.toThrow();
  });
});

describe("handshake", () => {
  const a = makePid("127.0.0.1", 1000);
  const b = makePid("127.0.0.1", 2000);
  const secret = "ab".repeat(32);
  const c = challenge();

  test("a hello that answers the challenge is accepted, and the welcome proves the secret back", () => {
    const h = hello(a, b, secret, c);
    expect(helloProblem(h, b, secret, c)).toBeUndefined();
    const w = welcome(secret, h, c);
    expect(() => checkWelcome(w as Welcome & { ok: true }, secret, h, c)).not.toThrow();
    expect(() => checkWelcome(w as Welcome & { ok: true }, "cd".repeat(32), h, c)).toThrow(/wrong proof/);
    expect(() => checkWelcome({ ok: true, proof: "00".repeat(32) }, secret, h, c)).toThrow(/wrong proof/);
  });

  test.each([
    ["not an object", 7, /malformed/],
    ["a hello made with another secret", hello(a, b, "cd".repeat(32), c), /wrong proof/],
    ["a hello answering another challenge", hello(a, b, secret, challenge()), /wrong proof/],
    ["a hello without a proof", { ...hello(a, b, secret, c), proof: undefined }, /no valid proof/],
    ["another codec", { ...hello(a, b, secret, c), codec: 999 }, /codec version 999/],
    ["another node", { ...hello(a, b, secret, c), node: "0.0.1" }, /node 0\.0\.1/],
    ["another v8", { ...hello(a, b, secret, c), v8: "1.0" }, /v8 1\.0/],
    ["addressed to another process", hello(a, a, secret, c), /addressed to/],
  ])("%s is refused", (_, h, message) => {
    expect(helloProblem(h, b, secret, c)).toMatch(message);
  });
});
