// The fast path: strings, numbers, booleans, null/undefined, serializable closures, typed
// arrays (and DataView, Buffer), and small plain arrays and objects of those, in a compact
// tagged format. v8.serialize manages ~0.65 M small objects/s, too slow for the channel target;
// this format is several times faster.
// Anything else (or anything too big or too shared) makes the fast path give up, and the
// whole value goes through v8.serialize instead.

import { closureData, isClosure, reviveClosure, type ClosureKind } from "../closure.js";
import { CodecError } from "./error.js";
import type { Reader, ViewClass } from "./reader.js";
import { Tag } from "./tags.js";
import type { Writer } from "./writer.js";

/** Beyond this many arrays/objects, identity tracking gets costly: v8 handles it better. */
const MAX_CONTAINERS = 64;
const MAX_DEPTH = 32;
const KINDS: readonly ClosureKind[] = ["FnOnce", "FnMut", "Fn"];
/** The views the fast path carries, by their index in an encoding. Subclasses take the v8 path. */
const VIEWS: readonly ViewClass[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  DataView,
  BigInt64Array,
  BigUint64Array,
  Buffer,
];

/**
 * Appends `value` to `w`; false if the fast path cannot carry it (then `w` holds garbage past
 * its starting position). `seen` holds the containers written so far: structured clone keeps
 * shared references and cycles, which this format cannot express, so it gives up on them.
 */
export function writeFast(w: Writer, value: unknown, seen: object[], depth: number): boolean {
  switch (typeof value) {
    case "string":
      w.u8(Tag.String);
      w.str(value);
      return true;
    case "number":
      if ((value | 0) === value && !Object.is(value, -0)) {
        w.u8(Tag.Int32);
        w.i32(value);
      } else {
        w.u8(Tag.Float64);
        w.f64(value);
      }
      return true;
    case "boolean":
      w.u8(value ? Tag.True : Tag.False);
      return true;
    case "undefined":
      w.u8(Tag.Undefined);
      return true;
    case "function":
      if (!isClosure(value)) return false;
      {
        const data = closureData(value);
        w.u8(Tag.Closure);
        w.str(data.id);
        w.u8(KINDS.indexOf(data.kind));
        w.bytes(data.env);
      }
      return true;
    case "object":
      if (value === null) {
        w.u8(Tag.Null);
        return true;
      }
      if (depth >= MAX_DEPTH || seen.length >= MAX_CONTAINERS || seen.includes(value)) return false;
      seen.push(value);
      if (ArrayBuffer.isView(value)) return writeView(w, value);
      return Array.isArray(value) ? writeArray(w, value, seen, depth) : writeObject(w, value, seen, depth);
    default:
      return false;
  }
}

/** Its bytes as they are, at a multiple of 8 from the value's start: decoded in place, aligned. */
function writeView(w: Writer, v: ArrayBufferView): boolean {
  const kind = VIEWS.indexOf(v.constructor as ViewClass);
  if (kind < 0) return false;
  w.u8(Tag.View);
  w.u8(kind);
  w.u32(v.byteLength);
  w.align8();
  w.raw(v);
  return true;
}

function writeArray(w: Writer, a: unknown[], seen: object[], depth: number): boolean {
  if (Object.getPrototypeOf(a) !== Array.prototype) return false;
  const n = a.length;
  w.u8(Tag.Array);
  w.u32(n);
  for (let i = 0; i < n; i++) {
    const item = a[i];
    if (item === undefined && !(i in a)) return false; // a hole: v8 keeps it a hole
    if (!writeFast(w, item, seen, depth + 1)) return false;
  }
  // Named properties of an array (structured clone keeps them) are dropped: finding them
  // would cost a key list per array, and messages do not carry such arrays.
  return true;
}

function writeObject(w: Writer, o: object, seen: object[], depth: number): boolean {
  const proto = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(o);
  w.u8(Tag.Object);
  w.u32(keys.length);
  for (const key of keys) {
    w.str(key);
    if (!writeFast(w, (o as Record<string, unknown>)[key], seen, depth + 1)) return false;
  }
  return true;
}

/** Reads one fast-path value. */
export function readFast(r: Reader, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new CodecError("value nested too deeply");
  const tag = r.u8();
  switch (tag) {
    case Tag.Undefined:
      return undefined;
    case Tag.Null:
      return null;
    case Tag.True:
      return true;
    case Tag.False:
      return false;
    case Tag.Int32:
      return r.i32();
    case Tag.Float64:
      return r.f64();
    case Tag.String:
      return r.str();
    case Tag.Array: {
      const n = r.u32();
      if (n > r.end - r.pos) throw new CodecError(`array of ${n} items in ${r.end - r.pos} bytes`);
      const a = new Array(n);
      for (let i = 0; i < n; i++) a[i] = readFast(r, depth + 1);
      return a;
    }
    case Tag.Object: {
      const n = r.u32();
      const o: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const key = r.str();
        const item = readFast(r, depth + 1);
        if (key === "__proto__") Object.defineProperty(o, key, { value: item, enumerable: true, writable: true, configurable: true });
        else o[key] = item;
      }
      return o;
    }
    case Tag.View: {
      const Ctor = VIEWS[r.u8()];
      if (Ctor === undefined) throw new CodecError("view of unknown kind");
      const n = r.u32();
      r.align8();
      return r.viewOf(Ctor, r.need(n), n);
    }
    case Tag.Closure: {
      const id = r.str();
      const kind = KINDS[r.u8()];
      if (kind === undefined) throw new CodecError("closure of unknown kind");
      return reviveClosure({ id, kind, env: r.bytes() });
    }
    default:
      throw new CodecError(`unknown value tag 0x${tag.toString(16)}`);
  }
}
