'use strict';
// How AOG (a Go/gin program) formats its answers and errors.
const crypto = require('crypto');

/**
 * JSON as Go's encoding/json writes it: <, > and & inside strings become \u003c, \u003e, \u0026.
 * @param {unknown} value
 */
function goJson(value) {
	return JSON.stringify(value).replace(
		/[<>&\u2028\u2029]/g,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}

/** An error AOG itself answers with: the status and a {business_code, message} body. */
class AogError extends Error {
	/**
	 * @param {number} status
	 * @param {number | undefined} businessCode
	 * @param {string} message
	 */
	constructor(status, businessCode, message) {
		super(message);
		this.status = status;
		this.businessCode = businessCode;
	}

	/** {business_code, message}; an error without a business code is AOG's bare `{}`. */
	get body() {
		return this.businessCode === undefined ? {} : { business_code: this.businessCode, message: this.message };
	}
}

/** DashScope rejected the request or failed the task (status, DashScope code and message). */
class UpstreamError extends Error {
	/**
	 * @param {number} status
	 * @param {string} code
	 * @param {string} message
	 */
	constructor(status, code, message) {
		super(message);
		this.status = status;
		this.code = code;
	}
}

const RETRY_PREFIX = 'max retries exceeded: retryable error: ';

/**
 * AOG prints DashScope's error with Go's %+v of its HTTPErrorResponse struct, then JSON-encodes that string:
 * {"business_code":500,"message":"HTTPErrorResponse{StatusCode: 400, Header: map[...], Body: {\"code\":...}}"}.
 * @param {{ status?: number; code?: string; message?: string; requestId?: string; prefix?: boolean; retryAfter?: number }} error
 */
function wrapUpstreamError({ status, code, message, requestId = crypto.randomUUID(), prefix = false, retryAfter }) {
	const dashScopeBody = JSON.stringify({ code, message, request_id: requestId });
	// Go prints a map's keys sorted: Content-Type before Retry-After.
	const header = `map[Content-Type:[application/json]${retryAfter !== undefined ? ` Retry-After:[${retryAfter}]` : ''}]`;
	const printed = `HTTPErrorResponse{StatusCode: ${status}, Header: ${header}, Body: ${dashScopeBody}}`;
	return new AogError(500, 500, (prefix ? RETRY_PREFIX : '') + printed);
}

const AOG_ERRORS = {
	modelNotFound: () => new AogError(404, 30003, 'model not exist'),
	// In AOG's source but never sent by v0.7 on the generation routes (a missing service is 30003 too); scripted only.
	serviceNotFound: () => new AogError(404, 10011, 'service not found'),
	// No DashScope key stored for the provider: AOG answers 400 with an empty object and sends nothing upstream.
	noKeyStored: () => new AogError(400, undefined, 'no DashScope key stored'),
	// The client's Accept-Encoding (br, deflate) was forwarded upstream and AOG cannot decode the answer.
	initialResponseUnreadable: () =>
		new AogError(
			500,
			500,
			"failed to parse initial response: invalid character '\\x1b' looking for beginning of value",
		),
	imageLost: () => new AogError(500, 500, 'middleware execution failed: image request param lost'),
	imageTypeLost: () => new AogError(500, 500, 'middleware execution failed: image_type request param lost'),
	unsupportedImageType: () => new AogError(500, 500, 'middleware execution failed: unsupported image type'),
	pollExhausted: () => new AogError(500, 500, 'exceeded maximum number of retries (100) while polling task status'),
};

/**
 * @param {string} text
 * @param {number} position
 */
function quoteChar(text, position) {
	const c = text[position];
	return c === "'" ? "'\\''" : `'${c}'`;
}

// V8's JSON.parse messages, mapped to the context words of Go's "invalid character 'x' <context>".
/** @type {Array<[RegExp, string]>} */
const V8_TO_GO_CONTEXT = [
	[/Expected property name/, 'looking for beginning of object key string'],
	[/Expected ':' after property name/, 'after object key'],
	[/after property value/, 'after object key:value pair'],
	[/after array element/, 'after array element'],
	[/non-whitespace character after JSON/, 'after top-level value'],
	[/Bad escaped character/, 'in string escape code'],
	[/Bad control character/, 'in string literal'],
];

/**
 * The text Go's encoding/json would give for a body that is not JSON (close enough for clients to show).
 * @param {string} text
 * @param {string} v8Message
 */
function goJsonParseError(text, v8Message) {
	if (text.trim() === '' || /Unexpected end of JSON input|Unterminated string/.test(v8Message))
		return 'unexpected end of JSON input';
	const position = Number((/at position (\d+)/.exec(v8Message) || [])[1] ?? text.search(/\S/));
	if (!(position < text.length)) return 'unexpected end of JSON input';
	const context = (V8_TO_GO_CONTEXT.find(([pattern]) => pattern.test(v8Message)) || [
		undefined,
		'looking for beginning of value',
	])[1];
	return `invalid character ${quoteChar(text, position)} ${context}`;
}

/**
 * Parse a request body like gin's ShouldBindJSON into a map: JSON objects only. Throws AogError(500).
 * @param {string} rawText
 * @returns {Record<string, any>}
 */
function parseJsonObject(rawText) {
	let value;
	try {
		value = JSON.parse(rawText);
	} catch (error) {
		throw new AogError(500, 500, goJsonParseError(rawText, /** @type {Error} */ (error).message));
	}
	if (value === null) return {};
	if (typeof value !== 'object' || Array.isArray(value)) {
		const kind = Array.isArray(value) ? 'array' : typeof value === 'string' ? 'string' : typeof value;
		throw new AogError(500, 500, `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
	}
	return value;
}

module.exports = {
	goJson,
	AogError,
	UpstreamError,
	wrapUpstreamError,
	AOG_ERRORS,
	RETRY_PREFIX,
	parseJsonObject,
	goJsonParseError,
};
