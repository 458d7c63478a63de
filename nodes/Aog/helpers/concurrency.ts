// Runs items a few at a time, keeping results in input order, and lets any item pause all of them
// (a 429 from DashScope applies to the whole account, not to one request).

export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const lane = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await worker(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
	return results;
}

/** A pause shared by every item of one execution. */
export class SharedBackoff {
	private resumeAt = 0;

	constructor(private readonly now: () => number = Date.now) {}

	pauseFor(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, this.now() + ms);
	}

	/** How long a new request must still wait. */
	remainingMs(): number {
		return Math.max(0, this.resumeAt - this.now());
	}
}

/** Delay before retry number `attempt` (1-based): doubling from `baseMs`, capped, or what the server asked for. */
export function backoffDelayMs(attempt: number, retryAfterMs: number | undefined, baseMs = 2000, capMs = 30000): number {
	if (retryAfterMs !== undefined) return Math.min(retryAfterMs, 120000);
	return Math.min(baseMs * 2 ** (attempt - 1), capMs);
}
