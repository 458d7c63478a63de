// The Telegram Bot API dev server over real HTTP: getMe, sendVideo as multipart with a real MP4 (made by ffmpeg),
// its checks (Content-Type, file name, MP4 header, duration/width/height) and Telegram's error shapes.
import { createHash } from 'node:crypto';

import { readMp4Header, startTelegramServer, type TelegramServer } from '../../../tools/telegram-server';
import { videoBytes, type VideoSpec } from '../../support/media';

const SPEC: VideoSpec = { width: 320, height: 240, rate: '30', seconds: 3, codec: 'libx264', faststart: true };

let server: TelegramServer;
let mp4: Buffer;

beforeAll(async () => {
	mp4 = videoBytes(SPEC);
	server = await startTelegramServer({ quiet: true, maxUploadBytes: 4 * 1024 * 1024 });
});

afterAll(async () => await server?.close());

beforeEach(() => server.reset());

const bot = (method: string, token = server.token) => `${server.url}/bot${token}/${method}`;

async function call(method: string, init?: RequestInit, token?: string) {
	const response = await fetch(bot(method, token), init);
	return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function videoForm(
	fields: Record<string, string>,
	file?: { bytes: Buffer; name: string; type?: string },
	partName = 'video',
) {
	const form = new FormData();
	for (const [key, value] of Object.entries(fields)) form.append(key, value);
	if (file)
		form.append(partName, new Blob([file.bytes], file.type === undefined ? {} : { type: file.type }), file.name);
	return { method: 'POST', body: form };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('the MP4 header reader', () => {
	test.each([
		['faststart', SPEC],
		['moov last, audio track first', { ...SPEC, faststart: false, audioFirst: true }],
	])('%s: duration, width and height of the video track', (_label, spec) => {
		expect(readMp4Header(videoBytes(spec))).toEqual({
			brand: expect.any(String),
			duration: expect.closeTo(3, 1),
			width: 320,
			height: 240,
		});
	});

	test('anything else is not an MP4', () => {
		expect(readMp4Header(Buffer.from('not a video at all'))).toBeUndefined();
		expect(readMp4Header(mp4.subarray(0, 40))).toBeUndefined();
	});
});

describe('getMe (the credential test)', () => {
	test('the bot with the right token, 401 with another, 404 for an unknown method', async () => {
		expect(await call('getMe')).toEqual({
			status: 200,
			body: {
				ok: true,
				result: expect.objectContaining({ id: server.bot.id, is_bot: true, username: server.bot.username }),
			},
		});
		expect(await call('getMe', undefined, '1:wrong')).toEqual({
			status: 401,
			body: { ok: false, error_code: 401, description: 'Unauthorized' },
		});
		expect(await call('sendNothing')).toEqual({
			status: 404,
			body: { ok: false, error_code: 404, description: 'Not Found' },
		});
		expect(server.requests.map((request) => [request.method, request.tokenValid, request.status])).toEqual([
			['getMe', true, 200],
			['getMe', false, 401],
			['sendNothing', true, 404],
		]);
	});
});

describe('sendVideo', () => {
	test('a multipart upload: a Message with its video object, the bytes recorded with their sha256', async () => {
		const fields = {
			chat_id: '@dev_channel',
			caption: 'A push-in',
			duration: '3',
			width: '320',
			height: '240',
			disable_notification: 'false',
		};
		const { status, body } = await call(
			'sendVideo',
			videoForm(fields, { bytes: mp4, name: 'clip.mp4', type: 'video/mp4' }),
		);
		expect(status).toBe(200);
		expect(body).toEqual({
			ok: true,
			result: expect.objectContaining({
				message_id: 1,
				from: expect.objectContaining({ is_bot: true }),
				chat: expect.objectContaining({ type: 'channel', username: 'dev_channel' }),
				caption: 'A push-in',
				video: expect.objectContaining({
					duration: 3,
					width: 320,
					height: 240,
					file_name: 'clip.mp4',
					mime_type: 'video/mp4',
					file_size: mp4.length,
					file_id: expect.any(String),
				}),
			}),
		});
		expect(server.videos).toHaveLength(1);
		expect(server.videos[0]).toEqual(
			expect.objectContaining({
				chatId: '@dev_channel',
				fileName: 'clip.mp4',
				contentType: 'video/mp4',
				size: mp4.length,
				sha256: sha256(mp4),
				fields: expect.objectContaining(fields),
			}),
		);
		expect(server.videos[0].data.equals(mp4)).toBe(true);

		// the file_id sends the same video again, without an upload
		const again = await call('sendVideo', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ chat_id: 42, video: body.result.video.file_id }),
		});
		expect(again.body).toEqual({
			ok: true,
			result: expect.objectContaining({
				chat: expect.objectContaining({ id: 42, type: 'private' }),
				video: expect.objectContaining({ file_id: body.result.video.file_id, duration: 3 }),
			}),
		});
		expect(server.videos).toHaveLength(1);
	});

	test('attach://<name> names the part that holds the video', async () => {
		const { body } = await call(
			'sendVideo',
			videoForm({ chat_id: '1', video: 'attach://clip' }, { bytes: mp4, name: 'clip.mp4', type: 'video/mp4' }, 'clip'),
		);
		expect(body.ok).toBe(true);
		expect(server.videos.map((video) => video.sha256)).toEqual([sha256(mp4)]);
	});

	test.each([
		['no chat_id', {}, { name: 'clip.mp4', type: 'video/mp4' }, 400, /^Bad Request: chat_id is empty$/],
		['no video', { chat_id: '1' }, undefined, 400, /^Bad Request: there is no video in the request$/],
		[
			'an unknown file_id',
			{ chat_id: '1', video: 'nope' },
			undefined,
			400,
			/^Bad Request: wrong file identifier\/HTTP URL specified$/,
		],
		[
			'Content-Type application/octet-stream',
			{ chat_id: '1' },
			{ name: 'clip.mp4', type: 'application/octet-stream' },
			400,
			/Content-Type is "application\/octet-stream", not video\/mp4/,
		],
		[
			'a file name without .mp4',
			{ chat_id: '1' },
			{ name: 'clip.bin', type: 'video/mp4' },
			400,
			/file name "clip\.bin" does not end in \.mp4/,
		],
		[
			'bytes that are no MP4',
			{ chat_id: '1' },
			{ name: 'clip.mp4', type: 'video/mp4', bytes: Buffer.from('<html>not a video</html>') },
			400,
			/not an MP4/,
		],
		[
			'a wrong duration',
			{ chat_id: '1', duration: '9' },
			{ name: 'clip.mp4', type: 'video/mp4' },
			400,
			/duration 9 does not match the video's duration, 3/,
		],
		[
			'a wrong width',
			{ chat_id: '1', width: '1920' },
			{ name: 'clip.mp4', type: 'video/mp4' },
			400,
			/width 1920 does not match the video's width, 320/,
		],
		[
			'a wrong height',
			{ chat_id: '1', height: '1080' },
			{ name: 'clip.mp4', type: 'video/mp4' },
			400,
			/height 1080 does not match the video's height, 240/,
		],
		[
			'a duration that is no integer',
			{ chat_id: '1', duration: '3.2' },
			{ name: 'clip.mp4', type: 'video/mp4' },
			400,
			/duration must be a non-negative integer, got "3\.2"/,
		],
		[
			'an upload over the limit',
			{ chat_id: '1' },
			{ name: 'big.mp4', type: 'video/mp4', padding: 5 * 1024 * 1024 },
			413,
			/^Request Entity Too Large$/,
		],
	] as Array<
		[
			string,
			Record<string, string>,
			{ name: string; type?: string; bytes?: Buffer; padding?: number } | undefined,
			number,
			RegExp,
		]
	>)("%s: Telegram's error answer, nothing recorded as sent", async (_label, fields, file, status, description) => {
		const answer = await call(
			'sendVideo',
			videoForm(
				fields,
				file && {
					bytes: file.padding ? Buffer.concat([mp4, Buffer.alloc(file.padding)]) : (file.bytes ?? mp4),
					name: file.name,
					type: file.type,
				},
			),
		);
		expect(answer).toEqual({
			status,
			body: { ok: false, error_code: status, description: expect.stringMatching(description) },
		});
		expect(server.videos).toEqual([]);
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0]).toEqual(expect.objectContaining({ method: 'sendVideo', status, answer: answer.body }));
	});
});
