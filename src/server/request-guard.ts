/**
 * The bounds every FunctionService request meets before a handler sees it (docs/limits-input.md).
 *
 * grpc-js decodes a request before it calls the handler, and answers INTERNAL when the bytes are
 * not valid protobuf. Here each method's deserializer is wrapped: it first scans the raw bytes
 * (cheap, no allocation) and refuses a parameter list over its count or byte bound before the full
 * decode could hold the event loop; then it decodes, and checks enum numbers, id lengths and
 * metadata sizes. A refusal does not throw inside grpc-js: the deserializer returns a marker, and
 * the wrapped handler answers it with the refusal (INVALID_ARGUMENT naming the field), so the
 * status goes through the one status map like every other error.
 */
import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import type { Config } from '../config.js';
import { type SpearletError, invalidArgument, toSpearletError } from '../errors.js';
import type { FunctionServiceHandlers } from '../generated/spearlet/FunctionService.js';
import { toServiceError } from './status-map.js';

/** Longest id (execution_id, task_id, start_after) any request may carry. */
export const MAX_ID_LENGTH = 128;
/** Longest name or free-text field (task_name, function_name, artifact_type, prefix, cancel reason) any request may carry. */
export const MAX_TEXT_LENGTH = 1024;

const REFUSED = Symbol('spearlet.refusedRequest');
type Refused = { [REFUSED]: SpearletError };

/** Field numbers of InvokeFunctionRequest (proto/spearlet/function.proto). */
const PARAMETERS_FIELD = 7;
const INVOCATION_METADATA_FIELD = 12;

type Request = Record<string, unknown>;

/** What each method's decoded request must satisfy, beyond being protobuf. */
interface MethodRules {
  /** Top-level enum fields: proto name → decoded key. An unknown number decodes as a number. */
  enums?: Record<string, string>;
  /** Id fields: proto path → getter. */
  ids?: Record<string, (r: Request) => unknown>;
  /** Bounded free text: proto path → getter. */
  texts?: Record<string, (r: Request) => unknown>;
  /** string maps: proto path → getter. */
  maps?: Record<string, (r: Request) => unknown>;
  /** True for InvokeFunctionRequest: its raw bytes are scanned for parameter bounds first. */
  invoke?: boolean;
}

const top = (key: string) => (r: Request) => r[key];
const nested = (outer: string, key: string) => (r: Request) => (r[outer] as Request | null | undefined)?.[key];

const INVOKE_RULES: MethodRules = {
  invoke: true,
  enums: { invocation_type: 'invocationType', execution_mode: 'executionMode' },
  ids: { task_id: top('taskId'), execution_id: top('executionId'), 'context.execution_id': nested('context', 'executionId') },
  texts: { task_name: top('taskName'), function_name: top('functionName'), 'artifact_spec.artifact_type': nested('artifactSpec', 'artifactType') },
  maps: { invocation_metadata: top('invocationMetadata'), 'artifact_spec.metadata': nested('artifactSpec', 'metadata') },
};

const RULES: Record<string, MethodRules> = {
  InvokeFunction: INVOKE_RULES,
  StreamFunction: INVOKE_RULES,
  GetExecutionStatus: { ids: { execution_id: top('executionId') } },
  CancelExecution: { ids: { execution_id: top('executionId') }, texts: { reason: top('reason') } },
  ListExecutions: { enums: { status_filter: 'statusFilter' }, ids: { task_id: top('taskId'), start_after: top('startAfter') } },
  ListTasks: { ids: { start_after: top('startAfter') }, texts: { prefix: top('prefix') } },
  GetTask: { ids: { task_id: top('taskId') } },
  DeleteTask: { ids: { task_id: top('taskId') } },
};

/**
 * Scans a request's top-level fields without decoding them (protobufjs clamps a string whose
 * length runs past the end instead of refusing it; this does not). For an InvokeFunctionRequest
 * it counts parameters and their bytes, and invocation_metadata entries. Throws over a bound.
 */
function scan(bytes: Uint8Array, invoke: boolean, config: Config): void {
  const reader = protobuf.Reader.create(bytes);
  let parameters = 0;
  let parameterBytes = 0;
  let metadata = 0;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === PARAMETERS_FIELD && (tag & 7) === 2) {
      const length = reader.uint32();
      reader.skip(length);
      parameters++;
      parameterBytes += length;
    } else {
      if (field === INVOCATION_METADATA_FIELD) metadata++;
      reader.skipType(tag & 7);
    }
  }
  if (!invoke) return;
  if (parameters > config.maxParameters) throw invalidArgument('parameters', `${parameters} parameters, over the limit of ${config.maxParameters}`);
  if (parameterBytes > config.maxParameterBytes) {
    throw invalidArgument('parameters', `${parameterBytes} bytes of parameters, over the limit of ${config.maxParameterBytes} bytes`);
  }
  if (metadata > config.maxMetadataEntries) {
    throw invalidArgument('invocation_metadata', `${metadata} entries, over the limit of ${config.maxMetadataEntries}`);
  }
}

