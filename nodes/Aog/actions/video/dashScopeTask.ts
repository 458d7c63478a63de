// Image to Video with DashScope directly (docs/DASHSCOPE-API.md): submit an asynchronous task once, then follow it
// for as long as the user allows. From the moment a task id exists, every outcome names it.
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import {
	getTaskAdvice,
	interpretSubmitAnswer,
	interpretTaskAnswer,
	pollTimeoutFailure,
	taskFailure,
	type DashScopeAnswer,
	type DashScopeRegion,
	type SubmittedTask,
	type TaskState,
} from '../../helpers/dashScopeAnswers';
import { interpretCancelAnswer } from '../../helpers/dashScopeCancel';
import { checkDashScopeOptions, dashScopeBody } from '../../helpers/dashScopeModels';
import { InputError, isFailure, ItemFailure, type Failure } from '../../helpers/failures';
import { describeJob } from '../../helpers/jobLedger';
import { PollSchedule } from '../../helpers/pollSchedule';
import { headerValue, type TextResponse } from '../../transport';
import { cancelAfterStop, dashScopeCredentials, dashScopeRequest, SUBMIT_PATH, taskPath } from '../../transport/dashScope';
import { errorText, networkErrorKind } from '../../transport/networkErrors';
import type { ItemRun } from '../runItems';
import { submitWithRetry } from '../submit';
import type { Generation } from './aogGeneration';
import { readImage } from './readImage';
import type { DeliverySettings, VideoSettings } from './settings';
import { abortableSleep } from '../../transport/wait';

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
	const { image } = await readImage.call(this, itemIndex, settings.imageSource, settings.validateImage);
	const body = dashScopeBody(settings.model, image, settings.prompt, settings.parameters);
	const { region } = await dashScopeCredentials.call(this);
	const started = Date.now();

	const submitted = await submitWithRetry<SubmittedTask>(this, run, settings.timeoutSeconds, async (remainingMs) => {
		try {
			const answer = await dashScopeRequest.call(this, 'POST', SUBMIT_PATH, { body, timeoutMs: Math.min(remainingMs, REQUEST_TIMEOUT_MS) });
			return interpretSubmitAnswer(toAnswer(answer), region as DashScopeRegion);
		} catch (error) {
			return networkFailure(this, error, 'submit');
		}
	});
	run.jobs.record(itemIndex, { taskId: submitted.taskId });
	this.logger.info(`DashScope: item ${itemIndex} created video task ${submitted.taskId}`);

	const remainingSeconds = Math.max(1, settings.timeoutSeconds - (Date.now() - started) / 1000);
	const task = await waitForTask.call(this, itemIndex, submitted.taskId, { ...settings, timeoutSeconds: remainingSeconds }, run);
	return toGeneration(task, region, submitted.requestId);
}

/**
 * Follows a task until it ends or the wait runs out. Transient poll failures (5xx, a proxy's page, a broken connection)
 * only cost a poll; a task that ends without a video, or a wait that runs out, is an ItemFailure naming the task.
 */
export async function waitForTask(
	this: IExecuteFunctions,
	itemIndex: number,
	taskId: string,
	settings: Pick<DeliverySettings, 'timeoutSeconds' | 'pollIntervalSeconds'>,
	run: ItemRun,
	options: { wait: boolean } = { wait: true },
): Promise<TaskState> {
	const { region } = await dashScopeCredentials.call(this);
	const schedule = new PollSchedule({ intervalMs: settings.pollIntervalSeconds * 1000, timeoutMs: settings.timeoutSeconds * 1000 });
	const started = Date.now();
	let last: TaskState = { taskId, status: 'PENDING' };
	run.jobs.record(itemIndex, { taskId });
	for (;;) {
		const answer = await queryTask.call(this, taskId, region as DashScopeRegion, schedule.remainingMs(), run);
		if (isFailure(answer)) {
			if (!answer.retryable || !schedule.noteTransientError()) throw new ItemFailure({ ...answer, taskId, description: withAdvice(answer.description, taskId) });
		} else {
			schedule.noteSuccess();
			last = answer;
			if (last.status === 'SUCCEEDED') return last;
			if (last.status === 'FAILED' || last.status === 'CANCELED' || last.status === 'UNKNOWN') throw new ItemFailure(taskFailure(last, region as DashScopeRegion));
			if (!options.wait) return last;
		}
		if (schedule.expired()) throw new ItemFailure(pollTimeoutFailure(last, Date.now() - started));
		try {
			await abortableSleep(schedule.nextDelayMs(), this.getExecutionCancelSignal());
		} catch (error) {
			if (this.getExecutionCancelSignal()?.aborted) throw await stopped.call(this, run);
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex, description: getTaskAdvice(taskId) });
		}
	}
}

