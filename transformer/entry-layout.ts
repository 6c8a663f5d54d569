// Where an entry's build goes in the project's cache, and whether the last one is still good.
// Nothing here loads the compiler: loading it takes longer than starting most programs, and a
// `constellation run` of an unchanged program should not pay for it.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { digest, isFresh } from "./build-cache.js";

/** Where builds are cached, relative to the project root. */
export const CACHE_DIR = ".constellation/build";

/** The places and settings of one entry's build. */
export interface EntryLayout {
  /** The entry file (absolute). */
  readonly entry: string;
  /** The project root: the folder of the nearest package.json above the entry, else the entry's. */
  readonly root: string;
  readonly packageJson: string;
  /** Whether Node already runs the root's .js files as ES modules. */
  readonly esm: boolean;
  /** `CACHE_DIR` under the root: outputs keep their paths relative to the root there. */
  readonly outDir: string;
  /** The emitted JavaScript of the entry. */
  readonly entryJs: string;
  readonly manifestPath: string;
  /**
   * Identifies the settings the build depends on besides its input files: the compiler, the
   * transformer, the module format, and which tsconfig.json files could apply.
   */
  readonly key: string;
}

/** Lays out the build of `entryFile`. */
export function entryLayout(entryFile: string): EntryLayout {
  const entry = resolve(entryFile);
  const packageJson = findUp(dirname(entry), "package.json");
  const root = packageJson ? dirname(packageJson) : dirname(entry);
  const esm = packageJson !== undefined && readJson(packageJson)?.type === "module";
  const outDir = join(root, CACHE_DIR);
  const entryJs = join(outDir, relative(root, entry)).replace(/\.([cm]?)tsx?$/, ".$1js");
  const key = digest(JSON.stringify({ compiler: compilerVersion(), transformer: transformerStamp(), esm, tsconfigs: tsconfigsInReach(entry, root) }));
  return { entry, root, packageJson: packageJson ?? join(root, "package.json"), esm, outDir, entryJs, manifestPath: `${entryJs}.manifest.json`, key };
}

/** Whether the last build of this entry is still good: same settings, no input changed. */
export function isBuilt(layout: EntryLayout): boolean {
  return isFresh(layout.manifestPath, layout.key, [layout.entryJs]);
}

/** The tsconfig.json files from the entry's folder up to the root: the nearest one may apply. */
function tsconfigsInReach(entry: string, root: string): string[] {
  const found: string[] = [];
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "tsconfig.json"))) found.push(join(dir, "tsconfig.json"));
    if (dir === root || dirname(dir) === dir) return found;
  }
}

function compilerVersion(): unknown {
  return readJson(createRequire(import.meta.url).resolve("typescript/package.json"))?.version;
}

/**
 * The package version and a digest of the transformer's files, so that a changed transformer in
 * a checkout invalidates the cache too (contents, not mtimes: every tsc run rewrites them all).
 */
function transformerStamp(): string {
  const here = import.meta.dirname;
  const ownPackage = findUp(here, "package.json");
  const version = ownPackage && readJson(ownPackage)?.version;
  const files = readdirSync(here, { recursive: true, encoding: "utf8" }).filter((name) => /\.[jt]s$/.test(name)).sort();
  const hash = createHash("sha256");
  for (const name of files) hash.update(name).update(readFileSync(join(here, name)));
  return `${String(version)}:${hash.digest("hex")}`;
}

function findUp(dir: string, name: string): string | undefined {
  const candidate = join(dir, name);
  if (existsSync(candidate)) return candidate;
  return dirname(dir) === dir ? undefined : findUp(dirname(dir), name);
}

/** A JSON file's top-level object, or undefined when it is missing or not JSON. */
export function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
