// The fault matrix (docs/RELIABILITY.md): whatever the gateway, the network or the video host does, the node ends with a clear
// error naming the item, its cause and its fix, or succeeds after a retry that cannot create a second video.
// The dev server's counters prove it: the job-creating POST is sent exactly once after a 500, a reset or a timeout.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import type { ScriptedFailure } from '../../../../tools/aog-server';
import { userFolder } from '../../../../tools/harness/engine';
import { closedPort, jpegItem, runAog, startAogServer, type AogServer } from '../support';
import type { RunAogOptions } from '../support';
import type { RunNodeResult } from '../../../../tools/harness/engine';

let server: AogServer;

beforeAll(async () => {
	server = await startAogServer({ port: 0 });
});
afterAll(async () => await server.close());
beforeEach(() => server.reset());

type Options = INodeParameters;

/** One item (a 1280×720 JPEG) through Image to Video with these options. */
async function run(options: Options = {}, extra: Partial<RunAogOptions> = {}): Promise<RunNodeResult> {
	return await runAog(
		{ imageSource: 'binary', prompt: 'A slow push-in', options },
		{ server, items: [jpegItem()], ...extra },
	);
}

interface Expected {
	/** The whole message, item index included. */
	message: string | RegExp;
	/** What the description must say: the cause, then the fix (one pattern each, at least). */
	description: RegExp[];
	httpCode?: string;
}

function expectError(result: RunNodeResult, expected: Expected) {
	expect(result.output).toEqual([]);
	expect(result.error).toBeDefined();
	const { message, description, httpCode } = result.error!;
	if (typeof expected.message === 'string') expect(message).toBe(expected.message);
	else expect(message).toMatch(expected.message);
	expect(result.error?.itemIndex).toBe(0);
	for (const pattern of expected.description) expect(description ?? '').toMatch(pattern);
	expect(httpCode ?? undefined).toBe(expected.httpCode);
}

/** Waits (briefly) for a counter the server updates when a socket closes. */
async function eventually(check: () => boolean, withinMs = 1000) {
	const until = Date.now() + withinMs;
	while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
	return check();
}

const BILLED = /may still be generated and billed upstream, so the node does not resubmit it automatically/;
const CHECK_CONSOLE = /check the DashScope console \(Beijing region\) before running this item again/;
const SETUP = /see "Setting up AOG" in the README/;

// ---------------------------------------------------------------------------------------------------------------
// Generation: the job-creating POST fails; it is sent once and never repeated.

