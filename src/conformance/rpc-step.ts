/**
 * Runs an `rpc` step (one FunctionService call with the request as written) and a `wait` step
 * (GetExecutionStatus polled until the execution is terminal).
 */
import type { FunctionClient } from '../client/function-client.js';
import type { RpcName, RpcStep, WaitStep } from './manifest-types.js';
import { type Observation, isServiceError, outcomeOf, pollUntilTerminal } from './observation.js';
import type { StepContext } from './step-context.js';

type Call = (client: FunctionClient, request: never, deadlineMs: number) => Promise<unknown>;

const CALLS: Record<RpcName, Call> = {
  InvokeFunction: (c, r, d) => c.invoke(r, { deadlineMs: d }),
  GetExecutionStatus: (c, r, d) => c.getExecutionStatus(r, { deadlineMs: d }),
  CancelExecution: (c, r, d) => c.cancelExecution(r, { deadlineMs: d }),
  ListTasks: (c, r, d) => c.listTasks(r, { deadlineMs: d }),
  GetTask: (c, r, d) => c.getTask(r, { deadlineMs: d }),
  DeleteTask: (c, r, d) => c.deleteTask(r, { deadlineMs: d }),
  ListExecutions: (c, r, d) => c.listExecutions(r, { deadlineMs: d }),
  GetHealth: (c, r, d) => c.getHealth(r, { deadlineMs: d }),
  GetStats: (c, r, d) => c.getStats(r, { deadlineMs: d }),
  StreamFunction: (c, r, d) =>
    new Promise((resolve, reject) => {
      const messages: unknown[] = [];
      const call = c.raw.StreamFunction(r, { deadline: Date.now() + d });
      call.on('data', (m) => messages.push(m));
      call.on('error', reject);
      call.on('end', () => resolve({ messages }));
    }),
};

export async function runRpcStep(step: RpcStep, ctx: StepContext): Promise<Observation> {
  try {
    const response = await CALLS[step.rpc](ctx.client, (step.request ?? {}) as never, ctx.deadlineMs(step));
    const taskId = (response as { taskId?: unknown }).taskId;
    if (step.rpc === 'InvokeFunction' && typeof taskId === 'string' && taskId !== '') ctx.createdTasks.add(taskId);
    return { response, violations: [] };
  } catch (err) {
    if (isServiceError(err)) return { error: err, violations: [] };
    throw err;
  }
}

export async function runWaitStep(step: WaitStep, ctx: StepContext): Promise<Observation> {
  const violations: string[] = [];
  try {
    const res = await pollUntilTerminal(ctx.client, step.wait, ctx.deadlineMs(step), violations);
    const outcome = outcomeOf(res.result, { executionId: step.wait, taskId: '' }, res, violations);
    outcome.logs = res.logs;
    return { outcome, response: res, violations };
  } catch (err) {
    if (isServiceError(err)) return { error: err, violations };
    throw err;
  }
}
