// Reference to Video with DashScope directly, inside n8n-core's real engine against the DashScope dev server: files
// uploaded to the temporary storage, URLs passed as given, base64 pictures; the body each model family takes; the MP4
// of the size asked for; what is refused before any request; Get Task, Cancel Task and Retry On Fail.
import dns from 'node:dns';

import type { INodeParameters } from 'n8n-workflow';

import type { InjectItem, RunNodeResult } from '../../../../tools/harness/engine';
import { makeImage } from '../../../../tools/media';
import { lookupTestHosts } from '../../../../tools/media/test-hosts';
import {
	jpegItem,
	probeOutputVideo,
	runAog,
	runDashScope,
	startAogServer,
	startDashScopeServer,
	wavBytes,
	type AogServer,
	type DashScopeServer,
	type RunDashScopeOptions,
} from '../support';
import { clip, startMediaHost, type MediaHost } from './mediaHost';
import { listModels } from './modelList';

const TIME_SCALE = 0.01;
const PROMPT = 'character1 hands character2 a cup of coffee in a sunny café';
const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };

let server: DashScopeServer;
let aog: AogServer;
let host: MediaHost;
let dancer: Buffer;

beforeAll(async () => {
	server = await startDashScopeServer({ timeScale: TIME_SCALE });
	aog = await startAogServer({ port: 0 });
	host = await startMediaHost();
	dancer = await clip(640, 360, 3, true);
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
const binary = (bytes: Buffer, mimeType: string) => ({ data: bytes.toString('base64'), mimeType });

async function run(
	parameters: INodeParameters = {},
	options: INodeParameters = {},
	extra: Partial<RunDashScopeOptions> = {},
): Promise<RunNodeResult> {
	return await runDashScope(
		{ operation: 'referenceToVideo', prompt: PROMPT, ...parameters, options: { pollInterval: 1, ...options } },
		{ server, items: [jpegItem()], ...extra },
	);
}

const text = (result: RunNodeResult) => `${result.error?.message ?? ''}\n${result.error?.description ?? ''}`;
const submits = () => server.lastRequests.filter((request) => request.host === 'api' && request.method === 'POST');
const submitted = () => submits()[0].body as { input: Record<string, unknown>; parameters: Record<string, unknown> };
/** A picture in `data` and a clip in `reference2`. */
const pictureAndClip = (): InjectItem => {
	const item = jpegItem();
	return { ...item, binary: { ...item.binary, reference2: binary(dancer, 'video/mp4') } };
};

describe('Reference to Video', () => {
	test('wan2.6-r2v, a picture and a clip as files: both uploaded, reference_urls in order, a 1280×720 MP4 of 3 s with sound', async () => {
		const result = await run(
			{ reference2Source: 'binary' },
			{ size: '1280*720', duration: 3 },
			{ items: [pictureAndClip()] },
		);

		expect(result.error).toBeUndefined();
		expect(server.uploads.map(({ model, mime }) => [model, mime])).toEqual([
			['wan2.6-r2v', 'image/jpeg'],
			['wan2.6-r2v', 'video/mp4'],
		]);
		const [picture, video] = server.uploads;
		expect(submits()[0].body).toEqual({
			model: 'wan2.6-r2v',
			input: { prompt: PROMPT, reference_urls: [`oss://${picture.key}`, `oss://${video.key}`] },
			parameters: { size: '1280*720', duration: 3 },
		});
		expect(server.task(server.tasks[0].id)?.headers['x-dashscope-ossresourceresolve']).toBe('enable');
		expect(server.counters).toMatchObject({ uploadAuthorization: 0, storageAuthorization: 0 });
		expect(result.output[0].json).toMatchObject({ model: 'wan2.6-r2v', prompt: PROMPT, width: 1280, height: 720 });
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe).toMatchObject({ codec: 'h264', width: 1280, height: 720, duration: 3, hasAudio: true });
	});

	test('wan2.6-r2v-flash, clips by URL only: reference_video_urls as given, nothing uploaded, no resolve header', async () => {
		const url = host.add('/people/dancer.mp4', dancer, 'video/mp4');
		const result = await run(
			{ model: model('wan2.6-r2v-flash'), reference1Source: 'url', reference1Url: url },
			{ size: '720*1280', duration: 2, shotType: 'multi' },
		);

		expect(result.error).toBeUndefined();
		expect(submitted()).toMatchObject({
			input: { prompt: PROMPT, reference_video_urls: [url] },
			parameters: { size: '720*1280', duration: 2, shot_type: 'multi' },
		});
		expect(submitted().input).not.toHaveProperty('reference_urls');
		expect(server.counters.policies).toBe(0);
		expect(server.task(server.tasks[0].id)?.headers).not.toHaveProperty('x-dashscope-ossresourceresolve');
		expect(host.gets).toContain('/people/dancer.mp4');
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe).toMatchObject({ width: 720, height: 1280, duration: 2 });
	});

	test('a link without a file extension: the kind is read from its Content-Type (a HEAD without any key)', async () => {
		const url = host.add('/people/clip-without-extension', dancer, 'video/mp4');
		// The node's own HEAD must reach media.test, which the dev servers resolve to this machine; this process
		// resolves it the same way for the duration of the test.
		const lookup = dns.lookup;
		(dns as { lookup: unknown }).lookup = (
			name: string,
			options: dns.LookupOptions,
			callback: Parameters<typeof lookupTestHosts>[2],
		) =>
			/\.test$/.test(name)
				? lookupTestHosts(name, options, callback)
				: Reflect.apply(lookup, dns, [name, options, callback]);
		try {
			const result = await run(
				{ model: model('wan2.7-r2v'), reference1Source: 'url', reference1Url: url },
				{ duration: 2 },
			);
			expect(result.error).toBeUndefined();
			expect(submitted().input).toMatchObject({ media: [{ type: 'reference_video', url }] });
			expect(host.requests.find((request) => request.method === 'HEAD')?.authorization).toBeUndefined();
		} finally {
			(dns as { lookup: unknown }).lookup = lookup;
		}
		server.reset();
		const unknown = await run({ reference1Source: 'url', reference1Url: 'http://nowhere.invalid/clip' });
		expect(text(unknown)).toMatch(/The Reference 1 URL does not say whether it is a picture or a video clip/);
		expect(server.counters.submitRequests).toBe(0);
	});

	test('wan2.7-r2v, a base64 picture and a clip: media entries reference_image and reference_video, in order', async () => {
		const picture = makeImage({ width: 800, height: 800, format: 'png' }).toString('base64');
		const result = await run(
			{ model: model('wan2.7-r2v'), reference1Source: 'base64', reference1Base64: picture, reference2Source: 'binary' },
			{ size: '960*960', duration: 2 },
			{ items: [pictureAndClip()] },
		);

		expect(result.error).toBeUndefined();
		expect(server.uploads.map(({ mime }) => mime)).toEqual(['image/png', 'video/mp4']);
		expect(submitted().input).toEqual({
			prompt: PROMPT,
			media: [
				{ type: 'reference_image', url: `oss://${server.uploads[0].key}` },
				{ type: 'reference_video', url: `oss://${server.uploads[1].key}` },
			],
		});
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe).toMatchObject({ width: 960, height: 960, duration: 2 });
	});

	test('a model the node does not know passes with its family’s body (media from Wan 2.7 on); DashScope has the last word', async () => {
		const url = host.add('/people/anna.jpg', makeImage({ width: 720, height: 720, format: 'jpeg' }), 'image/jpeg');
		const result = await run(
			{ model: model('wan2.8-r2v'), reference1Source: 'url', reference1Url: url },
			{ size: '1234*567' },
		);
		expect(server.counters.submitRequests).toBe(1);
		expect(submitted()).toMatchObject({
			input: { media: [{ type: 'reference_image', url }] },
			parameters: { size: '1234*567' },
		});
		expect(text(result)).toMatch(/DashScope does not know this model \(ModelNotFound\)/);
	});

	test.each([
		[
			'an audio track in Reference 1',
			{},
			{},
			'audio',
			/The binary field "data" is an audio track, but Reference 1 takes a picture or a video clip/,
		],
		[
			'a URL naming audio',
			{ reference1Source: 'url', reference1Url: 'https://example.com/a/voice.mp3' },
			{},
			'jpeg',
			/The Reference 1 URL names an audio track/,
		],
		[
			'a size wan2.6-r2v does not make',
			{},
			{ size: '832*480' },
			'jpeg',
			/Options → Size is 832\*480, which wan2\.6-r2v does not make[\s\S]*1920\*1080/,
		],
		[
			'12 s',
			{},
			{ duration: 12 },
			'jpeg',
			/Options → Duration \(Seconds\) is 12, which wan2\.6-r2v does not make[\s\S]*2–10 s/,
		],
		[
			'Shot Type without Prompt Extend',
			{},
			{ shotType: 'multi', promptExtend: false },
			'jpeg',
			/Options → Shot Type needs Options → Prompt Extend/,
		],
		['an empty prompt', { prompt: ' ' }, {}, 'jpeg', /Prompt is empty[\s\S]*character1/],
		[
			'an image-to-video model',
			{ model: model('wan2.6-i2v') },
			{},
			'jpeg',
			/wan2\.6-i2v is not a reference-to-video model/,
		],
		[
			'a 1 s clip',
			{ reference2Source: 'binary' },
			{},
			'short',
			/Reference 2 is a 1\.0 s clip; DashScope takes 2–30 s here/,
		],
	])('refused before any request: %s', async (_, parameters, options, input, message) => {
		const items: InjectItem[] =
			input === 'audio'
				? [{ json: {}, binary: { data: binary(wavBytes(3), 'audio/wav') } }]
				: input === 'short'
					? [
							{
								...jpegItem(),
								binary: { ...jpegItem().binary, reference2: binary(await clip(640, 360, 1, false), 'video/mp4') },
							},
						]
					: [jpegItem()];
		const result = await run(parameters, options, { items });
		expect(text(result)).toMatch(message);
		expect(server.lastRequests).toHaveLength(0);
	});

	test('through AOG: refused before any request', async () => {
		aog.reset();
		const result = await runAog(
			{ operation: 'referenceToVideo', prompt: PROMPT },
			{ server: aog, items: [jpegItem()] },
		);
		expect(result.error?.message).toMatch(
			/^Reference to Video needs DashScope directly: AOG v0\.7 offers image to video only/,
		);
		expect(aog.lastRequests).toHaveLength(0);
	});

	test('Get Task recovers the task started without waiting', async () => {
		server.script({ on: 'task', pendingMs: 0, runningMs: 200_000 }); // 2 s of wall time
		const started = await run({}, { size: '1080*1920', duration: 2, waitForCompletion: false });
		const taskId = String(started.output[0].json.taskId);
		expect(started.output[0].json).toMatchObject({ done: false, model: 'wan2.6-r2v' });
		server.resetCounters();
		const result = await runDashScope({ operation: 'getTask', taskId, options: { pollInterval: 1 } }, { server });
		expect(result.error).toBeUndefined();
		expect(server.counters.submitRequests).toBe(0);
		expect(result.output[0].json).toMatchObject({ taskId, taskStatus: 'SUCCEEDED', aspectRatio: '9:16' });
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe).toMatchObject({ width: 1080, height: 1920, duration: 2 });
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

describe('the model lists of Reference to Video and Edit Video', () => {
	test('each lists its own models', async () => {
		expect(await listModels('referenceToVideo', 'beijing')).toEqual(['wan2.6-r2v', 'wan2.6-r2v-flash', 'wan2.7-r2v']);
		expect(await listModels('editVideo', 'singapore')).toEqual(['wan2.7-videoedit']);
	});
});
