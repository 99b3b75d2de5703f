/**
 * A local file as an artifact, for `deploy` and `invoke FILE`: its artifact_type from the
 * extension, and its bytes. JavaScript and TypeScript entry files that import other local files
 * (or installed packages) are bundled with esbuild into one ES module; a TypeScript file without
 * imports is sent as it is (artifact_type typescript), so the server's errors point into it.
 * Also the task metadata flags both commands take.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArtifactSpec } from '../generated/spearlet/ArtifactSpec.js';
import { CommandError, UsageError, intFlag } from './command.js';
import { parseEnvFlags } from './param-flags.js';

const TYPE_BY_EXTENSION: Record<string, string> = {
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.wasm': 'wasm',
  '.json': 'js-modules',
};
const BUNDLED_TYPES = new Set(['javascript', 'typescript']);

export const KNOWN_EXTENSIONS = Object.keys(TYPE_BY_EXTENSION);

/** Flags that set task metadata (ArtifactSpec.metadata), shared by deploy and invoke FILE. */
export const TASK_OPTIONS = {
  name: { type: 'string' },
  type: { type: 'string' },
  description: { type: 'string' },
  memory: { type: 'string' },
  timeout: { type: 'string' },
  'min-instances': { type: 'string' },
  'max-instances': { type: 'string' },
  concurrency: { type: 'string' },
  tenant: { type: 'string' },
  'task-env': { type: 'string', multiple: true },
  meta: { type: 'string', multiple: true },
  'no-bundle': { type: 'boolean' },
} as const;

export const TASK_HELP = `task options (a change to any of them, or to the file, makes a new version of the task):
  --name NAME            task name (default: the file name without extension)
  --type TYPE            artifact_type (default from the extension: .js/.mjs javascript,
                         .ts/.mts typescript, .wasm wasm, .json js-modules)
  --description TEXT     task description
  --memory MB            memory_limit_mb: the instance memory limit
  --timeout MS           timeout_ms: the task's default execution timeout
  --min-instances N      min_instances: instances kept warm
  --max-instances N      max_instances
  --concurrency N        max_concurrency: executions of this task at once
  --tenant NAME          tenant: tasks of different tenants never share a sandbox worker
  --task-env K=V         the task's environment (repeatable; ctx.env, under the call's --env)
  --meta K=V             any other ArtifactSpec.metadata key (repeatable)
  --no-bundle            send a .js/.ts file as it is, without bundling its imports`;

interface TaskValues {
  name?: string;
  type?: string;
  description?: string;
  memory?: string;
  timeout?: string;
  'min-instances'?: string;
  'max-instances'?: string;
  concurrency?: string;
  tenant?: string;
  'task-env'?: string[];
  meta?: string[];
  'no-bundle'?: boolean;
}

/** ArtifactSpec.metadata from the task flags; `timeoutKey` is false for invoke, whose --timeout is the call's. */
export function taskMetadata(v: TaskValues, timeoutIsTask = true): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(parseEnvFlags(v.meta ?? []))) metadata[key] = value;
  const ints: Array<[keyof TaskValues, string, number]> = [
    ['memory', 'memory_limit_mb', 1],
    ['min-instances', 'min_instances', 0],
    ['max-instances', 'max_instances', 1],
    ['concurrency', 'max_concurrency', 1],
  ];
  if (timeoutIsTask) ints.push(['timeout', 'timeout_ms', 1]);
  for (const [flag, key, min] of ints) {
    const n = intFlag(v[flag] as string | undefined, flag, min);
    if (n !== undefined) metadata[key] = String(n);
  }
  if (v.tenant !== undefined) metadata.tenant = v.tenant;
  for (const [key, value] of Object.entries(parseEnvFlags(v['task-env'] ?? []))) metadata[`env.${key}`] = value;
  return metadata;
}

export function isFile(arg: string): boolean {
  return fs.existsSync(arg) && fs.statSync(arg).isFile();
}

/** Whether an argument that is not an existing file still looks like a path (so: a typo, not a name). */
export function looksLikePath(arg: string): boolean {
  return arg.includes('/') || arg.includes(path.sep) || KNOWN_EXTENSIONS.includes(path.extname(arg).toLowerCase());
}

/** The artifact of a local file, sent inline. Bundles (see the module comment) unless --no-bundle. */
export async function artifactOfFile(file: string, v: TaskValues, metadata: Record<string, string>): Promise<{ name: string; spec: ArtifactSpec; bundledFiles: number }> {
  const type = v.type ?? TYPE_BY_EXTENSION[path.extname(file).toLowerCase()];
  if (!type) throw new UsageError(`cannot tell the artifact type of '${file}' from its extension (${KNOWN_EXTENSIONS.join(' ')}); give --type`);
  let bytes: Uint8Array = fs.readFileSync(file);
  let artifactType = type;
  let bundledFiles = 0;
  if (BUNDLED_TYPES.has(type.toLowerCase()) && !v['no-bundle']) {
    const bundle = await bundleLocal(file);
    if (bundle.inputs > 1) [bytes, artifactType, bundledFiles] = [bundle.code, 'javascript', bundle.inputs];
  }
  const name = v.name ?? path.basename(file, path.extname(file));
  const spec: ArtifactSpec = { artifactType, location: `data:application/octet-stream;base64,${Buffer.from(bytes).toString('base64')}`, metadata };
  return { name, spec, bundledFiles };
}

/** esbuild's bundle of `file` and everything it imports, as one ES module; how many files went in. */
async function bundleLocal(file: string): Promise<{ code: Uint8Array; inputs: number }> {
  const { build } = await import('esbuild');
  try {
    const result = await build({ entryPoints: [file], bundle: true, format: 'esm', platform: 'neutral', target: 'es2023', write: false, metafile: true, logLevel: 'silent' });
    return { code: result.outputFiles[0].contents, inputs: Object.keys(result.metafile.inputs).length };
  } catch (err) {
    const errors = (err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors ?? [];
    const first = errors[0];
    if (!first) throw err;
    const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
    throw new CommandError(`cannot bundle '${file}': ${where}${first.text}${errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : ''}`);
  }
}
