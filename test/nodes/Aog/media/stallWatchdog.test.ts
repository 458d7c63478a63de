import { watchStall } from '../../../../nodes/Aog/media/stallWatchdog';

// No upper time bound here: on a loaded machine a timer may fire late by hundreds of ms. What is judged is order
// (never before idleMs, once, never after stop) and activity that is fresh whenever the watchdog looks.
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, withinMs = 10_000): Promise<void> {
	const end = Date.now() + withinMs;
	while (!check() && Date.now() < end) await wait(10);
	if (!check()) throw new Error('condition not met in time');
}

describe('watchStall', () => {
	it('calls onStall once when nothing happened for idleMs, never sooner', async () => {
		const stallsAt: number[] = [];
		const started = Date.now();
		const watch = watchStall(
			200,
			() => started,
			() => stallsAt.push(Date.now()),
		);
		await until(() => stallsAt.length > 0);
		expect(stallsAt[0] - started).toBeGreaterThanOrEqual(200);
		await wait(500); // several more of its 50 ms looks
		watch.stop();
		expect(stallsAt).toHaveLength(1);
	});

	it('does not fire while there is activity, and never after stop', async () => {
		let stalls = 0;
		// Activity is always fresh when the watchdog looks, however late its timer fires.
		let lastActivity = () => Date.now();
		const watch = watchStall(
			300,
			() => lastActivity(),
			() => stalls++,
		);
		await wait(1000); // about 13 looks (every 75 ms)
		expect(stalls).toBe(0);
		watch.stop();
		lastActivity = () => 0; // idle for ages: a running watchdog would fire at its next look
		await wait(600);
		expect(stalls).toBe(0);
	});
});
