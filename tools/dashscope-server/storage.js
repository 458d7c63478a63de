'use strict';
// The result host: signed OSS-style links that need no key. A request carrying an Authorization header is
// refused (403) and counted, so tests can prove a client does not leak its API key to the storage host.
// The links and answers are the media kit's (tools/media/oss.js), as for the aog-server's videos.
const crypto = require('crypto');
const { LinkSigner, sendOssError, videoHeaders } = require('../media/oss');
const { fileSource, writeBody } = require('../media/video-body');
const { handleUpload } = require('./uploads');

const ACCESS_KEY_ID = 'LTAI5tDashScopeDevResults';
const BUCKET = 'dashscope-result-bj';
const VIDEO_PATH = new RegExp(`^/${BUCKET}/1d/\\d{8}/([0-9a-f]{32})\\.mp4$`);

/**
 * @typedef {import('./server').State} State
 * @typedef {import('../media/video-maker').VideoFile} VideoFile
 * @typedef {{ video: VideoFile; taskId: string; expiresAtMs: number; createdAt: Date }} LinkEntry
 */

class VideoLinks {
	/** @param {State} state */
	constructor(state) {
		this.state = state;
		/** @type {Map<string, LinkEntry>} */
		this.entries = new Map();
		this.signer = new LinkSigner(BUCKET, ACCESS_KEY_ID);
	}

	/**
	 * Keep a video ({path, size}) of a task; returns its signed link.
	 * @param {VideoFile} video
	 * @param {string} taskId
	 */
	add(video, taskId) {
		const token = crypto.randomBytes(16).toString('hex');
		const expiresAtMs = Date.now() + this.state.options.videoTtlSeconds * 1000;
		this.entries.set(token, { video, taskId, expiresAtMs, createdAt: new Date() });
		const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
		return `${this.state.storageUrl}/${BUCKET}/1d/${day}/${token}.mp4?${this.signer.query(token, expiresAtMs)}`;
	}

	clear() {
		this.entries.clear();
	}
}

/**
 * Signature and expiry as OSS checks them; returns an error answer [status, code, message] or undefined.
 * @param {VideoLinks} links
 * @param {URL} url
 * @param {string} token
 * @param {LinkEntry} entry
 * @returns {import('../media/oss').OssProblem | undefined}
 */
function checkLink(links, url, token, entry) {
	const problem = links.signer.check(url, token);
	if (problem) return problem;
	if (Date.now() >= entry.expiresAtMs) return [403, 'AccessDenied', 'Request has expired.'];
	return undefined;
}

/**
 * GET or HEAD of a result link.
 * @param {State} state
 * @param {import('./server').Ctx} ctx
 */
async function handleStorage(state, ctx) {
	const { req, res, url } = ctx;
	if (req.headers.authorization !== undefined) {
		state.counters.storageAuthorization += 1;
		if (req.method === 'POST') state.counters.uploadAuthorization += 1;
		// OSS takes either the link's signature or an Authorization header, not both (docs/DASHSCOPE-API.md).
		return sendOssError(
			res,
			403,
			'AccessDenied',
			'Only one authentication method is allowed: the signature in the link or an Authorization header, not both.',
		);
	}
	if (req.method === 'POST' && url.pathname === '/') return handleUpload(state, ctx, ctx.raw || Buffer.alloc(0));
	if (req.method !== 'GET' && req.method !== 'HEAD')
		return sendOssError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
	const token = (VIDEO_PATH.exec(url.pathname) || [])[1];
	const entry = token ? state.links.entries.get(token) : undefined;
	const scripted = req.method === 'GET' ? state.script.take('download', entry && entry.taskId) : undefined;
	if (scripted)
		return state.answerScripted(ctx, scripted, (s) =>
			sendOssError(res, Number(s.status), String(s.code), String(s.message)),
		);
	if (!token || !entry)
		return sendOssError(res, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: url.pathname.slice(1) });
	const problem = checkLink(state.links, url, token, entry);
	if (problem) return sendOssError(res, ...problem);
	res.writeHead(200, videoHeaders(entry.video.size, entry.createdAt));
	if (req.method === 'GET') {
		state.counters.downloads += 1;
		await writeBody(res, fileSource(entry.video.path, entry.video.size));
	}
	res.end();
}

module.exports = { VideoLinks, handleStorage, ACCESS_KEY_ID, BUCKET };
