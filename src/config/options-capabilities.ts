/** Options: per-tenant quotas, and what guest code may reach (docs/guest-capabilities.md). */
import { z } from 'zod';
import { group, int, option } from './option.js';

const SEE = 'guest-capabilities.md';

export const CAPABILITY_OPTIONS = group('Tenants and guest capabilities', [
  option({ key: 'tenantMaxConcurrent', flag: 'tenant-max-concurrent', arg: 'N', schema: int(0), default: 0, defaultText: '0 (none)', help: 'executions one tenant may have running at once (the credentials file may set it per tenant)' }),
  option({ key: 'tenantMaxQueued', flag: 'tenant-max-queued', arg: 'N', schema: int(0), default: 0, defaultText: '0 (none)', help: 'executions one tenant may have waiting' }),
  option({ key: 'tenantMaxTasks', flag: 'tenant-max-tasks', arg: 'N', schema: int(0), default: 0, defaultText: '0 (none)', help: 'tasks one tenant may register' }),
  option({ key: 'tenantMaxArtifactBytes', flag: 'tenant-max-artifact-bytes', arg: 'N', schema: int(0), default: 0, defaultText: '0 (none)', help: "bytes of one tenant's artifacts together" }),
  option({ key: 'tenantCpuMsPerMinute', flag: 'tenant-cpu-ms-per-minute', arg: 'N', schema: int(0), default: 0, defaultText: '0 (none)', help: 'guest CPU time a tenant may use per minute (token bucket)' }),
  option({
    key: 'egressAllow', flag: 'egress-allow', arg: 'HOST[:PORT]', schema: z.array(z.string({ error: 'must be a string' }), { error: 'must be a list of strings' }), default: [],
    help: "hosts guest fetch may reach (repeatable; *.example.com for subdomains), capped further by each task's allowed_hosts", see: SEE,
  }),
  option({ key: 'egressMaxRequests', flag: 'egress-max-requests', arg: 'N', schema: int(0, 100_000), default: 50, help: 'network requests (redirect hops included) one execution may make' }),
  option({ key: 'egressMaxConcurrent', flag: 'egress-max-concurrent', arg: 'N', schema: int(1, 1000), default: 6, help: 'requests one execution may have open at once' }),
  option({ key: 'egressMaxRequestBytes', flag: 'egress-max-request-bytes', arg: 'N', schema: int(0), default: 10 * 1024 * 1024, help: "bytes of one request's body" }),
  option({ key: 'egressMaxResponseBytes', flag: 'egress-max-response-bytes', arg: 'N', schema: int(0), default: 10 * 1024 * 1024, help: "bytes of one response's body" }),
  option({ key: 'egressMaxRedirects', flag: 'egress-max-redirects', arg: 'N', schema: int(0, 50), default: 5, help: 'redirects one fetch follows' }),
  option({ key: 'kvMaxKeyBytes', flag: 'kv-max-key-bytes', arg: 'N', schema: int(1, 64 * 1024), default: 512, help: 'bytes of one KV key (UTF-8)' }),
  option({ key: 'kvMaxValueBytes', flag: 'kv-max-value-bytes', arg: 'N', schema: int(1, 64 * 1024 * 1024), default: 1024 * 1024, help: 'bytes of one KV value' }),
  option({ key: 'kvMaxTaskBytes', flag: 'kv-max-task-bytes', arg: 'N', schema: int(1), default: 64 * 1024 * 1024, help: 'bytes (keys and values) one task may hold in its KV store' }),
  option({ key: 'kvMaxListKeys', flag: 'kv-max-list-keys', arg: 'N', schema: int(1, 100_000), default: 1000, help: 'keys one list call returns at most' }),
  option({
    key: 'secretsKeyFile', flag: 'secrets-key-file', arg: 'FILE', schema: z.string({ error: 'must be a string' }), resolve: (file) => file.trim() || undefined,
    help: 'file holding the 32-byte key that seals secrets at rest (raw, base64 or hex; AES-256-GCM)', see: SEE,
  }),
  // From the environment only: a flag would show the key in the process list.
  option({ key: 'secretsKey', env: 'SPEARLET_SECRETS_KEY', schema: z.string({ error: 'must be a string' }), secret: true, help: 'the secrets key itself, base64 or hex (instead of --secrets-key-file)' }),
  option({ key: 'maxSecretsPerTask', flag: 'max-secrets-per-task', arg: 'N', schema: int(0, 1000), default: 32, help: 'secrets one task may name (metadata secrets)' }),
]);
