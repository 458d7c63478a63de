// What the stop button (or n8n's execution timeout) leaves behind, told from the job ledger: each item's own error,
// and the report that ends the node, naming every job whatever error came first (docs/RELIABILITY.md, "Promises
// under attack"). "canceled" (n8n's spelling) starts every message.
import type { Failure } from './failures';
import { describeJob, type Job } from './jobLedger';

export type Service = 'AOG' | 'DashScope';

const CANCELED = (service: Service) => `The execution was canceled while waiting for ${service}`;
const GET_TASK = (taskId: string) => `Get Task with the id ${taskId} fetches its video within 24 h.`;

/** One item's error after the stop, from its own job (none: nothing was sent for it). */
export function stopFailure(job: Job | undefined, service: Service, notStarted: boolean): Failure {
	const base = { retryable: false, taskId: job?.taskId };
	if (notStarted) {
		return {
			...base,
			message: 'The execution was canceled before this item started',
			description: 'Nothing was sent for it, so nothing is billed.',
			mayHaveBilled: false,
		};
	}
	if (!job) {
		return {
			...base,
			message: CANCELED(service),
			description: 'This item had sent no request yet: nothing was created or billed for it.',
			mayHaveBilled: false,
		};
	}
	const billed = { ...base, message: CANCELED(service), mayHaveBilled: true };
	switch (job.state) {
		case 'submitting':
			return { ...billed, description: unansweredText(service) };
		case 'canceled':
			return {
				...base,
				message: CANCELED(service),
				description: `Canceled queued task ${job.taskId} before it started: nothing is billed for it.`,
				mayHaveBilled: false,
			};
		case 'downloading':
		case 'delivered':
			return {
				...billed,
				description: `The video was finished (${describeJob(job)}) and is billed, but not stored. Its address is valid about 24 hours.${job.taskId ? ` ${GET_TASK(job.taskId)}` : ''}`,
			};
		default:
			return {
				...billed,
				description: job.taskId
					? `Task ${job.taskId} keeps running upstream (it will finish and be billed). ${GET_TASK(job.taskId)}`
					: `This item's job: ${describeJob(job)}.`,
			};
	}
}

/** The error that ends the node after the stop: every item's job, sorted by what became of it. */
export function stopReport(
	jobs: Job[],
	service: Service,
	extra: { notStarted: number[]; earlierError?: string },
): { message: string; description: string } {
	const pick = (...states: Array<Job['state']>) => jobs.filter((job) => states.includes(job.state));
	const canceled = pick('canceled');
	const running = pick('waiting').filter((job) => job.taskId || job.resultId);
	const finished = pick('downloading', 'delivered').filter((job) => job.videoUrl || job.taskId || job.resultId);
	const unanswered = pick('submitting');
	const failed = pick('failed').filter((job) => job.taskId || job.resultId || job.videoUrl);
	const list = (items: Job[]) => items.map(describeJob).join('; ');
	const sentences = [
		canceled.length > 0
			? `Canceled queued task${canceled.length > 1 ? 's' : ''} ${canceled.map((job) => job.taskId).join(', ')}.`
			: '',
		running.length > 0
			? `Still running upstream (they will finish and be billed; Get Task fetches their videos within 24 h): ${list(running)}.`
			: '',
		finished.length > 0
			? `Finished and billed but not stored (the links are valid about 24 hours): ${list(finished)}.`
			: '',
		unanswered.length > 0
			? `Sent without an answer: ${unanswered.map((job) => `item ${job.itemIndex}`).join(', ')}. ${unansweredText(service)}`
			: '',
		failed.length > 0 ? `Failed: ${list(failed)}.` : '',
		extra.earlierError ? `Before the stop, ${extra.earlierError}.` : '',
		extra.notStarted.length > 0
			? `Not started (nothing sent, nothing billed): item${extra.notStarted.length > 1 ? 's' : ''} ${extra.notStarted.join(', ')}.`
			: '',
	].filter(Boolean);
	return { message: CANCELED(service), description: sentences.join(' ') || `No ${service} job was waiting.` };
}

function unansweredText(service: Service): string {
	return service === 'AOG'
		? 'If the request reached AOG, AOG finishes the video upstream (and it is billed) but never tells its id; look for it in the DashScope console.'
		: "The request that creates the task had been sent: if it arrived, the task runs on (and is billed); look for it in the DashScope console's task list.";
}
