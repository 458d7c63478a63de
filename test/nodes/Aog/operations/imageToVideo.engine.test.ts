import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { jpegItem, makeImage, probeOutputVideo, runAog, startAogServer, type AogServer } from '../support';

let server: AogServer;

beforeAll(async () => {
	server = await startAogServer({ port: 0 });
});
afterAll(async () => await server.close());
beforeEach(() => server.reset());

const lastPost = () => server.lastRequests.filter((request) => request.method === 'POST').at(-1)!;

describe.each(['filesystem', 'default'] as const)('Image to Video from a binary (%s binary mode)', (binaryMode) => {
	it('sends the picture as a data URI and returns the generated MP4 as binary with its metadata', async () => {
		const result = await runAog(
			{ imageSource: 'binary', prompt: 'A slow push-in' },
			{ server, binaryMode, items: [jpegItem()] },
		);

		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(1);
		const [item] = result.output;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			model: 'wan2.2-i2v-plus',
			prompt: 'A slow push-in',
			imageSource: 'binary',
			mimeType: 'video/mp4',
			videoCodec: 'h264',
			faststart: true,
			width: 1920,
			height: 1080,
		});
		expect(item.json.id).toEqual(expect.any(String));
		expect(item.json.videoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/videos\/.+\.mp4\?/);
		expect(item.json.fileName).toBe(`aog-video-${String(item.json.id).replace(/[^A-Za-z0-9_-]/g, '')}.mp4`);

		const binary = item.binary!.data;
		expect(binary.mimeType).toBe('video/mp4');
		expect(binary.fileName).toBe(item.json.fileName);
		if (binaryMode === 'filesystem') expect(binary.id).toMatch(/^filesystem/);

		const { bytes, probe } = await probeOutputVideo(result, item);
		expect(item.json.fileSize).toBe(bytes.length);
		expect(probe).toMatchObject({ codec: 'h264', width: 1920, height: 1080, hasAudio: false });
		expect(item.json.durationSeconds).toBeCloseTo(probe.duration, 1);
		expect(item.json.frameRate).toBeCloseTo(probe.fps, 1);
		// What a poster needs, from the same MP4: a silent 16:9 1080P clip, too large for X's 1280×1024.
		expect(item.json).toMatchObject({ hasAudio: probe.hasAudio, aspectRatio: '16:9' });
		expect(item.json.fits).toEqual({
			youtubeShorts: false,
			instagramReels: true,
			tiktok: true,
			telegram: true,
			x: false,
		});

		const post = lastPost();
		expect(post.path).toBe('/aog/v0.2/services/image-to-video');
		expect(post.headers['accept-encoding']).toBe('identity');
		expect(post.body).toMatchObject({ model: 'wan2.2-i2v-plus', image_type: 'base64', prompt: 'A slow push-in' });
		expect(String((post.body as { image: string }).image)).toMatch(/^data:image\/jpeg;base64,\/9j\//);
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 1 });
	});
});

