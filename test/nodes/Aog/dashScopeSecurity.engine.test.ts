// Security of the direct DashScope connection: the credential's API key goes to the DashScope host only, never to the
// storage host that serves the videos (a signed link needs no key, and OSS refuses a request with both), and never
// shows up in anything the node produces (output items, error messages and descriptions, the run data n8n stores, log
// lines), whatever DashScope answers, including answers that echo the key back. docs/DASHSCOPE-API.md, "Regions and
// hosts" and "Poll" (the video link needs no key).
import type { INodeParameters } from 'n8n-workflow';

import type { DashScopeScript } from '../../../tools/dashscope-server';
import type { RunNodeResult } from '../../../tools/harness/engine';
import { captureLogs, safeJson, type LogCapture } from './logCapture';
import { createTask } from './operations/dashScopeTasks';
import { jpegItem, runDashScope, startDashScopeServer, type DashScopeServer } from './support';
import type { RunDashScopeOptions } from './support';

const KEY = 'sk-test-SECRET-ds-7e1a90';
/** Every form the key could leak in: as is, its distinctive part, and inside a Bearer header. */
const KEY_FORMS = [KEY, 'SECRET-ds-7e1a90', `Bearer ${KEY}`];

let server: DashScopeServer;
let logs: LogCapture;

beforeAll(async () => {
	server = await startDashScopeServer({ timeScale: 0.01, keys: { beijing: KEY } });
	logs = captureLogs();
});
afterAll(async () => {
	logs.restore();
	await server.close();
});
beforeEach(() => server.reset());

/** Everything a run produced that a user, a log reader or n8n's database could see. */
function producedText(result: RunNodeResult): string {
	return safeJson({
		output: result.outputs,
		error: result.error && {
			message: result.error.message,
			description: result.error.description,
			serialized: result.error.error,
		},
		run: result.run,
	});
}

/** Fails naming the secret and the text around it (not the whole run data, with its base64 picture). */
function expectNoSecret(text: string, secrets: string[] = KEY_FORMS) {
	for (const secret of secrets) {
		const at = text.indexOf(secret);
		expect(
			at < 0 ? 'no secret' : `"${secret}" in …${text.slice(Math.max(0, at - 200), at + secret.length + 100)}…`,
		).toBe('no secret');
	}
}

/** The key went with every API request, and never to the storage host. */
function expectKeyOnlyOnApiHost(apiKey = KEY) {
	expect(server.counters.storageAuthorization).toBe(0);
	for (const request of server.lastRequests) {
		if (request.host === 'storage') {
			expect(request.headers.authorization).toBeUndefined();
			expectNoSecret(JSON.stringify(request.headers), [apiKey]);
		} else {
			expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
		}
	}
}

async function run(parameters: INodeParameters = {}, extra: Partial<RunDashScopeOptions> = {}): Promise<RunNodeResult> {
	const { options, ...rest } = parameters;
	return await runDashScope(
		{ imageSource: 'binary', prompt: 'A slow push-in', ...rest, options: { pollInterval: 1, ...(options as object) } },
		{ server, items: [jpegItem()], credentials: { apiKey: KEY }, ...extra },
	);
}

interface Scenario {
	script?: DashScopeScript[];
	parameters?: INodeParameters;
	extra?: Partial<RunDashScopeOptions>;
	outcome: 'success' | 'error' | 'canceled';
	/** Requests that must have reached the storage host (the key is checked to be absent there). */
	downloads?: number;
}

const echo = (where: string) => `${where} rejected header Authorization: Bearer ${KEY} (key ${KEY})`;

