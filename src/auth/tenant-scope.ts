/**
 * Tenant scoping of every FunctionService RPC, for a caller bound to one tenant. Each rule either
 * answers the call itself (another tenant's id answers exactly as an unknown id does, lists and
 * figures hold the tenant's own items only) or lets the handler serve it, with the request's
 * tenant set from the credential.
 *
 * Ids a caller chooses (execution_id, the task_id of create_if_not_exists) must start with
 * `<tenant>:`, so one tenant's ids can never collide with, and so reveal, another's.
 */
import { taskSecretNames } from '../capabilities/task-capabilities.js';
import type { SpearletCore } from '../core/spearlet-core.js';
import { executionNotFound, invalidArgument, permissionDenied, taskNotFound } from '../errors.js';
import type { FunctionServiceHandlers } from '../generated/spearlet/FunctionService.js';
import type { CancelExecutionRequest__Output } from '../generated/spearlet/CancelExecutionRequest.js';
import type { DeleteTaskRequest__Output } from '../generated/spearlet/DeleteTaskRequest.js';
import type { DeployTaskRequest__Output } from '../generated/spearlet/DeployTaskRequest.js';
import type { FollowExecutionLogsRequest__Output } from '../generated/spearlet/FollowExecutionLogsRequest.js';
import type { GetExecutionStatusRequest__Output } from '../generated/spearlet/GetExecutionStatusRequest.js';
import type { GetHealthRequest__Output } from '../generated/spearlet/GetHealthRequest.js';
import type { GetStatsRequest__Output } from '../generated/spearlet/GetStatsRequest.js';
import type { GetTaskRequest__Output } from '../generated/spearlet/GetTaskRequest.js';
import type { InvokeFunctionRequest__Output } from '../generated/spearlet/InvokeFunctionRequest.js';
import type { ListExecutionsRequest__Output } from '../generated/spearlet/ListExecutionsRequest.js';
import type { ListTasksRequest__Output } from '../generated/spearlet/ListTasksRequest.js';
import { executionTenant, taskTenant, tenantExecutions, tenantHealth, tenantStats, tenantTasks } from './tenant-views.js';

/** The request type of each RPC. */
interface Requests {
  InvokeFunction: InvokeFunctionRequest__Output;
  StreamFunction: InvokeFunctionRequest__Output;
  GetExecutionStatus: GetExecutionStatusRequest__Output;
  CancelExecution: CancelExecutionRequest__Output;
  ListExecutions: ListExecutionsRequest__Output;
  ListTasks: ListTasksRequest__Output;
  GetTask: GetTaskRequest__Output;
  DeleteTask: DeleteTaskRequest__Output;
  GetHealth: GetHealthRequest__Output;
  GetStats: GetStatsRequest__Output;
  DeployTask: DeployTaskRequest__Output;
  FollowExecutionLogs: FollowExecutionLogsRequest__Output;
}

export type Method = keyof Requests & keyof FunctionServiceHandlers;
type RequestOf<M extends Method> = Requests[M];

/** `answer` ends the call with that response; otherwise the handler serves the (adjusted) request. */
export interface Scoped {
  answer?: unknown;
}

export type ScopeRule<M extends Method> = (core: SpearletCore, tenant: string, request: RequestOf<M>) => Promise<Scoped>;

const PASS: Scoped = {};

function requirePrefix(id: string, tenant: string, field: string): void {
  if (!id.startsWith(`${tenant}:`)) {
    throw invalidArgument(field, `an id the caller chooses must start with '${tenant}:' (the caller's tenant), got '${id}'`);
  }
}

