// The life of a DashScope task, whatever the operation (docs/DASHSCOPE-API.md): submit it once, follow it for as long
// as the user allows, cancel the queued ones after the stop button. From the moment a task id exists, every outcome
// names it. The operation builds the request; this file knows nothing of pictures or prompts.
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { toAnswer, type ConnectionSettings } from '../http/request';
import { errorText, networkErrorKind, rethrowIfStopped } from '../http/networkErrors';
import { isFailure, ItemFailure, type Failure } from '../run/failures';
import { PollSchedule } from '../run/pollSchedule';
import type { Generation, ItemRun } from '../run/runItems';
import { refuseIfEarlierTryMayHaveBilled, submitWithRetry } from '../run/submit';
import { abortableSleep } from '../run/wait';
import {
	getTaskAdvice,
	interpretSubmitAnswer,
	interpretTaskAnswer,
	isFinal,
	type SubmittedTask,
	type TaskState,
	type TaskStatus,
} from './answers';
import { interpretCancelAnswer } from './cancel';
import type { DashScopeRegion } from './errorTable';
import { cancelAfterStop, dashScopeRequest, taskPath } from './request';
import { pollTimeoutFailure, taskFailure, unansweredRequest } from './taskFailures';

/** Each request's own limit: a poll or a submit that hangs must not eat the whole wait. */
const REQUEST_TIMEOUT_MS = 60_000;
/** The best-effort cancel after the stop button must not hold the node past the 2 s users expect. */
const CANCEL_AFTER_STOP_TIMEOUT_MS = 1500;

/** How long and how a task is followed (operations/settings.ts reads them from the node's options). */
export interface FollowSettings {
	timeoutSeconds: number;
	pollIntervalSeconds: number;
	/** False: answer with the task's status at once (a Wait → Get Task loop holds no worker). */
	waitForCompletion: boolean;
	/** An AI agent's tool call: a task still running when the wait ends is answered, not failed. */
	toolCall: boolean;
}

/** A submit: the endpoint and the body, built by the operation only when a new task is needed. */
export interface TaskRequest {
	path: string;
	body: string | Buffer;
	/** Extra submit headers: the resolve header when an input is in temporary storage (upload.ts). */
	headers?: Record<string, string>;
}

/**
 * Runs one item's task: follows the task an earlier Retry On Fail try created, or submits a new one (built by
 * `buildRequest`) and follows it.
 */
export async function runDashScopeTask(
	this: IExecuteFunctions,
	itemIndex: number,
	run: ItemRun,
	settings: FollowSettings,
	buildRequest: () => Promise<TaskRequest>,
): Promise<Generation> {
	const { connection } = run;
	run.onStop ??= async () => await cancelQueuedTasks.call(this, run);

	// Retry On Fail: a task an earlier try created is followed to its video, not submitted again, unless it ended
	// without one (FAILED, CANCELED: nothing billed).
	const earlier = run.jobs.get(itemIndex);
	if (earlier?.taskId && !earlier.ended) {
		this.logger.info(`DashScope: item ${itemIndex} follows task ${earlier.taskId} from an earlier try`);
		return toGeneration(await followTask.call(this, itemIndex, earlier.taskId, settings, run), connection.region);
	}
	if (earlier?.ended) run.jobs.forget(itemIndex);

	// Checked before the request is built: building it may upload files, which a refused retry must not repeat.
	refuseIfEarlierTryMayHaveBilled(run, itemIndex);
	const { path, body, headers } = await buildRequest();
	const started = Date.now();
	const submitted = await submitWithRetry<SubmittedTask>(
		this,
		run,
		itemIndex,
		settings.timeoutSeconds,
		async (remainingMs) => {
			try {
				const answer = await dashScopeRequest.call(this, connection, 'POST', path, {
					body,
					headers,
					timeoutMs: Math.min(remainingMs, REQUEST_TIMEOUT_MS),
				});
				return interpretSubmitAnswer(toAnswer(answer), connection.region as DashScopeRegion);
			} catch (error) {
				return unansweredRequest(rethrowIfStopped(networkErrorKind(this, error), error), errorText(error), 'submit');
			}
		},
	);
	run.jobs.record(itemIndex, { taskId: submitted.taskId, state: 'waiting', created: true });
	this.logger.info(`DashScope: item ${itemIndex} created video task ${submitted.taskId}`);
	if (!settings.waitForCompletion)
		return toGeneration(
			{ taskId: submitted.taskId, status: submitted.taskStatus as TaskStatus },
			connection.region,
			submitted.requestId,
		);

	const remainingSeconds = Math.max(1, settings.timeoutSeconds - (Date.now() - started) / 1000);
	const task = await followTask.call(
		this,
		itemIndex,
		submitted.taskId,
		{ ...settings, timeoutSeconds: remainingSeconds },
		run,
	);
	return toGeneration(task, connection.region, submitted.requestId);
}

