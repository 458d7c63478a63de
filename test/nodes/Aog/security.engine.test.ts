// Security: the credential's API key never shows up in anything the node produces (output items, error
// messages and descriptions, the run data n8n stores, log lines), across the whole fault matrix and a success;
// it is sent to the gateway and never to the video host; credentials inside URLs are redacted in messages.
//
// Set-up, as a real deployment would have it: AOG checks no key, so a reverse proxy in front of it does (the only
// way to protect AOG, see docs/AOG-API.md). The proxy (below) checks `Authorization: Bearer <key>` and forwards
// to the dev server. The video links the dev server hands out point at the dev server itself: another origin than
// the gateway's (the proxy), like DashScope's OSS links.
import http from 'node:http';

import type { INodeParameters } from 'n8n-workflow';

import type { ScriptedFailure } from '../../../tools/aog-server';
import type { RunNodeResult } from '../../../tools/harness/engine';
import { captureLogs, safeJson, type LogCapture } from './logCapture';
import { closedPort, jpegItem, runAog, startAogServer, type AogServer } from './support';
import type { RunAogOptions } from './support';

const KEY = 'sk-test-SECRET-4f9d2c';
/** Every form the key could leak in: as is, its distinctive part, and inside a Bearer header. */
const KEY_FORMS = [KEY, 'SECRET-4f9d2c', `Bearer ${KEY}`];
const URL_PASSWORD = 'hunter2-pw';
const URL_SECRETS = [URL_PASSWORD, Buffer.from(`admin:${URL_PASSWORD}`).toString('base64')];

let aog: AogServer;
let proxy: AuthProxy;
let logs: LogCapture;

beforeAll(async () => {
	aog = await startAogServer({ port: 0 });
	proxy = await startAuthProxy(aog.url, KEY);
	logs = captureLogs();
});
afterAll(async () => {
	logs.restore();
	await proxy.close();
	await aog.close();
});
beforeEach(() => {
	aog.reset();
	proxy.requests.length = 0;
});

/** Everything a run produced that a user, a log reader or n8n's database could see. */
function producedText(result: RunNodeResult): string {
	return safeJson({
		output: result.outputs,
		error: result.error && {
			message: result.error.message,
			description: result.error.description,
			serialized: result.error.error,
		},
		run: result.run,
	});
}

function expectNoSecret(text: string, secrets: string[] = KEY_FORMS) {
	for (const secret of secrets) expect(text).not.toContain(secret);
}

async function run(options: INodeParameters = {}, extra: Partial<RunAogOptions> = {}): Promise<RunNodeResult> {
	return await runAog(
		{ imageSource: 'binary', prompt: 'A slow push-in', options },
		{ server: aog, items: [jpegItem()], credentials: { baseUrl: proxy.url, apiKey: KEY }, ...extra },
	);
}

// ---------------------------------------------------------------------------------------------------------------

interface Scenario {
	failures?: ScriptedFailure[];
	options?: INodeParameters;
	extra?: Partial<RunAogOptions>;
	/** The proxy's next answers, instead of forwarding (a gateway that echoes what it got). */
	proxyAnswers?: ProxyAnswer[];
	outcome: 'success' | 'error' | 'canceled';
}

const generationFaults: ScriptedFailure[] = [
	{ kind: 'html200' },
	{ kind: 'empty200' },
	{ kind: 'malformedJson200' },
	{ kind: 'noData200' },
	{ kind: 'nonHttpData' },
	{ kind: 'empty500' },
	{ kind: 'pollExhausted' },
	{ kind: 'modelNotFound' },
	{ kind: 'serviceNotFound' },
	{ kind: 'paramLost' },
	{ kind: 'reset' },
	{ kind: 'upstream', code: 'InvalidParameter' },
	{ kind: 'upstream', code: 'DataInspectionFailed' },
	{ kind: 'upstream', code: 'InvalidApiKey' },
	{ kind: 'upstream', code: 'AccessDenied' },
	{ kind: 'upstream', code: 'Arrearage' },
];
const downloadFaults: ScriptedFailure[] = [
	{ kind: 'video403' },
	{ kind: 'video404' },
	{ kind: 'videoHtml' },
	{ kind: 'videoJson' },
	{ kind: 'videoRedirectLoop' },
];

