// Real HTTP calls against the AOG dev server: every route, every quirk, every scripted failure.
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import {
	startAogServer,
	AogServer,
	ScriptedFailure,
	GENERATION_FAILURE_KINDS,
	DOWNLOAD_FAILURE_KINDS,
} from '../../../tools/aog-server';
import { makeImage, imageFile, toDataUri, probeVideo } from '../../../tools/media';

jest.setTimeout(30000);

const STANDARD = '/aog/v0.2/services/image-to-video';
const NATIVE = '/aog/v0.2/api_flavors/aliyun/v1/image-to-video';
const JSON_TYPE = 'application/json; charset=utf-8';
const WRAPPED =
	/^(max retries exceeded: retryable error: )?HTTPErrorResponse\{StatusCode: (\d+), Header: map\[Content-Type:\[application\/json\]\], Body: (\{.*\})\}$/;

interface Reply {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	text: string;
	/** Set when the connection broke before the body was complete. */
	error?: string;
	headersAfterMs: number;
	totalMs: number;
}

interface CallOptions {
	body?: string | Buffer;
	headers?: http.OutgoingHttpHeaders;
	timeoutMs?: number;
}

/** Waits until the server shows what the test needs (a wide bound: a loaded machine may be slow, never wrong). */
async function waitFor(check: () => boolean, withinMs = 10_000): Promise<void> {
	const end = Date.now() + withinMs;
	while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
	if (!check()) throw new Error('condition not met in time');
}

/** One HTTP exchange on a fresh connection; resolves even when the body is cut off (see `error`). */
function call(method: string, url: string, options: CallOptions = {}): Promise<Reply> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{ method, agent: false, headers: { 'accept-encoding': 'identity', ...options.headers } },
			(response) => {
				const headersAfterMs = Date.now() - started;
				const chunks: Buffer[] = [];
				let error: string | undefined;
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('aborted', () => (error = 'aborted'));
				response.on('error', (e) => (error ??= e.message));
				response.on('close', () => {
					const body = Buffer.concat(chunks);
					if (!response.complete) error ??= 'incomplete';
					resolve({
						status: response.statusCode ?? 0,
						headers: response.headers,
						body,
						text: body.toString('utf8'),
						error,
						headersAfterMs,
						totalMs: Date.now() - started,
					});
				});
			},
		);
		request.on('error', reject);
		if (options.timeoutMs) request.setTimeout(options.timeoutMs, () => request.destroy(new Error('client timeout')));
		request.end(options.body);
	});
}

let server: AogServer;
let imageServer: http.Server;
let imageServerUrl: string;
let tempDir: string;

const landscapePng = () => makeImage({ width: 1280, height: 720, format: 'png' });

function post(route: string, body: unknown): Promise<Reply> {
	return call('POST', server.url + route, {
		body: typeof body === 'string' ? body : JSON.stringify(body),
		headers: { 'content-type': 'application/json' },
	});
}

function get(route: string): Promise<Reply> {
	return call('GET', server.url + route);
}

function json(reply: Reply): any {
	return JSON.parse(reply.text);
}

/** The DashScope error inside AOG's 500 wrapping: {prefixed, status, body}. */
function unwrap(reply: Reply) {
	expect(reply.status).toBe(500);
	expect(reply.headers['content-type']).toBe(JSON_TYPE);
	const envelope = json(reply);
	expect(envelope.business_code).toBe(500);
	const match = WRAPPED.exec(envelope.message);
	if (!match) throw new Error(`not an upstream wrapping: ${envelope.message}`);
	return { prefixed: Boolean(match[1]), status: Number(match[2]), body: JSON.parse(match[3]) };
}

async function generate(image = landscapePng()): Promise<string> {
	const reply = await post(STANDARD, { image: toDataUri(image), image_type: 'base64', prompt: 'slow pan' });
	expect(reply.status).toBe(200);
	return json(reply).data;
}

async function probeBytes(bytes: Buffer) {
	const file = path.join(tempDir, `probe-${Date.now()}-${Math.random().toString(16).slice(2)}.mp4`);
	fs.writeFileSync(file, bytes);
	return probeVideo(file);
}

/** Names of the top-level MP4 boxes, in order. */
function topLevelBoxes(bytes: Buffer): string[] {
	const names: string[] = [];
	let offset = 0;
	while (offset + 8 <= bytes.length) {
		let size = bytes.readUInt32BE(offset);
		if (size === 1) size = Number(bytes.readBigUInt64BE(offset + 8));
		names.push(bytes.toString('latin1', offset + 4, offset + 8));
		if (size < 8) break;
		offset += size;
	}
	return names;
}

