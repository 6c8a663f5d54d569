// v8.serialize refuses functions, so a serializable closure nested in a value that needs the v8
// path is swapped for a marker before, and swapped back after. The walk copies only what it
// must (containers on the way to a closure) and keeps shared references and cycles intact.

import { CodecError } from "./error.js";
import { closureData, isClosure, reviveClosure, type ClosureData } from "../closure.js";

const MARK = "\u0000constellation.closure";

type Marker = { [MARK]: ClosureData };

function isMarker(v: object): v is Marker {
  return MARK in v && Object.getPrototypeOf(v) === Object.prototype;
}

/** Whether `value` holds a serializable closure anywhere v8 would look. */
export function holdsClosure(value: unknown, seen = new Set<object>()): boolean {
  if (isClosure(value)) return true;
  if (typeof value !== "object" || value === null || seen.has(value)) return false;
  seen.add(value);
  if (value instanceof Map) {
    for (const [k, v] of value) if (holdsClosure(k, seen) || holdsClosure(v, seen)) return true;
    return false;
  }
  if (value instanceof Set) {
    for (const v of value) if (holdsClosure(v, seen)) return true;
    return false;
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  for (const key of Object.keys(value)) if (holdsClosure((value as Record<string, unknown>)[key], seen)) return true;
  return false;
}

/** A copy of `value` in which every serializable closure is a marker v8 can carry. */
export function replaceClosures(value: unknown, copies = new Map<object, unknown>()): unknown {
  if (isClosure(value)) return { [MARK]: closureData(value) } satisfies Marker;
  if (typeof value !== "object" || value === null) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (value instanceof Map) {
    const copy = new Map();
    copies.set(value, copy);
    for (const [k, v] of value) copy.set(replaceClosures(k, copies), replaceClosures(v, copies));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    copies.set(value, copy);
    for (const v of value) copy.add(replaceClosures(v, copies));
    return copy;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    copies.set(value, copy);
    for (const key of Object.keys(value)) (copy as unknown as Record<string, unknown>)[key] = replaceClosures((value as unknown as Record<string, unknown>)[key], copies);
    return copy;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Date, RegExp, Error, buffers: v8's own
  const copy: Record<string, unknown> = {};
  copies.set(value, copy);
  for (const key of Object.keys(value)) copy[key] = replaceClosures((value as Record<string, unknown>)[key], copies);
  return copy;
}

function checkData(data: unknown): ClosureData {
  const d = data as Partial<ClosureData> | null;
  if (typeof d?.id !== "string" || !["FnOnce", "FnMut", "Fn"].includes(d.kind as string) || !(d.env instanceof Uint8Array)) {
    throw new CodecError("malformed closure in a value");
  }
  return d as ClosureData;
}

/** Turns the markers in a decoded value back into closures, in place. */
export function reviveClosures(value: unknown, seen = new Set<object>()): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (isMarker(value)) return reviveClosure(checkData(value[MARK]));
  if (seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Map) {
    const entries = [...value];
    value.clear();
    for (const [k, v] of entries) value.set(reviveClosures(k, seen), reviveClosures(v, seen));
  } else if (value instanceof Set) {
    const items = [...value];
    value.clear();
    for (const v of items) value.add(reviveClosures(v, seen));
  } else if (!ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
    const o = value as Record<string, unknown>;
    for (const key of Object.keys(o)) o[key] = reviveClosures(o[key], seen);
  }
  return value;
}
