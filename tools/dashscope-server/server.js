'use strict';
// A DashScope-compatible dev server: the async video-synthesis API (submit on video-synthesis and, for the kf2v
// models, image2video; poll, cancel, list; getPolicy of temporary storage) on one port, and the storage host on
// another: result links (signed OSS-style) and the upload host of temporary storage. See docs/DASHSCOPE-API.md.
// Modes and models: models.js (first frame, text), modes.js (kf2v, wan2.7 media, reference, video edit: the
// choices made where the contract is open), media-task.js (which video each mode makes: size, length, AAC),
// uploads.js (temporary storage).
const http = require('http');
const { VideoMaker } = require('../media/video-maker');
const { describeBody, readBody } = require('../aog-server/request-log');
const { GenerationGauge } = require('../aog-server/gauges');
const { sleeper } = require('../aog-server/sleep');
const { ApiError, apiError, invalidParameter, requestId, sendJson, sendApiError } = require('./errors');
const { checkSubmitBody, modelsOf } = require('./models');
const { isHttpUrl, loadInlineImage, loadRemoteImage, loadStoredImage } = require('./image');
const { ScriptQueue } = require('./script');
const { TaskBoard, REGION_IDS } = require('./tasks');
const { VideoLinks, handleStorage } = require('./storage');
const { TemporaryStorage, handleGetPolicy, checkOssUrls } = require('./uploads');
const { IMAGE2VIDEO_PATH } = require('./modes');
const { prepareMedia } = require('./media-task');

/**
 * @typedef {import('./models').Region} Region
 * @typedef {import('./script').DashScopeScript} DashScopeScript
 * @typedef {import('./script').ScriptEntry} ScriptEntry
 * @typedef {import('./tasks').DashScopeTask} DashScopeTask
 * @typedef {import('./tasks').TaskGauge} TaskGauge
 */

/**
 * @typedef {object} DashScopeRuntimeOptions
 * @property {Region} [region] The server's own region (default 'beijing'): only its keys are accepted, and its model names exist.
 * @property {Partial<Record<Region, string | string[]>>} [keys] Keys per region (default {beijing:'sk-test-beijing',
 *   singapore:'sk-test-singapore', virginia:'sk-test-virginia'}). Another region's key → 401 InvalidApiKey.
 * @property {number} [pendingMs] Time a task stays PENDING before it may run (default 1000). Scaled by timeScale.
 * @property {number} [runningMs] Time a task stays RUNNING (default 30000); it also waits for its video to be encoded. Scaled by timeScale.
 * @property {number} [timeScale] Wall-clock ms = pendingMs/runningMs (also scripted ones) × timeScale (default 1): 0.01 makes a 3-minute task 1.8 s.
 * @property {number} [maxRunning] At most this many tasks RUNNING at once; the rest stay PENDING (default 0 = no limit).
 * @property {number} [submitsPerSecond] Submits allowed per second, account-wide; more → 429 Throttling.RateQuota, no task (default 0 = no limit).
 * @property {number} [pollsPerSecond] Polls allowed per second, account-wide; more → 429 Throttling.RateQuota (default 0 = no limit).
 * @property {number} [videoTtlSeconds] How long result links stay valid; then the storage host answers 403
 *   AccessDenied "Request has expired." (default 86400).
 * @property {boolean} [temporaryStorage] false: getPolicy answers 403 AccessDenied, as in a region without temporary
 *   storage (default true).
 * @property {number} [uploadPolicyTtlSeconds] Lifetime of an upload policy (expire_in_seconds, default 300).
 * @property {number} [uploadMaxFileSizeMb] max_file_size_mb of a policy; larger uploads answer 400 EntityTooLarge (default 100).
 * @property {boolean} [quiet] false: log every request to stdout. (Env DASHSCOPE_SERVER_DEBUG=1: log to stderr whatever this says.)
 */

/**
 * @typedef {object} DashScopeServerPorts
 * @property {number} [port] API port on 127.0.0.1; 0 (default) = any free port.
 * @property {number} [storagePort] Storage (result host) port; 0 (default) = any free port.
 * @typedef {DashScopeRuntimeOptions & DashScopeServerPorts} DashScopeServerOptions
 * @typedef {Required<DashScopeRuntimeOptions>} DashScopeOptionsInForce
 */

