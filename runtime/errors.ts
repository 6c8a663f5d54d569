import type { Pid } from "./pid.js";
import type { Resources } from "./resources.js";

/**
 * The base class of every error constellation-ts raises.
 *
 * @example
 * ```ts
 * try { await rx.recv(); } catch (e) { if (e instanceof ConstellationError) console.error(e.message); }
 * ```
 */
export class ConstellationError extends Error {
  override name = "ConstellationError";
}

/**
 * A process could not be spawned: no node could ever fit it (`spawn`), or none has room now
 * (`trySpawn`), or the launch failed.
 *
 * @example
 * ```ts
 * try { await trySpawn({ mem: 64 * Mem.GiB, cpu: 1 }, job); } catch (e) { if (e instanceof SpawnError) console.log(e.requested); }
 * ```
 */
export class SpawnError extends ConstellationError {
  override name = "SpawnError";
  constructor(message: string, readonly requested: Resources) {
    super(message);
  }
}

/** Why a channel failed. */
export type ChannelErrorReason = "exited" | "connection lost" | "duplicate" | "closed" | "self";

/**
 * A channel operation failed: the remote exited or its connection was lost, the channel was
 * closed, a second channel to the same pid was made, or a channel to this process itself.
 *
 * @example
 * ```ts
 * try { await rx.recv(); } catch (e) { if (e instanceof ChannelError && e.reason === "closed") console.log("done"); }
 * ```
 */
export class ChannelError extends ConstellationError {
  override name = "ChannelError";
  constructor(message: string, readonly pid: Pid, readonly reason: ChannelErrorReason) {
    super(message);
  }
}

/**
 * A value that arrived does not match its declared TypeScript type. `path` is the JSON pointer
 * into the value (for a closure: starting with the captured variable's name).
 *
 * @example
 * ```ts
 * try { await new Receiver<number>(peer).recv(); } catch (e) { if (e instanceof SchemaError) console.log(e.path); }
 * ```
 */
export class SchemaError extends ConstellationError {
  override name = "SchemaError";
  constructor(message: string, readonly path: string) {
    super(message);
  }
}
