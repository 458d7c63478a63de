import { abortableSleep } from '../run/wait';

/**
 * Calls `onStall` once when `lastActivity()` is older than `idleMs`: a request's timeout ends once the headers
 * arrive, so a body that stalls needs its own watch. Waits with abortableSleep (nodes may not use timers), one abort
 * controller per wait so no listeners pile up.
 */
export function watchStall(idleMs: number, lastActivity: () => number, onStall: () => void): { stop: () => void } {
	let stopped = false;
	let tick: AbortController | undefined;
	const interval = Math.max(50, Math.min(1000, idleMs / 4));
	void (async () => {
		while (!stopped) {
			tick = new AbortController();
			try {
				await abortableSleep(interval, tick.signal);
			} catch {
				return;
			}
			if (!stopped && Date.now() - lastActivity() >= idleMs) {
				onStall();
				return;
			}
		}
	})();
	return {
		stop: () => {
			stopped = true;
			tick?.abort();
		},
	};
}
