// Image to Video with DashScope directly (docs/DASHSCOPE-API.md): submit an asynchronous task once, then follow it
// for as long as the user allows. From the moment a task id exists, every outcome names it.
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	getTaskAdvice,
	interpretSubmitAnswer,
	interpretTaskAnswer,
	type DashScopeAnswer,
	type DashScopeRegion,
	FINAL_STATUSES,
	type SubmittedTask,
	type TaskState,
	type TaskStatus,
} from './answers';
import { pollTimeoutFailure, taskFailure } from './taskFailures';
import { interpretCancelAnswer } from './cancel';
import { checkDashScopeOptions, dashScopeBody } from './models';
import { blockedByN8n, InputError, isFailure, ItemFailure, type Failure } from '../run/failures';
import { PollSchedule } from '../run/pollSchedule';
import { headerValue, type TextResponse } from '../http/request';
import { cancelAfterStop, dashScopeCredentials, dashScopeRequest, SUBMIT_PATH, taskPath } from './request';
import { errorText, networkErrorKind } from '../http/networkErrors';
import type { ItemRun } from '../run/runItems';
import { submitWithRetry } from '../run/submit';
import type { Generation } from '../aog/generation';
import { readImage } from '../media/readImage';
import type { DeliverySettings, VideoSettings } from '../operations/settings';
import { abortableSleep } from '../run/wait';

/** Each request's own limit: a poll or a submit that hangs must not eat the whole wait. */
const REQUEST_TIMEOUT_MS = 60_000;
/** The best-effort cancel after the stop button must not hold the node past the 2 s users expect. */
const CANCEL_AFTER_STOP_TIMEOUT_MS = 1500;

export async function generateWithDashScope(this: IExecuteFunctions, itemIndex: number, settings: VideoSettings, run: ItemRun): Promise<Generation> {
	if (settings.imageSource === 'path') {
		throw new InputError(
			'"Path on AOG Host" works only through the AOG gateway',
			'DashScope cannot read a file on your machine. Choose Binary File (read the file first with "Read/Write Files from Disk"), URL or Base64.',
		);
	}
	checkDashScopeOptions(settings.model, settings.prompt, settings.parameters);
	const { region } = await dashScopeCredentials.call(this);
	run.onStop ??= async () => await cancelQueuedTasks.call(this, run);

	// Retry On Fail: a task an earlier try created is followed to its video, not submitted again, unless it ended
	// without one (FAILED, CANCELED: nothing billed).
	const earlier = run.jobs.get(itemIndex);
	if (earlier?.taskId && !earlier.ended) {
		this.logger.info(`DashScope: item ${itemIndex} follows task ${earlier.taskId} from an earlier try`);
		return toGeneration(await waitForTask.call(this, itemIndex, earlier.taskId, settings, run), region);
	}
	if (earlier?.ended) run.jobs.forget(itemIndex);

	const { image } = await readImage.call(this, itemIndex, settings.imageSource, settings.validateImage);
	const body = dashScopeBody(settings.model, image, settings.prompt, settings.parameters);
	const started = Date.now();

	const submitted = await submitWithRetry<SubmittedTask>(this, run, itemIndex, settings.timeoutSeconds, async (remainingMs) => {
		try {
			const answer = await dashScopeRequest.call(this, 'POST', SUBMIT_PATH, { body, timeoutMs: Math.min(remainingMs, REQUEST_TIMEOUT_MS) });
			return interpretSubmitAnswer(toAnswer(answer), region as DashScopeRegion);
		} catch (error) {
			return networkFailure(this, error, 'submit');
		}
	});
	run.jobs.record(itemIndex, { taskId: submitted.taskId, state: 'waiting', created: true });
	this.logger.info(`DashScope: item ${itemIndex} created video task ${submitted.taskId}`);
	if (!settings.waitForCompletion) return toGeneration({ taskId: submitted.taskId, status: submitted.taskStatus as TaskStatus }, region, submitted.requestId);

	const remainingSeconds = Math.max(1, settings.timeoutSeconds - (Date.now() - started) / 1000);
	const task = await waitForTask.call(this, itemIndex, submitted.taskId, { ...settings, timeoutSeconds: remainingSeconds }, run);
	return toGeneration(task, region, submitted.requestId);
}

/**
 * Follows a task until it ends or the wait runs out. Transient poll failures (5xx, a proxy's page, a broken connection)
 * only cost a poll; a task that ends without a video, or a wait that runs out, is an ItemFailure naming the task.
 * The stop button ends the wait at once; the item loop then reports the task (actions/runItems.ts).
 */