/**
 * @typedef {object} DashScopeCounters
 * @property {number} submitRequests Every POST to the submit route, whatever the answer.
 * @property {number} submits Tasks created (including by a scripted 5xx or dropped submit with createsTask).
 * @property {number} polls Every GET /api/v1/tasks/{id} (known, unknown or scripted). Per task: `tasks[i].polls`.
 * @property {number} cancels Every POST /api/v1/tasks/{id}/cancel.
 * @property {number} lists Every GET /api/v1/tasks (list).
 * @property {number} unauthorized 401s for a missing, unknown or other region's key (not scripted ones).
 * @property {number} other API requests to unknown routes (404 NotFound).
 * @property {number} total Every API request (control calls and the storage host excluded).
 * @property {number} storageRequests Every request to the storage host.
 * @property {number} downloads GETs of result links answered with the video.
 * @property {number} storageAuthorization Storage requests that carried an Authorization header (all refused with
 *   403), uploads included.
 * @property {number} policies Every GET /api/v1/uploads (getPolicy), whatever the answer.
 * @property {number} uploadRequests Every POST to the upload host (the storage host's root) that got past the key check.
 * @property {number} uploads Files stored (server.uploads).
 * @property {number} uploadAuthorization POSTs to the upload host that carried an Authorization header (refused with 403).
 */

/**
 * @typedef {import('../aog-server/gauges').TrackedRequest<'submit' | 'poll'>} TrackedRequest
 * @typedef {import('../aog-server/gauges').RequestGaugeView<'submit' | 'poll'>} RequestGauge
 */

/**
 * @typedef {object} RecordedRequest
 * @property {'api' | 'storage'} host
 * @property {string} method
 * @property {string} path Path and query string, as sent.
 * @property {string} [remoteAddress] The client's address, to prove a request came from loopback.
 * @property {import('http').IncomingHttpHeaders} headers
 * @property {unknown} body Parsed JSON (long base64 strings shortened), or the raw text ('' when empty).
 * @property {number} [status] Status answered; undefined while open or when no answer was sent (drop, hang).
 */

/**
 * @typedef {object} DashScopeServer
 * @property {string} url API base, 'http://127.0.0.1:<port>' (paths under /api/v1).
 * @property {string} storageUrl Result host base, 'http://127.0.0.1:<storagePort>'.
 * @property {number} port
 * @property {number} storagePort
 * @property {Region} region
 * @property {string} apiKey First key of the server's own region.
 * @property {DashScopeCounters} counters Live object.
 * @property {DashScopeTask[]} tasks Live array of every task since the last reset(), in submit order.
 * @property {TaskGauge} gauge Live: tasks PENDING / RUNNING now and at most.
 * @property {RequestGauge} requests Live: submit and poll requests in flight.
 * @property {import('./uploads').UploadRecord[]} uploads Live array of the files in temporary storage, in upload order.
 * @property {string} uploadUrl The upload host (upload_host of a policy): the storage host's root.
 * @property {RecordedRequest[]} lastRequests Live array of the last 50 API and storage requests (control calls excluded).
 * @property {import('../media/video-maker').EncoderStats} encoderStats
 * @property {DashScopeOptionsInForce} options
 * @property {(id: string) => DashScopeTask | undefined} task
 * @property {(options: DashScopeRuntimeOptions) => DashScopeOptionsInForce} setOptions Change options at run time
 *   (tasks already created keep their times); returns the options in force.
 * @property {(entries: DashScopeScript | DashScopeScript[]) => number} script Append scripted entries (all valid or
 *   none; throws on unknown fields); returns the queue length.
 * @property {() => DashScopeScript[]} pendingScript
 * @property {() => void} resetCounters Zeroes counters and the gauges' peaks and history.
 * @property {() => void} reset Counters, script queue, tasks (running ones stop silently), links and lastRequests; options stay.
 * @property {() => Promise<void>} close
 */

/**
 * What every route gets: the server's state (internal).
 * @typedef {object} State
 * @property {DashScopeOptionsInForce} options
 * @property {string} url
 * @property {string} storageUrl
 * @property {boolean} closed
 * @property {DashScopeCounters} counters
 * @property {ScriptQueue} script
 * @property {RecordedRequest[]} lastRequests
 * @property {Set<NodeJS.Timeout>} timers
 * @property {Set<import('net').Socket>} sockets
 * @property {VideoMaker} videoMaker
 * @property {GenerationGauge<'submit' | 'poll'>} requests
 * @property {{ submit: number[]; poll: number[] }} rate
 * @property {(line: string) => void} log
 * @property {TaskBoard} tasks
 * @property {VideoLinks} links
 * @property {TemporaryStorage} storage
 * @property {(ms: number) => Promise<void>} sleep
 * @property {(ctx: Ctx, entry: ScriptEntry, sendError: (entry: ScriptEntry) => void) => void} answerScripted
 */

