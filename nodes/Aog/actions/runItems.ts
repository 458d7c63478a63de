// The one per-item loop every operation runs in: bounded concurrency with results in input order, a backoff shared
// by all items (a rate limit is the account's), continue-on-fail, pairedItem, and the one place errors become n8n
// errors, phrased for the user, tied to their item, with no secret in them.
import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type JsonObject } from 'n8n-workflow';

import { mapWithConcurrency, SharedBackoff } from '../helpers/concurrency';
import { InputError, ItemFailure } from '../helpers/failures';
import { JobLedger } from '../helpers/jobLedger';
import { redactText } from '../helpers/url';

/** What the items of one execution share. */
export interface ItemRun {
	backoff: SharedBackoff;
	/** Upstream jobs (AOG results, DashScope tasks) by item, so that no outcome loses one. */
	jobs: JobLedger;
	/** Set by the first item that sees the stop button, so that the clean-up after it runs once. */
	stopped?: Promise<ItemFailure>;
}

/** One operation applied to one item. */
export type ItemOperation = (this: IExecuteFunctions, itemIndex: number, run: ItemRun) => Promise<INodeExecutionData>;

type NodeError = NodeOperationError | NodeApiError;

export async function runItems(
	this: IExecuteFunctions,
	operation: ItemOperation,
	options: { concurrency: number; secrets: string[] },
): Promise<INodeExecutionData[]> {
	const run: ItemRun = { backoff: new SharedBackoff(), jobs: new JobLedger() };
	let stopLaunching = false;
	let first: { error: NodeError; itemIndex: number } | undefined;

	const results = await mapWithConcurrency(this.getInputData(), options.concurrency, async (_item, itemIndex) => {
		if (stopLaunching) return undefined;
		try {
			const result = await operation.call(this, itemIndex, run);
			run.jobs.record(itemIndex, { state: 'delivered' });
			return result;
		} catch (caught) {
			// After the stop button the stop report names every task; the jobs stay as they were.
			if (run.jobs.get(itemIndex) && !run.stopped) run.jobs.record(itemIndex, { state: 'failed' });
			const error = toNodeError.call(this, caught, itemIndex, options.secrets);
			if (this.continueOnFail()) return errorItem.call(this, error, itemIndex, caught);
			// Items already in flight finish (their videos are being billed), but no new one starts.
			stopLaunching = true;
			first ??= { error, itemIndex };
			return undefined;
		}
	});
	if (first) throw run.stopped ? first.error : withOtherJobs(first.error, first.itemIndex, run.jobs, options.secrets);
	return results.filter((result): result is INodeExecutionData => result !== undefined);
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

/** The error that stops the run also names the jobs the other items created, instead of dropping them. */
function withOtherJobs(error: NodeError, itemIndex: number, jobs: JobLedger, secrets: string[]): NodeError {
	const others = jobs.describeOthers(itemIndex);
	if (others) error.description = [error.description, redactText(others, secrets)].filter(Boolean).join(' ');
	return error;
}

function toNodeError(this: IExecuteFunctions, caught: unknown, itemIndex: number, secrets: string[]): NodeError {
	if (this.getExecutionCancelSignal()?.aborted && !(caught instanceof ItemFailure)) {
		// A wait or a download interrupted by the stop button. "canceled" (n8n's spelling) in the message makes
		// n8n record the run as canceled rather than failed.
		return new NodeOperationError(this.getNode(), 'The execution was canceled', { itemIndex, description: 'Nothing was stored for this item.' });
	}
	if (caught instanceof ItemFailure) {
		const { failure } = caught;
		const message = redactText(failure.message, secrets);
		const description = redactText(failure.description, secrets);
		const error = new NodeApiError(this.getNode(), { message, description } as JsonObject, { message, description, httpCode: failure.httpCode, itemIndex });
		// NodeApiError swaps the message for a generic one when httpCode is a network code (ECONNRESET, ECONNREFUSED…).
		error.message = message;
		return error;
	}
	if (caught instanceof InputError) {
		return new NodeOperationError(this.getNode(), redactText(caught.message, secrets), { itemIndex, description: redactText(caught.description, secrets) });
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
