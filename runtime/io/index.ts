// The entry points of the I/O layer for the process layer (init, spawn) and the channels.
import { installDriver, Pending, type Blockable } from "../blockable.js";
import { ConstellationError, SpawnError } from "../errors.js";
import type { Pid } from "../pid.js";
import type { Resources } from "../resources.js";
import { Links } from "../channel/links.js";
import { boot, takePrestarted, type IoOptions } from "./boot.js";
import { THREAD_FILE } from "./built.js";
import { Host } from "./host.js";
import { budgetOf, Command, IO_FAILED, IO_RUNNING, IO_STARTING, LARGE_MESSAGE, Word } from "./shared.js";

interface Io {
  readonly pid: Pid;
  readonly host: Host;
  readonly links: Links;
  readonly spawns: Map<number, { readonly pending: Pending<Pid>; readonly resources: Resources }>;
  nextSpawn: number;
}

let io: Io | undefined;

/** How long startIo waits for the I/O thread to come up (long: a loaded machine starting a whole process tree is slow). */
const START_TIMEOUT_MS = 120_000;

/**
 * Starts this process's I/O thread (adopting the listener on `listenFd` and connecting to the
 * fabric), or adopts the one started ahead for the same options; returns once it runs. Before
 * the process exits, everything it sent is acknowledged by its receivers or reported lost.
 * `mem` is the process's memory, which bounds what it holds of its peers' messages.
 */
export function startIo(opts: IoOptions, mem: number): void {
  if (io) throw new ConstellationError("the I/O thread is already running (init() called twice?)");
  const { worker, shared, port, returns } = takePrestarted(opts) ?? boot(opts, THREAD_FILE);
  const words = new Int32Array(shared.words);
  Atomics.wait(words, Word.State, IO_STARTING, START_TIMEOUT_MS);
  const state = Atomics.load(words, Word.State);
  if (state !== IO_RUNNING) {
    void worker.terminate();
    throw new ConstellationError(state === IO_FAILED ? "the I/O thread failed to start (see stderr)" : "the I/O thread did not start in time");
  }
  const spawns: Io["spawns"] = new Map();
  let links: Links | undefined;
  const host = new Host(shared, port, returns, {
    link: (id, pid) => links!.link(id, pid),
    data: (id, buf, start, end) => links!.data(id, buf, start, end),
    dataLarge: (id, bytes) => links!.dataLarge(id, bytes),
    end: (id) => links!.end(id),
    lost: (id, reason) => links!.lost(id, reason),
    credit: (id, bytes) => links!.credit(id, bytes),
    spawned(request, pid) {
      spawns.get(request)?.pending.resolve(pid as Pid);
      spawns.delete(request);
    },
    spawnFailed(request, message) {
      const s = spawns.get(request);
      s?.pending.reject(new SpawnError(message, s.resources));
      spawns.delete(request);
    },
  });
  links = new Links(host, opts.pid, mem);
  io = { pid: opts.pid, host, links, spawns, nextSpawn: 1 };
  host.command(Command.Start, budgetOf(mem));
  installDriver(host);
  process.on("exit", flushAtExit);
}

/** This process's pid. */
export function ownPid(): Pid {
  return running().pid;
}

/** The running I/O layer (for the channels). */
export function running(): Io {
  if (!io) throw new ConstellationError("call init() first");
  return io;
}

/**
 * Asks the fabric to start a process with `resources`, handing it `arg` (the codec's encoding
 * of its spawn argument) on its fd 3. Resolves with its pid once it runs.
 */
export function requestSpawn(resources: Resources, arg: Uint8Array): Blockable<Pid> {
  const { host, spawns } = running();
  const id = running().nextSpawn++;
  const pending = new Pending<Pid>();
  spawns.set(id, { pending, resources });
  // The child's environment is this process's as it is now (SPEC §4), not the one it started with.
  const json = Buffer.from(JSON.stringify({ resources: { mem: resources.mem, cpu: resources.cpu }, env: process.env }), "utf8");
  const onPort = arg.length >= LARGE_MESSAGE;
  const payload = Buffer.allocUnsafe(5 + json.length + (onPort ? 0 : arg.length));
  payload.writeUInt32LE(json.length, 0);
  json.copy(payload, 4);
  payload[4 + json.length] = onPort ? 1 : 0;
  if (onPort) host.transfer(arg, false);
  else payload.set(arg, 5 + json.length);
  host.command(Command.Spawn, id, payload);
  return pending.promise;
}

/**
 * Runs in process.on("exit"): ends every open Sender, then waits (Atomics.wait: no event loop
 * runs any more) until the I/O thread has every message acknowledged or its receiver gone.
 */
function flushAtExit(): void {
  const current = io;
  if (!current) return;
  try {
    for (const link of current.links.all()) link.sender?.close();
    while ([...current.links.all()].some((l) => l.sending)) current.host.step();
    current.host.command(Command.Flush, 0);
    while (!current.host.flushed) current.host.step();
  } catch (e) {
    process.stderr.write(`constellation: could not flush channels at exit: ${(e as Error).message}\n`);
  }
}
