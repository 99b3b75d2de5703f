/**
 * ListTasks, GetTask, DeleteTask.
 */
import type { SpearletCore } from '../../core/spearlet-core.js';
import { invalidArgument } from '../../errors.js';
import type { DeleteTaskRequest__Output } from '../../generated/spearlet/DeleteTaskRequest.js';
import type { DeleteTaskResponse } from '../../generated/spearlet/DeleteTaskResponse.js';
import type { GetTaskRequest__Output } from '../../generated/spearlet/GetTaskRequest.js';
import type { GetTaskResponse } from '../../generated/spearlet/GetTaskResponse.js';
import type { ListTasksRequest__Output } from '../../generated/spearlet/ListTasksRequest.js';
import type { ListTasksResponse } from '../../generated/spearlet/ListTasksResponse.js';
import { executionInfo, taskInfo } from '../proto-convert.js';
import { type Unary, unary } from './unary.js';

export function listTasks(core: SpearletCore): Unary<ListTasksRequest__Output, ListTasksResponse> {
  return unary(async (req) => {
    const page = await core.listTasks(req.prefix, req.limit, req.startAfter);
    // The registry's record carries the version also of tasks stored before versions existed.
    const tasks = page.items.map((stored) => {
      const t = core.registry.get(stored.taskId) ?? stored;
      return taskInfo(t, req.includeDetails, core.registry.isCurrent(t));
    });
    return { tasks, hasMore: page.hasMore, nextStartAfter: page.nextStartAfter };
  });
}

export function getTask(core: SpearletCore): Unary<GetTaskRequest__Output, GetTaskResponse> {
  return unary(async (req) => {
    if (req.taskId === '') throw invalidArgument('task_id', 'is required');
    const task = core.registry.get(req.taskId);
    if (!task) return { found: false, executions: [], message: `no task with id '${req.taskId}'` };
    const executions = req.includeExecutions ? (await core.listExecutions(task.taskId, req.executionLimit || 10, '', undefined)).items : [];
    return { found: true, task: taskInfo(task, true, core.registry.isCurrent(task)), executions: executions.map(executionInfo), message: 'task found' };
  });
}

export function deleteTask(core: SpearletCore): Unary<DeleteTaskRequest__Output, DeleteTaskResponse> {
  return unary(async (req) => {
    const { cleaned, cancelled } = await core.deleteTask(req.taskId, req.force, req.cleanupExecutions);
    const parts = [`task ${req.taskId} deleted`];
    if (cancelled > 0) parts.push(`${cancelled} running execution(s) cancelled`);
    if (req.cleanupExecutions) parts.push(`${cleaned} execution record(s) removed`);
    return { success: true, deleted: true, cleanedExecutions: cleaned, message: parts.join('; ') };
  });
}
