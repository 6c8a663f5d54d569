// Our own build driver, the main build path (closures.md, Recommendation 3): the same steps as
// `tsc -p`, with the closure transformer in the emit. It uses the package's own pinned compiler
// whatever the user's project has installed.
import ts from "typescript";
import { join } from "node:path";
import { checkProgram, createClosureTransformer } from "./transform.js";

/** What a build or a check produced. */
export interface BuildResult {
  /** TypeScript's own diagnostics (configuration, syntax, types, emit), then ours. */
  readonly diagnostics: readonly ts.Diagnostic[];
  /** Whether the build failed: any diagnostic is an error, or the emit was skipped. */
  readonly failed: boolean;
}

/** `tsc -p tsconfigPath` with the closure transformer: writes the outputs the tsconfig names. */
export function buildProject(tsconfigPath: string): BuildResult {
  const config = parseConfig(tsconfigPath);
  if (!config.parsed) return finish(config.errors);
  const { fileNames, options, projectReferences } = config.parsed;
  const host = ts.createCompilerHost(options);
  const program = ts.createProgram({ rootNames: fileNames, options, projectReferences, host });
  const result = emitProgram(program, host);
  return finish([...config.errors, ...result.diagnostics], result.failed);
}

/**
 * Type-checks the project and runs the closure analysis without emitting anything (transformers
 * never run under `noEmit`, so `tsc --noEmit` with a plugin cannot do this).
 */
export function checkProject(tsconfigPath: string): BuildResult {
  const config = parseConfig(tsconfigPath);
  if (!config.parsed) return finish(config.errors);
  const { fileNames, options, projectReferences } = config.parsed;
  const program = ts.createProgram({ rootNames: fileNames, options, projectReferences });
  return finish([...config.errors, ...ts.getPreEmitDiagnostics(program), ...checkProgram({ ts, program })]);
}

/**
 * Emits `program` through the closure transformer, writing with `host`. Our diagnostics arise
 * during the emit, so under `noEmitOnError` the outputs are held back until they are known.
 */
export function emitProgram(program: ts.Program, host: ts.CompilerHost): BuildResult {
  const pre = ts.getPreEmitDiagnostics(program);
  const { noEmit, noEmitOnError } = program.getCompilerOptions();
  const holdBack = noEmitOnError === true;
  if (noEmit || (holdBack && hasError(pre))) {
    // TypeScript skips the emit, so the transformer never sees the files: analyse them instead.
    return finish([...pre, ...checkProgram({ ts, program })]);
  }
  const ours: ts.Diagnostic[] = [];
  const held: Parameters<ts.WriteFileCallback>[] = [];
  const write: ts.WriteFileCallback = holdBack ? (...args) => void held.push(args) : host.writeFile;
  const emitted = program.emit(undefined, write, undefined, false, {
    before: [createClosureTransformer({ ts, program, report: (d) => ours.push(d) })],
  });
  const result = finish([...pre, ...emitted.diagnostics, ...ours], emitted.emitSkipped);
  if (!result.failed) for (const args of held) host.writeFile(...args);
  return result;
}

interface Config {
  readonly parsed: ts.ParsedCommandLine | undefined;
  readonly errors: ts.Diagnostic[];
}

/** Reads a tsconfig (a file, or a folder holding tsconfig.json, as `tsc -p` accepts). */
export function parseConfig(tsconfigPath: string): Config {
  const file = ts.sys.directoryExists(tsconfigPath) ? join(tsconfigPath, "tsconfig.json") : tsconfigPath;
  const errors: ts.Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(file, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => void errors.push(d),
  });
  return { parsed, errors: [...errors, ...(parsed?.errors ?? [])] };
}

function finish(diagnostics: readonly ts.Diagnostic[], failed = false): BuildResult {
  return { diagnostics, failed: failed || hasError(diagnostics) };
}

function hasError(diagnostics: readonly ts.Diagnostic[]): boolean {
  return diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error);
}
