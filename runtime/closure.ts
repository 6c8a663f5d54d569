import { decode, encode } from "./codec/index.js";
import { ConstellationError, SchemaError } from "./errors.js";
import type { Validator } from "./validator.js";

/** The three closure kinds: how often it may be called (as Rust's FnOnce, FnMut, Fn). */
export type ClosureKind = "FnOnce" | "FnMut" | "Fn";

type Factory = (env: any) => (...args: any[]) => unknown;

interface Registered {
  readonly factory: Factory;
  readonly validateEnv: Validator;
}

/** What travels for a closure: its ID, kind and the encoded snapshot of its captures. */
export interface ClosureData {
  readonly id: string;
  readonly kind: ClosureKind;
  readonly env: Uint8Array;
}

const registry = new Map<string, Registered>();
const DATA = Symbol("constellation.closure");

/** A serializable closure value: callable, and carrying its {@link ClosureData}. */
export type ClosureValue = ((...args: any[]) => unknown) & { readonly [DATA]: ClosureData };

/** Registers a hoisted closure factory under its stable ID (called by transformed modules). */
export function register(id: string, factory: Factory, validateEnv: Validator): void {
  if (registry.has(id)) throw new ConstellationError(`closure ${id} registered twice: is the module loaded under two URLs?`);
  registry.set(id, { factory, validateEnv });
}

/**
 * Makes the closure value for a call site (called by transformed modules). The captures are
 * copied now, through the codec, so a local call sees exactly what a remote one would.
 */
export function closure(id: string, kind: ClosureKind, env: Record<string, unknown>): ClosureValue {
  return fromData({ id, kind, env: encode(env) }, undefined);
}

/** Whether `v` is a serializable closure value. */
export function isClosure(v: unknown): v is ClosureValue {
  return typeof v === "function" && DATA in v;
}

/** The data a closure value carries (for the codec). */
export function closureData(v: ClosureValue): ClosureData {
  return v[DATA];
}

/**
 * Rebuilds a closure that arrived from another process: its ID must be registered here and its
 * captures must match their declared types.
 */
export function reviveClosure(data: ClosureData): ClosureValue {
  const env = decode(data.env) as Record<string, unknown>;
  const entry = lookup(data.id);
  if (!entry.validateEnv(env)) {
    const issue = entry.validateEnv.errors?.[0];
    const path = issue?.instancePath ?? "";
    const variable = path.split("/")[1] ?? "?";
    throw new SchemaError(
      `closure ${data.id}: captured variable \`${variable}\` does not match its declared type: ${path || "/"} ${issue?.message ?? "is invalid"}`,
      path,
    );
  }
  return fromData(data, env);
}

function lookup(id: string): Registered {
  const entry = registry.get(id);
  if (!entry) {
    throw new ConstellationError(
      `closure ${id} is not registered in this process: both sides must run the same build of the program`,
    );
  }
  return entry;
}

function fromData(data: ClosureData, decoded: Record<string, unknown> | undefined): ClosureValue {
  let env = decoded;
  let called = false;
  const call = (...args: unknown[]): unknown => {
    if (data.kind === "FnOnce") {
      if (called) throw new ConstellationError(`FnOnce closure ${data.id} called twice`);
      called = true;
    }
    env ??= decode(data.env) as Record<string, unknown>;
    return lookup(data.id).factory(env)(...args);
  };
  Object.defineProperty(call, DATA, { value: data });
  return call as ClosureValue;
}

function untransformed(kind: ClosureKind): never {
  throw new ConstellationError(
    `${kind}(...) was called in code that was not built with the constellation-ts transformer. ` +
      "Build with `npx constellation build` (or run with `npx constellation run <entry.ts>`), " +
      'or add { "transform": "constellation-ts/transformer" } to your tsconfig plugins (ts-patch), ' +
      "or use the constellation-ts/rollup plugin.",
  );
}

/**
 * Marks an arrow or function expression as a serializable closure that runs at most once: it
 * can be passed to `spawn`, captured by another closure, or sent over a channel.
 * Needs the transformer (`constellation build` / `constellation run`).
 *
 * @example
 * ```ts
 * const child = await spawn(FnOnce((parent: Pid) => console.log(`child of ${parent}`)));
 * ```
 */
export function FnOnce<F extends (...args: any[]) => any>(f: F): FnOnce<F> {
  void f;
  return untransformed("FnOnce");
}

/**
 * Marks a closure that may be called many times and may change its own captured objects.
 *
 * @example
 * ```ts
 * const count = FnMut((acc: number[]) => acc.push(acc.length));
 * ```
 */
export function FnMut<F extends (...args: any[]) => any>(f: F): FnMut<F> {
  void f;
  return untransformed("FnMut");
}

/**
 * Marks a closure that may be called any number of times.
 *
 * @example
 * ```ts
 * const squares = await pool.map([1, 2, 3], Fn((x: number) => x * x));
 * ```
 */
export function Fn<F extends (...args: any[]) => any>(f: F): Fn<F> {
  void f;
  return untransformed("Fn");
}

/** A serializable closure that runs at most once. */
export type FnOnce<F extends (...args: any[]) => any> = F & { readonly __closure: true };
/** A serializable closure that may be called many times. */
export type FnMut<F extends (...args: any[]) => any> = F & { readonly __closure: true };
/** A serializable closure that may be called any number of times. */
export type Fn<F extends (...args: any[]) => any> = F & { readonly __closure: true };
