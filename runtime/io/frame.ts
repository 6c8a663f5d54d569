// Frames on a peer connection: u32 BE length of the rest | u8 type | body.
// A connection carries one channel each way (this process → peer and back), so data frames
// need no channel id.

/** Frame types. */
export enum Frame {
  /** Dialler → acceptor, answer to the Challenge: JSON {@link Hello}. */
  Hello = 1,
  /** Acceptor → dialler, answer to Hello: JSON {@link Welcome}. */
  Welcome,
  /** One message of the sender's channel: its encoding. */
  Data,
  /** The sender's channel ended (its Sender closed). */
  End,
  /** u32 sequence: answer with Pong once everything before it has been received. */
  Ping,
  /** u32 sequence of the Ping answered. */
  Pong,
  /** The sender has no channel to the receiver left and everything it sent is acknowledged. */
  Bye,
  /** Answer to Bye: neither has a channel left; the connection closes. */
  ByeOk,
  /** Answer to Bye: the receiver still has a channel; the connection stays. */
  ByeNo,
  /** Acceptor → dialler, first frame: JSON {@link Challenge}. */
  Challenge,
}

const LAST_FRAME = Frame.Challenge;

/** Bytes before a frame's body. */
export const FRAME_HEADER = 5;

/** The default bound on one frame: a message may be large, but not unboundedly so. */
export const DEFAULT_MAX_FRAME = 1024 * 1024 * 1024 + FRAME_HEADER;

/** A malformed or oversized frame: the connection that sent it is closed. */
export class FrameError extends Error {
  override name = "FrameError";
}

const EMPTY = Buffer.alloc(0);

/** Writes a frame header for a body of `bodyLength` bytes at `buf[at]`. */
export function writeFrameHeader(buf: Buffer, at: number, type: Frame, bodyLength: number): void {
  const length = bodyLength + 1;
  buf[at] = length >>> 24;
  buf[at + 1] = length >>> 16;
  buf[at + 2] = length >>> 8;
  buf[at + 3] = length;
  buf[at + 4] = type;
}

/** A whole frame (header + body) as one buffer. */
export function frame(type: Frame, body?: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER + (body?.length ?? 0));
  writeFrameHeader(out, 0, type, body?.length ?? 0);
  if (body) out.set(body, FRAME_HEADER);
  return out;
}

/** Bytes of one socket read outside a frame being assembled. */
const READ_AREA = 64 << 10;

export interface DecoderOptions {
  /** Bound on one frame, header included; a larger one is refused. */
  readonly maxFrame?: number;
  /** Bytes of the area each socket read outside a frame goes to. */
  readonly readArea?: number;
  /** Frames over several reads with a shorter body are assembled in memory the decoder reuses. */
  readonly reuseBelow?: number;
  /** Memory of at least `size` bytes, at offset 0 of its own, for a longer one. */
  readonly allocate?: (size: number) => Buffer;
}

/**
 * Splits a byte stream into frames, one at a time, so the reader can stop between two frames
 * (backpressure) and go on later. The socket reads into memory the decoder gives it
 * ({@link readBuffer}, Node's `onread`): a read area reused for every read, or, while a frame
 * larger than what was read is being assembled, the rest of the memory it is assembled in, so
 * it is read in place, never copied. A frame inside one read is returned as a view of the read
 * area, valid until the next read, with its header before it. A frame over several reads whose
 * body is shorter than `reuseBelow` is assembled in a buffer the decoder keeps, also with its
 * header before it, and is valid until the next call to {@link next} ({@link reused}); a longer
 * one gets memory of its own (from `allocate`, at offset 0), which the reader may keep. Fresh
 * memory for every frame of tens of KiB was garbage V8 let pile up by tens of MiB before
 * collecting it.
 */
export class FrameDecoder {
  /** Set by {@link next}: the current frame's type and body, `source[start, end)`. */
  type: Frame = Frame.Data;
  source: Buffer = EMPTY;
  start = 0;
  end = 0;

  private chunk: Buffer = EMPTY;
  private at = 0;
  private readonly readArea: Buffer;
  private readonly header = Buffer.alloc(FRAME_HEADER);
  private headerFill = 0;
  /** The body being assembled: a buffer of its own, or a view of {@link kept}. */
  private assembling: Buffer | undefined;
  private assembled = 0;
  private assemblingType: Frame = Frame.Data;
  /** Where frames shorter than reuseBelow are assembled, header first; grown as needed. */
  private kept: Buffer = EMPTY;
  /** Set by {@link next}: the current frame is in memory the decoder reuses at its next call. */
  reused = false;

  private readonly maxFrame: number;
  private readonly reuseBelow: number;
  private readonly allocate: (size: number) => Buffer;

  constructor({ maxFrame = DEFAULT_MAX_FRAME, readArea = READ_AREA, reuseBelow = 0, allocate = Buffer.allocUnsafeSlow }: DecoderOptions = {}) {
    this.maxFrame = maxFrame;
    this.reuseBelow = reuseBelow;
    this.allocate = allocate;
    this.readArea = Buffer.allocUnsafeSlow(readArea);
  }

