// The ts-patch entry ("constellation-ts/transformer"): `tspc` with
// `"plugins": [{ "transform": "constellation-ts/transformer" }]` in a tsconfig runs the closure
// transformer. ts-patch runs its own copy of the compiler (`extras.ts`); nodes or flags of any
// other copy do not mix with it, so this module imports TypeScript for its types only.
import type ts from "typescript";
import { formatDiagnostics } from "./format-diagnostics.js";
import { createClosureTransformer } from "./transform.js";

/** What ts-patch 3 hands a source transformer (its `TransformerExtras`, the parts we use). */
export interface TsPatchExtras {
  /** The compiler that is running. */
  readonly ts: typeof ts;
  /** Adds a diagnostic to the emit's, so `tspc` prints it and fails. */
  addDiagnostic(diagnostic: ts.Diagnostic): number;
}

/** The compiler lines the transformer is built and tested for (closures.md 1.3). */
const SUPPORTED = ["5.9", "6.0"];

/**
 * The ts-patch source transformer: the closure transformer, reporting errors through
 * `extras.addDiagnostic` (shown at emit only: use `constellation check` for a check without
 * emitting). Warnings are printed where tsc prints its diagnostics instead: tsc fails a build
 * on any diagnostic it is given, whatever its category.
 *
 * @throws Error when the running TypeScript is not 5.9 or 6.0.
 */
export default function constellationTransformer(program: ts.Program, _config: unknown, extras: TsPatchExtras): ts.TransformerFactory<ts.SourceFile> {
  const { versionMajorMinor, version } = extras.ts;
  if (!SUPPORTED.includes(versionMajorMinor)) {
    throw new Error(
      `constellation-ts/transformer supports TypeScript ${SUPPORTED.join(" and ")}, but ts-patch is running TypeScript ${version}: ` +
        `install typescript@5.9 in this project, or build with \`npx constellation build\` (it uses its own TypeScript 5.9).`,
    );
  }
  const tsi = extras.ts;
  const report = (d: ts.Diagnostic): void => {
    if (d.category === tsi.DiagnosticCategory.Error) extras.addDiagnostic(d);
    else tsi.sys.write(formatDiagnostics([d], tsi.sys.writeOutputIsTTY?.() ?? false, tsi));
  };
  return createClosureTransformer({ ts: tsi, program, report });
}
