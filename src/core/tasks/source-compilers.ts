/**
 * Artifact types that are compiled on the server before a runtime sees them, with esbuild:
 *
 * - `typescript` / `ts`: one TypeScript ES module, transpiled to JavaScript (types are erased, not
 *   checked). A syntax error is INVALID_ARTIFACT with its line and column in the TypeScript source.
 * - `js-modules` / `modules`: several modules in one JSON document (docs/artifacts.md),
 *   `{"entry": "index.ts", "modules": {"index.ts": "...", "lib/util.js": "..."}}`, bundled into one
 *   ES module, so `import './lib/util.js'` works inside the isolate. Only relative imports of
 *   modules in the document resolve; a bare specifier (`import 'lodash'`) is refused with a
 *   message saying to bundle it.
 *
 * The task stores and runs the compiled JavaScript (its digest is of that), under the artifact_type
 * it was registered with.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path/posix';
import { ErrorCodes, SpearletError } from '../../errors.js';

export interface SourceCompiler {
  /** The artifact_type of what it produces. */
  readonly target: string;
  compile(source: Uint8Array): Promise<Uint8Array>;
}

const FIELD = 'artifact_spec.location';
/** Most modules one js-modules document may hold. */
export const MAX_MODULES = 1000;
const LOADERS: Record<string, 'ts' | 'js' | 'json' | 'tsx' | 'jsx'> = { '.ts': 'ts', '.mts': 'ts', '.js': 'js', '.mjs': 'js', '.json': 'json' };

function invalid(message: string): SpearletError {
  return new SpearletError(ErrorCodes.INVALID_ARTIFACT, `${FIELD}: ${message}`, { field: FIELD });
}

interface EsbuildMessage {
  text: string;
  location: { file: string; line: number; column: number } | null;
}

/** esbuild's first error as "<what>: <text> (line L, column C)" with a 1-based column, plus how many more. */
function esbuildFailure(err: unknown, what: string, withFile: boolean): SpearletError {
  const errors = (err as { errors?: EsbuildMessage[] }).errors;
  const first = errors?.[0];
  if (!first) return invalid(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  const at = first.location ? ` (${withFile ? `${first.location.file.replace(/^artifact:/, '')}, ` : ''}line ${first.location.line}, column ${first.location.column + 1})` : '';
  const more = errors.length > 1 ? `; ${errors.length - 1} more error(s)` : '';
  return invalid(`${what}: ${first.text}${at}${more}`);
}

function utf8(source: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(source);
  } catch {
    throw invalid('artifact is not valid UTF-8 text');
  }
}

const typescript: SourceCompiler = {
  target: 'javascript',
  async compile(source) {
    const { transform } = await import('esbuild');
    try {
      const out = await transform(utf8(source), { loader: 'ts', format: 'esm', target: 'es2023', sourcefile: 'task.ts', logLevel: 'silent' });
      return Buffer.from(out.code);
    } catch (err) {
      throw esbuildFailure(err, 'TypeScript syntax error', false);
    }
  },
};

/** Parses and checks a js-modules document. */
function parseModules(source: Uint8Array): { entry: string; modules: Map<string, string> } {
  let doc: unknown;
  try {
    doc = JSON.parse(utf8(source));
  } catch (err) {
    if (err instanceof SpearletError) throw err;
    throw invalid(`a js-modules artifact must be JSON: ${(err as Error).message.slice(0, 200)}`);
  }
  const { entry, modules } = (doc ?? {}) as { entry?: unknown; modules?: unknown };
  if (typeof entry !== 'string' || entry === '') throw invalid('a js-modules artifact needs "entry": the path of its entry module');
  if (modules === null || typeof modules !== 'object' || Array.isArray(modules)) throw invalid('a js-modules artifact needs "modules": an object mapping paths to sources');
  const entries = Object.entries(modules as Record<string, unknown>);
  if (entries.length > MAX_MODULES) throw invalid(`a js-modules artifact holds at most ${MAX_MODULES} modules, got ${entries.length}`);
  const map = new Map<string, string>();
  for (const [file, text] of entries) {
    const normal = path.normalize(file).replace(/^\/+/, '');
    if (typeof text !== 'string') throw invalid(`modules["${file.slice(0, 100)}"] must be a string of source`);
    if (normal.startsWith('..') || !LOADERS[path.extname(normal)]) throw invalid(`modules["${file.slice(0, 100)}"]: paths are relative, inside the artifact, ending .js .mjs .ts .mts or .json`);
    map.set(normal, text);
  }
  const start = path.normalize(entry).replace(/^\/+/, '');
  if (!map.has(start)) throw invalid(`"entry" '${entry.slice(0, 100)}' is not one of the modules`);
  return { entry: start, modules: map };
}

const jsModules: SourceCompiler = {
  target: 'javascript',
  async compile(source) {
    const { entry, modules } = parseModules(source);
    const { build } = await import('esbuild');
    try {
      const out = await build({
        entryPoints: [entry],
        bundle: true,
        write: false,
        format: 'esm',
        target: 'es2023',
        platform: 'neutral',
        logLevel: 'silent',
        plugins: [
          {
            name: 'spearlet-modules',
            setup(b) {
              b.onResolve({ filter: /.*/ }, (args) => {
                if (args.kind === 'entry-point') return { path: args.path, namespace: 'artifact' };
                if (!args.path.startsWith('./') && !args.path.startsWith('../')) {
                  return { errors: [{ text: `import of '${args.path}' is not supported: only relative imports of modules in the artifact resolve; bundle packages into the artifact first (e.g. spearlet deploy FILE, or esbuild --bundle)` }] };
                }
                const resolved = path.normalize(path.join(path.dirname(args.importer), args.path));
                if (!modules.has(resolved)) return { errors: [{ text: `'${args.path}' imported by '${args.importer}' is not a module of the artifact` }] };
                return { path: resolved, namespace: 'artifact' };
              });
              b.onLoad({ filter: /.*/, namespace: 'artifact' }, (args) => ({ contents: modules.get(args.path) ?? '', loader: LOADERS[path.extname(args.path)] }));
            },
          },
        ],
      });
      return out.outputFiles[0].contents;
    } catch (err) {
      throw esbuildFailure(err, 'cannot bundle the modules', true);
    }
  },
};

const COMPILERS: Readonly<Record<string, SourceCompiler>> = { typescript, ts: typescript, 'js-modules': jsModules, modules: jsModules };

/** Every compiled artifact type with the type it compiles to, for RuntimeManager.alias. */
export function compiledArtifactTypes(): Array<[type: string, target: string]> {
  return Object.entries(COMPILERS).map(([type, c]) => [type, c.target]);
}

/** The compiler of an artifact_type, or undefined when a runtime takes it as it is. */
export function sourceCompilerFor(artifactType: string): SourceCompiler | undefined {
  return COMPILERS[artifactType.trim().toLowerCase()];
}

/** Compiles the artifact bytes; returns the JavaScript and its SHA-256 hex digest. */
export async function compileSource(compiler: SourceCompiler, source: Uint8Array): Promise<{ bytes: Uint8Array; digest: string }> {
  const bytes = await compiler.compile(source);
  return { bytes, digest: createHash('sha256').update(bytes).digest('hex') };
}
