// The record of one cached build: which files went in, and under which settings. A build is
// reused when the settings are the same and every input still has the same content; the mtime
// is compared first so an unchanged tree costs one stat per file.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

interface Input {
  readonly mtimeMs: number;
  readonly sha256: string;
}

interface Manifest {
  readonly key: string;
  readonly inputs: Record<string, Input>;
}

/** The SHA-256 (hex) of a string, for cache keys. */
export function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Whether the build recorded at `manifestPath` is still good: made under the same `key`, every
 * output still there, and no input changed since.
 */
export function isFresh(manifestPath: string, key: string, outputs: readonly string[]): boolean {
  const manifest = read(manifestPath);
  if (manifest?.key !== key || !outputs.every((path) => existsSync(path))) return false;
  return Object.entries(manifest.inputs).every(([path, input]) => unchanged(path, input));
}

/** Records a successful build made under `key` from `inputs`. */
export function saveManifest(manifestPath: string, key: string, inputs: readonly string[]): void {
  const manifest: Manifest = {
    key,
    inputs: Object.fromEntries(inputs.map((path) => [path, { mtimeMs: statSync(path).mtimeMs, sha256: hashFile(path) }])),
  };
  mkdirSync(dirname(manifestPath), { recursive: true });
  // Another `constellation run` of the same entry may read it meanwhile: never show a torn file.
  const partial = `${manifestPath}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(manifest));
  renameSync(partial, manifestPath);
}

/** Forgets a build (before rebuilding, so a failed build is never taken for a good one). */
export function removeManifest(manifestPath: string): void {
  rmSync(manifestPath, { force: true });
}

function read(path: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

function unchanged(path: string, input: Input): boolean {
  try {
    return statSync(path).mtimeMs === input.mtimeMs || hashFile(path) === input.sha256;
  } catch {
    return false;
  }
}

function hashFile(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}
