// Node's own UTF-8 bindings, which Buffer#write and Buffer#toString reach through an encoding
// lookup and a bounds-checking wrapper: called directly they cost ~100 ns less per string,
// a good part of a small message's cost. Every Node since 0.x has them; @types/node omits them.
// Taken once from the prototype and called on the buffer, rather than looked up on each buffer
// (buffers over shared and over plain memory made that lookup a generic one).

interface Utf8Bindings {
  utf8Write(this: Buffer, s: string, offset: number): number;
  utf8Slice(this: Buffer, start: number, end: number): string;
}

const { utf8Write, utf8Slice } = Buffer.prototype as unknown as Utf8Bindings;

/** Writes `s` as UTF-8 at `buf[offset]` (the caller made room: 3 bytes per UTF-16 unit); returns the bytes written. */
export function writeUtf8(buf: Buffer, s: string, offset: number): number {
  return utf8Write.call(buf, s, offset);
}

/** Decodes `buf[start, end)` as UTF-8 (malformed sequences become U+FFFD, as Buffer#toString does). */
export function readUtf8(buf: Buffer, start: number, end: number): string {
  return utf8Slice.call(buf, start, end);
}