/**
 * One request as a route handles it (internal).
 * @typedef {object} Ctx
 * @property {import('http').IncomingMessage & { method: string; url: string }} req
 * @property {import('http').ServerResponse} res
 * @property {string} text The body.
 * @property {Buffer} [raw] The body's bytes (storage host POSTs only).
 * @property {URL} url
 * @property {URLSearchParams} query
 * @property {() => void} dropConnection
 */

const HOST = '127.0.0.1';
const MAX_LOGGED_REQUESTS = 50;
const SUBMIT_PATH = '/api/v1/services/aigc/video-generation/video-synthesis';
const TASK_PATH = /^\/api\/v1\/tasks\/([^/]+)$/;
const CANCEL_PATH = /^\/api\/v1\/tasks\/([^/]+)\/cancel$/;
const LIST_PATH = '/api/v1/tasks';
const UPLOADS_PATH = '/api/v1/uploads';
/** @type {Array<keyof DashScopeCounters>} */
const COUNTER_NAMES = [
	'submitRequests',
	'submits',
	'polls',
	'cancels',
	'lists',
	'unauthorized',
	'other',
	'total',
	'storageRequests',
	'downloads',
	'storageAuthorization',
	'policies',
	'uploadRequests',
	'uploads',
	'uploadAuthorization',
];
const DEFAULT_KEYS = { beijing: 'sk-test-beijing', singapore: 'sk-test-singapore', virginia: 'sk-test-virginia' };
/** @type {DashScopeOptionsInForce} */
const DEFAULT_OPTIONS = {
	region: 'beijing',
	keys: DEFAULT_KEYS,
	pendingMs: 1000,
	runningMs: 30000,
	timeScale: 1,
	maxRunning: 0,
	submitsPerSecond: 0,
	pollsPerSecond: 0,
	videoTtlSeconds: 86400,
	temporaryStorage: true,
	uploadPolicyTtlSeconds: 300,
	uploadMaxFileSizeMb: 100,
	quiet: true,
};
const NUMBER_OPTIONS = new Set([
	'pendingMs',
	'runningMs',
	'timeScale',
	'maxRunning',
	'submitsPerSecond',
	'pollsPerSecond',
	'videoTtlSeconds',
	'uploadPolicyTtlSeconds',
	'uploadMaxFileSizeMb',
]);
const BOOLEAN_OPTIONS = new Set(['quiet', 'temporaryStorage']);

/**
 * @param {unknown} keys
 * @returns {DashScopeOptionsInForce['keys']}
 */
function checkKeys(keys) {
	const valid =
		keys &&
		typeof keys === 'object' &&
		!Array.isArray(keys) &&
		Object.values(keys).every(
			(value) => typeof value === 'string' || (Array.isArray(value) && value.every((key) => typeof key === 'string')),
		);
	if (!valid)
		throw new Error('option keys must map regions to a key or a list of keys, e.g. {"beijing":"sk-test-beijing"}');
	return Object.fromEntries(
		Object.entries(keys).map(([region, value]) => [region, Array.isArray(value) ? [...value] : value]),
	);
}

/**
 * Validated copy of `current` with `patch` applied; throws on unknown names and bad values.
 * @param {DashScopeOptionsInForce} current
 * @param {Record<string, any>} [patch]
 * @returns {DashScopeOptionsInForce}
 */
function mergeOptions(current, patch = {}) {
	/** @type {Record<string, any>} */
	const merged = { ...current };
	for (const [name, value] of Object.entries(patch)) {
		if (value === undefined) continue;
		if (!(name in DEFAULT_OPTIONS))
			throw new Error(`unknown option "${name}"; known: ${Object.keys(DEFAULT_OPTIONS).join(', ')}`);
		if (NUMBER_OPTIONS.has(name) && !(typeof value === 'number' && Number.isFinite(value) && value >= 0))
			throw new Error(`option ${name} must be a number >= 0`);
		if (name === 'region' && !(value in REGION_IDS))
			throw new Error(`option region must be one of ${Object.keys(REGION_IDS).join(', ')}`);
		merged[name] = name === 'keys' ? checkKeys(value) : BOOLEAN_OPTIONS.has(name) ? Boolean(value) : value;
	}
	return /** @type {DashScopeOptionsInForce} */ (merged);
}

