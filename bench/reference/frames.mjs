// 4-byte big-endian length prefix framing, as on the wire of perf-reference's raw `net` peers.
export const HEADER = 4;

// Feeds on socket chunks and calls onFrame once per frame: a frame inside one chunk is a view of
// it (no copy), a frame spanning chunks is assembled into its own Buffer (one copy), which is the
// per-message work a real receiver does.
export function frameReader(onFrame) {
  let partial = null; // bytes of a header, or of a header and body, that a chunk cut short
  let body = null;
  let bodyFilled = 0;

  const fillBody = (chunk, off) => {
    const n = Math.min(body.length - bodyFilled, chunk.length - off);
    chunk.copy(body, bodyFilled, off, off + n);
    bodyFilled += n;
    if (bodyFilled === body.length) {
      const frame = body;
      body = null;
      onFrame(frame);
    }
    return off + n;
  };

  return (chunk) => {
    if (partial) {
      chunk = Buffer.concat([partial, chunk]);
      partial = null;
    }
    let off = body ? fillBody(chunk, 0) : 0;
    while (off + HEADER <= chunk.length && !body) {
      const length = chunk.readUInt32BE(off);
      const end = off + HEADER + length;
      if (end <= chunk.length) {
        onFrame(chunk.subarray(off + HEADER, end));
        off = end;
      } else if (length > chunk.length) {
        body = Buffer.allocUnsafe(length);
        bodyFilled = 0;
        off = fillBody(chunk, off + HEADER);
      } else break;
    }
    if (off < chunk.length) partial = chunk.subarray(off);
  };
}

export function u32(n) {
  const b = Buffer.allocUnsafe(HEADER);
  b.writeUInt32BE(n, 0);
  return b;
}
