'use strict';
// Scripted behaviour, in the style of tools/aog-server/failures.js: a queue; each entry is used up by the next
// task ('task') or request ('submit', 'poll', 'cancel', 'list', 'download') it applies to, `times` times.
const { errorDefaults } = require('./errors');

/**
 * How the next task created ends (each entry used by one task). outcome defaults to FAILED when a code is given,
 * else SUCCEEDED. FAILED: code (any DashScope code, default InternalError) and message (default per code), after
 * its running time. CANCELED: ends CANCELED when its pending time is over. UNKNOWN: forgotten after its running
 * time (polls then answer UNKNOWN, like an expired task). pendingMs/runningMs: this task's times (scaled by timeScale).
 * @typedef {object} TaskScript
 * @property {'task'} on
 * @property {'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN'} [outcome]
 * @property {string} [code]
 * @property {string} [message]
 * @property {number} [pendingMs]
 * @property {number} [runningMs]
 */

/**
 * The next `times` (default 1) requests of a kind answer this instead of the real thing (before the key check).
 * Give exactly one of: status and/or code (an error answer: {"code","message","request_id"}, or an OSS XML error for
 * downloads; status/code/message default from each other), drop: true (connection destroyed, no answer) or
 * hang: true (never answered). body (+ contentType) replaces the JSON error body, e.g. an HTML 504 page.
 * @typedef {object} RequestScript
 * @property {'submit' | 'poll' | 'cancel' | 'list' | 'download'} on
 * @property {number} [status]
 * @property {string} [code]
 * @property {string} [message]
 * @property {number} [retryAfter] Whole seconds, sent as Retry-After.
 * @property {string | object} [body]
 * @property {string} [contentType]
 * @property {boolean} [drop]
 * @property {boolean} [hang]
 * @property {number} [times]
 * @property {string} [taskId] poll, cancel, download: apply only to this task's requests.
 * @property {boolean} [createsTask] submit: also create the task from the (valid) body; default true for 5xx, drop
 *   and hang, else false.
 * @property {number} [holdUntilArrivals] submit: answer only once this many submits, this one included, have
 *   arrived since it did (at most 10 s).
 */

/** @typedef {TaskScript | RequestScript} DashScopeScript */

/**
 * A queued entry with its defaults filled in (internal).
 * @typedef {object} ScriptEntry
 * @property {DashScopeScript['on']} on
 * @property {'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN'} [outcome]
 * @property {number} [status]
 * @property {string} [code]
 * @property {string} [message]
 * @property {number} [pendingMs]
 * @property {number} [runningMs]
 * @property {number} [retryAfter]
 * @property {string | object} [body]
 * @property {string} [contentType]
 * @property {boolean} [drop]
 * @property {boolean} [hang]
 * @property {number} [times] Request entries: turns left.
 * @property {string} [taskId]
 * @property {boolean} [createsTask]
 * @property {number} [holdUntilArrivals]
 */

const REQUEST_TARGETS = new Set(['submit', 'poll', 'cancel', 'list', 'download']);
const OUTCOMES = new Set(['SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN']);
const TASK_FIELDS = new Set(['on', 'outcome', 'code', 'message', 'pendingMs', 'runningMs']);
const REQUEST_FIELDS = new Set([
	'on',
	'status',
	'code',
	'message',
	'retryAfter',
	'body',
	'contentType',
	'drop',
	'hang',
	'times',
	'taskId',
	'createsTask',
	'holdUntilArrivals',
]);
/** @type {Record<number, string>} */
const OSS_CODES = { 403: 'AccessDenied', 404: 'NoSuchKey' };

/**
 * @param {unknown} entry
 * @param {string} why
 * @returns {never}
 */
function fail(entry, why) {
	throw new Error(`scripted entry ${JSON.stringify(entry)}: ${why}`);
}

/**
 * @param {Record<string, unknown>} entry
 * @param {Set<string>} allowed
 */
function checkFields(entry, allowed) {
	for (const name of Object.keys(entry))
		if (!allowed.has(name)) fail(entry, `unknown field "${name}"; known: ${[...allowed].join(', ')}`);
}

/**
 * @param {Record<string, any>} entry
 * @param {string} name
 */
function checkMs(entry, name) {
	const value = entry[name];
	if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0))
		fail(entry, `${name} must be a number >= 0`);
}

/**
 * @param {Record<string, any>} entry
 * @returns {ScriptEntry}
 */