const SCENARIOS: Array<[string, Scenario]> = [
	['success', { outcome: 'success' }],
	[
		'success after 5 redirects of the video link',
		{ failures: [{ kind: 'videoRedirect', times: 5 }], outcome: 'success' },
	],
	...generationFaults.map((failure): [string, Scenario] => [
		`${failureName(failure)}`,
		{ failures: [failure], outcome: 'error' },
	]),
	...generationFaults.map((failure): [string, Scenario] => [
		`${failureName(failure)} (continue on fail: error output)`,
		{ failures: [failure], extra: { onError: 'continueErrorOutput' }, outcome: 'success' },
	]),
	[
		'429 Throttling embedded by AOG (not retried)',
		{ failures: [{ kind: 'upstream', code: 'Throttling', prefix: true, retryAfter: 0 }], outcome: 'error' },
	],
	["a proxy's 429, retried, then success", { failures: [{ kind: 'proxy429', retryAfter: 0 }], outcome: 'success' }],
	[
		"a proxy's 429 that never clears",
		{
			failures: Array.from({ length: 40 }, () => ({ kind: 'proxy429', retryAfter: 0 }) as ScriptedFailure),
			options: { timeout: 3 },
			outcome: 'error',
		},
	],
	['no answer within the timeout', { failures: [{ kind: 'hang' }], options: { timeout: 1 }, outcome: 'error' }],
	[
		'execution canceled while waiting',
		{ failures: [{ kind: 'hang' }], extra: { cancelAfterMs: 300 }, outcome: 'canceled' },
	],
	...downloadFaults.map((failure): [string, Scenario] => [
		failureName(failure),
		{ failures: [failure], outcome: 'error' },
	]),
	['video 5xx, retried, then success', { failures: [{ kind: 'videoServerError' }], outcome: 'success' }],
	['video cut off, retried, then success', { failures: [{ kind: 'videoTruncated' }], outcome: 'success' }],
	[
		'video over the size cap (Content-Length)',
		{ failures: [{ kind: 'videoOversize', bytes: 8 * 1024 * 1024 }], options: { maxVideoSizeMB: 1 }, outcome: 'error' },
	],
	[
		'video over the size cap (no Content-Length)',
		{
			failures: [{ kind: 'videoOversize', bytes: 8 * 1024 * 1024, noContentLength: true }],
			options: { maxVideoSizeMB: 1 },
			outcome: 'error',
		},
	],
	[
		'video body stalls, retried, then success',
		{ failures: [{ kind: 'videoSlow' }], options: { timeout: 1 }, outcome: 'success' },
	],
	[
		'execution canceled during the download',
		{ failures: [{ kind: 'videoSlow' }], extra: { cancelAfterMs: 300 }, outcome: 'canceled' },
	],
	['gateway echoes the key in a 500 message', { proxyAnswers: [echoKeyIn500], outcome: 'error' }],
	['gateway echoes the key in a 401 (proxy rejecting it)', { proxyAnswers: [echoKeyIn401], outcome: 'error' }],
	['gateway echoes the key in a 200 that is not JSON', { proxyAnswers: [echoKeyInBrokenJson], outcome: 'error' }],
	[
		'bad input (refused before any request)',
		{
			extra: {
				items: [{ json: {}, binary: { data: { data: Buffer.from('%PDF-1.7\n'), mimeType: 'application/pdf' } } }],
			},
			outcome: 'error',
		},
	],
];

