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
