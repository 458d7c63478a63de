// End to end: every workflow in examples/, as it is in the repository, inside the real n8n 2.8.4 CLI
// with the packed package installed like a user's community node, against the AOG dev server.
// - all of them import (and export back unchanged), with node types and versions n8n 2.8.4 has;
// - schedule-text-to-video, form-first-last-frame and reference-to-video import only here (they run against the
//   DashScope dev server in wan-family.e2e.test.ts, in 2.8.4 and 2.41.1);
// - schedule-to-upload runs with `n8n execute` (image-to-video, the demo, runs in image-to-video.e2e.test.ts;
//   ai-agent-video-tool, the node as an AI agent's tool, in ai-agent.e2e.test.ts;
//   form-to-telegram in hand-off.e2e.test.ts, in both binary data modes; wait-loop-get-task, the Wait → Get Task
//   loop, in queue-mode.e2e.test.ts);
// - the form one runs in `n8n start`: its production form is fetched and submitted as a browser
//   does, and the completion page hands back the MP4.
// `npm test` builds first; on its own: npm run build && npx jest test/e2e/examples --selectProjects e2e
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { startAogServer, type AogServer } from '../../tools/aog-server';
import { imageFile, probeVideo, type VideoProbe } from '../../tools/media';
import {
	dashScopeCredentials,
	exampleCredentials,
	TELEGRAM_CREDENTIAL,
	telegramCredentials,
} from '../../tools/examples';
import {
	activateWorkflow,
	ensureN8n,
	makeUserFolder,
	n8nCli,
	nodeOutput,
	packPackage,
	prepareUserFolder,
	REPO,
	runError,
	runWorkflow,
	startN8n,
	type RunWorkflowResult,
} from '../../tools/n8n-cli';
import { startSiteServer, type SiteServer } from './site-server';
import { expectFiveSecondH264, explain, requireBuild, TempDirs } from './support';

jest.setTimeout(15 * 60_000);

