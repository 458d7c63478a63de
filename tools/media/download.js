'use strict';
// A dev server's download of a URL it was given (a picture, a clip, an audio track), as DashScope fetches one: up to 5
// redirects, names under .test resolved to this machine (test-hosts.js), at most `maxBytes` + 1 bytes kept.
const http = require('http');
const https = require('https');
const { lookupTestHosts } = require('./test-hosts');

const MAX_MEDIA_BYTES = 100 * 1048576;
const DOWNLOAD_TIMEOUT_MS = 15000;

/**
 * GET any media URL (up to 5 redirects), at most maxBytes + 1 bytes kept. Rejects with a short reason.
 * @param {string} url
 * @param {string} userAgent
 * @param {number} [maxBytes]
 * @param {number} [redirectsLeft]
 * @returns {Promise<Buffer>}
 */
function downloadMedia(url, userAgent, maxBytes = MAX_MEDIA_BYTES, redirectsLeft = 5) {
	return new Promise((resolve, reject) => {
		const client = url.startsWith('https:') ? https : http;
		const request = client.get(
			url,
			{
				agent: false,
				timeout: DOWNLOAD_TIMEOUT_MS,
				headers: { 'user-agent': userAgent },
				lookup: /** @type {any} */ (lookupTestHosts),
			},
			(response) => {
				const { statusCode = 0, headers } = response;
				if (statusCode >= 300 && statusCode < 400 && headers.location && redirectsLeft > 0) {
					response.resume();
					const next = new URL(headers.location, url).href;
					return resolve(downloadMedia(next, userAgent, maxBytes, redirectsLeft - 1));
				}
				if (statusCode !== 200) {
					response.resume();
					return reject(new Error(`HTTP ${statusCode}`));
				}
				/** @type {Buffer[]} */
				const chunks = [];
				let received = 0;
				let complete = false;
				response.on('data', (chunk) => {
					chunks.push(chunk);
					received += chunk.length;
					if (received > maxBytes) response.destroy(); // enough to know it is too big
				});
				response.on('end', () => (complete = true));
				response.on('close', () =>
					complete || received > maxBytes
						? resolve(Buffer.concat(chunks))
						: reject(new Error('connection closed early')),
				);
				response.on('error', () => {});
			},
		);
		request.on('timeout', () => request.destroy(new Error('timeout')));
		request.on('error', (/** @type {NodeJS.ErrnoException} */ error) => reject(new Error(error.code || error.message)));
	});
}

module.exports = { downloadMedia, MAX_MEDIA_BYTES };
