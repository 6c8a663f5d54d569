// How big each measurement is, in one place: every script receives this plan as a JSON argument.
// Sizes follow shared/notes/perf-reference.md (20,000 round trips after 2,000 warm-up; passes of
// about 0.3–1 s after a warm-up pass, in all), with time caps so a slow transport still ends in seconds.
export const plan = {
  // Ping-pong, small and 1 MiB streams run in `turns`, ours and the references alternating, and
  // a figure is taken from all turns' samples: the machine's speed changes by a third within
  // minutes here (docs/benchmarks.md), and a ratio of two runs a minute apart measured that.
  // Sizes are per turn.
  turns: 3,
  pingpong: { warmup: 2000, rounds: 8000, maxSeconds: 1.5, payload: "abcdefgh" },
  // The first pass of each turn is the warm-up and is dropped; the figure is the median of the others.
  // As long as a measured pass, as perf-reference's method has it: a pass of 0.2 s warmed ours
  // (more JavaScript to compile than a raw socket's) for only the first ~0.3 s of ~0.5 it takes
  // to run at speed here, and the first measured pass of every turn was the slowest.
  small: { passSeconds: [0.6, 0.6, 0.6], window: 1000, answers: 4, bytes: 64 },
  big: { passSeconds: [0.6, 0.6, 0.6], bytes: 1 << 20 },
  // settleMs: the pause before each spawn of the main spawn figure, for the fabric's spare to
  // finish starting (node takes ~100 ms here; docs/benchmarks.md).
  start: { warmup: 2, runs: 10, settleMs: 400 },
  idle: { settleMs: 1000 },
  // Up to `runs` runs of each example, fewer when they have taken budgetSeconds already.
  examples: { runs: 3, budgetSeconds: 15, maxSeconds: 90 },
};
