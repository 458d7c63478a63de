// The rest of the Wan family in the dev server, over real HTTP: first and last frame (kf2v, its own endpoint),
// wan2.7-i2v's media entries, reference to video (2.6 and 2.7) and video edit. Each model takes a good body and
// refuses a wrong field; the MP4 it makes has the asked size, length and audio (ffprobe).
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { makeImage, toDataUri, probeVideo, makeWav } from '../../../tools/media';
import { VideoMaker } from '../../../tools/media/video-maker';
import {
	startDashScopeServer,
	DashScopeServer,
	SUBMIT_PATH,
	IMAGE2VIDEO_PATH,
	WRONG_ENDPOINT_MESSAGE,
} from '../../../tools/dashscope-server';

jest.setTimeout(60000);

const KEY = 'sk-test-beijing';
const HEADERS = { authorization: `Bearer ${KEY}`, 'x-dashscope-async': 'enable', 'content-type': 'application/json' };

let server: DashScopeServer;
let media: http.Server;
let mediaUrl: string;
let tempDir: string;

const landscape = () => toDataUri(makeImage({ width: 1280, height: 720, format: 'png' }));
const portrait = () => toDataUri(makeImage({ width: 480, height: 640, format: 'png' }));

beforeAll(async () => {
	tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashscope-modes-test-'));
	const maker = new VideoMaker();
	// Inputs: a landscape video with sound, a portrait silent one, a 12 s one (too long), sounds and a picture.
	const [withSound, silentPortrait, long] = await Promise.all([
		maker.textVideo({ width: 640, height: 360 }, 3, true),
		maker.textVideo({ width: 360, height: 640 }, 3, false),
		maker.textVideo({ width: 640, height: 360 }, 12, false),
	]);
	const files: Record<string, [string, Buffer]> = {
		'/sound.mp4': ['video/mp4', fs.readFileSync(withSound.path)],
		'/portrait.mp4': ['video/mp4', fs.readFileSync(silentPortrait.path)],
		'/long.mp4': ['video/mp4', fs.readFileSync(long.path)],
		'/voice.wav': ['audio/wav', makeWav(3)],
		'/long.wav': ['audio/wav', makeWav(31)],
		'/picture.png': ['image/png', makeImage({ width: 1280, height: 720, format: 'png' })],
		'/notes.txt': ['text/plain', Buffer.from('not media at all')],
	};
	media = http.createServer((req, res) => {
		const file = files[req.url ?? ''];
		if (file) res.writeHead(200, { 'Content-Type': file[0] }).end(file[1]);
		else res.writeHead(404).end('not here');
	});
	await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
	mediaUrl = `http://127.0.0.1:${(media.address() as { port: number }).port}`;
	server = await startDashScopeServer({ pendingMs: 0, runningMs: 0 });
});

afterAll(async () => {
	await server.close();
	await new Promise((resolve) => media.close(resolve));
	fs.rmSync(tempDir, { recursive: true, force: true });
});

beforeEach(() => {
	server.reset();
	server.setOptions({ pendingMs: 0, runningMs: 0, timeScale: 1 });
});

async function submit(body: unknown, pathName = SUBMIT_PATH, headers: Record<string, string> = HEADERS) {
	const response = await fetch(server.url + pathName, { method: 'POST', headers, body: JSON.stringify(body) });
	return { status: response.status, json: (await response.json()) as any };
}

