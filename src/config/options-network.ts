/** Options: where the server listens, TLS and authentication (docs/security-network.md). */
import * as path from 'node:path';
import { bool, group, hostPort, int, nonEmpty, option } from './option.js';

const resolvePath = (file: string) => path.resolve(file);

export const NETWORK_OPTIONS = group('Network and security', [
  option({ key: 'listen', flag: 'listen', arg: 'HOST:PORT', schema: hostPort, default: '127.0.0.1:50051', help: 'gRPC address (port 0 picks a free port)' }),
  option({ key: 'metricsListen', flag: 'metrics-listen', arg: 'HOST:PORT', schema: hostPort, help: 'serve Prometheus metrics at http://HOST:PORT/metrics' }),
  option({ key: 'httpListen', flag: 'http-listen', arg: 'HOST:PORT', schema: hostPort, help: 'serve the HTTP trigger: POST /v1/tasks/{name-or-id}/{function} calls a task', see: 'http-trigger.md' }),
  option({ key: 'maxHttpBodyBytes', flag: 'max-http-body-bytes', arg: 'N', schema: int(1), default: 1024 * 1024, help: 'largest HTTP trigger request body' }),
  option({ key: 'tlsCert', flag: 'tls-cert', arg: 'FILE', schema: nonEmpty, resolve: resolvePath, help: 'PEM certificate chain: the gRPC port speaks TLS (with --tls-key; reloaded on SIGHUP)', see: 'security-network.md' }),
  option({ key: 'tlsKey', flag: 'tls-key', arg: 'FILE', schema: nonEmpty, resolve: resolvePath, help: 'PEM private key of --tls-cert' }),
  option({ key: 'tlsClientCa', flag: 'tls-client-ca', arg: 'FILE', schema: nonEmpty, resolve: resolvePath, help: 'mutual TLS: clients must present a certificate this CA signed' }),
  option({ key: 'metricsTls', flag: 'metrics-tls', schema: bool, default: false, help: 'the metrics port serves HTTPS with the same certificate' }),
  option({ key: 'authFile', flag: 'auth-file', arg: 'FILE', schema: nonEmpty, resolve: resolvePath, help: 'JSON credentials: token digests (SHA-256), certificate identities, roles, tenants and quotas (reloaded on SIGHUP)', see: 'security-network.md' }),
  option({ key: 'insecure', flag: 'insecure', schema: bool, default: false, help: 'allow listening beyond loopback without TLS and --auth-file (warned at every start)' }),
  option({ key: 'reflection', flag: 'reflection', schema: bool, default: true, help: 'serve gRPC server reflection (SPEARLET_REFLECTION=false turns it off)' }),
]);
