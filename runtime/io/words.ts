// Short copies out of shared memory, word by word. A message of a few dozen bytes copied from
// the command ring with `set` costs a view made for the purpose and V8's copy for shared memory
// (~70–100 ns for 76 bytes here); a loop of 32-bit loads and stores between views made once, ~35.
// Longer copies go through `set`, whose word copy wins (ring.ts says when V8 makes it one).

/** A buffer seen from its first byte as bytes and as 32-bit words. */
export interface Words {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
}

/** Copies of this many bytes or more are left to `set`. */
const LOOP_BELOW = 256;

export function wordsOf(buffer: ArrayBufferLike): Words {
  return { bytes: new Uint8Array(buffer), words: new Int32Array(buffer, 0, buffer.byteLength >>> 2) };
}

/** Copies `length` bytes from `src` at `from` to `dst` at `to`. */
export function copyWords(src: Words, from: number, dst: Words, to: number, length: number): void {
  const s = src.bytes;
  const d = dst.bytes;
  if (length >= LOOP_BELOW || ((from ^ to) & 3) !== 0) {
    d.set(new Uint8Array(s.buffer, from, length), to);
    return;
  }
  const end = from + length;
  let i = from;
  for (; (i & 3) !== 0 && i < end; i++) d[to + i - from] = s[i]!;
  const sw = src.words;
  const dw = dst.words;
  const shift = (to - from) >> 2;
  for (let w = i >> 2, last = end >> 2; w < last; w++) dw[w + shift] = sw[w]!;
  for (i = Math.max(i, end & ~3); i < end; i++) d[to + i - from] = s[i]!;
}
