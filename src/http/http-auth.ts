/**
 * Who calls the HTTP trigger: the same bearer tokens as the gRPC port (src/auth/), read from the
 * `Authorization` header. Without an authenticator (no --auth-file) every caller sees every
 * tenant, as over gRPC. An `invoke` credential is bound to its tenant; an `admin` one may name a
 * tenant in `X-Spearlet-Tenant`, or see all. Another tenant's task or execution answers exactly as
 * an unknown one does (404), so existence does not leak.
 */
import * as grpc from '@grpc/grpc-js';
import type * as http from 'node:http';
import { AuthError, type Authenticator } from '../auth/authenticator.js';
import { executionTenant, taskTenant } from '../auth/tenant-views.js';
import type { SpearletCore } from '../core/spearlet-core.js';
import { executionNotFound, invalidArgument, permissionDenied, taskNotFound, unauthenticated } from '../errors.js';
import type { ExecutionRecord, TaskRecord } from '../store/records.js';

/** The tenant a call is scoped to; undefined: every tenant (auth off, or an admin naming none). */
export interface HttpCaller {
  tenant: string | undefined;
}

/** Authenticates one request; throws UNAUTHENTICATED or PERMISSION_DENIED. */
export function httpCaller(authenticator: Authenticator | undefined, req: http.IncomingMessage): HttpCaller {
  if (!authenticator) return { tenant: undefined };
  const metadata = new grpc.Metadata();
  const header = req.headers.authorization;
  if (header !== undefined) metadata.set('authorization', header);
  let principal;
  try {
    principal = authenticator.authenticate(metadata, undefined);
  } catch (err) {
    if (err instanceof AuthError) throw unauthenticated(err.message);
    throw err;
  }
  const named = String(req.headers['x-spearlet-tenant'] ?? '').trim();
  if (principal.role === 'admin') return { tenant: named === '' ? undefined : named };
  if (named !== '' && named !== principal.tenant) {
    throw permissionDenied(`the X-Spearlet-Tenant header names '${named}', but the credential's tenant is '${principal.tenant}'`, 'x-spearlet-tenant');
  }
  return { tenant: principal.tenant };
}

/** The task, or NOT_FOUND as for an unknown one when it belongs to another tenant. */
export function ownTask(core: SpearletCore, caller: HttpCaller, taskRef: string, task: TaskRecord): TaskRecord {
  if (caller.tenant !== undefined && taskTenant(task) !== caller.tenant) throw taskNotFound(taskRef, 'path.task');
  return task;
}

/** The execution, or NOT_FOUND as for an unknown one when it ran for another tenant. */
export function ownExecution(core: SpearletCore, caller: HttpCaller, executionId: string, record: ExecutionRecord | undefined): ExecutionRecord {
  if (!record || (caller.tenant !== undefined && executionTenant(core, record) !== caller.tenant)) throw executionNotFound(executionId);
  return record;
}

/** A caller-chosen execution id of a tenant must start with `<tenant>:`, as over gRPC. */
export function checkChosenId(caller: HttpCaller, executionId: string | undefined): void {
  if (caller.tenant === undefined || executionId === undefined || executionId === '') return;
  if (!executionId.startsWith(`${caller.tenant}:`)) {
    throw invalidArgument('execution_id', `an id the caller chooses must start with '${caller.tenant}:' (the caller's tenant)`);
  }
}
