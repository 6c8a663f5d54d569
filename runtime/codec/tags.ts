// The first byte of every encoding says how to read the rest.

/** Fast-path tags (values below 0xF0). */
export enum Tag {
  Undefined = 1,
  Null,
  True,
  False,
  Int32,
  Float64,
  String,
  Array,
  Object,
  Closure,
  /** A typed array, DataView or Buffer: u8 kind, u32 byte length, zeros to a multiple of 8 from the value's start, the bytes. */
  View,
}

/**
 * Padding before a value, skipped by the decoder: the I/O thread puts up to 7 of these before a
 * message it copies out of shared memory, so that the copy is aligned (io/peer.ts).
 */
export const PAD = 0x00;

/** `v8.serialize` output of a value holding serializable closures, replaced by markers. */
export const TAG_V8_CLOSURES = 0xfe;
/** `v8.serialize` output starts with its own version tag, 0xFF: it is used as is. */
export const TAG_V8 = 0xff;
