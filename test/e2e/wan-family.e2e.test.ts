// End to end, the Wan family's examples as users import them, with the packed package in the real n8n CLI against
// the DashScope dev server (tasks compressed ×0.1), in n8n 2.8.4 and 2.41.1 (Node 24), one user folder and one
// `n8n start` per version:
// - form-first-last-frame: the production form takes two pictures and a prompt; both pictures go through temporary
//   storage in the form's order (first field → first frame), the completion page hands back a 5 s 1280x720 MP4
//   (wan2.2-kf2v-flash's default 720P) without sound;
// - reference-to-video: the form's character picture becomes Reference 1 (temporary storage), the prompt names
//   character1, and the MP4 handed back is 1080x1920 with an AAC stream (wan2.6-r2v makes sound);
// - schedule-text-to-video (`n8n execute`, from its Manual Trigger): a 9:16 1080x1920 MP4 posted to a local receiver,
//   which gets the very bytes DashScope's link serves.
// `npm test` builds first; on its own: npm run build && npx jest --selectProjects e2e -- test/e2e/wan-family
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { startDashScopeServer, type DashScopeServer } from '../../tools/dashscope-server';
import { dashScopeCredentials } from '../../tools/examples';
import { imageFile, probe, probeVideo, type VideoProbe } from '../../tools/media';
import {
	activateWorkflow,
	E2E_TARGETS,
	installTarget,
	makeUserFolder,
	n8nCli,
	nodeOutput,
	packPackage,
	parseRawOutput,
	prepareUserFolder,
	REPO,
	runError,
	startN8n,
	type NodeOption,
	type PreparedUserFolder,
	type RunningN8n,
} from '../../tools/n8n-cli';
import { startSiteServer, type SiteServer } from './site-server';
import { requireBuild, TempDirs } from './support';

jest.setTimeout(20 * 60_000);

const TIME_SCALE = 0.1;
/** A task's usual time: 5 s queued, 55 s running (6 s here); the examples' 15 s poll interval compressed alike. */
const TASK = { pendingMs: 5_000, runningMs: 55_000 };
const POLL_INTERVAL = 15 * TIME_SCALE;
const VERSIONS = ['2.8.4', '2.41.1'];
const TARGETS = E2E_TARGETS.filter((target) => VERSIONS.includes(target.n8n));

interface ExampleNode {
	name: string;
	type: string;
	parameters: Record<string, any>;
}
interface Workflow {
	id: string;
	name: string;
	nodes: ExampleNode[];
	[key: string]: unknown;
}

function loadExample(file: string): Workflow {
	return JSON.parse(readFileSync(path.join(REPO, 'examples', file), 'utf8')) as Workflow;
}

function nodeNamed(workflow: Workflow, name: string): ExampleNode {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`${workflow.name} has no node named "${name}"`);
	return node;
}

