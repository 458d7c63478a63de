'use strict';
// An AOG-compatible dev server: AOG's routes and quirks, DashScope's checks, real MP4s, scripted failures.
const http = require('http');
const { VideoMaker } = require('../media/video-maker');
const { FailureQueue } = require('./failures');
const { VideoStore, handleVideo } = require('./videos');
const { handleStandardPost, handleNativePost, sendGenerationError } = require('./generation');
const { sendHealth, sendVersion, sendEngineHealth, sendModelList, sendModels } = require('./discovery');
const { AogSetup, handleInstall, handleProviderUpdate } = require('./setup');
const { handleControl } = require('./control');
const { sendHtmlTrap, sendNotFound, sendGoJson } = require('./responses');
const { describeBody, readBody } = require('./request-log');
const { GenerationGauge, generationDelay } = require('./gauges');
const { sleeper } = require('./sleep');

/**
 * @typedef {object} AogServerOptions
 * @property {number} [port] 0 = any free port. The host is always 127.0.0.1.
 * @property {boolean} [setUp] Start-up only. true (default): image-to-video installed, a DashScope key stored,
 *   wan2.2-i2v-plus registered. false: a fresh AOG: generation answers 404 30003 until POST /aog/v0.2/service/install
 *   (which answers 409 30002 and stores no key: generation then answers 400 {}) and PUT /aog/v0.2/service_provider
 *   (stores the key).
 * @property {number} [generationDelayMs] Extra wait before a generation call answers (simulated upstream time).
 * @property {number[]} [generationDelaysMs] Per-request generation times instead of generationDelayMs: the n-th
 *   generation request since the last reset (by arrival) waits the n-th value, cycling. [] (default) = use generationDelayMs.
 * @property {number[]} [resubmitWaitsMs] AOG's waits around its re-submission after an upstream 5xx: before the second
 *   submission, then before giving up. v0.7 waits 2000 and 4000 ms; default [20, 40] (compressed).
 * @property {number} [pollCapMs] AOG's polling budget: v0.7 polls DashScope at most 100 times, 500 ms apart (about
 *   50 s locally, a minute or more to Beijing). A generation longer than this answers 500 "exceeded maximum number of
 *   retries (100)" after pollCapMs; the task runs to its end upstream and is billed (counted in upstreamTasksBilled
 *   then). 0 (default): no cap.
 * @property {number} [videoTtlSeconds] How long a served video URL stays valid; after that it answers 403
 *   AccessDenied (XML), like a signed OSS link.
 * @property {string} [fileRoot] Only allow `image_type: path` files under this folder.
 * @property {number} [syntheticVideoBytes] > 0: serve a valid MP4 of exactly this many bytes instead of an ffmpeg-made one.
 * @property {boolean} [quiet] false: log every request to stdout. (Env AOG_SERVER_DEBUG=1: log to stderr whatever
 *   this says; jest shows it at once.)
 */

/** @typedef {Omit<AogServerOptions, 'port' | 'fileRoot' | 'setUp'> & { fileRoot?: string | null }} RuntimeOptions */
/** @typedef {Required<Omit<AogServerOptions, 'port' | 'fileRoot' | 'setUp'>> & { fileRoot?: string }} OptionsInForce */

