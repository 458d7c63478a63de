// Reads DashScope's answers to submit, poll, cancel and list (docs/DASHSCOPE-API.md). The rule that shapes it:
// DashScope has no idempotency key, so only an answer that proves no task was created makes a submit retryable;
// a poll, on the other hand, may be repeated freely.

import type { Failure } from '../run/failures';
import { isRedirect, redirectFailure, redirectTarget } from '../http/redirect';
import { isObject, retryAfterMs, text, type HttpAnswer, type Json } from '../http/json';
import { explainDashScopeError, preview } from './errors';
import { REGION_LABELS, type DashScopeRegion } from './errorTable';

export type { DashScopeRegion };

export interface SubmittedTask {
	taskId: string;
	taskStatus: string;
	requestId: string;
}

export type TaskStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN';

export interface TaskState {
	taskId: string;
	status: TaskStatus;
	/** DashScope's own word when it is none of the above (read as still running). */
	rawStatus?: string;
	requestId?: string;
	videoUrl?: string;
	submitTime?: string;
	scheduledTime?: string;
	endTime?: string;
	origPrompt?: string;
	actualPrompt?: string;
	usage?: Record<string, unknown>;
	code?: string;
	message?: string;
}

const STATUSES: readonly TaskStatus[] = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN'];
/** Whether a task has ended: it will not change any more. */
export const isFinal = (status: TaskStatus) => status !== 'PENDING' && status !== 'RUNNING';

/** Said wherever a task may still finish although the node stopped following it. */
export const getTaskAdvice = (taskId: string) =>
	`The task may still finish: use Get Task with the id ${taskId} within 24 h to fetch its video.`;

const isHttpUrl = (value: unknown): value is string => typeof value === 'string' && /^https?:\/\/[^\s/]/i.test(value);

type Parsed = { json: Json } | { unreadable: string };

/** JSON object, or why the body is not one (an HTML page from a proxy, an empty or cut body). */
export function parse(answer: HttpAnswer): Parsed {
	const body = answer.body.trim();
	if (answer.contentType.toLowerCase().includes('text/html') || /^<!doctype html|^<html/i.test(body))
		return { unreadable: 'a web page (HTML) instead of JSON' };
	if (body === '') return { unreadable: 'an empty body' };
	try {
		const json: unknown = JSON.parse(body);
		return isObject(json) ? { json } : { unreadable: `JSON that is not an object: ${preview(body, 80)}` };
	} catch {
		return { unreadable: `text that is not JSON: ${preview(body, 80)}` };
	}
}

const regionLabel = (region: DashScopeRegion) => REGION_LABELS[region];
const hostHint = (region: DashScopeRegion) =>
	region === 'custom'
		? "Check the credential's host: it must be DashScope's (or a proxy that passes its answers through unchanged)."
		: 'A proxy between n8n and DashScope (or a captive portal) may have answered instead of DashScope.';

/** Interprets the answer to POST …/video-synthesis: the new task, or why there is none (and whether one may exist). */
export function interpretSubmitAnswer(answer: HttpAnswer, region: DashScopeRegion): SubmittedTask | Failure {
	if (isRedirect(answer.statusCode)) return redirectFailure('DashScope', answer.statusCode, answer.location);
	const status = answer.statusCode;
	const httpCode = String(status);
	const parsed = parse(answer);
	if ('unreadable' in parsed) {
		if (status === 429) {
			const explained = explainDashScopeError(429, undefined, undefined, region);
			return { ...explained, retryAfterMs: retryAfterMs(answer.retryAfterHeader), httpCode };
		}
		const mayHaveBilled = !(status >= 400 && status < 500);
		return {
			message: `DashScope's address answered ${status} with ${parsed.unreadable}`,
			description: `${hostHint(region)}${mayHaveBilled ? " DashScope may have received the request and created a video task, so the node does not submit it again: look for it in the DashScope console's task list before running this item again." : ''}`,
			retryable: false,
			mayHaveBilled,
			httpCode,
		};
	}
	const { json } = parsed;
	const output = isObject(json.output) ? json.output : undefined;
	const taskId = text(output?.task_id);
	const requestId = text(json.request_id);
	if (status >= 200 && status < 300 && taskId)
		return { taskId, taskStatus: text(output?.task_status) ?? 'PENDING', requestId: requestId ?? '' };

	const code = text(json.code) ?? text(output?.code);
	const upstreamMessage = text(json.message) ?? text(output?.message);
	if (status >= 200 && status < 300 && !code) {
		return {
			message: `DashScope answered ${status} without a task id`,
			description: `${hostHint(region)} Received: ${preview(answer.body)}. A task may exist, so the node does not submit it again: look in the DashScope console's task list.`,
			retryable: false,
			mayHaveBilled: true,
			httpCode,
		};
	}
	const explained = explainDashScopeError(status >= 200 && status < 300 ? 400 : status, code, upstreamMessage, region);
	const failure: Failure = {
		...explained,
		description: requestId ? `${explained.description} (DashScope request id ${requestId})` : explained.description,
		httpCode,
	};
	if (explained.retryable) failure.retryAfterMs = retryAfterMs(answer.retryAfterHeader);
	if (status >= 500)
		failure.message = `DashScope failed (${status}${code ? ` ${code}` : ''}) after receiving the request: a video task may exist and was not resubmitted`;
	if (code === 'InvalidApiKey' || status === 401)
		failure.message = `${explained.message}: is it a key of ${region === 'custom' ? "the custom host's region" : regionLabel(region)}?`;
	return failure;
}

