'use strict';
// What the generation routes see over time: requests in flight now and at most, and when each came and went.
// Lets tests check a client's concurrency limit and that a shared backoff really paused every request.
// The DashScope dev server counts its submits and polls with it too.

const MAX_RECORDED = 1000;

/**
 * One request (a generation POST of either AOG route; a DashScope submit or poll), as the gauge saw it.
 * Times are Date.now() of the server's process.
 * @template {string} [Route=string]
 * @typedef {object} TrackedRequest
 * @property {Route} route
 * @property {number} index Arrival order since the last reset, from 0.
 * @property {number} receivedAt When the request's headers arrived.
 * @property {number} [answeredAt] When the answer was handed to the socket, or the connection closed; undefined while in flight.
 * @property {number} [status] Status sent, undefined when no answer was sent (reset, hang, client gave up).
 * @property {number} [delayMs] AOG: the simulated generation time this request was given.
 * @property {number} upstreamTasks AOG: tasks this request created upstream (see AogCounters.upstreamTasks).
 * @property {number} upstreamTasksBilled AOG: of those, tasks that ended SUCCEEDED (billed), possibly after the answer.
 */

/** @typedef {TrackedRequest<'standard' | 'native'>} GenerationRequest */

/**
 * @template {string} [Route=string]
 * @typedef {object} RequestGaugeView
 * @property {number} inFlight Requests being answered right now.
 * @property {number} maxInFlight The most at once since the last reset (reset sets it to the current inFlight).
 * @property {Array<TrackedRequest<Route>>} requests The last 1000 requests, in arrival order.
 */

/** @template {string} [Route=string] */
class GenerationGauge {
	constructor() {
		/**
		 * Live object handed out as `server.generation`.
		 * @type {RequestGaugeView<Route>}
		 */
		this.view = { inFlight: 0, maxInFlight: 0, requests: [] };
		this.arrivals = 0;
	}

	/**
	 * Count one generation request from its arrival (headers read) until its answer is handed to the socket
	 * or the connection closes. Returns the record, which the route may annotate (delayMs).
	 * @param {Route} route
	 * @param {import('http').ServerResponse} res
	 * @param {number} [now]
	 * @returns {TrackedRequest<Route>}
	 */
	track(route, res, now = Date.now()) {
		const { view } = this;
		view.inFlight += 1;
		view.maxInFlight = Math.max(view.maxInFlight, view.inFlight);
		/** @type {TrackedRequest<Route>} */
		const record = {
			route,
			index: this.arrivals++,
			receivedAt: now,
			answeredAt: undefined,
			status: undefined,
			upstreamTasks: 0,
			upstreamTasksBilled: 0,
		};
		view.requests.push(record);
		if (view.requests.length > MAX_RECORDED) view.requests.splice(0, view.requests.length - MAX_RECORDED);
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			view.inFlight -= 1;
			record.answeredAt = Date.now();
			record.status = res.headersSent ? res.statusCode : undefined;
		};
		res.on('finish', finish);
		res.on('close', finish);
		return record;
	}

	/** Forget the history; requests still running stay counted in inFlight (and so in maxInFlight). */
	reset() {
		this.view.requests.length = 0;
		this.view.maxInFlight = this.view.inFlight;
		this.arrivals = 0;
	}
}

/**
 * The delay of the n-th generation since the last reset: generationDelaysMs cycled when given, else generationDelayMs.
 * @param {{ generationDelaysMs: number[]; generationDelayMs: number }} options
 * @param {number} index
 */
function generationDelay(options, index) {
	const sequence = options.generationDelaysMs;
	return sequence && sequence.length > 0 ? sequence[index % sequence.length] : options.generationDelayMs;
}

module.exports = { GenerationGauge, generationDelay };
