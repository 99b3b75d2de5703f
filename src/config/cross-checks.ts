/**
 * The checks that involve more than one option, and the values derived from others. Each message
 * names the options as the user set them (src/config/origins.ts).
 */
import { isLoopbackHost, parseHostPort } from './host-port.js';
import type { ConfigNames } from './origins.js';
import type { ConfigKey } from './options.js';

/** The checked values by key, before the cross-checks. */
export type Checked = Record<ConfigKey, any>;

/** A default must not exceed its cap. */
function notAbove(v: Checked, names: ConfigNames, key: ConfigKey, cap: ConfigKey): void {
  if (v[key] > v[cap]) names.fail(key, `must not exceed ${names.name(cap)} (${v[cap]})`, v[key]);
}

/**
 * TLS, authentication and the secure default: beyond loopback the server needs TLS and an auth
 * file, or the operator's explicit `insecure`.
 */
function networkSecurity(v: Checked, names: ConfigNames): void {
  const n = (key: ConfigKey) => names.name(key);
  if ((v.tlsCert === undefined) !== (v.tlsKey === undefined)) names.fail(v.tlsCert === undefined ? 'tlsCert' : 'tlsKey', `${n('tlsCert')} and ${n('tlsKey')} go together`);
  if (v.tlsClientCa !== undefined && v.tlsCert === undefined) names.fail('tlsClientCa', `mutual TLS needs ${n('tlsCert')} and ${n('tlsKey')}`);
  if (v.metricsTls && v.tlsCert === undefined) names.fail('metricsTls', `needs ${n('tlsCert')} and ${n('tlsKey')}`);
  if (v.metricsTls && v.metricsListen === undefined) names.fail('metricsTls', `needs ${n('metricsListen')}`);
  if (v.insecure) return;
  const beyondLoopback = (key: ConfigKey) => v[key] !== undefined && !isLoopbackHost(parseHostPort(key, v[key]).host);
  if (beyondLoopback('listen') && (v.tlsCert === undefined || v.authFile === undefined)) {
    names.fail('listen', `${v.listen} is not a loopback address: serve it with ${n('tlsCert')}, ${n('tlsKey')} and ${n('authFile')}, or pass ${n('insecure')}`);
  }
  if (beyondLoopback('metricsListen') && !v.metricsTls) {
    names.fail('metricsListen', `${v.metricsListen} is not a loopback address: serve it with ${n('metricsTls')}, or pass ${n('insecure')}`);
  }
  // The HTTP trigger checks the same tokens but speaks plain HTTP: beyond loopback they would
  // cross the network in clear, so that takes the operator's explicit --insecure (or a TLS proxy).
  if (beyondLoopback('httpListen')) {
    names.fail('httpListen', `${v.httpListen} is not a loopback address and the HTTP trigger has no TLS: keep it on loopback (behind a TLS proxy), or pass ${n('insecure')}`);
  }
}

/** Runs the cross-checks and fills the derived values in place. */
export function crossCheck(v: Checked, names: ConfigNames): void {
  notAbove(v, names, 'defaultMemoryLimitMb', 'maxMemoryLimitMb');
  notAbove(v, names, 'defaultTimeoutMs', 'maxTimeoutMs');
  notAbove(v, names, 'defaultMaxInstancesPerTask', 'maxInstancesPerTask');
  networkSecurity(v, names);
  // An inline (data: URL, base64) artifact of maxArtifactBytes, plus parameters, must still fit.
  if (v.maxRequestBytes === 0) v.maxRequestBytes = Math.min(Math.ceil(v.maxArtifactBytes / 3) * 4 + 1024 * 1024, 2 ** 31 - 1);
  // Above the RSS watchdog, so the watchdog drains a worker before the kernel kills it.
  if (v.workerMemoryCeilingMb === 0) v.workerMemoryCeilingMb = 2 * v.workerMemoryLimitMb;
}
