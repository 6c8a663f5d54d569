// `constellation run`'s build: one entry file and what it imports, compiled into the project's
// cache folder and reused while nothing changed. A user needs no tsconfig for it.
import ts from "typescript";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { removeManifest, saveManifest } from "./build-cache.js";
import { emitProgram, parseConfig, type BuildResult } from "./driver.js";
import { entryLayout, isBuilt, readJson, type EntryLayout } from "./entry-layout.js";

/** What {@link buildEntry} produced. */
export interface EntryBuild extends BuildResult {
  /** The emitted JavaScript of the entry (run it with `node`). */
  readonly entryJs: string;
  /** Whether the last build was still good, so nothing was compiled. */
  readonly cached: boolean;
}

/** The options of an entry that no tsconfig of the project includes. */
const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  strict: true,
  skipLibCheck: true,
  sourceMap: true,
};

/**
 * Builds `entryFile` and the files it imports, with the closure transformer, into
 * `.constellation/build/` under the project root (the folder of the nearest package.json above
 * the entry), where each output keeps its path relative to the root. The options are those of
 * the nearest tsconfig.json in the project if it includes the entry, else built-in defaults;
 * either way the output is ES modules for Node (module NodeNext), written only when the build
 * has no error. Nothing is compiled when no input file, tsconfig, compiler or transformer
 * changed since the last successful build.
 */
export function buildEntry(entryFile: string): EntryBuild {
  const layout = entryLayout(entryFile);
  const { entryJs } = layout;
  if (isBuilt(layout)) return { entryJs, cached: true, diagnostics: [], failed: false };
  removeManifest(layout.manifestPath);
  const config = configFor(layout);
  const options: ts.CompilerOptions = {
    ...config.options,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    outDir: layout.outDir,
    rootDir: layout.root,
    noEmit: false,
    noEmitOnError: true,
    declaration: false,
    declarationMap: false,
    emitDeclarationOnly: false,
    composite: false,
    incremental: false,
    tsBuildInfoFile: undefined,
    outFile: undefined,
  };
  const host = ts.createCompilerHost(options);
  // Type roots and relative paths then do not depend on where the command was started.
  host.getCurrentDirectory = () => layout.root;
  if (!layout.esm) treatAsEsm(host, layout.packageJson);
  const program = ts.createProgram({ rootNames: [layout.entry], options, host });
  const emitted = emitProgram(program, host);
  const diagnostics = [...config.errors, ...emitted.diagnostics];
  const failed = emitted.failed || diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error);
  if (!failed) {
    markFormat(layout);
    const sources = program.getSourceFiles().filter((sf) => !program.isSourceFileDefaultLibrary(sf)).map((sf) => sf.fileName);
    const packageJson = ts.sys.fileExists(layout.packageJson) ? [layout.packageJson] : [];
    saveManifest(layout.manifestPath, layout.key, [...sources, ...config.files, ...packageJson]);
  }
  return { entryJs, cached: false, diagnostics, failed };
}

interface EntryConfig {
  readonly options: ts.CompilerOptions;
  /** The tsconfig files read: inputs of the build, whether or not they include the entry. */
  readonly files: readonly string[];
  readonly errors: readonly ts.Diagnostic[];
}

/** The options of the nearest tsconfig.json inside the project, if it includes the entry. */
function configFor({ entry, root }: EntryLayout): EntryConfig {
  const found = ts.findConfigFile(dirname(entry), ts.sys.fileExists);
  if (!found || !resolve(found).startsWith(`${root}/`)) return { options: DEFAULT_OPTIONS, files: [], errors: [] };
  const { parsed, errors } = parseConfig(found);
  const files = [found, ...((parsed?.options.configFile as ts.TsConfigSourceFile | undefined)?.extendedSourceFiles ?? [])];
  if (!parsed?.fileNames.some((name) => resolve(name) === entry)) return { options: DEFAULT_OPTIONS, files, errors: [] };
  return { options: parsed.options, files, errors };
}

/**
 * Makes the compiler take the project's .ts files for ES modules although its package.json
 * says CommonJS (or is missing): `await init()` at the top level needs a module.
 */
function treatAsEsm(host: ts.CompilerHost, packageJson: string): void {
  const { fileExists, readFile } = host;
  host.fileExists = (name) => resolve(name) === packageJson || fileExists.call(host, name);
  host.readFile = (name) =>
    resolve(name) === packageJson ? JSON.stringify({ ...readJson(packageJson), type: "module" }) : readFile.call(host, name);
}

/**
 * Makes Node run the cache's .js files as ES modules too. Only where the project is not an ES
 * module package already: a package.json in the cache folder would hide the project's own from
 * the emitted files, and with it the package's self-reference (`import "constellation-ts"` in
 * constellation-ts itself).
 */
function markFormat({ outDir, esm }: EntryLayout): void {
  const marker = join(outDir, "package.json");
  if (esm) rmSync(marker, { force: true });
  else {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(marker, '{ "type": "module" }\n');
  }
}
