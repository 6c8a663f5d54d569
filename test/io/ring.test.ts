import { expect, test } from "vitest";
import { allocateRing, recordSize, Ring } from "../../runtime/io/ring.js";

test("records come out in order across many wraps, and a full ring refuses", () => {
  const shared = allocateRing(1024);
  const producer = new Ring(shared, "producer");
  const consumer = new Ring(shared, "consumer");
  let written = 0;
  let read = 0;
  for (let round = 0; round < 2000; round++) {
    // Write until full, with varying sizes so records hit the end of the ring at every offset.
    for (;;) {
      const size = (written * 7) % 61;
      const payload = new Uint8Array(size).fill(written & 0xff);
      if (!producer.write(written % 200, written, payload)) break;
      written++;
    }
    producer.publish();
    expect(producer.write(1, 1, new Uint8Array(1024))).toBe(false);
    // Read about half.
    for (let i = 0; i < 5 && consumer.next(); i++) {
      expect(consumer.arg).toBe(read);
      expect(consumer.kind).toBe(read % 200);
      expect(consumer.length).toBe((read * 7) % 61);
      expect(consumer.bytes.subarray(consumer.offset, consumer.offset + consumer.length).every((b) => b === (read & 0xff))).toBe(true);
      read++;
    }
    consumer.release();
  }
  while (consumer.next()) read++;
  expect(read).toBe(written);
  expect(recordSize(0)).toBe(12);
});

test("a record is invisible until published", () => {
  const shared = allocateRing(256);
  const producer = new Ring(shared, "producer");
  const consumer = new Ring(shared, "consumer");
  producer.write(1, 2);
  expect(consumer.hasData()).toBe(false);
  producer.publish();
  expect(consumer.next()).toBe(true);
  expect(consumer.next()).toBe(false);
});
