'use strict';
// Served videos behave like signed Alibaba OSS links: the signature and the key id in the link are checked (a link
// whose query was altered, e.g. a signature replaced by ***, answers 403 SignatureDoesNotMatch, as OSS does), they
// expire, and unknown keys are NoSuchKey. The same checks as tools/dashscope-server/storage.js.
const crypto = require('crypto');
const { send, sendOssError, ossRequestId, HTML_TYPE, JSON_TYPE } = require('./responses');
const { fileSource, syntheticSource, writeBody, flushed } = require('./video-body');

const ACCESS_KEY_ID = 'LTAI5tAogDevServerKeyId';
const VIDEO_PATH = /^\/videos\/([A-Za-z0-9_-]+)\.mp4$/;
const HOP = 'aog_hop'; // query parameters of scripted redirect chains (stateless: the hop count travels in the URL)
const HOPS = 'aog_hops';

class VideoStore {
	constructor(state) {
		this.state = state;
		this.entries = new Map();
		this.secret = crypto.randomBytes(16);
	}

	/** Keep a video ({type:'file', path, size} or {type:'synthetic', bytes, base}); returns its signed URL. */
	add(video) {
		const token = crypto.randomBytes(16).toString('hex');
		const expiresAtMs = Date.now() + this.state.options.videoTtlSeconds * 1000;
		this.entries.set(token, { video, expiresAtMs, createdAt: new Date() });
		const expires = Math.ceil(expiresAtMs / 1000);
		const signature = this.sign(token, expires);
		return `${this.state.url}/videos/${token}.mp4?Expires=${expires}&OSSAccessKeyId=${ACCESS_KEY_ID}&Signature=${encodeURIComponent(signature)}`;
	}

	sign(token, expires) {
		return crypto.createHmac('sha1', this.secret).update(`GET\n\n\n${expires}\n/aog-dev-bucket/${token}.mp4`).digest('base64');
	}

	get(token) {
		return this.entries.get(token);
	}

	clear() {
		this.entries.clear();
	}
}

function bodySource(entry) {
	const { video } = entry;
	return video.type === 'synthetic' ? syntheticSource(video.base, video.bytes) : fileSource(video.path, video.size);
}

function videoHeaders(size, entry) {
	const headers = {
		'Content-Type': 'video/mp4',
		Server: 'AliyunOSS',
		'x-oss-request-id': ossRequestId(),
		'x-oss-object-type': 'Normal',
		'Last-Modified': (entry ? entry.createdAt : new Date()).toUTCString(),
	};
	if (size !== undefined) headers['Content-Length'] = size;
	return headers;
}

function sendExpired(res, entry) {
	sendOssError(res, 403, 'AccessDenied', 'Request has expired.', {
		Expires: new Date(entry.expiresAtMs).toISOString(),
		ServerTime: new Date().toISOString(),
	});
}

function sendNoSuchKey(res, token) {
	sendOssError(res, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: `${token || 'unknown'}.mp4` });
}

/** Signature and key id as OSS checks them; returns an error answer [status, code, message] or undefined. */
function checkLink(videos, url, token) {
	const expires = url.searchParams.get('Expires');
	const signature = url.searchParams.get('Signature');
	if (!expires || !signature || url.searchParams.get('OSSAccessKeyId') !== ACCESS_KEY_ID) return [403, 'AccessDenied', 'You have no right to access this object because of bucket acl.'];
	if (signature !== videos.sign(token, expires)) return [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'];
	return undefined;
}

/** The normal answer: NoSuchKey, AccessDenied for a bad signature or once expired, or the MP4 (headers only for HEAD). */
async function serveVideo(state, ctx, token) {
	const { req, res } = ctx;
	const entry = state.videos.get(token);
	if (!entry) return sendNoSuchKey(res, token);
	const problem = checkLink(state.videos, new URL(req.url, state.url), token);
	if (problem) return sendOssError(res, ...problem);
	if (Date.now() >= entry.expiresAtMs) return sendExpired(res, entry);
	const source = bodySource(entry);
	res.writeHead(200, videoHeaders(source.size, entry));
	if (req.method !== 'HEAD') await writeBody(res, source);
	res.end();
}

function redirect(res, location) {
	send(res, 302, HTML_TYPE, `<html><body>302 Found: <a href="${location}">moved here</a></body></html>`, { Location: location, Server: 'AliyunOSS' });
}

function withHop(state, req, hop, hops) {
	const url = new URL(req.url, state.url);
	url.searchParams.set(HOP, String(hop));
	url.searchParams.set(HOPS, String(hops));
	return url.href;
}

/** Send half (or `part`) of the video, then drop the connection. */
async function sendCut(state, ctx, entry, withContentLength) {
	const { res } = ctx;
	const source = bodySource(entry);
	res.writeHead(200, videoHeaders(withContentLength ? source.size : undefined, entry));
	await writeBody(res, source, Math.max(1, Math.floor(source.size / 2)));
	await flushed(res);
	ctx.dropConnection();
}

async function sendOversize(state, ctx, failure) {
	const { res } = ctx;
	const source = syntheticSource(await state.videoMaker.syntheticBaseBytes(), failure.bytes);
	res.writeHead(200, videoHeaders(failure.noContentLength ? undefined : source.size));
	await writeBody(res, source);
	res.end();
}

async function sendSlow(state, ctx, entry, failure) {
	const { res } = ctx;
	const source = bodySource(entry);
	res.writeHead(200, videoHeaders(source.size, entry));
	res.flushHeaders();
	// Without delayMs the body never comes (until the client or the server closes the connection).
	await (failure.delayMs === undefined ? new Promise(() => {}) : state.sleep(failure.delayMs));
	await writeBody(res, source);
	res.end();
}

/** Scripted download failures. Kinds that need the real video fall back to the normal answer if the token is unknown. */
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
			return send(res, 200, HTML_TYPE, '<!doctype html><html><head><title>Sign in to continue</title></head><body><h1>Network login required</h1></body></html>');
		case 'videoJson':
			return send(res, 200, JSON_TYPE, JSON.stringify({ code: 'AccessDenied', message: 'The bucket you access does not belong to you.' }));
		case 'videoRedirectLoop':
			state.loopingUrls.add(req.url);
			return redirect(res, new URL(req.url, state.url).href);
		case 'videoRedirect':
			return failure.times > 0 ? redirect(res, withHop(state, req, 1, failure.times)) : serveVideo(state, ctx, token);
		case 'videoOversize':
			return sendOversize(state, ctx, failure);
		case 'videoServerError':
			return sendOssError(res, failure.status, 'InternalError', 'We encountered an internal error. Please try again.');
	}
	if (!entry) return serveVideo(state, ctx, token);
	if (failure.kind === 'videoTruncated') return sendCut(state, ctx, entry, true);
	if (failure.kind === 'videoChunkedCut') return sendCut(state, ctx, entry, false);
	if (failure.kind === 'videoSlow') return sendSlow(state, ctx, entry, failure);
	throw new Error(`unhandled scripted failure ${failure.kind}`);
}

/** GET or HEAD /videos/<token>.mp4 */
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
