// Reads a fast-path encoding. Bounds are checked on every read: the bytes come off the network.

import { CodecError } from "./error.js";

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
    const buf = this.buf;
    if (n < 32) {
      let s = "";
      for (let i = at; i < at + n; i++) {
        const c = buf[i]!;
        if (c >= 0x80) return buf.toString("utf8", at, at + n);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return buf.toString("utf8", at, at + n);
  }

  /** A copy of the next length-prefixed bytes (the source may be reused). */
  bytes(): Uint8Array {
    const n = this.u32();
    const at = this.need(n);
    return new Uint8Array(this.buf.subarray(at, at + n));
  }
}