const SCENARIOS: Array<[string, Scenario]> = [
	['success', { outcome: 'success', downloads: 1 }],
	[
		'429 Throttling, retried, then success',
		{ script: [{ on: 'submit', code: 'Throttling', retryAfter: 0 }], outcome: 'success', downloads: 1 },
	],
	[
		'503 and a dropped connection on polls, then success',
		{
			script: [
				{ on: 'poll', status: 503 },
				{ on: 'poll', drop: true },
			],
			outcome: 'success',
			downloads: 1,
		},
	],
	['FAILED task', { script: [{ on: 'task', code: 'InvalidParameter' }], outcome: 'error' }],
	[
		'FAILED task whose message echoes the key',
		{ script: [{ on: 'task', code: 'DataInspectionFailed', message: echo('task') }], outcome: 'error' },
	],
	[
		'FAILED task echoing the key (continue on fail: error output)',
		{
			script: [{ on: 'task', code: 'Arrearage', message: echo('task') }],
			extra: { onError: 'continueErrorOutput' },
			outcome: 'success',
		},
	],
	[
		'FAILED task echoing the key (continue on fail: regular output)',
		{
			script: [{ on: 'task', code: 'Arrearage', message: echo('task') }],
			extra: { onError: 'continueRegularOutput' },
			outcome: 'success',
		},
	],
	['UNKNOWN task', { script: [{ on: 'task', outcome: 'UNKNOWN' }], outcome: 'error' }],
	[
		'400 on the submit echoing the key',
		{ script: [{ on: 'submit', status: 400, code: 'InvalidParameter', message: echo('submit') }], outcome: 'error' },
	],
	[
		'500 on the submit echoing the key',
		{ script: [{ on: 'submit', status: 500, code: 'InternalError', message: echo('submit') }], outcome: 'error' },
	],
	[
		'200 on the submit that is cut-off JSON echoing the key',
		{
			script: [
				{ on: 'submit', status: 200, body: `{"request_id":"r","auth":"Bearer ${KEY}`, contentType: 'application/json' },
			],
			outcome: 'error',
		},
	],
	[
		'403 on a poll echoing the key',
		{ script: [{ on: 'poll', status: 403, code: 'AccessDenied', message: echo('poll') }], outcome: 'error' },
	],
	[
		'an HTML page on every poll echoing the key',
		{
			script: [
				{
					on: 'poll',
					status: 502,
					body: `<html><body>${echo('proxy')}</body></html>`,
					contentType: 'text/html',
					times: 20,
				},
			],
			parameters: { options: { timeout: 3 } },
			outcome: 'error',
		},
	],
	[
		"the node's timeout",
		{
			script: [{ on: 'task', pendingMs: 0, runningMs: 1_000_000 }],
			parameters: { options: { timeout: 2 } },
			outcome: 'error',
		},
	],
	[
		'the stop button mid-wait (the queued task is canceled)',
		{ script: [{ on: 'task', pendingMs: 1_000_000 }], extra: { cancelAfterMs: 1500 }, outcome: 'canceled' },
	],
	[
		'the video link answers 403',
		{ script: [{ on: 'download', status: 403, code: 'AccessDenied', times: 5 }], outcome: 'error', downloads: 1 },
	],
	['a check before any request', { parameters: { options: { resolution: '720P' } }, outcome: 'error' }],
];

