'use strict';
// An AOG-compatible dev server: AOG's routes and quirks, DashScope's checks, real MP4s, scripted failures.
const http = require('http');
const { VideoMaker } = require('./video-maker');
const { FailureQueue } = require('./failures');
const { VideoStore, handleVideo } = require('./videos');
const { handleStandardPost, handleNativePost, sendGenerationError } = require('./generation');
const { sendHealth, sendVersion, sendEngineHealth, sendModelList, sendModels } = require('./discovery');
const { AogSetup, handleInstall, handleProviderUpdate } = require('./setup');
const { handleControl } = require('./control');
const { sendHtmlTrap, sendNotFound, sendGoJson } = require('./responses');
const { describeBody } = require('./request-log');
const { GenerationGauge, generationDelay } = require('./gauges');

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_LOGGED_REQUESTS = 50;
const COUNTER_NAMES = [
	'health', 'version', 'engineHealth', 'i2vPosts', 'nativePosts', 'modelList', 'models', 'setup', 'downloads', 'control', 'other', 'total', 'clientAborts',
	'upstreamTasks', 'upstreamTasksBilled',
];
// resubmitWaitsMs: AOG's waits before re-submitting after an upstream 5xx, 2000 and 4000 ms in v0.7, compressed 100x.
// pollCapMs: AOG's polling budget (100 polls, 500 ms apart); 0 = never gives up on its own (scripted pollExhausted only).
const DEFAULT_OPTIONS = { generationDelayMs: 0, generationDelaysMs: [], resubmitWaitsMs: [20, 40], pollCapMs: 0, videoTtlSeconds: 86400, fileRoot: undefined, syntheticVideoBytes: 0, quiet: true };
const MS_LISTS = new Set(['generationDelaysMs', 'resubmitWaitsMs']);
const GENERATION_ROUTES = { i2vPosts: 'standard', nativePosts: 'native' };

const NUMBER_OPTIONS = new Set(['generationDelayMs', 'pollCapMs', 'videoTtlSeconds', 'syntheticVideoBytes']);

/** Validated copy of `current` with `patch` applied; throws on unknown names and bad values. */
function mergeOptions(current, patch = {}) {
	const merged = { ...current };
	for (const [name, value] of Object.entries(patch)) {
		if (!(name in DEFAULT_OPTIONS)) throw new Error(`unknown option "${name}"; known: ${Object.keys(DEFAULT_OPTIONS).join(', ')}`);
		if (NUMBER_OPTIONS.has(name) && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) throw new Error(`option ${name} must be a number >= 0`);
		if (MS_LISTS.has(name) && !(Array.isArray(value) && value.every((ms) => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0))) throw new Error(`option ${name} must be an array of numbers >= 0`);
		if (name === 'fileRoot' && value !== undefined && value !== null && typeof value !== 'string') throw new Error('option fileRoot must be a folder path or null');
		merged[name] = name === 'quiet' ? Boolean(value) : name === 'fileRoot' ? value ?? undefined : MS_LISTS.has(name) ? [...value] : value;
	}
	return merged;
}

function zeroCounters(counters) {
	for (const name of COUNTER_NAMES) counters[name] = 0;
	return counters;
}

/** Which counter a request belongs to and who answers it. */
function route(method, pathname) {
	if (pathname === '/__control' || pathname.startsWith('/__control/')) return ['control', 'control'];
	const known = {
		'GET /health': ['health', (state, ctx) => sendHealth(ctx.res)],
		'GET /version': ['version', (state, ctx) => sendVersion(ctx.res)],
		'GET /engine/health': ['engineHealth', (state, ctx) => sendEngineHealth(ctx.res)],
		'POST /aog/v0.2/service/install': ['setup', handleInstall],
		'PUT /aog/v0.2/service_provider': ['setup', handleProviderUpdate],
		'POST /aog/v0.2/services/image-to-video': ['i2vPosts', handleStandardPost],
		'POST /aog/v0.2/api_flavors/aliyun/v1/image-to-video': ['nativePosts', handleNativePost],
		'GET /aog/v0.2/control_panel/modellist': ['modelList', (state, ctx) => sendModelList(ctx.res, ctx.query, state.setup)],
		'GET /aog/v0.2/model': ['models', (state, ctx) => sendModels(ctx.res, state.setup)],
	}[`${method} ${pathname}`];
	if (known) return known;
	if (pathname.startsWith('/videos/')) return [method === 'GET' ? 'downloads' : 'other', handleVideo];
	// AOG's control panel catches every other /aog/v0.2/ path and method: a 200 text/html trap.
	if (pathname === '/aog/v0.2' || pathname.startsWith('/aog/v0.2/')) return ['other', (state, ctx) => sendHtmlTrap(ctx.res)];
	return ['other', (state, ctx) => sendNotFound(ctx.res)]; // gin's 404 page not found, text/plain
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk); // beyond the cap keep reading, but drop the bytes
		});
		req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES }));
		req.on('error', reject);
	});
}

// AOG_SERVER_DEBUG=1 logs every request to stderr even when quiet (jest buffers console.log, not stderr).
const DEBUG_TO_STDERR = Boolean(process.env.AOG_SERVER_DEBUG);

