/**
 * Values as they cross the sandbox boundary. Guest code sees plain JS values; the wire sees
 * google.protobuf.Any. In between, a result travels as an EncodedValue: a small tagged union that
 * structured clone (isolated-vm ExternalCopy, child-process IPC) carries without loss.
 */

/** A parameter value after decoding from Any (see codec.ts). Structured-cloneable. */
export type ParamValue =
  | null
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | JsonValue
  | { typeUrl: string; value: Uint8Array };

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A result produced by guest code, encoded inside the sandbox:
 * - `none`: the function returned undefined (no result);
 * - `string`: a string (wire: StringValue);
 * - `bytes`: a Uint8Array or ArrayBuffer (wire: BytesValue);
 * - `json`: anything else JSON-serialisable, as JSON text (wire: google.protobuf.Value);
 * - `number`: a numeric Wasm result; `bigint` an i64 one (wire: DoubleValue / Int64Value).
 */
export type EncodedValue =
  | { kind: 'none' }
  | { kind: 'string'; value: string }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'json'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bigint'; value: bigint };
