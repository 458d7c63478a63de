// Image to Video's extras for wan2.7-i2v (last frame, driving audio, a clip to continue), in n8n-core's real engine
// against the DashScope dev server: files through temporary storage, the media entries in order, and what is refused
// before any request.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { runFfmpegSync } from '../../../../tools/media';

import type { InjectBinary, RunNodeResult } from '../../../../tools/harness/engine';
import {
	jpegItem,
	makeImage,
	probeOutputVideo,
	runDashScope,
	startDashScopeServer,
	wavBytes,
	type DashScopeServer,
} from '../support';

let server: DashScopeServer;
beforeAll(async () => {
	server = await startDashScopeServer({ timeScale: 0.01 });
});
afterAll(async () => await server.close());
beforeEach(() => {
	server.reset();
	server.setOptions({ timeScale: 0.01, pendingMs: 1000, runningMs: 30_000, maxRunning: 0 });
});

const model = (name: string) => ({ __rl: true, mode: 'id', value: name });
const binary = (bytes: Buffer, mimeType: string, fileName: string) => ({
	data: bytes.toString('base64'),
	mimeType,
	fileName,
});
const text = (result: RunNodeResult) => `${result.error?.message ?? ''}\n${result.error?.description ?? ''}`;
const submits = () => server.lastRequests.filter((request) => request.host === 'api' && request.method === 'POST');

async function run(parameters: INodeParameters, extraBinary: Record<string, InjectBinary> = {}, options = {}) {
	const item = jpegItem();
	return await runDashScope(
		{
			imageSource: 'binary',
			prompt: 'The product turns to face the camera',
			model: model('wan2.7-i2v'),
			...parameters,
			options: { pollInterval: 1, ...options },
		},
		{ server, items: [{ ...item, binary: { ...item.binary, ...extraBinary } }] },
	);
}

test('a binary last frame and driving audio: uploaded for wan2.7-i2v, media entries in order, the resolve header, sound', async () => {
	const voice = wavBytes(4);
	const last = makeImage({ width: 1280, height: 720, format: 'png', variant: 3 });
	const result = await run(
		{ lastFrameSource: 'binary', drivingAudioSource: 'binary' },
		{ lastFrame: binary(last, 'image/png', 'end.png'), drivingAudio: binary(voice, 'audio/wav', 'voice.wav') },
	);
	expect(result.error).toBeUndefined();
	expect(server.uploads.map((upload) => [upload.model, upload.mime])).toEqual([
		['wan2.7-i2v', 'image/jpeg'],
		['wan2.7-i2v', 'image/png'],
		['wan2.7-i2v', 'audio/wav'],
	]);
	const keys = server.uploads.map((upload) => `oss://${upload.key}`);
	expect((submits()[0].body as { input: { media: unknown } }).input.media).toEqual([
		{ type: 'first_frame', url: keys[0] },
		{ type: 'last_frame', url: keys[1] },
		{ type: 'driving_audio', url: keys[2] },
	]);
	expect(server.task(server.tasks[0].id)?.headers['x-dashscope-ossresourceresolve']).toBe('enable');
	expect(server.counters).toMatchObject({ uploadAuthorization: 0, storageAuthorization: 0 });
	const { probe } = await probeOutputVideo(result, result.output[0]);
	expect(probe.hasAudio).toBe(true);
	expect(result.output[0].json).toMatchObject({ hasAudio: true });
});

test('URLs are passed as given: no upload, and no resolve header for a public first frame', async () => {
	const result = await run({
		imageSource: 'url',
		imageUrl: 'https://example.com/start.jpg',
		lastFrameSource: 'url',
		lastFrameUrl: 'https://example.com/end.jpg',
	});
	// The dev server does not fetch example.com: what matters here is what the node sent.
	expect(server.uploads).toHaveLength(0);
	const [submit] = submits();
	expect((submit.body as { input: { media: unknown } }).input.media).toEqual([
		{ type: 'first_frame', url: 'https://example.com/start.jpg' },
		{ type: 'last_frame', url: 'https://example.com/end.jpg' },
	]);
	expect(submit.headers['x-dashscope-ossresourceresolve']).toBeUndefined();
	expect(result.output.length + (result.error ? 1 : 0)).toBe(1);
});