/**
 * @typedef {object} AogCounters
 * @property {number} health
 * @property {number} version
 * @property {number} engineHealth GET /engine/health.
 * @property {number} i2vPosts Every POST to /aog/v0.2/services/image-to-video, success or failure.
 * @property {number} nativePosts Every POST to /aog/v0.2/api_flavors/aliyun/v1/image-to-video.
 * @property {number} modelList
 * @property {number} models
 * @property {number} setup POST /aog/v0.2/service/install and PUT /aog/v0.2/service_provider.
 * @property {number} downloads Every GET of /videos/… (HEADs count in `other`).
 * @property {number} control /__control/… calls; they count nowhere else, not even in `total`.
 * @property {number} other
 * @property {number} total Every request except control calls.
 * @property {number} clientAborts Requests whose connection the client closed before the server's answer was
 *   complete (a client timeout, a cancelled execution, a download stopped on purpose). Scripted resets and cut-off
 *   downloads do not count.
 * @property {number} upstreamTasks Tasks created upstream (DashScope submissions), not requests: 0 for a request
 *   refused before or at submission (404, 400 {}, an image DashScope rejects, a 4xx), 2 for an upstream 5xx on submit
 *   or on a poll (AOG submits again), 1 otherwise, also when AOG then failed (Accept-Encoding br/deflate, poll exhaustion).
 * @property {number} upstreamTasksBilled Tasks that ran to SUCCEEDED upstream: a video made and billed. Counted when
 *   the task ends, whether or not AOG still polled it or the client still waited (a client that disconnected, AOG
 *   that gave up or failed).
 */

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path Path and query string, as sent.
 * @property {import('http').IncomingHttpHeaders} headers
 * @property {unknown} body Parsed JSON (long base64 strings shortened), or the raw text ('' when empty).
 */

/**
 * @typedef {object} AogServer
 * @property {string} url 'http://127.0.0.1:<port>'
 * @property {number} port
 * @property {AogCounters} counters Live object: keep a reference and read it later.
 * @property {RecordedRequest[]} lastRequests Live array of the last 50 requests (control calls excluded).
 * @property {import('../media/video-maker').EncoderStats} encoderStats
 * @property {import('./gauges').RequestGaugeView<'standard' | 'native'>} generation Live gauge of the generation routes (also GET /__control/generation).
 * @property {import('./setup').AogSetupView} setup The image-to-video setup now (a copy): see AogServerOptions.setUp. reset() does not change it.
 * @property {OptionsInForce} options
 * @property {() => void} resetCounters Zeroes the counters and the generation gauge's history.
 * @property {() => void} reset Clears counters, the generation gauge's history, queued failures and lastRequests (options stay).
 * @property {(options: RuntimeOptions) => OptionsInForce} setOptions Change options at run time; returns the options
 *   now in force. Throws on unknown names.
 * @property {(failures: ScriptedFailure[]) => number} scriptFailures Append to the failure queue (each used by the
 *   next request it applies to); returns the queue length.
 * @property {() => ScriptedFailure[]} pendingFailures
 * @property {() => Promise<void>} close
 */

/** @typedef {import('./failures').ScriptedFailure} ScriptedFailure */

/**
 * What every route gets: the server's state (internal).
 * @typedef {object} State
 * @property {OptionsInForce} options
 * @property {AogSetup} setup
 * @property {string} url
 * @property {boolean} closed
 * @property {AogCounters} counters
 * @property {FailureQueue} failures
 * @property {RecordedRequest[]} lastRequests
 * @property {Set<string>} loopingUrls
 * @property {Set<NodeJS.Timeout>} timers
 * @property {Set<import('net').Socket>} sockets
 * @property {VideoMaker} videoMaker
 * @property {GenerationGauge<'standard' | 'native'>} generation
 * @property {(line: string) => void} log
 * @property {import('./videos').VideoStore} videos
 * @property {(ms: number) => Promise<void>} sleep
 */

/**
 * One request as a route handles it (internal).
 * @typedef {object} Ctx
 * @property {import('http').IncomingMessage & { method: string; url: string }} req
 * @property {import('http').ServerResponse & { serverDropped?: boolean }} res
 * @property {string} text The body.
 * @property {URLSearchParams} query
 * @property {() => void} dropConnection Destroy the socket (counted as the server's doing, not a client abort).
 * @property {number} [generationIndex]
 * @property {import('./gauges').GenerationRequest} [record]
 * @property {number} [delayMs]
 */