describe('generation faults: a clear error, the POST sent exactly once', () => {
	const cases: Array<[string, ScriptedFailure, Expected]> = [
		[
			'200 with HTML (the control panel page)',
			{ kind: 'html200' },
			{
				message: 'AOG answered with a web page (HTML) instead of JSON',
				description: [
					/every unknown \/aog\/v0\.2\/… path with its control panel's page/,
					/Set the credential's Base URL to the gateway root/,
				],
				httpCode: '200',
			},
		],
		[
			'200 with an empty body',
			{ kind: 'empty200' },
			{
				message: 'AOG answered 200 with an empty body',
				description: [
					/not an answer AOG normally gives/,
					/check that the credential's Base URL points at AOG/,
					CHECK_CONSOLE,
				],
			},
		],
		[
			'200 with malformed JSON',
			{ kind: 'malformedJson200' },
			{
				message:
					/^AOG answered 200 with text that is not valid JSON: \{"id":"[0-9a-f-]+","data":"http:\/\/127\.0\.0\.1:\d+\/videos\/$/,
				description: [
					/not an answer AOG normally gives/,
					/check that the credential's Base URL points at AOG/,
					CHECK_CONSOLE,
				],
			},
		],
		[
			'200 JSON without data (task FAILED upstream)',
			{ kind: 'noData200' },
			{
				message: 'The generation task failed upstream; AOG does not say why',
				description: [
					/DashScope ended the task as FAILED or UNKNOWN \(request id [0-9a-f-]+\)/,
					/Try another image or prompt, or set Options → Route to "Native"/,
				],
			},
		],
		[
			'data that is not an http(s) URL',
			{ kind: 'nonHttpData' },
			{
				message:
					/^AOG returned a video address that is not an http\(s\) URL \(ftp:\/\/aog-dev-bucket\.oss-cn-beijing\.aliyuncs\.com\/[0-9a-f]+…\)$/,
				description: [
					/not an answer AOG normally gives/,
					/check that the credential's Base URL points at AOG/,
					CHECK_CONSOLE,
				],
			},
		],
		[
			'500 with an empty {}',
			{ kind: 'empty500' },
			{
				message: 'AOG failed with status 500 and gave no details',
				description: [/AOG's logs on the gateway host have the cause/, BILLED, CHECK_CONSOLE],
				httpCode: '500',
			},
		],
		[
			'poll exhaustion (AOG gave up after 100 polls)',
			{ kind: 'pollExhausted' },
			{
				message: 'AOG stopped waiting for the video after about one minute',
				description: [/gives up without returning the task id, so this video cannot be fetched/, BILLED, CHECK_CONSOLE],
				httpCode: '500',
			},
		],
		[
			'embedded 400 InvalidParameter',
			{ kind: 'upstream', code: 'InvalidParameter' },
			{
				message: 'DashScope rejected the request (InvalidParameter)',
				description: [
					/DashScope said: "The request parameter is invalid\."/,
					/Check the image \(JPEG, PNG, BMP or WEBP; sides 360–2000 px; at most 10 MB; a public URL\) and the prompt/,
					/DashScope request id [0-9a-f-]+/,
				],
				httpCode: '400',
			},
		],
		[
			'embedded 400 DataInspectionFailed (moderation)',
			{ kind: 'upstream', code: 'DataInspectionFailed' },
			{
				message: 'Content moderation blocked the request (DataInspectionFailed)',
				description: [
					/moderation flagged the input image, the prompt or the generated video/,
					/Use another image or reword the prompt/,
				],
				httpCode: '400',
			},
		],
		[
			'embedded 400 InvalidParameter.DataInspection (unreadable image)',
			{ kind: 'upstream', code: 'InvalidParameter.DataInspection' },
			{
				message: 'DashScope could not read the image (InvalidParameter.DataInspection)',
				description: [/could not download or decode the image/, /re-encode it as JPEG or PNG/],
				httpCode: '400',
			},
		],
		[
			'embedded 400 Arrearage (account unpaid)',
			{ kind: 'upstream', code: 'Arrearage' },
			{
				message: 'The Alibaba Cloud account is in arrears (Arrearage)',
				description: [/refuses work while the account has an overdue payment/, /Top up the account/],
				httpCode: '400',
			},
		],
		[
			'embedded 401 InvalidApiKey',
			{ kind: 'upstream', code: 'InvalidApiKey' },
			{
				message: 'The DashScope API key configured in AOG is invalid (InvalidApiKey)',
				description: [
					/AOG holds the DashScope key, not n8n/,
					/Store a valid Beijing-region key in AOG's image-to-video provider/,
					SETUP,
				],
				httpCode: '401',
			},
		],
		[
			'embedded 403 AccessDenied',
			{ kind: 'upstream', code: 'AccessDenied' },
			{
				message: 'DashScope denied access (AccessDenied)',
				description: [
					/may not use this model/,
					/Activate Tongyi Wanxiang image-to-video in Alibaba Cloud Model Studio/,
				],
				httpCode: '403',
			},
		],
		[
			'404 model not installed',
			{ kind: 'modelNotFound' },
			{
				message: 'The model is not registered in AOG, or its image-to-video service is not installed',
				description: [/Pick a model from the list, or register the model and the service/, SETUP],
				httpCode: '404',
			},
		],
		[
			'404 service not installed',
			{ kind: 'serviceNotFound' },
			{
				message: "AOG's image-to-video service is not installed",
				description: [/Install the image-to-video service on the AOG host/, SETUP],
				httpCode: '404',
			},
		],
		[
			'400 {} (no DashScope key stored in AOG)',
			{ kind: 'noKeyStored' },
			{
				message: 'AOG has no DashScope key stored for image-to-video (it answered 400 {})',
				description: [/holds no key/, /PUT \/aog\/v0\.2\/service_provider/, SETUP],
				httpCode: '400',
			},
		],
		[
			'500 image_type request param lost',
			{ kind: 'paramLost' },
			{
				message: 'AOG rejected the request: middleware execution failed: image_type request param lost',
				description: [/AOG did not find the image fields the node sent/, /make sure it passes JSON through unchanged/],
				httpCode: '500',
			},
		],
		[
			'connection reset mid-request',
			{ kind: 'reset' },
			{
				message: 'The connection to AOG broke while the video was being generated',
				description: [/closed the connection without an answer; it may have restarted/, BILLED, CHECK_CONSOLE],
				httpCode: 'ECONNRESET',
			},
		],
	];

	test.each(cases)('%s', async (_name, failure, expected) => {
		server.scriptFailures([failure]);
		const result = await run();
		expectError(result, expected);
		expect(server.counters).toMatchObject({ i2vPosts: 1, nativePosts: 0, downloads: 0 });
		expect(server.pendingFailures()).toEqual([]);
	});

	test('no answer within the node timeout (1 s): the POST is aborted, not repeated', async () => {
		server.scriptFailures([{ kind: 'hang' }]);
		const started = Date.now();
		const result = await run({ timeout: 1 });
		const elapsed = Date.now() - started;
		expectError(result, {
			message: 'AOG did not answer within 1 s',
			description: [/Generation usually takes one to a few minutes\. Raise Options → Timeout/, BILLED, CHECK_CONSOLE],
			httpCode: 'ETIMEDOUT',
		});
		// It waited the 1 s asked for, not the 600 s default (the upper bound is loose: CI machines are loaded).
		expect(elapsed).toBeGreaterThanOrEqual(1000);
		expect(elapsed).toBeLessThan(15_000);
		expect(await eventually(() => server.counters.clientAborts === 1)).toBe(true);
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 0 });
	});
});

