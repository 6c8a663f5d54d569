// Runs one measurement script as its own process, bounded in time. A measurement that fails,
// hangs or prints no figures throws: the bench reports it and exits non-zero.
import { spawn } from "node:child_process";

// Each measurement runs in its own process group, so that a run that hangs is stopped with every
// process it started (a constellation run is a tree: bridge, root, spawned processes), and so is
// a run still going when the bench itself is stopped.
const running = new Set();
const killGroup = (pid) => {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group has ended already.
  }
};
process.on("exit", () => running.forEach(killGroup));
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));

// Resolves with { stdout, stderr, seconds, failure } where failure is null or says how the process
// ended badly; rejects only when it could not start or ran past its time (then it is killed).
export function runProcess(file, args, { timeoutSeconds = 30, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "pipe"], env, detached: true });
    running.add(child.pid);
    const stdout = [];
    const stderr = [];
    child.stdout.on("data", (c) => stdout.push(c));
    child.stderr.on("data", (c) => stderr.push(c));
    const timer = setTimeout(() => {
      reject(new Error(`${file} ran more than ${timeoutSeconds} s: stopped`));
      killGroup(child.pid);
    }, timeoutSeconds * 1000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // What the measurement left behind (a peer, a spawned process) ends with it, and with them
    // their ends of its output pipes.
    child.on("exit", () => killGroup(child.pid));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running.delete(child.pid);
      resolve({
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
        seconds: (performance.now() - started) / 1000,
        failure: code === 0 ? null : `exited with ${signal ?? `code ${code}`}`,
      });
    });
  });
}

export function failed(what, failure, stderr) {
  const tail = stderr.trimEnd().split("\n").slice(-15).join("\n");
  return new Error(`${what} ${failure}${tail ? `:\n${tail}` : ""}`);
}

export function lastJsonLine(text, what) {
  const line = text.trimEnd().split("\n").pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${what} printed no JSON line of figures (last line: ${JSON.stringify(line ?? "")})`);
  }
}

export async function runMeasurement(file, args, options) {
  const { stdout, stderr, failure } = await runProcess(file, args, options);
  if (failure) throw failed(file, failure, stderr);
  return lastJsonLine(stdout, file);
}
