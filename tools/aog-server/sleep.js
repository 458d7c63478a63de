'use strict';
// The dev servers' waits (simulated generation and task times). Closing a server clears their timers, and a
// cleared wait never ends: nothing then answers on a dead socket or acts on dead state.

/**
 * A sleep function whose pending timers are kept in `timers`, for the server to clear when it closes.
 * @param {Set<NodeJS.Timeout>} timers
 * @returns {(ms: number) => Promise<void>}
 */
function sleeper(timers) {
	return (ms) =>
		ms > 0
			? new Promise((resolve) => {
					const timer = setTimeout(() => {
						timers.delete(timer);
						resolve();
					}, ms);
					timers.add(timer);
				})
			: Promise.resolve();
}

module.exports = { sleeper };
