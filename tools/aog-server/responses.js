'use strict';
// Writing answers the way AOG (gin), and Alibaba OSS for the video links, write them.
const crypto = require('crypto');
const { goJson } = require('./aog-format');

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

function send(res, status, contentType, body, headers = {}) {
	const payload = Buffer.from(body);
	res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': payload.length, ...headers });
	res.end(payload);
}

function sendGoJson(res, status, value) {
	send(res, status, JSON_TYPE, goJson(value));
}

/** JSON as AOG's generation routes send their answers: chunked, with no Content-Length. */
function sendGoJsonChunked(res, status, value) {
	res.writeHead(status, { 'Content-Type': JSON_TYPE });
	res.write(goJson(value));
	res.end();
}

/** JSON content type with an arbitrary (possibly empty or broken) body. */
function sendRawJson(res, status, text) {
	send(res, status, JSON_TYPE, text);
}

function sendAogError(res, aogError) {
	sendGoJson(res, aogError.status, aogError.body);
}

// What AOG serves for any unknown /aog/v0.2/ path: its control panel's single-page-app index.
const CONTROL_PANEL_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>AOG Control Panel</title>
    <script type="module" crossorigin src="/assets/index-7f3a9c1e.js"></script>
    <link rel="stylesheet" crossorigin href="/assets/index-2b8d4e60.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;

function sendHtmlTrap(res) {
	send(res, 200, HTML_TYPE, CONTROL_PANEL_HTML);
}

/** gin's default answer for an unknown route. */
function sendNotFound(res) {
	send(res, 404, 'text/plain', '404 page not found');
}

function xmlEscape(text) {
	return String(text).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
}

function ossRequestId() {
	return crypto.randomBytes(12).toString('hex').toUpperCase();
}

/** An OSS error document, e.g. AccessDenied for an expired signed link or NoSuchKey. */
function sendOssError(res, status, code, message, extra = {}) {
	const requestId = ossRequestId();
	const fields = { Code: code, Message: message, RequestId: requestId, HostId: 'aog-dev-bucket.oss-cn-beijing.aliyuncs.com', ...extra, EC: '0003-00000001' };
	const lines = Object.entries(fields).map(([name, value]) => `  <${name}>${xmlEscape(value)}</${name}>`);
	const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n${lines.join('\n')}\n</Error>\n`;
	send(res, status, 'application/xml', body, { Server: 'AliyunOSS', 'x-oss-request-id': requestId });
}

module.exports = { JSON_TYPE, HTML_TYPE, send, sendGoJson, sendGoJsonChunked, sendRawJson, sendAogError, sendHtmlTrap, sendNotFound, sendOssError, ossRequestId };
