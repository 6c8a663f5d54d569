// Node's own string bindings, which Buffer#write and Buffer#toString reach through an encoding
// lookup and a bounds-checking wrapper: called directly they cost ~100 ns less per string,
// a good part of a small message's cost. Every Node since 0.x has them; @types/node omits them.
// Taken once from the prototype and called on the buffer, rather than looked up on each buffer
// (buffers over shared and over plain memory made that lookup a generic one).

interface StringBindings {
  utf8Write(this: Buffer, s: string, offset: number): number;
  utf8Slice(this: Buffer, start: number, end: number): string;
  latin1Slice(this: Buffer, start: number, end: number): string;
}

const { utf8Write, utf8Slice, latin1Slice } = Buffer.prototype as unknown as StringBindings;

/** Writes `s` as UTF-8 at `buf[offset]` (the caller made room: 3 bytes per UTF-16 unit); returns the bytes written. */
export function writeUtf8(buf: Buffer, s: string, offset: number): number {
  return utf8Write.call(buf, s, offset);
}

/** Decodes `buf[start, end)` as UTF-8 (malformed sequences become U+FFFD, as Buffer#toString does). */
export function readUtf8(buf: Buffer, start: number, end: number): string {
  return utf8Slice.call(buf, start, end);
}

/**
 * Decodes `buf[start, end)`, bytes the sender wrote as ASCII, as one byte a character. The same
 * string as UTF-8 would give, at half the cost of utf8Slice for 64 characters (74 against
 * 137 ns here): no decoding, a copy into a one-byte string. Bytes over 0x7F (a peer that lied)
 * become the Latin-1 characters, still a valid string.
 */
export function readAscii(buf: Buffer, start: number, end: number): string {
  return latin1Slice.call(buf, start, end);
}
