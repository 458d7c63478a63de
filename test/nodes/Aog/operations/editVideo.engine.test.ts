// Edit Video with DashScope directly, inside n8n-core's real engine against the DashScope dev server: the clip and a
// reference picture as files (uploaded), URLs or base64; media entries and audio_setting in the body; the edited MP4
// keeps the clip's length and aspect; what is refused before any request; Get Task, Cancel Task and Retry On Fail.
import type { INodeParameters } from 'n8n-workflow';

import type { InjectItem, RunNodeResult } from '../../../../tools/harness/engine';
import { makeImage } from '../../../../tools/media';
import {
	jpegItem,
	probeOutputVideo,
	runAog,
	runDashScope,
	startAogServer,
	startDashScopeServer,
	type AogServer,
	type DashScopeServer,
	type RunDashScopeOptions,
} from '../support';
import { clip, startMediaHost, type MediaHost } from './mediaHost';

const TIME_SCALE = 0.01;
const PROMPT = 'Turn the scene into a snowy winter evening';
const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };

let server: DashScopeServer;
let aog: AogServer;
let host: MediaHost;
let withSound: Buffer;
let silentPortrait: Buffer;

beforeAll(async () => {
	server = await startDashScopeServer({ timeScale: TIME_SCALE });
	aog = await startAogServer({ port: 0 });
	host = await startMediaHost();
	[withSound, silentPortrait] = await Promise.all([clip(640, 360, 3, true), clip(360, 640, 2, false)]);
});
afterAll(async () => {
	await server.close();
	await aog.close();
	await host.close();
});
beforeEach(() => {
	server.reset();
	server.setOptions({ timeScale: TIME_SCALE, pendingMs: 1000, runningMs: 30_000, maxRunning: 0 });
});

const model = (name: string) => ({ __rl: true, mode: 'id', value: name });
const clipItem = (bytes = withSound): InjectItem => ({
	json: {},
	binary: {
		data: { data: bytes.toString('base64'), mimeType: 'video/mp4' },
		referenceImage: jpegItem().binary!.data,
	},
});

async function run(
	parameters: INodeParameters = {},
	options: INodeParameters = {},
	extra: Partial<RunDashScopeOptions> = {},
): Promise<RunNodeResult> {
	return await runDashScope(
		{ operation: 'editVideo', prompt: PROMPT, ...parameters, options: { pollInterval: 1, ...options } },
		{ server, items: [clipItem()], ...extra },
	);
}

const text = (result: RunNodeResult) => `${result.error?.message ?? ''}\n${result.error?.description ?? ''}`;
const submits = () => server.lastRequests.filter((request) => request.host === 'api' && request.method === 'POST');

