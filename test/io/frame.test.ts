import { describe, expect, test } from "vitest";
import { Frame, FrameDecoder, FrameError, frame } from "../../runtime/io/frame.js";
import { challenge, checkWelcome, hello, helloProblem, welcome, type Welcome } from "../../runtime/io/handshake.js";
import { makePid } from "../../runtime/pid.js";

function frames(decoder: FrameDecoder, chunks: Buffer[]): [Frame, string][] {
  const out: [Frame, string][] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    while (decoder.next()) out.push([decoder.type, decoder.body.toString()]);
  }
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

  test("a frame over the maximum is refused before it is buffered", () => {
    const d = new FrameDecoder(1024);
    const header = Buffer.alloc(5);
    header.writeUInt32BE(1_000_000, 0);
    header[4] = Frame.Data;
    d.push(header);
    expect(() => d.next()).toThrow(FrameError);
  });

  test("an oversized header split across chunks is refused too", () => {
    const d = new FrameDecoder(1024);
    d.push(Buffer.from([0xff, 0xff]));
    expect(d.next()).toBe(false);
    d.push(Buffer.from([0xff, 0xff, Frame.Data]));
    expect(() => d.next()).toThrow(/frame of/);
  });

  test.each([
    ["zero length", [0, 0, 0, 0, 3]],
    ["unknown type", [0, 0, 0, 1, 99]],
    ["type zero", [0, 0, 0, 1, 0]],
  ])("%s is refused", (_, bytes) => {
    const d = new FrameDecoder();
    d.push(Buffer.from(bytes));
    expect(() => d.next()).toThrow(FrameError);
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
