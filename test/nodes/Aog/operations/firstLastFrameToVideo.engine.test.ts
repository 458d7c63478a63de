// First and Last Frame to Video with DashScope directly, in n8n-core's real engine against the DashScope dev server:
// the kf2v endpoint and wan2.7's media body, frames uploaded to temporary storage, what is refused before any
// request, and the task's life (Get Task, Cancel Task, Retry On Fail) as for every mode.
import type { INodeParameters } from 'n8n-workflow';

import type { InjectItem, RunNodeResult } from '../../../../tools/harness/engine';
import type { RunDashScopeOptions } from '../support';
import {
	makeImage,
	probeOutputVideo,
	runAog,
	runDashScope,
	startAogServer,
	startDashScopeServer,
	type AogServer,
	type DashScopeServer,
} from '../support';
import { until } from './dashScopeTasks';

let server: DashScopeServer;
let aog: AogServer;
beforeAll(async () => {
	server = await startDashScopeServer({ timeScale: 0.01 });
	aog = await startAogServer({ port: 0 });
});
afterAll(async () => {
	await server.close();
	await aog.close();
});
beforeEach(() => {
	server.reset();
	server.setOptions({ timeScale: 0.01, pendingMs: 1000, runningMs: 30_000, maxRunning: 0 });
});

const model = (name: string) => ({ __rl: true, mode: 'id', value: name });
const text = (result: RunNodeResult) => `${result.error?.message ?? ''}\n${result.error?.description ?? ''}`;
const submits = () => server.lastRequests.filter((request) => request.host === 'api' && request.method === 'POST');
const first = makeImage({ width: 1280, height: 720, format: 'jpeg', variant: 1 });
const last = makeImage({ width: 1280, height: 720, format: 'png', variant: 2 });
/** One item with both frames: `data` (the first frame's default field) and `lastFrame`. */
const frames: InjectItem = {
	json: {},
	binary: {
		data: { data: first.toString('base64'), mimeType: 'image/jpeg', fileName: 'before.jpg' },
		lastFrame: { data: last.toString('base64'), mimeType: 'image/png', fileName: 'after.png' },
	},
};

async function run(
	parameters: INodeParameters = {},
	options: INodeParameters = {},
	extra: Partial<RunDashScopeOptions> = {},
): Promise<RunNodeResult> {
	return await runDashScope(
		{ operation: 'firstLastFrameToVideo', ...parameters, options: { pollInterval: 1, ...options } },
		{ server, items: [frames], ...extra },
	);
}

