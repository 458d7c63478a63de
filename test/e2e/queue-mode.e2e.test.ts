// End to end: the AOG node in n8n 2.8.4's queue mode (Redis, PostgreSQL, `n8n start` as main and two
// `n8n worker`s; tools/queue-stack), with examples/webhook-to-video.json published as it is in the repository
// and the packed package installed into every process's user folder.
// - 12 uploads posted to the webhook at once: each answer is the MP4 made from its own picture and prompt,
//   every execution ran on a worker, one generation request per upload; the same with the node connected to
//   DashScope directly (the example with Connect Via DashScope, against tools/dashscope-server);
// - a 200 MiB video through database binary mode arrives whole (the worker's and main's peak memory recorded);
// - a worker SIGKILLed while its generations run: what n8n does with those executions and what the caller sees;
// - examples/wait-loop-get-task.json (Wait → Get Task → IF done) with a 10-minute generation compressed by the
//   dev server's timeScale: one task, the MP4 delivered, and a worker SIGKILLed during the Wait loses nothing.
// Observations go to stdout and to .cache/reports/queue-mode.json; docs/QUEUE-MODE.md reports them.
// On its own: npm run build && npx jest test/e2e/queue-mode.e2e.test.ts
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { startAogServer, type AogServer } from '../../tools/aog-server';
import { makeImage, probeVideo } from '../../tools/media';
import { startDashScopeServer, type DashScopeServer } from '../../tools/dashscope-server';
import {
	dashScopeCredentials,
	DASHSCOPE_CREDENTIAL,
	exampleCredentials,
	prepareWaitLoopWorkflow,
	WAIT_LOOP_NODES,
} from '../../tools/examples';
import { REPO } from '../../tools/n8n-cli';
import { startQueueStack, type QueueStack, type StackWorker, type StoredExecution } from '../../tools/queue-stack';
import { requireBuild, TempDirs } from './support';

jest.setTimeout(20 * 60_000);

const WORKFLOW_FILE = path.join(REPO, 'examples', 'webhook-to-video.json');
const WEBHOOK_PATH = 'aog-image-to-video';
const DASHSCOPE_WEBHOOK_PATH = 'aog-image-to-video-dashscope';
const REPORT_FILE = path.join(REPO, '.cache', 'reports', 'queue-mode.json');
const MiB = 1024 * 1024;
// n8n's Wait parks an execution in the database only from 65 s on (shorter waits hold the worker): 66 whole seconds
// is the smallest wait safely over that line.
const LOOP_WAIT_SECONDS = 66;
const LOOP_WEBHOOK_PATH = 'aog-wait-loop';

let server: AogServer;
let dashScope: DashScopeServer;
let stack: QueueStack;
const temp = new TempDirs();
const report: Record<string, unknown> = { n8nVersion: '2.8.4', workers: 2 };

function record(key: string, value: unknown): void {
	report[key] = value;
	process.stdout.write(`[queue-mode] ${key}: ${JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ')}\n`);
}

interface Upload {
	fileName: string;
	picture: Buffer;
	prompt: string;
}

interface Answer {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
	ms: number;
}

/** POSTs one upload as a browser's form would (multipart: file field "picture", text field "prompt"). */
async function post(upload: Upload, timeoutMs = 5 * 60_000, webhookPath = WEBHOOK_PATH): Promise<Answer> {
	const form = new FormData();
	form.append('picture', new Blob([upload.picture], { type: 'image/jpeg' }), upload.fileName);
	form.append('prompt', upload.prompt);
	const started = Date.now();
	const response = await fetch(stack.webhookUrl(webhookPath), {
		method: 'POST',
		body: form,
		signal: AbortSignal.timeout(timeoutMs),
	});
	const body = Buffer.from(await response.arrayBuffer());
	return { status: response.status, headers: Object.fromEntries(response.headers), body, ms: Date.now() - started };
}

/** The dev server's log of one standard-route request: prompt, and the image shortened to prefix + length. */
interface LoggedGeneration {
	prompt: string;
	image: string;
}

