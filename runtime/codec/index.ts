// Values on the wire (docs/design.md §2): everything structured clone carries, plus pids
// (strings) and serializable closures. Small common values take a compact fast path; the rest
// goes through v8.serialize, used as is (its output starts with 0xFF, a tag of its own).

import { deserialize, serialize } from "node:v8";
import { holdsClosure, replaceClosures, reviveClosures } from "./closures.js";
import { CodecError } from "./error.js";
import { readFast, writeFast } from "./fast.js";
import { Reader } from "./reader.js";
import { PAD, TAG_V8, TAG_V8_CLOSURES } from "./tags.js";
import { OVERFLOW, Writer } from "./writer.js";

export { CodecError } from "./error.js";

/**
 * The version of this encoding. Peers compare it (with `process.versions.node` and `.v8`,
 * since v8.serialize's format follows them) in their handshake and refuse to talk on a
 * mismatch.
 */
export const CODEC_VERSION = 3;

/**
 * The most the scratch buffer grows to. Grown for one large value (a string of 20 M characters
 * takes 60 MB), it stayed so, with every page that value wrote resident for the life of the
 * process; a larger encoding gets memory of its own, which travels with the message (no copy).
 * Not less: values of a few MiB are common, and memory made afresh for each was garbage (a
 * sender of 1 MB strings under Resources.default() peaked 11 MiB higher with 1 MiB).
 */
const SCRATCH_MOST = 4 << 20;
const scratch = new Writer(undefined, undefined, SCRATCH_MOST);

/** From this size on, a view sent alone is encoded into a buffer of its own. */
const EXACT_VIEW = 64 << 10;
/** Tag, kind, u32 length, zeros to 8. */
const VIEW_HEADER = 8;

/** An encoding: `bytes[0, length)`. Unless `owned`, it is the codec's scratch buffer. */
export interface Encoded {
  bytes: Uint8Array;
  length: number;
  owned: boolean;
}

const borrowed: Encoded = { bytes: scratch.buf, length: 0, owned: false };

/**
 * Encodes `value` without copying: the result (the same object every time) is valid only
 * until the next encoding. The channel layer copies it into a ring right away.
 *
 * @param buffer where a large view's encoding goes (a buffer of at least the size asked, owned
 *   by the result); by default a new one.
 */
export function encodeBorrowed(value: unknown, buffer?: (size: number) => Buffer): Encoded {
  // A large view gets a buffer of its exact size: the scratch buffer would grow to it, and the
  // encoding be copied once more to travel (a large message is transferred, not copied).
  const exact = ArrayBuffer.isView(value) && value.byteLength >= EXACT_VIEW;
  const w = scratch.busy || exact ? exactWriter(exact ? VIEW_HEADER + value.byteLength : undefined, buffer) : scratch;
  w.busy = true;
  try {
    w.pos = w.origin = 0;
    if (writeFast(w, value, [], 0)) {
      if (w === scratch) {
        borrowed.bytes = w.buf;
        borrowed.length = w.pos;
        borrowed.owned = false;
        return borrowed;
      }
      return { bytes: w.buf, length: w.pos, owned: true };
    }
  } catch (e) {
    if (e !== OVERFLOW || w !== scratch) throw e;
    // Too large for the scratch buffer: into memory of its own, which travels with it.
    const alone = new Writer();
    if (writeFast(alone, value, [], 0)) return { bytes: alone.buf, length: alone.pos, owned: true };
  } finally {
    w.busy = false;
  }
  const bytes = encodeV8(value);
  return { bytes, length: bytes.length, owned: true };
}

function exactWriter(size: number | undefined, buffer: ((size: number) => Buffer) | undefined): Writer {
  if (size === undefined || !buffer) return new Writer(size);
  const buf = buffer(size);
  const w = new Writer(0, { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength) });
  w.region(0, buf.length);
  return w;
}

/**
 * Encodes `value` straight into `buf[at, limit)` (`view` over the same memory), sparing the
 * copy out of the scratch buffer. Returns where the encoding ends, or -1 when it does not fit
 * there or is not a fast-path value: the caller then takes {@link encodeBorrowed}'s way.
 */
export function encodeInto(value: unknown, buf: Buffer, view: DataView, at: number, limit: number): number {
  const w = over?.buf === buf ? over : (over = new Writer(0, { buf, view }));
  if (w.busy) return -1;
  w.busy = true;
  w.region(at, limit);
  try {
    return writeFast(w, value, [], 0) ? w.pos : -1;
  } catch (e) {
    if (e === OVERFLOW) return -1;
    throw e;
  } finally {
    w.busy = false;
  }
}

