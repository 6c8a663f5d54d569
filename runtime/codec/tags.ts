// The first byte of every encoding says how to read the rest.

/** Fast-path tags (values below 0xF0). */
export enum Tag {
  Undefined = 1,
  Null,
  True,
  False,
  Int32,
  Float64,
  String,
  Array,
  Object,
  Closure,
}

/** `v8.serialize` output of a value holding serializable closures, replaced by markers. */
export const TAG_V8_CLOSURES = 0xfe;
/** `v8.serialize` output starts with its own version tag, 0xFF: it is used as is. */
export const TAG_V8 = 0xff;
