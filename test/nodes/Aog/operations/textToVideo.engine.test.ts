// Text to Video with DashScope directly, inside n8n-core's real engine against the DashScope dev server: the MP4 of
// the size asked for, its sound where the model makes one, what is refused before any request, recovery by Get Task,
// and n8n's Retry On Fail never creating a second task.
import { createHash } from 'node:crypto';

import type { INodeParameters } from 'n8n-workflow';

import type { RunNodeResult } from '../../../../tools/harness/engine';

import type { RunDashScopeOptions } from '../support';
import { listModels } from './modelList';
import {
	jpegItem,
	probeOutputVideo,
	wavBytes,
	runAog,
	runDashScope,
	startAogServer,
	startDashScopeServer,
	type AogServer,
	type DashScopeServer,
} from '../support';

const TIME_SCALE = 0.01;
const PROMPT = 'A lighthouse on a cliff at dusk, waves crashing';
const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };

let server: DashScopeServer;
let aog: AogServer;

beforeAll(async () => {
	server = await startDashScopeServer({ timeScale: TIME_SCALE });
	aog = await startAogServer({ port: 0 });
});
afterAll(async () => {
	await server.close();
	await aog.close();
});
beforeEach(() => {
	server.reset();
	server.setOptions({ timeScale: TIME_SCALE, pendingMs: 1000, runningMs: 30_000, maxRunning: 0 });
});

const model = (name: string) => ({ __rl: true, mode: 'id', value: name });

/** Text to Video, polling every second; no input item needed but the one the harness gives. */
async function run(
	parameters: INodeParameters = {},
	options: INodeParameters = {},
	extra: Partial<RunDashScopeOptions> = {},
): Promise<RunNodeResult> {
	return await runDashScope(
		{ operation: 'textToVideo', prompt: PROMPT, ...parameters, options: { pollInterval: 1, ...options } },
		{ server, items: [{ json: {} }], ...extra },
	);
}

const text = (result: RunNodeResult) => `${result.error?.message ?? ''}\n${result.error?.description ?? ''}`;
const submits = () => server.lastRequests.filter((request) => request.host === 'api' && request.method === 'POST');

