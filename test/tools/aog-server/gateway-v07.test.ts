// Real HTTP calls against the AOG dev server: what AOG v0.7 does that a client cannot see in the happy path
// (docs/AOG-API.md): setting the gateway up, the answers of an unset gateway, chunked answers, the
// Accept-Encoding trap, re-submissions after upstream 5xx, and tasks that run on after AOG or the client stopped.
import * as http from 'http';
import { startAogServer, AogServer } from '../../../tools/aog-server';
import { makeImage, toDataUri } from '../../../tools/media';

jest.setTimeout(30000);

const STANDARD = '/aog/v0.2/services/image-to-video';
const NATIVE = '/aog/v0.2/api_flavors/aliyun/v1/image-to-video';
const INSTALL = '/aog/v0.2/service/install';
const PROVIDER = '/aog/v0.2/service_provider';
const JSON_TYPE = 'application/json; charset=utf-8';
const MODEL_NOT_EXIST = '{"business_code":30003,"message":"model not exist"}';
const ALREADY_EXIST = '{"business_code":30002,"message":"provider model already exist"}';
const PROVIDER_UPDATED = '{"business_code":20000,"message":"service provider interface call success"}';
const PARSE_FAILURE = `{"business_code":500,"message":"failed to parse initial response: invalid character '\\\\x1b' looking for beginning of value"}`;

interface Reply {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	totalMs: number;
}

function call(
	method: string,
	url: string,
	options: { body?: string; headers?: http.OutgoingHttpHeaders; timeoutMs?: number } = {},
): Promise<Reply> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{
				method,
				agent: false,
				headers: { 'accept-encoding': 'identity', 'content-type': 'application/json', ...options.headers },
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						headers: response.headers,
						text: Buffer.concat(chunks).toString('utf8'),
						totalMs: Date.now() - started,
					}),
				);
				response.on('error', reject);
			},
		);
		request.on('error', reject);
		if (options.timeoutMs) request.setTimeout(options.timeoutMs, () => request.destroy(new Error('client timeout')));
		request.end(options.body);
	});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
	for (const started = Date.now(); !check(); await sleep(10)) {
		if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
	}
}

const picture = () => toDataUri(makeImage({ width: 640, height: 480, format: 'png' }));
const installBody = {
	service_name: 'image-to-video',
	service_source: 'remote',
	api_flavor: 'aliyun',
	auth_type: 'apikey',
	auth_key: '{"api_key":"sk-test-key"}',
};
const providerBody = (extra: object = {}) => ({
	provider_name: 'remote_aliyun_image-to-video',
	service_name: 'image-to-video',
	service_source: 'remote',
	api_flavor: 'aliyun',
	auth_type: 'apikey',
	auth_key: '{"api_key":"sk-test-key"}',
	url: 'https://dashscope.aliyuncs.com/api/v1/services/aigc/video-generation/video-synthesis',
	models: ['wan2.2-i2v-plus'],
	...extra,
});

function generate(
	target: AogServer,
	extra: object = {},
	headers: http.OutgoingHttpHeaders = {},
	timeoutMs?: number,
): Promise<Reply> {
	return call('POST', target.url + STANDARD, {
		body: JSON.stringify({ image: picture(), image_type: 'base64', ...extra }),
		headers,
		timeoutMs,
	});
}

function nativeCall(target: AogServer, model = 'wan2.2-i2v-plus'): Promise<Reply> {
	return call('POST', target.url + NATIVE, {
		body: JSON.stringify({ model, input: { img_url: picture(), prompt: 'x' }, parameters: { resolution: '480P' } }),
	});
}

const send = (target: AogServer, method: string, route: string, body: unknown) =>
	call(method, target.url + route, { body: JSON.stringify(body) });
const json = (reply: Reply) => JSON.parse(reply.text);
const i2vRows = async (target: AogServer) =>
	json(await call('GET', `${target.url}/aog/v0.2/model`)).data.filter(
		(m: { service_name: string }) => m.service_name === 'image-to-video',
	);
const catalogue = async (target: AogServer) =>
	json(
		await call(
			'GET',
			`${target.url}/aog/v0.2/control_panel/modellist?service_source=remote&flavor=aliyun&service_name=image-to-video&page_size=50`,
		),
	).data;

let server: AogServer;

beforeAll(async () => {
	server = await startAogServer({ port: 0, syntheticVideoBytes: 200_000 });
});

afterAll(() => server.close());

beforeEach(() => {
	server.reset();
	server.setOptions({ generationDelayMs: 0, resubmitWaitsMs: [20, 40] });
});

