import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { JsonEvent } from "../fixtures/events.js";

/** A process of a run, rebuilt from its events. */
export interface ProcessRecord {
  readonly pid: string;
  readonly output: { 1: Buffer; 2: Buffer };
  readonly children: ProcessRecord[];
  readonly exit: JsonEvent & { type: "exit" };
}

export interface ProgramRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly events: JsonEvent[];
  readonly root: ProcessRecord;
}

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export interface RunOptions {
  readonly args?: readonly string[];
  /** Added to the bridge's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Sees each event as it arrives, with the bridge's OS pid, and may act on the run. */
  readonly onEvent?: (event: JsonEvent, bridgePid: number) => void;
  /** Leaves the bridge's stdout unread for this long at first, as a slow reader would. */
  readonly unreadMs?: number;
}

/**
 * Runs `node <fixture> [args]` (so init() makes it the bridge) in the machine form. Checks
 * SPEC §5's ordering rules while rebuilding the process tree.
 */
export function runProgram(name: string, { args = [], env = {}, onEvent, unreadMs = 0 }: RunOptions = {}): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture(name), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env, CONSTELLATION_FORMAT: "json" },
    });
    const events: JsonEvent[] = [];
    const stderr: Buffer[] = [];
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      const lines = (pending + text).split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        const event = JSON.parse(line) as JsonEvent;
        events.push(event);
        onEvent?.(event, child.pid!);
      }
    });
    if (unreadMs > 0) {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), unreadMs);
    }
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        if (pending !== "") throw new Error(`stdout ends with an incomplete line: ${pending}`);
        resolve({ code, stderr: Buffer.concat(stderr).toString("utf8"), events, root: tree(events) });
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Rebuilds the process tree, throwing on any break of SPEC §5's rules. */
function tree(events: JsonEvent[]): ProcessRecord {
  interface Building { pid: string; output: { 1: Buffer[]; 2: Buffer[] }; closed: Set<number>; children: Building[]; exit?: JsonEvent & { type: "exit" } }
  const processes = new Map<string, Building>();
  const fresh = (pid: string): Building => ({ pid, output: { 1: [], 2: [] }, closed: new Set(), children: [] });
  const live = (pid: string, what: string): Building => {
    const p = processes.get(pid);
    if (!p) throw new Error(`${what} of ${pid} before its start or spawn`);
    if (p.exit) throw new Error(`${what} of ${pid} after its exit`);
    return p;
  };
  let root: Building | undefined;
  for (const e of events) {
    switch (e.type) {
      case "start":
        if (root) throw new Error("two start events");
        processes.set(e.pid, (root = fresh(e.pid)));
        break;
      case "spawn": {
        if (processes.has(e.child)) throw new Error(`${e.child} spawned twice`);
        const child = fresh(e.child);
        live(e.pid, "spawn").children.push(child);
        processes.set(e.child, child);
        break;
      }
      case "output": {
        const p = live(e.pid, "output");
        if (p.closed.has(e.fd)) throw new Error(`output on fd ${e.fd} of ${e.pid} after its close`);
        if ((e.data === undefined) === (e.base64 === undefined)) throw new Error(`output needs exactly one of data and base64: ${JSON.stringify(e)}`);
        p.output[e.fd].push(e.data !== undefined ? Buffer.from(e.data, "utf8") : Buffer.from(e.base64!, "base64"));
        break;
      }
      case "close": {
        const p = live(e.pid, "close");
        if (p.closed.has(e.fd)) throw new Error(`fd ${e.fd} of ${e.pid} closed twice`);
        p.closed.add(e.fd);
        break;
      }
      case "exit": {
        const p = live(e.pid, "exit");
        if (p.closed.size !== 2) throw new Error(`exit of ${e.pid} before both its fds closed`);
        p.exit = e;
        break;
      }
    }
  }
  if (!root) throw new Error("no start event");
  const build = (p: Building): ProcessRecord => {
    if (!p.exit) throw new Error(`${p.pid} never exited`);
    return { pid: p.pid, output: { 1: Buffer.concat(p.output[1]), 2: Buffer.concat(p.output[2]) }, children: p.children.map(build), exit: p.exit };
  };
  return build(root);
}