/** Interprets the answer to GET /tasks/{id}: the task's state, or a Failure whose `retryable` says whether to keep polling. */
export function interpretTaskAnswer(answer: HttpAnswer, taskId: string, region?: DashScopeRegion): TaskState | Failure {
	const status = answer.statusCode;
	const httpCode = String(status);
	if (isRedirect(status)) return taskRedirectFailure('Reading', answer, taskId);
	const parsed = parse(answer);
	const json = 'json' in parsed ? parsed.json : {};
	const code = text(json.code);
	const upstreamMessage = text(json.message);

	if (status === 401 || status === 403 || status === 404) {
		const explained =
			status === 404 && !code
				? {
						message: `DashScope's address answered 404 for task ${taskId}`,
						description: "The task address does not exist there: check the credential's host.",
						upstreamCode: undefined,
					}
				: explainDashScopeError(status, code, upstreamMessage, region);
		return {
			message: `Cannot read task ${taskId}: ${explained.message}`,
			description: `${explained.description} ${getTaskAdvice(taskId)}`,
			retryable: false,
			mayHaveBilled: true,
			httpCode,
			upstreamCode: explained.upstreamCode,
			taskId,
		};
	}
	// Everything else that is not a readable 2xx is transient on a poll: the caller keeps polling, within its budget.
	if ('unreadable' in parsed || status < 200 || status >= 300) {
		const what =
			'unreadable' in parsed
				? parsed.unreadable
				: `${code ?? 'an error'}${upstreamMessage ? ` (${preview(upstreamMessage, 200)})` : ''}`;
		const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429 && 'json' in parsed;
		return {
			message: `Reading task ${taskId} failed: DashScope answered ${status} with ${what}`,
			description: permanent
				? `DashScope refused the status query. ${getTaskAdvice(taskId)}`
				: `${status === 429 ? 'Status queries are limited to 20 per second per account. ' : ''}This is usually passing: the node keeps polling for a while. ${getTaskAdvice(taskId)}`,
			retryable: !permanent,
			retryAfterMs: status === 429 ? retryAfterMs(answer.retryAfterHeader) : undefined,
			mayHaveBilled: true,
			httpCode,
			upstreamCode: code,
			taskId,
		};
	}

	const output = isObject(json.output) ? json.output : undefined;
	const rawStatus = text(output?.task_status);
	if (!output || !rawStatus) {
		return {
			message: `DashScope answered ${status} for task ${taskId} without a task status`,
			description: `Received: ${preview(answer.body)}. The node keeps polling for a while. ${getTaskAdvice(taskId)}`,
			retryable: true,
			mayHaveBilled: true,
			httpCode,
			taskId,
		};
	}
	const upper = rawStatus.toUpperCase();
	const known = STATUSES.find((candidate) => candidate === upper);
	const state: TaskState = { taskId: text(output.task_id) ?? taskId, status: known ?? 'RUNNING' };
	if (!known) state.rawStatus = rawStatus;
	const fields: Array<[keyof TaskState, unknown]> = [
		['requestId', json.request_id],
		['submitTime', output.submit_time],
		['scheduledTime', output.scheduled_time],
		['endTime', output.end_time],
		['origPrompt', output.orig_prompt],
		['actualPrompt', output.actual_prompt],
		['code', output.code],
		['message', output.message],
	];
	for (const [name, value] of fields) if (text(value) !== undefined) (state as unknown as Json)[name] = value;
	const usage = isObject(json.usage) ? json.usage : isObject(output.usage) ? output.usage : undefined;
	if (usage) state.usage = usage;

	if (state.status === 'SUCCEEDED') {
		if (!isHttpUrl(output.video_url)) {
			return {
				message: `Task ${state.taskId} succeeded but DashScope gave no usable video address`,
				description: `The video address is ${output.video_url === undefined ? 'missing' : `"${preview(String(output.video_url), 60)}"`}, not an http(s) URL. The video was made (and billed): use Get Task with the id ${state.taskId} within 24 h to fetch it again.`,
				retryable: false,
				mayHaveBilled: true,
				httpCode,
				taskId: state.taskId,
			};
		}
		state.videoUrl = output.video_url;
	}
	return state;
}

/** A redirect of a request about an existing task: not followed (the key would go with it), and not transient. */
export function taskRedirectFailure(doing: 'Reading' | 'Canceling', answer: HttpAnswer, taskId: string): Failure {
	return {
		message: `${doing} task ${taskId} failed: the DashScope credential's Base URL redirects to ${redirectTarget(answer.location)}; use that address`,
		description: `${doing === 'Canceling' ? 'The task was not canceled and may still run (and be billed). ' : ''}The node does not follow redirects of DashScope's API, so the API key never goes to another address. Set the DashScope credential's Base URL (Region → Custom Base URL) to the address it redirects to, without /api/v1. ${getTaskAdvice(taskId)}`,
		retryable: false,
		mayHaveBilled: true,
		httpCode: String(answer.statusCode),
		taskId,
	};
}
