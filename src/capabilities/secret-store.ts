/**
 * Secrets: named values an admin sets (PutSecret RPC, `spearlet secret put`) and a task reads by
 * name (metadata `secrets`, seen by JS guests as `ctx.secrets.NAME`). Sealed at rest with
 * AES-256-GCM (node:crypto): a random 96-bit IV per write, the secret's name as additional
 * authenticated data (a sealed value moved to another name does not open). The key is 32 bytes,
 * from `--secrets-key-file` or SPEARLET_SECRETS_KEY; without one, secrets are unavailable and
 * setting one is refused.
 *
 * Values never leave this module except to the executions of tasks that name them; the RPCs
 * answer names and times only. Values are opened into memory at start-up
 * (`load`), so a call reads them without a store round trip.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { ErrorCodes, SpearletError, invalidArgument } from '../errors.js';
import type { KvBackend } from './kv-backend.js';

export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
export const MAX_SECRET_BYTES = 64 * 1024;
const PREFIX = 'secret:';
const KEY_BYTES = 32;
const IV_BYTES = 12;

export interface SecretInfo {
  name: string;
  updatedAt: number;
}

interface Sealed {
  v: 1;
  iv: string;
  tag: string;
  data: string;
  updatedAt: number;
}

function keyFrom(text: string, origin: string): Buffer {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (bytes.length !== KEY_BYTES) {
    throw new SpearletError(ErrorCodes.INVALID_CONFIG, `${origin}: the secrets key must be ${KEY_BYTES} bytes (64 hex digits or base64), got ${bytes.length} bytes`, { field: origin });
  }
  return bytes;
}

/** The 32-byte key from the config's key (base64/hex) or key file (raw, base64 or hex); undefined when neither is set. */
export function loadSecretsKey(options: { secretsKey: string | undefined; secretsKeyFile: string | undefined }): Buffer | undefined {
  if (options.secretsKey !== undefined) return keyFrom(options.secretsKey, 'secretsKey');
  if (options.secretsKeyFile === undefined) return undefined;
  let raw: Buffer;
  try {
    raw = fs.readFileSync(options.secretsKeyFile);
  } catch (err) {
    throw new SpearletError(ErrorCodes.INVALID_CONFIG, `secretsKeyFile: cannot read '${options.secretsKeyFile}': ${(err as Error).message}`, { field: 'secretsKeyFile' });
  }
  return raw.length === KEY_BYTES ? raw : keyFrom(raw.toString('utf8'), 'secretsKeyFile');
}

export function checkSecretName(name: string, field = 'name'): string {
  if (!SECRET_NAME_PATTERN.test(name)) throw invalidArgument(field, `must be 1-128 characters of A-Z a-z 0-9 _ . - starting with a letter or _, got '${name.slice(0, 64)}'`);
  return name;
}

export class SecretStore {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly backend: KvBackend,
    private readonly key: Buffer | undefined,
  ) {}

  get enabled(): boolean {
    return this.key !== undefined;
  }

  private requireKey(): Buffer {
    if (this.key === undefined) {
      throw new SpearletError(ErrorCodes.SECRETS_UNAVAILABLE, 'secrets are not enabled on this server: start it with --secrets-key-file or SPEARLET_SECRETS_KEY');
    }
    return this.key;
  }

  /** Creates or replaces a secret, durably. */
  async put(name: string, value: string): Promise<{ created: boolean; updatedAt: number }> {
    checkSecretName(name);
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_SECRET_BYTES) throw invalidArgument('value', `must be at most ${MAX_SECRET_BYTES} bytes, got ${bytes}`);
    const key = this.requireKey();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const sealed: Sealed = { v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64'), updatedAt: Date.now() };
    const created = (await this.backend.get(PREFIX + name)) === undefined;
    await this.backend.write([{ type: 'put', key: PREFIX + name, value: Buffer.from(JSON.stringify(sealed)) }]);
    this.cache.set(name, value);
    return { created, updatedAt: sealed.updatedAt };
  }

  /** True when it existed. */
  async delete(name: string): Promise<boolean> {
    checkSecretName(name);
    this.requireKey();
    const existed = (await this.backend.get(PREFIX + name)) !== undefined;
    if (existed) await this.backend.write([{ type: 'del', key: PREFIX + name }]);
    this.cache.delete(name);
    return existed;
  }

  /** Names and times, never values. */
  async list(): Promise<SecretInfo[]> {
    const entries = await this.backend.range(PREFIX, 'secret;', 100_000);
    return entries.map(([key, raw]) => ({ name: key.slice(PREFIX.length), updatedAt: (JSON.parse(raw.toString('utf8')) as Sealed).updatedAt }));
  }

  /**
   * Opens every stored secret into memory (server start): calls read them without a store round
   * trip. Returns the names that do not open with this key (sealed with another one); those stay
   * unset until an admin puts them again.
   */
  async load(): Promise<string[]> {
    this.cache.clear();
    if (this.key === undefined) return [];
    const failed: string[] = [];
    for (const [key, raw] of await this.backend.range(PREFIX, 'secret;', 100_000)) {
      const name = key.slice(PREFIX.length);
      try {
        this.cache.set(name, this.open(name, JSON.parse(raw.toString('utf8')) as Sealed, this.key));
      } catch {
        failed.push(name);
      }
    }
    return failed;
  }

  /** The plaintext of a secret, or undefined when it is not set (or secrets are disabled). */
  get(name: string): string | undefined {
    return this.cache.get(name);
  }

  private open(name: string, sealed: Sealed, key: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  }
}