describe.each(['standard', 'native'] as const)(
	'never a second POST after a 500, a reset or a timeout (%s route)',
	(route) => {
		const posts = () => (route === 'native' ? server.counters.nativePosts : server.counters.i2vPosts);

		test.each([
			['500 {}', { kind: 'empty500' }, 'AOG failed with status 500 and gave no details'],
			['poll exhaustion', { kind: 'pollExhausted' }, 'AOG stopped waiting for the video after about one minute'],
			['reset', { kind: 'reset' }, 'The connection to AOG broke while the video was being generated'],
			['timeout', { kind: 'hang' }, 'AOG did not answer within 1 s'],
		] as Array<[string, ScriptedFailure, string]>)('%s', async (_name, failure, message) => {
			// A retryable failure queued behind it would be used by a second POST: it must still be there afterwards.
			server.scriptFailures([failure, { kind: 'proxy429', retryAfter: 0 }]);
			const result = await run({ route, timeout: 1 });
			expect(result.error?.message).toBe(message);
			expect(result.error?.description).toMatch(BILLED);
			expect(posts()).toBe(1);
			expect(server.pendingFailures()).toHaveLength(1);
		});
	},
);

describe("what AOG itself does upstream, seen in the dev server's count of DashScope tasks", () => {
	test('a normal run creates exactly one upstream task (the node asks for Accept-Encoding identity, which AOG can relay)', async () => {
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(server.counters).toMatchObject({ i2vPosts: 1, upstreamTasks: 1 });
	});

	test('an upstream 5xx: AOG resubmits by itself (two tasks, two videos may be billed), the node still sends one POST and says so', async () => {
		server.scriptFailures([{ kind: 'upstream', code: 'InternalError', status: 500 }]);
		const result = await run();
		expect(result.error?.message).toMatch(/^DashScope answered 500 \(InternalError\)/);
		expect(result.error?.description).toMatch(BILLED);
		expect(server.counters).toMatchObject({ i2vPosts: 1, upstreamTasks: 2 });
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Safe retries: only answers that prove no task exists upstream.

describe('safe retries of the POST', () => {
	test.each([
		['Throttling', false, 'DashScope is rate-limiting the account (Throttling)'],
		['Throttling', true, 'DashScope is rate-limiting the account (Throttling)'],
		['Throttling.RateQuota', true, 'DashScope is rate-limiting the account (Throttling.RateQuota)'],
	])(
		'embedded 429 %s (prefix %s) is ambiguous (AOG wraps a throttled poll of a billed task the same way): exactly 1 POST, billing warning',
		async (code, prefix, message) => {
			// A second throttling answer queued behind it would be used by a resubmit: it must still be there afterwards.
			server.scriptFailures([
				{ kind: 'upstream', code, prefix, retryAfter: 0 },
				{ kind: 'upstream', code, retryAfter: 0 },
			]);
			const result = await run();
			expectError(result, {
				message,
				description: [
					/throttled status query of a task it already created exactly like a throttled submit/,
					/Lower Options → Concurrency to 1 or 2/,
					BILLED,
					CHECK_CONSOLE,
				],
				httpCode: '429',
			});
			expect(result.error?.description).not.toMatch(/The node tried/);
			expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 0 });
			expect(server.pendingFailures()).toHaveLength(1);
		},
	);

	test('embedded 429 Throttling.AllocationQuota: the quota is used up, never retried; exactly 1 POST', async () => {
		server.scriptFailures([
			{ kind: 'upstream', code: 'Throttling.AllocationQuota', prefix: true },
			{ kind: 'upstream', code: 'Throttling', retryAfter: 0 },
		]);
		const result = await run();
		expectError(result, {
			message: "The account's quota for this model is used up (Throttling.AllocationQuota)",
			description: [/Waiting will not help: raise the quota/, BILLED],
			httpCode: '429',
		});
		expect(server.counters.i2vPosts).toBe(1);
		expect(server.pendingFailures()).toHaveLength(1);
	});

	test("a proxy's plain 429 (Retry-After: 1): nothing reached AOG, so it waits 1 s and retries, then success; 2 POSTs", async () => {
		server.scriptFailures([{ kind: 'proxy429', retryAfter: 1 }]);
		const started = Date.now();
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(1);
		expect(result.output[0].binary?.data.mimeType).toBe('video/mp4');
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(server.counters).toMatchObject({ i2vPosts: 2, downloads: 1 });
	});

	test("a proxy's 429 that never clears: retried until Options → Timeout, then a clear error", async () => {
		server.scriptFailures(Array.from({ length: 50 }, () => ({ kind: 'proxy429', retryAfter: 0 }) as ScriptedFailure));
		const result = await run({ timeout: 4 });
		expectError(result, {
			message: 'The gateway is rate-limiting requests (429)',
			description: [
				/A proxy in front of AOG asked the node to slow down/,
				/Lower Options → Concurrency/,
				/The node tried \d+ times/,
			],
			httpCode: '429',
		});
		expect(server.counters.i2vPosts).toBeGreaterThanOrEqual(2);
		expect(server.pendingFailures().length).toBe(50 - server.counters.i2vPosts);
	});

	test('connection refused that persists: retried until the timeout, then a clear error', async () => {
		const port = await closedPort();
		const started = Date.now();
		// Timeout 5 s: the first retry comes after 2 s, the second would come 4 s later, past the timeout.
		const result = await run({ timeout: 5 }, { credentials: { baseUrl: `http://127.0.0.1:${port}` } });
		expectError(result, {
			message: `Cannot reach AOG at http://127.0.0.1:${port}: connection refused`,
			description: [
				/AOG is not running or listens elsewhere/,
				/Start it with "aog server start"/,
				/host networking or a reverse proxy/,
				/The node tried 2 times over [23] s\.$/,
			],
			httpCode: 'ECONNREFUSED',
		});
		expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
		expect(server.counters.total).toBe(0);
	});

	test('connection refused, then the gateway comes up: the retry succeeds with 1 POST', async () => {
		const port = await closedPort();
		const late = new Promise<AogServer>((resolve, reject) => {
			setTimeout(() => startAogServer({ port }).then(resolve, reject), 500);
		});
		try {
			const result = await run({}, { credentials: { baseUrl: `http://127.0.0.1:${port}` } });
			const lateServer = await late;
			expect(result.error).toBeUndefined();
			expect(result.output).toHaveLength(1);
			expect(result.output[0].binary?.data.mimeType).toBe('video/mp4');
			expect(lateServer.counters).toMatchObject({ i2vPosts: 1, downloads: 1 });
		} finally {
			await (await late).close();
		}
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Download of the video: a GET never creates a video, so transient failures are retried; the rest are reported.

describe('download faults that are reported (no retry can help)', () => {
	// The link exactly as AOG gave it (K1): a signed link needs its signature to work.
	const ADDRESS =
		/The video's address \(valid about 24 hours\) is http:\/\/127\.0\.0\.1:\d+\/videos\/[0-9a-f]+\.mp4\?Expires=\d+&OSSAccessKeyId=LTAI5tAogDevServerKeyId&Signature=[A-Za-z0-9%]+\.$/;
	const cases: Array<[string, ScriptedFailure, Expected, number]> = [
		[
			'video URL answering 403 (expired link)',
			{ kind: 'video403' },
			{
				message:
					'The video was generated but could not be downloaded: the storage host refused it (403): the signed link has expired or was altered',
				description: [
					/Links from DashScope expire about 24 hours after generation/,
					/download at once, or generate the video again/,
					ADDRESS,
				],
				httpCode: '403',
			},
			1,
		],
		[
			'video URL answering 404',
			{ kind: 'video404' },
			{
				message: 'The video was generated but could not be downloaded: the storage host has no such file (404)',
				description: [/The video was removed or the link was altered/, /Generate the video again/, ADDRESS],
				httpCode: '404',
			},
			1,
		],
		[
			'video URL serving HTML',
			{ kind: 'videoHtml' },
			{
				message:
					'The video was generated but could not be downloaded: the video address served text/html instead of an MP4',
				description: [/an error page or a proxy answered instead/, /Generate the video again/, ADDRESS],
			},
			1,
		],
		[
			'video URL serving JSON',
			{ kind: 'videoJson' },
			{
				message:
					'The video was generated but could not be downloaded: the video address served application/json instead of an MP4',
				description: [/an error page or a proxy answered instead/, /Generate the video again/, ADDRESS],
			},
			1,
		],
		[
			'redirect loop: at most 5 hops followed',
			{ kind: 'videoRedirectLoop' },
			{
				message: 'The video was generated but could not be downloaded: the storage host redirected more than 5 times',
				description: [/leads into a redirect loop; the storage or a proxy is misconfigured/, ADDRESS],
				httpCode: '302',
			},
			6, // the first GET and 5 redirects followed
		],
	];

	test.each(cases)('%s', async (_name, failure, expected, downloads) => {
		server.scriptFailures([failure]);
		const result = await run();
		expectError(result, expected);
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads });
	});

	test('a 5xx on the video link that persists: 3 GETs, then a clear error', async () => {
		server.scriptFailures([{ kind: 'videoServerError' }, { kind: 'videoServerError' }, { kind: 'videoServerError' }]);
		const result = await run();
		expectError(result, {
			message: 'The video was generated but could not be downloaded: the storage host answered 503',
			description: [
				/The storage host failed or is overloaded; try again later\. The node tried 3 times\./,
				/The video's address \(valid about 24 hours\) is/,
			],
			httpCode: '503',
		});
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 3 });
	});
});

describe('download faults retried with a new GET, then success', () => {
	test.each([
		['cut off before Content-Length', { kind: 'videoTruncated' }],
		['no Content-Length and stops early (chunked, cut)', { kind: 'videoChunkedCut' }],
		['503 on the video link', { kind: 'videoServerError' }],
		['500 on the video link', { kind: 'videoServerError', status: 500 }],
	] as Array<[string, ScriptedFailure]>)('%s', async (_name, failure) => {
		server.scriptFailures([failure]);
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(1);
		const [item] = result.output;
		const bytes = await result.readBinary(item);
		expect(item.json.fileSize).toBe(bytes.length);
		expect(item.json).toMatchObject({ videoCodec: 'h264', width: 1920, height: 1080 });
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 2 });
	});

	test('a body that stalls past the timeout (1 s): the stalled GET is dropped and retried', async () => {
		server.scriptFailures([{ kind: 'videoSlow' }]); // headers, then nothing
		const result = await run({ timeout: 1 });
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(1);
		expect(result.output[0].json.videoCodec).toBe('h264');
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 2, clientAborts: 1 });
	});

	test('up to 5 redirects are followed', async () => {
		server.scriptFailures([{ kind: 'videoRedirect', times: 5 }]);
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.output[0].binary?.data.mimeType).toBe('video/mp4');
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 6 });
	});
});

