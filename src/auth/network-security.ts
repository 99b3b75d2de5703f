/**
 * Everything that makes the server safe on a network, composed once at start-up from the config:
 * TLS credentials for the gRPC port (and the metrics port), the authenticator and the guard in
 * front of FunctionService, and the per-tenant quotas of the credentials file. `reload()` (SIGHUP)
 * re-reads the certificate and the credentials file without dropping the server; a file that fails
 * to load is reported and the previous one stays in force.
 */
import * as grpc from '@grpc/grpc-js';
import type { SecureContextOptions } from 'node:tls';
import { type Config, isLoopbackHost, parseHostPort } from '../config.js';
import { type CoreOptions, configQuotas, type SpearletCore } from '../core/spearlet-core.js';
import type { FunctionServiceHandlers } from '../generated/spearlet/FunctionService.js';
import type { Logger } from '../logger.js';
import type { PrometheusMetrics } from '../metrics/prometheus.js';
import { Authenticator } from './authenticator.js';
import { guardHandlers } from './guard.js';
import { ReloadableServerCredentials } from './tls.js';

export interface ReloadReport {
  /** What was reloaded, and what failed (the old files stay in force then). */
  reloaded: string[];
  failed: string[];
}

export class NetworkSecurity {
  readonly authenticator: Authenticator | undefined;
  readonly tls: ReloadableServerCredentials | undefined;
  private metricsTlsListener: ((options: SecureContextOptions) => void) | undefined;

  /** Loads the TLS files and the credentials file; throws INVALID_CONFIG naming what is wrong. */
  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.tls = config.tlsCert !== undefined ? ReloadableServerCredentials.load(config) : undefined;
    this.authenticator = config.authFile !== undefined ? new Authenticator(config.authFile) : undefined;
  }

  /** The core's quota source (config defaults, overridden per tenant by the credentials file) and refusal counter. */
  coreOptions(metrics: PrometheusMetrics | undefined): CoreOptions {
    const defaults = configQuotas(this.config);
    return {
      quotaSource: this.authenticator ? this.authenticator.quotaSource(defaults) : defaults,
      onQuotaRefusal: (quota) => metrics?.refusedCall(`quota_${quota}`),
    };
  }

  /** Puts FunctionService's handlers behind authentication and tenant scoping. */
  guard(core: SpearletCore, metrics: PrometheusMetrics | undefined): (handlers: FunctionServiceHandlers) => FunctionServiceHandlers {
    return (handlers) => guardHandlers(core, handlers, { authenticator: this.authenticator, log: this.log, onRefusal: (reason) => metrics?.refusedCall(reason) });
  }

  serverCredentials(): grpc.ServerCredentials {
    return this.tls ?? grpc.ServerCredentials.createInsecure();
  }

  /** The metrics port's TLS options (the gRPC certificate), when metricsTls is on. */
  metricsTls(onReload: (options: SecureContextOptions) => void): SecureContextOptions | undefined {
    if (!this.config.metricsTls || !this.tls) return undefined;
    this.metricsTlsListener = onReload;
    const { cert, key } = this.tls.current();
    return { cert, key };
  }

  /** Logs how the server is exposed; with --insecure, a warning on every start. */
  logStart(): void {
    const { host } = parseHostPort('listen', this.config.listen);
    const exposure = { tls: this.tls !== undefined, mutualTls: this.config.tlsClientCa !== undefined, auth: this.authenticator !== undefined, reflection: this.config.reflection };
    if (this.config.insecure) {
      this.log.warn(
        { ...exposure, listen: this.config.listen },
        `--insecure: the server may listen beyond loopback without ${[this.tls ? '' : 'TLS', this.authenticator ? '' : 'authentication'].filter((s) => s !== '').join(' or ') || 'restriction'}; anyone who reaches ${this.config.listen} can ${this.authenticator ? 'read traffic' : 'run code and read every tenant\'s data'}`,
      );
    } else if (!isLoopbackHost(host) || this.authenticator || this.tls) {
      this.log.info(exposure, 'network security');
    }
  }

  /** Re-reads the certificate and the credentials file (SIGHUP). */
  reload(): ReloadReport {
    const report: ReloadReport = { reloaded: [], failed: [] };
    if (this.tls) {
      try {
        const options = this.tls.reload();
        this.metricsTlsListener?.({ cert: options.cert, key: options.key });
        report.reloaded.push('tls certificate');
      } catch (err) {
        report.failed.push(`tls certificate: ${(err as Error).message}`);
      }
    }
    if (this.authenticator) {
      try {
        const n = this.authenticator.reload();
        report.reloaded.push(`auth file (${n.tokens} tokens, ${n.certificates} certificate identities, ${n.tenants} tenant quota entries)`);
      } catch (err) {
        report.failed.push(`auth file: ${(err as Error).message}`);
      }
    }
    for (const r of report.reloaded) this.log.info(`reloaded ${r}`);
    for (const f of report.failed) this.log.error(`reload failed, the previous one stays in force: ${f}`);
    return report;
  }
}
