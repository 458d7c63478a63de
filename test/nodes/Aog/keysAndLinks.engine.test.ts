// Keys, links and credential tests under attack (docs/RELIABILITY.md, "Keys, links and credential tests under attack"):
// a video link the node shows to the user works (only credentials are hidden, never an object store's signature), and
// no key follows a redirect to another origin. Both dev servers check their video links' signatures as OSS does, so a
// link shown with its signature replaced answers 403 here, as it would for the user.
import http from 'node:http';

import { Workflow, type INode } from 'n8n-workflow';

import { AogApi } from '../../../credentials/AogApi.credentials';
import { DASHSCOPE_REGION_HOSTS, DashScopeApi, dashScopeBaseUrl } from '../../../credentials/DashScopeApi.credentials';
import { testCredential } from '../../../tools/harness/credentialTest';
import {
	createInjectNodeType,
	HarnessNodeTypes,
	INJECT_NODE_TYPE,
	type RunNodeResult,
} from '../../../tools/harness/engine';
import {
	closedPort,
	jpegItem,
	runAog,
	runDashScope,
	searchModels,
	startAogServer,
	startDashScopeServer,
	type AogServer,
	type DashScopeServer,
} from './support';

let aog: AogServer;
let dashScope: DashScopeServer;

beforeAll(async () => {
	aog = await startAogServer({ port: 0 });
	dashScope = await startDashScopeServer({ timeScale: 0.01 });
});
afterAll(async () => {
	await aog.close();
	await dashScope.close();
});
beforeEach(() => {
	aog.reset();
	dashScope.reset();
});

/** A plain GET, as a user's browser would open the link: status and content type. */
async function open(url: string): Promise<{ status: number; type: string }> {
	return await new Promise((resolve, reject) => {
		http
			.get(url, { agent: false }, (response) => {
				response.resume();
				response.on('end', () =>
					resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type'] ?? '') }),
				);
			})
			.on('error', reject);
	});
}

