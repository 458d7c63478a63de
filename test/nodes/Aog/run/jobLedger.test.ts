import { describeJob, JobLedger } from '../../../../nodes/Aog/run/jobLedger';

describe('JobLedger', () => {
	it('keeps each item’s job, merging later facts and ignoring undefined ones', () => {
		const ledger = new JobLedger();
		ledger.record(2, { taskId: 't-2', state: 'waiting', created: true });
		ledger.record(0, { resultId: 'r-0', videoUrl: 'https://oss.example.com/v0.mp4', state: 'downloading' });
		ledger.record(2, { videoUrl: 'https://oss.example.com/v2.mp4', taskId: undefined });
		ledger.record(0, { state: 'delivered' });
		expect(ledger.list()).toEqual([
			{ itemIndex: 0, resultId: 'r-0', videoUrl: 'https://oss.example.com/v0.mp4', state: 'delivered' },
			{ itemIndex: 2, taskId: 't-2', videoUrl: 'https://oss.example.com/v2.mp4', state: 'waiting', created: true },
		]);
		expect(ledger.createdWaiting().map((job) => job.itemIndex)).toEqual([2]);
	});

	it('offers the stop button only the waiting tasks this execution created (never one Get Task follows)', () => {
		const ledger = new JobLedger();
		ledger.record(0, { taskId: 'mine', state: 'waiting', created: true });
		ledger.record(1, { taskId: 'recovered', state: 'waiting' });
		ledger.record(2, { taskId: 'downloading', state: 'downloading', created: true });
		expect(ledger.createdWaiting().map((job) => job.taskId)).toEqual(['mine']);
	});

	it('keeps its entries in the object it is given (n8n keeps that object across Retry On Fail tries)', () => {
		const store = {};
		new JobLedger(store).record(3, { taskId: 't-3', state: 'waiting', created: true });
		const retry = new JobLedger(store);
		expect(retry.get(3)).toEqual({ itemIndex: 3, taskId: 't-3', state: 'waiting', created: true });
		retry.forget(3);
		expect(new JobLedger(store).get(3)).toBeUndefined();
		expect(JSON.parse(JSON.stringify(store))).toEqual({});
	});

	it('describes a video being downloaded as finished, and a lost submit as unanswered', () => {
		expect(
			describeJob({ itemIndex: 1, taskId: 't', videoUrl: 'https://oss.example.com/v.mp4', state: 'downloading' }),
		).toBe('item 1, task t, finished, video https://oss.example.com/v.mp4');
		expect(describeJob({ itemIndex: 1, state: 'submitting' })).toBe('item 1, request sent, answer not received');
	});

	it('describes the other items’ jobs for the error that stops a run, and nothing when there are none', () => {
		const ledger = new JobLedger();
		expect(ledger.describeOthers(0)).toBe('');
		ledger.record(0, { taskId: 't-0', state: 'failed' });
		ledger.record(1, { taskId: 't-1', videoUrl: 'https://oss.example.com/v1.mp4', state: 'delivered' });
		ledger.record(3, { taskId: 't-3', state: 'waiting' });
		ledger.record(4, {}); // an item that never got a job is not listed
		const text = ledger.describeOthers(0);
		expect(text).toBe(
			"Other items' jobs (their videos are billed; fetch them before the links expire after about 24 hours): item 1, task t-1, finished, video https://oss.example.com/v1.mp4; item 3, task t-3, still running.",
		);
		expect(text).not.toContain('t-0');
	});

	it('names a result id only when it differs from the task id', () => {
		expect(describeJob({ itemIndex: 5, taskId: 'same', resultId: 'same', state: 'failed' })).toBe(
			'item 5, task same, failed',
		);
		expect(describeJob({ itemIndex: 5, resultId: 'r', state: 'waiting' })).toBe('item 5, result r, still running');
	});
});
