// The three promises under attack, inside n8n-core's real engine against both dev servers (docs/RELIABILITY.md,
// "Promises under attack"): nothing billed is lost (every outcome names the job, the stop button included), nothing
// is billed twice (n8n's Retry On Fail never creates a second task), and what is checked is checked before the bill.
// The servers' counters prove how many jobs really exist.
import type { INodeParameters } from 'n8n-workflow';

import type { RunNodeResult } from '../../../../tools/harness/engine';
import {
	closedPort,
	jpegItem,
	runAog,
	runDashScope,
	startAogServer,
	startDashScopeServer,
	type AogServer,
	type DashScopeServer,
} from '../support';
import type { RunDashScopeOptions } from '../support';
import { createTask } from './dashScopeTasks';

const TIME_SCALE = 0.01;
/** n8n's Retry On Fail, as a user sets it: 3 tries (n8n waits at least 1 s between them). */
const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };

let dashScope: DashScopeServer;
let aog: AogServer;

beforeAll(async () => {
	dashScope = await startDashScopeServer({ timeScale: TIME_SCALE });
	aog = await startAogServer({ port: 0 });
});
afterAll(async () => {
	await dashScope.close();
	await aog.close();
});
beforeEach(() => {
	dashScope.reset();
	dashScope.setOptions({
		timeScale: TIME_SCALE,
		pendingMs: 1000,
		runningMs: 30_000,
		maxRunning: 0,
		submitsPerSecond: 0,
	});
	aog.reset();
});

async function direct(
	options: INodeParameters = {},
	extra: Partial<RunDashScopeOptions> = {},
	parameters: INodeParameters = {},
): Promise<RunNodeResult> {
	return await runDashScope(
		{ imageSource: 'binary', prompt: 'A slow push-in', ...parameters, options: { pollInterval: 1, ...options } },
		{ server: dashScope, items: [jpegItem()], ...extra },
	);
}

// ---------------------------------------------------------------------------------------------------------------

