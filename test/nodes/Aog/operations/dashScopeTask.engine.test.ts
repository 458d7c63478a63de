// Image to Video with DashScope directly (docs/DASHSCOPE-API.md), inside n8n-core's real engine against the DashScope
// dev server. The server's clock is compressed (timeScale), never the node's: the node waits its real poll intervals.
// Its counters prove the rule that shapes the node: a job-creating POST is repeated only after an answer that proves
// no task exists (429 Throttling), never after a 5xx or a lost answer.
import type { INodeParameters } from 'n8n-workflow';

import type { RunNodeResult } from '../../../../tools/harness/engine';
import { jpegItem, probeOutputVideo, runDashScope, startDashScopeServer, type DashScopeServer } from '../support';
import type { RunDashScopeOptions } from '../support';

/** 1 compressed ms = 0.01 wall ms by default: the server's default task (1 s queued, 30 s running) takes ~0.3 s. */
const TIME_SCALE = 0.01;

let server: DashScopeServer;

beforeAll(async () => {
	server = await startDashScopeServer({ timeScale: TIME_SCALE });
});
afterAll(async () => await server.close());
beforeEach(() => {
	server.reset();
	server.setOptions({ timeScale: TIME_SCALE, pendingMs: 1000, runningMs: 30_000, maxRunning: 0 });
});

const model = (name: string) => ({ __rl: true, mode: 'id', value: name });

/** Image to Video on one 1280×720 JPEG, polling every second. */
async function run(
	options: INodeParameters = {},
	extra: Partial<RunDashScopeOptions> = {},
	parameters: INodeParameters = {},
): Promise<RunNodeResult> {
	return await runDashScope(
		{ imageSource: 'binary', prompt: 'A slow push-in', ...parameters, options: { pollInterval: 1, ...options } },
		{ server, items: [jpegItem()], ...extra },
	);
}

const text = (result: RunNodeResult) => `${result.error?.message ?? ''}\n${result.error?.description ?? ''}`;
const lastSubmit = () =>
	server.lastRequests.filter((request) => request.host === 'api' && request.method === 'POST').at(-1)!;

// ---------------------------------------------------------------------------------------------------------------