describe('a video larger than options.maxVideoSizeMB (1 MB here)', () => {
	test('with Content-Length: refused before reading the body; nothing output or stored', async () => {
		server.scriptFailures([{ kind: 'videoOversize', bytes: 64 * 1024 * 1024 }]);
		const before = storedFiles();
		const result = await run({ maxVideoSizeMB: 1 }, { binaryMode: 'filesystem' });
		expectError(result, {
			message:
				'The video was generated but could not be downloaded: the video is 64.0 MB, larger than the 1.0 MB limit; nothing was downloaded',
			description: [/Raise Options → Max Video Size \(MB\) if such a large file is expected/],
		});
		expect(await eventually(() => server.counters.clientAborts === 1)).toBe(true); // the 64 MB were never all sent
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 1 });
		expect(newVideoBytes(before)).toBe(0);
	});

	test('without Content-Length: aborted mid-stream once past the cap; nothing output', async () => {
		server.scriptFailures([{ kind: 'videoOversize', bytes: 64 * 1024 * 1024, noContentLength: true }]);
		const before = storedFiles();
		const result = await run({ maxVideoSizeMB: 1 }, { binaryMode: 'filesystem' });
		expectError(result, {
			message:
				/^The video was generated but could not be downloaded: the video passed the 1\.0 MB limit after 1\.\d MB \(the storage host sent no size\); the download was stopped$/,
			description: [/Raise Options → Max Video Size \(MB\) if such a large file is expected/],
		});
		expect(await eventually(() => server.counters.clientAborts === 1)).toBe(true);
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 1 });
		// n8n's file store may keep the bytes written before the abort (attached to no item, removed with the
		// execution): never more than the cap and one chunk.
		expect(newVideoBytes(before)).toBeLessThanOrEqual(1024 * 1024 + 256 * 1024);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Cancelling the execution.

