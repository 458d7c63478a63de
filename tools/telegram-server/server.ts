// A Telegram Bot API dev server: POST /bot<token>/sendVideo as n8n's Telegram node sends it (multipart/form-data
// with the video part, or a file_id / URL) and getMe (the credential's test), on 127.0.0.1. Every upload is
// checked: the video part's bytes are an MP4 (recorded with their sha256), its Content-Type is video/mp4, its file
// name ends in .mp4, and duration/width/height, when sent, match the file. Answers are Telegram's: {ok: true,
// result: Message} or {ok: false, error_code, description}. Checks beyond Telegram's own say "(dev server check)".
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { badRequest, fail, getMeResult, ok, videoMessage, type Bot, type BotAnswer, type SentVideo } from './answers';
import { readMp4Header, type Mp4Header } from './mp4';
import { parseMultipart } from './multipart';

/** The Bot API's limit for files a bot uploads (https://core.telegram.org/bots/api#sending-files). */
export const UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;
export const DEFAULT_TOKEN = '7000000001:AAHdevBotApiServerForN8nNodesAog0001';

export interface TelegramServerOptions {
	/** Port on 127.0.0.1; 0 (default) = any free port. */
	port?: number;
	/** The bot's token; requests with another get 401 Unauthorized. */
	token?: string;
	/** Largest multipart upload accepted; more → 413 Request Entity Too Large (default 50 MB, Telegram's). */
	maxUploadBytes?: number;
	/** false: log each request to stdout. */
	quiet?: boolean;
}

export interface ReceivedFile {
	/** The part's name (e.g. "video"). */
	name: string;
	fileName?: string;
	contentType?: string;
	size: number;
	sha256: string;
}

export interface BotRequest {
	/** The Bot API method as sent in the path (e.g. "sendVideo"). */
	method: string;
	httpMethod: string;
	tokenValid: boolean;
	contentType: string;
	/** Query string and text fields of the body (JSON values as strings). */
	fields: Record<string, string>;
	files: ReceivedFile[];
	status: number;
	answer: BotAnswer['body'];
}

export interface ReceivedVideo extends ReceivedFile {
	messageId: number;
	chatId: string;
	fileId: string;
	/** The text fields sent with it (chat_id, duration, width, height, caption…). */
	fields: Record<string, string>;
	/** What the file's own header says. */
	header: Mp4Header;
	data: Buffer;
}

export interface TelegramServer {
	/** The credential's Base URL: http://127.0.0.1:<port> (requests go to <url>/bot<token>/<method>). */
	readonly url: string;
	readonly port: number;
	readonly token: string;
	readonly bot: Bot;
	/** Live: every Bot API request since the last reset(), in arrival order. */
	readonly requests: BotRequest[];
	/** Live: every video uploaded and accepted by sendVideo since the last reset(). */
	readonly videos: ReceivedVideo[];
	reset(): void;
	close(): Promise<void>;
}

class TooLarge extends Error {}

/** The body, or TooLarge once it passes `limit` (the rest is read and dropped, so the answer reaches the client). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= limit) chunks.push(chunk);
		});
		req.on('end', () => (size > limit ? reject(new TooLarge()) : resolve(Buffer.concat(chunks))));
		req.on('error', reject);
	});
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface Parsed {
	fields: Record<string, string>;
	parts: Map<string, { fileName?: string; contentType?: string; data: Buffer }>;
}

/** Parameters as the Bot API takes them: query string, JSON, urlencoded or multipart body. */
function parseParameters(url: URL, contentType: string, body: Buffer): Parsed {
	const fields: Record<string, string> = Object.fromEntries(url.searchParams);
	const parts: Parsed['parts'] = new Map();
	if (body.length === 0) return { fields, parts };
	if (/^application\/json/i.test(contentType)) {
		const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
		for (const [key, value] of Object.entries(json))
			fields[key] = typeof value === 'string' ? value : JSON.stringify(value);
	} else if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
		Object.assign(fields, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
	} else if (/^multipart\/form-data/i.test(contentType)) {
		for (const part of parseMultipart(body, contentType)) {
			if (part.fileName === undefined) fields[part.name] = part.data.toString('utf8');
			else parts.set(part.name, { fileName: part.fileName, contentType: part.contentType, data: part.data });
		}
	}
	return { fields, parts };
}