test.each([
	[
		{ model: model('wan2.6-i2v'), lastFrameSource: 'url', lastFrameUrl: 'https://example.com/end.jpg' },
		{},
		/Last Frame is not available for wan2\.6-i2v[\s\S]*First and Last Frame to Video/,
	],
	[
		{ drivingAudioSource: 'url', drivingAudioUrl: 'https://example.com/a.mp3' },
		{ audioUrl: 'https://example.com/b.mp3' },
		/Driving Audio and Options → Audio URL are both set/,
	],
	[
		{ firstClipSource: 'url', firstClipUrl: 'https://example.com/clip.jpg' },
		{},
		/The First Clip URL names a picture, but First Clip takes a video clip/,
	],
	[{ drivingAudioSource: 'binary' }, {}, /The item has no binary field "drivingAudio" for Driving Audio/],
])('refused before any request: %j %j', async (parameters, options, message) => {
	const result = await run(parameters, {}, options);
	expect(text(result)).toMatch(message);
	expect(server.lastRequests).toHaveLength(0);
});

test('a video in the Last Frame field is refused by what its bytes are, not its name', async () => {
	const fakeMp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(64)]);
	const result = await run({ lastFrameSource: 'binary' }, { lastFrame: binary(fakeMp4, 'image/jpeg', 'end.jpg') });
	expect(text(result)).toMatch(/The binary field "lastFrame" is a video clip, but Last Frame takes a picture/);
	expect(server.lastRequests).toHaveLength(0);
});

test('a First Clip continues the clip: uploaded, sent alone as first_clip, the picture neither read nor sent', async () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'aog-clip-'));
	const file = path.join(dir, 'clip.mp4');
	runFfmpegSync([
		'-f',
		'lavfi',
		'-i',
		'color=c=navy:s=640x360:d=3:r=30',
		'-c:v',
		'libx264',
		'-pix_fmt',
		'yuv420p',
		file,
	]);
	const clip = readFileSync(file);
	const result = await runDashScope(
		{
			imageSource: 'binary',
			binaryPropertyName: 'missing', // never read: the clip replaces the picture
			model: model('wan2.7-i2v'),
			firstClipSource: 'binary',
			options: { pollInterval: 1 },
		},
		{ server, items: [{ json: {}, binary: { firstClip: binary(clip, 'video/mp4', 'clip.mp4') } }] },
	);
	expect(result.error).toBeUndefined();
	expect(server.uploads.map((upload) => [upload.mime, upload.size])).toEqual([['video/mp4', clip.length]]);
	expect((submits()[0].body as { input: { media: unknown } }).input.media).toEqual([
		{ type: 'first_clip', url: `oss://${server.uploads[0].key}` },
	]);
	const { probe } = await probeOutputVideo(result, result.output[0]);
	expect(probe.width / probe.height).toBeCloseTo(16 / 9, 1);
});

test('a First Clip of 12 s is refused before any request, by the length its MP4 tells', async () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'aog-clip-'));
	const file = path.join(dir, 'long.mp4');
	runFfmpegSync([
		'-f',
		'lavfi',
		'-i',
		'color=c=navy:s=320x180:d=12:r=10',
		'-c:v',
		'libx264',
		'-pix_fmt',
		'yuv420p',
		file,
	]);
	const result = await run(
		{ firstClipSource: 'binary' },
		{ firstClip: binary(readFileSync(file), 'video/mp4', 'long.mp4') },
	);
	expect(text(result)).toMatch(/First Clip is a 12\.0 s clip; DashScope takes 2–10 s here/);
	expect(server.lastRequests).toHaveLength(0);
});

test('First Clip with a last frame is refused before any request', async () => {
	const result = await run({
		firstClipSource: 'url',
		firstClipUrl: 'https://example.com/clip.mp4',
		lastFrameSource: 'url',
		lastFrameUrl: 'https://example.com/end.jpg',
	});
	expect(text(result)).toMatch(/First Clip is set together with a last frame[\s\S]*takes the clip alone/);
	expect(server.lastRequests).toHaveLength(0);
});
