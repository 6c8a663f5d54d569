import { describe, expect, it } from "vitest";
import { copyWords, wordsOf } from "../../runtime/io/words.js";

describe("copyWords", () => {
  it("copies exactly the bytes asked for, whatever their alignment and length, out of shared memory", () => {
    const shared = new SharedArrayBuffer(1024);
    new Uint8Array(shared).forEach((_, i, a) => (a[i] = (i * 7 + 3) & 255));
    const src = wordsOf(shared);
    for (const length of [0, 1, 3, 4, 5, 8, 13, 64, 77, 255, 256, 300]) {
      for (let from = 0; from < 8; from++) {
        for (const to of [from, from + 4, from + 9, from + 130]) {
          const dst = wordsOf(new ArrayBuffer(1024));
          dst.bytes.fill(0xee);
          copyWords(src, from + 100, dst, to, length);
          const expected = new Uint8Array(1024).fill(0xee);
          expected.set(src.bytes.subarray(from + 100, from + 100 + length), to);
          expect(Buffer.from(dst.bytes).equals(Buffer.from(expected)), `length ${length} from ${from} to ${to}`).toBe(true);
        }
      }
    }
  });
});
