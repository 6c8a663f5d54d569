import { randomBytes } from "node:crypto";

/**
 * A process id: unique across the run (never reused, even when a port is), comparable with
 * `===`, and serializable (it is a string). Its text is `"<16 hex key>@<host>:<port>"`; its short
 * form (see {@link shortPid}) is the first 7 hex digits of the key.
 *
 * @example
 * ```ts
 * const child: Pid = await spawn(job);
 * new Sender<string>(child).send("hi").block();
 * ```
 */
export type Pid = string & { readonly __pid: unique symbol };

const PID = /^([0-9a-f]{16})@(.+):(\d{1,5})$/;

/** Makes a new pid for a process listening on `host:port`, with a fresh random key. */
export function makePid(host: string, port: number): Pid {
  return `${randomBytes(8).toString("hex")}@${host}:${port}` as Pid;
}

/** Whether `v` is a well-formed pid. */
export function isPid(v: unknown): v is Pid {
  return typeof v === "string" && PID.test(v);
}

/** The address a pid's process listens on. */
export function pidAddress(pid: Pid): { host: string; port: number } {
  const m = PID.exec(pid);
  if (!m) throw new TypeError(`not a pid: ${JSON.stringify(pid)}`);
  return { host: m[2]!, port: Number(m[3]) };
}

/**
 * The short printable form of a pid: the first 7 hex digits of its key (as the original prints).
 *
 * @example
 * ```ts
 * console.log(`child ${shortPid(child)} started`); // "child 3fecd01 started"
 * ```
 */
export function shortPid(pid: Pid): string {
  return pid.slice(0, 7);
}
