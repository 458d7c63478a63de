// Every upstream job the items of one execution created (an AOG result, a DashScope task), so that no outcome drops
// one: when an item fails and the run stops, the error lists the jobs of the other items, whose videos are billed.

export interface Job {
	itemIndex: number;
	/** DashScope task id (direct connection, AOG's native route). */
	taskId?: string;
	/** AOG's result id (a DashScope request id, not a task id). */
	resultId?: string;
	videoUrl?: string;
	/** Whether the item finished (delivered), failed, or is still waiting. */
	state: 'waiting' | 'delivered' | 'failed';
}

export class JobLedger {
	private readonly jobs = new Map<number, Job>();

	record(itemIndex: number, fields: Partial<Omit<Job, 'itemIndex'>>): Job {
		const job: Job = { ...(this.jobs.get(itemIndex) ?? { itemIndex, state: 'waiting' }), ...definedOnly(fields) };
		this.jobs.set(itemIndex, job);
		return job;
	}

	get(itemIndex: number): Job | undefined {
		return this.jobs.get(itemIndex);
	}

	/** Jobs still waiting upstream, in item order. */
	waiting(): Job[] {
		return this.list().filter((job) => job.state === 'waiting');
	}

	list(): Job[] {
		return [...this.jobs.values()].sort((a, b) => a.itemIndex - b.itemIndex);
	}

	/** One sentence per job of the items other than `exceptItem`, for an error that ends the run. */
	describeOthers(exceptItem: number): string {
		const others = this.list().filter((job) => job.itemIndex !== exceptItem && (job.taskId || job.resultId || job.videoUrl));
		if (others.length === 0) return '';
		return `Other items' jobs (their videos are billed; fetch them before the links expire after about 24 hours): ${others.map(describeJob).join('; ')}.`;
	}
}

export function describeJob(job: Job): string {
	const parts = [`item ${job.itemIndex}`];
	if (job.taskId) parts.push(`task ${job.taskId}`);
	if (job.resultId && job.resultId !== job.taskId) parts.push(`result ${job.resultId}`);
	parts.push(job.state === 'delivered' ? 'finished' : job.state === 'failed' ? 'failed' : 'still running');
	if (job.videoUrl) parts.push(`video ${job.videoUrl}`);
	return parts.join(', ');
}

function definedOnly<T extends object>(fields: T): Partial<T> {
	return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