async function queryTask(this: IExecuteFunctions, taskId: string, region: DashScopeRegion, remainingMs: number, run: ItemRun): Promise<TaskState | Failure> {
	try {
		const answer = await dashScopeRequest.call(this, 'GET', taskPath(taskId), { timeoutMs: Math.max(1000, Math.min(remainingMs, REQUEST_TIMEOUT_MS)) });
		return interpretTaskAnswer(toAnswer(answer), taskId, region);
	} catch (error) {
		if (this.getExecutionCancelSignal()?.aborted) throw await stopped.call(this, run);
		// A poll creates nothing: any network failure is worth another poll.
		return { ...networkFailure(this, error, 'poll'), retryable: true };
	}
}

/**
 * The stop button during a wait: cancel the tasks of this execution that are still queued (a RUNNING one cannot be
 * canceled), and say which tasks keep running upstream (and will be billed).
 */
async function stopped(this: IExecuteFunctions, run: ItemRun): Promise<ItemFailure> {
	// Every item in flight wakes up at the stop; the first one cancels and reports for all.
	run.stopped ??= reportStop.call(this, run);
	return await run.stopped;
}

async function reportStop(this: IExecuteFunctions, run: ItemRun): Promise<ItemFailure> {
	const waiting = run.jobs.waiting().filter((job) => job.taskId);
	const canceled: string[] = [];
	await Promise.all(
		waiting.map(async (job) => {
			try {
				const result = interpretCancelAnswer(toAnswer(await cancelAfterStop.call(this, job.taskId!, CANCEL_AFTER_STOP_TIMEOUT_MS)), job.taskId!);
				if (!isFailure(result) && result.canceled) canceled.push(job.taskId!);
			} catch {
				// best effort: the task is reported as still running below
			}
		}),
	);
	const running = waiting.filter((job) => !canceled.includes(job.taskId!));
	
	return new ItemFailure({
		// "canceled" (n8n's spelling) in the message makes n8n record the run as canceled rather than failed.
		message: 'The execution was canceled while waiting for DashScope',
		description: [
			canceled.length > 0 ? `Canceled queued task${canceled.length > 1 ? 's' : ''} ${canceled.join(', ')}.` : '',
			running.length > 0
				? `Still running upstream (they will finish and be billed; Get Task fetches their videos within 24 h): ${running.map(describeJob).join('; ')}.`
				: '',
		]
			.filter(Boolean)
			.join(' ') || 'No DashScope task was waiting.',
		retryable: false,
		mayHaveBilled: running.length > 0,
		taskId: waiting[0]?.taskId,
	});
}

/** The output fields of a finished task (`id` is the task id). */
export function toGeneration(task: TaskState, region: string, requestId?: string): Generation {
	const fields: IDataObject = {
		taskId: task.taskId,
		taskStatus: task.status,
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
	if (kind === 'cancelled') {
		throw new ItemFailure({ message: 'The execution was canceled while waiting for DashScope', description: 'The request to DashScope was aborted; if it had arrived, the task runs on (and is billed).', retryable: false, mayHaveBilled: phase === 'poll' });
	}
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
