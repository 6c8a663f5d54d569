// glibc's allocator gives the top of an arena back to the kernel once more than its trim
// threshold (~2 MiB after a 1 MiB block) lies free there, and every page of the next block
// taken there is faulted in and zeroed again. A stream of large messages frees tens of MiB at
// each GC of the buffers received, so 1 MiB messages cost ~40 K page faults and 7–20 % more CPU
// per GB (docs/benchmarks.md). The launcher starts each process with higher thresholds, within
// the range glibc's own adaptive ones reach (an mmap threshold up to 32 MiB, trimming at twice
// that), and the preload puts GLIBC_TUNABLES back as the user had it before the program runs:
// glibc read it when the process started, the program and its subprocesses see it unchanged.
// Other C libraries ignore the variable.

const NAME = "GLIBC_TUNABLES";
/** Ours come first: a tunable the user set too comes later and wins. */
const OURS = "glibc.malloc.trim_threshold=33554432:glibc.malloc.mmap_threshold=33554432";

/** The value of GLIBC_TUNABLES for a process the launcher starts, given the user's. */
export function tunedMalloc(userValue: string | undefined): string {
  return userValue === undefined ? OURS : `${OURS}:${userValue}`;
}

/** Puts GLIBC_TUNABLES back as {@link tunedMalloc} found it (in the process it started). */
export function restoreMallocVariable(env: NodeJS.ProcessEnv = process.env): void {
  const value = env[NAME];
  if (value === OURS) delete env[NAME];
  else if (value?.startsWith(`${OURS}:`)) env[NAME] = value.slice(OURS.length + 1);
}
