// A single-producer single-consumer queue of records on a SharedArrayBuffer, shared by the
// main thread and the I/O thread. Records never wrap: one that does not fit before the end
// leaves a pad marker and starts again at offset 0, so a consumer always sees a record as
// one contiguous slice it can decode in place.
//
// Record: u32 payload length | u8 kind | u8 skip | 2 bytes unused | u32 argument | skip bytes |
// payload, padded to 4. The skip (0–7) puts a copied payload at the same offset modulo 8 as its
// source: V8 copies into or out of a SharedArrayBuffer word by word only when both sides are
// aligned alike, else byte by byte (a 64 KiB copy took ~60 µs instead of ~4).

// Head and tail on cache lines of their own, apart from each other and from the data: each
// side writes one of them at every batch.
const HEAD = 0; // Int32 index: bytes ever published by the producer (wrapping u32)
const TAIL = 16; // Int32 index: bytes ever released by the consumer (wrapping u32)
const HEADER_BYTES = 128;
const RECORD_HEADER = 12;
const PAD = 0xffffffff;

/** Bytes a record with `payload` bytes occupies in a ring. */
export function recordSize(payload: number): number {
  return (RECORD_HEADER + payload + 3) & ~3;
}

/** Allocates the shared memory of a ring with room for `capacity` bytes (a power of two). */
export function allocateRing(capacity: number): SharedArrayBuffer {
  if (capacity < 64 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`ring capacity ${capacity} is not a power of two >= 64`);
  return new SharedArrayBuffer(HEADER_BYTES + capacity);
}

/**
 * One side's view of a ring. The producer calls {@link reserve} then {@link publish}; the
 * consumer calls {@link next} until it returns false, then {@link release}. Head and tail are
 * published once per batch, which is what makes a batch of small records cheap.
 */
export class Ring {
  /** The ring's bytes; record payloads are at `[offset, offset + length)`. */
  readonly bytes: Buffer;
  readonly view: DataView;
  private readonly words: Int32Array;
  private readonly capacity: number;
  private readonly mask: number;
  private cursor: number; // producer: unpublished head; consumer: unreleased tail
  // The other side's index as last read: it is re-read only when it would change the answer,
  // so a stream of records does not pull the other side's cache line over at every record.
  private seen: number;

  /** Producer: the end of the room of the record {@link open} opened. */
  openLimit = 0;
  /** Set by {@link next}: the current record. */
  kind = 0;
  arg = 0;
  offset = 0;
  length = 0;

  constructor(shared: SharedArrayBuffer, readonly role: "producer" | "consumer") {
    this.capacity = shared.byteLength - HEADER_BYTES;
    this.mask = this.capacity - 1;
    this.words = new Int32Array(shared, 0, TAIL + 1);
    this.bytes = Buffer.from(shared, HEADER_BYTES, this.capacity);
    this.view = new DataView(shared, HEADER_BYTES, this.capacity);
    this.cursor = Atomics.load(this.words, role === "producer" ? HEAD : TAIL) >>> 0;
    this.seen = Atomics.load(this.words, role === "producer" ? TAIL : HEAD) >>> 0;
  }

  /** Whether a record with `length` payload bytes would fit now (producer). */
  fits(length: number): boolean {
    const size = recordSize(length);
    const toEnd = this.capacity - (this.cursor & this.mask);
    const needed = toEnd < size ? toEnd + size : size;
    if (((this.cursor - this.seen) >>> 0) + needed <= this.capacity) return true;
    this.seen = Atomics.load(this.words, TAIL) >>> 0;
    return ((this.cursor - this.seen) >>> 0) + needed <= this.capacity;
  }

  /**
   * Reserves a record; returns the offset of its payload in {@link bytes}, or -1 when the
   * ring is full. With `align` (0–7), the payload's offset is `align` modulo 8. The record
   * becomes visible at the next {@link publish}.
   */
  reserve(kind: number, arg: number, length: number, align = -1): number {
    if (!this.fits(align < 0 ? length : length + 7)) return -1;
    let pos = this.cursor & this.mask;
    let skip = align < 0 ? 0 : (align - pos - RECORD_HEADER) & 7;
    if (this.capacity - pos < recordSize(length + skip)) {
      this.view.setUint32(pos, PAD, true);
      this.cursor = (this.cursor + this.capacity - pos) >>> 0;
      pos = 0;
      skip = align < 0 ? 0 : (align - RECORD_HEADER) & 7;
    }
    this.writeHeader(pos, kind, arg, length, skip);
    return pos + RECORD_HEADER + skip;
  }

