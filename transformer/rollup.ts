// The rollup plugin ("constellation-ts/rollup"): @rollup/plugin-typescript with the closure
// transformer in its emit. That plugin has no way to report a transformer's diagnostics, so ours
// are collected during its emit and raised from our own hooks right after it.
import ts from "typescript";
import typescriptPlugin, { type RollupTypescriptOptions } from "@rollup/plugin-typescript";
import type { FunctionPluginHooks, Plugin, PluginContext, RollupLog } from "rollup";
import { formatDiagnostics } from "./format-diagnostics.js";
import { createClosureTransformer } from "./transform.js";

// Its types describe a CommonJS module with a `default` property, but Node loads its ES build,
// whose default export is the factory itself.
const typescript = typescriptPlugin as unknown as typeof typescriptPlugin.default;

/** @rollup/plugin-typescript's options, except the compiler and transformers, which are ours. */
export type ConstellationRollupOptions = Omit<RollupTypescriptOptions, "typescript" | "transformers">;

/**
 * A rollup plugin that compiles TypeScript with the closure transformer (using the package's own
 * TypeScript 5.9). Our errors fail the build through `this.error`, our warnings go to
 * `this.warn`; the compiler's own diagnostics are reported as @rollup/plugin-typescript does
 * (errors only under `noEmitOnError`).
 *
 * @example
 * ```js
 * import constellation from "constellation-ts/rollup";
 * export default { input: "src/main.ts", output: { dir: "bundle", format: "es" }, plugins: [constellation()] };
 * ```
 */
export default function constellation(options: ConstellationRollupOptions = {}): Plugin {
  const pending: ts.Diagnostic[] = [];
  const inner = typescript({
    ...options,
    typescript: ts,
    transformers: {
      before: [{ type: "program", factory: (program) => createClosureTransformer({ ts, program, report: (d) => pending.push(d) }) }],
    },
  });
  // The typescript plugin's hooks are plain functions.
  const hooks = inner as Pick<FunctionPluginHooks, "buildStart" | "load">;

  function raise(context: PluginContext): void {
    const diagnostics = pending.splice(0);
    for (const d of diagnostics.filter((d) => d.category !== ts.DiagnosticCategory.Error)) context.warn(toLog(d));
    const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) context.error({ ...toLog(errors[0]!), message: formatDiagnostics(errors, false, ts).trimEnd() });
  }

  return {
    ...inner,
    name: "constellation",
    // The first emit happens in buildStart; a watch-mode rebuild emits before the next load.
    async buildStart(rollupOptions) {
      await hooks.buildStart.call(this, rollupOptions);
      raise(this);
    },
    async load(id) {
      const output = await hooks.load.call(this, id);
      raise(this);
      return output;
    },
  };
}

function toLog(d: ts.Diagnostic): RollupLog {
  const log: RollupLog = { message: formatDiagnostics([d], false, ts).trimEnd(), pluginCode: `TS${d.code}` };
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    log.loc = { file: d.file.fileName, line: line + 1, column: character };
  }
  return log;
}
