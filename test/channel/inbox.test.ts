import { expect, test } from "vitest";
import { encode } from "../../runtime/codec/index.js";
import { END, Inbox, Undecodable } from "../../runtime/channel/inbox.js";

/** A chunk holding `values`' encodings one after another, with their ranges. */
function chunkOf(values: unknown[]): { chunk: Buffer; ranges: [number, number][] } {
  const parts = values.map((v) => Buffer.from(encode(v)));
  const ranges: [number, number][] = [];
  let at = 0;
  for (const p of parts) ranges.push([at, (at += p.length)]);
  return { chunk: Buffer.concat(parts), ranges };
}

test("messages kept encoded come out decoded, in order with decoded ones, each with its size", () => {
  const inbox = new Inbox();
  const { chunk, ranges } = chunkOf(["a", { n: 1 }, new Uint8Array([1, 2, 3])]);
  ranges.forEach(([start, end], i) => inbox.pushEncoded(chunk, start, end, 100 + i));
  inbox.push(END, 0);
  inbox.push("decoded", 7);
  const taken: unknown[] = [];
  const sizes: number[] = [];
  while (inbox.length > 0) {
    sizes.push(inbox.peekSize());
    taken.push(inbox.shift());
  }
  expect(taken).toEqual(["a", { n: 1 }, new Uint8Array([1, 2, 3]), END, "decoded"]);
  expect(sizes).toEqual([100, 101, 102, 0, 7]);
  // A typed array taken is a copy: it does not keep the arrival chunk alive.
  expect((taken[2] as Uint8Array).buffer).not.toBe(chunk.buffer);
});

test("an encoding that cannot be decoded is taken as an Undecodable, and the rest goes on", () => {
  const inbox = new Inbox();
  const { chunk, ranges } = chunkOf(["ok"]);
  inbox.pushEncoded(Buffer.from([0xee, 1, 2]), 0, 3, 3);
  inbox.pushEncoded(chunk, ranges[0]![0], ranges[0]![1], 5);
  expect(inbox.shift()).toBeInstanceOf(Undecodable);
  expect(inbox.shift()).toBe("ok");
});

test("a long queue taken half-way compacts without losing order", () => {
  const inbox = new Inbox();
  const { chunk, ranges } = chunkOf(Array.from({ length: 10_000 }, (_, i) => i));
  for (const [start, end] of ranges) inbox.pushEncoded(chunk, start, end, 1);
  const taken: unknown[] = [];
  for (let i = 0; i < 6_000; i++) taken.push(inbox.shift());
  for (let i = 10_000; i < 10_010; i++) inbox.push(i, 1);
  while (inbox.length > 0) taken.push(inbox.shift());
  expect(taken).toEqual(Array.from({ length: 10_010 }, (_, i) => i));
});

test("order holds while the inbox wraps around and grows, taken as it fills", () => {
  const inbox = new Inbox();
  let next = 0;
  let expected = 0;
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < (round % 7) + 1; i++) inbox.push(next++, 1);
    for (let i = 0; i < (round % 5) && inbox.length > 0; i++) expect(inbox.shift()).toBe(expected++);
  }
  while (inbox.length > 0) expect(inbox.shift()).toBe(expected++);
  expect(expected).toBe(next);
});
