import { ConstellationError } from "../errors.js";
import { isPid, type Pid } from "../pid.js";
import type { Resources } from "../resources.js";
import type { OutputFormat } from "../bridge/local.js";
import { parseResources } from "../fabric/resources-json.js";
import type { IoOptions } from "../io/boot.js";

/** The fd of the process's TCP listener, bound by the fabric. */
const LISTENER_FD = 4;

/** What a process of a run knows from its environment from the start (docs/design.md §3). */
export interface StartEnv {
  readonly pid: Pid;
  readonly fabric: { readonly host: string; readonly port: number };
  readonly secret: string;
}

/** All a process of a run knows from its environment, once a child has read its assignment. */
export interface ProcessEnv extends StartEnv {
  readonly resources: Resources;
}

/**
 * This process's role in a run: the bridge (the process the user started: no
 * `CONSTELLATION_ROLE`), the root, or a spawned child.
 */
export type Role =
  | { readonly role: "bridge"; readonly format: OutputFormat; readonly spares: number }
  | ({ readonly role: "root" | "child" } & ProcessEnv);

/** Reads the role from the environment; malformed values are a {@link ConstellationError}. */
export function readRole(env: NodeJS.ProcessEnv = process.env): Role {
  const role = env.CONSTELLATION_ROLE;
  if (role === undefined) return { role: "bridge", format: readFormat(env.CONSTELLATION_FORMAT), spares: readSpares(env.CONSTELLATION_SPARES) };
  if (role !== "root" && role !== "child") invalid("CONSTELLATION_ROLE", role, '"root" or "child" (or unset in the process you start)');
  return { role, ...readStartEnv(env), resources: readResources(required(env, "CONSTELLATION_RESOURCES")) };
}

/**
 * What a process of a run (CONSTELLATION_ROLE set) knows before a child has read its
 * assignment: enough to start its I/O thread.
 */
export function readStartEnv(env: NodeJS.ProcessEnv = process.env): StartEnv {
  return {
    pid: readPid(required(env, "CONSTELLATION_PID")),
    fabric: readAddress(required(env, "CONSTELLATION_FABRIC")),
    secret: readSecret(required(env, "CONSTELLATION_SECRET")),
  };
}

/**
 * What this process's I/O thread is started with. Its tuning is read here, on the main thread,
 * where a malformed value is reported by init() (thrown in the I/O thread, it ended the run
 * with no word of why).
 */
export function ioOptions(env: StartEnv): IoOptions {
  return { pid: env.pid, fabric: env.fabric, secret: env.secret, listenFd: LISTENER_FD, lookUs: readMicros("CONSTELLATION_IO_SPIN_US") };
}

/**
 * A tuning knob in µs from environment variable `name`, undefined when it is unset or blank (the
 * knob's user has the default); a value that is not a number of 0 or more is a
 * {@link ConstellationError} (a typo must not turn a knob silently off).
 */
export function readMicros(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === "") return undefined;
  const us = Number(value);
  if (!Number.isFinite(us) || us < 0) invalid(name, value, "a number of microseconds, 0 or more");
  return us;
}

function invalid(name: string, value: string, expected: string): never {
  throw new ConstellationError(`${name}=${JSON.stringify(value)} is invalid: expected ${expected}`);
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new ConstellationError(`${name} is not set, but CONSTELLATION_ROLE=${env.CONSTELLATION_ROLE} is: only the fabric starts processes with a role`);
  }
  return value;
}

function readFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === "") return "human";
  const format = value.toLowerCase();
  if (format !== "human" && format !== "json") invalid("CONSTELLATION_FORMAT", value, '"human" or "json"');
  return format;
}

/** Most spares a run may keep (runtime/fabric/spare.ts): each is an idle node process, ~50 MiB. */
const MAX_SPARES = 8;

function readSpares(value: string | undefined): number {
  if (value === undefined || value === "") return 1;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > MAX_SPARES) invalid("CONSTELLATION_SPARES", value, `a whole number from 0 to ${MAX_SPARES}`);
  return n;
}

function readPid(value: string): Pid {
  if (!isPid(value)) invalid("CONSTELLATION_PID", value, 'a pid "<16 hex digits>@<host>:<port>"');
  return value;
}

function readAddress(value: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) invalid("CONSTELLATION_FABRIC", value, '"<host>:<port>"');
  return { host: m[1]!.replace(/^\[(.*)\]$/, "$1"), port };
}

function readSecret(value: string): string {
  if (!/^(?:[0-9a-f]{2}){16,}$/.test(value)) throw new ConstellationError("CONSTELLATION_SECRET is invalid: expected at least 32 hex digits");
  return value;
}

function readResources(value: string): Resources {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  return parseResources(parsed) ?? invalid("CONSTELLATION_RESOURCES", value, 'JSON { "mem": bytes, "cpu": fraction of a core }');
}
