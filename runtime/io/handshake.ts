// The first frames of every peer connection. The acceptor opens with a challenge; the dialler
// answers with its hello, which proves it knows the run's secret; the acceptor's welcome proves
// the same back (a mutual challenge–response, as on the fabric connection: SPEC §6), so a
// process outside the run can neither inject messages nor pose as a peer.
// Both ends must also speak the same codec, and the v8.serialize format follows Node and V8, so
// all three versions must match. The dialler names the pid it means to reach: a port reused by
// another process is not mistaken for the old one.

import { CODEC_VERSION } from "../codec/index.js";
import { AuthError, checkProof, newNonce, proof } from "../fabric/auth.js";
import type { Pid } from "../pid.js";

/** Acceptor → dialler, first frame. */
export interface Challenge {
  readonly nonce: string;
}

/** Dialler → acceptor, answer to the challenge. */
export interface Hello {
  readonly codec: number;
  readonly node: string;
  readonly v8: string;
  readonly from: Pid;
  readonly to: Pid;
  readonly nonce: string;
  /** HMAC(secret, "dialler", challenge nonce, this nonce). */
  readonly proof: string;
}

/**
 * Acceptor → dialler, answer to Hello. "duplicate": the acceptor's own connection to the dialler
 * wins. An accepting welcome carries HMAC(secret, "acceptor", hello nonce, challenge nonce).
 */
export type Welcome =
  | { readonly ok: true; readonly proof: string }
  | { readonly ok: false; readonly reason: "duplicate" | "refused"; readonly message: string };

/** The challenge an acceptor opens with; it keeps the nonce to check the hello. */
export function challenge(): Challenge {
  return { nonce: newNonce() };
}

/** The dialler's hello answering challenge `c`. */
export function hello(from: Pid, to: Pid, secret: string, c: Challenge): Hello {
  const nonce = newNonce();
  return { codec: CODEC_VERSION, node: process.versions.node, v8: process.versions.v8, from, to, nonce, proof: proof(secret, "dialler", c.nonce, nonce) };
}

/** Why the acceptor `self`, which sent challenge `c`, must refuse `h`, or undefined when it may accept it. */
export function helloProblem(h: unknown, self: Pid, secret: string, c: Challenge): string | undefined {
  const m = h as Partial<Hello> | null;
  if (typeof m !== "object" || m === null || typeof m.from !== "string" || typeof m.to !== "string" || typeof m.nonce !== "string") {
    return "malformed hello";
  }
  try {
    checkProof(proof(secret, "dialler", c.nonce, m.nonce), m.proof);
  } catch (e) {
    return (e as AuthError).message;
  }
  if (m.codec !== CODEC_VERSION) return `codec version ${String(m.codec)}, expected ${CODEC_VERSION}`;
  if (m.node !== process.versions.node || m.v8 !== process.versions.v8) {
    return `node ${String(m.node)} / v8 ${String(m.v8)}, expected node ${process.versions.node} / v8 ${process.versions.v8}`;
  }
  if (m.to !== self) return `addressed to ${m.to}, this is ${self}`;
  return undefined;
}

/** The accepting welcome for hello `h`, answering challenge `c`. */
export function welcome(secret: string, h: Hello, c: Challenge): Welcome {
  return { ok: true, proof: proof(secret, "acceptor", h.nonce, c.nonce) };
}

/** Throws {@link AuthError} unless accepting welcome `w` answers hello `h` to challenge `c`. */
export function checkWelcome(w: Welcome & { ok: true }, secret: string, h: Hello, c: Challenge): void {
  checkProof(proof(secret, "acceptor", h.nonce, c.nonce), w.proof);
}
