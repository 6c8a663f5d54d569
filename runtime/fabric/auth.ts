// Mutual challenge–response on a fabric control connection (docs/design.md §4), before any
// other frame. Each side proves it knows the run's secret without sending it:
//   F→P {"t":"challenge","nonce":Nf}
//   P→F {"t":"auth","nonce":Np,"proof":HMAC(secret, "process" Nf Np)}
//   F→P {"t":"welcome","proof":HMAC(secret, "fabric" Np Nf)}
// Then P sends {"t":"hello",...}. Nonces are 32 random bytes, hex.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ControlHeader } from "./control-frame.js";

/** The peer failed authentication; the connection must be closed. */
export class AuthError extends Error {
  override name = "AuthError";
}

const NONCE_BYTES = 32;

/** A fresh random nonce (hex) for one challenge. */
export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString("hex");
}

/** Who proves: the role is part of the proof, so one side's proof never serves as the other's. */
export type ProofRole = "process" | "fabric" | "dialler" | "acceptor";

/** HMAC-SHA256 of the two nonces, keyed by the run's secret (hex). */
export function proof(secret: string, role: ProofRole, first: string, second: string): string {
  return createHmac("sha256", Buffer.from(secret, "hex")).update(`${role}\n${first}\n${second}`).digest("hex");
}

function field(header: ControlHeader, t: string, name: string): string {
  if (header.t !== t) throw new AuthError(`expected a "${t}" frame, got "${header.t}"`);
  const value = header[name];
  if (typeof value !== "string" || !/^[0-9a-f]{1,128}$/.test(value)) throw new AuthError(`"${t}" frame has no valid "${name}"`);
  return value;
}

/** Throws {@link AuthError} unless `got` is `expected` (compared in constant time). */
export function checkProof(expected: string, got: unknown): void {
  if (typeof got !== "string" || !/^[0-9a-f]{64}$/.test(got)) throw new AuthError("no valid proof: the peer does not know this run's secret");
  const a = Buffer.from(expected, "hex");
  const b = Buffer.from(got, "hex");
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AuthError("wrong proof: the peer does not know this run's secret");
}

/** The fabric's side: send {@link challenge}, then pass the answer to {@link verify}. */
export class FabricAuth {
  readonly challenge: ControlHeader;
  private readonly nonce = newNonce();

  constructor(private readonly secret: string) {
    this.challenge = { t: "challenge", nonce: this.nonce };
  }

  /** Checks the process's `auth` frame; returns the `welcome` frame to send back. */
  verify(auth: ControlHeader): ControlHeader {
    const theirs = field(auth, "auth", "nonce");
    checkProof(proof(this.secret, "process", this.nonce, theirs), field(auth, "auth", "proof"));
    return { t: "welcome", proof: proof(this.secret, "fabric", theirs, this.nonce) };
  }
}

/** A process's side: answer the fabric's challenge with {@link answer}, then {@link verify} its welcome. */
export class ProcessAuth {
  private readonly nonce = newNonce();
  private theirs: string | undefined;

  constructor(private readonly secret: string) {}

  /** The `auth` frame answering the fabric's `challenge` frame. */
  answer(challenge: ControlHeader): ControlHeader {
    this.theirs = field(challenge, "challenge", "nonce");
    return { t: "auth", nonce: this.nonce, proof: proof(this.secret, "process", this.theirs, this.nonce) };
  }

  /** Checks the fabric's `welcome` frame: it too knows the secret. */
  verify(welcome: ControlHeader): void {
    if (this.theirs === undefined) throw new AuthError("welcome before challenge");
    checkProof(proof(this.secret, "fabric", this.nonce, this.theirs), field(welcome, "welcome", "proof"));
  }
}