describe('other image sources', () => {
	it('detects the MIME type from the bytes, not from a wrong file name or declared type', async () => {
		const png = makeImage({ width: 800, height: 600, format: 'png' });
		const result = await runAog(
			{ imageSource: 'binary', binaryPropertyName: 'photo' },
			{ server, items: [{ binary: { photo: { data: png, mimeType: 'image/jpeg', fileName: 'photo.jpg' } } }] },
		);
		expect(result.error).toBeUndefined();
		expect(String((lastPost().body as { image: string }).image)).toMatch(/^data:image\/png;base64,iVBOR/);
		expect(result.output[0].json).toMatchObject({ width: 1440, height: 1080 });
	});

	it('normalises bare base64 to the data URI DashScope needs', async () => {
		const bare = makeImage({ width: 640, height: 640, format: 'jpeg' }).toString('base64');
		const result = await runAog({ imageSource: 'base64', imageBase64: bare }, { server });
		expect(result.error).toBeUndefined();
		expect(lastPost().body).toMatchObject({ image_type: 'base64' });
		expect(String((lastPost().body as { image: string }).image)).toMatch(/^data:image\/jpeg;base64,\/9j\//);
		expect(result.output[0].json).toMatchObject({ width: 1080, height: 1080, imageSource: 'base64' });
	});

	it('passes a data URI through unchanged', async () => {
		const bytes = makeImage({ width: 640, height: 480, format: 'webp' });
		const dataUri = `data:image/webp;base64,${bytes.toString('base64')}`;
		const result = await runAog({ imageSource: 'base64', imageBase64: dataUri }, { server });
		expect(result.error).toBeUndefined();
		expect(server.counters.i2vPosts).toBe(1);
		expect(result.output[0].json.width).toBe(1440);
	});

	it('passes a path on the AOG host as is', async () => {
		const file = path.join(mkdtempSync(path.join(tmpdir(), 'aog-path-')), 'product photo.png');
		writeFileSync(file, makeImage({ width: 1000, height: 1000, format: 'png' }));
		const result = await runAog({ imageSource: 'path', imagePath: file }, { server });
		expect(result.error).toBeUndefined();
		expect(lastPost().body).toMatchObject({ image: file, image_type: 'path' });
		expect(result.output[0].json).toMatchObject({ imageSource: 'path', width: 1080, height: 1080 });
	});

	it('sends an image URL for the cloud to fetch (validation off for a loopback test URL)', async () => {
		const file = path.join(mkdtempSync(path.join(tmpdir(), 'aog-url-')), 'photo.jpg');
		writeFileSync(file, makeImage({ width: 720, height: 1280, format: 'jpeg' }));
		const imageHost = await serveFile(file);
		try {
			const result = await runAog(
				{ imageSource: 'url', imageUrl: imageHost.url, options: { validateImage: false } },
				{ server },
			);
			expect(result.error).toBeUndefined();
			expect(lastPost().body).toMatchObject({ image: imageHost.url, image_type: 'url' });
			expect(result.output[0].json).toMatchObject({ imageSource: 'url', width: 608, height: 1080 });
		} finally {
			await imageHost.close();
		}
	});
});

describe('options', () => {
	it('writes to the chosen binary field and file name, adding .mp4', async () => {
		const result = await runAog(
			{ imageSource: 'binary', options: { outputBinaryPropertyName: 'video', fileName: 'product-1' } },
			{ server, items: [jpegItem()] },
		);
		const [item] = result.output;
		expect(Object.keys(item.binary ?? {})).toEqual(['video']);
		expect(item.binary!.video.fileName).toBe('product-1.mp4');
		expect(item.json.fileName).toBe('product-1.mp4');
	});

	it('returns the URL only, without downloading, when Download Video is off', async () => {
		const result = await runAog(
			{ imageSource: 'binary', options: { downloadVideo: false } },
			{ server, items: [jpegItem()] },
		);
		const [item] = result.output;
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ fileName: null, fileSize: null, mimeType: 'video/mp4' });
		expect(item.json.videoUrlExpiresAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
		expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 0 });
	});

	it('keeps order and pairing over several items', async () => {
		const items = [0, 1, 2].map((variant) => jpegItem(variant, { sku: `sku-${variant}` }));
		const result = await runAog(
			{ imageSource: 'binary', prompt: '={{ "Item " + $json.sku }}', options: { fileName: '={{ $json.sku }}' } },
			{ server, items },
		);
		expect(result.output.map((item) => item.json.prompt)).toEqual(['Item sku-0', 'Item sku-1', 'Item sku-2']);
		expect(result.output.map((item) => item.json.fileName)).toEqual(['sku-0.mp4', 'sku-1.mp4', 'sku-2.mp4']);
		expect(result.output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(server.counters.i2vPosts).toBe(3);
	});
});

