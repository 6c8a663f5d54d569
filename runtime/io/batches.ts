// The buffers the I/O thread writes frames into before a socket write, reused once the kernel
// has taken their bytes. Allocated afresh, written ones were garbage that V8 collects only as
// young-generation garbage piles up, and a stream of small messages makes almost none (no object
// per message): ~30 MiB of them waited, and a sender under Resources.default() went past its
// 100 MiB (test/process/spawn.test.ts, "a long stream").
import { wordsOf, type Words } from "./words.js";

/** The size of a batch; a frame larger than this gets a buffer of its own, not reused. */
export const BATCH = 64 << 10;

/** A batch buffer, as a Buffer and as words (for words.ts's copies). */
export interface Batch {
  readonly buf: Buffer;
  readonly words: Words;
}

export class BatchPool {
  private readonly free: Batch[] = [];

  /**
   * @param kept the most bytes of free batches kept: what the process may have on its way, all
   *   peers together (budget.ts). Fewer (32 batches, once) left a root writing to ten peers slow
   *   to read with ~60 MiB of written batches, dead but not yet collected.
   */
  constructor(private kept: number) {}

  resize(kept: number): void {
    this.kept = kept;
  }

  /** A buffer of at least `size` bytes, from offset 0 of its own memory. */
  take(size: number): Batch {
    const reused = size <= BATCH ? this.free.pop() : undefined;
    if (reused) return reused;
    const buf = Buffer.allocUnsafeSlow(Math.max(BATCH, size));
    return { buf, words: wordsOf(buf.buffer) };
  }

  /** Batches whose bytes the kernel has taken (their write's callback ran). */
  give(batches: readonly Batch[]): void {
    for (const b of batches) if (b.buf.length === BATCH && (this.free.length + 1) * BATCH <= this.kept) this.free.push(b);
  }
}