/**
 * @param {Record<string, number>} counters
 * @returns {DashScopeCounters}
 */
function zeroCounters(counters) {
	for (const name of COUNTER_NAMES) counters[name] = 0;
	return /** @type {DashScopeCounters} */ (counters);
}

// DASHSCOPE_SERVER_DEBUG=1 logs every request to stderr even when quiet (jest buffers console.log, not stderr).
const DEBUG_TO_STDERR = Boolean(process.env.DASHSCOPE_SERVER_DEBUG);

/**
 * @param {DashScopeOptionsInForce} options
 * @returns {State}
 */
function createState(options) {
	/** @type {Set<NodeJS.Timeout>} */
	const timers = new Set();
	/** @type {Omit<State, 'tasks' | 'links' | 'storage' | 'answerScripted'>} */
	const partial = {
		options,
		url: '',
		storageUrl: '',
		closed: false,
		counters: zeroCounters({}),
		script: new ScriptQueue(),
		lastRequests: [],
		timers,
		sleep: sleeper(timers),
		sockets: new Set(),
		videoMaker: new VideoMaker(),
		requests: /** @type {GenerationGauge<'submit' | 'poll'>} */ (new GenerationGauge()),
		rate: { submit: [], poll: [] },
		log: (line) => {
			if (DEBUG_TO_STDERR) process.stderr.write(`[dashscope-server ${state.url}] ${line}\n`);
			else if (!state.options.quiet) console.log(`[dashscope-server] ${line}`);
		},
	};
	// The task board, the links and answerScripted need the state itself.
	const state = /** @type {State} */ (partial);
	state.tasks = new TaskBoard(state);
	state.links = new VideoLinks(state);
	state.storage = new TemporaryStorage(state);
	state.answerScripted = (ctx, entry, sendError) => answerScripted(state, ctx, entry, sendError);
	return state;
}

/**
 * @param {State} state
 * @param {RecordedRequest['host']} host
 * @param {Ctx['req']} req
 * @param {Ctx['res']} res
 * @param {string} text
 */
function recordRequest(state, host, req, res, text) {
	/** @type {RecordedRequest} */
	const entry = {
		host,
		method: req.method,
		path: req.url,
		remoteAddress: req.socket.remoteAddress,
		headers: { ...req.headers },
		body: describeBody(text),
		status: undefined,
	};
	state.lastRequests.push(entry);
	if (state.lastRequests.length > MAX_LOGGED_REQUESTS)
		state.lastRequests.splice(0, state.lastRequests.length - MAX_LOGGED_REQUESTS);
	const started = Date.now();
	res.on('close', () => {
		entry.status = res.headersSent ? res.statusCode : undefined;
		state.log(
			`${host} ${req.method} ${req.url.slice(0, 120)} -> ${entry.status ?? 'no answer'} (${Date.now() - started} ms)`,
		);
	});
}

/**
 * A scripted answer: dropped connection, no answer, a raw body, or an error via sendError(entry).
 * @param {State} state
 * @param {Pick<Ctx, 'res' | 'dropConnection'>} ctx
 * @param {ScriptEntry} entry
 * @param {(entry: ScriptEntry) => void} sendError
 */
function answerScripted(state, ctx, entry, sendError) {
	state.log(`scripted ${entry.on}: ${entry.drop ? 'drop' : entry.hang ? 'hang' : `${entry.status} ${entry.code}`}`);
	if (entry.drop) return ctx.dropConnection();
	if (entry.hang) return undefined; // the socket stays open until the client gives up or the server closes
	if (entry.body !== undefined) {
		const body = Buffer.from(typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body));
		ctx.res.writeHead(Number(entry.status), {
			'Content-Type': entry.contentType || 'application/json',
			'Content-Length': body.length,
			...(entry.retryAfter !== undefined ? { 'Retry-After': String(entry.retryAfter) } : {}),
		});
		return ctx.res.end(body);
	}
	return sendError(entry);
}

/**
 * @param {Ctx['res']} res
 * @returns {(entry: ScriptEntry) => void}
 */
function sendScriptedApiError(res) {
	return (entry) =>
		sendApiError(res, new ApiError(Number(entry.status), String(entry.code), String(entry.message), entry.retryAfter));
}

/**
 * Bearer key of this server's region; 401 InvalidApiKey for a missing, unknown or other region's key.
 * @param {State} state
 * @param {Ctx['req']} req
 */