  private writeHeader(pos: number, kind: number, arg: number, length: number, skip: number): void {
    const view = this.view;
    view.setUint32(pos, length, true);
    view.setUint8(pos + 4, kind);
    view.setUint8(pos + 5, skip);
    view.setUint32(pos + 8, arg, true);
    this.cursor = (this.cursor + recordSize(length + skip)) >>> 0;
  }

  /**
   * Opens a record of yet unknown length for the producer to write in place: returns the offset
   * of its payload in {@link bytes} and sets {@link openLimit}, the end of the contiguous room it
   * may fill (at most `maxPayload` bytes); -1 when there is no room before the end of the ring.
   * {@link commit} ends it; nothing is reserved until then.
   */
  open(maxPayload: number): number {
    const pos = this.cursor & this.mask;
    let free = this.capacity - ((this.cursor - this.seen) >>> 0);
    if (free < this.capacity >>> 1) free = this.capacity - ((this.cursor - (this.seen = Atomics.load(this.words, TAIL) >>> 0)) >>> 0);
    const room = (Math.min(free, this.capacity - pos) - RECORD_HEADER) & ~3;
    if (room <= 0) return -1;
    this.openLimit = pos + RECORD_HEADER + Math.min(room, maxPayload);
    return pos + RECORD_HEADER;
  }

  /** Reserves the record {@link open} opened, with `length` bytes of payload written. */
  commit(kind: number, arg: number, length: number): void {
    this.writeHeader(this.cursor & this.mask, kind, arg, length, 0);
  }

  /** Reserves a record and copies `payload[0, length)` into it; false when the ring is full. */
  write(kind: number, arg: number, payload?: Uint8Array, length = payload ? payload.length : 0): boolean {
    const at = this.reserve(kind, arg, length, payload ? payload.byteOffset & 7 : -1);
    if (at < 0) return false;
    if (!payload) return true;
    // A plain view: Buffer#subarray costs twice as much, and a byte loop into shared memory
    // more still, even for 64 bytes. (Array buffers start 8-aligned: the view's offset is its
    // alignment.)
    this.bytes.set(length === payload.length ? payload : new Uint8Array(payload.buffer, payload.byteOffset, length), at);
    return true;
  }

  /** Makes every reserved record visible to the consumer. */
  publish(): void {
    Atomics.store(this.words, HEAD, this.cursor | 0);
  }

  /** Whether the producer has published records the consumer has not read. */
  hasData(): boolean {
    return (Atomics.load(this.words, HEAD) >>> 0) !== this.cursor;
  }

  /**
   * Consumer: spins up to `us` µs until the producer publishes records; true if it did. The clock
   * is read once every 64 looks: `performance.now()` allocates (~30 bytes a call), and the spins
   * that read it at every look made a young generation's worth of garbage every ~200 round trips
   * of a ping-pong, each scavenge ~0.2 ms of its p99.
   */
  spinForData(us: number): boolean {
    const until = performance.now() + us / 1000;
    do {
      for (let i = 0; i < 64; i++) if (this.hasData()) return true;
    } while (performance.now() < until);
    return false;
  }

  /** Moves to the next published record (sets kind, arg, offset, length); false when none. */
  next(): boolean {
    if (this.seen === this.cursor) {
      this.seen = Atomics.load(this.words, HEAD) >>> 0;
      if (this.seen === this.cursor) return false;
    }
    let pos = this.cursor & this.mask;
    let length = this.view.getUint32(pos, true);
    if (length === PAD) {
      this.cursor = (this.cursor + this.capacity - pos) >>> 0;
      pos = 0;
      length = this.view.getUint32(0, true);
    }
    const skip = this.view.getUint8(pos + 5);
    this.kind = this.view.getUint8(pos + 4);
    this.arg = this.view.getUint32(pos + 8, true);
    this.offset = pos + RECORD_HEADER + skip;
    this.length = length;
    this.cursor = (this.cursor + recordSize(length + skip)) >>> 0;
    return true;
  }

  /** Gives the space of every record read so far back to the producer. */
  release(): void {
    Atomics.store(this.words, TAIL, this.cursor | 0);
  }
}