describe('First and Last Frame to Video', () => {
	test('two binary frames, the default wan2.2-kf2v-flash: uploaded for the model, the kf2v endpoint, an MP4', async () => {
		const result = await run({ prompt: 'The room fills with furniture' });
		expect(result.error).toBeUndefined();
		expect(server.uploads.map((upload) => [upload.model, upload.mime])).toEqual([
			['wan2.2-kf2v-flash', 'image/jpeg'],
			['wan2.2-kf2v-flash', 'image/png'],
		]);
		const [submit] = submits();
		expect(submit.path).toBe('/api/v1/services/aigc/image2video/video-synthesis');
		expect(submit.headers['x-dashscope-ossresourceresolve']).toBe('enable');
		expect(submit.body).toEqual({
			model: 'wan2.2-kf2v-flash',
			input: {
				first_frame_url: `oss://${server.uploads[0].key}`,
				last_frame_url: `oss://${server.uploads[1].key}`,
				prompt: 'The room fills with furniture',
			},
			parameters: {},
		});
		expect(server.counters).toMatchObject({ uploadAuthorization: 0, storageAuthorization: 0 });
		const [item] = result.output;
		expect(item.json).toMatchObject({ taskStatus: 'SUCCEEDED', model: 'wan2.2-kf2v-flash', aspectRatio: '16:9' });
		expect(item.pairedItem).toEqual({ item: 0 });
		const { probe } = await probeOutputVideo(result, item);
		expect(probe).toMatchObject({ codec: 'h264', hasAudio: false });
		expect(probe.duration).toBeCloseTo(5, 0);
	});

	test('wan2.7-i2v with base64 frames: the media body on the common endpoint, 720P, 3 s', async () => {
		const result = await run(
			{
				model: model('wan2.7-i2v'),
				firstFrameSource: 'base64',
				firstFrameBase64: first.toString('base64'),
				lastFrameSource: 'base64',
				lastFrameBase64: `data:image/png;base64,${last.toString('base64')}`,
			},
			{ resolution: '720P', duration: 3 },
			{ items: [{ json: {} }] },
		);
		expect(result.error).toBeUndefined();
		const [submit] = submits();
		expect(submit.path).toBe('/api/v1/services/aigc/video-generation/video-synthesis');
		expect(submit.body).toEqual({
			model: 'wan2.7-i2v',
			input: {
				media: [
					{ type: 'first_frame', url: `oss://${server.uploads[0].key}` },
					{ type: 'last_frame', url: `oss://${server.uploads[1].key}` },
				],
			},
			parameters: { resolution: '720P', duration: 3 },
		});
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe.height).toBe(720);
		expect(probe.duration).toBeCloseTo(3, 0);
	});

	test('URLs are passed as given: nothing uploaded, no resolve header', async () => {
		await run({
			firstFrameSource: 'url',
			firstFrameUrl: 'https://example.com/before.jpg',
			lastFrameSource: 'url',
			lastFrameUrl: 'https://example.com/after.jpg',
		});
		expect(server.uploads).toHaveLength(0);
		const [submit] = submits();
		expect(submit.body).toMatchObject({
			input: { first_frame_url: 'https://example.com/before.jpg', last_frame_url: 'https://example.com/after.jpg' },
		});
		expect(submit.headers['x-dashscope-ossresourceresolve']).toBeUndefined();
	});

	test.each([
		[
			{ model: model('wanx2.1-kf2v-plus') },
			{ resolution: '1080P' },
			/Resolution is 1080P, which wanx2\.1-kf2v-plus does not make[\s\S]*720P only[\s\S]*wan2\.2-kf2v-flash/,
		],
		[{}, { duration: 10 }, /Duration \(Seconds\) is 10, but wan2\.2-kf2v-flash makes 5-second videos only/],
		[
			{ lastFrameBinaryPropertyName: 'end' },
			{},
			/The item has no binary field "end" for Last Frame[\s\S]*"data", "lastFrame"/,
		],
		[
			{ firstFrameSource: 'url', firstFrameUrl: 'http://192.168.1.5/a.jpg' },
			{},
			/First Frame URL points to a local or private address/,
		],
	])('refused before any request: %j %j', async (parameters, options, message) => {
		const result = await run(parameters, options);
		expect(text(result)).toMatch(message);
		expect(server.lastRequests).toHaveLength(0);
	});

	test('through AOG: refused before any request', async () => {
		aog.reset();
		const result = await runAog({ operation: 'firstLastFrameToVideo' }, { server: aog, items: [frames] });
		expect(result.error?.message).toMatch(/^First and Last Frame to Video needs DashScope directly/);
		expect(aog.lastRequests).toHaveLength(0);
	});

	test('Get Task recovers the task by id; Cancel Task cancels a queued one', async () => {
		server.script({ on: 'task', pendingMs: 0, runningMs: 200_000 }); // 2 s of wall time
		const started = await run({}, { waitForCompletion: false });
		const taskId = String(started.output[0].json.taskId);
		expect(started.output[0].json).toMatchObject({ done: false });
		const recovered = await runDashScope({ operation: 'getTask', taskId, options: { pollInterval: 1 } }, { server });
		expect(recovered.error).toBeUndefined();
		expect(recovered.output[0].json).toMatchObject({ taskId, taskStatus: 'SUCCEEDED', aspectRatio: '16:9' });
		expect(server.counters.submitRequests).toBe(1);

		server.script({ on: 'task', pendingMs: 1_000_000 });
		const queued = await run({}, { waitForCompletion: false });
		const queuedId = String(queued.output[0].json.taskId);
		const canceled = await runDashScope({ operation: 'cancelTask', taskId: queuedId }, { server });
		expect(canceled.output[0].json).toMatchObject({ taskId: queuedId, canceled: true, taskStatus: 'CANCELED' });
		await until(() => server.task(queuedId)!.status === 'CANCELED');
	});

	test('a task that fails after the submit: the error names the task and DashScope’s reason; nothing resubmitted', async () => {
		server.script({ on: 'task', code: 'DataInspectionFailed', message: 'scripted moderation reason' });
		const result = await run();
		const [task] = server.tasks;
		expect(task.status).toBe('FAILED');
		expect(result.output).toEqual([]);
		expect(result.error?.message).toBe(
			`Video task ${task.id} failed: Content moderation blocked the request (DataInspectionFailed)`,
		);
		expect(result.error?.description).toContain('DashScope said: "scripted moderation reason"');
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 1, downloads: 0 });
	});

	test('Retry On Fail after a submit 5xx that created a task: one task, never a second (nor a second upload)', async () => {
		server.script({ on: 'submit', status: 500, code: 'InternalError' });
		const result = await run({}, {}, { nodeSettings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 } });
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 1 });
		expect(server.tasks).toHaveLength(1);
		expect(server.uploads).toHaveLength(2);
		expect(result.error?.description).toMatch(/Not submitted again on this retry \(Retry On Fail\)/);
	});
});
