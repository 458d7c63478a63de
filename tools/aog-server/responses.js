'use strict';
// Writing answers the way AOG (gin) writes them (the video links answer as OSS does: tools/media/oss.js).
const { goJson } = require('./aog-format');

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

/** @typedef {import('http').ServerResponse} ServerResponse */

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {string} contentType
 * @param {string} body
 * @param {Record<string, string>} [headers]
 */
function send(res, status, contentType, body, headers = {}) {
	const payload = Buffer.from(body);
	res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': payload.length, ...headers });
	res.end(payload);
}

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} value
 */
function sendGoJson(res, status, value) {
	send(res, status, JSON_TYPE, goJson(value));
}

/**
 * JSON as AOG's generation routes send their answers: chunked, with no Content-Length.
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} value
 */
function sendGoJsonChunked(res, status, value) {
	res.writeHead(status, { 'Content-Type': JSON_TYPE });
	res.write(goJson(value));
	res.end();
}

/**
 * JSON content type with an arbitrary (possibly empty or broken) body.
 * @param {ServerResponse} res
 * @param {number} status
 * @param {string} text
 */
function sendRawJson(res, status, text) {
	send(res, status, JSON_TYPE, text);
}

/**
 * @param {ServerResponse} res
 * @param {import('./aog-format').AogError} aogError
 */
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

/** @param {ServerResponse} res */
function sendHtmlTrap(res) {
	send(res, 200, HTML_TYPE, CONTROL_PANEL_HTML);
}

/**
 * gin's default answer for an unknown route.
 * @param {ServerResponse} res
 */
function sendNotFound(res) {
	send(res, 404, 'text/plain', '404 page not found');
}

module.exports = {
	JSON_TYPE,
	HTML_TYPE,
	send,
	sendGoJson,
	sendGoJsonChunked,
	sendRawJson,
	sendAogError,
	sendHtmlTrap,
	sendNotFound,
};
