// The first frames of every peer connection. Both ends must speak the same codec, and the
// v8.serialize format follows Node and V8, so all three versions must match. The dialler names
// the pid it means to reach: a port reused by another process is not mistaken for the old one.

import { CODEC_VERSION } from "../codec/index.js";
import type { Pid } from "../pid.js";

/** Dialler → acceptor. */
export interface Hello {
  readonly codec: number;
  readonly node: string;
  readonly v8: string;
  readonly from: Pid;
  readonly to: Pid;
  /** Reserved for the secret's challenge–response (SPEC §6); null until it is implemented. */
  readonly auth: null;
}

/** Acceptor → dialler. "duplicate": the acceptor's own connection to the dialler wins. */
export type Welcome = { readonly ok: true } | { readonly ok: false; readonly reason: "duplicate" | "refused"; readonly message: string };

export function hello(from: Pid, to: Pid): Hello {
  return { codec: CODEC_VERSION, node: process.versions.node, v8: process.versions.v8, from, to, auth: null };
}

/** Why the acceptor `self` must refuse `h`, or undefined when it may accept it. */
export function helloProblem(h: unknown, self: Pid): string | undefined {
  const m = h as Partial<Hello> | null;
  if (typeof m !== "object" || m === null || typeof m.from !== "string" || typeof m.to !== "string") return "malformed hello";
  if (m.codec !== CODEC_VERSION) return `codec version ${String(m.codec)}, expected ${CODEC_VERSION}`;
  if (m.node !== process.versions.node || m.v8 !== process.versions.v8) {
    return `node ${String(m.node)} / v8 ${String(m.v8)}, expected node ${process.versions.node} / v8 ${process.versions.v8}`;
  }
  if (m.to !== self) return `addressed to ${m.to}, this is ${self}`;
  return undefined;
}
