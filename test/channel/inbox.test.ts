import { expect, test } from "vitest";
import { encode } from "../../runtime/codec/index.js";
import { Chunk, ChunkPool } from "../../runtime/io/chunks.js";
import { END, Inbox, Undecodable } from "../../runtime/channel/inbox.js";

/** A chunk holding `values`' encodings one after another, with their ranges. */
function chunkOf(values: unknown[]): { chunk: Chunk; ranges: [number, number][] } {
  const parts = values.map((v) => Buffer.from(encode(v)));
  const ranges: [number, number][] = [];
  let at = 0;
  for (const p of parts) ranges.push([at, (at += p.length)]);
  const chunk = new Chunk(Buffer.concat(parts), undefined);
  chunk.pending = parts.length;
  return { chunk, ranges };
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
  expect((taken[2] as Uint8Array).buffer).not.toBe(chunk.bytes.buffer);
});

test("an encoding that cannot be decoded is taken as an Undecodable, and the rest goes on", () => {
  const inbox = new Inbox();
  const { chunk, ranges } = chunkOf(["ok"]);
  const bad = new Chunk(Buffer.from([0xee, 1, 2]), undefined);
  bad.pending = 1;
  inbox.pushEncoded(bad, 0, 3, 3);
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

test("a chunk is reused only once every message in it has been taken", () => {
  const pool = new ChunkPool();
  const first = pool.take(10_000);
  expect(first.bytes.length).toBeGreaterThanOrEqual(10_000);
  expect(first.bytes.byteOffset % 8).toBe(0);
  first.pending = 2;
  first.taken();
  expect(pool.take(10_000)).not.toBe(first);
  first.taken();
  expect(pool.take(9_000)).toBe(first);
  // Small runs take a slice of Node's pool, large ones a buffer of their own: neither is kept.
  expect(pool.take(100).bytes.length).toBe(100);
  expect(pool.take(1 << 20).bytes.length).toBe(1 << 20);
});
