/**
 * Checks a step's expectations against what it observed. Returns the failures, each a sentence a
 * person can act on; empty when everything matched.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Expect } from './manifest-types.js';
import { match, show } from './match.js';
import type { Observation } from './observation.js';

const grpcName = (code: number): string => GrpcStatus[code] ?? String(code);

function checkRefusal(expect: Expect, obs: Observation): string[] {
  if (!obs.error) return [`expected the call to be refused with ${expect.grpcCode}, but it succeeded${obs.outcome ? ` (status ${obs.outcome.status})` : ''}`];
  const failures: string[] = [];
  const { code, details } = obs.error;
  if (grpcName(code) !== expect.grpcCode) failures.push(`expected gRPC ${expect.grpcCode}, got ${grpcName(code)}: ${details}`);
  if (expect.message !== undefined && !new RegExp(expect.message).test(details)) failures.push(`error details ${show(details)} do not match /${expect.message}/`);
  if (expect.errorCode !== undefined) {
    const trailer = obs.error.metadata?.get('spearlet-error-code')[0];
    if (trailer !== expect.errorCode) failures.push(`expected error code ${expect.errorCode} (spearlet-error-code trailer), got ${show(trailer)}`);
  }
  return failures;
}

function checkOutcome(expect: Expect, obs: Observation): string[] {
  const o = obs.outcome;
  if (!o) return [];
  const failures: string[] = [];
  if (expect.status !== undefined) {
    const allowed = Array.isArray(expect.status) ? expect.status : [expect.status];
    if (!allowed.includes(o.status)) failures.push(`expected status ${allowed.join(' or ')}, got ${o.status}${o.errorCode ? ` (${o.errorCode}: ${o.errorMessage})` : ''}`);
  }
  if (expect.success !== undefined && o.success !== expect.success) failures.push(`expected success=${expect.success}, got ${String(o.success)}`);
  if (expect.errorCode !== undefined && o.errorCode !== expect.errorCode) failures.push(`expected error_code ${show(expect.errorCode)}, got ${show(o.errorCode)} (${o.errorMessage})`);
  if (expect.errorMessage !== undefined) {
    const matcher = typeof expect.errorMessage === 'string' ? { $regex: expect.errorMessage } : expect.errorMessage;
    failures.push(...match(matcher, o.errorMessage, 'error_message'));
  }
  if (expect.resultType !== undefined) {
    const want = expect.resultType.replace(/^google\.protobuf\./, '');
    if (o.resultType !== want) failures.push(`expected a ${want} result, got ${o.resultType}`);
  }
  if ('result' in expect) failures.push(...match(expect.result, o.result, 'result'));
  if (expect.chunks !== undefined) failures.push(...match(expect.chunks, o.chunks, 'chunks'));
  if (expect.logs !== undefined) failures.push(...match(expect.logs, o.logs, 'logs'));
  if (expect.metrics !== undefined) failures.push(...match(expect.metrics, o.metrics, 'metrics', 'partial'));
  return failures;
}

/** The failures of one step: contract violations, then unmet expectations. */
export function checkExpectations(expect: Expect | undefined, obs: Observation): string[] {
  const failures = obs.violations.map((v) => `contract: ${v}`);
  const e = expect ?? {};
  if (e.grpcCode !== undefined) return [...failures, ...checkRefusal(e, obs)];
  if (obs.error) return [...failures, `refused with ${grpcName(obs.error.code)}: ${obs.error.details}`];
  failures.push(...checkOutcome(e, obs));
  if (e.response !== undefined) failures.push(...match(e.response, obs.response, 'response', 'partial'));
  return failures;
}
