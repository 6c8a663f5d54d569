import { readFile } from "node:fs/promises";
import { Mem } from "../resources.js";

/** How often a process's resident memory is sampled. */
const POLL_MS = 50;

/**
 * Watches a process's resident set size (VmRSS in /proc/<pid>/status) and calls `exceeded` once
 * with it when it goes over `limit` bytes. Returns a function that stops watching.
 * Sampling means a process may briefly go over before it is caught.
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

/** The process's resident memory in bytes, or undefined once it is gone. */
async function residentBytes(osPid: number): Promise<number | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${osPid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return m ? Number(m[1]) * Mem.KiB : undefined;
}

/**
 * Why a process over its limit was killed. Node takes ~60 MiB before the program does anything,
 * which a program given Resources.default()'s 100 MiB (the root's, unless `init()` says
 * otherwise) does not expect: the reason says what it had and what to change.
 */
export function overLimit(limit: number, rss: number): string {
  return `memory limit ${formatMem(limit)} exceeded: resident ${Math.round(rss / Mem.MiB)} MiB, Node's own ~60 MiB included; ask for more mem`;
}

/** A byte count in the largest unit that divides it exactly: `100 MiB`, `1536 KiB`, `1000 B`. */
export function formatMem(bytes: number): string {
  for (const unit of ["TiB", "GiB", "MiB", "KiB"] as const) {
    if (bytes >= Mem[unit] && bytes % Mem[unit] === 0) return `${bytes / Mem[unit]} ${unit}`;
  }
  return `${bytes} B`;
}
