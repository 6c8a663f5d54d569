// Memory the main thread copies messages into while they wait: runs of small messages out of
// the event ring, encoded until taken (channel/inbox.ts), and messages sent while the command
// ring has no room (host.ts). A chunk is reused once every message in it has been taken.
// Allocated afresh for each run, such buffers lived long enough under load (a receiver behind
// its sender holds its whole receive window) to outlive young-generation collections, and V8
// then let ~30 MiB of them pile up before a full collection: a receiver under Resources.default()
// went past 100 MiB; and a root writing 60 KB messages to ten peers faster than its I/O thread
// took them copied nine in ten, 100 MiB of garbage. Chunks come in powers of two, so one wastes
// less than half of itself.

/** Runs up to this size are copied into a fresh slice of Node's own buffer pool. */
const SMALLEST = 2 << 10;
/** The largest chunk kept for reuse; larger runs get a buffer of their own. */
const LARGEST = 64 << 10;
/** Free chunks kept per size: enough for a receive window's worth of runs in flight. */
const KEPT = 64;

/** A buffer holding encoded messages, and how many of them are still to be taken. */
export class Chunk {
  pending = 0;

  constructor(
    readonly bytes: Buffer,
    private readonly free: Chunk[] | undefined,
  ) {}

  /** One of its messages was taken: after the last, the chunk may be reused. */
  taken(): void {
    if (--this.pending === 0 && this.free && this.free.length < KEPT) this.free.push(this);
  }
}

export class ChunkPool {
  /** Free chunks of SMALLEST × 2, × 4, … up to LARGEST. */
  private readonly free: Chunk[][] = [];

  /** A chunk of at least `size` bytes, its `bytes` starting on an 8-byte boundary. */
  take(size: number): Chunk {
    if (size <= SMALLEST) return new Chunk(Buffer.allocUnsafe(size), undefined);
    if (size > LARGEST) return new Chunk(Buffer.allocUnsafeSlow(size), undefined);
    const k = Math.ceil(Math.log2(size / SMALLEST)) - 1;
    const free = (this.free[k] ??= []);
    return free.pop() ?? new Chunk(Buffer.allocUnsafeSlow(SMALLEST << (k + 1)), free);
  }
}
