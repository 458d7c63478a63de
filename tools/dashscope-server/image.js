'use strict';
// The first frame as DashScope reads it: a data URI is decoded and checked at submit; an http(s) URL is
// downloaded by the task, and a download failure fails the task with InvalidParameter.DataInspection.
const http = require('http');
const https = require('https');
const { loadImgUrl, checkDashScopeImage, MAX_IMAGE_BYTES } = require('../aog-server/image-check');
const { UpstreamError } = require('../aog-server/aog-format');
const { ApiError, apiError } = require('./errors');

const DOWNLOAD_TIMEOUT_MS = 15000;

function toApiError(error) {
	if (error instanceof UpstreamError) return new ApiError(error.status, error.code, error.message);
	return error;
}

function isHttpUrl(url) {
	return /^https?:\/\//i.test(url);
}

/** Decode and check a data URI (anything not http(s) is rejected the same way). Throws ApiError. */
async function loadInlineImage(url) {
	try {
		return await loadImgUrl(url);
	} catch (error) {
		throw toApiError(error);
	}
}

/** GET with redirects; at most MAX_IMAGE_BYTES + 1 bytes kept. agent:false so no socket outlives the task. */
function download(url, redirectsLeft = 5) {
	return new Promise((resolve, reject) => {
		const client = url.startsWith('https:') ? https : http;
		const request = client.get(url, { agent: false, timeout: DOWNLOAD_TIMEOUT_MS, headers: { 'user-agent': 'dashscope-dev-server (image fetcher)' } }, (response) => {
			const { statusCode = 0, headers } = response;
			if (statusCode >= 300 && statusCode < 400 && headers.location && redirectsLeft > 0) {
				response.resume();
				return resolve(download(new URL(headers.location, url).href, redirectsLeft - 1));
			}
			if (statusCode !== 200) {
				response.resume();
				return reject(new Error(`HTTP ${statusCode}`));
			}
			const chunks = [];
			let received = 0;
			response.on('data', (chunk) => {
				chunks.push(chunk);
				received += chunk.length;
				if (received > MAX_IMAGE_BYTES) response.destroy();
			});
			response.on('end', () => resolve(Buffer.concat(chunks)));
			response.on('close', () => (received > MAX_IMAGE_BYTES ? resolve(Buffer.concat(chunks)) : reject(new Error('connection closed early'))));
		});
		request.on('timeout', () => request.destroy(new Error('timeout')));
		request.on('error', (error) => reject(new Error(error.code || error.message)));
	});
}

/** The task's view of a URL image: {bytes, info}, or throws ApiError (DataInspection when unreachable). */
async function loadRemoteImage(url) {
	let bytes;
	try {
		bytes = await download(url);
	} catch (error) {
		throw apiError('InvalidParameter.DataInspection', `Unable to download the media resource during the data inspection process: ${error.message} (url: ${url})`);
	}
	try {
		return { bytes, info: checkDashScopeImage(bytes) };
	} catch (error) {
		throw toApiError(error);
	}
}

module.exports = { isHttpUrl, loadInlineImage, loadRemoteImage };
