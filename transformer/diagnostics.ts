// TypeScript diagnostics for what a serializable closure or a typed channel cannot do. Codes are
// in the 90000 range so they never collide with the compiler's own.
import type ts from "typescript";

/** The code of each constellation-ts diagnostic (stable: users may filter on them). */
export const DiagnosticCode = {
  This: 90001,
  Arguments: 90002,
  Super: 90003,
  NewTarget: 90004,
  Generator: 90005,
  AssignmentToCapture: 90006,
  TemporalDeadZone: 90007,
  DeclaredAfterInit: 90008,
  MutableModuleVariable: 90009,
  CaptureType: 90010,
  ChannelType: 90011,
  NotAFunctionLiteral: 90012,
} as const;

/** One of {@link DiagnosticCode}'s values. */
export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

/** Whether a diagnostic stops the build or only informs. */
export type Severity = "error" | "warning";

/** Creates a diagnostic located at `node` (its text without leading trivia). */
export function diagnosticAt(
  tsi: typeof ts,
  node: ts.Node,
  severity: Severity,
  code: DiagnosticCode,
  message: string,
): ts.Diagnostic {
  const file = node.getSourceFile();
  const start = node.getStart(file);
  return {
    file,
    start,
    length: node.getEnd() - start,
    category: severity === "error" ? tsi.DiagnosticCategory.Error : tsi.DiagnosticCategory.Warning,
    code,
    messageText: message,
  };
}

/** Drops repeats: a nested closure's problem is also its outer closure's, at the same place. */
export function uniqueDiagnostics(diagnostics: readonly ts.Diagnostic[]): ts.Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.start}:${d.code}:${String(d.messageText)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
