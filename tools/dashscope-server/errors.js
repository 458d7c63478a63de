'use strict';
// DashScope's error answers: {"code","message","request_id"} with the HTTP status (docs/DASHSCOPE-API.md, "Errors").
const crypto = require('crypto');
const { UPSTREAM_DEFAULTS } = require('../aog-server/failures');

// Status and message of every code the contract lists; the aog-server's table first, so both servers agree.
/** @type {Record<string, [number, string]>} */
const ERROR_DEFAULTS = {
	...UPSTREAM_DEFAULTS,
	'AccessDenied.Unpurchased': [403, 'Access to model denied. Please make sure you are eligible for using the model.'],
	'Model.AccessDenied': [403, 'Model access denied.'],
	'AllocationQuota.FreeTierOnly': [
		403,
		'The free tier of the model has been exhausted. If you wish to continue access the model on a paid basis, please disable the "use free tier only" mode in the management console.',
	],
	ModelNotFound: [404, 'Model not exist.'],
	'Throttling.BurstRate': [
		429,
		'Request rate increased too quickly. To ensure system stability, please adjust your client logic to scale requests more smoothly over time.',
	],
	'InternalError.Timeout': [
		500,
		'An internal timeout error has occured during execution, please try again later or contact service support.',
	],
	'InternalError.Algo': [500, 'An internal error occurred while generating the video.'],
	SystemError: [500, 'An system error has occured, please try again later.'],
	ModelServiceFailed: [500, 'Failed to request model service.'],
	ModelUnavailable: [503, 'Model is unavailable, please try again later.'],
	ServiceUnavailable: [503, 'Service temporarily unavailable, please try again later.'],
	RequestTimeOut: [504, 'Request timed out, please try again later.'],
	UnsupportedOperation: [400, 'Failed to cancel the task, please confirm that the task status is PENDING'],
	NotFound: [404, 'Not Found.'],
};

// The code a scripted answer gets when only its status is given.
/** @type {Record<number, string>} */
const CODE_FOR_STATUS = {
	400: 'InvalidParameter',
	401: 'InvalidApiKey',
	403: 'AccessDenied',
	404: 'ModelNotFound',
	429: 'Throttling',
	500: 'InternalError',
	502: 'ServiceUnavailable',
	503: 'ServiceUnavailable',
	504: 'RequestTimeOut',
};

const ERROR_CODES = Object.keys(ERROR_DEFAULTS);

/** An error answer: HTTP status, DashScope code and message (optional Retry-After seconds). */
class ApiError extends Error {
	/**
	 * @param {number} status
	 * @param {string} code
	 * @param {string} message
	 * @param {number} [retryAfter]
	 */
	constructor(status, code, message, retryAfter) {
		super(message);
		this.status = status;
		this.code = code;
		this.retryAfter = retryAfter;
	}
}

/**
 * Status and message for a code (and/or status); unknown codes default to 400 and "<code>.".
 * @param {{ status?: number; code?: string; message?: string }} answer
 * @returns {{ status: number; code: string; message: string }}
 */
function errorDefaults({ status, code, message }) {
	const finalCode =
		code ||
		(status !== undefined && CODE_FOR_STATUS[status]) ||
		(Number(status) >= 500 ? 'InternalError' : 'InvalidParameter');
	const [defaultStatus, defaultMessage] = ERROR_DEFAULTS[finalCode] || [400, `${finalCode}.`];
	return { status: status ?? defaultStatus, code: finalCode, message: message ?? defaultMessage };
}

/**
 * @param {string} code
 * @param {string} [message]
 */
function apiError(code, message) {
	const { status, message: text } = errorDefaults({ code, message });
	return new ApiError(status, code, text);
}

/** @param {string} message */
function invalidParameter(message) {
	return new ApiError(400, 'InvalidParameter', message);
}

function requestId() {
	return crypto.randomUUID();
}

/**
 * @param {import('http').ServerResponse} res
 * @param {number} status
 * @param {unknown} value
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, value, headers = {}) {
	const body = Buffer.from(JSON.stringify(value));
	res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, ...headers });
	res.end(body);
}

/**
 * @param {import('http').ServerResponse} res
 * @param {ApiError} error
 */
function sendApiError(res, error) {
	/** @type {Record<string, string>} */
	const headers = error.retryAfter !== undefined ? { 'Retry-After': String(error.retryAfter) } : {};
	sendJson(res, error.status, { code: error.code, message: error.message, request_id: requestId() }, headers);
}

module.exports = {
	ApiError,
	ERROR_DEFAULTS,
	ERROR_CODES,
	errorDefaults,
	apiError,
	invalidParameter,
	requestId,
	sendJson,
	sendApiError,
};
