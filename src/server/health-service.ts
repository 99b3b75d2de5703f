/**
 * The standard grpc.health.v1.Health service, so load balancers and Kubernetes gRPC probes work.
 * Both the server ('') and spearlet.FunctionService report SERVING while the core is healthy or
 * degraded, NOT_SERVING while it is unhealthy (store unusable) or draining. The core's health is
 * re-read every `intervalMs`; Watch streams hear each change.
 */
import type * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { HealthReport } from '../core/health.js';

export const FUNCTION_SERVICE_NAME = 'spearlet.FunctionService';

export interface HealthService {
  /** Reports NOT_SERVING from now on (the server is draining). */
  drain(): void;
  /** Stops re-reading the core's health. */
  stop(): void;
}

export function addHealthService(server: grpc.Server, health: () => Promise<Pick<HealthReport, 'status'>>, intervalMs = 2_000): HealthService {
  const impl = new HealthImplementation({ '': 'SERVING', [FUNCTION_SERVICE_NAME]: 'SERVING' });
  impl.addToServer(server);
  let draining = false;
  const set = (status: ServingStatus) => {
    impl.setStatus('', status);
    impl.setStatus(FUNCTION_SERVICE_NAME, status);
  };
  const refresh = () => {
    if (draining) return;
    health().then(
      (h) => !draining && set(h.status === 'unhealthy' ? 'NOT_SERVING' : 'SERVING'),
      () => !draining && set('NOT_SERVING'),
    );
  };
  const timer = setInterval(refresh, intervalMs);
  timer.unref();
  refresh();
  return {
    drain: () => {
      draining = true;
      set('NOT_SERVING');
    },
    stop: () => clearInterval(timer),
  };
}
