/**
 * The one place FunctionService calls are authenticated, authorized and scoped to a tenant: a thin
 * wrapper around every handler. With an authenticator (auth file), each call must carry a known
 * bearer token or a mapped client certificate (else UNAUTHENTICATED). An `invoke` credential is
 * bound to its tenant: a `tenant` metadata key naming another is PERMISSION_DENIED, and every RPC
 * sees only that tenant's tasks and executions (tenant-scope.ts). An `admin` credential sees all
 * tenants, or acts as the one its `tenant` metadata names. grpc.health.v1 is not wrapped: probes
 * stay open.
 *
 * Refusals are counted by reason and logged with the caller's label and peer, never the token.
 */
import type * as grpc from '@grpc/grpc-js';
import type { SpearletCore } from '../core/spearlet-core.js';
import { ErrorCodes, SpearletError, permissionDenied, toSpearletError, unauthenticated } from '../errors.js';
import type { FunctionServiceHandlers } from '../generated/spearlet/FunctionService.js';
import type { Logger } from '../logger.js';
import { toServiceError } from '../server/status-map.js';
import { AuthError, type Authenticator, type Principal } from './authenticator.js';
import { type Method, SCOPE_RULES, type ScopeRule, type Scoped } from './tenant-scope.js';

export interface GuardOptions {
  /** Absent: authentication is off and calls are not scoped (loopback or --insecure). */
  authenticator: Authenticator | undefined;
  log: Logger;
  /** Counts a refused call by reason (Prometheus). */
  onRefusal?: (reason: string) => void;
}

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;

/** Who may call, and as which tenant; `tenant` undefined means every tenant (admin, or auth off). */
interface Caller {
  principal: Principal | undefined;
  tenant: string | undefined;
}

class Guard {
  constructor(
    private readonly core: SpearletCore,
    private readonly options: GuardOptions,
  ) {}

  private refuse(method: Method, call: AnyCall, reason: string, err: SpearletError, principal?: Principal): SpearletError {
    this.options.onRefusal?.(reason);
    this.options.log.warn({ method, peer: call.getPeer(), reason, caller: principal?.name, tenant: principal?.tenant, message: err.message }, `refused ${method}: ${reason}`);
    return err;
  }

  private identify(method: Method, call: AnyCall): Caller {
    const auth = this.options.authenticator;
    if (!auth) return { principal: undefined, tenant: undefined };
    let principal: Principal;
    try {
      principal = auth.authenticate(call.metadata, call.getAuthContext().sslPeerCertificate);
    } catch (err) {
      if (err instanceof AuthError) throw this.refuse(method, call, err.reason, unauthenticated(err.message));
      throw err;
    }
    const named = call.metadata.get('tenant');
    const requested = named.length > 0 ? String(named[0]).trim() : '';
    if (principal.role === 'admin') return { principal, tenant: requested === '' ? undefined : requested };
    if (requested !== '' && requested !== principal.tenant) {
      const err = permissionDenied(`the tenant metadata names '${requested}', but the credential's tenant is '${principal.tenant}'`, 'tenant');
      throw this.refuse(method, call, 'permission_denied', err, principal);
    }
    return { principal, tenant: principal.tenant };
  }

  /** Authenticates and scopes a call: resolves with the answer to send, or undefined to run the handler. */
  async admit(method: Method, call: AnyCall): Promise<Scoped> {
    const caller = this.identify(method, call);
    if (caller.tenant === undefined) return {};
    try {
      return await (SCOPE_RULES[method] as ScopeRule<Method>)(this.core, caller.tenant, call.request as never);
    } catch (err) {
      const e = toSpearletError(err);
      if (e.code === ErrorCodes.PERMISSION_DENIED) throw this.refuse(method, call, 'permission_denied', e, caller.principal);
      throw e;
    }
  }
}

/** Every FunctionService handler behind the guard. */
export function guardHandlers(core: SpearletCore, handlers: FunctionServiceHandlers, options: GuardOptions): FunctionServiceHandlers {
  const guard = new Guard(core, options);
  const wrapped: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as [Method, (...args: unknown[]) => unknown][]) {
    // The server-streaming RPCs: a refusal ends the stream with the error.
    if (name === 'StreamFunction' || name === 'FollowExecutionLogs') {
      wrapped[name] = (call: grpc.ServerWritableStream<unknown, unknown>) => {
        guard.admit(name, call).then(
          () => handler(call),
          (err) => call.emit('error', toServiceError(err)),
        );
      };
    } else {
      wrapped[name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        guard.admit(name, call).then(
          (scoped) => (scoped.answer !== undefined ? callback(null, scoped.answer) : handler(call, callback)),
          (err) => callback(toServiceError(err)),
        );
      };
    }
  }
  return wrapped as unknown as FunctionServiceHandlers;
}
