// Reads DashScope's answer to a cancel request (docs/DASHSCOPE-API.md, "Cancel"): only a task still queued can be
// canceled, and how DashScope refuses the others is not documented, so both plausible shapes are read.
import { explainDashScopeError, preview } from './errors';
import { type DashScopeRegion } from './errorTable';
import { getTaskAdvice, parse, taskRedirectFailure } from './answers';
import { isObject, retryAfterMs, text, type HttpAnswer } from '../http/json';
import type { Failure } from '../run/failures';
import { isRedirect } from '../http/redirect';

export interface CancelResult {
	canceled: boolean;
	status?: string;
	message: string;
	/** DashScope's own words when it refused, to rephrase the message once the task's status is known. */
	reply?: string;
}

const CANNOT_CANCEL =
	'Only a task still waiting in the queue (PENDING) can be canceled: a RUNNING task cannot be canceled and will finish (and be billed).';

/**
 * Interprets the answer to POST /tasks/{id}/cancel. How DashScope refuses a task that is not PENDING is not
 * documented, so a 200 with a status and a 4xx with a code are both read as "not canceled" (docs/DASHSCOPE-API.md, "Cancel").
 */
export function interpretCancelAnswer(
	answer: HttpAnswer,
	taskId: string,
	region?: DashScopeRegion,
): CancelResult | Failure {
	if (isRedirect(answer.statusCode)) return taskRedirectFailure('Canceling', answer, taskId);
	const status = answer.statusCode;
	const httpCode = String(status);
	const parsed = parse(answer);
	if ('unreadable' in parsed || status === 401 || status === 403 || status === 429 || status >= 500 || status < 200) {
		const json = 'json' in parsed ? parsed.json : {};
		const code = text(json.code);
		const explained = explainDashScopeError(status, code, text(json.message), region);
		const transient = status === 429 || status >= 500 || 'unreadable' in parsed;
		return {
			message: `Canceling task ${taskId} failed: ${'unreadable' in parsed ? `DashScope answered ${status} with ${parsed.unreadable}` : explained.message}`,
			description: `${status === 401 || status === 403 ? `${explained.description} ` : ''}The task was not canceled and may still run (and be billed). ${transient ? 'Trying again is safe. ' : ''}${getTaskAdvice(taskId)}`,
			retryable: transient && !(status >= 400 && status < 500 && status !== 429),
			retryAfterMs: status === 429 ? retryAfterMs(answer.retryAfterHeader) : undefined,
			mayHaveBilled: true,
			httpCode,
			upstreamCode: code,
			taskId,
		};
	}
	const { json } = parsed;
	const output = isObject(json.output) ? json.output : undefined;
	const code = text(json.code) ?? text(output?.code);
	const said = text(json.message) ?? text(output?.message);
	const taskStatus = text(output?.task_status)?.toUpperCase();
	if (status >= 200 && status < 300 && !code) {
		if (taskStatus === undefined || taskStatus === 'CANCELED') {
			return {
				canceled: true,
				status: taskStatus,
				message: `Task ${taskId} was canceled: it had not started, so nothing is generated or billed.`,
			};
		}
	}
	const reply = code
		? ` DashScope answered ${status} ${code}${said ? `: "${preview(said, 200)}"` : ''}.`
		: said
			? ` DashScope said: "${preview(said, 200)}".`
			: '';
	return {
		canceled: false,
		status: taskStatus,
		message: notCanceledMessage(taskId, taskStatus, reply),
		...(reply ? { reply } : {}),
	};
}

/**
 * Why a task was not canceled, from its status: the refusal alone (a 4xx without a status) does not tell a RUNNING
 * task from one that already ended or that DashScope does not know, so Cancel Task rephrases it after reading the task.
 */
export function notCanceledMessage(taskId: string, taskStatus: string | undefined, reply = ''): string {
	if (taskStatus === 'UNKNOWN') {
		return `Task ${taskId} was not canceled: it is UNKNOWN.${reply} DashScope does not know this task: the id is wrong, the task is older than 24 h, or it belongs to another region or Alibaba Cloud account.`;
	}
	if (taskStatus === 'SUCCEEDED' || taskStatus === 'FAILED' || taskStatus === 'CANCELED') {
		return `Task ${taskId} was not canceled: it is ${taskStatus}.${reply}`;
	}
	return `Task ${taskId} was not canceled${taskStatus ? `: it is ${taskStatus}` : ''}.${reply} ${CANNOT_CANCEL}`;
}