describe('the DashScope key never appears in what the node produces, and never reaches the storage host', () => {
	test.each(SCENARIOS)('%s', async (_name, scenario) => {
		if (scenario.script) server.script(scenario.script);
		const logStart = logs.lines.length;
		const result = await run(scenario.parameters, scenario.extra);

		if (scenario.outcome === 'success') expect(result.error).toBeUndefined();
		if (scenario.outcome === 'error') expect(result.error?.itemIndex).toBe(0);
		if (scenario.outcome === 'canceled') expect(result.status).toBe('canceled');
		if (scenario.downloads)
			expect(server.lastRequests.filter((request) => request.host === 'storage').length).toBeGreaterThanOrEqual(
				scenario.downloads,
			);

		expectNoSecret(producedText(result));
		// Give sockets a moment to close (aborted requests log nothing later).
		await new Promise((resolve) => setTimeout(resolve, 20));
		expectNoSecret(logs.lines.slice(logStart).join('\n'));
		expectKeyOnlyOnApiHost();
	});

	test('the scan saw the key in flight: on every API request, on no storage request', async () => {
		const result = await run();
		expect(result.error).toBeUndefined();
		const api = server.lastRequests.filter((request) => request.host === 'api');
		const storage = server.lastRequests.filter((request) => request.host === 'storage');
		expect(api.map((request) => request.method)).toEqual(expect.arrayContaining(['POST', 'GET']));
		for (const request of api) expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
		expect(storage).toHaveLength(1);
		expect(storage[0].headers.authorization).toBeUndefined();
		expect(server.counters).toMatchObject({ downloads: 1, storageAuthorization: 0 });
	});

	test("an echoed key is redacted, not dropped with the message: the rest of DashScope's words stay", async () => {
		server.script({ on: 'task', code: 'DataInspectionFailed', message: echo('task') });
		const result = await run();
		expect(result.error?.description).toContain(
			'DashScope said: "task rejected header Authorization: Bearer *** (key ***)"',
		);
		expectNoSecret(producedText(result));
	});

	test.each([
		['a trailing newline', `${KEY}\n`],
		['spaces around it', `  ${KEY} `],
	])(
		'a key stored with %s (pasted): sent trimmed, and still redacted where DashScope echoes it',
		async (_name, stored) => {
			server.script({ on: 'task', code: 'DataInspectionFailed', message: echo('task') });
			const logStart = logs.lines.length;
			const result = await run(
				{},
				{ credentials: { apiKey: stored }, onError: 'continueRegularOutput', items: [jpegItem(0)] },
			);
			expect(server.counters.submits).toBe(1);
			expect(String(result.output[0].json.error)).toMatch(
				/^Video task .+ failed: Content moderation blocked the request/,
			);
			expectNoSecret(producedText(result));
			await new Promise((resolve) => setTimeout(resolve, 20));
			expectNoSecret(logs.lines.slice(logStart).join('\n'));
			expectKeyOnlyOnApiHost();
		},
	);

	test('a key stored with a trailing newline, echoed in a submit error: redacted in the error', async () => {
		server.script({ on: 'submit', status: 400, code: 'InvalidParameter', message: echo('submit') });
		const result = await run({}, { credentials: { apiKey: `${KEY}\n` } });
		expect(result.error?.description).toContain('Bearer *** (key ***)');
		expectNoSecret(producedText(result));
	});

	test('Get Task and Cancel Task: the key on the API host only, and in no output', async () => {
		const pending = await createTask(server);
		server.lastRequests.length = 0;
		const done = await createTask(server);
		while (server.task(done)!.status !== 'SUCCEEDED') await new Promise((resolve) => setTimeout(resolve, 20));
		server.lastRequests.length = 0;
		const logStart = logs.lines.length;

		const fetched = await runDashScope(
			{ operation: 'getTask', taskId: done },
			{ server, credentials: { apiKey: KEY } },
		);
		const canceled = await runDashScope(
			{ operation: 'cancelTask', taskId: pending },
			{ server, credentials: { apiKey: KEY } },
		);
		expect(fetched.error).toBeUndefined();
		expect(fetched.output[0].binary?.data.mimeType).toBe('video/mp4');
		expect(canceled.error).toBeUndefined();
		expectNoSecret(producedText(fetched));
		expectNoSecret(producedText(canceled));
		expectNoSecret(logs.lines.slice(logStart).join('\n'));
		expectKeyOnlyOnApiHost();
		expect(server.lastRequests.some((request) => request.host === 'storage')).toBe(true);
	});

	test('a wrong key: 401 with a clear error, and neither key in it', async () => {
		const wrong = 'sk-wrong-SECRET-0b77c1';
		const result = await run({}, { credentials: { apiKey: wrong } });
		expect(result.error?.message).toMatch(/^DashScope refused the API key \(InvalidApiKey\)/);
		expect(server.counters).toMatchObject({ unauthorized: 1, submits: 0 });
		expectNoSecret(producedText(result), [...KEY_FORMS, wrong, 'SECRET-0b77c1']);
	});

	test('the log capture works (a control: n8n logged the failed runs, with the node errors in them)', () => {
		expect(
			logs.lines.some(
				(line) =>
					line.startsWith('n8n.debug: Workflow execution finished with error') &&
					line.includes('DashScope refused the API key'),
			),
		).toBe(true);
	});
});
