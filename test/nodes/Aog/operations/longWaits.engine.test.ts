// Long waits that hold no worker, and the node as an AI agent's tool, inside n8n-core's real engine against the
// DashScope dev server (README, "Long waits"): Image to Video can submit and answer at once, Get Task checks once, and
// both outputs carry `done`, so a workflow loops submit → Wait → Get Task → IF done. As a tool (n8n's "<type>Tool"
// variant) the node downloads nothing (n8n drops binary output there) and answers a task still running when its
// timeout ends instead of failing.
import type { INodeParameters } from 'n8n-workflow';

import type { RunNodeResult } from '../../../../tools/harness/engine';
import { jpegItem, runDashScope, startDashScopeServer, type DashScopeServer } from '../support';
import type { RunDashScopeOptions } from '../support';
import { createTask, until } from './dashScopeTasks';

const TIME_SCALE = 0.01;
let server: DashScopeServer;

beforeAll(async () => {
	server = await startDashScopeServer({ timeScale: TIME_SCALE });
});
afterAll(async () => {
	await server.close();
});
beforeEach(() => {
	server.reset();
	server.setOptions({ timeScale: TIME_SCALE, pendingMs: 1000, runningMs: 30_000 });
});

async function imageToVideo(
	options: INodeParameters,
	extra: Partial<RunDashScopeOptions> = {},
): Promise<RunNodeResult> {
	return await runDashScope(
		{ imageSource: 'binary', prompt: 'A slow push-in', options: { pollInterval: 1, ...options } },
		{ server, items: [jpegItem()], ...extra },
	);
}

describe('Wait for Completion off: submit now, fetch later', () => {
	test('Image to Video answers at once with the task, done false, nothing polled or downloaded', async () => {
		const result = await imageToVideo({ waitForCompletion: false });
		expect(result.error).toBeUndefined();
		const [task] = server.tasks;
		expect(result.output[0].json).toMatchObject({
			id: task.id,
			taskId: task.id,
			taskStatus: 'PENDING',
			done: false,
			videoUrl: null,
			model: 'wan2.2-i2v-plus',
		});
		expect(result.output[0].json.nextStep).toBe(
			`The video is still being generated: call Get Task with the task ID ${task.id} later (within 24 h) to get it.`,
		);
		expect(result.output[0].binary).toBeUndefined();
		expect(server.counters).toMatchObject({ submits: 1, polls: 0, downloads: 0, cancels: 0 });
	});

	test('Get Task without waiting: done false while it runs, then done true with the MP4', async () => {
		server.script({ on: 'task', pendingMs: 0, runningMs: 200_000 });
		const taskId = await createTask(server);
		const running = await runDashScope(
			{ operation: 'getTask', taskId, options: { waitForCompletion: false } },
			{ server },
		);
		expect(running.output[0].json).toMatchObject({ taskId, done: false, videoUrl: null });
		expect(['PENDING', 'RUNNING']).toContain(running.output[0].json.taskStatus);
		await until(() => server.task(taskId)?.status === 'SUCCEEDED', 10_000);
		const finished = await runDashScope(
			{ operation: 'getTask', taskId, options: { waitForCompletion: false } },
			{ server },
		);
		expect(finished.output[0].json).toMatchObject({ taskId, done: true, taskStatus: 'SUCCEEDED' });
		expect(finished.output[0].binary?.data.mimeType).toBe('video/mp4');
		expect(server.counters.submits).toBe(1);
	});
});

describe("as an AI agent's tool", () => {
	const tool = { nodeTypeName: 'n8n-nodes-aog.aogTool' };

	test('no download: the link, done, and what to do next', async () => {
		const result = await imageToVideo({}, tool);
		expect(result.error).toBeUndefined();
		const [task] = server.tasks;
		expect(result.output[0].binary).toBeUndefined();
		expect(result.output[0].json).toMatchObject({
			taskId: task.id,
			taskStatus: 'SUCCEEDED',
			done: true,
			videoUrl: task.videoUrl,
			fileSize: null,
		});
		expect(String(result.output[0].json.nextStep)).toMatch(/^The video is ready at videoUrl/);
		expect(server.counters.downloads).toBe(0);
	});

	test('a task still running when the timeout ends is answered, not failed, and not canceled', async () => {
		server.script({ on: 'task', pendingMs: 0, runningMs: 1_000_000 });
		const result = await imageToVideo({ timeout: 2 }, tool);
		expect(result.error).toBeUndefined();
		const [task] = server.tasks;
		expect(result.output[0].json).toMatchObject({ taskId: task.id, taskStatus: 'RUNNING', done: false });
		expect(String(result.output[0].json.nextStep)).toContain(`call Get Task with the task ID ${task.id}`);
		expect(server.counters.cancels).toBe(0);
	});
});
