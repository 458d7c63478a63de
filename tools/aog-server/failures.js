'use strict';
// Scripted failures: a queue; each entry is used up by the next request it applies to.

// Generation kinds apply to POSTs on both generation routes, except those marked native-only.
const GENERATION_KINDS = new Set([
	'html200',
	'empty200',
	'malformedJson200',
	'noData200',
	'nonHttpData',
	'empty500',
	'pollExhausted',
	'upstream',
	'modelNotFound',
	'serviceNotFound',
	'paramLost',
	'reset',
	'hang',
	'nativeTaskFailed',
	'pollServerError',
	'noKeyStored',
	'proxy429',
]);
const NATIVE_ONLY_KINDS = new Set(['nativeTaskFailed']);
const DOWNLOAD_KINDS = new Set([
	'video403',
	'video404',
	'videoHtml',
	'videoJson',
	'videoTruncated',
	'videoChunkedCut',
	'videoRedirectLoop',
	'videoRedirect',
	'videoOversize',
	'videoSlow',
	'videoServerError',
]);

/**
 * @typedef {{ kind: 'html200' | 'empty200' | 'malformedJson200' | 'noData200' | 'nonHttpData' | 'empty500' | 'pollExhausted' }
 *   | { kind: 'modelNotFound' | 'serviceNotFound' | 'noKeyStored' | 'paramLost' | 'reset' | 'hang' }
 *   | { kind: 'upstream'; status?: number; code?: string; message?: string; prefix?: boolean; retryAfter?: number }
 *   | { kind: 'pollServerError'; status?: number }
 *   | { kind: 'proxy429'; retryAfter?: number }
 *   | { kind: 'nativeTaskFailed'; code?: string; message?: string }} GenerationFailure
 * Failures of the generation routes:
 * - modelNotFound: 404 30003. serviceNotFound: 404 10011 "service not found", which is in AOG's source but which
 *   v0.7 never sends on these routes (a missing service is 30003 too): kept for clients that handle it.
 *   noKeyStored: 400 {} (no DashScope key stored; the setUp:false server gives it for real).
 * - upstream: AOG's 500 wrapping of a DashScope error. status defaults from code (401 InvalidApiKey, 403
 *   AccessDenied, 429 Throttling*, else 400). retryAfter (whole seconds) adds `Retry-After:[n]` to the printed Go
 *   header map, as DashScope sends on 429s. A status >= 500: AOG submits again after resubmitWaitsMs[0] and
 *   answers after resubmitWaitsMs[1]: two upstream tasks.
 * - pollServerError: a 5xx on AOG's first poll; AOG submits a new task and answers with that one's video (the
 *   first task runs on and is billed too): two tasks.
 * - proxy429: a plain 429 as a rate-limiting reverse proxy in front of AOG sends it (JSON
 *   `{"message":"Too Many Requests"}`, `Retry-After: <retryAfter>` when given): nothing reached AOG, no task.
 * - nativeTaskFailed: native route only: 200 with output.task_status FAILED and this code/message.
 */

/**
 * @typedef {{ kind: 'video403' | 'video404' | 'videoHtml' | 'videoJson' | 'videoTruncated' | 'videoChunkedCut' | 'videoRedirectLoop' }
 *   | { kind: 'videoRedirect'; times?: number }
 *   | { kind: 'videoOversize'; bytes?: number; noContentLength?: boolean }
 *   | { kind: 'videoServerError'; status?: number }
 *   | { kind: 'videoSlow'; delayMs?: number }} DownloadFailure
 * Failures of video downloads. videoServerError: an OSS error document (InternalError) with this status, default
 * 503. videoSlow: headers at once, body after delayMs (never, without delayMs).
 */

/**
 * Any generation failure may add holdUntilArrivals: answer only once that many generation requests, this one
 * included, have arrived since it did (at most 10 s).
 * @typedef {(GenerationFailure & { holdUntilArrivals?: number }) | DownloadFailure} ScriptedFailure
 */

/**
 * A queued failure with its defaults filled in, as the routes read it.
 * @typedef {object} Failure
 * @property {string} kind
 * @property {number} [status]
 * @property {string} [code]
 * @property {string} [message]
 * @property {boolean} [prefix]
 * @property {number} [retryAfter]
 * @property {number} [times]
 * @property {number} [bytes]
 * @property {boolean} [noContentLength]
 * @property {number} [delayMs]
 * @property {number} [holdUntilArrivals]
 */

