// When to ask DashScope about a task next, and when to give up: pure arithmetic over an injected clock and random
// source, so the node's waiting can be tested without waiting (docs/DASHSCOPE-API.md, "Poll").

export interface PollScheduleOptions {
	/** The usual time between two polls. */
	intervalMs: number;
	/** How long the node waits for the task in all. */
	timeoutMs: number;
	/** Consecutive transient poll failures tolerated before giving up. */
	maxTransientErrors?: number;
	/** The first poll comes no later than this. */
	firstPollMs?: number;
	now?: () => number;
	random?: () => number;
}

export const MIN_POLL_DELAY_MS = 1000;
const DEFAULT_FIRST_POLL_MS = 5000;
export const DEFAULT_MAX_TRANSIENT_ERRORS = 10;
/** ± this share of the interval, so items started together do not poll in lockstep against the 20 QPS account limit. */
const JITTER = 0.1;

export class PollSchedule {
	private readonly deadline: number;
	private readonly now: () => number;
	private readonly random: () => number;
	private readonly maxTransientErrors: number;
	private readonly firstPollMs: number;
	private polls = 0;
	private transientErrors = 0;

	constructor(private readonly options: PollScheduleOptions) {
		this.now = options.now ?? Date.now;
		this.random = options.random ?? Math.random;
		this.maxTransientErrors = options.maxTransientErrors ?? DEFAULT_MAX_TRANSIENT_ERRORS;
		this.firstPollMs = options.firstPollMs ?? DEFAULT_FIRST_POLL_MS;
		this.deadline = this.now() + options.timeoutMs;
	}

	/**
	 * The wait before the next poll. The first comes sooner (at most firstPollMs): a task that fails at once (a bad
	 * image, moderation) or a fast model is reported without sitting out a whole interval. Later waits are the
	 * interval ± 10 %, never under 1 s, and never past the deadline, so the last poll happens just as time runs out.
	 */
	nextDelayMs(): number {
		const base = this.polls === 0 ? Math.min(this.options.intervalMs, this.firstPollMs) : this.options.intervalMs;
		this.polls++;
		const jittered = base * (1 + JITTER * (2 * this.random() - 1));
		const delay = Math.max(MIN_POLL_DELAY_MS, Math.round(jittered));
		return Math.max(0, Math.min(delay, this.remainingMs()));
	}

	remainingMs(): number {
		return Math.max(0, this.deadline - this.now());
	}

	expired(): boolean {
		return this.remainingMs() <= 0;
	}

	/** Counts a transient poll failure (5xx, a proxy page); false once more than the budget happened in a row. */
	noteTransientError(): boolean {
		this.transientErrors++;
		return this.transientErrors <= this.maxTransientErrors;
	}

	/** A poll got a real answer: the budget of consecutive transient failures starts again. */
	noteSuccess(): void {
		this.transientErrors = 0;
	}

	/** Consecutive transient failures so far. */
	get consecutiveTransientErrors(): number {
		return this.transientErrors;
	}
}
