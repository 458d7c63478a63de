// Real HTTP calls (node's fetch) against the DashScope dev server: every route, the task life cycle on a
// compressed clock, every scripted answer, the keys, the storage host and the counters.
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { makeImage, toDataUri, probeVideo } from '../../../tools/media';
import {
	startDashScopeServer,
	DashScopeServer,
	DashScopeScript,
	SUBMIT_PATH,
	ERROR_CODES,
	MODELS,
	modelsOf,
} from '../../../tools/dashscope-server';

jest.setTimeout(30000);

const KEY = 'sk-test-beijing';
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;
const UUID = /^[0-9a-f-]{36}$/;
const CANCEL_MESSAGE = 'Failed to cancel the task, please confirm that the task status is PENDING';

let server: DashScopeServer;
let imageServer: http.Server;
let imageServerUrl: string;
let tempDir: string;

const landscapePng = () => makeImage({ width: 1280, height: 720, format: 'png' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Reply {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}

async function call(
	method: string,
	url: string,
	init: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
	const body =
		init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
	const response = await fetch(url, { method, headers: init.headers, body });
	const text = await response.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

const SUBMIT_HEADERS = {
	authorization: `Bearer ${KEY}`,
	'x-dashscope-async': 'enable',
	'content-type': 'application/json',
};

function submitBody(overrides: { model?: string; input?: object; parameters?: object } = {}) {
	return {
		model: overrides.model ?? 'wan2.2-i2v-plus',
		input: overrides.input ?? { img_url: toDataUri(landscapePng()), prompt: 'a slow pan over the test card' },
		parameters: overrides.parameters ?? { resolution: '480P', prompt_extend: true },
	};
}

function submit(
	body: unknown = submitBody(),
	headers: Record<string, string> = SUBMIT_HEADERS,
	target = server,
): Promise<Reply> {
	return call('POST', target.url + SUBMIT_PATH, { body, headers });
}

function poll(taskId: string, key = KEY, target = server): Promise<Reply> {
	return call('GET', `${target.url}/api/v1/tasks/${taskId}`, { headers: { authorization: `Bearer ${key}` } });
}

function cancel(taskId: string): Promise<Reply> {
	return call('POST', `${server.url}/api/v1/tasks/${taskId}/cancel`, { headers: { authorization: `Bearer ${KEY}` } });
}

function list(query = ''): Promise<Reply> {
	return call('GET', `${server.url}/api/v1/tasks${query}`, { headers: { authorization: `Bearer ${KEY}` } });
}

async function submitOk(body: unknown = submitBody()): Promise<string> {
	const reply = await submit(body);
	expect(reply.status).toBe(200);
	return reply.json.output.task_id;
}

/** Poll every 25 ms until the task leaves PENDING/RUNNING; returns the last answer and every status seen. */
async function waitForEnd(taskId: string, timeoutMs = 20000): Promise<{ body: any; seen: string[] }> {
	const seen: string[] = [];
	const started = Date.now();
	for (;;) {
		const reply = await poll(taskId);
		expect(reply.status).toBe(200);
		const status = reply.json.output.task_status;
		if (seen[seen.length - 1] !== status) seen.push(status);
		if (status !== 'PENDING' && status !== 'RUNNING') return { body: reply.json, seen };
		if (Date.now() - started > timeoutMs) throw new Error(`task ${taskId} still ${status} after ${timeoutMs} ms`);
		await sleep(25);
	}
}

async function waitForStatus(taskId: string, status: string, timeoutMs = 10000): Promise<void> {
	const started = Date.now();
	while (server.task(taskId)?.status !== status) {
		if (Date.now() - started > timeoutMs)
			throw new Error(`task ${taskId} is ${server.task(taskId)?.status}, not ${status}`);
		await sleep(10);
	}
}

async function download(
	url: string,
	headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
	const response = await fetch(url, { headers });
	return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function probeBytes(bytes: Buffer) {
	const file = path.join(tempDir, `probe-${Date.now()}-${Math.random().toString(16).slice(2)}.mp4`);
	fs.writeFileSync(file, bytes);
	return probeVideo(file);
}

beforeAll(async () => {
	tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashscope-server-test-'));
	const pictures: Record<string, Buffer> = {
		'/picture.png': landscapePng(),
		'/small.png': makeImage({ width: 300, height: 300 }),
	};
	imageServer = http.createServer((req, res) => {
		const picture = pictures[req.url ?? ''];
		if (picture) res.writeHead(200, { 'Content-Type': 'image/png' }).end(picture);
		else res.writeHead(404).end('not here');
	});
	await new Promise<void>((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
	imageServerUrl = `http://127.0.0.1:${(imageServer.address() as { port: number }).port}`;
	server = await startDashScopeServer();
});

afterAll(async () => {
	await server.close();
	await new Promise((resolve) => imageServer.close(resolve));
	fs.rmSync(tempDir, { recursive: true, force: true });
});

beforeEach(() => {
	server.reset();
	server.setOptions({
		region: 'beijing',
		pendingMs: 100,
		runningMs: 200,
		timeScale: 1,
		maxRunning: 0,
		submitsPerSecond: 0,
		pollsPerSecond: 0,
		videoTtlSeconds: 86400,
	});
});

describe('submit and poll: the task life cycle', () => {
	it('goes PENDING → RUNNING → SUCCEEDED on a compressed clock, with DashScope fields and a signed storage link', async () => {
		// A "1 min queue + 3 min generation" at timeScale 0.005: 0.3 s + 0.9 s.
		server.setOptions({ pendingMs: 60_000, runningMs: 180_000, timeScale: 0.005 });
		const started = Date.now();
		const reply = await submit();
		expect(reply.status).toBe(200);
		expect(reply.headers.get('content-type')).toBe('application/json');
		expect(Object.keys(reply.json)).toEqual(['request_id', 'output']);
		expect(reply.json.request_id).toMatch(UUID);
		expect(reply.json.output).toEqual({ task_id: expect.stringMatching(UUID), task_status: 'PENDING' });
		const taskId = reply.json.output.task_id;

		const { body, seen } = await waitForEnd(taskId);
		const elapsed = Date.now() - started;
		expect(seen).toEqual(['PENDING', 'RUNNING', 'SUCCEEDED']);
		expect(elapsed).toBeGreaterThanOrEqual(1200);
		expect(elapsed).toBeLessThan(10000);
		const { output, usage } = body;
		expect(output).toMatchObject({
			task_id: taskId,
			task_status: 'SUCCEEDED',
			orig_prompt: 'a slow pan over the test card',
		});
		for (const field of ['submit_time', 'scheduled_time', 'end_time']) expect(output[field]).toMatch(TIME);
		expect(output.submit_time <= output.scheduled_time && output.scheduled_time <= output.end_time).toBe(true);
		expect(output.actual_prompt).toMatch(/^a slow pan over the test card\. .+/);
		expect(usage).toEqual({ video_duration: 5, video_count: 1, SR: 480 });

		const link = new URL(output.video_url);
		expect(link.origin).toBe(server.storageUrl);
		expect(server.storageUrl).not.toBe(server.url);
		expect(link.pathname).toMatch(/\.mp4$/);
		expect([...link.searchParams.keys()]).toEqual(['Expires', 'OSSAccessKeyId', 'Signature']);
		expect(Math.abs(Number(link.searchParams.get('Expires')) - (Date.now() / 1000 + 86400))).toBeLessThan(10);
		expect(server.task(taskId)).toMatchObject({
			status: 'SUCCEEDED',
			polls: expect.any(Number),
			videoUrl: output.video_url,
			resolution: '480P',
			duration: 5,
		});
		expect(server.task(taskId)!.polls).toBe(server.counters.polls);
	});

	it('serves a real MP4 without a key and refuses (and counts) a request carrying Authorization', async () => {
		const { body } = await waitForEnd(await submitOk());
		const url: string = body.output.video_url;

		const withKey = await download(url, { authorization: `Bearer ${KEY}` });
		expect(withKey.status).toBe(403);
		expect(withKey.bytes.toString()).toContain('<Code>AccessDenied</Code>');
		expect(server.counters.storageAuthorization).toBe(1);
		expect(server.counters.downloads).toBe(0);

		const video = await download(url);
		expect(video.status).toBe(200);
		expect(video.headers.get('content-type')).toBe('video/mp4');
		expect(Number(video.headers.get('content-length'))).toBe(video.bytes.length);
		expect(await probeBytes(video.bytes)).toMatchObject({
			codec: 'h264',
			pixelFormat: 'yuv420p',
			width: 854,
			height: 480,
			fps: 30,
			duration: 5,
			frames: 150,
			hasAudio: false,
		});
		expect(server.counters).toMatchObject({ storageRequests: 2, downloads: 1, storageAuthorization: 1 });
		expect(server.lastRequests.filter((r) => r.host === 'storage').map((r) => r.status)).toEqual([403, 200]);
	});

	it('honours the requested duration and resolution (wan2.6-i2v, 3 s at 720P)', async () => {
		const { body } = await waitForEnd(
			await submitOk(submitBody({ model: 'wan2.6-i2v', parameters: { resolution: '720P', duration: 3 } })),
		);
		expect(body.usage).toEqual({ video_duration: 3, video_count: 1, SR: 720 });
		const video = await download(body.output.video_url);
		expect(await probeBytes(video.bytes)).toMatchObject({
			codec: 'h264',
			height: 720,
			width: 1280,
			fps: 30,
			duration: 3,
			frames: 90,
		});
	});

	it('leaves out actual_prompt when prompt_extend is false', async () => {
		const { body } = await waitForEnd(
			await submitOk(submitBody({ parameters: { resolution: '480P', prompt_extend: false } })),
		);
		expect(body.output.orig_prompt).toBe('a slow pan over the test card');
		expect(body.output).not.toHaveProperty('actual_prompt');
	});

	it('takes wan2.7 media bodies; img_url sent to wan2.7 is accepted at submit and the task FAILS', async () => {
		const media = { media: [{ type: 'first_frame', url: toDataUri(landscapePng()) }], prompt: 'pan' };
		const good = await waitForEnd(
			await submitOk(submitBody({ model: 'wan2.7-i2v', input: media, parameters: { resolution: '720P' } })),
		);
		expect(good.body.output.task_status).toBe('SUCCEEDED');

		const wrongShape = await submit(submitBody({ model: 'wan2.7-i2v', parameters: { resolution: '720P' } }));
		expect(wrongShape.status).toBe(200);
		const { body, seen } = await waitForEnd(wrongShape.json.output.task_id);
		expect(seen[0]).toBe('PENDING');
		expect(body.output).toMatchObject({
			task_status: 'FAILED',
			code: 'InvalidParameter',
			message: expect.stringMatching(/input\.media/),
		});
		expect(body.output.end_time).toMatch(TIME);
		expect(body).not.toHaveProperty('usage');
	});

	it('downloads URL images in the task: a good URL succeeds, an unreachable one FAILS with InvalidParameter.DataInspection, a too-small one with InvalidParameter', async () => {
		const good = await waitForEnd(await submitOk(submitBody({ input: { img_url: `${imageServerUrl}/picture.png` } })));
		expect(good.body.output.task_status).toBe('SUCCEEDED');
		for (const url of ['http://127.0.0.1:9/picture.png', `${imageServerUrl}/missing.png`]) {
			const reply = await submit(submitBody({ input: { img_url: url } }));
			expect(reply.status).toBe(200);
			const { body } = await waitForEnd(reply.json.output.task_id);
			expect(body.output).toMatchObject({ task_status: 'FAILED', code: 'InvalidParameter.DataInspection' });
		}
		const small = await waitForEnd(await submitOk(submitBody({ input: { img_url: `${imageServerUrl}/small.png` } })));
		expect(small.body.output).toMatchObject({
			task_status: 'FAILED',
			code: 'InvalidParameter',
			message: expect.stringContaining('300x300'),
		});
	});

	it('answers 200 UNKNOWN for a task id it does not know', async () => {
		const reply = await poll('no-such-task-0000');
		expect(reply.status).toBe(200);
		expect(reply.json).toEqual({
			request_id: expect.stringMatching(UUID),
			output: { task_id: 'no-such-task-0000', task_status: 'UNKNOWN' },
		});
		expect(server.counters.polls).toBe(1);
	});

	it('keeps extra tasks PENDING beyond maxRunning, and the gauge shows it', async () => {
		server.setOptions({ maxRunning: 1, pendingMs: 0, runningMs: 400 });
		const ids = [await submitOk(), await submitOk(), await submitOk()];
		await waitForStatus(ids[0], 'RUNNING');
		expect(ids.map((id) => server.task(id)!.status)).toEqual(['RUNNING', 'PENDING', 'PENDING']);
		expect(server.gauge).toMatchObject({ running: 1, pending: 2 });
		for (const id of ids) expect((await waitForEnd(id)).body.output.task_status).toBe('SUCCEEDED');
		// The first task started at once (pendingMs 0), so two waited at most.
		expect(server.gauge).toMatchObject({ running: 0, pending: 0, peakRunning: 1, peakPending: 2 });
		const [first, second] = ids.map((id) => server.task(id)!);
		expect(second.scheduledAt!).toBeGreaterThanOrEqual(first.endedAt!);
	});

	it('runs tasks side by side without maxRunning (peakRunning counts them)', async () => {
		server.setOptions({ pendingMs: 0, runningMs: 300 });
		const ids = await Promise.all([submitOk(), submitOk(), submitOk()]);
		await Promise.all(ids.map((id) => waitForStatus(id, 'RUNNING')));
		expect(server.gauge.running).toBe(3);
		await Promise.all(ids.map((id) => waitForEnd(id)));
		expect(server.gauge.peakRunning).toBe(3);
	});
});

describe('text to video', () => {
	const t2v = (model: string, parameters: object = {}, input: object = { prompt: 'a lighthouse at dusk' }) => ({
		model,
		input,
		parameters,
	});

	it('makes an MP4 of exactly the asked size and duration, with an AAC track where the model makes sound', async () => {
		const { body } = await waitForEnd(await submitOk(t2v('wan2.5-t2v-preview', { size: '1080*1920', duration: 10 })));
		expect(body.usage).toEqual({ video_duration: 10, video_count: 1, SR: 1080 });
		const video = await probeBytes((await download(body.output.video_url)).bytes);
		expect(video).toMatchObject({ width: 1080, height: 1920, duration: 10, hasAudio: true });
	});

	it('defaults to 1920*1080 and 5 s; wan2.2 and audio false make silent videos', async () => {
		for (const body of [t2v('wan2.2-t2v-plus'), t2v('wan2.6-t2v', { audio: false })]) {
			const ended = await waitForEnd(await submitOk(body));
			const video = await probeBytes((await download(ended.body.output.video_url)).bytes);
			expect(video).toMatchObject({ width: 1920, height: 1080, duration: 5, hasAudio: false });
		}
	});

	it.each([
		['no prompt', t2v('wan2.2-t2v-plus', {}, {}), /input\.prompt/],
		['720p on wan2.2', t2v('wan2.2-t2v-plus', { size: '1280*720' }), /parameters\.size.*1280\*720.*1920\*1080/],
		['a resolution tier instead of a size', t2v('wan2.6-t2v', { size: '1080P' }), /parameters\.size/],
		['480p on wan2.6', t2v('wan2.6-t2v', { size: '832*480' }), /parameters\.size/],
		['10 s on wan2.2', t2v('wan2.2-t2v-plus', { duration: 10 }), /duration.*10/],
		['16 s on wan2.6', t2v('wan2.6-t2v', { duration: 16 }), /duration.*2-15/],
		['the international 2.1 name in Beijing', t2v('wan2.1-t2v-turbo'), /Model not exist/],
	])('refuses %s at submit', async (_case, body, message) => {
		const reply = await submit(body);
		expect(reply.status).toBe(/Model not/.test(String(message)) ? 404 : 400);
		expect(reply.json.message).toMatch(message);
		expect(server.counters.submits).toBe(0);
	});
});

describe('keys, regions and headers', () => {
	it("answers 401 InvalidApiKey for another region's key, an unknown key and no key", async () => {
		for (const [authorization, message] of [
			['Bearer sk-test-singapore', 'Invalid API-key provided.'],
			['Bearer sk-made-up', 'Invalid API-key provided.'],
			['', 'No API-key provided.'],
		]) {
			const reply = await submit(submitBody(), { ...SUBMIT_HEADERS, authorization });
			expect(reply.status).toBe(401);
			expect(reply.json).toEqual({ code: 'InvalidApiKey', message, request_id: expect.stringMatching(UUID) });
		}
		expect((await poll('x', 'sk-test-virginia')).status).toBe(401);
		expect(server.counters).toMatchObject({ submitRequests: 3, submits: 0, unauthorized: 4 });
	});

	it('a Singapore server takes the Singapore key, refuses the Beijing one and does not know Beijing model names', async () => {
		const singapore = await startDashScopeServer({ region: 'singapore', pendingMs: 0, runningMs: 0 });
		try {
			const headers = { ...SUBMIT_HEADERS, authorization: 'Bearer sk-test-singapore' };
			expect((await submit(submitBody(), SUBMIT_HEADERS, singapore)).status).toBe(401);
			const beijingName = await submit(
				submitBody({ model: 'wanx2.1-i2v-turbo', parameters: { resolution: '720P' } }),
				headers,
				singapore,
			);
			expect(beijingName.status).toBe(404);
			expect(beijingName.json.code).toBe('ModelNotFound');
			const ok = await submit(
				submitBody({ model: 'wan2.1-i2v-turbo', parameters: { resolution: '720P', duration: 3 } }),
				headers,
				singapore,
			);
			expect(ok.status).toBe(200);
			expect(singapore.apiKey).toBe('sk-test-singapore');
			expect((await poll(ok.json.output.task_id, 'sk-test-singapore', singapore)).json.output.task_status).not.toBe(
				'UNKNOWN',
			);
			// Tasks belong to their region: Beijing does not know it.
			expect((await poll(ok.json.output.task_id)).json.output.task_status).toBe('UNKNOWN');
		} finally {
			await singapore.close();
		}
		expect(modelsOf('singapore')).not.toContain('wanx2.1-i2v-turbo');
	});

	it('accepts several keys per region', async () => {
		server.setOptions({ keys: { beijing: ['sk-one', 'sk-two'] } });
		try {
			expect((await poll('x', 'sk-two')).status).toBe(200);
			expect((await poll('x', KEY)).status).toBe(401);
		} finally {
			server.setOptions({ keys: { beijing: KEY, singapore: 'sk-test-singapore', virginia: 'sk-test-virginia' } });
		}
	});

	it('answers 403 AccessDenied without X-DashScope-Async: enable, and creates no task', async () => {
		const { 'x-dashscope-async': _omitted, ...headers } = SUBMIT_HEADERS;
		const reply = await submit(submitBody(), headers);
		expect(reply.status).toBe(403);
		expect(reply.json.code).toBe('AccessDenied');
		expect(reply.json.message).toMatch(/does not support synchronous calls/);
		expect(server.counters.submits).toBe(0);
		expect(server.tasks).toHaveLength(0);
	});
});

describe('submit validation', () => {
	const png = () => toDataUri(landscapePng());
	it.each([
		['an unknown model', submitBody({ model: 'wan2.2-i2v-max' }), 404, 'ModelNotFound', /Model not exist/],
		[
			'720P on wan2.2-i2v-plus',
			submitBody({ parameters: { resolution: '720P' } }),
			400,
			'InvalidParameter',
			/resolution.*720P.*480P, 1080P/,
		],
		['10 s on wan2.2-i2v-plus', submitBody({ parameters: { duration: 10 } }), 400, 'InvalidParameter', /duration.*10/],
		[
			'480P on wan2.6-i2v',
			submitBody({ model: 'wan2.6-i2v', parameters: { resolution: '480P' } }),
			400,
			'InvalidParameter',
			/resolution/,
		],
		[
			'16 s on wan2.6-i2v',
			submitBody({ model: 'wan2.6-i2v', parameters: { resolution: '720P', duration: 16 } }),
			400,
			'InvalidParameter',
			/duration.*2-15/,
		],
		['no img_url', submitBody({ input: { prompt: 'x' } }), 400, 'InvalidParameter', /input\.img_url/],
		[
			'media without first_frame to wan2.7',
			submitBody({
				model: 'wan2.7-i2v',
				input: { media: [{ type: 'last_frame', url: 'data:' }] },
				parameters: { resolution: '720P' },
			}),
			400,
			'InvalidParameter',
			/first_frame/,
		],
		[
			'bare base64',
			submitBody({ input: { img_url: landscapePng().toString('base64') } }),
			400,
			'InvalidParameter',
			/url error/,
		],
		[
			'a 300x300 picture',
			submitBody({ input: { img_url: toDataUri(makeImage({ width: 300, height: 300 })) } }),
			400,
			'InvalidParameter',
			/300x300/,
		],
		[
			'a 2001x600 picture',
			submitBody({ input: { img_url: toDataUri(makeImage({ width: 2001, height: 600 })) } }),
			400,
			'InvalidParameter',
			/2001x600/,
		],
		[
			'a seed out of range',
			submitBody({ input: { img_url: png() }, parameters: { seed: -1 } }),
			400,
			'InvalidParameter',
			/seed/,
		],
		[
			'a 501-character negative prompt',
			submitBody({ input: { img_url: png(), negative_prompt: 'n'.repeat(501) } }),
			400,
			'InvalidParameter',
			/negative_prompt/,
		],
		['a body that is not JSON', '{"model":', 400, 'InvalidParameter', /JSON/],
	])('refuses %s', async (_name, body, status, code, message) => {
		const reply = await submit(body);
		expect(reply.status).toBe(status);
		expect(reply.json).toEqual({
			code,
			message: expect.stringMatching(message),
			request_id: expect.stringMatching(UUID),
		});
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 0 });
	});

	it('cuts wan2.2 prompts over 800 characters silently', async () => {
		const { body } = await waitForEnd(
			await submitOk(submitBody({ input: { img_url: png(), prompt: 'p'.repeat(900) } })),
		);
		expect(body.output.orig_prompt).toHaveLength(800);
	});

	it("knows the contract's models", () => {
		expect(Object.keys(MODELS)).toEqual(
			expect.arrayContaining([
				'wan2.2-i2v-plus',
				'wan2.2-i2v-flash',
				'wan2.5-i2v-preview',
				'wan2.6-i2v',
				'wan2.6-i2v-flash',
				'wan2.7-i2v',
				'wanx2.1-i2v-turbo',
				'wan2.1-i2v-plus',
			]),
		);
		expect(MODELS['wan2.2-i2v-plus']).toMatchObject({
			body: 'img_url',
			resolutions: ['480P', '1080P'],
			durations: [5],
		});
		expect(MODELS['wan2.7-i2v'].body).toBe('media');
	});
});

describe('cancel and list', () => {
	it('cancels a PENDING task (then it polls CANCELED) but not a RUNNING or finished one', async () => {
		server.setOptions({ pendingMs: 5000 });
		const pending = await submitOk();
		const canceled = await cancel(pending);
		expect(canceled.status).toBe(200);
		expect(canceled.json).toEqual({ request_id: expect.stringMatching(UUID) });
		expect((await poll(pending)).json.output).toMatchObject({
			task_status: 'CANCELED',
			end_time: expect.stringMatching(TIME),
		});
		expect(server.gauge.pending).toBe(0);

		server.setOptions({ pendingMs: 0, runningMs: 5000 });
		const running = await submitOk();
		await waitForStatus(running, 'RUNNING');
		const refused = await cancel(running);
		expect(refused.status).toBe(400);
		expect(refused.json).toEqual({
			code: 'UnsupportedOperation',
			message: CANCEL_MESSAGE,
			request_id: expect.stringMatching(UUID),
		});
		expect(server.task(running)!.status).toBe('RUNNING');

		server.setOptions({ runningMs: 0 });
		const done = await submitOk();
		await waitForEnd(done);
		expect((await cancel(done)).status).toBe(400);
		expect((await cancel('no-such-task')).json.code).toBe('UnsupportedOperation');
		expect(server.counters.cancels).toBe(4);
	});

	it('cancels a task waiting for a free slot (maxRunning) so it never runs', async () => {
		server.setOptions({ maxRunning: 1, pendingMs: 0, runningMs: 500 });
		const first = await submitOk();
		const second = await submitOk();
		await waitForStatus(first, 'RUNNING');
		expect((await cancel(second)).status).toBe(200);
		await waitForEnd(first);
		expect(server.task(second)).toMatchObject({ status: 'CANCELED', scheduledAt: undefined });
	});

	it("lists the account's tasks, newest first, filtered by status and model, paged", async () => {
		server.setOptions({ pendingMs: 0, runningMs: 0 });
		const a = await submitOk();
		await waitForEnd(a);
		server.setOptions({ pendingMs: 10_000 });
		const b = await submitOk();
		const c = await submitOk(submitBody({ model: 'wan2.2-i2v-flash', parameters: { resolution: '720P' } }));

		const all = await list();
		expect(all.status).toBe(200);
		expect(all.json).toMatchObject({
			request_id: expect.stringMatching(UUID),
			total: 3,
			page_no: 1,
			page_size: 10,
			total_page: 1,
		});
		expect(all.json.data.map((t: any) => t.task_id)).toEqual([c, b, a]);
		expect(all.json.data[2]).toMatchObject({
			task_id: a,
			status: 'SUCCEEDED',
			model_name: 'wan2.2-i2v-plus',
			region: 'cn-beijing',
			gmt_create: expect.stringMatching(TIME),
			end_time: expect.stringMatching(TIME),
		});

		expect((await list('?status=PENDING')).json.data.map((t: any) => t.task_id)).toEqual([c, b]);
		expect((await list('?model_name=wan2.2-i2v-flash')).json.data.map((t: any) => t.task_id)).toEqual([c]);
		const page2 = await list('?page_no=2&page_size=2');
		expect(page2.json).toMatchObject({ total: 3, total_page: 2, page_no: 2, page_size: 2 });
		expect(page2.json.data.map((t: any) => t.task_id)).toEqual([a]);
		// A window in the past (Beijing time) holds none of them.
		expect((await list('?start_time=20200101000000&end_time=20200102000000')).json.total).toBe(0);
		const badTime = await list('?start_time=2020-01-01');
		expect(badTime.status).toBe(400);
		expect(badTime.json.code).toBe('InvalidParameter');
		expect((await list('?page_size=101')).status).toBe(400);
		expect(server.counters.lists).toBe(7);
	});
});

describe('scripted tasks', () => {
	const contractFailureCodes = [
		'InvalidParameter',
		'InvalidParameter.DataInspection',
		'DataInspectionFailed',
		'Arrearage',
		'InternalError',
		'InternalError.Timeout',
		'SystemError',
		'ModelServiceFailed',
		'ModelUnavailable',
	];
	it.each(contractFailureCodes)('ends FAILED with %s after running', async (code) => {
		server.setOptions({ pendingMs: 0, runningMs: 50 });
		server.script({ on: 'task', code });
		const { body, seen } = await waitForEnd(await submitOk());
		expect(seen).toContain('RUNNING');
		expect(body.output).toMatchObject({ task_status: 'FAILED', code, message: expect.any(String) });
		expect(body.output.message.length).toBeGreaterThan(0);
	});

	it('takes a custom message, and applies each task entry to one task only', async () => {
		server.setOptions({ pendingMs: 0, runningMs: 0 });
		server.script({
			on: 'task',
			outcome: 'FAILED',
			code: 'DataInspectionFailed',
			message: 'Output data may contain inappropriate content.',
		});
		const failed = await waitForEnd(await submitOk());
		expect(failed.body.output).toMatchObject({
			code: 'DataInspectionFailed',
			message: 'Output data may contain inappropriate content.',
		});
		expect((await waitForEnd(await submitOk())).body.output.task_status).toBe('SUCCEEDED');
	});

	it('ends CANCELED without running', async () => {
		server.script({ on: 'task', outcome: 'CANCELED' });
		const { seen } = await waitForEnd(await submitOk());
		expect(seen).toEqual(['PENDING', 'CANCELED']);
	});

	it('runs a slow task for its own time, scaled by timeScale', async () => {
		server.setOptions({ pendingMs: 0, runningMs: 0, timeScale: 0.01 });
		server.script({ on: 'task', runningMs: 100_000 }); // 1 s of wall time
		const id = await submitOk();
		const fast = await submitOk();
		expect((await waitForEnd(fast)).body.output.task_status).toBe('SUCCEEDED');
		expect(server.task(id)!.status).toBe('RUNNING');
		const { body } = await waitForEnd(id);
		expect(body.output.task_status).toBe('SUCCEEDED');
		expect(server.task(id)!.endedAt! - server.task(id)!.scheduledAt!).toBeGreaterThanOrEqual(950);
	});

	it('forgets a task scripted UNKNOWN: polls then answer UNKNOWN, like an expired task', async () => {
		server.setOptions({ pendingMs: 0, runningMs: 50 });
		server.script({ on: 'task', outcome: 'UNKNOWN' });
		const { body, seen } = await waitForEnd(await submitOk());
		expect(seen[seen.length - 1]).toBe('UNKNOWN');
		expect(body.output.task_status).toBe('UNKNOWN');
		expect((await list()).json.total).toBe(0);
	});
});

describe('scripted requests', () => {
	const submitErrors: Array<[number, string]> = [
		[400, 'InvalidParameter'],
		[400, 'InvalidParameter.DataInspection'],
		[400, 'DataInspectionFailed'],
		[400, 'Arrearage'],
		[401, 'InvalidApiKey'],
		[403, 'AccessDenied'],
		[403, 'AccessDenied.Unpurchased'],
		[403, 'Model.AccessDenied'],
		[403, 'AllocationQuota.FreeTierOnly'],
		[404, 'ModelNotFound'],
		[429, 'Throttling'],
		[429, 'Throttling.RateQuota'],
		[429, 'Throttling.BurstRate'],
		[429, 'Throttling.AllocationQuota'],
		[500, 'InternalError'],
		[500, 'SystemError'],
		[500, 'ModelServiceFailed'],
		[503, 'ModelUnavailable'],
	];
	it.each(submitErrors)('submit answers %i %s (a task only for 5xx)', async (status, code) => {
		expect(ERROR_CODES).toContain(code);
		server.script({ on: 'submit', code });
		const reply = await submit();
		expect(reply.status).toBe(status);
		expect(reply.json).toEqual({ code, message: expect.any(String), request_id: expect.stringMatching(UUID) });
		expect(server.counters.submits).toBe(status >= 500 ? 1 : 0);
		expect(server.tasks).toHaveLength(status >= 500 ? 1 : 0);
		// The next submit is back to normal.
		expect((await submit()).status).toBe(200);
	});

	it('sends Retry-After on a scripted 429 and repeats an entry `times` times', async () => {
		server.script({ on: 'submit', status: 429, code: 'Throttling', retryAfter: 3, times: 2 });
		for (let i = 0; i < 2; i += 1) {
			const reply = await submit();
			expect(reply.status).toBe(429);
			expect(reply.headers.get('retry-after')).toBe('3');
		}
		expect((await submit()).status).toBe(200);
		expect(server.counters).toMatchObject({ submitRequests: 3, submits: 1 });
	});

	it('a scripted 500 on submit still creates a task, which the list finds and which finishes', async () => {
		server.setOptions({ pendingMs: 0, runningMs: 0 });
		server.script({ on: 'submit', status: 500 });
		const reply = await submit();
		expect(reply.status).toBe(500);
		expect(reply.json.code).toBe('InternalError');
		const listed = await list();
		expect(listed.json.total).toBe(1);
		const { body } = await waitForEnd(listed.json.data[0].task_id);
		expect(body.output.task_status).toBe('SUCCEEDED');
	});

	it('createsTask: false on a 500 leaves no task; a dropped submit creates one by default', async () => {
		server.script([
			{ on: 'submit', status: 500, createsTask: false },
			{ on: 'submit', drop: true },
		]);
		expect((await submit()).status).toBe(500);
		expect(server.tasks).toHaveLength(0);
		await expect(submit()).rejects.toThrow();
		expect(server.tasks).toHaveLength(1);
		expect(server.counters.submits).toBe(1);
	});

	it('polls answer scripted 500/503/504 and dropped connections, then the real status', async () => {
		server.setOptions({ pendingMs: 0, runningMs: 0 });
		const id = await submitOk();
		await waitForStatus(id, 'SUCCEEDED');
		server.script([
			{ on: 'poll', status: 500, taskId: id },
			{ on: 'poll', status: 503 },
			{
				on: 'poll',
				status: 504,
				body: '<html><body><h1>504 Gateway Time-out</h1></body></html>',
				contentType: 'text/html',
			},
			{ on: 'poll', drop: true, times: 2 },
		]);
		const first = await poll(id);
		expect([first.status, first.json.code]).toEqual([500, 'InternalError']);
		const second = await poll(id);
		expect([second.status, second.json.code]).toEqual([503, 'ServiceUnavailable']);
		const third = await poll(id);
		expect(third.status).toBe(504);
		expect(third.headers.get('content-type')).toBe('text/html');
		expect(third.text).toContain('504 Gateway Time-out');
		await expect(poll(id)).rejects.toThrow();
		await expect(poll(id)).rejects.toThrow();
		expect((await poll(id)).json.output.task_status).toBe('SUCCEEDED');
		expect(server.task(id)!.polls).toBe(6);
		expect(server.counters.polls).toBe(6);
		expect(server.pendingScript()).toEqual([]);
	});

	it("a poll entry with a taskId leaves other tasks' polls alone", async () => {
		server.script({ on: 'poll', status: 503, taskId: 'other-task' });
		expect((await poll('some-task')).status).toBe(200);
		expect((await poll('other-task')).status).toBe(503);
	});

	it('scripts cancel, list and download answers', async () => {
		server.setOptions({ pendingMs: 0, runningMs: 0 });
		const id = await submitOk();
		const { body } = await waitForEnd(id);
		server.script([
			{ on: 'cancel', status: 500 },
			{ on: 'list', status: 429, code: 'Throttling' },
			{ on: 'download', status: 503 },
			{ on: 'download', drop: true },
		]);
		expect((await cancel(id)).status).toBe(500);
		expect((await list()).status).toBe(429);
		const failed = await download(body.output.video_url);
		expect(failed.status).toBe(503);
		expect(failed.bytes.toString()).toContain('<Code>InternalError</Code>');
		await expect(download(body.output.video_url)).rejects.toThrow();
		expect((await download(body.output.video_url)).status).toBe(200);
	});

	it('hang: never answers (the client gives up)', async () => {
		server.script({ on: 'poll', hang: true });
		await expect(
			fetch(`${server.url}/api/v1/tasks/x`, {
				headers: { authorization: `Bearer ${KEY}` },
				signal: AbortSignal.timeout(300),
			}),
		).rejects.toThrow();
		expect(server.counters.polls).toBe(1);
	});

	it('holdUntilArrivals: the scripted answer waits until that many submits have arrived', async () => {
		server.script({ on: 'submit', status: 429, code: 'Throttling', holdUntilArrivals: 3 });
		const order: string[] = [];
		const first = submit().then((reply) => {
			order.push(`first ${reply.status}`);
			return reply;
		});
		await sleep(150);
		expect(order).toEqual([]);
		const others = [submit(), submit()].map((p) =>
			p.then((reply) => {
				order.push(`other ${reply.status}`);
				return reply;
			}),
		);
		expect((await first).status).toBe(429);
		await Promise.all(others);
		expect(order.filter((entry) => entry === 'other 200')).toHaveLength(2);
	});

	it('refuses malformed entries whole (nothing queued)', () => {
		expect(() => server.script({ on: 'pol', status: 500 } as unknown as DashScopeScript)).toThrow(/"on"/);
		expect(() =>
			server.script([{ on: 'poll', status: 500 }, { on: 'poll', status: 500, retry: 1 } as unknown as DashScopeScript]),
		).toThrow(/unknown field "retry"/);
		expect(() => server.script({ on: 'poll', status: 500, drop: true })).toThrow(/exactly one/);
		expect(() => server.script({ on: 'task', outcome: 'DONE' } as unknown as DashScopeScript)).toThrow(/outcome/);
		expect(server.pendingScript()).toEqual([]);
	});
});

describe('rate limits', () => {
	it('answers 429 Throttling.RateQuota beyond pollsPerSecond and submitsPerSecond, creating no task', async () => {
		server.setOptions({ pollsPerSecond: 2, submitsPerSecond: 1 });
		const statuses = [];
		for (let i = 0; i < 3; i += 1) statuses.push((await poll('x')).status);
		expect(statuses).toEqual([200, 200, 429]);
		expect((await submit()).status).toBe(200);
		const throttled = await submit();
		expect(throttled.status).toBe(429);
		expect(throttled.json.code).toBe('Throttling.RateQuota');
		expect(server.counters.submits).toBe(1);
		await sleep(1050);
		expect((await poll('x')).status).toBe(200);
	});
});

describe('the storage host', () => {
	let url: string;
	beforeEach(async () => {
		server.setOptions({ pendingMs: 0, runningMs: 0 });
		url = (await waitForEnd(await submitOk())).body.output.video_url;
	});

	it('answers HEAD with the size and no body', async () => {
		const response = await fetch(url, { method: 'HEAD' });
		expect(response.status).toBe(200);
		expect(Number(response.headers.get('content-length'))).toBeGreaterThan(1000);
		expect(server.counters.downloads).toBe(0);
	});

	it('refuses a tampered signature, an unknown object and an expired link', async () => {
		const tampered = new URL(url);
		tampered.searchParams.set('Signature', 'AAAA');
		const bad = await download(tampered.href);
		expect(bad.status).toBe(403);
		expect(bad.bytes.toString()).toContain('<Code>SignatureDoesNotMatch</Code>');
		const unknown = await download(url.replace(/[0-9a-f]{32}\.mp4/, `${'0'.repeat(32)}.mp4`));
		expect(unknown.status).toBe(404);
		expect(unknown.bytes.toString()).toContain('<Code>NoSuchKey</Code>');

		server.setOptions({ videoTtlSeconds: 0 });
		const expiredUrl = (await waitForEnd(await submitOk())).body.output.video_url;
		const expired = await download(expiredUrl);
		expect(expired.status).toBe(403);
		expect(expired.bytes.toString()).toContain('Request has expired.');
	});
});

describe('routes, log, control and reset', () => {
	it('answers unknown API paths 404 NotFound (counted as other)', async () => {
		const reply = await call('GET', `${server.url}/api/v1/services/aigc/text-generation`);
		expect(reply.status).toBe(404);
		expect(reply.json.code).toBe('NotFound');
		expect(server.counters).toMatchObject({ other: 1, total: 1 });
	});

	it('logs requests with shortened base64 and the status sent', async () => {
		await submit();
		const [entry] = server.lastRequests;
		expect(entry).toMatchObject({ host: 'api', method: 'POST', path: SUBMIT_PATH, status: 200 });
		expect(entry.headers['x-dashscope-async']).toBe('enable');
		expect(JSON.stringify(entry.body)).toMatch(/base64 chars/);
		expect(server.tasks[0].imageUrl).toMatch(/^data:image\/png;base64,.+base64 chars\]$/);
	});

	it('takes scripts and reports counters and tasks through /__control (no key needed)', async () => {
		const queued = await call('POST', `${server.url}/__control/script`, {
			body: { entries: [{ on: 'poll', status: 503 }] },
		});
		expect(queued.json.queued).toBe(1);
		expect((await poll('x')).status).toBe(503);
		const counters = await call('GET', `${server.url}/__control/counters`);
		expect(counters.json).toMatchObject({ polls: 1, total: 1 });
		expect((await call('POST', `${server.url}/__control/options`, { body: { nope: 1 } })).status).toBe(400);
		expect((await call('GET', `${server.url}/__control/tasks`)).json).toEqual({
			tasks: [],
			gauge: expect.objectContaining({ running: 0 }),
		});
	});

	it('reset() forgets tasks (polls answer UNKNOWN), scripts and counters', async () => {
		server.setOptions({ pendingMs: 10_000 });
		const id = await submitOk();
		server.script({ on: 'poll', status: 500 });
		server.reset();
		expect(server.counters.submits).toBe(0);
		expect(server.tasks).toHaveLength(0);
		expect(server.gauge.pending).toBe(0);
		expect((await poll(id)).json.output.task_status).toBe('UNKNOWN');
	});
});
