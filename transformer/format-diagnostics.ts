// Diagnostics printed the way tsc prints them, so editors' and CI's problem matchers pick ours up
// along with the compiler's.
import type ts from "typescript";
import { createRequire } from "node:module";

/**
 * Formats diagnostics as tsc does: with colour and the source line for a terminal, otherwise one
 * `file(line,col): error TS90001: message` line each (paths relative to the current folder).
 * `tsi` is the compiler to format with: under ts-patch it must be ts-patch's (`extras.ts`); by
 * default the package's own, loaded only then.
 */
export function formatDiagnostics(diagnostics: readonly ts.Diagnostic[], color: boolean, tsi: typeof ts = ownCompiler()): string {
  const host: ts.FormatDiagnosticsHost = {
    getCurrentDirectory: () => tsi.sys.getCurrentDirectory(),
    getCanonicalFileName: (name) => (tsi.sys.useCaseSensitiveFileNames ? name : name.toLowerCase()),
    getNewLine: () => tsi.sys.newLine,
  };
  return color ? tsi.formatDiagnosticsWithColorAndContext(diagnostics, host) : tsi.formatDiagnostics(diagnostics, host);
}

/** Writes {@link formatDiagnostics} to `stream`, in colour when it is a terminal. */
export function printDiagnostics(diagnostics: readonly ts.Diagnostic[], stream: NodeJS.WriteStream = process.stderr): void {
  if (diagnostics.length > 0) stream.write(formatDiagnostics(diagnostics, stream.isTTY === true));
}

function ownCompiler(): typeof ts {
  return createRequire(import.meta.url)("typescript") as typeof ts;
}
