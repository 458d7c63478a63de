'use strict';
// Served videos behave like signed Alibaba OSS links: the signature and the key id in the link are checked (a link
// whose query was altered, e.g. a signature replaced by ***, answers 403 SignatureDoesNotMatch, as OSS does), they
// expire, and unknown keys are NoSuchKey. The links and answers are the media kit's (tools/media/oss.js), as for
// tools/dashscope-server/storage.js.
const crypto = require('crypto');
const { send, HTML_TYPE, JSON_TYPE } = require('./responses');
const { fileSource, syntheticSource, writeBody, flushed } = require('../media/video-body');
const { LinkSigner, sendOssError, videoHeaders } = require('../media/oss');

const ACCESS_KEY_ID = 'LTAI5tAogDevServerKeyId';
const VIDEO_PATH = /^\/videos\/([A-Za-z0-9_-]+)\.mp4$/;
const HOP = 'aog_hop'; // query parameters of scripted redirect chains (stateless: the hop count travels in the URL)
const HOPS = 'aog_hops';

/**
 * @typedef {State['options']} Options
 * @typedef {import('./server').State} State
 * @typedef {import('./server').Ctx} Ctx
 * @typedef {import('./failures').Failure} Failure
 * @typedef {{ type: 'file'; path: string; size: number } | { type: 'synthetic'; bytes: number; base: Buffer }} StoredVideo
 * @typedef {{ video: StoredVideo; expiresAtMs: number; createdAt: Date }} VideoEntry
 */

class VideoStore {
	/** @param {State} state */
	constructor(state) {
		this.state = state;
		/** @type {Map<string, VideoEntry>} */
		this.entries = new Map();
		this.links = new LinkSigner('aog-dev-bucket', ACCESS_KEY_ID);
	}

	/**
	 * Keep a video ({type:'file', path, size} or {type:'synthetic', bytes, base}); returns its signed URL.
	 * @param {StoredVideo} video
	 */
	add(video) {
		const token = crypto.randomBytes(16).toString('hex');
		const expiresAtMs = Date.now() + this.state.options.videoTtlSeconds * 1000;
		this.entries.set(token, { video, expiresAtMs, createdAt: new Date() });
		return `${this.state.url}/videos/${token}.mp4?${this.links.query(token, expiresAtMs)}`;
	}

	/** @param {string | undefined} token */
	get(token) {
		return token === undefined ? undefined : this.entries.get(token);
	}

	clear() {
		this.entries.clear();
	}
}

/** @param {VideoEntry} entry */
function bodySource(entry) {
	const { video } = entry;
	return video.type === 'synthetic' ? syntheticSource(video.base, video.bytes) : fileSource(video.path, video.size);
}

/**
 * @param {Ctx['res']} res
 * @param {VideoEntry} entry
 */
function sendExpired(res, entry) {
	sendOssError(res, 403, 'AccessDenied', 'Request has expired.', {
		Expires: new Date(entry.expiresAtMs).toISOString(),
		ServerTime: new Date().toISOString(),
	});
}

/**
 * @param {Ctx['res']} res
 * @param {string | undefined} token
 */
function sendNoSuchKey(res, token) {
	sendOssError(res, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: `${token || 'unknown'}.mp4` });
}

/**
 * The normal answer: NoSuchKey, AccessDenied for a bad signature or once expired, or the MP4 (headers only for HEAD).
 * @param {State} state
 * @param {Ctx} ctx
 * @param {string | undefined} token
 */
async function serveVideo(state, ctx, token) {
	const { req, res } = ctx;
	const entry = state.videos.get(token);
	if (!token || !entry) return sendNoSuchKey(res, token);
	const problem = state.videos.links.check(new URL(req.url, state.url), token);
	if (problem) return sendOssError(res, ...problem);
	if (Date.now() >= entry.expiresAtMs) return sendExpired(res, entry);
	const source = bodySource(entry);
	res.writeHead(200, videoHeaders(source.size, entry.createdAt));
	if (req.method !== 'HEAD') await writeBody(res, source);
	res.end();
}

/**
 * @param {Ctx['res']} res
 * @param {string} location
 */
function redirect(res, location) {
	send(res, 302, HTML_TYPE, `<html><body>302 Found: <a href="${location}">moved here</a></body></html>`, {
		Location: location,
		Server: 'AliyunOSS',
	});
}

/**
 * @param {State} state
 * @param {Ctx['req']} req
 * @param {number} hop
 * @param {number} hops
 */
function withHop(state, req, hop, hops) {
	const url = new URL(req.url, state.url);
	url.searchParams.set(HOP, String(hop));
	url.searchParams.set(HOPS, String(hops));
	return url.href;
}

