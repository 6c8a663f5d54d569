// The messages received on one link, in order, with their encoded sizes (for the receive
// window), plus the end-of-stream marks between a closed Sender's messages and the next one's.
// Small messages stay encoded, in the chunks they arrived in, until they are taken: a stream of
// thousands of waiting messages is then a few buffers outside the JS heap instead of thousands
// of objects that each young-generation collection copies, and that made V8 grow it
// (docs/design.md §5).
import { decodeBorrowed } from "../codec/index.js";
import type { Chunk } from "../io/chunks.js";

/** The remote closed its Sender here. */
export const END: unique symbol = Symbol("end of stream");

/** A message that arrived but could not be decoded: its recv fails with this error. */
export class Undecodable {
  constructor(readonly error: unknown) {}
}

export type InboxItem = unknown; // a value, END or an Undecodable

/** `starts[i]` of an item that is a value, not an encoding. */
const DECODED = -1;

export class Inbox {
  // A ring of slots that grows by doubling and never shrinks: a stream reuses the same arrays
  // instead of emptying and regrowing them. Slot i holds a value, END or an Undecodable (with
  // starts[i] = DECODED), or the chunk holding the encoding [starts[i], ends[i]).
  private items: unknown[] = new Array(16).fill(undefined);
  private starts: number[] = new Array(16).fill(0);
  private ends: number[] = new Array(16).fill(0);
  private sizes: number[] = new Array(16).fill(0);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Adds a decoded value (or END, or an Undecodable). */
  push(item: InboxItem, size: number): void {
    this.add(item, DECODED, 0, size);
  }

  /** Adds a message encoded at `chunk.bytes[start, end)` (the chunk counts it as pending). */
  pushEncoded(chunk: Chunk, start: number, end: number, size: number): void {
    this.add(chunk, start, end, size);
  }

  private add(item: unknown, start: number, end: number, size: number): void {
    if (this.count === this.items.length) this.grow();
    const i = (this.head + this.count) & (this.items.length - 1);
    this.items[i] = item;
    this.starts[i] = start;
    this.ends[i] = end;
    this.sizes[i] = size;
    this.count++;
  }

  private grow(): void {
    const unroll = <T>(a: T[], fill: T): T[] => [...a.slice(this.head), ...a.slice(0, this.head), ...new Array<T>(a.length).fill(fill)];
    this.items = unroll(this.items, undefined);
    this.starts = unroll(this.starts, 0);
    this.ends = unroll(this.ends, 0);
    this.sizes = unroll(this.sizes, 0);
    this.head = 0;
  }

  /** Size of the next item (call before {@link shift}). */
  peekSize(): number {
    return this.sizes[this.head]!;
  }

  /** Takes the next item, decoding it if it is still encoded. */
  shift(): InboxItem {
    const head = this.head;
    const item = this.items[head];
    const start = this.starts[head]!;
    const end = this.ends[head]!;
    this.items[head] = undefined;
    this.head = (head + 1) & (this.items.length - 1);
    this.count--;
    if (start === DECODED) return item;
    const chunk = item as Chunk;
    try {
      // Borrowed: the chunk is reused once its messages are taken, so nothing may keep a view of it.
      return decodeBorrowed(chunk.bytes, start, end);
    } catch (e) {
      return new Undecodable(e);
    } finally {
      chunk.taken();
    }
  }
}
