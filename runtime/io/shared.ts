// The memory the main thread and the I/O thread share, and the vocabulary of the records they
// exchange through it. Both threads import this file, so the two sides cannot disagree.
import { allocateRing } from "./ring.js";

/** Main → I/O records. Channel records carry a link id (see {@link MAIN_FIRST_ID}) as argument. */
export enum Command {
  /** Names a link: payload is the remote pid (UTF-8). */
  Link = 1,
  /** A Sender to the link's pid was made: a connection is made if there is none. */
  OpenSender,
  /** A Receiver from the link's pid was made: a connection is made if there is none. */
  OpenReceiver,
  /** The Receiver was dropped (messages that still arrive wait for a next one). */
  Drop,
  /** One message: payload is its encoding. */
  Send,
  /** One message too large for the ring: its encoding waits on the message port. */
  SendLarge,
  /** The Sender was closed: the remote sees end-of-stream after everything sent before. */
  End,
  /** The main thread consumed this many more bytes of the link's inbound messages. */
  Consumed,
  /** A spawn request: argument is its id; payload is u32 length + resources JSON + spawn argument. */
  Spawn,
  /** The process is exiting: get everything sent acknowledged, then report {@link Event.Flushed}. */
  Flush,
  /**
   * init() took this thread (perhaps started ahead of it: boot.ts): connect to the fabric. A
   * process that never calls init() never shows up to its fabric. Always the first command.
   */
  Start,
}

/** I/O → main records. */
export enum Event {
  /** Names a link the I/O thread learnt of first (an inbound connection): payload is the pid. */
  Link = 1,
  /** Inbound messages: payload is their data frames as they came (see frame.ts). */
  Data,
  /** One inbound message too large for the ring: its encoding waits on the message port. */
  DataLarge,
  /** The remote closed its Sender: end-of-stream after the messages before. */
  End,
  /** The remote is gone: payload is the reason ("exited" or "connection lost"). */
  Lost,
  /** The I/O thread passed this many more bytes of the link's messages on to the network. */
  Credit,
  /** A spawn succeeded: argument is the request id, payload the new pid. */
  Spawned,
  /** A spawn failed: argument is the request id, payload the message. */
  SpawnFailed,
  /** Everything sent is acknowledged or its receiver is gone (answer to {@link Command.Flush}). */
  Flushed,
}

/**
 * Indexes of the Int32 words shared by the two threads.
 *
 * Sleeping: a thread sets its word to 1, then looks once more for what would wake it, then
 * waits for the word to leave 1. A waker publishes first, then clears the word with a
 * compare-exchange 1 → 0 and, if that succeeded, notifies. The word itself is the value
 * waited on: a waker that cleared it before the wait began makes that wait return at once,
 * so no wake-up can fall between the last look and the wait.
 */
export enum Word {
  /** 1 while the main thread sleeps (or is about to) waiting for events. */
  MainSleeping = 0,
  /**
   * 1 while the I/O thread sleeps (or is about to) waiting for commands or event-ring room;
   * {@link IO_NAPPING} while it naps, coming back by itself (io/thread.ts nap): the main thread
   * wakes it from a nap only when it is about to wait itself.
   */
  IoSleeping = 16,
  /** 1 while the main thread needs Credit events promptly (a send waits for window). */
  CreditWanted = 32,
  /** 1 while the main thread has commands waiting for room in the command ring. */
  CommandSpaceWanted = 48,
  /** 1 while the I/O thread has events waiting for room in the event ring. */
  EventSpaceWanted = 64,
  /** 0 while starting, 1 once the I/O thread runs, 2 once it has failed for good. */
  State = 80,
  /**
   * The words are 64 bytes apart: each on a cache line of its own, so that a thread writing its
   * word does not take from the other the line holding the word it reads at every message.
   */
  Count = 96,
}

export const IO_STARTING = 0;
export const IO_RUNNING = 1;
export const IO_FAILED = 2;

/** Word.IoSleeping while the I/O thread naps. */
export const IO_NAPPING = 2;

/**
 * Ring sizes. The command ring holds a whole send window of small messages (a record costs 12
 * bytes besides the message, the window {@link MESSAGE_OVERHEAD}): a send that does not fit
 * is copied into an object of its own on the main thread, and a stream of those, outliving
 * young-generation collections, took a sender past 200 MiB of RSS.
 */
const COMMAND_RING = 2 << 20;
const EVENT_RING = 1 << 20;

/**
 * Messages at least this large travel between the threads by transfer on a MessagePort instead
 * of being copied through a ring.
 */
export const LARGE_MESSAGE = 256 << 10;

/**
 * What each message counts for in the windows besides its bytes, so that a window also bounds
 * the number of small messages (and the ring records, frames and decoded values they take:
 * a decoded value is often larger than its encoding).
 */
export const MESSAGE_OVERHEAD = 256;

/**
 * How many bytes of one link's messages may be on their way before a send waits. The windows
 * are what a process may buffer per peer on top of its idle ~63 MiB, under the 100 MiB of
 * Resources.default(); 4 MiB keeps 1 MiB messages near full speed.
 */
export const SEND_WINDOW = 4 << 20;
/** How many bytes of one link's inbound messages the main thread may hold unconsumed. */
export const RECEIVE_WINDOW = 4 << 20;

/**
 * What a process may hold of its messages on their way, each way, all peers together: 1/16 of
 * its `mem` (0: unbounded) within 4–64 MiB. A peer fills its window only while the process is
 * within this (io/budget.ts).
 */
export function budgetOf(mem: number): number {
  return mem > 0 ? Math.min(64 << 20, Math.max(4 << 20, Math.floor(mem / 16))) : 64 << 20;
}

/** What each peer may have on its way, each way, whatever the others have. */
export const PEER_FLOOR = 256 << 10;

/** The shared memory of one process's main/I/O pair. */
export interface SharedMemory {
  readonly words: SharedArrayBuffer;
  readonly commands: SharedArrayBuffer;
  readonly events: SharedArrayBuffer;
}

export function allocateShared(): SharedMemory {
  return {
    words: new SharedArrayBuffer(Word.Count * 4),
    commands: allocateRing(COMMAND_RING),
    events: allocateRing(EVENT_RING),
  };
}

/** The link ids the main thread allocates are even, those the I/O thread allocates odd. */
export const MAIN_FIRST_ID = 2;
export const IO_FIRST_ID = 1;

type WaitAsync = (
  typedArray: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> };

/** Atomics.waitAsync (Node 16+; the ES2023 lib this project targets does not declare it). */
const waitAsync: WaitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * Calls `wake` from the event loop once `words[index]` is notified while it holds `value`, or
 * after `timeoutMs`; at the next turn when it no longer holds `value` (never synchronously).
 */
export function wakeWhenNotified(words: Int32Array, index: Word, value: number, wake: () => void, timeoutMs?: number): void {
  const wait = waitAsync(words, index, value, timeoutMs);
  if (wait.async) void wait.value.then(wake);
  else setImmediate(wake);
}
