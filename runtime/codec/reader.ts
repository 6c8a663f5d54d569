// Reads a fast-path encoding. Bounds are checked on every read: the bytes come off the network.

import { CodecError } from "./error.js";
import { readUtf8 } from "./utf8.js";

export class Reader {
  pos = 0;
  end = 0;
  private readonly view: DataView;

  constructor(readonly buf: Buffer) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): number {
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
    const n = this.u32();
    const at = this.need(n);
    return n === 0 ? "" : readUtf8(this.buf, at, at + n);
  }

  /** A copy of the next length-prefixed bytes (the source may be reused). */
  bytes(): Uint8Array {
    const n = this.u32();
    const at = this.need(n);
    return new Uint8Array(this.buf.subarray(at, at + n));
  }
}
