// The Telegram Bot API dev server (server.ts) and what it is built from, for tests, npm run dev and the e2e suites.
export { startTelegramServer, randomToken, DEFAULT_TOKEN, UPLOAD_LIMIT_BYTES } from './server';
export type { TelegramServer, TelegramServerOptions, BotRequest, ReceivedFile, ReceivedVideo } from './server';
export { parseMultipart, type MultipartPart } from './multipart';
export { readMp4Header, type Mp4Header } from './mp4';