describe('success', () => {
	test('the MP4 (checked with ffprobe) and every output field', async () => {
		const result = await run();

		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(1);
		const [item] = result.output;
		const [task] = server.tasks;
		expect(server.tasks).toHaveLength(1);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			id: task.id,
			taskId: task.id,
			taskStatus: 'SUCCEEDED',
			requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
			submitTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/),
			scheduledTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/),
			endTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/),
			origPrompt: 'A slow push-in',
			actualPrompt: expect.stringMatching(/^A slow push-in\. .+/),
			usage: { video_duration: 5, video_count: 1, SR: 1080 },
			region: 'custom',
			route: 'direct',
			model: 'wan2.2-i2v-plus',
			prompt: 'A slow push-in',
			imageSource: 'binary',
			mimeType: 'video/mp4',
			videoUrl: task.videoUrl,
			fileName: `dashscope-video-${task.id}.mp4`,
		});
		expect(String(item.json.submitTime) <= String(item.json.scheduledTime)).toBe(true);
		expect(String(item.json.scheduledTime) <= String(item.json.endTime)).toBe(true);
		expect(item.json.videoUrlExpiresAt).toEqual(expect.any(String));

		const { bytes, probe } = await probeOutputVideo(result, item);
		expect(probe).toMatchObject({ codec: 'h264', width: 1920, height: 1080, fps: 30, hasAudio: false });
		expect(probe.duration).toBeCloseTo(5, 0);
		expect(item.json.fileSize).toBe(bytes.length);
		expect(item.binary!.data.mimeType).toBe('video/mp4');

		// The submit as docs/DASHSCOPE-API.md describes it, sent once; the download went to the storage host.
		const submit = lastSubmit();
		expect(submit.path).toBe('/api/v1/services/aigc/video-generation/video-synthesis');
		expect(submit.headers['x-dashscope-async']).toBe('enable');
		expect(submit.headers.authorization).toBe(`Bearer ${server.apiKey}`);
		expect(submit.body).toMatchObject({
			model: 'wan2.2-i2v-plus',
			input: { prompt: 'A slow push-in' },
			parameters: { resolution: '1080P' },
		});
		expect((submit.body as { parameters: object }).parameters).not.toHaveProperty('duration'); // fixed-length model
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 1, downloads: 1, cancels: 0 });
	});

	test('a task that needs many polls', async () => {
		server.script({ on: 'task', runningMs: 500_000 }); // 5 s of wall time
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.output[0].json.taskStatus).toBe('SUCCEEDED');
		expect(server.tasks[0].polls).toBeGreaterThanOrEqual(5);
		expect(server.counters).toMatchObject({ submits: 1, downloads: 1 });
		expect(result.output[0].binary?.data.mimeType).toBe('video/mp4');
	});

	test("a generation ten times longer than AOG's one-minute cap (10 compressed minutes) succeeds", async () => {
		// AOG polls DashScope ~100 × 0.5 s and gives up (docs/DASHSCOPE-API.md): the direct path waits as long as the
		// task needs within Options → Timeout (default 600 s).
		server.setOptions({ timeScale: 0.005 });
		server.script({ on: 'task', pendingMs: 60_000, runningMs: 540_000 });
		const result = await run();
		expect(result.error).toBeUndefined();
		const [task] = server.tasks;
		expect(task.pendingMs + task.runningMs).toBe(600_000);
		expect(result.output[0].json).toMatchObject({ taskId: task.id, taskStatus: 'SUCCEEDED' });
		expect(task.polls).toBeGreaterThanOrEqual(3);
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe.codec).toBe('h264');
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('tasks that end without a video', () => {
	test.each([
		[
			'InvalidParameter',
			'DashScope rejected the request (InvalidParameter)',
			/Some input problems only show once the task runs/,
		],
		[
			'DataInspectionFailed',
			'Content moderation blocked the request (DataInspectionFailed)',
			/moderation flagged the input image, the prompt or the generated video/,
		],
		[
			'InvalidParameter.DataInspection',
			'DashScope could not read the image (InvalidParameter.DataInspection)',
			/could not download or decode the image/,
		],
		['Arrearage', 'The Alibaba Cloud account is in arrears (Arrearage)', /overdue payment/],
		['InternalError.Timeout', 'DashScope gave up on the task (InternalError.Timeout)', /within 3 hours/],
		['InternalError', 'DashScope failed (InternalError)', /failed while generating the video/],
	])('FAILED with %s: a message naming the task and the code', async (code, message, description) => {
		server.script({ on: 'task', code, message: `scripted ${code} reason` });
		const result = await run();
		const [task] = server.tasks;
		expect(task.status).toBe('FAILED');
		expect(result.output).toEqual([]);
		expect(result.error?.itemIndex).toBe(0);
		expect(result.error?.message).toBe(`Video task ${task.id} failed: ${message}`);
		expect(result.error?.description).toMatch(description);
		expect(result.error?.description).toContain(`DashScope said: "scripted ${code} reason"`);
		expect(result.error?.description).toContain(`(task id ${task.id})`);
		// A FAILED task is never resubmitted.
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 1, downloads: 0 });
	});

	test('UNKNOWN (the task was forgotten): names the task and the three causes', async () => {
		server.script({ on: 'task', outcome: 'UNKNOWN' });
		const result = await run();
		const [task] = server.tasks;
		expect(result.error?.message).toBe(`DashScope does not know task ${task.id} (UNKNOWN)`);
		expect(result.error?.description).toMatch(
			/the id is wrong, the task is older than 24 h .* another region or Alibaba Cloud account/,
		);
		expect(server.counters.submits).toBe(1);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe("the node's timeout, then Get Task", () => {
	test('a short timeout names the task and says it keeps running; Get Task of the same id then fetches the MP4', async () => {
		server.script({ on: 'task', pendingMs: 0, runningMs: 400_000 }); // 4 s of wall time
		const result = await run({ timeout: 2 });
		const [task] = server.tasks;
		expect(result.output).toEqual([]);
		expect(result.error?.message).toBe(`Video task ${task.id} was still RUNNING after 2 s`);
		expect(result.error?.description).toContain('DashScope keeps working on it and bills it when it finishes');
		expect(result.error?.description).toContain(`use Get Task with the id ${task.id} within 24 h`);
		expect(result.error?.httpCode).toBe('ETIMEDOUT');
		expect(task.status).toBe('RUNNING');

		const fetched = await runDashScope(
			{ operation: 'getTask', taskId: task.id, options: { pollInterval: 1 } },
			{ server },
		);
		expect(fetched.error).toBeUndefined();
		expect(fetched.output[0].json).toMatchObject({
			id: task.id,
			taskId: task.id,
			taskStatus: 'SUCCEEDED',
			route: 'direct',
			origPrompt: 'A slow push-in',
		});
		const { probe } = await probeOutputVideo(fetched, fetched.output[0]);
		expect(probe).toMatchObject({ codec: 'h264', height: 1080 });
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 1, downloads: 1 });
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('submit failures', () => {
	test('429 Throttling is retried (after Retry-After) and exactly one task is created', async () => {
		server.script({ on: 'submit', code: 'Throttling.RateQuota', retryAfter: 1 });
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(server.counters).toMatchObject({ submitRequests: 2, submits: 1, downloads: 1 });
		expect(server.tasks).toHaveLength(1);
		expect(result.output[0].json.taskId).toBe(server.tasks[0].id);
	});

	test('500 after the request arrived: no second submit, and the error says a task may exist', async () => {
		server.script({ on: 'submit', status: 500 }); // creates the task, like a real 5xx may
		const result = await run();
		expect(server.counters.submitRequests).toBe(1);
		expect(server.tasks).toHaveLength(1);
		expect(result.error?.message).toBe(
			'DashScope failed (500 InternalError) after receiving the request: a video task may exist and was not resubmitted',
		);
		expect(result.error?.description).toMatch(
			/does not submit it again: look for the task in the DashScope console's task list/,
		);
		expect(result.error?.httpCode).toBe('500');
	});

	test('a dropped connection on the submit: no second submit, and the error says so', async () => {
		server.script({ on: 'submit', drop: true });
		const result = await run();
		expect(server.counters.submitRequests).toBe(1);
		expect(result.error?.message).toMatch(/^The request that creates the video task got no answer/);
		expect(result.error?.description).toMatch(/the node does not submit it again/);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('poll failures are transient', () => {
	test('503, an HTML 504 page and a dropped connection: the node keeps polling and succeeds', async () => {
		server.script([
			{ on: 'poll', status: 503 },
			{
				on: 'poll',
				status: 504,
				body: '<html><body><h1>504 Gateway Time-out</h1></body></html>',
				contentType: 'text/html',
			},
			{ on: 'poll', drop: true },
		]);
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.output[0].json.taskStatus).toBe('SUCCEEDED');
		expect(server.counters.polls).toBeGreaterThanOrEqual(4);
		expect(server.pendingScript()).toEqual([]);
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 1, downloads: 1 });
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('the stop button', () => {
	test('mid-wait: the queued task is canceled, the node ends within 2 s, the error names the task still running', async () => {
		// Two items at once: the first created task stays PENDING, the second starts RUNNING at once.
		server.script([
			{ on: 'task', pendingMs: 600_000 },
			{ on: 'task', pendingMs: 0, runningMs: 600_000 },
		]);
		const result = await run({ concurrency: 2 }, { items: [jpegItem(0), jpegItem(1)], cancelAfterMs: 2500 });
		const [queued, running] = server.tasks;

		expect(result.cancelled).toBe(true);
		expect(result.status).toBe('canceled');
		// The cancel request itself is bounded by 1.5 s, inside the 2 s.
		expect(result.cancelToEndMs!).toBeLessThan(2000);
		expect(queued.status).toBe('CANCELED');
		expect(running.status).toBe('RUNNING');
		expect(server.counters.cancels).toBeGreaterThanOrEqual(1);
		expect(result.output).toEqual([]);
		expect(result.error?.message).toBe('The execution was canceled while waiting for DashScope');
		expect(result.error?.description).toContain(`Canceled queued task ${queued.id}.`);
		expect(result.error?.description).toMatch(
			new RegExp(
				`Still running upstream \\(they will finish and be billed; Get Task fetches their videos within 24 h\\): item \\d, task ${running.id}, still running`,
			),
		);
		expect(result.error?.description).not.toMatch(new RegExp(`task ${queued.id}, still running`));
	});

	// The stop report already lists the tasks: the other items' jobs are not appended again (a canceled task and one
	// that runs on and is billed are not "failed").
	test('mid-wait: the stop report calls no task "failed"', async () => {
		server.script([
			{ on: 'task', pendingMs: 600_000 },
			{ on: 'task', pendingMs: 0, runningMs: 600_000 },
		]);
		const result = await run({ concurrency: 2 }, { items: [jpegItem(0), jpegItem(1)], cancelAfterMs: 2500 });
		expect(result.error?.message).toBe('The execution was canceled while waiting for DashScope');
		expect(result.error?.description).not.toMatch(/, failed/);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('several items', () => {
	test('continue on fail (error output): the failed item goes to the error output naming its task, the other is delivered', async () => {
		server.script({ on: 'task', code: 'DataInspectionFailed' }); // the first task created: item 0's (concurrency 1)
		const result = await run({}, { items: [jpegItem(0), jpegItem(1)], onError: 'continueErrorOutput' });
		const [failed, delivered] = server.tasks;

		expect(result.error).toBeUndefined();
		expect(result.errorOutput).toHaveLength(1);
		expect(result.errorOutput[0].json.error).toBe(
			`Video task ${failed.id} failed: Content moderation blocked the request (DataInspectionFailed)`,
		);
		expect(result.errorOutput[0].pairedItem).toEqual({ item: 0 });
		expect(result.output).toHaveLength(1);
		expect(result.output[0].json).toMatchObject({ taskId: delivered.id, taskStatus: 'SUCCEEDED' });
		expect(result.output[0].pairedItem).toEqual({ item: 1 });
		expect(result.output[0].binary?.data.mimeType).toBe('video/mp4');
	});

	test('continue on fail (regular output): the error item keeps its place, naming its task', async () => {
		server.script({ on: 'task', code: 'Arrearage' });
		const result = await run({}, { items: [jpegItem(0), jpegItem(1)], onError: 'continueRegularOutput' });
		const [failed, delivered] = server.tasks;
		expect(result.output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.output[0].json.error).toBe(
			`Video task ${failed.id} failed: The Alibaba Cloud account is in arrears (Arrearage)`,
		);
		expect(result.output[1].json).toMatchObject({ taskId: delivered.id, taskStatus: 'SUCCEEDED' });
	});

	// n8n routes to the error output only a json of exactly {error} or {error, message}: there the task id is in the texts.
	test('continue on fail (error output): the error item keeps its message (the description), which names the task', async () => {
		server.script({ on: 'task', code: 'DataInspectionFailed' });
		const result = await run({}, { items: [jpegItem(0), jpegItem(1)], onError: 'continueErrorOutput' });
		expect(result.errorOutput[0].json.message).toContain(`(task id ${server.tasks[0].id})`);
	});

	test('continue on fail (regular output): the error item is {error, message, taskId}', async () => {
		server.script({ on: 'task', code: 'Arrearage' });
		const result = await run({}, { items: [jpegItem(0), jpegItem(1)], onError: 'continueRegularOutput' });
		const failed = server.tasks[0];
		expect(result.output[0].json).toEqual({
			error: expect.stringContaining('(Arrearage)'),
			message: expect.stringContaining(`(task id ${failed.id})`),
			taskId: failed.id,
		});
	});

	test('concurrency 3: three tasks at a time, outputs in input order, each paired with its own item', async () => {
		// Earlier tasks take longer, so they end out of order.
		server.script(
			[300_000, 240_000, 180_000, 120_000, 60_000].map((runningMs) => ({
				on: 'task' as const,
				pendingMs: 0,
				runningMs,
			})),
		);
		const items = [0, 1, 2, 3, 4].map((i) => jpegItem(i, { name: `item-${i}` }));
		const result = await runDashScope(
			{ imageSource: 'binary', prompt: '={{ $json.name }}', options: { pollInterval: 1, concurrency: 3 } },
			{ server, items },
		);

		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(5);
		expect(server.gauge.peakRunning).toBe(3);
		result.output.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json.prompt).toBe(`item-${i}`);
			const task = server.task(String(item.json.taskId))!;
			expect(task.prompt).toBe(`item-${i}`);
			expect(item.json.origPrompt).toBe(`item-${i}`);
			expect(item.binary?.data.mimeType).toBe('video/mp4');
		});
		expect(new Set(result.output.map((item) => item.json.taskId)).size).toBe(5);
		// Not every item finished in input order.
		const ends = result.output.map((item) => server.task(String(item.json.taskId))!.endedAt!);
		expect(ends).not.toEqual([...ends].sort((a, b) => a - b));
	});

	test('without continue on fail: the items in flight finish, and the error lists their tasks', async () => {
		// The first task created fails quickly; the two others run on and must still be followed to the end.
		server.script([
			{ on: 'task', pendingMs: 0, runningMs: 10_000, code: 'InvalidParameter' },
			{ on: 'task', pendingMs: 0, runningMs: 250_000 },
			{ on: 'task', pendingMs: 0, runningMs: 250_000 },
		]);
		const result = await run({ concurrency: 3 }, { items: [jpegItem(0), jpegItem(1), jpegItem(2)] });
		const failed = server.tasks.find((task) => task.status === 'FAILED')!;
		const others = server.tasks.filter((task) => task !== failed);

		expect(result.output).toEqual([]);
		expect(result.error?.message).toBe(
			`Video task ${failed.id} failed: DashScope rejected the request (InvalidParameter)`,
		);
		expect(others.map((task) => task.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
		// Both were followed to the end and downloaded, though their items' outputs are lost with the error.
		expect(server.counters.downloads).toBe(2);
		for (const task of others)
			expect(result.error?.description).toMatch(new RegExp(`item \\d, task ${task.id}, finished, video http://`));
		expect(result.error?.description).toContain("Other items' jobs");
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('checks before any request', () => {
	test.each([
		[
			'wan2.2-i2v-plus',
			'Options → Resolution is 720P, which wan2.2-i2v-plus does not make',
			{ resolution: '720P' },
			/makes 480P or 1080P/,
		],
		[
			'wan2.6-i2v',
			'Options → Resolution is 480P, which wan2.6-i2v does not make',
			{ resolution: '480P' },
			/makes 720P or 1080P/,
		],
		[
			'wan2.2-i2v-plus',
			'Options → Duration (Seconds) is 10, which wan2.2-i2v-plus does not make',
			{ duration: 10 },
			/makes 5 s videos only/,
		],
		[
			'wan2.5-i2v-preview',
			'Options → Duration (Seconds) is 7, which wan2.5-i2v-preview does not make',
			{ duration: 7 },
			/makes 5 or 10 s videos/,
		],
		[
			'wan2.6-i2v',
			'Options → Duration (Seconds) is 16, which wan2.6-i2v does not make',
			{ duration: 16 },
			/makes 2–15 s videos/,
		],
		[
			'wan2.2-i2v-plus',
			'Options → Audio is not available for wan2.2-i2v-plus',
			{ audio: true },
			/makes silent videos; it has no audio switch/,
		],
		[
			'wan2.2-i2v-plus',
			'Options → Audio URL is not available for wan2.2-i2v-plus',
			{ audioUrl: 'https://example.com/voice.mp3' },
			/takes no audio track/,
		],
		[
			'wan2.6-i2v',
			'Options → Seed is -1, not a whole number in 0–2147483647',
			{ seed: -1 },
			/between 0 and 2147483647/,
		],
		[
			'wan2.6-i2v',
			'Options → Negative Prompt has 501 characters; DashScope takes at most 500',
			{ negativePrompt: 'n'.repeat(501) },
			/Shorten it to 500/,
		],
	])('%s: %s', async (name, message, options, description) => {
		const result = await run(options, {}, { model: model(name) });
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toMatch(description);
		expect(result.error?.itemIndex).toBe(0);
		expect(server.counters.total).toBe(0);
		expect(server.counters.storageRequests).toBe(0);
	});

	test('a prompt over the model limit is refused (DashScope would cut it silently)', async () => {
		const result = await run({}, {}, { prompt: 'p'.repeat(801) });
		expect(result.error?.message).toBe('The prompt has 801 characters; wan2.2-i2v-plus takes at most 800');
		expect(server.counters.total).toBe(0);
	});

	test('"Path on AOG Host" is refused before any request', async () => {
		const result = await run({}, {}, { imageSource: 'path', imagePath: '/home/me/photo.jpg' });
		expect(result.error?.message).toBe('"Path on AOG Host" works only through the AOG gateway');
		expect(result.error?.description).toMatch(/DashScope cannot read a file on your machine/);
		expect(server.counters.total).toBe(0);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('body shapes reaching the server', () => {
	test('wan2.7-i2v gets input.media with the first frame (a binary one through temporary storage), and its task succeeds', async () => {
		const result = await run({ duration: 3 }, {}, { model: model('wan2.7-i2v') });
		expect(result.error).toBeUndefined();
		const { body } = lastSubmit() as {
			body: { model: string; input: Record<string, unknown>; parameters: Record<string, unknown> };
		};
		expect(body.model).toBe('wan2.7-i2v');
		expect(body.input).not.toHaveProperty('img_url');
		// The media models' fields are not known to take a data URI: the picture is uploaded for the task's model.
		expect(server.uploads).toEqual([expect.objectContaining({ model: 'wan2.7-i2v', mime: 'image/jpeg' })]);
		expect(body.input.media).toEqual([{ type: 'first_frame', url: `oss://${server.uploads[0].key}` }]);
		expect(body.parameters).toMatchObject({ resolution: '1080P', duration: 3 });
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe.duration).toBeCloseTo(3, 0);
	});

	test('wan2.6-i2v gets input.img_url and its options', async () => {
		const result = await run(
			{ duration: 4, resolution: '720P', seed: 42, promptExtend: false, watermark: true, negativePrompt: 'blur' },
			{},
			{ model: model('wan2.6-i2v') },
		);
		expect(result.error).toBeUndefined();
		const { body } = lastSubmit() as { body: { input: Record<string, unknown>; parameters: Record<string, unknown> } };
		expect(body.input).not.toHaveProperty('media');
		expect(body.input).toMatchObject({
			img_url: expect.stringMatching(/^data:image\/jpeg;base64,/),
			prompt: 'A slow push-in',
			negative_prompt: 'blur',
		});
		expect(body.parameters).toEqual({
			resolution: '720P',
			duration: 4,
			seed: 42,
			prompt_extend: false,
			watermark: true,
		});
		expect(result.output[0].json).toMatchObject({ actualPrompt: null, usage: { video_duration: 4, SR: 720 } });
		const { probe } = await probeOutputVideo(result, result.output[0]);
		expect(probe).toMatchObject({ height: 720 });
		expect(probe.duration).toBeCloseTo(4, 0);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('keys and regions', () => {
	test("a key of another region: 401 InvalidApiKey, and the message asks about the key's region", async () => {
		const result = await run({}, { credentials: { apiKey: 'sk-test-singapore' } });
		expect(server.counters).toMatchObject({ submitRequests: 1, submits: 0, unauthorized: 1 });
		expect(result.error?.message).toBe(
			"DashScope refused the API key (InvalidApiKey): is it a key of the custom host's region?",
		);
		expect(result.error?.description).toMatch(
			/A key works only in the region it was created in: a key of another region than the credential's \(a custom host\) is the usual cause/,
		);
		expect(result.error?.httpCode).toBe('401');
		expect(text(result)).not.toContain('sk-test-singapore');
	});
});