/** The example as shipped, its video node's poll interval compressed like the server's time. */
function compressed(file: string, videoNode: string): Workflow {
	const workflow = loadExample(file);
	const options = nodeNamed(workflow, videoNode).parameters.options as Record<string, unknown>;
	// made for real use: asked every 15 s for up to 15 minutes
	if (options.pollInterval !== 15 || options.timeout !== 900)
		throw new Error(
			`${file}: "${videoNode}" polls every ${String(options.pollInterval)} s for ${String(options.timeout)} s`,
		);
	options.pollInterval = POLL_INTERVAL;
	return workflow;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let server: DashScopeServer;
let site: SiteServer;
let tgz: string;
const installs = new Map<string, Promise<{ n8nBin: string; node?: NodeOption }>>();
const temp = new TempDirs();

beforeAll(async () => {
	requireBuild();
	expect(TARGETS.map((target) => target.n8n)).toEqual(VERSIONS);
	for (const target of TARGETS) {
		const promise = installTarget(target);
		promise.catch(() => undefined); // reported by the describe that awaits it
		installs.set(target.n8n, promise);
	}
	[server, site, tgz] = await Promise.all([
		startDashScopeServer({ ...TASK, timeScale: TIME_SCALE }),
		startSiteServer(),
		packPackage(REPO),
	]);
	temp.add(path.dirname(tgz));
}, 10 * 60_000);

afterAll(async () => {
	await server?.close();
	await site?.close();
	temp.removeAll();
});

async function probeBytes(bytes: Buffer, name: string): Promise<{ video: VideoProbe; audioCodecs: string[] }> {
	const file = path.join(temp.make('wan-probe'), name);
	writeFileSync(file, bytes);
	const info = (await probe(file)) as { streams?: Array<{ codec_type?: string; codec_name?: string }> };
	const audioCodecs = (info.streams ?? [])
		.filter((stream) => stream.codec_type === 'audio')
		.map((stream) => String(stream.codec_name));
	return { video: await probeVideo(file), audioCodecs };
}

/** What the task's signed link serves (the storage host wants no key). */
async function servedVideo(taskIndex = 0): Promise<Buffer> {
	const url = server.tasks[taskIndex]?.videoUrl;
	if (!url) throw new Error('the task has no video link');
	return Buffer.from(await (await fetch(url, { signal: AbortSignal.timeout(30_000) })).arrayBuffer());
}

/** Waits until n8n serves the production form (at most 30 s). */
async function formServed(n8n: RunningN8n, formPath: string): Promise<void> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const { status } = await fetch(`${n8n.url}/form/${formPath}`, { signal: AbortSignal.timeout(10_000) });
		if (status === 200) return;
		if (status !== 404 || Date.now() > deadline)
			throw new Error(`GET /form/${formPath} answered ${status}:\n${n8n.output().slice(-3000)}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/**
 * Fills a production form as the page's script does (multipart, field-<n> in order), waits for the completion page
 * and returns the file it carries, then tells n8n the form is done and waits for the execution's success.
 */
async function submitForm(
	n8n: RunningN8n,
	formPath: string,
	fields: Array<string | { bytes: Buffer; type: string; fileName: string }>,
): Promise<{ bytes: Buffer; fileName: string; type: string }> {
	const timeout = () => AbortSignal.timeout(60_000);
	const formUrl = `${n8n.url}/form/${formPath}`;
	const page = await fetch(formUrl, { signal: timeout() });
	if (page.status !== 200)
		throw new Error(`GET /form/${formPath} answered ${page.status}:\n${n8n.output().slice(-3000)}`);
	const html = await page.text();
	// one form element per field, in order; the file ones as file inputs
	for (const [index, field] of fields.entries()) {
		const element = new RegExp(`<(input|textarea)[^>]*name=["']?field-${index}["'\\s>][^>]*>`).exec(html)?.[0];
		expect({ index, element: Boolean(element) }).toEqual({ index, element: true });
		expect({ index, file: /type=["']?file/.test(element!) }).toEqual({ index, file: typeof field !== 'string' });
	}

	const form = new FormData();
	for (const [index, field] of fields.entries()) {
		if (typeof field === 'string') form.append(`field-${index}`, field);
		else form.append(`field-${index}`, new Blob([field.bytes], { type: field.type }), field.fileName);
	}
	const submitted = await fetch(formUrl, { method: 'POST', body: form, signal: timeout() });
	expect(submitted.status).toBe(200);
	const { formWaitingUrl } = (await submitted.json()) as { formWaitingUrl: string };
	// 2.41.1 signs it (?signature=…); the page keeps the query on every request
	expect(formWaitingUrl).toMatch(new RegExp(`^${n8n.url}/form-waiting/\\d+(\\?signature=[0-9a-f]+)?$`));
	const statusUrl = new URL(formWaitingUrl);
	statusUrl.pathname += '/n8n-execution-status';

	const status = async () => (await (await fetch(statusUrl, { signal: timeout() })).text()).trim();
	const waitFor = async (done: (state: string) => boolean, ms: number) => {
		const deadline = Date.now() + ms;
		let state = await status();
		while (!done(state) && Date.now() < deadline) {
			// the page's own polling: nothing to await but the execution's state
			await new Promise((resolve) => setTimeout(resolve, 250));
			state = await status();
		}
		return state;
	};
	const state = await waitFor((now) => !['running', 'new', 'waiting'].includes(now), 3 * 60_000);
	if (state !== 'form-waiting')
		throw new Error(
			`the execution ended as "${state}" instead of showing the completion page:\n${n8n.output().slice(-3000)}`,
		);

	const completion = await fetch(formWaitingUrl, { signal: timeout() });
	expect(completion.status).toBe(200);
	const completionHtml = await completion.text();
	expect(completionHtml).toContain('Your video is ready');
	// 2.8.4 embeds one file (const binary = "…"), 2.41.1 a list (const binaries = "…")
	const embedded = /const (binary|binaries) = "([^"]+)"/.exec(completionHtml);
	if (!embedded) throw new Error('the completion page carries no file');
	type Embedded = { data: { type: string; data: number[] } | string; fileName: string; type: string };
	const decoded = JSON.parse(decodeURIComponent(embedded[2])) as Embedded | Embedded[];
	const files = [decoded].flat();
	expect(files).toHaveLength(1);
	const [binary] = files;
	const bytes = typeof binary.data === 'string' ? Buffer.from(binary.data, 'latin1') : Buffer.from(binary.data.data);

	// as the page's script: 2.41.1 also sends the page's token
	const authToken = /const authToken = '([^']*)'/.exec(completionHtml)?.[1];
	const done = await fetch(formWaitingUrl, {
		method: 'POST',
		body: '{}',
		headers: authToken ? { 'x-auth-token': authToken } : {},
		signal: timeout(),
	});
	expect(done.status).toBe(200);
	expect(await waitFor((now) => now === 'success', 60_000)).toBe('success');
	return { bytes, fileName: binary.fileName, type: binary.type };
}

