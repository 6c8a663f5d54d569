import type { Blockable } from "../blockable.js";
import { type FnOnce, isClosure } from "../closure.js";
import { encode } from "../codec/index.js";
import { parseResources } from "../fabric/resources-json.js";
import { ownPid, requestSpawn } from "../io/index.js";
import type { Pid } from "../pid.js";
import { Resources } from "../resources.js";
import { initialized } from "./init.js";

/** What a spawned process runs: a serializable closure called with its parent's pid. */
export type SpawnClosure = FnOnce<(parent: Pid) => unknown>;

/**
 * Starts a new process running `closure(parentPid)`: on this machine in a local run, or, under
 * deploy, on a node with `resources` free (waiting for room). Resolves with the new process's
 * pid once it is started. `resources` defaults to {@link Resources.default}.
 *
 * @example
 * ```ts
 * const child = await spawn(Resources.default(), FnOnce((parent: Pid) => {
 *   new Sender<string>(parent).send("hello").block();
 * }));
 * console.log(new Receiver<string>(child).recv().block()); // "hello"
 * ```
 */
export function spawn(resources: Resources, closure: SpawnClosure): Blockable<Pid>;
export function spawn(closure: SpawnClosure): Blockable<Pid>;
export function spawn(first: Resources | SpawnClosure, second?: SpawnClosure): Blockable<Pid> {
  return second === undefined ? request("spawn", Resources.default(), first) : request("spawn", first, second);
}

/**
 * Like {@link spawn}, but under deploy it rejects at once with `SpawnError` when no node has room
 * now. In a local run there is no capacity accounting, so it behaves as `spawn`.
 *
 * @example
 * ```ts
 * try {
 *   await trySpawn({ mem: 64 * Mem.GiB, cpu: 4 }, FnOnce(() => crunch()));
 * } catch (e) {
 *   if (e instanceof SpawnError) console.log("no room now, try later");
 * }
 * ```
 */
export function trySpawn(resources: Resources, closure: SpawnClosure): Blockable<Pid> {
  return request("trySpawn", resources, closure);
}

function request(name: "spawn" | "trySpawn", resources: unknown, closure: unknown): Blockable<Pid> {
  initialized();
  const checked = parseResources(resources);
  if (checked === undefined) {
    throw new TypeError(`${name}(resources, closure): resources must be { mem: whole bytes >= 0, cpu: cores >= 0 }, got ${JSON.stringify(resources)}`);
  }
  if (!isClosure(closure)) {
    throw new TypeError(`${name}(...): the closure must be serializable: wrap it in FnOnce(...) and build with the constellation-ts transformer`);
  }
  return requestSpawn(checked, encode({ parent: ownPid(), closure }));
}
