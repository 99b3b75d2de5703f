/**
 * A task's own environment: ArtifactSpec.metadata keys `env.NAME` (set by `spearlet deploy --env
 * NAME=VALUE`). A call sees it as `ctx.env`, under the request's context.environment, which wins
 * key by key. Part of the task's metadata, so changing it makes a new version of the task.
 */
const PREFIX = 'env.';

/** The task environment in `metadata`, or undefined when it sets none. */
export function taskEnvironment(metadata: Record<string, string> | undefined): Record<string, string> | undefined {
  let env: Record<string, string> | undefined;
  for (const key in metadata) {
    if (key.startsWith(PREFIX) && key.length > PREFIX.length) (env ??= {})[key.slice(PREFIX.length)] = metadata[key];
  }
  return env;
}

/** The environment a call sees: the task's, overridden by the request's. */
export function callEnvironment(task: Record<string, string> | undefined, request: Record<string, string>): Record<string, string> {
  return task === undefined ? request : { ...task, ...request };
}
