/**
 * Turns an InvokeFunction request into a validated plan: which task (registering it if asked),
 * which function, the decoded parameters, the timeout and the execution id. Everything that can be
 * refused is refused here, before any execution state is written.
 */
import type { Config } from '../../config.js';
import { ErrorCodes, SpearletError, invalidArgument, taskNotFound } from '../../errors.js';
import type { ArtifactSpec__Output } from '../../generated/spearlet/ArtifactSpec.js';
import type { FunctionParameter__Output } from '../../generated/spearlet/FunctionParameter.js';
import type { ExecutionMode, TaskLimits, TaskRecord } from '../../store/records.js';
import { decodeParameters } from '../values/codec.js';
import type { ExportInfo, FirstCall, Instance, Invocation, Outcome } from '../runtime/runtime.js';
import type { FirstCallRider, TaskRegistry } from '../tasks/task-registry.js';
import type { ParamValue } from '../values/values.js';

export type InvocationTypeName = 'UNKNOWN' | 'NEW_TASK' | 'EXISTING_TASK';

/** An InvokeFunction / StreamFunction request, as the server decoded it from the wire. */
export interface InvokeInput {
  invocationType: InvocationTypeName;
  taskName: string;
  taskDescription: string;
  artifactSpec: ArtifactSpec__Output | null;
  taskId: string;
  createIfNotExists: boolean;
  functionName: string;
  parameters: FunctionParameter__Output[];
  mode: ExecutionMode;
  /** ASYNC with wait=true answers like SYNC. */
  wait: boolean;
  context: {
    executionId: string;
    sessionId: string;
    userId: string;
    environment: Record<string, string>;
    headers: Record<string, string>;
    timeoutMs: number;
    maxRetries: number;
  };
  forceNewInstance: boolean;
  metadata: Record<string, string>;
  /** Field 14: caller-chosen execution id, for idempotent retries. */
  executionId?: string;
  /**
   * The parameters already as values, when the transport has them so (the HTTP trigger's JSON
   * body): planning takes them instead of decoding `parameters`, which then only feed the request
   * fingerprint of a call with an execution id.
   */
  decoded?: DecodedParameters;
}

/** Parameters by name and in order, as decodeParameters gives them. */
export interface DecodedParameters {
  byName: Record<string, ParamValue>;
  list: ParamValue[];
}

/**
 * A call of an existing task, as the HTTP trigger and in-process callers (the benchmark) make it:
 * SYNC, no execution id, no context beyond `options`. Nothing is validated here (planInvocation
 * does that).
 */
export function existingTaskCall(
  taskId: string,
  functionName: string,
  parameters: FunctionParameter__Output[],
  options: { mode?: ExecutionMode; headers?: Record<string, string>; timeoutMs?: number; executionId?: string; decoded?: DecodedParameters } = {},
): InvokeInput {
  return {
    invocationType: 'EXISTING_TASK',
    taskName: '',
    taskDescription: '',
    artifactSpec: null,
    taskId,
    createIfNotExists: false,
    functionName,
    parameters,
    mode: options.mode ?? 'SYNC',
    wait: false,
    context: { executionId: '', sessionId: '', userId: '', environment: {}, headers: options.headers ?? {}, timeoutMs: options.timeoutMs ?? 0, maxRetries: 0 },
    forceNewInstance: false,
    metadata: {},
    executionId: options.executionId,
    decoded: options.decoded,
  };
}

export interface InvocationPlan {
  task: TaskRecord;
  /** The export that runs (the default export resolved). */
  functionName: string;
  exportInfo: ExportInfo;
  params: Record<string, ParamValue>;
  paramList: ParamValue[];
  timeoutMs: number;
  maxRetries: number;
  /** Caller-chosen id, when given. */
  executionId?: string;
}

const EXECUTION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_RETRIES_CAP = 5;

/**
 * The request's call, for a plan that registers a new task: built once the task's id and limits
 * are known, with the plan's parameters and timeout, it starts on the task's first instance as soon
 * as that is built (see FirstCall). Only a registration that creates the task asks for it.
 */
export interface FirstCallSource {
  make(taskId: string, limits: TaskLimits, call: { params: Record<string, ParamValue>; paramList: ParamValue[]; timeoutMs: number }): FirstCall | undefined;
  started(instance: Instance, outcome: Promise<Outcome>): void;
}

