// Reads a fast-path encoding. Bounds are checked on every read: the bytes come off the network.

import { CodecError } from "./error.js";
import { readAscii, readUtf8 } from "./utf8.js";

/** The classes of views the codec's fast path carries. */
export type ViewClass =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | DataViewConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor
  | typeof Buffer;

export class Reader {
  pos = 0;
  end = 0;
  /** Where the current encoding starts (views' bytes are aligned relative to it). */
  origin = 0;
  /** Whether the bytes will be reused: views are then copied out, else they are views of them. */
  borrowed = false;
  /** Set once a view of the bytes was handed out: they are then the value's. */
  viewed = false;
  private readonly view: DataView;

  constructor(readonly buf: Buffer) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  need(n: number): number {
    const at = this.pos;
    if (at + n > this.end) throw new CodecError(`truncated value: needs ${n} bytes at offset ${at}, has ${this.end - at}`);
    this.pos = at + n;
    return at;
  }

  u8(): number {
    return this.buf[this.need(1)]!;
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }

  f64(): number {
    return this.view.getFloat64(this.need(8), true);
  }

  str(): string {
    const prefix = this.u32();
    const n = prefix >>> 1;
    const at = this.need(n);
    if (n === 0) return "";
    return (prefix & 1) === 0 ? readUtf8(this.buf, at, at + n) : readAscii(this.buf, at, at + n);
  }

  /** Skips the zeros up to a multiple of 8 bytes from {@link origin}. */
  align8(): void {
    this.need((this.origin - this.pos) & 7);
  }

  /**
   * A `Ctor` over the `n` bytes at `at`: a view of them when they are the caller's to keep and
   * aligned for its elements, else over a copy.
   */
  viewOf(Ctor: ViewClass, at: number, n: number): ArrayBufferView {
    const size = "BYTES_PER_ELEMENT" in Ctor ? Ctor.BYTES_PER_ELEMENT : 1;
    if (n % size !== 0) throw new CodecError(`${Ctor.name} of ${n} bytes, not a whole number of elements`);
    let buffer = this.buf.buffer;
    let offset = this.buf.byteOffset + at;
    if (this.borrowed || offset % size !== 0 || buffer instanceof SharedArrayBuffer) {
      buffer = new Uint8Array(this.buf.subarray(at, at + n)).buffer;
      offset = 0;
    } else {
      this.viewed = true;
    }
    if (Ctor === Buffer) return Buffer.from(buffer, offset, n);
    if (Ctor === DataView) return new DataView(buffer, offset, n);
    return new (Ctor as Exclude<ViewClass, typeof Buffer | DataViewConstructor>)(buffer, offset, n / size);
  }

  /** A copy of the next length-prefixed bytes (the source may be reused). */
  bytes(): Uint8Array {
    const n = this.u32();
    const at = this.need(n);
    return new Uint8Array(this.buf.subarray(at, at + n));
  }
}