const N8N_VERSION = '2.8.4';
const EXAMPLES_DIR = path.join(REPO, 'examples');
const CREDENTIAL = { id: 'aogAccountExample1', name: 'AOG account' };
const DASHSCOPE_CREDENTIAL = { id: 'dashScopeExample1', name: 'DashScope account' };
const OPENAI_CREDENTIAL = { id: 'openAiExample1', name: 'OpenAI account' };
interface ExampleNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, any>;
	credentials?: Record<string, { id: string; name: string }>;
}
interface Workflow {
	id: string;
	name: string;
	active?: boolean;
	nodes: ExampleNode[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

function loadExample(file: string): Workflow {
	return JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as Workflow;
}

function nodeNamed(workflow: Workflow, name: string) {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`${workflow.name as string} has no node named "${name}"`);
	return node;
}

let server: AogServer;
let site: SiteServer;
let n8nBin: string;
let tgz: string;
const temp = new TempDirs();

beforeAll(async () => {
	requireBuild();
	[server, site, n8nBin, tgz] = await Promise.all([
		startAogServer({ port: 0, generationDelayMs: 0 }),
		startSiteServer(),
		ensureN8n(N8N_VERSION),
		packPackage(REPO),
	]);
	temp.add(path.dirname(tgz));
}, 30 * 60_000);

afterAll(async () => {
	await server?.close();
	await site?.close();
	temp.removeAll();
});

async function probeBytes(bytes: Buffer, name: string): Promise<VideoProbe> {
	const file = path.join(temp.make('examples-probe'), name);
	writeFileSync(file, bytes);
	return await probeVideo(file);
}

describe(`examples/ in the n8n ${N8N_VERSION} CLI`, () => {
	test('every example uses node types and versions n8n 2.8.4 has, the credential of its connection, and imports and exports back unchanged', async () => {
		const files = readdirSync(EXAMPLES_DIR)
			.filter((name) => name.endsWith('.json'))
			.sort();
		expect(files).toEqual([
			'ai-agent-video-tool.json',
			'form-first-last-frame.json',
			'form-to-telegram.json',
			'form-to-video.json',
			'image-to-video-dashscope.json',
			'image-to-video.json',
			'reference-to-video.json',
			'schedule-text-to-video.json',
			'schedule-to-upload.json',
			'wait-loop-get-task.json',
			'webhook-to-video.json',
		]);
		const workflows = files.map(loadExample);

		// What n8n 2.8.4 ships (n8n-nodes-base's own type list) and what this package declares.
		const baseTypes = JSON.parse(
			readFileSync(
				path.join(
					REPO,
					'.cache',
					`n8n-${N8N_VERSION}`,
					'node_modules',
					'n8n-nodes-base',
					'dist',
					'types',
					'nodes.json',
				),
				'utf8',
			),
		) as Array<{ name: string; version: number | number[] }>;
		const langchainTypes = JSON.parse(
			readFileSync(
				path.join(
					REPO,
					'.cache',
					`n8n-${N8N_VERSION}`,
					'node_modules',
					'@n8n',
					'n8n-nodes-langchain',
					'dist',
					'types',
					'nodes.json',
				),
				'utf8',
			),
		) as Array<{ name: string; version: number | number[] }>;
		const versionsIn = (types: typeof baseTypes, name: string) =>
			types.filter((type) => type.name === name).flatMap((type) => [type.version].flat());
		const versionsOf = (type: string) =>
			type.startsWith('@n8n/n8n-nodes-langchain.')
				? versionsIn(langchainTypes, type.replace(/^@n8n\/n8n-nodes-langchain\./, ''))
				: versionsIn(baseTypes, type.replace(/^n8n-nodes-base\./, ''));
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { Aog } = require(path.join(REPO, 'dist', 'nodes', 'Aog', 'Aog.node.js'));
		const aogVersions = [new Aog().description.version].flat();

		const ids = new Set<string>();
		for (const workflow of workflows) {
			expect(String(workflow.id).length).toBeLessThanOrEqual(21);
			expect(ids.has(workflow.id)).toBe(false);
			ids.add(workflow.id);
			expect(workflow.active).toBe(false);
			for (const node of workflow.nodes) {
				const where = `${workflow.id}: "${node.name}" (${node.type} v${node.typeVersion})`;
				// the node itself, or its tool variant (an AI agent's tool)
				if (node.type === 'n8n-nodes-aog.aog' || node.type === 'n8n-nodes-aog.aogTool') {
					expect({ where, ok: aogVersions.includes(node.typeVersion) }).toEqual({ where, ok: true });
					expect(node.credentials).toEqual(
						node.parameters.authentication === 'dashScopeApi'
							? { dashScopeApi: DASHSCOPE_CREDENTIAL }
							: { aogApi: CREDENTIAL },
					);
					continue;
				}
				// n8n's own Telegram node posts with the credential npm run dev and the hand-off suite import
				if (node.type === 'n8n-nodes-base.telegram')
					expect(node.credentials).toEqual({
						telegramApi: { id: TELEGRAM_CREDENTIAL.id, name: TELEGRAM_CREDENTIAL.name },
					});
				expect(node.type).toMatch(/^(n8n-nodes-base|@n8n\/n8n-nodes-langchain)\./);
				if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi')
					expect(node.credentials).toEqual({ openAiApi: OPENAI_CREDENTIAL });
				const known = versionsOf(node.type);
				expect({ where, ok: known.includes(node.typeVersion) }).toEqual({ where, ok: true });
			}
			// every connection names existing nodes
			const names = new Set(workflow.nodes.map((node) => node.name));
			for (const [from, outputs] of Object.entries(workflow.connections)) {
				expect(names.has(from)).toBe(true);
				for (const target of JSON.stringify(outputs).matchAll(/"node":"([^"]+)"/g))
					expect(names.has(target[1])).toBe(true);
			}
		}

		// All of them into one user folder, exactly as they are in the repository, then exported back.
		const prepared = await prepareUserFolder({
			n8nBin,
			workflows,
			credentials: [
				...exampleCredentials({ baseUrl: server.url }),
				...dashScopeCredentials({ apiKey: 'sk-test-beijing', region: 'beijing' }),
				{ ...OPENAI_CREDENTIAL, type: 'openAiApi', data: { apiKey: 'sk-test', url: 'http://127.0.0.1:9/v1' } },
				...telegramCredentials({ accessToken: '7000000001:AAHexampleImportOnly' }),
			],
			userFolder: await makeUserFolder('n8n-aog-examples-import-'),
			packageTgz: tgz,
		});
		temp.add(prepared.folder);
		const exportFile = path.join(prepared.folder, 'exported.json');
		await n8nCli(n8nBin, ['export:workflow', '--all', `--output=${exportFile}`], {
			folder: prepared.folder,
			env: prepared.env,
		});
		const exported = JSON.parse(readFileSync(exportFile, 'utf8')) as Workflow[];
		expect(exported.map((workflow) => workflow.id).sort()).toEqual([...ids].sort());
		for (const original of workflows) {
			const back = exported.find((workflow) => workflow.id === original.id)!;
			expect(back.name).toBe(original.name);
			const shape = (workflow: Workflow) =>
				workflow.nodes
					.map(({ name, type, typeVersion, parameters, credentials }) => ({
						name,
						type,
						typeVersion,
						parameters,
						credentials,
					}))
					.sort((a, b) => a.name.localeCompare(b.name));
			expect(shape(back)).toEqual(shape(original));
			expect(back.connections).toEqual(original.connections);
		}
	});

	test('schedule-to-upload.json runs by hand: three image URLs, two at a time, each MP4 uploaded as multipart with its name and video/mp4', async () => {
		const workflow = loadExample('schedule-to-upload.json');
		const settings = nodeNamed(workflow, 'Settings');
		const aog = nodeNamed(workflow, 'AOG Image to Video');
		expect(aog.parameters.imageSource).toBe('url');
		expect(aog.parameters.options.concurrency).toBe(2);

		// Three distinct pictures on the local site (distinct bytes: the dev server caches videos by input).
		const pictures = ['beach', 'forest', 'harbour'].map((name, index) => ({
			name,
			url: site.addFile(
				`/pictures/${name}.jpg`,
				readFileSync(imageFile({ width: 1280, height: 720, format: 'jpeg', variant: 40 + index })),
				'image/jpeg',
			),
		}));
		const uploadUrl = `${site.url}/upload/videos`;
		// What a user edits in the Settings node: the endpoint and the list of image URLs.
		const assignments = settings.parameters.assignments.assignments as Array<{
			name: string;
			value: string;
			type: string;
		}>;
		const set = (name: string, value: string) => {
			const assignment = assignments.find((candidate) => candidate.name === name);
			if (!assignment) throw new Error(`Settings has no "${name}"`);
			assignment.value = value;
		};
		set('uploadUrl', uploadUrl);
		set('imageUrls', JSON.stringify(pictures.map((picture) => picture.url)));
		const prompt = assignments.find((candidate) => candidate.name === 'prompt')!.value;
		// The node refuses localhost/private image URLs by default, because DashScope could never fetch
		// them; the dev server here runs on the same machine as the pictures, so that check is turned off
		// (the documented switch for gateways with other limits). Nothing else in the example changes.
		aog.parameters.options.validateImage = false;

		server.reset();
		server.setOptions({ generationDelayMs: 1500 });
		const uploadsBefore = site.uploads.length;
		let run: RunWorkflowResult;
		try {
			run = await runWorkflow({
				n8nBin,
				workflow,
				credentials: exampleCredentials({ baseUrl: server.url }),
				userFolder: await makeUserFolder('n8n-aog-examples-upload-'),
				packageTgz: tgz,
			});
		} finally {
			server.setOptions({ generationDelayMs: 0 });
		}
		temp.add(run.userFolder);
		if (run.exitCode !== 0) throw new Error(`the workflow failed: ${explain(run)}`);
		expect(runError(run.result)).toBeUndefined();

		// the Manual Trigger started it; the Schedule Trigger did not run
		expect(nodeOutput(run.result, "When clicking 'Execute workflow'")).toHaveLength(1);
		expect(run.result.data.resultData.runData['Every day at 08:00']).toBeUndefined();

		// AOG: three url requests (the dev server downloaded each picture itself), at most two at once
		expect(server.counters.i2vPosts).toBe(3);
		expect(server.counters.downloads).toBe(3);
		expect(server.generation.maxInFlight).toBe(2);
		const sentImages = server.lastRequests
			.filter((request) => request.method === 'POST' && request.path === '/aog/v0.2/services/image-to-video')
			.map((request) => request.body as { image: string; image_type: string; prompt: string });
		expect(sentImages.map((body) => body.image_type)).toEqual(['url', 'url', 'url']);
		expect(sentImages.map((body) => body.image).sort()).toEqual(pictures.map((picture) => picture.url).sort());
		expect(sentImages.every((body) => body.prompt === prompt)).toBe(true);
		for (const picture of pictures) expect(site.gets).toContain(`/pictures/${picture.name}.jpg`);

		const videos = nodeOutput(run.result, 'AOG Image to Video');
		const expectedNames = pictures.map((picture, index) => `${index + 1}-${picture.name}.mp4`);
		expect(videos.map((item) => item.json.fileName)).toEqual(expectedNames);

		// The upload endpoint: one multipart POST per video (the HTTP Request node sends them in parallel, so
		// matched by file name), file name and video/mp4 taken from the binary.
		const received = site.uploads.slice(uploadsBefore);
		expect(received).toHaveLength(3);
		expect(received.map((upload) => upload.files.file?.fileName).sort()).toEqual([...expectedNames].sort());
		for (const [index, name] of expectedNames.entries()) {
			const upload = received.find((candidate) => candidate.files.file?.fileName === name)!;
			expect(upload.path).toBe('/upload/videos');
			expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=/);
			expect(Object.keys(upload.files)).toEqual(['file']);
			const file = upload.files.file;
			expect(file.fileName).toBe(expectedNames[index]);
			expect(file.contentType).toBe('video/mp4');
			expect(file.data.length).toBe(videos[index].json.fileSize);
			expect(upload.fields).toEqual({ sourceImageUrl: pictures[index].url, prompt });
			expectFiveSecondH264(await probeBytes(file.data, file.fileName!));
		}
		const responses = nodeOutput(run.result, 'Upload the MP4');
		expect(responses.map((item) => item.json)).toEqual(
			expectedNames.map((fileName, index) =>
				expect.objectContaining({
					ok: true,
					received: [{ name: 'file', fileName, bytes: videos[index].json.fileSize }],
				}),
			),
		);
	});

	test('form-to-video.json in `n8n start`: the production form takes a picture and a prompt, and the completion page hands back the MP4', async () => {
		const workflow = loadExample('form-to-video.json');
		const prepared = await prepareUserFolder({
			n8nBin,
			workflows: [workflow],
			credentials: exampleCredentials({ baseUrl: server.url }),
			userFolder: await makeUserFolder('n8n-aog-examples-form-'),
			packageTgz: tgz,
		});
		temp.add(prepared.folder);
		await activateWorkflow({ n8nBin, folder: prepared.folder, env: prepared.env, id: workflow.id });
		const n8n = await startN8n({ n8nBin, folder: prepared.folder, env: prepared.env });
		const timeout = () => AbortSignal.timeout(60_000);
		try {
			expect(n8n.output()).toMatch(/Activated workflow "AOG: upload a picture in a form/);
			const formUrl = `${n8n.url}/form/aog-image-to-video`;

			// The form page, as a browser gets it.
			const page = await fetch(formUrl, { signal: timeout() });
			expect(page.status).toBe(200);
			const html = await page.text();
			expect(html).toContain('Turn a picture into a 5-second video');
			expect(html).toMatch(/name=["']?field-0/);
			expect(html).toMatch(/type=["']?file/);
			expect(html).toMatch(/name=["']?field-1/);

			// Submit it as the page's script does: multipart, one field per form element, in order.
			server.reset();
			const picture = readFileSync(imageFile({ width: 1280, height: 720, format: 'jpeg', variant: 50 }));
			const prompt = 'A slow push-in towards the horizon';
			const form = new FormData();
			form.append('field-0', new Blob([picture], { type: 'image/jpeg' }), 'holiday.jpg');
			form.append('field-1', prompt);
			const submitted = await fetch(formUrl, { method: 'POST', body: form, signal: timeout() });
			expect(submitted.status).toBe(200);
			const { formWaitingUrl } = (await submitted.json()) as { formWaitingUrl: string };
			expect(formWaitingUrl).toMatch(new RegExp(`^${n8n.url}/form-waiting/\\d+$`));

			// The page polls the execution until the completion page is ready.
			const status = async () =>
				(await (await fetch(`${formWaitingUrl}/n8n-execution-status`, { signal: timeout() })).text()).trim();
			let state = '';
			const deadline = Date.now() + 5 * 60_000;
			while (Date.now() < deadline) {
				state = await status();
				if (state !== 'running' && state !== 'new' && state !== 'waiting') break;
				await new Promise((resolve) => setTimeout(resolve, 500));
			}
			if (state !== 'form-waiting')
				throw new Error(
					`the execution ended as "${state}" instead of showing the completion page:\n${n8n.output().slice(-3000)}`,
				);

			// The completion page carries the file; its script turns it into a download.
			const completion = await fetch(formWaitingUrl, { signal: timeout() });
			expect(completion.status).toBe(200);
			const completionHtml = await completion.text();
			expect(completionHtml).toContain('Your video is ready');
			const embedded = /const binary = "([^"]+)"/.exec(completionHtml);
			if (!embedded) throw new Error('the completion page carries no file');
			const binary = JSON.parse(decodeURIComponent(embedded[1])) as {
				data: { type: string; data: number[] } | string;
				fileName: string;
				type: string;
			};
			expect(binary.fileName).toBe('holiday-video.mp4');
			expect(binary.type).toBe('video/mp4');
			const bytes =
				typeof binary.data === 'string' ? Buffer.from(binary.data, 'latin1') : Buffer.from(binary.data.data);
			expectFiveSecondH264(await probeBytes(bytes, binary.fileName));

			// The page's script then tells n8n the form is done, which ends the execution.
			const done = await fetch(formWaitingUrl, { method: 'POST', body: '{}', signal: timeout() });
			expect(done.status).toBe(200);
			const endDeadline = Date.now() + 60_000;
			while ((state = await status()) !== 'success' && Date.now() < endDeadline)
				await new Promise((resolve) => setTimeout(resolve, 500));
			expect(state).toBe('success');

			// One generation from the uploaded picture (a binary, sent as a data URI) and the prompt.
			expect(server.counters.i2vPosts).toBe(1);
			expect(server.counters.downloads).toBe(1);
			const request = server.lastRequests.find((candidate) => candidate.path === '/aog/v0.2/services/image-to-video');
			expect(request?.body).toEqual(
				expect.objectContaining({
					image_type: 'base64',
					prompt,
					image: expect.stringMatching(/^data:image\/jpeg;base64,/),
				}),
			);
		} finally {
			const ended = await n8n.stop();
			expect(ended.timedOut).toBe(false);
		}
	});
});
