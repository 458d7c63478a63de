'use strict';
// Scripted failures: a queue; each entry is used up by the next request it applies to.

// Generation kinds apply to POSTs on both generation routes, except those marked native-only.
const GENERATION_KINDS = new Set([
	'html200', 'empty200', 'malformedJson200', 'noData200', 'nonHttpData', 'empty500', 'pollExhausted',
	'upstream', 'modelNotFound', 'serviceNotFound', 'paramLost', 'reset', 'hang', 'nativeTaskFailed', 'pollServerError', 'noKeyStored',
	'proxy429',
]);
const NATIVE_ONLY_KINDS = new Set(['nativeTaskFailed']);
const DOWNLOAD_KINDS = new Set([
	'video403', 'video404', 'videoHtml', 'videoJson', 'videoTruncated', 'videoChunkedCut',
	'videoRedirectLoop', 'videoRedirect', 'videoOversize', 'videoSlow', 'videoServerError',
]);

// DashScope's usual HTTP status and message for each error code.
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

function upstreamDefaults(failure) {
	const code = failure.code || 'InvalidParameter';
	const [status, message] = UPSTREAM_DEFAULTS[code] || [400, `${code}.`];
	const normalized = { ...failure, code, status: failure.status ?? status, message: failure.message ?? message, prefix: Boolean(failure.prefix) };
	if (failure.retryAfter !== undefined) {
		if (!(Number.isInteger(failure.retryAfter) && failure.retryAfter >= 0)) throw new Error(`upstream retryAfter must be whole seconds >= 0: ${JSON.stringify(failure)}`);
	}
	return normalized;
}

/** Validate one failure and fill in defaults. Throws on unknown kinds so typos are not silently ignored. */
function normalizeFailure(failure) {
	if (!failure || typeof failure.kind !== 'string') throw new Error(`scripted failure needs a "kind": ${JSON.stringify(failure)}`);
	const { kind } = failure;
	if (!GENERATION_KINDS.has(kind) && !DOWNLOAD_KINDS.has(kind)) {
		throw new Error(`unknown scripted failure kind "${kind}"; known: ${[...GENERATION_KINDS, ...DOWNLOAD_KINDS].join(', ')}`);
	}
	if (kind === 'upstream') return upstreamDefaults(failure);
	if (kind === 'nativeTaskFailed') {
		return { code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.', ...failure };
	}
	if (kind === 'proxy429') {
		if (failure.retryAfter !== undefined && !(Number.isInteger(failure.retryAfter) && failure.retryAfter >= 0)) throw new Error(`proxy429 retryAfter must be whole seconds >= 0: ${JSON.stringify(failure)}`);
		return { ...failure };
	}
	if (kind === 'pollServerError') return { ...failure, status: Number(failure.status ?? 500) };
	if (kind === 'videoRedirect') return { ...failure, times: Math.max(0, Number(failure.times ?? 1)) };
	if (kind === 'videoOversize') return { bytes: 64 * 1024 * 1024, noContentLength: false, ...failure };
	if (kind === 'videoServerError') return { ...failure, status: Number(failure.status ?? 503) };
	return { ...failure };
}

/** Which requests a failure applies to: 'standard' / 'native' generation POSTs, or 'download'. */
function appliesTo(kind, target) {
	if (target === 'download') return DOWNLOAD_KINDS.has(kind);
	if (!GENERATION_KINDS.has(kind)) return false;
	return target === 'native' || !NATIVE_ONLY_KINDS.has(kind);
}

class FailureQueue {
	constructor() {
		this.queue = [];
	}

	add(failures) {
		const list = (Array.isArray(failures) ? failures : [failures]).map(normalizeFailure); // all valid, or none queued
		this.queue.push(...list);
		return this.queue.length;
	}

	/** Remove and return the first queued failure for this target, if any. */
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