beforeAll(async () => {
	tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aog-server-test-'));
	const png = landscapePng();
	const pictures: Record<string, [string, Buffer]> = {
		'/picture.png': ['image/png', png],
		'/picture.tif': ['image/tiff', makeImage({ width: 640, height: 480, format: 'tiff' })],
	};
	imageServer = http.createServer((req, res) => {
		const picture = pictures[req.url ?? ''];
		if (picture) res.writeHead(200, { 'Content-Type': picture[0] }).end(picture[1]);
		else res.writeHead(404).end('not here');
	});
	await new Promise<void>((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
	imageServerUrl = `http://127.0.0.1:${(imageServer.address() as { port: number }).port}`;
	server = await startAogServer({ port: 0, quiet: true });
});

afterAll(async () => {
	await server.close();
	await new Promise((resolve) => imageServer.close(resolve));
	fs.rmSync(tempDir, { recursive: true, force: true });
});

beforeEach(() => {
	server.reset();
	server.setOptions({ generationDelayMs: 0, videoTtlSeconds: 86400, syntheticVideoBytes: 0, fileRoot: null });
});

describe('health, version and discovery', () => {
	it('answers /health with the exact health body, /version with the same body (a v0.7 bug), /engine/health with both engines DOWN', async () => {
		const health = await get('/health');
		expect(health.status).toBe(200);
		expect(health.headers['content-type']).toBe(JSON_TYPE);
		expect(health.text).toBe(
			'{"business_code":80000,"message":"health interface call success","data":{"status":"UP"}}',
		);
		const version = await get('/version');
		expect([version.status, version.headers['content-type'], version.text]).toEqual([200, JSON_TYPE, health.text]);
		const engines = await get('/engine/health');
		expect([engines.status, engines.headers['content-type']]).toEqual([200, JSON_TYPE]);
		expect(engines.text).toBe(
			'{"business_code":80000,"message":"health interface call success","data":{"ollama":"DOWN","openvino":"DOWN"}}',
		);
		expect(server.counters).toMatchObject({ health: 1, version: 1, engineHealth: 1, total: 3, other: 0 });
	});

	it('lists wan2.2-i2v-plus in the modellist and honours its service filter', async () => {
		const list = json(
			await get(
				'/aog/v0.2/control_panel/modellist?service_source=remote&flavor=aliyun&service_name=image-to-video&page_size=50',
			),
		);
		expect(list.business_code).toBe(30000);
		expect(list.data).toMatchObject({ page: 1, page_size: 50, total: 1, total_page: 1 });
		expect(list.data.data).toHaveLength(1);
		expect(list.data.data[0]).toMatchObject({
			name: 'wan2.2-i2v-plus',
			service_name: 'image-to-video',
			can_select: true,
		});
		const chat = json(await get('/aog/v0.2/control_panel/modellist?service_name=chat'));
		expect(chat.data.total).toBe(0);
		expect(server.counters.modelList).toBe(2);
	});

	it('lists models of other services on /aog/v0.2/model, so clients must filter', async () => {
		const reply = json(await get('/aog/v0.2/model?service_name=image-to-video'));
		expect(reply.business_code).toBe(30000);
		const services = new Set(reply.data.map((m: any) => m.service_name));
		expect(services.size).toBeGreaterThanOrEqual(3);
		const usable = reply.data
			.filter((m: any) => m.service_name === 'image-to-video' && m.status === 'downloaded')
			.map((m: any) => m.model_name);
		expect(usable).toEqual(['wan2.2-i2v-plus']);
		expect(server.counters.models).toBe(1);
	});
});

describe('the HTML-200 trap and unknown paths', () => {
	it.each([
		['GET', '/aog/v0.2/health'],
		['GET', STANDARD],
		['POST', '/aog/v0.2/model'],
		['PUT', NATIVE],
	])('%s %s answers 200 text/html', async (method, route) => {
		const reply = await call(method, server.url + route);
		expect(reply.status).toBe(200);
		expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
		expect(reply.text).toContain('<div id="root"></div>');
		expect(server.counters).toMatchObject({ other: 1, i2vPosts: 0, nativePosts: 0, total: 1 });
	});

	it('answers other unknown paths with 404 text/plain', async () => {
		const reply = await get('/v1/image-to-video');
		expect(reply.status).toBe(404);
		expect(reply.headers['content-type']).toBe('text/plain');
		expect(reply.text).toBe('404 page not found');
		expect(server.counters.other).toBe(1);
	});
});

describe('standard route: AOG validation', () => {
	it.each([
		['hello', "invalid character 'h' looking for beginning of value"],
		['{"image":', 'unexpected end of JSON input'],
		['{}', 'middleware execution failed: image request param lost'],
		['{"image":"x"}', 'middleware execution failed: image_type request param lost'],
		['{"image":"x","image_type":"file"}', 'middleware execution failed: unsupported image type'],
		['{"image":"x","image_type":"URL"}', 'middleware execution failed: unsupported image type'],
	])('body %s -> 500 %s', async (body, message) => {
		const reply = await post(STANDARD, body);
		expect(reply.status).toBe(500);
		expect(reply.headers['content-type']).toBe(JSON_TYPE);
		expect(json(reply)).toEqual({ business_code: 500, message });
		expect(server.counters.i2vPosts).toBe(1);
	});

	it('answers 404 30003 for a model that is not installed', async () => {
		const reply = await post(STANDARD, {
			model: 'wan2.1-i2v-turbo',
			image: toDataUri(landscapePng()),
			image_type: 'base64',
		});
		expect(reply.status).toBe(404);
		expect(reply.text).toBe('{"business_code":30003,"message":"model not exist"}');
	});

	it('reads path images from its own disk, with Go-like errors', async () => {
		const missing = path.join(tempDir, 'missing.png');
		const reply = await post(STANDARD, { image: missing, image_type: 'path' });
		expect(reply.status).toBe(500);
		expect(json(reply).message).toBe(`middleware execution failed: open ${missing}: no such file or directory`);
	});

	it('refuses path images outside fileRoot', async () => {
		server.setOptions({ fileRoot: tempDir });
		const reply = await post(STANDARD, {
			image: imageFile({ width: 500, height: 400, format: 'jpeg' }),
			image_type: 'path',
		});
		expect(reply.status).toBe(500);
		expect(json(reply).message).toMatch(/permission denied$/);
	});
});

describe('standard route: DashScope checks, in AOG 500 wrapping', () => {
	it('rejects bare base64 with an embedded 400 InvalidParameter, quotes escaped like Go', async () => {
		const reply = await post(STANDARD, { image: landscapePng().toString('base64'), image_type: 'base64' });
		const { prefixed, status, body } = unwrap(reply);
		expect(prefixed).toBe(false);
		expect(status).toBe(400);
		expect(body.code).toBe('InvalidParameter');
		expect(Object.keys(body)).toEqual(['code', 'message', 'request_id']);
		expect(reply.text).toContain(
			'Header: map[Content-Type:[application/json]], Body: {\\"code\\":\\"InvalidParameter\\",\\"message\\":',
		);
	});

	it.each([
		['gif', () => makeImage({ width: 640, height: 480, format: 'gif' }), 'gif', /not supported/],
		['too small (300x300)', () => makeImage({ width: 300, height: 300 }), 'png', /300x300/],
		['too wide (2001x600)', () => makeImage({ width: 2001, height: 600 }), 'png', /2001x600/],
		['not an image', () => Buffer.from('hello world, not a picture'), 'png', /not supported \(unknown\)/],
	])('rejects %s', async (_name, image, format, message) => {
		const { status, body } = unwrap(
			await post(STANDARD, { image: toDataUri(image(), format as any), image_type: 'base64' }),
		);
		expect(status).toBe(400);
		expect(body.code).toBe('InvalidParameter');
		expect(body.message).toMatch(message);
	});

	it('rejects images over 10 MB', async () => {
		const big = imageFile({ width: 2000, height: 2000, format: 'bmp' });
		expect(fs.statSync(big).size).toBeGreaterThan(10 * 1024 * 1024);
		const { body } = unwrap(await post(STANDARD, { image: big, image_type: 'path' }));
		expect(body.message).toMatch(/exceeds the limit/);
	});

	it('downloads url images itself: a 404 or an unreachable host is "download image failed"', async () => {
		for (const url of [`${imageServerUrl}/nothing.png`, 'http://127.0.0.1:9/picture.png']) {
			const { status, body } = unwrap(await post(STANDARD, { image: url, image_type: 'url' }));
			expect(status).toBe(400);
			expect(body.message).toMatch(/^download image failed/);
		}
		const tiff = unwrap(await post(STANDARD, { image: `${imageServerUrl}/picture.tif`, image_type: 'url' }));
		expect(tiff.body.message).toMatch(/not supported \(tiff\)/);
	});
});

describe('standard route: success and the served video', () => {
	it('answers exactly {"id","data"} and serves a 1920x1080 H.264 MP4 (5 s, 30 fps, no audio, faststart)', async () => {
		const reply = await post(STANDARD, {
			image: toDataUri(landscapePng()),
			image_type: 'base64',
			prompt: 'a slow pan',
		});
		expect(reply.status).toBe(200);
		expect(reply.headers['content-type']).toBe(JSON_TYPE);
		// Go's encoder writes & as \u0026 inside strings, like the real gateway.
		expect(reply.text).toMatch(
			/^\{"id":"[0-9a-f-]{36}","data":"http:\/\/127\.0\.0\.1:\d+\/videos\/[0-9a-f]{32}\.mp4\?Expires=\d+\\u0026OSSAccessKeyId=LTAI\w+\\u0026Signature=[^"]+"\}$/,
		);
		const videoUrl: string = json(reply).data;
		expect(videoUrl.startsWith(`${server.url}/videos/`)).toBe(true);
		const expires = Number(new URL(videoUrl).searchParams.get('Expires'));
		expect(Math.abs(expires - (Date.now() / 1000 + 86400))).toBeLessThan(5);

		const video = await call('GET', videoUrl);
		expect(video.status).toBe(200);
		expect(video.headers['content-type']).toBe('video/mp4');
		expect(Number(video.headers['content-length'])).toBe(video.body.length);
		const boxes = topLevelBoxes(video.body);
		expect(boxes[0]).toBe('ftyp');
		expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
		expect(await probeBytes(video.body)).toMatchObject({
			codec: 'h264',
			pixelFormat: 'yuv420p',
			width: 1920,
			height: 1080,
			fps: 30,
			duration: 5,
			frames: 150,
			hasAudio: false,
		});

		const head = await call('HEAD', videoUrl);
		expect(head.status).toBe(200);
		expect(Number(head.headers['content-length'])).toBe(video.body.length);
		expect(head.body.length).toBe(0);
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 1, other: 1, total: 3 });
	});

	it('keeps the aspect ratio of a path image (500x400 -> 1350x1080)', async () => {
		const reply = await post(STANDARD, {
			image: imageFile({ width: 500, height: 400, format: 'jpeg' }),
			image_type: 'path',
		});
		expect(reply.status).toBe(200);
		const video = await call('GET', json(reply).data);
		expect(await probeBytes(video.body)).toMatchObject({ codec: 'h264', width: 1350, height: 1080, duration: 5 });
	});

	it('downloads url images and caches videos by image content', async () => {
		await generate(); // make sure the video for this picture exists
		const before = { ...server.encoderStats };
		const reply = await post(STANDARD, { image: `${imageServerUrl}/picture.png`, image_type: 'url' });
		expect(reply.status).toBe(200);
		expect(server.encoderStats.encodes).toBe(before.encodes);
		expect(server.encoderStats.cacheHits).toBe(before.cacheHits + 1);
	});

	it('waits generationDelayMs before answering', async () => {
		await generate();
		server.setOptions({ generationDelayMs: 300 });
		const started = Date.now();
		await generate();
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});

	it('runs generations in parallel', async () => {
		await generate();
		server.setOptions({ generationDelayMs: 400 });
		server.resetCounters();
		const urls = await Promise.all([generate(), generate(), generate()]);
		expect(new Set(urls).size).toBe(3);
		expect(server.generation.maxInFlight).toBe(3);
		expect(server.counters.i2vPosts).toBe(3);
	});

	it('expires video links like signed OSS URLs (403 XML), unknown keys are 404 NoSuchKey', async () => {
		server.setOptions({ videoTtlSeconds: 0 });
		const expired = await call('GET', await generate());
		expect(expired.status).toBe(403);
		expect(expired.headers['content-type']).toBe('application/xml');
		expect(expired.text).toMatch(/<Code>AccessDenied<\/Code>[\s\S]*<Message>Request has expired\.<\/Message>/);
		const unknown = await get('/videos/0123456789abcdef.mp4?Expires=1');
		expect(unknown.status).toBe(404);
		expect(unknown.text).toContain('<Code>NoSuchKey</Code>');
		expect(server.counters.downloads).toBe(2);
	});

	it('checks the signature and key id of a video link as OSS does: an altered link is 403, the link as given is 200', async () => {
		const link = await generate();
		expect((await call('GET', link)).status).toBe(200);
		const altered = (name: string, value: string | null) => {
			const url = new URL(link);
			if (value === null) url.searchParams.delete(name);
			else url.searchParams.set(name, value);
			return url.href;
		};
		const forged = await call('GET', altered('Signature', '***'));
		expect(forged.status).toBe(403);
		expect(forged.text).toContain('<Code>SignatureDoesNotMatch</Code>');
		expect((await call('GET', altered('OSSAccessKeyId', '***'))).status).toBe(403);
		expect((await call('GET', altered('Signature', null))).status).toBe(403);
		expect(
			(await call('GET', altered('Expires', String(Number(new URL(link).searchParams.get('Expires')) + 1)))).status,
		).toBe(403);
	});

	it('records the last requests with base64 shortened', async () => {
		await generate();
		const last = server.lastRequests[server.lastRequests.length - 1];
		expect(last).toMatchObject({ method: 'POST', path: STANDARD, headers: { 'accept-encoding': 'identity' } });
		const body = last.body as { image: string; prompt: string };
		expect(body.prompt).toBe('slow pan');
		expect(body.image).toMatch(/^data:image\/png;base64,.{32}…\[\d+ base64 chars\]$/);
	});
});

