import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { getTaskAdvice, interpretTaskAnswer, type DashScopeRegion } from '../dashscope/answers';
import { interpretCancelAnswer, notCanceledMessage } from '../dashscope/cancel';
import { isFailure, ItemFailure, type Failure } from '../run/failures';
import type { TextResponse } from '../http/request';
import { dashScopeCredentials, dashScopeRequest, taskPath } from '../dashscope/request';
import { errorCode, networkErrorKind } from '../http/networkErrors';
import { toAnswer } from '../dashscope/task';
import { readTaskId } from './getTask';
import { taskIdProperty } from './options';

const REQUEST_TIMEOUT_MS = 30_000;

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['cancelTask'] } }, [
	taskIdProperty('The ID of the DashScope video task to cancel; only a task still waiting in the queue (PENDING) can be'),
]);

/** Cancels a queued task and reports the task's status; a RUNNING task cannot be canceled, and the output says so. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const taskId = readTaskId.call(this, itemIndex, 'Cancel Task');
	const region = (await dashScopeCredentials.call(this)).region as DashScopeRegion;
	const cancelAnswer: TextResponse | Failure = await dashScopeRequest
		.call(this, 'POST', `${taskPath(taskId)}/cancel`, { timeoutMs: REQUEST_TIMEOUT_MS })
		.catch((error: unknown) => unansweredCancel(this, error, taskId));
	if (isFailure(cancelAnswer)) throw new ItemFailure(cancelAnswer);
	const cancel = interpretCancelAnswer(toAnswer(cancelAnswer), taskId, region);
	if (isFailure(cancel)) throw new ItemFailure({ ...cancel, taskId });
	// The task's status after the cancel, for the output; without an answer the cancel's own reading stands.
	const task = await dashScopeRequest
		.call(this, 'GET', taskPath(taskId), { timeoutMs: REQUEST_TIMEOUT_MS })
		.then((answer) => interpretTaskAnswer(toAnswer(answer), taskId, region))
		.catch(() => undefined);
	const taskStatus = !task || isFailure(task) ? (cancel.status ?? null) : task.status;
	// A refusal without a status reads as "RUNNING"; the task's own status says whether it ended or is unknown.
	const message = !cancel.canceled && task && !isFailure(task) && task.status !== cancel.status ? notCanceledMessage(taskId, task.status, cancel.reply) : cancel.message;
	return { json: { taskId, canceled: cancel.canceled, taskStatus, message, region }, pairedItem: { item: itemIndex } };
}

/** A cancel request that got no answer: the task was not canceled (as far as anyone knows) and may still run. */
function unansweredCancel(context: IExecuteFunctions, error: unknown, taskId: string): Failure {
	const kind = networkErrorKind(context, error);
	if (kind === 'cancelled') throw error;
	const code = errorCode(error);
	return {
		message: `Canceling task ${taskId} failed: DashScope did not answer (${code ?? kind})`,
		description: `The task was not canceled and may still run (and be billed). Trying again is safe. ${getTaskAdvice(taskId)}`,
		retryable: false,
		mayHaveBilled: true,
		httpCode: code,
		taskId,
	};
}