export async function waitForTask(
	this: IExecuteFunctions,
	itemIndex: number,
	taskId: string,
	settings: Pick<DeliverySettings, 'timeoutSeconds' | 'pollIntervalSeconds' | 'waitForCompletion' | 'toolCall'>,
	run: ItemRun,
): Promise<TaskState> {
	const { region } = await dashScopeCredentials.call(this);
	const schedule = new PollSchedule({ intervalMs: settings.pollIntervalSeconds * 1000, timeoutMs: settings.timeoutSeconds * 1000 });
	const started = Date.now();
	let last: TaskState = { taskId, status: 'PENDING' };
	run.jobs.record(itemIndex, { taskId, state: 'waiting' });
	for (;;) {
		const answer = await queryTask.call(this, taskId, region as DashScopeRegion, schedule.remainingMs());
		let retryAfterMs = 0;
		if (isFailure(answer)) {
			if (!answer.retryable || !schedule.noteTransientError()) throw new ItemFailure({ ...answer, taskId, description: withAdvice(answer.description, taskId) });
			retryAfterMs = answer.retryAfterMs ?? 0;
		} else {
			schedule.noteSuccess();
			last = answer;
			if (last.status === 'SUCCEEDED') {
				run.jobs.record(itemIndex, { videoUrl: last.videoUrl, state: 'downloading' });
				return last;
			}
			if (last.status === 'FAILED' || last.status === 'CANCELED') run.jobs.record(itemIndex, { ended: true });
			if (last.status === 'FAILED' || last.status === 'CANCELED' || last.status === 'UNKNOWN') throw new ItemFailure(taskFailure(last, region as DashScopeRegion));
			if (!settings.waitForCompletion) return last;
		}
		if (schedule.expired()) {
			// An agent's tool call answers with the running task, for the agent to fetch later with Get Task.
			if (settings.toolCall) return last;
			throw new ItemFailure(pollTimeoutFailure(last, Date.now() - started));
		}
		// A throttled poll waits at least as long as DashScope asked, within the time left.
		await abortableSleep(Math.min(Math.max(schedule.nextDelayMs(), retryAfterMs), schedule.remainingMs()), this.getExecutionCancelSignal());
	}
}

async function queryTask(this: IExecuteFunctions, taskId: string, region: DashScopeRegion, remainingMs: number): Promise<TaskState | Failure> {
	try {
		const answer = await dashScopeRequest.call(this, 'GET', taskPath(taskId), { timeoutMs: Math.max(1000, Math.min(remainingMs, REQUEST_TIMEOUT_MS)) });
		return interpretTaskAnswer(toAnswer(answer), taskId, region);
	} catch (error) {
		// A poll creates nothing: any network failure is worth another poll (after the stop button, the wait before it
		// ends the item at once).
		return { ...networkFailure(this, error, 'poll'), retryable: true };
	}
}

/**
 * After the stop button: cancel the tasks this execution created that are still queued (a RUNNING one cannot be
 * canceled and runs on; a task Get Task follows is not ours to cancel). The ledger records which were canceled.
 */
async function cancelQueuedTasks(this: IExecuteFunctions, run: ItemRun): Promise<void> {
	await Promise.all(
		run.jobs.createdWaiting().map(async (job) => {
			try {
				const result = interpretCancelAnswer(toAnswer(await cancelAfterStop.call(this, job.taskId!, CANCEL_AFTER_STOP_TIMEOUT_MS)), job.taskId!);
				if (!isFailure(result) && result.canceled) run.jobs.record(job.itemIndex, { state: 'canceled', ended: true });
			} catch {
				// best effort: the task is reported as still running
			}
		}),
	);
}

/** The output fields of a finished task (`id` is the task id). */
export function toGeneration(task: TaskState, region: string, requestId?: string): Generation {
	const fields: IDataObject = {
		taskId: task.taskId,
		taskStatus: task.status,
		done: FINAL_STATUSES.includes(task.status),
		requestId: task.requestId ?? requestId ?? null,
		submitTime: task.submitTime ?? null,
		scheduledTime: task.scheduledTime ?? null,
		endTime: task.endTime ?? null,
		origPrompt: task.origPrompt ?? null,
		actualPrompt: task.actualPrompt ?? null,
		usage: (task.usage as IDataObject | undefined) ?? null,
		region,
	};
	return { id: task.taskId, videoUrl: task.videoUrl ?? '', fields };
}

export function toAnswer(answer: TextResponse): DashScopeAnswer {
	return {
		statusCode: answer.statusCode,
		contentType: headerValue(answer.headers, 'content-type'),
		body: answer.body,
		retryAfterHeader: headerValue(answer.headers, 'retry-after'),
		location: headerValue(answer.headers, 'location'),
	};
}

/** A request to DashScope that got no answer. Only a refused connection or an unknown host proves nothing was created. */
function networkFailure(context: IExecuteFunctions, error: unknown, phase: 'submit' | 'poll'): Failure {
	const kind = networkErrorKind(context, error);
	if (kind === 'cancelled') throw error; // the stop button: the item loop reports the item's job
	const detail = errorText(error);
	if (kind === 'refused' || kind === 'notFound') {
		return {
			message: `Cannot reach DashScope: ${kind === 'refused' ? 'connection refused' : 'the host name does not resolve'}`,
			description: "Check the network between n8n and DashScope, and the credential's Region (or Base URL for a custom region).",
			retryable: true,
			mayHaveBilled: false,
			httpCode: kind === 'refused' ? 'ECONNREFUSED' : 'ENOTFOUND',
		};
	}
	if (kind === 'blocked') return blockedByN8n('DashScope', "the credential's Base URL", detail);
	if (kind === 'tls') return { message: 'Cannot make a secure connection to DashScope', description: `${detail}. Check the proxy's TLS certificate.`, retryable: false, mayHaveBilled: false };
	return {
		message: phase === 'submit' ? `The request that creates the video task got no answer (${kind === 'timeout' ? 'timed out' : kind === 'reset' ? 'connection broke' : detail})` : `DashScope did not answer a task query (${kind})`,
		description:
			phase === 'submit'
				? "DashScope may have received it and created a task, so the node does not submit it again: look for the task in the DashScope console's task list before running this item again."
				: 'The node keeps asking.',
		retryable: false,
		mayHaveBilled: phase === 'submit',
		httpCode: kind === 'timeout' ? 'ETIMEDOUT' : kind === 'reset' ? 'ECONNRESET' : undefined,
	};
}

function withAdvice(description: string, taskId: string): string {
	return description.includes(taskId) ? description : `${description} ${getTaskAdvice(taskId)}`;
}
