// A growable byte buffer the fast path encodes into. One is reused for every encoding, so a
// small message costs no allocation until its bytes are copied out. A writer can also be made
// over someone else's memory (a ring), writing only in the region it is given, never beyond.
import { writeUtf8 } from "./utf8.js";

const INITIAL = 64 << 10;

/** Thrown by a writer over a region the encoding does not fit in, or past the most it may grow to. */
export const OVERFLOW: unique symbol = Symbol("region overflow");

export class Writer {
  buf: Buffer;
  view: DataView;
  pos = 0;
  /** Where the current encoding starts: views' bytes are aligned relative to it. */
  origin = 0;
  /** Set while an encoding is in progress, so a re-entrant encode takes a fresh writer. */
  busy = false;
  private limit: number;
  /** Set for a writer over someone else's memory: it never grows. */
  private readonly fixed: boolean;

  /**
   * @param capacity the buffer's initial size (an encoding whose size is known takes exactly it).
   * @param over memory of someone else's to write in instead (see {@link region}).
   * @param most the most the buffer may grow to: past it, {@link OVERFLOW} is thrown.
   */
  constructor(
    capacity = INITIAL,
    over?: { readonly buf: Buffer; readonly view: DataView },
    private readonly most = Infinity,
  ) {
    this.fixed = over !== undefined;
    this.buf = over ? over.buf : Buffer.allocUnsafeSlow(capacity);
    this.view = over ? over.view : new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.limit = this.buf.length;
  }

  /** Starts an encoding at `at` that may fill the buffer up to `limit`, no further. */
  region(at: number, limit: number): void {
    this.pos = this.origin = at;
    this.limit = limit;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.limit) return;
    if (this.fixed || this.pos + n > this.most) throw OVERFLOW;
    const bigger = Buffer.allocUnsafeSlow(Math.min(this.most, Math.max(this.buf.length * 2, this.pos + n)));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
    this.limit = bigger.length;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v, true);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /**
   * u32 prefix + UTF-8 bytes: the byte length times 2, plus 1 when they are all ASCII (the
   * reader then copies them as one-byte characters instead of decoding them). In the low bit,
   * not the top one: a prefix then stays a small integer, not a heap number, for any string
   * under 2^29 bytes. Short ASCII strings, cheaper than a binding call, by a plain loop.
   */
  str(s: string): void {
    const n = s.length;
    // Room for the worst case (3 bytes per UTF-16 unit), unless the buffer would have to grow
    // for it: then for exactly what it takes, which a long string is worth measuring for.
    this.ensure(this.pos + 4 + n * 3 <= this.limit ? 4 + n * 3 : 4 + Buffer.byteLength(s, "utf8"));
    const start = this.pos + 4;
    const buf = this.buf;
    let i = 0;
    if (n < 16) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
    }
    const length = i === n ? n : writeUtf8(buf, s, start);
    // Every other UTF-16 unit takes 2 or 3 bytes: as many bytes as units means all ASCII.
    this.view.setUint32(this.pos, length * 2 + (length === n ? 1 : 0), true);
    this.pos = start + length;
  }

  /** Zeros up to a multiple of 8 bytes from {@link origin}. */
  align8(): void {
    const pad = (this.origin - this.pos) & 7;
    this.ensure(pad);
    for (let i = 0; i < pad; i++) this.buf[this.pos++] = 0;
  }

  /** The bytes of `v`, as they are. */
  raw(v: ArrayBufferView): void {
    this.ensure(v.byteLength);
    this.buf.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), this.pos);
    this.pos += v.byteLength;
  }

  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.raw(b);
  }
}
