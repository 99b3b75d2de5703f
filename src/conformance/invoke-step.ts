/**
 * Runs an invoke step: builds the InvokeFunctionRequest from the step's fields, then follows the
 * mode: SYNC reads the answer, ASYNC polls GetExecutionStatus to the end, STREAM reads
 * StreamFunction (optionally cancelling it). Checks the contract's invariants of each mode.
 */
import type * as grpc from '@grpc/grpc-js';
import { encodeTypedParams } from '../client/typed-params.js';
import type { InvokeFunctionRequest } from '../generated/spearlet/InvokeFunctionRequest.js';
import type { StreamExecutionResult__Output } from '../generated/spearlet/StreamExecutionResult.js';
import { artifactSpec } from './artifact.js';
import type { InvokeStep } from './manifest-types.js';
import { type Observation, type Outcome, decodeValue, isServiceError, outcomeOf, pollUntilTerminal, shortStatus, typeNameOf } from './observation.js';
import type { StepContext } from './step-context.js';

/** The request a step sends (variables already interpolated into `step`). */
export async function buildInvokeRequest(step: InvokeStep, ctx: StepContext): Promise<InvokeFunctionRequest> {
  const req: InvokeFunctionRequest = {};
  if (step.artifact) {
    req.artifactSpec = await artifactSpec(step.artifact, ctx.fixturesDir);
    req.taskName = step.taskName ?? `conformance-${ctx.caseSlug}-${ctx.runId}`;
  } else if (step.taskName !== undefined) {
    req.taskName = step.taskName;
  }
  if (step.task !== undefined) req.taskId = step.task;
  if (step.function !== undefined) req.functionName = step.function;
  if (step.params !== undefined) req.parameters = encodeTypedParams(step.params);
  const mode = step.mode ?? 'SYNC';
  if (mode !== 'STREAM') req.executionMode = `EXECUTION_MODE_${mode}`;
  return { ...req, ...(step.request as InvokeFunctionRequest | undefined) };
}

async function invokeSync(req: InvokeFunctionRequest, step: InvokeStep, ctx: StepContext, v: string[]): Promise<Outcome> {
  const res = await ctx.client.invoke(req, { deadlineMs: ctx.deadlineMs(step) });
  const outcome = outcomeOf(res.result, res, res, v);
  outcome.success = res.success;
  if (res.executionId === '') v.push('InvokeFunction answered without an execution_id');
  const async = req.executionMode === 'EXECUTION_MODE_ASYNC' && !req.wait;
  if (!async && res.success !== (outcome.status === 'COMPLETED')) v.push(`success=${res.success} but status ${outcome.status} (success must be true exactly when COMPLETED)`);
  if (step.expect?.logs !== undefined && res.executionId !== '') {
    const status = await ctx.client.getExecutionStatus({ executionId: res.executionId, includeLogs: true }, { deadlineMs: ctx.deadlineMs(step) });
    outcome.logs = status.logs;
  }
  return outcome;
}

async function invokeAsync(req: InvokeFunctionRequest, step: InvokeStep, ctx: StepContext, v: string[]): Promise<Outcome> {
  const accepted = await ctx.client.invoke(req, { deadlineMs: ctx.deadlineMs(step) });
  if (!accepted.success) v.push(`ASYNC InvokeFunction answered success=false: ${accepted.message}`);
  if (accepted.executionId === '') {
    v.push('ASYNC InvokeFunction answered without an execution_id');
    return { ...outcomeOf(accepted.result, accepted, accepted, v), success: accepted.success };
  }
  const final = await pollUntilTerminal(ctx.client, accepted.executionId, ctx.deadlineMs(step), v);
  const outcome = outcomeOf(final.result, accepted, accepted, v);
  outcome.success = accepted.success;
  outcome.logs = final.logs;
  return outcome;
}

