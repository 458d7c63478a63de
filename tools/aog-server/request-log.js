'use strict';
// Request bodies, read with a size cap and kept in lastRequests as parsed JSON when possible, with long base64
// shortened (both dev servers).

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const LONG_STRING = 256;
const DATA_URI_PREFIX = /^data:[^;,]+;base64,/i;
const BASE64_ONLY = /^[A-Za-z0-9+/=\s]+$/;

/** @param {string} text */
function shortenString(text) {
	if (text.length <= LONG_STRING) return text;
	const prefix = (DATA_URI_PREFIX.exec(text) || [''])[0];
	const payload = text.slice(prefix.length);
	if (prefix || BASE64_ONLY.test(payload)) return `${prefix}${payload.slice(0, 32)}…[${payload.length} base64 chars]`;
	return text.length > 4096 ? `${text.slice(0, 4096)}…[${text.length} chars]` : text;
}

/**
 * @param {unknown} value
 * @returns {unknown}
 */
function shortenDeep(value) {
	if (typeof value === 'string') return shortenString(value);
	if (Array.isArray(value)) return value.map(shortenDeep);
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shortenDeep(item)]));
	return value;
}

/**
 * Parsed JSON (base64 strings shortened) or the raw text (shortened when huge).
 * @param {string} text
 */
function describeBody(text) {
	if (text === '') return '';
	try {
		return shortenDeep(JSON.parse(text));
	} catch {
		return shortenString(text);
	}
}

/**
 * The body as text; beyond 64 MiB the rest is read but dropped, and tooLarge says so.
 * @param {import('http').IncomingMessage} req
 * @returns {Promise<{ text: string; tooLarge: boolean }>}
 */
function readBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk); // beyond the cap keep reading, but drop the bytes
		});
		req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES }));
		req.on('error', reject);
	});
}

module.exports = { describeBody, readBody };
