// The bench's two output forms: a table for people, one JSON object for tools.
const formats = {
  "µs": (v) => `${v.toFixed(1)} µs`,
  ms: (v) => `${v.toFixed(1)} ms`,
  s: (v) => `${v.toFixed(2)} s`,
  MiB: (v) => `${v.toFixed(1)} MiB`,
  "GB/s": (v) => `${v.toFixed(2)} GB/s`,
  "msgs/s": (v) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M/s` : `${(v / 1e3).toFixed(0)} k/s`),
};
const show = (v, unit) => (v === null ? "n/a" : formats[unit](v));
const ratio = (r) => (r === null ? "" : `${r.toFixed(2)}×`);
const aim = (a) => (a ? `${a.text}: ${a.met === null ? "not judged" : a.met ? "met" : "MISSED"}` : "");

export function renderJson(report) {
  return JSON.stringify(report);
}

export function renderTable(report) {
  const rows = [["figure", "ours", "reference", "", "ratio", "aim"]];
  for (const f of report.figures) {
    const ours = f.na ? `n/a: ${f.na}` : show(f.ours, f.unit);
    const [first, ...rest] = f.references.length ? f.references : [null];
    const refCells = (r) => (r ? [r.name, r.na ? `n/a: ${r.na}` : show(r.value, f.unit), ratio(r.ratio)] : [f.note ?? "", "", ""]);
    rows.push([f.what, ours, ...refCells(first), aim(f.aim)]);
    for (const r of rest) rows.push(["", "", ...refCells(r), ""]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
  const header = `constellation-ts bench: node ${report.node}, ${report.cpus} × ${report.cpuModel}, load ${report.load.start} → ${report.load.end}, ${report.date}`;
  const out = [header, "", ...lines, ""];
  out.push(`ratio = ours / reference (times: lower is better; rates: higher is better)`);
  for (const e of report.errors) out.push("", `FAILED ${e.measurement}: ${e.message}`);
  return out.join("\n");
}