describe('the execution cancelled while waiting', () => {
	test('during generation: the node stops within 2 s and the POST is aborted', async () => {
		server.scriptFailures([{ kind: 'hang' }]);
		const result = await run({}, { cancelAfterMs: 300 });
		expect(result.cancelled).toBe(true);
		expect(result.status).toBe('canceled');
		expect(result.cancelToEndMs!).toBeLessThan(2000);
		expect(result.output).toEqual([]);
		expect(await eventually(() => server.counters.clientAborts === 1)).toBe(true);
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 0 });
	});

	test('during the download: the node stops within 2 s and the GET is aborted', async () => {
		server.scriptFailures([{ kind: 'videoSlow' }]);
		const result = await run({}, { cancelAfterMs: 300 });
		expect(result.cancelled).toBe(true);
		expect(result.status).toBe('canceled');
		expect(result.cancelToEndMs!).toBeLessThan(2000);
		expect(result.output).toEqual([]);
		expect(await eventually(() => server.counters.clientAborts === 1)).toBe(true);
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 1 });
	});

	test("while waiting to retry a proxy's 429: the node stops within 2 s without a second POST", async () => {
		server.scriptFailures([{ kind: 'proxy429', retryAfter: 30 }]);
		const result = await run({}, { cancelAfterMs: 300 });
		expect(result.cancelled).toBe(true);
		expect(result.cancelToEndMs!).toBeLessThan(2000);
		expect(server.counters.i2vPosts).toBe(1);
	});
});

// ---------------------------------------------------------------------------------------------------------------

/** Every file under n8n's user folder (binary storage included) with its size. */
function storedFiles(dir = userFolder!): Map<string, number> {
	const files = new Map<string, number>();
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) for (const [file, size] of storedFiles(full)) files.set(file, size);
		else files.set(full, statSync(full).size);
	}
	return files;
}

/** Bytes of binary files in n8n's storage (not metadata, not the input picture) written since `before`. */
function newVideoBytes(before: Map<string, number>): number {
	let total = 0;
	for (const [file, size] of storedFiles()) {
		if (before.has(file) || file.endsWith('.metadata')) continue;
		if (!file.includes(`${path.sep}binary_data${path.sep}`)) continue;
		if (size === jpegItemSize()) continue; // the input picture the Inject node stored
		total += size;
	}
	return total;
}

let inputSize: number | undefined;
function jpegItemSize(): number {
	inputSize ??= (jpegItem().binary!.data.data as Buffer).length;
	return inputSize;
}
