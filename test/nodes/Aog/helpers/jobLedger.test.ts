import { describeJob, JobLedger } from '../../../../nodes/Aog/helpers/jobLedger';

describe('JobLedger', () => {
	it('keeps each item’s job, merging later facts and ignoring undefined ones', () => {
		const ledger = new JobLedger();
		ledger.record(2, { taskId: 't-2' });
		ledger.record(0, { resultId: 'r-0', videoUrl: 'https://oss.example.com/v0.mp4' });
		ledger.record(2, { videoUrl: 'https://oss.example.com/v2.mp4', taskId: undefined });
		ledger.record(0, { state: 'delivered' });
		expect(ledger.list()).toEqual([
			{ itemIndex: 0, resultId: 'r-0', videoUrl: 'https://oss.example.com/v0.mp4', state: 'delivered' },
			{ itemIndex: 2, taskId: 't-2', videoUrl: 'https://oss.example.com/v2.mp4', state: 'waiting' },
		]);
		expect(ledger.waiting().map((job) => job.itemIndex)).toEqual([2]);
	});

	it('describes the other items’ jobs for the error that stops a run, and nothing when there are none', () => {
		const ledger = new JobLedger();
		expect(ledger.describeOthers(0)).toBe('');
		ledger.record(0, { taskId: 't-0', state: 'failed' });
		ledger.record(1, { taskId: 't-1', videoUrl: 'https://oss.example.com/v1.mp4', state: 'delivered' });
		ledger.record(3, { taskId: 't-3' });
		ledger.record(4, {}); // an item that never got a job is not listed
		const text = ledger.describeOthers(0);
		expect(text).toBe(
			"Other items' jobs (their videos are billed; fetch them before the links expire after about 24 hours): item 1, task t-1, finished, video https://oss.example.com/v1.mp4; item 3, task t-3, still running.",
		);
		expect(text).not.toContain('t-0');
	});

	it('names a result id only when it differs from the task id', () => {
		expect(describeJob({ itemIndex: 5, taskId: 'same', resultId: 'same', state: 'failed' })).toBe('item 5, task same, failed');
		expect(describeJob({ itemIndex: 5, resultId: 'r', state: 'waiting' })).toBe('item 5, result r, still running');
	});
});