/** Sets the tenant of a registration's artifact from the credential; another tenant named is refused. */
function scopeArtifact(tenant: string, req: { artifactSpec: InvokeFunctionRequest__Output['artifactSpec'] }): void {
  const named = req.artifactSpec?.metadata?.tenant?.trim();
  if (named !== undefined && named !== '' && named !== tenant) {
    throw permissionDenied(`artifact_spec.metadata.tenant names '${named}', but the credential's tenant is '${tenant}'`, 'artifact_spec.metadata.tenant');
  }
  // Secrets are the server's: a tenant's tasks may read only those named for it.
  for (const secret of taskSecretNames(req.artifactSpec?.metadata ?? {})) {
    if (!secret.startsWith(`${tenant}.`)) {
      throw permissionDenied(`artifact_spec.metadata.secrets names '${secret}': a task of tenant '${tenant}' may read only secrets named '${tenant}.*'`, 'artifact_spec.metadata.secrets');
    }
  }
  if (req.artifactSpec) req.artifactSpec.metadata = { ...(req.artifactSpec.metadata ?? {}), tenant };
}

/** Sets the tenant of an invocation from the credential and refuses ids of other tenants. */
async function scopeInvocation(core: SpearletCore, tenant: string, req: InvokeFunctionRequest__Output): Promise<Scoped> {
  scopeArtifact(tenant, req);
  const executionId = req.executionId || req.context?.executionId || '';
  if (executionId !== '') requirePrefix(executionId, tenant, req.executionId ? 'execution_id' : 'context.execution_id');
  const byId = req.taskId !== '' && req.invocationType !== 'INVOCATION_TYPE_NEW_TASK';
  if (byId) {
    // The prefix rule first: it does not depend on whether the id exists.
    if (req.createIfNotExists && req.artifactSpec) requirePrefix(req.taskId, tenant, 'task_id');
    const task = core.registry.get(req.taskId);
    if (task && taskTenant(task) !== tenant) throw taskNotFound(req.taskId);
  }
  return PASS;
}

async function ownsExecution(core: SpearletCore, tenant: string, executionId: string): Promise<boolean | undefined> {
  if (executionId === '') return undefined;
  const record = await core.executions.status(executionId);
  return record === undefined ? undefined : executionTenant(core, record) === tenant;
}

function ownsTask(core: SpearletCore, tenant: string, taskId: string): boolean | undefined {
  const task = taskId === '' ? undefined : core.registry.get(taskId);
  return task === undefined ? undefined : taskTenant(task) === tenant;
}

/** The rule of each RPC. The answers for another tenant's ids repeat the handlers' own for unknown ids. */
export const SCOPE_RULES: { [M in Method]: ScopeRule<M> } = {
  InvokeFunction: scopeInvocation,
  StreamFunction: scopeInvocation,
  GetExecutionStatus: async (core, tenant, req) =>
    (await ownsExecution(core, tenant, req.executionId)) === false ? { answer: { found: false, message: `no execution with id '${req.executionId}'`, logs: [] } } : PASS,
  CancelExecution: async (core, tenant, req) => {
    if ((await ownsExecution(core, tenant, req.executionId)) === false) throw executionNotFound(req.executionId);
    return PASS;
  },
  ListExecutions: async (core, tenant, req) => ({ answer: await tenantExecutions(core, tenant, req) }),
  ListTasks: async (core, tenant, req) => ({ answer: await tenantTasks(core, tenant, req) }),
  GetTask: async (core, tenant, req) =>
    ownsTask(core, tenant, req.taskId) === false ? { answer: { found: false, executions: [], message: `no task with id '${req.taskId}'` } } : PASS,
  DeleteTask: async (core, tenant, req) => {
    if (ownsTask(core, tenant, req.taskId) === false) throw taskNotFound(req.taskId);
    return PASS;
  },
  GetHealth: async (core, tenant, req) => ({ answer: await tenantHealth(core, tenant, req) }),
  GetStats: async (core, tenant, req) => ({ answer: await tenantStats(core, tenant, req) }),
  DeployTask: async (_core, tenant, req) => {
    scopeArtifact(tenant, req);
    return PASS;
  },
  FollowExecutionLogs: async (core, tenant, req) => {
    if ((await ownsExecution(core, tenant, req.executionId)) === false) throw executionNotFound(req.executionId);
    return PASS;
  },
};
