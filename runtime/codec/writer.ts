// A growable byte buffer the fast path encodes into. One is reused for every encoding, so a
// small message costs no allocation until its bytes are copied out.

const INITIAL = 64 << 10;

export class Writer {
  buf = Buffer.allocUnsafeSlow(INITIAL);
  view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  pos = 0;
  /** Set while an encoding is in progress, so a re-entrant encode takes a fresh writer. */
  busy = false;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
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

  /** u32 byte length + UTF-8 bytes. ASCII, the common case, is copied by a plain loop. */
  str(s: string): void {
    const n = s.length;
    this.ensure(4 + n * 3);
    const start = this.pos + 4;
    const buf = this.buf;
    let i = 0;
    if (n < 64) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
    }
    const length = i === n ? n : buf.write(s, start, "utf8");
    this.view.setUint32(this.pos, length, true);
    this.pos = start + length;
  }

  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}