/**
 * Send half of the video, then drop the connection.
 * @param {Ctx} ctx
 * @param {VideoEntry} entry
 * @param {boolean} withContentLength
 */
async function sendCut(ctx, entry, withContentLength) {
	const { res } = ctx;
	const source = bodySource(entry);
	res.writeHead(200, videoHeaders(withContentLength ? source.size : undefined, entry.createdAt));
	await writeBody(res, source, Math.max(1, Math.floor(source.size / 2)));
	await flushed(res);
	ctx.dropConnection();
}

/**
 * @param {State} state
 * @param {Ctx} ctx
 * @param {Failure} failure
 */
async function sendOversize(state, ctx, failure) {
	const { res } = ctx;
	const source = syntheticSource(await state.videoMaker.syntheticBaseBytes(), Number(failure.bytes));
	res.writeHead(200, videoHeaders(failure.noContentLength ? undefined : source.size));
	await writeBody(res, source);
	res.end();
}

/**
 * @param {State} state
 * @param {Ctx} ctx
 * @param {VideoEntry} entry
 * @param {Failure} failure
 */
async function sendSlow(state, ctx, entry, failure) {
	const { res } = ctx;
	const source = bodySource(entry);
	res.writeHead(200, videoHeaders(source.size, entry.createdAt));
	res.flushHeaders();
	// Without delayMs the body never comes (until the client or the server closes the connection).
	await (failure.delayMs === undefined ? new Promise(() => {}) : state.sleep(failure.delayMs));
	await writeBody(res, source);
	res.end();
}

/**
 * Scripted download failures. Kinds that need the real video fall back to the normal answer if the token is unknown.
 * @param {State} state
 * @param {Ctx} ctx
 * @param {string | undefined} token
 * @param {Failure} failure
 */
async function applyDownloadFailure(state, ctx, token, failure) {
	const { req, res } = ctx;
	state.log(`scripted failure: ${failure.kind}`);
	const entry = state.videos.get(token);
	switch (failure.kind) {
		case 'video403':
			return sendOssError(res, 403, 'AccessDenied', 'Request has expired.', { ServerTime: new Date().toISOString() });
		case 'video404':
			return sendNoSuchKey(res, token);
		case 'videoHtml':
			return send(
				res,
				200,
				HTML_TYPE,
				'<!doctype html><html><head><title>Sign in to continue</title></head><body><h1>Network login required</h1></body></html>',
			);
		case 'videoJson':
			return send(
				res,
				200,
				JSON_TYPE,
				JSON.stringify({ code: 'AccessDenied', message: 'The bucket you access does not belong to you.' }),
			);
		case 'videoRedirectLoop':
			state.loopingUrls.add(req.url);
			return redirect(res, new URL(req.url, state.url).href);
		case 'videoRedirect':
			return Number(failure.times) > 0
				? redirect(res, withHop(state, req, 1, Number(failure.times)))
				: serveVideo(state, ctx, token);
		case 'videoOversize':
			return sendOversize(state, ctx, failure);
		case 'videoServerError':
			return sendOssError(
				res,
				Number(failure.status),
				'InternalError',
				'We encountered an internal error. Please try again.',
			);
	}
	if (!entry) return serveVideo(state, ctx, token);
	if (failure.kind === 'videoTruncated') return sendCut(ctx, entry, true);
	if (failure.kind === 'videoChunkedCut') return sendCut(ctx, entry, false);
	if (failure.kind === 'videoSlow') return sendSlow(state, ctx, entry, failure);
	throw new Error(`unhandled scripted failure ${failure.kind}`);
}

/**
 * GET or HEAD /videos/<token>.mp4
 * @param {State} state
 * @param {Ctx} ctx
 */
async function handleVideo(state, ctx) {
	const { req, res } = ctx;
	const url = new URL(req.url, state.url);
	const token = (VIDEO_PATH.exec(url.pathname) || [])[1];
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		return sendOssError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
	}
	if (state.loopingUrls.has(req.url)) return redirect(res, url.href);
	if (url.searchParams.has(HOP)) {
		const hop = Number(url.searchParams.get(HOP));
		const hops = Number(url.searchParams.get(HOPS));
		return hop < hops ? redirect(res, withHop(state, req, hop + 1, hops)) : serveVideo(state, ctx, token);
	}
	// Only GETs use up download failures: a HEAD before the download must not steal them.
	const failure = req.method === 'GET' ? state.failures.take('download') : undefined;
	if (failure) return applyDownloadFailure(state, ctx, token, failure);
	return serveVideo(state, ctx, token);
}

module.exports = { VideoStore, handleVideo, ACCESS_KEY_ID };
