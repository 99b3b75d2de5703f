/**
 * Integration harness: a real server on a free loopback port, RocksDB in a temp dir, a real client.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../src/app.js';
import { FunctionClient } from '../../src/client/function-client.js';
import { type ConfigInput, resolveConfig } from '../../src/config.js';
import { decodeAny, encodeAny } from '../../src/core/values/codec.js';
import type { FunctionParameter } from '../../src/generated/spearlet/FunctionParameter.js';
import type { ArtifactSpec } from '../../src/generated/spearlet/ArtifactSpec.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export interface TestServer {
  server: RunningServer;
  client: FunctionClient;
  dataDir: string;
  artifactRoot: string;
  options: ConfigInput;
  /** Stops the server and starts a new one on the same data dir. */
  restart(): Promise<TestServer>;
  /** Stops the server and removes the temp dirs. */
  stop(): Promise<void>;
}

async function launch(dataDir: string, artifactRoot: string, options: ConfigInput, cleanup: () => Promise<void>): Promise<TestServer> {
  const config = resolveConfig({
    listen: '127.0.0.1:0',
    dataDir,
    artifactRoots: [artifactRoot, FIXTURES],
    prewarmIsolates: 1,
    // Not one sandbox worker per core: a CI machine with many cores would start dozens per server.
    sandboxWorkers: 2,
    shutdownGraceMs: 2_000,
    ...options,
  });
  const server = await startServer(config);
  const client = new FunctionClient(server.address);
  const t: TestServer = {
    server,
    client,
    dataDir,
    artifactRoot,
    options,
    restart: async () => {
      client.close();
      await server.close();
      return launch(dataDir, artifactRoot, options, cleanup);
    },
    stop: async () => {
      client.close();
      await server.close();
      await cleanup();
    },
  };
  return t;
}

export async function startTestServer(options: ConfigInput = {}): Promise<TestServer> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-it-'));
  const dataDir = path.join(base, 'data');
  const artifactRoot = path.join(base, 'artifacts');
  await fs.mkdir(artifactRoot);
  return launch(dataDir, artifactRoot, options, () => fs.rm(base, { recursive: true, force: true }));
}

export function dataUri(bytes: Uint8Array | string, mediaType = 'application/octet-stream'): string {
  return `data:${mediaType};base64,${Buffer.from(bytes).toString('base64')}`;
}

/** An ArtifactSpec carrying JS source inline. */
export function jsSpec(source: string, metadata: Record<string, string> = {}): ArtifactSpec {
  return { artifactType: 'javascript', location: dataUri(source, 'text/javascript'), metadata };
}

/** An ArtifactSpec carrying a fixture file inline. */
export async function fixtureSpec(relative: string, artifactType = 'javascript', metadata: Record<string, string> = {}): Promise<ArtifactSpec> {
  const bytes = await fs.readFile(path.join(FIXTURES, relative));
  return { artifactType, location: dataUri(bytes), metadata };
}

/** FunctionParameters from a plain object, each value encoded with its natural Any type. */
export function params(values: Record<string, unknown>): FunctionParameter[] {
  return Object.entries(values).map(([name, value]) => ({ name, value: encodeAny(value) }));
}

/** The decoded value of a result Any (null when absent). */
export function valueOf(any: { type_url: string; value: Uint8Array } | null | undefined): unknown {
  return any ? decodeAny(any) : null;
}

/** Registers a task from a JS fixture and returns its id (by calling a function once). */
export async function registerTask(client: FunctionClient, spec: ArtifactSpec, name: string, functionName: string, values: Record<string, unknown> = {}): Promise<string> {
  const res = await client.invoke({ invocationType: 'INVOCATION_TYPE_NEW_TASK', taskName: name, artifactSpec: spec, functionName, parameters: params(values) });
  return res.taskId;
}
