import * as workflow from 'n8n-workflow';

type AbortableSleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * n8n-workflow up to 2.x exports `sleepWithAbort`; newer versions (2.41) dropped it for `sleep(ms, signal)`, whose
 * older form ignores the signal.
 */
const sleepWithSignal: AbortableSleep = ((workflow as { sleepWithAbort?: AbortableSleep }).sleepWithAbort ??
	workflow.sleep) as AbortableSleep;

/**
 * A wait that the stop button ends at once (nodes may not use timers). n8n's `sleepWithAbort` adds an 'abort' listener
 * to the signal it is given and never removes it when the time runs out: given the execution's cancel signal, every
 * poll would leave one listener on it for the rest of the execution. So it gets a signal of its own for this one wait,
 * linked to the caller's, and the link is removed however the wait ends (docs/RELIABILITY.md, "Guards of promised
 * behaviour").
 */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleepWithSignal(ms);
	const own = new AbortController();
	const forward = () => own.abort();
	if (signal.aborted) own.abort();
	else signal.addEventListener('abort', forward, { once: true });
	try {
		await sleepWithSignal(ms, own.signal);
	} finally {
		signal.removeEventListener('abort', forward);
	}
}
