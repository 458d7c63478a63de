// Every upstream job the items of one execution created (an AOG result, a DashScope task), so that no outcome drops
// one: when an item fails or the run is stopped, the error lists the jobs, whose videos are billed. The entries live
// in a plain object that n8n keeps for the execution across the node's Retry On Fail tries (docs/RELIABILITY.md,
// "Promises under attack"), so a retry follows the job an earlier try created instead of creating another.

/** A job-creating request whose answer was lost: a job may exist upstream, but its id is unknown. */
export interface UnsureSubmit {
	message: string;
	description: string;
	httpCode?: string;
}

export interface Job {
	itemIndex: number;
	/** DashScope task id (direct connection, AOG's native route). */
	taskId?: string;
	/** AOG's result id (a DashScope request id, not a task id). */
	resultId?: string;
	videoUrl?: string;
	/**
	 * submitting: the job-creating request is out (a job may exist once it arrives); waiting: the job runs upstream;
	 * downloading: the video exists and is being fetched; delivered / failed / canceled: the item's outcome.
	 */
	state: 'submitting' | 'waiting' | 'downloading' | 'delivered' | 'failed' | 'canceled';
	/** Created by this execution's own submit (Get Task follows tasks it did not create: the stop button leaves them). */
	created?: boolean;
	/** The task ended FAILED or CANCELED: nothing is billed, so a new try may submit again. */
	ended?: boolean;
	/** Set when the submit's answer was lost: a new try repeats this failure instead of submitting again. */
	unsure?: UnsureSubmit;
}

export type JobStore = Record<string, Job>;

export class JobLedger {
	constructor(private readonly store: JobStore = {}) {}

	record(itemIndex: number, fields: Partial<Omit<Job, 'itemIndex'>>): Job {
		const job: Job = { ...(this.store[itemIndex] ?? { itemIndex, state: 'submitting' }), ...definedOnly(fields) };
		this.store[itemIndex] = job;
		return job;
	}

	/** Forgets an item's job: a new submit starts afresh (its earlier task ended without a video, or nothing was created). */
	forget(itemIndex: number): void {
		delete this.store[itemIndex];
	}

	get(itemIndex: number): Job | undefined {
		return this.store[itemIndex];
	}

	/** Tasks still waiting upstream that this execution created, in item order: the ones the stop button may cancel. */
	createdWaiting(): Job[] {
		return this.list().filter((job) => job.state === 'waiting' && job.created && job.taskId);
	}

	list(): Job[] {
		return Object.values(this.store).sort((a, b) => a.itemIndex - b.itemIndex);
	}

	/** One sentence per job of the items other than `exceptItem`, for an error that ends the run. */
	describeOthers(exceptItem: number): string {
		const others = this.list().filter((job) => job.itemIndex !== exceptItem && hasHandle(job));
		if (others.length === 0) return '';
		return `Other items' jobs (their videos are billed; fetch them before the links expire after about 24 hours): ${others.map(describeJob).join('; ')}.`;
	}
}

/** Whether the job can be named: a task id, a result id or a video link. */
export function hasHandle(job: Job): boolean {
	return Boolean(job.taskId || job.resultId || job.videoUrl);
}

export function describeJob(job: Job): string {
	const parts = [`item ${job.itemIndex}`];
	if (job.taskId) parts.push(`task ${job.taskId}`);
	if (job.resultId && job.resultId !== job.taskId) parts.push(`result ${job.resultId}`);
	parts.push(STATE_WORDS[job.state]);
	if (job.videoUrl) parts.push(`video ${job.videoUrl}`);
	return parts.join(', ');
}

const STATE_WORDS: Record<Job['state'], string> = {
	submitting: 'request sent, answer not received',
	waiting: 'still running',
	downloading: 'finished',
	delivered: 'finished',
	failed: 'failed',
	canceled: 'canceled',
};

function definedOnly<T extends object>(fields: T): Partial<T> {
	return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
