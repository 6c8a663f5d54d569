// `npm run bench [-- --json]`: runs every measurement one after the other, then prints each figure
// beside its references (a table, or with --json one JSON object and nothing else on stdout).
// Progress goes to stderr. Exits 1 when a measurement itself fails, never because an aim is missed.
import os from "node:os";
import { plan } from "./plan.mjs";
import { measurements } from "./measurements.mjs";
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
for (const [name, measure] of Object.entries(measurements)) {
  const t0 = performance.now();
  process.stderr.write(`bench: ${name} … `);
  try {
    results[name] = await measure();
    process.stderr.write(results[name].na ? `n/a: ${results[name].na}\n` : `${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
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
