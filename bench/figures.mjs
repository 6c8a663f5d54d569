// The figures the bench prints, each computed from raw measurements (see measurements.mjs) and
// set beside its references, with the project's aims (SPEC.md section 7, docs/benchmarks.md).
import { median, percentile, passRates } from "./lib/stats.mjs";

const MiB = 2 ** 20;
const rtt = (p) => (r) => percentile(r.rtt_us, p);
const msgs = (r) => passRates(r.passes).msgsPerSecond;
const gbps = (r) => passRates(r.passes).gbPerSecond;

// Each figure: which measurement gives ours and each reference, and how to read one number out.
// aim: ratio ours/reference (atMost / atLeast) or an absolute floor (above).
export const figures = [
  {
    key: "pingpong.median",
    what: "channel ping-pong round trip, median (.block())",
    unit: "µs",
    ours: ["ours.pingpong.block", rtt(50)],
    refs: { "raw net": ["net.pingpong", rtt(50)], "child_process IPC": ["ipc.pingpong", rtt(50)] },
    aim: { vs: "raw net", atMost: 1.3 },
  },
  {
    key: "pingpong.p99",
    what: "channel ping-pong round trip, p99 (.block())",
    unit: "µs",
    ours: ["ours.pingpong.block", rtt(99)],
    refs: { "raw net": ["net.pingpong", rtt(99)], "child_process IPC": ["ipc.pingpong", rtt(99)] },
  },
  {
    key: "pingpong.await.median",
    what: "channel ping-pong round trip, median (await)",
    unit: "µs",
    ours: ["ours.pingpong.await", rtt(50)],
    refs: { "raw net": ["net.pingpong", rtt(50)], "child_process IPC": ["ipc.pingpong", rtt(50)] },
  },
  {
    key: "pingpong.await.p99",
    what: "channel ping-pong round trip, p99 (await)",
    unit: "µs",
    ours: ["ours.pingpong.await", rtt(99)],
    refs: { "raw net": ["net.pingpong", rtt(99)], "child_process IPC": ["ipc.pingpong", rtt(99)] },
  },
  {
    key: "small.throughput",
    what: "64-byte strings one way",
    unit: "msgs/s",
    ours: ["ours.small", msgs],
    refs: {
      "raw net, batched": ["net.small", msgs],
      "child_process IPC": ["ipc.small", msgs],
      "worker_threads postMessage": ["worker.small", msgs],
    },
    aim: { above: 2e6 },
  },
  {
    key: "big.bandwidth",
    what: "1 MiB messages one way",
    unit: "GB/s",
    ours: ["ours.big", gbps],
    refs: { "raw net": ["net.big", gbps] },
    aim: { vs: "raw net", atLeast: 0.8 },
  },
  {
    key: "spawn.latency",
    what: "spawn call to the closure's first message, median (spawns apart: the spare is ready)",
    unit: "ms",
    ours: ["ours.spawn", (r) => median(r.ms)],
    refs: { "node -e 0": ["node.cold", (r) => median(r.ms)] },
    aim: { vs: "node -e 0", atMost: 1.5 },
  },
  {
    key: "spawn.back_to_back",
    what: "spawn call to the closure's first message, median (spawns back to back: the spare is starting)",
    unit: "ms",
    ours: ["ours.spawn", (r) => median(r.back_to_back_ms)],
    refs: { "node -e 0": ["node.cold", (r) => median(r.ms)] },
  },
  {
    key: "spawn.first",
    what: "spawn call to the closure's first message, the run's first spawn (no spare yet)",
    unit: "ms",
    ours: ["ours.spawn", (r) => r.first_ms],
    refs: { "node -e 0": ["node.cold", (r) => median(r.ms)] },
  },
  {
    key: "spawn.resolved",
    what: "spawn call until spawn() resolves, median",
    unit: "ms",
    ours: ["ours.spawn", (r) => median(r.spawned_ms)],
    refs: { "node -e 0": ["node.cold", (r) => median(r.ms)] },
  },
  {
    key: "idle.rss",
    what: "RSS of an idle spawned process",
    unit: "MiB",
    ours: ["ours.idle", (r) => r.rss / MiB],
    refs: { "bare node": ["node.idle", (r) => r.rss / MiB] },
  },
  {
    key: "example.fibonacci",
    what: "examples/fibonacci.ts end to end, median wall",
    unit: "s",
    ours: ["example.fibonacci", (r) => median(r.seconds)],
    note: (r) => `${r.spawns} processes spawned`,
    refs: {},
  },
  {
    key: "example.all_to_all",
    what: "examples/all_to_all.ts end to end, median wall",
    unit: "s",
    ours: ["example.all_to_all", (r) => median(r.seconds)],
    note: (r) => `${r.spawns} processes spawned`,
    refs: {},
  },
  {
    key: "transformer.build",
    what: "build of one file of 200 closures, median (bench/transformer.mjs)",
    unit: "ms",
    ours: ["transformer", (r) => r.constellation_build_ms],
    refs: { "plain tsc": ["transformer", (r) => r.plain_tsc_ms] },
    aim: { vs: "plain tsc", atMost: 2 },
  },
];

// results: measurement name → raw figures, or { error } / { na }. A figure whose own measurement
// is missing is n/a with the reason; a missing reference leaves only that reference out.
export function evaluate(figure, results) {
  const read = ([name, pick]) => {
    const r = results[name];
    if (!r) return { na: `${name} was not measured` };
    if (r.na) return { na: r.na };
    if (r.error) return { na: `${name} failed` };
    const value = pick(r);
    return Number.isFinite(value) ? { value } : { na: `${name} gave no such figure` };
  };
  const ours = read(figure.ours);
  const refs = Object.entries(figure.refs).map(([name, spec]) => {
    const ref = read(spec);
    const ratio = ours.value !== undefined && ref.value !== undefined ? ours.value / ref.value : null;
    return { name, value: ref.value ?? null, ratio, ...(ref.na ? { na: ref.na } : {}) };
  });
  const row = { key: figure.key, what: figure.what, unit: figure.unit, ours: ours.value ?? null, references: refs };
  if (ours.na) row.na = ours.na;
  if (figure.note && ours.value !== undefined) row.note = figure.note(results[figure.ours[0]]);
  if (figure.aim) row.aim = judge(figure.aim, ours.value, refs);
  return row;
}

function judge(aim, ours, refs) {
  if (aim.above !== undefined) {
    return { text: `> ${aim.above / 1e6} M msgs/s`, met: ours === undefined ? null : ours > aim.above };
  }
  const ratio = refs.find((r) => r.name === aim.vs)?.ratio ?? null;
  const [sign, bound] = aim.atMost !== undefined ? ["≤", aim.atMost] : ["≥", aim.atLeast];
  const met = ratio === null ? null : sign === "≤" ? ratio <= bound : ratio >= bound;
  return { text: `${sign} ${bound}× ${aim.vs}`, met };
}
