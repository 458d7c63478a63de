'use strict';
// Video links as Alibaba OSS serves them, for both dev servers: signed links (the signature and key id are
// checked, so a link whose query was altered answers 403 SignatureDoesNotMatch), OSS's headers and XML errors.
const crypto = require('crypto');

/** @typedef {[status: number, code: string, message: string]} OssProblem */

/** @param {unknown} text */
function xmlEscape(text) {
	return String(text).replace(
		/[<>&'"]/g,
		(c) =>
			/** @type {Record<string, string>} */ ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[
				c
			],
	);
}

function ossRequestId() {
	return crypto.randomBytes(12).toString('hex').toUpperCase();
}

/**
 * An OSS error document, e.g. AccessDenied for an expired signed link or NoSuchKey.
 * @param {import('http').ServerResponse} res
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {Record<string, string>} [extra] more fields, e.g. Key or ServerTime
 */
function sendOssError(res, status, code, message, extra = {}) {
	const requestId = ossRequestId();
	const fields = {
		Code: code,
		Message: message,
		RequestId: requestId,
		HostId: 'aog-dev-bucket.oss-cn-beijing.aliyuncs.com',
		...extra,
		EC: '0003-00000001',
	};
	const lines = Object.entries(fields).map(([name, value]) => `  <${name}>${xmlEscape(value)}</${name}>`);
	const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n${lines.join('\n')}\n</Error>\n`);
	res.writeHead(status, {
		'Content-Type': 'application/xml',
		'Content-Length': body.length,
		Server: 'AliyunOSS',
		'x-oss-request-id': requestId,
	});
	res.end(body);
}

/**
 * OSS's headers for an MP4 object; no Content-Length when size is undefined (a chunked answer).
 * @param {number | undefined} size
 * @param {Date} [lastModified]
 * @returns {Record<string, string | number>}
 */
function videoHeaders(size, lastModified = new Date()) {
	/** @type {Record<string, string | number>} */
	const headers = {
		'Content-Type': 'video/mp4',
		Server: 'AliyunOSS',
		'x-oss-request-id': ossRequestId(),
		'x-oss-object-type': 'Normal',
		'Last-Modified': lastModified.toUTCString(),
	};
	if (size !== undefined) headers['Content-Length'] = size;
	return headers;
}

/** Signatures of `<token>.mp4` objects in one bucket, with a secret of this process. */
class LinkSigner {
	/**
	 * @param {string} bucket
	 * @param {string} accessKeyId
	 */
	constructor(bucket, accessKeyId) {
		this.bucket = bucket;
		this.accessKeyId = accessKeyId;
		this.secret = crypto.randomBytes(16);
	}

	/**
	 * @param {string} token
	 * @param {string | number} expires seconds since the epoch, as in the link
	 */
	sign(token, expires) {
		return crypto
			.createHmac('sha1', this.secret)
			.update(`GET\n\n\n${expires}\n/${this.bucket}/${token}.mp4`)
			.digest('base64');
	}

	/**
	 * The query string of a link to `token` that expires at expiresAtMs.
	 * @param {string} token
	 * @param {number} expiresAtMs
	 */
	query(token, expiresAtMs) {
		const expires = Math.ceil(expiresAtMs / 1000);
		return `Expires=${expires}&OSSAccessKeyId=${this.accessKeyId}&Signature=${encodeURIComponent(this.sign(token, expires))}`;
	}

	/**
	 * Signature and key id as OSS checks them (not the expiry); an error answer, or undefined when the link is good.
	 * @param {URL} url
	 * @param {string} token
	 * @returns {OssProblem | undefined}
	 */
	check(url, token) {
		const expires = url.searchParams.get('Expires');
		const signature = url.searchParams.get('Signature');
		if (!expires || !signature || url.searchParams.get('OSSAccessKeyId') !== this.accessKeyId)
			return [403, 'AccessDenied', 'You have no right to access this object because of bucket acl.'];
		if (signature !== this.sign(token, expires))
			return [
				403,
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match the signature you provided.',
			];
		return undefined;
	}
}

module.exports = { LinkSigner, sendOssError, ossRequestId, videoHeaders };
