/**
 * DeployTask and FollowExecutionLogs: the FunctionService extensions behind `spearlet deploy` and
 * `spearlet logs --follow`.
 */
import type * as grpc from '@grpc/grpc-js';
import type { SpearletCore } from '../../core/spearlet-core.js';
import { followLogs } from '../../core/execution/log-follow.js';
import { invalidArgument } from '../../errors.js';
import type { DeployTaskRequest__Output } from '../../generated/spearlet/DeployTaskRequest.js';
import type { DeployTaskResponse } from '../../generated/spearlet/DeployTaskResponse.js';
import type { ExecutionLogLine } from '../../generated/spearlet/ExecutionLogLine.js';
import type { FollowExecutionLogsRequest__Output } from '../../generated/spearlet/FollowExecutionLogsRequest.js';
import { statusEnum, taskInfo } from '../proto-convert.js';
import { toServiceError } from '../status-map.js';
import { type Unary, unary } from './unary.js';

export function deployTask(core: SpearletCore): Unary<DeployTaskRequest__Output, DeployTaskResponse> {
  return unary(async (req) => {
    if (!req.artifactSpec) throw invalidArgument('artifact_spec', 'is required to deploy a task');
    const { task, created } = await core.registry.register({ name: req.taskName, description: req.taskDescription, spec: req.artifactSpec });
    const message = created ? `task ${task.name} version ${task.version} registered as ${task.taskId}` : `task ${task.name} version ${task.version} is unchanged (${task.taskId})`;
    return { task: taskInfo(task, true, core.registry.isCurrent(task)), created, message };
  });
}

export function followExecutionLogs(core: SpearletCore) {
  return async (call: grpc.ServerWritableStream<FollowExecutionLogsRequest__Output, ExecutionLogLine>): Promise<void> => {
    const executionId = call.request.executionId;
    const gone = new AbortController();
    call.on('cancelled', () => gone.abort());
    try {
      if (executionId === '') throw invalidArgument('execution_id', 'is required');
      const record = await followLogs(core.executions, executionId, call.request.follow, (line) => call.write({ executionId, line }), gone.signal);
      if (call.cancelled) return;
      call.write({ executionId, isFinal: true, status: statusEnum(record.status) as ExecutionLogLine['status'] });
      call.end();
    } catch (err) {
      call.emit('error', toServiceError(err));
    }
  };
}
