// The one per-item loop every operation runs in: bounded concurrency with results in input order, a backoff shared
// by all items (a rate limit is the account's), continue-on-fail, pairedItem, the stop button, and the one place
// errors become n8n errors, phrased for the user, tied to their item, naming their job, with no secret in them.
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { mapWithConcurrency, SharedBackoff } from './concurrency';
import { InputError, ItemFailure, type Failure } from './failures';
import { describeJob, hasHandle, JobLedger, type Job, type JobStore } from './jobLedger';
import { stopReport, stopFailure, type Service } from './stopReport';
import type { ConnectionSettings } from '../http/request';
import { redactText } from '../http/url';

/** What the items of one execution share. */
export interface ItemRun {
	/** The connection and its credential, read once for the execution. */
	connection: ConnectionSettings;
	backoff: SharedBackoff;
	/** Upstream jobs (AOG results, DashScope tasks) by item, kept across Retry On Fail tries, so no outcome loses one. */
	jobs: JobLedger;
	/** The credential's secrets, hidden from every text the node keeps or shows. */
	secrets: string[];
	/** What the connection does once after the stop button (DashScope: cancel the queued tasks this run created). */
	onStop?: () => Promise<void>;
}

/** One operation applied to one item. */
export type ItemOperation = (this: IExecuteFunctions, itemIndex: number, run: ItemRun) => Promise<INodeExecutionData>;

/** What a backend hands back for one item: the video's link once it exists, and the output fields it alone knows. */
export interface Generation {
	/** The output's `id`: AOG's result id, or the DashScope task id. */
	id: string;
	/** Empty while a DashScope task is still running. */
	videoUrl: string;
	fields: IDataObject;
}

type NodeError = NodeOperationError | NodeApiError;

export async function runItems(
	this: IExecuteFunctions,
	operation: ItemOperation,
	options: { concurrency: number; connection: ConnectionSettings },
): Promise<INodeExecutionData[]> {
	const { connection } = options;
	const secrets = connection.secret ? [connection.secret] : [];
	const service: Service = connection.type === 'dashScopeApi' ? 'DashScope' : 'AOG';
	const run: ItemRun = { connection, backoff: new SharedBackoff(), jobs: new JobLedger(jobStoreOf(this)), secrets };
	const signal = this.getExecutionCancelSignal();
	const launched = new Set<number>();
	let afterStop: Promise<void> | undefined;
	let stopLaunching = false;
	let first: { error: NodeError; itemIndex: number; caught: unknown } | undefined;

	const results = await mapWithConcurrency(this.getInputData(), options.concurrency, async (_item, itemIndex) => {
		if (stopLaunching) return undefined;
		let caught: unknown;
		if (signal?.aborted) {
			caught = new ItemFailure(stopFailure(undefined, service, true));
		} else {
			launched.add(itemIndex);
			try {
				const result = await operation.call(this, itemIndex, run);
				// A task answered while still running (no wait) stays 'waiting': it is not finished.
				if (run.jobs.get(itemIndex)?.state === 'downloading') run.jobs.record(itemIndex, { state: 'delivered' });
				return result;
			} catch (error) {
				caught = error;
			}
		}
		if (signal?.aborted) {
			// Whatever the item met, the stop explains it: the connection's clean-up first (it decides which tasks were
			// canceled), then the item's own job.
			afterStop ??= run.onStop ? run.onStop().catch(() => undefined) : Promise.resolve();
			await afterStop;
			if (launched.has(itemIndex)) caught = new ItemFailure(stopFailure(run.jobs.get(itemIndex), service, false));
		} else {
			const job = run.jobs.get(itemIndex);
			// A submit whose answer was lost stays 'submitting', so that a retry does not submit again.
			if (job && job.state !== 'submitting') run.jobs.record(itemIndex, { state: 'failed' });
		}
		const error = withOwnJob(toNodeError.call(this, caught, itemIndex, secrets), run.jobs.get(itemIndex), secrets);
		if (this.continueOnFail()) return errorItem.call(this, error, itemIndex, caught);
		// Items already in flight finish (their videos are being billed), but no new one starts.
		stopLaunching = true;
		first ??= { error, itemIndex, caught };
		return undefined;
	});
	if (first) {
		if (!signal?.aborted) throw withOtherJobs(first.error, first.itemIndex, run.jobs, secrets);
		// After the stop button the report names every item's job, whatever error came first.
		const unlaunched = this.getInputData()
			.map((_item, index) => index)
			.filter((index) => !launched.has(index));
		const earlier = first.caught instanceof ItemFailure && !isStopFailure(first.caught.failure) ? first : undefined;
		const report = stopReport(run.jobs.list(), service, {
			notStarted: unlaunched,
			earlierError: earlier ? `item ${earlier.itemIndex}: ${earlier.error.message}` : undefined,
		});
		throw new NodeOperationError(this.getNode(), redactText(report.message, secrets), {
			description: redactText(report.description, secrets),
		});
	}
	return results.filter((result): result is INodeExecutionData => result !== undefined);
}

