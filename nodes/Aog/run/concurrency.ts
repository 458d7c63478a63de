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

/** Slots between submits after a rate limit: from half a second (DashScope allows about 2 submits per second), doubling. */
const MIN_SPACING_MS = 500;
const MAX_SPACING_MS = 8000;

/**
 * A pause shared by every item of one execution, and after a rate limit a pace: the items that waited do not all
 * submit at the same instant when the pause ends, but one per slot, slots `spacing` apart with a little jitter.
 */
export class SharedBackoff {
	private resumeAt = 0;
	private nextSlotAt = 0;
	private spacingMs = 0;

	constructor(
		private readonly now: () => number = Date.now,
		private readonly random: () => number = Math.random,
	) {}

	pauseFor(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, this.now() + ms);
	}

	/** How long a new request must still wait. */
	remainingMs(): number {
		return Math.max(0, this.resumeAt - this.now());
	}

	/** A rate limit: every item pauses, and submits are spaced from now on (wider after each new pause). */
	throttled(ms: number): void {
		if (this.remainingMs() === 0)
			this.spacingMs = Math.min(MAX_SPACING_MS, Math.max(MIN_SPACING_MS, this.spacingMs * 2));
		this.pauseFor(ms);
	}

	/** Reserves the next submit slot and says how long to wait for it (0 while no rate limit was met). */
	reserveSlot(): number {
		const start = Math.max(this.now(), this.resumeAt, this.nextSlotAt);
		this.nextSlotAt = start + this.spacingMs;
		const jitter = Math.round(this.random() * this.spacingMs * 0.2);
		return start - this.now() + jitter;
	}
}

/** Delay before retry number `attempt` (1-based): doubling from `baseMs`, capped, or what the server asked for. */
export function backoffDelayMs(
	attempt: number,
	retryAfterMs: number | undefined,
	baseMs = 2000,
	capMs = 30000,
): number {
	if (retryAfterMs !== undefined) return Math.min(retryAfterMs, 120000);
	return Math.min(baseMs * 2 ** (attempt - 1), capMs);
}