/** Every dev-server video link in a text (a link ends before whitespace or a quote, without a list's ";" or a final dot). */
function linksIn(text: string): string[] {
	return [...text.matchAll(/https?:\/\/127\.0\.0\.1:\d+\/[^\s"'<>]+?(?=[.;,]?(?:[\s"'<>]|$))/g)].map(
		(match) => match[0],
	);
}

function errorText(result: RunNodeResult): string {
	return `${result.error?.message ?? ''}\n${result.error?.description ?? ''}`;
}

describe('a video link shown to the user works', () => {
	test('through AOG: the link in a download error (three 503s) opens the video (200), signature and key id as AOG gave them', async () => {
		aog.scriptFailures([{ kind: 'videoServerError' }, { kind: 'videoServerError' }, { kind: 'videoServerError' }]);
		const result = await runAog(
			{ imageSource: 'binary', prompt: 'A slow push-in' },
			{ server: aog, items: [jpegItem()] },
		);
		expect(result.error?.message).toMatch(/^The video was generated but could not be downloaded/);
		const shown = linksIn(errorText(result));
		expect(shown).toHaveLength(1);
		const served = aog.lastRequests.find((request) => request.path.startsWith('/videos/'))!.path;
		expect(shown[0]).toBe(`${aog.url}${served}`);
		expect(shown[0]).toMatch(/[?&]Signature=[^*&]+/);
		expect(await open(shown[0])).toEqual({ status: 200, type: 'video/mp4' });
	});

	test("through AOG: the links in the other items' jobs list open their videos (200)", async () => {
		aog.setOptions({ generationDelayMs: 400 });
		aog.scriptFailures([{ kind: 'modelNotFound' }]); // answered at once, while two others are generating
		const items = [0, 1, 2].map((n) => jpegItem(n));
		const result = await runAog(
			{ imageSource: 'binary', prompt: 'A slow push-in', options: { concurrency: 3 } },
			{ server: aog, items },
		);
		expect(result.error?.description).toMatch(/Other items' jobs/);
		const shown = linksIn(errorText(result));
		expect(shown).toHaveLength(2);
		for (const link of shown) expect(await open(link)).toEqual({ status: 200, type: 'video/mp4' });
	});

	test('DashScope directly: the link in a download error (three 503s) opens the video (200)', async () => {
		dashScope.script({ on: 'download', status: 503, times: 3 });
		const result = await runDashScope(
			{ imageSource: 'binary', prompt: 'A slow push-in' },
			{ server: dashScope, items: [jpegItem()] },
		);
		expect(result.error?.message).toMatch(/could not be downloaded/);
		const shown = linksIn(errorText(result));
		expect(shown).toHaveLength(1);
		expect(shown[0]).toMatch(/[?&]Signature=[^*&]+/);
		expect(await open(shown[0])).toEqual({ status: 200, type: 'video/mp4' });
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Redirects: the API's address answers 3xx to another origin on loopback (another port). n8n-core would follow it and
// re-add the Authorization header there; the node and both credential tests do not follow, so that port never sees
// the key (nor any request).

const PROXY_KEY = 'sk-proxy-SECRET-5c1e77';

interface Recorder {
	url: string;
	requests: Array<{ method: string; path: string; authorization?: string }>;
	close(): Promise<void>;
}

/** A server that records every request and answers `answer` (a redirect, a login page…). */
async function recorder(
	answer: (request: http.IncomingMessage, response: http.ServerResponse, body: Buffer) => void,
): Promise<Recorder> {
	const state: Recorder = { url: '', requests: [], close: async () => {} };
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			state.requests.push({
				method: request.method!,
				path: request.url!,
				authorization: request.headers.authorization,
			});
			answer(request, response, Buffer.concat(chunks));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	state.close = async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	return state;
}

let elsewhere: Recorder;
let redirector: Recorder;
let redirectStatus = 307;

beforeAll(async () => {
	// The "other port": a login page (AOG's proxy) or anything else; it must never see a key.
	elsewhere = await recorder((_request, response) => {
		response.writeHead(200, { 'Content-Type': 'text/html' });
		response.end('<html><body>Sign in</body></html>');
	});
	redirector = await recorder((request, response) => {
		response.writeHead(redirectStatus, { Location: `${elsewhere.url}/login?next=${encodeURIComponent(request.url!)}` });
		response.end();
	});
});
afterAll(async () => {
	await elsewhere.close();
	await redirector.close();
});
beforeEach(() => {
	elsewhere.requests.length = 0;
	redirector.requests.length = 0;
});

function expectNoKeyElsewhere(key: string) {
	for (const request of elsewhere.requests) expect(request.authorization ?? '').not.toContain(key);
	expect(elsewhere.requests).toEqual([]);
}

describe('no key follows a redirect', () => {
	test('DashScope directly: a custom Base URL answering 307 to another port: the submit is not followed, a clear error, no task', async () => {
		redirectStatus = 307;
		const result = await runDashScope(
			{ imageSource: 'binary', prompt: 'A slow push-in' },
			{ server: dashScope, items: [jpegItem()], credentials: { baseUrl: redirector.url } },
		);
		expect(result.error?.message).toBe(
			`The DashScope credential's Base URL redirects to ${elsewhere.url}/login?next=${encodeURIComponent('/api/v1/services/aigc/video-generation/video-synthesis')}; use that address`,
		);
		expect(result.error?.description).toMatch(/does not follow redirects.*no task was created/);
		expect(result.error?.httpCode).toBe('307');
		expect(redirector.requests).toHaveLength(1); // not retried
		expect(redirector.requests[0].authorization).toBe(`Bearer ${dashScope.apiKey}`);
		expectNoKeyElsewhere(dashScope.apiKey);
	});

	test('through AOG: a proxy key answered 302 to a login page on another port: not followed, a clear error', async () => {
		redirectStatus = 302;
		const result = await runAog(
			{ imageSource: 'binary', prompt: 'A slow push-in' },
			{ server: aog, items: [jpegItem()], credentials: { baseUrl: redirector.url, apiKey: PROXY_KEY } },
		);
		expect(result.error?.message).toMatch(
			/^The AOG credential's Base URL redirects to http:\/\/127\.0\.0\.1:\d+\/login\?next=.*; use that address$/,
		);
		expect(result.error?.description).toMatch(/login page/);
		expect(redirector.requests).toHaveLength(1);
		expect(redirector.requests[0].authorization).toBe(`Bearer ${PROXY_KEY}`);
		expectNoKeyElsewhere(PROXY_KEY);
	});

	test('through AOG: the model list (discovery) is not followed either, and says where the Base URL redirects', async () => {
		redirectStatus = 302;
		const { results } = await searchModels(redirector.url, { apiKey: PROXY_KEY });
		expect(results[0].name).toMatch(/the Base URL redirects to http:\/\/127\.0\.0\.1:\d+\/login/);
		expect(redirector.requests.length).toBeGreaterThanOrEqual(1);
		expectNoKeyElsewhere(PROXY_KEY);
	});

	test('DashScope directly: the submit goes through, then the polls and Cancel Task are answered 302: not followed, the task named, no key elsewhere', async () => {
		// A front that passes the submit to the dev server and redirects everything about tasks to the other port.
		const front = await recorder((request, response, body) => {
			if (request.method === 'POST' && request.url!.endsWith('/video-synthesis')) {
				const headers = { ...request.headers, host: new URL(dashScope.url).host };
				const forward = http.request(
					`${dashScope.url}${request.url}`,
					{ method: 'POST', headers, agent: false },
					(answer) => {
						response.writeHead(answer.statusCode ?? 502, answer.headers);
						answer.pipe(response);
					},
				);
				forward.end(body);
				return;
			}
			response.writeHead(302, { Location: `${elsewhere.url}/login` });
			response.end();
		});
		try {
			const result = await runDashScope(
				{ imageSource: 'binary', prompt: 'A slow push-in' },
				{ server: dashScope, items: [jpegItem()], credentials: { baseUrl: front.url } },
			);
			const taskId = dashScope.tasks[0].id;
			expect(result.error?.message).toBe(
				`Reading task ${taskId} failed: the DashScope credential's Base URL redirects to ${elsewhere.url}/login; use that address`,
			);
			expect(result.error?.description).toMatch(new RegExp(`use Get Task with the id ${taskId}`));
			expect(front.requests.filter((request) => request.method === 'GET')).toHaveLength(1); // not polled on
			const canceled = await runDashScope(
				{ operation: 'cancelTask', taskId },
				{ server: dashScope, credentials: { baseUrl: front.url } },
			);
			expect(canceled.error?.message).toBe(
				`Canceling task ${taskId} failed: the DashScope credential's Base URL redirects to ${elsewhere.url}/login; use that address`,
			);
			for (const request of front.requests) expect(request.authorization).toBe(`Bearer ${dashScope.apiKey}`);
			expectNoKeyElsewhere(dashScope.apiKey);
		} finally {
			await front.close();
		}
	});

	test.each([301, 302, 303, 307, 308])(
		'the DashScope credential test answered %i: not followed, an error that says so',
		async (status) => {
			redirectStatus = status;
			const outcome = await testCredential(new DashScopeApi(), {
				region: 'custom',
				baseUrl: redirector.url,
				apiKey: dashScope.apiKey,
			});
			expect(outcome).toEqual({
				status: 'Error',
				message: expect.stringMatching(
					/^The address answered, but not with DashScope's task API \(a web page, a redirect or another API\).*n8n does not follow a redirect here/,
				),
			});
			expect(redirector.requests[0].authorization).toBe(`Bearer ${dashScope.apiKey}`);
			expectNoKeyElsewhere(dashScope.apiKey);
		},
	);

	test('the AOG credential test answered 302 to a login page: not followed, an error that says so', async () => {
		redirectStatus = 302;
		const outcome = await testCredential(new AogApi(), { baseUrl: redirector.url, apiKey: PROXY_KEY });
		expect(outcome.status).toBe('Error');
		expect(outcome.message).toBe('Request failed with status code 302'); // what n8n says of a 3xx it does not follow
		expect(redirector.requests[0].authorization).toBe(`Bearer ${PROXY_KEY}`);
		expectNoKeyElsewhere(PROXY_KEY);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Credential tests tell the truth (the cases of tools/credential-checks.js, which the e2e test runs in real n8n).

describe('credential tests tell the truth', () => {
	test('AOG: the dev server, set up: OK', async () => {
		expect(await testCredential(new AogApi(), { baseUrl: aog.url, apiKey: '' })).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
	});

	test('AOG: a gateway without an image-to-video service says so and how to install it', async () => {
		const bare = await startAogServer({ port: 0, setUp: false });
		try {
			const outcome = await testCredential(new AogApi(), { baseUrl: bare.url, apiKey: '' });
			expect(outcome.status).toBe('Error');
			expect(outcome.message).toMatch(/^AOG answers, but has no image-to-video service installed/);
			expect(outcome.message).toMatch(/"Setting up AOG" in the README/);
			expect(bare.counters.upstreamTasks).toBe(0);
		} finally {
			await bare.close();
		}
	});

	test("AOG: the /aog/v0.2 prefix (AOG's HTML page, 200) is not AOG's answer", async () => {
		const outcome = await testCredential(new AogApi(), { baseUrl: `${aog.url}/aog/v0.2`, apiKey: '' });
		expect(outcome).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^The address answered, but not with AOG's model list/),
		});
	});

	test('AOG: a closed port is an error', async () => {
		expect(
			(await testCredential(new AogApi(), { baseUrl: `http://127.0.0.1:${await closedPort()}`, apiKey: '' })).status,
		).toBe('Error');
	});

	test("DashScope: its key OK; another region's key names the region", async () => {
		expect(
			await testCredential(new DashScopeApi(), { region: 'custom', baseUrl: dashScope.url, apiKey: dashScope.apiKey }),
		).toEqual({ status: 'OK', message: 'Connection successful!' });
		const other = await testCredential(new DashScopeApi(), {
			region: 'custom',
			baseUrl: dashScope.url,
			apiKey: 'sk-test-singapore',
		});
		expect(other.status).toBe('Error');
		expect(other.message).toMatch(/InvalidApiKey/);
		expect(other.message).toMatch(/region/);
	});

	test.each([
		[429, /^DashScope is busy: it rate-limited the test \(429\), so the key could not be checked/],
		[500, /^DashScope is down or overloaded right now \(it answered with a server error\)/],
		[503, /^DashScope is down or overloaded right now \(it answered with a server error\)/],
	])('DashScope answering %i: busy or down, not "this is not DashScope"', async (status, message) => {
		dashScope.script({ on: 'poll', status });
		const outcome = await testCredential(new DashScopeApi(), {
			region: 'custom',
			baseUrl: dashScope.url,
			apiKey: dashScope.apiKey,
		});
		expect(outcome).toEqual({ status: 'Error', message: expect.stringMatching(message) });
		expect(outcome.message).not.toMatch(/not with DashScope/);
	});

	test('the shared case list (tools/credential-checks.js, which the e2e test runs in the real n8n editor) passes in-process', async () => {
		/* eslint-disable @typescript-eslint/no-require-imports */
		const { checkCredentialTest, checkDashScopeCredentialTest } = require('../../../tools/credential-checks') as {
			checkCredentialTest: (options: {
				client: unknown;
				aogUrl: string;
			}) => Promise<Array<{ name: string; status?: string; message: string; pass: boolean }>>;
			checkDashScopeCredentialTest: (options: {
				client: unknown;
				url: string;
				apiKey: string;
				notDashScopeUrl?: string;
			}) => Promise<Array<{ name: string; status?: string; message: string; pass: boolean }>>;
		};
		/* eslint-enable @typescript-eslint/no-require-imports */
		const client = {
			testCredential: async ({ type, data }: { type: string; data: Record<string, string> }) =>
				await testCredential(type === 'aogApi' ? new AogApi() : new DashScopeApi(), data),
		};
		const results = [
			...(await checkCredentialTest({ client, aogUrl: aog.url })),
			...(await checkDashScopeCredentialTest({
				client,
				url: dashScope.url,
				apiKey: dashScope.apiKey,
				notDashScopeUrl: aog.url,
			})),
		];
		expect(results.filter((result) => !result.pass)).toEqual([]);
		expect(results).toHaveLength(12);
	});

	test('DashScope: another API (AOG) at the Base URL is not DashScope', async () => {
		const outcome = await testCredential(new DashScopeApi(), {
			region: 'custom',
			baseUrl: aog.url,
			apiKey: dashScope.apiKey,
		});
		expect(outcome).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^The address answered, but not with DashScope's task API/),
		});
	});
});

// ---------------------------------------------------------------------------------------------------------------
// The region hosts: one table for the node and the DashScope credential's test request.

describe('DashScope region hosts: one table', () => {
	test.each(Object.keys(DASHSCOPE_REGION_HOSTS))('%s: the credential test asks the host the node uses', (region) => {
		const node: INode = {
			id: 'n',
			name: 'N',
			type: INJECT_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: new HarnessNodeTypes().add(INJECT_NODE_TYPE, createInjectNodeType([])),
		});
		const testHost = workflow.expression.getSimpleParameterValue(
			node,
			new DashScopeApi().test.request.baseURL!,
			'internal',
			{ $credentials: { region, apiKey: 'k' } },
			undefined,
			'',
		);
		expect(testHost).toBe(DASHSCOPE_REGION_HOSTS[region]);
		expect(dashScopeBaseUrl({ region })).toBe(DASHSCOPE_REGION_HOSTS[region]);
		expect(DASHSCOPE_REGION_HOSTS[region]).toMatch(/^https:\/\/dashscope(-intl|-us)?\.aliyuncs\.com$/);
	});
});
