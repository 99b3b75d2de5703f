/** Errors and bounds shared by the well-known type decoders and encoders. */

/** Malformed protobuf bytes, or a JS value that has no encoding. Caught and translated by codec.ts. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

/**
 * Nesting limit of Value/Struct/ListValue, protobuf's default recursion limit: deeper messages
 * are refused both ways (the stack stays bounded, and other implementations could not parse them).
 */
export const MAX_DEPTH = 100;

export const TOO_DEEP = `nested deeper than ${MAX_DEPTH} levels`;

/**
 * Rewords what @bufbuild/protobuf throws on malformed bytes. Every throw of fromBinary is about
 * the input: a bounds check (RangeError, from the reader or a DataView), the fatal UTF-8 decoder
 * (TypeError), or the reader's own Error (illegal tag, invalid varint, recursion limit).
 */
export function wireErrorFrom(err: unknown): WireError {
  if (!(err instanceof Error)) return new WireError(String(err), { cause: err });
  let detail = err.message;
  if (err instanceof RangeError) detail = 'truncated: a field runs past the end of the message';
  else if ((err as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') detail = 'string field is not valid UTF-8';
  else if (/maximum recursion depth/.test(detail)) detail = TOO_DEEP;
  return new WireError(detail, { cause: err });
}