describe('native route', () => {
	const nativeBody = (imgUrl: string, parameters: object = {}, prompt = 'a red car drives away') => ({
		model: 'wan2.2-i2v-plus',
		input: { img_url: imgUrl, prompt, negative_prompt: 'blur' },
		parameters: { resolution: '480P', prompt_extend: true, seed: 42, watermark: false, duration: 5, ...parameters },
	});

	it('returns the final DashScope task, extends the prompt, and makes a 480p video', async () => {
		const reply = await post(NATIVE, nativeBody(toDataUri(landscapePng())));
		expect(reply.status).toBe(200);
		expect(reply.headers['content-type']).toBe(JSON_TYPE);
		const task = json(reply);
		expect(task.output).toMatchObject({ task_status: 'SUCCEEDED', orig_prompt: 'a red car drives away' });
		expect(task.output.actual_prompt.startsWith('a red car drives away.')).toBe(true);
		expect(task.output.actual_prompt.length).toBeGreaterThan(40);
		expect(task.output).toHaveProperty('submit_time');
		expect(task.usage).toEqual({ video_duration: 5, video_count: 1, SR: 480 });
		const video = await call('GET', task.output.video_url);
		expect(await probeBytes(video.body)).toMatchObject({
			codec: 'h264',
			width: 854,
			height: 480,
			fps: 30,
			duration: 5,
		});
		expect(server.counters).toMatchObject({ nativePosts: 1, i2vPosts: 0 });
	});

	it('keeps the prompt unchanged with prompt_extend false, and makes 1080p by default', async () => {
		const body = nativeBody(`${imageServerUrl}/picture.png`, { prompt_extend: false });
		delete (body.parameters as any).resolution;
		const task = json(await post(NATIVE, body));
		expect(task.output.actual_prompt).toBe(task.output.orig_prompt);
		expect(task.usage.SR).toBe(1080);
	});

	it.each([
		['webp with alpha', { width: 640, height: 480, format: 'webp' as const, alpha: true }, 640],
		['bmp', { width: 641, height: 480, format: 'bmp' as const }, 642],
	])('accepts %s', async (_name, image, width) => {
		const task = json(await post(NATIVE, nativeBody(toDataUri(makeImage(image), image.format))));
		expect(task.output.task_status).toBe('SUCCEEDED');
		const video = await call('GET', task.output.video_url);
		expect(await probeBytes(video.body)).toMatchObject({ codec: 'h264', width, height: 480 });
	});

	it.each([
		[{ resolution: '720P' }, /resolution/],
		[{ duration: 10 }, /duration/],
		[{ seed: -1 }, /seed/],
	])('rejects parameters %j with an embedded 400', async (parameters, message) => {
		const { status, body } = unwrap(await post(NATIVE, nativeBody(toDataUri(landscapePng()), parameters)));
		expect(status).toBe(400);
		expect(body.code).toBe('InvalidParameter');
		expect(body.message).toMatch(message);
	});

	it('rejects a missing img_url and an unknown model', async () => {
		const missing = unwrap(await post(NATIVE, { model: 'wan2.2-i2v-plus', input: { prompt: 'x' } }));
		expect(missing.body.message).toBe('Field required: input.img_url');
		const model = await post(NATIVE, { ...nativeBody(toDataUri(landscapePng())), model: 'wanx-v1' });
		expect(model.status).toBe(404);
		expect(json(model)).toEqual({ business_code: 30003, message: 'model not exist' });
	});
});

