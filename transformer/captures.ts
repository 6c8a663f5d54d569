// Which bindings a closure captures, found by symbol (so shadowing, default and destructured
// parameters resolve as the checker resolves them), and the syntax-level reasons it cannot
// cross a process boundary: `this`, `arguments`, `super`, `new.target`, writes to captures,
// captures still in their temporal dead zone, classes or enums that never exist in a child.
import type ts from "typescript";
import { DiagnosticCode, diagnosticAt } from "./diagnostics.js";

/** A binding the closure uses that is declared outside it and is copied into its env. */
export interface Capture {
  readonly name: string;
  readonly symbol: ts.Symbol;
  /** The type as seen inside the closure (at its first use). */
  readonly type: ts.Type;
  /** The first use inside the closure: where problems with this capture are reported. */
  readonly node: ts.Identifier;
  /** Declared at the top level after `init()`: captured only because a spawned process never runs that far. */
  readonly afterInit: boolean;
}

/** The captures of one closure, in order of first use, and what is wrong with its body. */
export interface CaptureAnalysis {
  readonly captures: Capture[];
  readonly diagnostics: ts.Diagnostic[];
}

/** What the analysis needs to know about the closure and its module. */
export interface CaptureContext {
  readonly ts: typeof ts;
  readonly checker: ts.TypeChecker;
  /** The `FnOnce(...)`/`FnMut(...)`/`Fn(...)` call: the env is evaluated there. */
  readonly call: ts.CallExpression;
  readonly fn: ts.ArrowFunction | ts.FunctionExpression;
  /** The module's top-level statement that calls `init()`, if any (SPEC §3's module rule). */
  readonly initStatement: ts.Statement | undefined;
}

/** How a binding used in the closure reaches a spawned process. */
type Reach =
  | "ignore" // declared inside the closure, or not a binding at all (a property name)
  | "shared" // every process has its own copy from running the module's top-level code
  | "mutableShared" // shared, but the child sees its initial value, not this process's
  | "neverInChild" // a class or enum declared at module level after init()
  | "capturedAfterInit" // any other declaration there: its value is copied
  | "captured";

