import { readFile } from "node:fs/promises";
import { Mem } from "../resources.js";

/** How often a process's resident memory is sampled. */
const POLL_MS = 50;

/** The fields of /proc/<pid>/status read, in kB. */
const RSS_ANON = /^RssAnon:\s+(\d+) kB$/m;
const RSS_SHMEM = /^RssShmem:\s+(\d+) kB$/m;
const VM_RSS = /^VmRSS:\s+(\d+) kB$/m;

/**
 * Watches a process's own resident memory and calls `exceeded` once with it when it goes over
 * `limit` bytes. Returns a function that stops watching. Sampling means a process may briefly
 * go over before it is caught.
 *
 * Its own memory is what it allocated (RssAnon + RssShmem in /proc/<pid>/status: heaps, stacks,
 * buffers, shared memory), not the pages of node's binary and libraries (RssFile, ~40 MiB here),
 * which every process of the machine shares and the kernel can drop and read again: counting
 * them, a `Resources.default()` process had ~40 MiB of its 100 for its program, and one streaming
 * objects to another for a minute was killed as its two V8 heaps grew to their working size
 * (~45 MiB). Without those fields (Linux before 4.5), the whole resident set (VmRSS) counts.
 */
export function watchMemory(osPid: number, limit: number, exceeded: (rss: number) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const sample = async (): Promise<void> => {
    const rss = await residentBytes(osPid);
    if (stopped) return;
    if (rss !== undefined && rss > limit) {
      stopped = true;
      exceeded(rss);
      return;
    }
    timer = setTimeout(() => void sample(), POLL_MS);
  };
  void sample();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** The process's own resident memory in bytes (see {@link watchMemory}), or undefined once it is gone. */
async function residentBytes(osPid: number): Promise<number | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${osPid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const bytes = (field: RegExp): number | undefined => {
    const m = field.exec(status);
    return m ? Number(m[1]) * Mem.KiB : undefined;
  };
  const anon = bytes(RSS_ANON);
  return anon === undefined ? bytes(VM_RSS) : anon + (bytes(RSS_SHMEM) ?? 0);
}

/**
 * Why a process over its limit was killed: what it had and what to change. Node's own heaps
 * and buffers take ~15 MiB of it before the program does anything.
 */
export function overLimit(limit: number, rss: number): string {
  return `memory limit ${formatMem(limit)} exceeded: ${Math.round(rss / Mem.MiB)} MiB of its own resident memory, Node's ~15 MiB included; ask for more mem`;
}

/** A byte count in the largest unit that divides it exactly: `100 MiB`, `1536 KiB`, `1000 B`. */
export function formatMem(bytes: number): string {
  for (const unit of ["TiB", "GiB", "MiB", "KiB"] as const) {
    if (bytes >= Mem[unit] && bytes % Mem[unit] === 0) return `${bytes / Mem[unit]} ${unit}`;
  }
  return `${bytes} B`;
}