async function finished(taskId: string): Promise<any> {
	for (let i = 0; i < 2000; i++) {
		const response = await fetch(`${server.url}/api/v1/tasks/${taskId}`, {
			headers: { authorization: `Bearer ${KEY}` },
		});
		const json = (await response.json()) as any;
		if (!['PENDING', 'RUNNING'].includes(json.output.task_status)) return json;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error(`task ${taskId} did not end`);
}

/** Submit, wait, and probe the MP4 of a task that must succeed. */
async function video(body: unknown, pathName = SUBMIT_PATH) {
	const reply = await submit(body, pathName);
	expect(reply.status).toBe(200);
	const result = await finished(reply.json.output.task_id);
	expect(result.output).toMatchObject({ task_status: 'SUCCEEDED' });
	const bytes = Buffer.from(await (await fetch(result.output.video_url)).arrayBuffer());
	const file = path.join(tempDir, `${reply.json.output.task_id}.mp4`);
	fs.writeFileSync(file, bytes);
	return { probe: await probeVideo(file), result, task: server.task(reply.json.output.task_id)! };
}

/** Submit a body accepted at submit whose task must FAIL with InvalidParameter; returns the message. */
async function failure(body: unknown, pathName = SUBMIT_PATH): Promise<string> {
	const reply = await submit(body, pathName);
	expect(reply.status).toBe(200);
	const result = await finished(reply.json.output.task_id);
	expect(result.output).toMatchObject({ task_status: 'FAILED', code: 'InvalidParameter' });
	return result.output.message;
}

async function refused(body: unknown, message: RegExp | string, pathName = SUBMIT_PATH) {
	const reply = await submit(body, pathName);
	expect({ status: reply.status, code: reply.json.code }).toEqual({ status: 400, code: 'InvalidParameter' });
	expect(reply.json.message).toMatch(message);
	expect(server.counters.submits).toBe(0);
}

describe('first and last frame (kf2v) on image2video/video-synthesis', () => {
	const kf2v = (input: object, parameters: object = {}, model = 'wan2.2-kf2v-flash') => ({ model, input, parameters });

	it('makes a 5 s silent MP4 at the tier, keeping the first frame aspect (portrait: the tier is the width)', async () => {
		const { probe, result } = await video(
			kf2v({ first_frame_url: portrait(), last_frame_url: landscape(), prompt: 'turns' }, { resolution: '480P' }),
			IMAGE2VIDEO_PATH,
		);
		expect(probe).toMatchObject({ width: 480, height: 640, duration: 5, hasAudio: false });
		expect(result.usage).toEqual({ video_duration: 5, video_count: 1, SR: 480 });
		const plus = await video(
			kf2v({ first_frame_url: `${mediaUrl}/picture.png` }, {}, 'wanx2.1-kf2v-plus'),
			IMAGE2VIDEO_PATH,
		);
		expect(plus.probe).toMatchObject({ width: 1280, height: 720, duration: 5, hasAudio: false });
	});

	it('answers the wrong endpoint with DashScope\'s "url error", both ways', async () => {
		await refused(kf2v({ first_frame_url: landscape() }), WRONG_ENDPOINT_MESSAGE, SUBMIT_PATH);
		await refused(
			{ model: 'wan2.6-i2v', input: { img_url: landscape() }, parameters: { resolution: '720P' } },
			WRONG_ENDPOINT_MESSAGE,
			IMAGE2VIDEO_PATH,
		);
	});

	it.each([
		['no first_frame_url', kf2v({ last_frame_url: 'x' }), /input\.first_frame_url/],
		[
			'img_url',
			kf2v({ img_url: 'https://example.com/a.png', first_frame_url: 'x' }),
			/input\.img_url.*wan2\.2-kf2v-flash/,
		],
		[
			'1080P on wanx2.1-kf2v-plus',
			kf2v({ first_frame_url: 'x' }, { resolution: '1080P' }, 'wanx2.1-kf2v-plus'),
			/resolution.*1080P.*720P/,
		],
		['a duration of 10', kf2v({ first_frame_url: 'x' }, { duration: 10 }), /duration.*10/],
		['a size', kf2v({ first_frame_url: 'x' }, { size: '1280*720' }), /parameters\.size/],
	])('refuses %s', async (_name, body, message) => refused(body, message, IMAGE2VIDEO_PATH));

	it('FAILS a task whose last frame is not a picture', async () => {
		expect(
			await failure(kf2v({ first_frame_url: landscape(), last_frame_url: `${mediaUrl}/voice.wav` }), IMAGE2VIDEO_PATH),
		).toMatch(/last_frame.*audio.*picture/);
	});
});

describe('wan2.7-i2v media entries', () => {
	const i2v = (items: object[], parameters: object = { resolution: '720P', duration: 3 }) => ({
		model: 'wan2.7-i2v',
		input: { media: items, prompt: 'go' },
		parameters,
	});

	it('first frame + last frame + driving audio: the tier, the duration, an AAC track', async () => {
		const { probe, task } = await video(
			i2v([
				{ type: 'first_frame', url: landscape() },
				{ type: 'last_frame', url: landscape() },
				{ type: 'driving_audio', url: `${mediaUrl}/voice.wav` },
			]),
		);
		expect(probe).toMatchObject({ width: 1280, height: 720, duration: 3, hasAudio: true });
		expect(task.media?.map((m) => m.role)).toEqual(['first_frame', 'last_frame', 'driving_audio']);
	});

	it('first_clip alone continues a video in its aspect; audio false makes it silent', async () => {
		const { probe } = await video(
			i2v([{ type: 'first_clip', url: `${mediaUrl}/portrait.mp4` }], {
				resolution: '1080P',
				duration: 2,
				audio: false,
			}),
		);
		expect(probe).toMatchObject({ width: 1080, height: 1920, duration: 2, hasAudio: false });
	});

	it.each([
		[
			'first_clip with first_frame',
			[
				{ type: 'first_clip', url: 'x' },
				{ type: 'first_frame', url: 'y' },
			],
			/first_clip cannot also contain first_frame/,
		],
		[
			'two first frames',
			[
				{ type: 'first_frame', url: 'x' },
				{ type: 'first_frame', url: 'y' },
			],
			/at most one item of type first_frame/,
		],
		[
			'an unknown type',
			[
				{ type: 'first_frame', url: 'x' },
				{ type: 'reference_image', url: 'y' },
			],
			/media\[1\]\.type.*reference_image.*wan2\.7-i2v/,
		],
		['no url', [{ type: 'first_frame' }], /input\.media\[first_frame\]\.url/],
	])('refuses %s', async (_name, items, message) => refused(i2v(items), message));

	it('FAILS a task whose driving audio is a video, or too long, or whose first_clip is a picture', async () => {
		const first = { type: 'first_frame', url: landscape() };
		expect(await failure(i2v([first, { type: 'driving_audio', url: `${mediaUrl}/sound.mp4` }]))).toMatch(
			/driving_audio input is a video \(mp4\); driving_audio takes an audio file/,
		);
		expect(await failure(i2v([first, { type: 'driving_audio', url: `${mediaUrl}/long.wav` }]))).toMatch(
			/31\.0 s.*2 to 30/,
		);
		expect(await failure(i2v([{ type: 'first_clip', url: `${mediaUrl}/picture.png` }]))).toMatch(/first_clip.*picture/);
		expect(await failure(i2v([{ type: 'first_clip', url: `${mediaUrl}/notes.txt` }]))).toMatch(
			/not a readable media file/,
		);
	});
});

describe('reference to video', () => {
	const r2v = (input: object, parameters: object = {}, model = 'wan2.6-r2v') => ({
		model,
		input: { prompt: 'character1 waves at character2', ...input },
		parameters,
	});

	it('wan2.6-r2v: reference_urls mixing a picture and a video, the asked size and duration, with sound', async () => {
		const { probe, result } = await video(
			r2v(
				{ reference_urls: [landscape(), `${mediaUrl}/sound.mp4`] },
				{ size: '720*1280', duration: 4, shot_type: 'multi' },
			),
		);
		expect(probe).toMatchObject({ width: 720, height: 1280, duration: 4, hasAudio: true });
		expect(result.usage).toEqual({ video_duration: 4, video_count: 1, SR: 720 });
	});

	it('wan2.6-r2v-flash: reference_video_urls, default 1920*1080 and 5 s, silent with audio false', async () => {
		const { probe } = await video(
			r2v({ reference_video_urls: [`${mediaUrl}/sound.mp4`] }, { audio: false }, 'wan2.6-r2v-flash'),
		);
		expect(probe).toMatchObject({ width: 1920, height: 1080, duration: 5, hasAudio: false });
	});

	it('wan2.7-r2v: reference_image and reference_video media entries', async () => {
		const { probe } = await video(
			r2v(
				{
					media: [
						{ type: 'reference_image', url: landscape() },
						{ type: 'reference_video', url: `${mediaUrl}/portrait.mp4` },
					],
				},
				{ size: '960*960', duration: 2 },
				'wan2.7-r2v',
			),
		);
		expect(probe).toMatchObject({ width: 960, height: 960, duration: 2, hasAudio: true });
	});

	it.each([
		['four references', r2v({ reference_urls: ['a', 'b', 'c', 'd'] }), /reference_urls must have 1 to 3 entries/],
		[
			'both lists',
			r2v({ reference_urls: ['a'], reference_video_urls: ['b'] }),
			/either input\.reference_urls or input\.reference_video_urls/,
		],
		['no references', r2v({}), /reference_video_urls/],
		['no prompt', { model: 'wan2.6-r2v', input: { reference_urls: ['a'] } }, /input\.prompt/],
		['an 832*480 size', r2v({ reference_urls: ['a'] }, { size: '832*480' }), /parameters\.size.*832\*480/],
		['11 s', r2v({ reference_urls: ['a'] }, { duration: 11 }), /duration.*2-10/],
		[
			'a resolution',
			r2v({ reference_urls: ['a'] }, { resolution: '720P' }),
			/parameters\.resolution.*parameters\.size/,
		],
		['audio_setting', r2v({ reference_urls: ['a'] }, { audio_setting: 'origin' }), /audio_setting.*wan2\.6-r2v/],
		['img_url', r2v({ reference_urls: ['a'], img_url: 'b' }), /input\.img_url/],
		[
			'a 2.6 list to wan2.7-r2v',
			r2v({ reference_urls: ['a'] }, {}, 'wan2.7-r2v'),
			/input\.reference_urls.*wan2\.7-r2v/,
		],
		[
			'a first_frame to wan2.7-r2v',
			r2v({ media: [{ type: 'first_frame', url: 'a' }] }, {}, 'wan2.7-r2v'),
			/first_frame.*reference_image, reference_video/,
		],
	])('refuses %s', async (_name, body, message) => refused(body, message));

	it('FAILS a task whose reference video is a picture', async () => {
		expect(await failure(r2v({ reference_video_urls: [`${mediaUrl}/picture.png`] }))).toMatch(
			/reference input is a picture.*a video/,
		);
	});
});

describe('video edit (wan2.7-videoedit)', () => {
	const edit = (items: object[], parameters: object = {}, prompt = 'make it snow') => ({
		model: 'wan2.7-videoedit',
		input: { media: items, prompt },
		parameters,
	});

	it("follows the input video's aspect and length; audio origin keeps sound only where the input has it", async () => {
		const portraitEdit = await video(
			edit([{ type: 'video', url: `${mediaUrl}/portrait.mp4` }], { resolution: '720P', audio_setting: 'origin' }),
		);
		expect(portraitEdit.probe).toMatchObject({ width: 720, height: 1280, duration: 3, hasAudio: false });
		expect(portraitEdit.result.usage.video_duration).toBe(3);
		const withSound = await video(
			edit(
				[
					{ type: 'video', url: `${mediaUrl}/sound.mp4` },
					{ type: 'reference_image', url: landscape() },
				],
				{
					audio_setting: 'origin',
				},
			),
		);
		expect(withSound.probe).toMatchObject({ width: 1920, height: 1080, duration: 3, hasAudio: true });
		const auto = await video(edit([{ type: 'video', url: `${mediaUrl}/portrait.mp4` }]));
		expect(auto.probe).toMatchObject({ width: 1080, height: 1920, hasAudio: true });
		expect(auto.task.audioSetting).toBe('auto');
	});

	it.each([
		[
			'two videos',
			edit([
				{ type: 'video', url: 'a' },
				{ type: 'video', url: 'b' },
			]),
			/exactly one item of type video \(got 2\)/,
		],
		['no video', edit([{ type: 'reference_image', url: 'a' }]), /exactly one item of type video \(got 0\)/],
		['no prompt', edit([{ type: 'video', url: 'a' }], {}, ''), /input\.prompt/],
		['a duration', edit([{ type: 'video', url: 'a' }], { duration: 5 }), /duration.*input video's length/],
		[
			'audio_setting mute',
			edit([{ type: 'video', url: 'a' }], { audio_setting: 'mute' }),
			/audio_setting.*auto, origin/,
		],
		[
			'a data URI video',
			edit([{ type: 'video', url: 'data:video/mp4;base64,AAAA' }]),
			/data URIs are accepted for pictures only/,
		],
	])('refuses %s', async (_name, body, message) => refused(body, message));

	it('FAILS a task whose video is too long', async () => {
		expect(await failure(edit([{ type: 'video', url: `${mediaUrl}/long.mp4` }]))).toMatch(/12\.0 s.*2 to 10/);
	});
});

describe('all modes', () => {
	it('keep the compressed clock (timeScale) and take oss:// files of their own model', async () => {
		server.setOptions({ pendingMs: 60_000, runningMs: 120_000, timeScale: 0.002 }); // 3 minutes → 0.36 s
		const policy = (
			(await (
				await fetch(`${server.url}/api/v1/uploads?action=getPolicy&model=wan2.7-videoedit`, {
					headers: { authorization: `Bearer ${KEY}` },
				})
			).json()) as any
		).data;
		const form = new FormData();
		const fields: Record<string, string> = {
			OSSAccessKeyId: policy.oss_access_key_id,
			Signature: policy.signature,
			policy: policy.policy,
			'x-oss-object-acl': 'private',
			'x-oss-forbid-overwrite': 'true',
			key: `${policy.upload_dir}/clip.mp4`,
			success_action_status: '200',
		};
		for (const [name, value] of Object.entries(fields)) form.append(name, value);
		const clip = Buffer.from(await (await fetch(`${mediaUrl}/sound.mp4`)).arrayBuffer());
		form.append('file', new Blob([clip], { type: 'video/mp4' }), 'clip.mp4');
		expect((await fetch(policy.upload_host, { method: 'POST', body: form })).status).toBe(200);
		expect(server.uploads[0]).toMatchObject({ mime: 'video/mp4', size: clip.length, model: 'wan2.7-videoedit' });

		const started = Date.now();
		const reply = await submit(
			{ model: 'wan2.7-videoedit', input: { media: [{ type: 'video', url: `oss://${fields.key}` }], prompt: 'p' } },
			SUBMIT_PATH,
			{ ...HEADERS, 'x-dashscope-ossresourceresolve': 'enable' },
		);
		expect(reply.status).toBe(200);
		const result = await finished(reply.json.output.task_id);
		expect(result.output.task_status).toBe('SUCCEEDED');
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(server.task(reply.json.output.task_id)!.runningMs).toBe(120_000);
	});
});
