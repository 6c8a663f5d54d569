// Entry points for the build drivers (CLI, ts-patch, rollup). Everything here uses the compiler
// instance handed in (`ctx.ts`), never an `import "typescript"` of its own: ts-patch runs its own
// copy of the compiler, and nodes or flags from another copy do not mix with it.
import type ts from "typescript";
import { analyzeSourceFile, PackageLocator } from "./analyze.js";
import { rewriteSourceFile } from "./rewrite.js";

/** What a build driver provides to the transformer. */
export interface TransformContext {
  /** The compiler instance that built `program`. */
  ts: typeof import("typescript");
  program: import("typescript").Program;
  /** Receives every diagnostic (errors and warnings) of each file as it is transformed. */
  report(d: import("typescript").Diagnostic): void;
}

/**
 * The `before` transformer: analyses each source file, reports its diagnostics, and rewrites
 * its closures and typed channels (docs/design.md section 1).
 *
 * @example
 * ```ts
 * program.emit(undefined, undefined, undefined, false, {
 *   before: [createClosureTransformer({ ts, program, report: (d) => diagnostics.push(d) })],
 * });
 * ```
 */
export function createClosureTransformer(ctx: TransformContext): ts.TransformerFactory<ts.SourceFile> {
  const checker = ctx.program.getTypeChecker();
  const packages = new PackageLocator(ctx.ts);
  return (context) => (sourceFile) => {
    if (sourceFile.isDeclarationFile) return sourceFile;
    const analysis = analyzeSourceFile({ ts: ctx.ts, program: ctx.program, checker, sourceFile, packages });
    for (const d of analysis.diagnostics) ctx.report(d);
    return rewriteSourceFile(ctx.ts, context, sourceFile, analysis);
  };
}

/**
 * The analysis alone of every source file of the program that is not a declaration file or a
 * dependency's, for `constellation check` (transformers never run under `--noEmit`).
 */
export function checkProgram(ctx: Omit<TransformContext, "report">): ts.Diagnostic[] {
  const checker = ctx.program.getTypeChecker();
  const packages = new PackageLocator(ctx.ts);
  return ctx.program
    .getSourceFiles()
    .filter((sf) => !sf.isDeclarationFile && !ctx.program.isSourceFileFromExternalLibrary(sf))
    .flatMap((sourceFile) => analyzeSourceFile({ ts: ctx.ts, program: ctx.program, checker, sourceFile, packages }).diagnostics);
}