function normalizeTask(entry) {
	checkFields(entry, TASK_FIELDS);
	const outcome = entry.outcome ?? (entry.code ? 'FAILED' : 'SUCCEEDED');
	if (!OUTCOMES.has(outcome)) fail(entry, `outcome must be one of ${[...OUTCOMES].join(', ')}`);
	checkMs(entry, 'pendingMs');
	checkMs(entry, 'runningMs');
	/** @type {ScriptEntry} */
	const normalized = { ...entry, on: 'task', outcome };
	if (outcome === 'FAILED') {
		const { code, message } = errorDefaults({ code: entry.code || 'InternalError', message: entry.message });
		Object.assign(normalized, { code, message });
	}
	return normalized;
}

/**
 * @param {Record<string, any>} entry
 * @returns {ScriptEntry}
 */
function normalizeRequest(entry) {
	checkFields(entry, REQUEST_FIELDS);
	const times = entry.times ?? 1;
	if (!(Number.isInteger(times) && times >= 1)) fail(entry, 'times must be an integer >= 1');
	if (entry.retryAfter !== undefined && !(Number.isInteger(entry.retryAfter) && entry.retryAfter >= 0))
		fail(entry, 'retryAfter must be whole seconds >= 0');
	if (
		entry.holdUntilArrivals !== undefined &&
		(entry.on !== 'submit' || !(Number.isInteger(entry.holdUntilArrivals) && entry.holdUntilArrivals >= 1))
	)
		fail(entry, 'holdUntilArrivals is a whole number >= 1, for submit entries only');
	if (entry.createsTask !== undefined && entry.on !== 'submit')
		fail(entry, 'createsTask applies to submit entries only');
	if (entry.taskId !== undefined && !['poll', 'cancel', 'download'].includes(entry.on))
		fail(entry, 'taskId applies to poll, cancel and download entries only');
	const modes = [entry.drop, entry.hang, entry.status !== undefined || entry.code !== undefined].filter(Boolean).length;
	if (modes !== 1) fail(entry, 'give exactly one of: status and/or code, drop: true, hang: true');
	/** @type {ScriptEntry} */
	const normalized = { ...entry, on: entry.on, times };
	if (!entry.drop && !entry.hang) {
		if (entry.status !== undefined && !(Number.isInteger(entry.status) && entry.status >= 200 && entry.status <= 599))
			fail(entry, 'status must be an HTTP status');
		if (entry.on === 'download') {
			const status = entry.status ?? 403;
			Object.assign(normalized, {
				status,
				code: entry.code ?? OSS_CODES[status] ?? 'InternalError',
				message: entry.message ?? 'Scripted storage error.',
			});
		} else Object.assign(normalized, errorDefaults(entry));
	}
	// A submit whose answer is a 5xx or is lost may still have created the task (docs/DASHSCOPE-API.md, "Errors").
	if (entry.on === 'submit')
		normalized.createsTask = entry.createsTask ?? Boolean(entry.drop || entry.hang || Number(normalized.status) >= 500);
	return normalized;
}

/**
 * Validate one entry and fill in defaults. Throws on unknown targets and fields, so typos are not silently ignored.
 * @param {unknown} entry
 * @returns {ScriptEntry}
 */
function normalizeEntry(entry) {
	if (!entry || typeof entry !== 'object')
		throw new Error(`scripted entry must be an object: ${JSON.stringify(entry)}`);
	const fields = /** @type {Record<string, any>} */ (entry);
	if (fields.on === 'task') return normalizeTask(fields);
	if (REQUEST_TARGETS.has(fields.on)) return normalizeRequest(fields);
	return fail(entry, `"on" must be one of task, ${[...REQUEST_TARGETS].join(', ')}`);
}

class ScriptQueue {
	constructor() {
		/** @type {ScriptEntry[]} */
		this.queue = [];
	}

	/**
	 * All entries valid, or none queued. Returns the queue length.
	 * @param {DashScopeScript | DashScopeScript[]} entries
	 */
	add(entries) {
		const list = (Array.isArray(entries) ? entries : [entries]).map(normalizeEntry);
		this.queue.push(...list);
		return this.queue.length;
	}

	/**
	 * Use up one turn of the first entry for this target (and task id, when the entry names one).
	 * @param {ScriptEntry['on']} target
	 * @param {string} [taskId]
	 * @returns {ScriptEntry | undefined}
	 */
	take(target, taskId) {
		const index = this.queue.findIndex(
			(entry) => entry.on === target && (entry.taskId === undefined || entry.taskId === taskId),
		);
		if (index < 0) return undefined;
		const entry = this.queue[index];
		if (entry.times !== undefined && entry.times > 1) {
			entry.times -= 1;
			return { ...entry, times: 1 };
		}
		this.queue.splice(index, 1);
		return entry;
	}

	clear() {
		this.queue.length = 0;
	}

	list() {
		return this.queue.map((entry) => ({ ...entry }));
	}
}

module.exports = { ScriptQueue, normalizeEntry, OUTCOMES };
