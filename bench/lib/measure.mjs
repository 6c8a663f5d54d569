// The two measurement shapes every reference driver and every program of ours shares, so that each
// transport only says how to make one round trip or one pass (sync or async). The JSDoc types are
// what the TypeScript programs see (bench/programs/tsconfig.json builds this file with them).

/** @typedef {{ messages: number, bytes: number }} Sent */

// Latency: warm-up round trips, then timed ones until the count or the time cap is reached.
/**
 * @param {{ warmup: number, rounds: number, maxSeconds: number }} plan
 * @param {() => unknown} roundTrip
 * @returns {Promise<{ rtt_us: number[] }>}
 */
export async function roundTrips(plan, roundTrip) {
  for (let i = 0; i < plan.warmup; i++) await roundTrip();
  const samples = [];
  const deadline = performance.now() + plan.maxSeconds * 1000;
  while (samples.length < plan.rounds && performance.now() < deadline) {
    const t0 = performance.now();
    await roundTrip();
    samples.push((performance.now() - t0) * 1000);
  }
  return { rtt_us: samples };
}

// Throughput: one pass per entry of passSeconds (the first is the warm-up). pass(seconds) sends
// for about that long, waits until the receiver confirms it has everything, and returns
// { messages, bytes }; the pass is timed from its first send to that confirmation.
/**
 * @param {number[]} passSeconds
 * @param {(seconds: number) => Sent | Promise<Sent>} pass
 * @returns {Promise<{ passes: (Sent & { seconds: number })[] }>}
 */
export async function timedPasses(passSeconds, pass) {
  const passes = [];
  for (const s of passSeconds) {
    const t0 = performance.now();
    const { messages, bytes } = await pass(s);
    passes.push({ messages, bytes, seconds: (performance.now() - t0) / 1000 });
  }
  return { passes };
}

// Sending loops look at the clock only every so many messages.
/** @param {number} seconds */
export function deadlineAfter(seconds) {
  const end = performance.now() + seconds * 1000;
  return () => performance.now() >= end;
}