/** Computes the captures of `cx.fn` and the diagnostics of its body. */
export function analyzeCaptures(cx: CaptureContext): CaptureAnalysis {
  const { ts: tsi, checker, fn } = cx;
  const sourceFile = fn.getSourceFile();
  const captures = new Map<ts.Symbol, Capture>();
  const reported = new Set<ts.Symbol>();
  const diagnostics: ts.Diagnostic[] = [];
  const error = (node: ts.Node, code: DiagnosticCode, message: string) =>
    diagnostics.push(diagnosticAt(tsi, node, "error", code, message));

  /** Whether a module-level statement comes after the `init()` call, which a spawned process never runs past. */
  const afterInit = (statement: ts.Statement): boolean => cx.initStatement !== undefined && statement.pos >= cx.initStatement.pos;

  /** The value an identifier names (for `{ x }`, the variable `x`, not the property). */
  const valueSymbol = (id: ts.Identifier): ts.Symbol | undefined =>
    tsi.isShorthandPropertyAssignment(id.parent) && id.parent.name === id
      ? checker.getShorthandAssignmentValueSymbol(id.parent)
      : checker.getSymbolAtLocation(id);

  const reach = (symbol: ts.Symbol, decl: ts.Declaration): Reach => {
    if (decl.getSourceFile() !== sourceFile) return "shared";
    if (within(decl, fn)) return "ignore";
    if (!isBinding(tsi, decl)) return "ignore";
    if (isImport(tsi, decl) || tsi.getCombinedModifierFlags(decl) & tsi.ModifierFlags.Ambient) return "shared";
    if (enclosingFunction(tsi, decl)) return "captured";
    const statement = topLevelStatement(tsi, decl);
    if (!statement) return "captured"; // a block or loop at the top level
    const late = afterInit(statement);
    if (tsi.isFunctionDeclaration(decl) || tsi.isModuleDeclaration(decl)) return "shared";
    if (tsi.isClassDeclaration(decl) || tsi.isEnumDeclaration(decl)) return late ? "neverInChild" : "shared";
    if (late) return "capturedAfterInit";
    const constant = tsi.getCombinedNodeFlags(decl) & tsi.NodeFlags.Const;
    return constant || !(symbol.flags & tsi.SymbolFlags.Variable) ? "shared" : "mutableShared";
  };

  const useOf = (id: ts.Identifier, ownScope: boolean) => {
    if (isPropertyName(tsi, id)) return;
    const symbol = valueSymbol(id);
    if (!symbol) return;
    const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
    if (!decl) {
      if (symbol.escapedName === "arguments" && !ownScope) {
        error(id, DiagnosticCode.Arguments, "a serializable closure cannot use the enclosing function's `arguments`: copy what you need into a local variable (`const args = [...arguments]`) outside the closure and capture that");
      }
      return;
    }
    const how = reach(symbol, decl);
    if (how === "captured" || how === "capturedAfterInit") return capture(id, symbol, decl, how === "capturedAfterInit");
    if (reported.has(symbol)) return;
    if (how === "mutableShared") {
      reported.add(symbol);
      diagnostics.push(diagnosticAt(tsi, id, "warning", DiagnosticCode.MutableModuleVariable,
        `module-level \`${id.text}\` is mutable: a spawned process has its own copy with its initial value, not this process's current one; make it a \`const\`, or pass the value in a captured local or over a channel`));
    } else if (how === "neverInChild") {
      reported.add(symbol);
      error(id, DiagnosticCode.DeclaredAfterInit,
        `\`${id.text}\` is declared at the top level after \`init()\`, so it never exists in a spawned process: move its declaration above the \`init()\` call`);
    } else if (tsi.isFunctionDeclaration(decl) && decl.getSourceFile() === sourceFile) {
      reported.add(symbol);
      const late = lateUse(decl, new Set());
      if (late) {
        error(id, DiagnosticCode.DeclaredAfterInit,
          `\`${id.text}\` uses \`${late.text}\`, which is declared at the top level after \`init()\`: a spawned process never runs that declaration, so \`${id.text}\` fails there; move it above the \`init()\` call, or pass the value to \`${id.text}\``);
      }
    }
  };

  /**
   * A use, in the body of a module-level function (or of those it calls in turn), of a binding
   * that only exists in this process: declared at the top level after `init()` (a variable, a
   * class, an enum), it is never initialised in a spawned process (a `var` is `undefined`
   * there). Functions declared there are hoisted, so they exist: their bodies are looked into.
   */
  const lateUse = (fnDecl: ts.FunctionDeclaration, seen: Set<ts.Node>): ts.Identifier | undefined => {
    seen.add(fnDecl);
    let found: ts.Identifier | undefined;
    const look = (node: ts.Node): void => {
      if (found || isTypeOnly(tsi, node)) return;
      if (tsi.isIdentifier(node) && !isPropertyName(tsi, node)) {
        const decl = valueSymbol(node)?.valueDeclaration;
        if (decl && decl.getSourceFile() === sourceFile && !within(decl, fnDecl)) {
          const statement = topLevelStatement(tsi, decl);
          if (tsi.isFunctionDeclaration(decl)) {
            if (!seen.has(decl)) found = lateUse(decl, seen);
          } else if (statement && afterInit(statement)) {
            found = node;
          }
        }
      }
      tsi.forEachChild(node, look);
    };
    if (fnDecl.body) look(fnDecl.body);
    return found;
  };

  const capture = (id: ts.Identifier, symbol: ts.Symbol, decl: ts.Declaration, afterInit: boolean) => {
    if (isWriteTarget(tsi, id)) {
      error(id, DiagnosticCode.AssignmentToCapture,
        `cannot assign to captured variable \`${id.text}\`: the closure holds a copy, so the change would not be seen outside it; assign to a local copy (\`let ${id.text}2 = ${id.text}\`) or send the new value over a channel`);
    }
    if (captures.has(symbol)) return;
    captures.set(symbol, { name: id.text, symbol, type: checker.getTypeOfSymbolAtLocation(symbol, id), node: id, afterInit });
    if (inTemporalDeadZone(tsi, decl, cx.call)) {
      error(id, DiagnosticCode.TemporalDeadZone,
        `\`${id.text}\` is captured before its declaration runs (temporal dead zone): the closure copies its captures when it is created, so declare \`${id.text}\` before the closure`);
    }
  };

  // `ownScope`: inside a non-arrow function or class within the closure, which has its own
  // `this`, `arguments`, `super` and `new.target`; outside them those would be the enclosing
  // function's, which a hoisted closure can no longer see.
  const visit = (node: ts.Node, ownScope: boolean): void => {
    if (isTypeOnly(tsi, node)) return;
    if (node.kind === tsi.SyntaxKind.ThisKeyword && !ownScope) {
      error(node, DiagnosticCode.This, "a serializable closure cannot capture `this`: copy the fields you need into local variables outside the closure and capture those");
    } else if (node.kind === tsi.SyntaxKind.SuperKeyword && !ownScope) {
      error(node, DiagnosticCode.Super, "a serializable closure cannot use `super`: call the method outside the closure and capture its result");
    } else if (tsi.isMetaProperty(node) && node.keywordToken === tsi.SyntaxKind.NewKeyword && !ownScope) {
      error(node, DiagnosticCode.NewTarget, "a serializable closure cannot use the enclosing function's `new.target`: capture a value computed from it instead");
    } else if (tsi.isIdentifier(node)) {
      useOf(node, ownScope);
    }
    const inner = ownScope || rebindsThis(tsi, node);
    tsi.forEachChild(node, (child) => visit(child, inner));
  };
  const ownScope = tsi.isFunctionExpression(fn);
  tsi.forEachChild(fn, (child) => visit(child, ownScope));
  return { captures: [...captures.values()], diagnostics };
}

function rebindsThis(tsi: typeof ts, node: ts.Node): boolean {
  return tsi.isFunctionLike(node) ? !tsi.isArrowFunction(node) : tsi.isClassLike(node);
}