function generationsLogged(): LoggedGeneration[] {
	return server.lastRequests
		.filter((request) => request.method === 'POST' && request.path === '/aog/v0.2/services/image-to-video')
		.map((request) => request.body as LoggedGeneration);
}

/** How the request log shortens a data URI: its prefix, the first 32 base64 characters and the length. */
function loggedImage(picture: Buffer): string {
	const base64 = picture.toString('base64');
	return `data:image/jpeg;base64,${base64.slice(0, 32)}…[${base64.length} base64 chars]`;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function probeBytes(bytes: Buffer, name: string) {
	const file = path.join(temp.make('queue-probe'), name);
	writeFileSync(file, bytes);
	return await probeVideo(file);
}

/** The example with its node connected to DashScope directly, on a webhook path of its own. */
function dashScopeVariant(workflow: any): any {
	const variant = JSON.parse(JSON.stringify(workflow));
	variant.id = 'aogWebhookToVideoDs1';
	variant.name = `${workflow.name} (DashScope directly)`;
	const webhook = variant.nodes.find((node: any) => node.type === 'n8n-nodes-base.webhook');
	webhook.parameters.path = DASHSCOPE_WEBHOOK_PATH;
	webhook.webhookId = '7e8f9a0b-1c2d-4e3f-8a5b-6c7d8e9f0a1b';
	const aog = variant.nodes.find((node: any) => node.type === 'n8n-nodes-aog.aog');
	aog.parameters.authentication = 'dashScopeApi';
	aog.parameters.options.pollInterval = 1;
	aog.credentials = { dashScopeApi: { id: DASHSCOPE_CREDENTIAL.id, name: DASHSCOPE_CREDENTIAL.name } };
	return variant;
}

const mib = (kb: number | undefined) => (kb === undefined ? undefined : Math.round((kb / 1024) * 10) / 10);

beforeAll(async () => {
	requireBuild();
	[server, dashScope] = await Promise.all([
		startAogServer({ port: 0, generationDelayMs: 1500 }),
		startDashScopeServer({ pendingMs: 500, runningMs: 2000, quiet: true }),
	]);
	const workflow = JSON.parse(readFileSync(WORKFLOW_FILE, 'utf8'));
	const started = Date.now();
	stack = await startQueueStack({
		workers: 2,
		workflows: [workflow, dashScopeVariant(workflow), prepareWaitLoopWorkflow({ waitSeconds: LOOP_WAIT_SECONDS })],
		credentials: [
			...exampleCredentials({ baseUrl: server.url }),
			...dashScopeCredentials({ baseUrl: dashScope.url, apiKey: dashScope.apiKey }),
		],
		onProgress: (message) => process.stdout.write(`[queue-stack] ${message}\n`),
	});
	record('stackStartSeconds', Math.round((Date.now() - started) / 100) / 10);
}, 40 * 60_000);

afterAll(async () => {
	if (stack) record('peakRssMiB', { main: mib(stack.peakRss().main), workers: stack.peakRss().workers.map(mib) });
	mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
	writeFileSync(REPORT_FILE, `${JSON.stringify({ ...report, at: new Date().toISOString() }, null, 2)}\n`);
	await stack?.stop();
	await server?.close();
	await dashScope?.close();
	temp.removeAll();
});

describe('examples/webhook-to-video.json in n8n 2.8.4 queue mode (main + 2 workers, PostgreSQL, Redis)', () => {
	test('the stack runs queue mode: main enqueues, the workers are ready, binary data goes to the database', async () => {
		expect(stack.main.output()).toMatch(/Activated workflow "AOG: POST a picture to a webhook/);
		expect(stack.env).toMatchObject({
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		});
		for (const worker of stack.workers) {
			expect(worker.output()).toMatch(/n8n worker is now ready/);
			expect(worker.alive()).toBe(true);
		}
		// the package was loaded from each worker's own user folder
		for (const worker of stack.workers) {
			expect(
				statSync(path.join(worker.folder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-aog', 'package.json')).isFile(),
			).toBe(true);
		}
	});

	test('12 uploads at once: each answer is the MP4 of its own picture and prompt, every execution ran on a worker, one generation each', async () => {
		server.reset();
		server.setOptions({ generationDelayMs: 1500, syntheticVideoBytes: 0 });
		const before = (await stack.executions()).at(-1)?.id ?? 0;
		const uploads = twelveUploads();
		// the request log tells pictures apart by their shortened base64: all twelve must differ
		expect(new Set(uploads.map((upload) => loggedImage(upload.picture))).size).toBe(12);

		const answers = await Promise.all(uploads.map((upload) => post(upload)));
		await expectOwnVideos(uploads, answers);

		// The gateway got each picture once, with its own prompt: one generation per upload, nothing retried.
		expect(server.counters.i2vPosts).toBe(12);
		expect(server.counters.downloads).toBe(12);
		const logged = generationsLogged();
		expect(logged).toHaveLength(12);
		for (const upload of uploads) {
			expect(logged.filter((entry) => entry.image === loggedImage(upload.picture))).toEqual([
				expect.objectContaining({ prompt: upload.prompt }),
			]);
		}

		const perWorker = await expectRanOnWorkers(before, 12, 'aogWebhookToVideoEx1');
		record('twelveUploads', {
			perWorker,
			maxGenerationsInFlight: server.generation.maxInFlight,
			slowestAnswerMs: Math.max(...answers.map((answer) => answer.ms)),
		});
	});

	test("DashScope directly: 12 uploads at once, each answered with its own video, one task each, every task id in its worker's log", async () => {
		dashScope.reset();
		const before = (await stack.executions()).at(-1)?.id ?? 0;
		const uploads = twelveUploads();
		const answers = await Promise.all(uploads.map((upload) => post(upload, 5 * 60_000, DASHSCOPE_WEBHOOK_PATH)));
		await expectOwnVideos(uploads, answers);

		// one task per upload, each with its own picture and prompt, downloaded once
		expect(dashScope.counters.submits).toBe(12);
		expect(dashScope.counters.downloads).toBe(12);
		expect(dashScope.tasks.map((task) => task.status)).toEqual(dashScope.tasks.map(() => 'SUCCEEDED'));
		for (const upload of uploads) {
			expect(
				dashScope.tasks.filter((task) => task.imageUrl === loggedImage(upload.picture)).map((task) => task.prompt),
			).toEqual([upload.prompt]);
		}
		const perWorker = await expectRanOnWorkers(before, 12, 'aogWebhookToVideoDs1');
		// The worker that ran a task logged its id at info level right after the submit: what recovers a billed
		// video after a crash (Get Task with that id).
		const logs = stack.workers.map((worker) => worker.output()).join('\n');
		for (const task of dashScope.tasks) expect(logs).toContain(`created video task ${task.id}`);
		record('twelveUploadsDashScope', {
			perWorker,
			polls: dashScope.counters.polls,
			slowestAnswerMs: Math.max(...answers.map((answer) => answer.ms)),
		});
	});

	test("a 200 MiB video through database binary mode arrives whole; the worker's peak memory is recorded", async () => {
		const bytes = 200 * MiB;
		server.reset();
		server.setOptions({ generationDelayMs: 0, syntheticVideoBytes: bytes });
		const peakBefore = stack.peakRss();
		const before = (await stack.executions()).at(-1)?.id ?? 0;
		let answer: Answer;
		try {
			answer = await post({
				fileName: 'large.jpg',
				picture: makeImage({ width: 1280, height: 720, format: 'jpeg', variant: 400 }),
				prompt: 'A large one',
			});
			expect(answer.status).toBe(200);
			expect(answer.headers['content-type']).toBe('video/mp4');
			expect(answer.body.length).toBe(bytes);
			const probe = await probeBytes(answer.body, 'large-video.mp4');
			expect(probe).toEqual(expect.objectContaining({ codec: 'h264', width: 1920, height: 1080 }));
		} finally {
			server.setOptions({ syntheticVideoBytes: 0 });
		}
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 1 });
		const [execution] = (await stack.executions()).filter((row) => row.id > before);
		expect(execution).toMatchObject({ status: 'success' });
		const worker = stack.workers[stack.executionStarts()[execution.id][0].worker];
		// the video was stored in PostgreSQL (binary_data), not on disk
		const stored = await stack.postgres.queryJson<{ fileSize: number }>(
			`select "fileSize"::bigint as "fileSize" from binary_data where "sourceType" = 'execution' and "sourceId" = '${execution.id}' and "mimeType" = 'video/mp4'`,
		);
		expect(stored.map((row) => Number(row.fileSize))).toEqual([bytes]);
		const peakAfter = stack.peakRss();
		record('largeVideo', {
			videoMiB: bytes / MiB,
			worker: worker.index,
			answerSeconds: Math.round(answer.ms / 100) / 10,
			// from the execution's own times: the worker's part (generation, download, storing, respond)
			executionSeconds: Math.round((Date.parse(execution.stoppedAt!) - Date.parse(execution.startedAt!)) / 100) / 10,
			workerPeakRssMiB: { before: mib(peakBefore.workers[worker.index]), after: mib(peakAfter.workers[worker.index]) },
			mainPeakRssMiB: { before: mib(peakBefore.main), after: mib(peakAfter.main) },
		});
		// database mode holds the whole file in memory: the worker's peak is at least the video's size
		expect(peakAfter.workers[worker.index]! / 1024).toBeGreaterThan(bytes / MiB);
	});

	test('a worker SIGKILLed while its generations run: its executions fail as stalled, the callers get an error, nothing is generated again', async () => {
		server.reset();
		const generationMs = 15_000;
		server.setOptions({ generationDelayMs: generationMs, syntheticVideoBytes: 0 });
		const before = (await stack.executions()).at(-1)?.id ?? 0;
		// pictures of the 12-upload test (their videos are cached by the dev server)
		const uploads: Upload[] = [480, 540, 600, 660].map((width, index) => ({
			fileName: `crash-${index + 1}.jpg`,
			picture: makeImage({ width, height: 720, format: 'jpeg', variant: 300 + index }),
			prompt: `Crash test ${index + 1}`,
		}));
		const answers = uploads.map((upload) => post(upload, 6 * 60_000).catch((error: Error) => error));
		// wait until every generation request has reached the gateway
		const deadline = Date.now() + 60_000;
		while (server.generation.inFlight < uploads.length && Date.now() < deadline) await sleep(100);
		expect(server.generation.inFlight).toBe(uploads.length);
		const starts = stack.executionStarts();
		const mine = Object.entries(starts).filter(([id]) => Number(id) > before);
		expect(mine).toHaveLength(uploads.length);
		const count = (worker: StackWorker) => mine.filter(([, list]) => list[0].worker === worker.index).length;
		const victim = [...stack.workers].sort((a, b) => count(b) - count(a))[0];
		const victimExecutions = mine.filter(([, list]) => list[0].worker === victim.index).map(([id]) => Number(id));
		const killedAt = Date.now();
		await stack.killWorker(victim.index, 'SIGKILL');
		expect(victim.alive()).toBe(false);

		const settled = await Promise.all(answers);
		const lastAnswerAt = Date.now();
		const executions = (await stack.executions()).filter((row) => row.id > before);
		const after = stack.executionStarts();
		const outcome = settled.map((answer, index) =>
			answer instanceof Error
				? { upload: uploads[index].fileName, error: answer.message }
				: {
						upload: uploads[index].fileName,
						status: answer.status,
						type: answer.headers['content-type'],
						bytes: answer.body.length,
						body: answer.headers['content-type']?.startsWith('video/')
							? undefined
							: answer.body.toString('utf8').slice(0, 300),
						seconds: Math.round(answer.ms / 1000),
					},
		);
		record('workerCrash', {
			generationSeconds: generationMs / 1000,
			killedWorker: victim.index,
			victimExecutions,
			answers: outcome,
			executions: executions.map((row) => ({
				id: row.id,
				status: row.status,
				finished: row.finished,
				startedBy: after[row.id]?.map((start) => start.worker),
			})),
			secondsFromKillToLastAnswer: Math.round((lastAnswerAt - killedAt) / 1000),
			generationRequests: server.counters.i2vPosts,
			downloads: server.counters.downloads,
			clientAborts: server.counters.clientAborts,
			billedUpstream: server.counters.upstreamTasksBilled,
		});

		// What n8n 2.8.4 does (it sets Bull's maxStalledCount to 0): once the dead worker's job lock expires
		// (QUEUE_WORKER_LOCK_DURATION, 60 s), a live worker's stalled-job check fails the job; main marks the execution
		// as an error and answers its webhook with 500. Nothing is re-queued or run again.
		expect(victimExecutions.length).toBeGreaterThan(0);
		expect(executions).toHaveLength(uploads.length);
		for (const execution of executions) {
			const killed = victimExecutions.includes(execution.id);
			expect({ id: execution.id, killed, status: execution.status, finished: execution.finished }).toEqual({
				id: execution.id,
				killed,
				status: killed ? 'error' : 'success',
				finished: !killed,
			});
			// each execution was started exactly once: the survivor did not take over the dead worker's jobs
			expect(after[execution.id]).toHaveLength(1);
			if (killed) {
				expect(stack.mainLinesAbout(execution.id).join('\n')).toMatch(
					new RegExp(`job stalled more than maxStalledCount \\(execution ${execution.id}\\)`),
				);
			}
		}
		// the callers: one 500 "Error in workflow" per execution on the killed worker, an MP4 for the others
		for (const answer of settled) {
			if (answer instanceof Error) throw answer;
			if (answer.status !== 200)
				expect({ status: answer.status, body: answer.body.toString('utf8') }).toEqual({
					status: 500,
					body: '{"message":"Error in workflow"}',
				});
		}
		expect(settled.filter((answer) => !(answer instanceof Error) && answer.status === 500)).toHaveLength(
			victimExecutions.length,
		);
		expect(
			settled.filter(
				(answer) =>
					!(answer instanceof Error) && answer.status === 200 && answer.headers['content-type'] === 'video/mp4',
			),
		).toHaveLength(uploads.length - victimExecutions.length);
		// the gateway: no extra generation request; the killed worker's videos were generated (billed) but
		// never downloaded, and its connections were dropped
		expect(server.counters.i2vPosts).toBe(uploads.length);
		expect(server.counters.upstreamTasksBilled).toBe(uploads.length);
		expect(server.counters.downloads).toBe(uploads.length - victimExecutions.length);
		expect(server.counters.clientAborts).toBe(victimExecutions.length);
	});

	test('the Wait → Get Task loop (examples/wait-loop-get-task.json): a 10-minute generation, one task, the MP4 delivered; a worker SIGKILLed during the Wait loses nothing', async () => {
		// Ten minutes of generation in about 100 s: the first check (after one Wait) finds it running, a later one done.
		const generationMs = 10 * 60_000;
		const wallMs = 100_000;
		dashScope.reset();
		dashScope.setOptions({ pendingMs: 0, runningMs: generationMs, timeScale: wallMs / generationMs });
		const started = Date.now();
		try {
			// Two live workers: the crash test above leaves one; a new one starts while the first part runs.
			const live = stack.workers.filter((worker) => worker.alive());
			const another = live.length < 2 ? stack.startWorker() : Promise.resolve(undefined);
			const before = (await stack.executions()).at(-1)?.id ?? 0;
			const upload: Upload = {
				fileName: 'loop.jpg',
				picture: makeImage({ width: 960, height: 720, format: 'jpeg', variant: 700 }),
				prompt: 'A slow push-in, made while the workflow waits',
			};
			// The webhook answers at once with the task (Respond to Webhook after the submit).
			const answer = await post(upload, 60_000, LOOP_WEBHOOK_PATH);
			expect({ status: answer.status, type: answer.headers['content-type'] }).toEqual({
				status: 200,
				type: expect.stringMatching(/^application\/json/),
			});
			const answered = JSON.parse(answer.body.toString('utf8')) as { taskId: string; taskStatus: string };
			expect(answered.taskId).toMatch(/\S/);
			expect(answer.ms).toBeLessThan(30_000);

			// The execution parks in the database: no worker holds it.
			const execution = await waitForExecution(before, (row) => row.status === 'waiting', 60_000);
			const firstWorker = stack.executionStarts()[execution.id][0].worker;
			await another;
			const victim = stack.workers[firstWorker];
			const survivors = stack.workers.filter((worker) => worker.alive() && worker !== victim);
			expect(survivors.length).toBeGreaterThan(0);
			await stack.killWorker(victim, 'SIGKILL');
			expect(victim.alive()).toBe(false);
			const killedAfterMs = Date.now() - started;

			const finished = await waitForExecution(
				before,
				(row) => row.finished || ['success', 'error', 'crashed', 'canceled'].includes(row.status),
				5 * 60_000,
			);
			const data = await stack.executionData(finished.id);
			const runData = data.resultData.runData as Record<string, Array<{ data?: { main: any[][] } }>>;
			const checks = (runData[WAIT_LOOP_NODES.check] ?? []).map((run) => run.data!.main[0][0].json);
			const starts = stack.executionStarts()[finished.id];
			record('waitLoop', {
				waitSeconds: LOOP_WAIT_SECONDS,
				generationSeconds: generationMs / 1000,
				wallSeconds: wallMs / 1000,
				killedWorker: victim.index,
				killedAfterSeconds: Math.round(killedAfterMs / 1000),
				resumedOn: starts.filter((start) => start.worker !== victim.index).map((start) => start.worker),
				checks: checks.map((json) => ({ taskStatus: json.taskStatus, done: json.done })),
				polls: dashScope.counters.polls,
				seconds: Math.round((Date.now() - started) / 1000),
			});
			expect({ status: finished.status, error: data.resultData.error?.message }).toEqual({
				status: 'success',
				error: undefined,
			});

			// Exactly one task, the one the webhook answered with; the loop went round at least twice.
			expect(dashScope.counters.submits).toBe(1);
			expect(dashScope.tasks.map((task) => task.id)).toEqual([answered.taskId]);
			expect(checks.length).toBeGreaterThanOrEqual(2);
			expect(checks.slice(0, -1).map((json) => [json.taskId, json.done])).toEqual(
				checks.slice(0, -1).map(() => [answered.taskId, false]),
			);
			expect(checks.at(-1)).toMatchObject({ taskId: answered.taskId, taskStatus: 'SUCCEEDED', done: true });
			expect(runData[WAIT_LOOP_NODES.submit]).toHaveLength(1);
			expect(runData[WAIT_LOOP_NODES.ready]).toHaveLength(1);
			expect(dashScope.counters.downloads).toBe(1);

			// The first part ran on the killed worker; every resumption (one per check) on another one.
			expect(starts.filter((start) => start.worker === victim.index)).toHaveLength(1);
			expect(starts.filter((start) => start.worker !== victim.index)).toHaveLength(checks.length);

			// The MP4 of that task, stored in the database.
			const [video] = await stack.binaryFiles(finished.id, 'video/mp4');
			expect(video.fileSize).toBe(checks.at(-1).fileSize);
			const probe = await probeBytes(video.data, 'loop-video.mp4');
			expect(probe).toEqual(expect.objectContaining({ codec: 'h264', height: 1080, width: 1440 }));
			expect(probe.duration).toBeGreaterThan(4.8);
		} finally {
			dashScope.setOptions({ pendingMs: 500, runningMs: 2000, timeScale: 1 });
		}
	});
});

/** Polls PostgreSQL until the first execution after `before` matches. */
async function waitForExecution(
	before: number,
	matches: (row: StoredExecution) => boolean,
	timeoutMs: number,
): Promise<StoredExecution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const [row] = (await stack.executions()).filter((candidate) => candidate.id > before);
		if (row && matches(row)) return row;
		if (Date.now() > deadline)
			throw new Error(
				`execution after ${before} is ${row ? `"${row.status}"` : 'missing'} after ${timeoutMs / 1000} s`,
			);
		await sleep(250);
	}
}