describe('synthetic videos', () => {
	it('serves a valid MP4 of exactly syntheticVideoBytes, padded with a free box', async () => {
		server.setOptions({ syntheticVideoBytes: 3_000_000 });
		const encodes = server.encoderStats.encodes;
		const video = await call('GET', await generate(makeImage({ width: 800, height: 600, variant: 1 })));
		expect(video.status).toBe(200);
		expect(Number(video.headers['content-length'])).toBe(3_000_000);
		expect(video.body.length).toBe(3_000_000);
		const boxes = topLevelBoxes(video.body);
		expect(boxes[0]).toBe('ftyp');
		expect(boxes[boxes.length - 1]).toBe('free');
		expect(await probeBytes(video.body)).toMatchObject({ codec: 'h264', duration: 5 });
		expect(server.encoderStats.encodes).toBe(encodes);
	});

	it('streams a 20 MB synthetic video of exactly that size', async () => {
		server.setOptions({ syntheticVideoBytes: 20 * 1024 * 1024 });
		const video = await call('GET', await generate());
		expect(video.body.length).toBe(20 * 1024 * 1024);
	});
});

describe('scripted generation failures', () => {
	const base64Body = () => ({ image: toDataUri(landscapePng()), image_type: 'base64' });

	it('html200, empty200, malformedJson200, empty500', async () => {
		server.scriptFailures([
			{ kind: 'html200' },
			{ kind: 'empty200' },
			{ kind: 'malformedJson200' },
			{ kind: 'empty500' },
		]);
		const html = await post(STANDARD, base64Body());
		expect([html.status, html.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
		const empty = await post(STANDARD, base64Body());
		expect([empty.status, empty.headers['content-type'], empty.text]).toEqual([200, JSON_TYPE, '']);
		const malformed = await post(STANDARD, base64Body());
		expect(malformed.status).toBe(200);
		expect(() => JSON.parse(malformed.text)).toThrow();
		const empty500 = await post(STANDARD, base64Body());
		expect([empty500.status, empty500.headers['content-type'], empty500.text]).toEqual([500, JSON_TYPE, '{}']);
		expect(server.counters.i2vPosts).toBe(4);
		expect(server.pendingFailures()).toEqual([]);
	});

	it('noData200 and nonHttpData', async () => {
		server.scriptFailures([{ kind: 'noData200' }, { kind: 'nonHttpData' }]);
		const noData = json(await post(STANDARD, base64Body()));
		expect(Object.keys(noData)).toEqual(['id']);
		const ftp = json(await post(STANDARD, base64Body()));
		expect(ftp.data).toMatch(/^ftp:\/\//);
	});

	it('pollExhausted answers after generationDelayMs with the exact message', async () => {
		server.setOptions({ generationDelayMs: 200 });
		server.scriptFailures([{ kind: 'pollExhausted' }]);
		const reply = await post(STANDARD, base64Body());
		expect(reply.totalMs).toBeGreaterThanOrEqual(190);
		expect(reply.status).toBe(500);
		expect(reply.text).toBe(
			'{"business_code":500,"message":"exceeded maximum number of retries (100) while polling task status"}',
		);
	});

	it.each([
		[{ code: 'InvalidParameter' }, 400],
		[{ code: 'DataInspectionFailed' }, 400],
		[{ code: 'InvalidApiKey' }, 401],
		[{ code: 'AccessDenied' }, 403],
		[{ code: 'Throttling', prefix: true }, 429],
		[{ code: 'Arrearage', message: 'Access denied, please make sure your account is in good standing.' }, 400],
		[{ code: 'Throttling.RateQuota', status: 503 }, 503],
	])('upstream %j', async (failure, status) => {
		server.scriptFailures([{ kind: 'upstream', ...failure }]);
		const wrapped = unwrap(await post(STANDARD, base64Body()));
		expect(wrapped.status).toBe(status);
		expect(wrapped.prefixed).toBe(Boolean((failure as { prefix?: boolean }).prefix));
		expect(wrapped.body.code).toBe(failure.code);
		expect(wrapped.body.message.length).toBeGreaterThan(5);
	});

	it('upstream retryAfter prints Retry-After:[n] in the Go header map, after Content-Type', async () => {
		server.scriptFailures([
			{ kind: 'upstream', code: 'Throttling', retryAfter: 1, prefix: true },
			{ kind: 'upstream', code: 'Throttling' },
		]);
		const withHeader = json(await post(STANDARD, base64Body()));
		expect(withHeader.message).toMatch(
			/^max retries exceeded: retryable error: HTTPErrorResponse\{StatusCode: 429, Header: map\[Content-Type:\[application\/json\] Retry-After:\[1\]\], Body: \{"code":"Throttling",/,
		);
		const without = json(await post(STANDARD, base64Body()));
		expect(without.message).not.toContain('Retry-After');
		expect(() => server.scriptFailures([{ kind: 'upstream', code: 'Throttling', retryAfter: -1 }])).toThrow(
			/retryAfter/,
		);
	});

	// serviceNotFound (10011) exists in AOG's source but v0.7 never sends it on these routes: scripted only.
	it('modelNotFound, serviceNotFound, noKeyStored, paramLost', async () => {
		server.scriptFailures([
			{ kind: 'modelNotFound' },
			{ kind: 'serviceNotFound' },
			{ kind: 'noKeyStored' },
			{ kind: 'paramLost' },
		]);
		const model = await post(STANDARD, base64Body());
		expect([model.status, model.text]).toEqual([404, '{"business_code":30003,"message":"model not exist"}']);
		const service = await post(NATIVE, {});
		expect([service.status, service.text]).toEqual([404, '{"business_code":10011,"message":"service not found"}']);
		const noKey = await post(STANDARD, base64Body());
		expect([noKey.status, noKey.headers['content-type'], noKey.text]).toEqual([400, JSON_TYPE, '{}']);
		const lost = await post(STANDARD, base64Body());
		expect([lost.status, lost.text]).toEqual([
			500,
			'{"business_code":500,"message":"middleware execution failed: image_type request param lost"}',
		]);
		expect(server.counters).toMatchObject({ i2vPosts: 3, nativePosts: 1, upstreamTasks: 0 });
	});

	it('proxy429 answers a plain 429 with Retry-After, as a rate-limiting proxy in front of AOG: no upstream task', async () => {
		server.scriptFailures([{ kind: 'proxy429', retryAfter: 2 }, { kind: 'proxy429' }]);
		const first = await post(STANDARD, base64Body());
		expect([first.status, first.headers['content-type'], first.headers['retry-after'], first.text]).toEqual([
			429,
			JSON_TYPE,
			'2',
			'{"message":"Too Many Requests"}',
		]);
		expect(
			(await post(NATIVE, { model: 'wan2.2-i2v-plus', input: { img_url: 'x' } })).headers['retry-after'],
		).toBeUndefined();
		expect(server.counters.upstreamTasks).toBe(0);
	});

	it('reset drops the connection without an answer', async () => {
		server.scriptFailures([{ kind: 'reset' }]);
		await expect(post(STANDARD, base64Body())).rejects.toThrow(/ECONNRESET|socket hang up/);
		expect(server.counters.i2vPosts).toBe(1);
		expect(server.counters.clientAborts).toBe(0); // the server dropped it, not the client
		expect((await get('/health')).status).toBe(200);
	});

	it('hang never answers, until the client gives up', async () => {
		server.scriptFailures([{ kind: 'hang' }]);
		const started = Date.now();
		await expect(
			call('POST', server.url + STANDARD, { body: JSON.stringify(base64Body()), timeoutMs: 300 }),
		).rejects.toThrow('client timeout');
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		expect((await get('/health')).status).toBe(200);
		expect(server.counters.clientAborts).toBe(1); // the client closed the hanging request
	});

	it('nativeTaskFailed is left for the native route; the standard route skips it', async () => {
		server.scriptFailures([
			{
				kind: 'nativeTaskFailed',
				code: 'DataInspectionFailed',
				message: 'Output data may contain inappropriate content.',
			},
			{ kind: 'empty500' },
		]);
		const standard = await post(STANDARD, base64Body());
		expect(standard.text).toBe('{}');
		expect(server.pendingFailures()).toHaveLength(1);
		const native = json(
			await post(NATIVE, { model: 'wan2.2-i2v-plus', input: { img_url: toDataUri(landscapePng()) } }),
		);
		expect(native.output).toMatchObject({
			task_status: 'FAILED',
			code: 'DataInspectionFailed',
			message: 'Output data may contain inappropriate content.',
		});
		expect(native.output.task_id).toBeTruthy();
		expect(server.pendingFailures()).toEqual([]);
	});

	it('failures replace the answer whatever the body, and download kinds are not used by POSTs', async () => {
		server.scriptFailures([{ kind: 'video403' }, { kind: 'html200' }]);
		const reply = await post(STANDARD, 'not even json');
		expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
		expect(server.pendingFailures()).toEqual([{ kind: 'video403' }]);
	});

	it('rejects unknown kinds', () => {
		expect(() => server.scriptFailures([{ kind: 'nope' } as unknown as ScriptedFailure])).toThrow(
			/unknown scripted failure kind/,
		);
		expect(GENERATION_FAILURE_KINDS).toContain('hang');
		expect(DOWNLOAD_FAILURE_KINDS).toContain('videoSlow');
	});
});

describe('scripted download failures', () => {
	let videoUrl: string;
	let videoSize: number;

	beforeEach(async () => {
		videoUrl = await generate();
		videoSize = Number((await call('HEAD', videoUrl)).headers['content-length']);
		server.resetCounters();
	});

	it('video403 and video404 answer OSS XML errors, once', async () => {
		server.scriptFailures([{ kind: 'video403' }, { kind: 'video404' }]);
		const denied = await call('GET', videoUrl);
		expect([denied.status, denied.headers['content-type']]).toEqual([403, 'application/xml']);
		expect(denied.text).toContain('<Code>AccessDenied</Code>');
		const missing = await call('GET', videoUrl);
		expect(missing.status).toBe(404);
		expect(missing.text).toContain('<Code>NoSuchKey</Code>');
		expect((await call('GET', videoUrl)).status).toBe(200);
		expect(server.counters.downloads).toBe(3);
	});

	it('HEAD does not use up a download failure', async () => {
		server.scriptFailures([{ kind: 'video403' }]);
		expect((await call('HEAD', videoUrl)).status).toBe(200);
		expect((await call('GET', videoUrl)).status).toBe(403);
	});

	it('videoHtml and videoJson answer 200 with the wrong content type', async () => {
		server.scriptFailures([{ kind: 'videoHtml' }, { kind: 'videoJson' }]);
		const html = await call('GET', videoUrl);
		expect([html.status, html.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
		const jsonReply = await call('GET', videoUrl);
		expect([jsonReply.status, jsonReply.headers['content-type']]).toEqual([200, JSON_TYPE]);
		expect(json(jsonReply).code).toBe('AccessDenied');
	});

	it('videoTruncated announces the full length and sends half', async () => {
		server.scriptFailures([{ kind: 'videoTruncated' }]);
		const reply = await call('GET', videoUrl);
		expect(reply.status).toBe(200);
		expect(Number(reply.headers['content-length'])).toBe(videoSize);
		expect(reply.body.length).toBe(Math.floor(videoSize / 2));
		expect(reply.error).toBeDefined();
	});

	it('videoChunkedCut sends part of a chunked body and drops the connection', async () => {
		server.scriptFailures([{ kind: 'videoChunkedCut' }]);
		const reply = await call('GET', videoUrl);
		expect(reply.headers['content-length']).toBeUndefined();
		expect(reply.headers['transfer-encoding']).toBe('chunked');
		expect(reply.body.length).toBeLessThan(videoSize);
		expect(reply.error).toBeDefined();
	});

	it('videoRedirectLoop redirects to itself forever', async () => {
		server.scriptFailures([{ kind: 'videoRedirectLoop' }]);
		let url = videoUrl;
		for (let hop = 0; hop < 4; hop += 1) {
			const reply = await call('GET', url);
			expect(reply.status).toBe(302);
			expect(reply.headers.location).toBe(videoUrl);
			url = reply.headers.location as string;
		}
		expect(server.counters.downloads).toBe(4);
	});

	it('videoRedirect {times: 3} redirects three times, then serves the file', async () => {
		server.scriptFailures([{ kind: 'videoRedirect', times: 3 }]);
		let reply = await call('GET', videoUrl);
		let redirects = 0;
		while (reply.status === 302) {
			redirects += 1;
			reply = await call('GET', new URL(reply.headers.location as string, videoUrl).href);
		}
		expect(redirects).toBe(3);
		expect(reply.status).toBe(200);
		expect(reply.body.length).toBe(videoSize);
		expect(server.counters.downloads).toBe(4);
	});

	it('videoOversize streams a valid-looking MP4 of the given size, with or without Content-Length', async () => {
		const bytes = 30 * 1024 * 1024;
		server.scriptFailures([
			{ kind: 'videoOversize', bytes },
			{ kind: 'videoOversize', bytes, noContentLength: true },
		]);
		const sized = await call('GET', videoUrl);
		expect(Number(sized.headers['content-length'])).toBe(bytes);
		expect(sized.body.length).toBe(bytes);
		expect(topLevelBoxes(sized.body)[0]).toBe('ftyp');
		const chunked = await call('GET', videoUrl);
		expect(chunked.headers['content-length']).toBeUndefined();
		expect(chunked.headers['transfer-encoding']).toBe('chunked');
		expect(chunked.body.length).toBe(bytes);
		expect(chunked.error).toBeUndefined();
	});

	it('videoServerError answers an OSS InternalError with the status, once', async () => {
		server.scriptFailures([{ kind: 'videoServerError' }, { kind: 'videoServerError', status: 500 }]);
		const unavailable = await call('GET', videoUrl);
		expect([unavailable.status, unavailable.headers['content-type']]).toEqual([503, 'application/xml']);
		expect(unavailable.text).toContain('<Code>InternalError</Code>');
		expect((await call('GET', videoUrl)).status).toBe(500);
		expect((await call('GET', videoUrl)).status).toBe(200);
		expect(server.counters.downloads).toBe(3);
	});

	it('counts a download the client stops as a client abort, but not a scripted cut', async () => {
		server.scriptFailures([{ kind: 'videoTruncated' }, { kind: 'videoSlow' }]);
		await call('GET', videoUrl);
		expect(server.counters.clientAborts).toBe(0);
		await call('GET', videoUrl, { timeoutMs: 200 }).catch((error: Error) => error); // resolves or rejects, depending on when the timeout hits
		await waitFor(() => server.counters.clientAborts > 0); // the server sees the close a moment later
		expect(server.counters.clientAborts).toBe(1);
	});

	it('videoSlow sends headers, then stalls before the body', async () => {
		server.scriptFailures([{ kind: 'videoSlow', delayMs: 400 }]);
		const reply = await call('GET', videoUrl);
		// The body comes at least the scripted delay after the headers (a lower bound: no flaky upper limit).
		expect(reply.totalMs - reply.headersAfterMs).toBeGreaterThanOrEqual(390);
		expect(reply.body.length).toBe(videoSize);
	});
});

describe('control over HTTP', () => {
	it('queues failures, changes options, reports counters and requests, and resets', async () => {
		const queued = await call('POST', `${server.url}/__control/failures`, {
			body: JSON.stringify({ failures: [{ kind: 'html200' }] }),
		});
		expect(json(queued).queued).toBe(1);
		const bad = await call('POST', `${server.url}/__control/failures`, {
			body: JSON.stringify({ failures: [{ kind: 'bogus' }] }),
		});
		expect(bad.status).toBe(400);
		const options = json(
			await call('POST', `${server.url}/__control/options`, { body: JSON.stringify({ generationDelayMs: 25 }) }),
		);
		expect(options.options.generationDelayMs).toBe(25);
		expect(server.options.generationDelayMs).toBe(25);
		expect((await call('POST', `${server.url}/__control/options`, { body: '{"delay":1}' })).status).toBe(400);

		const html = await post(STANDARD, {});
		expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
		const counters = json(await call('GET', `${server.url}/__control/counters`));
		expect(counters).toMatchObject({ i2vPosts: 1, total: 1, control: 5 });
		const requests = json(await call('GET', `${server.url}/__control/requests`));
		expect(requests.map((r: { path: string }) => r.path)).toEqual([STANDARD]);

		await call('POST', `${server.url}/__control/reset`);
		expect(server.counters.total).toBe(0);
		expect(server.lastRequests).toEqual([]);
		expect(server.pendingFailures()).toEqual([]);
	});
});

describe('lifecycle', () => {
	it('close() ends hanging requests at once', async () => {
		const other = await startAogServer({ port: 0 });
		other.scriptFailures([{ kind: 'hang' }]);
		const pending = call('POST', other.url + STANDARD, { body: '{}' });
		await waitFor(() => other.counters.i2vPosts === 1); // the request has arrived and hangs
		await other.close(); // resolves although a request hangs (the test would time out otherwise)
		await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/);
	});
});

describe('generation gauge', () => {
	const base64Body = () => ({ image: toDataUri(landscapePng()), image_type: 'base64' });

	it('counts generation requests in flight, the most at once, and when each came and went', async () => {
		// Long enough that the three are in flight together however slowly they arrive on a loaded machine.
		server.setOptions({ generationDelayMs: 1500 });
		expect(server.generation).toMatchObject({ inFlight: 0, maxInFlight: 0, requests: [] });
		const replies = Promise.all([
			post(STANDARD, base64Body()),
			post(STANDARD, base64Body()),
			post(NATIVE, { model: 'wan2.2-i2v-plus', input: { img_url: toDataUri(landscapePng()) } }),
		]);
		await waitFor(() => server.generation.inFlight === 3, 1500);
		await get('/health'); // other routes are not generation requests
		expect((await replies).map((reply) => reply.status)).toEqual([200, 200, 200]);
		expect(server.generation).toMatchObject({ inFlight: 0, maxInFlight: 3 });
		const { requests } = server.generation;
		expect(requests.map((r) => r.route).sort()).toEqual(['native', 'standard', 'standard']);
		expect(requests.map((r) => r.index)).toEqual([0, 1, 2]);
		for (const request of requests) {
			expect(request).toMatchObject({ status: 200, delayMs: 1500 });
			expect(request.answeredAt! - request.receivedAt).toBeGreaterThanOrEqual(1490);
		}

		server.setOptions({ generationDelayMs: 0 });
		await post(STANDARD, base64Body());
		expect(server.generation.maxInFlight).toBe(3);
		server.reset();
		expect(server.generation).toMatchObject({ inFlight: 0, maxInFlight: 0, requests: [] });
	});

	it('records failed and unanswered generation requests, and is readable over HTTP', async () => {
		server.scriptFailures([{ kind: 'modelNotFound' }, { kind: 'reset' }]);
		await post(STANDARD, base64Body());
		await expect(post(STANDARD, base64Body())).rejects.toThrow(/ECONNRESET|socket hang up/);
		await new Promise((resolve) => setTimeout(resolve, 20));
		const gauge = json(await get('/__control/generation'));
		expect(gauge).toMatchObject({ inFlight: 0, maxInFlight: 1 });
		expect(gauge.requests.map((r: { status?: number }) => r.status ?? null)).toEqual([404, null]);
		expect(gauge.requests.every((r: { answeredAt?: number }) => typeof r.answeredAt === 'number')).toBe(true);
	});

	it('holds a scripted failure with holdUntilArrivals until that many generation requests have arrived', async () => {
		server.scriptFailures([{ kind: 'modelNotFound', holdUntilArrivals: 2 }]);
		const held = post(STANDARD, base64Body());
		let answered = false;
		void held.then(() => (answered = true));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(answered).toBe(false); // alone in flight: still held
		const second = post(STANDARD, base64Body());
		expect((await held).status).toBe(404);
		expect((await second).status).toBe(200);
		const [first, other] = server.generation.requests;
		expect(first.answeredAt!).toBeGreaterThanOrEqual(other.receivedAt);
	});

	it('gives each generation its own delay from generationDelaysMs, in arrival order, cycling', async () => {
		server.setOptions({ generationDelaysMs: [400, 50] });
		try {
			const first = post(STANDARD, base64Body());
			await new Promise((resolve) => setTimeout(resolve, 30));
			const second = post(STANDARD, base64Body());
			const order: string[] = [];
			await Promise.all([first.then(() => order.push('first')), second.then(() => order.push('second'))]);
			expect(order).toEqual(['second', 'first']);
			await post(STANDARD, base64Body()); // third: 400 again
			expect(server.generation.requests.map((r) => r.delayMs)).toEqual([400, 50, 400]);
			expect(() => server.setOptions({ generationDelaysMs: [-1] as number[] })).toThrow(/generationDelaysMs/);
		} finally {
			server.setOptions({ generationDelaysMs: [] });
		}
	});
});