const HOST = '127.0.0.1';
const MAX_LOGGED_REQUESTS = 50;
/** @type {Array<keyof AogCounters>} */
const COUNTER_NAMES = [
	'health',
	'version',
	'engineHealth',
	'i2vPosts',
	'nativePosts',
	'modelList',
	'models',
	'setup',
	'downloads',
	'control',
	'other',
	'total',
	'clientAborts',
	'upstreamTasks',
	'upstreamTasksBilled',
];
// resubmitWaitsMs: AOG's waits before re-submitting after an upstream 5xx, 2000 and 4000 ms in v0.7, compressed 100x.
// pollCapMs: AOG's polling budget (100 polls, 500 ms apart); 0 = never gives up on its own (scripted pollExhausted only).
/** @type {OptionsInForce} */
const DEFAULT_OPTIONS = {
	generationDelayMs: 0,
	generationDelaysMs: [],
	resubmitWaitsMs: [20, 40],
	pollCapMs: 0,
	videoTtlSeconds: 86400,
	fileRoot: undefined,
	syntheticVideoBytes: 0,
	quiet: true,
};
const MS_LISTS = new Set(['generationDelaysMs', 'resubmitWaitsMs']);
/** @type {Partial<Record<keyof AogCounters, 'standard' | 'native'>>} */
const GENERATION_ROUTES = { i2vPosts: 'standard', nativePosts: 'native' };

const NUMBER_OPTIONS = new Set(['generationDelayMs', 'pollCapMs', 'videoTtlSeconds', 'syntheticVideoBytes']);

/**
 * Validated copy of `current` with `patch` applied; throws on unknown names and bad values.
 * @param {OptionsInForce} current
 * @param {Record<string, any>} [patch]
 * @returns {OptionsInForce}
 */
function mergeOptions(current, patch = {}) {
	/** @type {Record<string, any>} */
	const merged = { ...current };
	for (const [name, value] of Object.entries(patch)) {
		if (!(name in DEFAULT_OPTIONS))
			throw new Error(`unknown option "${name}"; known: ${Object.keys(DEFAULT_OPTIONS).join(', ')}`);
		if (NUMBER_OPTIONS.has(name) && !(typeof value === 'number' && Number.isFinite(value) && value >= 0))
			throw new Error(`option ${name} must be a number >= 0`);
		if (
			MS_LISTS.has(name) &&
			!(Array.isArray(value) && value.every((ms) => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0))
		)
			throw new Error(`option ${name} must be an array of numbers >= 0`);
		if (name === 'fileRoot' && value !== undefined && value !== null && typeof value !== 'string')
			throw new Error('option fileRoot must be a folder path or null');
		merged[name] =
			name === 'quiet'
				? Boolean(value)
				: name === 'fileRoot'
					? (value ?? undefined)
					: MS_LISTS.has(name)
						? [...value]
						: value;
	}
	return /** @type {OptionsInForce} */ (merged);
}

/**
 * @param {Record<string, number>} counters
 * @returns {AogCounters}
 */
function zeroCounters(counters) {
	for (const name of COUNTER_NAMES) counters[name] = 0;
	return /** @type {AogCounters} */ (counters);
}

/** @typedef {(state: State, ctx: Ctx) => unknown} Handler */

/**
 * Which counter a request belongs to and who answers it.
 * @param {string} method
 * @param {string} pathname
 * @returns {[keyof AogCounters, Handler | 'control']}
 */
function route(method, pathname) {
	if (pathname === '/__control' || pathname.startsWith('/__control/')) return ['control', 'control'];
	/** @type {[keyof AogCounters, Handler] | undefined} */
	const known = /** @type {Record<string, [keyof AogCounters, Handler]>} */ ({
		'GET /health': ['health', (state, ctx) => sendHealth(ctx.res)],
		'GET /version': ['version', (state, ctx) => sendVersion(ctx.res)],
		'GET /engine/health': ['engineHealth', (state, ctx) => sendEngineHealth(ctx.res)],
		'POST /aog/v0.2/service/install': ['setup', handleInstall],
		'PUT /aog/v0.2/service_provider': ['setup', handleProviderUpdate],
		'POST /aog/v0.2/services/image-to-video': ['i2vPosts', handleStandardPost],
		'POST /aog/v0.2/api_flavors/aliyun/v1/image-to-video': ['nativePosts', handleNativePost],
		'GET /aog/v0.2/control_panel/modellist': [
			'modelList',
			(state, ctx) => sendModelList(ctx.res, ctx.query, state.setup),
		],
		'GET /aog/v0.2/model': ['models', (state, ctx) => sendModels(ctx.res, state.setup)],
	})[`${method} ${pathname}`];
	if (known) return known;
	if (pathname.startsWith('/videos/')) return [method === 'GET' ? 'downloads' : 'other', handleVideo];
	// AOG's control panel catches every other /aog/v0.2/ path and method: a 200 text/html trap.
	if (pathname === '/aog/v0.2' || pathname.startsWith('/aog/v0.2/'))
		return ['other', (state, ctx) => sendHtmlTrap(ctx.res)];
	return ['other', (state, ctx) => sendNotFound(ctx.res)]; // gin's 404 page not found, text/plain
}