/** Resolves the task of a request per the invocation type rules of the contract. */
async function resolveTask(input: InvokeInput, registry: TaskRegistry, check: (task: TaskRecord) => void, first?: FirstCallRider): Promise<TaskRecord> {
  let type = input.invocationType;
  if (type === 'UNKNOWN') {
    if (input.taskId !== '') type = 'EXISTING_TASK';
    else if (input.artifactSpec) type = 'NEW_TASK';
    else if (input.taskName !== '') type = 'EXISTING_TASK';
    else throw invalidArgument('invocation_type', 'is UNKNOWN and neither task_id, task_name nor artifact_spec is set; give a task_id or task_name to call a task or an artifact_spec to register one');
  }
  if (type === 'NEW_TASK') {
    if (!input.artifactSpec) throw invalidArgument('artifact_spec', 'is required for a NEW_TASK invocation');
    const { task } = await registry.register({ name: input.taskName, description: input.taskDescription, spec: input.artifactSpec, check, first });
    return task;
  }
  if (input.taskId === '') {
    // Only a name: the current (newest) version of that name.
    if (input.taskName !== '') return registry.resolveName(input.taskName);
    throw invalidArgument('task_id', 'is required for an EXISTING_TASK invocation (or task_name, for the current version of a name)');
  }
  const task = registry.get(input.taskId);
  if (task) return task;
  if (input.createIfNotExists && input.artifactSpec) {
    const name = input.taskName !== '' ? input.taskName : input.taskId;
    return (await registry.register({ name, description: input.taskDescription, spec: input.artifactSpec, taskId: input.taskId, check, first })).task;
  }
  throw taskNotFound(input.taskId);
}

function resolveExport(task: TaskRecord, functionName: string): ExportInfo {
  const name = functionName === '' ? task.defaultExport : functionName;
  const found = name === undefined ? undefined : task.exports.find((e) => e.name === name);
  if (found) return found;
  const names = task.exports.map((e) => e.name).join(', ');
  const problem =
    functionName === ''
      ? `is empty and task ${task.taskId} has no default export (JavaScript: 'default' or 'handler'; WASI: '_start'); name one of its exports: ${names}`
      : `'${functionName}' is not an exported function of task ${task.taskId}; its exports: ${names}`;
  throw new SpearletError(ErrorCodes.FUNCTION_NOT_FOUND, `function_name: ${problem}`, { field: 'function_name' });
}

/** The caller-chosen execution id of a request, if any; INVALID_ARGUMENT when malformed. */
export function requestedExecutionId(input: InvokeInput): string | undefined {
  const executionId = input.executionId ?? (input.context.executionId !== '' ? input.context.executionId : undefined);
  if (executionId !== undefined && !EXECUTION_ID_PATTERN.test(executionId)) {
    throw invalidArgument('execution_id', 'must be 1-128 characters of A-Z a-z 0-9 . _ : -');
  }
  return executionId;
}

/** Validates a request into a plan; throws coded errors, writes nothing but a new task. */
export async function planInvocation(input: InvokeInput, registry: TaskRegistry, config: Config, firstCall?: FirstCallSource): Promise<InvocationPlan> {
  const executionId = requestedExecutionId(input);
  if (!Number.isInteger(input.context.timeoutMs) || input.context.timeoutMs < 0) {
    throw invalidArgument('context.timeout_ms', `must be 0 (the default) or a positive number of milliseconds, got ${input.context.timeoutMs}`);
  }
  if (input.context.maxRetries < 0) throw invalidArgument('context.max_retries', `must not be negative, got ${input.context.maxRetries}`);
  const { byName, list } = input.decoded ?? decodeParameters(input.parameters);
  const timeoutFor = (limits: TaskLimits) => Math.min(input.context.timeoutMs === 0 ? limits.timeoutMs : input.context.timeoutMs, config.maxTimeoutMs);
  const first: FirstCallRider | undefined = firstCall && {
    make: (taskId, limits) => firstCall.make(taskId, limits, { params: byName, paramList: list, timeoutMs: timeoutFor(limits) }),
    started: (instance, outcome) => firstCall.started(instance, outcome),
  };
  const task = await resolveTask(input, registry, (t) => resolveExport(t, input.functionName), first);
  const exportInfo = resolveExport(task, input.functionName);
  return {
    task,
    functionName: exportInfo.name,
    exportInfo,
    params: byName,
    paramList: list,
    timeoutMs: timeoutFor(task.limits),
    maxRetries: Math.min(input.context.maxRetries, MAX_RETRIES_CAP),
    executionId,
  };
}

/** The call a request makes, as a runtime receives it. */
export function invocationOf(
  input: InvokeInput,
  call: {
    executionId: string;
    taskId: string;
    functionName: string;
    params: Record<string, ParamValue>;
    paramList: ParamValue[];
    deadline: number;
    streaming: boolean;
    /** The task's environment merged with the call's (GuestCall); default: the call's. */
    env?: Record<string, string>;
    secrets?: Record<string, string>;
  },
): Invocation {
  return {
    executionId: call.executionId,
    taskId: call.taskId,
    functionName: call.functionName,
    params: call.params,
    paramList: call.paramList,
    env: call.env ?? input.context.environment,
    headers: input.context.headers,
    sessionId: input.context.sessionId,
    userId: input.context.userId,
    deadline: call.deadline,
    streaming: call.streaming,
    secrets: call.secrets,
  };
}
