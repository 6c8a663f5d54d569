// `npm run bench [-- --json]`: runs every measurement one after the other, then prints each figure
// beside its references (a table, or with --json one JSON object and nothing else on stdout).
// Progress goes to stderr. Exits 1 when a measurement itself fails, never because an aim is missed.
import os from "node:os";
import { plan } from "./plan.mjs";
import { inTurns, mergeTurns, once } from "./measurements.mjs";
import { figures, evaluate } from "./figures.mjs";
import { renderJson, renderTable } from "./lib/report.mjs";

const WHOLE_BENCH_SECONDS = 420;
const json = process.argv.includes("--json");
const load = () => os.loadavg()[0].toFixed(2);

// A build that hangs must not hang the bench: every process measurement has its own time limit,
// this bounds the rest.
setTimeout(() => {
  process.stderr.write(`bench: still running after ${WHOLE_BENCH_SECONDS} s: stopped\n`);
  process.exit(1);
}, WHOLE_BENCH_SECONDS * 1000).unref();

const started = { date: new Date().toISOString(), load: load() };
// On 2 cores, anything else running moves every figure (docs/benchmarks.md).
if (Number(started.load) > 1) process.stderr.write(`bench: load average ${started.load}: the machine is busy, figures will be noisy\n`);
const results = {};
const errors = [];
// The transports' measurements in turns, then the rest once (plan.mjs says why).
const measurements = { ...inTurns, ...once };
const schedule = [];
for (let turn = 1; turn <= plan.turns; turn++) for (const name of Object.keys(inTurns)) schedule.push({ name, turn });
for (const name of Object.keys(once)) schedule.push({ name });
for (const { name, turn } of schedule) {
  if (results[name]?.error || results[name]?.na) continue;
  const t0 = performance.now();
  process.stderr.write(`bench: ${name}${turn ? ` (turn ${turn} of ${plan.turns})` : ""} … `);
  try {
    const r = await measurements[name]();
    results[name] = results[name] && !r.na ? mergeTurns(results[name], r) : r;
    process.stderr.write(r.na ? `n/a: ${r.na}\n` : `${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (e) {
    results[name] = { error: e.message };
    errors.push({ measurement: name, message: e.message });
    process.stderr.write(`FAILED\n${e.message}\n`);
  }
}

const report = {
  date: started.date,
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? "unknown",
  load: { start: started.load, end: load() },
  plan,
  figures: figures.map((f) => evaluate(f, results)),
  transformer: results.transformer,
  errors,
};
process.stdout.write(`${json ? renderJson(report) : renderTable(report)}\n`);
process.exitCode = errors.length ? 1 : 0;
