// The pure analysis of one source file: which calls are serializable closures and which `new`
// expressions are typed channels (found by symbol), what each closure captures, the schemas to
// check on arrival, and every diagnostic. The rewrite (rewrite.ts) only consumes this.
import type ts from "typescript";
import type { ClosureKind } from "../runtime/closure.js";
import { analyzeCaptures, type Capture } from "./captures.js";
import { DiagnosticCode, diagnosticAt, uniqueDiagnostics } from "./diagnostics.js";
import { envSchema, schemaOf, type JsonSchema, type SchemaContext } from "./schema.js";

/** One `FnOnce(...)`/`FnMut(...)`/`Fn(...)` call to hoist. */
export interface ClosureSite {
  /** The marker call, replaced by a closure value. */
  readonly node: ts.CallExpression;
  /** The closure itself, which becomes the body of the hoisted factory. */
  readonly fn: ts.ArrowFunction | ts.FunctionExpression;
  /** `<project-relative posix path>#<ordinal>`: identical in every build of the same sources. */
  readonly id: string;
  /** 1, 2, … in pre-order of the file's closures. */
  readonly ordinal: number;
  readonly kind: ClosureKind;
  readonly captures: readonly Capture[];
  /** Schema of the env object `{ [capture]: value }`. */
  readonly schema: JsonSchema;
  readonly factoryName: string;
  readonly validatorName: string;
}

/** The hidden `TypeCheck` argument shared by every channel of one element type in a module. */
export interface TypeCheckSite {
  readonly name: string;
  readonly typeText: string;
  readonly schema: JsonSchema;
  readonly validatorName: string;
}

/** One `new Sender<T>(pid)` / `new Receiver<T>(pid)`. */
export interface ChannelSite {
  readonly node: ts.NewExpression;
  readonly type: ts.Type;
  readonly typeText: string;
  readonly check: TypeCheckSite;
}

/** Everything the rewrite and the diagnostics printer need for one source file. */
export interface ModuleAnalysis {
  /** In pre-order: an outer closure comes before the closures nested in it. */
  readonly closures: readonly ClosureSite[];
  readonly channels: readonly ChannelSite[];
  readonly typeChecks: readonly TypeCheckSite[];
  readonly diagnostics: readonly ts.Diagnostic[];
}

/** Inputs of {@link analyzeSourceFile}. */
export interface AnalysisInput {
  readonly ts: typeof ts;
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  readonly sourceFile: ts.SourceFile;
  readonly packages: PackageLocator;
}

const PACKAGE_NAME = "constellation-ts";
const CLOSURE_KINDS: ReadonlySet<string> = new Set<ClosureKind>(["FnOnce", "FnMut", "Fn"]);
const CHANNELS: ReadonlySet<string> = new Set(["Sender", "Receiver"]);

/** Analyses one source file. Pure: reads the program, changes nothing. */
export function analyzeSourceFile(input: AnalysisInput): ModuleAnalysis {
  const { ts: tsi, checker, sourceFile, packages } = input;
  const schemaContext: SchemaContext = { ts: tsi, checker, program: input.program };
  const ours = (callee: ts.Expression): string | undefined => ourExport(tsi, checker, packages, callee);
  const initStatement = sourceFile.statements.find((s) => callsInit(tsi, s, ours));
  const path = packages.projectPath(sourceFile.fileName);

  const closures: ClosureSite[] = [];
  const channels: ChannelSite[] = [];
  const typeChecks = new Map<ts.Type, TypeCheckSite>();
  const diagnostics: ts.Diagnostic[] = [];

  const closureAt = (node: ts.CallExpression, kind: ClosureKind) => {
    const fn = node.arguments[0];
    if (node.arguments.length !== 1 || !(tsi.isArrowFunction(fn) || tsi.isFunctionExpression(fn))) {
      diagnostics.push(diagnosticAt(tsi, node, "error", DiagnosticCode.NotAFunctionLiteral,
        `${kind}(...) needs an arrow function or function expression written in place, e.g. \`${kind}((x: number) => x + 1)\``));
      return;
    }
    if (fn.asteriskToken) {
      diagnostics.push(diagnosticAt(tsi, fn, "error", DiagnosticCode.Generator,
        "a serializable closure cannot be a generator: calling it would return an iterator without running its body; write a function that returns or sends the values"));
    }
    const ordinal = closures.length + 1;
    const found = analyzeCaptures({ ts: tsi, checker, call: node, fn, initStatement });
    diagnostics.push(...found.diagnostics);
    const env = envSchema(schemaContext, found.captures);
    for (const issue of env.issues) {
      const capture = found.captures.find((c) => c.name === issue.name);
      const subject = issue.severity === "error" ? "cannot capture" : "captured variable";
      // Captured only for being declared after init(): declared above it, every process has it.
      const hint = capture?.afterInit && issue.severity === "error"
        ? ` (declared after \`init()\`, it exists only in this process: a spawned process does not run past \`init()\`)`
        : "";
      diagnostics.push(diagnosticAt(tsi, capture?.node ?? fn, issue.severity, DiagnosticCode.CaptureType, `${subject} \`${issue.name}\`: ${issue.message}${hint}`));
    }
    closures.push({
      node, fn, kind, ordinal,
      id: `${path}#${ordinal}`,
      captures: found.captures,
      schema: env.schema,
      factoryName: `__constellation_closure_${ordinal}`,
      validatorName: `__constellation_validate_${ordinal}`,
    });
  };

  const channelAt = (node: ts.NewExpression) => {
    const written = node.typeArguments?.[0];
    const type = written ? checker.getTypeFromTypeNode(written) : inferredTypeArgument(checker, node);
    if (!type) return;
    let check = typeChecks.get(type);
    const typeText = checker.typeToString(type, node, tsi.TypeFormatFlags.NoTruncation);
    if (!check) {
      const { schema, issues } = schemaOf(schemaContext, type);
      for (const issue of issues) {
        diagnostics.push(diagnosticAt(tsi, written ?? node, issue.severity, DiagnosticCode.ChannelType, `channel of \`${typeText}\`: ${issue.message}`));
      }
      const n = typeChecks.size + 1;
      check = { name: `__constellation_type_${n}`, typeText, schema, validatorName: `__constellation_validate_type_${n}` };
      typeChecks.set(type, check);
    }
    channels.push({ node, type, typeText, check });
  };

  // Pre-order, so ordinals follow the order closures start in the text, outer before inner.
  const visit = (node: ts.Node): void => {
    if (tsi.isCallExpression(node)) {
      const name = ours(node.expression);
      if (name && CLOSURE_KINDS.has(name)) closureAt(node, name as ClosureKind);
    } else if (tsi.isNewExpression(node)) {
      const name = ours(node.expression);
      if (name && CHANNELS.has(name)) channelAt(node);
    }
    tsi.forEachChild(node, visit);
  };
  visit(sourceFile);

  return { closures, channels, typeChecks: [...typeChecks.values()], diagnostics: uniqueDiagnostics(diagnostics) };
}