/** Type annotations, type arguments and declarations of types: nothing there is a value. */
function isTypeOnly(tsi: typeof ts, node: ts.Node): boolean {
  if (tsi.isExpressionWithTypeArguments(node)) {
    // `class A extends base {}` evaluates `base`; `implements` and interface `extends` do not.
    const clause = node.parent;
    return !(tsi.isHeritageClause(clause) && clause.token === tsi.SyntaxKind.ExtendsKeyword && tsi.isClassLike(clause.parent));
  }
  return tsi.isTypeNode(node) || tsi.isInterfaceDeclaration(node) || tsi.isTypeAliasDeclaration(node);
}

/** `b` in `a.b` and `A.b`: a member, never a binding, even when a parameter property declares it. */
function isPropertyName(tsi: typeof ts, id: ts.Identifier): boolean {
  const parent = id.parent;
  return (tsi.isPropertyAccessExpression(parent) && parent.name === id) || (tsi.isQualifiedName(parent) && parent.right === id);
}

/** Declarations that introduce a name in a scope (as opposed to members and properties). */
function isBinding(tsi: typeof ts, decl: ts.Declaration): boolean {
  return tsi.isVariableDeclaration(decl) || tsi.isParameter(decl) || tsi.isBindingElement(decl) ||
    tsi.isFunctionDeclaration(decl) || tsi.isClassDeclaration(decl) || tsi.isEnumDeclaration(decl) ||
    tsi.isModuleDeclaration(decl) || isImport(tsi, decl);
}

function isImport(tsi: typeof ts, decl: ts.Declaration): boolean {
  return tsi.isImportSpecifier(decl) || tsi.isImportClause(decl) || tsi.isNamespaceImport(decl) || tsi.isImportEqualsDeclaration(decl);
}

/** The nearest function (or static block) that holds `decl`, if any. */
function enclosingFunction(tsi: typeof ts, decl: ts.Node): ts.Node | undefined {
  for (let n = decl.parent; !tsi.isSourceFile(n); n = n.parent) {
    if (tsi.isFunctionLike(n) || tsi.isClassStaticBlockDeclaration(n)) return n;
  }
  return undefined;
}

/** The module-level statement that declares `decl` directly (not in a block or loop), if any. */
function topLevelStatement(tsi: typeof ts, decl: ts.Node): ts.Statement | undefined {
  let n = decl;
  while (tsi.isBindingElement(n) || tsi.isObjectBindingPattern(n) || tsi.isArrayBindingPattern(n)) n = n.parent;
  if (tsi.isVariableDeclaration(n)) {
    const statement = n.parent.parent;
    return tsi.isVariableStatement(statement) && tsi.isSourceFile(statement.parent) ? statement : undefined;
  }
  return tsi.isSourceFile(n.parent) ? (n as ts.Statement) : undefined;
}

/** Whether `inner` lies within `outer`'s text. */
function within(inner: ts.Node, outer: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end;
}

/** Whether the env snapshot, taken at `call`, would read `decl` before it is initialised. */
function inTemporalDeadZone(tsi: typeof ts, decl: ts.Node, call: ts.CallExpression): boolean {
  let n = decl;
  while (tsi.isBindingElement(n) || tsi.isObjectBindingPattern(n) || tsi.isArrayBindingPattern(n)) n = n.parent;
  if (!tsi.isVariableDeclaration(n) || !(tsi.getCombinedNodeFlags(n) & tsi.NodeFlags.BlockScoped)) return false;
  const selfReference = n.initializer !== undefined && within(call, n.initializer);
  return selfReference || n.pos >= call.end;
}

/** `x = …`, `x += …`, `x++`, `[x] = …`, `({ x } = …)`, `for (x of …)`. */
function isWriteTarget(tsi: typeof ts, id: ts.Identifier): boolean {
  let target: ts.Node = id;
  for (;;) {
    const parent = target.parent;
    if (tsi.isParenthesizedExpression(parent) || tsi.isArrayLiteralExpression(parent) || tsi.isSpreadElement(parent)) {
      target = parent;
    } else if (
      (tsi.isShorthandPropertyAssignment(parent) && parent.name === target) ||
      (tsi.isPropertyAssignment(parent) && parent.initializer === target) ||
      tsi.isSpreadAssignment(parent)
    ) {
      target = parent.parent;
    } else {
      break;
    }
  }
  const parent = target.parent;
  if (tsi.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return parent.left === target && op >= tsi.SyntaxKind.FirstAssignment && op <= tsi.SyntaxKind.LastAssignment;
  }
  if (tsi.isPrefixUnaryExpression(parent) || tsi.isPostfixUnaryExpression(parent)) {
    return target === id && (parent.operator === tsi.SyntaxKind.PlusPlusToken || parent.operator === tsi.SyntaxKind.MinusMinusToken);
  }
  return (tsi.isForOfStatement(parent) || tsi.isForInStatement(parent)) && parent.initializer === target;
}