/** The writer {@link encodeInto} keeps over the memory it was last given (a ring's). */
let over: Writer | undefined;

/**
 * Encodes a value for another process.
 *
 * @example
 * ```ts
 * const bytes = encode({ id: 1, tags: new Set(["a"]) });
 * decode(bytes); // { id: 1, tags: Set { "a" } }
 * ```
 */
export function encode(value: unknown): Uint8Array {
  const e = encodeBorrowed(value);
  return e.owned ? e.bytes.subarray(0, e.length) : copyBytes(e.bytes, e.length);
}

/**
 * A copy of `bytes[0, length)` in an ArrayBuffer of its own (transferable). Not `.slice()`:
 * on a Buffer that is a view, not a copy.
 */
export function copyBytes(bytes: Uint8Array, length = bytes.length): Uint8Array {
  const copy = new Uint8Array(length);
  copy.set(length === bytes.length ? bytes : bytes.subarray(0, length));
  return copy;
}

function encodeV8(value: unknown): Uint8Array {
  try {
    return serialize(value);
  } catch (e) {
    // Too deep for V8's serializer is too deep for the walk that looks for closures too.
    if (tooDeep(e) || !holdsClosure(value)) throw cannotEncode(e);
  }
  let body: Buffer;
  try {
    body = serialize(replaceClosures(value));
  } catch (e) {
    throw cannotEncode(e);
  }
  const out = Buffer.allocUnsafeSlow(1 + body.length);
  out[0] = TAG_V8_CLOSURES;
  body.copy(out, 1);
  return out;
}

function tooDeep(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes("call stack");
}

function cannotEncode(e: unknown): CodecError {
  const why = tooDeep(e) ? `it is nested too deeply (${(e as Error).message})` : e instanceof Error ? e.message : String(e);
  return new CodecError(
    `cannot send this value: ${why} (a channel carries what structured clone does, plus pids and FnOnce/FnMut/Fn closures)`,
  );
}

/**
 * Decodes bytes made by {@link encode}. The result may share memory with `bytes` (a large
 * typed array is returned as a view), so the caller must own them.
 */
export function decode(bytes: Uint8Array): unknown {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return decodeRange(buf, 0, buf.length, false);
}

/**
 * Decodes bytes made by {@link encode} in memory of their own, and says whether the value keeps
 * any of it (a large typed array comes as a view of it): if it does not, the memory may be reused.
 */
export function decodeOwned(bytes: Uint8Array): { readonly value: unknown; readonly keepsBytes: boolean } {
  const value = decode(bytes);
  return { value, keepsBytes: lastKeptBytes };
}

/**
 * Decodes `buf[start, end)`, memory the caller will reuse (a ring): whatever would keep a view
 * of it is copied out first.
 */
export function decodeBorrowed(buf: Buffer, start: number, end: number): unknown {
  return decodeRange(buf, start, end, true);
}

// Decoding a closure decodes its captures from inside readFast: a nested decode must not
// reset the reader of the outer one, hence a reader per buffer, reused only for the same one.
let reader = new Reader(Buffer.alloc(0));
/** Whether the value the last decodeRange returned holds views of its bytes. */
let lastKeptBytes = false;

function decodeRange(buf: Buffer, from: number, end: number, borrowed: boolean): unknown {
  let start = from;
  while (start < end && buf[start] === PAD) start++;
  if (end <= start) throw new CodecError("empty encoding");
  const tag = buf[start]!;
  if (tag === TAG_V8 || tag === TAG_V8_CLOSURES) {
    const from = tag === TAG_V8 ? start : start + 1;
    const body = borrowed ? new Uint8Array(buf.subarray(from, end)) : buf.subarray(from, end);
    let value: unknown;
    try {
      value = deserialize(body);
    } catch (e) {
      throw new CodecError(`malformed v8 encoding: ${(e as Error).message}`);
    }
    const revived = tag === TAG_V8 ? value : reviveClosures(value);
    // Set last: reviving closures decodes their captures, which sets it too.
    lastKeptBytes = !borrowed; // its typed arrays may be views of the body
    return revived;
  }
  const r = reader.buf === buf ? reader : (reader = new Reader(buf));
  r.pos = r.origin = start;
  r.end = end;
  r.borrowed = borrowed;
  r.viewed = false;
  const value = readFast(r);
  if (r.pos !== end) throw new CodecError(`${end - r.pos} stray bytes after the value`);
  lastKeptBytes = r.viewed; // last, as above: readFast may revive closures
  return value;
}
