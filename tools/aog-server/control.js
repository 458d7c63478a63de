'use strict';
// /__control/*: the same controls as the JS API, for the CLI and for other processes.

/**
 * @param {import('http').ServerResponse} res
 * @param {number} status
 * @param {unknown} value
 */
function sendJson(res, status, value) {
	const body = JSON.stringify(value);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(body),
	});
	res.end(body);
}

/**
 * @param {string} text
 * @returns {any}
 */
function parseBody(text) {
	if (text.trim() === '') return {};
	return JSON.parse(text);
}

/** @type {Record<string, (api: import('./server').AogServer, body: any) => unknown>} */
const CONTROL_ROUTES = {
	'POST /__control/failures': (api, body) => {
		const failures = Array.isArray(body) ? body : body.failures;
		if (!Array.isArray(failures)) throw new Error('expected {"failures":[...]}');
		return { queued: api.scriptFailures(failures), failures: api.pendingFailures() };
	},
	'GET /__control/failures': (api) => ({ failures: api.pendingFailures() }),
	'POST /__control/options': (api, body) => ({ options: api.setOptions(body) }),
	'GET /__control/options': (api) => ({ options: api.options }),
	'POST /__control/reset': (api) => {
		api.reset();
		return { ok: true };
	},
	'GET /__control/counters': (api) => api.counters,
	'GET /__control/generation': (api) => api.generation,
	'GET /__control/requests': (api) => api.lastRequests,
};

/**
 * Answers a control call; 400 with {error} when the body or a value is invalid.
 * @param {import('./server').AogServer} api
 * @param {import('./server').Ctx} ctx
 */
function handleControl(api, ctx) {
	const { req, res } = ctx;
	const route = CONTROL_ROUTES[`${req.method} ${new URL(req.url || '/', 'http://control').pathname}`];
	if (!route)
		return sendJson(res, 404, {
			error: `unknown control endpoint ${req.method} ${req.url}`,
			endpoints: Object.keys(CONTROL_ROUTES),
		});
	try {
		sendJson(res, 200, route(api, parseBody(ctx.text)));
	} catch (error) {
		sendJson(res, 400, { error: /** @type {Error} */ (error).message });
	}
}

module.exports = { handleControl, CONTROL_ENDPOINTS: Object.keys(CONTROL_ROUTES) };
