// The job-creating request of either connection. It is repeated only when the answer proves that no job exists
// upstream (connection refused, rate-limited): after a 5xx, a reset or a timeout a new request could bill a second
// video, and neither AOG nor DashScope has an idempotency key. The same holds across n8n's Retry On Fail: a try whose
// submit may have created a job leaves that in the job ledger, and every later try repeats its failure.
import type { IExecuteFunctions } from 'n8n-workflow';

import { backoffDelayMs } from './concurrency';
import { isFailure, ItemFailure, type Failure } from './failures';
import { redactText } from '../http/url';
import { abortableSleep } from './wait';
import type { ItemRun } from './runItems';

/** A refused connection or an unknown host is retried a few times; a rate limit as long as the item's timeout allows. */
const MAX_CONNECT_ATTEMPTS = 4;

/** Calls `send` with the time left until the deadline, until it returns a result or a failure that is not retryable. */
export async function submitWithRetry<T extends object>(
	context: IExecuteFunctions,
	run: ItemRun,
	itemIndex: number,
	timeoutSeconds: number,
	send: (remainingMs: number) => Promise<T | Failure>,
): Promise<T> {
	refuseIfEarlierTryMayHaveBilled(run, itemIndex);
	const signal = context.getExecutionCancelSignal();
	const started = Date.now();
	const deadline = started + timeoutSeconds * 1000;
	let previous: Failure | undefined;
	for (let attempt = 1; ; attempt++) {
		// Wait for this item's submit slot; a pause another item set meanwhile means waiting again.
		for (
			let wait = run.backoff.reserveSlot();
			wait > 0;
			wait = run.backoff.remainingMs() > 0 ? run.backoff.reserveSlot() : 0
		) {
			if (Date.now() + wait >= deadline) {
				// The wait would run past the deadline: report this item's own last failure, else the account's rate limit.
				throw new ItemFailure(
					previous ? afterRetries(previous, attempt - 1, Date.now() - started) : timeoutWhileWaiting(timeoutSeconds),
				);
			}
			await abortableSleep(wait, signal);
		}
		run.jobs.record(itemIndex, { state: 'submitting' });
		const answer = await send(Math.max(1000, deadline - Date.now()));
		if (!isFailure(answer)) return answer;
		if (answer.mayHaveBilled) {
			run.jobs.record(itemIndex, {
				state: 'failed',
				unsure: {
					message: redactText(answer.message, run.secrets),
					description: redactText(answer.description, run.secrets),
					httpCode: answer.httpCode,
				},
			});
			throw new ItemFailure(answer);
		}
		run.jobs.forget(itemIndex);
		if (!answer.retryable) throw new ItemFailure(answer);
		previous = answer;
		const delay = backoffDelayMs(attempt, answer.retryAfterMs);
		const connectFailure = answer.httpCode === 'ECONNREFUSED' || answer.httpCode === 'ENOTFOUND';
		if ((connectFailure && attempt >= MAX_CONNECT_ATTEMPTS) || Date.now() + delay >= deadline) {
			throw new ItemFailure(afterRetries(answer, attempt, Date.now() - started));
		}
		// A rate limit is the account's, so every item waits and then goes one at a time; a refused connection only
		// delays this one.
		if (connectFailure) await abortableSleep(delay, signal);
		else run.backoff.throttled(delay);
	}
}

/** Retry On Fail re-runs every item: one whose earlier try may have created a job gets that try's failure again. */
export function refuseIfEarlierTryMayHaveBilled(run: ItemRun, itemIndex: number): void {
	const earlier = run.jobs.get(itemIndex);
	if (!earlier || (earlier.state !== 'submitting' && !earlier.unsure)) return;
	const { message, description, httpCode } = earlier.unsure ?? {
		message: 'An earlier try of this item got no answer to the request that creates the video',
		description: 'The service may have received it and created a job.',
	};
	throw new ItemFailure({
		message,
		description: `${description} Not submitted again on this retry (Retry On Fail): the earlier try may have created a billed video, and a second request would bill another.`,
		retryable: false,
		mayHaveBilled: true,
		httpCode,
	});
}

/** A retryable failure that outlasted the retries: say how often and how long the node tried. */
function afterRetries(failure: Failure, attempts: number, elapsedMs: number): Failure {
	if (attempts < 2) return failure;
	return {
		...failure,
		description: `${failure.description} The node tried ${attempts} times over ${Math.round(elapsedMs / 1000)} s.`,
	};
}

function timeoutWhileWaiting(timeoutSeconds: number): Failure {
	return {
		message: `The node's timeout of ${timeoutSeconds} s ran out while waiting to retry`,
		description: 'DashScope kept rate-limiting the account. Lower Options → Concurrency or raise Options → Timeout.',
		retryable: false,
		mayHaveBilled: false,
	};
}
