// End to end: the node's MP4 handed on to the nodes that post it, in the real n8n 2.8.4 CLI (`n8n start`, the packed
// package installed like a user's community node), DashScope directly against the DashScope dev server:
// - examples/form-to-telegram.json as it is shipped (its poll interval shortened): the production form takes a
//   picture, the node makes the video and n8n's Telegram node (Send Video, binary data) uploads it to the Telegram
//   Bot API dev server (tools/telegram-server), which the credential's Base URL points at;
// - a webhook → the node → n8n's HTTP Request node posting the MP4 as multipart/form-data to an upload endpoint.
// Both in n8n's `filesystem` and `database` binary data modes (N8N_DEFAULT_BINARY_DATA_MODE; 2.8.4 accepts default,
// filesystem, s3 and database), one n8n process per mode. Each run: the bytes that arrived are the MP4 the DashScope
// dev server served (sha256), sent as video/mp4 with the node's .mp4 file name, and the execution data n8n stored
// shows the node's binary as video/mp4 with that name, kept by the mode in force.
// `npm test` builds first; on its own: npm run build && npx jest --selectProjects e2e -- test/e2e/hand-off.e2e.test.ts
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startDashScopeServer, type DashScopeServer } from '../../tools/dashscope-server';
import {
	DASHSCOPE_CREDENTIAL,
	dashScopeCredentials,
	SAMPLE_IMAGE,
	TELEGRAM_CREDENTIAL,
	telegramCredentials,
} from '../../tools/examples';
import {
	ensureN8n,
	makeUserFolder,
	nodeOutput,
	packPackage,
	prepareUserFolder,
	REPO,
	startN8n,
	type PreparedUserFolder,
	type RunningN8n,
} from '../../tools/n8n-cli';
import { startTelegramServer, type TelegramServer } from '../../tools/telegram-server';
import { startSiteServer, type SiteServer } from './site-server';
import { requireBuild, TempDirs } from './support';