describe.each(TARGETS)('the Wan family examples in n8n $n8n', (target) => {
	const firstLast = compressed('form-first-last-frame.json', 'First and Last Frame to Video');
	const reference = compressed('reference-to-video.json', 'Reference to Video');
	const daily = compressed('schedule-text-to-video.json', 'Text to Video');
	let install: { n8nBin: string; node?: NodeOption };
	let prepared: PreparedUserFolder;
	let started = 0;
	let dailyPrompt = '';

	beforeAll(async () => {
		started = Date.now();
		install = await installs.get(target.n8n)!;
		// the daily upload goes to the local receiver instead of uploads.example.com
		const settings = nodeNamed(daily, 'Settings').parameters.assignments.assignments as Array<{
			name: string;
			value: string;
		}>;
		settings.find((assignment) => assignment.name === 'uploadUrl')!.value = `${site.url}/upload/daily`;
		dailyPrompt = settings.find((assignment) => assignment.name === 'prompt')!.value;
		prepared = await prepareUserFolder({
			...install,
			workflows: [firstLast, reference, daily],
			credentials: dashScopeCredentials({ baseUrl: server.url, apiKey: server.apiKey }),
			userFolder: temp.add(await makeUserFolder(`n8n-aog-wan-${target.n8n}-`)),
			packageTgz: tgz,
		});
	}, 15 * 60_000);

	afterAll(() => {
		console.log(`the Wan family examples in n8n ${target.n8n}: ${Math.round((Date.now() - started) / 1000)} s`);
	});

	test('schedule-text-to-video.json (`n8n execute`): a 9:16 1080x1920 MP4, posted to the endpoint byte for byte', async () => {
		server.reset();
		const uploadsBefore = site.uploads.length;
		const executed = await n8nCli(install.n8nBin, ['execute', `--id=${daily.id}`, '--rawOutput'], {
			node: install.node,
			folder: prepared.folder,
			env: prepared.env,
			timeoutMs: 5 * 60_000,
		});
		const result = parseRawOutput(executed.stdout);
		expect(runError(result)).toBeUndefined();

		// a prompt only: nothing to upload
		expect(server.counters).toMatchObject({
			submits: 1,
			downloads: 1,
			policies: 0,
			unauthorized: 0,
			storageAuthorization: 0,
		});
		expect(server.tasks).toHaveLength(1);
		const [task] = server.tasks;
		expect(task).toMatchObject({ status: 'SUCCEEDED', model: 'wan2.2-t2v-plus', prompt: dailyPrompt });
		const submit = server.lastRequests.find((request) => request.host === 'api' && request.method === 'POST');
		expect(submit?.body).toMatchObject({ model: 'wan2.2-t2v-plus', parameters: { size: '1080*1920' } });

		const [video] = nodeOutput(result, 'Text to Video');
		expect(video.json).toMatchObject({ taskStatus: 'SUCCEEDED', mimeType: 'video/mp4' });
		const fileName = String(video.json.fileName);
		expect(fileName).toMatch(/^daily-\d{4}-\d{2}-\d{2}\.mp4$/);

		const received = site.uploads.slice(uploadsBefore);
		expect(received).toHaveLength(1);
		const [upload] = received;
		expect(upload.path).toBe('/upload/daily');
		expect(Object.keys(upload.files)).toEqual(['file']);
		expect(upload.files.file).toMatchObject({ fileName, contentType: 'video/mp4' });
		expect(upload.fields).toEqual({ prompt: dailyPrompt });
		const bytes = upload.files.file.data;
		expect(bytes.length).toBe(video.json.fileSize);
		expect(sha256(bytes)).toBe(sha256(await servedVideo()));
		const { video: probed, audioCodecs } = await probeBytes(bytes, fileName);
		expect(probed).toMatchObject({ codec: 'h264', width: 1080, height: 1920, hasAudio: false });
		expect(probed.duration).toBeCloseTo(5, 0);
		expect(audioCodecs).toEqual([]);
	});

	describe('the form examples in one `n8n start`', () => {
		let n8n: RunningN8n;

		// after `n8n execute`: both would use the same database and task runner port
		beforeAll(async () => {
			for (const workflow of [firstLast, reference])
				await activateWorkflow({ ...install, folder: prepared.folder, env: prepared.env, id: workflow.id });
			n8n = await startN8n({ ...install, folder: prepared.folder, env: prepared.env });
			// 2.41.1 registers published workflows' forms just after it says the editor is ready
			for (const formPath of ['wan-first-last-frame', 'wan-reference-to-video']) await formServed(n8n, formPath);
		}, 5 * 60_000);

		afterAll(async () => {
			if (n8n) expect((await n8n.stop()).timedOut).toBe(false);
		});

		test('form-first-last-frame.json: two pictures in the form become the first and last frames, a 720P MP4 comes back', async () => {
			server.reset();
			const uploadsBefore = server.uploads.length;
			const first = readFileSync(imageFile({ width: 1280, height: 720, format: 'jpeg', variant: 61 }));
			const last = readFileSync(imageFile({ width: 1280, height: 720, format: 'png', variant: 62 }));
			const prompt = 'The empty room fills with furniture, smooth time-lapse';
			const back = await submitForm(n8n, 'wan-first-last-frame', [
				{ bytes: first, type: 'image/jpeg', fileName: 'empty-room.jpg' },
				{ bytes: last, type: 'image/png', fileName: 'furnished-room.png' },
				prompt,
			]);

			// both pictures through temporary storage, the first field's as the first frame
			const uploads = server.uploads.slice(uploadsBefore);
			expect(uploads.map(({ model, mime, sha256: digest }) => ({ model, mime, digest }))).toEqual([
				{ model: 'wan2.2-kf2v-flash', mime: 'image/jpeg', digest: sha256(first) },
				{ model: 'wan2.2-kf2v-flash', mime: 'image/png', digest: sha256(last) },
			]);
			expect(server.counters).toMatchObject({
				submits: 1,
				downloads: 1,
				uploadAuthorization: 0,
				storageAuthorization: 0,
				unauthorized: 0,
			});
			const submit = server.lastRequests.find((request) => request.host === 'api' && request.method === 'POST');
			expect(submit?.path).toBe('/api/v1/services/aigc/image2video/video-synthesis');
			expect(submit?.body).toMatchObject({
				model: 'wan2.2-kf2v-flash',
				input: {
					first_frame_url: `oss://${uploads[0].key}`,
					last_frame_url: `oss://${uploads[1].key}`,
					prompt,
				},
			});

			expect(back).toMatchObject({ fileName: 'empty-room-video.mp4', type: 'video/mp4' });
			expect(sha256(back.bytes)).toBe(sha256(await servedVideo()));
			const { video, audioCodecs } = await probeBytes(back.bytes, back.fileName);
			expect(video).toMatchObject({ codec: 'h264', width: 1280, height: 720, hasAudio: false });
			expect(video.duration).toBeCloseTo(5, 0);
			expect(audioCodecs).toEqual([]);
		});

		test('reference-to-video.json: the character picture is Reference 1, the MP4 comes back 1080x1920 with AAC sound', async () => {
			server.reset();
			const uploadsBefore = server.uploads.length;
			const character = readFileSync(imageFile({ width: 800, height: 1000, format: 'jpeg', variant: 63 }));
			const prompt = 'character1 waves at the camera, then walks along a beach at sunset';
			const back = await submitForm(n8n, 'wan-reference-to-video', [
				{ bytes: character, type: 'image/jpeg', fileName: 'mascot.jpg' },
				prompt,
			]);

			const uploads = server.uploads.slice(uploadsBefore);
			expect(uploads.map(({ model, mime, sha256: digest }) => ({ model, mime, digest }))).toEqual([
				{ model: 'wan2.6-r2v', mime: 'image/jpeg', digest: sha256(character) },
			]);
			expect(server.counters).toMatchObject({
				submits: 1,
				downloads: 1,
				uploadAuthorization: 0,
				storageAuthorization: 0,
				unauthorized: 0,
			});
			const submit = server.lastRequests.find((request) => request.host === 'api' && request.method === 'POST');
			expect(submit?.body).toEqual({
				model: 'wan2.6-r2v',
				input: { prompt, reference_urls: [`oss://${uploads[0].key}`] },
				parameters: { size: '1080*1920', duration: 5 },
			});
			expect(server.tasks[0]).toMatchObject({ status: 'SUCCEEDED', audio: true });

			expect(back).toMatchObject({ fileName: 'mascot-video.mp4', type: 'video/mp4' });
			expect(sha256(back.bytes)).toBe(sha256(await servedVideo()));
			const { video, audioCodecs } = await probeBytes(back.bytes, back.fileName);
			expect(video).toMatchObject({ codec: 'h264', width: 1080, height: 1920, hasAudio: true });
			expect(video.duration).toBeCloseTo(5, 0);
			expect(audioCodecs).toEqual(['aac']);
		});
	});
});
