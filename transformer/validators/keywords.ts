// The structured-clone vocabulary of our schemas, as ajv *code* keywords: ajv standalone can only
// inline keywords that generate code, and the code must be plain JS with no import. Globals are
// read through `globalThis` because the validator is inlined into a user's module, where `Map`
// or `Date` may be imported names (immutable.js, date libraries).
import { _, str, type CodeKeywordDefinition, type Code, type KeywordCxt, type Name } from "ajv/dist/2020.js";
import { TYPED_ARRAYS } from "../schema/builtins.js";

const INSTANCES = ["Date", "RegExp", "Error", "ArrayBuffer", "DataView", ...TYPED_ARRAYS];
const SC_NAMES = ["undefined", "bigint", "plainObject", ...INSTANCES];

function scCondition(data: Name, name: string): Code {
  switch (name) {
    case "undefined": return _`${data} === undefined`;
    case "bigint": return _`typeof ${data} == "bigint"`;
    // v8.deserialize makes every object it revives with Object.prototype.
    case "plainObject": return _`${data} !== null && typeof ${data} == "object" && (Object.getPrototypeOf(${data}) === globalThis.Object.prototype || Object.getPrototypeOf(${data}) === null)`;
    default: return _`${data} instanceof globalThis[${name}]`;
  }
}

function scMessage(name: string): string {
  if (name === "undefined" || name === "bigint") return `must be ${name}`;
  if (name === "plainObject") return "must be a plain object";
  return `must be ${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
}

/** `sc: "Date"`: a value structured clone carries that JSON Schema has no type for. */
const sc: CodeKeywordDefinition = {
  keyword: "sc",
  schemaType: "string",
  metaSchema: { enum: SC_NAMES },
  code: (cxt) => cxt.pass(scCondition(cxt.data, cxt.schema as string)),
  error: { message: (cxt) => scMessage(cxt.schema as string) },
};

/**
 * Validates one entry of a Map or Set against `schema[part]`. ajv has no way to name such a
 * value's place in `instancePath`, so the keyword's error path is extended while the subschema's
 * code is generated (it runs synchronously inside `cxt.subschema`).
 */
function entry(cxt: KeywordCxt, part: "keys" | "values" | undefined, value: Code, at: Code, valid: Name): void {
  const it = cxt.it as { errorPath: Code };
  const outer = it.errorPath;
  it.errorPath = str`${outer}${at}`;
  try {
    cxt.subschema(part ? { keyword: cxt.keyword, schemaProp: part, data: value } : { keyword: cxt.keyword, data: value }, valid);
  } finally {
    it.errorPath = outer;
  }
  cxt.gen.if(_`!${valid}`, () => cxt.gen.break());
}

/** Checks the container with `isIt`, then each of its entries (stopping at the first bad one). */
function collection(cxt: KeywordCxt, isIt: Code, eachEntry: (item: Name, index: Name, valid: Name) => void): void {
  const { gen, data } = cxt;
  // A fresh name: the subschemas declare their own `valid` variables.
  const valid = gen.name("valid");
  gen.var(valid, isIt);
  gen.if(_`!${valid}`, () => cxt.error(), () => {
    const index = gen.let("i", 0);
    gen.forOf("item", data, (item) => {
      eachEntry(item, index, valid);
      gen.assign(index, _`${index} + 1`);
    });
  });
  cxt.ok(valid);
}

/** `mapOf: { keys, values }`: a Map; an entry's errors are at `/keys/<n>` or `/values/<n>`. */
const mapOf: CodeKeywordDefinition = {
  keyword: "mapOf",
  schemaType: "object",
  metaSchema: { type: "object", properties: { keys: true, values: true }, required: ["keys", "values"], additionalProperties: false },
  code: (cxt) => collection(cxt, _`${cxt.data} instanceof globalThis.Map`, (item, index, valid) => {
    entry(cxt, "keys", _`${item}[0]`, str`/keys/${index}`, valid);
    entry(cxt, "values", _`${item}[1]`, str`/values/${index}`, valid);
  }),
  error: { message: "must be a Map" },
};

/** `setOf: schema`: a Set; an element's errors are at `/<n>` (its place in iteration order). */
const setOf: CodeKeywordDefinition = {
  keyword: "setOf",
  schemaType: ["object", "boolean"],
  code: (cxt) => collection(cxt, _`${cxt.data} instanceof globalThis.Set`, (item, index, valid) => {
    entry(cxt, undefined, item, str`/${index}`, valid);
  }),
  error: { message: "must be a Set" },
};

/** `closure: true`: a serializable closure, as the runtime the rewrite imports recognises it. */
const closure: CodeKeywordDefinition = {
  keyword: "closure",
  schemaType: "boolean",
  metaSchema: { const: true },
  code: (cxt) => cxt.pass(_`__constellation.isClosure(${cxt.data})`),
  error: { message: "must be a serializable closure" },
};

/** `pid: true`: a well-formed Pid. */
const pid: CodeKeywordDefinition = {
  keyword: "pid",
  schemaType: "boolean",
  metaSchema: { const: true },
  code: (cxt) => cxt.pass(_`__constellation.isPid(${cxt.data})`),
  error: { message: "must be a Pid" },
};

/** Every keyword of our vocabulary. */
export const keywords: readonly CodeKeywordDefinition[] = [sc, mapOf, setOf, closure, pid];