// AOG_SERVER_DEBUG=1 logs every request to stderr even when quiet (jest buffers console.log, not stderr).
const DEBUG_TO_STDERR = Boolean(process.env.AOG_SERVER_DEBUG);

/**
 * @param {State} state
 * @param {string} line
 */
function writeLog(state, line) {
	if (DEBUG_TO_STDERR) process.stderr.write(`[aog-server ${state.url}] ${line}\n`);
	else if (!state.options.quiet) console.log(`[aog-server] ${line}`);
}

/**
 * @param {OptionsInForce} options
 * @param {boolean} setUp
 * @returns {State}
 */
function createState(options, setUp) {
	/** @type {Set<NodeJS.Timeout>} */
	const timers = new Set();
	/** @type {Omit<State, 'videos'>} */
	const partial = {
		options,
		setup: new AogSetup(setUp),
		url: '',
		closed: false,
		counters: zeroCounters({}),
		failures: new FailureQueue(),
		lastRequests: [],
		loopingUrls: new Set(),
		timers,
		sleep: sleeper(timers),
		sockets: new Set(),
		videoMaker: new VideoMaker(),
		generation: /** @type {GenerationGauge<'standard' | 'native'>} */ (new GenerationGauge()),
		log: (line) => writeLog(state, line),
	};
	// The video store needs the state itself.
	const state = /** @type {State} */ (partial);
	state.videos = new VideoStore(state);
	return state;
}

/**
 * @param {State} state
 * @param {Ctx['req']} req
 * @param {string} text
 */
function recordRequest(state, req, text) {
	state.lastRequests.push({ method: req.method, path: req.url, headers: { ...req.headers }, body: describeBody(text) });
	if (state.lastRequests.length > MAX_LOGGED_REQUESTS)
		state.lastRequests.splice(0, state.lastRequests.length - MAX_LOGGED_REQUESTS);
}

/**
 * @param {State} state
 * @param {Ctx['req']} req
 * @param {Ctx['res']} res
 */
function logWhenDone(state, req, res) {
	if (state.options.quiet && !DEBUG_TO_STDERR) return;
	const started = Date.now();
	if (DEBUG_TO_STDERR) state.log(`${req.method} ${req.url.slice(0, 120)} received`);
	res.on('close', () =>
		state.log(
			`${req.method} ${req.url.slice(0, 120)} -> ${res.headersSent ? res.statusCode : 'no answer'} (${Date.now() - started} ms)`,
		),
	);
}

/**
 * @param {State} state
 * @param {Ctx['res']} res
 * @param {unknown} caught
 */
function answerUnexpected(state, res, caught) {
	if (sendGenerationError(res, caught)) return;
	const error = /** @type {Error} */ (caught);
	state.log(`internal error: ${error.stack || error}`);
	if (res.headersSent) {
		res.serverDropped = true;
		res.destroy();
	} else sendGoJson(res, 500, { business_code: 500, message: String(error.message || error) });
}

/**
 * @param {State} state
 * @param {AogServer} api
 * @param {Ctx['req']} req
 * @param {Ctx['res']} res
 */
