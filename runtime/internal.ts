// What transformed modules call. Not part of the public API: its shape may change with the
// transformer, which always emits calls matching the runtime it was built with.
export { register, closure, isClosure } from "./closure.js";
export { isPid } from "./pid.js";
export type { Validator, ValidationIssue, TypeCheck } from "./validator.js";