/**
 * Where n8n keeps this node's jobs: the node's execution context survives the node's Retry On Fail tries, and each
 * run of the node in one execution (a loop) gets its own entries.
 */
function jobStoreOf(context: IExecuteFunctions): JobStore {
	try {
		const runIndex = Number(context.getWorkflowDataProxy(0).$runIndex ?? 0);
		const nodeContext = context.getContext('node');
		return (nodeContext[`jobs${runIndex}`] ??= {}) as JobStore;
	} catch {
		return {}; // a context without execution data (a tool call outside a workflow run)
	}
}

function isStopFailure(failure: Failure): boolean {
	return /^The execution was canceled/.test(failure.message);
}

/**
 * The continue-on-fail item: `{error, message}`, plus the task id once a task exists. n8n routes to the error output
 * only a json of exactly {error} or {error, message} (an item with `.error` loses its json), so there the task id
 * stays inside the texts, which name it.
 */
function errorItem(this: IExecuteFunctions, error: NodeError, itemIndex: number, caught: unknown): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.message = error.description;
	const taskId = caught instanceof ItemFailure ? caught.failure.taskId : undefined;
	if (taskId && this.getNode().onError !== 'continueErrorOutput') json.taskId = taskId;
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * An error raised after the item's job exists names it, whatever raised it: its task id (Get Task fetches it) and its
 * video link, or AOG's result id when there is no link yet.
 */
function withOwnJob(error: NodeError, job: Job | undefined, secrets: string[]): NodeError {
	if (!job || !hasHandle(job)) return error;
	const text = `${error.message} ${error.description ?? ''}`;
	const handles = [job.taskId, job.videoUrl ?? job.resultId].filter((handle): handle is string => Boolean(handle));
	const named = handles.every((handle) => text.includes(handle) || text.includes(redactText(handle, secrets)));
	if (!named)
		error.description = [error.description, redactText(`This item's job: ${describeJob(job)}.`, secrets)]
			.filter(Boolean)
			.join(' ');
	return error;
}

/** The error that stops the run also names the jobs the other items created, instead of dropping them. */
function withOtherJobs(error: NodeError, itemIndex: number, jobs: JobLedger, secrets: string[]): NodeError {
	const others = jobs.describeOthers(itemIndex);
	if (others) error.description = [error.description, redactText(others, secrets)].filter(Boolean).join(' ');
	return error;
}

function toNodeError(this: IExecuteFunctions, caught: unknown, itemIndex: number, secrets: string[]): NodeError {
	if (caught instanceof ItemFailure) {
		const { failure } = caught;
		const message = redactText(failure.message, secrets);
		const description = redactText(failure.description, secrets);
		const error = new NodeApiError(this.getNode(), { message, description } as JsonObject, {
			message,
			description,
			httpCode: failure.httpCode,
			itemIndex,
		});
		// NodeApiError swaps the message for a generic one when httpCode is a network code (ECONNRESET, ECONNREFUSED…).
		error.message = message;
		return error;
	}
	if (caught instanceof InputError) {
		return new NodeOperationError(this.getNode(), redactText(caught.message, secrets), {
			itemIndex,
			description: redactText(caught.description, secrets),
		});
	}
	// Anything else (an expression or binary-storage error) is rebuilt from its text alone, so no request details it
	// may carry (headers with a key) reach the output.
	const text = caught instanceof Error ? caught.message : String(caught);
	const description = (caught as { description?: unknown })?.description;
	return new NodeOperationError(this.getNode(), redactText(text, secrets), {
		itemIndex,
		description: typeof description === 'string' ? redactText(description, secrets) : undefined,
	});
}
