import { describe, expect, test } from "vitest";
import { closure, register } from "../../runtime/closure.js";
import { CODEC_VERSION, CodecError, decode, decodeBorrowed, decodeOwned, encode, encodeBorrowed, encodeInto } from "../../runtime/codec/index.js";
import { SchemaError } from "../../runtime/errors.js";
import { makePid } from "../../runtime/pid.js";

const roundTrip = <T>(v: T): T => decode(encode(v)) as T;

describe("codec round trips", () => {
  test.each([
    ["empty string", ""],
    ["ascii", "hello"],
    ["unicode", "héllo wörld — ✓ 😀"],
    ["long string", "x".repeat(100_000)],
    ["ascii the writer copies itself", "x".repeat(15)],
    ["ascii the binding writes", "x".repeat(16)],
    ["latin-1, not ascii", "\x7f\x80\xff".repeat(8)],
    ["non-ascii keys", { ключ: "é", plain: "ascii", "✓": ["x".repeat(40), "y".repeat(40) + "ü"] }],
    ["int", 42],
    ["negative int", -7],
    ["int32 bounds", 2147483647],
    ["double", 1.5],
    ["large", 2 ** 53],
    ["infinity", -Infinity],
    ["true", true],
    ["false", false],
    ["null", null],
    ["undefined", undefined],
    ["bigint", 12345678901234567890n],
    ["array", [1, "two", [3, null], { four: 4 }]],
    ["object", { a: 1, b: "x", nested: { list: [true, false], none: null, gone: undefined } }],
    ["empty containers", { a: [], o: {} }],
    ["date", new Date(1_700_000_000_000)],
    ["regexp", /a+b/gi],
    ["map", new Map<unknown, unknown>([["k", 1], [2, { v: [3] }]])],
    ["set", new Set([1, "a", 2n])],
    ["arraybuffer", new Uint8Array([1, 2, 3]).buffer],
    ["uint8array", new Uint8Array([0, 255, 7])],
    ["float64array", new Float64Array([1.5, -0, NaN])],
    ["int32array", new Int32Array([-1, 2 ** 31 - 1])],
    ["dataview", new DataView(new Uint8Array([9, 8]).buffer)],
    ["mixed", { when: new Date(0), tags: new Set(["x"]), n: 1 }],
  ])("%s", (_, value) => {
    expect(roundTrip(value)).toEqual(value);
  });

  test("-0 and NaN keep their identity", () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(Number.isNaN(roundTrip(NaN))).toBe(true);
    expect(Object.is((roundTrip([-0]) as number[])[0], -0)).toBe(true);
  });

  test("errors keep their class and message", () => {
    const e = roundTrip(new RangeError("out of range"));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("out of range");
  });

  test("holes, shared references and cycles are kept (structured clone)", () => {
    // eslint-disable-next-line no-sparse-arrays
    const holes = roundTrip([1, , 3]);
    expect(1 in holes).toBe(false);
    const o = { x: 1 };
    const shared = roundTrip([o, o]);
    expect(shared[0]).toBe(shared[1]);
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const back = roundTrip(cyclic);
    expect(back.self).toBe(back);
  });

  test("an own __proto__ key stays a plain property", () => {
    const o = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const back = roundTrip(o) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(["__proto__", "a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("pids are strings", () => {
    const pid = makePid("127.0.0.1", 4000);
    expect(roundTrip({ pid })).toEqual({ pid });
  });

  test("a large Uint8Array decodes as a view of the bytes received (no copy)", () => {
    const big = new Uint8Array(8 << 20).fill(7);
    const bytes = encode(big);
    const back = decode(bytes) as Uint8Array;
    expect(back.length).toBe(big.length);
    expect(back.buffer).toBe(bytes.buffer);
  });

  test("views keep their class, elements and bytes, alone, nested and at any offset", () => {
    const floats = new Float64Array([1.5, -2, NaN, 4]).subarray(1);
    const value = { floats, buf: Buffer.from("héllo"), big: new BigInt64Array([-1n, 2n ** 62n]), dv: new DataView(new Uint8Array([1, 2, 3]).buffer, 1), bytes: new Uint8ClampedArray([0, 255]) };
    const back = roundTrip(value);
    expect(back).toEqual(value);
    expect(back.buf).toBeInstanceOf(Buffer);
    expect(back.dv).toBeInstanceOf(DataView);
    expect(back.floats.length).toBe(3);
    // The bytes sit at a multiple of 8 from the value's start: a view of them is aligned.
    const bytes = encode(value);
    expect((decode(bytes) as typeof value).floats.buffer).toBe(bytes.buffer);
  });

  test("a view whose bytes are not aligned for its elements is copied, and a ragged one refused", () => {
    const bytes = encode(new Float64Array([1, 2]));
    const shifted = new Uint8Array(bytes.length + 3).subarray(3);
    shifted.set(bytes);
    const back = decode(shifted) as Float64Array;
    expect([...back]).toEqual([1, 2]);
    expect(back.buffer).not.toBe(shifted.buffer);
    const ragged = Buffer.from(bytes);
    ragged.writeUInt32LE(12, 2); // 12 bytes of float64s
    expect(() => decode(ragged.subarray(0, 8 + 12))).toThrow(/not a whole number of elements/);
  });

  test("a subclass of a typed array takes the v8 path, as before", () => {
    class Samples extends Float32Array {}
    expect(encode(new Samples([1, 2]))[0]).toBe(0xff);
  });

  test("decodeOwned says whether the value keeps the bytes (views of them), so that they may be reused if not", () => {
    const keeps = (v: unknown): boolean => decodeOwned(encode(v)).keepsBytes;
    expect(keeps("x".repeat(300_000))).toBe(false);
    expect(keeps({ list: [1, 2, 3], text: "é", bytes: new Uint8Array([1, 2]).subarray(1) })).toBe(true);
    expect(keeps([{ a: 1.5, b: [null, true, -1] }, "b", 7])).toBe(false);
    expect(keeps({ at: [new Float64Array([1.5])] })).toBe(true);
    // Unaligned, the view is copied: the bytes are free again.
    const bytes = encode(new Float64Array([1, 2]));
    const shifted = new Uint8Array(bytes.length + 3).subarray(3);
    shifted.set(bytes);
    expect(decodeOwned(shifted).keepsBytes).toBe(false);
    // What takes the v8 path may be views: kept.
    expect(keeps([new Map([[1, "a"]]), new Date(0)])).toBe(true);
    expect(decodeOwned(encode("after")).keepsBytes).toBe(false); // reset for each decode
  });

  test("a value too large for the scratch buffer is encoded into memory of its own, exactly its size", () => {
    const big = "é".repeat(2_500_000); // 5 MB of UTF-8
    const e = encodeBorrowed(big);
    expect(e.owned).toBe(true);
    expect(e.bytes.length).toBeLessThan(e.length + 64); // not 3 bytes per character
    expect(decode(e.bytes.subarray(0, e.length))).toBe(big);
    const small = encodeBorrowed("small");
    expect(small.owned).toBe(false);
    expect(small.bytes.length).toBeLessThanOrEqual(4 << 20); // the scratch buffer did not grow for it
    expect(decode(encode({ list: new Array(100_000).fill("abcdefghij") }))).toEqual({ list: new Array(100_000).fill("abcdefghij") });
  });

  test("decodeBorrowed copies out what a view would keep", () => {
    const bytes = Buffer.from(encode(new Uint8Array([1, 2, 3])));
    const back = decodeBorrowed(bytes, 0, bytes.length) as Uint8Array;
    bytes.fill(0);
    expect([...back]).toEqual([1, 2, 3]);
  });

  test("functions that are not serializable closures are refused with a clear error", () => {
    expect(() => encode({ f: () => 1 })).toThrow(CodecError);
    expect(() => encode({ f: () => 1 })).toThrow(/FnOnce/);
    expect(() => encode(Symbol("s"))).toThrow(CodecError);
  });

  test("a value nested deeper than V8's serializer goes is refused with a CodecError, as structuredClone refuses it", () => {
    let deep: unknown = { leaf: true };
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    expect(() => structuredClone(deep)).toThrow(RangeError);
    expect(() => encode(deep)).toThrow(CodecError);
    expect(() => encode([deep])).toThrow(/cannot send this value: it is nested too deeply/);
  });

  test("the version is exported for the handshake", () => {
    expect(CODEC_VERSION).toBeGreaterThan(0);
  });
});

describe("encoding in place (into a ring's free space)", () => {
  const shared = Buffer.from(new SharedArrayBuffer(256));
  const view = new DataView(shared.buffer);

  test("writes the same bytes as encode, within the region, and nothing outside it", () => {
    shared.fill(0xaa);
    const value = { id: 7, name: "héllo", list: [1.5, "x".repeat(20), null] };
    const end = encodeInto(value, shared, view, 16, 200);
    expect(end).toBe(16 + encode(value).length);
    expect(shared.subarray(16, end)).toEqual(Buffer.from(encode(value)));
    expect(shared.subarray(0, 16).every((b) => b === 0xaa) && shared.subarray(end).every((b) => b === 0xaa)).toBe(true);
    expect(decodeBorrowed(shared, 16, end)).toEqual(value);
  });

  test("declines a value that does not fit the region, or that needs v8.serialize, and the scratch path still works", () => {
    expect(encodeInto("x".repeat(100), shared, view, 0, 64)).toBe(-1);
    expect(encodeInto(new Map([[1, 2]]), shared, view, 0, 256)).toBe(-1);
    expect(roundTrip({ after: "a decline" })).toEqual({ after: "a decline" });
    expect(encodeInto("fits", shared, view, 0, 64)).toBe(1 + 4 + 4);
  });
});

test("padding before a value is skipped (the I/O thread aligns copies with it), and padding alone is refused", () => {
  for (const value of ["x".repeat(70), { a: [1, 2] }, new Map([[1, 2]])]) {
    expect(decode(Buffer.concat([Buffer.alloc(7), encode(value)]))).toEqual(value);
  }
  expect(() => decode(Buffer.alloc(3))).toThrow(CodecError);
});

describe("closures", () => {
  const validateEnv = Object.assign(
    (env: unknown) => {
      const ok = typeof (env as { n?: unknown }).n === "number";
      validateEnv.errors = ok ? null : [{ instancePath: "/n", keyword: "type", message: "must be number" }];
      return ok;
    },
    { errors: null as { instancePath: string; keyword: string; message?: string }[] | null },
  );
  register("test/codec#1", ({ n }: { n: number }) => (x: number) => x + n, validateEnv);

  test("a closure round trips at top level, nested in the fast path and in the v8 path", () => {
    const add = closure("test/codec#1", "Fn", { n: 10 }) as unknown as (x: number) => number;
    expect((roundTrip(add) as typeof add)(1)).toBe(11);
    expect((roundTrip({ f: add, xs: [add] }) as { f: typeof add; xs: (typeof add)[] }).xs[0]!(2)).toBe(12);
    const v8path = roundTrip({ f: add, when: new Date(0), m: new Map([["g", add]]) }) as { f: typeof add; m: Map<string, typeof add> };
    expect(v8path.f(3)).toBe(13);
    expect(v8path.m.get("g")!(4)).toBe(14);
  });

  test("decodeOwned counts what the v8 path keeps, also when reviving closures decodes their captures after it", () => {
    const add = closure("test/codec#1", "Fn", { n: 10 }) as unknown as (x: number) => number;
    const { value, keepsBytes } = decodeOwned(encode({ f: add, when: new Date(0), samples: new Float64Array(1024) }));
    expect(keepsBytes).toBe(true);
    expect((value as { f: typeof add }).f(1)).toBe(11);
  });

  test("a closure whose captures do not match their types is a SchemaError", () => {
    const bad = closure("test/codec#1", "Fn", { n: "ten" as unknown as number });
    expect(() => roundTrip(bad)).toThrow(SchemaError);
  });
});

describe("malformed input", () => {
  test.each([
    ["empty", []],
    ["unknown tag", [0x42]],
    ["truncated int", [5, 1, 2]],
    ["truncated string", [7, 10, 0, 0, 0, 0x61]],
    ["array longer than its bytes", [8, 0xff, 0xff, 0xff, 0x7f]],
    ["stray bytes", [1, 1]],
    ["bad closure kind", [10, 3, 0, 0, 0, 0x61, 9, 0, 0, 0, 0]],
    ["bad v8", [0xff, 0x0f, 0x99]],
  ])("%s throws", (_, bytes) => {
    expect(() => decode(new Uint8Array(bytes))).toThrow();
  });

  test("bytes over 0x7F marked as ascii decode as Latin-1, a valid string", () => {
    expect(decode(new Uint8Array([7, 5, 0, 0, 0, 0xc3, 0xa9]))).toBe("\xc3\xa9");
  });

  test("a deep nesting bomb is refused, not a stack overflow", () => {
    const bytes = new Uint8Array(10_000 * 5 + 1);
    for (let i = 0; i < 10_000; i++) bytes.set([8, 1, 0, 0, 0], i * 5);
    bytes[bytes.length - 1] = 2;
    expect(() => decode(bytes)).toThrow(CodecError);
  });
});