describe('the API key never appears in what the node produces', () => {
	test.each(SCENARIOS)('%s', async (_name, scenario) => {
		if (scenario.failures) aog.scriptFailures(scenario.failures);
		proxy.answers.push(...(scenario.proxyAnswers ?? []));
		const logStart = logs.lines.length;
		const result = await run(scenario.options, scenario.extra);

		if (scenario.outcome === 'success') expect(result.error).toBeUndefined();
		if (scenario.outcome === 'error') expect(result.error?.itemIndex).toBe(0);
		if (scenario.outcome === 'canceled') expect(result.status).toBe('canceled');
		if (scenario.extra?.onError === 'continueErrorOutput')
			expect(result.errorOutput[0].pairedItem).toEqual({ item: 0 });

		expectNoSecret(producedText(result));
		// Give sockets a moment to close (aborted requests log nothing later).
		await new Promise((resolve) => setTimeout(resolve, 20));
		expectNoSecret(logs.lines.slice(logStart).join('\n'));

		// The key went to the gateway with every POST, and never to the video host.
		for (const request of proxy.requests) expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
		for (const request of aog.lastRequests) {
			if (request.method === 'POST') expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
			if (request.path.startsWith('/videos/')) expect(request.headers.authorization).toBeUndefined();
		}
	});

	test('the scan saw the key in flight: it reached the gateway, not the video host', async () => {
		const result = await run();
		expect(result.error).toBeUndefined();
		const posts = aog.lastRequests.filter((request) => request.method === 'POST');
		const downloads = aog.lastRequests.filter((request) => request.path.startsWith('/videos/'));
		expect(posts).toHaveLength(1);
		expect(downloads).toHaveLength(1);
		expect(posts[0].headers.authorization).toBe(`Bearer ${KEY}`);
		expect(downloads[0].headers.authorization).toBeUndefined();
		expect(JSON.stringify(downloads[0].headers)).not.toContain(KEY);
		expect(proxy.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${KEY}`]);
	});

	test('a wrong key is refused by the proxy with a clear error, and the right key is not in it', async () => {
		const result = await run({}, { credentials: { baseUrl: proxy.url, apiKey: 'sk-wrong-key' } });
		expect(result.error?.message).toBe('The gateway refused access (401)');
		expect(result.error?.description).toBe(
			'AOG itself checks no credentials, so this comes from a proxy in front of it: check the API Key in the AOG credential.',
		);
		expect(aog.counters.total).toBe(0);
		expectNoSecret(producedText(result));
	});

	test('the log capture works (a control: n8n logged the failed runs, with the node errors in them)', () => {
		expect(
			logs.lines.some(
				(line) =>
					line.startsWith('n8n.debug: Workflow execution finished with error') &&
					line.includes('The gateway refused access (401)'),
			),
		).toBe(true);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('downloads: only http(s), and the key stays with the gateway origin across redirects', () => {
	/** A real video on the dev server (another origin than the proxy). */
	async function videoOnDevServer(): Promise<string> {
		const result = await runAog(
			{ imageSource: 'binary', options: { downloadVideo: false } },
			{ server: aog, items: [jpegItem()] },
		);
		return String(result.output[0].json.videoUrl);
	}

	/** The gateway answers with a video link on its own origin, which then answers `redirect`. */
	function videoLinkOnGateway(redirect: (response: http.ServerResponse) => void) {
		proxy.answers.push(
			(_request, response) =>
				sendJson(response, 200, { id: 'req-1', data: `${proxy.url}/videos/own-origin.mp4?Expires=1&Signature=abc` }),
			(_request, response) => redirect(response),
		);
	}

	test('a link on the gateway origin redirecting to another origin: the key goes to the first hop only', async () => {
		const target = await videoOnDevServer();
		aog.reset();
		videoLinkOnGateway((response) => {
			response.writeHead(302, { Location: target });
			response.end();
		});
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.output[0].binary?.data.mimeType).toBe('video/mp4');
		const [post, firstHop] = proxy.requests;
		expect([post.method, firstHop.method, firstHop.path]).toEqual([
			'POST',
			'GET',
			'/videos/own-origin.mp4?Expires=1&Signature=abc',
		]);
		expect(firstHop.headers.authorization).toBe(`Bearer ${KEY}`); // same origin as the gateway: by design
		const download = aog.lastRequests.find((request) => request.path.startsWith('/videos/'))!;
		expect(download.headers.authorization).toBeUndefined();
		expectNoSecret(producedText(result));
	});

	test.each([
		['file:', 'file:///etc/passwd'],
		['ftp:', 'ftp://files.example.com/video.mp4'],
		['data:', 'data:video/mp4;base64,AAAA'],
	])('a redirect to a %s address is refused', async (scheme, location) => {
		videoLinkOnGateway((response) => {
			response.writeHead(302, { Location: location });
			response.end();
		});
		const result = await run();
		expect(result.error?.message).toBe(
			`The video was generated but could not be downloaded: the storage host redirected to a ${scheme} address`,
		);
		expect(result.error?.description).toMatch(
			/^Only http and https downloads are allowed\. The video's address \(valid about 24 hours\) is http:\/\/127\.0\.0\.1:\d+\/videos\/own-origin\.mp4\?Expires=1&Signature=abc\.$/,
		);
		expect(proxy.requests).toHaveLength(2); // the POST and one GET: nothing followed
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('credentials inside URLs are redacted in messages', () => {
	test('user:password in the credential Base URL (gateway unreachable)', async () => {
		const port = await closedPort();
		const result = await run(
			{ timeout: 1 },
			{ credentials: { baseUrl: `http://admin:${URL_PASSWORD}@127.0.0.1:${port}`, apiKey: KEY } },
		);
		expect(result.error?.message).toBe(`Cannot reach AOG at http://***@127.0.0.1:${port}: connection refused`);
		expectNoSecret(producedText(result), [...KEY_FORMS, ...URL_SECRETS]);
	});

	test('user:password in a credential Base URL that is not valid', async () => {
		const result = await run(
			{},
			{ credentials: { baseUrl: `admin:${URL_PASSWORD}@127.0.0.1:16688/?token=abc123`, apiKey: KEY } },
		);
		expect(result.error?.message).toMatch(/^The AOG credential's Base URL is invalid: /);
		expectNoSecret(producedText(result), [...KEY_FORMS, URL_PASSWORD, 'abc123']);
	});

	test('the signed video link in a download error is shown exactly as the service gave it (its signature is no credential)', async () => {
		aog.scriptFailures([{ kind: 'video403' }]);
		const result = await run();
		const videoPath = aog.lastRequests.find((request) => request.path.startsWith('/videos/'))!.path;
		const text = `${result.error?.message}\n${result.error?.description}`;
		expect(text).toContain(`${aog.url}${videoPath}`);
		expectNoSecret(producedText(result));
	});

	test("credentials inside the gateway's own error text are hidden, a link's signature is kept", async () => {
		proxy.answers.push((_request, response) =>
			sendJson(response, 500, {
				business_code: 500,
				message:
					'upload to https://ak:sk-upstream-77@oss.example.com/v/x.mp4?Signature=zzSig&Expires=1&access_token=tok-upstream-88 failed',
			}),
		);
		const result = await run();
		expect(result.error?.message).toBe(
			'AOG failed (500): upload to https://***@oss.example.com/v/x.mp4?Signature=zzSig&Expires=1&access_token=*** failed',
		);
		expectNoSecret(producedText(result), ['sk-upstream-77', 'tok-upstream-88', ...KEY_FORMS]);
	});

	test.each([
		['an ftp URL with user:password and a token', `ftp://user:${URL_PASSWORD}@files.example.com/p.jpg?token=abc123`],
		[
			'a private https URL with user:password and a signature',
			`https://user:${URL_PASSWORD}@10.0.0.5/p.jpg?Signature=abc123`,
		],
		['text that is not a URL', `user:${URL_PASSWORD}@host name/p.jpg?token=abc123`],
	])('the image URL: %s', async (_name, imageUrl) => {
		const result = await runAog(
			{ imageSource: 'url', imageUrl },
			{ server: aog, credentials: { baseUrl: proxy.url, apiKey: KEY } },
		);
		expect(result.error?.itemIndex).toBe(0);
		expect(aog.counters.total).toBe(0);
		expectNoSecret(`${result.error?.message}\n${result.error?.description}`, [URL_PASSWORD, 'abc123']);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// The proxy: checks the Bearer key, forwards to the dev server, passes resets and client aborts through.

type ProxyAnswer = (request: http.IncomingMessage, response: http.ServerResponse, body: Buffer) => void;

interface AuthProxy {
	url: string;
	requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }>;
	/** Answers used (once each, in order) instead of forwarding, after the key check passed or failed. */
	answers: ProxyAnswer[];
	close(): Promise<void>;
}

function sendJson(response: http.ServerResponse, status: number, value: unknown) {
	const body = JSON.stringify(value);
	response.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(body),
	});
	response.end(body);
}

function echoKeyIn500(request: http.IncomingMessage, response: http.ServerResponse) {
	sendJson(response, 500, {
		business_code: 500,
		message: `upstream rejected the request with header ${String(request.headers.authorization)}`,
	});
}

function echoKeyIn401(request: http.IncomingMessage, response: http.ServerResponse) {
	sendJson(response, 401, { message: `token ${String(request.headers.authorization)} is not allowed here` });
}

function echoKeyInBrokenJson(request: http.IncomingMessage, response: http.ServerResponse) {
	const body = `{"id":"x","data":"http://proxy/videos/a.mp4","auth":"${String(request.headers.authorization)}`;
	response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
	response.end(body);
}

async function startAuthProxy(upstream: string, key: string): Promise<AuthProxy> {
	const sockets = new Set<import('node:net').Socket>();
	const proxyState: AuthProxy = { url: '', requests: [], answers: [], close: async () => {} };
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const body = Buffer.concat(chunks);
			proxyState.requests.push({ method: request.method!, path: request.url!, headers: { ...request.headers } });
			const scripted = proxyState.answers.shift();
			if (scripted) return scripted(request, response, body);
			if (request.headers.authorization !== `Bearer ${key}`)
				return sendJson(response, 401, { message: 'missing or wrong bearer token' });
			const forward = http.request(
				`${upstream}${request.url}`,
				{ method: request.method, headers: { ...request.headers, host: new URL(upstream).host }, agent: false },
				(answer) => {
					response.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(response);
					answer.on('aborted', () => response.destroy());
				},
			);
			forward.on('error', () => request.socket.destroy()); // upstream reset: reset the client too
			response.on('close', () => {
				if (!response.writableFinished) forward.destroy(); // the client gave up: so does the proxy
			});
			forward.end(body);
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	proxyState.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	proxyState.close = async () => {
		const closed = new Promise<void>((resolve) => server.close(() => resolve()));
		for (const socket of sockets) socket.destroy();
		await closed;
	};
	return proxyState;
}

function failureName(failure: ScriptedFailure): string {
	const { kind, ...rest } = failure as { kind: string } & Record<string, unknown>;
	return Object.keys(rest).length ? `${kind} ${JSON.stringify(rest)}` : kind;
}