/** A stream's messages do not carry the task id: it is the request's, or the task registered under its name. */
async function streamTaskId(req: InvokeFunctionRequest, ctx: StepContext): Promise<string> {
  if (req.taskId) return req.taskId;
  if (!req.taskName || !req.artifactSpec) return '';
  const page = await ctx.client.listTasks({ prefix: req.taskName, limit: 1000 });
  const named = page.tasks.filter((t) => t.taskName === req.taskName);
  return named.length > 0 ? named[named.length - 1].taskId : '';
}

/** Reads a stream to its end, or cancels it after `cancelAfter` data chunks. */
function readStream(call: grpc.ClientReadableStream<StreamExecutionResult__Output>, cancelAfter: number | undefined): Promise<{ messages: StreamExecutionResult__Output[]; cancelled: boolean }> {
  return new Promise((resolve, reject) => {
    const messages: StreamExecutionResult__Output[] = [];
    let cancelled = false;
    let data = 0;
    call.on('data', (m: StreamExecutionResult__Output) => {
      messages.push(m);
      if (m.metadata?.kind === 'data') data++;
      if (cancelAfter !== undefined && data >= cancelAfter && !cancelled) {
        cancelled = true;
        call.cancel();
      }
    });
    call.on('error', (err) => (cancelled ? resolve({ messages, cancelled }) : reject(err)));
    call.on('end', () => resolve({ messages, cancelled }));
  });
}

async function invokeStream(req: InvokeFunctionRequest, step: InvokeStep, ctx: StepContext, v: string[]): Promise<Outcome> {
  const call = ctx.client.raw.StreamFunction(req, { deadline: Date.now() + ctx.deadlineMs(step) });
  const { messages, cancelled } = await readStream(call, step.cancelAfterChunks);
  const first = messages[0];
  const executionId = first?.executionId ?? '';
  if (!first || shortStatus(first.status) !== 'RUNNING' || executionId === '') v.push(`the first stream message must be RUNNING with the execution_id, got ${JSON.stringify(first ?? null)}`);
  const finals = messages.filter((m) => m.isFinal);
  if (!cancelled && (finals.length !== 1 || !messages[messages.length - 1].isFinal)) v.push(`a stream must end with exactly one is_final message (got ${finals.length})`);
  const chunks: unknown[] = [];
  const logs: string[] = [];
  messages.forEach((m, i) => {
    if (m.isFinal || i === 0) return;
    const kind = m.metadata?.kind;
    if (kind === 'data') chunks.push(decodeValue(m.chunkData, `message ${i}`, v));
    else if (kind === 'log') logs.push(String(decodeValue(m.chunkData, `message ${i}`, v)));
    else v.push(`stream message ${i} has metadata.kind '${kind ?? ''}' (expected data or log)`);
  });
  // error_code is not a stream field: the execution's stored record tells it.
  const stored = executionId ? await pollUntilTerminal(ctx.client, executionId, ctx.deadlineMs(step), v) : undefined;
  const final = finals[0];
  const outcome = outcomeOf(stored?.result ?? null, { executionId, taskId: await streamTaskId(req, ctx) }, { messages }, v);
  if (final) {
    if (shortStatus(final.status) !== outcome.status) v.push(`the final stream message says ${shortStatus(final.status)} but GetExecutionStatus says ${outcome.status}`);
    outcome.errorMessage = final.errorMessage;
    outcome.result = decodeValue(final.chunkData, 'final chunk_data', v);
    outcome.resultType = typeNameOf(final.chunkData);
  }
  return { ...outcome, chunks, logs };
}

/** Runs one invoke step. A refusal is observed, not thrown. */
export async function runInvokeStep(step: InvokeStep, ctx: StepContext): Promise<Observation> {
  const violations: string[] = [];
  const req = await buildInvokeRequest(step, ctx);
  const mode = step.mode ?? 'SYNC';
  try {
    const outcome = await (mode === 'STREAM' ? invokeStream : mode === 'ASYNC' ? invokeAsync : invokeSync)(req, step, ctx, violations);
    if (outcome.taskId) ctx.createdTasks.add(outcome.taskId);
    return { outcome, response: outcome.response, violations };
  } catch (err) {
    if (isServiceError(err)) return { error: err, violations };
    throw err;
  }
}
