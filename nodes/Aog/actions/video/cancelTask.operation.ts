import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { interpretTaskAnswer, type DashScopeRegion } from '../../helpers/dashScopeAnswers';
import { interpretCancelAnswer, notCanceledMessage } from '../../helpers/dashScopeCancel';
import { isFailure, ItemFailure } from '../../helpers/failures';
import { dashScopeCredentials, dashScopeRequest, taskPath } from '../../transport/dashScope';
import { toAnswer } from './dashScopeTask';
import { readTaskId } from './getTask.operation';
import { taskIdProperty } from './options';

const REQUEST_TIMEOUT_MS = 30_000;

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['cancelTask'] } }, [
	taskIdProperty('The ID of the DashScope video task to cancel; only a task still waiting in the queue (PENDING) can be'),
]);

/** Cancels a queued task and reports the task's status; a RUNNING task cannot be canceled, and the output says so. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const taskId = readTaskId.call(this, itemIndex, 'Cancel Task');
	const region = (await dashScopeCredentials.call(this)).region as DashScopeRegion;
	const cancel = interpretCancelAnswer(toAnswer(await dashScopeRequest.call(this, 'POST', `${taskPath(taskId)}/cancel`, { timeoutMs: REQUEST_TIMEOUT_MS })), taskId, region);
	if (isFailure(cancel)) throw new ItemFailure({ ...cancel, taskId });
	const task = interpretTaskAnswer(toAnswer(await dashScopeRequest.call(this, 'GET', taskPath(taskId), { timeoutMs: REQUEST_TIMEOUT_MS })), taskId, region);
	const taskStatus = isFailure(task) ? (cancel.status ?? null) : task.status;
	// A refusal without a status reads as "RUNNING"; the task's own status says whether it ended or is unknown.
	const message = !cancel.canceled && !isFailure(task) && task.status !== cancel.status ? notCanceledMessage(taskId, task.status, cancel.reply) : cancel.message;
	return { json: { taskId, canceled: cancel.canceled, taskStatus, message, region }, pairedItem: { item: itemIndex } };
}
