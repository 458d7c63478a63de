// n8n's Retry On Fail never creates a second task, in the real n8n CLI (2.8.4) with the packed package against the
// DashScope dev server (docs/RELIABILITY.md, "Promises under attack"): the node's job ledger lives in the node's
// execution context, which the CLI's engine keeps across the node's tries. Three failures of the first try, each a
// workflow run with Retry On Fail (3 tries): a submit 5xx that created a task, the node's own timeout, a failed
// download. The dev server counts one task in each.
import path from 'node:path';

import { makeImage } from '../../tools/media';
import { startDashScopeServer, type DashScopeScript, type DashScopeServer } from '../../tools/dashscope-server';
import { dashScopeCredentials, DASHSCOPE_CREDENTIAL } from '../../tools/examples';
import { ensureN8n, makeUserFolder, nodeOutput, packPackage, REPO, runError, runWorkflow } from '../../tools/n8n-cli';
import { requireBuild, TempDirs } from './support';

jest.setTimeout(20 * 60_000);

const TIME_SCALE = 0.01;
const NODE = 'Make video';

let server: DashScopeServer;
let tgz: string;
let n8nBin: Promise<string>;
const temp = new TempDirs();

beforeAll(async () => {
	requireBuild();
	n8nBin = ensureN8n('2.8.4');
	n8nBin.catch(() => undefined); // reported by the tests that await it
	[server, tgz] = await Promise.all([startDashScopeServer({ timeScale: TIME_SCALE }), packPackage(REPO)]);
	temp.add(path.dirname(tgz));
}, 10 * 60_000);

afterAll(async () => {
	await server?.close();
	temp.removeAll();
});

/** Manual Trigger → the node (DashScope directly, a base64 picture) with Retry On Fail: 3 tries, 1 s apart. */
function workflow(options: Record<string, unknown>) {
	const image = makeImage({ width: 1280, height: 720, format: 'jpeg' }).toString('base64');
	return {
		id: 'aogRetryOnFail1',
		name: 'Retry On Fail',
		active: false,
		settings: { executionOrder: 'v1' },
		connections: { Start: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
		nodes: [
			{
				id: 'a1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'a2',
				name: NODE,
				type: 'n8n-nodes-aog.aog',
				typeVersion: 1,
				position: [220, 0],
				retryOnFail: true,
				maxTries: 3,
				waitBetweenTries: 1000,
				credentials: { dashScopeApi: { id: DASHSCOPE_CREDENTIAL.id, name: DASHSCOPE_CREDENTIAL.name } },
				parameters: {
					authentication: 'dashScopeApi',
					resource: 'video',
					operation: 'imageToVideo',
					imageSource: 'base64',
					imageBase64: image,
					prompt: 'A slow push-in',
					options: { pollInterval: 1, ...options },
				},
			},
		],
	};
}

async function run(script: DashScopeScript[], options: Record<string, unknown> = {}) {
	server.reset();
	server.script(script);
	return await runWorkflow({
		n8nBin: await n8nBin,
		workflow: workflow(options),
		credentials: dashScopeCredentials({ baseUrl: server.url, apiKey: server.apiKey }),
		userFolder: temp.add(await makeUserFolder('n8n-aog-retry-')),
		packageTgz: tgz,
		timeoutMs: 5 * 60_000,
	});
}

describe('Retry On Fail (3 tries) in n8n 2.8.4', () => {
	test('after a submit 5xx that created a task: no try submits again, the error says why', async () => {
		const result = await run([{ on: 'submit', status: 500, code: 'InternalError' }]);
		expect(result.exitCode).not.toBe(0);
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 1 });
		expect(runError(result.result)?.description).toMatch(/Not submitted again on this retry \(Retry On Fail\)/);
	});

	test("after the node's own timeout: a later try follows the same task to its MP4", async () => {
		const result = await run([{ on: 'task', pendingMs: 0, runningMs: 350_000 }], { timeout: 2 });
		expect(runError(result.result)).toBeUndefined();
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 1, downloads: 1 });
		const [item] = nodeOutput(result.result, NODE);
		expect(item.json).toMatchObject({ taskId: server.tasks[0].id, taskStatus: 'SUCCEEDED', mimeType: 'video/mp4' });
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4' });
	});

	test('after a failed download: the next try downloads the same video', async () => {
		const result = await run([{ on: 'download', status: 403 }]);
		expect(runError(result.result)).toBeUndefined();
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 1, downloads: 1 });
		expect(nodeOutput(result.result, NODE)[0].json.taskId).toBe(server.tasks[0].id);
	});
});
