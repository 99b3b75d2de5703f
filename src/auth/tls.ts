/**
 * TLS for the gRPC port (and, with metricsTls, the metrics port): PEM files from the config,
 * checked at load, re-read on SIGHUP without dropping the server or its connections. New
 * handshakes use the new certificate; a reload that fails leaves the previous one in force.
 */
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { Config } from '../config.js';
import { ErrorCodes, SpearletError } from '../errors.js';

type TlsConfig = Pick<Config, 'tlsCert' | 'tlsKey' | 'tlsClientCa'>;

function read(field: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new SpearletError(ErrorCodes.INVALID_CONFIG, `${field}: cannot read ${file}: ${(err as Error).message}`, { field, cause: err });
  }
}

/** Reads the certificate, key and client CA, and checks they make a usable TLS context. */
export function readTlsFiles(config: TlsConfig): tls.SecureContextOptions {
  if (config.tlsCert === undefined || config.tlsKey === undefined) throw new SpearletError(ErrorCodes.INVALID_CONFIG, 'tlsCert: TLS needs tlsCert and tlsKey', { field: 'tlsCert' });
  const options: tls.SecureContextOptions = { cert: read('tlsCert', config.tlsCert), key: read('tlsKey', config.tlsKey) };
  if (config.tlsClientCa !== undefined) options.ca = read('tlsClientCa', config.tlsClientCa);
  try {
    tls.createSecureContext(options);
  } catch (err) {
    throw new SpearletError(ErrorCodes.INVALID_CONFIG, `tlsCert: ${config.tlsCert} / tlsKey: ${config.tlsKey}: not a usable certificate and key: ${(err as Error).message}`, {
      field: 'tlsCert',
      cause: err,
    });
  }
  return options;
}

/**
 * Server credentials whose certificate can be replaced while the server runs: grpc-js hands every
 * update to its listening sockets (`setSecureContext`). With a client CA, clients must present a
 * certificate it signed (mutual TLS).
 */
export class ReloadableServerCredentials extends grpc.ServerCredentials {
  private constructor(
    private readonly config: TlsConfig,
    options: tls.SecureContextOptions,
  ) {
    const mutual = config.tlsClientCa !== undefined;
    super({ requestCert: mutual, rejectUnauthorized: mutual }, options);
  }

  /** Throws INVALID_CONFIG when the files are missing or unusable. */
  static load(config: TlsConfig): ReloadableServerCredentials {
    return new ReloadableServerCredentials(config, readTlsFiles(config));
  }

  /** Re-reads the files; the new certificate serves new connections. Throws, changing nothing, if they are unusable. */
  reload(): tls.SecureContextOptions {
    const options = readTlsFiles(this.config);
    this.updateSecureContextOptions(options);
    return options;
  }

  /** The files as last loaded. */
  current(): tls.SecureContextOptions {
    return this._getSecureContextOptions() ?? readTlsFiles(this.config);
  }

  override _equals(other: grpc.ServerCredentials): boolean {
    return this === other;
  }
}
