/**
 * RuntimeManager: the registry that maps artifact_type to a Runtime. Runtimes register themselves
 * from their module's `setup()`; nothing else branches on artifact types.
 */
import { ErrorCodes, SpearletError } from '../../errors.js';
import type { Runtime } from './runtime.js';

export class RuntimeManager {
  private readonly byType = new Map<string, Runtime>();
  private readonly byName = new Map<string, Runtime>();

  /** Registers a runtime under its name and artifact types. Throws if a type is taken. */
  register(runtime: Runtime): void {
    if (this.byName.has(runtime.name)) {
      throw new SpearletError(ErrorCodes.INTERNAL, `runtime '${runtime.name}' is already registered`);
    }
    for (const type of runtime.artifactTypes) {
      const key = type.toLowerCase();
      const owner = this.byType.get(key);
      if (owner) {
        throw new SpearletError(ErrorCodes.INTERNAL, `artifact_type '${key}' is already served by runtime '${owner.name}'`);
      }
    }
    this.byName.set(runtime.name, runtime);
    for (const type of runtime.artifactTypes) this.byType.set(type.toLowerCase(), runtime);
  }

  /**
   * Serves more artifact types with the runtime of `target`: the types the server compiles into
   * `target` first (core/tasks/source-compilers.ts), so health and error messages list them too.
   */
  alias(types: readonly string[], target: string): void {
    const runtime = this.forArtifactType(target);
    for (const type of types) if (!this.byType.has(type.toLowerCase())) this.byType.set(type.toLowerCase(), runtime);
  }

  /** The runtime serving an artifact_type (case-insensitive); INVALID_ARGUMENT naming the known types. */
  forArtifactType(artifactType: string, field = 'artifact_spec.artifact_type'): Runtime {
    const runtime = this.byType.get(artifactType.trim().toLowerCase());
    if (runtime) return runtime;
    const known = [...this.byType.keys()].sort().join(', ');
    const shown = artifactType === '' ? 'is required' : `'${artifactType}' is not a registered type`;
    throw new SpearletError(ErrorCodes.UNKNOWN_ARTIFACT_TYPE, `${field}: ${shown}; registered types: ${known}`, { field });
  }

  /** The runtime with a canonical name (as stored with a task). */
  byRuntimeName(name: string): Runtime {
    const runtime = this.byName.get(name);
    if (!runtime) throw new SpearletError(ErrorCodes.INTERNAL, `no runtime named '${name}' is registered`);
    return runtime;
  }

  /** Canonical names of the registered runtimes. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The artifact types each runtime serves, for health and error messages. */
  artifactTypes(): string[] {
    return [...this.byType.keys()].sort();
  }

  /** Every runtime's systemInfo, merged (runtimes sharing a source report the same keys). */
  systemInfo(): Record<string, string> {
    const info: Record<string, string> = {};
    for (const runtime of this.byName.values()) Object.assign(info, runtime.systemInfo?.());
    return info;
  }

  async close(): Promise<void> {
    await Promise.all([...this.byName.values()].map((r) => r.close?.()));
  }
}
