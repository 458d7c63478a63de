// The Bot API's answers as Telegram shapes them: {ok: true, result} or {ok: false, error_code, description}
// (https://core.telegram.org/bots/api#making-requests), and the objects sendVideo and getMe return.
import type { Mp4Header } from './mp4';

export interface BotAnswer {
	status: number;
	body:
		| { ok: true; result: unknown }
		| { ok: false; error_code: number; description: string; parameters?: Record<string, unknown> };
}

export const ok = (result: unknown): BotAnswer => ({ status: 200, body: { ok: true, result } });

export const fail = (status: number, description: string): BotAnswer => ({
	status,
	body: { ok: false, error_code: status, description },
});

/** A check of the request failed: Telegram answers 400 and a description starting "Bad Request: ". */
export const badRequest = (what: string): BotAnswer => fail(400, `Bad Request: ${what}`);

export interface Bot {
	id: number;
	username: string;
	firstName: string;
}

export function botUser(bot: Bot) {
	return { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username };
}

/** getMe's User: what n8n's credential test reads. */
export function getMeResult(bot: Bot) {
	return { ...botUser(bot), can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
}

/** A Chat for a chat_id: a number (a user, or a group when negative) or "@channelusername". */
export function chatFor(chatId: string) {
	if (chatId.startsWith('@')) {
		let hash = 0;
		for (const char of chatId) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_000;
		return { id: -1_000_000_000_000 - hash, title: chatId.slice(1), username: chatId.slice(1), type: 'channel' };
	}
	const id = Number(chatId);
	if (id > 0) return { id, first_name: 'Dev', type: 'private' };
	return { id, title: 'Dev group', type: String(chatId).startsWith('-100') ? 'supergroup' : 'group' };
}

export interface SentVideo {
	fileId: string;
	fileUniqueId: string;
	fileName?: string;
	mimeType?: string;
	fileSize?: number;
	header?: Mp4Header;
}

/** The Message sendVideo returns: its video object describes the file as Telegram read it. */
export function videoMessage(options: {
	messageId: number;
	bot: Bot;
	chatId: string;
	caption?: string;
	video: SentVideo;
	date?: number;
}) {
	const { messageId, bot, chatId, caption, video } = options;
	const message: Record<string, unknown> = {
		message_id: messageId,
		from: botUser(bot),
		chat: chatFor(chatId),
		date: options.date ?? Math.floor(Date.now() / 1000),
		video: {
			duration: Math.round(video.header?.duration ?? 0),
			width: video.header?.width ?? 0,
			height: video.header?.height ?? 0,
			...(video.fileName !== undefined ? { file_name: video.fileName } : {}),
			...(video.mimeType !== undefined ? { mime_type: video.mimeType } : {}),
			file_id: video.fileId,
			file_unique_id: video.fileUniqueId,
			...(video.fileSize !== undefined ? { file_size: video.fileSize } : {}),
		},
	};
	if (caption) message.caption = caption;
	return message;
}