describe('Edit Video', () => {
	test('a clip and a reference picture as files: both uploaded, media entries, Origin keeps the sound; 720P, 3 s', async () => {
		const result = await run({ referenceImageSource: 'binary' }, { audioSetting: 'origin', resolution: '720P' });

		expect(result.error).toBeUndefined();
		expect(server.uploads.map(({ model, mime }) => [model, mime])).toEqual([
			['wan2.7-videoedit', 'video/mp4'],
			['wan2.7-videoedit', 'image/jpeg'],
		]);
		const [video, picture] = server.uploads;
		expect(submits()[0].body).toEqual({
			model: 'wan2.7-videoedit',
			input: {
				prompt: PROMPT,
				media: [
					{ type: 'video', url: `oss://${video.key}` },
					{ type: 'reference_image', url: `oss://${picture.key}` },
				],
			},
			parameters: { resolution: '720P', audio_setting: 'origin' },
		});
		expect(server.task(server.tasks[0].id)?.headers['x-dashscope-ossresourceresolve']).toBe('enable');
		expect(result.output[0].json).toMatchObject({ model: 'wan2.7-videoedit', width: 1280, height: 720 });
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe).toMatchObject({ codec: 'h264', width: 1280, height: 720, duration: 3, hasAudio: true });
	});

	test('a silent portrait clip by URL, Origin: nothing uploaded, no parameters but the one set, a silent 9:16 video', async () => {
		const url = host.add('/clips/portrait.mp4', silentPortrait, 'video/mp4');
		const result = await run(
			{ videoSource: 'url', videoUrl: url },
			{ audioSetting: 'origin' },
			{ items: [{ json: {} }] },
		);

		expect(result.error).toBeUndefined();
		expect(submits()[0].body).toEqual({
			model: 'wan2.7-videoedit',
			input: { prompt: PROMPT, media: [{ type: 'video', url }] },
			parameters: { audio_setting: 'origin' },
		});
		expect(server.counters.policies).toBe(0);
		expect(server.task(server.tasks[0].id)?.headers).not.toHaveProperty('x-dashscope-ossresourceresolve');
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe).toMatchObject({ width: 1080, height: 1920, duration: 2, hasAudio: false });
	});

	test('a base64 reference picture with a clip by URL: only the picture is uploaded', async () => {
		const url = host.add('/clips/sound.mp4', withSound, 'video/mp4');
		const picture = makeImage({ width: 640, height: 640, format: 'png' }).toString('base64');
		const result = await run(
			{ videoSource: 'url', videoUrl: url, referenceImageSource: 'base64', referenceImageBase64: picture },
			{},
			{ items: [{ json: {} }] },
		);

		expect(result.error).toBeUndefined();
		expect(server.uploads.map(({ mime }) => mime)).toEqual(['image/png']);
		expect(submits()[0].body).toMatchObject({
			input: {
				media: [
					{ type: 'video', url },
					{ type: 'reference_image', url: `oss://${server.uploads[0].key}` },
				],
			},
			parameters: {},
		});
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe).toMatchObject({ width: 1920, height: 1080, duration: 3, hasAudio: true });
	});

	test.each([
		['a picture in Video', {}, {}, 'picture', /The binary field "data" is a picture, but Video takes a video clip/],
		[
			'a URL naming a picture',
			{ videoSource: 'url', videoUrl: 'https://example.com/a/photo.jpg' },
			{},
			'clip',
			/The Video URL names a picture, but Video takes a video clip/,
		],
		[
			'a clip in Reference Image',
			{ referenceImageSource: 'binary', referenceImageBinaryPropertyName: 'data' },
			{},
			'clip',
			/The binary field "data" is a video clip, but Reference Image takes a picture/,
		],
		[
			'480P',
			{},
			{ resolution: '480P' },
			'clip',
			/Options → Resolution is 480P, which wan2\.7-videoedit does not make[\s\S]*720P or 1080P/,
		],
		['an empty prompt', { prompt: '  ' }, {}, 'clip', /Prompt is empty/],
		['a 1 s clip', {}, {}, 'short', /Video is a 1\.0 s clip; DashScope takes 2–10 s here/],
		['an image-to-video model', { model: model('wan2.7-i2v') }, {}, 'clip', /wan2\.7-i2v is an image-to-video model/],
	])('refused before any request: %s', async (_, parameters, options, input, message) => {
		const items =
			input === 'picture'
				? [jpegItem()]
				: input === 'short'
					? [clipItem(await clip(640, 360, 1, false))]
					: [clipItem()];
		const result = await run(parameters, options, { items });
		expect(text(result)).toMatch(message);
		expect(server.lastRequests).toHaveLength(0);
	});

	test('through AOG: refused before any request', async () => {
		aog.reset();
		const result = await runAog({ operation: 'editVideo', prompt: PROMPT }, { server: aog, items: [clipItem()] });
		expect(result.error?.message).toMatch(/^Edit Video needs DashScope directly: AOG v0\.7 offers image to video only/);
		expect(aog.lastRequests).toHaveLength(0);
	});

	test('Get Task recovers the task started without waiting', async () => {
		server.script({ on: 'task', pendingMs: 0, runningMs: 200_000 }); // 2 s of wall time
		const started = await run({}, { waitForCompletion: false });
		const taskId = String(started.output[0].json.taskId);
		expect(started.output[0].json).toMatchObject({ done: false, model: 'wan2.7-videoedit' });
		server.resetCounters();
		const result = await runDashScope({ operation: 'getTask', taskId, options: { pollInterval: 1 } }, { server });
		expect(result.error).toBeUndefined();
		expect(server.counters.submitRequests).toBe(0);
		expect(result.output[0].json).toMatchObject({ taskId, taskStatus: 'SUCCEEDED', aspectRatio: '16:9' });
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe).toMatchObject({ width: 1920, height: 1080, duration: 3 });
	});

	test('Cancel Task cancels the PENDING task', async () => {
		server.script({ on: 'task', pendingMs: 1_000_000 });
		const started = await run({}, { waitForCompletion: false });
		const taskId = String(started.output[0].json.taskId);
		const result = await runDashScope({ operation: 'cancelTask', taskId }, { server });
		expect(result.output[0].json).toMatchObject({ taskId, canceled: true, taskStatus: 'CANCELED' });
		expect(server.task(taskId)?.status).toBe('CANCELED');
	});

	test('Retry On Fail after a submit 5xx that created a task: one task, never a second', async () => {
		server.script({ on: 'submit', status: 500, code: 'InternalError' });
		const result = await run({}, {}, { nodeSettings: RETRY });
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 1 });
		expect(server.tasks).toHaveLength(1);
		expect(result.error?.description).toMatch(/Not submitted again on this retry \(Retry On Fail\)/);
	});
});
