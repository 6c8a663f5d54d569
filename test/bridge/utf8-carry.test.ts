import { describe, expect, it } from "vitest";
import { Utf8Carry } from "../../runtime/bridge/utf8-carry.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("Utf8Carry", () => {
  it("returns every byte at once when the chunk ends on a character boundary", () => {
    const carry = new Utf8Carry();
    expect(hex(carry.push(Buffer.from("ab€")))).toBe(hex(Buffer.from("ab€")));
    expect(carry.flush().length).toBe(0);
  });

  it("holds back each possible prefix of a 4-byte character", () => {
    const emoji = Buffer.from("😀");
    for (let cut = 1; cut < 4; cut++) {
      const carry = new Utf8Carry();
      expect(hex(carry.push(Buffer.concat([Buffer.from("x"), emoji.subarray(0, cut)])))).toBe(hex(Buffer.from("x")));
      expect(hex(carry.push(emoji.subarray(cut)))).toBe(hex(emoji));
    }
  });

  it("does not hold back bytes that can never become a character", () => {
    const carry = new Utf8Carry();
    // 0xff is no lead byte; a lone continuation byte starts nothing.
    expect(hex(carry.push(Buffer.from([0x61, 0xff])))).toBe("61ff");
    expect(hex(carry.push(Buffer.from([0x80])))).toBe("80");
  });

  it("gives the held-back bytes at the end", () => {
    const carry = new Utf8Carry();
    expect(carry.push(Buffer.from([0xe2, 0x82])).length).toBe(0);
    expect(hex(carry.flush())).toBe("e282");
    expect(carry.flush().length).toBe(0);
  });
});