function checkAuth(state, req) {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization || '');
	if (!match) {
		state.counters.unauthorized += 1;
		throw apiError('InvalidApiKey', 'No API-key provided.');
	}
	const own = state.options.keys[state.options.region];
	const keys = own === undefined ? [] : Array.isArray(own) ? own : [own];
	if (!keys.includes(match[1])) {
		state.counters.unauthorized += 1;
		throw apiError('InvalidApiKey', 'Invalid API-key provided.');
	}
	return match[1];
}

/**
 * Account-wide requests-per-second limits (0 = none): 429 Throttling.RateQuota, no task created.
 * @param {State} state
 * @param {'submit' | 'poll'} kind
 * @param {number} limit
 */
function checkRate(state, kind, limit) {
	if (!limit) return;
	const now = Date.now();
	const window = state.rate[kind];
	while (window.length > 0 && window[0] <= now - 1000) window.shift();
	if (window.length >= limit)
		throw apiError('Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.');
	window.push(now);
}

/**
 * @param {string} text
 * @returns {unknown}
 */
function parseJson(text) {
	try {
		return JSON.parse(text);
	} catch {
		throw invalidParameter('The request body is not valid JSON.');
	}
}

/**
 * Settings and first frame of a submit body; throws ApiError for what DashScope rejects at submit.
 * @param {State} state
 * @param {string} text
 * @param {Ctx['req']} req
 * @returns {Promise<Prepared>}
 */
async function prepareTask(state, text, req) {
	const body = /** @type {any} */ (parseJson(text));
	const settings = checkSubmitBody(body, state.options.region, new URL(req.url, 'http://dashscope.local').pathname);
	checkOssUrls(state, req, body.input, settings.model);
	const headers = { ...req.headers };
	if (settings.media) return { settings, image: undefined, headers, ...(await prepareMedia(state, settings)) };
	if (!settings.source) return { settings, image: undefined, headers }; // text to video
	const { url, mismatch } = settings.source;
	if (mismatch !== undefined) return { settings, image: undefined, headers };
	// A URL is downloaded by the task (failing it later); a data URI or a stored file is read now.
	const image = isHttpUrl(url)
		? loadRemoteImage(url)
		: /^oss:\/\//i.test(url)
			? loadStoredImage(state.storage.resolve(url, settings.model).bytes)
			: await loadInlineImage(url);
	return { settings, image, headers };
}

/**
 * What a submit leads to: the settings, the first frame (img_url models) or the media plan (other modes).
 * @typedef {{ settings: import('./models').TaskSettings; image: import('./tasks').Task['image']; headers: import('http').IncomingHttpHeaders; plan?: import('./tasks').Task['plan'] }} Prepared
 */

/**
 * Holds a scripted submit answer until `count` submits, this one included, have arrived (at most 10 s).
 * @param {State} state
 * @param {number} index
 * @param {number} count
 */
async function waitForArrivals(state, index, count) {
	for (let waited = 0; state.requests.arrivals < index + count && waited < 10_000; waited += 5) await state.sleep(5);
}

/**
 * @param {State} state
 * @param {Ctx} ctx
 */
async function handleSubmit(state, ctx) {
	const { req, res, text } = ctx;
	state.counters.submitRequests += 1;
	const arrival = state.requests.track('submit', res);
	const scripted = state.script.take('submit');
	if (scripted) {
		if (scripted.holdUntilArrivals) await waitForArrivals(state, arrival.index, scripted.holdUntilArrivals);
		if (scripted.createsTask) {
			try {
				createTask(
					state,
					await prepareTask(state, text, req),
					requestId(),
					(/^Bearer\s+(\S+)/i.exec(req.headers.authorization || '') || [])[1],
				);
			} catch (error) {
				state.log(`scripted submit: no task (${/** @type {Error} */ (error).message})`);
			}
		}
		return answerScripted(state, ctx, scripted, sendScriptedApiError(res));
	}
	const apiKey = checkAuth(state, req);
	if (String(req.headers['x-dashscope-async'] || '').toLowerCase() !== 'enable') {
		throw apiError('AccessDenied', 'current user api does not support synchronous calls');
	}
	checkRate(state, 'submit', state.options.submitsPerSecond);
	const id = requestId();
	const record = createTask(state, await prepareTask(state, text, req), id, apiKey);
	sendJson(res, 200, { request_id: id, output: { task_id: record.id, task_status: 'PENDING' } });
}

