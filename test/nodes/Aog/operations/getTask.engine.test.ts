// Get Task with DashScope directly (docs/DASHSCOPE-API.md, "Poll"): how a task is recovered after the node's timeout
// or a crash, waiting or reporting its status at once, inside n8n-core's real engine against the DashScope dev server.
import {
	probeOutputVideo,
	runAog,
	runDashScope,
	startAogServer,
	startDashScopeServer,
	type AogServer,
	type DashScopeServer,
} from '../support';
import { createTask, until } from './dashScopeTasks';

let server: DashScopeServer;

beforeAll(async () => {
	server = await startDashScopeServer({ timeScale: 0.01 });
});
afterAll(async () => await server.close());
beforeEach(() => server.reset());

describe('Get Task', () => {
	test('waits for a running task and returns its MP4 with the task fields', async () => {
		server.script({ on: 'task', pendingMs: 0, runningMs: 250_000 });
		const taskId = await createTask(server);
		server.resetCounters();
		const result = await runDashScope({ operation: 'getTask', taskId, options: { pollInterval: 1 } }, { server });

		expect(result.error).toBeUndefined();
		const [item] = result.output;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			id: taskId,
			taskId,
			taskStatus: 'SUCCEEDED',
			route: 'direct',
			prompt: 'A slow push-in',
			origPrompt: 'A slow push-in',
			usage: { video_duration: 5, video_count: 1, SR: 1080 },
			region: 'custom',
			videoUrl: server.task(taskId)!.videoUrl,
		});
		expect(server.counters.polls).toBeGreaterThanOrEqual(2);
		expect(server.counters.submitRequests).toBe(0);
		const { probe } = await probeOutputVideo(result, item);
		expect(probe).toMatchObject({ codec: 'h264', width: 1920, height: 1080 });
	});

	test('not waiting, on a running task: one query, the status, no video', async () => {
		server.script({ on: 'task', pendingMs: 0, runningMs: 1_000_000 });
		const taskId = await createTask(server);
		await until(() => server.task(taskId)!.status === 'RUNNING');
		server.resetCounters();
		const result = await runDashScope(
			{ operation: 'getTask', taskId, options: { waitForCompletion: false } },
			{ server },
		);

		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({
			id: taskId,
			taskId,
			taskStatus: 'RUNNING',
			videoUrl: null,
			scheduledTime: expect.any(String),
			endTime: null,
		});
		expect(result.output[0].binary).toBeUndefined();
		expect(server.counters).toMatchObject({ polls: 1, storageRequests: 0 });
	});

	test('not waiting, on a finished task: the MP4 at once', async () => {
		const taskId = await createTask(server);
		await until(() => server.task(taskId)!.status === 'SUCCEEDED');
		server.resetCounters();
		const result = await runDashScope(
			{ operation: 'getTask', taskId, options: { waitForCompletion: false } },
			{ server },
		);

		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({ taskId, taskStatus: 'SUCCEEDED' });
		expect(server.counters).toMatchObject({ polls: 1, downloads: 1 });
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe.codec).toBe('h264');
	});

	test('not waiting, without downloading: the link and the fields only', async () => {
		const taskId = await createTask(server);
		await until(() => server.task(taskId)!.status === 'SUCCEEDED');
		const result = await runDashScope(
			{ operation: 'getTask', taskId, options: { waitForCompletion: false, downloadVideo: false } },
			{ server },
		);
		expect(result.output[0].json).toMatchObject({
			taskId,
			taskStatus: 'SUCCEEDED',
			videoUrl: server.task(taskId)!.videoUrl,
			fileName: null,
		});
		expect(result.output[0].binary).toBeUndefined();
		expect(server.counters.downloads).toBe(0);
	});

	test('a FAILED task: the error names the task and the code', async () => {
		server.script({ on: 'task', code: 'DataInspectionFailed' });
		const taskId = await createTask(server);
		const result = await runDashScope({ operation: 'getTask', taskId, options: { pollInterval: 1 } }, { server });
		expect(result.error?.message).toBe(
			`Video task ${taskId} failed: Content moderation blocked the request (DataInspectionFailed)`,
		);
		expect(result.error?.itemIndex).toBe(0);
	});

	test('an id DashScope does not know (UNKNOWN): wrong id, expired, or another region', async () => {
		const taskId = '0385dc79-5ff8-4d82-bcb6-8aeb0b9a5b2f';
		const result = await runDashScope({ operation: 'getTask', taskId }, { server });
		expect(result.error?.message).toBe(`DashScope does not know task ${taskId} (UNKNOWN)`);
		expect(result.error?.description).toMatch(/the id is wrong, the task is older than 24 h/);
		expect(server.counters.polls).toBe(1);
	});

	test.each([
		['empty', '', 'Task ID is empty'],
		['blank', '   ', 'Task ID is empty'],
		['with a path in it', '../services/x', 'Task ID "../services/x" is not a DashScope task id'],
		['with a query in it', 'abc?status=SUCCEEDED', 'Task ID "abc?status=SUCCEEDED" is not a DashScope task id'],
	])('a bad task id (%s) is refused before any request', async (_name, taskId, message) => {
		// From an expression: n8n itself refuses a required parameter typed in empty.
		const result = await runDashScope(
			{ operation: 'getTask', taskId: '={{ $json.id }}' },
			{ server, items: [{ json: { id: taskId } }] },
		);
		expect(result.error?.message).toBe(message);
		expect(result.error?.itemIndex).toBe(0);
		expect(server.counters.total).toBe(0);
	});

	test('one id per item, in input order', async () => {
		const ids = [await createTask(server, 'first'), await createTask(server, 'second')];
		const result = await runDashScope(
			{ operation: 'getTask', taskId: '={{ $json.taskId }}', options: { pollInterval: 1, downloadVideo: false } },
			{ server, items: ids.map((taskId) => ({ json: { taskId } })) },
		);
		expect(result.error).toBeUndefined();
		expect(result.output.map((item) => [item.json.taskId, item.json.origPrompt, item.pairedItem])).toEqual([
			[ids[0], 'first', { item: 0 }],
			[ids[1], 'second', { item: 1 }],
		]);
	});
});

describe('task operations need the DashScope connection', () => {
	let aog: AogServer;
	beforeAll(async () => {
		aog = await startAogServer({ port: 0 });
	});
	afterAll(async () => await aog.close());

	test.each([
		['getTask', 'Get Task needs the DashScope connection'],
		['cancelTask', 'Cancel Task needs the DashScope connection'],
	])('%s through AOG: a clear error before any request', async (operation, message) => {
		const result = await runAog({ operation, taskId: '0385dc79-5ff8-4d82-bcb6-8aeb0b9a5b2f' }, { server: aog });
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toMatch(/AOG keeps DashScope task ids to itself/);
		expect(result.error?.description).toMatch(/"DashScope Directly"/);
		expect(aog.lastRequests).toEqual([]);
		expect(server.counters.total).toBe(0);
	});
});