/** Twelve aspect ratios: the dev servers keep the picture's aspect ratio at 1080 px high, so a video's width tells which picture it was made from. */
const WIDTHS = [480, 540, 600, 660, 720, 800, 880, 960, 1040, 1120, 1200, 1280];

function twelveUploads(): Upload[] {
	return WIDTHS.map((width, index) => ({
		fileName: `upload-${index + 1}.jpg`,
		picture: makeImage({ width, height: 720, format: 'jpeg', variant: 300 + index }),
		prompt: `Upload ${index + 1}: a slow push-in, ${width} px wide`,
	}));
}

/** Every answer is 200 video/mp4, named after its upload, and the MP4 made from that upload's picture. */
async function expectOwnVideos(uploads: Upload[], answers: Answer[]): Promise<void> {
	const expectedWidth = (width: number) => Math.max(2, Math.round((1080 * width) / 720 / 2) * 2);
	for (const [index, answer] of answers.entries()) {
		const upload = uploads[index];
		expect({ upload: upload.fileName, status: answer.status, type: answer.headers['content-type'] }).toEqual({
			upload: upload.fileName,
			status: 200,
			type: 'video/mp4',
		});
		expect(answer.headers['content-disposition']).toBe(`attachment; filename="upload-${index + 1}-video.mp4"`);
		const probe = await probeVideo(await writeTemp(answer.body, `upload-${index + 1}-video.mp4`));
		expect(probe).toEqual(
			expect.objectContaining({ codec: 'h264', height: 1080, width: expectedWidth(WIDTHS[index]), hasAudio: false }),
		);
		expect(probe.duration).toBeGreaterThan(4.8);
	}
	// twelve different videos
	expect(new Set(answers.map((answer) => sha256(answer.body))).size).toBe(12);
}

