// What a spawned process reads on fd 3: first its assignment (the resources it was spawned with,
// a length-prefixed JSON header), then its spawn argument, to the end. The header comes through
// the pipe rather than the environment so that the fabric can start a process before it knows
// what that process will be asked to do (a spare, runtime/fabric/spare.ts): the preload reads it,
// blocking, before any of the program's modules load.
import { readSync } from "node:fs";
import { resourcesJson } from "../fabric/resources-json.js";
import type { Resources } from "../resources.js";

/** The fd a child's assignment and spawn argument arrive on (docs/design.md §3). */
export const SPAWN_ARG_FD = 3;

/** The bytes the fabric writes on a child's fd 3. */
export function assignmentBytes(resources: Resources, arg: Uint8Array): Buffer[] {
  const header = Buffer.from(resourcesJson(resources));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return [length, header, Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength)];
}

/**
 * Reads the assignment from fd 3, waiting for it, and returns its resources as JSON (the
 * spawn argument stays in the pipe for init()); undefined when the pipe ends first: the fabric
 * that started this process is gone.
 */
export function readAssignment(): string | undefined {
  const length = readExactly(4);
  if (length === undefined) return undefined;
  return readExactly(length.readUInt32BE(0))?.toString("utf8");
}

function readExactly(n: number): Buffer | undefined {
  const buf = Buffer.alloc(n);
  for (let at = 0; at < n; ) {
    const got = readSync(SPAWN_ARG_FD, buf, at, n - at, null);
    if (got === 0) return undefined;
    at += got;
  }
  return buf;
}
