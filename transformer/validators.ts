// Validator code for the schemas of schema.ts: compiled with ajv standalone at build time and
// inlined into the transformed module, so no process loads ajv at run time (docs/design.md §1).
import { Ajv2020 } from "ajv/dist/2020.js";
import standalone from "ajv/dist/standalone/index.js";
import type { JsonSchema } from "./schema.js";
import { keywords } from "./validators/keywords.js";

// ajv's standalone output for one validator: exports first, then the code that defines them.
const EXPORTS = /^"use strict";\s*export const validate = (\w+);\s*export default \1;\s*/;
const RUNTIME_IMPORT = /\brequire\(|(?:^|[;}\n])\s*import\b/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

// Creating the instance (meta-schemas, vocabularies) costs tens of milliseconds: one per process.
let shared: Ajv2020 | undefined;
// Keyed by the schema's JSON: closures capturing the same types share one compilation.
const compiled = new Map<string, string>();

function ajv(): Ajv2020 {
  shared ??= new Ajv2020({
    // ajv's optimizer pass halves its speed for ~10% smaller code: build time matters more.
    code: { source: true, esm: true, optimize: false },
    // The walker makes the schemas; strict mode still rejects unknown keywords, and our keywords
    // check their own values.
    validateSchema: false,
    keywords: [...keywords],
    // NaN and Infinity are numbers and structured clone carries them.
    strictNumbers: false,
    // Our unions and tuples are deliberate: nothing to warn the user about.
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    // An enum of any length is compared inline; the loop form would import ajv's `equal`.
    loopEnum: Infinity,
    // Schemas are compiled once each; keeping them would only grow the build's memory.
    addUsedSchema: false,
  });
  return shared;
}

/** The body of an expression evaluating to the validator of `schema`. */
function validatorExpression(schema: JsonSchema): string {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  const instance = ajv();
  const validate = instance.compile(schema);
  const code = standalone.default(instance, validate);
  instance.removeSchema(schema);
  const exported = EXPORTS.exec(code);
  if (!exported) throw new Error(`unexpected ajv standalone output: ${code.slice(0, 120)}`);
  const body = code.slice(exported[0].length);
  if (RUNTIME_IMPORT.test(body)) throw new Error(`validator code for ${key.slice(0, 200)} needs an ajv runtime import`);
  // A function scope per validator keeps ajv's internal names (validate10, schema11, …) apart
  // when several validators share one module.
  const expression = `(() => {${body}return ${exported[1]};})()`;
  compiled.set(key, expression);
  return expression;
}

/**
 * JS source declaring one validator per entry, `const <name> = …`, for inlining at the top level
 * of a transformed module: no import of ajv or anything else; the `closure`/`pid` keywords call
 * `__constellation.isClosure`/`isPid`, which the module imports from "constellation-ts/internal".
 * A validator returns whether `data` matches and, when not, sets `<name>.errors` to issues with
 * `instancePath` (e.g. "/x/values/3") and `message`.
 *
 * @example
 * ```ts
 * validatorSource([{ name: "__constellation_validate_1", schema: { type: "object", properties: { x: { type: "number" } } } }]);
 * // 'const __constellation_validate_1 = (() => {…})();'
 * ```
 */
export function validatorSource(entries: readonly { name: string; schema: JsonSchema }[]): string {
  return entries
    .map(({ name, schema }) => {
      if (!IDENTIFIER.test(name)) throw new Error(`not a JS identifier: ${JSON.stringify(name)}`);
      return `const ${name} = ${validatorExpression(schema)};`;
    })
    .join("\n");
}