/** A method's rules as lists, made once: a request is checked without building any. */
interface RuleLists {
  enums: Array<[string, string]>;
  ids: Array<[string, (r: Request) => unknown]>;
  texts: Array<[string, (r: Request) => unknown]>;
  maps: Array<[string, (r: Request) => unknown]>;
}

function ruleLists(rules: MethodRules): RuleLists {
  return { enums: Object.entries(rules.enums ?? {}), ids: Object.entries(rules.ids ?? {}), texts: Object.entries(rules.texts ?? {}), maps: Object.entries(rules.maps ?? {}) };
}

function checkDecoded(request: Request, rules: RuleLists, config: Config): void {
  for (const [field, key] of rules.enums) {
    const value = request[key];
    // Known values decode to their names (proto-loader `enums: String`); unknown ones stay numbers.
    if (typeof value === 'number') throw invalidArgument(field, `unknown enum value ${value}`);
  }
  for (const [field, get] of rules.ids) {
    const value = get(request);
    if (typeof value === 'string' && value.length > MAX_ID_LENGTH) {
      throw invalidArgument(field, `must be at most ${MAX_ID_LENGTH} characters, got ${value.length}`);
    }
  }
  for (const [field, get] of rules.texts) {
    const value = get(request);
    if (typeof value === 'string' && value.length > MAX_TEXT_LENGTH) {
      throw invalidArgument(field, `must be at most ${MAX_TEXT_LENGTH} characters, got ${value.length}`);
    }
  }
  for (const [field, get] of rules.maps) {
    const map = get(request) as Record<string, string> | null | undefined;
    if (map) checkMap(field, map, config);
  }
}

function checkMap(field: string, map: Record<string, string>, config: Config): void {
  const keys = Object.keys(map);
  if (keys.length > config.maxMetadataEntries) throw invalidArgument(field, `${keys.length} entries, over the limit of ${config.maxMetadataEntries}`);
  for (const key of keys) {
    const size = Math.max(Buffer.byteLength(key), Buffer.byteLength(map[key]));
    if (size > config.maxMetadataValueBytes) {
      // The key itself may be the oversized input: name it only when it is short.
      const which = key.length <= 64 ? `${field}.${key}` : field;
      throw invalidArgument(which, `a key or value of ${size} bytes, over the limit of ${config.maxMetadataValueBytes} bytes`);
    }
  }
}

function guardDeserializer(name: string, decode: (bytes: Buffer) => unknown, config: Config): (bytes: Buffer) => unknown {
  const rules = RULES[name] ?? {};
  const lists = ruleLists(rules);
  return (bytes) => {
    try {
      scan(bytes, rules.invoke === true, config);
      const request = decode(bytes) as Request;
      checkDecoded(request, lists, config);
      return request;
    } catch (err) {
      const refusal = toSpearletError(err);
      // A protobufjs decode error (not one of ours): the bytes are not this message.
      const coded = refusal.code === 'INTERNAL' ? invalidArgument('request', `is not a valid ${name} request message: ${clip((err as Error).message)}`) : refusal;
      return { [REFUSED]: coded } satisfies Refused;
    }
  };
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The FunctionService definition with guarded deserializers (a copy; the loaded one is shared). */
export function guardedService(definition: grpc.ServiceDefinition, config: Config): grpc.ServiceDefinition {
  const guarded: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    guarded[name] = { ...method, requestDeserialize: guardDeserializer(name, method.requestDeserialize, config) };
  }
  return guarded as grpc.ServiceDefinition;
}

function refusalOf(request: unknown): SpearletError | undefined {
  return typeof request === 'object' && request !== null && REFUSED in request ? (request as Refused)[REFUSED] : undefined;
}

/** The handlers, each answering a refused request with its refusal instead of running. */
export function guardHandlers(handlers: FunctionServiceHandlers): FunctionServiceHandlers {
  const guarded: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as Array<[string, (call: { request: unknown }, callback?: grpc.sendUnaryData<unknown>) => void]>) {
    guarded[name] = (call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>, callback?: grpc.sendUnaryData<unknown>) => {
      const refusal = refusalOf(call.request);
      if (!refusal) return handler(call, callback);
      if (callback) callback(toServiceError(refusal));
      else call.emit('error', toServiceError(refusal));
    };
  }
  return guarded as unknown as FunctionServiceHandlers;
}
