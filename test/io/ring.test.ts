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

test("a spin for data ends with what was published, and gives up after its time when nothing is", () => {
  const shared = allocateRing(256);
  const producer = new Ring(shared, "producer");
  const consumer = new Ring(shared, "consumer");
  producer.write(1, 2);
  expect(consumer.spinForData(50)).toBe(false); // written, not published
  producer.publish();
  expect(consumer.spinForData(1e9)).toBe(true); // would spin ~17 minutes if it missed it
  expect(consumer.next()).toBe(true);
  expect(consumer.spinForData(0)).toBe(false);
});

test("a record written in place is read back, and open offers only the room before the end and the consumer", () => {
  const shared = allocateRing(256);
  const producer = new Ring(shared, "producer");
  const consumer = new Ring(shared, "consumer");
  for (let round = 0; round < 100; round++) {
    const at = producer.open(1000);
    // Never past the end of the ring (records do not wrap) nor into unreleased records.
    expect(producer.openLimit).toBeLessThanOrEqual(256);
    if (at < 0 || producer.openLimit - at < 30) {
      expect(producer.write(9, round, new Uint8Array(30).fill(round))).toBe(producer.fits(30));
    } else {
      producer.bytes.fill(round, at, at + 30);
      producer.commit(9, round, 30);
    }
    producer.publish();
    expect(consumer.next()).toBe(true);
    expect([consumer.kind, consumer.arg, consumer.length]).toEqual([9, round, 30]);
    expect(consumer.bytes.subarray(consumer.offset, consumer.offset + 30).every((b) => b === round)).toBe(true);
    if (round % 3 === 0) consumer.release();
  }
  const at = producer.open(8);
  if (at >= 0) expect(producer.openLimit - at).toBeLessThanOrEqual(8);
});

test("a copied payload lands at its source's offset modulo 8, and reads back whole", () => {
  const shared = allocateRing(512);
  const producer = new Ring(shared, "producer");
  const consumer = new Ring(shared, "consumer");
  const source = new Uint8Array(64).map((_, i) => i);
  for (let round = 0; round < 200; round++) {
    const from = round % 8;
    const payload = source.subarray(from, from + 21 + (round % 5));
    expect(producer.write(3, round, payload)).toBe(true);
    producer.publish();
    expect(consumer.next()).toBe(true);
    expect((shared.byteLength - 512 + consumer.offset) % 8).toBe(from);
    expect(consumer.bytes.subarray(consumer.offset, consumer.offset + consumer.length)).toEqual(Buffer.from(payload));
    expect([consumer.kind, consumer.arg]).toEqual([3, round]);
    consumer.release();
  }
});
