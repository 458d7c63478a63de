'use strict';
// The result host: signed OSS-style links that need no key. A request carrying an Authorization header is
// refused (403) and counted, so tests can prove a client does not leak its API key to the storage host.
const crypto = require('crypto');
const { sendOssError, ossRequestId } = require('../aog-server/responses');
const { fileSource, writeBody } = require('../aog-server/video-body');

const ACCESS_KEY_ID = 'LTAI5tDashScopeDevResults';
const BUCKET = 'dashscope-result-bj';
const VIDEO_PATH = new RegExp(`^/${BUCKET}/1d/\\d{8}/([0-9a-f]{32})\\.mp4$`);

class VideoLinks {
	constructor(state) {
		this.state = state;
		this.entries = new Map();
		this.secret = crypto.randomBytes(16);
	}

	sign(token, expires) {
		return crypto.createHmac('sha1', this.secret).update(`GET\n\n\n${expires}\n/${BUCKET}/${token}.mp4`).digest('base64');
	}

	/** Keep a video ({path, size}) of a task; returns its signed link. */
	add(video, taskId) {
		const token = crypto.randomBytes(16).toString('hex');
		const expiresAtMs = Date.now() + this.state.options.videoTtlSeconds * 1000;
		this.entries.set(token, { video, taskId, expiresAtMs, createdAt: new Date() });
		const expires = Math.ceil(expiresAtMs / 1000);
		const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
		return `${this.state.storageUrl}/${BUCKET}/1d/${day}/${token}.mp4?Expires=${expires}&OSSAccessKeyId=${ACCESS_KEY_ID}&Signature=${encodeURIComponent(this.sign(token, expires))}`;
	}

	clear() {
		this.entries.clear();
	}
}

function videoHeaders(entry) {
	return {
		'Content-Type': 'video/mp4',
		'Content-Length': entry.video.size,
		Server: 'AliyunOSS',
		'x-oss-request-id': ossRequestId(),
		'x-oss-object-type': 'Normal',
		'Last-Modified': entry.createdAt.toUTCString(),
	};
}

/** Signature and expiry as OSS checks them; returns an error answer [status, code, message] or undefined. */
function checkLink(links, url, token, entry) {
	const expires = url.searchParams.get('Expires');
	const signature = url.searchParams.get('Signature');
	if (!expires || !signature || url.searchParams.get('OSSAccessKeyId') !== ACCESS_KEY_ID) return [403, 'AccessDenied', 'You have no right to access this object because of bucket acl.'];
	if (signature !== links.sign(token, expires)) return [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'];
	if (Date.now() >= entry.expiresAtMs) return [403, 'AccessDenied', 'Request has expired.'];
	return undefined;
}

/** GET or HEAD of a result link (ctx: {req, res, url, dropConnection}). */
async function handleStorage(state, ctx) {
	const { req, res, url } = ctx;
	if (req.headers.authorization !== undefined) {
		state.counters.storageAuthorization += 1;
		// OSS takes either the link's signature or an Authorization header, not both (docs/DASHSCOPE-API.md).
		return sendOssError(res, 403, 'AccessDenied', 'Only one authentication method is allowed: the signature in the link or an Authorization header, not both.');
	}
	if (req.method !== 'GET' && req.method !== 'HEAD') return sendOssError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
	const token = (VIDEO_PATH.exec(url.pathname) || [])[1];
	const entry = token && state.links.entries.get(token);
	const scripted = req.method === 'GET' ? state.script.take('download', entry && entry.taskId) : undefined;
	if (scripted) return state.answerScripted(ctx, scripted, (s) => sendOssError(res, s.status, s.code, s.message));
	if (!entry) return sendOssError(res, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: url.pathname.slice(1) });
	const problem = checkLink(state.links, url, token, entry);
	if (problem) return sendOssError(res, ...problem);
	res.writeHead(200, videoHeaders(entry));
	if (req.method === 'GET') {
		state.counters.downloads += 1;
		await writeBody(res, fileSource(entry.video.path, entry.video.size));
	}
	res.end();
}

module.exports = { VideoLinks, handleStorage, ACCESS_KEY_ID, BUCKET };
