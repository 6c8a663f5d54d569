// A pool of worker processes fed over channels (the original's process_pool example, grown into
// a library type). Library code is not run through the transformer, so the two closures the pool
// needs are registered by hand, with the calls the transformer would emit for user code.
import { inspect } from "node:util";
import { Receiver } from "./channel/receiver.js";
import { Sender } from "./channel/sender.js";
import { closure, type Fn, type FnOnce, isClosure, register } from "./closure.js";
import { ChannelError, ConstellationError } from "./errors.js";
import { type Pid, shortPid } from "./pid.js";
import { spawn } from "./process/spawn.js";
import { Resources } from "./resources.js";
import type { Validator } from "./validator.js";

/** One unit of work: a serializable closure run once by some worker. */
type Job = FnOnce<() => unknown>;

/** What a worker answers for each job; a thrown value travels as text, so any throw can cross. */
type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly name: string; readonly message: string; readonly stack?: string };

/** A submitted job and the promise {@link ProcessPool.spawn} returned for it. */
interface Task {
  readonly job: Job;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const WORKER = "constellation-ts/pool#worker";
const APPLY = "constellation-ts/pool#apply";

/** How many jobs a worker may hold at once: the one it runs and the next (see ProcessPool.#feed). */
const PIPELINED = 2;
/** A worker whose last job took less than this (ms, as seen from here) gets its next one early. */
const QUICK_JOB_MS = 2;

/** A hand-written env validator: the env is an object and `closures` name serializable closures. */
function envWith(closures: readonly string[]): Validator {
  const validate: Validator = (data) => {
    if (typeof data !== "object" || data === null) {
      validate.errors = [{ instancePath: "", keyword: "type", message: "must be object" }];
      return false;
    }
    const bad = closures.find((name) => !isClosure((data as Record<string, unknown>)[name]));
    validate.errors = bad === undefined ? null : [{ instancePath: `/${bad}`, keyword: "closure", message: "must be a serializable closure" }];
    return bad === undefined;
  };
  return validate;
}

// Registered at module load, so every process of the program (each imports the package) knows
// both IDs before a worker or a mapped job can arrive.
register(WORKER, () => serveJobs, envWith([]));
register(APPLY, ({ work, item }: { work: (item: unknown) => unknown; item: unknown }) => () => work(item), envWith(["work"]));

/** A closure value made by hand, typed as the transformer's output would be. */
function handMade<F extends (...args: any[]) => any>(id: string, env: Record<string, unknown>): FnOnce<F> {
  return closure(id, "FnOnce", env) as unknown as FnOnce<F>;
}

/**
 * The body of a worker process: runs the jobs its pool sends, one at a time, and answers each
 * with its outcome. It ends when the pool closes its job channel (or its process exits cleanly).
 */
async function serveJobs(pool: Pid): Promise<void> {
  const jobs = new Receiver<Job>(pool);
  const outcomes = new Sender<Outcome>(pool);
  try {
    for await (const job of jobs) await answer(outcomes, await settle(job));
  } finally {
    jobs.close();
    outcomes.close();
  }
}

async function settle(job: Job): Promise<Outcome> {
  try {
    return { ok: true, value: await job() };
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): Outcome & { ok: false } {
  if (error instanceof Error) return { ok: false, name: error.name, message: error.message, stack: error.stack };
  return { ok: false, name: "Error", message: typeof error === "object" && error !== null ? inspect(error) : String(error) };
}

async function answer(outcomes: Sender<Outcome>, outcome: Outcome): Promise<void> {
  try {
    await outcomes.send(outcome);
  } catch (error) {
    // A result the codec cannot carry (a plain function, a symbol) fails its job, not the worker.
    if (error instanceof ChannelError || !outcome.ok) throw error;
    await outcomes.send(failure(error));
  }
}

/** The error a job's promise rejects with: the remote error's name and message, and its stack. */
function remoteError(worker: Pid, outcome: Outcome & { ok: false }): Error {
  const error = new Error(outcome.message);
  error.name = outcome.name;
  error.stack = `${outcome.stack ?? `${outcome.name}: ${outcome.message}`}\n    at pool worker ${shortPid(worker)}`;
  return error;
}

/** Jobs waiting for a free worker, handed out first come, first served. */
class TaskQueue {
  readonly #tasks: Task[] = [];
  readonly #idle: ((task: Task | undefined) => void)[] = [];
  #ended = false;
  #failure: Error | undefined;

  push(task: Task): void {
    if (this.#failure) return task.reject(this.#failure);
    const worker = this.#idle.shift();
    if (worker) worker(task);
    else this.#tasks.push(task);
  }

  /** The next task; `undefined` once the queue has ended and is empty. */
  take(): Promise<Task | undefined> {
    const task = this.#tasks.shift();
    if (task || this.#ended) return Promise.resolve(task);
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** The next task if one waits now (tasks wait only while no worker is idle). */
  takeNow(): Task | undefined {
    return this.#tasks.shift();
  }

  /** No more tasks will come: idle workers get `undefined`, the others once the queue drains. */
  end(): void {
    this.#ended = true;
    for (const worker of this.#idle.splice(0)) worker(undefined);
  }

  /** Whether no task is waiting and none will come. */
  get drained(): boolean {
    return this.#ended && this.#tasks.length === 0;
  }

  /** No worker is left: waiting and future tasks reject with `error`. */
  fail(error: Error): void {
    this.#failure = error;
    for (const task of this.#tasks.splice(0)) task.reject(error);
  }
}

/**
 * A pool of worker processes that run serializable closures: each job goes to a free worker
 * over a channel, and its result (or the error it threw) comes back over another. Workers are
 * spawned once, so a job costs a round trip, not a process start (less for quick jobs: a worker
 * gets its next one while it runs the last). A worker whose process dies during a job fails
 * the jobs it held (that one, and the next if it had it already) and is replaced by a new one.
 *
 * A worker holds a channel each way to the process that made the pool, so a job cannot open its
 * own `Sender` or `Receiver` to that process (it would be a duplicate channel).
 *
 * @example
 * ```ts
 * await init();
 * const pool = new ProcessPool(4);
 * const squares = await pool.map([1, 2, 3], Fn((x: number) => x * x)); // [1, 4, 9]
 * await pool.close();
 * ```
 */
export class ProcessPool implements Disposable, AsyncDisposable {
  readonly #queue = new TaskQueue();
  /** One per worker ever started: settles when it is done, with an error nobody was told about yet. */
  readonly #workers: Promise<Error | undefined>[];
  readonly #startWorker: () => Promise<Pid>;
  #live: number;
  #closing: Promise<void> | undefined;
  /** The maps still handing out items: close() lets them finish before the queue ends. */
  readonly #mapping = new Set<Promise<unknown>>();

  /**
   * Spawns `processes` workers, each with `resources` (default {@link Resources.default}).
   * Jobs may be submitted at once; they wait for the first free worker.
   *
   * @example
   * ```ts
   * const pool = new ProcessPool(8, { mem: 512 * Mem.MiB, cpu: Cpu.CORE });
   * ```
   */
  constructor(processes: number, resources: Resources = Resources.default()) {
    if (!Number.isInteger(processes) || processes < 1) {
      throw new RangeError(`new ProcessPool(processes): expected a whole number of processes >= 1, got ${processes}`);
    }
    this.#live = processes;
    this.#startWorker = () => spawn(resources, handMade<(parent: Pid) => unknown>(WORKER, {}));
    this.#workers = Array.from({ length: processes }, () => this.#run(this.#startWorker()));
  }

  /**
   * Runs `job` on a free worker. Resolves with what it returned (awaited, if a promise);
   * rejects with an `Error` of the same name and message as the one it threw (its stack is the
   * remote one), or with a `ConstellationError` if its worker's process died meanwhile (the job
   * is not run again: it may have done part of its work). The pool goes on either way, with a
   * new worker in place of one that died.
   *
   * @example
   * ```ts
   * const n = 40;
   * const fib = await pool.spawn(FnOnce(() => slowFibonacci(n)));
   * ```
   */
  spawn<T>(job: FnOnce<() => T | Promise<T>>): Promise<T> {
    if (!isClosure(job)) {
      throw new TypeError("ProcessPool.spawn(job): the job must be a serializable closure: wrap it in FnOnce(...) and build with the constellation-ts transformer");
    }
    if (this.#closing) throw new ConstellationError("ProcessPool.spawn(job) called after close()");
    return this.#submit<T>(job);
  }

  #submit<T>(job: FnOnce<() => T | Promise<T>>): Promise<T> {
    return new Promise<T>((resolve, reject) => this.#queue.push({ job, resolve: resolve as (value: unknown) => void, reject }));
  }

  /**
   * Runs `work(item)` for every item, spread over the workers, and resolves with the results
   * in the order of `items`. Rejects as soon as one item fails, with that item's error (as
   * {@link ProcessPool.spawn} does); the other items still run. Items are taken from `items`
   * as workers become free, so what waits costs no more than the iterable itself (a job made
   * for each item at once held ~0.9 KB each: 20 000 of them took a 100 MiB root past its limit).
   *
   * @example
   * ```ts
   * const lengths = await pool.map(["a", "bb", "ccc"], Fn((s: string) => s.length)); // [1, 2, 3]
   * ```
   */
  map<I, O>(items: Iterable<I>, work: Fn<(item: I) => O | Promise<O>>): Promise<O[]> {
    if (!isClosure(work)) {
      throw new TypeError("ProcessPool.map(items, work): work must be a serializable closure: wrap it in Fn(...) and build with the constellation-ts transformer");
    }
    if (this.#closing) throw new ConstellationError("ProcessPool.map(items, work) called after close()");
    const iterator = items[Symbol.iterator]();
    const results: O[] = [];
    let taken = 0;
    return new Promise<O[]>((resolve, reject) => {
      // Lanes enough for every worker to hold as many jobs as it may: each takes the next item
      // once its last one is done.
      const lane = async (): Promise<void> => {
        for (let next = iterator.next(); next.done !== true; next = iterator.next()) {
          const at = taken++;
          try {
            results[at] = await this.#submit(handMade<() => O | Promise<O>>(APPLY, { work, item: next.value }));
          } catch (error) {
            reject(error); // the first rejection is the one that counts
          }
        }
      };
      const lanes = Promise.all(Array.from({ length: Math.max(1, this.#live) * PIPELINED }, lane)).then(() => resolve(results), reject);
      this.#mapping.add(lanes);
      void lanes.finally(() => this.#mapping.delete(lanes));
    });
  }

  /**
   * Takes no more jobs, lets the submitted ones finish, then ends the workers and resolves once
   * every one of them has finished cleanly. Rejects if a worker failed in a way no job was told
   * of (it could not be spawned, or did not end cleanly). Calling it again returns the same
   * promise.
   *
   * @example
   * ```ts
   * const pool = new ProcessPool(2);
   * try {
   *   console.log(await pool.spawn(FnOnce(() => "hello")));
   * } finally {
   *   await pool.close();
   * }
   * ```
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  /**
   * Starts {@link ProcessPool.close} without waiting for it (`using pool = new ProcessPool(n)`).
   * Nobody awaits it, so a failure is reported as a process warning.
   *
   * @example
   * ```ts
   * {
   *   using pool = new ProcessPool(2);
   *   await pool.map([1, 2], Fn((x: number) => x + 1));
   * } // the workers end here
   * ```
   */
  [Symbol.dispose](): void {
    this.close().catch((error: Error) => process.emitWarning(error));
  }

  /**
   * {@link ProcessPool.close}, for `await using pool = new ProcessPool(n)`.
   *
   * @example
   * ```ts
   * await using pool = new ProcessPool(2);
   * console.log(await pool.spawn(FnOnce(() => 42)));
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutDown(): Promise<void> {
    // Items of maps under way were submitted with them: they run before the workers end.
    while (this.#mapping.size > 0) await Promise.all(this.#mapping);
    this.#queue.end();
    // Workers that replace lost ones join the list while the others finish.
    const failures: Error[] = [];
    for (let awaited = 0; awaited < this.#workers.length; ) {
      const next = this.#workers.slice(awaited);
      awaited = this.#workers.length;
      for (const e of await Promise.all(next)) if (e !== undefined) failures.push(e);
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} workers of the pool failed`);
  }

  /** Feeds one worker until the queue ends, then ends it. Never rejects (see {@link #workers}). */
  async #run(started: Promise<Pid>): Promise<Error | undefined> {
    let worker: Pid;
    try {
      worker = await started;
    } catch (error) {
      return this.#lost(error);
    }
    const outcomes = new Receiver<Outcome>(worker);
    try {
      if (!(await this.#feed(worker, outcomes))) return undefined;
      await ended(worker, outcomes);
      return undefined;
    } catch (error) {
      return this.#lost(error);
    } finally {
      outcomes.close();
    }
  }

  /**
   * Sends the worker its tasks and settles each with its answer (they come in order), until the
   * queue ends; closing the job channel then tells the worker to leave its loop. A worker whose
   * jobs come back quickly gets its next one while it still runs the last ({@link QUICK_JOB_MS}):
   * it has it at hand instead of waiting a round trip for it (20 000 tiny jobs on 4 workers took
   * 4.8–7.4 s one at a time, 3.4–4.1 two at a time). Longer jobs go one at a time, so that none
   * waits behind another while a worker is free. Resolves with false if the worker was lost; the
   * tasks it held were told (each may have run, or not: at most once).
   */
  async #feed(worker: Pid, outcomes: Receiver<Outcome>): Promise<boolean> {
    const jobs = new Sender<Job>(worker);
    const held: Task[] = [];
    let quick = false;
    let began = 0; // when the job the worker runs now began, as near as this side can tell
    const lost = (error: unknown): false => {
      const reason = new ConstellationError(`pool worker ${shortPid(worker)} was lost while running a job`, { cause: error });
      for (const task of held.splice(0)) task.reject(reason);
      this.#replace(reason);
      return false;
    };
    try {
      for (;;) {
        const task = held.length === 0 ? await this.#queue.take() : quick && held.length < PIPELINED ? this.#queue.takeNow() : undefined;
        if (task) {
          if (held.length === 0) began = performance.now();
          held.push(task);
          try {
            await jobs.send(task.job);
          } catch (error) {
            return lost(error);
          }
          continue;
        }
        if (held.length === 0) return true;
        let outcome: Outcome;
        try {
          outcome = await outcomes.recv();
        } catch (error) {
          return lost(error);
        }
        const now = performance.now();
        quick = now - began < QUICK_JOB_MS;
        began = now;
        const done = held.shift()!;
        if (outcome.ok) done.resolve(outcome.value);
        else done.reject(remoteError(worker, outcome));
      }
    } finally {
      jobs.close();
    }
  }

  /**
   * A worker died during a job: a new one takes its place while jobs may still come (a worker
   * that could not even be spawned is not replaced: see {@link #lost}).
   */
  #replace(error: Error): void {
    if (this.#queue.drained) this.#lost(error);
    else this.#workers.push(this.#run(this.#startWorker()));
  }

  /** Counts a lost worker; when none is left, every waiting and future job fails. */
  #lost(error: unknown): Error {
    const reason = error instanceof Error ? error : new Error(String(error));
    if (--this.#live === 0) this.#queue.fail(new ConstellationError("every worker of the pool was lost", { cause: reason }));
    return reason;
  }
}

/**
 * Waits for a worker to end its side after its job channel closed: end-of-stream on its
 * outcomes means it left its loop and closed cleanly.
 */
async function ended(worker: Pid, outcomes: Receiver<Outcome>): Promise<void> {
  try {
    await outcomes.recv();
  } catch (error) {
    if (error instanceof ChannelError && error.reason === "closed") return;
    throw error;
  }
  throw new ConstellationError(`pool worker ${shortPid(worker)} answered after its last job`);
}