/**
 * @param {State} state
 * @param {Prepared} prepared
 * @param {string} id
 * @param {string | undefined} apiKey
 */
function createTask(state, prepared, id, apiKey) {
	state.counters.submits += 1;
	return state.tasks.create({ ...prepared, requestId: id, apiKey, script: state.script.take('task') });
}

/**
 * @param {State} state
 * @param {Ctx} ctx
 * @param {string} taskId
 */
function handlePoll(state, ctx, taskId) {
	state.counters.polls += 1;
	state.requests.track('poll', ctx.res);
	const record = state.tasks.get(taskId);
	if (record) record.polls += 1;
	const scripted = state.script.take('poll', taskId);
	if (scripted) return answerScripted(state, ctx, scripted, sendScriptedApiError(ctx.res));
	checkAuth(state, ctx.req);
	checkRate(state, 'poll', state.options.pollsPerSecond);
	sendJson(ctx.res, 200, { request_id: requestId(), ...state.tasks.view(taskId) });
}

/**
 * @param {State} state
 * @param {Ctx} ctx
 * @param {string} taskId
 */
function handleCancel(state, ctx, taskId) {
	state.counters.cancels += 1;
	const scripted = state.script.take('cancel', taskId);
	if (scripted) return answerScripted(state, ctx, scripted, sendScriptedApiError(ctx.res));
	checkAuth(state, ctx.req);
	if (!state.tasks.cancel(taskId)) throw apiError('UnsupportedOperation');
	sendJson(ctx.res, 200, { request_id: requestId() });
}

/**
 * YYYYMMDDhhmmss in Beijing time (like the times DashScope prints) → ms.
 * @param {string} value
 * @param {string} name
 */
function parseListTime(value, name) {
	const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
	if (!match)
		throw invalidParameter(`The parameter ${name} is invalid: ${JSON.stringify(value)} (expected YYYYMMDDhhmmss).`);
	const [, y, mo, d, h, mi, s] = match.map(Number);
	return Date.UTC(y, mo - 1, d, h - 8, mi, s);
}

/**
 * @param {URLSearchParams} query
 * @param {string} name
 * @param {number} fallback
 * @param {number} max
 */
function pageNumber(query, name, fallback, max) {
	const raw = query.get(name);
	if (raw === null) return fallback;
	const value = Number(raw);
	if (!(Number.isInteger(value) && value >= 1 && value <= max))
		throw invalidParameter(`The parameter ${name} is invalid: ${JSON.stringify(raw)} (1-${max}).`);
	return value;
}

/**
 * @param {State} state
 * @param {Ctx} ctx
 */
function handleList(state, ctx) {
	state.counters.lists += 1;
	const scripted = state.script.take('list');
	if (scripted) return answerScripted(state, ctx, scripted, sendScriptedApiError(ctx.res));
	checkAuth(state, ctx.req);
	const { query } = ctx;
	const now = Date.now();
	// Without a window: the last 24 hours, the tasks' lifetime.
	const endTime = query.get('end_time');
	const startTime = query.get('start_time');
	const endMs = endTime ? parseListTime(endTime, 'end_time') + 999 : now;
	const startMs = startTime ? parseListTime(startTime, 'start_time') : now - 86_400_000;
	const pageNo = pageNumber(query, 'page_no', 1, 1_000_000);
	const pageSize = pageNumber(query, 'page_size', 10, 100);
	const all = state.tasks.list({ startMs, endMs, model: query.get('model_name'), status: query.get('status') });
	sendJson(ctx.res, 200, {
		request_id: requestId(),
		data: all.slice((pageNo - 1) * pageSize, pageNo * pageSize),
		total: all.length,
		total_page: Math.ceil(all.length / pageSize),
		page_no: pageNo,
		page_size: pageSize,
	});
}

/**
 * @param {string} method
 * @param {string} pathname
 * @returns {((state: State, ctx: Ctx) => unknown) | undefined}
 */
function route(method, pathname) {
	if ((pathname === SUBMIT_PATH || pathname === IMAGE2VIDEO_PATH) && method === 'POST') return handleSubmit;
	if (pathname === LIST_PATH && method === 'GET') return handleList;
	if (pathname === UPLOADS_PATH && method === 'GET')
		return (state, ctx) => {
			checkAuth(state, ctx.req);
			handleGetPolicy(state, ctx, (name) => modelsOf(state.options.region).includes(name));
		};
	const cancel = CANCEL_PATH.exec(pathname);
	if (cancel && method === 'POST') return (state, ctx) => handleCancel(state, ctx, decodeURIComponent(cancel[1]));
	const task = TASK_PATH.exec(pathname);
	if (task && method === 'GET') return (state, ctx) => handlePoll(state, ctx, decodeURIComponent(task[1]));
	return undefined;
}