describe('a gateway that is not set up', () => {
	let fresh: AogServer;

	beforeEach(async () => {
		fresh = await startAogServer({ port: 0, setUp: false, syntheticVideoBytes: 200_000 });
	});

	afterEach(() => fresh.close());

	it('answers 404 30003 on both routes, lists no image-to-video model, and sends nothing upstream', async () => {
		expect(fresh.setup).toMatchObject({ serviceInstalled: false, keyStored: false, models: [] });
		for (const reply of [
			await generate(fresh),
			await generate(fresh, { model: 'wan2.2-i2v-plus' }),
			await nativeCall(fresh),
		]) {
			expect([reply.status, reply.headers['content-type'], reply.text]).toEqual([404, JSON_TYPE, MODEL_NOT_EXIST]);
		}
		expect(await i2vRows(fresh)).toEqual([]);
		expect((await catalogue(fresh)).data[0]).toMatchObject({ name: 'wan2.2-i2v-plus', can_select: false });
		expect(fresh.counters).toMatchObject({ i2vPosts: 2, nativePosts: 1, upstreamTasks: 0 });
	});

	it('the install call creates the model row, answers 409 30002 and stores no key: generation answers 400 {} with nothing upstream', async () => {
		for (let attempt = 0; attempt < 2; attempt += 1) {
			const install = await send(fresh, 'POST', INSTALL, installBody);
			expect([install.status, install.headers['content-type'], install.text]).toEqual([409, JSON_TYPE, ALREADY_EXIST]);
		}
		expect(fresh.setup).toMatchObject({ serviceInstalled: true, keyStored: false, models: ['wan2.2-i2v-plus'] });
		expect((await i2vRows(fresh)).map((m: { model_name: string; status: string }) => [m.model_name, m.status])).toEqual(
			[['wan2.2-i2v-plus', 'downloaded']],
		);
		for (const reply of [await generate(fresh), await nativeCall(fresh)]) {
			expect([reply.status, reply.headers['content-type'], reply.text]).toEqual([400, JSON_TYPE, '{}']);
		}
		// An unknown model is still 30003: the model check comes before the key check.
		expect((await generate(fresh, { model: 'wan2.1-i2v-turbo' })).text).toBe(MODEL_NOT_EXIST);
		expect(fresh.counters).toMatchObject({ setup: 2, upstreamTasks: 0 });
	});

	it('PUT service_provider with auth_key as a JSON string stores the key: generation works, listed models are usable', async () => {
		await send(fresh, 'POST', INSTALL, installBody);
		const put = await send(fresh, 'PUT', PROVIDER, providerBody({ models: ['wan2.2-i2v-plus', 'wan2.1-i2v-turbo'] }));
		expect([put.status, put.headers['content-type'], put.text]).toEqual([200, JSON_TYPE, PROVIDER_UPDATED]);
		expect(fresh.setup).toEqual({
			serviceInstalled: true,
			keyStored: true,
			models: ['wan2.2-i2v-plus', 'wan2.1-i2v-turbo'],
			apiKey: 'sk-test-key',
		});

		const video = await generate(fresh);
		expect(video.status).toBe(200);
		expect(json(video).data).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/videos\//);
		expect((await generate(fresh, { model: 'wan2.1-i2v-turbo' })).status).toBe(200);
		expect(json(await nativeCall(fresh, 'wan2.1-i2v-turbo')).output.task_status).toBe('SUCCEEDED');
		expect((await generate(fresh, { model: 'wanx-v1' })).text).toBe(MODEL_NOT_EXIST);

		// The model list shows every registered model; the control panel only its catalogue model.
		expect((await i2vRows(fresh)).map((m: { model_name: string; status: string }) => [m.model_name, m.status])).toEqual(
			[
				['wan2.2-i2v-plus', 'downloaded'],
				['wan2.1-i2v-turbo', 'downloaded'],
			],
		);
		const panel = await catalogue(fresh);
		expect(panel.total).toBe(1);
		expect(panel.data.map((m: { name: string; can_select: boolean }) => [m.name, m.can_select])).toEqual([
			['wan2.2-i2v-plus', true],
		]);
		expect(fresh.counters.upstreamTasks).toBe(3);
	});

	it('does not store a key given as a JSON object, or a PUT before the install', async () => {
		const early = await send(fresh, 'PUT', PROVIDER, providerBody());
		expect(early.status).toBe(400);
		expect(fresh.setup.serviceInstalled).toBe(false);
		await send(fresh, 'POST', INSTALL, installBody);
		const objectKey = await send(fresh, 'PUT', PROVIDER, providerBody({ auth_key: { api_key: 'sk-test-key' } }));
		expect(objectKey.status).toBe(400);
		const noApiKey = await send(fresh, 'PUT', PROVIDER, providerBody({ auth_key: '{"key":"sk-test-key"}' }));
		expect([noApiKey.status, json(noApiKey).business_code]).toEqual([400, 20006]);
		expect(fresh.setup.keyStored).toBe(false);
		expect((await generate(fresh)).status).toBe(400);
	});

	it('answers wrong methods on the setup routes with the HTML 200 trap, and changes nothing', async () => {
		for (const [method, route] of [
			['GET', INSTALL],
			['POST', PROVIDER],
			['GET', PROVIDER],
		]) {
			const reply = await call(method, fresh.url + route);
			expect([reply.status, reply.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
		}
		expect(fresh.setup.serviceInstalled).toBe(false);
	});
});

describe('answers as gin writes them', () => {
	it("sends the generation routes' 200s chunked, without Content-Length", async () => {
		for (const reply of [await generate(server), await nativeCall(server)]) {
			expect(reply.status).toBe(200);
			expect(reply.headers['content-length']).toBeUndefined();
			expect(reply.headers['transfer-encoding']).toBe('chunked');
		}
	});

	it.each([
		['GET', '/v1/image-to-video'],
		['GET', '/aog/v0.3/health'],
		['POST', '/health'],
		['GET', '/engine'],
	])("answers %s %s (not under /aog/v0.2) with gin's 404 page not found", async (method, route) => {
		const reply = await call(method, server.url + route);
		expect([reply.status, reply.headers['content-type'], reply.text]).toEqual([
			404,
			'text/plain',
			'404 page not found',
		]);
	});
});

describe('Accept-Encoding forwarded upstream', () => {
	it.each(['gzip, deflate, br', 'br', 'deflate', 'gzip;q=1.0, br;q=0.5'])(
		'%s: 500 "failed to parse initial response" after a task was created, which runs on and is billed',
		async (encoding) => {
			server.setOptions({ generationDelayMs: 1000 });
			const reply = await generate(server, {}, { 'accept-encoding': encoding });
			expect([reply.status, reply.headers['content-type'], reply.text]).toEqual([500, JSON_TYPE, PARSE_FAILURE]);
			// AOG fails on the submission's answer, before any polling: the answer comes before the task ends.
			expect(server.counters).toMatchObject({ upstreamTasks: 1, upstreamTasksBilled: 0 });
			expect(reply.totalMs).toBeLessThan(1000);
			await waitFor(() => server.counters.upstreamTasksBilled === 1, 10_000);
			expect(server.generation.requests[0]).toMatchObject({ status: 500, upstreamTasks: 1, upstreamTasksBilled: 1 });
		},
	);

	it('also on the native route', async () => {
		const reply = await call('POST', server.url + NATIVE, {
			body: JSON.stringify({ model: 'wan2.2-i2v-plus', input: { img_url: picture() } }),
			headers: { 'accept-encoding': 'gzip, deflate, br' },
		});
		expect([reply.status, reply.text]).toEqual([500, PARSE_FAILURE]);
		expect(server.counters.upstreamTasks).toBe(1);
	});

	it.each(['identity', 'gzip', 'br;q=0, gzip'])('%s works', async (encoding) => {
		expect((await generate(server, {}, { 'accept-encoding': encoding })).status).toBe(200);
	});

	it('no task when DashScope rejects the image, nor when nothing reaches it (400 {}, 404)', async () => {
		const rejected = await generate(server, { image: makeImage({ width: 300, height: 300 }).toString('base64') });
		expect(rejected.status).toBe(500);
		expect(json(rejected).message).toMatch(/^HTTPErrorResponse\{StatusCode: 400/);
		expect((await generate(server, { model: 'nope' })).status).toBe(404);
		expect(server.counters.upstreamTasks).toBe(0);
	});
});

describe('re-submissions and tasks that run on', () => {
	it('an upstream 5xx on submit: AOG submits a second task after the first wait and answers after the second', async () => {
		// A first wait long enough to look at the count in it, however loaded the machine.
		server.setOptions({ resubmitWaitsMs: [1500, 250] });
		server.scriptFailures([{ kind: 'upstream', code: 'InternalError', status: 500 }]);
		const pending = generate(server);
		await waitFor(() => server.counters.upstreamTasks >= 1);
		expect(server.counters.upstreamTasks).toBe(1); // before the first wait is over
		const reply = await pending;
		expect(reply.totalMs).toBeGreaterThanOrEqual(1740);
		expect(reply.status).toBe(500);
		expect(json(reply).message).toMatch(/HTTPErrorResponse\{StatusCode: 500, .*"code":"InternalError"/);
		expect(server.counters.upstreamTasks).toBe(2);
		expect(server.generation.requests[0]).toMatchObject({ status: 500, upstreamTasks: 2 });
	});

	it('an upstream 4xx on submit creates no task and is not re-submitted', async () => {
		server.scriptFailures([
			{ kind: 'upstream', code: 'InvalidParameter' },
			{ kind: 'upstream', code: 'Throttling' },
		]);
		await generate(server);
		await generate(server);
		expect(server.counters.upstreamTasks).toBe(0);
	});

	it('an upstream 5xx on a poll: AOG submits a new task and returns that one; the first runs on and is billed too', async () => {
		server.setOptions({ generationDelayMs: 200, resubmitWaitsMs: [100, 100] });
		server.scriptFailures([{ kind: 'pollServerError' }]);
		const reply = await generate(server);
		expect(reply.status).toBe(200);
		expect(json(reply).data).toMatch(/\/videos\//);
		expect(reply.totalMs).toBeGreaterThanOrEqual(290);
		await waitFor(() => server.counters.upstreamTasksBilled === 2);
		expect(server.generation.requests[0]).toMatchObject({ status: 200, upstreamTasks: 2, upstreamTasksBilled: 2 });
		expect(server.counters.upstreamTasks).toBe(2);
		// The next request is normal again: one task.
		await generate(server);
		expect(server.generation.requests[1]).toMatchObject({ upstreamTasks: 1, upstreamTasksBilled: 1 });
	});

	it('a client that disconnects does not stop the task: AOG polls on and the video is billed', async () => {
		server.setOptions({ generationDelayMs: 400 });
		await expect(generate(server, {}, {}, 100)).rejects.toThrow('client timeout');
		expect(server.counters).toMatchObject({ upstreamTasks: 1, upstreamTasksBilled: 0 });
		await waitFor(() => server.counters.upstreamTasksBilled === 1);
		expect(server.counters.clientAborts).toBe(1);
		expect(server.generation.requests[0]).toMatchObject({ upstreamTasks: 1, upstreamTasksBilled: 1 });
	});

	it('poll exhaustion: the task was created and is billed although AOG answered 500; a FAILED task is not billed', async () => {
		server.scriptFailures([{ kind: 'pollExhausted' }, { kind: 'noData200' }]);
		expect((await generate(server)).status).toBe(500);
		expect(server.counters).toMatchObject({ upstreamTasks: 1, upstreamTasksBilled: 1 });
		expect(Object.keys(json(await generate(server)))).toEqual(['id']);
		expect(server.counters).toMatchObject({ upstreamTasks: 2, upstreamTasksBilled: 1 });
	});

	it('pollCapMs: a generation longer than AOG\'s polling budget answers 500 "exceeded maximum number of retries" when the budget is spent; the task runs on and is billed', async () => {
		// The long generation is ten times the budget, so the answer comes when the budget is spent (not before) and long
		// before the task ends, however loaded the machine.
		server.setOptions({ generationDelaysMs: [100, 3000], pollCapMs: 300 });
		try {
			const quick = await generate(server);
			expect(quick.status).toBe(200);
			const long = await generate(server);
			expect(long.status).toBe(500);
			expect(json(long)).toEqual({
				business_code: 500,
				message: 'exceeded maximum number of retries (100) while polling task status',
			});
			expect(long.totalMs).toBeGreaterThanOrEqual(280);
			expect(server.counters).toMatchObject({ upstreamTasks: 2, upstreamTasksBilled: 1 }); // the long task runs on
			expect(long.totalMs).toBeLessThan(3000);
			await waitFor(() => server.counters.upstreamTasksBilled === 2, 10_000);
			expect(() => server.setOptions({ pollCapMs: -1 })).toThrow(/pollCapMs/);
		} finally {
			server.setOptions({ generationDelaysMs: [], pollCapMs: 0 });
		}
	});

	it('reports the counts over HTTP, zeroes them on reset, and checks resubmitWaitsMs', async () => {
		await generate(server);
		const counters = json(await call('GET', `${server.url}/__control/counters`));
		expect(counters).toMatchObject({ upstreamTasks: 1, upstreamTasksBilled: 1 });
		const gauge = json(await call('GET', `${server.url}/__control/generation`));
		expect(gauge.requests[0]).toMatchObject({ upstreamTasks: 1, upstreamTasksBilled: 1 });
		server.reset();
		expect(server.counters).toMatchObject({ upstreamTasks: 0, upstreamTasksBilled: 0 });
		expect(() => server.setOptions({ resubmitWaitsMs: [-1] })).toThrow(/resubmitWaitsMs/);
	});
});
