// A process's output arrives in chunks whose boundaries may fall inside a multi-byte UTF-8
// character; holding back an incomplete trailing sequence keeps each character in one event.

/** The length of the UTF-8 sequence a lead byte starts, or 0 if it cannot start one. */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

const isContinuation = (byte: number): boolean => (byte & 0xc0) === 0x80;

/** Splits a stream of bytes into chunks that never end inside a multi-byte character. */
export class Utf8Carry {
  private carried: Uint8Array = new Uint8Array(0);

  /** Takes the next chunk; returns the bytes to emit now (possibly empty). */
  push(chunk: Uint8Array): Uint8Array {
    const all = this.carried.length === 0 ? chunk : Buffer.concat([this.carried, chunk]);
    const cut = incompleteTailStart(all);
    this.carried = all.slice(cut);
    return all.subarray(0, cut);
  }

  /** At the end of the stream: the bytes still held back (an incomplete character). */
  flush(): Uint8Array {
    const rest = this.carried;
    this.carried = new Uint8Array(0);
    return rest;
  }
}

/** Where an incomplete multi-byte sequence at the end of `bytes` starts (`bytes.length` if none). */
function incompleteTailStart(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let i = end - 1; i >= Math.max(0, end - 3); i--) {
    const byte = bytes[i]!;
    if (isContinuation(byte)) continue;
    const length = sequenceLength(byte);
    return length > end - i ? i : end;
  }
  return end;
}