describe('Text to Video', () => {
	test('1080*1920 asked: a 1080×1920 MP4 (ffprobe), 9:16, silent on wan2.2, every output field', async () => {
		const result = await run({}, { size: '1080*1920' });

		expect(result.error).toBeUndefined();
		const [item] = result.output;
		const [task] = server.tasks;
		expect(server.tasks).toHaveLength(1);
		expect(submits()[0].body).toEqual({
			model: 'wan2.2-t2v-plus',
			input: { prompt: PROMPT },
			parameters: { size: '1080*1920' },
		});
		expect(item.json).toMatchObject({
			id: task.id,
			taskId: task.id,
			taskStatus: 'SUCCEEDED',
			done: true,
			videoUrl: task.videoUrl,
			model: 'wan2.2-t2v-plus',
			prompt: PROMPT,
			route: 'direct',
			origPrompt: PROMPT,
			usage: { video_duration: 5, video_count: 1, SR: 1080 },
			mimeType: 'video/mp4',
			width: 1080,
			height: 1920,
			aspectRatio: '9:16',
			hasAudio: false,
		});
		expect(item.json).not.toHaveProperty('imageSource');
		const { probe } = await probeOutputVideo(result, item);
		expect(probe).toMatchObject({ codec: 'h264', width: 1080, height: 1920, duration: 5, hasAudio: false });
	});

	test('wan2.6-t2v: the default 1920×1080 with its sound track, 3 s; Audio off makes it silent', async () => {
		const withSound = await run({ model: model('wan2.6-t2v') }, { duration: 3 });
		expect(withSound.error).toBeUndefined();
		expect(submits()[0].body).toMatchObject({ parameters: { duration: 3 } });
		expect((submits()[0].body as { parameters: object }).parameters).not.toHaveProperty('size');
		expect(withSound.output[0].json).toMatchObject({ width: 1920, height: 1080, aspectRatio: '16:9', hasAudio: true });
		const { probe } = await probeOutputVideo(withSound, withSound.output[0]);
		expect(probe).toMatchObject({ width: 1920, height: 1080, duration: 3, hasAudio: true });

		const silent = await run({ model: model('wan2.6-t2v') }, { duration: 3, audio: false });
		expect(silent.output[0].json).toMatchObject({ hasAudio: false });
	});

	test('wan2.5-t2v-preview with an audio URL: audio_url sent, the video has sound', async () => {
		const url = 'https://example.com/voice.mp3';
		const result = await run(
			{ model: model('wan2.5-t2v-preview'), audioSource: 'url', audioUrl: url },
			{ size: '1440*1440' },
		);
		expect(result.error).toBeUndefined();
		expect(submits()[0].body).toMatchObject({
			input: { prompt: PROMPT, audio_url: url },
			parameters: { size: '1440*1440' },
		});
		expect(result.output[0].json).toMatchObject({ width: 1440, height: 1440, aspectRatio: '1:1', hasAudio: true });
	});

	test('a binary voice track goes through the temporary storage: the key only to DashScope, oss:// and the resolve header on the submit', async () => {
		const voice = wavBytes(4);
		const result = await run(
			{ model: model('wan2.5-t2v-preview'), audioSource: 'binary' },
			{ size: '1440*1440' },
			{
				items: [
					{
						json: {},
						binary: { audio: { data: voice.toString('base64'), mimeType: 'audio/wav', fileName: 'voice.wav' } },
					},
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(server.uploads).toHaveLength(1);
		const [upload] = server.uploads;
		expect(upload).toMatchObject({ model: 'wan2.5-t2v-preview', size: voice.length, mime: 'audio/wav' });
		expect(upload.sha256).toBe(createHash('sha256').update(voice).digest('hex'));
		expect(submits()[0].body).toMatchObject({ input: { prompt: PROMPT, audio_url: `oss://${upload.key}` } });
		expect(server.task(server.tasks[0].id)?.headers['x-dashscope-ossresourceresolve']).toBe('enable');
		expect(server.counters).toMatchObject({ policies: 1, uploads: 1, uploadAuthorization: 0, storageAuthorization: 0 });
		expect(result.output[0].json).toMatchObject({ hasAudio: true, width: 1440, height: 1440 });
	});

	test('a binary that is not audio is refused before any request, naming the field and what it holds', async () => {
		const result = await run(
			{ model: model('wan2.5-t2v-preview'), audioSource: 'binary', audioBinaryPropertyName: 'data' },
			{},
			{ items: [jpegItem()] },
		);
		expect(text(result)).toMatch(/The binary field "data" is a picture, but Audio takes an audio track/);
		expect(server.lastRequests).toHaveLength(0);
	});

	test('a region without temporary storage: a clear error asking for a URL, nothing submitted', async () => {
		server.setOptions({ temporaryStorage: false });
		const result = await run(
			{ model: model('wan2.5-t2v-preview'), audioSource: 'binary' },
			{},
			{ items: [{ json: {}, binary: { audio: { data: wavBytes(3).toString('base64'), mimeType: 'audio/wav' } } }] },
		);
		expect(result.error?.message).toMatch(/DashScope's temporary storage gave no upload policy \(HTTP 403/);
		expect(result.error?.description).toMatch(/public http\(s\) URL instead/);
		expect(server.counters.submitRequests).toBe(0);
	});

	test('through AOG: refused before any request', async () => {
		aog.reset();
		const result = await runAog({ operation: 'textToVideo', prompt: PROMPT }, { server: aog, items: [{ json: {} }] });
		expect(result.error?.message).toMatch(
			/^Text to Video needs DashScope directly: AOG v0\.7 offers image to video only/,
		);
		expect(aog.lastRequests).toHaveLength(0);
		expect(aog.counters.i2vPosts + aog.counters.nativePosts).toBe(0);
	});

	test.each([
		[{ size: '1280*720' }, {}, /Options → Size is 1280\*720, which wan2\.2-t2v-plus does not make[\s\S]*1920\*1080/],
		[{ duration: 10 }, {}, /Options → Duration \(Seconds\) is 10, which wan2\.2-t2v-plus does not make/],
		[{ audio: true }, {}, /Options → Audio is not available for wan2\.2-t2v-plus/],
		[{}, { prompt: '   ' }, /Prompt is empty/],
		[{ shotType: 'multi' }, { model: model('wan2.5-t2v-preview') }, /Options → Shot Type is not available/],
	])('refused before any request: %j %j', async (options, parameters, message) => {
		const result = await run(parameters, options);
		expect(text(result)).toMatch(message);
		expect(server.lastRequests).toHaveLength(0);
		expect(server.counters.submitRequests).toBe(0);
	});

	test("wan2.7-t2v, whose sizes are undocumented: the size goes unchecked and DashScope's InvalidParameter answer is told, no task", async () => {
		// wan2.7-t2v's sizes are not documented, so the node sends the size unchecked and DashScope judges it.
		const result = await run({ model: model('wan2.7-t2v') }, { size: '832*480' });
		expect(text(result)).toMatch(/parameters\.size/);
		expect(server.counters.submitRequests).toBe(1);
		expect(server.tasks).toHaveLength(0);
	});

	test('Get Task recovers a text-to-video task by id', async () => {
		server.script({ on: 'task', pendingMs: 0, runningMs: 200_000 }); // 2 s of wall time
		const started = await run({}, { size: '1080*1920', waitForCompletion: false });
		const taskId = String(started.output[0].json.taskId);
		expect(started.output[0].json).toMatchObject({ done: false, model: 'wan2.2-t2v-plus', prompt: PROMPT });
		server.resetCounters();
		const result = await runDashScope({ operation: 'getTask', taskId, options: { pollInterval: 1 } }, { server });
		expect(result.error).toBeUndefined();
		expect(server.counters.submitRequests).toBe(0);
		expect(result.output[0].json).toMatchObject({
			taskId,
			taskStatus: 'SUCCEEDED',
			prompt: PROMPT,
			aspectRatio: '9:16',
		});
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe).toMatchObject({ width: 1080, height: 1920 });
	});

	test('Retry On Fail after a submit 5xx that created a task: one task, never a second', async () => {
		server.script({ on: 'submit', status: 500, code: 'InternalError' }); // creates the task, answers 500
		const result = await run({}, {}, { nodeSettings: RETRY });
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 1 });
		expect(server.tasks).toHaveLength(1);
		expect(result.error?.description).toMatch(/Not submitted again on this retry \(Retry On Fail\)/);
	});
});

describe('the model list offers the models of the operation being edited', () => {
	test('Text to Video: its models, the 2.1 ones by the names of the region', async () => {
		expect(await listModels('textToVideo', 'beijing')).toEqual([
			'wan2.2-t2v-plus',
			'wan2.5-t2v-preview',
			'wan2.6-t2v',
			'wan2.7-t2v',
			'wanx2.1-t2v-turbo',
			'wanx2.1-t2v-plus',
		]);
		const singapore = await listModels('textToVideo', 'singapore');
		expect(singapore).toContain('wan2.1-t2v-turbo');
		expect(singapore.filter((name) => name.startsWith('wanx'))).toEqual([]);
	});

	test('Image to Video keeps its first-frame list', async () => {
		const names = await listModels('imageToVideo', 'beijing');
		expect(names).toContain('wan2.2-i2v-plus');
		expect(names.filter((name) => name.includes('t2v'))).toEqual([]);
	});
});