/** The exported name, if `callee` resolves (through any imports and re-exports) to constellation-ts. */
function ourExport(tsi: typeof ts, checker: ts.TypeChecker, packages: PackageLocator, callee: ts.Expression): string | undefined {
  let symbol = checker.getSymbolAtLocation(callee);
  if (!symbol) return undefined;
  if (symbol.flags & tsi.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declarations = symbol.declarations ?? [];
  return declarations.some((d) => packages.isOurs(d.getSourceFile().fileName)) ? symbol.name : undefined;
}

/** Whether a top-level statement calls `init()` itself (not in a function it declares). */
function callsInit(tsi: typeof ts, statement: ts.Statement, ours: (callee: ts.Expression) => string | undefined): boolean {
  const search = (node: ts.Node): boolean => {
    if (tsi.isFunctionLike(node) || tsi.isClassLike(node)) return false;
    if (tsi.isCallExpression(node) && ours(node.expression) === "init") return true;
    return tsi.forEachChild(node, search) ?? false;
  };
  return search(statement);
}

/** `T` of `new Sender(pid)` without a written type argument, as the checker inferred it. */
function inferredTypeArgument(checker: ts.TypeChecker, node: ts.NewExpression): ts.Type | undefined {
  const type = checker.getTypeAtLocation(node) as ts.TypeReference;
  return type.target ? checker.getTypeArguments(type)[0] : undefined;
}

/**
 * Finds the package that holds a file (the folder of the nearest package.json), with one
 * file-system lookup per folder: the project root for closure IDs, and whether a declaration
 * belongs to constellation-ts.
 */
export class PackageLocator {
  private readonly roots = new Map<string, { dir: string; name: string | undefined } | null>();

  constructor(private readonly tsi: typeof ts) {}

  /** `fileName` relative to its package's folder, with `/` separators. */
  projectPath(fileName: string): string {
    const root = this.packageOf(fileName);
    const file = normalize(fileName);
    return root && file.startsWith(`${root.dir}/`) ? file.slice(root.dir.length + 1) : file.slice(file.lastIndexOf("/") + 1);
  }

  /** Whether `fileName` is part of the constellation-ts package (its own sources or declarations). */
  isOurs(fileName: string): boolean {
    return this.packageOf(fileName)?.name === PACKAGE_NAME;
  }

  private packageOf(fileName: string): { dir: string; name: string | undefined } | undefined {
    return this.lookup(dirname(normalize(fileName))) ?? undefined;
  }

  private lookup(dir: string): { dir: string; name: string | undefined } | null {
    const cached = this.roots.get(dir);
    if (cached !== undefined) return cached;
    const manifest = `${dir}/package.json`;
    let found: { dir: string; name: string | undefined } | null;
    if (this.tsi.sys.fileExists(manifest)) {
      found = { dir, name: packageName(this.tsi.sys.readFile(manifest)) };
    } else {
      const parent = dirname(dir);
      found = parent === dir ? null : this.lookup(parent);
    }
    this.roots.set(dir, found);
    return found;
  }
}

function packageName(text: string | undefined): string | undefined {
  try {
    const name: unknown = JSON.parse(text ?? "").name;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

function normalize(fileName: string): string {
  return fileName.replace(/\\/g, "/");
}

function dirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? path.slice(0, slash + 1) || "/" : path.slice(0, slash);
}