export async function startTelegramServer(options: TelegramServerOptions = {}): Promise<TelegramServer> {
	const token = options.token ?? DEFAULT_TOKEN;
	const maxUploadBytes = options.maxUploadBytes ?? UPLOAD_LIMIT_BYTES;
	const bot: Bot = {
		id: Number(token.split(':')[0]) || 7000000001,
		username: 'n8n_aog_dev_bot',
		firstName: 'AOG dev bot',
	};
	const requests: BotRequest[] = [];
	const videos: ReceivedVideo[] = [];
	let messageId = 0;

	function sendVideo(parsed: Parsed): { answer: BotAnswer; video?: ReceivedVideo } {
		const { fields, parts } = parsed;
		const chatId = fields.chat_id ?? '';
		if (!chatId) return { answer: badRequest('chat_id is empty') };
		const reference = fields.video;
		const part =
			reference === undefined
				? parts.get('video')
				: reference.startsWith('attach://')
					? parts.get(reference.slice('attach://'.length))
					: undefined;
		if (!part) {
			if (reference === undefined || reference.startsWith('attach://'))
				return { answer: badRequest('there is no video in the request') };
			// a file_id of an earlier upload, or a URL (not fetched here)
			const earlier = videos.find((video) => video.fileId === reference);
			if (!earlier && !/^https?:\/\//.test(reference))
				return { answer: badRequest('wrong file identifier/HTTP URL specified') };
			messageId += 1;
			const sent: SentVideo = earlier
				? {
						fileId: earlier.fileId,
						fileUniqueId: `AgAD${earlier.sha256.slice(0, 12)}`,
						fileName: earlier.fileName,
						mimeType: earlier.contentType,
						fileSize: earlier.size,
						header: earlier.header,
					}
				: { fileId: `dev-url-${messageId}`, fileUniqueId: `dev-url-${messageId}` };
			return { answer: ok(videoMessage({ messageId, bot, chatId, caption: fields.caption, video: sent })) };
		}
		if (part.data.length === 0) return { answer: badRequest('file must be non-empty') };
		if (part.contentType !== 'video/mp4')
			return {
				answer: badRequest(
					`the video part's Content-Type is ${part.contentType === undefined ? 'missing' : `"${part.contentType}"`}, not video/mp4 (dev server check)`,
				),
			};
		if (!part.fileName || !/\.mp4$/i.test(part.fileName))
			return {
				answer: badRequest(`the video's file name "${part.fileName ?? ''}" does not end in .mp4 (dev server check)`),
			};
		const header = readMp4Header(part.data);
		if (!header)
			return {
				answer: badRequest('the video is not an MP4: no ftyp box first or no moov box with mvhd (dev server check)'),
			};
		const actual = { duration: header.duration, width: header.width, height: header.height };
		for (const key of ['duration', 'width', 'height'] as const) {
			const value = fields[key];
			if (value === undefined) continue;
			if (!/^\d+$/.test(value))
				return { answer: badRequest(`${key} must be a non-negative integer, got "${value}" (dev server check)`) };
			const wrong = key === 'duration' ? Math.abs(Number(value) - actual.duration) > 1 : Number(value) !== actual[key];
			if (wrong)
				return {
					answer: badRequest(
						`${key} ${value} does not match the video's ${key}, ${Math.round(actual[key] * 100) / 100} (dev server check)`,
					),
				};
		}
		messageId += 1;
		const hash = sha256(part.data);
		const fileId = `BAACAgDev${hash.slice(0, 24)}`;
		const video: ReceivedVideo = {
			name: 'video',
			fileName: part.fileName,
			contentType: part.contentType,
			size: part.data.length,
			sha256: hash,
			messageId,
			chatId,
			fileId,
			fields: { ...fields },
			header,
			data: part.data,
		};
		const sent: SentVideo = {
			fileId,
			fileUniqueId: `AgAD${hash.slice(0, 12)}`,
			fileName: part.fileName,
			mimeType: part.contentType,
			fileSize: part.data.length,
			header,
		};
		return { answer: ok(videoMessage({ messageId, bot, chatId, caption: fields.caption, video: sent })), video };
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const match = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(url.pathname);
		const contentType = String(req.headers['content-type'] ?? '');
		const record: BotRequest = {
			method: match?.[2] ?? '',
			httpMethod: req.method ?? '',
			tokenValid: match?.[1] === token,
			contentType,
			fields: {},
			files: [],
			status: 0,
			answer: { ok: true, result: null },
		};
		let answer: BotAnswer;
		try {
			const body = await readBody(req, maxUploadBytes);
			const parsed = parseParameters(url, contentType, body);
			record.fields = parsed.fields;
			record.files = [...parsed.parts].map(([name, part]) => ({
				name,
				fileName: part.fileName,
				contentType: part.contentType,
				size: part.data.length,
				sha256: sha256(part.data),
			}));
			if (!match) answer = fail(404, 'Not Found');
			else if (!record.tokenValid) answer = fail(401, 'Unauthorized');
			else if (record.method.toLowerCase() === 'getme') answer = ok(getMeResult(bot));
			else if (record.method.toLowerCase() === 'sendvideo') {
				const result = sendVideo(parsed);
				answer = result.answer;
				if (result.video) videos.push(result.video);
			} else answer = fail(404, 'Not Found');
		} catch (error) {
			answer =
				error instanceof TooLarge
					? fail(413, 'Request Entity Too Large')
					: badRequest(`can't parse the request: ${(error as Error).message}`);
		}
		record.status = answer.status;
		record.answer = answer.body;
		requests.push(record);
		if (!options.quiet) {
			const video = record.files.find((file) => file.name === 'video');
			const detail = video ? ` ${video.fileName} ${video.contentType} ${video.size} B` : '';
			const outcome = answer.body.ok ? 'ok' : answer.body.description;
			console.log(
				`[telegram] ${record.httpMethod} /bot<token>/${record.method}${detail} → ${answer.status} ${outcome}`,
			);
		}
		res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ ok: false, error_code: 500, description: `Internal Server Error: ${error.message}` }));
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', resolve);
	});
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		token,
		bot,
		requests,
		videos,
		reset() {
			requests.length = 0;
			videos.length = 0;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** A random token of the Bot API's shape (<bot id>:<35 characters>), for a server that must not accept the default. */
export function randomToken(): string {
	return `${7000000000 + Math.floor(Math.random() * 1000)}:AA${randomBytes(33).toString('base64url').slice(0, 33)}`;
}
