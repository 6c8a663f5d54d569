// The thin `before` rewrite driven by a ModuleAnalysis (docs/design.md section 1): each closure
// is hoisted into a registered module-level factory whose parameter destructures its captures,
// so the body's text and its name resolution stay exactly as written; the call site becomes a
// closure value; typed channels get their hidden TypeCheck argument.
import type ts from "typescript";
import type { ChannelSite, ClosureSite, ModuleAnalysis } from "./analyze.js";
import type { JsonSchema } from "./schema.js";
import { validatorSource } from "./validators.js";

/** The name transformed modules import the runtime's internal API under. */
const RUNTIME = "__constellation";
const RUNTIME_MODULE = "constellation-ts/internal";

/** Rewrites one source file as its analysis says; returns it unchanged when it has no sites. */
export function rewriteSourceFile(
  tsi: typeof ts,
  context: ts.TransformationContext,
  sourceFile: ts.SourceFile,
  analysis: ModuleAnalysis,
): ts.SourceFile {
  if (analysis.closures.length === 0 && analysis.channels.length === 0) return sourceFile;
  const f = context.factory;
  const closures = new Map<ts.Node, ClosureSite>(analysis.closures.map((c) => [c.node, c]));
  const channels = new Map<ts.Node, ChannelSite>(analysis.channels.map((c) => [c.node, c]));
  const factories = new Map<ClosureSite, ts.Expression>();

  const visit = (node: ts.Node): ts.Node => {
    const closure = closures.get(node);
    if (closure) {
      // The nested closures of its body are rewritten first: the factory holds their call sites.
      factories.set(closure, tsi.visitEachChild(closure.fn, visit, context));
      return closureValue(f, closure);
    }
    const channel = channels.get(node);
    if (channel) {
      const created = tsi.visitEachChild(channel.node, visit, context);
      const [target = f.createVoidZero()] = created.arguments ?? [];
      return f.updateNewExpression(created, created.expression, created.typeArguments, [target, f.createIdentifier(channel.check.name)]);
    }
    return tsi.visitEachChild(node, visit, context);
  };
  const body = tsi.visitNodes(sourceFile.statements, visit, tsi.isStatement);

  const prologue: ts.Statement[] = [
    f.createImportDeclaration(undefined, f.createImportClause(undefined, undefined, f.createNamespaceImport(f.createIdentifier(RUNTIME))), f.createStringLiteral(RUNTIME_MODULE)),
    rawStatement(f, validators([
      ...analysis.closures.map((c) => ({ name: c.validatorName, schema: c.schema })),
      ...analysis.typeChecks.map((t) => ({ name: t.validatorName, schema: t.schema })),
    ])),
    ...analysis.typeChecks.map((t) => constStatement(tsi, f, t.name, f.createObjectLiteralExpression([
      f.createPropertyAssignment("type", f.createStringLiteral(t.typeText)),
      f.createPropertyAssignment("validate", f.createIdentifier(t.validatorName)),
    ]))),
    ...analysis.closures.flatMap((c) => [
      constStatement(tsi, f, c.factoryName, factory(f, c, factories.get(c)!)),
      f.createExpressionStatement(runtimeCall(f, "register", [
        f.createStringLiteral(c.id), f.createIdentifier(c.factoryName), f.createIdentifier(c.validatorName),
      ])),
    ]),
  ];
  const at = leadingImports(tsi, body);
  return f.updateSourceFile(sourceFile, [...body.slice(0, at), ...prologue, ...body.slice(at)]);
}

/** The validators' source; a schema met again reuses the first validator instead of a copy. */
function validators(entries: readonly { name: string; schema: JsonSchema }[]): string {
  const first = new Map<string, string>();
  const aliases: string[] = [];
  const compiled = entries.filter(({ name, schema }) => {
    const key = JSON.stringify(schema);
    const original = first.get(key);
    if (original) aliases.push(`const ${name} = ${original};`);
    else first.set(key, name);
    return !original;
  });
  return [validatorSource(compiled), ...aliases].join("\n");
}

/** `__constellation.closure("<id>", "<kind>", { a, b })`: the env is copied when this runs. */
function closureValue(f: ts.NodeFactory, site: ClosureSite): ts.Expression {
  const env = f.createObjectLiteralExpression(site.captures.map((c) => f.createShorthandPropertyAssignment(c.name)));
  return runtimeCall(f, "closure", [f.createStringLiteral(site.id), f.createStringLiteral(site.kind), env]);
}

/** `({ a, b }) => <the closure as written>` */
function factory(f: ts.NodeFactory, site: ClosureSite, fn: ts.Expression): ts.Expression {
  const env = f.createObjectBindingPattern(site.captures.map((c) => f.createBindingElement(undefined, undefined, c.name)));
  return f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, env)], undefined, undefined, fn);
}

function runtimeCall(f: ts.NodeFactory, name: string, args: ts.Expression[]): ts.Expression {
  return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RUNTIME), name), undefined, args);
}

function constStatement(tsi: typeof ts, f: ts.NodeFactory, name: string, value: ts.Expression): ts.Statement {
  return f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, undefined, value)], tsi.NodeFlags.Const));
}

/**
 * Generated JS declarations, printed verbatim: an identifier's text is emitted as is, and no
 * later transform resolves a synthesized identifier. The printer adds the last `;`.
 */
function rawStatement(f: ts.NodeFactory, source: string): ts.Statement {
  return f.createExpressionStatement(f.createIdentifier(source.trim().replace(/;$/, "")));
}

/** The index after the prologue directives and imports the module starts with. */
function leadingImports(tsi: typeof ts, statements: readonly ts.Statement[]): number {
  let i = 0;
  const leading = (s: ts.Statement) => tsi.isImportDeclaration(s) || tsi.isImportEqualsDeclaration(s) ||
    (tsi.isExpressionStatement(s) && tsi.isStringLiteral(s.expression)); // "use strict"
  while (i < statements.length && leading(statements[i])) i++;
  return i;
}
