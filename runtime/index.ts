// The public API of constellation-ts (SPEC.md section 2).
export { init, pid, resources } from "./process/init.js";
export { spawn, trySpawn } from "./process/spawn.js";
export { Sender } from "./channel/sender.js";
export { Receiver } from "./channel/receiver.js";
export { select } from "./channel/select.js";
export type { Blockable } from "./blockable.js";
export { FnOnce, FnMut, Fn } from "./closure.js";
export { Resources, Mem, Cpu, parseMem } from "./resources.js";
export { type Pid, shortPid } from "./pid.js";
export { ConstellationError, SpawnError, ChannelError, SchemaError, type ChannelErrorReason } from "./errors.js";
export { ProcessPool } from "./pool.js";