interface Execution {
	id: string;
	status: string;
	finished: boolean;
	workflowId: string;
	data: { resultData: { runData: Record<string, unknown>; error?: { message: string; description?: string } } };
}
interface Client {
	request(method: string, path: string, body?: unknown): Promise<any>;
	setupOwner(owner: Record<string, string>): Promise<unknown>;
	login(owner: Record<string, string>): Promise<unknown>;
	testCredential(credential: {
		id: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<{ status: string; message: string }>;
	waitForExecution(id: string, options?: { timeoutMs?: number; intervalMs?: number }): Promise<Execution>;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { N8nClient } = require('../../tools/n8n-cli/rest-client') as { N8nClient: new (url: string) => Client };
/* eslint-enable @typescript-eslint/no-require-imports */

jest.setTimeout(5 * 60_000);

const N8N_VERSION = '2.8.4';
const MODES = [
	{ mode: 'filesystem', binaryId: /^filesystem-v2:/ },
	{ mode: 'database', binaryId: /^database:/ },
];
/** A wan2.2 task's usual time (5 s queued, 115 s running), ×0.02: 2.4 s. */
const TASK = { pendingMs: 5_000, runningMs: 115_000, timeScale: 0.02 };
const OWNER = { email: 'handoff@example.com', password: 'HandOff-2026', firstName: 'Hand', lastName: 'Off' };

const TELEGRAM_EXAMPLE = 'form-to-telegram.json';
const NODE = 'DashScope Image to Video';
const TELEGRAM_NODE = 'Post the video to Telegram';
const UPLOAD_NODE = 'Upload the MP4';
/** The second workflow: a webhook takes a picture, the node makes the video, HTTP Request uploads it. */
const UPLOAD_WORKFLOW = {
	id: 'aogHandOffUpload1',
	name: 'Hand-off: webhook, video, multipart upload',
	active: false,
	nodes: [
		{
			id: 'b7e1c0a2-0000-4000-8000-000000000001',
			name: 'Picture webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			position: [0, 0],
			webhookId: 'b7e1c0a2-0000-4000-8000-0000000000a1',
			parameters: { httpMethod: 'POST', path: 'aog-hand-off-upload', responseMode: 'onReceived', options: {} },
		},
		{
			id: 'b7e1c0a2-0000-4000-8000-000000000002',
			name: NODE,
			type: 'n8n-nodes-aog.aog',
			typeVersion: 1,
			position: [260, 0],
			parameters: {
				authentication: 'dashScopeApi',
				resource: 'video',
				operation: 'imageToVideo',
				imageSource: 'binary',
				binaryPropertyName: 'picture',
				prompt: '={{ $json.body.prompt }}',
				model: { __rl: true, mode: 'list', value: 'wan2.2-i2v-plus', cachedResultName: 'wan2.2-i2v-plus' },
				options: {
					fileName: "={{ ($binary.picture?.fileName || 'picture').replace(/\\.[^.]*$/, '') }}-video.mp4",
					pollInterval: 1,
				},
			},
			credentials: { dashScopeApi: { id: DASHSCOPE_CREDENTIAL.id, name: DASHSCOPE_CREDENTIAL.name } },
		},
		{
			id: 'b7e1c0a2-0000-4000-8000-000000000003',
			name: UPLOAD_NODE,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [520, 0],
			parameters: {
				method: 'POST',
				url: '', // the upload endpoint, set in beforeAll
				sendBody: true,
				contentType: 'multipart-form-data',
				bodyParameters: {
					parameters: [
						{ parameterType: 'formBinaryData', name: 'file', inputDataFieldName: 'data' },
						{ name: 'prompt', value: '={{ $json.prompt }}' },
					],
				},
				options: {},
			},
		},
	],
	connections: {
		'Picture webhook': { main: [[{ node: NODE, type: 'main', index: 0 }]] },
		[NODE]: { main: [[{ node: UPLOAD_NODE, type: 'main', index: 0 }]] },
	},
	settings: { executionOrder: 'v1' },
};

let dashScope: DashScopeServer;
let telegram: TelegramServer;
let site: SiteServer;
let n8nBin: string;
let prepared: PreparedUserFolder;
let telegramExample: {
	id: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, any> }>;
	[key: string]: unknown;
};
let ownerSetUp = false;
const picture = readFileSync(SAMPLE_IMAGE);
const temp = new TempDirs();
const started = Date.now();

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
	requireBuild();
	let tgz: string;
	[dashScope, telegram, site, n8nBin, tgz] = await Promise.all([
		startDashScopeServer({ ...TASK, quiet: true }),
		startTelegramServer({ quiet: true }),
		startSiteServer(),
		ensureN8n(N8N_VERSION),
		packPackage(REPO),
	]);
	temp.add(path.dirname(tgz));
	telegramExample = JSON.parse(readFileSync(path.join(REPO, 'examples', TELEGRAM_EXAMPLE), 'utf8'));
	// The one change to the example: poll every second, not every 15 s (the dev server's task takes 2.4 s).
	telegramExample.nodes.find((node) => node.name === NODE)!.parameters.options.pollInterval = 1;
	const upload = structuredClone(UPLOAD_WORKFLOW);
	upload.nodes[2].parameters.url = `${site.url}/upload/videos`;
	prepared = await prepareUserFolder({
		n8nBin,
		workflows: [telegramExample, upload],
		credentials: [
			...dashScopeCredentials({ baseUrl: dashScope.url, apiKey: dashScope.apiKey }),
			...telegramCredentials({ baseUrl: telegram.url, accessToken: telegram.token }),
		],
		userFolder: temp.add(await makeUserFolder('n8n-aog-handoff-')),
		packageTgz: tgz,
	});
}, 10 * 60_000);

afterAll(async () => {
	await Promise.all([dashScope?.close(), telegram?.close(), site?.close()]);
	temp.removeAll();
	console.log(`hand-off suite: ${Math.round((Date.now() - started) / 1000)} s`);
});