async function handleRequest(state, api, req, res) {
	const url = new URL(req.url, 'http://aog.local');
	const [counter, handler] = route(req.method, url.pathname);
	state.counters[counter] += 1;
	if (counter !== 'control') state.counters.total += 1;
	logWhenDone(state, req, res);
	const generation = GENERATION_ROUTES[counter] ? state.generation.track(GENERATION_ROUTES[counter], res) : undefined;
	// A connection closed before the answer was complete, by the client (not by a scripted reset or cut).
	res.on('close', () => {
		if (counter !== 'control' && !res.writableFinished && !res.serverDropped && !state.closed)
			state.counters.clientAborts += 1;
	});
	const { text, tooLarge } = await readBody(req);
	const dropConnection = () => {
		res.serverDropped = true;
		req.socket.destroy();
	};
	/** @type {Ctx} */
	const ctx = { req, res, text, query: url.searchParams, dropConnection };
	if (generation) {
		ctx.generationIndex = generation.index;
		ctx.record = generation;
		ctx.delayMs = generation.delayMs = generationDelay(state.options, generation.index);
	}
	if (handler === 'control') return handleControl(api, ctx);
	recordRequest(state, req, text);
	if (tooLarge) return sendGoJson(res, 500, { business_code: 500, message: 'http: request body too large' });
	try {
		await handler(state, ctx);
	} catch (error) {
		if (!state.closed) answerUnexpected(state, res, error);
	}
}

/**
 * @param {http.Server} server
 * @param {number} port
 * @returns {Promise<number>}
 */
function listen(server, port) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, HOST, () => {
			server.off('error', reject);
			resolve(/** @type {import('net').AddressInfo} */ (server.address()).port);
		});
	});
}

/**
 * @param {State} state
 * @param {http.Server} server
 */
async function closeServer(state, server) {
	if (state.closed) return;
	state.closed = true;
	for (const timer of state.timers) clearTimeout(timer);
	state.timers.clear();
	state.videoMaker.killAll();
	const closed = new Promise((/** @type {(value?: unknown) => void} */ resolve) => server.close(() => resolve()));
	for (const socket of state.sockets) socket.destroy(); // hanging and keep-alive connections included
	await closed;
}

/**
 * @param {State} state
 * @param {http.Server} server
 * @returns {AogServer}
 */
function createApi(state, server) {
	/** @type {AogServer} */
	const api = {
		get url() {
			return state.url;
		},
		get port() {
			return Number(new URL(state.url).port);
		},
		counters: state.counters,
		lastRequests: state.lastRequests,
		encoderStats: state.videoMaker.stats,
		generation: state.generation.view,
		get setup() {
			return state.setup.view;
		},
		get options() {
			return { ...state.options };
		},
		resetCounters: () => {
			zeroCounters(state.counters);
			state.generation.reset();
		},
		reset: () => {
			zeroCounters(state.counters);
			state.generation.reset();
			state.failures.clear();
			state.lastRequests.length = 0;
			state.loopingUrls.clear();
		},
		setOptions: (patch) => {
			state.options = mergeOptions(state.options, patch);
			return { ...state.options };
		},
		scriptFailures: (failures) => state.failures.add(failures),
		pendingFailures: () => /** @type {ScriptedFailure[]} */ (state.failures.list()),
		close: () => closeServer(state, server),
	};
	return api;
}

/**
 * Start the server on 127.0.0.1 (port 0 = any free port).
 * @param {AogServerOptions} [startOptions]
 * @returns {Promise<AogServer>}
 */
async function startAogServer(startOptions = {}) {
	const { port = 0, setUp = true, ...rest } = startOptions;
	const state = createState(
		mergeOptions(DEFAULT_OPTIONS, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined))),
		setUp !== false,
	);
	const server = http.createServer();
	const api = createApi(state, server);
	server.on('connection', (socket) => {
		state.sockets.add(socket);
		socket.on('close', () => state.sockets.delete(socket));
	});
	server.on('request', (req, res) => {
		handleRequest(state, api, /** @type {Ctx['req']} */ (req), res).catch((error) =>
			answerUnexpected(state, res, error),
		);
	});
	state.url = `http://${HOST}:${await listen(server, port)}`;
	return api;
}

module.exports = { startAogServer, DEFAULT_OPTIONS, COUNTER_NAMES };
