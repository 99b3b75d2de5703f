/**
 * Values between HTTP and the core: a JSON request body → FunctionParameters, and results and
 * stream chunks → JSON text (bytes results go out as bytes).
 */
import { decodeAny, encodeAny } from '../core/values/codec.js';
import type { DecodedParameters } from '../core/execution/invocation-plan.js';
import type { EncodedValue, ParamValue } from '../core/values/values.js';
import { invalidArgument } from '../errors.js';
import type { FunctionParameter__Output } from '../generated/spearlet/FunctionParameter.js';
import { resultValueOf } from '../core/execution/terminal-record.js';
import type { ExecutionRecord, StoredAny } from '../store/records.js';

/**
 * The parameters of a call from its JSON body, as values: each member of the top-level object is
 * one parameter. Empty body: none. Planning takes them as they are (no protobuf round trip).
 */
export function parametersOfBody(body: Buffer, contentType: string | undefined): DecodedParameters {
  if (body.length === 0) return { byName: {}, list: [] };
  if (contentType !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw invalidArgument('body', `must be JSON (content-type application/json), got content-type '${contentType.slice(0, 100)}'`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw invalidArgument('body', `is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument('body', 'must be a JSON object whose members are the parameters, e.g. {"name": "ada"}');
  }
  const byName = value as Record<string, ParamValue>;
  if (Object.hasOwn(byName, '')) throw invalidArgument('body', 'a member name (a parameter name) must not be empty');
  return { byName, list: Object.values(byName) };
}

/** The same parameters as the gRPC wire carries them (for the fingerprint of a call with an execution id). */
export function wireParameters(decoded: DecodedParameters): FunctionParameter__Output[] {
  return Object.entries(decoded.byName).map(([name, v]) => ({ name, type: '', value: encodeAny(v) as FunctionParameter__Output['value'], required: false, description: '' }));
}

const toJson = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x)) ?? 'null';

/** An execution's result as an HTTP body: bytes as application/octet-stream, anything else as JSON. */
export function resultBody(record: ExecutionRecord): { contentType: string; body: string | Buffer } {
  // A record just finished still has the value its result was encoded from.
  const encoded = resultValueOf(record);
  if (encoded !== undefined) {
    return encoded.kind === 'bytes' ? { contentType: 'application/octet-stream', body: Buffer.from(encoded.value) } : { contentType: 'application/json', body: chunkJsonText(encoded) };
  }
  const result = record.result;
  if (!result) return { contentType: 'application/json', body: 'null' };
  const value = decodeAny({ type_url: result.typeUrl, value: Buffer.from(result.valueBase64, 'base64') });
  if (value instanceof Uint8Array) return { contentType: 'application/octet-stream', body: Buffer.from(value) };
  return { contentType: 'application/json', body: toJson(value) };
}

/** A stored result as a JSON value (bytes as base64 text), for GET /v1/executions/{id}. */
export function resultJsonText(result: StoredAny | undefined): string {
  if (!result) return 'null';
  return toJson(decodeAny({ type_url: result.typeUrl, value: Buffer.from(result.valueBase64, 'base64') }));
}

/** A stream chunk as JSON text (bytes as base64 text). */
export function chunkJsonText(chunk: EncodedValue): string {
  switch (chunk.kind) {
    case 'none':
      return 'null';
    case 'json':
      return chunk.value;
    case 'bytes':
      return JSON.stringify(Buffer.from(chunk.value).toString('base64'));
    case 'bigint':
      return JSON.stringify(chunk.value.toString());
    default:
      return JSON.stringify(chunk.value);
  }
}