describe('the stop report is never dropped', () => {
	test("an item's failure came first: the stop still names the other item's running task", async () => {
		// Item A's task fails at once; item B's runs for minutes; the stop comes while B waits.
		dashScope.script([
			{ on: 'task', code: 'DataInspectionFailed', pendingMs: 0, runningMs: 0 },
			{ on: 'task', pendingMs: 0, runningMs: 600_000 },
		]);
		const result = await direct({ concurrency: 2 }, { items: [jpegItem(0), jpegItem(1)], cancelAfterMs: 3000 });
		const [failed, running] = dashScope.tasks;
		expect(result.status).toBe('canceled');
		expect(failed.status).toBe('FAILED');
		expect(running.status).toBe('RUNNING');
		expect(result.error?.message).toBe('The execution was canceled while waiting for DashScope');
		expect(result.error?.description).toMatch(new RegExp(`Still running upstream .*task ${running.id}, still running`));
		expect(result.error?.description).toContain(`task ${failed.id}, failed`);
		expect(result.error?.description).toMatch(/Before the stop, item \d: Video task .* failed/);
	});

	test('items that never started are named as not started; nothing was sent for them', async () => {
		dashScope.script({ on: 'task', pendingMs: 0, runningMs: 600_000 });
		const result = await direct({}, { items: [jpegItem(0), jpegItem(1), jpegItem(2)], cancelAfterMs: 2000 });
		expect(dashScope.counters.submitRequests).toBe(1);
		expect(result.error?.description).toContain(`task ${dashScope.tasks[0].id}, still running`);
		expect(result.error?.description).toContain('Not started (nothing sent, nothing billed): items 1, 2.');
	});

	test('continue on fail: each error item names its own task, and an item that never started says so', async () => {
		dashScope.script([
			{ on: 'task', pendingMs: 0, runningMs: 600_000 },
			{ on: 'task', pendingMs: 0, runningMs: 600_000 },
		]);
		const result = await direct(
			{ concurrency: 2 },
			{ items: [jpegItem(0), jpegItem(1), jpegItem(2)], cancelAfterMs: 2500, onError: 'continueRegularOutput' },
		);
		expect(result.status).toBe('canceled');
		const byItem = new Map(result.output.map((item) => [(item.pairedItem as { item: number }).item, item.json]));
		const ids = dashScope.tasks.map((task) => task.id);
		expect(ids).toHaveLength(2);
		const taskIds = [byItem.get(0)?.taskId, byItem.get(1)?.taskId];
		expect(new Set(taskIds)).toEqual(new Set(ids));
		expect(String(byItem.get(0)?.message)).toContain(String(byItem.get(0)?.taskId));
		expect(String(byItem.get(1)?.message)).toContain(String(byItem.get(1)?.taskId));
		expect(byItem.get(2)).toMatchObject({
			error: 'The execution was canceled before this item started',
			message: 'Nothing was sent for it, so nothing is billed.',
		});
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('the stop during a download keeps the job', () => {
	test('DashScope: the task is listed as finished with its link, and no cancel is sent for it', async () => {
		dashScope.script({ on: 'download', hang: true });
		const result = await direct({}, { cancelAfterMs: 2500 });
		const [task] = dashScope.tasks;
		expect(task.status).toBe('SUCCEEDED');
		expect(result.status).toBe('canceled');
		expect(dashScope.counters.cancels).toBe(0);
		expect(result.error?.description).toContain(
			`Finished and billed but not stored (the links are valid about 24 hours): item 0, task ${task.id}, finished, video http`,
		);
		expect(result.error?.description).not.toMatch(/still running/);
	});

	test("AOG: the stop while the video downloads names the item's result and link", async () => {
		aog.scriptFailures([{ kind: 'videoSlow' }]);
		const result = await runAog(
			{ imageSource: 'binary', prompt: 'A slow push-in' },
			{ server: aog, items: [jpegItem()], cancelAfterMs: 1500 },
		);
		expect(result.status).toBe('canceled');
		expect(result.error?.message).toBe('The execution was canceled while waiting for AOG');
		expect(result.error?.description).toMatch(
			/Finished and billed but not stored .*item 0, result [0-9a-f-]{36}, finished, video http:\/\/127\.0\.0\.1:\d+\/videos\//,
		);
	});

	test('AOG: the stop while AOG generates says the request was sent, not that nothing was created', async () => {
		aog.scriptFailures([{ kind: 'hang' }]);
		const result = await runAog(
			{ imageSource: 'binary', prompt: 'A slow push-in' },
			{ server: aog, items: [jpegItem()], cancelAfterMs: 800 },
		);
		expect(result.status).toBe('canceled');
		expect(result.error?.description).toMatch(
			/Sent without an answer: item 0\. If the request reached AOG, AOG finishes the video upstream \(and it is billed\)/,
		);
		expect(result.error?.description).not.toMatch(/Nothing was stored/);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('Get Task never cancels what it was asked to recover', () => {
	test('the stop button leaves the queued task Get Task follows', async () => {
		dashScope.script({ on: 'task', pendingMs: 1_000_000 });
		const taskId = await createTask(dashScope);
		const result = await runDashScope(
			{ operation: 'getTask', taskId, options: { pollInterval: 1 } },
			{ server: dashScope, cancelAfterMs: 2000 },
		);
		expect(result.status).toBe('canceled');
		expect(dashScope.counters.cancels).toBe(0);
		expect(dashScope.task(taskId)?.status).toBe('PENDING');
		expect(result.error?.description).toContain(`task ${taskId}, still running`);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe("n8n's Retry On Fail never creates a second task", () => {
	test('after a submit 5xx that created a task: every try fails with the "may have been billed" error, one task', async () => {
		dashScope.script({ on: 'submit', status: 500, code: 'InternalError' }); // creates the task, answers 500
		const result = await direct({}, { nodeSettings: RETRY });
		expect(dashScope.counters).toMatchObject({ submitRequests: 1, submits: 1 });
		expect(result.error?.description).toMatch(/Not submitted again on this retry \(Retry On Fail\)/);
	});

	test("after the node's own timeout: the retry follows the same task to its video", async () => {
		dashScope.script({ on: 'task', pendingMs: 0, runningMs: 350_000 }); // 3.5 s of wall time
		const result = await direct({ timeout: 2 }, { nodeSettings: RETRY });
		expect(result.error).toBeUndefined();
		const [task] = dashScope.tasks;
		expect(dashScope.counters).toMatchObject({ submitRequests: 1, submits: 1, downloads: 1 });
		expect(result.output[0].json).toMatchObject({ taskId: task.id, taskStatus: 'SUCCEEDED' });
		expect(result.output[0].binary?.data.mimeType).toBe('video/mp4');
	});

	test('after a failed download: the retry downloads the same video again', async () => {
		dashScope.script({ on: 'download', status: 403 });
		const result = await direct({}, { nodeSettings: RETRY });
		expect(result.error).toBeUndefined();
		expect(dashScope.counters).toMatchObject({ submitRequests: 1, submits: 1, downloads: 1 });
		expect(result.output[0].json.taskId).toBe(dashScope.tasks[0].id);
	});

	test('a task that ended FAILED may be submitted again (nothing was billed)', async () => {
		dashScope.script({ on: 'task', code: 'InternalError', pendingMs: 0, runningMs: 0 });
		const result = await direct({}, { nodeSettings: RETRY });
		expect(result.error).toBeUndefined();
		expect(dashScope.counters.submits).toBe(2);
		expect(result.output[0].json.taskId).toBe(dashScope.tasks[1].id);
	});

	test('continue on fail retries too: the delivered item is not generated again', async () => {
		// Item 0's task fails every time; n8n re-runs the node (all items) while item 0 is an error item.
		const fails = { on: 'task', code: 'DataInspectionFailed', pendingMs: 0, runningMs: 0 } as const;
		dashScope.script([fails, { on: 'task' }, fails, fails]); // tasks in creation order: try 1 (items 0, 1), tries 2 and 3 (item 0)
		const result = await direct(
			{},
			{ items: [jpegItem(0), jpegItem(1)], nodeSettings: RETRY, onError: 'continueRegularOutput' },
		);
		// Item 1 made one task in the first try and was delivered again from it in the later ones.
		const item1Tasks = dashScope.tasks.filter((task) => task.status === 'SUCCEEDED');
		expect(item1Tasks).toHaveLength(1);
		expect(result.output[1].json.taskId).toBe(item1Tasks[0].id);
		expect(dashScope.counters.submits).toBe(4); // item 0: three failed tasks (nothing billed); item 1: one
	});

	test('AOG: after the gateway gave up polling (a billed video, no id), no try submits again', async () => {
		aog.scriptFailures([{ kind: 'pollExhausted' }]);
		const result = await runAog(
			{ imageSource: 'binary', prompt: 'A slow push-in' },
			{ server: aog, items: [jpegItem()], nodeSettings: RETRY },
		);
		expect(aog.counters.i2vPosts).toBe(1);
		expect(result.error?.description).toMatch(/Not submitted again on this retry/);
	});

	test('AOG: after a failed download, the retry downloads the same video, no second generation', async () => {
		aog.scriptFailures([{ kind: 'video404' }]);
		const result = await runAog(
			{ imageSource: 'binary', prompt: 'A slow push-in' },
			{ server: aog, items: [jpegItem()], nodeSettings: RETRY },
		);
		expect(result.error).toBeUndefined();
		expect(aog.counters.i2vPosts).toBe(1);
		expect(result.output[0].binary?.data.mimeType).toBe('video/mp4');
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('nothing the user typed is checked after a job exists', () => {
	test.each(['clips/product.mp4', 'product.mov'])(
		'File Name "%s" is refused before any request (both connections)',
		async (fileName) => {
			const viaDashScope = await direct({ fileName });
			expect(viaDashScope.error?.message).toMatch(
				/^The file name ".*" (contains a path separator|has a different video extension)$/,
			);
			expect(dashScope.counters.submitRequests).toBe(0);
			const viaAog = await runAog(
				{ imageSource: 'binary', prompt: 'A slow push-in', options: { fileName } },
				{ server: aog, items: [jpegItem()] },
			);
			expect(viaAog.error?.message).toBe(viaDashScope.error?.message);
			expect(aog.counters.i2vPosts).toBe(0);
		},
	);
});

// ---------------------------------------------------------------------------------------------------------------

describe('submits are paced, not stampeded', () => {
	test('10 items at concurrency 10 against 2 submits per second: 10 delivered, exactly 10 tasks', async () => {
		dashScope.setOptions({ submitsPerSecond: 2, pendingMs: 0, runningMs: 1000 });
		const items = Array.from({ length: 10 }, (_unused, index) => jpegItem(index % 3));
		const result = await direct({ concurrency: 10, downloadVideo: false }, { items, timeoutMs: 120_000 });
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(10);
		expect(dashScope.counters.submits).toBe(10);
		expect(result.output.every((item) => item.json.taskStatus === 'SUCCEEDED')).toBe(true);
	});

	test('a 429 on a poll is honoured: the next poll waits its Retry-After', async () => {
		dashScope.script([
			{ on: 'task', pendingMs: 0, runningMs: 500_000 },
			{ on: 'poll', status: 429, code: 'Throttling.RateQuota', retryAfter: 4 },
		]);
		const result = await direct();
		expect(result.error).toBeUndefined();
		const polls = dashScope.requests.requests.filter((request) => request.route === 'poll');
		const throttled = polls.findIndex((request) => request.status === 429);
		expect(throttled).toBeGreaterThanOrEqual(0);
		expect(polls[throttled + 1].receivedAt - polls[throttled].receivedAt).toBeGreaterThanOrEqual(3900);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('binary input has a hard size cap', () => {
	test('65 MB in the binary field with Validate Image off: refused before any request', async () => {
		const big = Buffer.alloc(65 * 1024 * 1024, 1);
		const result = await runAog(
			{ imageSource: 'binary', prompt: 'x', options: { validateImage: false } },
			{
				server: aog,
				items: [{ json: {}, binary: { data: { data: big, mimeType: 'video/mp4', fileName: 'clip.mp4' } } }],
				binaryMode: 'filesystem',
			},
		);
		expect(result.error?.message).toBe(
			'The binary field "data" holds 65.0 MB, more than the 64.0 MB a picture may have',
		);
		expect(aog.counters.i2vPosts).toBe(0);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe("Cancel Task's network failures", () => {
	test('no answer: an API error that says the task was not canceled and may still run, with its id', async () => {
		const port = await closedPort();
		const result = await runDashScope(
			{ operation: 'cancelTask', taskId: 'task-123' },
			{ server: dashScope, credentials: { baseUrl: `http://127.0.0.1:${port}` } },
		);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Canceling task task-123 failed: DashScope did not answer (ECONNREFUSED)');
		expect(result.error?.description).toMatch(
			/^The task was not canceled and may still run \(and be billed\)\. .*task-123/,
		);
	});
});
