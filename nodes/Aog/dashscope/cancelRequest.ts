// Cancel Task's conversation with DashScope (docs/DASHSCOPE-API.md, "Cancel"): the cancel request, then the task's
// status, which says why a refused cancel was refused.
import type { IExecuteFunctions } from 'n8n-workflow';

import { errorCode, networkErrorKind, rethrowIfStopped } from '../http/networkErrors';
import { toAnswer, type ConnectionSettings, type TextResponse } from '../http/request';
import { isFailure, ItemFailure, type Failure } from '../run/failures';
import { getTaskAdvice, interpretTaskAnswer } from './answers';
import { interpretCancelAnswer, notCanceledMessage } from './cancel';
import type { DashScopeRegion } from './errorTable';
import { dashScopeRequest, taskPath } from './request';

const REQUEST_TIMEOUT_MS = 30_000;

export interface CancelOutcome {
	canceled: boolean;
	taskStatus: string | null;
	message: string;
}

/** Cancels a queued task; a RUNNING task cannot be canceled, and the outcome says so. Fails only without an answer. */
export async function cancelDashScopeTask(
	this: IExecuteFunctions,
	connection: ConnectionSettings,
	taskId: string,
): Promise<CancelOutcome> {
	const region = connection.region as DashScopeRegion;
	const cancelAnswer: TextResponse | Failure = await dashScopeRequest
		.call(this, connection, 'POST', `${taskPath(taskId)}/cancel`, { timeoutMs: REQUEST_TIMEOUT_MS })
		.catch((error: unknown) => unansweredCancel(this, error, taskId));
	if (isFailure(cancelAnswer)) throw new ItemFailure(cancelAnswer);
	const cancel = interpretCancelAnswer(toAnswer(cancelAnswer), taskId, region);
	if (isFailure(cancel)) throw new ItemFailure({ ...cancel, taskId });
	// The task's status after the cancel, for the output; without an answer the cancel's own reading stands.
	const task = await dashScopeRequest
		.call(this, connection, 'GET', taskPath(taskId), { timeoutMs: REQUEST_TIMEOUT_MS })
		.then((answer) => interpretTaskAnswer(toAnswer(answer), taskId, region))
		.catch(() => undefined);
	const taskStatus = !task || isFailure(task) ? (cancel.status ?? null) : task.status;
	// A refusal without a status reads as "RUNNING"; the task's own status says whether it ended or is unknown.
	const message =
		!cancel.canceled && task && !isFailure(task) && task.status !== cancel.status
			? notCanceledMessage(taskId, task.status, cancel.reply)
			: cancel.message;
	return { canceled: cancel.canceled, taskStatus, message };
}

/** A cancel request that got no answer: the task was not canceled (as far as anyone knows) and may still run. */
function unansweredCancel(context: IExecuteFunctions, error: unknown, taskId: string): Failure {
	const kind = rethrowIfStopped(networkErrorKind(context, error), error);
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