/**
 * Follows a task until it ends or the wait runs out. Transient poll failures (5xx, a proxy's page, a broken connection)
 * only cost a poll; a task that ends without a video, or a wait that runs out, is an ItemFailure naming the task.
 * The stop button ends the wait at once; the item loop then reports the task (run/runItems.ts).
 */
export async function followTask(
	this: IExecuteFunctions,
	itemIndex: number,
	taskId: string,
	settings: FollowSettings,
	run: ItemRun,
): Promise<TaskState> {
	const region = run.connection.region as DashScopeRegion;
	const schedule = new PollSchedule({
		intervalMs: settings.pollIntervalSeconds * 1000,
		timeoutMs: settings.timeoutSeconds * 1000,
	});
	const started = Date.now();
	let last: TaskState = { taskId, status: 'PENDING' };
	run.jobs.record(itemIndex, { taskId, state: 'waiting' });
	for (;;) {
		const answer = await queryTask.call(this, run.connection, taskId, schedule.remainingMs());
		let retryAfterMs = 0;
		if (isFailure(answer)) {
			if (!answer.retryable || !schedule.noteTransientError())
				throw new ItemFailure({ ...answer, taskId, description: withAdvice(answer.description, taskId) });
			retryAfterMs = answer.retryAfterMs ?? 0;
		} else {
			schedule.noteSuccess();
			last = answer;
			if (last.status === 'SUCCEEDED') {
				run.jobs.record(itemIndex, { videoUrl: last.videoUrl, state: 'downloading' });
				return last;
			}
			if (last.status === 'FAILED' || last.status === 'CANCELED') run.jobs.record(itemIndex, { ended: true });
			if (isFinal(last.status)) throw new ItemFailure(taskFailure(last, region));
			if (!settings.waitForCompletion) return last;
		}
		if (schedule.expired()) {
			// An agent's tool call answers with the running task, for the agent to fetch later with Get Task.
			if (settings.toolCall) return last;
			throw new ItemFailure(pollTimeoutFailure(last, Date.now() - started));
		}
		// A throttled poll waits at least as long as DashScope asked, within the time left.
		await abortableSleep(
			Math.min(Math.max(schedule.nextDelayMs(), retryAfterMs), schedule.remainingMs()),
			this.getExecutionCancelSignal(),
		);
	}
}

/** One status query; a poll creates nothing, so any network failure is worth another poll. */
async function queryTask(
	this: IExecuteFunctions,
	connection: ConnectionSettings,
	taskId: string,
	remainingMs: number,
): Promise<TaskState | Failure> {
	try {
		const answer = await dashScopeRequest.call(this, connection, 'GET', taskPath(taskId), {
			timeoutMs: Math.max(1000, Math.min(remainingMs, REQUEST_TIMEOUT_MS)),
		});
		return interpretTaskAnswer(toAnswer(answer), taskId, connection.region as DashScopeRegion);
	} catch (error) {
		// After the stop button, the wait before the next poll ends the item at once.
		return {
			...unansweredRequest(rethrowIfStopped(networkErrorKind(this, error), error), errorText(error), 'poll'),
			retryable: true,
		};
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
				const answer = await cancelAfterStop.call(this, run.connection, job.taskId!, CANCEL_AFTER_STOP_TIMEOUT_MS);
				const result = interpretCancelAnswer(toAnswer(answer), job.taskId!);
				if (!isFailure(result) && result.canceled) run.jobs.record(job.itemIndex, { state: 'canceled', ended: true });
			} catch {
				// best effort: the task is reported as still running
			}
		}),
	);
}

/** The output fields of a task (`id` is the task id). */
export function toGeneration(task: TaskState, region: string, requestId?: string): Generation {
	const fields: IDataObject = {
		taskId: task.taskId,
		taskStatus: task.status,
		done: isFinal(task.status),
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

function withAdvice(description: string, taskId: string): string {
	return description.includes(taskId) ? description : `${description} ${getTaskAdvice(taskId)}`;
}