/**
 * @param {State} state
 * @param {Ctx['res']} res
 * @param {unknown} caught
 */
function sendFailure(state, res, caught) {
	if (caught instanceof ApiError) return sendApiError(res, caught);
	const error = /** @type {Error} */ (caught);
	state.log(`internal error: ${error.stack || error}`);
	if (res.headersSent) return void res.destroy();
	return sendApiError(res, apiError('InternalError'));
}

/**
 * @param {State} state
 * @param {DashScopeServer} api
 * @param {Ctx['req']} req
 * @param {Ctx['res']} res
 */
async function handleApiRequest(state, api, req, res) {
	const url = new URL(req.url, 'http://dashscope.local');
	const { text, tooLarge } = await readBody(req);
	/** @type {Ctx} */
	const ctx = { req, res, text, url, query: url.searchParams, dropConnection: () => req.socket.destroy() };
	if (url.pathname.startsWith('/__control/')) return handleControl(api, ctx);
	state.counters.total += 1;
	recordRequest(state, 'api', req, res, text);
	const handler = route(req.method, url.pathname);
	try {
		if (!handler) {
			state.counters.other += 1;
			throw apiError('NotFound', `Not Found: ${req.method} ${url.pathname}`);
		}
		if (tooLarge) throw invalidParameter('The request body is too large.');
		await handler(state, ctx);
	} catch (error) {
		if (!state.closed) sendFailure(state, res, error);
	}
}

/**
 * @param {State} state
 * @param {Ctx['req']} req
 * @param {Ctx['res']} res
 */
async function handleStorageRequest(state, req, res) {
	const url = new URL(req.url, 'http://storage.local');
	state.counters.storageRequests += 1;
	// An upload's multipart body is binary: kept as bytes, logged as its size.
	const raw = req.method === 'POST' ? await readRawBody(req) : undefined;
	const text = raw
		? `[${raw.length} bytes of ${req.headers['content-type'] || 'no type'}]`
		: (await readBody(req)).text;
	recordRequest(state, 'storage', req, res, text);
	try {
		await handleStorage(state, {
			req,
			res,
			text,
			raw,
			url,
			query: url.searchParams,
			dropConnection: () => req.socket.destroy(),
		});
	} catch (error) {
		if (state.closed) return;
		state.log(`storage error: ${/** @type {Error} */ (error).stack || error}`);
		res.destroy();
	}
}

/**
 * The whole body as bytes (uploads); beyond 1 GiB the rest is dropped and the size check refuses the file.
 * @param {Ctx['req']} req
 * @returns {Promise<Buffer>}
 */
function readRawBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size <= 1 << 30) chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/** @type {Record<string, (api: DashScopeServer, body: any) => unknown>} */
const CONTROL_ROUTES = {
	'POST /__control/script': (api, body) => {
		const entries = Array.isArray(body) ? body : body.entries;
		if (!Array.isArray(entries)) throw new Error('expected {"entries":[...]}');
		return { queued: api.script(entries), entries: api.pendingScript() };
	},
	'GET /__control/script': (api) => ({ entries: api.pendingScript() }),
	'POST /__control/options': (api, body) => ({ options: api.setOptions(body) }),
	'GET /__control/options': (api) => ({ options: api.options }),
	'POST /__control/reset': (api) => {
		api.reset();
		return { ok: true };
	},
	'GET /__control/counters': (api) => api.counters,
	'GET /__control/tasks': (api) => ({ tasks: api.tasks, gauge: api.gauge }),
	'GET /__control/requests': (api) => api.lastRequests,
};

/**
 * /__control/*: the JS API for other processes (npm run aog-server); needs no key.
 * @param {DashScopeServer} api
 * @param {Ctx} ctx
 */
function handleControl(api, ctx) {
	const control = CONTROL_ROUTES[`${ctx.req.method} ${ctx.url.pathname}`];
	if (!control)
		return sendJson(ctx.res, 404, {
			error: `unknown control endpoint ${ctx.req.method} ${ctx.url.pathname}`,
			endpoints: Object.keys(CONTROL_ROUTES),
		});
	try {
		sendJson(ctx.res, 200, control(api, ctx.text.trim() === '' ? {} : JSON.parse(ctx.text)));
	} catch (error) {
		sendJson(ctx.res, 400, { error: /** @type {Error} */ (error).message });
	}
}