describe('native route', () => {
	it('sends DashScope parameters and returns the actual prompt, task id and usage', async () => {
		const result = await runAog(
			{
				imageSource: 'binary',
				prompt: 'Waves',
				options: {
					route: 'native',
					resolution: '480P',
					negativePrompt: 'blur',
					seed: 42,
					promptExtend: true,
					watermark: false,
				},
			},
			{ server, items: [jpegItem()] },
		);
		expect(result.error).toBeUndefined();
		const post = lastPost();
		expect(post.path).toBe('/aog/v0.2/api_flavors/aliyun/v1/image-to-video');
		expect(post.body).toMatchObject({
			model: 'wan2.2-i2v-plus',
			input: { prompt: 'Waves', negative_prompt: 'blur' },
			parameters: { resolution: '480P', seed: 42, prompt_extend: true, watermark: false },
		});
		const [item] = result.output;
		expect(item.json).toMatchObject({
			route: 'native',
			height: 480,
			taskId: expect.any(String),
			usage: expect.objectContaining({ video_count: 1 }),
		});
		expect(String(item.json.actualPrompt)).toContain('Waves');
		expect(server.counters).toMatchObject({ nativePosts: 1, i2vPosts: 0 });
	});

	it('refuses native-only options on the standard route instead of dropping them', async () => {
		const result = await runAog(
			{ imageSource: 'binary', options: { resolution: '480P', seed: 7 } },
			{ server, items: [jpegItem()] },
		);
		expect(result.error?.message).toBe('Options resolution, seed only work on the native route');
		expect(result.error?.description).toMatch(/Route to Native/);
		expect(server.counters.total).toBe(0);
	});

	it('reports the upstream reason of a failed task', async () => {
		server.scriptFailures([
			{
				kind: 'nativeTaskFailed',
				code: 'DataInspectionFailed',
				message: 'Output video may contain inappropriate content.',
			},
		]);
		const result = await runAog(
			{ imageSource: 'binary', options: { route: 'native' } },
			{ server, items: [jpegItem()] },
		);
		expect(result.error?.message).toBe(
			'The generation task ended FAILED upstream: Content moderation blocked the request (DataInspectionFailed)',
		);
		expect(result.error?.description).toContain('Output video may contain inappropriate content.');
		expect(server.counters.nativePosts).toBe(1);
	});
});

describe('continueOnFail', () => {
	it('routes a failed item to the error output as {error, message} with its pairing; the others succeed', async () => {
		// Item 0 meets a gateway failure (the task failed upstream), item 1 a bad input; item 2 succeeds.
		server.scriptFailures([{ kind: 'noData200' }]);
		const tooSmall = {
			binary: { data: { data: makeImage({ width: 200, height: 200, format: 'png' }), mimeType: 'image/png' } },
		};
		const result = await runAog(
			{ imageSource: 'binary' },
			{ server, items: [jpegItem(0), tooSmall, jpegItem(2)], onError: 'continueErrorOutput' },
		);

		expect(result.error).toBeUndefined();
		expect(result.output.map((item) => item.pairedItem)).toEqual([{ item: 2 }]);
		expect(result.output[0].binary?.data.mimeType).toBe('video/mp4');
		expect(result.errorOutput.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of result.errorOutput) expect(Object.keys(item.json).sort()).toEqual(['error', 'message']);
		expect(result.errorOutput[0].json.error).toBe('The generation task failed upstream; AOG does not say why');
		expect(result.errorOutput[1].json.error).toMatch(
			/^The image does not meet DashScope's limits: the image is 200×200 px.*$/,
		);
		expect(server.counters.i2vPosts).toBe(2);
	});

	it('puts error items in the main output with "continue (regular output)"', async () => {
		server.scriptFailures([{ kind: 'serviceNotFound' }]);
		const result = await runAog(
			{ imageSource: 'binary' },
			{ server, items: [jpegItem()], onError: 'continueRegularOutput' },
		);
		expect(result.output).toHaveLength(1);
		expect(result.output[0].json.error).toBe("AOG's image-to-video service is not installed");
		expect(result.output[0].pairedItem).toEqual({ item: 0 });
	});
});

async function serveFile(file: string) {
	const http = await import('node:http');
	const { readFileSync } = await import('node:fs');
	const body = readFileSync(file);
	const httpServer = http.createServer((_request, response) => {
		response.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': body.length });
		response.end(body);
	});
	await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
	const { port } = httpServer.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}/images/photo.jpg`,
		close: () => new Promise<void>((resolve) => httpServer.close(() => resolve())),
	};
}
