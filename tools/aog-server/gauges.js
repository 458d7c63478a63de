'use strict';
// What the generation routes see over time: requests in flight now and at most, and when each came and went.
// Lets tests check a client's concurrency limit and that a shared backoff really paused every request.

const MAX_RECORDED = 1000;

class GenerationGauge {
	constructor() {
		/** Live object handed out as `server.generation`. */
		this.view = { inFlight: 0, maxInFlight: 0, requests: [] };
		this.arrivals = 0;
	}

	/**
	 * Count one generation request from its arrival (headers read) until its answer is handed to the socket
	 * or the connection closes. Returns the record, which the route may annotate (delayMs).
	 */
	track(route, res, now = Date.now()) {
		const { view } = this;
		view.inFlight += 1;
		view.maxInFlight = Math.max(view.maxInFlight, view.inFlight);
		const record = { route, index: this.arrivals++, receivedAt: now, answeredAt: undefined, status: undefined, upstreamTasks: 0, upstreamTasksBilled: 0 };
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

/** The delay of the n-th generation since the last reset: generationDelaysMs cycled when given, else generationDelayMs. */
function generationDelay(options, index) {
	const sequence = options.generationDelaysMs;
	return sequence && sequence.length > 0 ? sequence[index % sequence.length] : options.generationDelayMs;
}

module.exports = { GenerationGauge, generationDelay };
