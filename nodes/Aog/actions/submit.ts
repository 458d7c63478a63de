// The job-creating request of either connection. It is repeated only when the answer proves that no job exists
// upstream (connection refused, rate-limited): after a 5xx, a reset or a timeout a new request could bill a second
// video, and neither AOG nor DashScope has an idempotency key.
import type { IExecuteFunctions } from 'n8n-workflow';

import { backoffDelayMs } from '../helpers/concurrency';
import { isFailure, ItemFailure, type Failure } from '../helpers/failures';
import { abortableSleep } from '../transport/wait';
import type { ItemRun } from './runItems';

const MAX_SUBMIT_ATTEMPTS = 4;

/** Calls `send` with the time left until the deadline, until it returns a result or a failure that is not retryable. */
export async function submitWithRetry<T extends object>(
	context: IExecuteFunctions,
	run: ItemRun,
	timeoutSeconds: number,
	send: (remainingMs: number) => Promise<T | Failure>,
): Promise<T> {
	const signal = context.getExecutionCancelSignal();
	const started = Date.now();
	const deadline = started + timeoutSeconds * 1000;
	let previous: Failure | undefined;
	for (let attempt = 1; ; attempt++) {
		const wait = run.backoff.remainingMs();
		if (wait > 0) await abortableSleep(wait, signal);
		const remainingMs = deadline - Date.now();
		if (remainingMs <= 0) {
			// The wait ran past the deadline: report this item's own last failure, else the account's rate limit.
			throw new ItemFailure(previous ? afterRetries(previous, attempt - 1, Date.now() - started) : timeoutWhileWaiting(timeoutSeconds));
		}
		const answer = await send(remainingMs);
		if (!isFailure(answer)) return answer;
		if (!answer.retryable) throw new ItemFailure(answer);
		previous = answer;
		const delay = backoffDelayMs(attempt, answer.retryAfterMs);
		if (attempt >= MAX_SUBMIT_ATTEMPTS || Date.now() + delay >= deadline) throw new ItemFailure(afterRetries(answer, attempt, Date.now() - started));
		// A rate limit is the account's, so every item waits; a refused connection only delays this one.
		if (answer.httpCode === 'ECONNREFUSED' || answer.httpCode === 'ENOTFOUND') await abortableSleep(delay, signal);
		else run.backoff.pauseFor(delay);
	}
}

/** A retryable failure that outlasted the retries: say how often and how long the node tried. */
function afterRetries(failure: Failure, attempts: number, elapsedMs: number): Failure {
	if (attempts < 2) return failure;
	return { ...failure, description: `${failure.description} The node tried ${attempts} times over ${Math.round(elapsedMs / 1000)} s.` };
}

function timeoutWhileWaiting(timeoutSeconds: number): Failure {
	return {
		message: `The node's timeout of ${timeoutSeconds} s ran out while waiting to retry`,
		description: 'DashScope kept rate-limiting the account. Lower Options → Concurrency or raise Options → Timeout.',
		retryable: false,
		mayHaveBilled: false,
	};
}