function writeLog(state, line) {
	if (DEBUG_TO_STDERR) process.stderr.write(`[aog-server ${state.url}] ${line}\n`);
	else if (!state.options.quiet) console.log(`[aog-server] ${line}`);
}

function createState(options, setUp) {
	const state = {
		options,
		setup: new AogSetup(setUp),
		url: '',
		closed: false,
		counters: zeroCounters({}),
		failures: new FailureQueue(),
		lastRequests: [],
		loopingUrls: new Set(),
		timers: new Set(),
		sockets: new Set(),
		videoMaker: new VideoMaker(),
		generation: new GenerationGauge(),
		log: (line) => writeLog(state, line),
	};
	state.videos = new VideoStore(state);
	// Waits that end early when the server closes would answer on dead sockets, so they simply never end.
	state.sleep = (ms) => (ms > 0 ? new Promise((resolve) => {
		const timer = setTimeout(() => {
			state.timers.delete(timer);
			resolve();
		}, ms);
		state.timers.add(timer);
	}) : Promise.resolve());
	return state;
}

function recordRequest(state, req, text) {
	state.lastRequests.push({ method: req.method, path: req.url, headers: { ...req.headers }, body: describeBody(text) });
	if (state.lastRequests.length > MAX_LOGGED_REQUESTS) state.lastRequests.splice(0, state.lastRequests.length - MAX_LOGGED_REQUESTS);
}

function logWhenDone(state, req, res) {
	if (state.options.quiet && !DEBUG_TO_STDERR) return;
	const started = Date.now();
	if (DEBUG_TO_STDERR) state.log(`${req.method} ${req.url.slice(0, 120)} received`);
	res.on('close', () => state.log(`${req.method} ${req.url.slice(0, 120)} -> ${res.headersSent ? res.statusCode : 'no answer'} (${Date.now() - started} ms)`));
}

function answerUnexpected(state, res, error) {
	if (sendGenerationError(res, error)) return;
	state.log(`internal error: ${error.stack || error}`);
	if (res.headersSent) {
		res.serverDropped = true;
		res.destroy();
	}
	else sendGoJson(res, 500, { business_code: 500, message: String(error.message || error) });
}

async function handleRequest(state, api, req, res) {
	const url = new URL(req.url, 'http://aog.local');
	const [counter, handler] = route(req.method, url.pathname);
	state.counters[counter] += 1;
	if (counter !== 'control') state.counters.total += 1;
	logWhenDone(state, req, res);
	const generation = GENERATION_ROUTES[counter] ? state.generation.track(GENERATION_ROUTES[counter], res) : undefined;
	// A connection closed before the answer was complete, by the client (not by a scripted reset or cut).
	res.on('close', () => {
		if (counter !== 'control' && !res.writableFinished && !res.serverDropped && !state.closed) state.counters.clientAborts += 1;
	});
	const { text, tooLarge } = await readBody(req);
	const dropConnection = () => {
		res.serverDropped = true;
		req.socket.destroy();
	};
	const ctx = { req, res, text, query: url.searchParams, dropConnection };
	if (generation) {
		ctx.generationIndex = generation.index;
		ctx.record = generation;
		ctx.delayMs = generation.delayMs = generationDelay(state.options, generation.index);
	}
	if (counter === 'control') return handleControl(api, ctx);
	recordRequest(state, req, text);
	if (tooLarge) return sendGoJson(res, 500, { business_code: 500, message: 'http: request body too large' });
	try {
		await handler(state, ctx);
	} catch (error) {
		if (!state.closed) answerUnexpected(state, res, error);
	}
}

function listen(server, port) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, HOST, () => {
			server.off('error', reject);
			resolve(server.address().port);
		});
	});
}

async function closeServer(state, server) {
	if (state.closed) return;
	state.closed = true;
	for (const timer of state.timers) clearTimeout(timer);
	state.timers.clear();
	state.videoMaker.killAll();
	const closed = new Promise((resolve) => server.close(() => resolve()));
	for (const socket of state.sockets) socket.destroy(); // hanging and keep-alive connections included
	await closed;
}

function createApi(state, server) {
	const api = {
		get url() { return state.url; },
		get port() { return Number(new URL(state.url).port); },
		counters: state.counters,
		lastRequests: state.lastRequests,
		encoderStats: state.videoMaker.stats,
		generation: state.generation.view,
		get setup() { return state.setup.view; },
		get options() { return { ...state.options }; },
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
		pendingFailures: () => state.failures.list(),
		close: () => closeServer(state, server),
	};
	return api;
}

/** Start the server on 127.0.0.1 (port 0 = any free port). See index.d.ts for the options and the returned object. */
async function startAogServer(startOptions = {}) {
	const { port = 0, setUp = true, ...rest } = startOptions;
	const state = createState(mergeOptions(DEFAULT_OPTIONS, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined))), setUp !== false);
	const server = http.createServer();
	const api = createApi(state, server);
	server.on('connection', (socket) => {
		state.sockets.add(socket);
		socket.on('close', () => state.sockets.delete(socket));
	});
	server.on('request', (req, res) => {
		handleRequest(state, api, req, res).catch((error) => answerUnexpected(state, res, error));
	});
	state.url = `http://${HOST}:${await listen(server, port)}`;
	return api;
}

module.exports = { startAogServer, DEFAULT_OPTIONS, COUNTER_NAMES };
