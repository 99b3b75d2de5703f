/**
 * Shutdown drains: requests already on their way in (registering a task, waiting for a slot) and
 * running executions finish within the grace period; new requests are refused.
 */
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { FunctionClient } from '../../src/client/function-client.js';
import { jsSpec, params, startTestServer, valueOf } from './harness.js';

describe('shutdown', () => {
  it('lets a call that is still registering its task finish, and refuses new work', async () => {
    const t = await startTestServer({ shutdownGraceMs: 10_000 });
    const client = new FunctionClient(t.server.address);
    await client.getHealth({});
    // Top-level code that takes 300 ms: registration (which evaluates the module) is slow.
    const source = 'const end = Date.now() + 300; while (Date.now() < end) {}\nexport default ({ ms }) => new Promise((r) => setTimeout(() => r(ms), ms));';
    const call = client.invoke({ taskName: 'late', artifactSpec: jsSpec(source), parameters: params({ ms: 300 }) });
    await new Promise((r) => setTimeout(r, 100));
    const closing = t.server.close();
    await new Promise((r) => setTimeout(r, 20));
    await expect(client.invoke({ taskName: 'later', artifactSpec: jsSpec(source), parameters: params({ ms: 1 }) })).rejects.toMatchObject({ code: status.UNAVAILABLE });
    const res = await call;
    expect([res.result?.status, res.result?.errorCode, res.result?.errorMessage]).toEqual(['EXECUTION_STATUS_COMPLETED', '', '']);
    expect(valueOf(res.result?.result)).toBe(300);
    await closing;
    client.close();
    const again = await t.restart();
    const stored = await again.client.getExecutionStatus({ executionId: res.executionId });
    expect(stored.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    await again.stop();
  });
});
