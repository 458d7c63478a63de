// Cancel Task with DashScope directly (docs/DASHSCOPE-API.md, "Cancel"): only a PENDING task can be canceled; for any
// other the output says why not. Inside n8n-core's real engine against the DashScope dev server.
import { runDashScope, startDashScopeServer, type DashScopeServer } from '../support';
import { createTask, until } from './dashScopeTasks';

let server: DashScopeServer;

beforeAll(async () => {
	server = await startDashScopeServer({ timeScale: 0.01 });
});
afterAll(async () => await server.close());
beforeEach(() => server.reset());

const cancel = async (taskId: string) => await runDashScope({ operation: 'cancelTask', taskId }, { server });

describe('Cancel Task', () => {
	test('a PENDING task is canceled: status CANCELED, nothing generated', async () => {
		server.script({ on: 'task', pendingMs: 1_000_000 });
		const taskId = await createTask(server);
		const result = await cancel(taskId);

		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toEqual({
			taskId,
			canceled: true,
			taskStatus: 'CANCELED',
			message: `Task ${taskId} was canceled: it had not started, so nothing is generated or billed.`,
			region: 'custom',
		});
		expect(result.output[0].pairedItem).toEqual({ item: 0 });
		expect(server.task(taskId)!.status).toBe('CANCELED');
		expect(server.counters.cancels).toBe(1);
	});

	test('a RUNNING task is not canceled, and the output says it will finish and be billed', async () => {
		server.script({ on: 'task', pendingMs: 0, runningMs: 1_000_000 });
		const taskId = await createTask(server);
		await until(() => server.task(taskId)!.status === 'RUNNING');
		const result = await cancel(taskId);

		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({ taskId, canceled: false, taskStatus: 'RUNNING' });
		expect(result.output[0].json.message).toMatch(new RegExp(`^Task ${taskId} was not canceled`));
		expect(result.output[0].json.message).toContain(
			'a RUNNING task cannot be canceled and will finish (and be billed)',
		);
		expect(server.task(taskId)!.status).toBe('RUNNING');
	});

	test('a finished task is not canceled, and the output says it has already ended', async () => {
		const taskId = await createTask(server);
		await until(() => server.task(taskId)!.status === 'SUCCEEDED');
		const result = await cancel(taskId);
		expect(result.output[0].json).toMatchObject({ taskId, canceled: false, taskStatus: 'SUCCEEDED' });
		expect(result.output[0].json.message).toMatch(new RegExp(`^Task ${taskId} was not canceled: it is SUCCEEDED\\.`));
		expect(result.output[0].json.message).not.toContain('RUNNING');
	});

	test('an id DashScope does not know: not canceled, and the output says the task is unknown', async () => {
		const taskId = '0385dc79-5ff8-4d82-bcb6-8aeb0b9a5b2f';
		const result = await cancel(taskId);
		expect(result.output[0].json).toMatchObject({ taskId, canceled: false, taskStatus: 'UNKNOWN' });
		expect(result.output[0].json.message).toMatch(new RegExp(`^Task ${taskId} was not canceled: it is UNKNOWN\\.`));
		expect(result.output[0].json.message).toContain(
			'the id is wrong, the task is older than 24 h, or it belongs to another region',
		);
		expect(result.output[0].json.message).not.toContain('RUNNING');
	});

	test('several items: each id canceled or not on its own', async () => {
		server.script([
			{ on: 'task', pendingMs: 1_000_000 },
			{ on: 'task', pendingMs: 0, runningMs: 1_000_000 },
		]);
		const pending = await createTask(server);
		const running = await createTask(server);
		await until(() => server.task(running)!.status === 'RUNNING');
		const result = await runDashScope(
			{ operation: 'cancelTask', taskId: '={{ $json.id }}' },
			{ server, items: [{ json: { id: pending } }, { json: { id: running } }] },
		);
		expect(result.output.map((item) => [item.json.taskId, item.json.canceled, item.json.taskStatus])).toEqual([
			[pending, true, 'CANCELED'],
			[running, false, 'RUNNING'],
		]);
	});

	test('a cancel answered 500: the error names the task and says it may still run', async () => {
		server.script({ on: 'task', pendingMs: 1_000_000 });
		const taskId = await createTask(server);
		server.script({ on: 'cancel', status: 500 });
		const result = await cancel(taskId);
		expect(result.error?.message).toMatch(new RegExp(`^Canceling task ${taskId} failed`));
		expect(result.error?.description).toContain('The task was not canceled and may still run (and be billed).');
		expect(server.task(taskId)!.status).toBe('PENDING');
	});

	test.each([
		['empty', '', 'Task ID is empty'],
		['with a path in it', 'x/../../services', 'Task ID "x/../../services" is not a DashScope task id'],
	])('a bad task id (%s) is refused before any request', async (_name, taskId, message) => {
		// From an expression: n8n itself refuses a required parameter typed in empty.
		const result = await runDashScope(
			{ operation: 'cancelTask', taskId: '={{ $json.id }}' },
			{ server, items: [{ json: { id: taskId } }] },
		);
		expect(result.error?.message).toBe(message);
		expect(server.counters.total).toBe(0);
	});
});
