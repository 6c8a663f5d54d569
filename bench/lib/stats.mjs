// Order statistics of samples, and the rate of a series of time-boxed passes.
export function percentile(samples, p) {
  const sorted = Float64Array.from(samples).sort();
  if (sorted.length === 0) throw new Error("no samples");
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const median = (samples) => percentile(samples, 50);

// A pass is { messages, bytes, seconds }; the first pass of a run is the warm-up.
export function passRates(passes) {
  const measured = passes.slice(1);
  if (measured.length === 0) throw new Error("no measured pass");
  return {
    msgsPerSecond: median(measured.map((p) => p.messages / p.seconds)),
    gbPerSecond: median(measured.map((p) => p.bytes / p.seconds / 1e9)),
  };
}