/**
 * The executions after `before` are `count` successful webhook executions of the workflow, each started once by a
 * worker (n8n stores no worker id in the execution: the workers' logs say who ran what); main only enqueued them.
 * Returns how many each worker ran.
 */
async function expectRanOnWorkers(before: number, count: number, workflowId: string): Promise<number[]> {
	const executions = (await stack.executions()).filter((execution) => execution.id > before);
	expect(executions).toHaveLength(count);
	expect(executions.map((execution) => [execution.workflowId, execution.mode, execution.status])).toEqual(
		executions.map(() => [workflowId, 'webhook', 'success']),
	);
	const starts = stack.executionStarts();
	const ranOn = executions.map((execution) => starts[execution.id]);
	expect(ranOn.every((list) => list?.length === 1)).toBe(true);
	for (const execution of executions)
		expect(stack.mainLinesAbout(execution.id).join('\n')).toMatch(
			new RegExp(`Enqueued execution ${execution.id} \\(job \\d+\\)`),
		);
	expect(stack.main.output()).not.toMatch(/Worker started execution/);
	const perWorker = stack.workers.map((worker) => ranOn.filter((list) => list[0].worker === worker.index).length);
	// twelve long jobs and a concurrency of 10 per worker: both workers took some
	expect(perWorker.every((n) => n > 0)).toBe(true);
	return perWorker;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function writeTemp(bytes: Buffer, name: string): Promise<string> {
	const file = path.join(temp.make('queue-video'), name);
	writeFileSync(file, bytes);
	return file;
}