  /** Whether bytes already read remain untaken: the socket must not read until they are. */
  get hasInput(): boolean {
    return this.at < this.chunk.length || (this.assembling !== undefined && this.assembled === this.assembling.length);
  }

  /** The current frame's body as a buffer (a view, unless it was assembled). */
  get body(): Buffer {
    return this.start === 0 && this.end === this.source.length ? this.source : this.source.subarray(this.start, this.end);
  }

  /**
   * Where the next read goes: the rest of the frame being assembled, else the read area.
   * Node asks for it right after each read, and reads into it next time however much was taken
   * meanwhile. So the rest of a frame only when no bytes already read are left to take: those
   * may hold the rest (the reader stopped before them, for want of room), and would fill it
   * before that read came. Nor an empty rest (a whole frame not yet taken): an empty buffer
   * fails the read (ENOBUFS). The read area it is then, as the reader takes everything before
   * the socket reads again.
   */
  readBuffer(): Buffer {
    const a = this.assembling;
    return a && !this.hasInput ? a.subarray(this.assembled) : this.readArea;
  }

  /** `n` bytes were read into `buf`, what {@link readBuffer} gave; call only once {@link hasInput} is false. */
  filled(n: number, buf: Uint8Array): void {
    if (this.hasInput) throw new Error("FrameDecoder.filled before the previous read was taken");
    const a = this.assembling;
    if (a && buf.buffer === a.buffer) {
      if (buf.byteOffset !== a.byteOffset + this.assembled) throw new Error("FrameDecoder.filled with memory it did not give for this read");
      this.assembled += n;
      this.chunk = EMPTY;
    } else {
      this.chunk = this.readArea.subarray(0, n);
    }
    this.at = 0;
  }

  /**
   * Moves to the next complete frame (sets type, source, start, end); false when more bytes
   * are needed. The body stays valid until the next call.
   */
  next(): boolean {
    for (;;) {
      const chunk = this.chunk;
      if (this.assembling) {
        const take = Math.min(this.assembling.length - this.assembled, chunk.length - this.at);
        chunk.copy(this.assembling, this.assembled, this.at, this.at + take);
        this.at += take;
        this.assembled += take;
        if (this.assembled < this.assembling.length) return false;
        const a = this.assembling;
        this.type = this.assemblingType;
        this.reused = a.buffer === this.kept.buffer;
        this.source = this.reused ? this.kept : a;
        this.start = this.reused ? FRAME_HEADER : 0;
        this.end = this.start + a.length;
        this.assembling = undefined;
        return true;
      }
      const at = this.at;
      const available = chunk.length - at;
      if (this.headerFill === 0 && available >= FRAME_HEADER) {
        const length = ((chunk[at]! << 24) | (chunk[at + 1]! << 16) | (chunk[at + 2]! << 8) | chunk[at + 3]!) >>> 0;
        const type = chunk[at + 4]!;
        this.check(length, type);
        if (available >= 4 + length) {
          this.type = type;
          this.reused = false;
          this.source = chunk;
          this.start = at + FRAME_HEADER;
          this.end = at + 4 + length;
          this.at = this.end;
          return true;
        }
        this.startAssembling(type, length - 1);
        this.at = at + FRAME_HEADER;
        continue;
      }
      if (available === 0) return false;
      // A header split across chunks.
      const take = Math.min(FRAME_HEADER - this.headerFill, available);
      chunk.copy(this.header, this.headerFill, at, at + take);
      this.headerFill += take;
      this.at = at + take;
      if (this.headerFill < FRAME_HEADER) return false;
      this.headerFill = 0;
      const length = this.header.readUInt32BE(0);
      this.check(length, this.header[4]!);
      this.startAssembling(this.header[4]!, length - 1);
    }
  }

  private check(length: number, type: number): void {
    if (length < 1 || length + 4 > this.maxFrame) throw new FrameError(`frame of ${length + 4} bytes (allowed ${FRAME_HEADER}..${this.maxFrame})`);
    if (type < Frame.Hello || type > LAST_FRAME) throw new FrameError(`unknown frame type ${type}`);
  }

  private startAssembling(type: Frame, bodyLength: number): void {
    this.assemblingType = type;
    this.assembled = 0;
    if (bodyLength >= this.reuseBelow) {
      this.assembling = this.allocate(bodyLength).subarray(0, bodyLength);
      return;
    }
    if (this.kept.length < FRAME_HEADER + bodyLength) this.kept = Buffer.allocUnsafeSlow(2 ** Math.ceil(Math.log2(FRAME_HEADER + bodyLength)));
    writeFrameHeader(this.kept, 0, type, bodyLength);
    this.assembling = this.kept.subarray(FRAME_HEADER, FRAME_HEADER + bodyLength);
  }
}
