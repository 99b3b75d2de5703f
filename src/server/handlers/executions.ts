/**
 * GetExecutionStatus, CancelExecution, ListExecutions.
 */
import type { SpearletCore } from '../../core/spearlet-core.js';
import { invalidArgument } from '../../errors.js';
import type { CancelExecutionRequest__Output } from '../../generated/spearlet/CancelExecutionRequest.js';
import type { CancelExecutionResponse } from '../../generated/spearlet/CancelExecutionResponse.js';
import type { GetExecutionStatusRequest__Output } from '../../generated/spearlet/GetExecutionStatusRequest.js';
import type { GetExecutionStatusResponse } from '../../generated/spearlet/GetExecutionStatusResponse.js';
import type { ListExecutionsRequest__Output } from '../../generated/spearlet/ListExecutionsRequest.js';
import type { ListExecutionsResponse } from '../../generated/spearlet/ListExecutionsResponse.js';
import { executionInfo, executionResult, statusEnum, statusFromEnum } from '../proto-convert.js';
import { type Unary, unary } from './unary.js';

export function getExecutionStatus(core: SpearletCore): Unary<GetExecutionStatusRequest__Output, GetExecutionStatusResponse> {
  return unary(async (req) => {
    if (req.executionId === '') throw invalidArgument('execution_id', 'is required');
    const record = await core.executions.status(req.executionId);
    if (!record) return { found: false, message: `no execution with id '${req.executionId}'`, logs: [] };
    return {
      found: true,
      taskId: record.taskId,
      functionName: record.functionName,
      result: executionResult(record, req.includeResult),
      logs: req.includeLogs ? record.logs : [],
      message: `execution ${record.status.toLowerCase()}`,
    };
  });
}

export function cancelExecution(core: SpearletCore): Unary<CancelExecutionRequest__Output, CancelExecutionResponse> {
  return unary(async (req) => {
    if (req.executionId === '') throw invalidArgument('execution_id', 'is required');
    const { cancelled, record } = await core.executions.cancel(req.executionId, req.reason);
    return {
      success: cancelled,
      message: cancelled ? 'execution cancelled' : `execution had already finished with status ${record.status}`,
      finalStatus: statusEnum(record.status) as CancelExecutionResponse['finalStatus'],
    };
  });
}

export function listExecutions(core: SpearletCore): Unary<ListExecutionsRequest__Output, ListExecutionsResponse> {
  return unary(async (req) => {
    // A task_id is a filter: an unknown one (or a deleted task's) lists what is stored, maybe nothing.
    const page = await core.listExecutions(req.taskId, req.limit, req.startAfter, statusFromEnum(req.statusFilter));
    return { executions: page.items.map(executionInfo), hasMore: page.hasMore, nextStartAfter: page.nextStartAfter };
  });
}
