import { ConstellationError } from "../errors.js";

/** Bytes that are not a valid encoding, or a value the codec cannot carry. */
export class CodecError extends ConstellationError {
  override name = "CodecError";
}