// DashScope's usual HTTP status and message for each error code.
/** @type {Record<string, [number, string]>} */
const UPSTREAM_DEFAULTS = {
	InvalidParameter: [400, 'The request parameter is invalid.'],
	'InvalidParameter.DataInspection': [400, 'Unable to download the media resource during the data inspection process.'],
	DataInspectionFailed: [400, 'Input data may contain inappropriate content.'],
	Arrearage: [400, 'Access denied, please make sure your account is in good standing.'],
	InvalidApiKey: [401, 'Invalid API-key provided.'],
	AccessDenied: [403, 'Access denied.'],
	Throttling: [429, 'Requests rate limit exceeded, please try again later.'],
	'Throttling.RateQuota': [429, 'Requests rate limit exceeded, please try again later.'],
	'Throttling.AllocationQuota': [429, 'Allocated quota exceeded, please increase your quota limit.'],
	InternalError: [500, 'An internal error has occured, please try again later.'],
};

/**
 * @param {Failure} failure
 * @returns {Failure}
 */
function upstreamDefaults(failure) {
	const code = failure.code || 'InvalidParameter';
	const [status, message] = UPSTREAM_DEFAULTS[code] || [400, `${code}.`];
	const normalized = {
		...failure,
		code,
		status: failure.status ?? status,
		message: failure.message ?? message,
		prefix: Boolean(failure.prefix),
	};
	if (failure.retryAfter !== undefined) {
		if (!(Number.isInteger(failure.retryAfter) && failure.retryAfter >= 0))
			throw new Error(`upstream retryAfter must be whole seconds >= 0: ${JSON.stringify(failure)}`);
	}
	return normalized;
}

/**
 * Validate one failure and fill in defaults. Throws on unknown kinds so typos are not silently ignored.
 * @param {ScriptedFailure | Failure} scripted
 * @returns {Failure}
 */
function normalizeFailure(scripted) {
	const failure = /** @type {Failure} */ (scripted);
	if (!failure || typeof failure.kind !== 'string')
		throw new Error(`scripted failure needs a "kind": ${JSON.stringify(failure)}`);
	const { kind } = failure;
	if (!GENERATION_KINDS.has(kind) && !DOWNLOAD_KINDS.has(kind)) {
		throw new Error(
			`unknown scripted failure kind "${kind}"; known: ${[...GENERATION_KINDS, ...DOWNLOAD_KINDS].join(', ')}`,
		);
	}
	if (kind === 'upstream') return upstreamDefaults(failure);
	if (kind === 'nativeTaskFailed') {
		return { code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.', ...failure };
	}
	if (kind === 'proxy429') {
		if (failure.retryAfter !== undefined && !(Number.isInteger(failure.retryAfter) && failure.retryAfter >= 0))
			throw new Error(`proxy429 retryAfter must be whole seconds >= 0: ${JSON.stringify(failure)}`);
		return { ...failure };
	}
	if (kind === 'pollServerError') return { ...failure, status: Number(failure.status ?? 500) };
	if (kind === 'videoRedirect') return { ...failure, times: Math.max(0, Number(failure.times ?? 1)) };
	if (kind === 'videoOversize') return { bytes: 64 * 1024 * 1024, noContentLength: false, ...failure };
	if (kind === 'videoServerError') return { ...failure, status: Number(failure.status ?? 503) };
	return { ...failure };
}

/**
 * Which requests a failure applies to: 'standard' / 'native' generation POSTs, or 'download'.
 * @typedef {'standard' | 'native' | 'download'} FailureTarget
 * @param {string} kind
 * @param {FailureTarget} target
 */
function appliesTo(kind, target) {
	if (target === 'download') return DOWNLOAD_KINDS.has(kind);
	if (!GENERATION_KINDS.has(kind)) return false;
	return target === 'native' || !NATIVE_ONLY_KINDS.has(kind);
}

class FailureQueue {
	constructor() {
		/** @type {Failure[]} */
		this.queue = [];
	}

	/** @param {ScriptedFailure | ScriptedFailure[]} failures */
	add(failures) {
		const list = (Array.isArray(failures) ? failures : [failures]).map(normalizeFailure); // all valid, or none queued
		this.queue.push(...list);
		return this.queue.length;
	}

	/**
	 * Remove and return the first queued failure for this target, if any.
	 * @param {FailureTarget} target
	 */
	take(target) {
		const index = this.queue.findIndex((failure) => appliesTo(failure.kind, target));
		return index < 0 ? undefined : this.queue.splice(index, 1)[0];
	}

	clear() {
		this.queue.length = 0;
	}

	list() {
		return this.queue.map((failure) => ({ ...failure }));
	}
}

module.exports = { FailureQueue, normalizeFailure, GENERATION_KINDS, DOWNLOAD_KINDS, UPSTREAM_DEFAULTS };