/** The owner logged in; on the first start the owner is set up and both workflows published (made active). */
async function signIn(n8n: RunningN8n): Promise<Client> {
	const client = new N8nClient(n8n.url);
	if (!ownerSetUp) {
		await client.setupOwner(OWNER);
		ownerSetUp = true;
		await client.login(OWNER);
		// what the editor's Publish button calls: the production form and webhook are registered at once
		for (const id of [telegramExample.id, UPLOAD_WORKFLOW.id]) {
			const { versionId } = await client.request('GET', `/rest/workflows/${id}`);
			await client.request('POST', `/rest/workflows/${id}/activate`, { versionId });
		}
	} else {
		await client.login(OWNER);
	}
	return client;
}

/** The workflow's newest execution once it has ended, with its data. */
async function latestExecution(client: Client, workflowId: string, after: number): Promise<Execution> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const list = await client.request(
			'GET',
			`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`,
		);
		const newest = (list.results as Array<{ id: string; status: string }>).find(
			(execution) => Number(execution.id) > after,
		);
		if (newest && !['new', 'running', 'waiting'].includes(newest.status))
			return await client.waitForExecution(newest.id, { intervalMs: 200 });
		if (Date.now() > deadline) throw new Error(`no ended execution of ${workflowId} after #${after} within 60 s`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function lastExecutionId(client: Client): Promise<number> {
	const list = await client.request('GET', '/rest/executions');
	return Math.max(0, ...(list.results as Array<{ id: string }>).map((execution) => Number(execution.id)));
}

/** The MP4 the DashScope dev server served for this run's one task: the bytes behind its link. */
async function servedVideo(): Promise<{ sha256: string; size: number }> {
	expect(dashScope.tasks).toHaveLength(1);
	const [task] = dashScope.tasks;
	expect(task).toMatchObject({ status: 'SUCCEEDED', model: 'wan2.2-i2v-plus' });
	const bytes = Buffer.from(await (await fetch(task.videoUrl!)).arrayBuffer());
	return { sha256: sha256(bytes), size: bytes.length };
}

/** The node's item as n8n stored it: video/mp4 and the .mp4 name in JSON and binary, kept by the mode in force. */
function expectNodeItem(execution: Execution, fileName: string, binaryId: RegExp, size: number) {
	const items = nodeOutput(execution, NODE);
	expect(items).toHaveLength(1);
	const { json, binary } = items[0];
	expect(json).toEqual(
		expect.objectContaining({
			fileName,
			mimeType: 'video/mp4',
			fileSize: size,
			width: 1920,
			height: 1080,
			taskStatus: 'SUCCEEDED',
		}),
	);
	expect(binary?.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4', fileName, fileExtension: 'mp4' }));
	expect(binary?.data.fileName).toMatch(/\.mp4$/);
	expect(String(binary?.data.id)).toMatch(binaryId);
	return json;
}

describe.each(MODES)(`hand-off in n8n ${N8N_VERSION}, binary data mode $mode`, ({ mode, binaryId }) => {
	let n8n: RunningN8n;
	let client: Client;

	beforeAll(async () => {
		n8n = await startN8n({
			n8nBin,
			folder: prepared.folder,
			env: { ...prepared.env, N8N_DEFAULT_BINARY_DATA_MODE: mode },
		});
		client = await signIn(n8n);
	}, 3 * 60_000);

	afterAll(async () => {
		const ended = await n8n?.stop();
		expect(ended?.timedOut).toBe(false);
	});

	test('examples/form-to-telegram.json: the form upload becomes a video, and the Telegram node uploads that MP4 to sendVideo', async () => {
		if (mode === 'filesystem') {
			// the credential's Test (getMe) reaches the dev server through the Base URL
			const data = { baseUrl: telegram.url, accessToken: telegram.token };
			expect(await client.testCredential({ ...TELEGRAM_CREDENTIAL, data })).toEqual(
				expect.objectContaining({ status: 'OK' }),
			);
			expect(
				await client.testCredential({ ...TELEGRAM_CREDENTIAL, data: { ...data, accessToken: '1:wrong' } }),
			).toEqual(expect.objectContaining({ status: 'Error' }));
		}
		dashScope.reset();
		telegram.reset();
		const after = await lastExecutionId(client);
		const prompt = 'A slow push-in towards the harbour at dusk';
		const form = new FormData();
		form.append('field-0', new Blob([picture], { type: 'image/jpeg' }), 'holiday.jpg');
		form.append('field-1', prompt);
		const submitted = await fetch(`${n8n.url}/form/aog-video-to-telegram`, {
			method: 'POST',
			body: form,
			signal: AbortSignal.timeout(30_000),
		});
		expect(submitted.status).toBe(200);

		const execution = await latestExecution(client, telegramExample.id, after);
		if (execution.status !== 'success')
			throw new Error(
				`the execution ended "${execution.status}": ${JSON.stringify(execution.data.resultData.error)}\n${n8n.output().slice(-3000)}`,
			);
		expect(dashScope.counters).toMatchObject({ submits: 1, downloads: 1, storageAuthorization: 0 });
		const served = await servedVideo();
		const json = expectNodeItem(execution, 'holiday-video.mp4', binaryId, served.size);

		// one sendVideo with the bot's token; the upload is the served MP4, as video/mp4 under its .mp4 name
		expect(telegram.requests.map((request) => [request.method, request.tokenValid, request.status])).toEqual([
			['sendVideo', true, 200],
		]);
		expect(telegram.videos).toHaveLength(1);
		const [video] = telegram.videos;
		const { chatId, contentType, fileName, size } = video;
		expect({ chatId, contentType, fileName, size, sha256: video.sha256 }).toEqual({
			chatId: '@your_channel',
			contentType: 'video/mp4',
			fileName: 'holiday-video.mp4',
			size: served.size,
			sha256: served.sha256,
		});
		// duration, width and height as the example passes them from the node's JSON
		expect(video.fields).toEqual(
			expect.objectContaining({
				caption: prompt,
				duration: String(Math.round(json.durationSeconds)),
				width: '1920',
				height: '1080',
			}),
		);
		expect(video.header).toEqual(expect.objectContaining({ width: 1920, height: 1080 }));
		// the Telegram node's output is the Bot API's answer: the message with the video Telegram stored
		const [answer] = nodeOutput(execution, TELEGRAM_NODE);
		expect(answer.json).toEqual(
			expect.objectContaining({
				ok: true,
				result: expect.objectContaining({
					video: expect.objectContaining({
						file_name: 'holiday-video.mp4',
						mime_type: 'video/mp4',
						file_size: served.size,
						duration: 5,
					}),
				}),
			}),
		);
	});

	test('webhook → the node → HTTP Request: the MP4 posted as multipart/form-data, video/mp4, its .mp4 name', async () => {
		dashScope.reset();
		const uploadsBefore = site.uploads.length;
		const after = await lastExecutionId(client);
		const form = new FormData();
		form.append('picture', new Blob([picture], { type: 'image/jpeg' }), 'harbour.jpg');
		form.append('prompt', 'Boats rocking gently');
		const posted = await fetch(`${n8n.url}/webhook/aog-hand-off-upload`, {
			method: 'POST',
			body: form,
			signal: AbortSignal.timeout(30_000),
		});
		expect(posted.status).toBe(200);

		const execution = await latestExecution(client, UPLOAD_WORKFLOW.id, after);
		if (execution.status !== 'success')
			throw new Error(
				`the execution ended "${execution.status}": ${JSON.stringify(execution.data.resultData.error)}\n${n8n.output().slice(-3000)}`,
			);
		expect(dashScope.counters).toMatchObject({ submits: 1, downloads: 1 });
		const served = await servedVideo();
		const received = site.uploads.slice(uploadsBefore);
		expect(received).toHaveLength(1);
		const [upload] = received;
		expect(upload.path).toBe('/upload/videos');
		expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(Object.keys(upload.files)).toEqual(['file']);
		const file = upload.files.file;
		expect({ fileName: file.fileName, contentType: file.contentType, size: file.data.length }).toEqual({
			fileName: 'harbour-video.mp4',
			contentType: 'video/mp4',
			size: served.size,
		});
		expect(sha256(file.data)).toBe(served.sha256);
		expect(upload.fields).toEqual({ prompt: 'Boats rocking gently' });
		expectNodeItem(execution, 'harbour-video.mp4', binaryId, served.size);
	});
});
