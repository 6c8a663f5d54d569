// Frames of the fabric control protocol (docs/design.md section 4):
// u32 BE length of the rest | u32 BE length of the JSON header | JSON header | binary payload.

/** A control message header: `t` names its type. */
export interface ControlHeader {
  readonly t: string;
  readonly [key: string]: unknown;
}

/** One decoded control frame. */
export interface ControlFrame {
  readonly header: ControlHeader;
  readonly payload: Buffer;
}

/** A malformed or oversized control frame; the connection that sent it must be closed. */
export class ControlFrameError extends Error {
  override name = "ControlFrameError";
}

/** Control frames are small but a spawn argument may be large; this bounds one frame. */
export const MAX_CONTROL_FRAME = 1024 * 1024 * 1024;

/** Encodes one control frame. */
export function encodeControl(header: ControlHeader, payload?: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const bodyLength = 4 + json.length + (payload?.length ?? 0);
  const frame = Buffer.allocUnsafe(4 + bodyLength);
  frame.writeUInt32BE(bodyLength, 0);
  frame.writeUInt32BE(json.length, 4);
  json.copy(frame, 8);
  if (payload) frame.set(payload, 8 + json.length);
  return frame;
}

/** Splits a byte stream into control frames. */
export class ControlDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxFrame = MAX_CONTROL_FRAME) {}

  /** Adds bytes read from the connection; returns the frames now complete, in order. */
  push(chunk: Buffer): ControlFrame[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: ControlFrame[] = [];
    for (;;) {
      if (this.pendingBytes < 4) break;
      const head = this.peek(4);
      const bodyLength = head.readUInt32BE(0);
      if (bodyLength < 4 || bodyLength > this.maxFrame) {
        throw new ControlFrameError(`control frame of ${bodyLength} bytes (allowed 4..${this.maxFrame})`);
      }
      if (this.pendingBytes < 4 + bodyLength) break;
      const frame = this.take(4 + bodyLength);
      frames.push(decodeBody(frame.subarray(4)));
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if (this.pending[0]!.length < n) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return all.subarray(0, n);
  }
}

function decodeBody(body: Buffer): ControlFrame {
  const jsonLength = body.readUInt32BE(0);
  if (jsonLength > body.length - 4) {
    throw new ControlFrameError(`control frame header of ${jsonLength} bytes overruns its ${body.length}-byte frame`);
  }
  let header: unknown;
  try {
    header = JSON.parse(body.subarray(4, 4 + jsonLength).toString("utf8"));
  } catch (e) {
    throw new ControlFrameError(`control frame header is not JSON: ${(e as Error).message}`);
  }
  if (typeof header !== "object" || header === null || typeof (header as { t?: unknown }).t !== "string") {
    throw new ControlFrameError("control frame header has no string field `t`");
  }
  return { header: header as ControlHeader, payload: body.subarray(4 + jsonLength) };
}
