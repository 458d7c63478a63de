// What the stop button leaves behind, from the job ledger (run/stopReport.ts): each item's own error, and the
// report that names every job whatever came first.
import type { Job } from '../../../../nodes/Aog/run/jobLedger';
import { stopFailure, stopReport } from '../../../../nodes/Aog/run/stopReport';

const URL = 'https://oss.example.com/v.mp4?Expires=1&OSSAccessKeyId=LTAI&Signature=abc';

describe('stopFailure (one item)', () => {
	test('never started: nothing sent, nothing billed', () => {
		expect(stopFailure(undefined, 'DashScope', true)).toMatchObject({
			message: 'The execution was canceled before this item started',
			mayHaveBilled: false,
		});
	});

	test('started, no request yet: nothing created', () => {
		expect(stopFailure(undefined, 'AOG', false)).toMatchObject({
			message: 'The execution was canceled while waiting for AOG',
			mayHaveBilled: false,
		});
	});

	test('a request without an answer: may be billed', () => {
		const failure = stopFailure({ itemIndex: 0, state: 'submitting' }, 'DashScope', false);
		expect(failure).toMatchObject({ mayHaveBilled: true });
		expect(failure.description).toMatch(/if it arrived, the task runs on \(and is billed\)/);
	});

	test('a running task: its id and how to fetch it', () => {
		const failure = stopFailure({ itemIndex: 1, taskId: 't-1', state: 'waiting' }, 'DashScope', false);
		expect(failure).toMatchObject({ taskId: 't-1', mayHaveBilled: true });
		expect(failure.description).toBe(
			'Task t-1 keeps running upstream (it will finish and be billed). Get Task with the id t-1 fetches its video within 24 h.',
		);
	});

	test('a video being downloaded: finished, its full link', () => {
		const failure = stopFailure(
			{ itemIndex: 2, taskId: 't-2', videoUrl: URL, state: 'downloading' },
			'DashScope',
			false,
		);
		expect(failure.description).toContain(`task t-2, finished, video ${URL}`);
		expect(failure.description).toContain('Get Task with the id t-2');
	});

	test('a canceled task: nothing billed', () => {
		expect(stopFailure({ itemIndex: 3, taskId: 't-3', state: 'canceled' }, 'DashScope', false)).toMatchObject({
			mayHaveBilled: false,
			taskId: 't-3',
		});
	});
});

describe('stopReport (the error that ends the node)', () => {
	const jobs: Job[] = [
		{ itemIndex: 0, taskId: 't-0', state: 'failed' },
		{ itemIndex: 1, taskId: 't-1', state: 'canceled' },
		{ itemIndex: 2, taskId: 't-2', state: 'waiting' },
		{ itemIndex: 3, taskId: 't-3', videoUrl: URL, state: 'downloading' },
		{ itemIndex: 4, state: 'submitting' },
	];

	test('names every job by what became of it, the earlier error, and the items never started', () => {
		const report = stopReport(jobs, 'DashScope', { notStarted: [5, 6], earlierError: 'item 0: Video task t-0 failed' });
		expect(report.message).toBe('The execution was canceled while waiting for DashScope');
		expect(report.description).toBe(
			[
				'Canceled queued task t-1.',
				'Still running upstream (they will finish and be billed; Get Task fetches their videos within 24 h): item 2, task t-2, still running.',
				`Finished and billed but not stored (the links are valid about 24 hours): item 3, task t-3, finished, video ${URL}.`,
				"Sent without an answer: item 4. The request that creates the task had been sent: if it arrived, the task runs on (and is billed); look for it in the DashScope console's task list.",
				'Failed: item 0, task t-0, failed.',
				'Before the stop, item 0: Video task t-0 failed.',
				'Not started (nothing sent, nothing billed): items 5, 6.',
			].join(' '),
		);
	});

	test('nothing at all', () => {
		expect(stopReport([], 'AOG', { notStarted: [] }).description).toBe('No AOG job was waiting.');
	});
});