/**
 * @param {State} state
 * @param {http.Server} server
 * @param {number} port
 * @returns {Promise<string>}
 */
function listen(state, server, port) {
	server.on('connection', (socket) => {
		state.sockets.add(socket);
		socket.on('close', () => state.sockets.delete(socket));
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, HOST, () => {
			server.off('error', reject);
			resolve(`http://${HOST}:${/** @type {import('net').AddressInfo} */ (server.address()).port}`);
		});
	});
}

/**
 * @param {State} state
 * @param {http.Server[]} servers
 */
async function closeServers(state, servers) {
	if (state.closed) return;
	state.closed = true;
	for (const timer of state.timers) clearTimeout(timer);
	state.timers.clear();
	state.videoMaker.killAll();
	const closed = Promise.all(
		servers.map(
			(server) =>
				new Promise((/** @type {(value?: unknown) => void} */ resolve) =>
					server.listening ? server.close(() => resolve()) : resolve(),
				),
		),
	);
	for (const socket of state.sockets) socket.destroy();
	await closed;
}

/**
 * @param {State} state
 * @param {http.Server[]} servers
 * @returns {DashScopeServer}
 */
function createApi(state, servers) {
	return {
		get url() {
			return state.url;
		},
		get storageUrl() {
			return state.storageUrl;
		},
		get port() {
			return Number(new URL(state.url).port);
		},
		get storagePort() {
			return Number(new URL(state.storageUrl).port);
		},
		get region() {
			return state.options.region;
		},
		/** The first key of the server's own region. */
		get apiKey() {
			const own = state.options.keys[state.options.region];
			return /** @type {string} */ (Array.isArray(own) ? own[0] : own);
		},
		counters: state.counters,
		tasks: state.tasks.records,
		gauge: state.tasks.gauge,
		requests: state.requests.view,
		lastRequests: state.lastRequests,
		uploads: state.storage.records,
		get uploadUrl() {
			return state.storageUrl;
		},
		encoderStats: state.videoMaker.stats,
		get options() {
			return { ...state.options, keys: checkKeys(state.options.keys) };
		},
		task: (id) => state.tasks.get(id),
		setOptions(patch) {
			state.options = mergeOptions(state.options, patch);
			state.tasks.pump(); // a raised maxRunning lets waiting tasks start now
			return this.options;
		},
		script: (entries) => state.script.add(entries),
		pendingScript: () => /** @type {DashScopeScript[]} */ (state.script.list()),
		resetCounters: () => {
			zeroCounters(state.counters);
			state.requests.reset();
			state.tasks.resetPeaks();
		},
		reset: () => {
			zeroCounters(state.counters);
			state.requests.reset();
			state.script.clear();
			state.tasks.clear();
			state.links.clear();
			state.storage.clear();
			state.lastRequests.length = 0;
			state.rate.submit.length = 0;
			state.rate.poll.length = 0;
		},
		close: () => closeServers(state, servers),
	};
}

/**
 * Start the API and the storage host on 127.0.0.1 (port 0 = any free port).
 * @param {DashScopeServerOptions} [startOptions]
 * @returns {Promise<DashScopeServer>}
 */
async function startDashScopeServer(startOptions = {}) {
	const { port = 0, storagePort = 0, ...rest } = startOptions;
	const state = createState(mergeOptions(DEFAULT_OPTIONS, rest));
	const apiServer = http.createServer();
	const storageServer = http.createServer();
	const api = createApi(state, [apiServer, storageServer]);
	apiServer.on('request', (req, res) =>
		handleApiRequest(state, api, /** @type {Ctx['req']} */ (req), res).catch((error) => sendFailure(state, res, error)),
	);
	storageServer.on('request', (req, res) =>
		handleStorageRequest(state, /** @type {Ctx['req']} */ (req), res).catch(() => res.destroy()),
	);
	try {
		state.url = await listen(state, apiServer, port);
		state.storageUrl = await listen(state, storageServer, storagePort);
	} catch (error) {
		await closeServers(state, [apiServer, storageServer]);
		throw error;
	}
	return api;
}

module.exports = { startDashScopeServer, DEFAULT_OPTIONS, COUNTER_NAMES, SUBMIT_PATH, IMAGE2VIDEO_PATH };
