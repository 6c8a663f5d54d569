// Shared by the schema and validator tests: an in-memory program whose declarations give the
// types to walk, and a loader that imports generated validator code as the rewrite inlines it.
import type * as Ts from "typescript";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { envSchema, schemaOf, type JsonSchema, type SchemaContext, type SchemaIssue } from "../../transformer/schema.js";
import { validatorSource } from "../../transformer/validators.js";
import type { Validator } from "../../runtime/validator.js";
import { testCompilerOptions, ts } from "./fixtures/harness.js";

const root = resolve(import.meta.dirname, "../..");
const dir = resolve(root, "test/transformer/.virtual");
const main = join(dir, "main.ts");
// "constellation-ts" is the project's own runtime types: Pid and the closure markers as users see them.
const pkg = join(dir, "constellation-ts.ts");
const PKG_SOURCE = `export { FnOnce, FnMut, Fn } from ${JSON.stringify(resolve(root, "runtime/closure.js"))};
export type { Pid } from ${JSON.stringify(resolve(root, "runtime/pid.js"))};`;

/** A program of one module, `source`, and its types by declared name. */
export interface Declarations {
  readonly ctx: SchemaContext;
  /** The type of the variable or parameter declared as `name`. */
  type(name: string): Ts.Type;
  schema(name: string): { schema: JsonSchema; issues: SchemaIssue[] };
}

/** Compiles `source` (which may import from "constellation-ts"); fails on its type errors. */
export function declarations(source: string): Declarations {
  const options = testCompilerOptions({ "constellation-ts": [pkg] });
  const files = new Map([[main, source], [pkg, PKG_SOURCE]]);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) => {
    const text = files.get(resolve(name));
    return text === undefined ? getSourceFile.call(host, name, version, ...rest) : ts.createSourceFile(name, text, version, true);
  };
  host.fileExists = (name) => files.has(resolve(name)) || fileExists.call(host, name);
  host.readFile = (name) => files.get(resolve(name)) ?? readFile.call(host, name);
  const program = ts.createProgram([main], options, host);
  const sourceFile = program.getSourceFile(main)!;
  const errors = program.getSemanticDiagnostics(sourceFile).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  if (errors.length > 0) throw new Error(`the test source does not compile:\n${errors.join("\n")}`);
  const checker = program.getTypeChecker();
  const named = new Map<string, Ts.Node>();
  const collect = (node: Ts.Node): void => {
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node)) && ts.isIdentifier(node.name)) named.set(node.name.text, node.name);
    ts.forEachChild(node, collect);
  };
  collect(sourceFile);
  const ctx: SchemaContext = { ts, checker, program };
  const type = (name: string) => {
    const node = named.get(name);
    if (!node) throw new Error(`nothing declared as ${name}`);
    return checker.getTypeAtLocation(node);
  };
  return { ctx, type, schema: (name) => schemaOf(ctx, type(name)) };
}

/** The env schema of captures named as declared in `d`. */
export function env(d: Declarations, names: readonly string[]) {
  return envSchema(d.ctx, names.map((name) => ({ name, type: d.type(name) })));
}

/**
 * Imports validator code as a transformed module holds it, with a stand-in for the
 * `__constellation` import: closures are functions marked `__closure`, pids match the pid text.
 */
export async function loadValidators(entries: readonly { name: string; schema: JsonSchema }[]): Promise<Record<string, Validator>> {
  const file = join(mkdtempSync(join(tmpdir(), "constellation-validators-")), "validators.mjs");
  writeFileSync(file, [
    "const __constellation = {",
    "  isClosure: (v) => typeof v === 'function' && v.__closure === true,",
    "  isPid: (v) => typeof v === 'string' && /^[0-9a-f]{16}@.+:\\d{1,5}$/.test(v),",
    "};",
    validatorSource(entries),
    `export { ${entries.map((e) => e.name).join(", ")} };`,
  ].join("\n"));
  return (await import(pathToFileURL(file).href)) as Record<string, Validator>;
}
