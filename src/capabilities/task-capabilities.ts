/**
 * What a task's ArtifactSpec.metadata grants its guests, validated when the task is registered
 * (INVALID_ARGUMENT naming the metadata key) and read again for each call:
 *   allowed_hosts   comma-separated host[:port] patterns fetch may reach (capped by --egress-allow)
 *   env.NAME        the task's environment; the call's context.environment is merged over it
 *   secrets         comma-separated secret names the task reads (ctx.secrets.NAME)
 */
import { invalidArgument } from '../errors.js';
import type { CapabilityConfig } from './capability-config.js';
import { type HostPattern, parseHostPatterns } from './egress-policy.js';
import { checkSecretName } from './secret-store.js';

const ENV_PREFIX = 'env.';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Patterns one task may list. */
const MAX_TASK_PATTERNS = 100;

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The task's `allowed_hosts`, parsed; throws INVALID_ARGUMENT naming the key. */
export function taskHostPatterns(metadata: Record<string, string>): HostPattern[] {
  const field = 'artifact_spec.metadata.allowed_hosts';
  const entries = list(metadata.allowed_hosts);
  if (entries.length > MAX_TASK_PATTERNS) throw invalidArgument(field, `must list at most ${MAX_TASK_PATTERNS} patterns, got ${entries.length}`);
  return parseHostPatterns(entries, (i, problem) => {
    throw invalidArgument(field, `entry ${i + 1}: ${problem}`);
  });
}

/** The environment `env.NAME` keys give the task. */
export function taskEnvironment(metadata: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) if (key.startsWith(ENV_PREFIX)) env[key.slice(ENV_PREFIX.length)] = value;
  return env;
}

/** The secret names the task reads. */
export function taskSecretNames(metadata: Record<string, string>): string[] {
  return list(metadata.secrets);
}

/** Checks every capability key of a new task's metadata; throws INVALID_ARGUMENT naming the key. */
export function validateTaskCapabilities(metadata: Record<string, string>, config: CapabilityConfig): void {
  taskHostPatterns(metadata);
  for (const key of Object.keys(metadata)) {
    if (key.startsWith(ENV_PREFIX) && !ENV_NAME.test(key.slice(ENV_PREFIX.length))) {
      throw invalidArgument(`artifact_spec.metadata.${key.slice(0, 140)}`, 'an environment variable name must be 1-128 characters of A-Z a-z 0-9 _ not starting with a digit');
    }
  }
  const secrets = taskSecretNames(metadata);
  if (secrets.length > config.maxSecretsPerTask) {
    throw invalidArgument('artifact_spec.metadata.secrets', `must name at most ${config.maxSecretsPerTask} secrets (maxSecretsPerTask), got ${secrets.length}`);
  }
  for (const name of secrets) checkSecretName(name, 'artifact_spec.metadata.secrets');
}
